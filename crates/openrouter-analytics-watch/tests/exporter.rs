//! The exporter against the mock crate's sample account and misbehaving servers, and
//! against the real Prometheus tools (`prometheus`, `promtool`) when installed.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use openrouter_analytics::chrono::NaiveDate;
use openrouter_analytics::{Client, reqwest};
use openrouter_analytics_mock::{Endpoint, MockOpenRouter, Reply, SAMPLE_LAST_DAY};
use openrouter_analytics_watch::{Exporter, ExporterConfig, FAMILIES};
use tokio::net::TcpListener;

/// The sample account's "now" is 2026-11-26: its last completed day is 2026-11-25.
fn sample_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// Starts serving `exporter` (no refresh loop) on a free port; returns the base URL.
async fn serve_only(exporter: &Exporter) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(
        exporter
            .clone()
            .serve_only(listener, std::future::pending()),
    );
    url
}

async fn get(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The samples of an exposition: `name{labels}` exactly as written, to their value.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').unwrap();
            let value = match value {
                "+Inf" => f64::INFINITY,
                other => other.parse().unwrap(),
            };
            (series.to_string(), value)
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exposition_has_the_sample_accounts_figures() {
    let openrouter = MockOpenRouter::start_async().await;
    let sample = openrouter.sample_account();
    let account = sample.account();
    let exporter = Exporter::new(
        openrouter.client(),
        ExporterConfig::new(Duration::from_secs(3600)).today(sample_today()),
    );
    exporter.refresh().await.unwrap();
    let url = serve_only(&exporter).await;
    let (status, text) = get(&format!("{url}/metrics")).await;
    assert_eq!(status, 200);
    let metrics = samples(&text);

    let credits = account.credits();
    let balance = credits.total_credits - credits.total_usage;
    assert!(
        close(metrics["openrouter_credits_balance_usd"], balance),
        "{text}"
    );
    assert_eq!(
        metrics["openrouter_credits_purchased_usd"],
        credits.total_credits
    );
    assert_eq!(metrics["openrouter_up"], 1.0);
    assert_eq!(metrics["openrouter_refresh_errors_total"], 0.0);
    assert!(metrics["openrouter_last_success_timestamp_seconds"] > 1.7e9);

    // Runway: the balance over the mean spend of 2026-11-19..=2026-11-25.
    let week: f64 = account
        .activity()
        .iter()
        .filter(|row| row.date.as_str() >= "2026-11-19" && row.date.as_str() <= SAMPLE_LAST_DAY)
        .map(|row| row.usage)
        .sum();
    assert!(week > 0.0);
    assert!(close(
        metrics["openrouter_spend_mean_daily_7d_usd"],
        week / 7.0
    ));
    assert!(close(
        metrics["openrouter_runway_seconds"],
        balance / (week / 7.0) * 86_400.0
    ));

    // Every key (expired ones are not listed): its usage per period, under its name and
    // short hash.
    let now: openrouter_analytics::chrono::DateTime<openrouter_analytics::chrono::Utc> =
        openrouter_analytics_mock::SAMPLE_NOW.parse().unwrap();
    let live = account
        .keys()
        .iter()
        .filter(|k| k.expires_at.is_none_or(|at| at > now));
    assert!(live.clone().count() >= 3);
    for key in live {
        let labels = format!("key=\"{}\",key_hash=\"{}\"", key.name, &key.hash[..12]);
        let month = format!("openrouter_key_usage_usd{{{labels},period=\"month\"}}");
        let found = metrics
            .get(&month)
            .unwrap_or_else(|| panic!("{month} not in {text}"));
        assert_eq!(*found, key.usage_monthly, "{month}");
        let total = format!("openrouter_key_usage_usd{{{labels},period=\"total\"}}");
        assert_eq!(metrics[&total], key.usage, "{total}");
        let disabled = format!("openrouter_key_disabled{{{labels}}}");
        assert_eq!(metrics[&disabled], if key.disabled { 1.0 } else { 0.0 });
        if let Some(limit) = key.limit {
            let reset = key.limit_reset.as_deref().unwrap_or("never");
            let series = format!("openrouter_key_limit_usd{{{labels},reset=\"{reset}\"}}");
            assert_eq!(metrics[&series], limit, "{series}");
        }
    }
    // Every budget's limit, by workspace slug, interval and id.
    assert!(!account.budgets().is_empty());
    for budget in account.budgets() {
        let workspace = account
            .workspaces()
            .iter()
            .find(|w| w.id == budget.workspace_id)
            .unwrap();
        let interval = budget
            .reset_interval
            .as_ref()
            .map(|i| i.to_string())
            .unwrap_or_else(|| "lifetime".into());
        let series = format!(
            "openrouter_workspace_budget_limit_usd{{workspace=\"{}\",interval=\"{interval}\",budget_id=\"{}\"}}",
            workspace.slug, budget.id
        );
        assert_eq!(metrics[&series], budget.limit_usd, "{series}");
    }
    // Per model, the last completed day.
    let mut by_model: BTreeMap<&str, (f64, i64)> = BTreeMap::new();
    for row in account
        .activity()
        .iter()
        .filter(|r| r.date == SAMPLE_LAST_DAY)
    {
        let entry = by_model.entry(&row.model).or_default();
        entry.0 += row.usage;
        entry.1 += row.requests;
    }
    assert!(!by_model.is_empty());
    for (model, (spend, requests)) in by_model {
        let series = format!("openrouter_model_last_day_spend_usd{{model=\"{model}\"}}");
        assert!(close(metrics[&series], spend), "{series}");
        let series = format!("openrouter_model_last_day_requests{{model=\"{model}\"}}");
        assert_eq!(metrics[&series], requests as f64, "{series}");
    }
    // No label holds a date.
    assert!(!text.contains("=\"2026-"), "{text}");
    let (status, body) = get(&format!("{url}/healthz")).await;
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    assert_eq!(get(&format!("{url}/other")).await.0, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_keeps_the_last_good_values_and_says_so() {
    let openrouter = MockOpenRouter::start_async().await;
    let credits = Endpoint::find("credits", "get_credits").unwrap();
    let good = serde_json::json!({"data": {"total_credits": 100.0, "total_usage": 40.0}});
    // Registered before the sample account: it answers /credits.
    openrouter.replies(
        credits,
        [
            Reply::json(200, &good),
            Reply::error(401, "User not found"),
            Reply::error(429, "Rate limit exceeded").header("retry-after", "0"),
            Reply::error(503, "Service unavailable"),
        ],
    );
    let _sample = openrouter.sample_account();
    let exporter = Exporter::new(
        openrouter.client(),
        ExporterConfig::new(Duration::from_secs(3600)).today(sample_today()),
    );
    exporter.refresh().await.unwrap();
    let first = samples(std::str::from_utf8(&exporter.scrape()).unwrap());
    assert_eq!(first["openrouter_credits_balance_usd"], 60.0);
    for errors in 1..=3 {
        let err = exporter.refresh().await.unwrap_err();
        assert!(!err.to_string().contains("sk-or-"), "{err}");
        let now = samples(std::str::from_utf8(&exporter.scrape()).unwrap());
        assert_eq!(now["openrouter_up"], 0.0);
        assert_eq!(now["openrouter_refresh_errors_total"], errors as f64);
        assert_eq!(now["openrouter_refreshes_total"], errors as f64 + 1.0);
        assert_eq!(now["openrouter_credits_balance_usd"], 60.0);
        assert_eq!(
            now["openrouter_last_success_timestamp_seconds"],
            first["openrouter_last_success_timestamp_seconds"]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_is_named_not_reported_as_a_timeout() {
    // A port nothing listens on: every attempt is refused, and the client's default
    // policy would retry for two minutes.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client = Client::builder()
        .api_key("sk-or-v1-test")
        .base_url(url)
        .build()
        .unwrap();
    let mut config = ExporterConfig::new(Duration::from_secs(3600)).today(sample_today());
    config.refresh_timeout = Duration::from_secs(2);
    let exporter = Exporter::new(client, config);
    let err = exporter.refresh().await.unwrap_err().to_string();
    assert!(!err.contains("took longer"), "{err}");
    assert!(err.to_lowercase().contains("refused"), "{err}");
    let metrics = samples(std::str::from_utf8(&exporter.scrape()).unwrap());
    assert_eq!(metrics["openrouter_up"], 0.0);
}

/// A server that accepts connections and never answers.
async fn black_hole() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scrape_never_waits_on_a_slow_openrouter() {
    let client = Client::builder()
        .api_key("sk-or-v1-test")
        .base_url(black_hole().await)
        .timeout(Duration::from_secs(30))
        .retry(openrouter_analytics::RetryConfig::disabled())
        .build()
        .unwrap();
    let mut config = ExporterConfig::new(Duration::from_secs(3600)).today(sample_today());
    config.refresh_timeout = Duration::from_millis(1500);
    let exporter = Exporter::new(client, config);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/metrics", listener.local_addr().unwrap());
    tokio::spawn(exporter.clone().serve(listener, std::future::pending()));
    // The refresh hangs on the server; scrapes answer meanwhile, at once.
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(1000) {
        let scrape = Instant::now();
        let (status, text) = get(&url).await;
        assert_eq!(status, 200);
        assert!(text.contains("\nopenrouter_up 0\n"), "{text}");
        assert!(
            scrape.elapsed() < Duration::from_millis(500),
            "{:?}",
            scrape.elapsed()
        );
    }
    // Then the refresh gives up and counts as failed.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let metrics = samples(&get(&url).await.1);
    assert_eq!(metrics["openrouter_refresh_errors_total"], 1.0);
    assert_eq!(metrics["openrouter_up"], 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_scrapes_sends_nothing_to_openrouter_and_copies_nothing() {
    let openrouter = MockOpenRouter::start_async().await;
    let sample = openrouter.sample_account();
    let exporter = Exporter::new(
        openrouter.client(),
        ExporterConfig::new(Duration::from_secs(3600)).today(sample_today()),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/metrics", listener.local_addr().unwrap());
    tokio::spawn(exporter.clone().serve(listener, std::future::pending()));
    // Wait for the first refresh.
    let started = Instant::now();
    while !get(&url).await.1.contains("\nopenrouter_up 1\n") {
        assert!(started.elapsed() < Duration::from_secs(20), "no refresh");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let after_refresh = sample.calls();
    assert!(after_refresh >= 5, "{after_refresh}");
    let http = reqwest::Client::new();
    let expected = get(&url).await.1;
    for _ in 0..20 {
        let scrapes: Vec<_> = (0..50)
            .map(|_| {
                let http = http.clone();
                let url = url.clone();
                tokio::spawn(
                    async move { http.get(&url).send().await.unwrap().text().await.unwrap() },
                )
            })
            .collect();
        for scrape in scrapes {
            assert_eq!(scrape.await.unwrap(), expected);
        }
    }
    assert_eq!(sample.calls(), after_refresh, "a scrape reached OpenRouter");
    // Every scrape hands out the same buffer: nothing is rendered or copied per scrape.
    assert_eq!(exporter.scrape().as_ptr(), exporter.scrape().as_ptr());
}

// ---- Hostile clients ------------------------------------------------------------

/// An exporter with the sample account's figures (a few KB per answer), served with
/// `config` on a free port; returns the exporter's address.
async fn hostile_target(configure: impl FnOnce(&mut ExporterConfig)) -> std::net::SocketAddr {
    let openrouter = MockOpenRouter::start_async().await;
    let _sample = openrouter.sample_account();
    let mut config = ExporterConfig::new(Duration::from_secs(3600)).today(sample_today());
    configure(&mut config);
    let exporter = Exporter::new(openrouter.client(), config);
    exporter.refresh().await.unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(exporter.serve_only(listener, std::future::pending()));
    address
}

/// Reads until the server closes the connection (end of stream or a reset), giving up
/// after `limit`; whether it closed.
async fn closed_within(stream: &mut tokio::net::TcpStream, limit: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut buf = vec![0u8; 64 * 1024];
    tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

/// One plain scrape on a new connection, bounded by `limit`: its status line and body.
async fn scrape_within(address: std::net::SocketAddr, path: &str, limit: Duration) -> String {
    let http = reqwest::Client::builder().timeout(limit).build().unwrap();
    let answer = http
        .get(format!("http://{address}{path}"))
        .send()
        .await
        .unwrap_or_else(|err| panic!("{path} did not answer within {limit:?}: {err}"));
    assert_eq!(answer.status(), 200);
    answer.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelining_non_readers_and_idle_sockets_do_not_lock_scrapes_out() {
    use tokio::io::AsyncWriteExt;
    let address = hostile_target(|_| {}).await;
    // 70 clients pipeline 256 scrapes each and never read; 64 more connect and say
    // nothing. Each writer stops at its first blocked write (bounded by the count).
    let request = format!("GET /metrics HTTP/1.1\r\nHost: {address}\r\n\r\n").repeat(256);
    let mut writers = Vec::new();
    for _ in 0..70 {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let request = request.clone();
        writers.push(tokio::spawn(async move {
            let _ = stream.write_all(request.as_bytes()).await;
            // Held open, unread, until the test aborts the task.
            std::future::pending::<()>().await;
            drop(stream);
        }));
    }
    let mut idle = Vec::new();
    for _ in 0..64 {
        idle.push(tokio::net::TcpStream::connect(address).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The issue asks for an answer within 1 s; 3 s keeps a loaded machine from failing
    // the test while still failing it when a scrape has to wait for a slot.
    let limit = Duration::from_secs(3);
    let text = scrape_within(address, "/metrics", limit).await;
    assert!(text.contains("\nopenrouter_up 1\n"), "{text}");
    assert_eq!(scrape_within(address, "/healthz", limit).await, "ok\n");
    for writer in writers {
        writer.abort();
    }
    drop(idle);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_does_not_read_its_answers_is_disconnected() {
    use tokio::io::AsyncWriteExt;
    // The idle timeout stays long: only the write timeout can close this one.
    let address = hostile_target(|config| config.write_timeout = Duration::from_millis(300)).await;
    // Enough pipelined scrapes that the answers fill the socket buffers.
    let mut reader = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!("GET /metrics HTTP/1.1\r\nHost: {address}\r\n\r\n").repeat(2000);
    let _ =
        tokio::time::timeout(Duration::from_secs(2), reader.write_all(request.as_bytes())).await;
    // Reading would let the answers go on: wait past the write timeout first.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        closed_within(&mut reader, Duration::from_secs(5)).await,
        "a client that does not read keeps its connection"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_says_nothing_is_closed() {
    let address = hostile_target(|config| config.idle_timeout = Duration::from_millis(300)).await;
    let mut silent = tokio::net::TcpStream::connect(address).await.unwrap();
    assert!(
        closed_within(&mut silent, Duration::from_secs(5)).await,
        "an idle connection is never closed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_cap_the_connection_idle_longest_makes_room() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = hostile_target(|config| config.max_connections = 2).await;
    let mut oldest = tokio::net::TcpStream::connect(address).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut newer = tokio::net::TcpStream::connect(address).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    // A third connection: the oldest idle one is closed, the scrape is answered.
    let text = scrape_within(address, "/metrics", Duration::from_secs(3)).await;
    assert!(text.contains("openrouter_up 1"), "{text}");
    assert!(closed_within(&mut oldest, Duration::from_secs(5)).await);
    // The newer one was kept: it still gets an answer.
    newer
        .write_all(
            format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), newer.read_to_string(&mut answer))
        .await
        .unwrap()
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_request_is_refused() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = hostile_target(|_| {}).await;
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let filler = "a".repeat(64 * 1024);
    let request = format!("GET /metrics HTTP/1.1\r\nHost: {address}\r\nX-Filler: {filler}\r\n\r\n");
    // The server may stop reading (and reset) before the whole request is written.
    let _ = stream.write_all(request.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(!answer.contains("openrouter_up"), "{answer}");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "{answer}"
    );
}

// ---- The real tools -------------------------------------------------------------

/// The path of a tool, or `None` after saying loudly that the test is skipped; under
/// `CI=true` a missing tool fails the test.
fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|path| path.is_file())
    });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{name} is not installed, and CI=true: install Debian's `prometheus` package");
        }
        eprintln!(
            "SKIPPED: {name} is not installed (Debian's `prometheus` package); this test did not run"
        );
    }
    found
}

fn workspace_file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("openrouter-watch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn sample_exposition() -> String {
    let openrouter = MockOpenRouter::start_async().await;
    let _sample = openrouter.sample_account();
    let exporter = Exporter::new(
        openrouter.client(),
        ExporterConfig::new(Duration::from_secs(3600))
            .today(sample_today())
            .with_key_forecasts(true),
    );
    exporter.refresh().await.unwrap();
    String::from_utf8(exporter.scrape().to_vec()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_forecasts_are_served_only_when_asked_for() {
    let text = sample_exposition().await;
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("openrouter_key_forecast_window_end_usd{"))
        .collect();
    // The sample's enabled keys with a daily, weekly or monthly limit.
    assert!(lines.len() >= 4, "{text}");
    for line in &lines {
        let value: f64 = line.rsplit_once(' ').unwrap().1.parse().unwrap();
        assert!(value.is_finite() && value >= 0.0, "{line}");
        assert!(line.contains("reset=\""), "{line}");
    }
    assert!(
        text.contains("openrouter_forecast_month_end_usd{band=\"p50\"}"),
        "{text}"
    );

    let openrouter = MockOpenRouter::start_async().await;
    let _sample = openrouter.sample_account();
    let plain = Exporter::new(
        openrouter.client(),
        ExporterConfig::new(Duration::from_secs(3600)).today(sample_today()),
    );
    plain.refresh().await.unwrap();
    let text = String::from_utf8(plain.scrape().to_vec()).unwrap();
    assert!(
        !text.contains("openrouter_key_forecast_window_end_usd"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promtool_accepts_the_exposition() {
    let Some(promtool) = tool("promtool") else {
        return;
    };
    let text = sample_exposition().await;
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every `openrouter_...` name in a PromQL text, without the histogram-style suffixes
/// (there are none) and without the label names.
fn metric_names(promql: &str) -> Vec<String> {
    let mut names = Vec::new();
    let bytes = promql.as_bytes();
    let mut i = 0;
    while let Some(found) = promql[i..].find("openrouter_") {
        let start = i + found;
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        names.push(promql[start..end].to_string());
        i = end;
    }
    names
}

#[test]
fn promtool_accepts_the_alert_rules_and_they_use_served_metrics() {
    let rules = workspace_file("docs/prometheus/openrouter-alerts.yml");
    let text = std::fs::read_to_string(&rules).unwrap();
    let parsed: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    let mut exprs = Vec::new();
    for group in parsed["groups"].as_sequence().unwrap() {
        for rule in group["rules"].as_sequence().unwrap() {
            exprs.push(rule["expr"].as_str().unwrap().to_string());
        }
    }
    assert!(exprs.len() >= 4, "{exprs:?}");
    for name in exprs.iter().flat_map(|e| metric_names(e)) {
        assert!(
            FAMILIES.iter().any(|(n, _, _)| *n == name),
            "{name} is not served"
        );
    }
    let Some(promtool) = tool("promtool") else {
        return;
    };
    let output = Command::new(promtool)
        .args(["check", "rules"])
        .arg(&rules)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "promtool check rules: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_dashboard_queries_only_served_metrics() {
    let path = workspace_file("docs/grafana/openrouter-dashboard.json");
    let dashboard: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut exprs = Vec::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().into_iter().flatten() {
            exprs.push(target["expr"].as_str().unwrap().to_string());
        }
    }
    assert!(exprs.len() >= 8, "{exprs:?}");
    let mut used = 0;
    for name in exprs.iter().flat_map(|e| metric_names(e)) {
        assert!(
            FAMILIES.iter().any(|(n, _, _)| *n == name),
            "{name} is not served"
        );
        used += 1;
    }
    assert!(used >= exprs.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_prometheus_scrapes_the_balance_and_a_keys_usage() {
    let Some(prometheus) = tool("prometheus") else {
        return;
    };
    let openrouter = MockOpenRouter::start_async().await;
    let sample = openrouter.sample_account();
    let account = sample.account().clone();
    let exporter = Exporter::new(
        openrouter.client(),
        ExporterConfig::new(Duration::from_secs(3600)).today(sample_today()),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target = listener.local_addr().unwrap();
    tokio::spawn(exporter.clone().serve(listener, std::future::pending()));

    let dir = temp_dir("prometheus");
    let web = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let web_addr = web.local_addr().unwrap();
    drop(web);
    std::fs::write(
        dir.join("prometheus.yml"),
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: openrouter\n    static_configs:\n      - targets: ['{target}']\n"
        ),
    )
    .unwrap();
    let child = Command::new(prometheus)
        .arg(format!(
            "--config.file={}",
            dir.join("prometheus.yml").display()
        ))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address={web_addr}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _prometheus = Kill(child);

    let query = |promql: String| {
        let url = format!("http://{web_addr}/api/v1/query");
        async move {
            let answer = reqwest::Client::new()
                .get(url)
                .query(&[("query", promql)])
                .send()
                .await
                .ok()?;
            let body: serde_json::Value = answer.json().await.ok()?;
            let value = body["data"]["result"][0]["value"][1].as_str()?.to_string();
            value.parse::<f64>().ok()
        }
    };
    let started = Instant::now();
    let balance = loop {
        if let Some(value) = query("openrouter_credits_balance_usd".into()).await {
            break value;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "Prometheus never scraped the exporter"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let credits = account.credits();
    assert!(
        close(balance, credits.total_credits - credits.total_usage),
        "{balance}"
    );
    let key = &account.keys()[0];
    let usage = query(format!(
        "openrouter_key_usage_usd{{key_hash=\"{}\",period=\"month\"}}",
        &key.hash[..12]
    ))
    .await
    .unwrap();
    assert_eq!(usage, key.usage_monthly);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guardrails_of_the_sample_account_are_exposed_and_unknown_spend_is_left_out() {
    let openrouter = MockOpenRouter::start_async().await;
    let sample = openrouter.sample_account();
    let account = sample.account().clone();
    let exporter = Exporter::new(
        openrouter.client(),
        ExporterConfig::new(Duration::from_secs(3600)).today(sample_today()),
    );
    exporter.refresh().await.unwrap();
    let metrics = samples(std::str::from_utf8(&exporter.scrape()).unwrap());
    // "EU customers": $300 a month, one key assigned (acme-corp): its monthly usage.
    let acme = account
        .keys()
        .iter()
        .find(|k| k.hash.starts_with("5b8e2d4f6a1c"))
        .unwrap();
    let eu = "guardrail=\"EU customers\",guardrail_id=\"c4e6a8b0-5d7\",reset=\"monthly\"";
    assert_eq!(
        metrics[&format!("openrouter_guardrail_limit_usd{{{eu}}}")],
        300.0
    );
    assert!(close(
        metrics[&format!("openrouter_guardrail_spend_usd{{{eu}}}")],
        acme.usage_monthly
    ));
    // "Per-person daily cap" has members: its limit is served, its spend is not.
    let cap = "guardrail=\"Per-person daily cap\",guardrail_id=\"a1d3f5b7-2c4\",reset=\"daily\"";
    assert_eq!(
        metrics[&format!("openrouter_guardrail_limit_usd{{{cap}}}")],
        25.0
    );
    assert!(!metrics.contains_key(&format!("openrouter_guardrail_spend_usd{{{cap}}}")));
    // Every limited key has the spend of its own window beside its limit, whatever
    // its reset.
    let mut resets = std::collections::BTreeSet::new();
    for series in metrics.keys() {
        if let Some(labels) = series.strip_prefix("openrouter_key_limit_usd") {
            let used = format!("openrouter_key_limit_used_usd{labels}");
            assert!(metrics.contains_key(&used), "no {used}");
            resets.insert(labels.rsplit_once("reset=").unwrap().1.to_string());
        }
    }
    assert!(resets.len() >= 2, "{resets:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guardrail_assigned_a_key_missing_from_the_keys_list_has_no_spend() {
    let openrouter = MockOpenRouter::start_async().await;
    let assignments = Endpoint::find("guardrails", "list_key_assignments").unwrap();
    let answer = serde_json::json!({
        "data": [{
            "assigned_by": null,
            "created_at": "2026-07-08T15:31:10.000Z",
            "guardrail_id": "c4e6a8b0-5d7f-4a9c-9e1b-6f8a0c2e4d53",
            "id": "d1e2f3a4-0001-4b5c-8d6e-7f8091a2b301",
            "key_hash": "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "key_label": "sk-or-v1-fff...fff",
            "key_name": "deleted"
        }],
        "total_count": 1
    });
    openrouter.replies(assignments, [Reply::json(200, &answer)]);
    let _sample = openrouter.sample_account();
    let snapshot = openrouter_analytics_watch::Snapshot::fetch(
        &openrouter.client(),
        openrouter_analytics_watch::Needs::all(),
    )
    .await
    .unwrap();
    let eu = snapshot
        .guardrails
        .iter()
        .find(|g| g.name == "EU customers")
        .unwrap();
    let why = eu.spend_usd.clone().unwrap_err();
    assert!(
        why.contains("ffffffffffff is not in the keys list"),
        "{why}"
    );
    // The guardrails that are workspace defaults cannot be judged either; none is low.
    let production = snapshot
        .guardrails
        .iter()
        .find(|g| g.name == "Production guardrail")
        .unwrap();
    assert!(
        production
            .spend_usd
            .as_ref()
            .unwrap_err()
            .contains("default guardrail"),
        "{production:?}"
    );
}

#[test]
fn promtool_fires_the_limit_alerts_for_every_reset_and_for_guardrails() {
    let Some(promtool) = tool("promtool") else {
        return;
    };
    let dir = temp_dir("promtool-rules");
    let rules = workspace_file("docs/prometheus/openrouter-alerts.yml");
    // Keys at 90% of a daily and a weekly limit, one at 10% of a monthly one; a
    // guardrail at 95% of its daily limit, one with no spend series.
    let test = format!(
        r#"rule_files:
  - {rules}
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'openrouter_key_limit_usd{{key="d",key_hash="aaaaaaaaaaaa",reset="daily"}}'
        values: '10x20'
      - series: 'openrouter_key_limit_used_usd{{key="d",key_hash="aaaaaaaaaaaa",reset="daily"}}'
        values: '9x20'
      - series: 'openrouter_key_limit_usd{{key="w",key_hash="bbbbbbbbbbbb",reset="weekly"}}'
        values: '10x20'
      - series: 'openrouter_key_limit_used_usd{{key="w",key_hash="bbbbbbbbbbbb",reset="weekly"}}'
        values: '9x20'
      - series: 'openrouter_key_limit_usd{{key="m",key_hash="cccccccccccc",reset="monthly"}}'
        values: '10x20'
      - series: 'openrouter_key_limit_used_usd{{key="m",key_hash="cccccccccccc",reset="monthly"}}'
        values: '1x20'
      - series: 'openrouter_guardrail_limit_usd{{guardrail="eu",guardrail_id="c4e6a8b0-5d7",reset="daily"}}'
        values: '20x20'
      - series: 'openrouter_guardrail_spend_usd{{guardrail="eu",guardrail_id="c4e6a8b0-5d7",reset="daily"}}'
        values: '19x20'
    alert_rule_test:
      - eval_time: 15m
        alertname: OpenRouterKeyNearLimit
        exp_alerts:
          - exp_labels: {{severity: warning, key: d, key_hash: aaaaaaaaaaaa, reset: daily}}
            exp_annotations:
              summary: "Key d has used 90% of its daily limit."
          - exp_labels: {{severity: warning, key: w, key_hash: bbbbbbbbbbbb, reset: weekly}}
            exp_annotations:
              summary: "Key w has used 90% of its weekly limit."
      - eval_time: 15m
        alertname: OpenRouterGuardrailNearLimit
        exp_alerts:
          - exp_labels: {{severity: warning, guardrail: eu, guardrail_id: c4e6a8b0-5d7, reset: daily}}
            exp_annotations:
              summary: "Guardrail eu has used 95% of its daily limit."
"#,
        rules = rules.display()
    );
    let path = dir.join("test.yml");
    std::fs::write(&path, test).unwrap();
    let output = Command::new(promtool)
        .args(["test", "rules"])
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "promtool test rules: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn no_dashboard_panel_or_alert_is_narrowed_to_one_reset_and_guardrails_are_shown() {
    let alerts =
        std::fs::read_to_string(workspace_file("docs/prometheus/openrouter-alerts.yml")).unwrap();
    let dashboard =
        std::fs::read_to_string(workspace_file("docs/grafana/openrouter-dashboard.json")).unwrap();
    for (name, text) in [("alerts", &alerts), ("dashboard", &dashboard)] {
        assert!(
            !text.contains("reset=\"") && !text.contains("reset=\\\""),
            "{name}"
        );
        assert!(text.contains("openrouter_guardrail_spend_usd"), "{name}");
        assert!(text.contains("openrouter_key_limit_used_usd"), "{name}");
    }
}
