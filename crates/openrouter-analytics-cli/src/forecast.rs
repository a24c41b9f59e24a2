//! `openrouter forecast`: the month's spend to date and its projected month-end total
//! with a p10–p90 band, for the account, each model or each key (with the day its limit
//! is projected to be reached), from OpenRouter's 30-day activity window. The
//! projection is the watch crate's (`forecast` module); this is glue.

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::{Datelike, Days, NaiveDate, Utc};
use clap::{Args, ValueEnum};
use openrouter_analytics::parse_day;
use openrouter_analytics::types::ActivityGroupBy;
use openrouter_analytics_store::{Dimension, Query};
use openrouter_analytics_watch::forecast::{
    Forecast, History, LimitReach, Method, Period, Reset, forecast,
};
use openrouter_analytics_watch::{KeyFigures, Needs, Snapshot};
use serde_json::json;

use crate::exit::{Failure, Operation};
use crate::history::{self, DbArgs};
use crate::output::Format;
use crate::output::money;
use crate::output::sheet::{Sheet, number, text};
use crate::output::table::{Align, Table};
use crate::output::write_json;
use crate::output::{Out, Style};
use crate::printout::Printout;
use crate::progress::with_progress;
use crate::stored;
use crate::terminal;
use crate::verb::Context;

/// Completed days in OpenRouter's activity window.
const WINDOW_DAYS: u64 = 30;

/// What `openrouter forecast` projects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ForecastBy {
    /// The account's total spend.
    Total,
    /// Each model's spend (and the total).
    Model,
    /// Each workspace's spend (and the total).
    Workspace,
    /// Each enabled key's spend (and the total); for a key with a limit, its reset
    /// window's projected spend and the day the limit is reached.
    Key,
}

/// `openrouter forecast`.
#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// Project the account's total, each model, workspace or key [default: total].
    #[arg(long, value_enum, value_name = "WHAT")]
    pub by: Option<ForecastBy>,

    /// The month to project [default: the month of --date].
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,

    /// The last UTC day counted as actual; the month's days after it are projected
    /// [default: yesterday].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,

    /// Read the history store (`--db`, `OPENROUTER_DB`, as for `sync`) instead of
    /// OpenRouter's 30-day window; `--by key` still asks OpenRouter for the keys' limits.
    #[command(flatten)]
    pub db: DbArgs,

    /// The UTC day the activity window ends before: it covers the 30 completed days
    /// before it [default: today, by this machine's clock]. For a server whose clock is
    /// elsewhere, such as `openrouter-mock --today`.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

/// A checked `openrouter forecast` command line.
#[derive(Debug)]
pub struct Plan {
    by: ForecastBy,
    month: Period,
    as_of: NaiveDate,
    /// The days the activity window covers.
    window: (NaiveDate, NaiveDate),
    /// The store, with `--db`.
    db: Option<DbArgs>,
}

impl Plan {
    /// Checks the days and the month; the error is a one-line usage message.
    pub fn new(args: &ForecastArgs) -> Result<Self, String> {
        let day = |flag: &str, text: &str| {
            parse_day(text.trim())
                .map_err(|_| format!("{flag} {text:?} is not a day in YYYY-MM-DD form"))
        };
        let today = match &args.today {
            Some(text) => day("--today", text)?,
            None => Utc::now().date_naive(),
        };
        let yesterday = today
            .pred_opt()
            .ok_or("--today is the first day there is")?;
        let first = today
            .checked_sub_days(Days::new(WINDOW_DAYS))
            .ok_or("--today is too early")?;
        let as_of = match &args.date {
            Some(text) => day("--date", text)?,
            None => yesterday,
        };
        if as_of > yesterday {
            return Err(format!(
                "--date {as_of} is not a completed UTC day; give {yesterday} or earlier"
            ));
        }
        let month = match &args.month {
            Some(text) => {
                let bad = || format!("--month {text:?} is not a month in YYYY-MM form");
                let (year, month) = text.trim().split_once('-').ok_or_else(bad)?;
                let year: i32 = year.parse().map_err(|_| bad())?;
                let month: u32 = month.parse().map_err(|_| bad())?;
                Period::month(year, month).map_err(|_| bad())?
            }
            None => Period::month_of(as_of).map_err(|err| err.to_string())?,
        };
        Ok(Self {
            by: args.by.unwrap_or(ForecastBy::Total),
            month,
            as_of,
            window: (first, yesterday),
            // Only a store that is named: the default path is not looked for.
            db: args.db.db.is_some().then(|| args.db.clone()),
        })
    }
}

/// One subject's forecast, or why there is none.
struct Line {
    subject: String,
    /// A key's hash (`--by key`) or a workspace's id (`--by workspace`).
    id: Option<String>,
    outcome: Result<Forecast, String>,
    limit: Option<Limit>,
}

/// A key's limit and when it is reached in its reset window.
struct Limit {
    usd: f64,
    /// `daily`, `weekly`, `monthly`, or `never`.
    reset: String,
    /// The window's forecast and the day the limit is reached in it; `None` for a limit
    /// that never resets; a reason when there is no forecast.
    window: Option<Result<(Forecast, LimitReach), String>>,
}

/// The daily spend of one subject, before projection.
struct Series {
    subject: String,
    id: Option<String>,
    days: Vec<(NaiveDate, f64)>,
    /// The key (`--by key`): its limit.
    key: Option<KeyFigures>,
}

/// What the projection reads: the days covered and each subject's spend.
struct Data {
    /// The covered days, or why none can be counted.
    covered: Result<(NaiveDate, NaiveDate), String>,
    /// The account's total first.
    series: Vec<Series>,
    /// Where the figures come from: `activity-30d` or `store`.
    source: &'static str,
}

/// Whether the forecast runs without OpenRouter: from the store, and no key limits
/// to look up.
pub fn offline(plan: &Plan) -> bool {
    plan.db.is_some() && plan.by != ForecastBy::Key
}

/// Reads the figures (the store's with `--db`, else OpenRouter's 30-day window),
/// projects and prints. `ctx` is needed unless [`offline`].
pub fn run(
    plan: &Plan,
    ctx: Option<&Context<'_>>,
    runtime: Option<&tokio::runtime::Runtime>,
    style: Style<'_>,
) -> Result<Printout<'static>, Failure> {
    let keys = match (plan.by, ctx, runtime) {
        (ForecastBy::Key, Some(ctx), Some(runtime)) => Some(fetch_keys(ctx, runtime)?),
        _ => None,
    };
    let data = match (&plan.db, ctx, runtime) {
        (Some(db), _, _) => stored(plan, db, keys)?,
        (None, Some(ctx), Some(runtime)) => live(plan, ctx, runtime, keys)?,
        (None, _, _) => return Err(Failure::other("no OpenRouter session for the forecast")),
    };
    let lines = project(plan, data.covered, data.series);
    let printout = Printout::render(style, |out| {
        print(plan, data.source, &lines, style.format, out).map_err(|err| Failure::output(&err))
    })?;
    // The other lines are printed, then the command fails for the missing total.
    Ok(match lines.first().map(|l| &l.outcome) {
        Some(Err(reason)) => printout.ending(Err(Failure::other(format!(
            "no forecast for the account's total: {reason}"
        )))),
        _ => printout,
    })
}

/// The enabled keys, with their limits, as OpenRouter has them now.
fn fetch_keys(
    ctx: &Context<'_>,
    runtime: &tokio::runtime::Runtime,
) -> Result<Vec<KeyFigures>, Failure> {
    let mut needs = Needs::default();
    needs.keys = true;
    let snapshot = runtime
        .block_on(with_progress(
            ctx.progress,
            "fetching the keys",
            Snapshot::fetch(ctx.client, needs),
        ))
        .map_err(|err| Failure::from_client(&err, Operation::Account, ctx.base_url))?;
    Ok(snapshot.keys.into_iter().filter(|k| !k.disabled).collect())
}

/// OpenRouter's 30 completed days.
fn live(
    plan: &Plan,
    ctx: &Context<'_>,
    runtime: &tokio::runtime::Runtime,
    keys: Option<Vec<KeyFigures>>,
) -> Result<Data, Failure> {
    let fail = |err: openrouter_analytics::Error| {
        Failure::from_client(&err, Operation::Activity, ctx.base_url)
    };
    let mut needs = Needs::default();
    needs.activity = true;
    let snapshot = runtime
        .block_on(with_progress(
            ctx.progress,
            "fetching the activity",
            Snapshot::fetch(ctx.client, needs),
        ))
        .map_err(fail)?;
    let mut series = vec![Series {
        subject: "total".to_string(),
        id: None,
        days: snapshot
            .activity
            .iter()
            .flat_map(|(day, models)| models.values().map(|m| (*day, m.spend_usd)))
            .collect(),
        key: None,
    }];
    match plan.by {
        ForecastBy::Total => {}
        ForecastBy::Model => {
            let mut by_model: BTreeMap<String, Vec<(NaiveDate, f64)>> = BTreeMap::new();
            for (day, models) in &snapshot.activity {
                for (model, figures) in models {
                    by_model
                        .entry(model.clone())
                        .or_default()
                        .push((*day, figures.spend_usd));
                }
            }
            series.extend(by_model.into_iter().map(|(model, days)| Series {
                subject: model,
                id: None,
                days,
                key: None,
            }));
        }
        ForecastBy::Workspace => {
            let (rows, workspaces) = runtime
                .block_on(with_progress(
                    ctx.progress,
                    "fetching the workspaces' activity",
                    async {
                        let rows = ctx
                            .client
                            .analytics()
                            .get_user_activity()
                            .group_by(ActivityGroupBy::Workspace)
                            .send()
                            .await?;
                        let workspaces = ctx.client.workspaces().list().collect_all().await?;
                        Ok::<_, openrouter_analytics::Error>((rows.data, workspaces))
                    },
                ))
                .map_err(fail)?;
            let names: BTreeMap<String, String> = workspaces
                .iter()
                .map(|w| (w.id.to_string(), w.name.clone()))
                .collect();
            let mut by_workspace: BTreeMap<String, Vec<(NaiveDate, f64)>> = BTreeMap::new();
            for row in &rows {
                if let Some(day) = stored::row_day(&row.date) {
                    let id = row.workspace_id.clone().unwrap_or_default();
                    by_workspace.entry(id).or_default().push((day, row.usage));
                }
            }
            series.extend(by_workspace.into_iter().map(|(id, days)| Series {
                subject: names.get(&id).cloned().unwrap_or_else(|| id.clone()),
                id: Some(id),
                days,
                key: None,
            }));
        }
        ForecastBy::Key => {
            for key in keys.unwrap_or_default() {
                let rows = runtime
                    .block_on(with_progress(
                        ctx.progress,
                        "fetching a key's activity",
                        ctx.client
                            .analytics()
                            .get_user_activity()
                            .api_key_hash(key.hash.as_str())
                            .send(),
                    ))
                    .map_err(fail)?;
                let days = rows
                    .data
                    .iter()
                    .filter_map(|row| {
                        let spend = stored::key_spend(&key, row.usage, row.byok_usage_inference);
                        Some((stored::row_day(&row.date)?, spend))
                    })
                    .collect();
                series.push(Series {
                    subject: key.name.clone(),
                    id: Some(key.hash.clone()),
                    days,
                    key: Some(key),
                });
            }
        }
    }
    Ok(Data {
        covered: Ok(plan.window),
        series,
        source: "activity-30d",
    })
}

/// The history store: the days up to `--date` since the last day no sync covered.
fn stored(plan: &Plan, db: &DbArgs, keys: Option<Vec<KeyFigures>>) -> Result<Data, Failure> {
    let since = stored::since(plan.as_of, plan.month.start);
    let mut store = stored::open(db)?;
    let fail = |err: openrouter_analytics_store::Error| history::store_failure(&err, None);
    let base = Query::new(since, plan.as_of);
    let query = match plan.by {
        ForecastBy::Workspace => base.clone().workspaces(true),
        ForecastBy::Key => base.clone().by(&[Dimension::Key]),
        _ => base.clone(),
    };
    let covered = stored::covered(&mut store, &[&query], since, plan.as_of).map_err(fail)?;
    let mut series = vec![Series {
        subject: "total".to_string(),
        id: None,
        days: stored::total(&mut store, &base).map_err(fail)?,
        key: None,
    }];
    match plan.by {
        ForecastBy::Total => {}
        ForecastBy::Model => {
            let models = stored::by(&mut store, &base, Dimension::Model).map_err(fail)?;
            series.extend(models.into_iter().map(|(model, days)| Series {
                subject: model,
                id: None,
                days,
                key: None,
            }));
        }
        ForecastBy::Workspace => {
            let workspaces = stored::by(&mut store, &query, Dimension::Workspace).map_err(fail)?;
            let names = store.workspace_names().map_err(fail)?;
            series.extend(workspaces.into_iter().map(|(id, days)| Series {
                subject: names.get(&id).cloned().unwrap_or_else(|| id.clone()),
                id: Some(id),
                days,
                key: None,
            }));
        }
        ForecastBy::Key => {
            for key in keys.unwrap_or_default() {
                let days = stored::of_key(&mut store, &base, &key).map_err(fail)?;
                series.push(Series {
                    subject: key.name.clone(),
                    id: Some(key.hash.clone()),
                    days,
                    key: Some(key),
                });
            }
        }
    }
    Ok(Data {
        covered,
        series,
        source: "store",
    })
}

/// Each series' month forecast, and its key's limit window.
fn project(
    plan: &Plan,
    covered: Result<(NaiveDate, NaiveDate), String>,
    series: Vec<Series>,
) -> Vec<Line> {
    series
        .into_iter()
        .map(|s| {
            let history = covered.clone().and_then(|(first, last)| {
                History::new(first, last, s.days).map_err(|err| err.to_string())
            });
            let outcome = history.clone().and_then(|h| {
                forecast(&h, plan.as_of, plan.month, Method::DEFAULT).map_err(|err| err.to_string())
            });
            let limit = s.key.as_ref().and_then(|key| {
                let usd = key.limit_usd?;
                let reset = key.limit_reset.as_deref().and_then(Reset::parse);
                Some(Limit {
                    usd,
                    reset: key.limit_reset.clone().unwrap_or_else(|| "never".into()),
                    window: reset.map(|reset| {
                        let h = history.clone()?;
                        let next = plan.as_of.succ_opt().unwrap_or(plan.as_of);
                        let window =
                            Period::reset_window(reset, next).map_err(|err| err.to_string())?;
                        let f = forecast(&h, plan.as_of, window, Method::DEFAULT)
                            .map_err(|err| err.to_string())?;
                        let reach = f.limit_reach(&h, usd);
                        Ok((f, reach))
                    }),
                })
            });
            Line {
                subject: s.subject,
                id: s.id,
                outcome,
                limit,
            }
        })
        .collect()
}

fn month_name(period: &Period) -> String {
    format!("{:04}-{:02}", period.start.year(), period.start.month())
}

fn print(
    plan: &Plan,
    source: &str,
    lines: &[Line],
    format: Format,
    out: &mut Out<'_>,
) -> io::Result<()> {
    match format {
        Format::Json => {
            let items: Vec<_> = lines
                .iter()
                .map(|line| {
                    let mut item = month_json(line);
                    match (&line.id, plan.by) {
                        (Some(hash), ForecastBy::Key) => {
                            item["key_hash"] = json!(hash);
                            item["limit"] = limit_json(line.limit.as_ref());
                        }
                        (Some(id), _) => item["workspace_id"] = json!(id),
                        (None, _) => {}
                    }
                    item
                })
                .collect();
            write_json(
                out,
                &json!({
                    "month": month_name(&plan.month),
                    "as_of": plan.as_of.to_string(),
                    "source": source,
                    "forecasts": items,
                }),
            )
        }
        Format::Csv => print_csv(lines, out),
        Format::Table => print_table(plan, lines, out),
    }
}

fn month_json(line: &Line) -> serde_json::Value {
    match &line.outcome {
        Ok(f) => json!({
            "subject": line.subject,
            "actual_usd": f.actual_usd,
            "remaining_days": f.remaining_days,
            "p10_usd": f.p10_usd,
            "p50_usd": f.p50_usd,
            "p90_usd": f.p90_usd,
            "method": f.method,
            "error": null,
        }),
        Err(reason) => json!({
            "subject": line.subject,
            "actual_usd": null,
            "remaining_days": null,
            "p10_usd": null,
            "p50_usd": null,
            "p90_usd": null,
            "method": null,
            "error": reason,
        }),
    }
}

/// `null` without a limit; else the limit, its reset and its window's projection.
fn limit_json(limit: Option<&Limit>) -> serde_json::Value {
    let Some(limit) = limit else {
        return serde_json::Value::Null;
    };
    let mut value = json!({
        "usd": limit.usd,
        "reset": limit.reset,
        "window": null,
        "error": null,
    });
    match &limit.window {
        None => {}
        Some(Ok((f, reach))) => {
            let (kind, day) = reach_parts(reach);
            value["window"] = json!({
                "start": f.period.start.to_string(),
                "end": f.period.end.to_string(),
                "actual_usd": f.actual_usd,
                "p10_usd": f.p10_usd,
                "p50_usd": f.p50_usd,
                "p90_usd": f.p90_usd,
                "reached": kind,
                "reached_on": day,
            });
        }
        Some(Err(reason)) => value["error"] = json!(reason),
    }
    value
}

/// (`reached` / `projected` / `not-this-window`, the day).
fn reach_parts(reach: &LimitReach) -> (&'static str, Option<String>) {
    match reach {
        LimitReach::Reached(day) => ("reached", Some(day.to_string())),
        LimitReach::Projected(day) => ("projected", Some(day.to_string())),
        _ => ("not-this-window", None),
    }
}

/// The LIMIT REACHED cell: `2026-11-27`, `~2026-11-28` (projected), `not this window`.
fn reach_text(limit: Option<&Limit>) -> String {
    match limit.map(|l| &l.window) {
        None => String::new(),
        Some(None) => "never resets".to_string(),
        Some(Some(Err(reason))) => format!("no forecast: {}", terminal::safe(reason)),
        Some(Some(Ok((_, reach)))) => match reach_parts(reach) {
            ("reached", Some(day)) => format!("reached {day}"),
            ("projected", Some(day)) => format!("projected {day}"),
            _ => "not this window".to_string(),
        },
    }
}

fn print_csv(lines: &[Line], out: &mut Out<'_>) -> io::Result<()> {
    let mut csv = Sheet::new(
        out,
        [
            text("subject"),
            text("id"),
            number("actual_usd"),
            number("remaining_days"),
            number("p10_usd"),
            number("p50_usd"),
            number("p90_usd"),
            text("method"),
            text("error"),
            number("limit_usd"),
            text("limit_reset"),
            number("window_p50_usd"),
            text("limit_reached"),
            text("limit_reached_on"),
        ],
    )?;
    for line in lines {
        let mut row = vec![line.subject.clone(), line.id.clone().unwrap_or_default()];
        match &line.outcome {
            Ok(f) => row.extend([
                money::plain(f.actual_usd)?,
                f.remaining_days.to_string(),
                money::plain(f.p10_usd)?,
                money::plain(f.p50_usd)?,
                money::plain(f.p90_usd)?,
                f.method.clone(),
                String::new(),
            ]),
            Err(reason) => {
                row.extend(std::iter::repeat_n(String::new(), 6));
                row.push(reason.clone());
            }
        }
        match &line.limit {
            None => row.extend(std::iter::repeat_n(String::new(), 5)),
            Some(limit) => {
                row.push(money::plain(limit.usd)?);
                row.push(limit.reset.clone());
                match &limit.window {
                    Some(Ok((f, reach))) => {
                        let (kind, day) = reach_parts(reach);
                        row.extend([
                            money::plain(f.p50_usd)?,
                            kind.to_string(),
                            day.unwrap_or_default(),
                        ]);
                    }
                    Some(Err(reason)) => row.extend([
                        String::new(),
                        format!("no forecast: {reason}"),
                        String::new(),
                    ]),
                    None => row.extend([String::new(), "never-resets".into(), String::new()]),
                }
            }
        }
        csv.row(row)?;
    }
    csv.finish()
}

fn print_table(plan: &Plan, lines: &[Line], out: &mut Out<'_>) -> io::Result<()> {
    let keys = plan.by == ForecastBy::Key;
    let mut columns = vec![
        ("SUBJECT", Align::Left),
        ("TO DATE", Align::Right),
        ("P10", Align::Right),
        ("MONTH-END", Align::Right),
        ("P90", Align::Right),
        ("METHOD", Align::Left),
    ];
    if keys {
        columns.extend([("LIMIT", Align::Right), ("LIMIT REACHED", Align::Left)]);
    }
    let mut table = Table::new(columns);
    for line in lines {
        let subject = terminal::safe(&line.subject).into_owned();
        let mut row = match &line.outcome {
            Ok(f) => vec![
                subject,
                money::usd(f.actual_usd)?,
                money::usd(f.p10_usd)?,
                money::usd(f.p50_usd)?,
                money::usd(f.p90_usd)?,
                f.method.clone(),
            ],
            Err(reason) => vec![
                subject,
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                format!("no forecast: {}", terminal::safe(reason)),
            ],
        };
        if keys {
            row.push(match &line.limit {
                Some(limit) => format!("{} {}", money::usd(limit.usd)?, limit.reset),
                None => String::new(),
            });
            row.push(reach_text(line.limit.as_ref()));
        }
        table.row(row);
    }
    table.write(out)?;
    writeln!(
        out,
        "({}: actual to {}, {} projected; p10-p90 is the band the total falls in 8 times in 10)",
        month_name(&plan.month),
        plan.as_of,
        match lines.first().and_then(|l| l.outcome.as_ref().ok()) {
            Some(f) => format!(
                "{} day{}",
                f.remaining_days,
                if f.remaining_days == 1 { "" } else { "s" }
            ),
            None => "the remaining days".to_string(),
        }
    )
}
