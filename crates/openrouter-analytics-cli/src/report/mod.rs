//! `openrouter report`: one self-contained HTML page of the period's spend, requests and
//! tokens, with charts, the credit balance and the per-key spend.
//!
//! The page opens offline and loads nothing: CSS and SVG are inline, there is no
//! script, no link and no URL, and a Content-Security-Policy forbids loading anything
//! should a name in the data ever try. Every figure is computed by [`crate::report`]
//! and written by the table formatters in [`crate::output::table`], so the page shows
//! to the cent what `openrouter activity --by ...` prints for the same data.

pub mod history_report;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;
use openrouter_analytics::types::{ActivityItem, ApiKey, GetCreditsResponseData};
use openrouter_analytics::{Client, Error};
use openrouter_analytics_watch::{DailySpend, Runway};

use crate::output::money::Unprintable;

use crate::activity;
use crate::activity::ActivityArgs;
use crate::output::money;
use crate::output::table::{percent, thousands};
use crate::secret::Redactor;
use crate::svg::{self, Frame, OTHER_COLOUR, PALETTE, Series, escape};
use crate::totals::{Group, Totals, sort_groups, summarise};
use crate::totals::{GroupBy, SortKey, SummaryKey};

/// The page written when `-o` is not given.
pub const DEFAULT_FILE: &str = "openrouter-report.html";

/// Models drawn in their own colour in the daily chart; the rest share "other".
pub const TOP_MODELS: usize = PALETTE.len();

/// Rows of the top-models table before the rest are summed into one row.
const TABLE_MODELS: usize = 25;

/// The most days the daily charts fill in between the first and the last day with
/// data; beyond it (never for the API's 30 days) only days with data are drawn.
const MAX_FILLED_DAYS: i64 = 400;

/// `openrouter report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Where to write the page; `-` writes it to stdout.
    #[arg(short, long, value_name = "FILE", default_value = DEFAULT_FILE)]
    pub output: PathBuf,

    /// Only this UTC day, one of the last 30 completed days.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,

    /// Only the activity of the API key with this SHA-256 hash (hex).
    #[arg(long, value_name = "HASH")]
    pub api_key_hash: Option<String>,

    /// Only the activity of this organization member.
    #[arg(long, value_name = "ID")]
    pub user_id: Option<String>,

    /// Split activity rows by workspace as well.
    #[arg(long, value_enum, value_name = "DIMENSION")]
    pub group_by: Option<GroupBy>,

    /// Only the activity attributed to this workspace.
    #[arg(long, value_name = "ID")]
    pub workspace_id: Option<String>,

    /// Report on the history store (see `openrouter sync`) from this UTC day on,
    /// adding month-over-month spend by model, spend per key per month and the
    /// credit balance over time.
    #[arg(long, value_name = "YYYY-MM-DD", help_heading = crate::global::HISTORY)]
    pub since: Option<String>,

    /// The last day read from the store [default: the last day synced].
    #[arg(long, value_name = "YYYY-MM-DD", requires = "since", help_heading = crate::global::HISTORY)]
    pub until: Option<String>,

    /// The history store to read.
    #[command(flatten, next_help_heading = crate::global::HISTORY)]
    pub db: crate::history::DbArgs,
}

/// Where the page goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Stdout,
    File(PathBuf),
}

/// A checked `openrouter report` command line.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The activity request, checked and sent exactly as `openrouter activity` does.
    activity: activity::Plan,
    target: Target,
    /// The filters given, shown on the page so that a reader knows what it covers.
    filters: Vec<(&'static str, String)>,
    /// `--since`/`--until` and `--db`: the page is made from the history store.
    history: Option<(crate::history::Range, crate::history::DbArgs)>,
}

/// What OpenRouter answered. Only activity is required: credits and keys need
/// permissions some keys lack, and the page says so in their place.
#[derive(Debug)]
pub struct Fetched {
    /// The activity rows.
    pub activity: Vec<ActivityItem>,
    /// The credit balance, or why it is missing.
    pub credits: Result<GetCreditsResponseData, String>,
    /// Every API key, or why they are missing.
    pub keys: Result<Vec<ApiKey>, String>,
    /// The history store's own sections (report over `--since`), already HTML.
    pub history_sections: Option<String>,
}

impl Plan {
    /// Checks the flags; the error is a one-line usage message.
    pub fn new(args: &ReportArgs) -> Result<Self, String> {
        // The same checks as `openrouter activity`, by building its command line.
        let activity = activity::Plan::new(&ActivityArgs {
            date: args.date.clone(),
            api_key_hash: args.api_key_hash.clone(),
            user_id: args.user_id.clone(),
            group_by: args.group_by,
            workspace_id: args.workspace_id.clone(),
            key: None,
            user: None,
            by: Vec::new(),
            sort: None,
            since: args.since.clone(),
            until: args.until.clone(),
            db: args.db.clone(),
        })?;
        let history = args
            .since
            .as_deref()
            .map(|since| crate::history::parse_range(since, args.until.as_deref()))
            .transpose()?
            .map(|range| (range, args.db.clone()));
        let target = if args.output.as_os_str() == "-" {
            Target::Stdout
        } else {
            Target::File(args.output.clone())
        };
        let filters = [
            ("date", &args.date),
            ("API key hash", &args.api_key_hash),
            ("user", &args.user_id),
            ("workspace", &args.workspace_id),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.clone().map(|v| (name, v)))
        .collect();
        Ok(Self {
            activity,
            target,
            filters,
            history,
        })
    }

    /// The range and store of a report on the history store (`--since`).
    pub fn history(&self) -> Option<&(crate::history::Range, crate::history::DbArgs)> {
        self.history.as_ref()
    }

    /// What the requests look like, for `-v`.
    pub fn describe(&self, base_url: &str) -> String {
        let base = base_url.trim_end_matches('/');
        format!(
            "{}, then GET {base}/credits and GET {base}/keys (every page)",
            self.activity.describe(base_url)
        )
    }

    /// Sends the requests one after the other (activity first, so that a failure
    /// there costs nothing more). Only an activity failure is an error.
    pub async fn fetch(&self, client: &Client, redactor: &Redactor) -> Result<Fetched, Error> {
        let activity = self.activity.fetch(client).await?.data;
        let refused = |what: &str, err: Error| {
            format!(
                "OpenRouter did not give the {what}: {}",
                redactor.redact(&err.to_string())
            )
        };
        let credits = client
            .credits()
            .get_credits()
            .send()
            .await
            .map(|response| response.data)
            .map_err(|err| refused("credit balance", err));
        let keys = client
            .api_keys()
            .list()
            .collect_all()
            .await
            .map_err(|err| refused("list of API keys", err));
        Ok(Fetched {
            activity,
            credits,
            keys,
            history_sections: None,
        })
    }

    /// Writes the page to its file, or to `stdout` for `-o -`, and returns the
    /// line for stderr: where it went and the totals.
    pub fn write(
        &self,
        fetched: &Fetched,
        generated_at: &str,
        redactor: &Redactor,
        stdout: &mut dyn Write,
    ) -> io::Result<String> {
        // No page (and no file) when an amount on it could not be printed.
        printable(fetched)?;
        let mut page = render(fetched, &self.filters, generated_at)?;
        if let Some(sections) = &fetched.history_sections {
            history_report::insert(&mut page, sections);
        }
        // A second line of defence: the key was never put on the page, but a server
        // could echo it in a name.
        let page = redactor.redact(&page);
        let place = match &self.target {
            Target::Stdout => {
                stdout.write_all(page.as_bytes())?;
                "stdout".to_string()
            }
            Target::File(path) => {
                fs::write(path, page.as_bytes()).map_err(|err| {
                    io::Error::new(err.kind(), format!("{}: {err}", path.display()))
                })?;
                path.display().to_string()
            }
        };
        let totals = model_totals(&summarise(&fetched.activity, &[SummaryKey::Model]));
        // The page showed these totals, so they are printable.
        Ok(format!(
            "report written to {place}\n{}: {} spent, {} requests, {} tokens",
            period(&fetched.activity),
            usd(totals.usage)?,
            thousands(totals.requests),
            thousands(totals.tokens())
        ))
    }
}

/// The totals row of `activity --by model`, computed the way it computes it.
fn model_totals(groups: &[Group]) -> Totals {
    Totals::sum(groups.iter().map(|g| &g.totals)).rounded()
}

/// `2026-10-12 to 2026-11-10 (UTC)`, or `no activity`.
fn period(rows: &[ActivityItem]) -> String {
    let first = rows.iter().map(|r| r.date.as_str()).min();
    let last = rows.iter().map(|r| r.date.as_str()).max();
    match (first, last) {
        (Some(first), Some(last)) if first == last => format!("{first} (UTC)"),
        (Some(first), Some(last)) => format!("{first} to {last} (UTC)"),
        _ => "no activity".to_string(),
    }
}

/// The names of the top `n` models of `ranked` (largest spend first) and whether any
/// model is left for the "other" bucket.
pub fn top_with_other(ranked: &[Group], n: usize) -> (Vec<String>, bool) {
    let top = ranked
        .iter()
        .take(n)
        .map(|g| g.labels.first().cloned().unwrap_or_default())
        .collect();
    (top, ranked.len() > n)
}

/// The days of the charts: every day from the first to the last with data (so gaps
/// show as gaps), or just the days with data when they are not all dates.
pub fn chart_days(days_with_data: &[String]) -> Vec<String> {
    let parsed: Option<Vec<NaiveDate>> = days_with_data
        .iter()
        .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .collect();
    let (Some(first), Some(last)) = (
        parsed.as_ref().and_then(|p| p.iter().min()),
        parsed.as_ref().and_then(|p| p.iter().max()),
    ) else {
        return days_with_data.to_vec();
    };
    if (*last - *first).num_days() > MAX_FILLED_DAYS {
        return days_with_data.to_vec();
    }
    first
        .iter_days()
        .take_while(|d| d <= last)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .collect()
}

/// Daily spend of each top model, then of all the others together (only when there
/// are others), one value per day of `days`.
pub fn daily_spend_series(
    by_date_model: &[Group],
    days: &[String],
    top: &[String],
    has_other: bool,
) -> Vec<Series> {
    let day_index: BTreeMap<&str, usize> = days
        .iter()
        .enumerate()
        .map(|(i, d)| (d.as_str(), i))
        .collect();
    let mut series: Vec<Series> = top
        .iter()
        .enumerate()
        .map(|(i, model)| Series {
            name: model.clone(),
            colour: PALETTE[i % PALETTE.len()],
            values: vec![0.0; days.len()],
            dash: None,
        })
        .collect();
    let mut other = vec![0.0; days.len()];
    for group in by_date_model {
        let (Some(day), Some(model)) = (group.labels.first(), group.labels.get(1)) else {
            continue;
        };
        let Some(&i) = day_index.get(day.as_str()) else {
            continue;
        };
        match top.iter().position(|m| m == model) {
            Some(s) => series[s].values[i] += group.totals.usage,
            None => other[i] += group.totals.usage,
        }
    }
    if has_other {
        series.push(Series {
            name: "other".into(),
            colour: OTHER_COLOUR,
            values: other,
            dash: None,
        });
    }
    series
}

/// A token count: its name, colour, dash pattern and where it is in the totals.
type TokenKind = (
    &'static str,
    &'static str,
    Option<&'static str>,
    fn(&Totals) -> i128,
);

/// Prompt, completion, reasoning and cached tokens per day of `days`.
fn daily_token_series(by_date: &[Group], days: &[String]) -> Vec<Series> {
    let totals: BTreeMap<&str, &Totals> = by_date
        .iter()
        .filter_map(|g| g.labels.first().map(|d| (d.as_str(), &g.totals)))
        .collect();
    let kinds: [TokenKind; 4] = [
        ("prompt", "#0072B2", None, |t| t.prompt_tokens),
        ("completion", "#E69F00", Some("8 4"), |t| {
            t.completion_tokens
        }),
        ("reasoning", "#009E73", Some("2 3"), |t| t.reasoning_tokens),
        ("cached", "#CC79A7", Some("8 3 2 3"), |t| t.cached_tokens),
    ];
    kinds
        .iter()
        .map(|(name, colour, dash, get)| Series {
            name: (*name).to_string(),
            colour,
            values: days
                .iter()
                .map(|d| totals.get(d.as_str()).map_or(0.0, |t| get(t) as f64))
                .collect(),
            dash: *dash,
        })
        .collect()
}

const STYLE: &str = "\
:root{color-scheme:light;--ink:#1d1d1f;--muted:#5f6368;--line:#d9d9de}
*{box-sizing:border-box}
body{margin:0;background:#f6f6f8;color:var(--ink);font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans CJK SC',sans-serif}
main{max-width:1010px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:18px;margin:0 0 12px}
.sub{color:var(--muted);margin:0 0 20px}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:0 0 18px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{flex:1 1 200px;border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.card dt{color:var(--muted);font-size:13px}
.card dd{margin:2px 0 0;font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.note{color:var(--muted);font-size:13px;margin:8px 0 0}
.refused{border-left:4px solid #D55E00;background:#fff6ef;padding:10px 14px;margin:0}
svg.chart{max-width:100%;height:auto;display:block;font-family:inherit}
svg .chart-title{font-size:16px;font-weight:600;fill:var(--ink)}
svg .tick{font-size:11px;fill:var(--muted);font-variant-numeric:tabular-nums}
svg .axis-label{font-size:13px;fill:var(--ink)}
svg .grid{stroke:#ececf0;stroke-width:1}
svg .axis{stroke:#8a8a90;stroke-width:1}
svg .bar-label{font-size:13px;fill:var(--ink)}
svg .value{font-size:12px;fill:var(--ink);font-variant-numeric:tabular-nums}
svg .empty{font-size:15px;fill:var(--muted)}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:6px 18px;padding:0;margin:10px 0 0;font-size:13px}
.legend li{display:flex;align-items:center;gap:6px}
.swatch{display:inline-block;width:14px;height:14px;border-radius:3px;border:1px solid rgba(0,0,0,.25)}
.line-swatch{display:inline-block;width:26px;height:0;border-top-width:3px}
table{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}
th,td{padding:5px 8px;border-bottom:1px solid #ececf0;text-align:left;vertical-align:top}
th{color:var(--muted);font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;white-space:nowrap}
tr.total td{font-weight:600;border-top:2px solid var(--line)}
details{margin-top:10px}
summary{cursor:pointer;color:var(--muted)}
@media print{body{background:#fff}section{break-inside:avoid;border:none}}
";

/// The whole page.
pub fn render(
    data: &Fetched,
    filters: &[(&'static str, String)],
    generated_at: &str,
) -> Result<String, Unprintable> {
    let rows = &data.activity;
    let mut by_model = summarise(rows, &[SummaryKey::Model]);
    sort_groups(&mut by_model, SortKey::Cost);
    let mut by_provider = summarise(rows, &[SummaryKey::Provider]);
    sort_groups(&mut by_provider, SortKey::Cost);
    let by_date = summarise(rows, &[SummaryKey::Date]);
    let by_date_model = summarise(rows, &[SummaryKey::Date, SummaryKey::Model]);
    let totals = model_totals(&by_model);
    let period = period(rows);

    let mut page = String::with_capacity(64 * 1024);
    // No external anything: the policy forbids every load, and inline styles are the
    // only thing the page needs.
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>OpenRouter spend report: {period}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>OpenRouter spend report</h1>\n<p class=\"sub\">{period} · generated {generated}{filters}</p>\n",
        period = escape(&period),
        generated = escape(generated_at),
        filters = filters_text(filters),
    );
    totals_section(&mut page, &totals, &period)?;
    // The runway needs the whole account's spend: not with a filter.
    let runway = match (&data.credits, filters.is_empty()) {
        (Ok(credits), true) => {
            let spend = DailySpend::from_activity(rows);
            spend.iter().last().map(|(last, _)| {
                Runway::new(credits.total_credits - credits.total_usage, &spend, last)
            })
        }
        _ => None,
    };
    credits_section(&mut page, &data.credits, runway.as_ref())?;
    daily_spend_section(&mut page, &by_model, &by_date, &by_date_model)?;
    forecast_section(&mut page, &by_date)?;
    provider_section(&mut page, &by_provider, &totals)?;
    tokens_section(&mut page, &by_date)?;
    models_section(&mut page, &by_model, &totals)?;
    keys_section(&mut page, &data.keys)?;
    page.push_str(
        "<p class=\"note\">Made by <code>openrouter report</code>. Amounts are in US dollars, \
         days are UTC days; every figure matches <code>openrouter activity --by model</code>, \
         <code>--by provider</code> and <code>--by date</code> for the same data.</p>\n\
         </main>\n</body>\n</html>\n",
    );
    Ok(page)
}

fn filters_text(filters: &[(&'static str, String)]) -> String {
    if filters.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = filters
        .iter()
        .map(|(name, value)| format!("{name} {}", escape(value)))
        .collect();
    format!(" · only {}", parts.join(", "))
}

fn card(page: &mut String, id: &str, label: &str, value: &str) {
    let _ = write!(
        page,
        "<div class=\"card\"><dt>{}</dt><dd id=\"{id}\">{}</dd></div>",
        escape(label),
        escape(value)
    );
}

fn totals_section(page: &mut String, totals: &Totals, period: &str) -> Result<(), Unprintable> {
    page.push_str("<section id=\"totals\">\n<h2>Totals</h2>\n<dl class=\"cards\">");
    card(page, "total-spend", "Spend (USD)", &usd(totals.usage)?);
    card(
        page,
        "total-requests",
        "Requests",
        &thousands(totals.requests),
    );
    card(
        page,
        "total-tokens",
        "Tokens (prompt + completion)",
        &thousands(totals.tokens()),
    );
    if totals.byok_usage_inference != 0.0 {
        card(
            page,
            "total-byok",
            "BYOK spend (USD)",
            &usd(totals.byok_usage_inference)?,
        );
    }
    let _ = write!(
        page,
        "</dl>\n<p class=\"note\">{}: prompt {}, completion {}, reasoning {}, cached {} tokens.</p>\n</section>\n",
        escape(period),
        thousands(totals.prompt_tokens),
        thousands(totals.completion_tokens),
        thousands(totals.reasoning_tokens),
        thousands(totals.cached_tokens),
    );
    Ok(())
}

fn refused(page: &mut String, message: &str) {
    let _ = writeln!(page, "<p class=\"refused\">{}</p>", escape(message));
}

fn credits_section(
    page: &mut String,
    credits: &Result<GetCreditsResponseData, String>,
    runway: Option<&Runway>,
) -> Result<(), Unprintable> {
    page.push_str("<section id=\"credits\">\n<h2>Credits</h2>\n");
    match credits {
        Ok(credits) => {
            page.push_str("<dl class=\"cards\">");
            card(
                page,
                "credits-balance",
                "Balance (USD)",
                &usd(credits.total_credits - credits.total_usage)?,
            );
            card(
                page,
                "credits-total",
                "Total credits (USD)",
                &usd(credits.total_credits)?,
            );
            card(
                page,
                "credits-used",
                "Used, all time (USD)",
                &usd(credits.total_usage)?,
            );
            if let Some(runway) = runway {
                card(
                    page,
                    "credits-runway",
                    &format!("Runway (spend of the 7 days to {})", runway.window_end),
                    &runway.describe(),
                );
            }
            page.push_str("</dl>\n");
        }
        Err(message) => refused(
            page,
            &format!("Credits are not shown: {message}. They need a management key."),
        ),
    }
    page.push_str("</section>\n");
    Ok(())
}

fn legend(page: &mut String, series: &[Series], lines: bool) {
    page.push_str("<ul class=\"legend\">");
    for s in series {
        let swatch = if lines {
            let style = if s.dash.is_some() { "dashed" } else { "solid" };
            format!(
                "<span class=\"line-swatch\" style=\"border-top:3px {style} {}\"></span>",
                s.colour
            )
        } else {
            format!(
                "<span class=\"swatch\" style=\"background:{}\"></span>",
                s.colour
            )
        };
        let _ = write!(page, "<li>{swatch}{}</li>", escape(&s.name));
    }
    page.push_str("</ul>\n");
}

fn daily_spend_section(
    page: &mut String,
    by_model: &[Group],
    by_date: &[Group],
    by_date_model: &[Group],
) -> Result<(), Unprintable> {
    let days_with_data: Vec<String> = by_date
        .iter()
        .filter_map(|g| g.labels.first().cloned())
        .collect();
    let days = chart_days(&days_with_data);
    let (top, has_other) = top_with_other(by_model, TOP_MODELS);
    let series = daily_spend_series(by_date_model, &days, &top, has_other);
    let frame = Frame {
        title: "Daily spend by model",
        x_label: "Day (UTC)",
        y_label: "Spend (USD)",
        format: &usd,
    };
    page.push_str("<section id=\"daily-spend\">\n");
    page.push_str(&svg::stacked_bars(
        "chart-daily-spend",
        &frame,
        &days,
        &series,
    )?);
    legend(page, &series, false);
    if has_other {
        let _ = writeln!(
            page,
            "<p class=\"note\">The {TOP_MODELS} models with the most spend have their own colour; \
             \"other\" is the {} others together.</p>",
            by_model.len() - top.len()
        );
    }
    page.push_str(
        "<details><summary>Daily figures</summary>\n<table id=\"daily\"><thead><tr><th>DATE</th>",
    );
    number_headers(page);
    page.push_str("<th class=\"num\">COST (USD)</th></tr></thead><tbody>\n");
    for group in by_date {
        let _ = write!(page, "<tr><td>{}</td>", escape(&group.labels.join(" ")));
        number_cells(page, &group.totals);
        let _ = writeln!(
            page,
            "<td class=\"num\">{}</td></tr>",
            usd(group.totals.usage)?
        );
    }
    page.push_str("</tbody></table></details>\n</section>\n");
    Ok(())
}

/// The month of the last day with spend on the page: spent so far, the projected
/// month-end total and its p10–p90 band (`openrouter forecast`'s method), and the
/// month's cumulative spend, actual then projected.
fn forecast_section(page: &mut String, by_date: &[Group]) -> Result<(), Unprintable> {
    use openrouter_analytics_watch::forecast::{History, Method, Period, forecast};
    page.push_str("<section id=\"forecast\">\n<h2>Forecast</h2>\n");
    let days: Vec<(NaiveDate, f64)> = by_date
        .iter()
        .filter_map(|g| {
            let day = NaiveDate::parse_from_str(g.labels.first()?, "%Y-%m-%d").ok()?;
            Some((day, g.totals.usage))
        })
        .collect();
    // The page's rows cover the days from its first to its last day with spend.
    let projected = match (days.first(), days.last()) {
        (Some((first, _)), Some((last, _))) => History::new(*first, *last, days.iter().copied())
            .and_then(|h| {
                Ok((
                    forecast(&h, *last, Period::month_of(*last)?, Method::DEFAULT)?,
                    h,
                ))
            })
            .map_err(|err| err.to_string()),
        _ => Err("no spend on the page".to_string()),
    };
    let (f, history) = match projected {
        Ok(found) => found,
        Err(reason) => {
            let _ = writeln!(
                page,
                "<p class=\"note\" id=\"forecast-none\">No forecast: {}.</p>\n</section>",
                escape(&reason)
            );
            return Ok(());
        }
    };
    let month = f.period.start.format("%Y-%m").to_string();
    page.push_str("<dl class=\"cards\">");
    card(
        page,
        "forecast-actual",
        &format!("Spent in {month} to {}", f.as_of),
        &usd(f.actual_usd)?,
    );
    card(
        page,
        "forecast-median",
        "Projected month-end (median)",
        &usd(f.p50_usd)?,
    );
    card(
        page,
        "forecast-band",
        "8 months in 10 between",
        &format!("{} and {}", usd(f.p10_usd)?, usd(f.p90_usd)?),
    );
    page.push_str("</dl>\n");
    // Cumulative spend: actual to the as-of day, then the median projection; the band
    // opens in proportion to the spend projected so far.
    let mut categories = Vec::new();
    let (mut median, mut low, mut high) = (Vec::new(), Vec::new(), Vec::new());
    let mut total = 0.0;
    for day in f
        .period
        .start
        .iter_days()
        .take_while(|d| *d <= f.as_of.min(f.period.end))
    {
        total += history.on(day).unwrap_or(0.0);
        categories.push(day.to_string());
        median.push(total);
        low.push(total);
        high.push(total);
    }
    let to_project = f.p50_usd - f.actual_usd;
    let mut projected = 0.0;
    for (day, value) in &f.daily_usd {
        projected += value;
        let share = if to_project > 0.0 {
            projected / to_project
        } else {
            1.0
        };
        categories.push(day.to_string());
        median.push(f.actual_usd + projected);
        low.push(f.actual_usd + share * (f.p10_usd - f.actual_usd));
        high.push(f.actual_usd + share * (f.p90_usd - f.actual_usd));
    }
    let series = vec![
        Series {
            name: format!("spent to {}, then projected (median)", f.as_of),
            colour: PALETTE[4],
            values: median,
            dash: None,
        },
        Series {
            name: "p10".to_string(),
            colour: PALETTE[1],
            values: low,
            dash: Some("6 4"),
        },
        Series {
            name: "p90".to_string(),
            colour: PALETTE[5],
            values: high,
            dash: Some("6 4"),
        },
    ];
    let frame = Frame {
        title: "Spend this month, cumulative: actual, then projected",
        x_label: "Day (UTC)",
        y_label: "Spend (USD)",
        format: &usd,
    };
    page.push_str(&svg::lines("chart-forecast", &frame, &categories, &series)?);
    legend(page, &series, true);
    let _ = writeln!(
        page,
        "<p class=\"note\">Method {}: each day ahead at the mean spend of the last 14 days, \
         adjusted for its weekday's share of the last 28 (see docs/watch.md, Forecasts, \
         for its limits: a trend or a recent jump is underestimated).</p>\n</section>",
        escape(&f.method)
    );
    Ok(())
}

fn provider_section(
    page: &mut String,
    by_provider: &[Group],
    totals: &Totals,
) -> Result<(), Unprintable> {
    let items: Vec<(String, f64, String)> = by_provider
        .iter()
        .map(|g| {
            let name = g.labels.first().cloned().unwrap_or_default();
            let name = if name.is_empty() {
                "-".to_string()
            } else {
                name
            };
            let text = format!(
                "{} · {}",
                usd(g.totals.usage)?,
                percent(g.totals.usage, totals.usage)
            );
            Ok((name, g.totals.usage, text))
        })
        .collect::<Result<_, Unprintable>>()?;
    let frame = Frame {
        title: "Spend by provider",
        x_label: "Spend (USD)",
        y_label: "Provider",
        format: &usd,
    };
    page.push_str("<section id=\"providers\">\n");
    page.push_str(&svg::horizontal_bars("chart-providers", &frame, &items)?);
    page.push_str("\n</section>\n");
    Ok(())
}

fn tokens_section(page: &mut String, by_date: &[Group]) -> Result<(), Unprintable> {
    let days_with_data: Vec<String> = by_date
        .iter()
        .filter_map(|g| g.labels.first().cloned())
        .collect();
    let days = chart_days(&days_with_data);
    let series = daily_token_series(by_date, &days);
    let format = |v: f64| Ok(thousands(v.round() as i64));
    let frame = Frame {
        title: "Tokens by day",
        x_label: "Day (UTC)",
        y_label: "Tokens",
        format: &format,
    };
    page.push_str("<section id=\"tokens\">\n");
    page.push_str(&svg::lines("chart-tokens", &frame, &days, &series)?);
    legend(page, &series, true);
    page.push_str(
        "<p class=\"note\">Cached tokens are part of the prompt tokens, reasoning tokens part \
         of the completion tokens.</p>\n</section>\n",
    );
    Ok(())
}

fn number_headers(page: &mut String) {
    for header in ["REQUESTS", "PROMPT", "COMPLETION", "REASONING", "CACHED"] {
        let _ = write!(page, "<th class=\"num\">{header}</th>");
    }
}

/// The five count cells of the CLI's tables, formatted as they format them.
fn number_cells(page: &mut String, t: &Totals) {
    for value in [
        t.requests,
        t.prompt_tokens,
        t.completion_tokens,
        t.reasoning_tokens,
        t.cached_tokens,
    ] {
        let _ = write!(page, "<td class=\"num\">{}</td>", thousands(value));
    }
}

fn models_section(
    page: &mut String,
    by_model: &[Group],
    totals: &Totals,
) -> Result<(), Unprintable> {
    let byok = totals.byok_usage_inference != 0.0;
    page.push_str(
        "<section id=\"models\">\n<h2>Top models</h2>\n<table id=\"top-models\"><thead><tr><th>MODEL</th>",
    );
    number_headers(page);
    page.push_str("<th class=\"num\">COST (USD)</th><th class=\"num\">SHARE</th>");
    if byok {
        page.push_str("<th class=\"num\">BYOK (USD)</th>");
    }
    page.push_str("</tr></thead><tbody>\n");
    let row =
        |page: &mut String, class: &str, label: &str, t: &Totals| -> Result<(), Unprintable> {
            let _ = write!(page, "<tr{class}><td>{}</td>", escape(label));
            number_cells(page, t);
            let _ = write!(
                page,
                "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
                usd(t.usage)?,
                percent(t.usage, totals.usage)
            );
            if byok {
                let _ = write!(
                    page,
                    "<td class=\"num\">{}</td>",
                    usd(t.byok_usage_inference)?
                );
            }
            page.push_str("</tr>\n");
            Ok(())
        };
    for group in by_model.iter().take(TABLE_MODELS) {
        let label = group.labels.first().map(String::as_str).unwrap_or("");
        row(
            page,
            "",
            if label.is_empty() { "-" } else { label },
            &group.totals,
        )?;
    }
    if by_model.len() > TABLE_MODELS {
        let rest = Totals::sum(by_model[TABLE_MODELS..].iter().map(|g| &g.totals)).rounded();
        let label = format!("other ({} models)", by_model.len() - TABLE_MODELS);
        row(page, " class=\"other\"", &label, &rest)?;
    }
    row(page, " class=\"total\"", "TOTAL", totals)?;
    page.push_str("</tbody></table>\n</section>\n");
    Ok(())
}

fn keys_section(page: &mut String, keys: &Result<Vec<ApiKey>, String>) -> Result<(), Unprintable> {
    page.push_str("<section id=\"keys\">\n<h2>Spend per API key</h2>\n");
    let keys = match keys {
        Ok(keys) => keys,
        Err(message) => {
            refused(
                page,
                &format!(
                    "The per-key spend is not shown: {message}. Listing keys needs a management key."
                ),
            );
            page.push_str("</section>\n");
            return Ok(());
        }
    };
    if keys.is_empty() {
        page.push_str("<p class=\"note\">The account has no API keys.</p>\n</section>\n");
        return Ok(());
    }
    let mut keys: Vec<&ApiKey> = keys.iter().collect();
    keys.sort_by(|a, b| {
        b.usage_monthly
            .total_cmp(&a.usage_monthly)
            .then_with(|| b.usage.total_cmp(&a.usage))
            .then_with(|| a.name.cmp(&b.name))
    });
    page.push_str(
        "<table id=\"key-spend\"><thead><tr><th>NAME</th><th>HASH</th><th>STATUS</th>\
         <th class=\"num\">TODAY</th><th class=\"num\">THIS WEEK</th><th class=\"num\">THIS MONTH</th>\
         <th class=\"num\">ALL TIME</th><th class=\"num\">LIMIT</th><th class=\"num\">REMAINING</th>\
         <th>LIMIT RESETS</th></tr></thead><tbody>\n",
    );
    let optional_usd = |v: Option<f64>| v.map_or_else(|| Ok("none".into()), usd);
    let (mut day, mut week, mut month, mut all) = (0.0, 0.0, 0.0, 0.0);
    for key in &keys {
        day += key.usage_daily;
        week += key.usage_weekly;
        month += key.usage_monthly;
        all += key.usage;
        let hash: String = key.hash.chars().take(12).collect();
        let status = if key.disabled { "disabled" } else { "active" };
        let _ = writeln!(
            page,
            "<tr><td>{name}</td><td><code>{hash}</code></td><td>{status}</td>\
             <td class=\"num\">{day}</td><td class=\"num\">{week}</td><td class=\"num\">{month}</td>\
             <td class=\"num\">{all}</td><td class=\"num\">{limit}</td><td class=\"num\">{remaining}</td>\
             <td>{reset}</td></tr>",
            name = escape(&key.name),
            hash = escape(&hash),
            day = usd(key.usage_daily)?,
            week = usd(key.usage_weekly)?,
            month = usd(key.usage_monthly)?,
            all = usd(key.usage)?,
            limit = optional_usd(key.limit)?,
            remaining = optional_usd(key.limit_remaining)?,
            reset = escape(key.limit_reset.as_deref().unwrap_or("-")),
        );
    }
    // Sums of the dollar columns, with float noise rounded away as the CLI's totals do.
    let _ = writeln!(
        page,
        "<tr class=\"total\"><td>TOTAL ({} keys)</td><td></td><td></td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td></td><td></td><td></td></tr>",
        keys.len(),
        usd(round(day))?,
        usd(round(week))?,
        usd(round(month))?,
        usd(round(all))?,
    );
    page.push_str(
        "</tbody></table>\n<p class=\"note\">Today, this week and this month are UTC periods to \
         date, as OpenRouter counts them for each key.</p>\n</section>\n",
    );
    Ok(())
}

fn round(value: f64) -> f64 {
    Totals {
        usage: value,
        ..Totals::default()
    }
    .rounded()
    .usage
}

/// Checks, before the page is written, that every amount it is made from can be
/// printed, and that no sum of them can grow past what can: a sum of any of them is at
/// most the sum of their sizes. After this, [`usd`] has nothing to refuse on the page's
/// figures that come straight from the answer or are sums of it.
fn printable(fetched: &Fetched) -> Result<(), money::Unprintable> {
    let mut amounts: Vec<f64> = Vec::new();
    for item in &fetched.activity {
        amounts.push(item.usage);
        amounts.push(item.byok_usage_inference);
    }
    if let Ok(credits) = &fetched.credits {
        amounts.push(credits.total_credits);
        amounts.push(credits.total_usage);
    }
    if let Ok(keys) = &fetched.keys {
        for key in keys {
            amounts.extend([
                key.usage,
                key.usage_daily,
                key.usage_weekly,
                key.usage_monthly,
            ]);
            amounts.extend(key.limit);
            amounts.extend(key.limit_remaining);
        }
    }
    // The sum first: two amounts that are each too large add up to infinity, and
    // that is what the page's total would have shown.
    money::checked(amounts.iter().map(|a| a.abs()).sum())?;
    for amount in &amounts {
        money::checked(*amount)?;
    }
    Ok(())
}

/// An amount on the page, to the cent ([`money::usd`]): an error for one that cannot
/// be printed, which fails the whole page ([`printable`] refuses those of the answer's
/// figures before any rendering; this catches what the page computes from them).
fn usd(value: f64) -> Result<String, money::Unprintable> {
    money::usd(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(date: &str, model: &str, provider: &str, usage: f64) -> ActivityItem {
        ActivityItem {
            byok_usage_inference: 0.0,
            cached_tokens: 2,
            completion_tokens: 20,
            date: date.into(),
            endpoint_id: "ep".into(),
            model: model.into(),
            model_permaslug: model.into(),
            prompt_tokens: 100,
            provider_name: provider.into(),
            reasoning_tokens: 1,
            requests: 1,
            usage,
            workspace_id: None,
        }
    }

    #[test]
    fn the_credits_section_has_the_runway_only_for_the_whole_account() {
        // 7 dollars a day over the 7 days to the 10th; a balance of 70 lasts 10 days.
        let activity: Vec<ActivityItem> = (4..=10)
            .map(|d| item(&format!("2026-11-{d:02}"), "m", "p", 7.0))
            .collect();
        let fetched = Fetched {
            activity,
            credits: Ok(GetCreditsResponseData {
                total_credits: 100.0,
                total_usage: 30.0,
            }),
            keys: Ok(Vec::new()),
            history_sections: None,
        };
        let page = render(&fetched, &[], "now").expect("every amount printable");
        assert!(
            page.contains("<dt>Runway (spend of the 7 days to 2026-11-10)</dt><dd id=\"credits-runway\">10.0 days</dd>"),
            "{page}"
        );
        let filtered =
            render(&fetched, &[("key", "k".into())], "now").expect("every amount printable");
        assert!(!filtered.contains("credits-runway"));
    }

    fn data(activity: Vec<ActivityItem>) -> Fetched {
        Fetched {
            activity,
            credits: Err("get_credits: forbidden (403 Forbidden)".into()),
            keys: Ok(Vec::new()),
            history_sections: None,
        }
    }

    #[test]
    fn the_other_bucket_holds_every_model_past_the_top_and_sums_to_the_day() {
        // Ten models on one day, model mN spending N dollars.
        let rows: Vec<ActivityItem> = (1..=10)
            .map(|n| item("2026-11-01", &format!("m{n:02}"), "P", n as f64))
            .collect();
        let mut by_model = summarise(&rows, &[SummaryKey::Model]);
        sort_groups(&mut by_model, SortKey::Cost);
        let (top, other) = top_with_other(&by_model, 8);
        assert_eq!(top.first().map(String::as_str), Some("m10"));
        assert_eq!(top.len(), 8);
        assert!(other);
        let by_date_model = summarise(&rows, &[SummaryKey::Date, SummaryKey::Model]);
        let days = vec!["2026-11-01".to_string()];
        let series = daily_spend_series(&by_date_model, &days, &top, other);
        assert_eq!(series.len(), 9);
        let last = series.last().expect("other");
        assert_eq!(last.name, "other");
        assert_eq!(last.colour, OTHER_COLOUR);
        assert_eq!(last.values, [3.0], "m01 + m02");
        let stacked: f64 = series.iter().map(|s| s.values[0]).sum();
        assert_eq!(stacked, 55.0);

        // Eight models or fewer: no "other".
        let (top, other) = top_with_other(&by_model[..8], 8);
        assert!(!other);
        assert_eq!(
            daily_spend_series(&by_date_model, &days, &top, other).len(),
            8
        );
    }

    #[test]
    fn chart_days_fill_gaps_between_the_first_and_last_day() {
        let days = chart_days(&["2026-11-03".into(), "2026-10-31".into()]);
        assert_eq!(
            days,
            ["2026-10-31", "2026-11-01", "2026-11-02", "2026-11-03"]
        );
        assert!(chart_days(&[]).is_empty());
        assert_eq!(chart_days(&["soon".into()]), ["soon"]);
    }

    #[test]
    fn the_page_escapes_names_and_loads_nothing() {
        let rows = vec![
            item(
                "2026-11-01",
                "<img src=x onerror=alert(1)>",
                "A&B \"quoted\"",
                1.5,
            ),
            item("2026-11-02", "模型/🚀-chat", "'single'", 0.25),
        ];
        let mut fetched = data(rows);
        let mut key: ApiKey = serde_json::from_value(serde_json::json!({
            "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_monthly": 0.0,
            "byok_usage_weekly": 0.0, "created_at": "2026-01-01T00:00:00Z",
            "creator_user_id": null, "disabled": false, "external_user": null,
            "hash": "abcdef0123456789", "include_byok_in_limit": false,
            "label": "sk-or-v1-abc...xyz", "last_used_at": null, "limit": 10.0,
            "limit_remaining": 8.5, "limit_reset": "monthly", "name": "</td><b>prod</b>",
            "updated_at": null, "usage": 1.5, "usage_daily": 0.1, "usage_monthly": 1.5,
            "usage_weekly": 0.5, "workspace_id": "ws"
        }))
        .expect("a key");
        key.disabled = true;
        fetched.keys = Ok(vec![key]);
        let page = render(&fetched, &[("user", "<u>".into())], "2026-11-03 10:00 UTC")
            .expect("every amount printable");
        assert!(!page.contains("<img"), "markup in a model name is text");
        assert!(!page.contains("<b>prod"));
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(page.contains("A&amp;B &quot;quoted&quot;"));
        assert!(page.contains("模型/🚀-chat"));
        assert!(page.contains("&lt;/td&gt;&lt;b&gt;prod&lt;/b&gt;"));
        assert!(page.contains("only user &lt;u&gt;"));
        for forbidden in ["http://", "https://", "src=\"", "href=", "<script", "url("] {
            assert!(!page.contains(forbidden), "{forbidden}");
        }
        assert!(page.contains("id=\"total-spend\">$1.75<"));
        assert!(page.contains("Credits are not shown: get_credits: forbidden (403 Forbidden)"));
        assert!(page.contains("<td>disabled</td>"));
        assert!(
            page.contains("$10.00<") && page.contains("$8.50<"),
            "per-key money to the cent"
        );
    }

    #[test]
    fn an_empty_period_still_makes_a_whole_page() {
        let page = render(&data(Vec::new()), &[], "now").expect("every amount printable");
        assert!(page.contains("no activity"));
        assert!(page.contains("id=\"total-spend\">$0.00<"));
        assert_eq!(page.matches("No data for this period").count(), 3);
        assert!(page.contains("The account has no API keys."));
        assert!(page.ends_with("</html>\n"));
    }

    #[test]
    fn the_forecast_section_projects_the_month_or_says_why_not() {
        // $3 a day from 2026-10-01 to 2026-11-20: November ends at $90.
        let mut rows = Vec::new();
        let mut day = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        while day <= NaiveDate::from_ymd_opt(2026, 11, 20).unwrap() {
            rows.push(item(&day.to_string(), "m", "p", 3.0));
            day = day.succ_opt().unwrap();
        }
        let page = render(&data(rows), &[], "now").expect("every amount printable");
        assert!(page.contains("<section id=\"forecast\">"), "{page}");
        assert!(page.contains("id=\"forecast-actual\">$60.00<"), "{page}");
        assert!(page.contains("id=\"forecast-median\">$90.00<"), "{page}");
        assert!(page.contains("<svg id=\"chart-forecast\""), "{page}");
        // Five days of history: a reason, not a guess.
        let short: Vec<ActivityItem> = (1..=5)
            .map(|d| item(&format!("2026-11-{d:02}"), "m", "p", 3.0))
            .collect();
        let page = render(&data(short), &[], "now").expect("every amount printable");
        assert!(
            page.contains("id=\"forecast-none\">No forecast: 5 days of history"),
            "{page}"
        );
        assert!(!page.contains("chart-forecast"));
        // Nothing at all.
        let page = render(&data(Vec::new()), &[], "now").expect("every amount printable");
        assert!(page.contains("No forecast: no spend on the page"), "{page}");
    }

    /// An amount the page computes (a chart's axis, the month-end projection) can be
    /// unprintable although every figure it comes from is: the page is then an error,
    /// never a `?` in place of the amount.
    #[test]
    fn an_unprintable_computed_amount_fails_the_page() {
        // Ten days of $90 billion: $900 billion spent, a month-end past $1 trillion.
        let days: Vec<ActivityItem> = (1..=10)
            .map(|day| item(&format!("2026-11-{day:02}"), "m", "p", 9e10))
            .collect();
        let fetched = data(days);
        assert!(printable(&fetched).is_ok(), "the figures themselves print");
        let err = render(&fetched, &[], "now").expect_err("the projection cannot print");
        assert!(err.value.abs() >= money::MAX_USD, "{err}");
        let fine = data(vec![item("2026-11-10", "m", "p", 4.0)]);
        let page = render(&fine, &[], "now").expect("every amount printable");
        assert!(!page.contains(">?<"), "{page}");
    }
}
