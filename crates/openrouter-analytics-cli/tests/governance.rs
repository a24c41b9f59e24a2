//! The friendly commands built on the operations issue 17 added: `guardrails`,
//! `models` and `byok list`, of the built binary against local httpmock servers
//! (127.0.0.1 only): the requests sent, every format, names looked up, exit codes.

use std::process::Command;

use httpmock::prelude::*;
use serde_json::{Value, json};

mod common;

use common::run;

const KEY: &str = "sk-or-v1-governance-test-management-key-0123";
const WS: &str = "0b3c9b5e-4f8a-4c1e-9d2e-7a6b5c4d3e2f";
const GUARDRAIL: &str = "5b0e6c2a-1d3f-4e5a-9b8c-7d6e5f4a3b2c";

fn cli(server: &MockServer) -> Command {
    common::cli(&server.base_url(), KEY)
}

fn guardrail(id: &str, name: &str, limit: Option<f64>) -> Value {
    json!({
        "id": id, "name": name, "description": null, "limit_usd": limit,
        "reset_interval": "monthly", "allowed_models": ["openai/gpt-4o-mini"],
        "allowed_providers": null, "include_byok_in_budgets": false,
        "workspace_id": WS, "created_at": "2026-10-01T08:00:00Z",
        "updated_at": null
    })
}

fn refusing(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.any_request();
        then.status(500);
    })
}

#[test]
fn guardrails_list_in_three_formats() {
    let server = MockServer::start();
    let second = "6c1f7d3b-2e4a-4f6b-8c9d-0e1f2a3b4c5d";
    let body = json!({"total_count": 2, "data": [
        guardrail(GUARDRAIL, "interns", Some(1500.0)),
        guardrail(second, "研究チーム", None),
    ]});
    let list = server.mock(|when, then| {
        when.method(GET).path("/guardrails");
        then.status(200).json_body(body.clone());
    });
    let out = run(cli(&server).args(["guardrails", "list", "-f", "table"])).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(lines[0].starts_with("NAME"), "{}", lines[0]);
    let interns: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(interns[0], "interns");
    assert!(interns.contains(&"$1,500.00"), "{interns:?}");
    assert!(interns.contains(&"monthly"));
    assert!(interns.contains(&"openai/gpt-4o-mini"));
    assert!(lines[2].contains("none"), "no limit: {}", lines[2]);
    let out = run(cli(&server).args(["guardrails", "list", "-f", "json"])).ok();
    assert_eq!(out.json()["data"], body["data"]);
    let out = run(cli(&server).args(["guardrails", "list", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    // The look's columns first, then every other scalar field of the spec; numbers
    // as sent.
    assert_eq!(header[..4], ["name", "id", "limit_usd", "reset_interval"]);
    assert_eq!(rows[0][..4], ["interns", GUARDRAIL, "1500.0", "monthly"]);
    assert_eq!(rows[0][4], r#"["openai/gpt-4o-mini"]"#, "a list as sent");
    list.assert_calls(3);
}

#[test]
fn guardrails_create_sends_the_generated_flags() {
    let server = MockServer::start();
    let created = server.mock(|when, then| {
        when.method(POST).path("/guardrails").json_body(json!({
            "name": "interns", "limit_usd": 50.0,
            "allowed_models": ["openai/gpt-4o-mini", "google/gemini-2.5-flash"],
            "include_byok_in_budgets": true
        }));
        then.status(201)
            .json_body(json!({"data": guardrail(GUARDRAIL, "interns", Some(50.0))}));
    });
    let out = run(cli(&server).args([
        "guardrails",
        "create",
        "--name",
        "interns",
        "--limit-usd",
        "50",
        "--allowed-models",
        "openai/gpt-4o-mini",
        "--allowed-models",
        "google/gemini-2.5-flash",
        "--include-byok-in-budgets",
        "-f",
        "table",
    ]))
    .ok();
    assert_eq!(out.field("Name"), "interns");
    assert_eq!(out.field("Limit"), "$50.00");
    created.assert_calls(1);

    let any = refusing(&server);
    let out = run(cli(&server).args(["guardrails", "create", "--limit-usd", "5"]));
    assert_eq!(out.code, 2, "--name is required: {}", out.stderr);
    let out = run(cli(&server).args(["guardrails", "update", GUARDRAIL]));
    assert_eq!(out.code, 2);
    assert!(
        out.error_line().contains("nothing to update"),
        "{}",
        out.stderr
    );
    let out = run(cli(&server).args(["guardrails", "update", GUARDRAIL, "--clear", "name"]));
    assert_eq!(out.code, 2, "name is not nullable: {}", out.stderr);
    any.assert_calls(0);
}

#[test]
fn guardrails_update_show_and_delete() {
    let server = MockServer::start();
    let path = format!("/guardrails/{GUARDRAIL}");
    let updated = server.mock(|when, then| {
        when.method(PATCH)
            .path(path.as_str())
            .json_body(json!({"limit_usd": 75.5}));
        then.status(200)
            .json_body(json!({"data": guardrail(GUARDRAIL, "interns", Some(75.5))}));
    });
    let out = run(cli(&server).args([
        "guardrails",
        "update",
        GUARDRAIL,
        "--limit-usd",
        "75.5",
        "-f",
        "csv",
    ]))
    .ok();
    let (header, rows) = out.csv();
    let limit = header
        .iter()
        .position(|h| h == "limit_usd")
        .expect("limit_usd");
    assert_eq!(rows[0][limit], "75.5");
    updated.assert_calls(1);

    let show_body = json!({"data": guardrail(GUARDRAIL, "interns", None)}).to_string();
    let shown = server.mock(|when, then| {
        when.method(GET).path(path.as_str());
        then.status(200).body(&show_body);
    });
    let out = run(cli(&server).args(["guardrails", "show", GUARDRAIL, "-f", "json"])).ok();
    assert_eq!(out.stdout, format!("{show_body}\n"));
    let out = run(cli(&server).args(["guardrails", "show", GUARDRAIL, "-f", "table"])).ok();
    assert_eq!(out.field("Limit"), "none");
    assert_eq!(out.field("Id"), GUARDRAIL);
    shown.assert_calls(2);

    let deleted = server.mock(|when, then| {
        when.method(DELETE).path(path.as_str());
        then.status(200).body(r#"{"deleted":true}"#);
    });
    let out = run(cli(&server).args(["guardrails", "delete", GUARDRAIL]));
    assert_eq!(out.code, 2);
    assert!(out.error_line().contains("--yes"), "{}", out.stderr);
    deleted.assert_calls(0);
    let out =
        run(cli(&server).args(["guardrails", "delete", GUARDRAIL, "--yes", "-f", "table"])).ok();
    assert_eq!(out.stdout, format!("Deleted guardrail {GUARDRAIL}.\n"));
    deleted.assert_calls(1);
}

fn api_key(name: &str, hash: &str) -> Value {
    json!({
        "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_monthly": 0.0,
        "byok_usage_weekly": 0.0, "created_at": "2026-10-01T08:00:00Z",
        "creator_user_id": null, "disabled": false, "expires_at": null,
        "external_user": null, "hash": hash, "include_byok_in_limit": false,
        "label": "sk-or-v1-abc...def", "last_used_at": null,
        "limit": null, "limit_remaining": null, "limit_reset": null,
        "name": name, "updated_at": null, "usage": 0.0, "usage_daily": 0.0,
        "usage_monthly": 0.0, "usage_weekly": 0.0, "workspace_id": WS
    })
}

fn people(server: &MockServer) {
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param("offset", "2");
        then.status(200).json_body(json!({"data": []}));
    });
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param_missing("offset");
        then.status(200).json_body(json!({"data": [
            api_key("prod", "aaa111"), api_key("ci-bot", "bbb222")
        ]}));
    });
    server.mock(|when, then| {
        when.method(GET).path("/organization/members");
        then.status(200)
            .json_body(json!({"total_count": 1, "data": [
                {"id": "user_1", "first_name": "Ada", "last_name": "Lovelace",
                 "email": "ada@example.com", "role": "org_admin"}
            ]}));
    });
}

#[test]
fn a_failed_member_assignment_after_the_keys_says_the_keys_went_through() {
    let server = MockServer::start();
    people(&server);
    let keys = server.mock(|when, then| {
        when.method(POST)
            .path(format!("/guardrails/{GUARDRAIL}/assignments/keys"));
        then.status(200).json_body(json!({"assigned_count": 1}));
    });
    let members = server.mock(|when, then| {
        when.method(POST)
            .path(format!("/guardrails/{GUARDRAIL}/assignments/members"));
        then.status(400)
            .json_body(json!({"error": {"code": 400, "message": "bad member"}}));
    });
    let out = run(cli(&server).args([
        "guardrails",
        "assign",
        GUARDRAIL,
        "--key",
        "ci-bot",
        "--member",
        "user_1",
    ]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let line = out.error_line();
    assert!(
        line.contains("bad member")
            && line.contains(&format!(
                "the keys were already assigned to guardrail {GUARDRAIL}"
            )),
        "{line}"
    );
    keys.assert_calls(1);
    members.assert_calls(1);
}

#[test]
fn guardrails_assign_and_unassign_look_names_up_first() {
    let server = MockServer::start();
    people(&server);
    let keys_path = format!("/guardrails/{GUARDRAIL}/assignments/keys");
    let members_path = format!("/guardrails/{GUARDRAIL}/assignments/members");
    let keys = server.mock(|when, then| {
        when.method(POST)
            .path(keys_path.as_str())
            .json_body(json!({"key_hashes": ["bbb222"]}));
        then.status(200).json_body(json!({"assigned_count": 1}));
    });
    let members = server.mock(|when, then| {
        when.method(POST)
            .path(members_path.as_str())
            .json_body(json!({"member_user_ids": ["user_1"]}));
        then.status(200).json_body(json!({"assigned_count": 1}));
    });
    let out = run(cli(&server).args([
        "guardrails",
        "assign",
        GUARDRAIL,
        "--key",
        "CI-BOT",
        "--member",
        "ADA@example.com",
        "-f",
        "table",
    ]))
    .ok();
    assert!(out.stdout.contains("Assigned 1 keys"), "{}", out.stdout);
    assert!(out.stdout.contains("Assigned 1 members"), "{}", out.stdout);
    keys.assert_calls(1);
    members.assert_calls(1);
    let out = run(cli(&server).args([
        "guardrails",
        "assign",
        GUARDRAIL,
        "--key",
        "ci-bot",
        "--member",
        "user_1",
        "-f",
        "json",
    ]))
    .ok();
    assert_eq!(
        out.json(),
        json!({"keys": {"assigned_count": 1}, "members": {"assigned_count": 1}})
    );

    let removed = server.mock(|when, then| {
        when.method(POST)
            .path(format!("{keys_path}/remove"))
            .json_body(json!({"key_hashes": ["aaa111"]}));
        then.status(200).json_body(json!({"unassigned_count": 1}));
    });
    let out = run(cli(&server).args([
        "guardrails",
        "unassign",
        GUARDRAIL,
        "--key",
        "prod",
        "-f",
        "json",
    ]))
    .ok();
    assert_eq!(out.json(), json!({"unassigned_count": 1}));
    removed.assert_calls(1);

    // An unknown name is a usage error, and nothing is assigned.
    let out = run(cli(&server).args(["guardrails", "assign", GUARDRAIL, "--key", "nobody"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.error_line().contains("prod"),
        "lists the candidates: {}",
        out.stderr
    );
    let out = run(cli(&server).args(["guardrails", "assign", GUARDRAIL]));
    assert_eq!(out.code, 2);
    keys.assert_calls(2);
}

fn model(id: &str, prompt: &str, completion: &str) -> Value {
    json!({
        "id": id, "canonical_slug": id, "name": format!("Model {id}"), "created": 1_700_000_000,
        "pricing": {"prompt": prompt, "completion": completion},
        "context_length": 128000,
        "architecture": {"modality": "text->text", "input_modalities": ["text"], "output_modalities": ["text"]},
        "top_provider": {"is_moderated": false},
        "per_request_limits": null, "supported_parameters": [], "default_parameters": null,
        "supported_voices": null, "links": {"details": format!("/api/v1/models/{id}/endpoints")}
    })
}

#[test]
fn models_prints_prices_per_million_tokens_and_sorts_by_price() {
    let server = MockServer::start();
    let body = json!({"total_count": 3, "links": {"next": null}, "data": [
        model("anthropic/claude-sonnet-4", "0.000003", "0.000015"),
        model("openrouter/auto", "-1", "-1"),
        model("google/gemini-2.5-flash", "0.0000003", "0.0000025"),
    ]});
    let list = server.mock(|when, then| {
        when.method(GET).path("/models");
        then.status(200).json_body(body.clone());
    });
    let out = run(cli(&server).args(["models", "--sort", "price", "-f", "table"])).ok();
    let rows: Vec<Vec<&str>> = out
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0][..3], ["google/gemini-2.5-flash", "$0.30", "$2.50"]);
    assert_eq!(
        rows[1][..3],
        ["anthropic/claude-sonnet-4", "$3.00", "$15.00"]
    );
    assert_eq!(
        rows[2][..3],
        ["openrouter/auto", "varies", "varies"],
        "a router's price varies"
    );
    assert!(
        out.stdout
            .lines()
            .next()
            .is_some_and(|h| h.contains("PROMPT (USD/M)"))
    );
    let out = run(cli(&server).args(["models", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    // The look's columns, every other scalar field of the spec, then the prices per
    // million tokens beside the prices per token as sent.
    assert_eq!(header[..3], ["id", "pricing.prompt", "pricing.completion"]);
    assert_eq!(
        rows[0][..3],
        ["anthropic/claude-sonnet-4", "0.000003", "0.000015"]
    );
    let per_million = header.len() - 2;
    assert_eq!(
        header[per_million..],
        [
            "pricing.prompt_per_million",
            "pricing.completion_per_million"
        ]
    );
    assert_eq!(rows[0][per_million..], ["3", "15"]);
    assert_eq!(rows[1][per_million..], ["", ""], "a router's price varies");
    let out = run(cli(&server).args(["models", "-f", "json"])).ok();
    assert_eq!(out.json()["data"], body["data"]);
    list.assert_calls(3);
}

#[test]
fn byok_list_shows_masked_provider_keys() {
    let server = MockServer::start();
    let body = json!({"total_count": 1, "data": [{
        "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "provider": "openai",
        "workspace_id": WS, "label": "sk-...x9Qz", "name": "team OpenAI",
        "disabled": false, "is_fallback": true, "allowed_models": null,
        "allowed_api_key_hashes": null, "allowed_user_ids": null, "sort_order": 0,
        "created_at": "2026-10-01T08:00:00Z"
    }]});
    let list = server.mock(|when, then| {
        when.method(GET)
            .path("/byok")
            .query_param("provider", "openai");
        then.status(200).json_body(body.clone());
    });
    let out = run(cli(&server).args(["byok", "list", "--provider", "openai", "-f", "table"])).ok();
    let row: Vec<&str> = out
        .stdout
        .lines()
        .nth(1)
        .expect("a row")
        .split_whitespace()
        .collect();
    assert_eq!(row[..4], ["openai", "team", "OpenAI", "sk-...x9Qz"]);
    let out = run(cli(&server).args(["byok", "list", "--provider", "openai", "-f", "csv"])).ok();
    // The look's columns first, then every other scalar field of the spec.
    let (header, rows) = out.csv();
    assert_eq!(header[..3], ["provider", "name", "label"]);
    assert_eq!(rows[0][..3], ["openai", "team OpenAI", "sk-...x9Qz"]);
    let out = run(cli(&server).args(["byok", "list", "--provider", "openai", "-f", "json"])).ok();
    assert_eq!(out.json()["data"], body["data"]);
    list.assert_calls(3);
}

// `guardrails list`, `byok list` and `models` page through the client's one loop: a
// short page does not end a list, and pages that do not add up print nothing, exit 1.

/// What a paging server answers to `offset`: the numbers of the items on the page, and
/// the `total_count` it claims.
type Script = fn(usize) -> (Vec<usize>, usize);

fn numbered_uuid(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn guardrail_n(n: usize) -> Value {
    guardrail(&numbered_uuid(n), &format!("guardrail {n}"), None)
}

fn model_n(n: usize) -> Value {
    model(&format!("vendor/model-{n}"), "0.000001", "0.000002")
}

fn byok_n(n: usize) -> Value {
    json!({
        "id": numbered_uuid(n), "provider": "openai", "workspace_id": WS,
        "label": "sk-...x9Qz", "name": format!("key {n}"), "disabled": false,
        "is_fallback": false, "allowed_models": null, "allowed_api_key_hashes": null,
        "allowed_user_ids": null, "sort_order": 0, "created_at": "2026-10-01T08:00:00Z",
        "declared_region": null, "declared_zdr": null, "is_byok_only": false,
        "is_required": false
    })
}

/// One of a list's items, numbered.
type Item = fn(usize) -> Value;

/// The commands that print a whole list, the path each lists, and one of its items.
const PAGED_COMMANDS: [(&[&str], &str, Item); 5] = [
    (&["guardrails", "list"], "/guardrails", guardrail_n),
    (&["byok", "list"], "/byok", byok_n),
    (&["models"], "/models", model_n),
    (
        &["api", "guardrails", "list", "--all-pages"],
        "/guardrails",
        guardrail_n,
    ),
    (
        &["api", "models", "list", "--all-pages"],
        "/models",
        model_n,
    ),
];

fn scripted<'a>(
    server: &'a MockServer,
    path: &'static str,
    item: Item,
    script: Script,
) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(GET).path(path);
        then.respond_with(move |request: &httpmock::HttpMockRequest| {
            let offset = request
                .query_params()
                .into_iter()
                .find(|(name, _)| name == "offset")
                .and_then(|(_, value)| value.parse::<usize>().ok())
                .unwrap_or(0);
            let (items, total) = script(offset);
            let body = json!({
                "data": items.into_iter().map(item).collect::<Vec<_>>(),
                "total_count": total,
                "links": {"next": null},
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

/// The page at offset 100 starts at item 50 again (it printed 200 items, 50 twice).
fn overlapping_pages(offset: usize) -> (Vec<usize>, usize) {
    let start = if offset == 0 { 0 } else { offset - 50 };
    ((start..(start + 100).min(200)).collect(), 200)
}

/// The first 100 of 1,000 whatever the offset (it printed 1,000 items, 900 repeated).
fn ignores_offset(_offset: usize) -> (Vec<usize>, usize) {
    ((0..100).collect(), 1000)
}

/// 100 items, then empty pages, under a `total_count` of 250 (it printed 100).
fn stops_at_100_of_250(offset: usize) -> (Vec<usize>, usize) {
    ((offset..100).collect(), 250)
}

/// Two pages (1,500 and 500 items) whose item 1000 has a number for an id and whose
/// item 1700 lacks its id: neither matches the spec.
fn odd_pages(offset: usize) -> (Vec<usize>, usize) {
    let size = match offset {
        0 => 1500,
        1500 => 500,
        _ => 0,
    };
    ((offset..offset + size).collect(), 2000)
}

/// `item(n)`, but for the two odd ones of [`odd_pages`] and a name of markup (item 7).
fn odd(item: Item, n: usize) -> Value {
    let mut value = item(n);
    match n {
        7 => value["name"] = json!("<b>\u{1b}[31mred</b>,\"quoted\"\nline"),
        1000 => value["id"] = json!(1000),
        1700 => {
            value.as_object_mut().map(|fields| fields.remove("id"));
        }
        _ => {}
    }
    value
}

#[test]
fn paged_commands_show_a_list_that_does_not_match_whole_with_one_warning() {
    for (command, path, item) in PAGED_COMMANDS {
        let server = MockServer::start();
        let pages = server.mock(|when, then| {
            when.method(GET).path(path);
            then.respond_with(move |request: &httpmock::HttpMockRequest| {
                let offset = request
                    .query_params()
                    .into_iter()
                    .find(|(name, _)| name == "offset")
                    .and_then(|(_, value)| value.parse::<usize>().ok())
                    .unwrap_or(0);
                let (items, total) = odd_pages(offset);
                let data: Vec<Value> = items.into_iter().map(|n| odd(item, n)).collect();
                let body = json!({ "data": data, "total_count": total });
                httpmock::HttpMockResponse::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(body.to_string())
                    .build()
            });
        });
        let out = run(cli(&server).args(command).args(["-f", "json"])).ok();
        let data = out.json()["data"].as_array().cloned().unwrap_or_default();
        assert_eq!(data.len(), 2000, "{command:?}");
        assert_eq!(data[1000], odd(item, 1000), "{command:?}: as sent");
        assert_eq!(data[7], odd(item, 7), "{command:?}: as sent");
        assert_eq!(
            out.stderr.matches("warning: ").count(),
            1,
            "{command:?}: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains("integer `1000`"),
            "{command:?}: the first: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("\u{1b}"), "{}", out.stderr);
        let out = run(cli(&server).args(command).args(["-f", "csv"])).ok();
        let (_, rows) = out.csv();
        assert_eq!(rows.len(), 2000, "{command:?}");
        assert_eq!(
            out.stderr.matches("warning: ").count(),
            1,
            "{command:?}: {}",
            out.stderr
        );
        pages.assert_calls(4);
    }
}

#[test]
fn paged_commands_follow_a_short_page_to_the_end_of_the_list() {
    for (command, path, item) in PAGED_COMMANDS {
        let server = MockServer::start();
        let pages = scripted(&server, path, item, short_page_in_the_middle);
        let out = run(cli(&server).args(command).args(["-f", "json"])).ok();
        let data = out.json()["data"].as_array().cloned().unwrap_or_default();
        assert_eq!(data.len(), 250, "{command:?} printed {}", data.len());
        assert_eq!(data[100], item(100), "{command:?}");
        assert_eq!(data[249], item(249), "{command:?}");
        // 0, 100, 150: total_count reached, no request for an empty page.
        pages.assert_calls(3);
    }
}

#[test]
fn paged_commands_print_nothing_and_exit_1_when_pages_do_not_add_up() {
    let hostile: [(&str, Script, &str); 3] = [
        ("an overlapping page", overlapping_pages, "came twice"),
        ("a server ignoring offset", ignores_offset, "came twice"),
        (
            "100 of 250",
            stops_at_100_of_250,
            "after 100 of the 250 items",
        ),
    ];
    for (command, path, item) in PAGED_COMMANDS {
        for (server_kind, script, message) in hostile {
            let server = MockServer::start();
            let pages = scripted(&server, path, item, script);
            for format in ["json", "table", "csv"] {
                let out = run(cli(&server).args(command).args(["-f", format]));
                let case = format!("{command:?} -f {format} against {server_kind}");
                assert_eq!(out.code, 1, "{case}: {}", out.stderr);
                assert_eq!(out.stdout, "", "{case}");
                assert!(out.stderr.contains(message), "{case}: {}", out.stderr);
            }
            // Two pages each time: the second shows the list does not add up.
            pages.assert_calls(6);
        }
    }
}

#[test]
fn api_prints_the_page_asked_for_unless_all_pages_is_given() {
    let server = MockServer::start();
    let pages = scripted(
        &server,
        "/guardrails",
        guardrail_n,
        short_page_in_the_middle,
    );
    let out = run(cli(&server).args(["api", "guardrails", "list", "--offset", "100"])).ok();
    assert_eq!(out.json()["data"].as_array().map(Vec::len), Some(50));
    assert_eq!(out.json()["total_count"], 250, "the API's body as sent");
    pages.assert_calls(1);
    // From --offset on, through the client's loop: 150 + 100 = 250 at offset 250.
    let out = run(cli(&server).args([
        "api",
        "guardrails",
        "list",
        "--offset",
        "100",
        "--all-pages",
    ]))
    .ok();
    let data = out.json()["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(data.len(), 150);
    assert_eq!(data[0], guardrail_n(100));
    pages.assert_calls(3);
    // An operation that does not page has no --all-pages: a usage error, nothing sent.
    let out = run(cli(&server).args(["api", "credits", "get-credits", "--all-pages"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    pages.assert_calls(3);
}

/// A guardrail and a provider key as an older OpenRouter sent them, without a field the
/// spec now requires: shown with one warning in every format, exit 0, JSON as sent.
#[test]
fn guardrails_and_byok_read_answers_that_lack_a_required_field() {
    let server = MockServer::start();
    let mut old = guardrail(GUARDRAIL, "interns", Some(50.0));
    old.as_object_mut()
        .expect("an object")
        .remove("include_byok_in_budgets");
    let shown = json!({"data": old}).to_string();
    server.mock(|when, then| {
        when.method(GET).path(format!("/guardrails/{GUARDRAIL}"));
        then.status(200).body(&shown);
    });
    let listed = json!({"total_count": 1, "data": [{
        "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "provider": "openai",
        "workspace_id": WS, "label": "sk-...x9Qz", "name": "team OpenAI",
        "disabled": false, "is_fallback": true, "allowed_models": null,
        "allowed_api_key_hashes": null, "allowed_user_ids": null,
        "created_at": "2026-10-01T08:00:00Z"
    }]});
    server.mock(|when, then| {
        when.method(GET).path("/byok");
        then.status(200).body(listed.to_string());
    });
    let commands: [(&[&str], Option<&str>); 3] = [
        (&["guardrails", "show", GUARDRAIL], Some(&shown)),
        (&["byok", "list"], None),
        // Every page through the client's paging loop, read as tolerantly.
        (&["api", "byok", "list", "--all-pages"], None),
    ];
    for (args, body) in commands {
        for format in ["table", "csv", "json"] {
            let out = run(cli(&server).args(args).args(["-f", format])).ok();
            assert_eq!(
                out.stderr.matches("warning: ").count(),
                1,
                "{args:?} -f {format}: {}",
                out.stderr
            );
            match (format, body) {
                ("json", Some(body)) => assert_eq!(out.stdout, format!("{body}\n")),
                ("json", None) => assert_eq!(out.json()["data"], listed["data"]),
                _ => assert!(!out.stdout.is_empty(), "{args:?} -f {format}"),
            }
        }
    }
    let out = run(cli(&server).args(["guardrails", "show", GUARDRAIL, "-f", "table"])).ok();
    assert_eq!(out.field("Limit"), "$50.00");
    assert!(
        out.stdout
            .lines()
            .any(|l| l.trim_end() == "BYOK in budgets"),
        "the missing field is blank: {}",
        out.stdout
    );
    let out = run(cli(&server).args(["byok", "list", "-f", "table"])).ok();
    assert!(out.stdout.contains("team OpenAI"), "{}", out.stdout);
}

/// A long list whose last item cannot be rendered (an amount past what prints exactly)
/// prints nothing at all, in CSV and as a table, though thousands of rows rendered
/// before it: the render is checked whole before the first byte is written.
#[test]
fn a_list_that_fails_at_its_last_row_prints_nothing() {
    let server = MockServer::start();
    let mut items: Vec<Value> = (0..3000).map(guardrail_n).collect();
    items.push(guardrail(GUARDRAIL, "huge", Some(1e308)));
    let body = json!({"total_count": items.len(), "data": items});
    server.mock(|when, then| {
        when.method(GET).path("/guardrails");
        then.status(200).json_body(body.clone());
    });
    for format in ["csv", "table"] {
        let out = run(cli(&server).args(["guardrails", "list", "-f", format]));
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        assert!(
            out.stdout.is_empty(),
            "{format}: {} bytes",
            out.stdout.len()
        );
        assert!(out.stderr.contains("1e308"), "{format}: {}", out.stderr);
    }
}

/// `-f json` of a paged list is its items byte for byte as the pages hold them (the
/// API's spacing, field order and number spelling), spliced into one `{"data":[...]}`.
#[test]
fn a_listed_item_is_printed_byte_for_byte() {
    let server = MockServer::start();
    let first = format!(
        r#"{{ "zeta" : 1.50, "id":"{}",  "name":"a\u00e9", "limit_usd":1e2 }}"#,
        numbered_uuid(1)
    );
    let second = format!(r#"{{"id":"{}","name":"b"}}"#, numbered_uuid(2));
    let body = format!("{{\"data\": [ {first} ,\n {second} ], \"total_count\": 2}}");
    server.mock(|when, then| {
        when.method(GET).path("/byok");
        then.status(200)
            .header("content-type", "application/json")
            .body(body.clone());
    });
    let out = run(cli(&server).args(["byok", "list", "-f", "json"])).ok();
    assert_eq!(out.stdout, format!("{{\"data\":[{first},{second}]}}\n"));
}
