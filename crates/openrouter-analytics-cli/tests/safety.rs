//! What the built `openrouter` binary prints when the network sends hostile text or
//! numbers (local mock servers on 127.0.0.1 only): escape sequences and bidi overrides
//! never reach the terminal raw, CSV cells never start a spreadsheet formula, and token
//! sums and dollar amounts are exact or refused, never `inf` or a 309-digit figure.

use std::process::Command;

use httpmock::prelude::*;
use serde_json::{Value, json};
use unicode_width::UnicodeWidthStr;

const KEY: &str = "sk-or-v1-safety-test-management-key-0123";
const WS: &str = "0b3c9b5e-4f8a-4c1e-9d2e-7a6b5c4d3e2f";
/// An error message that recolours the terminal, retitles the window and reverses text.
const HOSTILE: &str = "bad \x1b[31mRED\x1b[0m \x1b]0;title\x07 \u{202e}evil";
/// How the CLI shows [`HOSTILE`]'s first escape sequence: visibly, as text.
const ESCAPED_RED: &str = "bad \\x1b[31mRED";

mod common;

use common::run;

fn cli(server: &MockServer) -> Command {
    common::cli(&server.base_url(), KEY)
}

/// No raw ESC, BEL, C1 control or bidi override anywhere in `text`.
fn assert_terminal_safe(text: &str) {
    for c in text.chars() {
        let unsafe_char = (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        assert!(
            !unsafe_char,
            "raw U+{:04X} reached the terminal: {text:?}",
            u32::from(c)
        );
    }
}

fn mock_activity_error<'a>(server: &'a MockServer, status: u16, body: &str) -> httpmock::Mock<'a> {
    let body = body.to_string();
    server.mock(move |when, then| {
        when.method(GET).path("/activity");
        then.status(status)
            .header("content-type", "text/plain")
            .body(body);
    })
}

fn error_body(message: &str) -> String {
    json!({"error": {"code": 400, "message": message}}).to_string()
}

// ---------------------------------------------------------------- terminal safety

#[test]
fn an_error_message_with_escapes_and_bidi_is_shown_escaped_on_the_error_line() {
    let server = MockServer::start();
    mock_activity_error(&server, 400, &error_body(HOSTILE));
    let out = run(cli(&server).args(["activity"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    let line = out.error_line();
    assert_terminal_safe(&out.stderr);
    assert!(line.contains(ESCAPED_RED), "{line}");
    assert!(line.contains("<U+202E>evil"), "{line}");
}

#[test]
fn a_non_json_error_body_is_shown_escaped_on_the_error_line() {
    let server = MockServer::start();
    mock_activity_error(&server, 400, &format!("<html>{HOSTILE}</html>"));
    let out = run(cli(&server).args(["activity"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    out.error_line();
    assert_terminal_safe(&out.stderr);
    assert!(out.stderr.contains(ESCAPED_RED), "{}", out.stderr);
}

#[test]
fn verbose_logs_of_retries_and_failures_are_terminal_safe_one_line_each() {
    let server = MockServer::start();
    // A 503 is retried, so the client logs the hostile body in its retry warning too.
    let mock = mock_activity_error(&server, 503, &format!("{HOSTILE}\nforged: log line"));
    let out = run(cli(&server).args(["-v", "--retry-max-attempts", "2", "activity"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    mock.assert_calls(2);
    assert_terminal_safe(&out.stderr);
    // The hostile text did reach the log (escaped), and its newline forged no line.
    let logged = out
        .stderr
        .lines()
        .filter(|line| !line.starts_with("error: ") && line.contains(ESCAPED_RED))
        .count();
    assert!(logged >= 1, "{}", out.stderr);
    assert!(
        !out.stderr.lines().any(|line| line.starts_with("forged")),
        "{}",
        out.stderr
    );
}

#[test]
fn verbose_logs_of_a_json_error_message_are_terminal_safe() {
    let server = MockServer::start();
    mock_activity_error(&server, 400, &error_body(HOSTILE));
    let out = run(cli(&server).args(["-v", "activity"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_terminal_safe(&out.stderr);
    assert!(
        out.stderr.lines().count() >= 2,
        "a log line and the error line: {}",
        out.stderr
    );
}

#[test]
fn query_warnings_are_shown_escaped() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/analytics/query");
        then.status(200).json_body(json!({ "data": {
            "data": [{ "model": "m", "request_count": 1 }],
            "metadata": { "query_time_ms": 1, "row_count": 1, "truncated": false },
            "cachedAt": null,
            "warnings": [HOSTILE, "second\nwarning"]
        }}));
    });
    let out = run(cli(&server).args([
        "analytics",
        "query",
        "-m",
        "request_count",
        "-d",
        "model",
        "-f",
        "csv",
    ]))
    .ok();
    assert_terminal_safe(&out.stderr);
    let warnings: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(warnings.len(), 2, "{}", out.stderr);
    assert!(
        warnings[0].starts_with("warning: bad \\x1b[31mRED"),
        "{}",
        out.stderr
    );
    assert!(warnings[0].ends_with("<U+202E>evil"), "{}", out.stderr);
    assert_eq!(warnings[1], "warning: second warning");
}

fn api_key(name: &str, hash: &str, usage: f64) -> Value {
    json!({
        "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_monthly": 0.0,
        "byok_usage_weekly": 0.0, "created_at": "2026-10-01T08:00:00Z",
        "creator_user_id": null, "disabled": false, "expires_at": null,
        "external_user": null, "hash": hash, "include_byok_in_limit": false,
        "label": "sk-or-v1-abc...", "last_used_at": null,
        "limit": null, "limit_remaining": null, "limit_reset": null,
        "name": name, "updated_at": null, "usage": usage, "usage_daily": usage,
        "usage_monthly": usage, "usage_weekly": usage, "workspace_id": WS
    })
}

/// `/keys` answering `keys` on the first page and nothing after it.
fn mock_keys(server: &MockServer, keys: Vec<Value>) {
    let count = keys.len();
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param_missing("offset");
        then.status(200)
            .json_body(json!({ "data": keys, "total_count": count }));
    });
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param_exists("offset");
        then.status(200)
            .json_body(json!({ "data": [], "total_count": count }));
    });
}

#[test]
fn a_key_named_with_escapes_and_bidi_lines_up_in_the_keys_table() {
    let server = MockServer::start();
    mock_keys(
        &server,
        vec![
            api_key("\u{202e}gpj.exe\u{2066}", "aaa111", 1.0),
            api_key("\x1b[2J\x1b]0;pwned\x07wipe", "bbb222", 2.0),
            api_key("plain", "ccc333", 3.0),
        ],
    );
    let out = run(cli(&server).args(["keys", "list", "-f", "table"])).ok();
    assert_terminal_safe(&out.stdout);
    assert!(
        out.stdout.contains("<U+202E>gpj.exe<U+2066>"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\\x1b[2J"), "{}", out.stdout);
    let column = |line: &str, needle: &str| {
        let at = line
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} in {line}"));
        line[..at].width()
    };
    let lines: Vec<&str> = out.stdout.lines().collect();
    let hashes: Vec<usize> = ["aaa111", "bbb222", "ccc333"]
        .iter()
        .map(|hash| {
            let line = lines.iter().find(|l| l.contains(hash)).expect("row");
            column(line, hash)
        })
        .collect();
    assert_eq!(hashes[0], column(lines[0], "HASH"), "{}", out.stdout);
    assert!(hashes.iter().all(|&h| h == hashes[0]), "{}", out.stdout);
}

// ---------------------------------------------------------------- CSV formulas

/// Key names a spreadsheet would run as formulas.
const FORMULAS: [&str; 5] = [
    "=HYPERLINK(\"http://evil\",\"x\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-1+1",
    "\tTabbed",
];

fn formula_keys() -> Vec<Value> {
    FORMULAS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut key = api_key(name, &format!("hash{i}"), 1.0);
            // A refund: negative amounts are numbers and must stay numbers.
            key["usage_daily"] = json!(-2.5);
            key
        })
        .collect()
}

#[test]
fn keys_list_csv_neutralises_formula_names_and_keeps_negative_numbers() {
    let server = MockServer::start();
    mock_keys(&server, formula_keys());
    let out = run(cli(&server).args(["keys", "list", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    assert_eq!(rows.len(), FORMULAS.len());
    for (row, name) in rows.iter().zip(FORMULAS) {
        // A control character is escaped as everywhere the resource model renders
        // (so the tab cannot start a formula); the rest are quoted.
        let expected = match name.strip_prefix('\t') {
            Some(rest) => format!("\\t{rest}"),
            None => format!("'{name}"),
        };
        assert_eq!(row[column("name")], expected);
        assert_eq!(row[column("usage_daily")], "-2.5");
        // Numbers as sent (`1.0`): CSV keeps what the API said.
        assert_eq!(row[column("usage")], "1.0");
        assert!(row[column("hash")].starts_with("hash"));
    }
}

#[test]
fn csv_raw_flag_and_variable_write_cells_as_sent() {
    let server = MockServer::start();
    mock_keys(&server, formula_keys());
    let by_flag = run(cli(&server).args(["--csv-raw", "keys", "list", "-f", "csv"])).ok();
    let by_env = run(cli(&server)
        .env("OPENROUTER_CSV_RAW", "1")
        .args(["keys", "list", "-f", "csv"]))
    .ok();
    for out in [by_flag, by_env] {
        let (header, rows) = out.csv();
        let name = header.iter().position(|h| h == "name").expect("name");
        let names: Vec<&str> = rows.iter().map(|row| row[name].as_str()).collect();
        assert_eq!(names, FORMULAS);
    }
}

fn activity_row(model: &str, provider: &str, usage: f64) -> Value {
    json!({
        "date": "2026-11-01", "model": model, "model_permaslug": model,
        "endpoint_id": "ep-1", "provider_name": provider, "usage": usage,
        "byok_usage_inference": 0.0, "requests": 1, "prompt_tokens": 10,
        "completion_tokens": 5, "reasoning_tokens": 0, "cached_tokens": 0
    })
}

#[test]
fn activity_csv_by_model_and_raw_rows_neutralise_names_not_numbers() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/activity");
        then.status(200).json_body(json!({ "data": [
            activity_row("=1+1", "@Provider", -0.25),
            activity_row("+evil", "-Provider", 1.0),
        ]}));
    });
    let out = run(cli(&server).args(["activity", "--by", "model", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    assert_eq!(header[0], "model");
    let usage = header.iter().position(|h| h == "usage").expect("usage");
    let mut got: Vec<(String, String)> = rows
        .iter()
        .map(|row| (row[0].clone(), row[usage].clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("'+evil".to_string(), "1".to_string()),
            ("'=1+1".to_string(), "-0.25".to_string())
        ]
    );

    let out = run(cli(&server).args(["activity", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    assert_eq!(rows[0][at("model")], "'=1+1");
    assert_eq!(rows[0][at("provider_name")], "'@Provider");
    assert_eq!(rows[0][at("usage")], "-0.25");
    assert_eq!(rows[1][at("provider_name")], "'-Provider");
}

#[test]
fn query_csv_neutralises_text_cells_and_column_names_but_not_numbers() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/analytics/query");
        then.status(200).json_body(json!({ "data": {
            "data": [
                { "model": "=cmd", "cost": -1.5, "@extra": "x" },
                { "model": "ok", "cost": 2, "@extra": "-y" }
            ],
            "metadata": { "query_time_ms": 1, "row_count": 2, "truncated": false },
            "cachedAt": null,
            "warnings": []
        }}));
    });
    let out = run(cli(&server).args([
        "analytics",
        "query",
        "-m",
        "cost",
        "-d",
        "model",
        "-f",
        "csv",
    ]))
    .ok();
    assert_eq!(
        out.stdout, "'@extra,model,cost\nx,'=cmd,-1.5\n'-y,ok,2\n",
        "{}",
        out.stdout
    );
}

// ---------------------------------------------------------------- numbers

fn mock_activity(server: &MockServer, rows: Vec<Value>) {
    server.mock(|when, then| {
        when.method(GET).path("/activity");
        then.status(200).json_body(json!({ "data": rows }));
    });
}

/// Exit 1 with the one error line about an unprintable amount, and nothing on stdout.
fn assert_refused_amount(out: &common::Run, why: &str) {
    assert_eq!(out.code, 1, "stdout: {} stderr: {}", out.stdout, out.stderr);
    let line = out.error_line();
    assert!(line.contains("dollar amount"), "{line}");
    assert!(line.contains(why), "{line}");
    assert!(
        !line
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "inf" || w == "NaN"),
        "{line}"
    );
}

#[test]
fn costs_that_sum_to_infinity_are_an_error_in_every_summary_format() {
    let server = MockServer::start();
    mock_activity(
        &server,
        vec![
            activity_row("m/a", "P", 1e308),
            activity_row("m/a", "P", 1e308),
        ],
    );
    for format in ["table", "csv", "json"] {
        let out = run(cli(&server).args(["activity", "--by", "model", "-f", format]));
        assert_refused_amount(&out, "not a finite number");
    }
}

#[test]
fn a_huge_cost_is_an_error_not_a_309_digit_amount_but_raw_json_passes_it_on() {
    let server = MockServer::start();
    mock_activity(&server, vec![activity_row("m/a", "P", 1e308)]);
    for args in [
        &["activity", "-f", "table"][..],
        &["activity", "-f", "csv"],
        &["activity", "--by", "provider", "-f", "table"],
    ] {
        let out = run(cli(&server).args(args));
        assert_refused_amount(&out, "larger than");
        assert!(out.stderr.contains("1e308"), "{}", out.stderr);
    }
    // JSON without a summary is the API's bytes: nothing is computed or reformatted.
    let out = run(cli(&server).args(["activity", "-f", "json"])).ok();
    assert_eq!(out.json()["data"][0]["usage"], json!(1e308));
}

/// Thousands of rows (far more than the 64 KB written at a time) come before the one
/// that fails: still nothing is printed, in rows and in summaries sorted so that the
/// failing group is the last (the output is checked before its first byte, not held in
/// memory). A debug build also panics if a render fails after it began to write.
#[test]
fn a_huge_cost_in_the_last_row_prints_no_row_before_it() {
    let server = MockServer::start();
    let mut rows: Vec<_> = (0..3000)
        .map(|n| activity_row(&format!("m/a{n:04}"), "P", 1.0))
        .collect();
    rows.push(activity_row("m/b", "P", 1e308));
    mock_activity(&server, rows);
    let summary = ["activity", "--by", "model", "--sort", "name", "-f"];
    let rows = ["activity", "-f"];
    for (args, format) in [
        (&rows[..], "table"),
        (&rows, "csv"),
        (&summary, "table"),
        (&summary, "csv"),
        (&summary, "json"),
    ] {
        let out = run(cli(&server).args(args).arg(format));
        assert_refused_amount(&out, "larger than");
        assert!(
            out.stdout.is_empty(),
            "{args:?} {format}: {} bytes",
            out.stdout.len()
        );
    }
}

#[test]
fn keys_with_a_huge_spend_are_an_error_never_an_inf_total() {
    let server = MockServer::start();
    mock_keys(
        &server,
        vec![api_key("a", "aaa111", 1e308), api_key("b", "bbb222", 1e308)],
    );
    // Each key's 1e308 is refused before their sum (infinity) could be printed.
    for format in ["table", "csv"] {
        let out = run(cli(&server).args(["keys", "list", "-f", format]));
        assert_refused_amount(&out, "larger than");
    }
}

#[test]
fn a_report_with_an_infinite_total_writes_no_file() {
    let server = MockServer::start();
    mock_activity(
        &server,
        vec![
            activity_row("m/a", "P", 1e308),
            activity_row("m/b", "P", 1e308),
        ],
    );
    server.mock(|when, then| {
        when.method(GET).path("/credits");
        then.status(200)
            .json_body(json!({ "data": { "total_credits": 10.0, "total_usage": 1.0 } }));
    });
    mock_keys(&server, vec![api_key("a", "aaa111", 1.0)]);
    let file = std::env::temp_dir().join(format!("openrouter-safety-{}.html", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let out = run(cli(&server).args(["report", "-o"]).arg(&file));
    assert_refused_amount(&out, "not a finite number");
    assert!(!file.exists(), "a report was written");
}

#[test]
fn token_sums_past_i64_are_exact() {
    let server = MockServer::start();
    let mut big = activity_row("m/a", "P", 1.0);
    big["prompt_tokens"] = json!(i64::MAX);
    mock_activity(&server, vec![big.clone(), big.clone(), big]);
    let exact = (3 * i128::from(i64::MAX)).to_string();

    let out = run(cli(&server).args(["activity", "--by", "model", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    let at = header
        .iter()
        .position(|h| h == "prompt_tokens")
        .expect("column");
    assert_eq!(rows[0][at], exact);

    let out = run(cli(&server).args(["activity", "--by", "model", "-f", "json"])).ok();
    assert!(
        out.stdout.contains(&format!("\"prompt_tokens\": {exact}")),
        "{}",
        out.stdout
    );

    let out = run(cli(&server).args(["activity", "--by", "model", "-f", "table"])).ok();
    assert!(
        out.stdout.contains("27,670,116,110,564,327,421"),
        "{}",
        out.stdout
    );
}

#[test]
fn float_flags_that_are_not_finite_are_usage_errors_and_send_nothing() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    for args in [
        &["keys", "create", "--name", "n", "--limit", "1e309"][..],
        &["keys", "update", "abc", "--limit=-1e309"],
        &["keys", "create", "--name", "n", "--limit", "NaN"],
        &[
            "workspaces",
            "create",
            "--name",
            "n",
            "--slug",
            "s",
            "--io-logging-sampling-rate",
            "1e309",
        ],
    ] {
        let out = run(cli(&server).args(args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("not a finite number"), "{}", out.stderr);
    }
    any.assert_calls(0);
}

#[test]
fn the_reports_stderr_summary_is_terminal_safe_and_stays_two_lines() {
    let server = MockServer::start();
    let mut row = activity_row("m/a", "P", 1.0);
    row["date"] = json!("2026-11-01\x1b]0;pwned\x07\u{202e}");
    mock_activity(&server, vec![row]);
    server.mock(|when, then| {
        when.method(GET).path("/credits");
        then.status(200)
            .json_body(json!({ "data": { "total_credits": 10.0, "total_usage": 1.0 } }));
    });
    mock_keys(&server, vec![api_key("a", "aaa111", 1.0)]);
    let out = run(cli(&server).args(["report", "-o", "-"])).ok();
    assert_terminal_safe(&out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stderr);
    assert_eq!(lines[0], "report written to stdout");
    assert!(
        lines[1].contains("\\x1b]0;pwned\\x07<U+202E>"),
        "{}",
        out.stderr
    );
}

// ------------------------------------------------- secrets a server quotes (issue 23)

/// A provider key `byok create` sends.
const PROVIDER_KEY: &str = "sk-proj-PROVIDER-canary-41d9a7c3e0b6";
/// A destination credential inside `--config`.
const LANGFUSE_SECRET: &str = "sk-lf-LANGFUSE-canary-7e21c04b";

/// A value `vault store-vault-secret` stores.
const VAULT_VALUE: &str = "ghp_VAULT-canary-5b0e93d1c7a4f2";

#[track_caller]
fn assert_no_secret(out: &common::Run) {
    for core in [
        "PROVIDER-canary",
        "LANGFUSE-canary",
        "VAULT-canary",
        "SUBJECT-canary",
        "sk-or-v1-",
    ] {
        assert!(
            !out.stderr.contains(core) && !out.stdout.contains(core),
            "{core} was printed: {}{}",
            out.stdout,
            out.stderr
        );
    }
}

/// A server that answers `method path` with `status` and `body` only when the request
/// carried `secret`, so that a clean stderr means the secret did go out and came back.
fn mock_echo<'a>(
    server: &'a MockServer,
    method: httpmock::Method,
    path: &str,
    secret: &str,
    status: u16,
    body: String,
) -> httpmock::Mock<'a> {
    let (path, secret) = (path.to_string(), secret.to_string());
    server.mock(move |when, then| {
        when.method(method).path(path).body_includes(secret);
        then.status(status)
            .header("content-type", "application/json")
            .body(body);
    })
}

/// The workload's JWT `o-auth create-oauth-token` sends, with characters a form escapes.
const SUBJECT_TOKEN: &str = "eyJ.SUBJECT-canary-3c8e a&b=c";
/// The same as the form body carries it.
const SUBJECT_TOKEN_FORM: &str = "eyJ.SUBJECT-canary-3c8e+a%26b%3Dc";

#[test]
fn api_oauth_token_never_prints_the_subject_token_a_server_quotes_back() {
    let oauth = |quoted: &str| {
        serde_json::json!({
            "error": "invalid_grant",
            "error_description": format!("untrusted subject_token={quoted}"),
        })
        .to_string()
    };
    let cases = [
        (400, oauth(SUBJECT_TOKEN)),
        (400, oauth(SUBJECT_TOKEN_FORM)),
        (
            503,
            format!("<html>upstream got subject_token={SUBJECT_TOKEN_FORM}</html>"),
        ),
    ];
    let body = serde_json::json!({
        "federation_policy_id": "fp_ci",
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": SUBJECT_TOKEN,
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
    })
    .to_string();
    for (status, answer) in cases {
        for (verbose, by_body) in [(false, false), (true, false), (false, true)] {
            let server = MockServer::start();
            // Answers only a form body that carries the token, percent-encoded.
            let mock = server.mock(|when, then| {
                when.method(POST)
                    .path("/oauth/token")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body_includes(format!("subject_token={SUBJECT_TOKEN_FORM}"));
                then.status(status)
                    .header("content-type", "application/json")
                    .body(answer.clone());
            });
            let mut cmd = cli(&server);
            if verbose {
                cmd.arg("-v");
            }
            cmd.args(["--no-retries", "api", "o-auth", "create-oauth-token"]);
            if by_body {
                cmd.args(["--body", &body]);
            } else {
                cmd.args([
                    "--federation-policy-id",
                    "fp_ci",
                    "--grant-type",
                    "urn:ietf:params:oauth:grant-type:token-exchange",
                    "--subject-token",
                    SUBJECT_TOKEN,
                    "--subject-token-type",
                    "urn:ietf:params:oauth:token-type:jwt",
                ]);
            }
            let out = run(&mut cmd);
            mock.assert_calls(1);
            assert_ne!(out.code, 0, "{}", out.stderr);
            assert_no_secret(&out);
            if status == 400 {
                assert!(
                    out.stderr
                        .contains("invalid_grant: untrusted subject_token=<redacted>"),
                    "{}",
                    out.stderr
                );
            }
        }
    }
}

#[test]
fn api_byok_create_never_prints_the_provider_key_a_server_quotes_back() {
    let sent = format!(r#"{{"key":"{PROVIDER_KEY}","name":"x","provider":"openai"}}"#);
    let cases = [
        (400, error_body(&format!("invalid config: {sent}"))),
        (502, format!("<html>upstream got {sent}</html>")),
        (200, format!("{{\"data\": {sent:?}")),
    ];
    for (status, body) in cases {
        for verbose in [false, true] {
            let server = MockServer::start();
            let mock = mock_echo(&server, POST, "/byok", PROVIDER_KEY, status, body.clone());
            let mut cmd = cli(&server);
            if verbose {
                cmd.arg("-v");
            }
            let out = run(cmd.args([
                "api",
                "byok",
                "create",
                "--provider",
                "openai",
                "--key",
                PROVIDER_KEY,
                "--name",
                "x",
            ]));
            mock.assert_calls(1);
            assert_ne!(out.code, 0, "{}", out.stderr);
            assert_no_secret(&out);
            if status == 400 {
                assert!(out.stderr.contains("invalid config: {"), "{}", out.stderr);
                assert!(out.stderr.contains("<redacted>"), "{}", out.stderr);
            }
        }
    }
}

#[test]
fn api_observability_create_never_prints_the_config_credentials_a_server_quotes_back() {
    let config = format!(r#"{{"publicKey":"pk-lf-1","secretKey":"{LANGFUSE_SECRET}"}}"#);
    for verbose in [false, true] {
        let server = MockServer::start();
        let mock = mock_echo(
            &server,
            POST,
            "/observability/destinations",
            LANGFUSE_SECRET,
            400,
            error_body(&format!("invalid config: {config}")),
        );
        let mut cmd = cli(&server);
        if verbose {
            cmd.arg("-v");
        }
        let out = run(cmd.args([
            "api",
            "observability",
            "create",
            "--type",
            "langfuse",
            "--name",
            "traces",
            "--config",
            &config,
        ]));
        mock.assert_calls(1);
        assert_eq!(out.code, 4, "{}", out.stderr);
        assert_no_secret(&out);
    }
}

#[test]
fn api_vault_store_never_prints_the_secret_value_a_server_quotes_back() {
    // The value is sent once (the body's `value`, `format: password`) and never shown:
    // not in a 400 that quotes the body, not in a 502 page, not in `-v`'s log lines.
    let sent = format!(r#"{{"hosts":["api.github.com"],"value":"{VAULT_VALUE}"}}"#);
    let cases = [
        (400, error_body(&format!("invalid secret: {sent}"))),
        (502, format!("<html>upstream got {sent}</html>")),
    ];
    for (status, body) in cases {
        for verbose in [false, true] {
            let server = MockServer::start();
            let mock = mock_echo(
                &server,
                PUT,
                "/vault/secrets/github_token",
                VAULT_VALUE,
                status,
                body.clone(),
            );
            let mut cmd = cli(&server);
            if verbose {
                cmd.arg("-v");
            }
            // A PUT is retried after a 5XX; once is enough here.
            let out = run(cmd.args([
                "--no-retries",
                "api",
                "vault",
                "store-vault-secret",
                "--name",
                "github_token",
                "--hosts",
                "api.github.com",
                "--value",
                VAULT_VALUE,
            ]));
            mock.assert_calls(1);
            assert_ne!(out.code, 0, "{}", out.stderr);
            assert_no_secret(&out);
            if status == 400 {
                assert!(out.stderr.contains("invalid secret: {"), "{}", out.stderr);
                assert!(out.stderr.contains("<redacted>"), "{}", out.stderr);
            }
        }
    }
    // The same through `--body`, and the intern's twin.
    let server = MockServer::start();
    let path = "/vault/interns/6a1f0c2e-3b4d-4e5f-9a6b-7c8d9e0f1a21/secrets/github_token";
    let mock = mock_echo(
        &server,
        PUT,
        path,
        VAULT_VALUE,
        400,
        error_body(&format!("invalid secret: {sent}")),
    );
    let out = run(cli(&server).args([
        "-v",
        "api",
        "vault",
        "store-intern-vault-secret",
        "--intern-id",
        "6a1f0c2e-3b4d-4e5f-9a6b-7c8d9e0f1a21",
        "--name",
        "github_token",
        "--body",
        &sent,
    ]));
    mock.assert_calls(1);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_no_secret(&out);
}

#[test]
fn a_malformed_secret_flag_is_refused_without_echoing_its_value() {
    let server = MockServer::start();
    let cut = format!(r#"{{"secretKey":"{LANGFUSE_SECRET}""#);
    let not_an_object = format!("{LANGFUSE_SECRET:?}");
    // Cut JSON fails in the flag parser; a JSON string where the object belongs fails
    // the client's check of the body, whose message would quote it.
    for (config, says) in [(cut, "--config"), (not_an_object, "<redacted>")] {
        let out = run(cli(&server).args([
            "api",
            "observability",
            "create",
            "--type",
            "langfuse",
            "--name",
            "traces",
            "--config",
            &config,
        ]));
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert_no_secret(&out);
        assert!(out.stderr.contains(says), "{}", out.stderr);
    }
    // Other flags still quote what they refused, which helps.
    let out = run(cli(&server).args(["api", "guardrails", "create", "--limit-usd", "ten"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("ten"), "{}", out.stderr);
}

// ---------------------------------------------------------- bounded answers (issue 23)

#[test]
fn an_answer_over_max_response_mb_fails_naming_the_flag() {
    let server = MockServer::start();
    let filler = "x".repeat(1024);
    let rows: Vec<Value> = (0..1536)
        .map(|n| json!({"id": format!("g-{n}"), "name": filler}))
        .collect();
    let body = json!({"data": rows, "total_count": 1536}).to_string();
    assert!(body.len() > 1024 * 1024);
    server.mock(move |when, then| {
        when.method(GET).path("/guardrails");
        then.status(200)
            .header("content-type", "application/json")
            .body(body);
    });
    let out = run(cli(&server).args(["--max-response-mb", "1", "api", "guardrails", "list"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let line = out.error_line();
    assert!(line.contains("response too large"), "{line}");
    assert!(line.contains("--max-response-mb"), "{line}");
    assert!(line.contains("OPENROUTER_MAX_RESPONSE_MB"), "{line}");
    let out = run(cli(&server).env("OPENROUTER_MAX_RESPONSE_MB", "1").args([
        "api",
        "guardrails",
        "list",
    ]));
    assert_eq!(out.code, 1, "the variable sets it too: {}", out.stderr);
    let out = run(cli(&server).args(["--max-response-mb", "0", "api", "guardrails", "list"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
}
