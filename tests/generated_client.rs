//! The generated crate on its own: what the hand-written hooks add to every request.

use openrouter_analytics_api::{Client, Error, RequestContext};
use openrouter_analytics_e2e::activity_body;
use openrouter_analytics_mock::{Endpoint, ExpectedRequest, MockOpenRouter, Reply};
use reqwest::header::{HeaderMap, HeaderValue};

fn client(server: &MockOpenRouter, context: RequestContext) -> Client {
    Client::new_with_client(&server.base_url(), reqwest::Client::new(), context)
}

#[tokio::test]
async fn hooks_send_context_headers_and_drop_progenitors_api_version() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.reply(
        Endpoint::GetUserActivity,
        Reply::json(200, &activity_body(2)),
    );
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-openrouter-title",
        HeaderValue::from_static("per-attempt"),
    );
    let context = RequestContext::new(headers, None);
    let response = client(&server, context.clone())
        .get_user_activity()
        .date("2026-11-01")
        .send()
        .await
        .expect("200");
    assert_eq!(response.data.len(), 2);
    assert_eq!(response.data[0].cached_tokens, 10);
    mock.assert_sent_once(
        &ExpectedRequest::new()
            .date("2026-11-01")
            .app_title("per-attempt")
            .no_header("api-version"),
    );
    assert_eq!(
        context.response_head().map(|h| h.status.as_u16()),
        Some(200)
    );
}

#[tokio::test]
async fn the_response_head_survives_an_undecodable_body() {
    let server = MockOpenRouter::start_async().await;
    server.reply(
        Endpoint::GetUserActivity,
        Reply::text(500, "<html>upstream broke</html>").header("x-request-id", "abc"),
    );
    let context = RequestContext::default();
    let err = client(&server, context.clone())
        .get_user_activity()
        .send()
        .await
        .expect_err("HTML is not an error body");
    assert!(matches!(err, Error::InvalidResponsePayload(..)), "{err:?}");
    let head = context.response_head().expect("head recorded");
    assert_eq!(head.status.as_u16(), 500);
    assert_eq!(head.headers["x-request-id"], "abc");
}

/// The xtask adds an optional query parameter's `.query()` only when it is set (for the
/// cost of a call): what goes on the wire must be what progenitor would send.
#[tokio::test]
async fn optional_query_parameters_go_out_only_when_set_and_in_the_specs_order() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.reply(
        Endpoint::GetUserActivity,
        Reply::json(200, &activity_body(1)),
    );
    let client = client(&server, RequestContext::default());
    client.get_user_activity().send().await.expect("200");
    client
        .get_user_activity()
        .api_key_hash("0123abcd")
        .date("2026-11-01")
        .group_by("workspace")
        .user_id("user & co")
        .workspace_id("ws-1")
        .send()
        .await
        .expect("200");
    client
        .get_user_activity()
        .workspace_id("ws-2")
        .send()
        .await
        .expect("200");
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests[0].query_params().is_empty(), "{:?}", requests[0]);
    let sent = |i: usize| -> Vec<(String, String)> { requests[i].query_params().to_vec() };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        sent(1),
        pairs(&[
            ("api_key_hash", "0123abcd"),
            ("date", "2026-11-01"),
            ("group_by", "workspace"),
            ("user_id", "user & co"),
            ("workspace_id", "ws-1"),
        ])
    );
    assert_eq!(sent(2), pairs(&[("workspace_id", "ws-2")]));
}
