//! `openrouter activity`: daily spend, requests and tokens, raw or summarised.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use clap::Args;
use openrouter_analytics::types::{ActivityGroupBy, ActivityItem, ActivityResponse};
use openrouter_analytics::{Client, Error};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::exit::Failure;
use crate::global::HISTORY;
use crate::output::Format;
use crate::output::Out;
use crate::output::money;
use crate::output::sheet::{Column, Sheet, number, text};
use crate::output::table::{Align, Streamed, Table, percent, thousands};
use crate::output::{write_json, write_raw_json};
use crate::parse::parse_activity_date;
use crate::totals::{Group, Totals, sort_groups, sort_rows, summarise};
use crate::totals::{GroupBy, SortKey, SummaryKey};

/// `openrouter activity`.
#[derive(Debug, Args)]
pub struct ActivityArgs {
    /// Only this UTC day, one of the last 30 completed days.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,

    /// Only the activity of the API key with this SHA-256 hash (hex).
    #[arg(long, value_name = "HASH")]
    pub api_key_hash: Option<String>,

    /// Only the activity of this organization member.
    #[arg(long, value_name = "ID")]
    pub user_id: Option<String>,

    /// Only the activity of this API key: its hash, or its name (exact, else the one
    /// name that matches ignoring case), looked up in `openrouter keys list`.
    #[arg(long, value_name = "NAME_OR_HASH", conflicts_with = "api_key_hash")]
    pub key: Option<String>,

    /// Only the activity of this member: their email or id, looked up in
    /// `openrouter members`.
    #[arg(long, value_name = "EMAIL_OR_ID", conflicts_with = "user_id")]
    pub user: Option<String>,

    /// Split rows by workspace as well (adds a workspace column).
    #[arg(long, value_enum, value_name = "DIMENSION")]
    pub group_by: Option<GroupBy>,

    /// Only the activity attributed to this workspace.
    #[arg(long, value_name = "ID")]
    pub workspace_id: Option<String>,

    /// Summarise: one row per model, provider, date or workspace (comma-separate to
    /// combine, e.g. date,model); workspace needs --group-by workspace.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KEY")]
    pub by: Vec<SummaryKey>,

    /// Sort rows: cost, requests and tokens (prompt + completion) largest first, name
    /// A to Z [default: API order; cost for summaries].
    #[arg(long, value_enum, value_name = "KEY")]
    pub sort: Option<SortKey>,

    /// Read the history store (see `openrouter sync`) from this UTC day on, instead
    /// of asking OpenRouter for its last 30 days.
    #[arg(long, value_name = "YYYY-MM-DD", help_heading = HISTORY)]
    pub since: Option<String>,

    /// The last day read from the store [default: the last day synced].
    #[arg(long, value_name = "YYYY-MM-DD", requires = "since", help_heading = HISTORY)]
    pub until: Option<String>,

    /// The history store to read.
    #[command(flatten, next_help_heading = HISTORY)]
    pub db: crate::history::DbArgs,
}

/// The API fields of an activity row, in the order the API documents them; the CSV
/// header of unsummarised output.
pub const ROW_FIELDS: [Column; 13] = [
    text("date"),
    text("model"),
    text("model_permaslug"),
    text("endpoint_id"),
    text("provider_name"),
    number("usage"),
    number("byok_usage_inference"),
    number("requests"),
    number("prompt_tokens"),
    number("completion_tokens"),
    number("reasoning_tokens"),
    number("cached_tokens"),
    text("workspace_id"),
];

/// The numeric fields of a summary row, after its key columns.
const SUMMARY_FIELDS: [&str; 7] = [
    "requests",
    "prompt_tokens",
    "completion_tokens",
    "reasoning_tokens",
    "cached_tokens",
    "usage",
    "byok_usage_inference",
];

/// What `openrouter activity` got from OpenRouter ([`Plan::fetch_for`]).
pub enum Fetched {
    /// The body as sent, checked against the spec: all that JSON output needs.
    Raw(openrouter_analytics::Bytes),
    /// The rows.
    Rows(ActivityResponse),
}

impl Fetched {
    /// The body's length and, when decoded, its rows, for `-v`.
    pub fn describe(&self) -> String {
        match self {
            Self::Raw(raw) => format!("{} bytes, checked row by row", raw.len()),
            Self::Rows(response) => format!("{} rows", response.data.len()),
        }
    }
}

/// A checked `openrouter activity` command line.
#[derive(Debug, Clone)]
pub struct Plan {
    date: Option<String>,
    api_key_hash: Option<String>,
    user_id: Option<String>,
    /// `--key`, until [`Plan::resolve`] turns it into `api_key_hash`.
    key: Option<String>,
    /// `--user`, until [`Plan::resolve`] turns it into `user_id`.
    user: Option<String>,
    group_by: Option<GroupBy>,
    workspace_id: Option<String>,
    by: Vec<SummaryKey>,
    sort: Option<SortKey>,
    /// `--since`/`--until`: read the history store instead of OpenRouter.
    range: Option<crate::history::Range>,
    db: crate::history::DbArgs,
}

impl Plan {
    /// Checks the flags; the error is a one-line usage message.
    pub fn new(args: &ActivityArgs) -> Result<Self, String> {
        let date = args.date.as_deref().map(parse_activity_date).transpose()?;
        let by = checked_by(&args.by, args.group_by)?;
        let range = args
            .since
            .as_deref()
            .map(|since| crate::history::parse_range(since, args.until.as_deref()))
            .transpose()?;
        if range.is_some() {
            let live_only = [
                ("--date", args.date.is_some()),
                ("--user-id", args.user_id.is_some()),
                ("--user", args.user.is_some()),
                ("--key", args.key.is_some()),
                ("--workspace-id", args.workspace_id.is_some()),
            ];
            if let Some((flag, _)) = live_only.iter().find(|(_, given)| *given) {
                return Err(format!(
                    "{flag} asks OpenRouter's last 30 days; it cannot be combined with --since \
                     (the store keeps per-key activity: use --api-key-hash or --by key)"
                ));
            }
        } else {
            if args.db.db.is_some() {
                return Err("--db reads the history store; add --since YYYY-MM-DD".into());
            }
            if let Some(key) = args
                .by
                .iter()
                .find(|k| matches!(k, SummaryKey::Key | SummaryKey::Month))
            {
                return Err(format!(
                    "--by {} reads the history store; add --since YYYY-MM-DD (and run `openrouter sync` first)",
                    summary_field(*key)
                ));
            }
        }
        Ok(Self {
            date,
            api_key_hash: args.api_key_hash.clone(),
            user_id: args.user_id.clone(),
            key: non_blank(args.key.as_deref(), "--key")?,
            user: non_blank(args.user.as_deref(), "--user")?,
            group_by: args.group_by,
            workspace_id: args.workspace_id.clone(),
            by,
            sort: args.sort,
            range,
            db: args.db.clone(),
        })
    }

    /// Whether this reads the history store (`--since`) rather than OpenRouter.
    pub fn is_history(&self) -> bool {
        self.range.is_some()
    }

    /// Prints the stored activity of the range, summarised and sorted as asked,
    /// after a warning naming any day of the range no sync covered.
    pub fn print_history(&self, format: Format, out: &mut Out<'_>) -> Result<(), Failure> {
        use crate::history;
        let Some(range) = self.range else {
            return Ok(());
        };
        let (mut store, until) = history::open_for_range(&self.db, range)?;
        let dimensions: Vec<_> = self.by.iter().map(|k| history::dimension(*k)).collect();
        let mut query = openrouter_analytics_store::Query::new(range.since, until)
            .by(&dimensions)
            .workspaces(self.group_by.is_some());
        if let Some(hash) = &self.api_key_hash {
            query = query.api_key_hash(hash.clone());
        }
        let fail = |err: openrouter_analytics_store::Error| history::store_failure(&err, None);
        history::warn_gaps(&mut store, &query)?;
        let printed = if self.by.is_empty() {
            let mut rows: Vec<ActivityItem> = store
                .rows(&query)
                .map_err(fail)?
                .iter()
                .map(history::item)
                .collect();
            if let Some(key) = self.sort {
                sort_rows(&mut rows, key);
            }
            match format {
                Format::Json => write_json(out, &ActivityResponse { data: rows }),
                Format::Csv => rows_csv(&rows, out),
                Format::Table => rows_table(&rows, self.group_by.is_some(), out),
            }
        } else {
            let mut groups: Vec<Group> = store
                .summarise(&query)
                .map_err(fail)?
                .iter()
                .map(history::group)
                .collect();
            sort_groups(&mut groups, self.sort.unwrap_or(SortKey::Cost));
            match format {
                Format::Json => summary_json(&groups, &self.by, out),
                Format::Csv => summary_csv(&groups, &self.by, out),
                Format::Table => summary_table(&groups, &self.by, out),
            }
        };
        match printed.and_then(|()| out.flush()) {
            Err(err) if err.kind() != io::ErrorKind::BrokenPipe => Err(Failure::output(&err)),
            _ => Ok(()),
        }
    }

    /// Looks up `--key` and `--user` (a name, an email) in the keys and members lists
    /// and filters by the hash and id they stand for; an unknown or ambiguous one is a
    /// usage error listing the candidates.
    pub async fn resolve(&mut self, ctx: &crate::verb::Context<'_>) -> Result<(), Failure> {
        if let Some(key) = self.key.take() {
            self.api_key_hash = Some(crate::resolve::key_hash(ctx, &key).await?);
        }
        if let Some(user) = self.user.take() {
            self.user_id = Some(crate::resolve::user_id(ctx, &user).await?);
        }
        Ok(())
    }

    /// What the request looks like, for `-v`.
    pub fn describe(&self, base_url: &str) -> String {
        let params = [
            ("date", self.date.as_deref()),
            ("api_key_hash", self.api_key_hash.as_deref()),
            ("user_id", self.user_id.as_deref()),
            ("group_by", self.group_by.map(|_| "workspace")),
            ("workspace_id", self.workspace_id.as_deref()),
        ];
        let query: Vec<String> = params
            .iter()
            .filter_map(|(name, value)| value.map(|v| format!("{name}={v}")))
            .collect();
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{}", query.join("&"))
        };
        format!("GET {}/activity{query}", base_url.trim_end_matches('/'))
    }

    /// Sends the request, for the rows.
    pub async fn fetch(&self, client: &Client) -> Result<ActivityResponse, Error> {
        self.call(client).send().await
    }

    /// Whether the answer is printed as OpenRouter sent it (`-f json`, unsummarised and
    /// unsorted): then only its bytes are needed.
    fn prints_raw(&self, format: Format) -> bool {
        self.by.is_empty() && self.sort.is_none() && matches!(format, Format::Json)
    }

    /// Sends the request for printing in `format`: printed as sent, the body is
    /// checked against the spec row by row as it is read and never held decoded (a
    /// 100,000-row report decoded takes more memory than its JSON); else the rows.
    pub async fn fetch_for(&self, client: &Client, format: Format) -> Result<Fetched, Error> {
        let call = self.call(client);
        if self.prints_raw(format) {
            call.send_raw_body().await.map(Fetched::Raw)
        } else {
            call.send().await.map(Fetched::Rows)
        }
    }

    /// Prints what [`fetch_for`](Self::fetch_for) got, as [`print`](Self::print).
    pub fn print_fetched(
        &self,
        fetched: &mut Fetched,
        format: Format,
        out: &mut Out<'_>,
    ) -> io::Result<()> {
        match fetched {
            Fetched::Raw(raw) => write_raw_json(out, raw),
            Fetched::Rows(response) => self.print(response, format, out),
        }
    }

    /// The request, with its parameters.
    fn call(&self, client: &Client) -> openrouter_analytics::analytics::GetUserActivity {
        let mut call = client.analytics().get_user_activity();
        if let Some(date) = &self.date {
            call = call.date(date.as_str());
        }
        if let Some(hash) = &self.api_key_hash {
            call = call.api_key_hash(hash.as_str());
        }
        if let Some(user) = &self.user_id {
            call = call.user_id(user.as_str());
        }
        if let Some(GroupBy::Workspace) = self.group_by {
            call = call.group_by(ActivityGroupBy::Workspace);
        }
        if let Some(workspace) = &self.workspace_id {
            call = call.workspace_id(workspace.as_str());
        }
        call
    }

    /// Prints the rows in `format`, summarised and sorted as asked (unsummarised,
    /// unsorted JSON is the body as sent: [`Fetched::Raw`]).
    fn print(
        &self,
        response: &mut ActivityResponse,
        format: Format,
        out: &mut Out<'_>,
    ) -> io::Result<()> {
        if self.by.is_empty() {
            if let Some(key) = self.sort {
                sort_rows(&mut response.data, key);
            }
            return match format {
                Format::Json => write_json(out, &*response),
                Format::Csv => rows_csv(&response.data, out),
                Format::Table => rows_table(&response.data, self.shows_workspace(response), out),
            };
        }
        let mut groups = summarise(&response.data, &self.by);
        sort_groups(&mut groups, self.sort.unwrap_or(SortKey::Cost));
        match format {
            Format::Json => summary_json(&groups, &self.by, out),
            Format::Csv => summary_csv(&groups, &self.by, out),
            Format::Table => summary_table(&groups, &self.by, out),
        }
    }

    fn shows_workspace(&self, response: &ActivityResponse) -> bool {
        self.group_by.is_some() || response.data.iter().any(|r| r.workspace_id.is_some())
    }
}

/// Every amount of `totals` that a render would print, checked before it writes its
/// first byte: the output is written as it renders ([`crate::output::write_streamed`]),
/// so a render may fail only before it begins. (The tables need no such check: they
/// format every row to measure the columns before they write the header.)
fn check_amounts(totals: impl IntoIterator<Item = Totals>) -> Result<(), money::Unprintable> {
    for t in totals {
        money::checked(t.usage)?;
        money::checked(t.byok_usage_inference)?;
    }
    Ok(())
}

/// A name flag's value, which must say something when given.
fn non_blank(value: Option<&str>, flag: &str) -> Result<Option<String>, String> {
    match value.map(str::trim) {
        Some("") => Err(format!("{flag} must not be empty")),
        other => Ok(other.map(str::to_string)),
    }
}

/// The `--by` keys of `activity` and `export`, checked: the workspace needs the rows
/// split by workspace, and no key may come twice. The error is a one-line usage
/// message.
pub(crate) fn checked_by(
    keys: &[SummaryKey],
    group_by: Option<GroupBy>,
) -> Result<Vec<SummaryKey>, String> {
    if keys.contains(&SummaryKey::Workspace) && group_by != Some(GroupBy::Workspace) {
        return Err(
            "--by workspace needs rows split by workspace; add --group-by workspace".into(),
        );
    }
    let mut by = Vec::new();
    for key in keys {
        if by.contains(key) {
            return Err(format!(
                "--by lists {} twice",
                summary_column(*key).to_lowercase()
            ));
        }
        by.push(*key);
    }
    Ok(by)
}

/// The API's field name for a summary key (the CSV and JSON column).
fn summary_field(key: SummaryKey) -> &'static str {
    match key {
        SummaryKey::Model => "model",
        SummaryKey::Provider => "provider_name",
        SummaryKey::Date => "date",
        SummaryKey::Workspace => "workspace_id",
        SummaryKey::Key => "api_key",
        SummaryKey::Month => "month",
    }
}

/// The table header for a summary key.
fn summary_column(key: SummaryKey) -> &'static str {
    match key {
        SummaryKey::Model => "MODEL",
        SummaryKey::Provider => "PROVIDER",
        SummaryKey::Date => "DATE",
        SummaryKey::Workspace => "WORKSPACE",
        SummaryKey::Key => "API KEY",
        SummaryKey::Month => "MONTH",
    }
}

fn number_columns() -> [(&'static str, Align); 5] {
    [
        ("REQUESTS", Align::Right),
        ("PROMPT", Align::Right),
        ("COMPLETION", Align::Right),
        ("REASONING", Align::Right),
        ("CACHED", Align::Right),
    ]
}

fn number_cells(t: &Totals) -> [String; 5] {
    [
        thousands(t.requests),
        thousands(t.prompt_tokens),
        thousands(t.completion_tokens),
        thousands(t.reasoning_tokens),
        thousands(t.cached_tokens),
    ]
}

/// The rows as a table and a `TOTAL` row, measured in one pass over the rows and
/// written in a second: the labels are borrowed from the rows and only one row's
/// figures are formatted at a time, so 100,000 rows are never held twice.
pub(crate) fn rows_table<'r>(
    rows: &'r [ActivityItem],
    workspace: bool,
    out: &mut Out<'_>,
) -> io::Result<()> {
    let mut sum = Totals::default();
    for row in rows {
        sum.add(&Totals::of(row));
    }
    let totals = sum.rounded();
    let byok = totals.byok_usage_inference != 0.0;
    let mut columns = vec![
        ("DATE", Align::Left),
        ("MODEL", Align::Left),
        ("PROVIDER", Align::Left),
    ];
    if workspace {
        columns.push(("WORKSPACE", Align::Left));
    }
    columns.extend(number_columns());
    columns.push(("COST (USD)", Align::Right));
    if byok {
        columns.push(("BYOK (USD)", Align::Right));
    }
    let row_line = |row: &'r ActivityItem| {
        let labels = [
            row.date.as_str(),
            row.model.as_str(),
            row.provider_name.as_str(),
            row.workspace_id.as_deref().unwrap_or_default(),
        ];
        line_cells(labels, &Totals::of(row), workspace, byok)
    };
    let total = line_cells(["TOTAL", "", "", ""], &totals, workspace, byok)?;
    let mut table = Streamed::new(columns);
    for row in rows {
        table.measure(&row_line(row)?);
    }
    table.measure(&total);
    table.write_header(out)?;
    for row in rows {
        table.write_row(out, &row_line(row)?)?;
    }
    table.write_rule(out)?;
    table.write_row(out, &total)
}

/// A line of the rows' table: its labels (the workspace's only when shown), the
/// figures, the cost and, when shown, the BYOK cost.
fn line_cells<'a>(
    labels: [&'a str; 4],
    t: &Totals,
    workspace: bool,
    byok: bool,
) -> Result<Vec<Cow<'a, str>>, money::Unprintable> {
    let shown = if workspace { 4 } else { 3 };
    let mut cells: Vec<Cow<'a, str>> = labels[..shown].iter().map(|l| Cow::Borrowed(*l)).collect();
    cells.extend(number_cells(t).map(Cow::Owned));
    cells.push(Cow::Owned(money::usd(t.usage)?));
    if byok {
        cells.push(Cow::Owned(money::usd(t.byok_usage_inference)?));
    }
    Ok(cells)
}

fn summary_table(groups: &[Group], keys: &[SummaryKey], out: &mut Out<'_>) -> io::Result<()> {
    let totals = Totals::sum(groups.iter().map(|g| &g.totals)).rounded();
    let byok = totals.byok_usage_inference != 0.0;
    let mut columns: Vec<(&str, Align)> = keys
        .iter()
        .map(|&k| (summary_column(k), Align::Left))
        .collect();
    columns.extend(number_columns());
    columns.push(("COST (USD)", Align::Right));
    columns.push(("SHARE", Align::Right));
    if byok {
        columns.push(("BYOK (USD)", Align::Right));
    }
    let mut table = Table::new(columns);
    let line = |labels: Vec<String>, t: &Totals| {
        let mut cells = labels;
        cells.extend(number_cells(t));
        cells.push(money::usd(t.usage)?);
        cells.push(percent(t.usage, totals.usage));
        if byok {
            cells.push(money::usd(t.byok_usage_inference)?);
        }
        Ok::<_, money::Unprintable>(cells)
    };
    for group in groups {
        let labels = group
            .labels
            .iter()
            .map(|l| {
                if l.is_empty() {
                    "-".to_string()
                } else {
                    l.clone()
                }
            })
            .collect();
        table.row(line(labels, &group.totals)?);
    }
    table.rule();
    let mut labels = vec!["TOTAL".to_string()];
    labels.resize(keys.len(), String::new());
    table.row(line(labels, &totals)?);
    table.write(out)
}

pub(crate) fn rows_csv(rows: &[ActivityItem], out: &mut Out<'_>) -> io::Result<()> {
    check_amounts(rows.iter().map(Totals::of))?;
    let mut csv = Sheet::new(out, ROW_FIELDS)?;
    for row in rows {
        csv.row([
            row.date.clone(),
            row.model.clone(),
            row.model_permaslug.clone(),
            row.endpoint_id.clone(),
            row.provider_name.clone(),
            money::plain(row.usage)?,
            money::plain(row.byok_usage_inference)?,
            row.requests.to_string(),
            row.prompt_tokens.to_string(),
            row.completion_tokens.to_string(),
            row.reasoning_tokens.to_string(),
            row.cached_tokens.to_string(),
            row.workspace_id.clone().unwrap_or_default(),
        ])?;
    }
    csv.finish()
}

pub(crate) fn summary_csv(
    groups: &[Group],
    keys: &[SummaryKey],
    out: &mut Out<'_>,
) -> io::Result<()> {
    check_amounts(groups.iter().map(|group| group.totals))?;
    let header = keys
        .iter()
        .map(|&k| text(summary_field(k)))
        .chain(SUMMARY_FIELDS.map(number));
    let mut csv = Sheet::new(out, header)?;
    for group in groups {
        let t = &group.totals;
        let record = group.labels.iter().cloned().chain([
            t.requests.to_string(),
            t.prompt_tokens.to_string(),
            t.completion_tokens.to_string(),
            t.reasoning_tokens.to_string(),
            t.cached_tokens.to_string(),
            money::plain(t.usage)?,
            money::plain(t.byok_usage_inference)?,
        ]);
        csv.row(record)?;
    }
    csv.finish()
}

/// A summary row as JSON: its key columns first, then the sums, in CSV order.
struct SummaryRow<'a> {
    keys: &'a [SummaryKey],
    group: &'a Group,
}

impl Serialize for SummaryRow<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let t = &self.group.totals;
        let mut map = serializer.serialize_map(Some(self.keys.len() + SUMMARY_FIELDS.len()))?;
        for (key, label) in self.keys.iter().zip(&self.group.labels) {
            map.serialize_entry(summary_field(*key), label)?;
        }
        map.serialize_entry("requests", &t.requests)?;
        map.serialize_entry("prompt_tokens", &t.prompt_tokens)?;
        map.serialize_entry("completion_tokens", &t.completion_tokens)?;
        map.serialize_entry("reasoning_tokens", &t.reasoning_tokens)?;
        map.serialize_entry("cached_tokens", &t.cached_tokens)?;
        map.serialize_entry(
            "usage",
            &money::checked(t.usage).map_err(serde::ser::Error::custom)?,
        )?;
        map.serialize_entry(
            "byok_usage_inference",
            &money::checked(t.byok_usage_inference).map_err(serde::ser::Error::custom)?,
        )?;
        map.end()
    }
}

/// `{"data": [...]}` with one object per summary row.
pub(crate) fn summary_json(
    groups: &[Group],
    keys: &[SummaryKey],
    out: &mut Out<'_>,
) -> io::Result<()> {
    check_amounts(groups.iter().map(|group| group.totals))?;
    let rows: Vec<SummaryRow<'_>> = groups
        .iter()
        .map(|group| SummaryRow { keys, group })
        .collect();
    let mut envelope = BTreeMap::new();
    envelope.insert("data", rows);
    write_json(out, &envelope)
}
