//! For people at a shell: completion scripts, and `analytics query` time buckets
//! labelled by their size. The built binary, against a local mock server (127.0.0.1).

use std::process::Command;

use httpmock::prelude::*;
use serde_json::json;

const KEY: &str = "sk-or-v1-shell-test-secret-0123456789";

mod common;

use common::bare;

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn completions_print_a_script_for_each_shell_without_a_key() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = stdout_of(bare().args(["completions", shell]));
        assert!(!script.trim().is_empty(), "{shell}");
        assert!(script.contains("openrouter"), "{shell}");
        for command in ["activity", "report", "analytics"] {
            assert!(script.contains(command), "{shell}: {command}");
        }
    }
    let out = bare().args(["completions", "tcsh"]).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

fn query_server(date: &str) -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/analytics/query");
        then.status(200).json_body(json!({ "data": {
            "data": [
                { "date": date, "model": "openai/gpt-4o", "request_count": 120 },
                { "date": date, "model": "meta/llama", "request_count": 7 }
            ],
            "metadata": { "query_time_ms": 3, "row_count": 2, "truncated": false },
            "cachedAt": null,
            "warnings": []
        }}));
    });
    server
}

fn query(server: &MockServer, granularity: &str, format: &str) -> String {
    stdout_of(
        bare()
            .env("OPENROUTER_API_KEY", KEY)
            .args(["--base-url", &server.base_url(), "analytics", "query"])
            .args(["-m", "request_count", "-d", "model", "-g", granularity])
            .args(["-f", format]),
    )
}

#[test]
fn day_buckets_are_labelled_day_and_shown_as_dates_in_tables_and_csv() {
    let server = query_server("2026-11-01T00:00:00.000Z");
    let table = query(&server, "day", "table");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "DAY         MODEL          REQUEST_COUNT");
    assert_eq!(lines[1], "2026-11-01  openai/gpt-4o            120");

    let csv = query(&server, "day", "csv");
    assert_eq!(
        csv.lines().take(2).collect::<Vec<_>>(),
        ["day,model,request_count", "2026-11-01,openai/gpt-4o,120"]
    );

    // JSON stays as OpenRouter sent it.
    let raw = query(&server, "day", "json");
    assert!(
        raw.contains("\"date\":\"2026-11-01T00:00:00.000Z\""),
        "{raw}"
    );

    let csv = query(&server, "week", "csv");
    assert!(
        csv.starts_with("week,model,request_count\n2026-11-01,"),
        "{csv}"
    );
}

#[test]
fn hour_buckets_are_labelled_hour_and_keep_their_time() {
    let server = query_server("2026-11-01 13:00:00");
    let table = query(&server, "hour", "table");
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("HOUR "), "{table}");
    assert!(
        lines[1].starts_with("2026-11-01 13:00:00  openai/gpt-4o"),
        "{table}"
    );
    let csv = query(&server, "hour", "csv");
    assert!(
        csv.starts_with("hour,model,request_count\n2026-11-01 13:00:00,"),
        "{csv}"
    );
}
