//! Dropping a call cancels it: once the future is gone, the server sees no further
//! attempt, whether the call was waiting out a `Retry-After` or its own backoff.

use std::time::Duration;

use openrouter_analytics::{Client, RetryConfig};
use openrouter_analytics_e2e::error_body;
use openrouter_analytics_e2e::fault_server::{Fault, FaultServer, Reply};

const MS: fn(u64) -> Duration = Duration::from_millis;

fn client(server: &FaultServer, retry: RetryConfig) -> Client {
    Client::builder()
        .api_key("sk-or-v1-cancel")
        .base_url(server.base_url())
        .timeout(Duration::from_secs(2))
        .retry(retry)
        .build()
        .expect("valid config")
}

fn patient() -> RetryConfig {
    RetryConfig::default()
        .jitter(Duration::ZERO)
        .max_elapsed_time(Duration::from_secs(30))
}

#[tokio::test]
async fn aborting_a_call_waiting_out_retry_after_stops_it() {
    let server = FaultServer::always(Fault::Respond(
        Reply::json(503, &error_body(503, "busy")).header("retry-after", "1"),
    ))
    .await;
    let client = client(&server, patient());
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.analytics().get_user_activity().send().await }
    });
    assert!(server.wait_for_requests(1, Duration::from_secs(5)).await);
    // Well inside the 1 s wait: the call is asleep between attempts.
    tokio::time::sleep(MS(100)).await;
    call.abort();
    assert!(call.await.expect_err("aborted").is_cancelled());
    tokio::time::sleep(MS(1600)).await;
    assert_eq!(
        server.requests(),
        1,
        "no attempt after the call was dropped"
    );
}

#[tokio::test]
async fn a_call_dropped_by_a_timeout_during_backoff_stops() {
    let server =
        FaultServer::always(Fault::Respond(Reply::json(500, &error_body(500, "boom")))).await;
    let client = client(&server, patient().initial_interval(MS(700)));
    let outcome =
        tokio::time::timeout(MS(300), client.analytics().get_analytics_meta().send()).await;
    assert!(outcome.is_err(), "the caller's timeout fired first");
    assert_eq!(server.requests(), 1);
    tokio::time::sleep(MS(1000)).await;
    assert_eq!(
        server.requests(),
        1,
        "no attempt after the call was dropped"
    );
}

#[tokio::test]
async fn a_call_dropped_while_its_request_is_in_flight_closes_the_connection() {
    let server = FaultServer::always(Fault::SlowHead {
        delay: MS(300),
        reply: Reply::json(503, &error_body(503, "late")),
    })
    .await;
    let client = client(&server, patient().initial_interval(MS(50)));
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.analytics().get_user_activity().send().await }
    });
    assert!(server.wait_for_requests(1, Duration::from_secs(5)).await);
    call.abort();
    assert!(call.await.expect_err("aborted").is_cancelled());
    // The server's late answer finds the connection closed; nothing retries.
    assert!(
        server
            .wait_until_no_connections(Duration::from_secs(3))
            .await
    );
    tokio::time::sleep(MS(500)).await;
    assert_eq!(server.requests(), 1);
}
