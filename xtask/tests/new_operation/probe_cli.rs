//! Copied into a scratch copy of the workspace whose spec gained `GET /probe/echo`
//! (see xtask/tests/new_operation.rs): `openrouter api probe probe-echo` calls it; and
//! whose `ApiKey` gained `probe_score`, which the CLI shows with no change of its own.

use std::process::Command;

use httpmock::prelude::*;

#[test]
fn the_cli_reaches_the_new_operation() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/probe/echo")
            .query_param("text", "hi")
            .header("authorization", "Bearer sk-or-v1-probe-key");
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"data":{"ok":true}}"#);
    });
    let output = Command::new(env!("CARGO_BIN_EXE_openrouter"))
        .env_clear()
        .env("OPENROUTER_API_KEY", "sk-or-v1-probe-key")
        .args(["--base-url", &server.base_url()])
        .args(["api", "probe", "probe-echo", "--text", "hi"])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim_end(), r#"{"data":{"ok":true}}"#);
    mock.assert_calls(1);
}

fn openrouter(server: &MockServer, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_openrouter"))
        .env_clear()
        .env("OPENROUTER_API_KEY", "sk-or-v1-probe-key")
        .args(["--base-url", &server.base_url()])
        .args(args)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_field_added_to_a_response_is_a_column_with_no_cli_change() {
    let server = MockServer::start();
    let key = serde_json::json!({
        "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_monthly": 0.0,
        "byok_usage_weekly": 0.0, "created_at": "2026-10-01T08:00:00Z",
        "creator_user_id": null, "disabled": false, "expires_at": null,
        "external_user": null, "hash": "aaa111", "include_byok_in_limit": false,
        "label": "sk-or-v1-aaa...", "last_used_at": null, "limit": null,
        "limit_remaining": null, "limit_reset": null, "name": "prod", "updated_at": null,
        "usage": 1.0, "usage_daily": 0.0, "usage_monthly": 1.0, "usage_weekly": 0.0,
        "workspace_id": "0b3c9b5e-4f8a-4c1e-9d2e-7a6b5c4d3e2f", "probe_score": 1.5
    });
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param_missing("offset");
        then.status(200).json_body(serde_json::json!({ "data": [key] }));
    });
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param("offset", "1");
        then.status(200).json_body(serde_json::json!({ "data": [] }));
    });
    let csv = openrouter(
        &server,
        &["api", "api-keys", "list", "-f", "csv", "--columns", "name,probe_score"],
    );
    assert_eq!(csv, "name,probe_score\nprod,1.5\n");
    // The friendly command's CSV lists the spec's fields: the new one is among them.
    let csv = openrouter(&server, &["keys", "list", "-f", "csv"]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let row: Vec<&str> = lines.next().expect("a row").split(',').collect();
    let at = header
        .iter()
        .position(|h| *h == "probe_score")
        .unwrap_or_else(|| panic!("probe_score in {header:?}"));
    assert_eq!(row[at], "1.5");
    // Its kind is the spec's too: dollars to the cent in a table.
    let table = openrouter(
        &server,
        &["api", "api-keys", "list", "-f", "table", "--columns", "probe_score"],
    );
    assert!(table.contains("$1.50"), "dollars, as the spec says: {table}");
}
