//! Request bodies from the command line never lose input: `--clear FIELD` sends
//! `null`, `api ... --body` sends the JSON as given (explicit nulls and fields the spec
//! does not know included), and the newer parameters reach the wire. The built
//! `openrouter` binary against local mock servers (127.0.0.1 only); httpmock's
//! `json_body` matches the whole body, so a field left out or added fails the match.

use httpmock::prelude::*;
use serde_json::{Value, json};

mod common;

use common::run;

const KEY: &str = "sk-or-v1-bodies-test-management-key-0123";
const WS: &str = "0b3c9b5e-4f8a-4c1e-9d2e-7a6b5c4d3e2f";

fn cli(server: &MockServer) -> std::process::Command {
    common::cli(&server.base_url(), KEY)
}

fn api_key(hash: &str) -> Value {
    json!({
        "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_monthly": 0.0,
        "byok_usage_weekly": 0.0, "created_at": "2026-10-01T08:00:00Z",
        "creator_user_id": null, "disabled": false, "expires_at": null,
        "external_user": null, "hash": hash, "include_byok_in_limit": false,
        "label": "sk-or-v1-a...b", "last_used_at": null,
        "limit": null, "limit_remaining": null, "limit_reset": null,
        "name": "prod", "updated_at": null, "usage": 1.0, "usage_daily": 0.0,
        "usage_monthly": 0.0, "usage_weekly": 0.0, "workspace_id": WS
    })
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

fn mock_key_update(server: &MockServer, body: Value) -> httpmock::Mock<'_> {
    let answer = json!({"data": api_key("aaa111")});
    server.mock(move |when, then| {
        when.method(PATCH).path("/keys/aaa111").json_body(body);
        then.status(200).json_body(answer);
    })
}

#[test]
fn keys_update_clear_sends_null_for_the_limit_and_its_reset() {
    let server = MockServer::start();
    let both = mock_key_update(&server, json!({"limit": null, "limit_reset": null}));
    run(cli(&server).args([
        "keys",
        "update",
        "aaa111",
        "--clear",
        "limit",
        "--clear",
        "limit-reset",
        "-f",
        "json",
    ]))
    .ok();
    both.assert_calls(1);

    // Clearing one field and setting another: the rest stays out of the body.
    let mixed = mock_key_update(&server, json!({"limit_reset": null, "limit": 5.0}));
    run(cli(&server).args([
        "keys",
        "update",
        "aaa111",
        "--limit",
        "5",
        "--clear",
        "limit-reset",
        "-f",
        "json",
    ]))
    .ok();
    mixed.assert_calls(1);

    // Without --clear, nothing is null.
    let plain = mock_key_update(&server, json!({"name": "renamed"}));
    run(cli(&server).args([
        "keys", "update", "aaa111", "--name", "renamed", "-f", "json",
    ]))
    .ok();
    plain.assert_calls(1);
}

#[test]
fn clear_refuses_a_field_that_is_not_nullable_or_is_also_set_and_sends_nothing() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    let out = run(cli(&server).args(["keys", "update", "aaa111", "--clear", "name"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("'name' for '--clear <FIELD>'")
            && out.stderr.contains("possible values: limit, limit-reset"),
        "{}",
        out.stderr
    );
    let out = run(cli(&server).args([
        "keys", "update", "aaa111", "--limit", "5", "--clear", "limit",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.error_line().contains("--limit and --clear limit"),
        "{}",
        out.stderr
    );
    let out = run(cli(&server).args(["workspaces", "update", "research", "--clear", "slug"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let line = &out.stderr;
    for field in [
        "description",
        "default-text-model",
        "default-image-model",
        "default-provider-sort",
        "io-logging-api-key-ids",
        "disabled-server-tools",
    ] {
        assert!(line.contains(field), "{field}: {}", out.stderr);
    }
    any.assert_calls(0);
}

#[test]
fn workspaces_update_clear_sends_null_for_each_named_setting() {
    let server = MockServer::start();
    let answer = json!({"data": workspace()});
    let mock = server.mock(|when, then| {
        when.method(PATCH)
            .path("/workspaces/research")
            .json_body(json!({
                "description": null,
                "default_text_model": null,
                "io_logging_api_key_ids": null,
                "disabled_server_tools": null,
                "name": "Research"
            }));
        then.status(200).json_body(answer);
    });
    run(cli(&server).args([
        "workspaces",
        "update",
        "research",
        "--name",
        "Research",
        "--clear",
        "description",
        "--clear",
        "default-text-model",
        "--clear",
        "io-logging-api-key-ids",
        "--clear",
        "disabled-server-tools",
        "-f",
        "json",
    ]))
    .ok();
    mock.assert_calls(1);
}

#[test]
fn api_body_is_sent_as_given_with_nulls_and_unknown_fields() {
    let server = MockServer::start();
    let given = json!({
        "limit": null,
        "limit_reset": null,
        "a_field_from_next_year": {"nested": [1, "two", null]}
    });
    let mock = mock_key_update(&server, given.clone());
    run(cli(&server).args([
        "api",
        "api-keys",
        "update",
        "--hash",
        "aaa111",
        "--body",
        &given.to_string(),
    ]))
    .ok();
    mock.assert_calls(1);

    // A known field of the wrong type is still refused before anything is sent.
    let out = run(cli(&server).args([
        "api",
        "api-keys",
        "update",
        "--hash",
        "aaa111",
        "--body",
        r#"{"limit":"lots"}"#,
    ]));
    assert_ne!(out.code, 0, "{}", out.stderr);
    mock.assert_calls(1);
}

#[test]
fn newer_parameters_reach_the_wire() {
    let server = MockServer::start();
    let moved = mock_key_update(&server, json!({"workspace_id": WS}));
    run(cli(&server).args([
        "keys",
        "update",
        "aaa111",
        "--workspace-id",
        WS,
        "-f",
        "json",
    ]))
    .ok();
    moved.assert_calls(1);

    let answer = json!({"data": workspace()});
    let created = server.mock(|when, then| {
        when.method(POST).path("/workspaces").json_body(json!({
            "name": "Research", "slug": "research",
            "disabled_server_tools": ["openrouter:web_search", "openrouter:bash"]
        }));
        then.status(201).json_body(answer);
    });
    run(cli(&server).args([
        "workspaces",
        "create",
        "--name",
        "Research",
        "--slug",
        "research",
        "--disabled-server-tools",
        "openrouter:web_search,openrouter:bash",
        "-f",
        "json",
    ]))
    .ok();
    created.assert_calls(1);

    let confirmed = server.mock(|when, then| {
        when.method(DELETE)
            .path("/workspaces/default")
            .query_param("confirm_default_workspace_deletion", "true");
        then.status(200).body(r#"{"deleted":true}"#);
    });
    let plain = server.mock(|when, then| {
        when.method(DELETE)
            .path("/workspaces/other")
            .query_param_missing("confirm_default_workspace_deletion");
        then.status(200).body(r#"{"deleted":true}"#);
    });
    run(cli(&server).args([
        "workspaces",
        "delete",
        "default",
        "--yes",
        "--confirm-default-workspace-deletion",
        "-f",
        "json",
    ]))
    .ok();
    run(cli(&server).args(["workspaces", "delete", "other", "--yes", "-f", "json"])).ok();
    confirmed.assert_calls(1);
    plain.assert_calls(1);
}
