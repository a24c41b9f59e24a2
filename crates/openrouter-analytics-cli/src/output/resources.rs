//! What the spec does not say about showing a resource, in one place: per operation
//! ([`LOOKS`]), the default columns of its table and CSV and their order, headers that
//! read better than the field's name, which columns a narrow terminal may drop first,
//! and a few display rules ([`Look`]). A friendly command and `openrouter api` show an
//! operation's answer the same way.
//!
//! Everything else (which fields there are, their kinds, which are dollars) comes from
//! the generated resource model ([`openrouter_analytics::ResponseInfo`]); an operation
//! with no look shows every column the spec lists, in the spec's order. A test checks
//! that every look names real columns.

use openrouter_analytics::{OperationInfo, ops};

/// How a friendly command shows a resource, beyond what the spec says: the columns of
/// its table (or the rows of its detail view) with their headers, and a few display
/// rules. Kinds, dollars and the CSV's columns come from the spec, so a field added
/// there is in CSV and `--columns` with no change here. The looks are in
/// this module.
#[derive(Clone, Copy, Debug)]
pub struct Look {
    /// `(field, header)`: a list's columns, or an object's rows, in this order.
    pub fields: &'static [(&'static str, &'static str)],
    /// Columns a table fitted to a narrow terminal may leave out, the first one first.
    pub optional: &'static [&'static str],
    /// What a `null` reads as where a blank would mislead (`limit`: `none`).
    pub null_as: &'static [(&'static str, &'static str)],
    /// A field shown after another in parentheses, `(field, after)`: `$25.00 (monthly)`.
    pub suffix: &'static [(&'static str, &'static str)],
    /// Identifiers shortened on a narrow terminal.
    pub short: &'static [&'static str],
    /// Columns a list sums in a `TOTAL` row.
    pub totals: &'static [&'static str],
    /// Prices in dollars per token (decimal text) that a table shows per million tokens
    /// (`varies` for a negative one: a router's price depends on the model it picks),
    /// and CSV adds beside the price as sent, as `FIELD_per_million`.
    pub per_million: &'static [&'static str],
    /// Dollars that a table shows as a price, past the cent (`$0.012345`): the cost of
    /// one request.
    pub prices: &'static [&'static str],
    /// Numbers a table rounds to whole ones and shows with a unit, `(field, unit)`:
    /// `1,535 ms`.
    pub units: &'static [(&'static str, &'static str)],
}

/// A look with no rules: the base of the others.
const PLAIN: Look = Look {
    fields: &[],
    optional: &[],
    null_as: &[],
    suffix: &[],
    short: &[],
    totals: &[],
    per_million: &[],
    prices: &[],
    units: &[],
};

/// `keys list`: spend per key, summed under the list.
const KEYS_LIST: Look = Look {
    fields: &[
        ("name", "NAME"),
        ("hash", "HASH"),
        ("limit", "LIMIT (USD)"),
        ("limit_remaining", "REMAINING (USD)"),
        ("usage_daily", "TODAY (USD)"),
        ("usage_weekly", "WEEK (USD)"),
        ("usage_monthly", "MONTH (USD)"),
        ("usage", "TOTAL (USD)"),
        ("last_used_at", "LAST USED (UTC)"),
        ("disabled", "DISABLED"),
        ("label", "LABEL"),
    ],
    optional: &[
        "label",
        "usage_weekly",
        "limit_remaining",
        "last_used_at",
        "disabled",
        "limit",
        "usage_daily",
    ],
    null_as: &[("limit", "none"), ("last_used_at", "never")],
    short: &["hash"],
    totals: &["usage_daily", "usage_weekly", "usage_monthly", "usage"],
    ..PLAIN
};

/// The rows of one API key (`keys show`, `keys update`), before the secret of
/// `keys create`.
const KEY_ROWS: [(&str, &str); 16] = [
    ("name", "Name"),
    ("label", "Label"),
    ("hash", "Hash"),
    ("disabled", "Disabled"),
    ("workspace_id", "Workspace"),
    ("limit", "Limit"),
    ("limit_remaining", "Remaining"),
    ("include_byok_in_limit", "BYOK in limit"),
    ("usage_daily", "Usage today"),
    ("usage_weekly", "Usage this week"),
    ("usage_monthly", "Usage this month"),
    ("usage", "Usage total"),
    ("byok_usage", "BYOK usage total"),
    ("last_used_at", "Last used (UTC)"),
    ("created_at", "Created (UTC)"),
    ("expires_at", "Expires (UTC)"),
];

/// What a `null` means in a key's rows.
const KEY_NULLS: &[(&str, &str)] = &[
    ("limit", "none"),
    ("last_used_at", "never"),
    ("expires_at", "never"),
];

/// `keys show` and `keys update`: one API key.
const KEY: Look = Look {
    fields: &KEY_ROWS,
    null_as: KEY_NULLS,
    suffix: &[("limit", "limit_reset")],
    ..PLAIN
};

/// `keys create`: the new key, then its secret, shown this once.
const KEY_CREATED: Look = Look {
    fields: &{
        let mut rows = [("key", "Key (secret)"); 17];
        let mut i = 0;
        while i < KEY_ROWS.len() {
            rows[i] = KEY_ROWS[i];
            i += 1;
        }
        rows
    },
    ..KEY
};

/// `openrouter key`: the key in use (its budgets follow as a table of their own).
const CURRENT_KEY: Look = Look {
    fields: &[
        ("label", "Label"),
        ("is_management_key", "Management key"),
        ("limit", "Limit"),
        ("limit_remaining", "Remaining"),
        ("usage_daily", "Usage today"),
        ("usage_weekly", "Usage this week"),
        ("usage_monthly", "Usage this month"),
        ("usage", "Usage total"),
        ("byok_usage", "BYOK usage total"),
        ("expires_at", "Expires (UTC)"),
    ],
    null_as: &[("limit", "none"), ("expires_at", "never")],
    ..KEY
};

/// `openrouter credits` (the balance and runway are computed beside it).
const CREDITS: Look = Look {
    fields: &[
        ("total_credits", "Total credits"),
        ("total_usage", "Total usage"),
    ],
    ..PLAIN
};

/// `guardrails list`: a row per guardrail; a list it does not restrict reads `any`.
const GUARDRAILS_LIST: Look = Look {
    fields: &[
        ("name", "NAME"),
        ("id", "ID"),
        ("limit_usd", "LIMIT (USD)"),
        ("reset_interval", "RESETS"),
        ("allowed_models", "MODELS"),
        ("allowed_providers", "PROVIDERS"),
        ("created_at", "CREATED (UTC)"),
    ],
    optional: &["created_at", "allowed_providers"],
    null_as: GUARDRAIL_NULLS,
    short: &["id"],
    ..PLAIN
};

/// What a `null` (or an empty list) means in a guardrail.
const GUARDRAIL_NULLS: &[(&str, &str)] = &[
    ("limit_usd", "none"),
    ("reset_interval", "never"),
    ("allowed_models", "any"),
    ("allowed_providers", "any"),
];

/// `guardrails show|create|update`: one guardrail.
const GUARDRAIL: Look = Look {
    fields: &[
        ("name", "Name"),
        ("id", "Id"),
        ("description", "Description"),
        ("limit_usd", "Limit"),
        ("reset_interval", "Resets"),
        ("allowed_models", "Allowed models"),
        ("allowed_providers", "Allowed providers"),
        ("include_byok_in_budgets", "BYOK in budgets"),
        ("workspace_id", "Workspace"),
        ("created_at", "Created (UTC)"),
    ],
    null_as: GUARDRAIL_NULLS,
    ..PLAIN
};

/// `byok list`: the provider keys, masked as OpenRouter sends them.
const BYOK_LIST: Look = Look {
    fields: &[
        ("provider", "PROVIDER"),
        ("name", "NAME"),
        ("label", "LABEL"),
        ("id", "ID"),
        ("disabled", "DISABLED"),
        ("is_fallback", "FALLBACK"),
        ("allowed_models", "MODELS"),
        ("created_at", "CREATED (UTC)"),
    ],
    optional: &["created_at", "allowed_models", "is_fallback", "id"],
    null_as: &[("allowed_models", "any")],
    short: &["id"],
    ..PLAIN
};

/// `models`: each model's prices per million tokens, for cost estimates.
const MODELS: Look = Look {
    fields: &[
        ("id", "MODEL"),
        ("pricing.prompt", "PROMPT (USD/M)"),
        ("pricing.completion", "COMPLETION (USD/M)"),
        ("context_length", "CONTEXT"),
        ("name", "NAME"),
    ],
    optional: &["name", "context_length"],
    per_million: &["pricing.prompt", "pricing.completion"],
    ..PLAIN
};

/// `members`: the organization's people.
const MEMBERS: Look = Look {
    fields: &[
        ("id", "ID"),
        ("first_name", "FIRST NAME"),
        ("last_name", "LAST NAME"),
        ("email", "EMAIL"),
        ("role", "ROLE"),
    ],
    optional: &["id"],
    short: &["id"],
    ..PLAIN
};

/// `workspaces list`.
const WORKSPACES: Look = Look {
    fields: &[
        ("id", "ID"),
        ("slug", "SLUG"),
        ("name", "NAME"),
        ("description", "DESCRIPTION"),
        ("created_at", "CREATED (UTC)"),
    ],
    optional: &["description", "created_at"],
    short: &["id"],
    ..PLAIN
};

/// `workspaces show|create|update`: one workspace and its settings.
const WORKSPACE: Look = Look {
    fields: &[
        ("id", "ID"),
        ("slug", "Slug"),
        ("name", "Name"),
        ("description", "Description"),
        ("created_at", "Created (UTC)"),
        ("updated_at", "Updated (UTC)"),
        ("created_by", "Created by"),
        ("default_text_model", "Default text model"),
        ("default_image_model", "Default image model"),
        ("default_provider_sort", "Default provider sort"),
        ("default_guardrail_id", "Default guardrail"),
        ("include_byok_in_budgets", "BYOK in budgets"),
        ("io_logging_sampling_rate", "I/O logging sample rate"),
        ("is_data_discount_logging_enabled", "Data discount logging"),
        (
            "is_observability_broadcast_enabled",
            "Observability broadcast",
        ),
        (
            "is_observability_io_logging_enabled",
            "Observability I/O logging",
        ),
    ],
    ..PLAIN
};

/// `workspaces budgets`: a budget without an interval never resets.
const WORKSPACE_BUDGETS: Look = Look {
    fields: &[
        ("reset_interval", "RESETS"),
        ("limit_usd", "LIMIT (USD)"),
        ("id", "BUDGET ID"),
        ("updated_at", "UPDATED (UTC)"),
    ],
    optional: &["updated_at"],
    null_as: &[("reset_interval", "never")],
    short: &["id"],
    ..PLAIN
};

/// `workspaces members`.
const WORKSPACE_MEMBERS: Look = Look {
    fields: &[
        ("user_id", "USER ID"),
        ("role", "ROLE"),
        ("created_at", "ADDED (UTC)"),
    ],
    ..PLAIN
};

/// `generation`: one request; its cost past the cent, times in milliseconds.
const GENERATION: Look = Look {
    fields: &[
        ("id", "ID"),
        ("created_at", "Created (UTC)"),
        ("model", "Model"),
        ("provider_name", "Provider"),
        ("tokens_prompt", "Prompt tokens"),
        ("tokens_completion", "Completion tokens"),
        ("native_tokens_reasoning", "Reasoning tokens"),
        ("native_tokens_cached", "Cached tokens"),
        ("total_cost", "Cost"),
        ("is_byok", "BYOK"),
        ("latency", "Latency"),
        ("generation_time", "Generation time"),
        ("finish_reason", "Finish reason"),
        ("streamed", "Streamed"),
    ],
    prices: &["total_cost"],
    units: &[("latency", "ms"), ("generation_time", "ms")],
    ..PLAIN
};

/// `activity`'s rows as `openrouter api analytics get-user-activity` shows them (the
/// `activity` command renders its own report).
const ACTIVITY: Look = Look {
    fields: &[
        ("date", "DATE"),
        ("model", "MODEL"),
        ("provider_name", "PROVIDER"),
        ("usage", "SPEND (USD)"),
        ("byok_usage_inference", "BYOK (USD)"),
        ("requests", "REQUESTS"),
        ("prompt_tokens", "PROMPT"),
        ("completion_tokens", "COMPLETION"),
        ("reasoning_tokens", "REASONING"),
    ],
    optional: &["reasoning_tokens", "byok_usage_inference", "provider_name"],
    ..PLAIN
};

/// The look of each operation that has one.
pub const LOOKS: &[(&OperationInfo, &Look)] = &[
    (ops::ANALYTICS_GET_USER_ACTIVITY, &ACTIVITY),
    (ops::API_KEYS_LIST, &KEYS_LIST),
    (ops::API_KEYS_GET, &KEY),
    (ops::API_KEYS_UPDATE, &KEY),
    (ops::API_KEYS_CREATE, &KEY_CREATED),
    (ops::API_KEYS_GET_CURRENT_KEY_METADATA, &CURRENT_KEY),
    (ops::CREDITS_GET_CREDITS, &CREDITS),
    (ops::GUARDRAILS_LIST, &GUARDRAILS_LIST),
    (ops::GUARDRAILS_GET, &GUARDRAIL),
    (ops::GUARDRAILS_CREATE, &GUARDRAIL),
    (ops::GUARDRAILS_UPDATE, &GUARDRAIL),
    (ops::BYOK_LIST, &BYOK_LIST),
    (ops::MODELS_LIST, &MODELS),
    (ops::ORGANIZATION_LIST_MEMBERS, &MEMBERS),
    (ops::WORKSPACES_LIST, &WORKSPACES),
    (ops::WORKSPACES_GET, &WORKSPACE),
    (ops::WORKSPACES_CREATE, &WORKSPACE),
    (ops::WORKSPACES_UPDATE, &WORKSPACE),
    (ops::WORKSPACES_LIST_BUDGETS, &WORKSPACE_BUDGETS),
    (ops::WORKSPACES_LIST_MEMBERS, &WORKSPACE_MEMBERS),
    (ops::GENERATIONS_GET_GENERATION, &GENERATION),
];

/// The look of `op`, if it has one.
pub fn look_of(op: &OperationInfo) -> Option<&'static Look> {
    LOOKS
        .iter()
        .find(|(with, _)| with.operation_id == op.operation_id)
        .map(|(_, look)| *look)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns are named by strings: a typo would silently do nothing, so every name
    /// is checked against the generated table.
    #[test]
    fn every_look_names_real_columns() {
        for (op, look) in LOOKS {
            let response = op.response.expect("a JSON answer");
            let named = look
                .fields
                .iter()
                .map(|(field, _)| field)
                .chain(look.optional)
                .chain(look.null_as.iter().map(|(field, _)| field))
                .chain(look.suffix.iter().flat_map(|(a, b)| [a, b]))
                .chain(look.short)
                .chain(look.totals)
                .chain(look.per_million)
                .chain(look.prices)
                .chain(look.units.iter().map(|(field, _)| field));
            for name in named {
                assert!(
                    response.column(name).is_some(),
                    "{}.{}: no column {name}",
                    op.group,
                    op.method
                );
            }
        }
    }
}
