//! Peak memory while decoding a 100,000-row activity response, relative to the size
//! of its body, measured two ways in the same run:
//!
//! - heap: a counting global allocator (this binary's), peak bytes allocated above a
//!   baseline taken just before the measured step. For `from_slice` the body already
//!   exists and is added to the figure; over loopback the body arrives during the call
//!   (the in-process server's copy is in the baseline).
//! - RSS: one fresh child process of this binary per measurement, `VmHWM` from
//!   `/proc/self/status` minus the `VmRSS` it had before the body existed. Over
//!   loopback the server is another child process, so its copy of the body is not
//!   counted.
//!
//! `cargo bench -p openrouter-analytics-benches --bench memory`

use std::io::{BufRead, BufReader, Read as _};
use std::process::{Command, Stdio};
use std::time::Duration;

use openrouter_analytics::Client;
use openrouter_analytics::types::ActivityResponse;
use openrouter_analytics_benches::{
    KEY, LoopbackServer, MAX_SERVER_LIFETIME, activity_body, heap, http_response, machine_summary,
    minimal, proc_status_kib,
};

const ROWS: usize = 100_000;

#[global_allocator]
static HEAP: heap::Counting = heap::Counting;

/// How each path decodes; one function per row of the report.
#[derive(Clone, Copy)]
enum Path {
    SliceSdk,
    SliceMinimal,
    SliceValue,
    ClientLoopback,
    BareLoopback,
}

impl Path {
    const ALL: [Path; 5] = [
        Path::SliceSdk,
        Path::SliceMinimal,
        Path::SliceValue,
        Path::ClientLoopback,
        Path::BareLoopback,
    ];

    fn arg(self) -> &'static str {
        match self {
            Path::SliceSdk => "slice-sdk",
            Path::SliceMinimal => "slice-minimal",
            Path::SliceValue => "slice-value",
            Path::ClientLoopback => "client",
            Path::BareLoopback => "bare",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Path::SliceSdk => "from_slice, SDK types",
            Path::SliceMinimal => "from_slice, minimal struct",
            Path::SliceValue => "from_slice, serde_json::Value",
            Path::ClientLoopback => "client over loopback (SDK)",
            Path::BareLoopback => "bare reqwest + from_slice (SDK types)",
        }
    }

    fn from_arg(arg: &str) -> Option<Path> {
        Path::ALL.into_iter().find(|p| p.arg() == arg)
    }

    fn over_loopback(self) -> bool {
        matches!(self, Path::ClientLoopback | Path::BareLoopback)
    }
}

fn decode_slice(path: Path, body: &[u8]) -> usize {
    match path {
        Path::SliceSdk => serde_json::from_slice::<ActivityResponse>(body)
            .expect("valid body")
            .data
            .len(),
        Path::SliceMinimal => serde_json::from_slice::<minimal::ActivityResponse>(body)
            .expect("valid body")
            .data
            .len(),
        Path::SliceValue => serde_json::from_slice::<serde_json::Value>(body).expect("valid body")
            ["data"]
            .as_array()
            .map_or(0, Vec::len),
        _ => unreachable!("not a from_slice path"),
    }
}

async fn fetch(path: Path, client: &Client, bare: &reqwest::Client, base_url: &str) -> usize {
    match path {
        Path::ClientLoopback => client
            .analytics()
            .get_user_activity()
            .send()
            .await
            .expect("client call")
            .data
            .len(),
        Path::BareLoopback => {
            let response = bare
                .get(format!("{base_url}/activity"))
                .bearer_auth(KEY)
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .expect("bare request");
            let body = response.bytes().await.expect("bare body");
            serde_json::from_slice::<ActivityResponse>(&body)
                .expect("bare decode")
                .data
                .len()
        }
        _ => unreachable!("not a loopback path"),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn clients(base_url: &str) -> (Client, reqwest::Client) {
    let client = Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .build()
        .expect("client");
    (client, reqwest::Client::new())
}

/// Heap peak of every path, in this process; bytes.
fn heap_peaks(body_len: usize) -> Vec<usize> {
    let body = activity_body(ROWS);
    let server = LoopbackServer::fixed(http_response(200, "OK", &body));
    let base_url = server.base_url();
    let runtime = runtime();
    let (client, bare) = clients(&base_url);
    // Warm-up: connections, runtime, allocator arenas; not measured.
    runtime.block_on(async {
        fetch(Path::ClientLoopback, &client, &bare, &base_url).await;
        fetch(Path::BareLoopback, &client, &bare, &base_url).await;
    });
    Path::ALL
        .into_iter()
        .map(|path| {
            let baseline = heap::reset_peak();
            let rows = if path.over_loopback() {
                runtime.block_on(fetch(path, &client, &bare, &base_url))
            } else {
                decode_slice(path, &body)
            };
            assert_eq!(rows, ROWS);
            let extra = heap::peak_since(baseline);
            if path.over_loopback() {
                extra
            } else {
                extra + body_len
            }
        })
        .collect()
}

/// In a child: measures one path and prints `VmHWM - VmRSS before the body`, bytes.
fn child_measure(path: Path, base_url: Option<&str>) {
    let kib = |field| proc_status_kib(field).expect("/proc/self/status readable") * 1024;
    let rows = if path.over_loopback() {
        let base_url = base_url.expect("server URL argument");
        let runtime = runtime();
        let (client, bare) = clients(base_url);
        let before = kib("VmRSS");
        let rows = runtime.block_on(fetch(path, &client, &bare, base_url));
        println!("{}", (kib("VmHWM") as i64 - before as i64).max(0));
        rows
    } else {
        let before = kib("VmRSS");
        let body = activity_body(ROWS);
        let rows = decode_slice(path, &body);
        println!("{}", (kib("VmHWM") as i64 - before as i64).max(0));
        rows
    };
    assert_eq!(rows, ROWS);
}

/// In a child: serves the 100,000-row body, prints its URL, and stops when its
/// standard input closes (the parent is done) or after `MAX_SERVER_LIFETIME`.
fn child_serve() {
    let server = LoopbackServer::fixed(http_response(200, "OK", &activity_body(ROWS)));
    println!("{}", server.base_url());
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
        let _ = done_tx.send(());
    });
    let _ = done_rx.recv_timeout(MAX_SERVER_LIFETIME);
    drop(server);
}

/// RSS peak of every path, one child process each; bytes.
fn rss_peaks() -> Vec<usize> {
    let exe = std::env::current_exe().expect("own executable");
    let mut server = Command::new(&exe)
        .args(["--child", "serve"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("server child");
    let mut url = String::new();
    BufReader::new(server.stdout.take().expect("piped stdout"))
        .read_line(&mut url)
        .expect("server URL");
    let url = url.trim().to_string();
    let peaks = Path::ALL
        .into_iter()
        .map(|path| {
            let output = Command::new(&exe)
                .args(["--child", path.arg(), &url])
                .stderr(Stdio::inherit())
                .output()
                .expect("measuring child");
            assert!(output.status.success(), "child {} failed", path.arg());
            String::from_utf8_lossy(&output.stdout)
                .trim()
                .parse()
                .expect("child prints a number")
        })
        .collect();
    drop(server.stdin.take());
    // The server exits when its stdin closes; don't leave it behind if it does not.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.try_wait().ok().flatten().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = server.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = server.wait();
    peaks
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--child") {
        match args.get(at + 1).map(String::as_str) {
            Some("serve") => child_serve(),
            Some(other) => child_measure(
                Path::from_arg(other).expect("known path"),
                args.get(at + 2).map(String::as_str),
            ),
            None => panic!("--child needs a mode"),
        }
        return;
    }
    // `cargo bench` passes --bench; without it (`cargo test --benches`) there is
    // nothing to check beyond compiling.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let body_len = activity_body(ROWS).len();
    let heap = heap_peaks(body_len);
    let rss = rss_peaks();
    let mb = |bytes: usize| bytes as f64 / 1e6;
    println!(
        "peak memory decoding a {ROWS}-row activity response ({:.1} MB body), {}",
        mb(body_len),
        machine_summary()
    );
    println!(
        "{:<38} {:>12} {:>10} {:>12} {:>10}",
        "path", "heap MB", "heap/body", "RSS MB", "RSS/body"
    );
    for ((path, heap), rss) in Path::ALL.into_iter().zip(heap).zip(rss) {
        println!(
            "{:<38} {:>12.1} {:>9.2}x {:>12.1} {:>9.2}x",
            path.label(),
            mb(heap),
            heap as f64 / body_len as f64,
            mb(rss),
            rss as f64 / body_len as f64,
        );
    }
}
