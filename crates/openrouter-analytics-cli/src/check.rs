//! `openrouter check`: alert rules for cron and CI. Prints one line per rule with its
//! figure and threshold, posts the crossed ones and those that could not be judged to
//! `--webhook`, and exits 6 when at least one is crossed, else 7 when one could not be
//! judged. The rules and their figures are the watch crate's.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;

use chrono::{Days, NaiveDate, Utc};
use clap::{Args, ValueEnum};
use openrouter_analytics::parse_day;
use openrouter_analytics_watch::{
    Needs, Outcome, Rules, Snapshot, SpikeBy, Status, Unit, Webhook, alert_text,
};
use serde_json::json;

use crate::exit::{Failure, Operation, code};
use crate::global::GlobalArgs;
use crate::history::{self, DbArgs};
use crate::output::Format;
use crate::output::money;
use crate::output::sheet::{Sheet, number, text};
use crate::output::table::{Align, Table};
use crate::output::write_json;
use crate::output::{Out, Style};
use crate::printout::Printout;
use crate::progress::with_progress;
use crate::setup;
use crate::stored;
use crate::terminal;
use crate::verb::Context;

/// A webhook URL as given on the command line: a secret, never in `Debug`.
#[derive(Clone)]
pub struct WebhookUrl(String);

impl fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookUrl(<redacted>)")
    }
}

fn webhook_url(text: &str) -> Result<WebhookUrl, String> {
    Ok(WebhookUrl(text.to_string()))
}

/// What the spike rule compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SpikeScope {
    /// The account's total spend.
    Total,
    /// Each model's spend.
    Model,
    /// Each enabled key's spend (one request per key).
    Key,
}

/// `openrouter check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Crossed when the credit balance is below USD.
    #[arg(long, value_name = "USD")]
    pub balance_below: Option<f64>,

    /// Crossed when the balance lasts fewer than DAYS at the mean daily spend of the 7
    /// days ending on --date.
    #[arg(long, value_name = "DAYS")]
    pub runway_below: Option<f64>,

    /// Crossed for each key (with a limit, not disabled) whose spend in its limit's
    /// window is above PERCENT of the limit.
    #[arg(long, value_name = "PERCENT")]
    pub key_usage_above: Option<f64>,

    /// Only this key for --key-usage-above: its name (ignoring case), hash or the first
    /// 8+ characters of the hash (repeat for more).
    #[arg(long = "key", value_name = "NAME_OR_HASH")]
    pub keys: Vec<String>,

    /// Crossed when the spend on --date is above USD.
    #[arg(long, value_name = "USD")]
    pub daily_spend_above: Option<f64>,

    /// Crossed when the spend on --date is more than FACTOR times the mean of the 7
    /// days before it.
    #[arg(long, value_name = "FACTOR")]
    pub spike: Option<f64>,

    /// Whether --spike and --anomaly look at the total, each model or each key
    /// [default: total].
    #[arg(long, value_enum, value_name = "SCOPE")]
    pub by: Option<SpikeScope>,

    /// Crossed when the account's projected month-end spend (the month of --date, as
    /// `openrouter forecast` projects it) is above USD.
    #[arg(long, value_name = "USD")]
    pub forecast_above: Option<f64>,

    /// Crossed for each key (with a daily, weekly or monthly limit, not disabled;
    /// --key narrows) whose projected spend by the end of its limit's window is above
    /// PERCENT of the limit; says the day the limit is projected to be reached.
    #[arg(long, value_name = "PERCENT")]
    pub key_forecast_above: Option<f64>,

    /// Crossed when the spend on --date is more than SCORE robust standard deviations
    /// above its usual level (weekday-aware median and MAD of the 28 days before)
    /// [default SCORE: 7].
    #[arg(
        long,
        value_name = "SCORE",
        num_args = 0..=1,
        default_missing_value = "7"
    )]
    pub anomaly: Option<f64>,

    /// Crossed for each workspace budget whose spend is above PERCENT of its limit.
    #[arg(long, value_name = "PERCENT")]
    pub budget_above: Option<f64>,

    /// Crossed for each guardrail with a limit whose spend in its reset window (the
    /// assigned keys' usage) is above PERCENT of the limit; unknown (exit 7) where the
    /// spend cannot be told, e.g. members are assigned.
    #[arg(long, value_name = "PERCENT")]
    pub guardrail_usage_above: Option<f64>,

    /// Read rules from a TOML file (balance_below, runway_below, key_usage_above, keys,
    /// daily_spend_above, spike, spike_by, budget_above, guardrail_usage_above,
    /// forecast_above, key_forecast_above, anomaly, anomaly_by); flags win over it.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    /// The UTC day the daily rules judge; the runway uses the 7 days ending on it
    /// [default: yesterday].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,

    /// Judge the daily, spike, forecast and anomaly rules from the history store
    /// (`--db`, `OPENROUTER_DB`, as for `sync`) instead of OpenRouter's 30-day window,
    /// so --date can be any day it covers; the other rules and the keys' limits are
    /// still fetched.
    #[command(flatten)]
    pub db: DbArgs,

    /// Post the crossed rules to this Slack-compatible incoming webhook as
    /// {"text": ...} (Discord: the webhook URL + /slack). A secret: never printed.
    #[arg(
        long,
        env = "OPENROUTER_WEBHOOK_URL",
        hide_env_values = true,
        value_name = "URL",
        value_parser = webhook_url
    )]
    pub webhook: Option<WebhookUrl>,
}

/// A checked `openrouter check` command line.
#[derive(Debug)]
pub struct Plan {
    rules: Rules,
    day: NaiveDate,
    webhook: Option<Webhook>,
    /// The store, with `--db`.
    db: Option<DbArgs>,
}

impl Plan {
    /// Reads the rules file, checks every value; the error is a one-line usage message.
    pub fn new(args: &CheckArgs, global: &GlobalArgs) -> Result<Self, String> {
        let mut flags = Rules::default();
        flags.balance_below = args.balance_below;
        flags.runway_below = args.runway_below;
        flags.key_usage_above = args.key_usage_above;
        flags.keys = args.keys.clone();
        flags.daily_spend_above = args.daily_spend_above;
        flags.spike = args.spike;
        flags.spike_by = match args.by {
            Some(SpikeScope::Model) => SpikeBy::Model,
            Some(SpikeScope::Key) => SpikeBy::Key,
            _ => SpikeBy::Total,
        };
        flags.budget_above = args.budget_above;
        flags.guardrail_usage_above = args.guardrail_usage_above;
        flags.forecast_above = args.forecast_above;
        flags.key_forecast_above = args.key_forecast_above;
        flags.anomaly = args.anomaly;
        flags.anomaly_by = flags.spike_by;
        flags
            .validate()
            .map_err(|err| format!("{}", err).replace('_', "-").replacen("", "--", 1))?;
        let rules = match &args.rules {
            Some(path) => {
                let text = fs::read_to_string(path)
                    .map_err(|err| format!("cannot read --rules {}: {err}", path.display()))?;
                Rules::from_toml(&text)
                    .map_err(|err| format!("--rules {}: {err}", path.display()))?
                    .overridden_by(flags)
            }
            None => flags,
        };
        if rules.is_empty() {
            return Err(
                "no rule to check: give at least one of --balance-below, --runway-below, \
                 --key-usage-above, --daily-spend-above, --spike, --budget-above, \
                 --guardrail-usage-above, --forecast-above, --key-forecast-above, --anomaly \
                 or --rules"
                    .into(),
            );
        }
        let today = Utc::now().date_naive();
        let day = match &args.date {
            Some(text) => parse_day(text.trim())
                .map_err(|_| format!("--date {text:?} is not a day in YYYY-MM-DD form"))?,
            None => today.checked_sub_days(Days::new(1)).unwrap_or(today),
        };
        if day >= today {
            return Err(format!(
                "--date {day} is not a completed UTC day; give yesterday ({}) or earlier",
                today.pred_opt().unwrap_or(today)
            ));
        }
        let webhook = args
            .webhook
            .as_ref()
            .map(|url| Webhook::parse(&url.0, global.allow_insecure_http))
            .transpose()
            .map_err(|err| format!("--webhook: {err}"))?;
        Ok(Self {
            rules,
            day,
            webhook,
            // Only a store that is named: the default path is not looked for.
            db: args.db.db.is_some().then(|| args.db.clone()),
        })
    }
}

/// What must be fetched from OpenRouter: with `--db`, the daily spend and the keys'
/// activity come from the store (the runway still reads OpenRouter's window, beside
/// the balance it needs anyway).
fn live_needs(plan: &Plan) -> Needs {
    let mut needs = plan.rules.needs();
    if plan.db.is_some() {
        needs.activity = plan.rules.runway_below.is_some();
        if needs.key_activity {
            needs.key_activity = false;
            needs.keys = true;
        }
    }
    needs
}

/// Whether the check runs without OpenRouter: every rule judged from the store.
pub fn offline(plan: &Plan) -> bool {
    live_needs(plan) == Needs::default()
}

/// Fetches what the rules need (and reads the store with `--db`), checks them, prints,
/// posts the crossed ones and those that could not be judged, and exits 6 when one is
/// crossed, else 7 when one could not be judged. `ctx` is needed unless [`offline`].
pub fn run(
    plan: &Plan,
    ctx: Option<&Context<'_>>,
    global: &GlobalArgs,
    runtime: &tokio::runtime::Runtime,
    style: Style<'_>,
) -> Result<Printout<'static>, Failure> {
    let needs = live_needs(plan);
    let mut snapshot = match ctx {
        Some(ctx) if needs != Needs::default() => runtime
            .block_on(with_progress(
                ctx.progress,
                "fetching the account's figures",
                Snapshot::fetch(ctx.client, needs),
            ))
            .map_err(|err| Failure::from_client(&err, Operation::Account, ctx.base_url))?,
        None if needs != Needs::default() => {
            return Err(Failure::other("no OpenRouter session for the check"));
        }
        _ => Snapshot::default(),
    };
    let unknown = plan.rules.unknown_keys(&snapshot);
    if !unknown.is_empty() {
        let names: Vec<String> = snapshot
            .keys
            .iter()
            .map(|k| terminal::safe(&k.name).into_owned())
            .collect();
        return Err(Failure::usage(format!(
            "--key {} names no key; the keys are: {}",
            unknown.join(", "),
            names.join(", ")
        )));
    }
    if let Some(db) = &plan.db {
        let rules = plan.rules.needs();
        let models = (plan.rules.spike.is_some() && plan.rules.spike_by == SpikeBy::Model)
            || (plan.rules.anomaly.is_some() && plan.rules.anomaly_by == SpikeBy::Model);
        let keys = if rules.key_activity {
            snapshot.keys.clone()
        } else {
            Vec::new()
        };
        let mut store = stored::open(db)?;
        let (spend, key_activity) = stored::for_check(&mut store, plan.day, models, &keys)
            .map_err(|err| history::store_failure(&err, None))?;
        snapshot.stored = Some(spend);
        snapshot.key_activity = key_activity;
    } else if needs.activity {
        let oldest = Utc::now()
            .date_naive()
            .checked_sub_days(Days::new(30))
            .unwrap_or(plan.day);
        if plan.day < oldest {
            let _ = writeln!(
                io::stderr().lock(),
                "warning: OpenRouter's activity covers the last 30 completed UTC days; \
                 {} is older, so its spend counts as 0",
                plan.day
            );
        }
    }
    let outcomes = plan.rules.evaluate(&snapshot, plan.day);
    // All or nothing: an amount that cannot be printed fails before a row is written
    // (and before the webhook hears of it).
    let printout = Printout::render(style, |out| {
        print(&outcomes, plan.day, style.format, out).map_err(|err| Failure::output(&err))
    })?;
    let crossed: Vec<&Outcome> = outcomes.iter().filter(|o| o.crossed()).collect();
    let unknown: Vec<&Outcome> = outcomes.iter().filter(|o| o.unknown()).collect();
    if crossed.is_empty() && unknown.is_empty() {
        return Ok(printout);
    }
    let mut webhook_note = String::new();
    if let Some(webhook) = &plan.webhook {
        let text = alert_text(&outcomes, plan.day);
        let timeout = ctx.map_or_else(
            || {
                global
                    .timeout
                    .unwrap_or(openrouter_analytics::DEFAULT_TIMEOUT)
            },
            |ctx| ctx.client.timeout(),
        );
        let posted = match Webhook::http_client(&setup::user_agent(), timeout) {
            Ok(http) => runtime
                .block_on(with_progress(
                    ctx.and_then(|ctx| ctx.progress),
                    "posting to the webhook",
                    webhook.post(&http, &setup::retry_config(global), &text),
                ))
                .map_err(|err| err.to_string()),
            Err(err) => Err(err.to_string()),
        };
        webhook_note = match posted {
            Ok(()) => "; posted to the webhook".to_string(),
            Err(err) => {
                let _ = writeln!(
                    io::stderr().lock(),
                    "warning: the webhook failed: {}",
                    terminal::safe(&err)
                );
                "; the webhook FAILED".to_string()
            }
        };
    }
    let names = |list: &[&Outcome]| {
        let mut names: Vec<&str> = list.iter().map(|o| o.rule.name()).collect();
        names.dedup();
        names.join(", ")
    };
    let mut parts = Vec::new();
    if !crossed.is_empty() {
        parts.push(format!(
            "{} of {} checks crossed their threshold ({})",
            crossed.len(),
            outcomes.len(),
            names(&crossed)
        ));
    }
    if !unknown.is_empty() {
        parts.push(format!(
            "{} of {} checks could not be judged ({})",
            unknown.len(),
            outcomes.len(),
            names(&unknown)
        ));
    }
    // The table is printed, then the command ends with the rules' exit code.
    Ok(printout.ending(Err(Failure {
        // A crossed rule is the alarm to raise; an unjudged one only when none is crossed.
        code: if crossed.is_empty() {
            code::RULE_UNKNOWN
        } else {
            code::RULE_CROSSED
        },
        message: format!("{}{webhook_note}", parts.join("; ")),
    })))
}

/// Prints the outcomes: a table, JSON (`{"date", "crossed", "rules": [...]}`) or CSV.
fn print(
    outcomes: &[Outcome],
    day: NaiveDate,
    format: Format,
    out: &mut Out<'_>,
) -> io::Result<()> {
    match format {
        Format::Json => {
            let rules: Vec<_> = outcomes
                .iter()
                .map(|o| {
                    json!({
                        "rule": o.rule.name(),
                        "subject": o.subject,
                        "figure": finite(o.figure),
                        "threshold": o.threshold,
                        "unit": o.rule.unit().name(),
                        // Neither true nor false for a rule that could not be judged.
                        "crossed": (!o.unknown()).then_some(o.crossed()),
                        "status": o.status.name(),
                        // Why it could not be judged, or what a forecast saw.
                        "note": o.note,
                    })
                })
                .collect();
            let crossed = outcomes.iter().filter(|o| o.crossed()).count();
            let unknown = outcomes.iter().filter(|o| o.unknown()).count();
            write_json(
                out,
                &json!({
                    "date": day.to_string(),
                    "crossed": crossed,
                    "unknown": unknown,
                    "rules": rules,
                }),
            )
        }
        Format::Csv => {
            let mut csv = Sheet::new(
                out,
                [
                    text("rule"),
                    text("subject"),
                    number("figure"),
                    number("threshold"),
                    text("unit"),
                    text("status"),
                    text("note"),
                ],
            )?;
            for o in outcomes {
                csv.row([
                    o.rule.name().to_string(),
                    o.subject.clone().unwrap_or_default(),
                    if o.unknown() || o.figure.is_nan() {
                        String::new()
                    } else if o.figure.is_infinite() {
                        "inf".to_string()
                    } else {
                        money::plain(o.figure)?
                    },
                    money::plain(o.threshold)?,
                    o.rule.unit().name().to_string(),
                    status(o).to_string(),
                    o.note.clone().unwrap_or_default(),
                ])?;
            }
            csv.finish()
        }
        Format::Table => {
            let mut table = Table::new([
                ("RULE", Align::Left),
                ("SUBJECT", Align::Left),
                ("FIGURE", Align::Right),
                ("THRESHOLD", Align::Right),
                ("STATUS", Align::Left),
            ]);
            // Dollars to the cent, as every table shows money; other units as the rule
            // states them.
            let show = |unit: Unit, value: f64| match unit {
                Unit::Usd => money::usd(value),
                _ => Ok(unit.format(value)),
            };
            for o in outcomes {
                let unit = o.rule.unit();
                table.row(vec![
                    o.rule.name().to_string(),
                    terminal::safe(o.subject.as_deref().unwrap_or("")).into_owned(),
                    if o.unknown() {
                        "?".to_string()
                    } else {
                        show(unit, o.figure)?
                    },
                    show(unit, o.threshold)?,
                    status(o).to_string(),
                ]);
            }
            table.write(out)?;
            for o in outcomes {
                if let Some(note) = &o.note {
                    let subject = o
                        .subject
                        .as_deref()
                        .map(|s| format!(" {s}"))
                        .unwrap_or_default();
                    writeln!(
                        out,
                        "{}{}: {}",
                        o.rule.name(),
                        terminal::safe(&subject),
                        terminal::safe(note)
                    )?;
                }
            }
            writeln!(out, "(day judged: {day})")
        }
    }
}

fn status(outcome: &Outcome) -> &'static str {
    match outcome.status {
        Status::Crossed => "CROSSED",
        Status::Unknown => "UNKNOWN",
        _ => "ok",
    }
}

/// A figure for JSON: `null` for an unlimited one.
fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}
