//! `openrouter exporter`: refreshes the account's figures on an interval and serves the
//! last good ones at `/metrics` (Prometheus text format) and `/healthz`.
//!
//! A scrape never waits on OpenRouter: the refresh runs in its own task and swaps in a
//! new exposition when it is done; a scrape clones the current one (a reference count,
//! no copy, no rendering). A failed refresh keeps the last good values and says so in
//! `openrouter_up`, `openrouter_refresh_errors_total` and
//! `openrouter_last_success_timestamp_seconds`.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use openrouter_analytics::Client;
use openrouter_analytics::chrono::{NaiveDate, Utc};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::metrics::{Health, last_completed_day, render};
use crate::snapshot::{Needs, Snapshot};

/// The address the exporter listens on unless told otherwise (9464: the port
/// registered for OpenTelemetry's Prometheus exporter, free of Prometheus' own).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9464";

/// The content type of the text exposition format.
pub const CONTENT_TYPE_METRICS: &str = "text/plain; version=0.0.4; charset=utf-8";

/// How the exporter refreshes and serves.
///
/// ```
/// use std::time::Duration;
/// use openrouter_analytics_watch::ExporterConfig;
///
/// let config = ExporterConfig::new(Duration::from_secs(60));
/// assert_eq!(config.refresh_timeout, Duration::from_secs(60));
/// assert_eq!(config.max_connections, 64);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ExporterConfig {
    /// Time between the starts of two refreshes.
    pub interval: Duration,
    /// A refresh that takes longer fails (and the next starts on schedule).
    pub refresh_timeout: Duration,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
    /// How long a client may take to send its request headers.
    pub header_read_timeout: Duration,
    /// The UTC day to count as today; `None` (the default) reads the clock. Yesterday
    /// is the day of the per-model figures and the end of the runway's window.
    pub today: Option<NaiveDate>,
}

impl ExporterConfig {
    /// Refreshes every `interval`, each refresh allowed as long as the interval.
    pub fn new(interval: Duration) -> Self {
        Self {
            interval,
            refresh_timeout: interval,
            max_connections: 64,
            header_read_timeout: Duration::from_secs(10),
            today: None,
        }
    }

    /// Pins today's date (for tests and replays).
    pub fn today(mut self, day: NaiveDate) -> Self {
        self.today = Some(day);
        self
    }
}

struct State {
    health: Health,
    last_good: Option<Snapshot>,
}

struct Shared {
    client: Client,
    config: ExporterConfig,
    /// What a scrape returns: replaced whole after each refresh.
    exposition: RwLock<Bytes>,
    state: Mutex<State>,
}

/// The exporter: a client, the last good snapshot and its rendered exposition.
/// Cloning shares them.
#[derive(Clone)]
pub struct Exporter {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Exporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exporter")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl Exporter {
    /// An exporter that has not refreshed yet (it serves `openrouter_up 0`).
    pub fn new(client: Client, config: ExporterConfig) -> Self {
        let today = config.today.unwrap_or_else(|| Utc::now().date_naive());
        let health = Health::default();
        let exposition = Bytes::from(render(None, &health, last_completed_day(today)));
        Self {
            shared: Arc::new(Shared {
                client,
                config,
                exposition: RwLock::new(exposition),
                state: Mutex::new(State {
                    health,
                    last_good: None,
                }),
            }),
        }
    }

    fn today(&self) -> NaiveDate {
        self.shared
            .config
            .today
            .unwrap_or_else(|| Utc::now().date_naive())
    }

    /// The current exposition: what `/metrics` answers.
    pub fn scrape(&self) -> Bytes {
        match self.shared.exposition.read() {
            Ok(bytes) => bytes.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Fetches everything once and updates the exposition; on failure the last good
    /// values stay and the health metrics say it failed. The error says why, for logs.
    pub async fn refresh(&self) -> Result<(), RefreshError> {
        let started = Instant::now();
        let fetched = tokio::time::timeout(
            self.shared.config.refresh_timeout,
            Snapshot::fetch(&self.shared.client, Needs::all()),
        )
        .await;
        let elapsed = started.elapsed().as_secs_f64();
        let result = match fetched {
            Ok(Ok(snapshot)) => Ok(snapshot),
            Ok(Err(err)) => Err(RefreshError(err.to_string())),
            Err(_) => Err(RefreshError(format!(
                "the refresh took longer than {:?} and was stopped",
                self.shared.config.refresh_timeout
            ))),
        };
        let last_day = last_completed_day(self.today());
        let mut state = match self.shared.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        };
        state.health.refreshes += 1;
        state.health.last_refresh_seconds = Some(elapsed);
        let outcome = match result {
            Ok(snapshot) => {
                state.health.up = true;
                state.health.last_success_unix = Some(
                    SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map(|d| d.as_secs_f64())
                        .unwrap_or(0.0),
                );
                state.last_good = Some(snapshot);
                Ok(())
            }
            Err(err) => {
                state.health.up = false;
                state.health.refresh_errors += 1;
                Err(err)
            }
        };
        let text = render(state.last_good.as_ref(), &state.health, last_day);
        drop(state);
        let bytes = Bytes::from(text);
        match self.shared.exposition.write() {
            Ok(mut current) => *current = bytes,
            Err(poisoned) => *poisoned.into_inner() = bytes,
        }
        outcome
    }

    /// Refreshes now and then every interval, for ever (run it in a task of its own),
    /// handing each refresh's result to `report` (e.g. to log failures).
    pub async fn refresh_loop<F>(self, report: F)
    where
        F: Fn(Result<(), &RefreshError>) + Send + 'static,
    {
        let mut ticks = tokio::time::interval(self.shared.config.interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match self.refresh().await {
                Ok(()) => report(Ok(())),
                Err(err) => report(Err(&err)),
            }
        }
    }

    /// Serves `/metrics` and `/healthz` on `listener` and refreshes in the background
    /// until `shutdown` completes; then stops accepting and returns. Refresh failures
    /// are logged with `tracing` at WARN.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()>,
    ) -> io::Result<()> {
        self.serve_reporting(listener, shutdown, |result| {
            if let Err(err) = result {
                tracing::warn!("refresh from OpenRouter failed: {err}");
            }
        })
        .await
    }

    /// [`Exporter::serve`], handing each refresh's result to `report`.
    pub async fn serve_reporting<F>(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()>,
        report: F,
    ) -> io::Result<()>
    where
        F: Fn(Result<(), &RefreshError>) + Send + 'static,
    {
        let refresher = tokio::spawn(self.clone().refresh_loop(report));
        let result = self.serve_only(listener, shutdown).await;
        refresher.abort();
        result
    }

    /// Serves without refreshing (the caller calls [`Exporter::refresh`]).
    pub async fn serve_only(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()>,
    ) -> io::Result<()> {
        let permits = Arc::new(Semaphore::new(self.shared.config.max_connections.max(1)));
        tokio::pin!(shutdown);
        loop {
            let permit = tokio::select! {
                () = &mut shutdown => return Ok(()),
                permit = permits.clone().acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_) => return Ok(()),
                },
            };
            let (stream, _peer): (_, SocketAddr) = tokio::select! {
                () = &mut shutdown => return Ok(()),
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    // Out of file descriptors and the like: wait, then go on.
                    Err(err) => {
                        tracing::warn!("cannot accept a connection: {err}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            let exporter = self.clone();
            let header_timeout = self.shared.config.header_read_timeout;
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<Incoming>| {
                    let response = exporter.answer(request.method(), request.uri().path());
                    async move { Ok::<_, Infallible>(response) }
                });
                let connection = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_timeout)
                    .serve_connection(TokioIo::new(stream), service);
                if let Err(err) = connection.await {
                    tracing::debug!("metrics connection ended: {err}");
                }
                drop(permit);
            });
        }
    }

    /// The answer to one request.
    fn answer(&self, method: &Method, path: &str) -> Response<Full<Bytes>> {
        let (status, content_type, body) = match (method, path) {
            (&Method::GET | &Method::HEAD, "/metrics") => {
                (StatusCode::OK, CONTENT_TYPE_METRICS, self.scrape())
            }
            (&Method::GET | &Method::HEAD, "/healthz") => (
                StatusCode::OK,
                "text/plain; charset=utf-8",
                Bytes::from_static(b"ok\n"),
            ),
            (&Method::GET | &Method::HEAD, _) => (
                StatusCode::NOT_FOUND,
                "text/plain; charset=utf-8",
                Bytes::from_static(b"not found: try /metrics or /healthz\n"),
            ),
            _ => (
                StatusCode::METHOD_NOT_ALLOWED,
                "text/plain; charset=utf-8",
                Bytes::from_static(b"only GET\n"),
            ),
        };
        let body = if method == Method::HEAD {
            Bytes::new()
        } else {
            body
        };
        let mut response = Response::new(Full::new(body));
        *response.status_mut() = status;
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    }
}

/// Why a refresh failed (the client's error, or the refresh timeout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshError(String);

impl std::fmt::Display for RefreshError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RefreshError {}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM: the `shutdown` of
/// [`Exporter::serve`] for a service manager. If a handler cannot be installed it waits
/// for the other one only.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
