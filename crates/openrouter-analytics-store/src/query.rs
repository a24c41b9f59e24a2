//! Reading a store: rows and sums over any range, by any dimension, and the
//! snapshots and runs.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};

use crate::backend::Val;
use crate::{Error, Store};

/// What a [`Summary`] groups by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dimension {
    /// The UTC day, `YYYY-MM-DD`.
    Day,
    /// The month, `YYYY-MM`.
    Month,
    /// The model's slug.
    Model,
    /// The provider that served the requests.
    Provider,
    /// The workspace id (needs [`Query::workspaces`]).
    Workspace,
    /// The API key: its name (its hash when the store has no name for it). Read from
    /// the per-key activity, so only keys that existed at a sync are counted.
    Key,
}

/// Which stored activity to read: a range of days (both ends included), grouping
/// dimensions and filters.
///
/// ```
/// use openrouter_analytics_store::{Dimension, Query};
///
/// let since = "2026-01-01".parse()?;
/// let until = "2026-06-30".parse()?;
/// let query = Query::new(since, until).by(&[Dimension::Month, Dimension::Key]);
/// assert_eq!(query.dimensions(), &[Dimension::Month, Dimension::Key]);
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Query {
    since: NaiveDate,
    until: NaiveDate,
    dimensions: Vec<Dimension>,
    workspaces: bool,
    api_key_hash: Option<String>,
}

impl Query {
    /// Every stored day from `since` to `until`, both included.
    pub fn new(since: NaiveDate, until: NaiveDate) -> Self {
        Self {
            since,
            until,
            dimensions: Vec::new(),
            workspaces: false,
            api_key_hash: None,
        }
    }

    /// Groups by these dimensions, in this order.
    pub fn by(mut self, dimensions: &[Dimension]) -> Self {
        self.dimensions = dimensions.to_vec();
        self
    }

    /// Reads the rows split by workspace (stored by syncs with `group_by_workspace`)
    /// instead of the account's.
    pub fn workspaces(mut self, split: bool) -> Self {
        self.workspaces = split;
        self
    }

    /// Only the activity of the key with this hash (read from the per-key activity).
    pub fn api_key_hash(mut self, hash: impl Into<String>) -> Self {
        self.api_key_hash = Some(hash.into());
        self
    }

    /// The first day.
    pub fn since(&self) -> NaiveDate {
        self.since
    }

    /// The last day.
    pub fn until(&self) -> NaiveDate {
        self.until
    }

    /// The grouping dimensions.
    pub fn dimensions(&self) -> &[Dimension] {
        &self.dimensions
    }

    /// Reads the per-key table: for the key dimension or a key filter.
    fn per_key(&self) -> bool {
        self.api_key_hash.is_some() || self.dimensions.contains(&Dimension::Key)
    }

    /// The split name the coverage of this query is recorded under.
    fn split(&self) -> &'static str {
        if self.per_key() {
            "key"
        } else if self.workspaces {
            "workspace"
        } else {
            "account"
        }
    }

    /// The raw table the query reads (its sums are `{table}_daily` and
    /// `{table}_monthly`, with the same group column), or why the query cannot be read.
    fn table(&self) -> Result<&'static str, Error> {
        if self.per_key() {
            if self.workspaces || self.dimensions.contains(&Dimension::Workspace) {
                return Err(Error::BadTarget(
                    "per-key activity is not split by workspace: the key and workspace \
                     dimensions cannot be combined"
                        .into(),
                ));
            }
            return Ok("openrouter_key_activity");
        }
        if self.dimensions.contains(&Dimension::Workspace) && !self.workspaces {
            return Err(Error::BadTarget(
                "the workspace dimension needs the rows split by workspace (--group-by workspace)"
                    .into(),
            ));
        }
        Ok("openrouter_activity")
    }

    /// The conditions on the rows aliased `a` of one read: `column` from `lo` to `hi`,
    /// and the query's group (the account's, the split's or a key's). Parameters are
    /// appended to `params` and numbered in the order they appear, as SQLite numbers
    /// `$n` parameters.
    fn conditions(&self, column: &str, lo: String, hi: String, params: &mut Vec<Val>) -> String {
        let n = params.len();
        params.push(lo.into());
        params.push(hi.into());
        let mut sql = format!("a.{column} >= ${} AND a.{column} <= ${}", n + 1, n + 2);
        if self.per_key() {
            if let Some(hash) = &self.api_key_hash {
                params.push(hash.clone().into());
                sql.push_str(&format!(" AND a.api_key_hash = ${}", n + 3));
            }
        } else if self.workspaces {
            sql.push_str(" AND a.workspace_id <> ''");
        } else {
            sql.push_str(" AND a.workspace_id = ''");
        }
        sql
    }

    /// The join that names keys, for the per-key rows.
    fn key_join(&self) -> &'static str {
        if self.per_key() {
            " LEFT JOIN openrouter_api_key k ON k.api_key_hash = a.api_key_hash"
        } else {
            ""
        }
    }

    /// `FROM ... WHERE ...` and its parameters: the raw rows, or (`daily`) their
    /// sums per day, group, model and provider, which have the same columns.
    fn sql_source(&self, daily: bool) -> Result<(String, Vec<Val>), Error> {
        let table = self.table()?;
        let suffix = if daily { "_daily" } else { "" };
        let mut params = Vec::new();
        let conditions = self.conditions("day", day(self.since), day(self.until), &mut params);
        let join = self.key_join();
        Ok((
            format!("FROM {table}{suffix} a{join} WHERE {conditions}"),
            params,
        ))
    }

    /// What a summary reads: `FROM ...`, its parameters, and the expression of the
    /// rows' month. Without the day dimension, the whole months of the range are read
    /// from the monthly sums and the days before and after them from the daily sums,
    /// in one statement (`UNION ALL`); otherwise (or with no whole month) the daily
    /// sums only. Both hold the same totals, so the sums come out the same either way.
    fn summary_source(&self) -> Result<(String, Vec<Val>, &'static str), Error> {
        let whole = if self.dimensions.contains(&Dimension::Day) {
            None
        } else {
            whole_months(self.since, self.until)
        };
        let Some((first, last)) = whole else {
            let (from, params) = self.sql_source(true)?;
            return Ok((from, params, "substr(a.day, 1, 7)"));
        };
        let table = self.table()?;
        let group = if self.per_key() {
            "a.api_key_hash"
        } else {
            "a.workspace_id"
        };
        let columns = format!(
            "{group}, a.model, a.provider_name, a.usage, a.byok_usage_inference, {}",
            COUNTS.map(|c| format!("a.{c}")).join(", ")
        );
        let mut params = Vec::new();
        let mut branches = Vec::new();
        let days = |from: NaiveDate, to: NaiveDate, params: &mut Vec<Val>| {
            let conditions = self.conditions("day", day(from), day(to), params);
            format!(
                "SELECT substr(a.day, 1, 7) AS month, {columns} FROM {table}_daily a WHERE {conditions}"
            )
        };
        if let Some(before) = first.pred_opt().filter(|d| *d >= self.since) {
            branches.push(days(self.since, before, &mut params));
        }
        let conditions = self.conditions("month", month(first), month(last), &mut params);
        branches.push(format!(
            "SELECT a.month AS month, {columns} FROM {table}_monthly a WHERE {conditions}"
        ));
        if let Some(after) = last.succ_opt().filter(|d| *d <= self.until) {
            branches.push(days(after, self.until, &mut params));
        }
        let join = self.key_join();
        Ok((
            format!("FROM ({}) a{join}", branches.join(" UNION ALL ")),
            params,
            "a.month",
        ))
    }
}

/// The first day of the first whole month of `since..=until` and the last day of the
/// last one, if the range holds a whole month.
fn whole_months(since: NaiveDate, until: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let first = if since.day() == 1 {
        since
    } else {
        since.with_day(1)?.checked_add_months(Months::new(1))?
    };
    let last = if until.succ_opt().is_some_and(|next| next.day() == 1) {
        until
    } else {
        until.with_day(1)?.pred_opt()?
    };
    (first <= last).then_some((first, last))
}

/// A month as the store writes months: `YYYY-MM`.
fn month(date: NaiveDate) -> String {
    date.format("%Y-%m").to_string()
}

/// A day as the store writes it.
pub(crate) fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Sums of the numeric columns of some activity rows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Totals {
    /// Requests.
    pub requests: i64,
    /// Input tokens.
    pub prompt_tokens: i64,
    /// Output tokens.
    pub completion_tokens: i64,
    /// Reasoning tokens.
    pub reasoning_tokens: i64,
    /// Input tokens served from the cache.
    pub cached_tokens: i64,
    /// OpenRouter credits spent, USD.
    pub usage: f64,
    /// Spend billed to your own provider keys, USD.
    pub byok_usage_inference: f64,
}

/// One group of a [`Store::summarise`] answer.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Summary {
    /// One value per dimension, in the query's order.
    pub labels: Vec<String>,
    /// The sums of the group's rows.
    pub totals: Totals,
}

/// One stored activity row.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ActivityRow {
    /// The UTC day, `YYYY-MM-DD`.
    pub date: String,
    /// The model's slug.
    pub model: String,
    /// The model's permanent slug.
    pub model_permaslug: String,
    /// The model endpoint.
    pub endpoint_id: String,
    /// The provider.
    pub provider_name: String,
    /// The workspace (split rows only).
    pub workspace_id: Option<String>,
    /// The API key's hash (per-key rows only).
    pub api_key_hash: Option<String>,
    /// The numbers.
    pub totals: Totals,
}

/// The credit balance as one sync saw it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CreditSnapshot {
    /// When (RFC 3339, UTC).
    pub taken_at: String,
    /// Credits bought, USD.
    pub total_credits: f64,
    /// Credits used, USD.
    pub total_usage: f64,
}

/// One API key as one sync saw it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct KeySnapshot {
    /// When (RFC 3339, UTC).
    pub taken_at: String,
    /// The key's hash.
    pub api_key_hash: String,
    /// Its name.
    pub name: String,
    /// Whether it was disabled.
    pub disabled: bool,
    /// Its total usage, USD.
    pub usage: f64,
    /// Its spending limit, USD.
    pub limit: Option<f64>,
    /// What was left of the limit, USD.
    pub limit_remaining: Option<f64>,
}

/// One workspace budget as one sync saw it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct BudgetSnapshot {
    /// When (RFC 3339, UTC).
    pub taken_at: String,
    /// The workspace.
    pub workspace_id: String,
    /// Its name.
    pub workspace_name: String,
    /// `daily`, `weekly`, `monthly`, or none for a budget that never resets.
    pub reset_interval: Option<String>,
    /// The limit, USD.
    pub limit_usd: f64,
}

/// One entry of the run log.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Run {
    /// The run's id.
    pub run_id: String,
    /// When it started (RFC 3339, UTC).
    pub started_at: String,
    /// When it ended.
    pub finished_at: String,
    /// `ok` or `failed`.
    pub status: String,
    /// Activity rows written.
    pub activity_rows: i64,
    /// Per-key activity rows written.
    pub key_rows: i64,
    /// Rows dropped for being dated outside the window.
    pub dropped_rows: i64,
    /// Why it failed.
    pub error: Option<String>,
}

/// The count columns of an activity row, in [`Totals`]' order.
pub(crate) const COUNTS: [&str; 5] = [
    "requests",
    "prompt_tokens",
    "completion_tokens",
    "reasoning_tokens",
    "cached_tokens",
];

/// The sum of a `BIGINT` count column, exact, saturating at the type's bounds
/// instead of failing or wrapping (as the sync's own sums of workspace rows do): a
/// hostile answer's counts near 2^63 then break neither a sync nor a summary.
/// PostgreSQL's `SUM(bigint)` is an exact `numeric`, clamped. SQLite's `SUM` fails on
/// overflow and `TOTAL` rounds, so it sums the high and the low 32 bits of each value
/// apart (neither sum can overflow before 2^31 rows) and joins them, clamped.
pub(crate) fn count_sum(postgres: bool, column: &str) -> String {
    let (min, max) = (i64::MIN, i64::MAX);
    if postgres {
        return format!("CAST(LEAST(GREATEST(SUM({column}), {min}), {max}) AS BIGINT)");
    }
    let low = format!("SUM({column} & 4294967295)");
    let high = format!("(SUM({column} >> 32) + ({low} >> 32))");
    format!(
        "CASE WHEN {high} > 2147483647 THEN {max} WHEN {high} < -2147483648 \
         THEN (-{max} - 1) ELSE {high} * 4294967296 + ({low} & 4294967295) END"
    )
}

/// The sums of a summary, in [`Totals`]' order, over the rows aliased `a`: saturating
/// ([`count_sum`]) or SQLite's plain `SUM`, exact and twice as fast, which fails with
/// "integer overflow" rather than wrap.
fn sums(postgres: bool, saturating: bool) -> String {
    let mut out: Vec<String> = COUNTS
        .iter()
        .map(|c| {
            if saturating {
                count_sum(postgres, &format!("a.{c}"))
            } else {
                format!("SUM(a.{c})")
            }
        })
        .collect();
    out.push("SUM(a.usage)".into());
    out.push("SUM(a.byok_usage_inference)".into());
    out.join(", ")
}

fn totals(values: &[Val]) -> Totals {
    let int = |i: usize| values.get(i).map_or(0, Val::int);
    let real = |i: usize| values.get(i).map_or(0.0, Val::real);
    Totals {
        requests: int(0),
        prompt_tokens: int(1),
        completion_tokens: int(2),
        reasoning_tokens: int(3),
        cached_tokens: int(4),
        usage: real(5),
        byok_usage_inference: real(6),
    }
}

/// The statement of a summary and its parameters: the dimensions' labels, then the
/// sums ([`sums`]), grouped and ordered by the labels.
fn summary_statement(
    query: &Query,
    postgres: bool,
    saturating: bool,
) -> Result<(String, Vec<Val>), Error> {
    let (from, params, month) = query.summary_source()?;
    let mut sql = String::from("SELECT ");
    for d in &query.dimensions {
        sql.push_str(match d {
            Dimension::Day => "a.day",
            Dimension::Month => month,
            Dimension::Model => "a.model",
            Dimension::Provider => "a.provider_name",
            Dimension::Workspace => "a.workspace_id",
            Dimension::Key => "COALESCE(k.name, a.api_key_hash)",
        });
        sql.push_str(", ");
    }
    sql.push_str(&sums(postgres, saturating));
    sql.push(' ');
    sql.push_str(&from);
    if query.dimensions.is_empty() {
        sql.push_str(" HAVING COUNT(*) > 0");
    } else {
        let positions: Vec<String> = (1..=query.dimensions.len())
            .map(|i| i.to_string())
            .collect();
        sql.push_str(&format!(" GROUP BY {0} ORDER BY {0}", positions.join(", ")));
    }
    Ok((sql, params))
}

impl Store {
    /// Sums the query's rows by its dimensions, in label order; no dimension gives
    /// one group (the grand total, when there are rows). The grouping runs in the
    /// database, over the sums per model and provider that each sync keeps, not the
    /// raw rows: per month for the range's whole months (unless grouped by day), per
    /// day for the rest (`openrouter_activity_monthly`, `openrouter_activity_daily`).
    ///
    /// ```no_run
    /// # fn run(store: &mut openrouter_analytics_store::Store) -> Result<(), openrouter_analytics_store::Error> {
    /// use openrouter_analytics_store::{Dimension, Query};
    ///
    /// let q = Query::new("2026-01-01".parse().unwrap(), "2026-12-31".parse().unwrap());
    /// for group in store.summarise(&q.by(&[Dimension::Model]))? {
    ///     println!("{} {:.2}", group.labels[0], group.totals.usage);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn summarise(&mut self, query: &Query) -> Result<Vec<Summary>, Error> {
        let postgres = self.conn.is_postgres();
        let target = self.target.clone();
        // SQLite sums plainly, and only when a sum overflows (hostile counts) again,
        // saturating; PostgreSQL's saturating sums cost nothing more.
        let (sql, params) = summary_statement(query, postgres, postgres)?;
        let rows = match self.conn.query(&target, &sql, &params) {
            Err(Error::Database(message)) if !postgres && message.contains("integer overflow") => {
                let (sql, params) = summary_statement(query, postgres, true)?;
                self.conn.query(&target, &sql, &params)?
            }
            other => other?,
        };
        let n = query.dimensions.len();
        Ok(rows
            .into_iter()
            .map(|row| Summary {
                labels: row[..n].iter().map(Val::text).collect(),
                totals: totals(&row[n..]),
            })
            .collect())
    }

    /// The query's rows (its dimensions are ignored), by day, then model and
    /// provider.
    pub fn rows(&mut self, query: &Query) -> Result<Vec<ActivityRow>, Error> {
        let (from, params) = query.sql_source(false)?;
        let extra = if query.per_key() {
            "'', a.api_key_hash"
        } else {
            "a.workspace_id, ''"
        };
        let sql = format!(
            "SELECT a.day, a.model, a.model_permaslug, a.endpoint_id, a.provider_name, {extra}, \
             a.requests, a.prompt_tokens, a.completion_tokens, a.reasoning_tokens, a.cached_tokens, \
             a.usage, a.byok_usage_inference {from} \
             ORDER BY a.day, a.model, a.provider_name, 6, 7, a.endpoint_id"
        );
        let target = self.target.clone();
        let rows = self.conn.query(&target, &sql, &params)?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let non_empty = |v: &Val| Some(v.text()).filter(|t| !t.is_empty());
                ActivityRow {
                    date: r[0].text(),
                    model: r[1].text(),
                    model_permaslug: r[2].text(),
                    endpoint_id: r[3].text(),
                    provider_name: r[4].text(),
                    workspace_id: non_empty(&r[5]),
                    api_key_hash: non_empty(&r[6]),
                    totals: totals(&r[7..]),
                }
            })
            .collect())
    }

    /// The days of the query's range that no sync covered (for its kind of rows:
    /// the account's, split by workspace, or per key), oldest first. Activity for
    /// those days is unknown, not zero.
    pub fn missing_days(&mut self, query: &Query) -> Result<Vec<NaiveDate>, Error> {
        let target = self.target.clone();
        let covered: std::collections::BTreeSet<String> = self
            .conn
            .query(
                &target,
                "SELECT day FROM openrouter_covered_day WHERE split = $1 AND day >= $2 AND day <= $3",
                &[
                    query.split().into(),
                    day(query.since).into(),
                    day(query.until).into(),
                ],
            )?
            .into_iter()
            .filter_map(|r| r.first().map(Val::text))
            .collect();
        Ok(query
            .since
            .iter_days()
            .take_while(|d| *d <= query.until)
            .filter(|d| !covered.contains(&day(*d)))
            .collect())
    }

    /// The first and last day any sync covered, if any.
    pub fn covered_range(&mut self) -> Result<Option<(NaiveDate, NaiveDate)>, Error> {
        let target = self.target.clone();
        let rows = self.conn.query(
            &target,
            "SELECT MIN(day), MAX(day) FROM openrouter_covered_day",
            &[],
        )?;
        let parse = |v: &Val| NaiveDate::parse_from_str(&v.text(), "%Y-%m-%d").ok();
        Ok(rows
            .first()
            .and_then(|r| Some((parse(r.first()?)?, parse(r.get(1)?)?))))
    }

    /// The credit balance at each sync whose snapshot falls in the range (by the
    /// snapshot's UTC day), oldest first.
    pub fn credit_history(&mut self, query: &Query) -> Result<Vec<CreditSnapshot>, Error> {
        let target = self.target.clone();
        let rows = self.conn.query(
            &target,
            "SELECT taken_at, total_credits, total_usage FROM openrouter_credit_snapshot \
             WHERE substr(taken_at, 1, 10) >= $1 AND substr(taken_at, 1, 10) <= $2 ORDER BY taken_at",
            &[day(query.since).into(), day(query.until).into()],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| CreditSnapshot {
                taken_at: r[0].text(),
                total_credits: r[1].real(),
                total_usage: r[2].real(),
            })
            .collect())
    }

    /// Every key at each sync in the range, oldest first.
    pub fn key_history(&mut self, query: &Query) -> Result<Vec<KeySnapshot>, Error> {
        let target = self.target.clone();
        let rows = self.conn.query(
            &target,
            "SELECT s.taken_at, s.api_key_hash, COALESCE(k.name, s.api_key_hash), s.disabled, \
             s.usage, s.key_limit, s.limit_remaining FROM openrouter_key_snapshot s \
             LEFT JOIN openrouter_api_key k ON k.api_key_hash = s.api_key_hash \
             WHERE substr(s.taken_at, 1, 10) >= $1 AND substr(s.taken_at, 1, 10) <= $2 \
             ORDER BY s.taken_at, s.api_key_hash",
            &[day(query.since).into(), day(query.until).into()],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| KeySnapshot {
                taken_at: r[0].text(),
                api_key_hash: r[1].text(),
                name: r[2].text(),
                disabled: r[3].int() != 0,
                usage: r[4].real(),
                limit: r[5].opt_real(),
                limit_remaining: r[6].opt_real(),
            })
            .collect())
    }

    /// Every workspace's name as the last sync saw it, by workspace id (empty for a
    /// store no sync wrote since version 2 of the schema).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), openrouter_analytics_store::Error> {
    /// use openrouter_analytics_store::{Store, Target};
    ///
    /// let mut store = Store::open(&"sqlite:history.db".parse::<Target>()?)?;
    /// for (id, name) in store.workspace_names()? {
    ///     println!("{id}: {name}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn workspace_names(&mut self) -> Result<BTreeMap<String, String>, Error> {
        let target = self.target.clone();
        let rows = self.conn.query(
            &target,
            "SELECT workspace_id, name FROM openrouter_workspace ORDER BY workspace_id",
            &[],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| (r[0].text(), r[1].text()))
            .collect())
    }

    /// Every workspace budget at each sync in the range, oldest first.
    pub fn budget_history(&mut self, query: &Query) -> Result<Vec<BudgetSnapshot>, Error> {
        let target = self.target.clone();
        let rows = self.conn.query(
            &target,
            "SELECT taken_at, workspace_id, workspace_name, reset_interval, limit_usd \
             FROM openrouter_budget_snapshot \
             WHERE substr(taken_at, 1, 10) >= $1 AND substr(taken_at, 1, 10) <= $2 \
             ORDER BY taken_at, workspace_name, reset_interval",
            &[day(query.since).into(), day(query.until).into()],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| BudgetSnapshot {
                taken_at: r[0].text(),
                workspace_id: r[1].text(),
                workspace_name: r[2].text(),
                reset_interval: r[3].opt_text(),
                limit_usd: r[4].real(),
            })
            .collect())
    }

    /// The run log, newest first.
    pub fn runs(&mut self) -> Result<Vec<Run>, Error> {
        let target = self.target.clone();
        let rows = self.conn.query(
            &target,
            "SELECT run_id, started_at, finished_at, status, activity_rows, key_rows, error, \
             dropped_rows FROM openrouter_sync_run ORDER BY started_at DESC, run_id DESC",
            &[],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| Run {
                run_id: r[0].text(),
                started_at: r[1].text(),
                finished_at: r[2].text(),
                status: r[3].text(),
                activity_rows: r[4].int(),
                key_rows: r[5].int(),
                error: r[6].opt_text(),
                dropped_rows: r[7].int(),
            })
            .collect())
    }

    /// The database's plan for a query (SQLite `EXPLAIN QUERY PLAN`, PostgreSQL
    /// `EXPLAIN`), one line per step: shows which index answers a summary.
    pub fn explain_summarise(&mut self, query: &Query) -> Result<Vec<String>, Error> {
        let postgres = self.conn.is_postgres();
        let prefix = if postgres {
            "EXPLAIN"
        } else {
            "EXPLAIN QUERY PLAN"
        };
        let (sql, params) = summary_statement(query, postgres, postgres)?;
        let target = self.target.clone();
        Ok(self
            .conn
            .query(&target, &format!("{prefix} {sql}"), &params)?
            .into_iter()
            .map(|r| r.iter().map(Val::text).collect::<Vec<_>>().join(" "))
            .collect())
    }
}
