//! Watch an OpenRouter account: alert rules for cron and CI, the runway of the credit
//! balance, and a Prometheus exporter.
//!
//! - [`Snapshot::fetch`] reads credits, keys, workspace budgets, guardrails and their
//!   assignments, and the last 30 completed days of activity with the
//!   `openrouter-analytics` client ([`Needs`] says which).
//! - [`Runway`]: the balance over the mean daily spend of the 7 days ending on a day.
//! - [`Rules`]: thresholds (`balance_below`, `runway_below`, `key_usage_above`,
//!   `daily_spend_above`, `spike`, `budget_above`, `guardrail_usage_above`), checked into
//!   [`Outcome`]s; the
//!   `openrouter check` command prints them and exits 6 when one is crossed (7 when one
//!   cannot be judged: [`Status::Unknown`]).
//! - [`Webhook`]: posts the crossed and unjudged rules as `{"text": ...}` ([`alert_text`],
//!   names escaped by [`slack_text`]); it follows no redirect and its URL is never printed.
//! - [`forecast`]: a period's projected total with a p10–p90 band, the day a limit is
//!   projected to be reached, and days of anomalous spend (median and MAD).
//! - [`Exporter`]: refreshes on an interval and serves the last good figures at
//!   `/metrics` ([`render`], the names in [`FAMILIES`]) and `/healthz`.
//!
//! ```no_run
//! use std::time::Duration;
//! use openrouter_analytics::Client;
//! use openrouter_analytics_watch::{Exporter, ExporterConfig, DEFAULT_LISTEN};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let client = Client::from_env()?;
//! let exporter = Exporter::new(client, ExporterConfig::new(Duration::from_secs(60)));
//! let listener = tokio::net::TcpListener::bind(DEFAULT_LISTEN).await?;
//! exporter.serve(listener, openrouter_analytics_watch::shutdown_signal()).await?;
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

pub mod exporter;
pub mod forecast;
pub mod metrics;
pub mod rules;
pub mod runway;
pub mod snapshot;
pub mod webhook;

pub use exporter::{
    CONTENT_TYPE_METRICS, DEFAULT_LISTEN, Exporter, ExporterConfig, HistoryReader, RefreshError,
    shutdown_signal,
};
pub use metrics::{FAMILIES, Health, Rendered, last_completed_day, render, render_checked};
pub use rules::{Outcome, Rule, Rules, RulesError, SpikeBy, Status, Unit, alert_text, slack_text};
pub use runway::{DailySpend, Runway, TRAILING_DAYS};
pub use snapshot::{
    BudgetFigures, Credits, GuardrailFigures, KeyFigures, ModelDay, Needs, Periods, SHORT_HASH_LEN,
    Snapshot, StoredSpend,
};
pub use webhook::{Webhook, WebhookError};

/// `text` on one line: runs of whitespace (newlines included) become one space.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
