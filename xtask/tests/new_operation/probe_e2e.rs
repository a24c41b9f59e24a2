//! Copied into a scratch copy of the workspace whose spec gained `GET /probe/echo`
//! (see xtask/tests/new_operation.rs): the regenerated operation is callable, async and
//! blocking, with retries, the key and the app headers, and mocked generically.

use std::time::Duration;

use openrouter_analytics::{Client, RetryConfig};
use openrouter_analytics_mock::{Endpoint, ExpectedRequest, MockOpenRouter, Reply};
use serde_json::json;

const KEY: &str = "sk-or-v1-probe-key";

fn retry() -> RetryConfig {
    RetryConfig::default()
        .initial_interval(Duration::from_millis(10))
        .jitter(Duration::ZERO)
        .max_attempts(3)
}

fn expected() -> ExpectedRequest {
    ExpectedRequest::new()
        .api_key(KEY)
        .app_title("Probe app")
        .http_referer("https://probe.example")
        .query_param("text", "hi")
}

#[tokio::test]
async fn the_new_operation_is_callable_with_retries_key_and_app_headers() {
    let server = MockOpenRouter::start_async().await;
    let endpoint = Endpoint::find("probe", "probe_echo").expect("the mock knows the new operation");
    let mock = server.replies(
        endpoint,
        [Reply::error(503, "busy"), Reply::json(200, &json!({"data": {"ok": true}}))],
    );
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .app_title("Probe app")
        .http_referer("https://probe.example")
        .retry(retry())
        .build()
        .expect("valid config");
    let answer = client.probe().probe_echo().text("hi").send().await.expect("200 after a retry");
    assert!(answer.data.ok);
    mock.assert_calls(2);
    for request in mock.requests() {
        let mismatches = expected().mismatches(&request);
        assert!(mismatches.is_empty(), "{mismatches:?}");
    }
}

#[test]
fn the_new_operation_is_callable_from_the_blocking_client() {
    let server = MockOpenRouter::start();
    let endpoint = Endpoint::find("probe", "probe_echo").expect("the mock knows the new operation");
    let mock = server.replies(
        endpoint,
        [Reply::error(503, "busy"), Reply::json(200, &json!({"data": {"ok": true}}))],
    );
    let base_url = server.base_url();
    let client = openrouter_analytics::blocking::Client::builder()
        .api_key(KEY)
        .with(|b| {
            b.base_url(base_url)
                .app_title("Probe app")
                .http_referer("https://probe.example")
                .retry(retry())
        })
        .build()
        .expect("valid config");
    let answer = client.probe().probe_echo().text("hi").send().expect("200 after a retry");
    assert!(answer.data.ok);
    mock.assert_calls(2);
    for request in mock.requests() {
        let mismatches = expected().mismatches(&request);
        assert!(mismatches.is_empty(), "{mismatches:?}");
    }
}
