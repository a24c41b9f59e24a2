//! The mock server itself: that each helper answers as documented and that the
//! assertions fail when they should.

use std::panic::{AssertUnwindSafe, catch_unwind};

use openrouter_analytics::ErrorKind;
use openrouter_analytics::types::{ActivityGroupBy, ActivityItem};
use openrouter_analytics_mock::{
    Endpoint, ExpectedRequest, MockOpenRouter, MockServerExt, Reply, TEST_API_KEY,
    activity_response, activity_row, error_response, query_result, query_row, sample_meta,
};
use serde_json::json;

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("must panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[tokio::test]
async fn fails_then_succeeds_gives_exactly_n_failures_then_success_for_good() {
    let openrouter = MockOpenRouter::start_async().await;
    let activity =
        openrouter.activity_fails_then_succeeds(3, 429, [activity_row("openai/gpt-4o", 1.0)]);
    let client = openrouter.client();
    for attempt in 1..=3 {
        let err = client
            .analytics()
            .get_user_activity()
            .send()
            .await
            .expect_err("a failure");
        assert_eq!(err.kind(), ErrorKind::RateLimited, "attempt {attempt}");
        let detail = err.detail().expect("OpenRouter error body");
        assert_eq!(detail.code, 429);
        assert_eq!(detail.message, "simulated failure (429)");
    }
    for _ in 0..2 {
        let ok = client
            .analytics()
            .get_user_activity()
            .send()
            .await
            .expect("success after the failures");
        assert_eq!(ok.data, vec![activity_row("openai/gpt-4o", 1.0)]);
    }
    activity.assert_calls(5);
    assert_eq!(activity.arrival_gaps().len(), 4);
}

#[tokio::test]
async fn zero_failures_succeeds_at_once() {
    let openrouter = MockOpenRouter::start_async().await;
    let activity = openrouter.activity_fails_then_succeeds(0, 500, []);
    let ok = openrouter
        .client()
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("200");
    assert!(ok.data.is_empty());
    activity.assert_calls(1);
}

#[tokio::test]
async fn errors_carry_the_status_and_openrouters_body() {
    let openrouter = MockOpenRouter::start_async().await;
    openrouter.activity_error(401, "No auth credentials found");
    openrouter.error(Endpoint::QueryAnalytics, 400, "unknown metric `x`");
    let client = openrouter.client();
    let err = client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("401");
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(
        err.detail().map(|d| d.message.as_str()),
        Some("No auth credentials found")
    );
    let err = client
        .analytics()
        .query_analytics()
        .metrics(["x"])
        .send()
        .await
        .expect_err("400");
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    assert_eq!(err.detail().map(|d| d.code), Some(400));
}

#[tokio::test]
async fn meta_and_query_answers_decode_to_what_was_given() {
    let openrouter = MockOpenRouter::start_async().await;
    openrouter.analytics_meta(sample_meta());
    let result = query_result([query_row([
        ("model", json!("openai/gpt-4o")),
        ("total_usage", json!(12.5)),
    ])]);
    openrouter.analytics_query(result.clone());
    let client = openrouter.client();
    let meta = client
        .analytics()
        .get_analytics_meta()
        .send()
        .await
        .expect("meta");
    assert_eq!(meta.data, sample_meta());
    let query = client
        .analytics()
        .query_analytics()
        .metrics(["total_usage"])
        .send()
        .await
        .expect("query");
    assert_eq!(query.data, result);
}

#[tokio::test]
async fn assert_calls_fails_with_the_requests_it_saw() {
    let openrouter = MockOpenRouter::start_async().await;
    let activity = openrouter.activity_rows([]);
    activity.assert_calls(0);
    openrouter
        .client()
        .analytics()
        .get_user_activity()
        .date("2026-11-01")
        .send()
        .await
        .expect("200");
    activity.assert_calls(1);
    let message = panic_message(|| activity.assert_calls(2));
    assert!(
        message.contains("get_user_activity: expected 2 request(s), answered 1"),
        "{message}"
    );
    assert!(
        message.contains("GET /activity?date=2026-11-01"),
        "{message}"
    );
}

#[tokio::test]
async fn assert_sent_checks_every_request_and_names_each_difference() {
    let openrouter = MockOpenRouter::start_async().await;
    let activity = openrouter.activity_rows([]);
    let message = panic_message(|| activity.assert_sent(&ExpectedRequest::new()));
    assert!(message.contains("none arrived"), "{message}");

    let client = openrouter
        .client_builder()
        .app_title("Dashboard")
        .build()
        .expect("client");
    client
        .analytics()
        .get_user_activity()
        .user_id("user_1")
        .send()
        .await
        .expect("200");
    client
        .analytics()
        .get_user_activity()
        .group_by(ActivityGroupBy::Workspace)
        .app_title("Export")
        .send()
        .await
        .expect("200");

    activity.assert_sent(
        &ExpectedRequest::new()
            .api_key(TEST_API_KEY)
            .no_header("http-referer"),
    );
    activity.assert_sent_nth(
        0,
        &ExpectedRequest::new()
            .user_id("user_1")
            .no_other_query_params()
            .app_title("Dashboard"),
    );
    activity.assert_sent_nth(
        1,
        &ExpectedRequest::new()
            .group_by(ActivityGroupBy::Workspace)
            .no_query_param("user_id")
            .app_title("Export"),
    );

    let message =
        panic_message(|| activity.assert_sent(&ExpectedRequest::new().app_title("Dashboard")));
    assert!(
        message.contains("request 2 of 2 (GET /activity?group_by=workspace)"),
        "{message}"
    );
    assert!(
        message.contains(r#"header `x-openrouter-title`: expected "Dashboard", sent ["Export"]"#),
        "{message}"
    );
    assert!(!message.contains("request 1 of 2"), "{message}");

    let message =
        panic_message(|| activity.assert_sent(&ExpectedRequest::new().api_key("sk-other")));
    assert!(message.contains("header `authorization`"), "{message}");
    assert!(!message.contains(TEST_API_KEY), "{message}");

    let message = panic_message(|| activity.assert_sent_nth(2, &ExpectedRequest::new()));
    assert!(message.contains("only 2 arrived"), "{message}");
}

#[tokio::test]
async fn the_first_mock_registered_answers_until_it_is_deleted() {
    let openrouter = MockOpenRouter::start_async().await;
    let client = openrouter.client();
    let failing = openrouter.activity_error(503, "down");
    let healthy = openrouter.activity_rows([activity_row("openai/gpt-4o", 1.0)]);
    let err = client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("the first mock answers");
    assert_eq!(err.kind(), ErrorKind::Server);
    failing.delete_async().await;
    let ok = client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("the second mock answers");
    assert_eq!(ok.data.len(), 1);
    healthy.assert_calls(1);

    healthy.delete();
    let err = client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("no mock left");
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn replies_play_in_order_and_an_empty_script_answers_501() {
    let openrouter = MockOpenRouter::start_async().await;
    let meta = openrouter.replies(
        Endpoint::GetAnalyticsMeta,
        [
            Reply::text(502, "<html>bad gateway</html>"),
            Reply::error(504, "timeout").header("x-request-id", "r-2"),
            Reply::meta(sample_meta()),
        ],
    );
    openrouter.replies(Endpoint::QueryAnalytics, []);
    let client = openrouter.client();
    let first = client
        .analytics()
        .get_analytics_meta()
        .send()
        .await
        .expect_err("502");
    assert_eq!(first.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(first.body_snippet(), Some("<html>bad gateway</html>"));
    let second = client
        .analytics()
        .get_analytics_meta()
        .send()
        .await
        .expect_err("504");
    assert_eq!(
        second
            .headers()
            .and_then(|h| h.get("x-request-id"))
            .map(|v| v.as_bytes()),
        Some(&b"r-2"[..])
    );
    client
        .analytics()
        .get_analytics_meta()
        .send()
        .await
        .expect("200");
    meta.assert_calls(3);

    let err = client
        .analytics()
        .query_analytics()
        .metrics(["request_count"])
        .send()
        .await
        .expect_err("501");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(501));
}

#[tokio::test]
async fn the_generated_typed_helpers_match_parameters_and_answer_typed_bodies() {
    let openrouter = MockOpenRouter::start_async().await;
    let that_day = openrouter.server().get_user_activity(|when, then| {
        when.date("2026-11-01")
            .group_by(ActivityGroupBy::Workspace)
            .user_id(None);
        then.ok(&activity_response([row_in_workspace()]));
    });
    let client = openrouter.client();
    let ok = client
        .analytics()
        .get_user_activity()
        .date("2026-11-01")
        .group_by(ActivityGroupBy::Workspace)
        .send()
        .await
        .expect("matches");
    assert_eq!(ok.data[0].workspace_id.as_deref(), Some("ws-1"));
    let err = client
        .analytics()
        .get_user_activity()
        .date("2026-11-02")
        .group_by(ActivityGroupBy::Workspace)
        .send()
        .await
        .expect_err("another day matches no mock");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    that_day.assert_calls(1);

    openrouter.server().get_analytics_meta(|_, then| {
        then.forbidden(&error_response(403, "management keys only"));
    });
    let err = client
        .analytics()
        .get_analytics_meta()
        .send()
        .await
        .expect_err("403");
    assert_eq!(err.kind(), ErrorKind::Forbidden);
}

fn row_in_workspace() -> ActivityItem {
    ActivityItem {
        workspace_id: Some("ws-1".into()),
        ..activity_row("openai/gpt-4o", 1.0)
    }
}

#[test]
fn the_server_works_without_an_async_runtime_of_the_callers_own() {
    let openrouter = MockOpenRouter::start();
    let activity = openrouter.activity_rows([activity_row("openai/gpt-4o", 1.0)]);
    // The client is async; the server needed no runtime to start or register mocks.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let rows = runtime.block_on(async {
        openrouter
            .client()
            .analytics()
            .get_user_activity()
            .date("2026-11-01")
            .send()
            .await
            .map(|r| r.data.len())
    });
    assert_eq!(rows.expect("200"), 1);
    activity.assert_sent(&ExpectedRequest::new().date("2026-11-01"));
}
