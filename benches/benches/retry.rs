//! Retry scheduling: the gaps between attempts as the server sees them vs the
//! configured backoff. A local server answers 503 `FAILURES` times, then 200, and
//! records when each request arrives; the client runs with no jitter, so the expected
//! gap after failed attempt `n` is exactly `RetryConfig::backoff(n)`. A gap also holds
//! one request/response round trip on loopback, so the ratio is slightly above 1.
//!
//! `cargo bench -p openrouter-analytics-benches --bench retry`

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openrouter_analytics::{Client, RetryConfig};
use openrouter_analytics_benches::{
    KEY, LoopbackServer, activity_body, http_response, machine_summary, median,
};

const FAILURES: usize = 4;
const TRIALS: usize = 7;

fn config() -> RetryConfig {
    RetryConfig::default()
        .initial_interval(Duration::from_millis(10))
        .exponent(2.0)
        .max_interval(Duration::from_secs(1))
        .jitter(Duration::ZERO)
        .max_attempts(u32::try_from(FAILURES).expect("small") + 1)
        .max_elapsed_time(Duration::from_secs(30))
}

/// One trial: the gaps between consecutive arrivals.
fn trial(runtime: &tokio::runtime::Runtime) -> Vec<Duration> {
    let busy: Arc<[u8]> = http_response(
        503,
        "Service Unavailable",
        br#"{"error":{"code":503,"message":"busy"}}"#,
    )
    .into();
    let ok: Arc<[u8]> = http_response(200, "OK", &activity_body(1)).into();
    let arrivals = Arc::new(Mutex::new(Vec::with_capacity(FAILURES + 1)));
    let seen = Arc::new(AtomicUsize::new(0));
    let server = {
        let arrivals = Arc::clone(&arrivals);
        LoopbackServer::start(Arc::new(move || {
            arrivals.lock().expect("not poisoned").push(Instant::now());
            if seen.fetch_add(1, Ordering::Relaxed) < FAILURES {
                Arc::clone(&busy)
            } else {
                Arc::clone(&ok)
            }
        }))
    };
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry(config())
        .build()
        .expect("client");
    let activity = runtime
        .block_on(client.analytics().get_user_activity().send())
        .expect("succeeds after the 503s");
    assert_eq!(activity.data.len(), 1);
    drop(server);
    let arrivals = arrivals.lock().expect("not poisoned").clone();
    assert_eq!(arrivals.len(), FAILURES + 1);
    arrivals.windows(2).map(|w| w[1] - w[0]).collect()
}

fn main() {
    // `cargo bench` passes --bench; without it (`cargo test --benches`) there is
    // nothing to check beyond compiling.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    trial(&runtime); // warm-up, discarded
    let trials: Vec<Vec<Duration>> = (0..TRIALS).map(|_| trial(&runtime)).collect();
    let config = config();
    println!(
        "retry gaps, {FAILURES} x 503 then 200, no jitter, {TRIALS} trials, {}",
        machine_summary()
    );
    println!(
        "{:<8} {:>14} {:>16} {:>14} {:>14} {:>14} {:>14}",
        "gap",
        "configured",
        "actual median",
        "extra median",
        "ratio median",
        "ratio min",
        "ratio max"
    );
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    for gap in 0..FAILURES {
        let configured = config.backoff(u32::try_from(gap).expect("small") + 1);
        let actual: Vec<f64> = trials.iter().map(|t| ms(t[gap])).collect();
        let ratios: Vec<f64> = actual.iter().map(|a| a / ms(configured)).collect();
        let min = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let max = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        println!(
            "{:<8} {:>11.1} ms {:>13.2} ms {:>11.2} ms {:>13.3}x {:>13.3}x {:>13.3}x",
            format!("{}->{}", gap + 1, gap + 2),
            ms(configured),
            median(&actual),
            median(&actual) - ms(configured),
            median(&ratios),
            min,
            max,
        );
    }
}
