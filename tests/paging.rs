//! The all-pages helpers of the lists paged by `offset`: they follow `offset` until a
//! short or empty page, or `total_count`, and keep each page's exact bytes.

use openrouter_analytics::{Client, ErrorKind};
use openrouter_analytics_mock::{Endpoint, MockOpenRouter};
use serde_json::{Value, json};

fn member(n: usize) -> Value {
    json!({
        "id": format!("user_{n:03}"),
        "email": format!("member{n}@example.com"),
        "first_name": format!("Member{n}"),
        "last_name": null,
        "role": if n == 0 { "org:admin" } else { "org:member" }
    })
}

fn api_key(n: usize) -> Value {
    openrouter_analytics_e2e::api_key(&format!("key {n}"), n)
}

/// A server holding `total` members, answering pages of at most `page` from `offset`.
fn members_server(server: &MockOpenRouter, total: usize, page: usize, with_total: bool) {
    paged_server(
        server,
        "/organization/members",
        member,
        total,
        page,
        with_total,
    );
}

/// A server holding `total` API keys (`GET /keys` has no `total_count`).
fn keys_server(server: &MockOpenRouter, total: usize, page: usize) {
    paged_server(server, "/keys", api_key, total, page, false);
}

fn paged_server(
    server: &MockOpenRouter,
    path: &'static str,
    item: fn(usize) -> Value,
    total: usize,
    page: usize,
    with_total: bool,
) {
    server.server().mock(|when, then| {
        when.method("GET").path(path);
        then.respond_with(move |request: &httpmock::HttpMockRequest| {
            let offset = request
                .query_params()
                .into_iter()
                .find(|(name, _)| name == "offset")
                .and_then(|(_, value)| value.parse::<usize>().ok())
                .unwrap_or(0);
            let items: Vec<Value> = (offset..total.min(offset + page)).map(item).collect();
            let mut body = json!({ "data": items });
            if with_total {
                body["total_count"] = json!(total);
            }
            httpmock::HttpMockResponse::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(body.to_string())
                .build()
        });
    });
}

fn client(server: &MockOpenRouter) -> Client {
    server.client()
}

#[tokio::test]
async fn collect_all_follows_offset_until_total_count() {
    let server = MockOpenRouter::start_async().await;
    members_server(&server, 45, 20, true);
    let members = client(&server)
        .organization()
        .list_members()
        .collect_all()
        .await
        .expect("every page");
    assert_eq!(members.len(), 45);
    assert_eq!(members[0].id, "user_000");
    assert_eq!(members[44].id, "user_044");
    // 0, 20, 40: three pages, and no fourth request once total_count is reached.
    let pages = client(&server)
        .organization()
        .list_members()
        .send_all_pages()
        .await
        .expect("every page");
    assert_eq!(
        pages.iter().map(|p| p.value.data.len()).collect::<Vec<_>>(),
        [20, 20, 5]
    );
    let raw: Value = serde_json::from_slice(&pages[2].raw_body).expect("JSON");
    assert_eq!(raw["data"][0]["id"], "user_040");
}

#[tokio::test]
async fn without_total_count_a_short_or_empty_page_ends_the_list() {
    let server = MockOpenRouter::start_async().await;
    keys_server(&server, 40, 20);
    let pages = client(&server)
        .api_keys()
        .list()
        .send_all_pages()
        .await
        .expect("every page");
    // 20, 20, then an empty page at offset 40 ends it.
    assert_eq!(
        pages.iter().map(|p| p.value.data.len()).collect::<Vec<_>>(),
        [20, 20, 0]
    );

    let server = MockOpenRouter::start_async().await;
    keys_server(&server, 25, 10);
    let keys = client(&server)
        .api_keys()
        .list()
        .collect_all()
        .await
        .expect("pages");
    assert_eq!(keys.len(), 25, "10, 10, then a short page of 5 ends it");
    assert_eq!(keys[24].name, "key 24");
}

#[tokio::test]
async fn a_server_that_ignores_offset_is_an_error_not_a_loop() {
    let server = MockOpenRouter::start_async().await;
    let page = json!({ "data": (0..20).map(api_key).collect::<Vec<_>>() });
    let endpoint = Endpoint::find("api_keys", "list").expect("in the spec");
    let mock = server.reply(endpoint, openrouter_analytics_mock::Reply::json(200, &page));
    let err = client(&server)
        .api_keys()
        .list()
        .collect_all()
        .await
        .expect_err("the same page twice");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("previous page"), "{err}");
    mock.assert_calls(2);
}

#[test]
fn the_blocking_client_collects_all_pages_too() {
    let server = MockOpenRouter::start();
    members_server(&server, 30, 20, true);
    let client = openrouter_analytics::blocking::Client::builder()
        .api_key("sk-or-v1-paging")
        .base_url(server.base_url())
        .build()
        .expect("valid config");
    let members = client
        .organization()
        .list_members()
        .collect_all()
        .expect("pages");
    assert_eq!(members.len(), 30);
}
