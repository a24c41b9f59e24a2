//! `openrouter api <group> <method> -f table|csv` through the generated resource model,
//! end to end with the built binary and local servers on 127.0.0.1 only: every
//! operation renders against the mock's sample account, `--columns` picks fields, and
//! answers that do not match the spec (shaped as OpenRouter published them before
//! newer fields existed, or sent by a hostile server) are read tolerantly and safely.

mod common;

use std::process::Command;

use common::{cli, flag, run};
use httpmock::prelude::*;
use openrouter_analytics::{ColumnKind, OperationInfo, operations};
use openrouter_analytics_mock::{MockOpenRouter, SampleAccount};
use serde_json::{Value, json};

const KEY: &str = "sk-or-v1-render-test-management-key-0123";
/// The secret of a newly created key, in a `POST /keys` answer.
const NEW_KEY: &str = "sk-or-v1-new-secret-0123456789abcdef";

fn kebab(name: &str) -> String {
    name.replace('_', "-")
}

/// `openrouter api <group> <method>` with the sample's example arguments.
fn api_command(base_url: &str, op: &OperationInfo, account: &SampleAccount) -> Command {
    let example = account
        .example_call(op.operation_id)
        .unwrap_or_else(|| panic!("{}: the sample has no example call", op.operation_id));
    let mut command = cli(base_url, KEY);
    command.args(["api", &kebab(op.group), &kebab(op.method)]);
    for (name, value) in &example.args {
        command.arg(format!("--{}", flag(name))).arg(value);
    }
    if let Some(body) = &example.body {
        command.arg("--body").arg(body.to_string());
    }
    command
}

/// No raw control character or bidi override in `text`.
fn assert_terminal_safe(text: &str) {
    for c in text.chars() {
        let unsafe_char = (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        assert!(!unsafe_char, "raw U+{:04X} in {text:?}", u32::from(c));
    }
}

/// The CSV on stdout, checked to be well formed: every record as wide as the header.
fn parse_csv(stdout: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(stdout.as_bytes());
    let header = reader
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            r.expect("a well-formed record")
                .iter()
                .map(String::from)
                .collect()
        })
        .collect();
    (header, rows)
}

#[test]
fn every_operation_renders_as_a_table_and_as_csv_against_the_sample_account() {
    let server = MockOpenRouter::start();
    let _sample = server.sample_account();
    let account = SampleAccount::new();
    let mut failures = Vec::new();
    let mut rendered = 0;
    for op in operations() {
        let answers_json = op.response.is_some();
        for format in ["table", "csv"] {
            let out = run(api_command(&server.base_url(), op, &account).args(["-f", format]));
            let what = format!("api {} {} -f {format}", op.group, op.method);
            if out.code != 0 {
                failures.push(format!("{what}: exit {}: {}", out.code, out.stderr));
                continue;
            }
            assert_terminal_safe(&out.stdout);
            if !answers_json {
                continue;
            }
            if out.stdout.trim().is_empty() {
                failures.push(format!("{what}: printed nothing"));
                continue;
            }
            if format == "csv" {
                let (header, _) = parse_csv(&out.stdout);
                assert!(!header.is_empty(), "{what}: an empty header");
            }
            rendered += 1;
        }
        // `--columns`: the CSV's header is exactly the columns asked for.
        let Some(response) = op.response else {
            continue;
        };
        let chosen: Vec<&str> = response
            .columns
            .iter()
            .filter(|c| c.kind != ColumnKind::Json)
            .map(|c| c.name)
            .rev()
            .take(3)
            .collect();
        if chosen.is_empty() {
            continue;
        }
        let out = run(api_command(&server.base_url(), op, &account).args([
            "-f",
            "csv",
            "--columns",
            &chosen.join(","),
        ]));
        if out.code != 0 {
            failures.push(format!(
                "api {} {} --columns: exit {}: {}",
                op.group, op.method, out.code, out.stderr
            ));
            continue;
        }
        let (header, rows) = parse_csv(&out.stdout);
        assert_eq!(header, chosen, "{}.{}", op.group, op.method);
        assert!(
            rows.iter().all(|row| row.len() == chosen.len()),
            "{}.{}",
            op.group,
            op.method
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(rendered > 140, "{rendered} renderings");
}

/// An API key as `GET /keys` lists it, in the shape OpenRouter published before
/// `creator_user_id` existed.
fn published_key(name: &str, hash: &str, usage: f64) -> Value {
    json!({
        "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_monthly": 0.0,
        "byok_usage_weekly": 0.0, "created_at": "2025-06-01T08:00:00Z",
        "disabled": false, "expires_at": null, "hash": hash,
        "include_byok_in_limit": false, "label": "sk-or-v1-abc...",
        "limit": 100.0, "limit_remaining": 100.0 - usage, "limit_reset": null,
        "name": name, "updated_at": null, "usage": usage, "usage_daily": 0.0,
        "usage_monthly": usage, "usage_weekly": 0.0,
        "workspace_id": "0b3c9b5e-4f8a-4c1e-9d2e-7a6b5c4d3e2f",
        "external_user": null, "last_used_at": null
    })
}

/// One `warning: ` line on stderr, and nothing else there.
fn one_warning(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one warning expected: {stderr:?}");
    assert!(lines[0].starts_with("warning: "), "{stderr}");
    assert!(!stderr.contains(KEY), "{stderr}");
    lines[0]
}

fn serve(server: &MockServer, method: httpmock::Method, path: &str, status: u16, body: &str) {
    let body = body.to_string();
    let path = path.to_string();
    server.mock(move |when, then| {
        when.method(method).path(path);
        then.status(status)
            .header("content-type", "application/json")
            .body(body);
    });
}

#[test]
fn a_keys_list_without_creator_user_id_prints_as_sent_with_one_warning() {
    let server = MockServer::start();
    // Spaced as a server may space it: JSON output must be these very bytes.
    let body = format!(
        "{{ \"data\": [ {}, {} ] }}",
        published_key("alpha", "aaa111", 12.5),
        published_key("beta", "bbb222", 1234.5678)
    );
    serve(&server, GET, "/keys", 200, &body);
    let cmd = |args: &[&str]| {
        let mut c = cli(&server.base_url(), KEY);
        c.args(["api", "api-keys", "list"]).args(args);
        run(&mut c).ok()
    };
    for args in [&["-f", "json"][..], &[]] {
        let out = cmd(args);
        assert_eq!(out.stdout, format!("{body}\n"));
        let warning = one_warning(&out.stderr);
        assert!(warning.contains("creator_user_id"), "{warning}");
    }
    let out = cmd(&["-f", "table"]);
    one_warning(&out.stderr);
    assert!(out.stdout.contains("$1,234.57"), "{}", out.stdout);
    assert!(out.stdout.contains("alpha") && out.stdout.contains("beta"));

    let out = cmd(&["-f", "csv", "--columns", "name,creator_user_id,usage"]);
    let warning = one_warning(&out.stderr);
    assert!(
        warning.contains("creator_user_id (2 of 2 rows)"),
        "{warning}"
    );
    let (header, rows) = parse_csv(&out.stdout);
    assert_eq!(header, ["name", "creator_user_id", "usage"]);
    assert_eq!(rows[1], ["beta", "", "1234.5678"], "full precision in CSV");
}

#[test]
fn the_current_key_without_rate_limit_note_prints_as_sent_with_one_warning() {
    let server = MockServer::start();
    let mut data = json!({
        "label": "sk-or-v1-abc...", "limit": null, "usage": 0.25, "usage_daily": 0.0,
        "usage_weekly": 0.0, "usage_monthly": 0.25, "byok_usage": 0.0,
        "byok_usage_daily": 0.0, "byok_usage_weekly": 0.0, "byok_usage_monthly": 0.0,
        "is_free_tier": false, "is_management_key": false, "is_provisioning_key": false,
        "limit_remaining": null, "limit_reset": null, "include_byok_in_limit": false,
        "creator_user_id": null,
        "rate_limit": {"requests": 10, "interval": "10s"}
    });
    data["unknown_new_thing"] = json!("x");
    let body = json!({ "data": data }).to_string();
    serve(&server, GET, "/key", 200, &body);
    let cmd = |args: &[&str]| {
        let mut c = cli(&server.base_url(), KEY);
        c.args(["api", "api-keys", "get-current-key-metadata"])
            .args(args);
        run(&mut c).ok()
    };
    let out = cmd(&["-f", "json"]);
    assert_eq!(out.stdout, format!("{body}\n"));
    one_warning(&out.stderr);

    // The table is the operation's look (as `openrouter key` shows it); the warning is
    // the mismatch, naming the missing field.
    let out = cmd(&["-f", "table"]);
    let warning = one_warning(&out.stderr);
    assert!(warning.contains("`note`"), "{warning}");
    assert!(out.stdout.starts_with("Label "), "{}", out.stdout);
    assert!(
        !out.stdout.contains("unknown_new_thing"),
        "unknown fields are left out"
    );
    // A nested field asked for by name: shown, and the one missing is named.
    let out = cmd(&[
        "-f",
        "table",
        "--columns",
        "rate_limit.requests,rate_limit.note",
    ]);
    let warning = one_warning(&out.stderr);
    assert!(warning.contains("rate_limit.note"), "{warning}");
    assert!(
        out.stdout.contains("rate_limit.requests  10"),
        "{}",
        out.stdout
    );

    // An unknown field is shown when asked for; a missing one is an empty cell.
    let out = cmd(&[
        "-f",
        "csv",
        "--columns",
        "label,unknown_new_thing,rate_limit.note",
    ]);
    one_warning(&out.stderr);
    let (header, rows) = parse_csv(&out.stdout);
    assert_eq!(header, ["label", "unknown_new_thing", "rate_limit.note"]);
    assert_eq!(rows, [["sk-or-v1-abc...", "x", ""]]);
}

#[test]
fn a_created_key_answer_in_the_published_shape_prints_with_its_secret_and_one_warning() {
    let server = MockServer::start();
    let body = json!({ "data": published_key("new", "ccc333", 0.0), "key": NEW_KEY }).to_string();
    serve(&server, POST, "/keys", 201, &body);
    let cmd = |args: &[&str]| {
        let mut c = cli(&server.base_url(), KEY);
        c.args(["api", "api-keys", "create", "--name", "new"])
            .args(args);
        run(&mut c).ok()
    };
    let out = cmd(&["-f", "json"]);
    assert_eq!(out.stdout, format!("{body}\n"));
    let warning = one_warning(&out.stderr);
    assert!(!warning.contains(NEW_KEY), "{warning}");

    let out = cmd(&["-f", "table"]);
    one_warning(&out.stderr);
    assert!(out.stdout.contains(NEW_KEY), "the new key is shown once");
    assert!(!out.stderr.contains(NEW_KEY));

    // A write's --columns is checked before anything is sent.
    let mut c = cli(&server.base_url(), KEY);
    c.args([
        "api",
        "api-keys",
        "create",
        "--name",
        "new",
        "-f",
        "csv",
        "--columns",
        "nope",
    ]);
    let out = run(&mut c);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("limit_remaining"), "{}", out.stderr);
}

#[test]
fn an_unknown_column_is_a_usage_error_listing_the_valid_ones() {
    let server = MockOpenRouter::start();
    let _sample = server.sample_account();
    let mut c = cli(&server.base_url(), KEY);
    c.args([
        "api",
        "credits",
        "get-credits",
        "-f",
        "table",
        "--columns",
        "total,x",
    ]);
    let out = run(&mut c);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("\"total\"") && out.stderr.contains("total_credits, total_usage"),
        "{}",
        out.stderr
    );
    // Picked and in order; in a table, as the operation's look heads them.
    let mut c = cli(&server.base_url(), KEY);
    c.args([
        "api",
        "credits",
        "get-credits",
        "-f",
        "csv",
        "--columns",
        "total_usage,total_credits",
    ]);
    let (header, rows) = parse_csv(&run(&mut c).ok().stdout);
    assert_eq!(header, ["total_usage", "total_credits"]);
    assert_eq!(rows.len(), 1);
    let mut c = cli(&server.base_url(), KEY);
    c.args(["api", "credits", "get-credits", "-f", "table"]);
    let out = run(&mut c).ok();
    assert!(out.stdout.starts_with("Total credits  $"), "{}", out.stdout);
}

#[test]
fn a_hostile_server_cannot_reach_the_terminal_or_a_spreadsheet() {
    let server = MockServer::start();
    let mut evil = published_key("\x1b[31mred\x1b[0m \u{202e}gpj.exe", "aaa111", -5.0);
    evil["label"] = json!("=cmd|' /C calc'!A0");
    let mut markup = published_key("<script>alert(1)</script>", "bbb222", 1.0);
    markup["usage_monthly"] = json!("NaN");
    let body = json!({ "data": [evil, markup] }).to_string();
    serve(&server, GET, "/keys", 200, &body);
    let cmd = |args: &[&str]| {
        let mut c = cli(&server.base_url(), KEY);
        c.args(["api", "api-keys", "list"]).args(args);
        run(&mut c)
    };
    let out = cmd(&["-f", "table"]).ok();
    assert_terminal_safe(&out.stdout);
    assert_terminal_safe(&out.stderr);
    assert!(out.stdout.contains("\\x1b[31mred"), "{}", out.stdout);
    assert!(out.stdout.contains("-$5.00"), "{}", out.stdout);
    assert!(
        out.stdout.contains("NaN"),
        "a string where a number belongs is shown as sent"
    );
    one_warning(&out.stderr);

    let out = cmd(&["-f", "csv", "--columns", "name,label,usage"]).ok();
    assert_terminal_safe(&out.stdout);
    let (_, rows) = parse_csv(&out.stdout);
    assert_eq!(
        rows[0][1], "'=cmd|' /C calc'!A0",
        "a formula is neutralised"
    );
    assert_eq!(rows[0][2], "-5.0", "a negative amount stays a number");
    assert_eq!(rows[1][0], "<script>alert(1)</script>");
}

#[test]
fn an_absurd_amount_fails_the_table_and_csv_but_json_passes_it_on() {
    let server = MockServer::start();
    let body = json!({ "data": [published_key("big", "aaa111", 1e308)] }).to_string();
    serve(&server, GET, "/keys", 200, &body);
    for format in ["table", "csv"] {
        let mut c = cli(&server.base_url(), KEY);
        c.args(["api", "api-keys", "list", "-f", format]);
        let out = run(&mut c);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        assert!(out.stderr.contains("1e308"), "{}", out.stderr);
    }
    let mut c = cli(&server.base_url(), KEY);
    c.args(["api", "api-keys", "list", "-f", "json"]);
    assert_eq!(run(&mut c).ok().stdout, format!("{body}\n"));
}

#[test]
fn a_success_that_is_not_json_is_a_clear_error_and_prints_nothing_raw() {
    let server = MockServer::start();
    serve(
        &server,
        GET,
        "/credits",
        200,
        "<html>\x1b]0;pwned\x07 \x1b[2J gateway</html>",
    );
    for format in ["json", "table", "csv"] {
        let mut c = cli(&server.base_url(), KEY);
        c.args(["api", "credits", "get-credits", "-f", format]);
        let out = run(&mut c);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{format}: {}", out.stdout);
        assert_terminal_safe(&out.stderr);
        assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    }
}

/// Key `n` of a hostile list: in the published shape (no `creator_user_id`), some
/// without `usage`, fields the spec does not know (one only on the last page), and
/// markup, ESC, a bidi override and a formula in its text.
fn odd_key(n: usize) -> Value {
    let mut key = published_key(
        &format!("key {n}"),
        &format!("hash-{n:05}"),
        n as f64 * 1.25,
    );
    if n % 11 == 5 {
        key.as_object_mut().map(|fields| fields.remove("usage"));
    }
    match n {
        2 => key["usage_monthly"] = json!("NaN"),
        4 => key["name"] = json!("\x1b[31mred\x1b[0m \u{202e}gpj.exe <b>x</b>,\"q\"\nline"),
        9 => key["label"] = json!("=cmd|' /C calc'!A0"),
        12 => key["disabled"] = json!("maybe"),
        70 => key["brand_new"] = json!({"nested": [1, 2]}),
        141 => key["late_field"] = json!(7),
        142 => key["late_field"] = json!("<script>alert(1)</script>"),
        _ => {}
    }
    key
}

/// `/keys` paged by `offset` as `items` says: pages of 60, 33 and 50 keys, then an
/// empty page (the list of keys has no `total_count`).
fn paged_keys(server: &MockServer, items: fn(usize) -> Value) {
    server.mock(move |when, then| {
        when.method(GET).path("/keys");
        then.respond_with(move |request: &httpmock::HttpMockRequest| {
            let offset = request
                .query_params()
                .into_iter()
                .find(|(name, _)| name == "offset")
                .and_then(|(_, value)| value.parse::<usize>().ok())
                .unwrap_or(0);
            let end = match offset {
                0 => 60,
                60 => 93,
                93 => 143,
                _ => offset,
            };
            let data: Vec<Value> = (offset..end).map(items).collect();
            httpmock::HttpMockResponse::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(json!({ "data": data }).to_string())
                .build()
        });
    });
}

/// Every page of a hostile list, rendered item by item, prints the very bytes (and
/// warnings) that the same list sent as one answer does, rendered from its tree: every
/// format and column choice, in a wide and a narrow table.
#[test]
fn all_pages_print_what_the_same_list_in_one_answer_prints() {
    let pages = MockServer::start();
    paged_keys(&pages, odd_key);
    let whole = MockServer::start();
    let body = json!({ "data": (0..143).map(odd_key).collect::<Vec<_>>() }).to_string();
    serve(&whole, GET, "/keys", 200, &body);
    let columns = "name,late_field,brand_new,creator_user_id,usage,disabled,label";
    let cases: [&[&str]; 6] = [
        &["-f", "csv"],
        &["-f", "table"],
        &["-f", "csv", "--columns", columns],
        &["-f", "table", "--columns", columns],
        &["-f", "csv", "--columns", "hash,usage_monthly"],
        &["-f", "table", "--columns", "name,nope"],
    ];
    for args in cases {
        for width in [None, Some("60")] {
            let run_on = |server: &MockServer, all_pages: bool| {
                let mut c = cli(&server.base_url(), KEY);
                c.args(["api", "api-keys", "list"]).args(args);
                if all_pages {
                    c.arg("--all-pages");
                }
                if let Some(width) = width {
                    c.env("COLUMNS", width);
                }
                run(&mut c)
            };
            let paged = run_on(&pages, true);
            let one = run_on(&whole, false);
            let case = format!("{args:?} at {width:?}");
            assert_eq!(paged.code, one.code, "{case}: {}", paged.stderr);
            assert!(paged.stdout == one.stdout, "{case}: the output differs");
            assert_eq!(paged.stderr, one.stderr, "{case}");
            assert_terminal_safe(&paged.stdout);
            if paged.code == 0 {
                assert!(paged.stdout.contains("hash-00142") || paged.stdout.contains("key 142"));
                one_warning(&paged.stderr);
            } else {
                assert_eq!(paged.code, 2, "{case}: {}", paged.stderr);
                assert!(paged.stdout.is_empty(), "{case}");
            }
        }
    }
}

/// Key `n` of [`paged_keys`], the last (142) with an amount past what prints exactly.
fn key_absurd_last(n: usize) -> Value {
    let mut key = odd_key(n);
    if n == 142 {
        key["usage"] = json!(1e308);
    }
    key
}

/// An amount that cannot be printed in the last item of the last page prints no row
/// before it, as CSV or as a table: the render fails before its first byte.
#[test]
fn an_absurd_amount_on_the_last_page_prints_nothing() {
    let server = MockServer::start();
    paged_keys(&server, key_absurd_last);
    let cases: [&[&str]; 4] = [
        &["-f", "csv"],
        &["-f", "table"],
        &["-f", "csv", "--columns", "name,late_field,usage"],
        &["-f", "table", "--columns", "name,late_field,usage"],
    ];
    for args in cases {
        let mut c = cli(&server.base_url(), KEY);
        c.args(["api", "api-keys", "list", "--all-pages"])
            .args(args);
        let out = run(&mut c);
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(
            out.stdout.is_empty(),
            "{args:?}: {} bytes",
            out.stdout.len()
        );
        assert!(out.stderr.contains("1e308"), "{args:?}: {}", out.stderr);
    }
    // Not shown, not a failure; and JSON passes the amount on as sent.
    let mut c = cli(&server.base_url(), KEY);
    c.args([
        "api",
        "api-keys",
        "list",
        "--all-pages",
        "-f",
        "csv",
        "--columns",
        "name",
    ]);
    let (_, rows) = parse_csv(&run(&mut c).ok().stdout);
    assert_eq!(rows.len(), 143);
    let mut c = cli(&server.base_url(), KEY);
    c.args(["api", "api-keys", "list", "--all-pages", "-f", "json"]);
    let listed: Value = serde_json::from_str(&run(&mut c).ok().stdout).expect("JSON");
    assert_eq!(listed["data"][142]["usage"], json!(1e308));
}

/// One resource model: `openrouter api` shows an operation's answer as the friendly
/// command over the same operation does (the operation's look), in a table and in CSV;
/// a display rule stated once reaches both.
#[test]
fn api_shows_an_answer_as_the_friendly_command_over_it_does() {
    let server = MockOpenRouter::start();
    let _sample = server.sample_account();
    let get = openrouter_analytics::ops::API_KEYS_GET.operation_id;
    let example = SampleAccount::new().example_call(get).expect("an example");
    let hash = example.args[0].1.as_str();
    let pairs: [(&[&str], &[&str]); 6] = [
        (
            &["keys", "list"],
            &["api", "api-keys", "list", "--all-pages"],
        ),
        (
            &["members"],
            &["api", "organization", "list-members", "--all-pages"],
        ),
        (
            &["workspaces", "list"],
            &["api", "workspaces", "list", "--all-pages"],
        ),
        (
            &["guardrails", "list"],
            &["api", "guardrails", "list", "--all-pages"],
        ),
        (&["byok", "list"], &["api", "byok", "list", "--all-pages"]),
        (
            &["keys", "show", hash],
            &["api", "api-keys", "get", "--hash", hash],
        ),
    ];
    let mut compared = 0;
    for (friendly, api) in pairs {
        for format in ["table", "csv"] {
            let shown = |args: &[&str]| {
                let mut c = cli(&server.base_url(), KEY);
                c.args(args).args(["-f", format]).env("COLUMNS", "400");
                run(&mut c)
            };
            let (by_friendly, by_api) = (shown(friendly), shown(api));
            assert_eq!(
                by_friendly.code, by_api.code,
                "{friendly:?}: {}",
                by_api.stderr
            );
            assert_eq!(
                by_friendly.stdout, by_api.stdout,
                "{friendly:?} and {api:?} -f {format}"
            );
            compared += usize::from(by_api.code == 0 && !by_api.stdout.is_empty());
        }
    }
    // Each pair printed something in both formats: nothing was compared empty.
    assert_eq!(compared, 12, "comparisons that printed output");
}
