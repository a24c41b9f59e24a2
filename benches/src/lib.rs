//! Shared pieces of the workspace's benchmarks (see `BENCHMARKS.md` at the root):
//! activity fixtures, the hand-written baseline types, a tiny keep-alive HTTP server on
//! 127.0.0.1 and a few measurement helpers.
//!
//! Nothing here is published; the bench targets live in `benches/benches/`.

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// The API key every bench sends; the local servers never look at it.
pub const KEY: &str = "sk-or-v1-bench-key";

/// A server stops by itself after this long, even if its owner forgot to drop it.
pub const MAX_SERVER_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// The baseline: the smallest hand-written serde types with the same fields as the
/// generated `ActivityResponse` / `ActivityItem` (same types, same optional field).
pub mod heap;

pub mod minimal {
    use serde::Deserialize;

    /// `{ "data": [...] }`.
    #[derive(Debug, Deserialize, PartialEq)]
    pub struct ActivityResponse {
        /// The rows.
        pub data: Vec<ActivityItem>,
    }

    /// One activity row.
    #[derive(Debug, Deserialize, PartialEq)]
    #[allow(missing_docs)]
    pub struct ActivityItem {
        pub byok_usage_inference: f64,
        pub cached_tokens: i64,
        pub completion_tokens: i64,
        pub date: String,
        pub endpoint_id: String,
        pub model: String,
        pub model_permaslug: String,
        pub prompt_tokens: i64,
        pub provider_name: String,
        pub reasoning_tokens: i64,
        pub requests: i64,
        pub usage: f64,
        pub workspace_id: Option<String>,
    }
}

/// Appends activity row `n` as compact JSON: the same row as the e2e tests' fixture
/// (`tests/support/lib.rs`), written directly so that building a 100,000-row body
/// does not itself need a `serde_json::Value` tree (which would dwarf the body in the
/// memory bench).
pub fn write_activity_row(out: &mut Vec<u8>, n: usize) {
    let model = n % 7;
    let usage = 0.015 * (n as f64 + 1.0);
    write!(
        out,
        r#"{{"byok_usage_inference":0.0,"cached_tokens":10,"completion_tokens":125,"date":"2026-11-01","endpoint_id":"ep-{n}","model":"vendor/model-{model}","model_permaslug":"vendor/model-{model}-2026-01-01","prompt_tokens":50,"provider_name":"Provider","reasoning_tokens":25,"requests":5,"usage":{usage:?}}}"#
    )
    .expect("writing to a Vec cannot fail");
}

/// An activity response body (`{"data":[...]}`) with `rows` rows, as compact JSON.
pub fn activity_body(rows: usize) -> Vec<u8> {
    // Rows are 260 to 290 bytes; reserving avoids the doubling growth (and the peak
    // memory it costs) for the large bodies.
    let mut out = Vec::with_capacity(16 + rows * 291);
    out.extend_from_slice(br#"{"data":["#);
    for n in 0..rows {
        if n > 0 {
            out.push(b',');
        }
        write_activity_row(&mut out, n);
    }
    out.extend_from_slice(b"]}");
    out
}

/// A report whose rows vary like real ones: 60 models from 15 providers, each served by
/// one endpoint with a UUID-like id (an endpoint id names a model's endpoint, so it
/// repeats with the model), 30 dates, usage and token counts from a pseudo-random
/// generator (fixed seed), usage at full `f64` precision. Same fields and key order as
/// the fixture.
pub fn noisy_activity_body(rows: usize) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    let mut out = Vec::with_capacity(16 + rows * 330);
    out.extend_from_slice(br#"{"data":["#);
    for n in 0..rows {
        if n > 0 {
            out.push(b',');
        }
        let model = next() % 60;
        let provider = model % 15;
        let day = 1 + next() % 30;
        let requests = 1 + next() % 500;
        let prompt = requests * (50 + next() % 4_000);
        let completion = requests * (10 + next() % 1_500);
        let reasoning = if model % 3 == 0 {
            next() % completion
        } else {
            0
        };
        let cached = next() % (prompt / 2 + 1);
        let usage =
            (prompt as f64 * 3e-6 + completion as f64 * 1.5e-5) * (next() % 100) as f64 / 50.0;
        let byok = if provider == 4 { usage * 0.05 } else { 0.0 };
        // The endpoint's id, the same for every row of that model.
        let (a, b, c) = (
            model.wrapping_mul(0x9e37_79b9),
            model.wrapping_mul(0x85eb_ca6b),
            model.wrapping_mul(0xc2b2_ae35_27d4_eb4f) & 0xffff_ffff_ffff,
        );
        write!(
            out,
            r#"{{"byok_usage_inference":{byok:?},"cached_tokens":{cached},"completion_tokens":{completion},"date":"2026-11-{day:02}","endpoint_id":"{:08x}-{:04x}-{:04x}-{:04x}-{c:012x}","model":"provider-{provider}/model-{model}","model_permaslug":"provider-{provider}/model-{model}-2026-0{}-01","prompt_tokens":{prompt},"provider_name":"Provider {provider}","reasoning_tokens":{reasoning},"requests":{requests},"usage":{usage:?}}}"#,
            a & 0xffff_ffff,
            b & 0xffff,
            (b >> 16) & 0xffff,
            c & 0xffff,
            1 + model % 9,
        )
        .expect("writing to a Vec cannot fail");
    }
    out.extend_from_slice(b"]}");
    out
}

/// A complete HTTP/1.1 response (head and body) with a JSON body, keeping the
/// connection alive.
pub fn http_response(status: u16, reason: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 128);
    write!(
        out,
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: keep-alive\r\n\r\n",
        body.len()
    )
    .expect("writing to a Vec cannot fail");
    out.extend_from_slice(body);
    out
}

/// Like [`http_response`], with the body already encoded as `Content-Encoding:
/// encoding` says (`gzip`, `br`, `zstd`...).
pub fn http_response_encoded(status: u16, reason: &str, encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 160);
    write!(
        out,
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-encoding: {encoding}\r\ncontent-length: {}\r\nconnection: keep-alive\r\n\r\n",
        body.len()
    )
    .expect("writing to a Vec cannot fail");
    out.extend_from_slice(body);
    out
}

/// What the server answers to each request it reads: the complete response bytes.
pub type Responder = Arc<dyn Fn() -> Arc<[u8]> + Send + Sync>;

/// A minimal HTTP/1.1 server on 127.0.0.1 with keep-alive, on its own thread and
/// single-threaded tokio runtime. It reads request heads (GET, no body) and writes
/// whatever the responder returns, normally precomputed bytes, so that it costs next
/// to nothing per request. It stops when dropped, or after [`MAX_SERVER_LIFETIME`].
pub struct LoopbackServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl LoopbackServer {
    /// Starts a server that answers every request with `response` (a complete HTTP
    /// response, e.g. from [`http_response`]).
    pub fn fixed(response: Vec<u8>) -> Self {
        let response: Arc<[u8]> = response.into();
        Self::start(Arc::new(move || Arc::clone(&response)))
    }

    /// Starts a server that calls `respond` once per request, when its head has
    /// arrived, and writes what it returns.
    pub fn start(respond: Responder) -> Self {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (shutdown, shutdown_rx) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("loopback-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("server runtime");
                runtime.block_on(async move {
                    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                    addr_tx
                        .send(listener.local_addr().expect("local addr"))
                        .expect("owner waits for the address");
                    let accept_loop = async {
                        loop {
                            let Ok((stream, _)) = listener.accept().await else {
                                continue;
                            };
                            tokio::spawn(serve_connection(stream, Arc::clone(&respond)));
                        }
                    };
                    tokio::select! {
                        _ = shutdown_rx => {}
                        _ = tokio::time::sleep(MAX_SERVER_LIFETIME) => {}
                        _ = accept_loop => {}
                    }
                });
                // Dropping the runtime cancels the connection tasks.
            })
            .expect("spawn server thread");
        let addr = addr_rx.recv().expect("server started");
        Self {
            addr,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve_connection(mut stream: TcpStream, respond: Responder) {
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::with_capacity(8 * 1024);
    loop {
        while let Some(end) = head_end(&buf) {
            buf.drain(..end);
            let response = respond();
            if stream.write_all(&response).await.is_err() {
                return;
            }
        }
        match stream.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// The length of the first complete request head in `buf`, blank line included.
fn head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4)
}

/// A `kB` field of `/proc/self/status` (`VmRSS`, `VmHWM`, ...), in KiB.
pub fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

/// The median of `values` (the mean of the middle two for an even count); `NaN` when
/// empty.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The machine, for the reports: CPU count and model, memory.
pub fn machine_summary() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    format!(
        "{cpus} CPUs ({model}), {:.1} GiB RAM",
        mem_kib as f64 / (1024.0 * 1024.0)
    )
}

/// `body` encoded as a server typically would: gzip at level 6 (zlib's default), brotli
/// at quality 5 with a 4 MiB window, zstd at level 3 (its default). `None` for another
/// encoding.
pub fn encode(encoding: &str, body: &[u8]) -> Option<Vec<u8>> {
    match encoding {
        "gzip" => {
            let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            out.write_all(body).ok()?;
            out.finish().ok()
        }
        "br" => {
            let mut out = Vec::new();
            {
                let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 5, 22);
                writer.write_all(body).ok()?;
            }
            Some(out)
        }
        "zstd" => zstd::encode_all(body, 3).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openrouter_analytics::types::ActivityResponse;

    #[test]
    fn fixture_decodes_the_same_through_every_type() {
        let body = activity_body(50);
        let sdk: ActivityResponse = serde_json::from_slice(&body).expect("sdk type");
        let min: minimal::ActivityResponse = serde_json::from_slice(&body).expect("minimal");
        let value: serde_json::Value = serde_json::from_slice(&body).expect("value");
        assert_eq!(sdk.data.len(), 50);
        assert_eq!(min.data.len(), 50);
        assert_eq!(value["data"].as_array().map(Vec::len), Some(50));
        for (a, b) in sdk.data.iter().zip(&min.data) {
            assert_eq!(
                (&a.date, &a.model, &a.endpoint_id, a.usage, a.cached_tokens),
                (&b.date, &b.model, &b.endpoint_id, b.usage, b.cached_tokens)
            );
        }
        assert_eq!(sdk.data[3].usage, 0.015 * 4.0);
        assert_eq!(sdk.data[9].model, "vendor/model-2");
    }

    #[test]
    fn large_body_is_about_28_mb_and_fits_its_reservation() {
        let body = activity_body(100_000);
        assert!(
            (25_000_000..35_000_000).contains(&body.len()),
            "{}",
            body.len()
        );
        assert_eq!(body.capacity(), 16 + 100_000 * 291, "no regrowth");
    }

    #[test]
    fn heads_are_found_once_complete() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nhost: x\r\n"), None);
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\nGET"), Some(18));
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_client_reads_from_the_loopback_server() {
        let body = activity_body(3);
        let server = LoopbackServer::fixed(http_response(200, "OK", &body));
        let client = openrouter_analytics::Client::builder()
            .api_key(KEY)
            .base_url(server.base_url())
            .build()
            .expect("client");
        for _ in 0..3 {
            let activity = client
                .analytics()
                .get_user_activity()
                .send()
                .await
                .expect("activity");
            assert_eq!(activity.data.len(), 3);
        }
    }
}
