//! `Store::sync`: fetch the window, then write it in one transaction.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::Hasher;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, SecondsFormat, Utc};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use openrouter_analytics::Client;
use openrouter_analytics::types::{
    ActivityGroupBy, ActivityItem, ApiKey, GetCreditsResponseData, Workspace, WorkspaceBudget,
};

use crate::backend::{Conn, Val};
use crate::query::{COUNTS, count_sum, day};
use crate::{Error, Store};

/// How many per-key activity requests are in flight at once.
pub const DEFAULT_KEY_CONCURRENCY: usize = 4;

/// The days `GET /activity` answers for.
const WINDOW_DAYS: i64 = 30;

/// A progress callback: one short line per step.
type OnProgress = Arc<dyn Fn(&str) + Send + Sync>;

/// How a [`Store::sync`] runs.
///
/// ```
/// use openrouter_analytics_store::SyncOptions;
///
/// let options = SyncOptions::default().group_by_workspace(true).key_concurrency(2);
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct SyncOptions {
    group_by_workspace: bool,
    key_concurrency: Option<usize>,
    today: Option<NaiveDate>,
    on_progress: Option<OnProgress>,
}

impl fmt::Debug for SyncOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncOptions")
            .field("group_by_workspace", &self.group_by_workspace)
            .field("key_concurrency", &self.key_concurrency)
            .field("today", &self.today)
            .finish_non_exhaustive()
    }
}

impl SyncOptions {
    /// Also fetch and keep the activity split by workspace (the account's rows are
    /// then the sums of the workspaces').
    pub fn group_by_workspace(mut self, split: bool) -> Self {
        self.group_by_workspace = split;
        self
    }

    /// Per-key activity requests in flight at once (at least 1; default
    /// 4).
    pub fn key_concurrency(mut self, n: usize) -> Self {
        self.key_concurrency = Some(n.max(1));
        self
    }

    /// The UTC day the sync runs on, as OpenRouter's clock has it: the window is the
    /// 30 completed days before it. Default: this machine's clock (read before and
    /// after fetching; a sync across midnight covers only the days both windows share).
    /// For a server whose clock is elsewhere, such as a mock serving another day.
    pub fn today(mut self, day: NaiveDate) -> Self {
        self.today = Some(day);
        self
    }

    /// Called with a short line before each step (for a progress display).
    pub fn on_progress(mut self, f: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(f));
        self
    }

    fn progress(&self, line: &str) {
        if let Some(f) = &self.on_progress {
            f(line);
        }
    }
}

/// What a sync stored.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SyncSummary {
    /// The run's id in the run log.
    pub run_id: String,
    /// The first day of the window the sync asked for (the days now covered).
    pub first_day: NaiveDate,
    /// The last of them.
    pub last_day: NaiveDate,
    /// Rows dated outside the window (or not dated at all), dropped.
    pub dropped_rows: usize,
    /// Activity rows received (account and workspace rows).
    pub activity_rows: usize,
    /// Per-key activity rows received.
    pub key_rows: usize,
    /// Keys snapshotted.
    pub keys: usize,
    /// Workspace budgets snapshotted.
    pub budgets: usize,
    /// Rows added or changed by this run (0 for a rerun over the same data).
    pub changed_rows: u64,
}

impl fmt::Display for SyncSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "synced {} to {}: {} activity rows, {} per-key rows, {} keys, {} budgets ({} rows new or changed",
            self.first_day,
            self.last_day,
            self.activity_rows,
            self.key_rows,
            self.keys,
            self.budgets,
            self.changed_rows
        )?;
        if self.dropped_rows > 0 {
            write!(
                f,
                ", {} dated outside the window dropped",
                self.dropped_rows
            )?;
        }
        f.write_str(")")
    }
}

/// Everything one run fetched.
struct Fetched {
    /// The account's rows (none when split by workspace: they are the split's sums).
    activity: Vec<ActivityItem>,
    workspace_activity: Vec<ActivityItem>,
    key_activity: Vec<(String, Vec<ActivityItem>)>,
    keys: Vec<ApiKey>,
    credits: GetCreditsResponseData,
    workspaces: Vec<Workspace>,
    budgets: Vec<(Workspace, WorkspaceBudget)>,
}

async fn fetch(
    client: &Client,
    options: &SyncOptions,
) -> Result<Fetched, openrouter_analytics::Error> {
    options.progress("fetching activity");
    let (activity, workspace_activity) = if options.group_by_workspace {
        let split = client
            .analytics()
            .get_user_activity()
            .group_by(ActivityGroupBy::Workspace)
            .send()
            .await?
            .data;
        (Vec::new(), split)
    } else {
        let rows = client.analytics().get_user_activity().send().await?.data;
        (rows, Vec::new())
    };
    options.progress("fetching keys");
    // Disabled and expired keys too: their spend and limits belong in the history.
    let keys = client
        .api_keys()
        .list()
        .include_disabled(true)
        .include_expired(true)
        .collect_all()
        .await?;
    options.progress("fetching credits");
    let credits = client.credits().get_credits().send().await?.data;
    options.progress("fetching workspace budgets");
    let workspaces = client.workspaces().list().collect_all().await?;
    let mut budgets = Vec::new();
    for workspace in &workspaces {
        let id = workspace.id.to_string();
        let list = client
            .workspaces()
            .list_budgets()
            .id(id.as_str())
            .send()
            .await?;
        budgets.extend(list.data.into_iter().map(|b| (workspace.clone(), b)));
    }
    options.progress(&format!("fetching activity of {} keys", keys.len()));
    let concurrency = options.key_concurrency.unwrap_or(DEFAULT_KEY_CONCURRENCY);
    let key_activity: Vec<(String, Vec<ActivityItem>)> = stream::iter(keys.iter().map(|key| {
        let hash = key.hash.clone();
        async move {
            let rows = client
                .analytics()
                .get_user_activity()
                .api_key_hash(hash.as_str())
                .send()
                .await?
                .data;
            Ok::<_, openrouter_analytics::Error>((hash, rows))
        }
    }))
    .buffered(concurrency)
    .try_collect()
    .await?;
    Ok(Fetched {
        activity,
        workspace_activity,
        key_activity,
        keys,
        credits,
        workspaces,
        budgets,
    })
}

/// The days of a run: the rows accepted and the days marked covered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Window {
    accept: (NaiveDate, NaiveDate),
    covered: (NaiveDate, NaiveDate),
}

impl Window {
    /// The 30 completed UTC days before `today`, read before and after fetching
    /// (the same day unless the run crossed midnight): rows of either window are
    /// kept, only the days of both are covered.
    fn new(before: NaiveDate, after: NaiveDate) -> Self {
        let days = |today: NaiveDate| {
            let last = today - Duration::days(1);
            (last - Duration::days(WINDOW_DAYS - 1), last)
        };
        let (b, a) = (days(before), days(after));
        Window {
            accept: (b.0.min(a.0), b.1.max(a.1)),
            covered: (b.0.max(a.0), b.1.min(a.1)),
        }
    }

    /// The row's day, if it is in the window, and its text as the store writes days:
    /// borrowed when the answer wrote it so already (`YYYY-MM-DD`, read without
    /// chrono's format parser: this runs for every row of the answer).
    fn day<'a>(&self, row: &'a ActivityItem) -> Option<Cow<'a, str>> {
        let (d, text) = match canonical_day(&row.date) {
            Some(d) => (d, Cow::Borrowed(row.date.as_str())),
            None => {
                let d = NaiveDate::parse_from_str(&row.date, "%Y-%m-%d").ok()?;
                (d, Cow::Owned(day(d)))
            }
        };
        (self.accept.0..=self.accept.1).contains(&d).then_some(text)
    }
}

/// A day written exactly as the store writes days (four-digit year, zero-padded
/// month and day), or `None` for any other text (which chrono may still read).
fn canonical_day(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

/// A row as the store writes it, borrowed from the answer where it can be: its group
/// (workspace, key hash, or "" for the account's rows), its day as the store writes
/// days, and the answer's row (a sum of the split's rows is owned).
#[derive(Clone, Debug)]
struct Row<'a> {
    group: &'a str,
    date: Cow<'a, str>,
    item: Cow<'a, ActivityItem>,
}

impl Row<'_> {
    /// The table's key (day, group, endpoint, model) as bytes: the order of the
    /// table's primary key (SQLite compares text byte by byte).
    fn key(&self) -> (&[u8], &[u8], &[u8], &[u8]) {
        (
            self.date.as_bytes(),
            self.group.as_bytes(),
            self.item.endpoint_id.as_bytes(),
            self.item.model_permaslug.as_bytes(),
        )
    }

    /// A hash of everything the store keeps of the row but the run's id: its key,
    /// model, provider and numbers (see [`Digest`]).
    fn hash(&self) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        let item = &self.item;
        for text in [
            self.date.as_ref(),
            self.group,
            &item.endpoint_id,
            &item.model_permaslug,
            &item.model,
            &item.provider_name,
        ] {
            h.write(text.as_bytes());
            // A separator no UTF-8 text holds: ("ab", "c") and ("a", "bc") differ.
            h.write_u8(0xff);
        }
        h.write_u64(item.usage.to_bits());
        h.write_u64(item.byok_usage_inference.to_bits());
        for n in [
            item.requests,
            item.prompt_tokens,
            item.completion_tokens,
            item.reasoning_tokens,
            item.cached_tokens,
        ] {
            h.write_i64(n);
        }
        h.finish()
    }
}

/// What a run writes, checked before its transaction begins.
struct Prepared<'a> {
    window: Window,
    account: Vec<Row<'a>>,
    split: Vec<Row<'a>>,
    keys: Vec<Vec<Row<'a>>>,
    dropped: usize,
}

/// Keeps the rows dated in the window (with the date as the store writes days),
/// counting the others.
fn in_window<'a>(
    rows: &'a [ActivityItem],
    window: &Window,
    dropped: &mut usize,
) -> Vec<(Cow<'a, str>, &'a ActivityItem)> {
    let mut kept = Vec::with_capacity(rows.len());
    for row in rows {
        match window.day(row) {
            Some(date) => kept.push((date, row)),
            None => *dropped += 1,
        }
    }
    kept
}

/// The stored values of two rows with the same key agree.
fn same_row(a: &ActivityItem, b: &ActivityItem) -> bool {
    a.model == b.model
        && a.provider_name == b.provider_name
        && a.usage == b.usage
        && a.byok_usage_inference == b.byok_usage_inference
        && a.requests == b.requests
        && a.prompt_tokens == b.prompt_tokens
        && a.completion_tokens == b.completion_tokens
        && a.reasoning_tokens == b.reasoning_tokens
        && a.cached_tokens == b.cached_tokens
}

/// At most 80 characters of a value from the answer, for a message.
fn short(text: &str) -> String {
    let mut out: String = text.chars().take(80).collect();
    if out.len() < text.len() {
        out.push_str("...");
    }
    out
}

/// The rows keyed as the store keys them (day, group, endpoint, model): an identical
/// copy is kept once; copies that disagree are an error naming the row, since
/// neither can be trusted (summing them would double the spend). The rows keep their
/// order. Keys are found by hashing borrowed fields: an ordered map of owned keys
/// cost four string comparisons per step of its search, most of a sync's time.
fn unique<'a>(
    rows: Vec<(Cow<'a, str>, &'a ActivityItem)>,
    group: impl Fn(&'a ActivityItem) -> &'a str,
    group_name: &str,
) -> Result<Vec<Row<'a>>, String> {
    let rows: Vec<Row<'a>> = rows
        .into_iter()
        .map(|(date, item)| Row {
            group: group(item),
            date,
            item: Cow::Borrowed(item),
        })
        .collect();
    let mut keep = vec![true; rows.len()];
    let mut seen: HashMap<(&str, &str, &str, &str), usize> = HashMap::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let key = (
            row.date.as_ref(),
            row.group,
            row.item.endpoint_id.as_str(),
            row.item.model_permaslug.as_str(),
        );
        match seen.entry(key) {
            Entry::Occupied(first) if same_row(&rows[*first.get()].item, &row.item) => {
                keep[i] = false
            }
            Entry::Occupied(_) => {
                let mut name = format!(
                    "OpenRouter's answer has two different rows for {}, endpoint {}, model {}",
                    row.date,
                    short(&row.item.endpoint_id),
                    short(&row.item.model_permaslug)
                );
                if !group_name.is_empty() {
                    name.push_str(&format!(", {group_name} {}", short(row.group)));
                }
                return Err(name);
            }
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
    drop(seen);
    if keep.iter().all(|k| *k) {
        return Ok(rows);
    }
    Ok(rows
        .into_iter()
        .zip(keep)
        .filter_map(|(row, keep)| keep.then_some(row))
        .collect())
}

/// The account's rows from the rows split by workspace: one per day and endpoint,
/// in the order first seen.
fn sum_workspaces<'a>(split: &[Row<'a>]) -> Vec<Row<'a>> {
    let mut sums: Vec<Row<'a>> = Vec::new();
    let mut index: HashMap<(&str, &str, &str), usize> = HashMap::new();
    for row in split {
        let key = (
            row.date.as_ref(),
            row.item.endpoint_id.as_str(),
            row.item.model_permaslug.as_str(),
        );
        match index.entry(key) {
            Entry::Occupied(at) => add(sums[*at.get()].item.to_mut(), &row.item),
            Entry::Vacant(slot) => {
                slot.insert(sums.len());
                let mut first = row.item.clone().into_owned();
                first.workspace_id = None;
                sums.push(Row {
                    group: "",
                    date: row.date.clone(),
                    item: Cow::Owned(first),
                });
            }
        }
    }
    sums
}

fn add(sum: &mut ActivityItem, row: &ActivityItem) {
    sum.usage += row.usage;
    sum.byok_usage_inference += row.byok_usage_inference;
    sum.requests = sum.requests.saturating_add(row.requests);
    sum.prompt_tokens = sum.prompt_tokens.saturating_add(row.prompt_tokens);
    sum.completion_tokens = sum.completion_tokens.saturating_add(row.completion_tokens);
    sum.reasoning_tokens = sum.reasoning_tokens.saturating_add(row.reasoning_tokens);
    sum.cached_tokens = sum.cached_tokens.saturating_add(row.cached_tokens);
}

/// Checks and shapes what was fetched: rows outside the window dropped, copies merged,
/// conflicting copies refused (the message names the row).
fn prepare<'a>(fetched: &'a Fetched, window: &Window) -> Result<Prepared<'a>, String> {
    let mut dropped = 0;
    // A row without a workspace in the split answer is kept under "-" so that it is
    // not mistaken for the account's row.
    let split = unique(
        in_window(&fetched.workspace_activity, window, &mut dropped),
        |r| {
            r.workspace_id
                .as_deref()
                .filter(|w| !w.is_empty())
                .unwrap_or("-")
        },
        "workspace",
    )?;
    let account = if fetched.workspace_activity.is_empty() {
        unique(
            in_window(&fetched.activity, window, &mut dropped),
            |_| "",
            "",
        )?
    } else {
        sum_workspaces(&split)
    };
    let mut keys = Vec::with_capacity(fetched.key_activity.len());
    for (hash, rows) in &fetched.key_activity {
        keys.push(unique(
            in_window(rows, window, &mut dropped),
            |_| hash.as_str(),
            "key",
        )?);
    }
    Ok(Prepared {
        window: *window,
        account,
        split,
        keys,
        dropped,
    })
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl Store {
    /// Fetches the activity window, the per-key activity, the credits, every key and
    /// the workspace budgets, then writes them in one transaction with the run's log
    /// entry. Rows are upserted: a rerun over the same window changes nothing.
    ///
    /// Any failed request fails the run: the store then gets only the log entry
    /// (status `failed`, the error), and the error is [`Error::Fetch`].
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> Result<(), openrouter_analytics_store::Error> {
    /// use openrouter_analytics_store::{Store, SyncOptions, Target};
    ///
    /// let mut store = Store::open(&Target::resolve(None)?)?;
    /// let summary = store.sync(&client, &SyncOptions::default()).await?;
    /// eprintln!("{summary}");
    /// # Ok(()) }
    /// ```
    pub async fn sync(
        &mut self,
        client: &Client,
        options: &SyncOptions,
    ) -> Result<SyncSummary, Error> {
        if self.read_only {
            return Err(Error::ReadOnly(self.target.to_string()));
        }
        let started_at = now();
        let run_id = format!("{started_at}-{}", std::process::id());
        let today = || options.today.unwrap_or_else(|| Utc::now().date_naive());
        let before = today();
        match fetch(client, options).await {
            Ok(fetched) => {
                let window = Window::new(before, today());
                match prepare(&fetched, &window) {
                    Ok(prepared) => {
                        options.progress("writing");
                        self.write_run(&run_id, &started_at, &fetched, &prepared, options)
                    }
                    Err(message) => {
                        self.log_failure(&run_id, &started_at, &message)?;
                        Err(Error::BadAnswer(message))
                    }
                }
            }
            Err(err) => {
                let message = err.to_string();
                self.log_failure(&run_id, &started_at, &message)?;
                Err(Error::Fetch(err))
            }
        }
    }

    fn log_failure(&mut self, run_id: &str, started_at: &str, message: &str) -> Result<(), Error> {
        let target = self.target.clone();
        self.conn.begin_write(&target)?;
        let result = self.conn.execute(
            &target,
            "INSERT INTO openrouter_sync_run (run_id, started_at, finished_at, status, activity_rows, key_rows, error) \
             VALUES ($1, $2, $3, 'failed', 0, 0, $4)",
            &[run_id.into(), started_at.into(), now().into(), message.into()],
        );
        match result {
            Ok(_) => self.conn.commit(&target),
            Err(err) => {
                self.conn.rollback(&target);
                Err(err)
            }
        }
    }

    fn write_run(
        &mut self,
        run_id: &str,
        started_at: &str,
        fetched: &Fetched,
        prepared: &Prepared,
        options: &SyncOptions,
    ) -> Result<SyncSummary, Error> {
        let target = self.target.clone();
        self.conn.begin_write(&target)?;
        match self.write_locked(run_id, started_at, fetched, prepared, options) {
            Ok(summary) => {
                self.conn.commit(&target)?;
                Ok(summary)
            }
            Err(err) => {
                self.conn.rollback(&target);
                Err(err)
            }
        }
    }

    fn write_locked(
        &mut self,
        run_id: &str,
        started_at: &str,
        fetched: &Fetched,
        prepared: &Prepared,
        options: &SyncOptions,
    ) -> Result<SyncSummary, Error> {
        let (first, last) = prepared.window.covered;
        let mut changed = 0;
        // The account's rows (group "") and the split's (a workspace or "-") never
        // share a key, nor do two keys' rows: each table takes one upsert.
        let activity: Vec<&Row> = prepared.account.iter().chain(&prepared.split).collect();
        let account_written = self.write_activity(
            "openrouter_activity",
            "workspace_id",
            &activity,
            run_id,
            options,
        )?;
        let key_activity: Vec<&Row> = prepared.keys.iter().flatten().collect();
        let key_rows = key_activity.len();
        let key_written = self.write_activity(
            "openrouter_key_activity",
            "api_key_hash",
            &key_activity,
            run_id,
            options,
        )?;
        // Only the days whose rows were written can have changed: their daily sums are
        // rebuilt from the raw rows, then their months' sums from the daily sums (a
        // rerun that changed nothing skips both). What each table gained decides
        // whether its statistics are refreshed.
        let mut grown: Vec<(String, u64)> = Vec::new();
        for (table, group, written) in [
            ("openrouter_activity", "workspace_id", &account_written),
            ("openrouter_key_activity", "api_key_hash", &key_written),
        ] {
            changed += written.changed;
            let Some((first_day, last_day)) = &written.days else {
                continue;
            };
            if written.changed == 0 {
                continue;
            }
            grown.push((table.to_string(), written.changed));
            let days = Some((first_day.as_str(), last_day.as_str()));
            let daily = self.rebuild_daily(table, group, days)?;
            grown.push((format!("{table}_daily"), daily));
            let months = Some((month_of(first_day), month_of(last_day)));
            let monthly = self.rebuild_monthly(table, group, months)?;
            grown.push((format!("{table}_monthly"), monthly));
        }
        let mut splits = vec!["account", "key"];
        if options.group_by_workspace {
            splits.push("workspace");
        }
        // One statement for all the covered days (at most 3 x 31 rows).
        let mut sql =
            String::from("INSERT INTO openrouter_covered_day (day, split, run_id) VALUES ");
        // SQLite numbers `$n` parameters in the order they appear: so they appear in
        // order, the run's id repeated.
        let mut params: Vec<Val> = Vec::new();
        for split_name in splits {
            for d in first.iter_days().take_while(|d| *d <= last) {
                if !params.is_empty() {
                    sql.push_str(", ");
                }
                let n = params.len();
                sql.push_str(&format!("(${}, ${}, ${})", n + 1, n + 2, n + 3));
                params.push(day(d).into());
                params.push(split_name.into());
                params.push(run_id.into());
            }
        }
        if !params.is_empty() {
            sql.push_str(" ON CONFLICT (day, split) DO NOTHING");
            self.exec(&sql, &params)?;
        }
        let taken_at = now();
        for key in &fetched.keys {
            changed += self.exec(
                "INSERT INTO openrouter_api_key (api_key_hash, name, label, workspace_id, created_at, run_id) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (api_key_hash) DO UPDATE SET \
                 name = excluded.name, label = excluded.label, workspace_id = excluded.workspace_id, \
                 created_at = excluded.created_at, run_id = excluded.run_id \
                 WHERE openrouter_api_key.name <> excluded.name OR openrouter_api_key.label <> excluded.label \
                 OR openrouter_api_key.workspace_id <> excluded.workspace_id",
                &[
                    key.hash.as_str().into(),
                    key.name.as_str().into(),
                    key.label.as_str().into(),
                    key.workspace_id.as_str().into(),
                    key.created_at.as_str().into(),
                    run_id.into(),
                ],
            )?;
            self.exec(
                "INSERT INTO openrouter_key_snapshot (run_id, taken_at, api_key_hash, disabled, usage, \
                 usage_daily, usage_weekly, usage_monthly, byok_usage, key_limit, limit_remaining, limit_reset) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (run_id, api_key_hash) DO NOTHING",
                &[
                    run_id.into(),
                    taken_at.as_str().into(),
                    key.hash.as_str().into(),
                    i64::from(key.disabled).into(),
                    key.usage.into(),
                    key.usage_daily.into(),
                    key.usage_weekly.into(),
                    key.usage_monthly.into(),
                    key.byok_usage.into(),
                    key.limit.into(),
                    key.limit_remaining.into(),
                    key.limit_reset.clone().into(),
                ],
            )?;
        }
        self.exec(
            "INSERT INTO openrouter_credit_snapshot (run_id, taken_at, total_credits, total_usage) \
             VALUES ($1, $2, $3, $4)",
            &[
                run_id.into(),
                taken_at.as_str().into(),
                fetched.credits.total_credits.into(),
                fetched.credits.total_usage.into(),
            ],
        )?;
        for workspace in &fetched.workspaces {
            changed += self.exec(
                "INSERT INTO openrouter_workspace (workspace_id, name, run_id) VALUES ($1, $2, $3) \
                 ON CONFLICT (workspace_id) DO UPDATE SET name = excluded.name, run_id = excluded.run_id \
                 WHERE openrouter_workspace.name <> excluded.name",
                &[
                    workspace.id.to_string().into(),
                    workspace.name.as_str().into(),
                    run_id.into(),
                ],
            )?;
        }
        for (workspace, budget) in &fetched.budgets {
            self.exec(
                "INSERT INTO openrouter_budget_snapshot (run_id, taken_at, workspace_id, workspace_name, \
                 budget_id, reset_interval, limit_usd) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (run_id, budget_id) DO NOTHING",
                &[
                    run_id.into(),
                    taken_at.as_str().into(),
                    workspace.id.to_string().into(),
                    workspace.name.as_str().into(),
                    budget.id.to_string().into(),
                    budget.reset_interval.as_ref().map(|i| i.as_str().to_string()).into(),
                    budget.limit_usd.into(),
                ],
            )?;
        }
        self.refresh_statistics(&grown, options)?;
        let activity_rows = prepared.account.len() + prepared.split.len();
        self.exec(
            "INSERT INTO openrouter_sync_run (run_id, started_at, finished_at, status, activity_rows, \
             key_rows, first_day, last_day, error, dropped_rows) \
             VALUES ($1, $2, $3, 'ok', $4, $5, $6, $7, NULL, $8)",
            &[
                run_id.into(),
                started_at.into(),
                now().into(),
                (activity_rows as i64).into(),
                (key_rows as i64).into(),
                day(first).into(),
                day(last).into(),
                (prepared.dropped as i64).into(),
            ],
        )?;
        Ok(SyncSummary {
            run_id: run_id.to_string(),
            first_day: first,
            last_day: last,
            dropped_rows: prepared.dropped,
            activity_rows,
            key_rows,
            keys: fetched.keys.len(),
            budgets: fetched.budgets.len(),
            changed_rows: changed,
        })
    }

    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, Error> {
        let target = self.target.clone();
        self.conn.execute(&target, sql, params)
    }

    /// Replaces the daily sums of `raw`'s rows (of the days from `days.0` to `days.1`,
    /// `YYYY-MM-DD`, or all) by the sums of the raw rows; the number of sums written.
    pub(crate) fn rebuild_daily(
        &mut self,
        raw: &str,
        group_column: &str,
        days: Option<(&str, &str)>,
    ) -> Result<u64, Error> {
        let (filter, params): (&str, Vec<Val>) = match days {
            Some((first, last)) => (
                " WHERE day >= $1 AND day <= $2",
                vec![first.into(), last.into()],
            ),
            None => ("", Vec::new()),
        };
        self.exec(&format!("DELETE FROM {raw}_daily{filter}"), &params)?;
        let postgres = self.conn.is_postgres();
        let counts: Vec<String> = COUNTS.iter().map(|c| count_sum(postgres, c)).collect();
        let (columns, sums) = (COUNTS.join(", "), counts.join(", "));
        self.exec(
            &format!(
                "INSERT INTO {raw}_daily (day, {group_column}, model, provider_name, usage, \
                 byok_usage_inference, {columns}, raw_rows) \
                 SELECT day, {group_column}, model, provider_name, SUM(usage), \
                 SUM(byok_usage_inference), {sums}, COUNT(*) FROM {raw}{filter} \
                 GROUP BY day, {group_column}, model, provider_name"
            ),
            &params,
        )
    }

    /// Replaces the monthly sums of `raw`'s rows (of the months from `months.0` to
    /// `months.1`, `YYYY-MM`, or all) by the sums of their daily sums, which hold the
    /// same totals in a tenth of the rows; the number of sums written.
    pub(crate) fn rebuild_monthly(
        &mut self,
        raw: &str,
        group_column: &str,
        months: Option<(&str, &str)>,
    ) -> Result<u64, Error> {
        let (delete, select, params): (&str, &str, Vec<Val>) = match months {
            // Days are `YYYY-MM-DD` text: every day of a month sorts between its
            // `-01` and its `-31`.
            Some((first, last)) => (
                " WHERE month >= $1 AND month <= $2",
                " WHERE day >= $1 AND day <= $2",
                vec![first.into(), last.into()],
            ),
            None => ("", "", Vec::new()),
        };
        self.exec(&format!("DELETE FROM {raw}_monthly{delete}"), &params)?;
        let params: Vec<Val> = match months {
            Some((first, last)) => vec![format!("{first}-01").into(), format!("{last}-31").into()],
            None => Vec::new(),
        };
        let postgres = self.conn.is_postgres();
        let counts: Vec<String> = COUNTS.iter().map(|c| count_sum(postgres, c)).collect();
        let (columns, sums) = (COUNTS.join(", "), counts.join(", "));
        self.exec(
            &format!(
                "INSERT INTO {raw}_monthly (month, {group_column}, model, provider_name, usage, \
                 byok_usage_inference, {columns}, raw_rows) \
                 SELECT substr(day, 1, 7), {group_column}, model, provider_name, SUM(usage), \
                 SUM(byok_usage_inference), {sums}, SUM(raw_rows) FROM {raw}_daily{select} \
                 GROUP BY substr(day, 1, 7), {group_column}, model, provider_name"
            ),
            &params,
        )
    }

    /// PostgreSQL: gathers the statistics of the tables this run grew by more than
    /// autovacuum's own threshold for that (50 rows and a tenth of the rows counted at
    /// the last statistics), or that have none yet, in the run's transaction. Autovacuum
    /// would gather them up to a minute after the commit; until then the planner guesses,
    /// and right after a first sync or a bulk load a year's summary took three times as
    /// long. SQLite plans these reads the same with or without statistics (measured in
    /// the store bench): nothing to do there.
    fn refresh_statistics(
        &mut self,
        grown: &[(String, u64)],
        options: &SyncOptions,
    ) -> Result<(), Error> {
        if !self.conn.is_postgres() || grown.is_empty() {
            return Ok(());
        }
        let names: Vec<String> = grown.iter().map(|(table, _)| table.clone()).collect();
        // `reltuples` is -1 (PostgreSQL 14 on) or 0 (before) for a table never analysed.
        let counted: HashMap<String, f64> = self
            .conn
            .query(
                &self.target.clone(),
                "SELECT c.relname::text, c.reltuples::float8 FROM pg_class c \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = current_schema() AND c.relname::text = ANY($1::text[])",
                &[Val::TextArray(names)],
            )?
            .into_iter()
            .filter_map(|r| match r.as_slice() {
                [name, tuples] => Some((name.text(), tuples.real())),
                _ => None,
            })
            .collect();
        let stale: Vec<&str> = grown
            .iter()
            .filter(|(table, rows)| {
                counted
                    .get(table)
                    .is_some_and(|&tuples| tuples <= 0.0 || *rows as f64 > 50.0 + 0.1 * tuples)
            })
            .map(|(table, _)| table.as_str())
            .collect();
        if stale.is_empty() {
            return Ok(());
        }
        let list = stale.join(", ");
        options.progress(&format!("gathering statistics: {list}"));
        self.exec(&format!("ANALYZE {list}"), &[])?;
        Ok(())
    }

    /// Writes a raw table's rows (no two with the same key), skipping the days whose
    /// rows are those the last sync that wrote the day wrote (same [`Digest`]): their
    /// stored rows hold these numbers already. The rows of the other days are upserted,
    /// and their digests recorded. What was written ([`Written`]).
    fn write_activity(
        &mut self,
        table: &str,
        group_column: &str,
        rows: &[&Row],
        run_id: &str,
        options: &SyncOptions,
    ) -> Result<Written, Error> {
        let answered = digests(rows);
        let (Some((first, _)), Some((last, _))) =
            (answered.first_key_value(), answered.last_key_value())
        else {
            return Ok(Written::default());
        };
        let stored: HashMap<String, Digest> = self
            .conn
            .query(
                &self.target.clone(),
                "SELECT day, rows, digest FROM openrouter_synced_day \
                 WHERE raw_table = $1 AND day >= $2 AND day <= $3",
                &[table.into(), (*first).into(), (*last).into()],
            )?
            .into_iter()
            .filter_map(|r| match r.as_slice() {
                [d, rows, sum] => Some((
                    d.text(),
                    Digest {
                        rows: rows.int(),
                        sum: sum.int(),
                    },
                )),
                _ => None,
            })
            .collect();
        let days = answered.len();
        let changed_days: BTreeMap<&str, Digest> = answered
            .into_iter()
            .filter(|(d, digest)| stored.get(*d) != Some(digest))
            .collect();
        options.progress(&format!(
            "writing {table}: {} of {days} days as last synced, skipped",
            days - changed_days.len(),
        ));
        let (Some((first_written, _)), Some((last_written, _))) = (
            changed_days.first_key_value(),
            changed_days.last_key_value(),
        ) else {
            return Ok(Written::default());
        };
        let days = Some((first_written.to_string(), last_written.to_string()));
        let to_write: Vec<&Row> = rows
            .iter()
            .copied()
            .filter(|r| changed_days.contains_key(r.date.as_ref()))
            .collect();
        let changed = self.upsert_activity(table, group_column, &to_write, run_id)?;
        // One statement for the days written (at most 31 rows); SQLite numbers `$n`
        // parameters in the order they appear, so they appear in order.
        let mut sql = String::from(
            "INSERT INTO openrouter_synced_day (raw_table, day, rows, digest, run_id) VALUES ",
        );
        let mut params: Vec<Val> = Vec::with_capacity(changed_days.len() * 5);
        for (d, digest) in &changed_days {
            if !params.is_empty() {
                sql.push_str(", ");
            }
            let n = params.len();
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${})",
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5
            ));
            params.push(table.into());
            params.push((*d).into());
            params.push(digest.rows.into());
            params.push(digest.sum.into());
            params.push(run_id.into());
        }
        sql.push_str(
            " ON CONFLICT (raw_table, day) DO UPDATE SET rows = excluded.rows, \
             digest = excluded.digest, run_id = excluded.run_id",
        );
        self.exec(&sql, &params)?;
        Ok(Written { changed, days })
    }

    /// Upserts activity rows (no two with the same key); a row whose numbers are
    /// unchanged is not rewritten (and not counted).
    fn upsert_activity(
        &mut self,
        table: &str,
        group_column: &str,
        rows: &[&Row],
        run_id: &str,
    ) -> Result<u64, Error> {
        // Every row's day is written as the store writes days: text order is day order.
        let (Some(first), Some(last)) = (
            rows.iter().map(|r| r.date.as_ref()).min(),
            rows.iter().map(|r| r.date.as_ref()).max(),
        ) else {
            return Ok(0);
        };
        let t = table;
        let on_conflict = format!(
            " ON CONFLICT (day, {group_column}, endpoint_id, model_permaslug) DO UPDATE SET \
             model = excluded.model, provider_name = excluded.provider_name, usage = excluded.usage, \
             byok_usage_inference = excluded.byok_usage_inference, requests = excluded.requests, \
             prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens, \
             reasoning_tokens = excluded.reasoning_tokens, cached_tokens = excluded.cached_tokens, \
             run_id = excluded.run_id \
             WHERE {t}.usage <> excluded.usage OR {t}.byok_usage_inference <> excluded.byok_usage_inference \
             OR {t}.requests <> excluded.requests OR {t}.prompt_tokens <> excluded.prompt_tokens \
             OR {t}.completion_tokens <> excluded.completion_tokens \
             OR {t}.reasoning_tokens <> excluded.reasoning_tokens OR {t}.cached_tokens <> excluded.cached_tokens \
             OR {t}.model <> excluded.model OR {t}.provider_name <> excluded.provider_name"
        );
        if self.conn.is_postgres() {
            // One statement for all the rows: each column one array parameter, so the
            // server parses and plans once and the rows travel in binary.
            let text =
                |f: &dyn Fn(&Row) -> String| Val::TextArray(rows.iter().map(|r| f(r)).collect());
            let int = |f: &dyn Fn(&ActivityItem) -> i64| {
                Val::IntArray(rows.iter().map(|r| f(&r.item)).collect())
            };
            let real = |f: &dyn Fn(&ActivityItem) -> f64| {
                Val::RealArray(rows.iter().map(|r| f(&r.item)).collect())
            };
            let params = [
                text(&|r| r.date.to_string()),
                text(&|r| r.group.to_string()),
                text(&|r| r.item.endpoint_id.clone()),
                text(&|r| r.item.model_permaslug.clone()),
                text(&|r| r.item.model.clone()),
                text(&|r| r.item.provider_name.clone()),
                real(&|r| r.usage),
                real(&|r| r.byok_usage_inference),
                int(&|r| r.requests),
                int(&|r| r.prompt_tokens),
                int(&|r| r.completion_tokens),
                int(&|r| r.reasoning_tokens),
                int(&|r| r.cached_tokens),
                Val::Text(run_id.to_string()),
                Val::Text(first.to_string()),
                Val::Text(last.to_string()),
            ];
            // Rows stored with the same numbers are left out before the upsert, by a
            // join with the stored rows of the rows' days: `ON CONFLICT DO UPDATE`
            // locks every conflicting row, even one its `WHERE` then leaves alone, so
            // a rerun over unchanged rows would write a lock for each of them.
            let numbers = "model, provider_name, usage, byok_usage_inference, requests, \
                           prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens";
            let sql = format!(
                "INSERT INTO {table} (day, {group_column}, endpoint_id, model_permaslug, model, \
                 provider_name, usage, byok_usage_inference, requests, prompt_tokens, \
                 completion_tokens, reasoning_tokens, cached_tokens, run_id) \
                 SELECT u.*, $14::text FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], \
                 $5::text[], $6::text[], $7::float8[], $8::float8[], $9::int8[], $10::int8[], \
                 $11::int8[], $12::int8[], $13::int8[]) AS u(day, {group_column}, endpoint_id, \
                 model_permaslug, {numbers}) \
                 LEFT JOIN (SELECT * FROM {table} WHERE day >= $15::text AND day <= $16::text) AS s \
                 ON s.day = u.day AND s.{group_column} = u.{group_column} \
                 AND s.endpoint_id = u.endpoint_id AND s.model_permaslug = u.model_permaslug \
                 WHERE s.day IS NULL OR ROW(s.{}) IS DISTINCT FROM ROW(u.{}){on_conflict}",
                numbers.replace(", ", ", s."),
                numbers.replace(", ", ", u."),
            );
            return self.exec(&sql, &params);
        }
        let sql = format!(
            "INSERT INTO {table} (day, {group_column}, endpoint_id, model_permaslug, model, \
             provider_name, usage, byok_usage_inference, requests, prompt_tokens, \
             completion_tokens, reasoning_tokens, cached_tokens, run_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14){on_conflict}"
        );
        let target = self.target.clone();
        let Conn::Sqlite(c) = &mut self.conn else {
            return Err(Error::Database(format!("{target}: not a SQLite store")));
        };
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_unstable_by(|a, b| rows[*a].key().cmp(&rows[*b].key()));
        let unchanged = sqlite_unchanged(c, table, group_column, rows, &order, (first, last))
            .map_err(|err| Error::database(&target, &err))?;
        // One statement prepared once and stepped per row, its values bound by
        // reference: SQLite has no network round trip to save, and a many-row
        // `VALUES` only adds parsing and copies. The rows go in the primary key's
        // order: each insert then lands beside the last in the B-trees.
        let mut statement = c
            .prepare_cached(&sql)
            .map_err(|err| Error::database(&target, &err))?;
        let mut changed = 0;
        for &index in order.iter().filter(|i| !unchanged[**i]) {
            let row = rows[index];
            let item = &row.item;
            changed += statement
                .execute(rusqlite::params![
                    row.date.as_ref(),
                    row.group,
                    item.endpoint_id,
                    item.model_permaslug,
                    item.model,
                    item.provider_name,
                    item.usage,
                    item.byok_usage_inference,
                    item.requests,
                    item.prompt_tokens,
                    item.completion_tokens,
                    item.reasoning_tokens,
                    item.cached_tokens,
                    run_id,
                ])
                .map_err(|err| Error::database(&target, &err))? as u64;
        }
        Ok(changed)
    }
}

/// What `Store::write_activity` wrote into a raw table: the rows added or changed,
/// and the first and last of the days whose rows it wrote (`YYYY-MM-DD`): only those
/// days' sums can have changed.
#[derive(Debug, Default)]
struct Written {
    changed: u64,
    days: Option<(String, String)>,
}

/// The month (`YYYY-MM`) of a day as the store writes days.
fn month_of(day: &str) -> &str {
    day.get(..7).unwrap_or(day)
}

/// What a sync wrote into a raw table for one day: how many rows, and the wrapping
/// sum of their [`Row::hash`]es (the order of the answer's rows does not matter).
/// Stored per table and day (`openrouter_synced_day`), so that a later sync whose
/// answer for the day has the same digest skips the day's rows: the stored rows with
/// those keys hold those numbers, as that sync left them and no other writer changes
/// raw rows. Only a shortcut: a digest that differs (another hash function in a later
/// build included) sends the day's rows through the upsert, which compares them with
/// the stored rows; two different answers with the same digest (a 64-bit collision,
/// odds of 2^-64) would leave the day as the earlier one stored it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Digest {
    rows: i64,
    sum: i64,
}

/// The digest of each day of `rows`, by day.
fn digests<'a>(rows: &[&'a Row]) -> BTreeMap<&'a str, Digest> {
    let mut out: BTreeMap<&str, Digest> = BTreeMap::new();
    for row in rows {
        let digest = out.entry(row.date.as_ref()).or_default();
        digest.rows += 1;
        // A bit-for-bit reading of the wrapping sum as the column's signed integer.
        digest.sum = digest.sum.wrapping_add(row.hash() as i64);
    }
    out
}

/// Which rows (by position) are stored with the same numbers already, found in one
/// ordered pass over the stored rows of the days from `days.0` to `days.1`, merged
/// with the rows in `order` (sorted by key): changed rows then step one statement
/// each, unchanged ones none. Only a shortcut: a row not recognised here is upserted,
/// and the upsert itself still leaves an unchanged row alone.
fn sqlite_unchanged(
    c: &rusqlite::Connection,
    table: &str,
    group_column: &str,
    rows: &[&Row],
    order: &[usize],
    days: (&str, &str),
) -> Result<Vec<bool>, rusqlite::Error> {
    use rusqlite::types::ValueRef;
    let mut statement = c.prepare_cached(&format!(
        "SELECT day, {group_column}, endpoint_id, model_permaslug, model, provider_name, usage, \
         byok_usage_inference, requests, prompt_tokens, completion_tokens, reasoning_tokens, \
         cached_tokens FROM {table} WHERE day >= ?1 AND day <= ?2 \
         ORDER BY day, {group_column}, endpoint_id, model_permaslug"
    ))?;
    let mut stored = statement.query(rusqlite::params![days.0, days.1])?;
    let mut same = vec![false; rows.len()];
    let mut next = 0;
    while let Some(r) = stored.next()? {
        let (ValueRef::Text(d), ValueRef::Text(g), ValueRef::Text(e), ValueRef::Text(m)) =
            (r.get_ref(0)?, r.get_ref(1)?, r.get_ref(2)?, r.get_ref(3)?)
        else {
            continue;
        };
        let key = (d, g, e, m);
        while next < order.len() && rows[order[next]].key() < key {
            next += 1;
        }
        let Some(&index) = order.get(next) else {
            break;
        };
        if rows[index].key() != key {
            continue;
        }
        next += 1;
        let item = &rows[index].item;
        let real = |i: usize| match r.get_ref(i) {
            Ok(ValueRef::Real(x)) => Some(x),
            Ok(ValueRef::Integer(x)) => Some(x as f64),
            _ => None,
        };
        let int = |i: usize| match r.get_ref(i) {
            Ok(ValueRef::Integer(x)) => Some(x),
            _ => None,
        };
        let text = |i: usize| match r.get_ref(i) {
            Ok(ValueRef::Text(t)) => Some(t),
            _ => None,
        };
        same[index] = text(4) == Some(item.model.as_bytes())
            && text(5) == Some(item.provider_name.as_bytes())
            && real(6) == Some(item.usage)
            && real(7) == Some(item.byok_usage_inference)
            && int(8) == Some(item.requests)
            && int(9) == Some(item.prompt_tokens)
            && int(10) == Some(item.completion_tokens)
            && int(11) == Some(item.reasoning_tokens)
            && int(12) == Some(item.cached_tokens);
    }
    Ok(same)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("a day")
    }

    #[test]
    fn the_window_is_the_thirty_days_before_today() {
        let window = Window::new(d("2026-11-26"), d("2026-11-26"));
        assert_eq!(window.covered, (d("2026-10-27"), d("2026-11-25")));
        assert_eq!(window.accept, window.covered);
    }

    #[test]
    fn a_run_across_midnight_keeps_both_windows_rows_and_covers_their_common_days() {
        let window = Window::new(d("2026-11-26"), d("2026-11-27"));
        assert_eq!(window.accept, (d("2026-10-27"), d("2026-11-26")));
        assert_eq!(window.covered, (d("2026-10-28"), d("2026-11-25")));
    }
}
