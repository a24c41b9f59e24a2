//! `--columns` on the account commands (`keys list`, `credits`, `workspaces show`, ...),
//! end to end with the built binary against servers on 127.0.0.1: the fields picked, in
//! the order asked, in tables and CSV; computed values (a balance) by name; an unknown
//! name a usage error before anything is printed (before anything is sent, for a write);
//! names that carry terminal escapes never printed raw.

mod common;

use std::process::Command;

use common::{cli, run};
use httpmock::prelude::*;
use openrouter_analytics::{ColumnKind, OperationInfo, ops};
use openrouter_analytics_mock::{MockOpenRouter, SampleAccount};

const KEY: &str = "sk-or-v1-columns-test-management-key-0123";

/// Each account command that shows a resource, the operation whose answer it shows, and
/// its arguments on the sample account (the id argument is the example call's).
fn commands(account: &SampleAccount) -> Vec<(Vec<String>, &'static OperationInfo)> {
    let id = |op: &OperationInfo, name: &str| {
        let call = account
            .example_call(op.operation_id)
            .unwrap_or_else(|| panic!("{}: no example call", op.operation_id));
        call.args
            .iter()
            .find(|(arg, _)| arg == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_else(|| panic!("{}: no {name}", op.operation_id))
    };
    let words = |text: &str| text.split(' ').map(String::from).collect::<Vec<_>>();
    let with = |text: &str, op: &OperationInfo, name: &str| {
        let mut words = words(text);
        words.insert(2, id(op, name));
        words
    };
    vec![
        (words("key"), ops::API_KEYS_GET_CURRENT_KEY_METADATA),
        (words("credits"), ops::CREDITS_GET_CREDITS),
        (words("keys list"), ops::API_KEYS_LIST),
        (
            with("keys show", ops::API_KEYS_GET, "hash"),
            ops::API_KEYS_GET,
        ),
        (
            words("keys create --name columns-test"),
            ops::API_KEYS_CREATE,
        ),
        (
            with("keys update --name renamed", ops::API_KEYS_UPDATE, "hash"),
            ops::API_KEYS_UPDATE,
        ),
        (words("members"), ops::ORGANIZATION_LIST_MEMBERS),
        (words("workspaces list"), ops::WORKSPACES_LIST),
        (
            with("workspaces show", ops::WORKSPACES_GET, "id"),
            ops::WORKSPACES_GET,
        ),
        (
            with("workspaces budgets", ops::WORKSPACES_LIST_BUDGETS, "id"),
            ops::WORKSPACES_LIST_BUDGETS,
        ),
        (
            with("workspaces members", ops::WORKSPACES_LIST_MEMBERS, "id"),
            ops::WORKSPACES_LIST_MEMBERS,
        ),
        (
            words("workspaces create --name Columns --slug columns"),
            ops::WORKSPACES_CREATE,
        ),
        (
            with(
                "workspaces update --name Renamed",
                ops::WORKSPACES_UPDATE,
                "id",
            ),
            ops::WORKSPACES_UPDATE,
        ),
        (
            {
                let mut words = words("generation");
                words.push(id(ops::GENERATIONS_GET_GENERATION, "id"));
                words
            },
            ops::GENERATIONS_GET_GENERATION,
        ),
        (words("guardrails list"), ops::GUARDRAILS_LIST),
        (
            with("guardrails show", ops::GUARDRAILS_GET, "id"),
            ops::GUARDRAILS_GET,
        ),
        (
            words("guardrails create --name columns-test"),
            ops::GUARDRAILS_CREATE,
        ),
        (
            with(
                "guardrails update --name renamed",
                ops::GUARDRAILS_UPDATE,
                "id",
            ),
            ops::GUARDRAILS_UPDATE,
        ),
        (words("models"), ops::MODELS_LIST),
        (words("byok list"), ops::BYOK_LIST),
    ]
}

/// Two scalar fields of `op`'s answer, the spec's last first: an order no command
/// shows by default. Not a secret: that is always the last column (`keys create`).
fn two_fields(op: &OperationInfo) -> Vec<&'static str> {
    let response = op.response.expect("answers JSON");
    let names: Vec<&str> = response
        .columns
        .iter()
        .filter(|c| c.kind != ColumnKind::Json && !c.name.contains('.') && !c.secret)
        .map(|c| c.name)
        .rev()
        .take(2)
        .collect();
    assert_eq!(names.len(), 2, "{}", op.operation_id);
    names
}

#[test]
fn every_account_command_that_shows_a_resource_picks_its_columns() {
    let server = MockOpenRouter::start();
    let _sample = server.sample_account();
    let account = SampleAccount::new();
    let mut failures = Vec::new();
    for (words, op) in commands(&account) {
        let fields = two_fields(op);
        let what = format!("{} --columns {}", words.join(" "), fields.join(","));
        let csv = run(cli(&server.base_url(), KEY).args(&words).args([
            "-f",
            "csv",
            "--columns",
            &fields.join(","),
        ]));
        if csv.code != 0 {
            failures.push(format!("{what} -f csv: exit {}: {}", csv.code, csv.stderr));
            continue;
        }
        let (header, rows) = csv.csv();
        if header != fields || rows.is_empty() || rows.iter().any(|row| row.len() != 2) {
            failures.push(format!("{what} -f csv: {header:?}, {rows:?}"));
        }
        let table = run(cli(&server.base_url(), KEY).args(&words).args([
            "-f",
            "table",
            "--columns",
            &fields.join(","),
        ]));
        if table.code != 0 || table.stdout.trim().is_empty() {
            failures.push(format!(
                "{what} -f table: exit {}: {}",
                table.code, table.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_detail_view_shows_the_fields_and_computed_values_named_in_their_order() {
    let server = MockOpenRouter::start();
    let _sample = server.sample_account();
    let base = server.base_url();
    let out =
        run(cli(&base, KEY).args(["credits", "-f", "csv", "--columns", "balance,total_usage"]))
            .ok();
    let (header, rows) = out.csv();
    assert_eq!(header, ["balance", "total_usage"]);
    assert_eq!(rows.len(), 1);

    let out = run(cli(&base, KEY).args([
        "credits",
        "-f",
        "table",
        "--columns",
        "balance,total_credits",
    ]))
    .ok();
    let labels: Vec<&str> = out
        .stdout
        .lines()
        .map(|line| line.split("  ").next().unwrap_or(""))
        .collect();
    assert_eq!(labels, ["Balance", "Total credits"], "{}", out.stdout);

    // `key` shows its budgets after its fields, unless fields were picked.
    let out = run(cli(&base, KEY).args(["key", "-f", "table", "--columns", "limit"])).ok();
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
}

#[test]
fn a_summed_column_asked_first_keeps_its_total() {
    let server = MockOpenRouter::start();
    let _sample = server.sample_account();
    let base = server.base_url();
    let all = run(cli(&base, KEY).args(["keys", "list", "-f", "csv", "--columns", "usage"])).ok();
    let sum: f64 = all
        .stdout
        .lines()
        .skip(1)
        .map(|line| line.parse::<f64>().expect("a number"))
        .sum();
    let expected = format!("${}", format_cents(sum));
    for columns in ["usage,name", "usage"] {
        let out =
            run(cli(&base, KEY).args(["keys", "list", "-f", "table", "--columns", columns])).ok();
        let last = out.stdout.lines().last().expect("a totals row");
        assert!(
            last.contains(&expected),
            "{columns}: {last:?} vs {expected}"
        );
        assert_eq!(
            last.contains("TOTAL"),
            columns.contains("name"),
            "{columns}: {last:?}"
        );
    }
}

/// `1234.5` as `1,234.50`.
fn format_cents(value: f64) -> String {
    let cents = format!("{value:.2}");
    let (whole, fraction) = cents.split_once('.').expect("two decimals");
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{grouped}.{fraction}")
}

#[test]
fn an_unknown_column_is_a_usage_error_and_prints_nothing() {
    let server = MockOpenRouter::start();
    let _sample = server.sample_account();
    for format in ["table", "csv"] {
        let out = run(cli(&server.base_url(), KEY).args([
            "guardrails",
            "list",
            "-f",
            format,
            "--columns",
            "name,nope",
        ]));
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        assert!(
            out.stderr.contains("\"nope\"") && out.stderr.contains("limit_usd"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn a_write_with_an_unknown_column_sends_nothing() {
    let server = MockServer::start();
    let create = server.mock(|when, then| {
        when.method(POST).path("/keys");
        then.status(201).body("{}");
    });
    let out = run(cli(&server.base_url(), KEY).args([
        "keys",
        "create",
        "--name",
        "x",
        "--columns",
        "name,nope",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("\"nope\""), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    create.assert_calls(0);
}

#[test]
fn a_column_name_with_terminal_escapes_is_never_echoed_raw() {
    let server = MockOpenRouter::start();
    let _sample = server.sample_account();
    let hostile = "\u{1b}]0;owned\u{7}\u{1b}[2J<b>x</b>";
    for words in [&["members"][..], &["keys", "create", "--name", "x"][..]] {
        let mut command: Command = cli(&server.base_url(), KEY);
        command
            .args(words)
            .args(["-f", "csv", "--columns", hostile]);
        let out = run(&mut command);
        assert_eq!(out.code, 2, "{words:?}: {}", out.stderr);
        assert!(
            !out.stderr.contains('\u{1b}') && !out.stderr.contains('\u{7}'),
            "{words:?}: {:?}",
            out.stderr
        );
    }
}
