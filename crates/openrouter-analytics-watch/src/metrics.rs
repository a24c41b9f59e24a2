//! The Prometheus text exposition of a snapshot.
//!
//! Rendered once per refresh, not per scrape: a scrape hands out the same shared bytes
//! (see [`crate::exporter`]). The text is written here rather than through a metrics
//! library because every value changes only on a refresh; a registry of live gauges
//! would render them again on each scrape for nothing. `promtool check metrics` checks
//! the output in the tests.

use std::collections::HashSet;
use std::fmt::Write as _;

use openrouter_analytics::chrono::NaiveDate;

use crate::snapshot::{Snapshot, short_hashes, short_hashes_of};

/// The exporter's own state, rendered beside the account's figures.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Health {
    /// Whether the last refresh succeeded.
    pub up: bool,
    /// Failed refreshes since the exporter started.
    pub refresh_errors: u64,
    /// Refreshes tried since the exporter started.
    pub refreshes: u64,
    /// When the last refresh succeeded, in seconds since the Unix epoch.
    pub last_success_unix: Option<f64>,
    /// How long the last refresh took, in seconds.
    pub last_refresh_seconds: Option<f64>,
}

/// Every metric family the exporter serves: name, type, help. The table in docs/watch.md and
/// the dashboard's queries use exactly these names (a test checks it).
pub const FAMILIES: &[(&str, &str, &str)] = &[
    (
        "openrouter_up",
        "gauge",
        "1 if the last refresh from OpenRouter succeeded, else 0.",
    ),
    (
        "openrouter_refresh_errors_total",
        "counter",
        "Refreshes from OpenRouter that failed.",
    ),
    (
        "openrouter_refreshes_total",
        "counter",
        "Refreshes from OpenRouter tried.",
    ),
    (
        "openrouter_last_success_timestamp_seconds",
        "gauge",
        "Unix time of the last successful refresh; the values below are from it.",
    ),
    (
        "openrouter_last_refresh_duration_seconds",
        "gauge",
        "How long the last refresh took.",
    ),
    (
        "openrouter_credits_purchased_usd",
        "gauge",
        "Credits bought, in US dollars.",
    ),
    (
        "openrouter_credits_used_usd",
        "gauge",
        "Credits used, in US dollars.",
    ),
    (
        "openrouter_credits_balance_usd",
        "gauge",
        "Credits left (bought minus used), in US dollars.",
    ),
    (
        "openrouter_spend_mean_daily_7d_usd",
        "gauge",
        "Mean daily spend of the last 7 completed UTC days, in US dollars.",
    ),
    (
        "openrouter_runway_seconds",
        "gauge",
        "How long the balance lasts at the mean daily spend of the last 7 completed days, in seconds (/ 86400 for days; +Inf without spend).",
    ),
    (
        "openrouter_key_usage_usd",
        "gauge",
        "Spend of an API key in the period (day, week, month: UTC, so far; total), in US dollars.",
    ),
    (
        "openrouter_key_limit_usd",
        "gauge",
        "Spending limit of an API key, in US dollars (keys with a limit only).",
    ),
    (
        "openrouter_key_limit_used_usd",
        "gauge",
        "Spend counted against an API key's limit in its window (reset: daily, weekly, monthly, never; BYOK included when the key counts it), in US dollars.",
    ),
    (
        "openrouter_key_limit_remaining_usd",
        "gauge",
        "What is left of an API key's limit in its window, in US dollars.",
    ),
    (
        "openrouter_key_disabled",
        "gauge",
        "1 if the API key is disabled, else 0.",
    ),
    (
        "openrouter_workspace_budget_limit_usd",
        "gauge",
        "Limit of a workspace budget for its interval, in US dollars.",
    ),
    (
        "openrouter_workspace_budget_spend_usd",
        "gauge",
        "Spend of the workspace's keys in the budget's interval, in US dollars.",
    ),
    (
        "openrouter_guardrail_limit_usd",
        "gauge",
        "Spending limit of a guardrail for its reset window, in US dollars (guardrails with a limit only).",
    ),
    (
        "openrouter_guardrail_spend_usd",
        "gauge",
        "Spend of a guardrail's assigned keys in its reset window, in US dollars (left out where it cannot be told: members assigned, a workspace default, a key not listed).",
    ),
    (
        "openrouter_last_day_spend_usd",
        "gauge",
        "Spend of the last completed UTC day, in US dollars.",
    ),
    (
        "openrouter_model_last_day_spend_usd",
        "gauge",
        "Spend per model on the last completed UTC day, in US dollars.",
    ),
    (
        "openrouter_model_last_day_requests",
        "gauge",
        "Requests per model on the last completed UTC day.",
    ),
    (
        "openrouter_model_last_day_tokens",
        "gauge",
        "Tokens per model and kind (prompt, completion, reasoning, cached) on the last completed UTC day.",
    ),
    (
        "openrouter_key_forecast_window_end_usd",
        "gauge",
        "Projected spend of an API key by the end of its limit's window (the day, ISO week or month holding today, UTC), median, in US dollars (keys with a resetting limit; with the exporter's --key-forecasts).",
    ),
    (
        "openrouter_forecast_month_end_usd",
        "gauge",
        "Projected spend of the current UTC month (actual to the last completed day, the rest projected), in US dollars; band p10, p50 (median) and p90.",
    ),
];

/// The exposition and what had to be left out of it.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Rendered {
    /// The text exposition.
    pub text: String,
    /// One line per sample left out: a count that cannot be represented (negative, or
    /// past the sum's range), or a series that would repeat another's labels.
    pub warnings: Vec<String>,
}

/// Renders the exposition: the exporter's health, then the snapshot's figures (none
/// before the first successful refresh). `last_day` is the last completed UTC day
/// (yesterday): the day of the per-model figures and the end of the runway's window.
/// What had to be left out is dropped silently here: [`render_checked`] says what.
///
/// ```
/// use openrouter_analytics::chrono::NaiveDate;
/// use openrouter_analytics_watch::{Credits, Health, Snapshot, render};
///
/// let mut snapshot = Snapshot::default();
/// snapshot.credits = Some(Credits::new(100.0, 25.5));
/// let mut health = Health::default();
/// health.up = true;
/// let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
/// let text = render(Some(&snapshot), &health, day);
/// assert!(text.contains("\nopenrouter_credits_balance_usd 74.5\n"));
/// assert!(text.contains("\nopenrouter_up 1\n"));
/// assert!(text.contains("\nopenrouter_runway_seconds +Inf\n"));
/// ```
pub fn render(snapshot: Option<&Snapshot>, health: &Health, last_day: NaiveDate) -> String {
    render_checked(snapshot, health, last_day).text
}

/// [`render`], with a warning for each sample left out. Every series is written once
/// (label sets are unique: keys by name and a [`short_hashes`] prefix long enough to
/// tell them apart, budgets by id; a key listed twice is written once), and every count
/// is exact and never negative.
pub fn render_checked(
    snapshot: Option<&Snapshot>,
    health: &Health,
    last_day: NaiveDate,
) -> Rendered {
    let mut w = Writer::default();
    w.family("openrouter_up");
    w.sample("openrouter_up", &[], if health.up { 1.0 } else { 0.0 });
    w.family("openrouter_refresh_errors_total");
    w.count(
        "openrouter_refresh_errors_total",
        &[],
        i128::from(health.refresh_errors),
    );
    w.family("openrouter_refreshes_total");
    w.count(
        "openrouter_refreshes_total",
        &[],
        i128::from(health.refreshes),
    );
    if let Some(at) = health.last_success_unix {
        w.family("openrouter_last_success_timestamp_seconds");
        w.sample("openrouter_last_success_timestamp_seconds", &[], at);
    }
    if let Some(seconds) = health.last_refresh_seconds {
        w.family("openrouter_last_refresh_duration_seconds");
        w.sample("openrouter_last_refresh_duration_seconds", &[], seconds);
    }
    let Some(snapshot) = snapshot else {
        return w.finish();
    };
    if let Some(credits) = snapshot.credits {
        w.family("openrouter_credits_purchased_usd");
        w.sample(
            "openrouter_credits_purchased_usd",
            &[],
            credits.purchased_usd,
        );
        w.family("openrouter_credits_used_usd");
        w.sample("openrouter_credits_used_usd", &[], credits.used_usd);
        w.family("openrouter_credits_balance_usd");
        w.sample("openrouter_credits_balance_usd", &[], credits.balance_usd);
    }
    if let Some(runway) = snapshot.runway(last_day) {
        w.family("openrouter_spend_mean_daily_7d_usd");
        w.sample(
            "openrouter_spend_mean_daily_7d_usd",
            &[],
            runway.mean_daily_spend_usd,
        );
        w.family("openrouter_runway_seconds");
        w.sample("openrouter_runway_seconds", &[], runway.days * 86_400.0);
    }
    if !snapshot.keys.is_empty() {
        let short = short_hashes(&snapshot.keys);
        let keys: Vec<_> = snapshot.keys.iter().zip(&short).collect();
        w.family("openrouter_key_usage_usd");
        for (key, hash) in &keys {
            for (period, value) in [
                ("day", key.usage.day),
                ("week", key.usage.week),
                ("month", key.usage.month),
                ("total", key.usage.total),
            ] {
                let labels = [
                    ("key", key.name.as_str()),
                    ("key_hash", hash),
                    ("period", period),
                ];
                w.sample("openrouter_key_usage_usd", &labels, value);
            }
        }
        w.family("openrouter_key_limit_usd");
        for (key, hash) in &keys {
            if let Some(limit) = key.limit_usd {
                let reset = key.limit_reset.as_deref().unwrap_or("never");
                let labels = [
                    ("key", key.name.as_str()),
                    ("key_hash", hash),
                    ("reset", reset),
                ];
                w.sample("openrouter_key_limit_usd", &labels, limit);
            }
        }
        // The spend of each limit's own window: one alert covers every reset.
        w.family("openrouter_key_limit_used_usd");
        for (key, hash) in &keys {
            if key.limit_usd.is_some() {
                let reset = key.limit_reset.as_deref().unwrap_or("never");
                let labels = [
                    ("key", key.name.as_str()),
                    ("key_hash", hash),
                    ("reset", reset),
                ];
                w.sample(
                    "openrouter_key_limit_used_usd",
                    &labels,
                    key.usage_for_limit(),
                );
            }
        }
        w.family("openrouter_key_limit_remaining_usd");
        for (key, hash) in &keys {
            if let Some(remaining) = key.limit_remaining_usd {
                let labels = [("key", key.name.as_str()), ("key_hash", hash.as_str())];
                w.sample("openrouter_key_limit_remaining_usd", &labels, remaining);
            }
        }
        if !snapshot.key_activity.is_empty() {
            w.family("openrouter_key_forecast_window_end_usd");
            for (key, hash) in &keys {
                let Some(reset) = key.limit_reset.as_deref() else {
                    continue;
                };
                if key.limit_usd.is_none() || key.disabled {
                    continue;
                }
                if let Ok(f) = key_window_end(snapshot, key, last_day) {
                    let labels = [
                        ("key", key.name.as_str()),
                        ("key_hash", hash),
                        ("reset", reset),
                    ];
                    w.sample("openrouter_key_forecast_window_end_usd", &labels, f.p50_usd);
                }
            }
        }
        w.family("openrouter_key_disabled");
        for (key, hash) in &keys {
            let labels = [("key", key.name.as_str()), ("key_hash", hash.as_str())];
            let disabled = if key.disabled { 1.0 } else { 0.0 };
            w.sample("openrouter_key_disabled", &labels, disabled);
        }
    }
    if !snapshot.budgets.is_empty() {
        for (name, spend) in [
            ("openrouter_workspace_budget_limit_usd", false),
            ("openrouter_workspace_budget_spend_usd", true),
        ] {
            w.family(name);
            for budget in &snapshot.budgets {
                let labels = [
                    ("workspace", budget.workspace.as_str()),
                    ("interval", &budget.interval),
                    ("budget_id", &budget.id),
                ];
                let value = if spend {
                    budget.spend_usd
                } else {
                    budget.limit_usd
                };
                w.sample(name, &labels, value);
            }
        }
    }
    if !snapshot.guardrails.is_empty() {
        let short = short_hashes_of(snapshot.guardrails.iter().map(|g| g.id.as_str()));
        let guardrails: Vec<_> = snapshot.guardrails.iter().zip(&short).collect();
        let labels = |guardrail: &'_ crate::GuardrailFigures, id: &'_ str| {
            let reset = guardrail.reset.clone().unwrap_or_else(|| "never".into());
            [
                ("guardrail", guardrail.name.clone()),
                ("guardrail_id", id.to_string()),
                ("reset", reset),
            ]
        };
        w.family("openrouter_guardrail_limit_usd");
        for (guardrail, id) in &guardrails {
            if let Some(limit) = guardrail.limit_usd {
                let owned = labels(guardrail, id);
                let labels = owned.each_ref().map(|(k, v)| (*k, v.as_str()));
                w.sample("openrouter_guardrail_limit_usd", &labels, limit);
            }
        }
        w.family("openrouter_guardrail_spend_usd");
        for (guardrail, id) in &guardrails {
            let owned = labels(guardrail, id);
            let labels = owned.each_ref().map(|(k, v)| (*k, v.as_str()));
            match &guardrail.spend_usd {
                Ok(spend) => w.sample("openrouter_guardrail_spend_usd", &labels, *spend),
                Err(why) => w.warnings.push(crate::one_line(&format!(
                    "{} left out: {why}",
                    series("openrouter_guardrail_spend_usd", &labels)
                ))),
            }
        }
    }
    // The month of the last completed day, as `openrouter forecast` projects it from
    // the 30 days ending on it (or from the store); left out when it cannot be projected.
    if (!snapshot.activity.is_empty() || snapshot.stored.is_some())
        && let Ok(f) = month_end(snapshot, last_day)
    {
        w.family("openrouter_forecast_month_end_usd");
        // `band`, not `quantile`: promtool reserves that label for summaries.
        for (band, value) in [("p10", f.p10_usd), ("p50", f.p50_usd), ("p90", f.p90_usd)] {
            w.sample(
                "openrouter_forecast_month_end_usd",
                &[("band", band)],
                value,
            );
        }
    }
    if !snapshot.activity.is_empty() {
        w.family("openrouter_last_day_spend_usd");
        w.sample(
            "openrouter_last_day_spend_usd",
            &[],
            snapshot.daily_spend().on(last_day),
        );
        if let Some(models) = snapshot.models_on(last_day) {
            w.family("openrouter_model_last_day_spend_usd");
            for (model, figures) in models {
                let labels = [("model", model.as_str())];
                w.sample(
                    "openrouter_model_last_day_spend_usd",
                    &labels,
                    figures.spend_usd,
                );
            }
            w.family("openrouter_model_last_day_requests");
            for (model, figures) in models {
                let labels = [("model", model.as_str())];
                w.count(
                    "openrouter_model_last_day_requests",
                    &labels,
                    figures.requests,
                );
            }
            w.family("openrouter_model_last_day_tokens");
            for (model, figures) in models {
                for (kind, value) in [
                    ("prompt", figures.prompt_tokens),
                    ("completion", figures.completion_tokens),
                    ("reasoning", figures.reasoning_tokens),
                    ("cached", figures.cached_tokens),
                ] {
                    let labels = [("model", model.as_str()), ("kind", kind)];
                    w.count("openrouter_model_last_day_tokens", &labels, value);
                }
            }
        }
    }
    w.finish()
}

/// Writes samples, each series once.
#[derive(Default)]
struct Writer {
    out: String,
    /// Every series written (`name{labels}`), to keep the label sets unique.
    seen: HashSet<String>,
    warnings: Vec<String>,
}

impl Writer {
    fn family(&mut self, name: &str) {
        if let Some((_, kind, help)) = FAMILIES.iter().find(|(n, _, _)| *n == name) {
            let _ = writeln!(self.out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        }
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        let mut text = String::new();
        write_value(&mut text, value);
        self.push(series(name, labels), &text);
    }

    /// An integer sample, written exactly; a negative one (a count cannot be) or one
    /// at the end of the `i128` range (a sum that saturated) is left out.
    fn count(&mut self, name: &str, labels: &[(&str, &str)], value: i128) {
        let series = series(name, labels);
        if value < 0 || value == i128::MAX {
            self.warnings.push(crate::one_line(&format!(
                "{series} left out: its value {value} is not a count that can be represented"
            )));
            return;
        }
        self.push(series, &value.to_string());
    }

    /// Writes `series value` unless the series was written already.
    fn push(&mut self, series: String, value: &str) {
        if self.seen.contains(&series) {
            self.warnings.push(crate::one_line(&format!(
                "{series} left out: another sample has the same name and labels"
            )));
            return;
        }
        self.out.push_str(&series);
        self.out.push(' ');
        self.out.push_str(value);
        self.out.push('\n');
        self.seen.insert(series);
    }

    fn finish(self) -> Rendered {
        Rendered {
            text: self.out,
            warnings: self.warnings,
        }
    }
}

/// A series: `name{label="value",...}`.
fn series(name: &str, labels: &[(&str, &str)]) -> String {
    let mut out = String::from(name);
    if !labels.is_empty() {
        out.push('{');
        for (i, (label, text)) in labels.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(label);
            out.push_str("=\"");
            escape_label(&mut out, text);
            out.push('"');
        }
        out.push('}');
    }
    out
}

/// One sample line: `name{label="value",...} value`.
#[cfg(test)]
fn sample(out: &mut String, name: &str, labels: &[(&str, &str)], value: f64) {
    out.push_str(&series(name, labels));
    out.push(' ');
    write_value(out, value);
    out.push('\n');
}

/// A label value in the text format: backslash, double quote and newline escaped.
fn escape_label(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// A sample value: `+Inf`, `-Inf`, `NaN`, `0` (never `-0`), or the shortest decimal
/// that reads back.
fn write_value(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("NaN");
    } else if value == f64::INFINITY {
        out.push_str("+Inf");
    } else if value == f64::NEG_INFINITY {
        out.push_str("-Inf");
    } else if value == 0.0 {
        out.push('0');
    } else {
        let _ = write!(out, "{value}");
    }
}

/// A key's spend projected to the end of its limit's window holding the day after
/// `last_day`, from its 30 days of activity ending on `last_day`.
fn key_window_end(
    snapshot: &Snapshot,
    key: &crate::snapshot::KeyFigures,
    last_day: NaiveDate,
) -> Result<crate::forecast::Forecast, crate::forecast::CannotForecast> {
    use crate::forecast::{CannotForecast, History, Method, Period, Reset, forecast};
    let reset = key
        .limit_reset
        .as_deref()
        .and_then(Reset::parse)
        .ok_or(CannotForecast::BadPeriod)?;
    let days = snapshot
        .key_activity
        .get(&key.hash)
        .ok_or(CannotForecast::NoHistory)?;
    let first = last_day
        .checked_sub_days(openrouter_analytics::chrono::Days::new(29))
        .unwrap_or(last_day);
    let history = History::new(first, last_day, days.iter().map(|(d, v)| (*d, *v)))?;
    let next = last_day.succ_opt().unwrap_or(last_day);
    forecast(
        &history,
        last_day,
        Period::reset_window(reset, next)?,
        Method::DEFAULT,
    )
}

/// The month of `last_day` projected from the 30 days of activity ending on it, or,
/// from a store ([`Snapshot::stored`]), from its covered days as of the last one up to
/// `last_day`.
fn month_end(
    snapshot: &Snapshot,
    last_day: NaiveDate,
) -> Result<crate::forecast::Forecast, crate::forecast::CannotForecast> {
    use crate::forecast::{CannotForecast, History, Method, Period, forecast};
    let period = Period::month_of(last_day)?;
    if let Some(stored) = &snapshot.stored {
        let (first, last) = stored
            .covered
            .clone()
            .map_err(|_| CannotForecast::NoHistory)?;
        let as_of = last.min(last_day);
        let history = History::new(first, as_of, stored.total.iter().copied())?;
        return forecast(&history, as_of, period, Method::DEFAULT);
    }
    let first = last_day
        .checked_sub_days(openrouter_analytics::chrono::Days::new(29))
        .unwrap_or(last_day);
    let history = History::new(first, last_day, snapshot.daily_spend().iter())?;
    forecast(&history, last_day, period, Method::DEFAULT)
}

/// The last completed UTC day on `today`: the day before.
pub fn last_completed_day(today: NaiveDate) -> NaiveDate {
    today.pred_opt().unwrap_or(today)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::snapshot::{BudgetFigures, KeyFigures, ModelDay, Periods};

    #[test]
    fn label_values_are_escaped_and_special_values_spelled_as_prometheus_reads_them() {
        let mut out = String::new();
        sample(&mut out, "m", &[("key", "a\"b\\c\nd")], f64::INFINITY);
        assert_eq!(out, "m{key=\"a\\\"b\\\\c\\nd\"} +Inf\n");
        out.clear();
        sample(&mut out, "m", &[], f64::NAN);
        sample(&mut out, "m", &[], 0.1 + 0.2);
        sample(&mut out, "m", &[], 3.0);
        assert_eq!(out, "m NaN\nm 0.30000000000000004\nm 3\n");
    }

    #[test]
    fn before_the_first_refresh_only_the_health_is_served() {
        let health = Health {
            up: false,
            refresh_errors: 2,
            refreshes: 2,
            ..Default::default()
        };
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let text = render(None, &health, day);
        assert!(text.contains("\nopenrouter_up 0\n"), "{text}");
        assert!(
            text.contains("\nopenrouter_refresh_errors_total 2\n"),
            "{text}"
        );
        assert!(
            !text.contains("openrouter_last_success_timestamp_seconds"),
            "{text}"
        );
        assert!(!text.contains("credits"), "{text}");
    }

    #[test]
    fn every_family_has_a_unit_or_is_a_count_and_counters_end_in_total() {
        for (name, kind, _) in FAMILIES {
            assert!(name.starts_with("openrouter_"), "{name}");
            assert_eq!(*kind == "counter", name.ends_with("_total"), "{name}");
        }
    }

    fn key(name: &str, hash: &str, month: f64) -> KeyFigures {
        KeyFigures {
            name: name.into(),
            hash: hash.into(),
            short_hash: hash.chars().take(12).collect(),
            workspace_id: "w".into(),
            disabled: false,
            limit_usd: Some(10.0),
            limit_remaining_usd: Some(1.0),
            limit_reset: None,
            include_byok_in_limit: false,
            usage: Periods {
                month,
                ..Default::default()
            },
            byok_usage: Periods::default(),
        }
    }

    fn budget(id: &str, limit: f64) -> BudgetFigures {
        BudgetFigures {
            id: id.into(),
            workspace_id: "w".into(),
            workspace: "prod".into(),
            interval: "monthly".into(),
            limit_usd: limit,
            spend_usd: 1.0,
        }
    }

    /// Every sample line's series, checked to be unique.
    fn unique_series(text: &str) -> Vec<&str> {
        let series: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.rsplit_once(' ').unwrap().0)
            .collect();
        let set: HashSet<&str> = series.iter().copied().collect();
        assert_eq!(set.len(), series.len(), "a series repeats in\n{text}");
        series
    }

    #[test]
    fn keys_sharing_a_name_and_hash_prefix_and_budgets_sharing_workspace_and_interval_stay_apart() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let snapshot = Snapshot {
            keys: vec![
                key("ci", "0123456789abAAAA", 1.0),
                key("ci", "0123456789abBBBB", 2.0),
                key("dev", "fedcba9876543210", 3.0),
                // The same key listed twice: written once.
                key("dev", "fedcba9876543210", 3.0),
            ],
            budgets: vec![budget("b-1", 10.0), budget("b-2", 20.0)],
            ..Default::default()
        };
        let rendered = render_checked(Some(&snapshot), &Health::default(), day);
        let text = &rendered.text;
        unique_series(text);
        for line in [
            "openrouter_key_usage_usd{key=\"ci\",key_hash=\"0123456789abA\",period=\"month\"} 1",
            "openrouter_key_usage_usd{key=\"ci\",key_hash=\"0123456789abB\",period=\"month\"} 2",
            "openrouter_key_usage_usd{key=\"dev\",key_hash=\"fedcba987654\",period=\"month\"} 3",
            "openrouter_workspace_budget_limit_usd{workspace=\"prod\",interval=\"monthly\",budget_id=\"b-1\"} 10",
            "openrouter_workspace_budget_limit_usd{workspace=\"prod\",interval=\"monthly\",budget_id=\"b-2\"} 20",
        ] {
            assert!(
                text.contains(&format!("\n{line}\n")),
                "{line} not in\n{text}"
            );
        }
        // The repeated key's series are left out, each with a warning.
        assert_eq!(rendered.warnings.len(), 8, "{:?}", rendered.warnings);
        assert!(rendered.warnings[0].contains("same name and labels"));
    }

    #[test]
    fn counts_never_wrap_and_one_that_cannot_be_represented_is_left_out() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let huge = ModelDay {
            requests: i128::from(i64::MAX) * 3,
            prompt_tokens: -5,
            completion_tokens: i128::MAX,
            ..Default::default()
        };
        let snapshot = Snapshot {
            activity: BTreeMap::from([(day, BTreeMap::from([("a/b".to_string(), huge)]))]),
            ..Default::default()
        };
        let rendered = render_checked(Some(&snapshot), &Health::default(), day);
        let text = &rendered.text;
        assert!(
            text.contains(
                "\nopenrouter_model_last_day_requests{model=\"a/b\"} 27670116110564327421\n"
            ),
            "{text}"
        );
        assert!(!text.contains("kind=\"prompt\""), "{text}");
        assert!(!text.contains("kind=\"completion\""), "{text}");
        assert!(text.contains("kind=\"cached\"} 0\n"), "{text}");
        assert_eq!(rendered.warnings.len(), 2, "{:?}", rendered.warnings);
        assert!(rendered.warnings[0].contains("kind=\"prompt\"} left out"));
        // No negative value anywhere.
        assert!(
            !text
                .lines()
                .any(|l| !l.starts_with('#') && l.contains(" -")),
            "{text}"
        );
    }

    #[test]
    fn zero_is_never_written_negative() {
        let mut out = String::new();
        sample(&mut out, "m", &[], -0.0);
        assert_eq!(out, "m 0\n");
        // No spend in the window: the mean is 0, not -0.
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let snapshot = Snapshot {
            credits: Some(crate::Credits::new(10.0, 0.0)),
            ..Default::default()
        };
        let text = render(Some(&snapshot), &Health::default(), day);
        assert!(
            text.contains("\nopenrouter_spend_mean_daily_7d_usd 0\n"),
            "{text}"
        );
    }

    #[test]
    fn guardrails_are_exposed_with_escaped_unique_labels_and_unknown_spend_left_out() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let guardrail =
            |name: &str, id: &str, spend: Result<f64, String>| crate::GuardrailFigures {
                id: id.into(),
                short_id: String::new(),
                name: name.into(),
                reset: Some("weekly".into()),
                limit_usd: Some(50.0),
                keys: 1,
                members: 0,
                spend_usd: spend,
            };
        let mut daily = key("ci", "0123456789abcdef", 0.0);
        daily.limit_reset = Some("daily".into());
        daily.usage.day = 4.5;
        let snapshot = Snapshot {
            keys: vec![daily],
            guardrails: vec![
                guardrail("eu\"}\nx", "aaaaaaaa-bbbb-1111", Ok(12.5)),
                guardrail("eu\"}\nx", "aaaaaaaa-bbbb-2222", Ok(1.0)),
                guardrail(
                    "people",
                    "cccccccc-dddd-0000",
                    Err("3 members are assigned".into()),
                ),
            ],
            ..Default::default()
        };
        let rendered = render_checked(Some(&snapshot), &Health::default(), day);
        let text = &rendered.text;
        unique_series(text);
        for line in [
            "openrouter_key_limit_used_usd{key=\"ci\",key_hash=\"0123456789ab\",reset=\"daily\"} 4.5",
            "openrouter_guardrail_limit_usd{guardrail=\"eu\\\"}\\nx\",guardrail_id=\"aaaaaaaa-bbbb-1\",reset=\"weekly\"} 50",
            "openrouter_guardrail_spend_usd{guardrail=\"eu\\\"}\\nx\",guardrail_id=\"aaaaaaaa-bbbb-1\",reset=\"weekly\"} 12.5",
            "openrouter_guardrail_spend_usd{guardrail=\"eu\\\"}\\nx\",guardrail_id=\"aaaaaaaa-bbbb-2\",reset=\"weekly\"} 1",
            "openrouter_guardrail_limit_usd{guardrail=\"people\",guardrail_id=\"cccccccc-ddd\",reset=\"weekly\"} 50",
        ] {
            assert!(
                text.contains(&format!("\n{line}\n")),
                "{line} not in\n{text}"
            );
        }
        assert!(
            !text.contains("openrouter_guardrail_spend_usd{guardrail=\"people\""),
            "{text}"
        );
        assert_eq!(rendered.warnings.len(), 1, "{:?}", rendered.warnings);
        assert!(rendered.warnings[0].contains("3 members are assigned"));
    }

    #[test]
    fn the_month_end_forecast_has_three_bands_and_is_left_out_without_history() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let mut snapshot = Snapshot::default();
        for back in 0..30u64 {
            let d = day - openrouter_analytics::chrono::Days::new(back);
            let figures = ModelDay {
                spend_usd: 2.0,
                ..Default::default()
            };
            snapshot
                .activity
                .insert(d, BTreeMap::from([("m".to_string(), figures)]));
        }
        let health = Health::default();
        let text = render(Some(&snapshot), &health, day);
        for band in ["p10", "p50", "p90"] {
            // $2 a day for 30 days.
            let line = format!("\nopenrouter_forecast_month_end_usd{{band=\"{band}\"}} 60\n");
            assert!(text.contains(&line), "{text}");
        }
        unique_series(&text);
        // A hostile spend: no forecast, the rest still served.
        snapshot.activity.insert(
            day,
            BTreeMap::from([(
                "m".to_string(),
                ModelDay {
                    spend_usd: f64::NAN,
                    ..Default::default()
                },
            )]),
        );
        let text = render(Some(&snapshot), &health, day);
        assert!(
            !text.contains("openrouter_forecast_month_end_usd{"),
            "{text}"
        );
        assert!(text.contains("openrouter_last_day_spend_usd"), "{text}");
    }
}
