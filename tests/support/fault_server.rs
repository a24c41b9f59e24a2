//! A tiny HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose.
//!
//! httpmock answers like a well-behaved server; this one plays a scripted [`Fault`] per
//! request instead: resets before or in the middle of a response, raw bytes, slow
//! headers, a dripping body. It counts requests, accepted connections and connections
//! still open, so tests can check that nothing is left behind. Dropping the server stops
//! it and closes every connection it holds.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// A complete HTTP response: status, headers and body. `Content-Length` is added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Header lines, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A response with no headers and an empty body.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::new(status)
            .header("content-type", "application/json")
            .body(body.to_string())
    }

    /// Adds a header line.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The status line and headers, `Content-Length` included, up to the blank line.
    pub fn head(&self) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("content-length: {}\r\n\r\n", self.body.len()));
        head.into_bytes()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        307 => "Temporary Redirect",
        401 => "Unauthorized",
        403 => "Forbidden",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer with this response; the connection stays open for the next request.
    Respond(Reply),
    /// Write these bytes as they are, then close the connection.
    Raw(Vec<u8>),
    /// Read the request, then reset the connection (RST) without answering.
    ResetBeforeResponse,
    /// Send the head (announcing the whole body) and the first `sent` body bytes,
    /// then reset the connection.
    ResetMidBody {
        /// The response whose head and body start are sent.
        reply: Reply,
        /// How many body bytes go out before the reset.
        sent: usize,
    },
    /// Wait `delay` before sending anything, then answer.
    SlowHead {
        /// The wait before the status line.
        delay: Duration,
        /// The response sent afterwards.
        reply: Reply,
    },
    /// Send the head at once, then the body `chunk` bytes at a time, one chunk every
    /// `interval`.
    Drip {
        /// The response.
        reply: Reply,
        /// Bytes per write.
        chunk: usize,
        /// Pause between writes.
        interval: Duration,
    },
    /// Answer with the reply this function makes of the request's body (as text): a
    /// server that quotes what it was sent.
    Echo(fn(&str) -> Reply),
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Received {
    /// `GET`, `POST`...
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Header lines, names lowercased.
    pub headers: Vec<(String, String)>,
    /// When the request's head was complete.
    pub at: Instant,
    /// The request's body (`Content-Length` framed).
    pub body: Vec<u8>,
}

impl Received {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

type Script = dyn Fn(usize) -> Fault + Send + Sync;

#[derive(Default)]
struct Stats {
    accepted: AtomicUsize,
    open: AtomicUsize,
    requests: AtomicUsize,
    body_bytes_written: AtomicUsize,
    received: Mutex<Vec<Received>>,
}

/// The misbehaving server; see the module docs.
pub struct FaultServer {
    addr: std::net::SocketAddr,
    stats: Arc<Stats>,
    task: JoinHandle<()>,
}

impl FaultServer {
    /// Starts a server that plays `script(n)` for its `n`th request (0-based, counted
    /// across connections).
    pub async fn start(script: impl Fn(usize) -> Fault + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let stats = Arc::new(Stats::default());
        let script: Arc<Script> = Arc::new(script);
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&stats), script));
        Self { addr, stats, task }
    }

    /// Starts a server that plays `fault` for every request.
    pub async fn always(fault: Fault) -> Self {
        Self::start(move |_| fault.clone()).await
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Requests whose head was read so far.
    pub fn requests(&self) -> usize {
        self.stats.requests.load(Ordering::SeqCst)
    }

    /// Connections accepted so far.
    pub fn connections_accepted(&self) -> usize {
        self.stats.accepted.load(Ordering::SeqCst)
    }

    /// Connections accepted and not yet closed.
    pub fn connections_open(&self) -> usize {
        self.stats.open.load(Ordering::SeqCst)
    }

    /// Response body bytes the kernel took from the server so far, over all requests.
    pub fn body_bytes_written(&self) -> usize {
        self.stats.body_bytes_written.load(Ordering::SeqCst)
    }

    /// Every request read so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.stats.received.lock().expect("lock").clone()
    }

    /// Waits until at least `n` requests have arrived; false if `limit` passes first.
    pub async fn wait_for_requests(&self, n: usize, limit: Duration) -> bool {
        self.wait_until(limit, || self.requests() >= n).await
    }

    /// Waits until no connection is open; false if `limit` passes first.
    pub async fn wait_until_no_connections(&self, limit: Duration) -> bool {
        self.wait_until(limit, || self.connections_open() == 0)
            .await
    }

    async fn wait_until(&self, limit: Duration, done: impl Fn() -> bool) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            if done() {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        // The accept task owns the connection tasks' JoinSet: aborting it aborts them.
        self.task.abort();
    }
}

/// A port on 127.0.0.1 that nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Decrements the open-connection count however the connection task ends.
struct OpenGuard(Arc<Stats>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn accept_loop(listener: TcpListener, stats: Arc<Stats>, script: Arc<Script>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                stats.accepted.fetch_add(1, Ordering::SeqCst);
                stats.open.fetch_add(1, Ordering::SeqCst);
                let guard = OpenGuard(Arc::clone(&stats));
                let stats = Arc::clone(&stats);
                let script = Arc::clone(&script);
                connections.spawn(async move {
                    let _guard = guard;
                    serve(stream, &stats, &*script).await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Serves requests on one connection until the client closes it or a fault ends it.
async fn serve(mut stream: TcpStream, stats: &Stats, script: &Script) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        let n = stats.requests.fetch_add(1, Ordering::SeqCst);
        let request_body = String::from_utf8_lossy(&request.body).into_owned();
        stats.received.lock().expect("lock").push(request);
        let keep_open = match script(n) {
            Fault::Echo(reply) => {
                let reply = reply(&request_body);
                write_reply(&mut stream, stats, &reply, reply.body.len(), None).await
            }
            Fault::Respond(reply) => {
                write_reply(&mut stream, stats, &reply, reply.body.len(), None).await
            }
            Fault::Raw(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
                false
            }
            Fault::ResetBeforeResponse => {
                reset(stream);
                return;
            }
            Fault::ResetMidBody { reply, sent } => {
                if write_reply(&mut stream, stats, &reply, sent, None).await {
                    let _ = stream.flush().await;
                    // Let the bytes leave before the reset discards what is queued.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                reset(stream);
                return;
            }
            Fault::SlowHead { delay, reply } => {
                tokio::time::sleep(delay).await;
                write_reply(&mut stream, stats, &reply, reply.body.len(), None).await
            }
            Fault::Drip {
                reply,
                chunk,
                interval,
            } => {
                let pace = Some((chunk.max(1), interval));
                write_reply(&mut stream, stats, &reply, reply.body.len(), pace).await
            }
        };
        if !keep_open {
            return;
        }
    }
}

/// Closes with RST instead of FIN.
fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

/// Writes the head and the first `body_len` bytes of the body, paced if asked. False
/// when the client went away.
async fn write_reply(
    stream: &mut TcpStream,
    stats: &Stats,
    reply: &Reply,
    body_len: usize,
    pace: Option<(usize, Duration)>,
) -> bool {
    if stream.write_all(&reply.head()).await.is_err() {
        return false;
    }
    let body = &reply.body[..body_len.min(reply.body.len())];
    let chunk = pace.map_or(64 * 1024, |(chunk, _)| chunk);
    for piece in body.chunks(chunk) {
        if stream.write_all(piece).await.is_err() {
            return false;
        }
        stats
            .body_bytes_written
            .fetch_add(piece.len(), Ordering::SeqCst);
        if let Some((_, interval)) = pace {
            let _ = stream.flush().await;
            tokio::time::sleep(interval).await;
        }
    }
    stream.flush().await.is_ok()
}

/// Reads one request head (and discards its body). `None` when the connection closed.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Received> {
    let head_end = loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            break end;
        }
        if buffer.len() > 64 * 1024 {
            return None;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    buffer.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    while buffer.len() < length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer.drain(..length).collect();
    Some(Received {
        method,
        target,
        headers,
        at: Instant::now(),
        body,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
