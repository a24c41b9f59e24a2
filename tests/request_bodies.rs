//! Request bodies never lose what the caller said: an optional nullable field can be
//! left out, sent as `null` or sent with a value, through the typed setters, a whole
//! typed body, typify's builder and calls by name; a call by name sends its JSON as
//! given, fields the spec does not know included; the parameters newer than
//! OpenRouter's published document are sent. Checked on the exact bytes the local mock
//! server (127.0.0.1) received.

use openrouter_analytics::types::{
    CreateKeysRequestExternal, UpdateKeysRequest, UpdateKeysRequestLimitReset, WorkspaceServerTool,
};
use openrouter_analytics::uuid::Uuid;
use openrouter_analytics::{Client, ErrorKind, Nullable, find_operation};
use openrouter_analytics_e2e::api_key;
use openrouter_analytics_mock::{Endpoint, EndpointMock, MockOpenRouter, Reply};
use serde_json::{Value, json};

const HASH: &str = "aaa111";
const WS: &str = "0df9a3a5-7f4b-4f4e-9d43-2b9f1f3b8a11";

fn endpoint(group: &str, method: &str) -> Endpoint {
    Endpoint::find(group, method).unwrap_or_else(|| panic!("{group}.{method} is in the spec"))
}

fn updated_key(server: &MockOpenRouter) -> EndpointMock<'_> {
    server.reply(
        endpoint("api_keys", "update"),
        Reply::json(200, &json!({"data": api_key("prod", 1)})),
    )
}

fn workspace() -> Value {
    json!({
        "id": WS, "name": "Research", "slug": "research", "description": null,
        "default_text_model": null, "default_image_model": null,
        "default_provider_sort": null, "io_logging_sampling_rate": 1.0,
        "io_logging_api_key_ids": null, "is_data_discount_logging_enabled": false,
        "is_observability_broadcast_enabled": false,
        "is_observability_io_logging_enabled": false, "include_byok_in_budgets": false,
        "default_guardrail_id": WS, "created_at": "2026-10-01T08:00:00Z",
        "created_by": "user_1", "updated_at": null
    })
}

/// The body of the `n`th request `mock` received, as text and as JSON.
fn sent_body(mock: &EndpointMock<'_>, n: usize) -> (String, Value) {
    let requests = mock.requests();
    let request = requests
        .get(n)
        .unwrap_or_else(|| panic!("request {n} of {}", requests.len()));
    let text = String::from_utf8(request.body().to_vec()).expect("utf-8 body");
    let json = serde_json::from_str(&text).unwrap_or_else(|err| panic!("{text}: {err}"));
    (text, json)
}

#[tokio::test]
async fn typed_setters_send_null_a_value_or_nothing() {
    let server = MockOpenRouter::start_async().await;
    let mock = updated_key(&server);
    let client = server.client();
    let update = || client.api_keys().update().hash(HASH);

    update()
        .clear_limit()
        .clear_limit_reset()
        .send()
        .await
        .expect("200");
    update().limit(25.0).send().await.expect("200");
    update().name("renamed").send().await.expect("200");
    // The last word wins: a value after a clear is sent as the value.
    update().clear_limit().limit(3.0).send().await.expect("200");

    let bodies: Vec<String> = (0..4).map(|n| sent_body(&mock, n).0).collect();
    assert_eq!(
        bodies,
        [
            r#"{"limit":null,"limit_reset":null}"#,
            r#"{"limit":25.0}"#,
            r#"{"name":"renamed"}"#,
            r#"{"limit":3.0}"#,
        ]
    );
}

#[tokio::test]
async fn a_typed_body_and_the_builder_carry_null_too() {
    let server = MockOpenRouter::start_async().await;
    let mock = updated_key(&server);
    let client = server.client();

    let body = UpdateKeysRequest {
        limit: Nullable::Null,
        limit_reset: Nullable::Value(UpdateKeysRequestLimitReset::Weekly),
        ..Default::default()
    };
    client
        .api_keys()
        .update()
        .hash(HASH)
        .body(body)
        .send()
        .await
        .expect("200");
    client
        .api_keys()
        .update()
        .hash(HASH)
        .body_map(|b| b.limit_reset(Nullable::Null).name(Some("x".to_string())))
        .send()
        .await
        .expect("200");
    assert_eq!(
        sent_body(&mock, 0).1,
        json!({"limit": null, "limit_reset": "weekly"})
    );
    assert_eq!(
        sent_body(&mock, 1).1,
        json!({"limit_reset": null, "name": "x"})
    );
}

#[tokio::test]
async fn every_nullable_workspace_setting_can_be_cleared() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.reply(
        endpoint("workspaces", "update"),
        Reply::json(200, &json!({"data": workspace()})),
    );
    let client = server.client();
    client
        .workspaces()
        .update()
        .id("research")
        .clear_description()
        .clear_default_text_model()
        .clear_default_image_model()
        .clear_default_provider_sort()
        .clear_io_logging_api_key_ids()
        .clear_disabled_server_tools()
        .send()
        .await
        .expect("200");
    let (_, body) = sent_body(&mock, 0);
    let expected: serde_json::Map<String, Value> = find_operation("workspaces", "update")
        .expect("in the table")
        .nullable_body_fields()
        .map(|name| (name.to_string(), Value::Null))
        .collect();
    assert_eq!(expected.len(), 6, "{expected:?}");
    assert_eq!(body, Value::Object(expected));
}

#[tokio::test]
async fn by_name_sends_the_json_as_given_nulls_and_unknown_fields_included() {
    let server = MockOpenRouter::start_async().await;
    let mock = updated_key(&server);
    let client = server.client();
    let given = json!({
        "limit": null,
        "limit_reset": null,
        "name": "kept",
        "a_field_from_next_year": {"nested": [1, "two", null]}
    });
    let answer = client
        .operation("api_keys", "update")
        .expect("known")
        .arg("hash", HASH)
        .body_json(given.clone())
        .send()
        .await
        .expect("200");
    assert_eq!(answer["data"]["name"], "prod");
    assert_eq!(sent_body(&mock, 0).1, given);
    let request = &mock.requests()[0];
    assert_eq!(request.header("content-type"), Some("application/json"));

    // Absent stays absent by name too.
    client
        .operation("api_keys", "update")
        .expect("known")
        .arg("hash", HASH)
        .body_json(json!({"name": "only"}))
        .send()
        .await
        .expect("200");
    assert_eq!(sent_body(&mock, 1).0, r#"{"name":"only"}"#);

    // A known field of the wrong type is refused before anything is sent.
    let err = client
        .operation("api_keys", "update")
        .expect("known")
        .arg("hash", HASH)
        .body_json(json!({"limit": "lots"}))
        .send()
        .await
        .expect_err("limit must be a number");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    mock.assert_calls(2);
}

#[test]
fn by_name_blocking_sends_the_json_as_given() {
    let server = MockOpenRouter::start();
    let mock = updated_key(&server);
    let client = openrouter_analytics::blocking::Client::builder()
        .api_key(openrouter_analytics_mock::TEST_API_KEY)
        .base_url(server.base_url())
        .build()
        .expect("client");
    client
        .operation("api_keys", "update")
        .expect("known")
        .arg("hash", HASH)
        .body_json(json!({"limit_reset": null, "unknown": true}))
        .send()
        .expect("200");
    assert_eq!(
        sent_body(&mock, 0).1,
        json!({"limit_reset": null, "unknown": true})
    );
}

#[tokio::test]
async fn the_newer_parameters_are_sent() {
    let server = MockOpenRouter::start_async().await;
    let client: Client = server.client();
    let ws: Uuid = WS.parse().expect("uuid");

    let update = updated_key(&server);
    client
        .api_keys()
        .update()
        .hash(HASH)
        .workspace_id(ws)
        .send()
        .await
        .expect("200");
    assert_eq!(sent_body(&update, 0).1, json!({"workspace_id": WS}));

    let create = server.reply(
        endpoint("api_keys", "create"),
        Reply::json(
            201,
            &json!({"data": api_key("partner", 2), "key": "sk-or-v1-new-secret-0123456789"}),
        ),
    );
    let partner_key = "partner-chosen-key-0123456789abcdef0123";
    client
        .api_keys()
        .create()
        .name("partner")
        .external(CreateKeysRequestExternal {
            user: "end-user-7".into(),
            api_key: Some(partner_key.into()),
        })
        .send()
        .await
        .expect("201");
    assert_eq!(
        sent_body(&create, 0).1,
        json!({"name": "partner", "external": {"user": "end-user-7", "api_key": partner_key}})
    );

    let created = server.reply(
        endpoint("workspaces", "create"),
        Reply::json(201, &json!({"data": workspace()})),
    );
    client
        .workspaces()
        .create()
        .name("Research")
        .slug("research")
        .disabled_server_tools(vec![
            WorkspaceServerTool::from("openrouter:web_search"),
            WorkspaceServerTool::from("openrouter:a_tool_added_later"),
        ])
        .send()
        .await
        .expect("201");
    assert_eq!(
        sent_body(&created, 0).1,
        json!({"name": "Research", "slug": "research",
               "disabled_server_tools": ["openrouter:web_search", "openrouter:a_tool_added_later"]})
    );

    let deleted = server.reply(
        endpoint("workspaces", "delete"),
        Reply::json(200, &json!({"deleted": true})),
    );
    client
        .workspaces()
        .delete()
        .id("default")
        .confirm_default_workspace_deletion(true)
        .send()
        .await
        .expect("200");
    client
        .workspaces()
        .delete()
        .id("other")
        .send()
        .await
        .expect("200");
    let requests = deleted.requests();
    assert_eq!(
        requests[0].query_param("confirm_default_workspace_deletion"),
        Some("true")
    );
    assert_eq!(
        requests[1].query_param("confirm_default_workspace_deletion"),
        None
    );
}
