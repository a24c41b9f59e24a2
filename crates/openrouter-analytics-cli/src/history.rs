//! The history store from the command line: `openrouter sync`, and `activity` /
//! `report` / `export` over a range (`--since`). Thin glue: parse, call the store
//! crate's API, render with the same formatters as the live commands.

use std::io::{self, Write};

use chrono::{Duration, NaiveDate, Utc};
use clap::Args;
use openrouter_analytics::Client;
use openrouter_analytics::types::ActivityItem;
use openrouter_analytics_store::{
    ActivityRow, Dimension, Error, OpenOptions, Query, Store, SyncOptions, Target,
};

use crate::exit::{Failure, Operation};
use crate::terminal;
use crate::totals::{Group, Totals};
use crate::totals::{GroupBy, SummaryKey};

/// `--db` and `--db-timeout`: shared by `sync`, `activity`, `report` and `export`.
#[derive(Debug, Args, Clone)]
pub struct DbArgs {
    /// The history store: a file path, sqlite:PATH or postgres://USER:PASSWORD@HOST/DB
    /// (percent-encode `@ / ? # %` in the password; it is never printed) [default:
    /// ~/.local/share/openrouter/history.db, or the platform's data directory].
    #[arg(
        long,
        env = "OPENROUTER_DB",
        hide_env_values = true,
        value_name = "TARGET"
    )]
    pub db: Option<String>,

    /// Seconds any wait for the store's database may last: connecting, each statement,
    /// another sync's lock, a silent network peer. Then the command fails and nothing
    /// of its run is written.
    #[arg(
        long,
        env = "OPENROUTER_DB_TIMEOUT",
        value_name = "SECS",
        default_value_t = DEFAULT_DB_TIMEOUT,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub db_timeout: u64,
}

/// `--db-timeout`'s default, in seconds: the store's own.
const DEFAULT_DB_TIMEOUT: u64 = openrouter_analytics_store::DEFAULT_TIMEOUT.as_secs();

impl Default for DbArgs {
    fn default() -> Self {
        Self {
            db: None,
            db_timeout: DEFAULT_DB_TIMEOUT,
        }
    }
}

impl DbArgs {
    fn options(&self) -> OpenOptions {
        OpenOptions::default().timeout(std::time::Duration::from_secs(self.db_timeout))
    }
}

/// `openrouter sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Where to keep the history.
    #[command(flatten)]
    pub db: DbArgs,

    /// Also keep the activity split by workspace (read it back with
    /// `activity --since ... --group-by workspace`).
    #[arg(long, value_enum, value_name = "DIMENSION")]
    pub group_by: Option<GroupBy>,

    /// Per-key activity requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub key_concurrency: u16,

    /// The UTC day to sync as of: the window kept is the 30 completed days before it,
    /// and rows dated outside it are dropped [default: today, by this machine's clock].
    /// For a server whose clock is elsewhere, such as `openrouter-mock --today`.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

/// The store named by `--db`, `OPENROUTER_DB` or the default path.
pub fn target(db: &DbArgs) -> Result<Target, Failure> {
    Target::resolve(db.db.as_deref()).map_err(|err| store_failure(&err, None))
}

/// A store error as a failure: no store and a location that cannot be understood are
/// usage errors (exit 2), the rest 1; a failed fetch keeps the exit code of the live
/// commands.
pub fn store_failure(err: &Error, base_url: Option<&str>) -> Failure {
    if let (Some(fetch), Some(base_url)) = (err.fetch_error(), base_url) {
        return Failure::from_client(fetch, Operation::Activity, base_url);
    }
    match err {
        Error::NoStore(_) | Error::BadTarget(_) => Failure::usage(err.to_string()),
        _ => Failure::other(err.to_string()),
    }
}

/// Runs `openrouter sync`: progress lines (when asked for) and a one-line summary on
/// stderr, nothing on stdout.
pub fn sync(
    args: &SyncArgs,
    client: &Client,
    runtime: &tokio::runtime::Runtime,
    progress: bool,
) -> Result<(), Failure> {
    let today = args
        .today
        .as_deref()
        .map(|text| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| Failure::usage("--today is not a day in YYYY-MM-DD form"))
        })
        .transpose()?;
    let target = target(&args.db)?;
    let mut store =
        Store::open_with(&target, &args.db.options()).map_err(|err| store_failure(&err, None))?;
    let mut options = SyncOptions::default()
        .group_by_workspace(args.group_by == Some(GroupBy::Workspace))
        .key_concurrency(usize::from(args.key_concurrency));
    if let Some(today) = today {
        options = options.today(today);
    }
    if progress {
        options = options.on_progress(|line| {
            let _ = writeln!(io::stderr().lock(), "sync: {line}");
        });
    }
    let summary = runtime
        .block_on(store.sync(client, &options))
        .map_err(|err| store_failure(&err, Some(client.base_url())))?;
    let line = format!("{summary} into {}", store.target());
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "{}", terminal::safe(&line));
    if summary.dropped_rows > 0 {
        let _ = writeln!(
            stderr,
            "warning: OpenRouter sent {} row{} dated outside the window {} to {}; {} not stored \
             (counted in the run log)",
            summary.dropped_rows,
            if summary.dropped_rows == 1 { "" } else { "s" },
            summary.first_day,
            summary.last_day,
            if summary.dropped_rows == 1 {
                "it was"
            } else {
                "they were"
            }
        );
    }
    Ok(())
}

/// A `--since` / `--until` range, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The first day.
    pub since: NaiveDate,
    /// The last day, if given.
    pub until: Option<NaiveDate>,
}

/// Parses `--since` and `--until` (YYYY-MM-DD, UTC days, both included).
pub fn parse_range(since: &str, until: Option<&str>) -> Result<Range, String> {
    let day = |flag: &str, text: &str| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| format!("{flag} {text:?} is not a calendar day; use the form YYYY-MM-DD"))
    };
    let since = day("--since", since)?;
    let until = until.map(|u| day("--until", u)).transpose()?;
    if let Some(until) = until
        && until < since
    {
        return Err(format!("--until {until} is before --since {since}"));
    }
    Ok(Range { since, until })
}

/// Opens the existing store read-only.
pub fn open_existing(db: &DbArgs) -> Result<Store, Failure> {
    let target = target(db)?;
    Store::open_existing_with(&target, &db.options()).map_err(|err| store_failure(&err, None))
}

/// Opens the store read-only and fixes the range's end: `--until`, else the last day a
/// sync covered (else yesterday, UTC).
pub fn open_for_range(db: &DbArgs, range: Range) -> Result<(Store, NaiveDate), Failure> {
    let mut store = open_existing(db)?;
    let until = match range.until {
        Some(until) => until,
        None => store
            .covered_range()
            .map_err(|err| store_failure(&err, None))?
            .map(|(_, last)| last)
            .unwrap_or_else(|| Utc::now().date_naive() - Duration::days(1)),
    };
    Ok((store, until))
}

/// Warns on stderr about the days of the range no sync covered: their activity is
/// unknown, so the totals leave them out.
pub fn warn_gaps(store: &mut Store, query: &Query) -> Result<(), Failure> {
    let missing = store
        .missing_days(query)
        .map_err(|err| store_failure(&err, None))?;
    if !missing.is_empty() {
        let _ = writeln!(
            io::stderr().lock(),
            "warning: the store has no data for {} day{} of the range ({}); the totals leave {} out",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            day_ranges(&missing),
            if missing.len() == 1 { "it" } else { "them" }
        );
    }
    Ok(())
}

/// `2026-01-01 to 2026-01-05, 2026-02-11`.
pub fn day_ranges(days: &[NaiveDate]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let start = days[i];
        let mut end = start;
        while i + 1 < days.len() && days[i + 1] == end + Duration::days(1) {
            end = days[i + 1];
            i += 1;
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start} to {end}")
        });
        i += 1;
    }
    parts.join(", ")
}

/// The store's dimension for a `--by` key.
pub fn dimension(key: SummaryKey) -> Dimension {
    match key {
        SummaryKey::Model => Dimension::Model,
        SummaryKey::Provider => Dimension::Provider,
        SummaryKey::Date => Dimension::Day,
        SummaryKey::Workspace => Dimension::Workspace,
        SummaryKey::Key => Dimension::Key,
        SummaryKey::Month => Dimension::Month,
    }
}

/// A stored row as the API's activity item, for the live commands' formatters.
pub fn item(row: &ActivityRow) -> ActivityItem {
    let mut item = with_totals(&row.totals);
    item.date.clone_from(&row.date);
    item.model.clone_from(&row.model);
    item.model_permaslug.clone_from(&row.model_permaslug);
    item.endpoint_id.clone_from(&row.endpoint_id);
    item.provider_name.clone_from(&row.provider_name);
    item.workspace_id.clone_from(&row.workspace_id);
    item
}

/// A stored sum by day, model and provider (in that order) as an activity item with no
/// endpoint, permaslug or workspace: what a page that groups by those three needs.
pub fn daily_item(summary: &openrouter_analytics_store::Summary) -> ActivityItem {
    let label = |i: usize| summary.labels.get(i).cloned().unwrap_or_default();
    let mut item = with_totals(&summary.totals);
    item.date = label(0);
    item.model = label(1);
    item.provider_name = label(2);
    item
}

/// An activity item holding `totals`, its labels empty.
fn with_totals(t: &openrouter_analytics_store::Totals) -> ActivityItem {
    ActivityItem {
        date: String::new(),
        model: String::new(),
        model_permaslug: String::new(),
        endpoint_id: String::new(),
        provider_name: String::new(),
        workspace_id: None,
        usage: t.usage,
        byok_usage_inference: t.byok_usage_inference,
        requests: t.requests,
        prompt_tokens: t.prompt_tokens,
        completion_tokens: t.completion_tokens,
        reasoning_tokens: t.reasoning_tokens,
        cached_tokens: t.cached_tokens,
    }
}

/// A stored summary as the CLI's summary group.
pub fn group(summary: &openrouter_analytics_store::Summary) -> Group {
    let t = &summary.totals;
    Group {
        labels: summary.labels.clone(),
        totals: Totals {
            requests: t.requests.into(),
            prompt_tokens: t.prompt_tokens.into(),
            completion_tokens: t.completion_tokens.into(),
            reasoning_tokens: t.reasoning_tokens.into(),
            cached_tokens: t.cached_tokens.into(),
            usage: t.usage,
            byok_usage_inference: t.byok_usage_inference,
        }
        .rounded(),
    }
}
