//! `openrouter keys list|show|create|update|delete`: the account's API keys and the
//! spend of each.

use std::cmp::Ordering;
use std::io::{self, Write};

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use openrouter_analytics::types;
use openrouter_analytics::uuid::Uuid;
use openrouter_analytics::{ErrorKind, WithRawBody, ops};

use super::key::limit_with_reset;
use super::view::{self, write_fields};
use super::{Context, Output, confirm, examples};
use crate::exit::{Failure, Operation};
use crate::flags::{Generated, Options, from_operation};
use crate::output::money;
use crate::output::sheet::{Field, Sheet, number, text, write_rows};
use crate::output::table::{Align, Table};
use crate::output::write_raw_json;
use crate::output::{Format, Out, Style};
use crate::progress::with_progress;

/// The CSV header of every keys command: the API's field names (`create` adds `key`).
const CSV_FIELDS: [Field<KeyView>; 17] = [
    (text("name"), |key| Ok(key.name.clone())),
    (text("label"), |key| Ok(key.label.clone())),
    (text("hash"), |key| Ok(key.hash.clone())),
    (text("disabled"), |key| Ok(key.disabled.to_string())),
    (number("limit"), |key| money::plain_or_blank(key.limit)),
    (number("limit_remaining"), |key| {
        money::plain_or_blank(key.limit_remaining)
    }),
    (text("limit_reset"), |key| {
        Ok(key.limit_reset.clone().unwrap_or_default())
    }),
    (text("include_byok_in_limit"), |key| {
        Ok(key.include_byok_in_limit.to_string())
    }),
    (number("usage_daily"), |key| money::plain(key.usage_daily)),
    (number("usage_weekly"), |key| money::plain(key.usage_weekly)),
    (number("usage_monthly"), |key| {
        money::plain(key.usage_monthly)
    }),
    (number("usage"), |key| money::plain(key.usage)),
    (number("byok_usage"), |key| money::plain(key.byok_usage)),
    (text("last_used_at"), |key| {
        Ok(view::csv_time(key.last_used_at.as_ref()))
    }),
    (text("created_at"), |key| Ok(key.created_at.clone())),
    (text("expires_at"), |key| {
        Ok(view::csv_time(key.expires_at.as_ref()))
    }),
    (text("workspace_id"), |key| Ok(key.workspace_id.clone())),
];

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

/// The body the flags describe, checked against the spec's types by decoding it as the
/// typed request, so that a bad value is a usage error before anything is sent.
fn typed_body<T: serde::de::DeserializeOwned>(
    fields: serde_json::Map<String, serde_json::Value>,
) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::Object(fields))
        .map_err(|err| format!("invalid flag value: {err}"))
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
    /// `keys create`, its body ready.
    Create(types::CreateKeysRequest),
    /// `keys update`.
    Update {
        hash: String,
        body: types::UpdateKeysRequest,
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
            KeysCommand::Show(args) => Self::Show(non_empty_hash(&args.hash)?),
            KeysCommand::Create(args) => {
                let fields = args.flags.body()?;
                check_key_fields(&fields)?;
                Self::Create(typed_body(fields)?)
            }
            KeysCommand::Update(args) => {
                let hash = non_empty_hash(args.flags.arg("hash").unwrap_or_default())?;
                let fields = args.flags.body()?;
                if fields.is_empty() {
                    return Err("nothing to update: give at least one flag to change (see \
                                `openrouter keys update --help`)"
                        .into());
                }
                check_key_fields(&fields)?;
                Self::Update {
                    hash,
                    body: typed_body(fields)?,
                }
            }
            KeysCommand::Delete(args) => {
                let hash = non_empty_hash(&args.hash)?;
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
    pub async fn execute(&self, ctx: &Context<'_>, style: Style) -> Result<Output, Failure> {
        match self {
            Self::List {
                include_disabled,
                workspace_id,
                sort,
            } => {
                let pages = fetch_all(ctx, *include_disabled, *workspace_id).await?;
                let mut keys = zip_pages(pages)?;
                if let Some(sort) = sort {
                    sort_keys(&mut keys, *sort);
                }
                Output::render(style, |out| match style.format {
                    Format::Json => {
                        view::write_list_json(out, keys.into_iter().map(|(_, raw)| raw).collect())
                    }
                    Format::Csv => keys_csv(keys.iter().map(|(key, _)| key), None, out),
                    Format::Table => list_table(keys.iter().map(|(key, _)| key), out),
                })
            }
            Self::Show(hash) => {
                ctx.describe("GET", &format!("/keys/{hash}"));
                let response = ctx
                    .call(
                        "fetching the key",
                        ctx.client
                            .api_keys()
                            .get()
                            .hash(hash.as_str())
                            .send_with_raw_body(),
                    )
                    .await?;
                single(
                    KeyView::from(&response.value.data),
                    &response.raw_body,
                    style,
                )
            }
            Self::Create(body) => create(ctx, body, style).await,
            Self::Update { hash, body } => {
                ctx.describe("PATCH", &format!("/keys/{hash}"));
                let response = ctx
                    .call(
                        "updating the key",
                        ctx.client
                            .api_keys()
                            .update()
                            .hash(hash.as_str())
                            .body(body.clone())
                            .send_with_raw_body(),
                    )
                    .await?;
                single(
                    KeyView::from(&response.value.data),
                    &response.raw_body,
                    style,
                )
            }
            Self::Delete { hash, .. } => {
                ctx.describe("DELETE", &format!("/keys/{hash}"));
                let what = format!("API key {hash}");
                let response = ctx
                    .delete(
                        "deleting the key",
                        ctx.client
                            .api_keys()
                            .delete()
                            .hash(hash.as_str())
                            .send_with_raw_body(),
                    )
                    .await?;
                match response {
                    Some(response) => {
                        deleted(&what, response.value.deleted, &response.raw_body, style)
                    }
                    None => Ok(Output::already_gone(&what)),
                }
            }
        }
    }
}

fn non_empty_hash(hash: &str) -> Result<String, String> {
    let hash = hash.trim();
    if hash.is_empty() {
        Err("the key's hash must not be empty".into())
    } else {
        Ok(hash.to_string())
    }
}

/// Every page of `GET /keys`.
pub async fn fetch_all(
    ctx: &Context<'_>,
    include_disabled: bool,
    workspace_id: Option<Uuid>,
) -> Result<Vec<WithRawBody<types::ListApiKeysResponse>>, Failure> {
    let mut query = Vec::new();
    let mut call = ctx.client.api_keys().list();
    if include_disabled {
        call = call.include_disabled("true");
        query.push("include_disabled=true".to_string());
    }
    if let Some(workspace) = workspace_id {
        call = call.workspace_id(workspace);
        query.push(format!("workspace_id={workspace}"));
    }
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    ctx.describe("GET", &format!("/keys{query} (every page)"));
    ctx.call("listing API keys", call.send_all_pages()).await
}

/// Each key, decoded and as sent, in page order.
fn zip_pages(
    pages: Vec<WithRawBody<types::ListApiKeysResponse>>,
) -> Result<Vec<(types::ApiKey, view::RawItem)>, Failure> {
    let raw = view::page_items(pages.iter().map(|page| &page.raw_body[..]))
        .map_err(|err| Failure::other(format!("listing API keys: {err}")))?;
    let typed: Vec<_> = pages.into_iter().flat_map(|page| page.value.data).collect();
    if raw.len() != typed.len() {
        return Err(Failure::other(
            "listing API keys: the pages' items did not decode one for one",
        ));
    }
    Ok(typed.into_iter().zip(raw).collect())
}

/// Sorts keys (stable: equal keys keep the API's order).
fn sort_keys<T>(keys: &mut [(types::ApiKey, T)], sort: KeySort) {
    keys.sort_by(|(a, _), (b, _)| match sort {
        KeySort::Usage => b.usage.total_cmp(&a.usage),
        KeySort::Name => compare_names(&a.name, &b.name),
        KeySort::Created => created(b).cmp(&created(a)),
    });
}

/// A to Z ignoring case, then by exact text so that the order is total.
fn compare_names(a: &str, b: &str) -> Ordering {
    a.to_lowercase()
        .cmp(&b.to_lowercase())
        .then_with(|| a.cmp(b))
}

/// When a key was created, for sorting (an unreadable time sorts as the oldest).
fn created(key: &types::ApiKey) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(&key.created_at)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The fields of a key that every keys command prints; the API sends them under four
/// type names (list item, get, create, update).
#[derive(Clone, Debug, PartialEq)]
pub struct KeyView {
    name: String,
    label: String,
    hash: String,
    disabled: bool,
    limit: Option<f64>,
    limit_remaining: Option<f64>,
    limit_reset: Option<String>,
    include_byok_in_limit: bool,
    usage_daily: f64,
    usage_weekly: f64,
    usage_monthly: f64,
    usage: f64,
    byok_usage: f64,
    last_used_at: Option<DateTime<Utc>>,
    created_at: String,
    expires_at: Option<DateTime<Utc>>,
    workspace_id: String,
}

impl From<&types::ApiKey> for KeyView {
    fn from(key: &types::ApiKey) -> Self {
        Self {
            name: key.name.clone(),
            label: key.label.clone(),
            hash: key.hash.clone(),
            disabled: key.disabled,
            limit: key.limit,
            limit_remaining: key.limit_remaining,
            limit_reset: key.limit_reset.clone(),
            include_byok_in_limit: key.include_byok_in_limit,
            usage_daily: key.usage_daily,
            usage_weekly: key.usage_weekly,
            usage_monthly: key.usage_monthly,
            usage: key.usage,
            byok_usage: key.byok_usage,
            last_used_at: key.last_used_at,
            created_at: key.created_at.clone(),
            expires_at: key.expires_at,
            workspace_id: key.workspace_id.clone(),
        }
    }
}

impl KeyView {
    fn fields(&self) -> Result<Vec<(&'static str, String)>, money::Unprintable> {
        Ok(vec![
            ("Name", self.name.clone()),
            ("Label", self.label.clone()),
            ("Hash", self.hash.clone()),
            ("Disabled", view::yes_no(self.disabled)),
            ("Workspace", self.workspace_id.clone()),
            (
                "Limit",
                limit_with_reset(self.limit, self.limit_reset.as_deref())?,
            ),
            ("Remaining", view::optional_usd(self.limit_remaining)?),
            ("BYOK in limit", view::yes_no(self.include_byok_in_limit)),
            ("Usage today", money::usd(self.usage_daily)?),
            ("Usage this week", money::usd(self.usage_weekly)?),
            ("Usage this month", money::usd(self.usage_monthly)?),
            ("Usage total", money::usd(self.usage)?),
            ("BYOK usage total", money::usd(self.byok_usage)?),
            (
                "Last used (UTC)",
                view::optional_time(self.last_used_at.as_ref(), "never"),
            ),
            ("Created (UTC)", view::time_text(&self.created_at)),
            (
                "Expires (UTC)",
                view::optional_time(self.expires_at.as_ref(), "never"),
            ),
        ])
    }
}

/// The per-key spend view: one row per key, a totals row under the spend columns. On a
/// terminal narrower than the table, the hash is shortened and the least useful
/// columns are left out (label first, then the week, what remains of the limit, last
/// use, disabled, the limit, today); name, hash, month and total always stay.
fn list_table<'a>(
    keys: impl Iterator<Item = &'a types::ApiKey>,
    out: &mut Out<'_>,
) -> io::Result<()> {
    let mut table = Table::new([
        ("NAME", Align::Left),
        ("HASH", Align::Left),
        ("LIMIT (USD)", Align::Right),
        ("REMAINING (USD)", Align::Right),
        ("TODAY (USD)", Align::Right),
        ("WEEK (USD)", Align::Right),
        ("MONTH (USD)", Align::Right),
        ("TOTAL (USD)", Align::Right),
        ("LAST USED (UTC)", Align::Left),
        ("DISABLED", Align::Left),
        ("LABEL", Align::Left),
    ])
    .optional("TODAY (USD)", 1)
    .optional("LIMIT (USD)", 2)
    .optional("DISABLED", 3)
    .optional("LAST USED (UTC)", 4)
    .optional("REMAINING (USD)", 5)
    .optional("WEEK (USD)", 6)
    .optional("LABEL", 7);
    let mut sums = [0.0_f64; 4];
    for key in keys {
        for (sum, value) in sums.iter_mut().zip([
            key.usage_daily,
            key.usage_weekly,
            key.usage_monthly,
            key.usage,
        ]) {
            *sum += value;
        }
        table.row(vec![
            key.name.clone(),
            out.style().short_id(&key.hash),
            view::limit(key.limit)?,
            view::optional_usd(key.limit_remaining)?,
            money::usd(key.usage_daily)?,
            money::usd(key.usage_weekly)?,
            money::usd(key.usage_monthly)?,
            money::usd(key.usage)?,
            view::optional_time(key.last_used_at.as_ref(), "never"),
            view::yes_no(key.disabled),
            key.label.clone(),
        ]);
    }
    table.rule();
    let mut total = vec!["TOTAL".to_string()];
    total.resize(4, String::new());
    for &sum in &sums {
        total.push(money::usd(view::difference(sum, 0.0))?);
    }
    table.row(total);
    table.write(out)
}

/// One key per CSV row; `secret` adds the `key` column `create` prints.
fn keys_csv<'a>(
    keys: impl Iterator<Item = &'a types::ApiKey>,
    secret: Option<&str>,
    out: &mut Out<'_>,
) -> io::Result<()> {
    let views: Vec<KeyView> = keys.map(KeyView::from).collect();
    views_csv(&views, secret, out)
}

fn views_csv(keys: &[KeyView], secret: Option<&str>, out: &mut Out<'_>) -> io::Result<()> {
    let Some(secret) = secret else {
        return write_rows(out, &CSV_FIELDS, keys);
    };
    // `create`: the one row also carries the secret, shown this once.
    let header = CSV_FIELDS.iter().map(|(column, _)| *column);
    let mut csv = Sheet::new(out, header.chain([text("key")]))?;
    for key in keys {
        let mut cells = CSV_FIELDS
            .iter()
            .map(|(_, cell)| cell(key))
            .collect::<Result<Vec<String>, money::Unprintable>>()?;
        cells.push(secret.to_string());
        csv.row(cells)?;
    }
    csv.finish()
}

/// One key, in `format`; JSON is the API's body as sent.
fn single(key: KeyView, raw: &[u8], style: Style) -> Result<Output, Failure> {
    Output::render(style, |out| match style.format {
        Format::Json => write_raw_json(out, raw),
        Format::Csv => views_csv(std::slice::from_ref(&key), None, out),
        Format::Table => write_fields(out, &key.fields()?),
    })
}

/// What a deletion prints: the API's body as JSON, else a line (or a CSV row) saying
/// it is gone.
pub fn deleted(what: &str, done: bool, raw: &[u8], style: Style) -> Result<Output, Failure> {
    Output::render(style, |out| match style.format {
        Format::Json => write_raw_json(out, raw),
        Format::Csv => writeln!(out, "deleted\n{done}"),
        Format::Table if done => writeln!(out, "Deleted {}.", crate::terminal::safe(what)),
        Format::Table => writeln!(
            out,
            "OpenRouter did not delete {}.",
            crate::terminal::safe(what)
        ),
    })
}

/// The note on stderr beside a new key's secret.
pub const SECRET_NOTE: &str = "This is the new key's secret, shown this once: store it now, \
    OpenRouter will not show it again.";

/// `keys create`: the new key and its secret, once, on stdout.
async fn create(
    ctx: &Context<'_>,
    body: &types::CreateKeysRequest,
    style: Style,
) -> Result<Output, Failure> {
    ctx.describe("POST", "/keys");
    let work = ctx
        .client
        .api_keys()
        .create()
        .body(body.clone())
        .send_with_raw_body();
    let response = with_progress(ctx.progress, "creating the key", work)
        .await
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
    let created = &response.value;
    let key = KeyView::from(&created.data);
    let secret = created.key.expose_secret();
    let mut output = Output::render(style, |out| match style.format {
        Format::Json => write_raw_json(out, &response.raw_body),
        Format::Csv => views_csv(std::slice::from_ref(&key), Some(secret), out),
        Format::Table => {
            let mut fields = key.fields()?;
            fields.push(("Key (secret)", secret.to_string()));
            write_fields(out, &fields)
        }
    })?;
    output.notes.push(SECRET_NOTE.into());
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, usage: f64, created_at: &str) -> types::ApiKey {
        serde_json::from_value(serde_json::json!({
            "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_monthly": 0.0,
            "byok_usage_weekly": 0.0, "created_at": created_at, "creator_user_id": null,
            "disabled": false, "expires_at": null, "external_user": null,
            "hash": format!("h-{name}"), "include_byok_in_limit": false, "label": "sk-or-v1-a...b",
            "last_used_at": null, "limit": null, "limit_remaining": null, "limit_reset": null,
            "name": name, "updated_at": null, "usage": usage, "usage_daily": 0.0,
            "usage_monthly": 0.0, "usage_weekly": 0.0, "workspace_id": "ws"
        }))
        .expect("a key")
    }

    fn names<T>(keys: &[(types::ApiKey, T)]) -> Vec<&str> {
        keys.iter().map(|(k, _)| k.name.as_str()).collect()
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
