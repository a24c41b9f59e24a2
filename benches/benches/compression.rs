//! Compressed responses, measured side by side with uncompressed ones in the same run:
//!
//! 1. Bytes on the wire for the 100,000-row activity report: its JSON encoded as gzip,
//!    brotli and zstd (what a server at common settings sends), as a share of the JSON,
//!    for the benches' fixture rows and for "noisy" rows (random ids, numbers, 30 dates,
//!    60 models: closer to a real report, which compresses less than the fixture); then
//!    one call each through the client against a loopback server sending the fixture
//!    JSON as is and gzip-encoded (rows decoded, time, peak heap above a baseline).
//! 2. Calls/s through the client against loopback servers sending the same body as
//!    is, gzip-, brotli- and zstd-encoded, at 3 and 1,000 rows: rounds that run every
//!    variant (order rotated each round); the ratio to uncompressed is the median of the
//!    per-round ratios (range in brackets).
//!
//! `cargo bench -p openrouter-analytics-benches --bench compression`

use std::hint::black_box;
use std::time::{Duration, Instant};

use openrouter_analytics::Client;
use openrouter_analytics_benches::{
    KEY, LoopbackServer, activity_body, encode, heap, http_response, http_response_encoded,
    machine_summary, median, noisy_activity_body,
};

#[global_allocator]
static HEAP: heap::Counting = heap::Counting;

/// The encodings compared, with the settings a server would typically use.
const ENCODINGS: [(&str, &str); 3] = [
    ("gzip", "gzip, level 6 (zlib's default)"),
    ("br", "brotli, quality 5, 4 MiB window"),
    ("zstd", "zstd, level 3 (its default)"),
];

fn client(server: &LoopbackServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .build()
        .expect("client")
}

/// One call; its duration and the peak heap above what was live before it.
async fn measured_call(client: &Client, rows: usize) -> (Duration, usize) {
    let baseline = heap::reset_peak();
    let started = Instant::now();
    let activity = client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("call");
    let elapsed = started.elapsed();
    assert_eq!(activity.data.len(), rows);
    let peak = heap::peak_since(baseline);
    drop(black_box(activity));
    (elapsed, peak)
}

fn wire(runtime: &tokio::runtime::Runtime) {
    const ROWS: usize = 100_000;
    let body = activity_body(ROWS);
    let mb = |bytes: usize| bytes as f64 / 1e6;
    println!(
        "\n1. Bytes on the wire, {ROWS}-row activity report ({:.1} MB of JSON)",
        mb(body.len())
    );
    println!(
        "{:<36} {:>12} {:>14} {:>12}",
        "encoding", "body", "share of JSON", "encode time"
    );
    let mut gzip = Vec::new();
    for (encoding, label) in ENCODINGS {
        let started = Instant::now();
        let encoded = encode(encoding, &body).expect("a known encoding");
        let took = started.elapsed();
        println!(
            "{label:<36} {:>9.2} MB {:>13.1}% {:>9.0} ms",
            mb(encoded.len()),
            100.0 * encoded.len() as f64 / body.len() as f64,
            took.as_secs_f64() * 1e3
        );
        if encoding == "gzip" {
            gzip = encoded;
        }
    }
    let noisy = noisy_activity_body(ROWS);
    let decoded: openrouter_analytics::types::ActivityResponse =
        serde_json::from_slice(&noisy).expect("noisy rows decode");
    assert_eq!(decoded.data.len(), ROWS);
    drop(decoded);
    println!("noisy rows ({:.1} MB of JSON):", mb(noisy.len()));
    for (encoding, label) in ENCODINGS {
        let started = Instant::now();
        let encoded = encode(encoding, &noisy).expect("a known encoding");
        let took = started.elapsed();
        println!(
            "{label:<36} {:>9.2} MB {:>13.1}% {:>9.0} ms",
            mb(encoded.len()),
            100.0 * encoded.len() as f64 / noisy.len() as f64,
            took.as_secs_f64() * 1e3
        );
    }
    drop(noisy);

    // The client against the report sent as is and gzip-encoded: same rows out.
    let identity = LoopbackServer::fixed(http_response(200, "OK", &body));
    let gzipped = LoopbackServer::fixed(http_response_encoded(200, "OK", "gzip", &gzip));
    let (plain_client, gzip_client) = (client(&identity), client(&gzipped));
    drop((body, gzip));
    let (mut plain, mut packed) = (vec![], vec![]);
    runtime.block_on(async {
        // Warm-up, then alternate.
        measured_call(&plain_client, ROWS).await;
        measured_call(&gzip_client, ROWS).await;
        for round in 0..5 {
            if round % 2 == 0 {
                plain.push(measured_call(&plain_client, ROWS).await);
                packed.push(measured_call(&gzip_client, ROWS).await);
            } else {
                packed.push(measured_call(&gzip_client, ROWS).await);
                plain.push(measured_call(&plain_client, ROWS).await);
            }
        }
    });
    let ms = |runs: &[(Duration, usize)]| {
        median(
            &runs
                .iter()
                .map(|(t, _)| t.as_secs_f64() * 1e3)
                .collect::<Vec<_>>(),
        )
    };
    let heap = |runs: &[(Duration, usize)]| {
        median(
            &runs
                .iter()
                .map(|(_, h)| *h as f64 / 1e6)
                .collect::<Vec<_>>(),
        )
    };
    println!("client call over loopback, 5 alternating rounds (medians):");
    println!(
        "  as is: {:.0} ms, peak heap {:.1} MB; gzip: {:.0} ms, peak heap {:.1} MB \
         (time {:.2}x, heap {:.2}x)",
        ms(&plain),
        heap(&plain),
        ms(&packed),
        heap(&packed),
        ms(&packed) / ms(&plain),
        heap(&packed) / heap(&plain)
    );
}

fn calls_per_second(runtime: &tokio::runtime::Runtime) {
    println!("\n2. Calls/s through the client on loopback, compressed vs as is");
    println!(
        "{:<8} {:>10} {:<6} {:>10} {:>10} {:>24}",
        "rows", "JSON", "enc", "wire", "calls/s", "calls/s vs as is"
    );
    for (rows, calls, rounds) in [(3, 2_000, 15), (1_000, 200, 15)] {
        let body = activity_body(rows);
        let mut servers = vec![(
            "as is",
            body.len(),
            LoopbackServer::fixed(http_response(200, "OK", &body)),
        )];
        for (encoding, _) in ENCODINGS {
            let encoded = encode(encoding, &body).expect("a known encoding");
            servers.push((
                encoding,
                encoded.len(),
                LoopbackServer::fixed(http_response_encoded(200, "OK", encoding, &encoded)),
            ));
        }
        let clients: Vec<Client> = servers.iter().map(|(_, _, s)| client(s)).collect();
        let n = clients.len();
        let mut cps = vec![Vec::new(); n];
        runtime.block_on(async {
            let round = |i: usize| {
                let client = &clients[i];
                async move {
                    let started = Instant::now();
                    for _ in 0..calls {
                        let activity = client
                            .analytics()
                            .get_user_activity()
                            .send()
                            .await
                            .expect("call");
                        black_box(activity.data.len());
                    }
                    calls as f64 / started.elapsed().as_secs_f64()
                }
            };
            for i in 0..n {
                round(i).await; // warm-up
            }
            for r in 0..rounds {
                for k in 0..n {
                    let i = (r + k) % n;
                    cps[i].push(round(i).await);
                }
            }
        });
        for (i, (name, wire_len, _)) in servers.iter().enumerate() {
            let ratios: Vec<f64> = cps[i].iter().zip(&cps[0]).map(|(v, b)| v / b).collect();
            let min = ratios.iter().copied().fold(f64::INFINITY, f64::min);
            let max = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            println!(
                "{rows:<8} {:>8} B {name:<6} {:>8} B {:>10.0} {:>8.3}x ({min:.2}..{max:.2})",
                body.len(),
                wire_len,
                median(&cps[i]),
                median(&ratios),
            );
        }
    }
}

fn main() {
    // `cargo bench` passes --bench; without it (`cargo test --benches`) there is
    // nothing to check beyond compiling.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    println!("Compressed responses, {}", machine_summary());
    // Sequential calls on a current-thread runtime, as in the `calls` bench: with the
    // server's thread, two busy threads for two cores.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    wire(&runtime);
    calls_per_second(&runtime);
}
