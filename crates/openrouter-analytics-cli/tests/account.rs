//! The account commands (`key`, `credits`, `keys`, `members`, `workspaces`,
//! `generation`, `activity --key/--user`) of the built `openrouter` binary against
//! local mock servers (127.0.0.1 only): every format, the requests sent, paging,
//! secrets, confirmations and exit codes.

use std::process::Command;

use httpmock::prelude::*;
use serde_json::{Value, json};
use unicode_width::UnicodeWidthStr;

const KEY: &str = "sk-or-v1-account-test-management-key-0123";
const SECRET: &str = "sk-or-v1-brand-new-secret-4f9a8b7c6d5e";
const WS: &str = "0b3c9b5e-4f8a-4c1e-9d2e-7a6b5c4d3e2f";

mod common;

use common::run;

/// The binary pointed at `server`, with the test key, fast retries, and no stdin
/// (so never a terminal).
fn cli(server: &MockServer) -> Command {
    common::cli(&server.base_url(), KEY)
}

fn column_of(line: &str, needle: &str) -> usize {
    let at = line
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in {line:?}"));
    line[..at].width()
}

// ---------------------------------------------------------------- fixtures

fn api_key(name: &str, hash: &str, usage: f64) -> Value {
    json!({
        "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_monthly": 0.0,
        "byok_usage_weekly": 0.0, "created_at": "2026-10-01T08:00:00Z",
        "creator_user_id": null, "disabled": false, "expires_at": null,
        "external_user": null, "hash": hash, "include_byok_in_limit": false,
        "label": format!("sk-or-v1-{}...", &hash[..3]), "last_used_at": "2026-11-02T09:30:00Z",
        "limit": 100.0, "limit_remaining": 100.0 - usage, "limit_reset": "monthly",
        "name": name, "updated_at": null, "usage": usage, "usage_daily": usage / 10.0,
        "usage_monthly": usage / 2.0, "usage_weekly": usage / 4.0, "workspace_id": WS
    })
}

/// Two pages of keys, the second shorter, then an empty page that ends the list
/// (`GET /keys` has no `total_count`). The CJK name, the emoji and the field this tool
/// does not know are on purpose.
fn mock_key_pages(server: &MockServer) -> (httpmock::Mock<'_>, httpmock::Mock<'_>) {
    let mut odd = api_key("研究チーム", "ccc333", 0.3);
    odd["added_next_year"] = json!({"nested": [1, "two"]});
    odd["disabled"] = json!(true);
    odd["limit"] = Value::Null;
    odd["limit_remaining"] = Value::Null;
    odd["last_used_at"] = Value::Null;
    odd["created_at"] = json!("2026-10-03T08:00:00Z");
    let first = server.mock(|when, then| {
        when.method(GET).path("/keys").query_param_missing("offset");
        then.status(200).json_body(json!({"data": [
            api_key("prod", "aaa111", 12.5),
            api_key("CI bot 🤖", "bbb222", 40.0),
        ]}));
    });
    let second = server.mock(|when, then| {
        when.method(GET).path("/keys").query_param("offset", "2");
        then.status(200).json_body(json!({"data": [odd]}));
    });
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param("offset", "3");
        then.status(200).json_body(json!({"data": []}));
    });
    (first, second)
}

fn member(id: &str, first: Option<&str>, last: Option<&str>, email: &str, role: &str) -> Value {
    json!({"id": id, "first_name": first, "last_name": last, "email": email, "role": role})
}

fn mock_member_pages(server: &MockServer) -> (httpmock::Mock<'_>, httpmock::Mock<'_>) {
    let first = server.mock(|when, then| {
        when.method(GET)
            .path("/organization/members")
            .query_param_missing("offset");
        then.status(200)
            .json_body(json!({"total_count": 3, "data": [
                member("user_1", Some("Ada"), Some("Lovelace"), "ada@example.com", "org_admin"),
                member("user_2", Some("太郎"), Some("山田"), "taro@example.com", "org_member"),
            ]}));
    });
    let second = server.mock(|when, then| {
        when.method(GET)
            .path("/organization/members")
            .query_param("offset", "2");
        then.status(200)
            .json_body(json!({"total_count": 3, "data": [
                member("user_3", None, None, "Bob@Example.com", "org_member"),
            ]}));
    });
    (first, second)
}

fn workspace(id: &str, slug: &str, name: &str) -> Value {
    json!({
        "created_at": "2026-09-01T10:00:00Z", "created_by": "user_1",
        "default_guardrail_id": "11111111-2222-4333-8444-555555555555",
        "default_image_model": null, "default_provider_sort": null,
        "default_text_model": "openai/gpt-4o", "description": "ML research", "id": id,
        "include_byok_in_budgets": false, "io_logging_api_key_ids": null,
        "io_logging_sampling_rate": 0.25, "is_data_discount_logging_enabled": false,
        "is_observability_broadcast_enabled": true,
        "is_observability_io_logging_enabled": false, "name": name, "slug": slug,
        "updated_at": null
    })
}

// ---------------------------------------------------------------- key, credits

fn current_key() -> Value {
    json!({"data": {
        "allowed_data_regions": ["global"],
        "budgets": [{
            "budget_id": "b1", "guardrail_id": null, "include_byok": false,
            "limit_usd": 100.0, "remaining_usd": 87.5, "reset_interval": "monthly",
            "resets_at": "2026-12-01T00:00:00Z", "scope": "api_key", "spend_usd": 12.5
        }],
        "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_monthly": 0.0,
        "byok_usage_weekly": 0.0, "creator_user_id": null, "effective_budget": null,
        "expires_at": null,
        "free_model_daily_requests": {"limit": 50, "remaining": 50, "used": 0},
        "include_byok_in_limit": false, "is_free_tier": false, "is_management_key": true,
        "is_provisioning_key": false, "label": "sk-or-v1-0d1...2e3", "limit": 100.0,
        "limit_remaining": 87.5, "limit_reset": "monthly", "organization_id": null,
        "rate_limit": {"interval": "10s", "note": "", "requests": 100},
        "usage": 12.5, "usage_daily": 1.25, "usage_monthly": 12.5, "usage_weekly": 3.0,
        "workspace_id": null, "new_field": 1
    }})
}

#[test]
fn key_shows_the_key_in_use_in_three_formats() {
    let server = MockServer::start();
    let body = current_key().to_string();
    let mock = server.mock(|when, then| {
        when.method(GET).path("/key");
        then.status(200).body(&body);
    });
    let out = run(cli(&server).args(["key", "-f", "table"])).ok();
    assert_eq!(out.field("Label"), "sk-or-v1-0d1...2e3");
    assert_eq!(out.field("Management key"), "yes");
    assert_eq!(out.field("Limit"), "$100.00 (monthly)");
    assert_eq!(out.field("Remaining"), "$87.50");
    assert_eq!(out.field("Usage today"), "$1.25");
    assert_eq!(out.field("Usage this week"), "$3.00");
    assert_eq!(out.field("Usage this month"), "$12.50");
    assert_eq!(out.field("Expires (UTC)"), "never");
    assert!(out.stdout.contains("Budgets (1)"), "{}", out.stdout);
    let budget = out
        .stdout
        .lines()
        .find(|l| l.starts_with("api_key"))
        .expect("a budget row");
    assert_eq!(
        budget.split_whitespace().collect::<Vec<_>>(),
        [
            "api_key",
            "$100.00",
            "$12.50",
            "$87.50",
            "monthly",
            "2026-12-01",
            "00:00"
        ]
    );

    let out = run(cli(&server).args(["key", "-f", "json"])).ok();
    assert_eq!(
        out.stdout,
        format!("{body}\n"),
        "the API's body byte for byte"
    );

    // CSV: the table's fields first, then every other scalar field of the spec, the
    // numbers as sent.
    let out = run(cli(&server).args(["key", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    assert_eq!(
        header[..4],
        ["label", "is_management_key", "limit", "limit_remaining"]
    );
    let cell = |name: &str| {
        let at = header.iter().position(|h| h == name).expect(name);
        rows[0][at].clone()
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(cell("label"), "sk-or-v1-0d1...2e3");
    assert_eq!(cell("is_management_key"), "true");
    assert_eq!(cell("limit"), "100.0");
    assert_eq!(cell("usage_daily"), "1.25");
    assert_eq!(cell("limit_reset"), "monthly");
    assert_eq!(cell("rate_limit.requests"), "100");
    assert_eq!(cell("expires_at"), "");
    mock.assert_calls(3);
}

#[test]
fn credits_shows_the_balance_in_three_formats() {
    let server = MockServer::start();
    let body = r#"{"data":{"total_credits":100.3,"total_usage":42.1}}"#;
    server.mock(|when, then| {
        when.method(GET).path("/credits");
        then.status(200).body(body);
    });
    let out = run(cli(&server).args(["credits", "-f", "table"])).ok();
    assert_eq!(
        out.stdout,
        "Total credits  $100.30\nTotal usage    $42.10\nBalance        $58.20\n"
    );
    let out = run(cli(&server).args(["credits", "-f", "json"])).ok();
    assert_eq!(out.stdout, format!("{body}\n"));
    let out = run(cli(&server).args(["credits", "-f", "csv"])).ok();
    assert_eq!(
        out.stdout,
        "total_credits,total_usage,balance,mean_daily_spend_7d,runway_days\n100.3,42.1,58.2,,\n"
    );
}

/// Each format fetches only what it shows: JSON is `/credits` as sent (one request),
/// the table and CSV also read `/activity` for the runway.
#[test]
fn credits_json_sends_one_request_and_the_runway_formats_two() {
    let server = MockServer::start();
    let credits = server.mock(|when, then| {
        when.method(GET).path("/credits");
        then.status(200)
            .body(r#"{"data":{"total_credits":100.3,"total_usage":42.1}}"#);
    });
    let activity = server.mock(|when, then| {
        when.method(GET).path("/activity");
        then.status(200).json_body(json!({"data": []}));
    });
    run(cli(&server).args(["credits", "-f", "json"])).ok();
    assert_eq!((credits.calls(), activity.calls()), (1, 0));
    for format in ["table", "csv"] {
        run(cli(&server).args(["credits", "-f", format])).ok();
    }
    assert_eq!((credits.calls(), activity.calls()), (3, 2));
}

#[test]
fn credits_shows_the_runway_at_the_last_weeks_mean_spend() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/credits");
        then.status(200)
            .body(r#"{"data":{"total_credits":100.3,"total_usage":42.1}}"#);
    });
    // 14 dollars over the 7 days to yesterday (one day of it 8 days ago does not count).
    let today = chrono::Utc::now().date_naive();
    let day = |back: u64| (today - chrono::Days::new(back)).to_string();
    let row = |date: String, usage: f64| {
        json!({"date": date, "model": "m", "model_permaslug": "m", "endpoint_id": "e",
               "provider_name": "p", "usage": usage, "byok_usage_inference": 0.0, "requests": 1,
               "prompt_tokens": 1, "completion_tokens": 1, "reasoning_tokens": 0, "cached_tokens": 0})
    };
    server.mock(|when, then| {
        when.method(GET).path("/activity");
        then.status(200)
            .json_body(json!({"data": [row(day(1), 10.0), row(day(7), 4.0), row(day(8), 100.0)]}));
    });
    let out = run(cli(&server).args(["credits", "-f", "table"])).ok();
    assert_eq!(out.field("Runway"), "29.1 days");
    assert_eq!(
        out.field("Mean daily spend"),
        format!("$2.00 (the 7 days to {})", day(1))
    );
    let out = run(cli(&server).args(["credits", "-f", "csv"])).ok();
    assert_eq!(
        out.stdout,
        "total_credits,total_usage,balance,mean_daily_spend_7d,runway_days\n100.3,42.1,58.2,2,29.10\n"
    );
}

// ---------------------------------------------------------------- keys

#[test]
fn keys_list_follows_every_page_and_sends_the_filters() {
    let server = MockServer::start();
    let (first, second) = mock_key_pages(&server);
    let filtering = MockServer::start();
    let filtered = filtering.mock(|when, then| {
        when.method(GET)
            .path("/keys")
            .query_param("include_disabled", "true")
            .query_param("workspace_id", WS)
            .query_param_missing("offset");
        then.status(200).json_body(json!({"data": []}));
    });
    let out = run(cli(&server).args(["keys", "list", "-f", "json"])).ok();
    let data = out.json()["data"].clone();
    assert_eq!(data.as_array().map(Vec::len), Some(3));
    assert_eq!(data[0]["hash"], "aaa111");
    assert_eq!(data[2]["name"], "研究チーム");
    assert_eq!(
        data[2]["added_next_year"],
        json!({"nested": [1, "two"]}),
        "unknown fields survive"
    );
    first.assert_calls(1);
    second.assert_calls(1);

    let out = run(cli(&filtering).args([
        "keys",
        "list",
        "--include-disabled",
        "--workspace-id",
        WS,
        "-f",
        "json",
    ]))
    .ok();
    assert_eq!(out.json(), json!({"data": []}));
    filtered.assert_calls(1);
}

#[test]
fn keys_list_table_lines_up_wide_names_and_totals_the_spend() {
    let server = MockServer::start();
    mock_key_pages(&server);
    let out = run(cli(&server).args(["keys", "list", "-f", "table"])).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", out.stdout);
    assert!(lines[0].starts_with("NAME"), "{}", lines[0]);
    // Not a terminal and no COLUMNS: every column, in this order.
    let headers = [
        "HASH",
        "LIMIT (USD)",
        "REMAINING (USD)",
        "TODAY (USD)",
        "WEEK (USD)",
        "MONTH (USD)",
        "TOTAL (USD)",
        "LAST USED (UTC)",
        "DISABLED",
        "LABEL",
    ];
    let mut previous = 0;
    for header in headers {
        let at = column_of(lines[0], header);
        assert!(
            at > previous,
            "{header} after the one before in {}",
            lines[0]
        );
        previous = at;
    }
    // The hash column starts at the same display column on every row, CJK and
    // emoji names included.
    let hash_column = column_of(lines[0], "HASH");
    assert_eq!(column_of(lines[1], "aaa111"), hash_column);
    assert_eq!(column_of(lines[2], "bbb222"), hash_column);
    assert_eq!(column_of(lines[3], "ccc333"), hash_column);
    // Right-aligned money ends where its header ends.
    let total_end = column_of(lines[0], "TOTAL (USD)") + "TOTAL (USD)".len();
    assert_eq!(column_of(lines[2], "$40.00") + "$40.00".len(), total_end);
    let prod: Vec<&str> = lines[1].split_whitespace().collect();
    // 12.5 / 4 = 3.125: half a cent rounds away from zero.
    let week = "$3.13";
    assert_eq!(
        prod,
        [
            "prod",
            "aaa111",
            "$100.00",
            "$87.50",
            "$1.25",
            week,
            "$6.25",
            "$12.50",
            "2026-11-02",
            "09:30",
            "no",
            "sk-or-v1-aaa..."
        ]
    );
    let odd: Vec<&str> = lines[3].split_whitespace().collect();
    assert_eq!(odd[2..4], ["none", "$0.03"], "no limit, so nothing remains");
    assert_eq!(odd[odd.len() - 3..odd.len() - 1], ["never", "yes"]);
    assert!(lines[4].starts_with("----"));
    let total: Vec<&str> = lines[5].split_whitespace().collect();
    assert_eq!(total, ["TOTAL", "$5.28", "$13.20", "$26.40", "$52.80"]);
}

/// Keys as the API sends them: 64-character hashes, and a long name.
fn long_keys() -> Value {
    let mut keys = Vec::new();
    for (i, name) in ["production backend (eu-west)", "CI bot 🤖", "研究チーム"]
        .into_iter()
        .enumerate()
    {
        let hash = format!("{:x}", i + 10).repeat(64);
        let mut key = api_key(name, &hash, 1234.5 * (i + 1) as f64);
        key["label"] = json!(format!("sk-or-v1-{}...{}", &hash[..3], &hash[61..]));
        keys.push(key);
    }
    json!({ "data": keys })
}

#[test]
fn keys_list_fits_the_terminal_width_and_wide_shows_everything() {
    let server = MockServer::start();
    let keys = long_keys();
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param_missing("offset");
        then.status(200).json_body(keys.clone());
    });
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param("offset", "3");
        then.status(200).json_body(json!({"data": []}));
    });
    let full_hash = keys["data"][0]["hash"]
        .as_str()
        .expect("a hash")
        .to_string();
    let width =
        |line: &str| line.chars().count() + line.chars().filter(|c| *c >= '\u{1100}').count();
    for columns in [80, 160] {
        let out = run(cli(&server)
            .env("COLUMNS", columns.to_string())
            .args(["keys", "list", "-f", "table"]))
        .ok();
        let lines: Vec<&str> = out.stdout.lines().collect();
        for line in &lines {
            assert!(
                width(line) <= columns,
                "{columns}: {line:?} is {} wide",
                width(line)
            );
        }
        // The most useful columns always stay, the hash shortened.
        for header in ["NAME", "HASH", "MONTH (USD)", "TOTAL (USD)"] {
            assert!(
                lines[0].contains(header),
                "{columns}: {header} in {}",
                lines[0]
            );
        }
        assert!(
            !out.stdout.contains(&full_hash),
            "{columns}: {}",
            out.stdout
        );
        assert!(out.stdout.contains(&format!("{}…", &full_hash[..12])));
        assert!(
            out.stdout.contains("$1,234.50"),
            "money to the cent: {}",
            out.stdout
        );
        let total = lines.last().expect("a totals row");
        assert!(
            total.starts_with("TOTAL") && total.ends_with("$7,407.00"),
            "{total}"
        );
        if columns == 80 {
            assert!(!lines[0].contains("LABEL"), "{}", lines[0]);
        } else {
            assert!(lines[0].contains("LIMIT (USD)"), "{}", lines[0]);
        }
    }
    let narrow = run(cli(&server)
        .env("COLUMNS", "80")
        .args(["keys", "list", "-f", "table"]))
    .ok();
    let wide = run(cli(&server)
        .env("COLUMNS", "80")
        .args(["keys", "list", "-f", "table", "--wide"]))
    .ok();
    assert!(wide.stdout.contains(&full_hash));
    let header = wide.stdout.lines().next().expect("a header");
    for column in ["LABEL", "WEEK (USD)", "REMAINING (USD)", "DISABLED"] {
        assert!(header.contains(column), "--wide: {column} in {header}");
    }
    assert!(header.len() > 80);
    assert!(narrow.stdout.lines().next().map(str::len) < Some(header.len()));
    // CSV and JSON stay complete whatever the width.
    let csv = run(cli(&server)
        .env("COLUMNS", "80")
        .args(["keys", "list", "-f", "csv"]))
    .ok();
    assert!(csv.stdout.contains(&full_hash));
    assert!(csv.csv().0.len() >= 17);
}

#[test]
fn keys_list_csv_has_the_api_fields_one_row_per_key() {
    let server = MockServer::start();
    mock_key_pages(&server);
    let out = run(cli(&server).args(["keys", "list", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    // The table's columns first, then every other scalar field the spec lists.
    assert_eq!(
        header[..11],
        [
            "name",
            "hash",
            "limit",
            "limit_remaining",
            "usage_daily",
            "usage_weekly",
            "usage_monthly",
            "usage",
            "last_used_at",
            "disabled",
            "label",
        ]
    );
    for field in [
        "created_at",
        "expires_at",
        "workspace_id",
        "creator_user_id",
    ] {
        assert!(header.iter().any(|h| h == field), "{field} in {header:?}");
    }
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1][at("name")], "CI bot 🤖");
    assert_eq!(rows[1][at("usage")], "40.0");
    assert_eq!(rows[0][at("last_used_at")], "2026-11-02T09:30:00Z");
    assert_eq!(rows[2][at("limit")], "", "no limit is blank");
    assert_eq!(rows[2][at("disabled")], "true");
}

#[test]
fn keys_list_sorts_by_usage_name_or_creation_in_every_format() {
    let server = MockServer::start();
    mock_key_pages(&server);
    let names = |sort: &str, format: &str| -> Vec<String> {
        let out = run(cli(&server).args(["keys", "list", "--sort", sort, "-f", format])).ok();
        match format {
            "json" => out.json()["data"]
                .as_array()
                .expect("data")
                .iter()
                .map(|k| k["name"].as_str().expect("name").to_string())
                .collect(),
            _ => out.csv().1.into_iter().map(|row| row[0].clone()).collect(),
        }
    };
    assert_eq!(names("usage", "json"), ["CI bot 🤖", "prod", "研究チーム"]);
    assert_eq!(names("usage", "csv"), ["CI bot 🤖", "prod", "研究チーム"]);
    assert_eq!(names("name", "csv"), ["CI bot 🤖", "prod", "研究チーム"]);
    assert_eq!(
        names("created", "json"),
        ["研究チーム", "prod", "CI bot 🤖"]
    );
    let out = run(cli(&server).args(["keys", "list", "--sort", "usage", "-f", "json"])).ok();
    assert_eq!(
        out.json()["data"][2]["added_next_year"],
        json!({"nested": [1, "two"]}),
        "a sorted item keeps its unknown fields"
    );
}

#[test]
fn keys_show_gets_one_key_in_three_formats() {
    let server = MockServer::start();
    let body = json!({"data": api_key("prod", "aaa111", 12.5)}).to_string();
    let mock = server.mock(|when, then| {
        when.method(GET).path("/keys/aaa111");
        then.status(200).body(&body);
    });
    let out = run(cli(&server).args(["keys", "show", "aaa111", "-f", "table"])).ok();
    assert_eq!(out.field("Name"), "prod");
    assert_eq!(out.field("Hash"), "aaa111");
    assert_eq!(out.field("Limit"), "$100.00 (monthly)");
    assert_eq!(out.field("Usage total"), "$12.50");
    assert_eq!(out.field("Last used (UTC)"), "2026-11-02 09:30");
    let out = run(cli(&server).args(["keys", "show", "aaa111", "-f", "json"])).ok();
    assert_eq!(out.stdout, format!("{body}\n"));
    let out = run(cli(&server).args(["keys", "show", "aaa111", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    assert_eq!(header[2], "hash");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][2], "aaa111");
    mock.assert_calls(3);
}

fn mock_create(server: &MockServer, request: Value) -> httpmock::Mock<'_> {
    let mut created = api_key("ci", "ddd444", 0.0);
    created["expires_at"] = json!("2026-12-31T00:00:00Z");
    server.mock(|when, then| {
        when.method(POST).path("/keys").json_body(request);
        then.status(201)
            .json_body(json!({"data": created, "key": SECRET}));
    })
}

#[test]
fn keys_create_sends_the_flags_and_prints_the_secret_once_on_stdout_only() {
    let server = MockServer::start();
    let mock = mock_create(
        &server,
        json!({
            "name": "ci", "limit": 25.0, "limit_reset": "monthly",
            "expires_at": "2026-12-31T00:00:00Z", "include_byok_in_limit": true,
            "workspace_id": WS
        }),
    );
    let args = [
        "keys",
        "create",
        "--name",
        "ci",
        "--limit",
        "25",
        "--limit-reset",
        "monthly",
        "--expires-at",
        "2026-12-31",
        "--include-byok-in-limit",
        "--workspace-id",
        WS,
    ];
    for format in ["table", "csv", "json"] {
        for verbose in [false, true] {
            let mut cmd = cli(&server);
            cmd.args(args).args(["-f", format]);
            if verbose {
                cmd.arg("-v");
            }
            let out = run(&mut cmd).ok();
            assert_eq!(
                out.stdout.matches(SECRET).count(),
                1,
                "{format}: {}",
                out.stdout
            );
            assert!(
                !out.stderr.contains(SECRET),
                "{format} -v={verbose}: {}",
                out.stderr
            );
            assert!(
                out.stderr.contains("will not show it again"),
                "{}",
                out.stderr
            );
            if verbose {
                assert!(out.stderr.contains("POST"), "{}", out.stderr);
            }
            match format {
                "table" => {
                    assert_eq!(out.field("Key (secret)"), SECRET);
                    assert_eq!(out.field("Hash"), "ddd444");
                }
                "csv" => {
                    let (header, rows) = out.csv();
                    assert_eq!(header.last().map(String::as_str), Some("key"));
                    assert_eq!(rows[0].last().map(String::as_str), Some(SECRET));
                }
                _ => assert_eq!(out.json()["key"], SECRET),
            }
        }
    }
    mock.assert_calls(6);
}

#[test]
fn keys_create_sends_only_the_name_when_that_is_all() {
    let server = MockServer::start();
    let mock = mock_create(&server, json!({"name": "ci"}));
    let out = run(cli(&server).args(["keys", "create", "--name", "ci", "-f", "json"])).ok();
    assert_eq!(out.json()["data"]["hash"], "ddd444");
    mock.assert_calls(1);
}

#[test]
fn keys_create_checks_its_flags_before_sending() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    for bad in [
        vec!["--name", "ci", "--limit", "-5"],
        vec!["--name", "ci", "--expires-at", "next week"],
        vec!["--name", "ci", "--workspace-id", "ws-1"],
        vec!["--name", "ci", "--limit-reset", "yearly"],
        vec!["--name", " "],
    ] {
        let out = run(cli(&server).args(["keys", "create"]).args(&bad));
        assert_eq!(out.code, 2, "{bad:?}: {}", out.stderr);
    }
    any.assert_calls(0);
}

#[test]
fn keys_update_sends_only_the_fields_given() {
    let server = MockServer::start();
    let mut updated = api_key("prod", "aaa111", 12.5);
    updated["disabled"] = json!(true);
    let body = json!({"data": updated}).to_string();
    let mock = server.mock(|when, then| {
        when.method(PATCH)
            .path("/keys/aaa111")
            .json_body(json!({"disabled": true, "limit": 50.0, "limit_reset": "weekly"}));
        then.status(200).body(&body);
    });
    let args = [
        "keys",
        "update",
        "aaa111",
        "--disabled",
        "true",
        "--limit",
        "50",
        "--limit-reset",
        "weekly",
    ];
    let out = run(cli(&server).args(args).args(["-f", "table"])).ok();
    assert_eq!(out.field("Disabled"), "yes");
    let out = run(cli(&server).args(args).args(["-f", "json"])).ok();
    assert_eq!(out.stdout, format!("{body}\n"));
    let out = run(cli(&server).args(args).args(["-f", "csv"])).ok();
    assert_eq!(out.csv().1[0][3], "true");
    mock.assert_calls(3);

    let renamed = server.mock(|when, then| {
        when.method(PATCH)
            .path("/keys/bbb222")
            .json_body(json!({"name": "CI 🤖", "include_byok_in_limit": false}));
        then.status(200)
            .json_body(json!({"data": api_key("CI 🤖", "bbb222", 1.0)}));
    });
    run(cli(&server).args([
        "keys",
        "update",
        "bbb222",
        "--name",
        "CI 🤖",
        "--include-byok-in-limit",
        "false",
        "-f",
        "json",
    ]))
    .ok();
    renamed.assert_calls(1);

    let out = run(cli(&server).args(["keys", "update", "aaa111"]));
    assert_eq!(out.code, 2);
    assert!(
        out.error_line().contains("nothing to update"),
        "{}",
        out.stderr
    );
}

#[test]
fn keys_delete_refuses_without_a_terminal_or_yes_and_deletes_with_yes() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(DELETE).path("/keys/aaa111");
        then.status(200).body(r#"{"deleted":true}"#);
    });
    let out = run(cli(&server).args(["keys", "delete", "aaa111"]));
    assert_eq!(out.code, 2);
    let line = out.error_line();
    assert!(
        line.contains("--yes") && line.contains("not a terminal"),
        "{line}"
    );
    mock.assert_calls(0);

    let out = run(cli(&server).args(["keys", "delete", "aaa111", "--yes", "-f", "table"])).ok();
    assert_eq!(out.stdout, "Deleted API key aaa111.\n");
    let out = run(cli(&server).args(["keys", "delete", "aaa111", "-y", "-f", "json"])).ok();
    assert_eq!(out.stdout, "{\"deleted\":true}\n");
    let out = run(cli(&server).args(["keys", "delete", "aaa111", "--yes", "-f", "csv"])).ok();
    assert_eq!(out.stdout, "deleted\ntrue\n");
    mock.assert_calls(3);
}

#[test]
fn a_key_that_is_not_a_management_key_exits_4_with_the_fix() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(GET).path("/keys");
        then.status(403).json_body(json!({"error": {
            "code": 403, "message": "Only management keys can perform this operation"
        }}));
    });
    let out = run(cli(&server).args(["keys", "list"]));
    assert_eq!(out.code, 4);
    let line = out.error_line();
    assert!(line.contains("not a management key"), "{line}");
    assert!(!line.contains(KEY));
    mock.assert_calls(1);
}

// ---------------------------------------------------------------- members

#[test]
fn members_follow_every_page_in_three_formats() {
    let server = MockServer::start();
    let (first, second) = mock_member_pages(&server);
    let out = run(cli(&server).args(["members", "-f", "table"])).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    let email = column_of(lines[0], "EMAIL");
    assert_eq!(column_of(lines[1], "ada@example.com"), email);
    assert_eq!(
        column_of(lines[2], "taro@example.com"),
        email,
        "CJK names line up"
    );
    assert_eq!(column_of(lines[3], "Bob@Example.com"), email);
    assert_eq!(
        lines[2].split_whitespace().collect::<Vec<_>>(),
        ["user_2", "太郎", "山田", "taro@example.com", "org_member"]
    );

    let out = run(cli(&server).args(["members", "-f", "json"])).ok();
    let data = out.json()["data"].clone();
    assert_eq!(data.as_array().map(Vec::len), Some(3));
    assert_eq!(data[2]["email"], "Bob@Example.com");

    let out = run(cli(&server).args(["members", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    assert_eq!(header, ["id", "first_name", "last_name", "email", "role"]);
    assert_eq!(
        rows[0],
        ["user_1", "Ada", "Lovelace", "ada@example.com", "org_admin"]
    );
    assert_eq!(rows[2], ["user_3", "", "", "Bob@Example.com", "org_member"]);
    first.assert_calls(3);
    second.assert_calls(3);
}

// ---------------------------------------------------------------- workspaces

#[test]
fn workspaces_list_follows_every_page_in_three_formats() {
    let server = MockServer::start();
    let first = server.mock(|when, then| {
        when.method(GET)
            .path("/workspaces")
            .query_param_missing("offset");
        then.status(200)
            .json_body(json!({"total_count": 3, "data": [
                workspace(WS, "research", "研究"),
                workspace("22222222-2222-4222-8222-222222222222", "ops", "Ops 🚀"),
            ]}));
    });
    let second = server.mock(|when, then| {
        when.method(GET)
            .path("/workspaces")
            .query_param("offset", "2");
        then.status(200)
            .json_body(json!({"total_count": 3, "data": [
                workspace("33333333-3333-4333-8333-333333333333", "default", "Default"),
            ]}));
    });
    let out = run(cli(&server).args(["workspaces", "list", "-f", "table"])).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    let created = column_of(lines[0], "CREATED (UTC)");
    for line in &lines[1..] {
        assert_eq!(column_of(line, "2026-09-01 10:00"), created, "{line}");
    }
    let out = run(cli(&server).args(["workspaces", "list", "-f", "json"])).ok();
    assert_eq!(out.json()["data"][2]["slug"], "default");
    assert_eq!(out.json()["data"].as_array().map(Vec::len), Some(3));
    let out = run(cli(&server).args(["workspaces", "list", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    assert_eq!(header[..4], ["id", "slug", "name", "description"]);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1][2], "Ops 🚀");
    first.assert_calls(3);
    second.assert_calls(3);
}

#[test]
fn workspaces_show_budgets_and_members() {
    let server = MockServer::start();
    let show_body = json!({"data": workspace(WS, "research", "研究")}).to_string();
    server.mock(|when, then| {
        when.method(GET).path("/workspaces/research");
        then.status(200).body(&show_body);
    });
    let budgets_body = json!({"include_byok_in_budgets": true, "data": [
        {"id": "44444444-4444-4444-8444-444444444444", "workspace_id": WS, "limit_usd": 500.0,
         "reset_interval": "monthly", "created_at": "2026-09-01T10:00:00Z",
         "updated_at": "2026-10-01T10:00:00Z"},
        {"id": "55555555-5555-4555-8555-555555555555", "workspace_id": WS, "limit_usd": 2000.0,
         "reset_interval": null, "created_at": "2026-09-01T10:00:00Z",
         "updated_at": "2026-09-01T10:00:00Z"}
    ]})
    .to_string();
    server.mock(|when, then| {
        when.method(GET).path("/workspaces/research/budgets");
        then.status(200).body(&budgets_body);
    });
    let ws_member = |n: u32, user: &str, role: &str| {
        json!({"id": format!("66666666-6666-4666-8666-66666666666{n}"), "user_id": user,
               "role": role, "created_at": "2026-09-02T10:00:00Z", "workspace_id": WS})
    };
    let members_first = server.mock(|when, then| {
        when.method(GET)
            .path("/workspaces/research/members")
            .query_param_missing("offset");
        then.status(200)
            .json_body(json!({"total_count": 3, "data": [
                ws_member(1, "user_1", "admin"), ws_member(2, "user_2", "member")
            ]}));
    });
    let members_second = server.mock(|when, then| {
        when.method(GET)
            .path("/workspaces/research/members")
            .query_param("offset", "2");
        then.status(200)
            .json_body(json!({"total_count": 3, "data": [ws_member(3, "user_3", "member")]}));
    });

    let out = run(cli(&server).args(["workspaces", "show", "research", "-f", "table"])).ok();
    assert_eq!(out.field("Name"), "研究");
    assert_eq!(out.field("Default text model"), "openai/gpt-4o");
    assert_eq!(out.field("Observability broadcast"), "yes");
    let out = run(cli(&server).args(["workspaces", "show", "research", "-f", "json"])).ok();
    assert_eq!(out.stdout, format!("{show_body}\n"));
    let out = run(cli(&server).args(["workspaces", "show", "research", "-f", "csv"])).ok();
    assert_eq!(out.csv().1[0][..3], [WS, "research", "研究"]);

    let out = run(cli(&server).args(["workspaces", "budgets", "research", "-f", "table"])).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[1].split_whitespace().take(2).collect::<Vec<_>>(),
        ["monthly", "$500.00"]
    );
    assert_eq!(
        lines[2].split_whitespace().take(2).collect::<Vec<_>>(),
        ["never", "$2,000.00"]
    );
    assert_eq!(lines[3], "BYOK spend counts against budgets: yes");
    let out = run(cli(&server).args(["workspaces", "budgets", "research", "-f", "json"])).ok();
    assert_eq!(out.stdout, format!("{budgets_body}\n"));
    let out = run(cli(&server).args(["workspaces", "budgets", "research", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    // The table's fields first, then every other field the spec lists (as keys list).
    assert_eq!(
        header,
        [
            "reset_interval",
            "limit_usd",
            "id",
            "updated_at",
            "created_at",
            "workspace_id"
        ]
    );
    // Numbers as sent (the body says 2000.0), as in every CSV of the resource model.
    assert_eq!(rows[1][..2], ["", "2000.0"]);

    let out = run(cli(&server).args(["workspaces", "members", "research", "-f", "table"])).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    assert_eq!(
        lines[3].split_whitespace().collect::<Vec<_>>(),
        ["user_3", "member", "2026-09-02", "10:00"]
    );
    let out = run(cli(&server).args(["workspaces", "members", "research", "-f", "json"])).ok();
    assert_eq!(out.json()["data"].as_array().map(Vec::len), Some(3));
    let out = run(cli(&server).args(["workspaces", "members", "research", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    assert_eq!(
        header,
        ["user_id", "role", "created_at", "id", "workspace_id"]
    );
    assert_eq!(rows[0][..2], ["user_1", "admin"]);
    members_first.assert_calls(3);
    members_second.assert_calls(3);
}

#[test]
fn workspaces_create_update_and_delete_send_the_bodies() {
    let server = MockServer::start();
    let created = server.mock(|when, then| {
        when.method(POST).path("/workspaces").json_body(json!({
            "name": "研究", "slug": "kenkyu", "description": "ML",
            "default_text_model": "openai/gpt-4o", "io_logging_api_key_ids": [3, 4],
            "io_logging_sampling_rate": 0.5, "is_observability_broadcast_enabled": true
        }));
        then.status(201)
            .json_body(json!({"data": workspace(WS, "kenkyu", "研究")}));
    });
    let out = run(cli(&server).args([
        "workspaces",
        "create",
        "--name",
        "研究",
        "--slug",
        "kenkyu",
        "--description",
        "ML",
        "--default-text-model",
        "openai/gpt-4o",
        "--io-logging-api-key-ids",
        "3,4",
        "--io-logging-sampling-rate",
        "0.5",
        "--is-observability-broadcast-enabled",
        "true",
        "-f",
        "table",
    ]))
    .ok();
    assert_eq!(out.field("Slug"), "kenkyu");
    created.assert_calls(1);

    let updated = server.mock(|when, then| {
        when.method(PATCH)
            .path("/workspaces/kenkyu")
            .json_body(json!({"name": "Research", "is_data_discount_logging_enabled": false}));
        then.status(200)
            .json_body(json!({"data": workspace(WS, "kenkyu", "Research")}));
    });
    let out = run(cli(&server).args([
        "workspaces",
        "update",
        "kenkyu",
        "--name",
        "Research",
        "--is-data-discount-logging-enabled",
        "false",
        "-f",
        "csv",
    ]))
    .ok();
    assert_eq!(out.csv().1[0][2], "Research");
    updated.assert_calls(1);
    let out = run(cli(&server).args(["workspaces", "update", "kenkyu"]));
    assert_eq!(out.code, 2, "nothing to update");
    let out = run(cli(&server).args([
        "workspaces",
        "create",
        "--name",
        &"x".repeat(101),
        "--slug",
        "x",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.error_line().contains("longer than 100"),
        "{}",
        out.stderr
    );

    let deleted = server.mock(|when, then| {
        when.method(DELETE).path("/workspaces/kenkyu");
        then.status(200).body(r#"{"deleted":true}"#);
    });
    let out = run(cli(&server).args(["workspaces", "delete", "kenkyu"]));
    assert_eq!(out.code, 2);
    assert!(out.error_line().contains("--yes"), "{}", out.stderr);
    deleted.assert_calls(0);
    let out =
        run(cli(&server).args(["workspaces", "delete", "kenkyu", "--yes", "-f", "json"])).ok();
    assert_eq!(out.stdout, "{\"deleted\":true}\n");
    let out =
        run(cli(&server).args(["workspaces", "delete", "kenkyu", "--yes", "-f", "table"])).ok();
    assert_eq!(out.stdout, "Deleted workspace kenkyu.\n");
    deleted.assert_calls(2);
    created.assert_calls(1);
}

// ---------------------------------------------------------------- generation

#[test]
fn generation_shows_one_request_in_three_formats() {
    let server = MockServer::start();
    let mut body = json!({"data": {
        "id": "gen-123", "created_at": "2026-11-02T09:30:00Z", "model": "openai/gpt-4o",
        "provider_name": "OpenAI", "origin": "", "data_region": "global", "is_byok": false,
        "tokens_prompt": 1200, "tokens_completion": 345, "native_tokens_reasoning": 0,
        "native_tokens_cached": 100, "total_cost": 0.012345, "usage": 0.012345,
        "latency": 1534.6, "generation_time": 1200.0, "finish_reason": "stop",
        "streamed": true, "later_field": "kept"
    }});
    // Fields the API always sends, null here.
    for field in [
        "api_type",
        "app_id",
        "cache_discount",
        "cancelled",
        "external_user",
        "http_referer",
        "moderation_latency",
        "native_finish_reason",
        "native_tokens_completion",
        "native_tokens_completion_images",
        "native_tokens_prompt",
        "num_fetches",
        "num_input_audio_prompt",
        "num_media_completion",
        "num_media_prompt",
        "num_search_results",
        "preset_id",
        "provider_responses",
        "router",
        "service_tier",
        "upstream_id",
        "upstream_inference_cost",
        "user_agent",
        "web_search_engine",
        "workspace_id",
    ] {
        body["data"][field] = Value::Null;
    }
    let body = body.to_string();
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/generation")
            .query_param("id", "gen-123");
        then.status(200).body(&body);
    });
    let out = run(cli(&server).args(["generation", "gen-123", "-f", "table"])).ok();
    assert_eq!(out.field("Model"), "openai/gpt-4o");
    assert_eq!(out.field("Provider"), "OpenAI");
    assert_eq!(out.field("Prompt tokens"), "1,200");
    assert_eq!(out.field("Completion tokens"), "345");
    assert_eq!(out.field("Cached tokens"), "100");
    assert_eq!(out.field("Cost"), "$0.012345");
    assert_eq!(out.field("Latency"), "1,535 ms");
    assert_eq!(out.field("Generation time"), "1,200 ms");
    // Every generation shows the same rows, a zero as a zero.
    assert_eq!(out.field("Reasoning tokens"), "0");
    assert_eq!(out.field("Created (UTC)"), "2026-11-02 09:30");
    assert_eq!(out.field("Streamed"), "yes");
    let out = run(cli(&server).args(["generation", "gen-123", "-f", "json"])).ok();
    assert_eq!(out.stdout, format!("{body}\n"));
    let out = run(cli(&server).args(["generation", "gen-123", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    assert_eq!(header[..4], ["id", "created_at", "model", "provider_name"]);
    let cell = |name: &str| {
        let at = header.iter().position(|h| h == name).expect(name);
        rows[0][at].clone()
    };
    assert_eq!(cell("total_cost"), "0.012345");
    assert_eq!(cell("latency"), "1534.6");
    // Every scalar field of the spec is a column, not only the table's.
    assert_eq!(cell("cache_discount"), "");
    mock.assert_calls(3);
}

// ---------------------------------------------------------------- activity --key / --user

fn mock_activity_for<'a>(server: &'a MockServer, param: &str, value: &str) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(GET).path("/activity").query_param(param, value);
        then.status(200).json_body(json!({"data": []}));
    })
}

#[test]
fn activity_key_is_resolved_by_hash_name_or_unique_name_through_every_page() {
    let server = MockServer::start();
    let (first, second) = mock_key_pages(&server);
    let by_hash = mock_activity_for(&server, "api_key_hash", "ccc333");
    let by_name = mock_activity_for(&server, "api_key_hash", "bbb222");
    let by_prod = mock_activity_for(&server, "api_key_hash", "aaa111");
    // The last key is on page 2, and disabled: found all the same.
    run(cli(&server).args(["activity", "--key", "研究チーム", "-f", "json"])).ok();
    run(cli(&server).args(["activity", "--key", "ccc333", "-f", "json"])).ok();
    by_hash.assert_calls(2);
    run(cli(&server).args(["activity", "--key", "ci BOT 🤖", "-f", "json"])).ok();
    by_name.assert_calls(1);
    let out = run(cli(&server).args(["-v", "activity", "--key", "prod", "-f", "json"])).ok();
    assert!(
        out.stderr.contains("/keys?include_disabled=true"),
        "{}",
        out.stderr
    );
    by_prod.assert_calls(1);
    first.assert_calls(4);
    second.assert_calls(4);
}

#[test]
fn key_and_user_lookups_read_lists_that_lack_fields_the_spec_requires() {
    // Keys and members as an older API sent them: only what a lookup matches on.
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param_missing("offset");
        then.status(200).json_body(json!({"data": [
            {"name": "prod", "hash": "aaa111"}, {"name": "no hash"}
        ]}));
    });
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param("offset", "2");
        then.status(200).json_body(json!({"data": []}));
    });
    server.mock(|when, then| {
        when.method(GET).path("/organization/members");
        then.status(200)
            .json_body(json!({"total_count": 1, "data": [
                {"id": "user_1", "email": "Ada@Example.com"}
            ]}));
    });
    let by_key = mock_activity_for(&server, "api_key_hash", "aaa111");
    let by_user = mock_activity_for(&server, "user_id", "user_1");
    run(cli(&server).args(["activity", "--key", "PROD", "-f", "json"])).ok();
    run(cli(&server).args(["activity", "--user", "ada@example.com", "-f", "json"])).ok();
    by_key.assert_calls(1);
    by_user.assert_calls(1);
    // A key without a hash cannot be asked for, so it is not a candidate.
    let out = run(cli(&server).args(["activity", "--key", "no hash"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!out.error_line().contains("no hash\" ("), "{}", out.stderr);
}

#[test]
fn an_unknown_or_ambiguous_key_is_a_usage_error_listing_the_candidates() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param_missing("offset");
        then.status(200).json_body(json!({"data": [
            api_key("Prod", "aaa111", 1.0), api_key("PROD", "bbb222", 1.0),
        ]}));
    });
    // The end of the list: an empty page.
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param("offset", "2");
        then.status(200).json_body(json!({"data": []}));
    });
    let activity = server.mock(|when, then| {
        when.path("/activity");
        then.status(200).json_body(json!({"data": []}));
    });
    let out = run(cli(&server).args(["activity", "--key", "prod"]));
    assert_eq!(out.code, 2);
    let line = out.error_line();
    assert!(line.contains("matches 2 API keys"), "{line}");
    assert!(
        line.contains("\"Prod\" (aaa111)") && line.contains("\"PROD\" (bbb222)"),
        "{line}"
    );
    let out = run(cli(&server).args(["activity", "--key", "staging"]));
    assert_eq!(out.code, 2);
    let line = out.error_line();
    assert!(line.contains("not the name or hash"), "{line}");
    assert!(
        line.contains("\"Prod\" (aaa111), \"PROD\" (bbb222)"),
        "{line}"
    );
    activity.assert_calls(0);

    let out = run(cli(&server).args(["activity", "--key", "x", "--api-key-hash", "y"]));
    assert_eq!(out.code, 2, "--key and --api-key-hash conflict");
}

#[test]
fn activity_user_is_resolved_by_id_or_email_and_unknown_ones_are_listed() {
    let server = MockServer::start();
    let (first, second) = mock_member_pages(&server);
    let bob = mock_activity_for(&server, "user_id", "user_3");
    let ada = mock_activity_for(&server, "user_id", "user_1");
    run(cli(&server).args(["activity", "--user", "bob@example.COM", "-f", "json"])).ok();
    bob.assert_calls(1);
    run(cli(&server).args(["activity", "--user", "user_1", "-f", "json"])).ok();
    ada.assert_calls(1);
    let out = run(cli(&server).args(["activity", "--user", "carol@example.com"]));
    assert_eq!(out.code, 2);
    let line = out.error_line();
    assert!(line.contains("not the email or id of a member"), "{line}");
    assert!(line.contains("ada@example.com (user_1)"), "{line}");
    assert!(line.contains("Bob@Example.com (user_3)"), "{line}");
    first.assert_calls(3);
    second.assert_calls(3);
}

// ---------------------------------------------------------------- issue 16

/// Issue 24: an answer that lacks a field the spec requires is read tolerantly, so
/// the new key's secret (which OpenRouter shows once) is printed, once, with a warning
/// that never quotes it; an error status or a body that is not JSON still fails
/// without the secret anywhere.
#[test]
fn keys_create_with_an_answer_that_does_not_decode_never_prints_the_secret() {
    let mut no_hash = api_key("ci", "ddd444", 0.0);
    no_hash.as_object_mut().expect("object").remove("hash");
    let tolerated = [
        (201, json!({"data": no_hash, "key": SECRET}).to_string()),
        (201, json!({"key": SECRET}).to_string()),
        // A 2xx status the spec does not list is a mismatch like any other.
        (
            200,
            json!({"data": api_key("ci", "ddd444", 0.0), "key": SECRET}).to_string(),
        ),
    ];
    for (status, body) in tolerated {
        let server = MockServer::start();
        server.mock(|when, then| {
            when.method(POST).path("/keys");
            then.status(status)
                .header("content-type", "application/json")
                .body(&body);
        });
        for format in ["json", "table", "csv"] {
            let out =
                run(cli(&server).args(["keys", "create", "--name", "ci", "-v", "-f", format])).ok();
            assert_eq!(
                out.stdout.matches(SECRET).count(),
                1,
                "{format}: {}",
                out.stdout
            );
            if format == "json" {
                assert_eq!(out.stdout, format!("{body}\n"));
            }
            assert!(!out.stderr.contains(SECRET), "{}", out.stderr);
            assert_eq!(out.stderr.matches("warning: ").count(), 1, "{}", out.stderr);
        }
    }
    let refused = [
        (201, format!("{{\"key\": \"{SECRET}\"")),
        (502, format!("<html>{SECRET}</html>")),
    ];
    for (status, body) in refused {
        let server = MockServer::start();
        let mock = server.mock(|when, then| {
            when.method(POST).path("/keys");
            then.status(status)
                .header("content-type", "application/json")
                .body(&body);
        });
        for verbose in [false, true] {
            let mut cmd = cli(&server);
            if verbose {
                cmd.arg("-v");
            }
            let out = run(cmd.args(["keys", "create", "--name", "ci", "-f", "json"]));
            assert_ne!(out.code, 0, "{status} {body}: {}", out.stderr);
            assert!(out.stdout.is_empty(), "{}", out.stdout);
            assert!(
                !out.stderr.contains(SECRET) && !out.stderr.contains("brand-new-secret"),
                "{status} {body} (-v {verbose}): the secret on stderr: {}",
                out.stderr
            );
            assert!(out.stderr.contains("error: "), "{}", out.stderr);
            // A 2xx whose body cannot be read: the key may exist, and the user is told
            // where to look for it.
            if status == 201 {
                assert!(
                    out.stderr.contains("may have been created")
                        && out.stderr.contains("openrouter keys list"),
                    "{}",
                    out.stderr
                );
            }
        }
        mock.assert_calls(2);
    }
}

/// An API key as OpenRouter's documentation showed it before `creator_user_id` (and
/// the BYOK spend per period, `expires_at`, `workspace_id`) existed.
fn published_key(name: &str, hash: &str) -> Value {
    json!({
        "name": name, "label": "sk-or-v1-abc...xyz", "limit": 150, "disabled": false,
        "created_at": "2025-08-24T10:30:00Z", "updated_at": "2025-08-24T15:45:00Z",
        "hash": hash, "limit_remaining": 75.5, "limit_reset": "monthly",
        "include_byok_in_limit": false, "usage": 25.5, "usage_daily": 25.5,
        "usage_weekly": 25.5, "usage_monthly": 25.5, "byok_usage": 17.38
    })
}

/// Issue 24: answers in the shape OpenRouter published before newer fields existed
/// (fixtures written here in that shape) exit 0 in every format, with one warning on
/// stderr, and `-f json` is the body byte for byte.
#[test]
fn answers_published_before_newer_fields_are_read_tolerantly() {
    let server = MockServer::start();
    let list = json!({"data": [published_key("prod", "aaa111"), published_key("ci", "bbb222")]})
        .to_string();
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param_missing("offset");
        then.status(200).body(&list);
    });
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param("offset", "2");
        then.status(200).body(r#"{"data":[]}"#);
    });
    let created = json!({"data": published_key("ci", "ddd444"), "key": SECRET}).to_string();
    server.mock(|when, then| {
        when.method(POST).path("/keys");
        then.status(201).body(&created);
    });
    let mut current = current_key();
    current["data"]["rate_limit"]
        .as_object_mut()
        .expect("rate_limit")
        .remove("note");
    let current = current.to_string();
    server.mock(|when, then| {
        when.method(GET).path("/key");
        then.status(200).body(&current);
    });
    let credits = r#"{"data":{"total_credits":100.3}}"#;
    server.mock(|when, then| {
        when.method(GET).path("/credits");
        then.status(200).body(credits);
    });
    let commands: [(&[&str], Option<&str>); 4] = [
        (&["keys", "list"], None),
        (&["keys", "create", "--name", "ci"], Some(&created)),
        (&["key"], Some(&current)),
        (&["credits"], Some(credits)),
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
            assert!(!out.stderr.contains(SECRET), "{}", out.stderr);
            match (format, body) {
                ("json", Some(body)) => assert_eq!(out.stdout, format!("{body}\n")),
                ("json", None) => assert_eq!(
                    out.json(),
                    serde_json::from_str::<Value>(&list).expect("the list")
                ),
                _ => assert!(!out.stdout.is_empty(), "{args:?} -f {format}"),
            }
        }
    }
    // What is there is shown: the spend of the keys, and their total.
    let out = run(cli(&server).args(["keys", "list", "-f", "table"])).ok();
    let total = out.stdout.lines().last().expect("a totals row");
    assert_eq!(
        total.split_whitespace().collect::<Vec<_>>(),
        ["TOTAL", "$51.00", "$51.00", "$51.00", "$51.00"]
    );
    let out = run(cli(&server).args(["key", "-f", "table"])).ok();
    assert_eq!(out.field("Limit"), "$100.00 (monthly)");
}

/// No control character, escape sequence or bidi override reaches the terminal.
fn assert_terminal_safe(text: &str) {
    for c in text.chars() {
        let unsafe_char = (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        assert!(!unsafe_char, "raw U+{:04X} in {text:?}", u32::from(c));
    }
}

/// A name that would recolour and retitle a terminal, and reverse the text after it.
const HOSTILE: &str = "\u{1b}[31mred\u{1b}]0;pwned\u{7}\u{202e}";

#[test]
fn workspaces_members_and_generation_read_older_answers_tolerantly_and_escape_names() {
    let server = MockServer::start();
    // Each answer lacks a field the spec requires and carries a hostile name.
    let mut lacking = workspace(WS, "research", HOSTILE);
    lacking.as_object_mut().expect("object").remove("slug");
    let list = json!({"total_count": 2, "data": [workspace(
        "22222222-2222-4222-8222-222222222222", "ops", "Ops"), lacking.clone()]})
    .to_string();
    server.mock(|when, then| {
        when.method(GET).path("/workspaces");
        then.status(200).body(&list);
    });
    let one = json!({"data": lacking}).to_string();
    server.mock(|when, then| {
        when.method(GET).path("/workspaces/research");
        then.status(200).body(&one);
    });
    let budgets = json!({"include_byok_in_budgets": false, "data": [
        {"id": "44444444-4444-4444-8444-444444444444", "workspace_id": WS,
         "reset_interval": "monthly", "created_at": "2026-09-01T10:00:00Z",
         "updated_at": "2026-10-01T10:00:00Z"}
    ]})
    .to_string();
    server.mock(|when, then| {
        when.method(GET).path("/workspaces/research/budgets");
        then.status(200).body(&budgets);
    });
    let ws_members = json!({"total_count": 1, "data": [
        {"id": "66666666-6666-4666-8666-666666666661", "user_id": HOSTILE, "role": "admin",
         "workspace_id": WS}
    ]})
    .to_string();
    server.mock(|when, then| {
        when.method(GET).path("/workspaces/research/members");
        then.status(200).body(&ws_members);
    });
    let members = json!({"total_count": 1, "data": [
        {"id": "user_1", "first_name": HOSTILE, "last_name": null, "role": "org_admin"}
    ]})
    .to_string();
    server.mock(|when, then| {
        when.method(GET).path("/organization/members");
        then.status(200).body(&members);
    });
    let generation = json!({"data": {
        "id": "gen-1", "created_at": "2026-11-02T09:30:00Z", "provider_name": HOSTILE,
        "tokens_prompt": 10, "total_cost": 0.5, "is_byok": false
    }})
    .to_string();
    server.mock(|when, then| {
        when.method(GET).path("/generation");
        then.status(200).body(&generation);
    });
    let commands: [(&[&str], &str, &str); 6] = [
        (&["workspaces", "list"], &list, "slug (1 of 2 rows)"),
        (&["workspaces", "show", "research"], &one, "slug"),
        (
            &["workspaces", "budgets", "research"],
            &budgets,
            "limit_usd",
        ),
        (
            &["workspaces", "members", "research"],
            &ws_members,
            "created_at",
        ),
        (&["members"], &members, "email"),
        (&["generation", "gen-1"], &generation, "model"),
    ];
    for (args, body, missing) in commands {
        for format in ["table", "csv", "json"] {
            let out = run(cli(&server).args(args).args(["-f", format])).ok();
            assert_eq!(
                out.stderr.matches("warning: ").count(),
                1,
                "{args:?} -f {format}: {}",
                out.stderr
            );
            assert_terminal_safe(&out.stderr);
            if format == "json" {
                // As sent, byte for byte (a list: its items, spliced in as sent).
                let sent: Value = serde_json::from_str(body).expect("the body");
                match sent.get("total_count") {
                    Some(_) => assert_eq!(out.json()["data"], sent["data"]),
                    None => assert_eq!(out.stdout, format!("{body}\n")),
                }
                continue;
            }
            assert!(
                out.stderr.contains(missing),
                "{args:?} -f {format}: {}",
                out.stderr
            );
            assert_terminal_safe(&out.stdout);
            if format == "table" && !args.contains(&"budgets") {
                assert!(
                    out.stdout
                        .contains("\\x1b[31mred\\x1b]0;pwned\\x07<U+202E>"),
                    "{args:?}: {}",
                    out.stdout
                );
            }
        }
    }
    // The missing cell is empty, the rest as sent.
    let out = run(cli(&server).args(["workspaces", "list", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    let slug = header.iter().position(|h| h == "slug").expect("slug");
    assert_eq!(
        [rows[0][slug].as_str(), rows[1][slug].as_str()],
        ["ops", ""]
    );
    let out = run(cli(&server).args(["workspaces", "show", "research", "-f", "table"])).ok();
    assert!(out.stdout.lines().any(|l| l == "Slug"), "{}", out.stdout);
    assert_eq!(out.field("Default text model"), "openai/gpt-4o");
    let out = run(cli(&server).args(["workspaces", "budgets", "research", "-f", "table"])).ok();
    assert_eq!(
        out.stdout
            .lines()
            .nth(1)
            .map(|l| l.split_whitespace().count()),
        Some(4),
        "resets, the budget id and the time, the limit blank: {}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("BYOK spend counts against budgets: no\n")
    );
    let out = run(cli(&server).args(["generation", "gen-1", "-f", "table"])).ok();
    assert!(out.stdout.lines().any(|l| l == "Model"), "{}", out.stdout);
    assert_eq!(out.field("Cost"), "$0.50");
    assert!(out.stdout.lines().any(|l| l == "Latency"), "{}", out.stdout);
}

#[test]
fn a_paged_list_that_does_not_add_up_fails_instead_of_printing_part_of_it() {
    // `/keys` ignoring offset: the same two keys again at offset 2.
    let server = MockServer::start();
    let keys = server.mock(|when, then| {
        when.method(GET).path("/keys");
        then.status(200).json_body(json!({"data": [
            api_key("prod", "aaa111", 12.5),
            api_key("ci", "bbb222", 40.0),
        ]}));
    });
    for format in ["table", "json", "csv"] {
        let out = run(cli(&server).args(["keys", "list", "-f", format]));
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        let line = out.error_line();
        assert!(line.contains("came twice"), "{line}");
        assert!(line.contains("aaa111"), "{line}");
    }
    keys.assert_calls(6);

    // Members and workspaces: total_count says 3, the list ends after 2.
    let server = MockServer::start();
    for path in ["/organization/members", "/workspaces"] {
        let item = |n: usize| match path {
            "/workspaces" => workspace(
                &format!("{n}{n}{n}{n}{n}{n}{n}{n}-2222-4222-8222-222222222222"),
                &format!("ws{n}"),
                "W",
            ),
            _ => member(
                &format!("user_{n}"),
                None,
                None,
                "a@example.com",
                "org_member",
            ),
        };
        server.mock(|when, then| {
            when.method(GET).path(path).query_param_missing("offset");
            then.status(200)
                .json_body(json!({"total_count": 3, "data": [item(1), item(2)]}));
        });
        server.mock(|when, then| {
            when.method(GET).path(path).query_param("offset", "2");
            then.status(200)
                .json_body(json!({"total_count": 3, "data": []}));
        });
    }
    for command in [&["members"][..], &["workspaces", "list"]] {
        let out = run(cli(&server).args(command).args(["-f", "json"]));
        assert_eq!(out.code, 1, "{command:?}: {}", out.stderr);
        assert!(
            out.error_line().contains("2 of the 3"),
            "{command:?}: {}",
            out.stderr
        );
    }
}

/// A server on 127.0.0.1 that reads the first request and closes the connection
/// without answering (the answer is lost), then answers every later request with 404.
fn loses_the_first_answer_then_404() -> (String, std::thread::JoinHandle<usize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base_url = format!("http://{}", listener.local_addr().expect("address"));
    let handle = std::thread::spawn(move || {
        let mut requests = 0;
        for stream in listener.incoming().take(2) {
            let mut stream = stream.expect("accepted");
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            assert!(
                head.starts_with(b"DELETE "),
                "{}",
                String::from_utf8_lossy(&head)
            );
            requests += 1;
            if requests == 1 {
                drop(stream);
                continue;
            }
            let body = r#"{"error":{"code":404,"message":"Not found"}}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        requests
    });
    (base_url, handle)
}

#[test]
fn a_delete_whose_answer_was_lost_and_whose_retry_gets_404_exits_0_with_a_note() {
    for (command, what) in [
        (&["keys", "delete", "aaa111", "--yes"][..], "API key aaa111"),
        (
            &["workspaces", "delete", "research", "--yes"],
            "workspace research",
        ),
        (
            &[
                "guardrails",
                "delete",
                "11111111-2222-4333-8444-555555555555",
                "--yes",
            ],
            "guardrail 11111111-2222-4333-8444-555555555555",
        ),
        (
            &[
                "api",
                "workspaces",
                "delete-budget",
                "--id",
                "research",
                "--interval",
                "monthly",
            ],
            "the resource",
        ),
    ] {
        for format in ["table", "json", "csv"] {
            let (base_url, server) = loses_the_first_answer_then_404();
            let out = run(common::cli(&base_url, KEY)
                .args(command)
                .args(["-f", format]))
            .ok();
            assert_eq!(server.join().expect("server"), 2, "retried once");
            assert!(out.stdout.is_empty(), "{command:?}: {}", out.stdout);
            assert!(
                out.stderr.starts_with(&format!("note: {what} is gone")),
                "{command:?}: {}",
                out.stderr
            );
            assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        }
    }
    // A 404 to the first attempt still blames the id: exit 4.
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(DELETE).path("/keys/zzz999");
        then.status(404)
            .json_body(json!({"error": {"code": 404, "message": "Not found"}}));
    });
    let out = run(cli(&server).args(["keys", "delete", "zzz999", "--yes"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
}

/// Money one way: the credits table prints cents with thousands separators; CSV and
/// JSON keep every digit.
#[test]
fn credits_table_prints_cents_csv_and_json_keep_full_precision() {
    let server = MockServer::start();
    let body = r#"{"data":{"total_credits":5000.123456,"total_usage":3765.556}}"#;
    server.mock(|when, then| {
        when.method(GET).path("/credits");
        then.status(200).body(body);
    });
    let out = run(cli(&server).args(["credits", "-f", "table"])).ok();
    assert_eq!(out.field("Total credits"), "$5,000.12");
    assert_eq!(out.field("Total usage"), "$3,765.56");
    assert_eq!(out.field("Balance"), "$1,234.57");
    let out = run(cli(&server).args(["credits", "-f", "json"])).ok();
    assert_eq!(out.stdout, format!("{body}\n"));
    let out = run(cli(&server).args(["credits", "-f", "csv"])).ok();
    let (_, rows) = out.csv();
    assert_eq!(rows[0][0], "5000.123456");
    assert_eq!(rows[0][1], "3765.556");
}
