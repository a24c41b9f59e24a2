//! Decode throughput of an activity response from bytes (`serde_json::from_slice`):
//! the SDK's generated types vs a minimal hand-written struct vs `serde_json::Value`,
//! at 1, 1,000 and 100,000 rows. After criterion's own report it prints MB/s and the
//! ratios of this run, from criterion's median estimates.
//!
//! `cargo bench -p openrouter-analytics-benches --bench decode`

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use criterion::{Criterion, Throughput};
use openrouter_analytics::types::ActivityResponse;
use openrouter_analytics_benches::{activity_body, machine_summary, minimal};

const ROWS: [usize; 3] = [1, 1_000, 100_000];
const VARIANTS: [&str; 3] = ["sdk", "minimal", "value"];

fn group_name(rows: usize) -> String {
    format!("decode_{rows}_rows")
}

fn bench(c: &mut Criterion) {
    for rows in ROWS {
        let body = activity_body(rows);
        let mut group = c.benchmark_group(group_name(rows));
        group.throughput(Throughput::Bytes(body.len() as u64));
        if rows >= 100_000 {
            // ~0.1 s an iteration: ten samples of one or two iterations each.
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(4));
        }
        // Each iteration includes dropping the result, as a caller pays it.
        group.bench_function("sdk", |b| {
            b.iter(|| {
                serde_json::from_slice::<ActivityResponse>(black_box(&body)).expect("valid body")
            })
        });
        group.bench_function("minimal", |b| {
            b.iter(|| {
                serde_json::from_slice::<minimal::ActivityResponse>(black_box(&body))
                    .expect("valid body")
            })
        });
        group.bench_function("value", |b| {
            b.iter(|| {
                serde_json::from_slice::<serde_json::Value>(black_box(&body)).expect("valid body")
            })
        });
        group.finish();
    }
}

/// Where criterion writes its estimates, found as criterion finds it:
/// `$CRITERION_HOME`, else `$CARGO_TARGET_DIR/criterion`, else `criterion/` in the
/// target directory this bench executable was built in (`<target>/release/deps/`).
fn criterion_home() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(home.into());
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(target).join("criterion"));
    }
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.parent()?.join("criterion"))
}

/// The median time of one iteration, in ns, from `new/estimates.json`, if that was
/// written by this run (after `started`).
fn median_ns(home: &Path, started: SystemTime, group: &str, function: &str) -> Option<f64> {
    let path = home.join(group).join(function).join("new/estimates.json");
    if std::fs::metadata(&path).ok()?.modified().ok()? < started {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

fn print_ratios(started: SystemTime) {
    let Some(home) = criterion_home() else {
        println!("(criterion's output directory not found: no ratio table)");
        return;
    };
    println!();
    println!("decode from bytes, {}", machine_summary());
    println!(
        "{:>8} {:>12} {:>12} {:>12} {:>12} {:>14} {:>14}",
        "rows",
        "body bytes",
        "sdk MB/s",
        "minimal MB/s",
        "value MB/s",
        "sdk/minimal",
        "value/minimal"
    );
    for rows in ROWS {
        let bytes = activity_body(rows).len() as f64;
        let group = group_name(rows);
        let ns: Vec<Option<f64>> = VARIANTS
            .iter()
            .map(|v| median_ns(&home, started, &group, v))
            .collect();
        let [Some(sdk), Some(min), Some(value)] = ns[..] else {
            println!("{rows:>8} (not measured in this run)");
            continue;
        };
        // bytes per ns is GB/s; times 1000 is MB/s (10^6 bytes).
        let mbps = |ns: f64| bytes / ns * 1000.0;
        println!(
            "{rows:>8} {bytes:>12} {:>12.1} {:>12.1} {:>12.1} {:>13.3}x {:>13.3}x",
            mbps(sdk),
            mbps(min),
            mbps(value),
            mbps(sdk) / mbps(min),
            mbps(value) / mbps(min),
        );
    }
}

fn main() {
    let started = SystemTime::now();
    let mut criterion = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
    // `cargo bench` passes --bench; `cargo test --benches` does not, and criterion then
    // runs each benchmark once as a test: no table then.
    if std::env::args().any(|a| a == "--bench") {
        print_ratios(started);
    }
}
