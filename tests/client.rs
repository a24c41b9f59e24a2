//! The client against a local server: headers, query encoding, request bodies, typed
//! responses and the mapping of every status to an error kind.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use openrouter_analytics::types::{
    ActivityGroupBy, AnalyticsFilterScalar, AnalyticsFilterValue, AnalyticsGranularity,
    AnalyticsOperator, AnalyticsSortDirection,
};
use openrouter_analytics::{AttemptEvent, Client, DEFAULT_USER_AGENT, ErrorKind, RetryConfig};
use openrouter_analytics_e2e::activity_body;
use openrouter_analytics_mock::{
    Endpoint, ExpectedRequest, MockOpenRouter, MockServerExt, Reply, TEST_API_KEY,
    activity_response,
};
use serde_json::json;

// The mock server's `client()` and `client_builder()` use this key and no retries.
const KEY: &str = TEST_API_KEY;

#[tokio::test]
async fn every_call_sends_key_user_agent_and_accept_and_no_unset_app_header() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.reply(
        Endpoint::GetUserActivity,
        Reply::json(200, &activity_body(3)),
    );
    let activity = server
        .client()
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("200");
    mock.assert_sent_once(
        &ExpectedRequest::new()
            .api_key(KEY)
            .user_agent(DEFAULT_USER_AGENT)
            .header("accept", "application/json")
            .no_app_headers()
            .no_header("api-version"),
    );
    assert!(DEFAULT_USER_AGENT.starts_with("openrouter-analytics/"));
    assert_eq!(activity.data.len(), 3);
    assert_eq!(activity.data[1].endpoint_id, "ep-1");
    assert_eq!(activity.data[1].cached_tokens, 10);
    assert!((activity.data[1].usage - 0.03).abs() < 1e-12);
    assert_eq!(activity.data[0].workspace_id, None);
}

#[tokio::test]
async fn app_headers_are_sent_on_every_operation_when_set() {
    let server = MockOpenRouter::start_async().await;
    let activity = server.reply(
        Endpoint::GetUserActivity,
        Reply::json(200, &activity_body(0)),
    );
    let meta = server.reply(Endpoint::GetAnalyticsMeta, Reply::json(200, &meta_body()));
    let query = server.reply(Endpoint::QueryAnalytics, Reply::json(200, &query_body()));
    let client = server
        .client_builder()
        .http_referer("https://spend.example.com")
        .app_title("Spend dashboard")
        .app_categories(["finops", "dashboard"])
        .user_agent("my-exporter/2.0")
        .build()
        .expect("valid");
    let analytics = client.analytics();
    analytics
        .get_user_activity()
        .send()
        .await
        .expect("activity");
    analytics.get_analytics_meta().send().await.expect("meta");
    analytics
        .query_analytics()
        .metrics(["request_count"])
        .send()
        .await
        .expect("query");
    let app_headers = ExpectedRequest::new()
        .http_referer("https://spend.example.com")
        .app_title("Spend dashboard")
        .header("x-openrouter-categories", "finops,dashboard")
        .user_agent("my-exporter/2.0");
    for mock in [activity, meta, query] {
        mock.assert_sent_once(&app_headers);
    }
}

#[tokio::test]
async fn per_call_headers_override_the_client_defaults_for_that_call_only() {
    let server = MockOpenRouter::start_async().await;
    let activity = server.activity_rows([]);
    let client = server
        .client_builder()
        .app_title("Dashboard")
        .http_referer("https://spend.example.com")
        .build()
        .expect("valid");
    client
        .analytics()
        .get_user_activity()
        .app_title("Nightly export")
        .http_referer("https://other.example.com")
        .app_categories(["batch"])
        .header("X-Trace-Id", "t-1")
        .send()
        .await
        .expect("override call");
    client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("default call");
    activity.assert_calls(2);
    activity.assert_sent_nth(
        0,
        &ExpectedRequest::new()
            .app_title("Nightly export")
            .http_referer("https://other.example.com")
            .header("x-openrouter-categories", "batch")
            .header("x-trace-id", "t-1"),
    );
    activity.assert_sent_nth(
        1,
        &ExpectedRequest::new()
            .app_title("Dashboard")
            .http_referer("https://spend.example.com")
            .no_header("x-openrouter-categories")
            .no_header("x-trace-id"),
    );
}

#[tokio::test]
async fn invalid_per_call_header_fails_before_sending() {
    let server = MockOpenRouter::start_async().await;
    let activity = server.activity_rows([]);
    let client = server.client();
    for call in [
        client
            .analytics()
            .get_user_activity()
            .app_title("bad\nvalue"),
        client
            .analytics()
            .get_user_activity()
            .header("bad name", "v"),
        client
            .analytics()
            .get_user_activity()
            .header("x-ok", "bad\r\n"),
    ] {
        let err = call.send().await.expect_err("invalid header");
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
        assert_eq!(err.attempts(), 0);
    }
    activity.assert_calls(0);
}

#[tokio::test]
async fn activity_parameters_are_encoded_in_the_query() {
    let server = MockOpenRouter::start_async().await;
    let mut body = activity_body(1);
    body["data"][0]["workspace_id"] = json!("550e8400-e29b-41d4-a716-446655440000");
    let mock = server.reply(Endpoint::GetUserActivity, Reply::json(200, &body));
    let activity = server
        .client()
        .analytics()
        .get_user_activity()
        .date(NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"))
        .api_key_hash("abc 123&x=y")
        .user_id("user_42")
        .group_by(ActivityGroupBy::Workspace)
        .workspace_id("550e8400-e29b-41d4-a716-446655440000")
        .send()
        .await
        .expect("200");
    mock.assert_sent_once(
        &ExpectedRequest::new()
            .date("2026-11-01")
            .api_key_hash("abc 123&x=y")
            .user_id("user_42")
            .group_by("workspace")
            .workspace_id("550e8400-e29b-41d4-a716-446655440000"),
    );
    assert_eq!(
        activity.data[0].workspace_id.as_deref(),
        Some("550e8400-e29b-41d4-a716-446655440000")
    );
}

#[tokio::test]
async fn unset_activity_parameters_are_left_out_and_string_dates_pass_through() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.activity_rows([]);
    server
        .client()
        .analytics()
        .get_user_activity()
        .date("2026-02-28")
        .send()
        .await
        .expect("200");
    mock.assert_sent_once(
        &ExpectedRequest::new()
            .date("2026-02-28")
            .no_other_query_params(),
    );
}

#[tokio::test]
async fn malformed_date_is_rejected_before_anything_is_sent() {
    let server = MockOpenRouter::start_async().await;
    let activity = server.activity_rows([]);
    let err = server
        .client()
        .analytics()
        .get_user_activity()
        .date("11/01/2026")
        .send()
        .await
        .expect_err("bad date");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.operation(), Some("get_user_activity"));
    assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
    activity.assert_calls(0);
}

#[tokio::test]
async fn query_builder_sends_the_typed_body_and_decodes_rows() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.reply(Endpoint::QueryAnalytics, Reply::json(200, &query_body()));
    let start = Utc
        .with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .expect("time");
    let result = server
        .client()
        .analytics()
        .query_analytics()
        .metrics(["request_count", "total_usage"])
        .dimensions(["model"])
        .filter(
            "model",
            AnalyticsOperator::Eq,
            AnalyticsFilterValue::String("openai/gpt-4o".into()),
        )
        .filter(
            "provider",
            AnalyticsOperator::In,
            vec![
                AnalyticsFilterScalar::String("OpenAI".into()),
                AnalyticsFilterScalar::Double(2.5),
            ],
        )
        .granularity(AnalyticsGranularity::Day)
        .time_range(start, start + chrono::Duration::days(7))
        .order_by("request_count", AnalyticsSortDirection::Desc)
        .limit(100)
        .group_limit(10)
        .send()
        .await
        .expect("200");
    mock.assert_sent_once(
        &ExpectedRequest::new()
            .header("content-type", "application/json")
            .json_body(&json!({
                "metrics": ["request_count", "total_usage"],
                "dimensions": ["model"],
                "filters": [
                    {"field": "model", "operator": "eq", "value": "openai/gpt-4o"},
                    {"field": "provider", "operator": "in", "value": ["OpenAI", 2.5]}
                ],
                "granularity": "day",
                "time_range": {"start": "2026-11-01T00:00:00Z", "end": "2026-11-08T00:00:00Z"},
                "order_by": {"field": "request_count", "direction": "desc"},
                "limit": 100,
                "group_limit": 10
            })),
    );
    assert_eq!(result.data.metadata.row_count, 1);
    assert!(!result.data.metadata.truncated);
    assert_eq!(result.data.data[0]["request_count"], json!(1500));
    assert_eq!(
        result.data.warnings,
        vec!["unresolved api_key_id".to_string()]
    );
}

#[tokio::test]
async fn invalid_query_is_rejected_before_sending() {
    let server = MockOpenRouter::start_async().await;
    let query = server.reply(Endpoint::QueryAnalytics, Reply::json(200, &query_body()));
    let client = server.client();
    let err = client
        .analytics()
        .query_analytics()
        .send()
        .await
        .expect_err("no metric");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let err = client
        .analytics()
        .query_analytics()
        .metrics(["request_count"])
        .dimensions(["a", "b", "c"])
        .send()
        .await
        .expect_err("three dimensions");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    query.assert_calls(0);
}

#[tokio::test]
async fn meta_is_decoded_into_typed_enums() {
    let server = MockOpenRouter::start_async().await;
    server.reply(Endpoint::GetAnalyticsMeta, Reply::json(200, &meta_body()));
    let meta = server
        .client()
        .analytics()
        .get_analytics_meta()
        .send()
        .await
        .expect("200");
    assert_eq!(meta.data.metrics[0].name, "request_count");
    assert_eq!(meta.data.granularities[0].name, AnalyticsGranularity::Day);
    assert_eq!(meta.data.operators[1].name, AnalyticsOperator::NotIn);
}

#[tokio::test]
async fn each_error_status_maps_to_its_kind_with_openrouters_detail() {
    let cases = [
        (400, ErrorKind::BadRequest),
        (401, ErrorKind::Unauthorized),
        (403, ErrorKind::Forbidden),
        (404, ErrorKind::NotFound),
        (408, ErrorKind::OtherStatus),
        (409, ErrorKind::OtherStatus),
        (429, ErrorKind::RateLimited),
        (500, ErrorKind::Server),
        (502, ErrorKind::Server),
        (503, ErrorKind::Server),
    ];
    let server = MockOpenRouter::start_async().await;
    let client = server.client();
    for (status, kind) in cases {
        let body = json!({
            "error": {"code": status, "message": format!("failure {status}"),
                      "metadata": {"provider_name": "X"}},
            "user_id": null
        });
        let mock = server.reply(
            Endpoint::GetUserActivity,
            Reply::json(status, &body).header("x-request-id", format!("req-{status}")),
        );
        let err = client
            .analytics()
            .get_user_activity()
            .send()
            .await
            .expect_err("error status");
        assert_eq!(err.kind(), kind, "{status}: {err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        let detail = err.detail().expect("OpenRouter error object");
        assert_eq!(detail.code, i64::from(status));
        assert_eq!(detail.message, format!("failure {status}"));
        assert_eq!(
            detail
                .metadata
                .as_ref()
                .and_then(|m| m.get("provider_name")),
            Some(&json!("X"))
        );
        assert_eq!(
            err.headers()
                .and_then(|h| h.get("x-request-id"))
                .map(|v| v.as_bytes()),
            Some(format!("req-{status}").as_bytes())
        );
        assert_eq!(err.attempts(), 1);
        let shown = err.to_string();
        assert!(shown.contains(&format!("failure {status}")), "{shown}");
        assert!(
            !shown.contains('\n') && !shown.contains("x-request-id"),
            "{shown}"
        );
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn non_management_key_error_names_the_fix() {
    let server = MockOpenRouter::start_async().await;
    server.error(
        Endpoint::GetAnalyticsMeta,
        403,
        "Only management keys can perform this operation",
    );
    let err = server
        .client()
        .analytics()
        .get_analytics_meta()
        .send()
        .await
        .expect_err("403");
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(err.needs_management_key());
    let shown = err.to_string();
    assert!(shown.contains("management key"), "{shown}");
    assert!(shown.contains("settings/management-keys"), "{shown}");
    assert!(!shown.contains(KEY));
}

#[tokio::test]
async fn non_json_error_keeps_status_and_raw_text() {
    let server = MockOpenRouter::start_async().await;
    server.reply(
        Endpoint::GetUserActivity,
        Reply::text(401, "Missing Authentication header"),
    );
    let err = server
        .client()
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("401");
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(err.detail().is_none());
    assert_eq!(err.body_snippet(), Some("Missing Authentication header"));
}

#[tokio::test]
async fn a_success_with_the_wrong_shape_is_a_decode_error() {
    let server = MockOpenRouter::start_async().await;
    server.reply(
        Endpoint::GetUserActivity,
        Reply::json(200, &json!({"data": [{"date": "2026-11-01"}]})),
    );
    let err = server
        .client()
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("missing fields");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(err.body_snippet().is_some_and(|s| s.contains("2026-11-01")));
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn per_call_timeout_bounds_the_attempt() {
    let server = MockOpenRouter::start_async().await;
    // The generated typed helper, with httpmock's own `delay` for what the spec cannot say.
    server.server().get_user_activity(|_, then| {
        then.ok(&activity_response([]))
            .into_inner()
            .delay(Duration::from_secs(3));
    });
    let started = std::time::Instant::now();
    let err = server
        .client()
        .analytics()
        .get_user_activity()
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .expect_err("too slow");
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

fn meta_body() -> serde_json::Value {
    json!({"data": {
        "metrics": [{"name": "request_count", "display_label": "Requests", "is_rate": false, "display_format": "number"}],
        "dimensions": [{"name": "model", "display_label": "Model"}],
        "operators": [{"name": "eq", "value_type": "scalar"}, {"name": "not_in", "value_type": "array"}],
        "granularities": [{"name": "day", "display_label": "Day"}]
    }})
}

fn query_body() -> serde_json::Value {
    json!({"data": {
        "data": [{"date__day": "2026-11-01T00:00:00.000Z", "model": "openai/gpt-4o", "request_count": 1500}],
        "metadata": {"query_time_ms": 42.0, "row_count": 1, "truncated": false},
        "warnings": ["unresolved api_key_id"]
    }})
}

#[test]
fn call_futures_are_send_so_they_can_be_spawned() {
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::builder()
        .api_key(KEY)
        .build()
        .expect("valid config");
    let analytics = client.analytics();
    assert_send(&analytics.get_user_activity().send());
    assert_send(&analytics.get_analytics_meta().send());
    assert_send(&analytics.query_analytics().metrics(["x"]).send());
}

/// Calls own a handle to their client, so their futures are `'static`: they can be
/// spawned, and outlive the client value they came from.
#[tokio::test]
async fn calls_can_be_spawned_and_outlive_the_client_value() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.reply(
        Endpoint::GetUserActivity,
        Reply::json(200, &activity_body(2)),
    );
    let client = server.client();
    let call = client.analytics().get_user_activity().date("2026-11-01");
    drop(client);
    let task = tokio::spawn(call.send());
    let activity = task.await.expect("the task finishes").expect("200");
    assert_eq!(activity.data.len(), 2);
    mock.assert_sent_once(&ExpectedRequest::new().date("2026-11-01").api_key(KEY));
}

/// Every operation is reachable by name too, with text arguments parsed as the
/// parameter's type; the answer is the API's JSON.
#[tokio::test]
async fn operations_can_be_called_by_name() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.reply(
        Endpoint::GetUserActivity,
        Reply::json(200, &activity_body(1)),
    );
    let client = server.client();
    let answer = client
        .operation("analytics", "get_user_activity")
        .expect("known operation")
        .arg("date", "2026-11-01")
        .arg("group_by", "workspace")
        .send_with_raw_body()
        .await
        .expect("200");
    assert_eq!(answer.value["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&answer.raw_body).expect("JSON"),
        activity_body(1)
    );
    mock.assert_sent_once(
        &ExpectedRequest::new()
            .date("2026-11-01")
            .query_param("group_by", "workspace"),
    );

    let err = client
        .operation("analytics", "get_user_activity")
        .expect("known operation")
        .arg("date", "2026-02-30")
        .send()
        .await
        .expect_err("the hand-written date check applies by name too");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let err = client
        .operation("analytics", "get_user_activity")
        .expect("known operation")
        .arg("colour", "blue")
        .send()
        .await
        .expect_err("unknown parameter");
    assert!(err.to_string().contains("api_key_hash"), "{err}");
    let err = client
        .operation("analytics", "no_such_method")
        .expect_err("unknown operation");
    assert!(
        err.to_string().contains("analytics.query_analytics"),
        "{err}"
    );
    mock.assert_calls(1);
}

#[tokio::test]
async fn a_callers_own_reqwest_client_is_used_and_still_gets_key_and_headers() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.activity_rows([]);
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert(
        "x-from-custom-client",
        reqwest::header::HeaderValue::from_static("yes"),
    );
    let http = reqwest::Client::builder()
        .default_headers(defaults)
        .build()
        .expect("reqwest client");
    let client = server
        .client_builder()
        .http_client(http)
        .app_title("Custom")
        .build()
        .expect("valid");
    client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("200");
    mock.assert_sent_once(
        &ExpectedRequest::new()
            .header("x-from-custom-client", "yes")
            .api_key(KEY)
            .app_title("Custom"),
    );
}

/// What OpenRouter might send tomorrow: keys in its own order, a field this crate
/// does not know yet, an explicit null.
const ACTIVITY_WITH_UNKNOWN_FIELD: &str = r#"{"data": [{"date": "2026-11-01", "model": "vendor/model-1", "model_permaslug": "vendor/model-1-2026", "endpoint_id": "ep-1", "provider_name": "Provider", "usage": 0.5, "byok_usage_inference": 0.0, "requests": 2, "prompt_tokens": 10, "completion_tokens": 20, "reasoning_tokens": 0, "cached_tokens": 3, "workspace_id": null, "brand_new_field": {"nested": [1, 2]}}]}"#;

#[tokio::test]
async fn send_with_raw_body_returns_the_exact_bytes_and_the_decoded_value() {
    let server = MockOpenRouter::start_async().await;
    server.reply(
        Endpoint::GetUserActivity,
        Reply::text(200, ACTIVITY_WITH_UNKNOWN_FIELD),
    );
    let response = server
        .client()
        .analytics()
        .get_user_activity()
        .send_with_raw_body()
        .await
        .expect("200");
    assert_eq!(
        response.raw_body.as_ref(),
        ACTIVITY_WITH_UNKNOWN_FIELD.as_bytes()
    );
    assert_eq!(response.value.data.len(), 1);
    assert_eq!(response.value.data[0].cached_tokens, 3);
}

#[tokio::test]
async fn send_with_raw_body_keeps_the_body_of_the_attempt_that_succeeded() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.replies(
        Endpoint::GetAnalyticsMeta,
        [Reply::error(503, "busy"), Reply::json(200, &meta_body())],
    );
    let response = server
        .client_builder()
        .retry(openrouter_analytics_mock::fast_retries())
        .build()
        .expect("valid config")
        .analytics()
        .get_analytics_meta()
        .send_with_raw_body()
        .await
        .expect("second attempt succeeds");
    mock.assert_calls(2);
    let sent: serde_json::Value = serde_json::from_slice(&response.raw_body).expect("JSON");
    assert_eq!(sent, meta_body());
    assert!(!response.value.data.metrics.is_empty());
}

#[tokio::test]
async fn send_with_raw_body_still_returns_typed_errors() {
    let server = MockOpenRouter::start_async().await;
    server.activity_error(401, "No auth credentials found");
    let err = server
        .client()
        .analytics()
        .get_user_activity()
        .send_with_raw_body()
        .await
        .expect_err("401");
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
}

#[tokio::test]
async fn an_invalid_per_call_app_header_is_reported_once_as_an_invalid_request() {
    let server = MockOpenRouter::start_async().await;
    let activity = server.activity_rows([]);
    let err = server
        .client()
        .analytics()
        .get_user_activity()
        .app_title("bad\r\n")
        .send()
        .await
        .expect_err("invalid header");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(
        err.to_string(),
        "get_user_activity: invalid request: app_title contains characters not allowed in an \
         HTTP header (line breaks or other control characters)"
    );
    activity.assert_calls(0);
}

#[tokio::test]
async fn the_observer_sees_each_attempt_the_retry_and_its_wait() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.replies(
        Endpoint::GetUserActivity,
        [
            Reply::text(503, "busy"),
            Reply::json(200, &activity_body(1)),
        ],
    );
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let client = server
        .client_builder()
        .retry(
            RetryConfig::default()
                .initial_interval(Duration::from_millis(40))
                .jitter(Duration::ZERO),
        )
        .observer(move |event: &AttemptEvent| seen.lock().expect("lock").push(event.clone()))
        .build()
        .expect("valid config");
    assert!(format!("{client:?}").contains("observer"), "{client:?}");
    client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("the retry succeeds");
    mock.assert_calls(2);

    let events = events.lock().expect("lock").clone();
    assert_eq!(events.len(), 4, "{events:#?}");
    assert!(
        matches!(
            events[0],
            AttemptEvent::Started {
                operation: "get_user_activity",
                attempt: 1,
                ..
            }
        ),
        "{events:#?}"
    );
    match &events[1] {
        AttemptEvent::Retrying {
            operation,
            attempt,
            status,
            kind,
            wait,
            ..
        } => {
            assert_eq!(*operation, "get_user_activity");
            assert_eq!(*attempt, 1);
            assert_eq!(status.map(|s| s.as_u16()), Some(503));
            assert_eq!(*kind, ErrorKind::Server);
            assert_eq!(*wait, Duration::from_millis(40));
        }
        other => panic!("expected a retry, got {other:?}"),
    }
    assert!(
        matches!(events[2], AttemptEvent::Started { attempt: 2, .. }),
        "{events:#?}"
    );
    match &events[3] {
        AttemptEvent::Succeeded {
            attempt, status, ..
        } => {
            assert_eq!(*attempt, 2);
            assert_eq!(status.as_u16(), 200);
        }
        other => panic!("expected a success, got {other:?}"),
    }
    assert!(events.iter().all(|e| e.operation() == "get_user_activity"));
    assert_eq!(events[3].attempt(), 2);
}

#[tokio::test]
async fn the_observer_sees_the_call_give_up() {
    let server = MockOpenRouter::start_async().await;
    server.activity_error(401, "no such key");
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let client = server
        .client_builder()
        .observer(move |event: &AttemptEvent| seen.lock().expect("lock").push(event.clone()))
        .build()
        .expect("valid config");
    client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("401");
    let events = events.lock().expect("lock").clone();
    assert_eq!(events.len(), 2, "{events:#?}");
    match &events[1] {
        AttemptEvent::Failed {
            attempt,
            status,
            kind,
            ..
        } => {
            assert_eq!(*attempt, 1);
            assert_eq!(status.map(|s| s.as_u16()), Some(401));
            assert_eq!(*kind, ErrorKind::Unauthorized);
        }
        other => panic!("expected the end, got {other:?}"),
    }
}

#[test]
fn a_base_url_with_a_query_a_fragment_or_credentials_is_a_config_error() {
    // Each would send requests elsewhere: `?x=1` + `/activity` asks for the query
    // `x=1/activity`; `#frag` swallows the path; `user:pw@` is a second credential.
    for url in [
        "http://127.0.0.1:9/api/v1?x=1",
        "http://127.0.0.1:9/api/v1?",
        "http://127.0.0.1:9/api/v1#frag",
        "https://openrouter.ai/api/v1?key=value#frag",
        "https://user:hunter2-PASSWORD@openrouter.ai/api/v1",
        "https://user@openrouter.ai/api/v1",
    ] {
        let err = Client::builder()
            .api_key("sk-or-v1-test")
            .base_url(url)
            .build()
            .expect_err(url);
        assert_eq!(err.kind(), ErrorKind::Config, "{url}");
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("hunter2"), "{url}: {shown}");
        let expected = if url.contains('@') {
            "credentials"
        } else {
            "must not have a query"
        };
        assert!(shown.contains(expected), "{url}: {shown}");
    }
}

#[test]
fn no_base_url_error_shows_a_password_even_when_the_url_is_invalid_too() {
    for url in [
        // Not a URL at all (a space in the host), with a password.
        "https://user:hunter2-PASSWORD@open router.ai/api/v1",
        // A port that is not a number, a password with a slash in it.
        "http://user:hunter2/PASSWORD@127.0.0.1:port/api",
        // No scheme the client accepts.
        "ftp://user:hunter2-PASSWORD@127.0.0.1/api",
        // Plain HTTP to a host that is not loopback.
        "http://user:hunter2-PASSWORD@example.com/api",
        // Several @, the password between them.
        "https://a@b:hunter2-PASSWORD@openrouter.ai/api/v1",
    ] {
        let builder = Client::builder().api_key("sk-or-v1-test").base_url(url);
        assert!(!format!("{builder:?}").contains("hunter2"), "{builder:?}");
        let err = builder.build().expect_err(url);
        assert_eq!(err.kind(), ErrorKind::Config, "{url}");
        for shown in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
            assert!(!shown.contains("hunter2"), "{url}: {shown}");
            assert!(!shown.contains("PASSWORD"), "{url}: {shown}");
        }
    }
}

#[tokio::test]
async fn a_base_url_with_a_path_and_a_trailing_slash_still_works() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.server().mock(|when, then| {
        when.method("GET").path("/api/v1/credits");
        then.status(200)
            .json_body(json!({"data": {"total_credits": 10.0, "total_usage": 2.5}}));
    });
    let client = Client::builder()
        .api_key("sk-or-v1-test")
        .base_url(format!("{}/api/v1/", server.base_url()))
        .build()
        .expect("valid");
    let credits = client.credits().get_credits().send().await.expect("200");
    assert_eq!(credits.data.total_credits, 10.0);
    mock.assert_calls(1);
}
