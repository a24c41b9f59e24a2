//! The Prometheus text exposition of a snapshot.
//!
//! Rendered once per refresh, not per scrape: a scrape hands out the same shared bytes
//! (see [`crate::exporter`]). The text is written here rather than through a metrics
//! library because every value changes only on a refresh; a registry of live gauges
//! would render them again on each scrape for nothing. `promtool check metrics` checks
//! the output in the tests.

use std::fmt::Write as _;

use openrouter_analytics::chrono::NaiveDate;

use crate::snapshot::Snapshot;

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

/// Every metric family the exporter serves: name, type, help. The README's table and
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
];

/// Renders the exposition: the exporter's health, then the snapshot's figures (none
/// before the first successful refresh). `last_day` is the last completed UTC day
/// (yesterday): the day of the per-model figures and the end of the runway's window.
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
    let mut out = String::with_capacity(4096);
    let family = |out: &mut String, name: &str| {
        if let Some((_, kind, help)) = FAMILIES.iter().find(|(n, _, _)| *n == name) {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        }
    };
    family(&mut out, "openrouter_up");
    sample(
        &mut out,
        "openrouter_up",
        &[],
        if health.up { 1.0 } else { 0.0 },
    );
    family(&mut out, "openrouter_refresh_errors_total");
    sample(
        &mut out,
        "openrouter_refresh_errors_total",
        &[],
        health.refresh_errors as f64,
    );
    family(&mut out, "openrouter_refreshes_total");
    sample(
        &mut out,
        "openrouter_refreshes_total",
        &[],
        health.refreshes as f64,
    );
    if let Some(at) = health.last_success_unix {
        family(&mut out, "openrouter_last_success_timestamp_seconds");
        sample(
            &mut out,
            "openrouter_last_success_timestamp_seconds",
            &[],
            at,
        );
    }
    if let Some(seconds) = health.last_refresh_seconds {
        family(&mut out, "openrouter_last_refresh_duration_seconds");
        sample(
            &mut out,
            "openrouter_last_refresh_duration_seconds",
            &[],
            seconds,
        );
    }
    let Some(snapshot) = snapshot else {
        return out;
    };
    if let Some(credits) = snapshot.credits {
        family(&mut out, "openrouter_credits_purchased_usd");
        sample(
            &mut out,
            "openrouter_credits_purchased_usd",
            &[],
            credits.purchased_usd,
        );
        family(&mut out, "openrouter_credits_used_usd");
        sample(
            &mut out,
            "openrouter_credits_used_usd",
            &[],
            credits.used_usd,
        );
        family(&mut out, "openrouter_credits_balance_usd");
        sample(
            &mut out,
            "openrouter_credits_balance_usd",
            &[],
            credits.balance_usd,
        );
    }
    if let Some(runway) = snapshot.runway(last_day) {
        family(&mut out, "openrouter_spend_mean_daily_7d_usd");
        sample(
            &mut out,
            "openrouter_spend_mean_daily_7d_usd",
            &[],
            runway.mean_daily_spend_usd,
        );
        family(&mut out, "openrouter_runway_seconds");
        sample(
            &mut out,
            "openrouter_runway_seconds",
            &[],
            runway.days * 86_400.0,
        );
    }
    if !snapshot.keys.is_empty() {
        family(&mut out, "openrouter_key_usage_usd");
        for key in &snapshot.keys {
            for (period, value) in [
                ("day", key.usage.day),
                ("week", key.usage.week),
                ("month", key.usage.month),
                ("total", key.usage.total),
            ] {
                let labels = [
                    ("key", key.name.as_str()),
                    ("key_hash", &key.short_hash),
                    ("period", period),
                ];
                sample(&mut out, "openrouter_key_usage_usd", &labels, value);
            }
        }
        family(&mut out, "openrouter_key_limit_usd");
        for key in &snapshot.keys {
            if let Some(limit) = key.limit_usd {
                let reset = key.limit_reset.as_deref().unwrap_or("never");
                let labels = [
                    ("key", key.name.as_str()),
                    ("key_hash", &key.short_hash),
                    ("reset", reset),
                ];
                sample(&mut out, "openrouter_key_limit_usd", &labels, limit);
            }
        }
        family(&mut out, "openrouter_key_limit_remaining_usd");
        for key in &snapshot.keys {
            if let Some(remaining) = key.limit_remaining_usd {
                let labels = [("key", key.name.as_str()), ("key_hash", &key.short_hash)];
                sample(
                    &mut out,
                    "openrouter_key_limit_remaining_usd",
                    &labels,
                    remaining,
                );
            }
        }
        family(&mut out, "openrouter_key_disabled");
        for key in &snapshot.keys {
            let labels = [("key", key.name.as_str()), ("key_hash", &key.short_hash)];
            sample(
                &mut out,
                "openrouter_key_disabled",
                &labels,
                if key.disabled { 1.0 } else { 0.0 },
            );
        }
    }
    if !snapshot.budgets.is_empty() {
        family(&mut out, "openrouter_workspace_budget_limit_usd");
        for budget in &snapshot.budgets {
            let labels = [
                ("workspace", budget.workspace.as_str()),
                ("interval", &budget.interval),
            ];
            sample(
                &mut out,
                "openrouter_workspace_budget_limit_usd",
                &labels,
                budget.limit_usd,
            );
        }
        family(&mut out, "openrouter_workspace_budget_spend_usd");
        for budget in &snapshot.budgets {
            let labels = [
                ("workspace", budget.workspace.as_str()),
                ("interval", &budget.interval),
            ];
            sample(
                &mut out,
                "openrouter_workspace_budget_spend_usd",
                &labels,
                budget.spend_usd,
            );
        }
    }
    if !snapshot.activity.is_empty() {
        family(&mut out, "openrouter_last_day_spend_usd");
        sample(
            &mut out,
            "openrouter_last_day_spend_usd",
            &[],
            snapshot.daily_spend().on(last_day),
        );
        if let Some(models) = snapshot.models_on(last_day) {
            family(&mut out, "openrouter_model_last_day_spend_usd");
            for (model, figures) in models {
                sample(
                    &mut out,
                    "openrouter_model_last_day_spend_usd",
                    &[("model", model)],
                    figures.spend_usd,
                );
            }
            family(&mut out, "openrouter_model_last_day_requests");
            for (model, figures) in models {
                sample(
                    &mut out,
                    "openrouter_model_last_day_requests",
                    &[("model", model)],
                    figures.requests as f64,
                );
            }
            family(&mut out, "openrouter_model_last_day_tokens");
            for (model, figures) in models {
                for (kind, value) in [
                    ("prompt", figures.prompt_tokens),
                    ("completion", figures.completion_tokens),
                    ("reasoning", figures.reasoning_tokens),
                    ("cached", figures.cached_tokens),
                ] {
                    let labels = [("model", model.as_str()), ("kind", kind)];
                    sample(
                        &mut out,
                        "openrouter_model_last_day_tokens",
                        &labels,
                        value as f64,
                    );
                }
            }
        }
    }
    out
}

/// One sample line: `name{label="value",...} value`.
fn sample(out: &mut String, name: &str, labels: &[(&str, &str)], value: f64) {
    out.push_str(name);
    if !labels.is_empty() {
        out.push('{');
        for (i, (label, text)) in labels.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(label);
            out.push_str("=\"");
            escape_label(out, text);
            out.push('"');
        }
        out.push('}');
    }
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

/// A sample value: `+Inf`, `-Inf`, `NaN`, or the shortest decimal that reads back.
fn write_value(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("NaN");
    } else if value == f64::INFINITY {
        out.push_str("+Inf");
    } else if value == f64::NEG_INFINITY {
        out.push_str("-Inf");
    } else {
        let _ = write!(out, "{value}");
    }
}

/// The last completed UTC day on `today`: the day before.
pub fn last_completed_day(today: NaiveDate) -> NaiveDate {
    today.pred_opt().unwrap_or(today)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
