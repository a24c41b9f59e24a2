//! The exporter's scrape, side by side with a static-file server on the same HTTP stack:
//!
//! 1. CPU per scrape: 10,000 scrapes of `/metrics` over one keep-alive loopback
//!    connection, the process's user+system CPU time (`/proc/self/stat`) divided by the
//!    count, for the exporter (cached exposition of the mock's sample account) and for
//!    a hyper server that reads the same bytes from a file on each request.
//! 2. Memory over 10,000 scrapes: live heap (a counting allocator) and RSS after a
//!    warm-up of 1,000 scrapes and again after 10,000 more.
//!
//! `cargo bench -p openrouter-analytics-benches --bench exporter`

use std::convert::Infallible;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use openrouter_analytics::chrono::NaiveDate;
use openrouter_analytics_benches::{heap, machine_summary, proc_status_kib};
use openrouter_analytics_mock::MockOpenRouter;
use openrouter_analytics_watch::{Exporter, ExporterConfig};

#[global_allocator]
static HEAP: heap::Counting = heap::Counting;

const SCRAPES: usize = 10_000;

/// User + system CPU time of this process so far.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 12th, stime the 13th.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<u64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let ticks: u64 = fields.iter().sum();
    Duration::from_millis(ticks * 10) // USER_HZ is 100 on Linux
}

/// `count` GETs of `/metrics` on one keep-alive connection; checks each body's length.
fn scrape(address: SocketAddr, count: usize, expected_len: usize) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_nodelay(true).unwrap();
    let request = format!("GET /metrics HTTP/1.1\r\nHost: {address}\r\n\r\n");
    let mut buffer = vec![0u8; expected_len + 4096];
    for _ in 0..count {
        stream.write_all(request.as_bytes()).unwrap();
        let mut read = 0;
        loop {
            let n = stream.read(&mut buffer[read..]).unwrap();
            assert!(n > 0, "connection closed");
            read += n;
            if let Some(end) = find(&buffer[..read], b"\r\n\r\n")
                && read >= end + 4 + expected_len
            {
                break;
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The baseline: the same hyper stack answering with a file read on each request.
async fn static_file_server(path: PathBuf) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let path = path.clone();
            tokio::spawn(async move {
                let service = service_fn(move |_request: Request<hyper::body::Incoming>| {
                    let body = std::fs::read(&path).unwrap_or_default();
                    async move {
                        let mut response = Response::new(Full::new(Bytes::from(body)));
                        response.headers_mut().insert(
                            hyper::header::CONTENT_TYPE,
                            hyper::header::HeaderValue::from_static(
                                "text/plain; version=0.0.4; charset=utf-8",
                            ),
                        );
                        Ok::<_, Infallible>(response)
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    address
}

fn main() {
    // `cargo test --benches` runs this once without `--bench`: nothing to measure then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let openrouter = MockOpenRouter::start();
    let _sample = openrouter.sample_account();
    let exporter = Exporter::new(
        openrouter.client(),
        ExporterConfig::new(Duration::from_secs(3600))
            .today(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()),
    );
    runtime.block_on(exporter.refresh()).unwrap();
    let exposition = exporter.scrape();
    let file = std::env::temp_dir().join(format!("exporter-bench-{}.txt", std::process::id()));
    std::fs::write(&file, &exposition).unwrap();

    let exporter_address = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(
            exporter
                .clone()
                .serve_only(listener, std::future::pending()),
        );
        address
    });
    let static_address = runtime.block_on(static_file_server(file.clone()));

    println!("exporter bench: {}", machine_summary());
    println!(
        "exposition: {} bytes (the sample account)\n",
        exposition.len()
    );
    println!(
        "1. CPU per scrape ({SCRAPES} scrapes, one keep-alive connection, client and server in this process)"
    );
    let mut results = Vec::new();
    for round in 0..3 {
        for (name, address) in [
            ("exporter", exporter_address),
            ("static file", static_address),
        ] {
            scrape(address, 200, exposition.len());
            let cpu = cpu_time();
            let wall = Instant::now();
            scrape(address, SCRAPES, exposition.len());
            let cpu = cpu_time() - cpu;
            let wall = wall.elapsed();
            results.push((round, name, cpu, wall));
            println!(
                "  round {round}  {name:<12} CPU {:>7.1} µs/scrape   wall {:>7.1} µs/scrape",
                cpu.as_secs_f64() * 1e6 / SCRAPES as f64,
                wall.as_secs_f64() * 1e6 / SCRAPES as f64
            );
        }
    }
    let total = |which: &str| -> f64 {
        results
            .iter()
            .filter(|r| r.1 == which)
            .map(|r| r.2.as_secs_f64())
            .sum()
    };
    println!(
        "  exporter / static file CPU: {:.2}x\n",
        total("exporter") / total("static file")
    );

    println!("2. Memory over {SCRAPES} scrapes of the exporter (after 1,000 to warm up)");
    scrape(exporter_address, 1_000, exposition.len());
    std::thread::sleep(Duration::from_millis(100));
    let heap_before = heap::live();
    let rss_before = proc_status_kib("VmRSS").unwrap_or(0);
    for _ in 0..10 {
        scrape(exporter_address, SCRAPES / 10, exposition.len());
    }
    std::thread::sleep(Duration::from_millis(100));
    let heap_after = heap::live();
    let rss_after = proc_status_kib("VmRSS").unwrap_or(0);
    println!(
        "  live heap: {heap_before} -> {heap_after} bytes ({:+} bytes)",
        heap_after as i64 - heap_before as i64
    );
    println!(
        "  RSS: {rss_before} -> {rss_after} KiB ({:+} KiB)",
        rss_after as i64 - rss_before as i64
    );
    let _ = std::fs::remove_file(file);
}
