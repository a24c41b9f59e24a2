//! The all-pages helpers of the lists paged by `offset`: they follow `offset` until an
//! empty page or `total_count` (a short page does not end a list), keep each page's
//! exact bytes, and never return part of a list as success.

use openrouter_analytics::{Client, ErrorKind};
use openrouter_analytics_e2e::fault_server::{Fault, FaultServer, Reply};
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
async fn without_total_count_only_an_empty_page_ends_the_list() {
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
    let pages = client(&server)
        .api_keys()
        .list()
        .send_all_pages()
        .await
        .expect("pages");
    assert_eq!(
        pages.iter().map(|p| p.value.data.len()).collect::<Vec<_>>(),
        [10, 10, 5, 0],
        "the short page of 5 is followed by one more request"
    );
}

/// A server whose pages have the given sizes, one after another from offset 0, then
/// empty pages; `total` is sent as `total_count` when given.
fn sized_pages(
    server: &MockOpenRouter,
    path: &'static str,
    item: fn(usize) -> Value,
    sizes: &'static [usize],
    total: Option<usize>,
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
            let mut start = 0;
            let mut items = Vec::new();
            for size in sizes {
                if start == offset {
                    items = (start..start + size).map(item).collect();
                    break;
                }
                start += size;
            }
            let mut body = json!({ "data": items });
            if let Some(total) = total {
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

#[tokio::test]
async fn a_short_page_in_the_middle_does_not_end_a_list_without_total_count() {
    // The case: `/keys` answering 100, 50, 100 items gave 150 and success.
    let server = MockOpenRouter::start_async().await;
    sized_pages(&server, "/keys", api_key, &[100, 50, 100], None);
    let keys = client(&server)
        .api_keys()
        .list()
        .collect_all()
        .await
        .expect("every page");
    assert_eq!(keys.len(), 250);
    assert_eq!(keys[249].name, "key 249");
}

#[tokio::test]
async fn a_short_page_does_not_end_a_list_before_its_total_count() {
    let server = MockOpenRouter::start_async().await;
    sized_pages(
        &server,
        "/organization/members",
        member,
        &[100, 50, 100],
        Some(250),
    );
    let pages = client(&server)
        .organization()
        .list_members()
        .send_all_pages()
        .await
        .expect("every page");
    // total_count reached: no fourth request for an empty page.
    assert_eq!(
        pages.iter().map(|p| p.value.data.len()).collect::<Vec<_>>(),
        [100, 50, 100]
    );
}

#[tokio::test]
async fn a_list_that_ends_short_of_its_total_count_is_an_error() {
    // total_count says 250; the pages hold 100, 50, then nothing.
    let server = MockOpenRouter::start_async().await;
    sized_pages(
        &server,
        "/organization/members",
        member,
        &[100, 50],
        Some(250),
    );
    let err = client(&server)
        .organization()
        .list_members()
        .collect_all()
        .await
        .expect_err("100 members are missing");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.operation(), Some("list_organization_members"));
    assert!(err.to_string().contains("150 of the 250"), "{err}");
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
    assert!(err.to_string().contains("came twice"), "{err}");
    mock.assert_calls(2);
}

#[tokio::test]
async fn a_server_that_ignores_offset_but_changes_a_field_stops_at_the_first_repeat() {
    // The runaway: every answer is the same 100 keys with one field changed,
    // so no two pages are equal byte for byte. It was followed for 10,000 pages.
    let server = FaultServer::start(|n| {
        let keys: Vec<Value> = (0..100)
            .map(|i| {
                let mut key = api_key(i);
                key["usage"] = json!(n);
                key
            })
            .collect();
        Fault::Respond(Reply::json(200, &json!({ "data": keys })))
    })
    .await;
    let client = Client::builder()
        .api_key("sk-or-v1-paging")
        .base_url(server.base_url())
        .build()
        .expect("valid config");
    let err = client
        .api_keys()
        .list()
        .send_all_pages()
        .await
        .expect_err("key 0 comes again on the second page");
    assert_eq!(err.kind(), ErrorKind::Decode);
    let shown = err.to_string();
    assert!(shown.contains("came twice"), "{shown}");
    assert!(
        shown.contains(&format!("{:064x}", 0)),
        "names the hash: {shown}"
    );
    assert!(shown.contains("after 100 items"), "{shown}");
    assert_eq!(server.requests(), 2);
    let targets: Vec<String> = server.received().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/keys", "/keys?offset=100"]);
}

#[tokio::test]
async fn reaching_the_page_cap_is_an_error_not_part_of_the_list() {
    // A list that never ends: one new key per page, forever.
    let server = MockOpenRouter::start_async().await;
    let endless = server.server().mock(|when, then| {
        when.method("GET").path("/keys");
        then.respond_with(|request: &httpmock::HttpMockRequest| {
            let offset = request
                .query_params()
                .into_iter()
                .find(|(name, _)| name == "offset")
                .and_then(|(_, value)| value.parse::<usize>().ok())
                .unwrap_or(0);
            httpmock::HttpMockResponse::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(json!({ "data": [api_key(offset)] }).to_string())
                .build()
        });
    });
    let err = client(&server)
        .api_keys()
        .list()
        .max_pages(25)
        .collect_all()
        .await
        .expect_err("25 pages and no end");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.to_string().contains("within 25 pages (25 items"),
        "{err}"
    );
    endless.assert_calls(25);
    // The default, for a list no one bounded.
    assert_eq!(openrouter_analytics::DEFAULT_MAX_PAGES, 10_000);
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
