//! What the spec does not say about showing a resource, in one place: per operation,
//! the default columns of its table and CSV and their order, headers that read
//! better than the field's name, and which columns a narrow terminal may drop first.
//!
//! Everything else (which fields there are, their kinds, which are dollars) comes from
//! the generated resource model ([`openrouter_analytics::ResponseInfo`]); an operation
//! with no entry here shows every column the spec lists, in the spec's order. A test
//! checks that every entry names real columns.

use openrouter_analytics::{OperationInfo, ops};

/// How one operation's answer is shown by default.
#[derive(Clone, Copy, Debug)]
pub struct Override {
    /// The operation, a handle of the generated table.
    pub operation: &'static OperationInfo,
    /// The columns shown without `--columns`, in this order.
    pub columns: &'static [&'static str],
    /// Headers other than the field's name: `(field, header)`.
    pub headers: &'static [(&'static str, &'static str)],
    /// Columns a table fitted to a narrow terminal may leave out, the first one first
    /// (`--wide` keeps them).
    pub optional: &'static [&'static str],
}

/// The overrides, by operation.
pub const OVERRIDES: &[Override] = &[
    Override {
        operation: ops::API_KEYS_LIST,
        columns: &[
            "name",
            "label",
            "disabled",
            "limit",
            "limit_remaining",
            "usage",
            "usage_monthly",
            "created_at",
            "hash",
        ],
        headers: &[
            ("limit_remaining", "remaining"),
            ("usage_monthly", "this month"),
            ("created_at", "created"),
        ],
        optional: &["created_at", "label", "usage_monthly", "hash"],
    },
    Override {
        operation: ops::CREDITS_GET_CREDITS,
        columns: &["total_credits", "total_usage"],
        headers: &[("total_credits", "credits"), ("total_usage", "usage")],
        optional: &[],
    },
    Override {
        operation: ops::ANALYTICS_GET_USER_ACTIVITY,
        columns: &[
            "date",
            "model",
            "provider_name",
            "usage",
            "byok_usage_inference",
            "requests",
            "prompt_tokens",
            "completion_tokens",
            "reasoning_tokens",
        ],
        headers: &[
            ("provider_name", "provider"),
            ("byok_usage_inference", "byok usage"),
            ("prompt_tokens", "prompt"),
            ("completion_tokens", "completion"),
            ("reasoning_tokens", "reasoning"),
        ],
        optional: &["reasoning_tokens", "byok_usage_inference", "provider_name"],
    },
    Override {
        operation: ops::WORKSPACES_LIST,
        columns: &["name", "slug", "id", "description", "created_at"],
        headers: &[("created_at", "created")],
        optional: &["description", "created_at"],
    },
    Override {
        operation: ops::GUARDRAILS_LIST,
        columns: &[
            "name",
            "limit_usd",
            "reset_interval",
            "enforce_zdr",
            "id",
            "workspace_id",
        ],
        headers: &[("limit_usd", "limit"), ("reset_interval", "resets")],
        optional: &["workspace_id", "enforce_zdr"],
    },
    Override {
        operation: ops::MODELS_LIST,
        columns: &[
            "id",
            "name",
            "context_length",
            "pricing.prompt",
            "pricing.completion",
            "architecture.modality",
        ],
        headers: &[
            ("context_length", "context"),
            ("pricing.prompt", "prompt $/token"),
            ("pricing.completion", "completion $/token"),
            ("architecture.modality", "modality"),
        ],
        optional: &["architecture.modality", "name"],
    },
    Override {
        operation: ops::ORGANIZATION_LIST_MEMBERS,
        columns: &["email", "first_name", "last_name", "role", "id"],
        headers: &[],
        optional: &["id"],
    },
];

/// The override of `op`, if it has one.
pub fn find(op: &OperationInfo) -> Option<&'static Override> {
    OVERRIDES
        .iter()
        .find(|o| o.operation.operation_id == op.operation_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns are named by strings: a typo would silently do nothing, so every name
    /// is checked against the generated table.
    #[test]
    fn every_override_names_real_columns() {
        for o in OVERRIDES {
            let op = o.operation;
            let response = op.response.expect("a JSON answer");
            let named = o
                .columns
                .iter()
                .chain(o.headers.iter().map(|(field, _)| field))
                .chain(o.optional);
            for name in named {
                assert!(
                    response.column(name).is_some(),
                    "{}.{}: no column {name}",
                    op.group,
                    op.method
                );
            }
            for name in o.optional.iter().chain(o.headers.iter().map(|(f, _)| f)) {
                assert!(o.columns.contains(name), "{name} is not a default column");
            }
        }
    }
}
