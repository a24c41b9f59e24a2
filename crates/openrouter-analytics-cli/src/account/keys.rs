//! `openrouter keys list|show|create|update|delete`: the account's API keys and the
//! spend of each. `show`, `update` and `delete` are [`Verb`]s; `list` sorts and
//! `create` shows the secret once.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use openrouter_analytics::types;
use openrouter_analytics::uuid::Uuid;
use openrouter_analytics::{ErrorKind, ops};
use serde_json::Value;

use super::verb::{Call, Deletion, IsVerb, Kind, Verb, typed, verb};
use super::{Context, Output, Plan, by_name, examples, show_answer, show_items};
use crate::exit::{Failure, Operation};
use crate::flags::Generated;
use crate::output::Style;
use crate::output::resources;

/// `openrouter keys ...`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Every API key with its limit and its spend today, this week, this month and in
    /// total (all pages).
    #[command(after_help = examples(&[
        "openrouter keys list --sort usage",
        "openrouter keys list --include-disabled -f csv > keys.csv",
    ]))]
    List(ListArgs),

    /// One API key, by its hash.
    #[command(after_help = examples(&["openrouter keys show 6f1c...e2"]))]
    Show(Generated<KeysShow>),

    /// Create an API key; its secret is printed once, on stdout, and never again.
    #[command(after_help = examples(&[
        "openrouter keys create --name ci --limit 25 --limit-reset monthly",
        "openrouter keys create --name temp --expires-at 2026-12-31 -f json | jq -r .key",
    ]))]
    Create(Generated<KeysCreate>),

    /// Rename, disable or re-enable an API key, or change its limit.
    #[command(after_help = examples(&[
        "openrouter keys update 6f1c...e2 --disabled true",
        "openrouter keys update 6f1c...e2 --limit 50 --limit-reset weekly",
    ]))]
    Update(Generated<KeysUpdate>),

    /// Delete an API key (asks first on a terminal; --yes otherwise).
    #[command(after_help = examples(&["openrouter keys delete 6f1c...e2 --yes"]))]
    Delete(Deletion<KeysDelete>),
}

/// What a blank hash is called in the usage error.
const HASH: &str = "the key's hash";

verb!(
    KeysShow,
    Verb {
        op: ops::API_KEYS_GET,
        kind: Kind::One(&resources::KEY, None),
        label: "fetching the key",
        id: HASH,
        check: None,
    }
);

verb!(
    KeysCreate,
    Verb {
        op: ops::API_KEYS_CREATE,
        kind: Kind::One(&resources::KEY_CREATED, None),
        label: "creating the key",
        id: HASH,
        check: Some(checked::<types::CreateKeysRequest>),
    }
);

verb!(
    KeysUpdate,
    Verb {
        op: ops::API_KEYS_UPDATE,
        kind: Kind::Update(&resources::KEY, "keys update"),
        label: "updating the key",
        id: HASH,
        check: Some(checked::<types::UpdateKeysRequest>),
    }
);

verb!(
    KeysDelete,
    Verb {
        op: ops::API_KEYS_DELETE,
        kind: Kind::Delete("API key"),
        label: "deleting the key",
        id: HASH,
        check: None,
    }
);

/// `openrouter keys list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Also list disabled keys.
    #[arg(long)]
    pub include_disabled: bool,

    /// Only the keys of this workspace (a UUID).
    #[arg(long, value_name = "ID", value_parser = parse_uuid)]
    pub workspace_id: Option<Uuid>,

    /// Sort: usage (total spend, largest first), name (A to Z) or created (newest
    /// first) [default: API order].
    #[arg(long, value_enum, value_name = "KEY")]
    pub sort: Option<KeySort>,
}

/// What `keys list --sort` orders by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KeySort {
    /// Total spend, largest first.
    Usage,
    /// Name, A to Z (case-insensitive).
    Name,
    /// Creation time, newest first.
    Created,
}

/// `--workspace-id`: a UUID, checked before anything is sent.
pub fn parse_uuid(text: &str) -> Result<Uuid, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a UUID (e.g. 0b3c9b5e-4f8a-4c1e-9d2e-7a6b5c4d3e2f)"))
}

/// The checks the API does not state in the spec: a name is not blank, a limit is not
/// negative.
fn check_key_fields(fields: &serde_json::Map<String, Value>) -> Result<(), String> {
    if let Some(name) = fields.get("name").and_then(|name| name.as_str())
        && name.trim().is_empty()
    {
        return Err("--name must not be empty".into());
    }
    if let Some(limit) = fields.get("limit").and_then(Value::as_f64)
        && limit < 0.0
    {
        return Err(format!("--limit {limit}: the limit must be zero or more"));
    }
    Ok(())
}

/// [`check_key_fields`], then the body decoded as the typed request `T`.
fn checked<T: serde::de::DeserializeOwned>(body: &Value) -> Result<(), String> {
    body.as_object().map_or(Ok(()), check_key_fields)?;
    typed::<T>(body)
}

/// Checks a keys command line; the error is a one-line usage message.
pub fn plan(command: &KeysCommand) -> Result<Plan, String> {
    Ok(match command {
        KeysCommand::List(args) => {
            let mut query = Vec::new();
            if args.include_disabled {
                query.push(("include_disabled".to_string(), "true".to_string()));
            }
            if let Some(workspace) = args.workspace_id {
                query.push(("workspace_id".to_string(), workspace.to_string()));
            }
            Plan::KeysList(query, args.sort)
        }
        KeysCommand::Show(flags) => Plan::Call(Call::new(KeysShow::VERB, flags)?),
        KeysCommand::Create(flags) => Plan::KeysCreate(Call::new(KeysCreate::VERB, flags)?),
        KeysCommand::Update(flags) => Plan::Call(Call::new(KeysUpdate::VERB, flags)?),
        KeysCommand::Delete(args) => Plan::Call(Call::delete(args)?),
    })
}

/// `keys list`: every page, sorted when asked.
pub async fn list(
    ctx: &Context<'_>,
    style: Style<'_>,
    args: &[(String, String)],
    sort: Option<KeySort>,
) -> Result<Output, Failure> {
    let mut list = by_name::items(ctx, "listing API keys", ops::API_KEYS_LIST, args).await?;
    if let Some(sort) = sort {
        sort_keys(&mut list.items, sort);
    }
    show_items(style, ops::API_KEYS_LIST, &resources::KEYS_LIST, list)
}

/// Sorts keys (stable: equal keys keep the API's order); a key without the field sorts
/// last.
fn sort_keys<T>(keys: &mut [(Value, T)], sort: KeySort) {
    keys.sort_by(|(a, _), (b, _)| match sort {
        KeySort::Usage => usage(b).total_cmp(&usage(a)),
        KeySort::Name => compare_names(name(a), name(b)),
        KeySort::Created => created(b).cmp(&created(a)),
    });
}

fn usage(key: &Value) -> f64 {
    key["usage"].as_f64().unwrap_or(f64::NEG_INFINITY)
}

fn name(key: &Value) -> &str {
    key["name"].as_str().unwrap_or_default()
}

/// A to Z ignoring case, then by exact text so that the order is total.
fn compare_names(a: &str, b: &str) -> Ordering {
    a.to_lowercase()
        .cmp(&b.to_lowercase())
        .then_with(|| a.cmp(b))
}

/// When a key was created, for sorting (an unreadable time sorts as the oldest).
fn created(key: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(key["created_at"].as_str()?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The note on stderr beside a new key's secret.
pub const SECRET_NOTE: &str = "This is the new key's secret, shown this once: store it now, \
    OpenRouter will not show it again.";

/// `keys create`: the new key and its secret, once, on stdout. The answer is read
/// tolerantly: one that lacks a field the spec requires still shows the secret, which
/// OpenRouter will not show again.
pub async fn create(ctx: &Context<'_>, call: &Call, style: Style<'_>) -> Result<Output, Failure> {
    let (op, label) = (ops::API_KEYS_CREATE, KeysCreate::VERB.label);
    let answer = by_name::one_or_error(ctx, label, op, &[], call.body().cloned())
        .await?
        .map_err(|err| {
            if err.kind() == ErrorKind::Decode {
                // The body holds the secret: say what happened without quoting it.
                Failure::other(
                    "create_keys: OpenRouter's answer could not be read, so the new key's \
                     secret cannot be shown; the key may have been created: look for it \
                     with `openrouter keys list` and delete it",
                )
            } else {
                Failure::from_client(&err, Operation::Account, ctx.base_url)
            }
        })?;
    let mut output = show_answer(style, op, &resources::KEY_CREATED, &answer, &[])?;
    output.notes.push(SECRET_NOTE.into());
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, usage: f64, created_at: &str) -> serde_json::Value {
        serde_json::json!({
            "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_monthly": 0.0,
            "byok_usage_weekly": 0.0, "created_at": created_at, "creator_user_id": null,
            "disabled": false, "expires_at": null, "external_user": null,
            "hash": format!("h-{name}"), "include_byok_in_limit": false, "label": "sk-or-v1-a...b",
            "last_used_at": null, "limit": null, "limit_remaining": null, "limit_reset": null,
            "name": name, "updated_at": null, "usage": usage, "usage_daily": 0.0,
            "usage_monthly": 0.0, "usage_weekly": 0.0, "workspace_id": "ws"
        })
    }

    fn names<T>(keys: &[(serde_json::Value, T)]) -> Vec<&str> {
        keys.iter().map(|(k, _)| name(k)).collect()
    }

    #[test]
    fn keys_sort_by_usage_name_or_creation() {
        let mut keys = vec![
            (key("beta", 1.0, "2026-01-02T00:00:00Z"), ()),
            (key("Alpha", 3.0, "2026-01-01T00:00:00Z"), ()),
            (key("gamma", 2.0, "2026-01-03T00:00:00Z"), ()),
            (key("alpha", 2.0, "not a time"), ()),
        ];
        sort_keys(&mut keys, KeySort::Usage);
        assert_eq!(names(&keys), ["Alpha", "gamma", "alpha", "beta"]);
        sort_keys(&mut keys, KeySort::Name);
        assert_eq!(names(&keys), ["Alpha", "alpha", "beta", "gamma"]);
        sort_keys(&mut keys, KeySort::Created);
        assert_eq!(names(&keys), ["gamma", "beta", "Alpha", "alpha"]);
    }

    #[test]
    fn what_the_spec_does_not_say_is_checked_by_hand() {
        let fields = |value: serde_json::Value| value.as_object().cloned().expect("an object");
        assert!(
            check_key_fields(&fields(serde_json::json!({"name": "ci", "limit": 25.0}))).is_ok()
        );
        assert!(check_key_fields(&fields(serde_json::json!({"name": " "}))).is_err());
        assert!(check_key_fields(&fields(serde_json::json!({"limit": -1.0}))).is_err());
        assert!(check_key_fields(&fields(serde_json::json!({"limit": null}))).is_ok());
        assert!(parse_uuid("0b3c9b5e-4f8a-4c1e-9d2e-7a6b5c4d3e2f").is_ok());
        assert!(parse_uuid("ws-1").is_err());
    }
}
