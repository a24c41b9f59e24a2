//! `openrouter exporter`: the watch crate's Prometheus exporter on a local address,
//! until SIGTERM or Ctrl-C.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Args;
use openrouter_analytics::Client;
use openrouter_analytics_watch::{
    DEFAULT_LISTEN, Exporter, ExporterConfig, HistoryReader, shutdown_signal,
};

use crate::exit::Failure;
use crate::history::DbArgs;
use crate::parse::parse_duration;
use crate::secret::Redactor;
use crate::stored;
use crate::terminal;

/// `openrouter exporter`.
#[derive(Debug, Args)]
pub struct ExporterArgs {
    /// Address to serve /metrics and /healthz on; anything but loopback exposes your
    /// key names and spend figures to the network (a warning says so).
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

    /// Time between two refreshes from OpenRouter (scrapes never trigger one), e.g.
    /// 60s, 5m.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "60s")]
    pub interval: Duration,

    /// Longest a refresh may take before it counts as failed [default: the interval].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub refresh_timeout: Option<Duration>,

    /// Also serve each key's projected spend by the end of its limit's window
    /// (openrouter_key_forecast_window_end_usd): one more request per enabled key on
    /// each refresh.
    #[arg(long)]
    pub key_forecasts: bool,

    /// Make the month-end forecast (openrouter_forecast_month_end_usd) from the history
    /// store (`--db`, `OPENROUTER_DB`, as for `sync`), read again on each refresh,
    /// instead of OpenRouter's 30-day window.
    #[command(flatten)]
    pub db: DbArgs,
}

/// A checked `openrouter exporter` command line.
#[derive(Debug)]
pub struct Plan {
    listen: SocketAddr,
    config: ExporterConfig,
    /// The store, with `--db`.
    db: Option<DbArgs>,
}

impl Plan {
    /// Checks the values; the error is a one-line usage message.
    pub fn new(args: &ExporterArgs) -> Result<Self, String> {
        if args.interval < Duration::from_secs(1) {
            return Err(
                "--interval must be at least 1s (every refresh sends several requests)".into(),
            );
        }
        let mut config = ExporterConfig::new(args.interval).with_key_forecasts(args.key_forecasts);
        if let Some(timeout) = args.refresh_timeout {
            if timeout.is_zero() {
                return Err("--refresh-timeout must be above 0".into());
            }
            config.refresh_timeout = timeout;
        }
        Ok(Self {
            listen: args.listen,
            config,
            // Only a store that is named: the default path is not looked for.
            db: args.db.db.is_some().then(|| args.db.clone()),
        })
    }
}

/// Binds, says where on stderr, serves until SIGTERM or Ctrl-C; refresh failures go to
/// stderr as they happen.
pub fn run(
    plan: &Plan,
    client: &Client,
    runtime: &tokio::runtime::Runtime,
    redactor: &Redactor,
) -> Result<(), Failure> {
    // A store that cannot be opened stops the exporter before it serves anything.
    let history = match &plan.db {
        Some(db) => {
            let store = Arc::new(Mutex::new(stored::open(db)?));
            let reader: HistoryReader = Arc::new(move |last_day| {
                let mut store = match store.lock() {
                    Ok(store) => store,
                    Err(poisoned) => poisoned.into_inner(),
                };
                stored::for_exporter(&mut store, last_day).map_err(|err| err.to_string())
            });
            Some(reader)
        }
        None => None,
    };
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(plan.listen)
            .await
            .map_err(|err| Failure::config(format!("cannot listen on {}: {err}", plan.listen)))?;
        let address = listener.local_addr().unwrap_or(plan.listen);
        if let Some(warning) = listen_warning(address) {
            let _ = writeln!(io::stderr().lock(), "{warning}");
        }
        let _ = writeln!(
            io::stderr().lock(),
            "openrouter exporter: serving http://{address}/metrics, refreshing every {:?}",
            plan.config.interval
        );
        let exporter = match history {
            Some(reader) => Exporter::with_history(client.clone(), plan.config.clone(), reader),
            None => Exporter::new(client.clone(), plan.config.clone()),
        };
        let redactor = redactor.clone();
        exporter
            .serve_reporting(listener, shutdown_signal(), move |result| {
                if let Err(err) = result {
                    let text = redactor.redact(&err.to_string()).into_owned();
                    let _ = writeln!(
                        io::stderr().lock(),
                        "warning: refresh failed, serving the last good values: {}",
                        terminal::safe(&crate::exit::one_line(&text))
                    );
                }
            })
            .await
            .map_err(|err| Failure::other(format!("the exporter stopped: {err}")))?;
        let _ = writeln!(io::stderr().lock(), "openrouter exporter: stopped");
        Ok(())
    })
}

/// The warning for a listen address that is not loopback: the exposition carries key
/// names and spend, and the exporter has no authentication.
fn listen_warning(address: SocketAddr) -> Option<String> {
    (!address.ip().is_loopback()).then(|| {
        format!(
            "warning: --listen {address} is not a loopback address: anyone who can reach it \
             can read your key names and spend (the exporter has no authentication)"
        )
    })
}
