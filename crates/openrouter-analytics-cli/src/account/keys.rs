//! `openrouter keys list|show|create|update|delete`: the account's API keys and the
//! spend of each.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use openrouter_analytics::types;
use openrouter_analytics::uuid::Uuid;
use openrouter_analytics::{ErrorKind, ops};

use super::{
    Context, Output, by_name, checked_body, confirm, delete, examples, non_empty, one, show_answer,
    show_items,
};
use crate::exit::{Failure, Operation};
use crate::flags::{Generated, Options, from_operation};
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
    Show(HashArg),

    /// Create an API key; its secret is printed once, on stdout, and never again.
    #[command(after_help = examples(&[
        "openrouter keys create --name ci --limit 25 --limit-reset monthly",
        "openrouter keys create --name temp --expires-at 2026-12-31 -f json | jq -r .key",
    ]))]
    Create(CreateArgs),

    /// Rename, disable or re-enable an API key, or change its limit.
    #[command(after_help = examples(&[
        "openrouter keys update 6f1c...e2 --disabled true",
        "openrouter keys update 6f1c...e2 --limit 50 --limit-reset weekly",
    ]))]
    Update(UpdateArgs),

    /// Delete an API key (asks first on a terminal; --yes otherwise).
    #[command(after_help = examples(&["openrouter keys delete 6f1c...e2 --yes"]))]
    Delete(DeleteArgs),
}

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

/// A key's hash, as `keys list` shows it.
#[derive(Debug, Args)]
pub struct HashArg {
    /// The key's hash (the HASH column of `openrouter keys list`).
    pub hash: String,
}

from_operation!(
    /// `keys create`'s flags: the body fields of `api_keys.create`.
    KeysCreate,
    ops::API_KEYS_CREATE,
    Options {
        positional_path: true,
        skip: &[],
        body: false,
    }
);

from_operation!(
    /// `keys update`'s flags: the key's hash, then the body fields of `api_keys.update`.
    KeysUpdate,
    ops::API_KEYS_UPDATE,
    Options {
        positional_path: true,
        skip: &[],
        body: false,
    }
);

/// `openrouter keys create`: a flag per body field of the operation (from the spec).
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The generated flags.
    #[command(flatten)]
    pub flags: Generated<KeysCreate>,
}

/// `openrouter keys update HASH`: a flag per body field of the operation (from the
/// spec), and `--clear FIELD` for the nullable ones.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The generated flags, the hash first.
    #[command(flatten)]
    pub flags: Generated<KeysUpdate>,
}

/// `openrouter keys delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The key's hash.
    pub hash: String,

    /// Delete without asking (needed when stdin is not a terminal).
    #[arg(short, long)]
    pub yes: bool,
}

/// `--workspace-id`: a UUID, checked before anything is sent.
pub fn parse_uuid(text: &str) -> Result<Uuid, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a UUID (e.g. 0b3c9b5e-4f8a-4c1e-9d2e-7a6b5c4d3e2f)"))
}

/// The checks the API does not state in the spec: a name is not blank, a limit is not
/// negative.
fn check_key_fields(fields: &serde_json::Map<String, serde_json::Value>) -> Result<(), String> {
    if let Some(name) = fields.get("name").and_then(|name| name.as_str())
        && name.trim().is_empty()
    {
        return Err("--name must not be empty".into());
    }
    if let Some(limit) = fields.get("limit").and_then(serde_json::Value::as_f64)
        && limit < 0.0
    {
        return Err(format!("--limit {limit}: the limit must be zero or more"));
    }
    Ok(())
}

/// What a blank hash is called in the usage error.
const HASH: &str = "the key's hash";

/// The arguments of an operation on one key: its `hash`.
fn hash_arg(hash: &str) -> [(String, String); 1] {
    [("hash".to_string(), hash.to_string())]
}

/// A checked keys command line.
#[derive(Debug)]
pub enum Plan {
    /// `keys list`.
    List {
        include_disabled: bool,
        workspace_id: Option<Uuid>,
        sort: Option<KeySort>,
    },
    /// `keys show`.
    Show(String),
    /// `keys create`, its body checked against the spec's type.
    Create(serde_json::Value),
    /// `keys update`, its body checked against the spec's type.
    Update {
        hash: String,
        body: serde_json::Value,
    },
    /// `keys delete`; `ask` when the terminal must confirm.
    Delete { hash: String, ask: bool },
}

impl Plan {
    /// Checks the flags; the error is a one-line usage message.
    pub fn new(command: &KeysCommand) -> Result<Self, String> {
        Ok(match command {
            KeysCommand::List(args) => Self::List {
                include_disabled: args.include_disabled,
                workspace_id: args.workspace_id,
                sort: args.sort,
            },
            KeysCommand::Show(args) => Self::Show(non_empty(&args.hash, HASH)?),
            KeysCommand::Create(args) => {
                let fields = args.flags.body()?;
                check_key_fields(&fields)?;
                Self::Create(checked_body::<types::CreateKeysRequest>(fields)?)
            }
            KeysCommand::Update(args) => {
                let hash = non_empty(args.flags.arg("hash").unwrap_or_default(), HASH)?;
                let fields = args.flags.body()?;
                if fields.is_empty() {
                    return Err("nothing to update: give at least one flag to change (see \
                                `openrouter keys update --help`)"
                        .into());
                }
                check_key_fields(&fields)?;
                Self::Update {
                    hash,
                    body: checked_body::<types::UpdateKeysRequest>(fields)?,
                }
            }
            KeysCommand::Delete(args) => {
                let hash = non_empty(&args.hash, HASH)?;
                let ask = confirm::check(args.yes, &format!("API key {hash}"))?;
                Self::Delete { hash, ask }
            }
        })
    }

    /// The confirmation question, when a deletion must be confirmed on the terminal.
    pub fn question(&self) -> Option<String> {
        match self {
            Self::Delete { hash, ask: true } => Some(format!("API key {hash}")),
            _ => None,
        }
    }

    /// Sends the request(s) and renders the answer.
    pub async fn execute(&self, ctx: &Context<'_>, style: Style<'_>) -> Result<Output, Failure> {
        match self {
            Self::List {
                include_disabled,
                workspace_id,
                sort,
            } => {
                let mut args = Vec::new();
                if *include_disabled {
                    args.push(("include_disabled".to_string(), "true".to_string()));
                }
                if let Some(workspace) = workspace_id {
                    args.push(("workspace_id".to_string(), workspace.to_string()));
                }
                let mut list =
                    by_name::items(ctx, "listing API keys", ops::API_KEYS_LIST, &args).await?;
                if let Some(sort) = sort {
                    sort_keys(&mut list.items, *sort);
                }
                show_items(style, ops::API_KEYS_LIST, &resources::KEYS_LIST, list)
            }
            Self::Show(hash) => {
                let (op, look, args) = (ops::API_KEYS_GET, &resources::KEY, hash_arg(hash));
                one(ctx, style, "fetching the key", op, &args, None, look).await
            }
            Self::Create(body) => create(ctx, body, style).await,
            Self::Update { hash, body } => {
                let (op, look, args) = (ops::API_KEYS_UPDATE, &resources::KEY, hash_arg(hash));
                let body = Some(body.clone());
                one(ctx, style, "updating the key", op, &args, body, look).await
            }
            Self::Delete { hash, .. } => {
                let (op, what) = (ops::API_KEYS_DELETE, format!("API key {hash}"));
                delete(ctx, style, "deleting the key", op, &hash_arg(hash), &what).await
            }
        }
    }
}

/// Sorts keys (stable: equal keys keep the API's order); a key without the field sorts
/// last.
fn sort_keys<T>(keys: &mut [(serde_json::Value, T)], sort: KeySort) {
    keys.sort_by(|(a, _), (b, _)| match sort {
        KeySort::Usage => usage(b).total_cmp(&usage(a)),
        KeySort::Name => compare_names(name(a), name(b)),
        KeySort::Created => created(b).cmp(&created(a)),
    });
}

fn usage(key: &serde_json::Value) -> f64 {
    key["usage"].as_f64().unwrap_or(f64::NEG_INFINITY)
}

fn name(key: &serde_json::Value) -> &str {
    key["name"].as_str().unwrap_or_default()
}

/// A to Z ignoring case, then by exact text so that the order is total.
fn compare_names(a: &str, b: &str) -> Ordering {
    a.to_lowercase()
        .cmp(&b.to_lowercase())
        .then_with(|| a.cmp(b))
}

/// When a key was created, for sorting (an unreadable time sorts as the oldest).
fn created(key: &serde_json::Value) -> Option<DateTime<Utc>> {
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
async fn create(
    ctx: &Context<'_>,
    body: &serde_json::Value,
    style: Style<'_>,
) -> Result<Output, Failure> {
    let answer = by_name::one_or_error(
        ctx,
        "creating the key",
        ops::API_KEYS_CREATE,
        &[],
        Some(body.clone()),
    )
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
    let mut output = show_answer(
        style,
        ops::API_KEYS_CREATE,
        &resources::KEY_CREATED,
        &answer,
        &[],
    )?;
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
