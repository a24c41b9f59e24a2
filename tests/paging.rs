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
    // The issue's case: `/keys` answering 100, 50, 100 items gave 150 and success.
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
    // The issue's runaway: every answer is the same 100 keys with one field changed,
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

// Called by name (`client.operation(..)`, what `openrouter api` and the CLI's
// `guardrails`, `byok` and `models` commands use), a paged operation goes through the
// same loop and rules as the typed call.

fn guardrail(n: usize) -> Value {
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "name": format!("guardrail {n}"),
        "include_byok_in_budgets": false,
        "workspace_id": null,
        "created_at": "2026-10-01T08:00:00Z"
    })
}

/// What a paging server answers to `offset`: the numbers of the items on the page, and
/// the `total_count` it claims.
type Script = fn(usize) -> (Vec<usize>, usize);

/// A server for `GET /guardrails` whose answer to `offset` is `script(offset)`.
fn scripted_guardrails(server: &MockOpenRouter, script: Script) -> httpmock::Mock<'_> {
    server.server().mock(|when, then| {
        when.method("GET").path("/guardrails");
        then.respond_with(move |request: &httpmock::HttpMockRequest| {
            let offset = request
                .query_params()
                .into_iter()
                .find(|(name, _)| name == "offset")
                .and_then(|(_, value)| value.parse::<usize>().ok())
                .unwrap_or(0);
            let (items, total) = script(offset);
            let body = json!({
                "data": items.into_iter().map(guardrail).collect::<Vec<_>>(),
                "total_count": total,
            });
            httpmock::HttpMockResponse::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(body.to_string())
                .build()
        });
    })
}

/// Pages of 100, 50 and 100 from offsets 0, 100 and 150, `total_count` 250.
fn short_page_in_the_middle(offset: usize) -> (Vec<usize>, usize) {
    let size = match offset {
        0 => 100,
        100 => 50,
        150 => 100,
        _ => 0,
    };
    ((offset..offset + size).collect(), 250)
}

/// The page at offset 100 starts at item 50 again.
fn overlapping_pages(offset: usize) -> (Vec<usize>, usize) {
    let start = if offset == 0 { 0 } else { offset - 50 };
    ((start..(start + 100).min(200)).collect(), 200)
}

/// The first 100 of 1,000 whatever the offset.
fn ignores_offset(_offset: usize) -> (Vec<usize>, usize) {
    ((0..100).collect(), 1000)
}

/// 100 items, then empty pages, under a `total_count` of 250.
fn stops_at_100_of_250(offset: usize) -> (Vec<usize>, usize) {
    ((offset..100).collect(), 250)
}

#[tokio::test]
async fn by_name_a_list_comes_whole_through_every_page() {
    let server = MockOpenRouter::start_async().await;
    let _pages = scripted_guardrails(&server, short_page_in_the_middle);
    let call = || {
        client(&server)
            .operation("guardrails", "list")
            .expect("known")
    };
    let pages = call().send_all_pages().await.expect("every page");
    assert_eq!(
        pages
            .iter()
            .map(|p| p.value["data"].as_array().map_or(0, Vec::len))
            .collect::<Vec<_>>(),
        [100, 50, 100],
        "the short page did not end the list"
    );
    let raw: Value = serde_json::from_slice(&pages[1].raw_body).expect("JSON");
    assert_eq!(raw["data"][0]["name"], "guardrail 100");
    let items = call().collect_all().await.expect("every item");
    assert_eq!(items.len(), 250);
    assert_eq!(items[249]["name"], "guardrail 249");
    // Without total_count, only an empty page ends a list, as for the typed call.
    let server = MockOpenRouter::start_async().await;
    keys_server(&server, 25, 10);
    let keys = client(&server)
        .operation("api_keys", "list")
        .expect("known")
        .collect_all()
        .await
        .expect("every key");
    assert_eq!(keys.len(), 25);
}

#[tokio::test]
async fn by_name_pages_that_do_not_add_up_are_an_error_never_part_of_the_list() {
    let cases: [(Script, &str); 3] = [
        (
            overlapping_pages,
            "came twice (at offset 100, after 100 items)",
        ),
        (
            ignores_offset,
            "came twice (at offset 100, after 100 items)",
        ),
        (stops_at_100_of_250, "after 100 of the 250 items"),
    ];
    for (script, message) in cases {
        let server = MockOpenRouter::start_async().await;
        let mock = scripted_guardrails(&server, script);
        let err = client(&server)
            .operation("guardrails", "list")
            .expect("known")
            .collect_all()
            .await
            .expect_err("not the whole list");
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
        assert_eq!(err.operation(), Some("list_guardrails"));
        assert!(err.to_string().contains(message), "{err}");
        // The second page shows that the list does not add up; nothing is asked after it.
        mock.assert_calls(2);
    }
}

#[tokio::test]
async fn by_name_the_page_cap_holds_and_unpaged_operations_have_no_pages() {
    let server = MockOpenRouter::start_async().await;
    keys_server(&server, 1_000, 1);
    let err = client(&server)
        .operation("api_keys", "list")
        .expect("known")
        .max_pages(5)
        .send_all_pages()
        .await
        .expect_err("5 pages and no end");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("within 5 pages"), "{err}");
    let err = client(&server)
        .operation("credits", "get_credits")
        .expect("known")
        .send_all_pages()
        .await
        .expect_err("one answer, no pages");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(
        err.to_string().contains("not a list paged by offset"),
        "{err}"
    );
    // The generated table says which operations page and how items are told apart.
    let paging = |group, method| {
        openrouter_analytics::find_operation(group, method)
            .and_then(|op| op.paging)
            .map(|paging| (paging.item_id, paging.total_count))
    };
    assert_eq!(paging("api_keys", "list"), Some((Some("hash"), false)));
    assert_eq!(paging("guardrails", "list"), Some((Some("id"), true)));
    assert_eq!(paging("byok", "list"), Some((Some("id"), true)));
    assert_eq!(paging("models", "list"), Some((Some("id"), true)));
    assert_eq!(paging("credits", "get_credits"), None);
}

#[test]
fn the_blocking_client_pages_by_name_too() {
    let server = MockOpenRouter::start();
    let _pages = scripted_guardrails(&server, stops_at_100_of_250);
    let client = openrouter_analytics::blocking::Client::builder()
        .api_key("sk-or-v1-paging")
        .base_url(server.base_url())
        .build()
        .expect("valid config");
    let err = client
        .operation("guardrails", "list")
        .expect("known")
        .collect_all()
        .expect_err("150 missing");
    assert!(err.to_string().contains("100 of the 250"), "{err}");
}

#[tokio::test]
async fn from_an_offset_total_count_counts_the_items_before_it() {
    // 250 members in pages of 100, 50, 100; starting at 100 leaves 150 to fetch. The
    // loop once compared the 150 that came with total_count and asked for more.
    let server = MockOpenRouter::start_async().await;
    sized_pages(
        &server,
        "/organization/members",
        member,
        &[100, 50, 100],
        Some(250),
    );
    let members = client(&server)
        .organization()
        .list_members()
        .offset(100)
        .collect_all()
        .await
        .expect("the rest of the list");
    assert_eq!(members.len(), 150);
    assert_eq!(members[0].id, "user_100");
    let members = client(&server)
        .operation("organization", "list_members")
        .expect("known")
        .arg("offset", "100")
        .collect_all()
        .await
        .expect("the rest of the list, by name");
    assert_eq!(members.len(), 150);
}

// Read tolerantly (`send_all_pages_tolerant`, what the CLI's lists use), a page is kept
// as sent and checked item by item as it is read; the rules of the loop still hold.

/// What a server answers to `offset`, as sent.
type RawPage = fn(usize) -> String;

/// A server for `GET /guardrails` answering each offset with `page(offset)` as sent.
fn raw_guardrails(server: &MockOpenRouter, status: u16, page: RawPage) -> httpmock::Mock<'_> {
    server.server().mock(|when, then| {
        when.method("GET").path("/guardrails");
        then.respond_with(move |request: &httpmock::HttpMockRequest| {
            let offset = request
                .query_params()
                .into_iter()
                .find(|(name, _)| name == "offset")
                .and_then(|(_, value)| value.parse::<usize>().ok())
                .unwrap_or(0);
            httpmock::HttpMockResponse::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(page(offset))
                .build()
        });
    })
}

/// Guardrail `n`, with two that do not match the spec: item 1000's name is a number,
/// item 1700 lacks its id; item 7's name is markup.
fn odd_guardrail(n: usize) -> Value {
    let mut item = guardrail(n);
    match n {
        7 => item["name"] = json!("<b>\u{1b}[31mred</b>,\"quoted\"\n"),
        1000 => item["name"] = json!(1000),
        1700 => {
            item.as_object_mut().map(|item| item.remove("id"));
        }
        _ => {}
    }
    item
}

/// 2,000 guardrails in pages of 1,500 and 500, with [`odd_guardrail`]'s items.
fn pages_with_odd_items(offset: usize) -> String {
    let items: Vec<Value> = match offset {
        0 => (0..1500).map(odd_guardrail).collect(),
        1500 => (1500..2000).map(odd_guardrail).collect(),
        _ => Vec::new(),
    };
    // Field order and fields the spec does not know are part of what was sent.
    let items: Vec<String> = items.iter().map(Value::to_string).collect();
    format!(
        r#"{{"total_count":2000,"unknown":{{"z":[1,2]}},"data":[{}]}}"#,
        items.join(",")
    )
}

#[tokio::test]
async fn tolerant_pages_are_kept_as_sent_with_the_first_mismatch_only() {
    let server = MockOpenRouter::start_async().await;
    let mock = raw_guardrails(&server, 200, pages_with_odd_items);
    let list = client(&server)
        .operation("guardrails", "list")
        .expect("known")
        .send_all_pages_tolerant()
        .await
        .expect("a mismatch is no error here");
    mock.assert_calls(2);
    // `Debug` shows each page's length, never its content.
    let debug = format!("{list:?}");
    assert!(
        debug.contains("bytes>") && !debug.contains("guardrail 1"),
        "{debug}"
    );
    assert_eq!(list.pages.len(), 2);
    assert_eq!(&list.pages[0][..], pages_with_odd_items(0).as_bytes());
    assert_eq!(&list.pages[1][..], pages_with_odd_items(1500).as_bytes());
    let mismatch = list.mismatch.expect("item 1000 does not match");
    assert_eq!(mismatch.kind(), ErrorKind::Decode);
    assert_eq!(mismatch.operation(), Some("list_guardrails"));
    let text = mismatch.to_string();
    assert!(text.contains("integer `1000`"), "{text}");
    assert!(
        !text.contains("missing field `id`"),
        "only the first: {text}"
    );

    // The typed call and the strict call by name refuse the same list.
    let err = client(&server)
        .guardrails()
        .list()
        .send_all_pages()
        .await
        .expect_err("strict");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("integer `1000`"), "{err}");
}

/// A page that does not match the spec, whose ids repeat from offset 100 on (a server
/// ignoring `offset`) under a `total_count` that is a lie.
fn odd_pages_ignoring_offset(_offset: usize) -> String {
    let items: Vec<String> = (0..100)
        .map(|n| {
            let mut item = guardrail(n);
            item["include_byok_in_budgets"] = json!("not a boolean");
            item.to_string()
        })
        .collect();
    format!(r#"{{"data":[{}],"total_count":1000}}"#, items.join(","))
}

/// 100 items that do not match the spec, then nothing, under a `total_count` of 250.
fn odd_pages_stopping_at_100_of_250(offset: usize) -> String {
    let items: Vec<String> = (offset..100)
        .map(|n| {
            let mut item = guardrail(n);
            item["created_at"] = json!(12);
            item.to_string()
        })
        .collect();
    format!(r#"{{"data":[{}],"total_count":250}}"#, items.join(","))
}

#[tokio::test]
async fn tolerant_pages_that_do_not_match_must_still_add_up() {
    let cases: [(RawPage, &str, usize); 2] = [
        (
            odd_pages_ignoring_offset,
            "came twice (at offset 100, after 100 items)",
            2,
        ),
        (
            odd_pages_stopping_at_100_of_250,
            "after 100 of the 250 items",
            2,
        ),
    ];
    for (page, message, calls) in cases {
        let server = MockOpenRouter::start_async().await;
        let mock = raw_guardrails(&server, 200, page);
        let err = client(&server)
            .operation("guardrails", "list")
            .expect("known")
            .send_all_pages_tolerant()
            .await
            .expect_err("the list does not add up");
        assert!(err.to_string().contains(message), "{err}");
        mock.assert_calls(calls);
    }
}

#[tokio::test]
async fn tolerant_pages_take_an_undescribed_2xx_and_refuse_what_is_not_json() {
    // A 201 the spec does not list for this read: shown as sent, with the mismatch.
    let server = MockOpenRouter::start_async().await;
    let _mock = raw_guardrails(&server, 201, |_| {
        format!(r#"{{"data":[{}],"total_count":1}}"#, guardrail(1))
    });
    let list = client(&server)
        .operation("guardrails", "list")
        .expect("known")
        .send_all_pages_tolerant()
        .await
        .expect("tolerated");
    assert_eq!(list.pages.len(), 1);
    let mismatch = list.mismatch.expect("an undescribed status");
    assert!(mismatch.to_string().contains("201"), "{mismatch}");

    for body in [r#"{"data":[{"id":"#, "<html>busy</html>"] {
        let server = MockOpenRouter::start_async().await;
        let page = if body.starts_with('<') {
            (|_| "<html>busy</html>".to_owned()) as RawPage
        } else {
            |_| r#"{"data":[{"id":"#.to_owned()
        };
        let _mock = raw_guardrails(&server, 200, page);
        let err = client(&server)
            .operation("guardrails", "list")
            .expect("known")
            .send_all_pages_tolerant()
            .await
            .expect_err("not JSON");
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    }
}

#[tokio::test]
async fn send_raw_body_checks_every_row_and_keeps_the_bytes() {
    let row = |n: usize| {
        json!({
            "date": "2026-11-01", "model": format!("vendor/model-{n}"),
            "model_permaslug": "m", "endpoint_id": format!("e{n}"),
            "provider_name": "P", "usage": 0.5, "byok_usage_inference": 0.0,
            "requests": 1, "prompt_tokens": 1, "completion_tokens": 1,
            "reasoning_tokens": 0, "cached_tokens": 0
        })
    };
    let body = |bad: Option<usize>| {
        let rows: Vec<String> = (0..2000)
            .map(|n| {
                let mut row = row(n);
                if Some(n) == bad {
                    row["usage"] = json!("lots");
                }
                row.to_string()
            })
            .collect();
        // Unknown fields, and the server's own spelling of numbers, as sent.
        format!(r#"{{"new_field":[1.50],"data":[{}]}}"#, rows.join(","))
    };
    for bad in [None, Some(1000)] {
        let server = MockOpenRouter::start_async().await;
        let sent = body(bad);
        let answer = sent.clone();
        server.server().mock(|when, then| {
            when.method("GET").path("/activity");
            then.status(200)
                .header("content-type", "application/json")
                .body(answer);
        });
        let got = client(&server)
            .analytics()
            .get_user_activity()
            .send_raw_body()
            .await;
        match bad {
            None => assert_eq!(&got.expect("matches")[..], sent.as_bytes()),
            Some(_) => {
                let err = got.expect_err("row 1000 does not match");
                assert_eq!(err.kind(), ErrorKind::Decode);
                assert!(err.to_string().contains("\"lots\""), "{err}");
                // The same mismatch as the decoding call names.
                let strict = client(&server)
                    .analytics()
                    .get_user_activity()
                    .send()
                    .await
                    .expect_err("strict");
                let first = |text: String| text.split(" at line").next().map(str::to_owned);
                assert_eq!(first(err.to_string()), first(strict.to_string()));
            }
        }
    }
}
