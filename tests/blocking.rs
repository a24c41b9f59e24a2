//! The blocking client: the same operations for callers without an async runtime.

use std::time::Duration;

use openrouter_analytics::blocking::Client;
use openrouter_analytics::{ErrorKind, RetryConfig};
use openrouter_analytics_e2e::activity_body;
use openrouter_analytics_mock::{Endpoint, ExpectedRequest, MockOpenRouter, Reply};

fn client(server: &MockOpenRouter) -> Client {
    Client::builder()
        .api_key("sk-or-v1-blocking")
        .with(|b| {
            b.base_url(server.base_url())
                .app_title("Nightly export")
                .retry(
                    RetryConfig::default()
                        .initial_interval(Duration::from_millis(10))
                        .jitter(Duration::ZERO)
                        .max_attempts(3),
                )
        })
        .build()
        .expect("valid config")
}

#[test]
fn blocking_calls_work_without_a_runtime_of_the_callers_own() {
    let server = MockOpenRouter::start();
    let activity = server.reply(
        Endpoint::GetUserActivity,
        Reply::json(200, &activity_body(4)),
    );
    let client = client(&server);
    let response = client
        .analytics()
        .get_user_activity()
        .date("2026-11-01")
        .send()
        .expect("200");
    assert_eq!(response.data.len(), 4);
    activity.assert_sent_once(
        &ExpectedRequest::new()
            .date("2026-11-01")
            .api_key("sk-or-v1-blocking")
            .app_title("Nightly export"),
    );
}

#[test]
fn blocking_calls_retry_and_return_typed_errors() {
    let server = MockOpenRouter::start();
    let meta = server.error(Endpoint::GetAnalyticsMeta, 503, "busy");
    let err = client(&server)
        .analytics()
        .get_analytics_meta()
        .send()
        .expect_err("503");
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.attempts(), 3);
    meta.assert_calls(3);

    let err = client(&server)
        .analytics()
        .query_analytics()
        .send()
        .expect_err("no metrics");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

/// `spawn_blocking` and `block_in_place` are where async code runs sync code; the
/// blocking client works there, as `reqwest::blocking` does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_calls_work_from_spawn_blocking_and_block_in_place() {
    let server = MockOpenRouter::start_async().await;
    let activity = server.activity_rows([]);
    let client = client(&server);

    let from_spawn_blocking = client.clone();
    let rows = tokio::task::spawn_blocking(move || {
        from_spawn_blocking
            .analytics()
            .get_user_activity()
            .send()
            .map(|response| response.data.len())
    })
    .await
    .expect("the blocking task finishes");
    assert_eq!(rows.expect("works inside spawn_blocking"), 0);

    let rows = tokio::task::block_in_place(|| {
        client
            .analytics()
            .get_user_activity()
            .send()
            .map(|response| response.data.len())
    });
    assert_eq!(rows.expect("works inside block_in_place"), 0);
    activity.assert_calls(2);
    // Dropping the client, and its runtime, inside an async context must not panic.
    drop(client);
}

#[test]
fn blocking_send_with_raw_body_returns_the_bytes_the_server_sent() {
    let server = MockOpenRouter::start();
    let body = serde_json::to_string(&activity_body(2)).expect("JSON");
    server.reply(Endpoint::GetUserActivity, Reply::text(200, body.clone()));
    let response = client(&server)
        .analytics()
        .get_user_activity()
        .send_with_raw_body()
        .expect("200");
    assert_eq!(response.raw_body.as_ref(), body.as_bytes());
    assert_eq!(response.value.data.len(), 2);
}

/// The one place the blocking client cannot work: its own runtime's thread (here, from
/// an observer callback, which runs there). Waiting would deadlock, so it says so.
#[test]
fn blocking_from_the_clients_own_runtime_thread_is_a_runtime_error_not_a_deadlock() {
    use std::sync::{Arc, Mutex, OnceLock};

    use openrouter_analytics::AttemptEvent;

    let server = MockOpenRouter::start();
    let activity = server.activity_rows([]);
    let meta = server.error(Endpoint::GetAnalyticsMeta, 500, "not reached");
    let this_client: Arc<OnceLock<Client>> = Arc::default();
    let inner_outcome: Arc<Mutex<Option<ErrorKind>>> = Arc::default();
    let (client_slot, outcome_slot) = (Arc::clone(&this_client), Arc::clone(&inner_outcome));
    let base_url = server.base_url();
    let client = Client::builder()
        .api_key("sk-or-v1-blocking")
        .with(move |b| {
            b.base_url(base_url)
                .retry(RetryConfig::disabled())
                .observer(move |event| {
                    if let (AttemptEvent::Started { .. }, Some(client)) = (event, client_slot.get())
                    {
                        let result = client.analytics().get_analytics_meta().send();
                        *outcome_slot.lock().expect("lock") = result.err().map(|err| err.kind());
                    }
                })
        })
        .build()
        .expect("valid config");
    assert!(this_client.set(client.clone()).is_ok());
    client
        .analytics()
        .get_user_activity()
        .send()
        .expect("the outer call still succeeds");
    assert_eq!(
        *inner_outcome.lock().expect("lock"),
        Some(ErrorKind::Runtime)
    );
    activity.assert_calls(1);
    meta.assert_calls(0);
}

#[test]
fn blocking_calls_by_name_read_tolerantly() {
    let server = MockOpenRouter::start();
    // A row without `usage`, which the spec requires: the typed call refuses it, the
    // tolerant one hands the bytes back with the mismatch.
    let body = r#"{"data":[{"date":"2026-11-01","model":"m","model_permaslug":"m","endpoint_id":"e","provider_name":"p","byok_usage_inference":0,"requests":1,"prompt_tokens":1,"completion_tokens":1,"reasoning_tokens":0,"cached_tokens":0}]}"#;
    let _activity = server.reply(
        Endpoint::GetUserActivity,
        Reply::json(
            200,
            &serde_json::from_str::<serde_json::Value>(body).expect("json"),
        ),
    );
    let client = client(&server);
    let strict = client.analytics().get_user_activity().send();
    assert_eq!(strict.expect_err("mismatch").kind(), ErrorKind::Decode);

    let answer = client
        .operation("analytics", "get_user_activity")
        .expect("known")
        .send_tolerant()
        .expect("tolerated");
    let mismatch = answer.mismatch.expect("the mismatch");
    assert!(mismatch.to_string().contains("usage"), "{mismatch}");
    let sent: serde_json::Value = serde_json::from_slice(&answer.raw_body).expect("json");
    assert_eq!(
        sent,
        serde_json::from_str::<serde_json::Value>(body).expect("json")
    );

    // Paging an operation that is not paged is refused before anything is sent.
    let err = client
        .operation("analytics", "get_user_activity")
        .expect("known")
        .send_all_pages_tolerant()
        .expect_err("not paged");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}
