//! The built `openrouter` binary against local mock servers (127.0.0.1 only): every
//! format's output, summaries and sorting, the requests it sends, exit codes, the
//! environment, the spinner, and that the key is never printed.

use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

use httpmock::prelude::*;
use serde_json::{Value, json};

const KEY: &str = "sk-or-v1-cli-test-secret-0123456789";

mod common;

use common::{bare, run};

/// The binary pointed at `server`, with the test key in the environment and fast retries.
fn cli(server: &MockServer) -> Command {
    common::cli(&server.base_url(), KEY)
}

fn row(date: &str, model: &str, provider: &str, usage: f64, requests: i64) -> Value {
    json!({
        "date": date,
        "model": model,
        "model_permaslug": format!("{model}-2026-01-01"),
        "endpoint_id": format!("ep-{model}-{provider}"),
        "provider_name": provider,
        "usage": usage,
        "byok_usage_inference": 0.0,
        "requests": requests,
        "prompt_tokens": requests * 100,
        "completion_tokens": requests * 10,
        "reasoning_tokens": requests,
        "cached_tokens": requests * 2
    })
}

/// Three models, two providers, two days; costs chosen to add up with float noise.
fn activity() -> Value {
    json!({ "data": [
        row("2026-11-01", "openai/gpt-4o", "OpenAI", 0.1, 2),
        row("2026-11-01", "anthropic/claude-sonnet-4", "Anthropic", 1.25, 1),
        row("2026-11-02", "openai/gpt-4o", "Azure", 0.2, 7),
        row("2026-11-02", "meta/llama", "OpenAI", 0.000012, 40),
    ]})
}

fn mock_activity(server: &MockServer, body: Value) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.method(GET).path("/activity");
        then.status(200).json_body(body);
    })
}

// ---------------------------------------------------------------- activity formats

#[test]
fn activity_json_is_the_api_response_with_every_field() {
    let server = MockServer::start();
    let mut body = activity();
    body["data"][1]["workspace_id"] = json!("ws-1");
    body["data"][0]["byok_usage_inference"] = json!(0.5);
    body["data"][2]["usage"] = json!(0.045000000000000005);
    body["data"][3]["cached_tokens"] = json!(9_007_199_254_740_993_i64);
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/activity")
            .query_param_missing("date")
            .query_param_missing("group_by");
        then.status(200).json_body(body.clone());
    });
    let out = run(cli(&server).args(["activity", "--format", "json"])).ok();
    assert_eq!(out.json(), body);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    mock.assert();
}

#[test]
fn json_is_the_body_openrouter_sent_byte_for_byte() {
    // Keys in the API's order, an explicit null and a field the client does not know:
    // re-encoding the typed response would reorder, drop or rewrite each of them.
    let activity = r#"{"data":[{"date":"2026-11-01","model":"m/1","model_permaslug":"m/1-x","endpoint_id":"e","provider_name":"P","usage":0.10,"byok_usage_inference":0,"requests":1,"prompt_tokens":2,"completion_tokens":3,"reasoning_tokens":0,"cached_tokens":0,"workspace_id":null,"added_next_week":[1,"two"]}]}"#;
    let query = r#"{"data":{"data":[{"model":"m/1","total_usage":1.50}],"metadata":{"query_time_ms":3,"row_count":1,"truncated":false},"cachedAt":null,"warnings":[],"new_summary":{"x":1}}}"#;
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/activity");
        then.status(200).body(activity);
    });
    server.mock(|when, then| {
        when.method(POST).path("/analytics/query");
        then.status(200).body(query);
    });
    let out = run(cli(&server).args(["activity", "-f", "json"])).ok();
    assert_eq!(out.stdout, format!("{activity}\n"));
    let out = run(cli(&server).args([
        "analytics",
        "query",
        "-m",
        "total_usage",
        "-d",
        "model",
        "-f",
        "json",
    ]))
    .ok();
    assert_eq!(out.stdout, format!("{query}\n"));
}

/// `-f json` prints the body as sent without decoding it whole, but still checks every
/// row against the spec first: a report whose row 1000 of 2,000 does not match is an
/// error before anything is printed, in every format.
#[test]
fn activity_json_checks_every_row_before_printing_any() {
    let rows = |bad: Option<usize>| -> String {
        let rows: Vec<String> = (0..2000)
            .map(|n| {
                let mut row = row("2026-11-01", &format!("vendor/<b>m{n}</b>"), "P", 0.5, 1);
                if Some(n) == bad {
                    row["requests"] = json!("many");
                }
                row.to_string()
            })
            .collect();
        format!(r#"{{"data":[{}],"next":{{"z":1.50}}}}"#, rows.join(","))
    };
    let good = rows(None);
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/activity");
        then.status(200).body(&good);
    });
    let out = run(cli(&server).args(["activity", "-f", "json"])).ok();
    assert_eq!(out.stdout, format!("{good}\n"));

    let bad = rows(Some(1000));
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/activity");
        then.status(200).body(&bad);
    });
    let mut codes = Vec::new();
    for format in ["json", "csv", "table"] {
        let out = run(cli(&server).args(["activity", "-f", format]));
        assert_ne!(out.code, 0, "{format}");
        assert!(out.stdout.is_empty(), "{format}: {}", out.stdout);
        assert!(
            out.stderr.contains("expected i64"),
            "{format}: {}",
            out.stderr
        );
        codes.push(out.code);
    }
    assert!(codes.iter().all(|code| *code == codes[0]), "{codes:?}");
}

#[test]
fn json_is_the_default_when_stdout_is_not_a_terminal() {
    let server = MockServer::start();
    mock_activity(&server, activity());
    let out = run(cli(&server).arg("activity")).ok();
    assert_eq!(out.json(), activity());
}

#[test]
fn activity_csv_has_the_api_fields_and_one_quoted_row_per_item() {
    let server = MockServer::start();
    let mut body = activity();
    body["data"][0]["model"] = json!("odd \"model\", with comma\nand newline");
    body["data"][1]["workspace_id"] = json!("ws-1");
    mock_activity(&server, body);
    let out = run(cli(&server).args(["activity", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    assert_eq!(
        header,
        [
            "date",
            "model",
            "model_permaslug",
            "endpoint_id",
            "provider_name",
            "usage",
            "byok_usage_inference",
            "requests",
            "prompt_tokens",
            "completion_tokens",
            "reasoning_tokens",
            "cached_tokens",
            "workspace_id"
        ]
    );
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0][1], "odd \"model\", with comma\nand newline");
    assert_eq!(rows[0][5], "0.1");
    assert_eq!(rows[1][12], "ws-1");
    assert_eq!(rows[0][12], "");
    assert_eq!(rows[3][5], "0.000012", "never in exponent form");
    assert_eq!(rows[3][7], "40");
    assert_eq!(rows[3][11], "80");
}

#[test]
fn activity_table_aligns_columns_and_ends_with_totals() {
    let server = MockServer::start();
    mock_activity(&server, activity());
    let out = run(cli(&server).args(["activity", "--format", "table"])).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 7, "{}", out.stdout);
    assert!(lines[0].starts_with("DATE"), "{}", lines[0]);
    assert!(lines[0].ends_with("COST (USD)"), "{}", lines[0]);
    assert!(
        lines[5].chars().all(|c| c == '-' || c == ' '),
        "{}",
        lines[5]
    );
    // The last column is right-aligned: every line ends at the same place, and every
    // column starts where its header starts.
    let width = lines[0].chars().count();
    assert!(
        lines.iter().all(|l| l.chars().count() == width),
        "{}",
        out.stdout
    );
    let model_at = lines[0].find("MODEL").expect("MODEL column");
    assert_eq!(lines[2].find("anthropic/"), Some(model_at));
    assert_eq!(&lines[1][..10], "2026-11-01");
    assert!(lines[2].ends_with("$1.25"), "{}", lines[2]);
    assert!(lines[4].ends_with("$0.00"), "{}", lines[4]);
    let totals = lines[6];
    assert!(totals.starts_with("TOTAL"), "{totals}");
    assert!(totals.ends_with("$1.55"), "{totals}");
    // 2 + 1 + 7 + 40 requests, 100x prompt tokens.
    assert!(totals.contains(" 50 "), "{totals}");
    assert!(totals.contains(" 5,000 "), "{totals}");
    assert!(
        !out.stdout.contains("BYOK"),
        "no BYOK column when there is none"
    );
}

#[test]
fn activity_table_shows_workspace_and_byok_columns_when_they_have_data() {
    let server = MockServer::start();
    let mut body = activity();
    body["data"][0]["workspace_id"] = json!("ws-a");
    body["data"][0]["byok_usage_inference"] = json!(2.5);
    mock_activity(&server, body);
    let out = run(cli(&server).args(["activity", "-f", "table"])).ok();
    let header = out.stdout.lines().next().expect("header");
    assert!(header.contains("WORKSPACE"), "{header}");
    assert!(header.ends_with("BYOK (USD)"), "{header}");
    assert!(
        out.stdout
            .lines()
            .last()
            .expect("totals")
            .ends_with("$2.50")
    );
}

#[test]
fn empty_activity_prints_headers_and_zero_totals() {
    let server = MockServer::start();
    mock_activity(&server, json!({ "data": [] }));
    let out = run(cli(&server).args(["activity", "-f", "table"])).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[2].starts_with("TOTAL") && lines[2].ends_with("$0.00"));
    let out = run(cli(&server).args(["activity", "-f", "csv"])).ok();
    assert_eq!(out.csv().1.len(), 0);
    assert!(out.stdout.starts_with("date,model,"));
}

// ---------------------------------------------------------------- summaries and sort

#[test]
fn by_model_sums_each_model_and_sorts_by_cost_by_default() {
    let server = MockServer::start();
    mock_activity(&server, activity());
    let out = run(cli(&server).args(["activity", "--by", "model", "-f", "json"])).ok();
    let first_key = out.stdout.find("\"model\"").expect("model key");
    assert!(
        first_key < out.stdout.find("\"requests\"").expect("requests key"),
        "labels first"
    );
    let data = out.json()["data"].clone();
    assert_eq!(
        data,
        json!([
            { "model": "anthropic/claude-sonnet-4", "requests": 1, "prompt_tokens": 100,
              "completion_tokens": 10, "reasoning_tokens": 1, "cached_tokens": 2,
              "usage": 1.25, "byok_usage_inference": 0.0 },
            { "model": "openai/gpt-4o", "requests": 9, "prompt_tokens": 900,
              "completion_tokens": 90, "reasoning_tokens": 9, "cached_tokens": 18,
              "usage": 0.3, "byok_usage_inference": 0.0 },
            { "model": "meta/llama", "requests": 40, "prompt_tokens": 4000,
              "completion_tokens": 400, "reasoning_tokens": 40, "cached_tokens": 80,
              "usage": 0.000012, "byok_usage_inference": 0.0 },
        ])
    );
}

#[test]
fn summaries_sort_by_requests_tokens_or_name_and_combine_keys() {
    let server = MockServer::start();
    mock_activity(&server, activity());
    let csv = |args: &[&str]| {
        let out = run(cli(&server).args(["activity", "-f", "csv"]).args(args)).ok();
        out.csv()
    };
    let (header, rows) = csv(&["--by", "provider", "--sort", "requests"]);
    assert_eq!(header[0], "provider_name");
    assert_eq!(header[1], "requests");
    let providers: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(providers, ["OpenAI", "Azure", "Anthropic"]);
    assert_eq!(rows[0][1], "42");
    let (_, rows) = csv(&["--by", "provider", "--sort", "name"]);
    let providers: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(providers, ["Anthropic", "Azure", "OpenAI"]);
    let (_, rows) = csv(&["--by", "model", "--sort", "tokens"]);
    assert_eq!(rows[0][0], "meta/llama");
    let (header, rows) = csv(&["--by", "date,model", "--sort", "name"]);
    assert_eq!(&header[..3], ["date", "model", "requests"]);
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[0][..2], ["2026-11-01", "anthropic/claude-sonnet-4"]);
    let (header, rows) = csv(&["--by", "date"]);
    assert_eq!(
        header.last().map(String::as_str),
        Some("byok_usage_inference")
    );
    assert_eq!(rows[0][0], "2026-11-01", "1.35 USD beats 0.200012 USD");
    assert_eq!(rows[0][6], "1.35");
}

#[test]
fn sort_without_by_reorders_the_rows() {
    let server = MockServer::start();
    mock_activity(&server, activity());
    let out = run(cli(&server).args(["activity", "-f", "json", "--sort", "cost"])).ok();
    let costs: Vec<String> = out.json()["data"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["usage"].to_string())
        .collect();
    assert_eq!(costs, ["1.25", "0.2", "0.1", "0.000012"]);
}

#[test]
fn summary_table_has_a_share_column_and_totals() {
    let server = MockServer::start();
    mock_activity(&server, activity());
    let out = run(cli(&server).args(["activity", "--by", "provider", "-f", "table"])).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("PROVIDER"), "{}", lines[0]);
    assert!(lines[0].ends_with("SHARE"), "{}", lines[0]);
    assert!(
        lines[1].starts_with("Anthropic") && lines[1].ends_with("80.6%"),
        "{}",
        lines[1]
    );
    let totals = lines.last().expect("totals");
    assert!(totals.starts_with("TOTAL"), "{totals}");
    assert!(totals.ends_with("$1.55  100.0%"), "{totals}");
    let width = lines[0].chars().count();
    assert!(
        lines.iter().all(|l| l.chars().count() == width),
        "{}",
        out.stdout
    );
}

#[test]
fn workspaces_are_requested_split_and_summarised() {
    let server = MockServer::start();
    let mut body = activity();
    for (i, ws) in ["ws-a", "ws-b", "ws-a", "ws-b"].iter().enumerate() {
        body["data"][i]["workspace_id"] = json!(ws);
    }
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/activity")
            .query_param("group_by", "workspace");
        then.status(200).json_body(body);
    });
    let out = run(cli(&server).args([
        "activity",
        "--group-by",
        "workspace",
        "--by",
        "workspace",
        "-f",
        "csv",
    ]))
    .ok();
    mock.assert();
    let (header, rows) = out.csv();
    assert_eq!(header[0], "workspace_id");
    assert_eq!(rows[0][0], "ws-b", "1.250012 USD");
    assert_eq!(rows[1][0], "ws-a");
    assert_eq!(rows[1][1], "9");
}

#[test]
fn by_workspace_without_group_by_is_a_usage_error_before_any_request() {
    let server = MockServer::start();
    let mock = mock_activity(&server, activity());
    let out = run(cli(&server).args(["activity", "--by", "workspace"]));
    assert_eq!(out.code, 2);
    assert!(
        out.error_line().contains("--group-by workspace"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.calls(), 0);
}

#[test]
fn activity_filters_are_sent_as_query_parameters() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/activity")
            .query_param("date", "2026-11-01")
            .query_param("api_key_hash", "abc123")
            .query_param("user_id", "user_9")
            .query_param("workspace_id", "ws 1&2");
        then.status(200).json_body(activity());
    });
    run(cli(&server).args([
        "activity",
        "--date",
        "2026-11-01",
        "--api-key-hash",
        "abc123",
        "--user-id",
        "user_9",
        "--workspace-id",
        "ws 1&2",
    ]))
    .ok();
    mock.assert();
}

// ---------------------------------------------------------------- analytics meta

fn meta_body() -> Value {
    json!({ "data": {
        "metrics": [
            { "name": "request_count", "display_label": "Requests", "is_rate": false, "display_format": "number" },
            { "name": "total_usage", "display_label": "Spend", "is_rate": false, "display_format": "currency" },
            { "name": "cache_hit_rate", "display_label": "Cache hit rate", "is_rate": true, "display_format": "percent" }
        ],
        "dimensions": [ { "name": "model", "display_label": "Model" } ],
        "operators": [
            { "name": "eq", "value_type": "scalar" },
            { "name": "in", "value_type": "array" }
        ],
        "granularities": [ { "name": "day", "display_label": "Day" } ]
    }})
}

#[test]
fn meta_in_three_formats() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(GET).path("/analytics/meta");
        then.status(200).json_body(meta_body());
    });
    let out = run(cli(&server).args(["analytics", "meta", "-f", "json"])).ok();
    assert_eq!(out.json(), meta_body());

    let out = run(cli(&server).args(["analytics", "meta", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    assert_eq!(
        header,
        [
            "kind",
            "name",
            "display_label",
            "display_format",
            "is_rate",
            "value_type"
        ]
    );
    assert_eq!(rows.len(), 7);
    assert_eq!(
        rows[2],
        [
            "metric",
            "cache_hit_rate",
            "Cache hit rate",
            "percent",
            "true",
            ""
        ]
    );
    assert_eq!(rows[5], ["operator", "in", "", "", "", "array"]);
    assert_eq!(rows[6], ["granularity", "day", "Day", "", "", ""]);

    let out = run(cli(&server).args(["analytics", "meta", "-f", "table"])).ok();
    let text = &out.stdout;
    for title in [
        "Metrics (3)",
        "Dimensions (1)",
        "Filter operators (2)",
        "Granularities (1)",
    ] {
        assert!(text.contains(title), "{title}: {text}");
    }
    let rate = text
        .lines()
        .find(|l| l.starts_with("cache_hit_rate"))
        .expect("metric row");
    assert!(rate.contains("Cache hit rate  percent   yes"), "{rate}");
    assert_eq!(mock.calls(), 3);
}

/// Values and fields a newer OpenRouter may send: shown as sent, not an error.
#[test]
fn meta_shows_values_this_tool_does_not_know_in_every_format() {
    let body = json!({ "data": {
        "metrics": [
            { "name": "energy", "display_label": "Energy", "is_rate": false,
              "display_format": "kilowatt_hours", "unit": "kWh" }
        ],
        "dimensions": [ { "name": "model", "display_label": "Model", "category": "model" } ],
        "operators": [ { "name": "between", "value_type": "range" } ],
        "granularities": [ { "name": "quarter", "display_label": "Quarter" } ],
        "classifiers": []
    }});
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(GET).path("/analytics/meta");
        then.status(200).json_body(body.clone());
    });

    let out = run(cli(&server).args(["analytics", "meta", "-f", "csv"])).ok();
    let (_, rows) = out.csv();
    assert_eq!(
        rows,
        [
            ["metric", "energy", "Energy", "kilowatt_hours", "false", ""],
            ["dimension", "model", "Model", "", "", ""],
            ["operator", "between", "", "", "", "range"],
            ["granularity", "quarter", "Quarter", "", "", ""],
        ]
    );

    let out = run(cli(&server).args(["analytics", "meta", "-f", "table"])).ok();
    let line = |start: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no {start} row: {}", out.stdout))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(line("energy"), ["energy", "Energy", "kilowatt_hours", "no"]);
    assert_eq!(line("between"), ["between", "range"]);
    assert_eq!(line("quarter"), ["quarter", "Quarter"]);

    let out = run(cli(&server).args(["analytics", "meta", "-f", "json"])).ok();
    assert_eq!(out.json(), body);
    assert_eq!(mock.calls(), 3);
}

// ---------------------------------------------------------------- analytics query

fn query_result() -> Value {
    json!({ "data": {
        "data": [
            { "date": "2026-11-01", "model": "openai/gpt-4o", "request_count": 120, "total_usage": 1.5 },
            { "date": "2026-11-02", "model": "a, \"quoted\" model", "request_count": 7, "total_usage": null }
        ],
        "metadata": { "query_time_ms": 12.5, "row_count": 2, "truncated": true },
        "cachedAt": 1762000000000.0,
        "warnings": ["unknown provider Foo ignored"]
    }})
}

#[test]
fn query_flags_become_the_request_body() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(POST)
            .path("/analytics/query")
            .header("content-type", "application/json")
            .json_body(json!({
                "metrics": ["request_count", "total_usage"],
                "dimensions": ["model"],
                "filters": [
                    { "field": "provider", "operator": "in", "value": ["OpenAI", "Azure"] },
                    { "field": "tokens_prompt", "operator": "gte", "value": 1000.0 },
                    { "field": "user", "operator": "eq", "value": "42" }
                ],
                "time_range": { "start": "2026-11-01T00:00:00Z", "end": "2026-11-08T00:00:00Z" },
                "granularity": "day",
                "order_by": { "field": "total_usage", "direction": "asc" },
                "limit": 50,
                "group_limit": 5
            }));
        then.status(200).json_body(query_result());
    });
    let out = run(cli(&server).args([
        "analytics",
        "query",
        "--metric",
        "request_count,total_usage",
        "-d",
        "model",
        "--filter",
        "provider:in:OpenAI,Azure",
        "--filter",
        "tokens_prompt:gte:1000",
        "--filter",
        "user:eq:\"42\"",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-07",
        "--granularity",
        "day",
        "--order-by",
        "total_usage:asc",
        "--limit",
        "50",
        "--group-limit",
        "5",
        "-f",
        "json",
    ]))
    .ok();
    mock.assert();
    assert_eq!(out.json(), query_result());
    assert_eq!(out.stderr.trim(), "warning: unknown provider Foo ignored");
}

#[test]
fn minimal_query_sends_only_the_metrics() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(POST)
            .path("/analytics/query")
            .json_body(json!({ "metrics": ["request_count"] }));
        then.status(200).json_body(query_result());
    });
    run(cli(&server).args(["analytics", "query", "-m", "request_count"])).ok();
    mock.assert();
}

#[test]
fn query_csv_and_table_put_the_time_bucket_then_dimensions_then_metrics() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/analytics/query");
        then.status(200).json_body(query_result());
    });
    let args = [
        "analytics",
        "query",
        "-m",
        "request_count,total_usage",
        "-d",
        "model",
    ];
    let out = run(cli(&server).args(args).args(["-f", "csv"])).ok();
    let (header, rows) = out.csv();
    assert_eq!(header, ["date", "model", "request_count", "total_usage"]);
    assert_eq!(rows[0], ["2026-11-01", "openai/gpt-4o", "120", "1.5"]);
    assert_eq!(rows[1], ["2026-11-02", "a, \"quoted\" model", "7", ""]);

    let out = run(cli(&server).args(args).args(["-f", "table"])).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "DATE        MODEL              REQUEST_COUNT  TOTAL_USAGE"
    );
    assert_eq!(
        lines[1],
        "2026-11-01  openai/gpt-4o                120          1.5"
    );
    assert_eq!(lines[2], "2026-11-02  a, \"quoted\" model              7");
    assert_eq!(
        lines[4],
        "2 rows in 12.5 ms (truncated: raise --limit to see more)"
    );
}

#[test]
fn invalid_query_flags_are_usage_errors_and_nothing_is_sent() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(query_result());
    });
    let cases: [(&[&str], &str); 6] = [
        (&["-m", "x", "-d", "a,b,c"], "at most 2 dimensions"),
        (
            &["-m", "x", "--filter", "model:like:gpt"],
            "operator must be one of",
        ),
        (&["-m", "x", "--filter", "model"], "FIELD:OP:VALUE"),
        (&["-m", "x", "--from", "yesterday"], "RFC 3339"),
        (
            &["-m", "x", "--from", "2026-11-05", "--to", "2026-11-01"],
            "empty",
        ),
        (&["-m", "x", "--order-by", ":asc"], "--order-by"),
    ];
    for (args, expected) in cases {
        let out = run(cli(&server).args(["analytics", "query"]).args(args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.error_line().contains(expected),
            "{args:?}: {}",
            out.stderr
        );
    }
    let out = run(cli(&server).args(["analytics", "query"]));
    assert_eq!(out.code, 2, "--metric is required: {}", out.stderr);
    assert!(out.stderr.contains("--metric"));
    assert_eq!(mock.calls(), 0);
}

#[test]
fn a_rejected_query_points_at_meta() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/analytics/query");
        then.status(400)
            .json_body(json!({ "error": { "code": 400, "message": "Unknown metric: bogus" } }));
    });
    let out = run(cli(&server).args(["analytics", "query", "-m", "bogus"]));
    assert_eq!(out.code, 4);
    let line = out.error_line();
    assert!(line.contains("Unknown metric: bogus"), "{line}");
    assert!(line.contains("openrouter analytics meta"), "{line}");
}

// ---------------------------------------------------------------- errors and exit codes

#[test]
fn bad_date_is_a_one_line_usage_error_and_nothing_is_sent() {
    let server = MockServer::start();
    let mock = mock_activity(&server, activity());
    for bad in ["2026-13-01", "2026-02-30", "11/01/2026", "yesterday"] {
        let out = run(cli(&server).args(["activity", "--date", bad]));
        assert_eq!(out.code, 2, "{bad}");
        let line = out.error_line();
        assert!(line.contains(bad), "{line}");
        assert!(line.contains("YYYY-MM-DD"), "{line}");
    }
    assert_eq!(mock.calls(), 0);
}

#[test]
fn no_key_is_a_configuration_error_that_names_the_fix() {
    let server = MockServer::start();
    let mock = mock_activity(&server, activity());
    let out = run(bare().args(["--base-url", &server.base_url(), "activity"]));
    assert_eq!(out.code, 3);
    let line = out.error_line();
    assert!(line.contains("no API key"), "{line}");
    assert!(
        line.contains("OPENROUTER_API_KEY") && line.contains("--api-key"),
        "{line}"
    );
    assert!(line.contains("management"), "{line}");
    let out = run(bare().env("OPENROUTER_API_KEY", "   ").args([
        "--base-url",
        &server.base_url(),
        "activity",
    ]));
    assert_eq!(out.code, 3, "a blank key is no key");
    assert_eq!(mock.calls(), 0);
}

#[test]
fn invalid_base_url_is_a_configuration_error() {
    let out = run(bare().env("OPENROUTER_API_KEY", KEY).args([
        "--base-url",
        "ftp://example.test",
        "activity",
    ]));
    assert_eq!(out.code, 3);
    assert!(out.error_line().contains("base URL"), "{}", out.stderr);
}

#[test]
fn a_base_url_with_a_query_fragment_or_password_exits_3_and_never_shows_the_password() {
    for url in [
        "http://127.0.0.1:9/api/v1?x=1",
        "http://127.0.0.1:9/api/v1#frag",
        "https://user:hunter2-PASSWORD@127.0.0.1:9/api/v1",
        // Invalid as well: the parser's error must not echo the password either.
        "https://user:hunter2-PASSWORD@open router.ai/api/v1",
        "http://user:hunter2/PASSWORD@127.0.0.1:port/api",
    ] {
        for how in ["flag", "env"] {
            let mut cmd = bare();
            cmd.env("OPENROUTER_API_KEY", KEY);
            match how {
                "flag" => cmd.args(["--base-url", url]),
                _ => cmd.env("OPENROUTER_BASE_URL", url),
            };
            let out = run(cmd.args(["credits"]));
            assert_eq!(out.code, 3, "{url} ({how}): {}", out.stderr);
            let line = out.error_line();
            assert!(line.contains("base URL"), "{line}");
            assert!(!out.stderr.contains("hunter2"), "{url}: {}", out.stderr);
            assert!(!out.stderr.contains("PASSWORD"), "{url}: {}", out.stderr);
        }
    }
}

/// A host that is not loopback and never resolves (`.invalid` is reserved, RFC 2606):
/// reaching the network step proves the configuration was accepted, without any
/// traffic leaving the machine.
const REMOTE_PLAIN_HTTP: &str = "http://openrouter-test.invalid/api/v1";

#[test]
fn plain_http_to_a_remote_host_is_refused_unless_allowed() {
    for via_env in [false, true] {
        let mut cmd = bare();
        cmd.env("OPENROUTER_API_KEY", KEY);
        if via_env {
            cmd.env("OPENROUTER_BASE_URL", REMOTE_PLAIN_HTTP);
        } else {
            cmd.args(["--base-url", REMOTE_PLAIN_HTTP]);
        }
        let out = run(cmd.args(["--no-retries", "activity"]));
        assert_eq!(out.code, 3, "stderr: {}", out.stderr);
        let line = out.error_line();
        for expected in [
            REMOTE_PLAIN_HTTP,
            "unencrypted",
            "https://",
            "--allow-insecure-http",
            "OPENROUTER_ALLOW_INSECURE_HTTP",
        ] {
            assert!(line.contains(expected), "no {expected:?} in: {line}");
        }
        assert!(!out.stderr.contains(KEY));
    }

    // With the opt-in (flag or variable) the configuration passes and the call fails
    // where a call to an unresolvable host fails: at the network (exit 5), not 3.
    let allowed_by_flag = run(bare().env("OPENROUTER_API_KEY", KEY).args([
        "--base-url",
        REMOTE_PLAIN_HTTP,
        "--allow-insecure-http",
        "--no-retries",
        "--timeout",
        "10s",
        "activity",
    ]));
    let allowed_by_env = run(bare()
        .env("OPENROUTER_API_KEY", KEY)
        .env("OPENROUTER_BASE_URL", REMOTE_PLAIN_HTTP)
        .env("OPENROUTER_ALLOW_INSECURE_HTTP", "1")
        .args(["--no-retries", "--timeout", "10s", "activity"]));
    for out in [allowed_by_flag, allowed_by_env] {
        assert_eq!(out.code, 5, "stderr: {}", out.stderr);
        // The host does not resolve: the network-level failure names it.
        assert!(
            out.error_line()
                .contains("unknown host: openrouter-test.invalid does not exist"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn plain_http_to_localhost_needs_no_opt_in() {
    let server = MockServer::start();
    let mock = mock_activity(&server, activity());
    // httpmock listens on 127.0.0.1; reach it by the name `localhost`.
    let url = format!("http://localhost:{}", server.port());
    let out = run(bare().env("OPENROUTER_API_KEY", KEY).args([
        "--base-url",
        &url,
        "--no-retries",
        "activity",
    ]))
    .ok();
    assert!(out.stdout.contains("\"data\""), "{}", out.stdout);
    assert_eq!(mock.calls(), 1);
    // And an https:// base URL anywhere is fine as far as configuration goes: the
    // unresolvable host fails at the network, not at the configuration.
    let out = run(bare().env("OPENROUTER_API_KEY", KEY).args([
        "--base-url",
        "https://openrouter-test.invalid/api/v1",
        "--no-retries",
        "activity",
    ]));
    assert_eq!(out.code, 5, "stderr: {}", out.stderr);
}

#[test]
fn unauthorized_is_an_api_error() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/activity");
        then.status(401)
            .json_body(json!({ "error": { "code": 401, "message": "No auth credentials found" } }));
    });
    let out = run(cli(&server).arg("activity"));
    assert_eq!(out.code, 4);
    let line = out.error_line();
    assert!(line.contains("rejected the API key"), "{line}");
    assert!(line.contains("No auth credentials found"), "{line}");
}

#[test]
fn a_key_that_is_not_a_management_key_gets_the_fix() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.path("/activity");
        then.status(403).json_body(json!({ "error": {
            "code": 403,
            "message": "Only management keys can perform this operation"
        }}));
    });
    let out = run(cli(&server).arg("activity"));
    assert_eq!(out.code, 4);
    let line = out.error_line();
    assert!(line.contains("not a management key"), "{line}");
    assert!(
        line.contains("https://openrouter.ai/settings/management-keys"),
        "{line}"
    );
    assert_eq!(mock.calls(), 1, "403 is not retried");
}

#[test]
fn server_errors_are_retried_then_reported() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.path("/activity");
        then.status(500)
            .json_body(json!({ "error": { "code": 500, "message": "Internal error" } }));
    });
    let out = run(cli(&server).args(["--retry-max-attempts", "3", "activity"]));
    assert_eq!(out.code, 4);
    let line = out.error_line();
    assert!(line.contains("after 3 attempts"), "{line}");
    assert!(line.contains("try again"), "{line}");
    assert_eq!(mock.calls(), 3);

    let out = run(cli(&server).args(["activity", "--no-retries"]));
    assert_eq!(out.code, 4);
    assert_eq!(mock.calls(), 4, "--no-retries makes one attempt");
}

#[test]
fn connection_refused_is_a_network_error() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let url = format!("http://127.0.0.1:{port}/api/v1");
    let out = run(bare().env("OPENROUTER_API_KEY", KEY).args([
        "--base-url",
        &url,
        "--no-retries",
        "activity",
    ]));
    assert_eq!(out.code, 5);
    let line = out.error_line();
    assert!(line.contains(&format!("cannot reach {url}")), "{line}");
}

#[test]
fn an_unknown_host_is_a_network_error_at_once_naming_the_host() {
    // Default retries: a name that does not exist is not retried.
    let started = std::time::Instant::now();
    let out = run(bare().env("OPENROUTER_API_KEY", KEY).args([
        "--base-url",
        "https://openrouter-test.invalid/api/v1",
        "activity",
    ]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    let line = out.error_line();
    assert!(
        line.contains("unknown host: openrouter-test.invalid does not exist"),
        "{line}"
    );
    assert!(line.contains("--base-url"), "{line}");
    assert!(!line.contains("attempts"), "one attempt: {line}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_slow_answer_is_a_timeout() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/analytics/meta");
        then.status(200)
            .delay(Duration::from_secs(3))
            .json_body(meta_body());
    });
    let out = run(cli(&server).args(["--timeout", "300ms", "--no-retries", "analytics", "meta"]));
    assert_eq!(out.code, 5);
    assert!(
        out.error_line().contains("did not answer in time"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unreadable_response_exits_with_1() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/activity");
        then.status(200).json_body(json!({ "rows": [] }));
    });
    let out = run(cli(&server).arg("activity"));
    assert_eq!(out.code, 1);
    out.error_line();
}

#[test]
fn clap_usage_errors_exit_with_2_and_help_lists_the_exit_codes() {
    let out = run(bare().args(["activity", "--format", "xml"]));
    assert_eq!(out.code, 2);
    let out = run(bare().arg("nonsense"));
    assert_eq!(out.code, 2);
    let out = run(bare().args(["activity", "--retry-initial-interval", "soon"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not a duration"), "{}", out.stderr);
    let out = run(bare().arg("--help")).ok();
    assert!(out.stdout.contains("Exit codes:"));
    for line in [
        "2  usage error",
        "3  configuration error",
        "4  OpenRouter answered",
        "5  network failure",
    ] {
        assert!(out.stdout.contains(line), "{line}");
    }
    assert!(
        out.stdout.contains("json otherwise"),
        "documents the piped default"
    );
}

// ---------------------------------------------------------------- environment and headers

#[test]
fn environment_variables_configure_everything() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/activity")
            .header("authorization", format!("Bearer {KEY}"))
            .header("http-referer", "https://env.example")
            .header("x-openrouter-title", "Env title")
            .header("x-openrouter-categories", "cli-agent,finops");
        then.status(500);
    });
    let out = run(bare()
        .env("OPENROUTER_API_KEY", KEY)
        .env("OPENROUTER_BASE_URL", server.base_url())
        .env("OPENROUTER_HTTP_REFERER", "https://env.example")
        .env("OPENROUTER_APP_TITLE", "Env title")
        .env("OPENROUTER_APP_CATEGORIES", "cli-agent,finops")
        .env("OPENROUTER_NO_RETRIES", "1")
        .arg("activity"));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(mock.calls(), 1, "OPENROUTER_NO_RETRIES=1 means one attempt");

    let ok = server.mock(|when, then| {
        when.method(GET).path("/analytics/meta");
        then.status(200).json_body(meta_body());
    });
    let out = run(bare()
        .env("OPENROUTER_API_KEY", KEY)
        .env("OPENROUTER_BASE_URL", server.base_url())
        .env("OPENROUTER_FORMAT", "csv")
        .args(["analytics", "meta"]))
    .ok();
    assert!(out.stdout.starts_with("kind,name,"), "{}", out.stdout);
    ok.assert();

    let retried = server.mock(|when, then| {
        when.method(GET)
            .path("/activity")
            .header("x-openrouter-title", "retry");
        then.status(503);
    });
    let out = run(bare()
        .env("OPENROUTER_API_KEY", KEY)
        .env("OPENROUTER_BASE_URL", server.base_url())
        .env("OPENROUTER_APP_TITLE", "retry")
        .env("OPENROUTER_RETRY_MAX_ATTEMPTS", "2")
        .env("OPENROUTER_RETRY_INITIAL_INTERVAL", "1ms")
        .env("OPENROUTER_RETRY_JITTER", "0")
        .arg("activity"));
    assert_eq!(out.code, 4);
    assert_eq!(retried.calls(), 2);
}

#[test]
fn flags_win_over_the_environment() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.path("/activity")
            .header("authorization", "Bearer sk-flag-key-000000")
            .header("x-openrouter-title", "From flag");
        then.status(200).json_body(activity());
    });
    let out = run(bare()
        .env("OPENROUTER_API_KEY", KEY)
        .env("OPENROUTER_BASE_URL", "http://127.0.0.1:9/unused")
        .env("OPENROUTER_APP_TITLE", "From env")
        .args([
            "--api-key",
            "sk-flag-key-000000",
            "--base-url",
            &server.base_url(),
        ])
        .args(["--app-title", "From flag", "activity", "-f", "csv"]))
    .ok();
    assert_eq!(out.csv().1.len(), 4);
    mock.assert();
}

#[test]
fn app_headers_and_user_agent_are_sent() {
    let server = MockServer::start();
    let agent = format!(
        "openrouter-analytics-cli/{} openrouter-analytics/",
        env!("CARGO_PKG_VERSION")
    );
    let mock = server.mock(|when, then| {
        when.path("/analytics/meta")
            .header("authorization", format!("Bearer {KEY}"))
            .header("http-referer", "https://spend.example")
            .header("x-openrouter-title", "Spend CLI")
            .header("x-openrouter-categories", "finops,cli-agent")
            .header_prefix("user-agent", agent);
        then.status(200).json_body(meta_body());
    });
    run(cli(&server).args([
        "analytics",
        "meta",
        "--http-referer",
        "https://spend.example",
        "--app-title",
        "Spend CLI",
        "--app-categories",
        "finops,cli-agent",
    ]))
    .ok();
    mock.assert();

    let bare_headers = server.mock(|when, then| {
        when.path("/activity")
            .header_missing("http-referer")
            .header_missing("x-openrouter-title")
            .header_missing("x-openrouter-categories");
        then.status(200).json_body(activity());
    });
    run(cli(&server).arg("activity")).ok();
    bare_headers.assert();
}

// ---------------------------------------------------------------- secrecy, -v, spinner

#[test]
fn the_key_is_never_printed_even_when_the_server_echoes_it() {
    let server = MockServer::start();
    let echo = format!("invalid key Bearer {KEY}");
    let mock = server.mock(|when, then| {
        when.path("/activity");
        then.status(500)
            .json_body(json!({ "error": { "code": 500, "message": echo } }));
    });
    let out = run(cli(&server).args(["-v", "--retry-max-attempts", "2", "activity"]));
    assert_eq!(out.code, 4);
    assert_eq!(mock.calls(), 2);
    assert!(!out.stderr.contains(KEY), "{}", out.stderr);
    assert!(!out.stdout.contains(KEY));
    assert!(out.stderr.contains("<redacted>"), "{}", out.stderr);
    // -v logs the request and the retry.
    assert!(
        out.stderr
            .contains(&format!("GET {}/activity", server.base_url())),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("retrying"), "{}", out.stderr);
    assert!(
        out.stderr
            .lines()
            .last()
            .expect("error")
            .starts_with("error: ")
    );

    let out = run(bare().env("OPENROUTER_API_KEY", KEY).args([
        "--api-key",
        "sk-or-v1-flag-secret-999",
        "--help",
    ]))
    .ok();
    assert!(!out.stdout.contains(KEY), "--help hides the key's value");
    assert!(!out.stdout.contains("sk-or-v1-flag-secret-999"));
}

#[test]
fn verbose_logs_go_to_stderr_and_stdout_stays_clean() {
    let server = MockServer::start();
    mock_activity(&server, activity());
    let out = run(cli(&server).args(["-v", "activity", "--date", "2026-11-02", "-f", "json"]));
    let out = out.ok();
    assert_eq!(out.json(), activity());
    assert!(
        out.stderr.contains(&format!(
            "GET {}/activity?date=2026-11-02",
            server.base_url()
        )),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("sending request"), "{}", out.stderr);
    assert!(!out.stderr.contains(KEY));
}

#[test]
fn without_a_terminal_there_is_no_spinner() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/activity");
        then.status(200)
            .delay(Duration::from_millis(350))
            .json_body(activity());
    });
    let out = run(cli(&server).args(["activity", "-f", "json"])).ok();
    assert!(out.stderr.is_empty(), "{:?}", out.stderr);
}

#[test]
fn the_spinner_says_what_it_waits_for_on_stderr_only() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/activity");
        then.status(200)
            .delay(Duration::from_millis(450))
            .json_body(activity());
    });
    let out = run(cli(&server).args(["--progress", "always", "activity", "-f", "json"])).ok();
    assert_eq!(out.json(), activity(), "stdout is only the JSON");
    assert!(out.stderr.contains("fetching activity"), "{:?}", out.stderr);
    assert!(
        out.stderr.ends_with("\r\x1b[2K"),
        "the line is erased: {:?}",
        out.stderr
    );

    let failing = server.mock(|when, then| {
        when.path("/analytics/meta");
        then.status(503);
    });
    let out = run(bare().env("OPENROUTER_API_KEY", KEY).args([
        "--base-url",
        &server.base_url(),
        "--progress",
        "always",
        "--retry-initial-interval",
        "450ms",
        "--retry-jitter",
        "0",
        "--retry-max-attempts",
        "2",
        "analytics",
        "meta",
    ]));
    assert_eq!(out.code, 4);
    assert_eq!(failing.calls(), 2);
    assert!(
        out.stderr.contains("to retry after HTTP 503"),
        "{:?}",
        out.stderr
    );
    let last = out
        .stderr
        .rsplit("\r\x1b[2K")
        .next()
        .expect("after the erase");
    assert!(last.starts_with("error: "), "{last:?}");
    assert!(out.stdout.is_empty());
}

/// `openrouter api <group> <method>` reaches any operation of the spec: flags become
/// query parameters, the answer is printed byte for byte, retries and the key apply.
#[test]
fn api_command_calls_an_operation_by_name_and_prints_its_json() {
    let server = MockServer::start();
    let body = r#"{"data":[],"extra_field_from_a_newer_api":{"kept":true}}"#;
    let mut busy = server.mock(|when, then| {
        when.method(GET)
            .path("/activity")
            .query_param("date", "2026-11-01")
            .query_param("group_by", "workspace")
            .header("authorization", format!("Bearer {KEY}"))
            .header("x-openrouter-title", "Spend job");
        then.status(503).body("busy");
    });
    let run1 = run(cli(&server).args([
        "api",
        "analytics",
        "get-user-activity",
        "--date",
        "2026-11-01",
        "--group-by",
        "workspace",
        "--app-title",
        "Spend job",
        "--retry-max-attempts",
        "1",
    ]));
    assert_eq!(run1.code, 4, "503 is an API error: {}", run1.stderr);
    busy.assert_calls(1);
    busy.delete();

    let ok = server.mock(|when, then| {
        when.method(GET)
            .path("/activity")
            .query_param("date", "2026-11-01")
            .header("authorization", format!("Bearer {KEY}"));
        then.status(200)
            .header("content-type", "application/json")
            .body(body);
    });
    let out = run(cli(&server).args([
        "api",
        "analytics",
        "get-user-activity",
        "--date",
        "2026-11-01",
    ]))
    .ok();
    assert_eq!(out.stdout.trim_end(), body);
    ok.assert_calls(1);
    assert!(!out.stderr.contains(KEY));
}

#[test]
fn api_command_checks_parameters_and_bodies_before_sending() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200).body("{}");
    });
    let bad_date = run(cli(&server).args([
        "api",
        "analytics",
        "get-user-activity",
        "--date",
        "2026-02-30",
    ]));
    assert_eq!(bad_date.code, 2, "{}", bad_date.stderr);
    assert!(
        bad_date.stderr.contains("2026-02-30"),
        "{}",
        bad_date.stderr
    );
    let bad_body = run(cli(&server).args(["api", "analytics", "query-analytics", "--body", "[1,"]));
    assert_eq!(bad_body.code, 2, "{}", bad_body.stderr);
    let wrong_shape = run(cli(&server).args([
        "api",
        "analytics",
        "query-analytics",
        "--body",
        r#"{"metrics": 5}"#,
    ]));
    assert_eq!(wrong_shape.code, 2, "{}", wrong_shape.stderr);
    let unknown = run(cli(&server).args(["api", "analytics", "no-such-method"]));
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    any.assert_calls(0);
}

/// Money one way: tables print cents with thousands separators, rounded half away
/// from zero; CSV and JSON keep every digit OpenRouter sent.
#[test]
fn activity_tables_print_cents_csv_and_json_keep_full_precision() {
    let server = MockServer::start();
    let body = json!({ "data": [
        row("2026-11-01", "openai/gpt-4o", "OpenAI", 1234.565, 2),
        row("2026-11-01", "meta/llama", "OpenAI", 0.000012, 40),
    ]});
    mock_activity(&server, body);
    let table = run(cli(&server).args(["activity", "-f", "table"])).ok();
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[1].ends_with("$1,234.57"), "{}", table.stdout);
    assert!(lines[2].ends_with("$0.00"), "{}", table.stdout);
    let totals = lines.last().expect("totals");
    assert!(totals.ends_with("$1,234.57"), "{totals}");

    let csv = run(cli(&server).args(["activity", "-f", "csv"])).ok();
    let (header, rows) = csv.csv();
    let usage = header
        .iter()
        .position(|h| h == "usage")
        .expect("usage column");
    assert_eq!(rows[0][usage], "1234.565");
    assert_eq!(rows[1][usage], "0.000012");

    let json = run(cli(&server).args(["activity", "-f", "json"]))
        .ok()
        .json();
    assert_eq!(json["data"][0]["usage"], 1234.565);
    assert_eq!(json["data"][1]["usage"], 0.000012);
}
