//! `openrouter exporter`: refreshes the account's figures on an interval and serves the
//! last good ones at `/metrics` (Prometheus text format) and `/healthz`.
//!
//! A scrape never waits on OpenRouter: the refresh runs in its own task and swaps in a
//! new exposition when it is done; a scrape clones the current one (a reference count,
//! no copy, no rendering). A failed refresh keeps the last good values and says so in
//! `openrouter_up`, `openrouter_refresh_errors_total` and
//! `openrouter_last_success_timestamp_seconds`.
//!
//! Hostile or broken clients cannot hold the server: each connection has a header-read,
//! an idle and a write timeout and a bound on the request size, and at the connection
//! cap a new connection replaces the one that has waited longest on its client (idle,
//! or not reading its answers), so a normal scrape always gets in.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::metrics::{Health, last_completed_day, render, render_checked};
use crate::snapshot::{Needs, Snapshot, StoredSpend};

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
/// assert_eq!(config.write_timeout, Duration::from_secs(10));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ExporterConfig {
    /// Time between the starts of two refreshes.
    pub interval: Duration,
    /// A refresh that takes longer fails (and the next starts on schedule).
    pub refresh_timeout: Duration,
    /// Connections kept at once; a new one past this closes the connection that has
    /// waited longest on its client (no byte read or written).
    pub max_connections: usize,
    /// How long a client may take to send its request headers.
    pub header_read_timeout: Duration,
    /// A connection on which nothing is read or written for this long is closed.
    pub idle_timeout: Duration,
    /// A connection whose client takes longer than this to accept the next bytes of
    /// an answer (it does not read) is closed.
    pub write_timeout: Duration,
    /// The largest request head accepted, in bytes (at least 8 KiB); a larger one is
    /// refused and its connection closed.
    pub max_request_bytes: usize,
    /// The UTC day to count as today; `None` (the default) reads the clock. Yesterday
    /// is the day of the per-model figures and the end of the runway's window.
    pub today: Option<NaiveDate>,
    /// Also fetch each enabled key's activity (one more request per key per refresh)
    /// for `openrouter_key_forecast_window_end_usd`. Off by default.
    pub key_forecasts: bool,
}

impl ExporterConfig {
    /// Refreshes every `interval`, each refresh allowed as long as the interval.
    pub fn new(interval: Duration) -> Self {
        Self {
            interval,
            refresh_timeout: interval,
            max_connections: 64,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(10),
            max_request_bytes: 16 * 1024,
            today: None,
            key_forecasts: false,
        }
    }

    /// Turns the per-key forecasts on or off ([`ExporterConfig::key_forecasts`]).
    pub fn with_key_forecasts(mut self, on: bool) -> Self {
        self.key_forecasts = on;
        self
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

/// Reads the account's daily spend from a history store, given the last completed UTC
/// day: what the month-end forecast is made from instead of OpenRouter's 30 days. It
/// blocks (it runs on a blocking thread, within the refresh's timeout); its error counts
/// as a failed refresh.
pub type HistoryReader = Arc<dyn Fn(NaiveDate) -> Result<StoredSpend, String> + Send + Sync>;

struct Shared {
    client: Client,
    config: ExporterConfig,
    history: Option<HistoryReader>,
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
        Self::build(client, config, None)
    }

    /// An exporter whose month-end forecast is made from `history` (a store), read on
    /// each refresh after the fetch from OpenRouter.
    pub fn with_history(client: Client, config: ExporterConfig, history: HistoryReader) -> Self {
        Self::build(client, config, Some(history))
    }

    fn build(client: Client, config: ExporterConfig, history: Option<HistoryReader>) -> Self {
        let today = config.today.unwrap_or_else(|| Utc::now().date_naive());
        let health = Health::default();
        let exposition = Bytes::from(render(None, &health, last_completed_day(today)));
        Self {
            shared: Arc::new(Shared {
                client,
                config,
                history,
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
        let started = std::time::Instant::now();
        let timeout = self.shared.config.refresh_timeout;
        // Each call's retries stop within the timeout, so a failing OpenRouter ends the
        // fetch with its own error (a refused connection, a 503); the outer timeout,
        // a little longer, only stops a fetch that hangs anyway.
        let last_day = last_completed_day(self.today());
        let fetched = tokio::time::timeout(timeout.saturating_add(Duration::from_secs(1)), async {
            let mut snapshot = Snapshot::fetch_within(
                &self.shared.client,
                {
                    let mut needs = Needs::all();
                    needs.key_activity = self.shared.config.key_forecasts;
                    needs
                },
                Some(timeout),
            )
            .await
            .map_err(|err| err.to_string())?;
            if let Some(reader) = &self.shared.history {
                let reader = Arc::clone(reader);
                let stored = tokio::task::spawn_blocking(move || reader(last_day))
                    .await
                    .map_err(|err| format!("reading the history store stopped: {err}"))?
                    .map_err(|err| format!("reading the history store: {err}"))?;
                snapshot.stored = Some(stored);
            }
            Ok::<_, String>(snapshot)
        })
        .await;
        let elapsed = started.elapsed().as_secs_f64();
        let result = match fetched {
            Ok(Ok(snapshot)) => Ok(snapshot),
            Ok(Err(err)) => Err(RefreshError(err)),
            Err(_) => Err(RefreshError(format!(
                "the refresh took longer than {:?} and was stopped",
                self.shared.config.refresh_timeout
            ))),
        };
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
        let rendered = render_checked(state.last_good.as_ref(), &state.health, last_day);
        drop(state);
        for warning in &rendered.warnings {
            tracing::warn!("{warning}");
        }
        let bytes = Bytes::from(rendered.text);
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
        let connections = Arc::new(Connections::new());
        let cap = self.shared.config.max_connections.max(1);
        tokio::pin!(shutdown);
        loop {
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
            let (id, conn) = connections.admit(cap);
            let exporter = self.clone();
            let connections = Arc::clone(&connections);
            tokio::spawn(async move {
                exporter.serve_connection(stream, &conn).await;
                connections.remove(id);
            });
        }
    }

    /// Serves one connection until it ends, breaks a timeout or is closed to make room.
    async fn serve_connection(self, stream: TcpStream, conn: &Arc<Conn>) {
        let config = &self.shared.config;
        let (header_timeout, idle, write) = (
            config.header_read_timeout,
            config.idle_timeout,
            config.write_timeout,
        );
        let max_buf = config.max_request_bytes.max(8192);
        let exporter = self.clone();
        let service = service_fn(move |request: Request<Incoming>| {
            let response = exporter.answer(request.method(), request.uri().path());
            async move { Ok::<_, Infallible>(response) }
        });
        let io = TokioIo::new(Watched {
            stream,
            conn: Arc::clone(conn),
        });
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            // Hyper panics below 8 KiB.
            .max_buf_size(max_buf)
            .serve_connection(io, service);
        tokio::select! {
            served = connection => {
                if let Err(err) = served {
                    tracing::debug!("metrics connection ended: {err}");
                }
            }
            () = conn.close.notified() => {
                tracing::debug!("metrics connection closed to make room for a new one");
            }
            reason = conn.watch(idle, write) => {
                tracing::debug!("metrics connection closed: {reason}");
            }
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

/// The open connections, to close the one that waited longest when a new one comes
/// past the cap.
struct Connections {
    /// The clock every connection's times count from.
    clock: Instant,
    next_id: AtomicU64,
    live: Mutex<HashMap<u64, Arc<Conn>>>,
}

impl Connections {
    fn new() -> Self {
        Self {
            clock: Instant::now(),
            next_id: AtomicU64::new(0),
            live: Mutex::new(HashMap::new()),
        }
    }

    /// Registers a new connection; at the cap, first closes the one whose last byte read
    /// or written is oldest.
    fn admit(&self, cap: usize) -> (u64, Arc<Conn>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn::new(self.clock));
        let mut live = match self.live.lock() {
            Ok(live) => live,
            Err(poisoned) => poisoned.into_inner(),
        };
        while live.len() >= cap {
            let oldest = live
                .iter()
                .min_by_key(|(_, c)| c.last_progress.load(Ordering::Relaxed))
                .map(|(id, _)| *id);
            match oldest.and_then(|id| live.remove(&id)) {
                // Stored, so it closes even if its task is not waiting yet.
                Some(evicted) => evicted.close.notify_one(),
                None => break,
            }
        }
        live.insert(id, Arc::clone(&conn));
        (id, conn)
    }

    fn remove(&self, id: u64) {
        let mut live = match self.live.lock() {
            Ok(live) => live,
            Err(poisoned) => poisoned.into_inner(),
        };
        live.remove(&id);
    }
}

/// One connection's activity, in milliseconds since the clock of [`Connections`].
struct Conn {
    clock: Instant,
    /// When a byte was last read or written.
    last_progress: AtomicU64,
    /// Since when a write has been waiting on the client; `u64::MAX` when none is.
    write_blocked_since: AtomicU64,
    close: Notify,
}

const NOT_BLOCKED: u64 = u64::MAX;

impl Conn {
    /// A connection opened now: that is its last progress until it reads or writes.
    fn new(clock: Instant) -> Self {
        let conn = Self {
            clock,
            last_progress: AtomicU64::new(0),
            write_blocked_since: AtomicU64::new(NOT_BLOCKED),
            close: Notify::new(),
        };
        conn.progressed();
        conn
    }

    /// Milliseconds since the clock started.
    fn now(&self) -> u64 {
        u64::try_from(self.clock.elapsed().as_millis()).unwrap_or(NOT_BLOCKED - 1)
    }

    fn progressed(&self) {
        self.last_progress.store(self.now(), Ordering::Relaxed);
    }

    fn wrote(&self) {
        self.progressed();
        self.write_blocked_since
            .store(NOT_BLOCKED, Ordering::Relaxed);
    }

    fn write_blocked(&self) {
        let now = self.now();
        let _ = self.write_blocked_since.compare_exchange(
            NOT_BLOCKED,
            now,
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    /// Completes when the connection has been idle or blocked on a write too long.
    async fn watch(&self, idle: Duration, write: Duration) -> &'static str {
        let millis = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let (idle_ms, write_ms) = (millis(idle), millis(write));
        let tick = (idle.min(write) / 4).clamp(Duration::from_millis(10), Duration::from_secs(1));
        loop {
            tokio::time::sleep(tick).await;
            let now = self.now();
            let blocked = self.write_blocked_since.load(Ordering::Relaxed);
            if blocked != NOT_BLOCKED && now.saturating_sub(blocked) >= write_ms {
                return "the client did not read the answer in time";
            }
            let last = self.last_progress.load(Ordering::Relaxed);
            if now.saturating_sub(last) >= idle_ms {
                return "idle for too long";
            }
        }
    }
}

/// A connection's socket, noting each byte read or written and each write that waits.
struct Watched {
    stream: TcpStream,
    conn: Arc<Conn>,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.conn.progressed();
        }
        polled
    }
}

impl Watched {
    fn note_write(&self, polled: &Poll<io::Result<usize>>) {
        match polled {
            Poll::Ready(Ok(written)) if *written > 0 => self.conn.wrote(),
            Poll::Pending => self.conn.write_blocked(),
            _ => {}
        }
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.note_write(&polled);
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.note_write(&polled);
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
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
