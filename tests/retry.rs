//! Retries against a local server: which failures are retried, how often, on what
//! schedule, how `Retry-After` is honoured, and the total budget.

use std::time::{Duration, Instant};

use openrouter_analytics::{Client, ErrorKind, RetryConfig, StatusRange};
use openrouter_analytics_e2e::fault_server::{Fault, FaultServer, Reply as RawReply};
use openrouter_analytics_mock::{
    Endpoint, MockOpenRouter, MockServerExt, Reply, activity_response, activity_row,
};

const MS: fn(u64) -> Duration = Duration::from_millis;

fn client(base_url: &str, retry: RetryConfig) -> Client {
    Client::builder()
        .api_key("sk-or-v1-test")
        .base_url(base_url)
        .retry(retry)
        .build()
        .expect("valid config")
}

fn mock_client(server: &MockOpenRouter, retry: RetryConfig) -> Client {
    server
        .client_builder()
        .retry(retry)
        .build()
        .expect("valid config")
}

/// Fast, deterministic backoff: 20 ms, 40 ms, 80 ms... no jitter.
fn quick() -> RetryConfig {
    RetryConfig::default()
        .initial_interval(MS(20))
        .exponent(2.0)
        .jitter(Duration::ZERO)
        .max_elapsed_time(Duration::from_secs(10))
}

fn assert_gap(actual: Duration, expected: Duration) {
    // Sleeping never ends early; scheduling on a busy machine may end it late.
    assert!(
        actual + MS(5) >= expected && actual <= expected + MS(400),
        "gap {actual:?}, expected about {expected:?}"
    );
}

#[tokio::test]
async fn retryable_status_is_retried_on_the_configured_schedule() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.activity_error(503, "overloaded");
    let retry = quick().initial_interval(MS(100)).max_attempts(4);
    let err = mock_client(&server, retry)
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("always 503");
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.attempts(), 4);
    assert!(err.to_string().contains("after 4 attempts"), "{err}");
    mock.assert_calls(4);
    let gaps = mock.arrival_gaps();
    assert_eq!(gaps.len(), 3);
    for (gap, expected) in gaps.iter().zip([100, 200, 400]) {
        assert_gap(*gap, MS(expected));
    }
}

#[tokio::test]
async fn failures_then_success_returns_the_success() {
    let server = MockOpenRouter::start_async().await;
    let rows = [
        activity_row("openai/gpt-4o", 1.0),
        activity_row("anthropic/claude-sonnet-4", 2.0),
    ];
    let mock = server.activity_fails_then_succeeds(2, 500, rows.clone());
    let activity = mock_client(&server, quick())
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("eventually 200");
    assert_eq!(activity.data, rows);
    mock.assert_calls(3);
}

#[tokio::test]
async fn statuses_408_429_and_5xx_are_retried_by_default() {
    for status in [408, 429, 500, 502, 504, 599] {
        let server = MockOpenRouter::start_async().await;
        let mock = server.reply(Endpoint::GetAnalyticsMeta, Reply::text(status, "try again"));
        let err = mock_client(&server, quick().max_attempts(3))
            .analytics()
            .get_analytics_meta()
            .send()
            .await
            .expect_err("always failing");
        assert_eq!(err.attempts(), 3, "{status}");
        mock.assert_calls(3);
    }
}

#[tokio::test]
async fn other_client_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 409, 422] {
        let server = MockOpenRouter::start_async().await;
        let mock = server.activity_error(status, "no");
        let err = mock_client(&server, quick())
            .analytics()
            .get_user_activity()
            .send()
            .await
            .expect_err("client error");
        assert_eq!(err.attempts(), 1, "{status}");
        mock.assert_calls(1);
    }
}

#[tokio::test]
async fn retried_statuses_are_configurable() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.activity_error(500, "boom");
    let only_429 = quick().retry_statuses([StatusRange::single(429)]);
    let err = mock_client(&server, only_429)
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("500");
    assert_eq!(err.attempts(), 1);
    mock.assert_calls(1);
}

#[tokio::test]
async fn retry_after_in_seconds_replaces_the_backoff() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.reply(
        Endpoint::GetUserActivity,
        Reply::error(429, "slow down").header("retry-after", "1"),
    );
    let err = mock_client(&server, quick().max_attempts(2))
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("429");
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.attempts(), 2);
    assert_gap(mock.arrival_gaps()[0], Duration::from_secs(1));
}

#[tokio::test]
async fn retry_after_as_http_date_is_honoured() {
    let server = MockOpenRouter::start_async().await;
    let when_ready = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    let mock = server.reply(
        Endpoint::GetUserActivity,
        Reply::text(503, "busy").header("retry-after", when_ready),
    );
    mock_client(&server, quick().max_attempts(2))
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("503");
    // An HTTP-date has whole seconds, so "2 s from now" means 1 to 2 s of waiting.
    let gap = mock.arrival_gaps()[0];
    assert!(gap >= MS(900) && gap <= MS(2600), "{gap:?}");
}

#[tokio::test]
async fn retry_after_ms_wins_over_retry_after() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.reply(
        Endpoint::GetUserActivity,
        Reply::text(503, "busy")
            .header("retry-after-ms", "300")
            .header("retry-after", "5"),
    );
    mock_client(&server, quick().max_attempts(2))
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("503");
    assert_gap(mock.arrival_gaps()[0], MS(300));
}

#[tokio::test]
async fn a_wait_beyond_the_budget_returns_the_error_at_once() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.reply(
        Endpoint::GetUserActivity,
        Reply::error(429, "come back later").header("retry-after", "30"),
    );
    let started = Instant::now();
    let err = mock_client(&server, quick().max_elapsed_time(Duration::from_secs(5)))
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("429");
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        err.headers()
            .and_then(|h| h.get("retry-after"))
            .map(|v| v.as_bytes()),
        Some(&b"30"[..])
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    mock.assert_calls(1);
}

#[tokio::test]
async fn the_budget_bounds_a_long_outage() {
    let server = MockOpenRouter::start_async().await;
    server.reply(Endpoint::GetUserActivity, Reply::text(503, "down"));
    let retry = quick()
        .initial_interval(MS(50))
        .exponent(1.0)
        .max_elapsed_time(MS(600));
    let started = Instant::now();
    let err = mock_client(&server, retry)
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("503");
    let elapsed = started.elapsed();
    assert!(err.attempts() >= 3, "{}", err.attempts());
    assert!(
        elapsed >= MS(300) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn connection_refused_is_retried_unless_disabled() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr")
    };
    let base_url = format!("http://{closed}");
    let err = client(&base_url, quick().max_attempts(3))
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert_eq!(err.attempts(), 3);
    assert!(err.status().is_none());

    let err = client(&base_url, quick().retry_connection_errors(false))
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn timeouts_are_retried_each_with_a_fresh_limit() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.server().get_user_activity(|_, then| {
        then.ok(&activity_response([]))
            .into_inner()
            .delay(Duration::from_secs(2));
    });
    let started = Instant::now();
    let err = mock_client(&server, quick().max_attempts(2))
        .analytics()
        .get_user_activity()
        .timeout(MS(150))
        .send()
        .await
        .expect_err("slow");
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.attempts(), 2);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn per_call_retry_overrides_the_client_default_both_ways() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.reply(Endpoint::GetUserActivity, Reply::text(503, "down"));
    let never = mock_client(&server, RetryConfig::disabled());
    let err = never
        .analytics()
        .get_user_activity()
        .retry(quick().max_attempts(3))
        .send()
        .await
        .expect_err("503");
    assert_eq!(err.attempts(), 3);
    mock.assert_calls(3);

    let retrying = mock_client(&server, quick().max_attempts(5));
    let err = retrying
        .analytics()
        .get_user_activity()
        .no_retries()
        .send()
        .await
        .expect_err("503");
    assert_eq!(err.attempts(), 1);
    mock.assert_calls(4);
}

#[tokio::test]
async fn retry_after_zero_never_shortens_the_backoff() {
    // Each server answers 503 asking for no wait at all, forever. With our backoff of
    // 500 ms, 750 ms, 1125 ms, 1688 ms (no jitter), a 3 s budget has room for 4
    // attempts; without the floor the client would send hundreds.
    let past = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(3600));
    let cases = [
        ("retry-after", "0".to_string()),
        ("retry-after-ms", "0".to_string()),
        ("retry-after", past),
    ];
    // The three calls run side by side: each takes the whole 3 s budget.
    let [a, b, c] = cases;
    let (a, b, c) = tokio::join!(
        spin_check(a.0, a.1),
        spin_check(b.0, b.1),
        spin_check(c.0, c.1)
    );
    for (name, value, err, calls) in [a, b, c] {
        assert_eq!(err.kind(), ErrorKind::Server, "{name}: {value}");
        assert!(
            (2..=4).contains(&err.attempts()),
            "{name}: {value}: {} attempts",
            err.attempts()
        );
        assert_eq!(calls, err.attempts() as usize, "{name}: {value}");
    }
}

/// Calls a server answering 503 with `name: value` forever, with default backoff and no
/// jitter, for 3 s; returns the error and how many requests the server saw.
async fn spin_check(
    name: &'static str,
    value: String,
) -> (&'static str, String, openrouter_analytics::Error, usize) {
    let server = MockOpenRouter::start_async().await;
    let mock = server.reply(
        Endpoint::GetUserActivity,
        Reply::text(503, "busy").header(name, value.as_str()),
    );
    let retry = RetryConfig::default()
        .jitter(Duration::ZERO)
        .max_elapsed_time(Duration::from_secs(3));
    let err = mock_client(&server, retry)
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("always 503");
    let calls = mock.calls();
    (name, value, err, calls)
}

#[tokio::test]
async fn an_attempt_timeout_is_cut_to_the_rest_of_the_budget() {
    // The server never sends headers; the attempt timeout (5 s) is longer than the
    // whole budget (1.5 s), and the budget wins.
    let server = FaultServer::always(Fault::SlowHead {
        delay: Duration::from_secs(60),
        reply: RawReply::new(200),
    })
    .await;
    let client = Client::builder()
        .api_key("sk-or-v1-test")
        .base_url(server.base_url())
        .timeout(Duration::from_secs(5))
        .retry(RetryConfig::default().max_elapsed_time(MS(1500)))
        .build()
        .expect("valid config");
    let started = Instant::now();
    let err = client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("no answer");
    let elapsed = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.attempts(), 1);
    assert!(err.to_string().contains("time budget"), "{err}");
    assert!(
        elapsed >= MS(1400) && elapsed < MS(2500),
        "returned after {elapsed:?}"
    );

    // After failed attempts, the last one gets only what is left.
    let server = FaultServer::start(|n| match n {
        0 => Fault::Respond(RawReply::new(503)),
        _ => Fault::SlowHead {
            delay: Duration::from_secs(60),
            reply: RawReply::new(200),
        },
    })
    .await;
    let client = Client::builder()
        .api_key("sk-or-v1-test")
        .base_url(server.base_url())
        .timeout(Duration::from_secs(5))
        .retry(quick().initial_interval(MS(500)).max_elapsed_time(MS(1500)))
        .build()
        .expect("valid config");
    let started = Instant::now();
    let err = client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("no answer");
    let elapsed = started.elapsed();
    // The deadline cut the second attempt; the answer the first one got is the error.
    assert_eq!(err.kind(), ErrorKind::Server, "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.attempts(), 2);
    assert!(
        elapsed >= MS(1400) && elapsed < MS(2500),
        "returned after {elapsed:?}"
    );
}
