//! Per-call cost on loopback: `client.analytics().get_user_activity().send()` vs the
//! same request made with bare reqwest + serde_json, against one local keep-alive
//! server that answers every request with precomputed bytes (a 3-row activity body).
//!
//! Sequential (one call at a time) and concurrent (64 in flight). The two variants
//! run in alternating rounds in the same process (order swapped every round); the
//! report gives calls/s and median latency for each, and the client/bare ratios
//! (median over the rounds, with their range).
//!
//! `cargo bench -p openrouter-analytics-benches --bench calls`

use std::hint::black_box;
use std::time::{Duration, Instant};

use openrouter_analytics::types::ActivityResponse;
use openrouter_analytics::{Client, DEFAULT_USER_AGENT};
use openrouter_analytics_benches::{
    KEY, LoopbackServer, activity_body, http_response, machine_summary, median,
};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, USER_AGENT};

const ROUNDS: usize = 30;
const SEQUENTIAL_CALLS: usize = 800;
const IN_FLIGHT: usize = 64;
const CONCURRENT_CALLS_PER_TASK: usize = 60;
const TIMEOUT: Duration = Duration::from_secs(60);

/// The bare baseline: what the client does, minus the client. Same reqwest (same
/// features, from the workspace), built like the client builds its own, same headers
/// (bearer key marked sensitive, User-Agent, Accept), same per-request timeout, and
/// the body decoded into the same generated type.
#[derive(Clone)]
struct Bare {
    http: reqwest::Client,
    url: String,
    auth: HeaderValue,
}

impl Bare {
    fn new(base_url: &str) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("reqwest client");
        let mut auth = HeaderValue::from_str(&format!("Bearer {KEY}")).expect("valid header");
        auth.set_sensitive(true);
        Self {
            http,
            url: format!("{base_url}/activity"),
            auth,
        }
    }

    async fn call(&self) -> ActivityResponse {
        let response = self
            .http
            .get(&self.url)
            .header(AUTHORIZATION, self.auth.clone())
            .header(USER_AGENT, DEFAULT_USER_AGENT)
            .header(ACCEPT, "application/json")
            .timeout(TIMEOUT)
            .send()
            .await
            .expect("bare request");
        assert!(response.status().is_success(), "{}", response.status());
        let body = response.bytes().await.expect("bare body");
        serde_json::from_slice(&body).expect("bare decode")
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Variant {
    Client,
    Bare,
}

#[derive(Clone)]
struct Callers {
    client: Client,
    bare: Bare,
}

impl Callers {
    async fn call(&self, variant: Variant) -> usize {
        let activity = match variant {
            Variant::Client => self
                .client
                .analytics()
                .get_user_activity()
                .send()
                .await
                .expect("client call"),
            Variant::Bare => self.bare.call().await,
        };
        black_box(activity.data.len())
    }
}

/// One round: calls/s and the latency of every call.
struct Round {
    calls_per_sec: f64,
    latencies_us: Vec<f64>,
}

async fn sequential(callers: &Callers, variant: Variant) -> Round {
    let mut latencies_us = Vec::with_capacity(SEQUENTIAL_CALLS);
    let started = Instant::now();
    for _ in 0..SEQUENTIAL_CALLS {
        let t = Instant::now();
        callers.call(variant).await;
        latencies_us.push(t.elapsed().as_secs_f64() * 1e6);
    }
    Round {
        calls_per_sec: SEQUENTIAL_CALLS as f64 / started.elapsed().as_secs_f64(),
        latencies_us,
    }
}

async fn concurrent(callers: &Callers, variant: Variant) -> Round {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let callers = callers.clone();
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(CONCURRENT_CALLS_PER_TASK);
            for _ in 0..CONCURRENT_CALLS_PER_TASK {
                let t = Instant::now();
                callers.call(variant).await;
                latencies.push(t.elapsed().as_secs_f64() * 1e6);
            }
            latencies
        });
    }
    let mut latencies_us = Vec::with_capacity(IN_FLIGHT * CONCURRENT_CALLS_PER_TASK);
    while let Some(latencies) = tasks.join_next().await {
        latencies_us.extend(latencies.expect("task finished"));
    }
    Round {
        calls_per_sec: latencies_us.len() as f64 / started.elapsed().as_secs_f64(),
        latencies_us,
    }
}

struct Summary {
    client_cps: f64,
    bare_cps: f64,
    client_p50_us: f64,
    bare_p50_us: f64,
    cps_ratios: Vec<f64>,
    p50_ratios: Vec<f64>,
}

async fn measure(callers: &Callers, concurrent_mode: bool) -> Summary {
    let run = |variant| async move {
        if concurrent_mode {
            concurrent(callers, variant).await
        } else {
            sequential(callers, variant).await
        }
    };
    // Warm-up (connections, allocator, caches), discarded.
    run(Variant::Client).await;
    run(Variant::Bare).await;
    let (mut client_cps, mut bare_cps, mut cps_ratios, mut p50_ratios) =
        (vec![], vec![], vec![], vec![]);
    let (mut client_lat, mut bare_lat) = (vec![], vec![]);
    for round in 0..ROUNDS {
        let (client, bare) = if round % 2 == 0 {
            let client = run(Variant::Client).await;
            (client, run(Variant::Bare).await)
        } else {
            let bare = run(Variant::Bare).await;
            (run(Variant::Client).await, bare)
        };
        cps_ratios.push(client.calls_per_sec / bare.calls_per_sec);
        p50_ratios.push(median(&client.latencies_us) / median(&bare.latencies_us));
        client_cps.push(client.calls_per_sec);
        bare_cps.push(bare.calls_per_sec);
        client_lat.extend(client.latencies_us);
        bare_lat.extend(bare.latencies_us);
    }
    Summary {
        client_cps: median(&client_cps),
        bare_cps: median(&bare_cps),
        client_p50_us: median(&client_lat),
        bare_p50_us: median(&bare_lat),
        cps_ratios,
        p50_ratios,
    }
}

fn range(values: &[f64]) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{min:.3}..{max:.3}")
}

fn main() {
    // `cargo bench` passes --bench; without it (`cargo test --benches`) there is
    // nothing to check beyond compiling.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let body = activity_body(3);
    let server = LoopbackServer::fixed(http_response(200, "OK", &body));
    // Sequential calls on a current-thread runtime (with the server's thread, two busy
    // threads for two cores: the least scheduler noise), concurrent ones on the
    // default multi-thread runtime.
    let current_thread = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let multi_thread = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    // Fresh clients per runtime: pooled connections belong to the runtime that made them.
    let callers = || Callers {
        client: Client::builder()
            .api_key(KEY)
            .base_url(server.base_url())
            .build()
            .expect("client"),
        bare: Bare::new(&server.base_url()),
    };
    println!(
        "GET /activity on loopback, {}-byte body, {}",
        body.len(),
        machine_summary()
    );
    println!(
        "{ROUNDS} alternating rounds per mode; sequential: {SEQUENTIAL_CALLS} calls a round; \
         concurrent: {IN_FLIGHT} in flight x {CONCURRENT_CALLS_PER_TASK} calls"
    );
    println!(
        "{:<12} {:>12} {:>12} {:>10} {:>10} {:>22} {:>22}",
        "mode",
        "client c/s",
        "bare c/s",
        "client p50",
        "bare p50",
        "calls/s client/bare",
        "p50 client/bare"
    );
    let modes = [
        ("sequential", &current_thread, false),
        ("seq (mt rt)", &multi_thread, false),
        ("concurrent", &multi_thread, true),
    ];
    for (name, runtime, concurrent_mode) in modes {
        let s = runtime.block_on(measure(&callers(), concurrent_mode));
        println!(
            "{name:<12} {:>12.0} {:>12.0} {:>8.1}us {:>8.1}us {:>7.3}x ({:>12}) {:>7.3}x ({:>12})",
            s.client_cps,
            s.bare_cps,
            s.client_p50_us,
            s.bare_p50_us,
            median(&s.cps_ratios),
            range(&s.cps_ratios),
            median(&s.p50_ratios),
            range(&s.p50_ratios),
        );
    }
    drop(multi_thread);
    drop(current_thread);
    drop(server);
}
