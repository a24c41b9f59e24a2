//! `openrouter check` and `openrouter exporter` end to end: the built binary against the
//! mock crate's sample account, and a local webhook.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use httpmock::prelude::*;
use openrouter_analytics_mock::{Endpoint, MockOpenRouter, Reply, SampleAccount};
use serde_json::Value;

use common::{Run, run};

const KEY: &str = "sk-or-v1-check-test-key";
const DAY: &str = "2026-11-25";

fn cli(openrouter: &MockOpenRouter) -> Command {
    common::cli(&openrouter.base_url(), KEY)
}

fn sample() -> MockOpenRouter {
    let openrouter = MockOpenRouter::start();
    openrouter.sample_account();
    openrouter
}

fn balance() -> f64 {
    let account = SampleAccount::new();
    let credits = account.credits();
    ((credits.total_credits - credits.total_usage) * 1e6).round() / 1e6
}

/// Spend of the sample account per day, for days in `from..=to`.
fn spend(from: &str, to: &str) -> f64 {
    SampleAccount::new()
        .activity()
        .iter()
        .filter(|row| row.date.as_str() >= from && row.date.as_str() <= to)
        .map(|row| row.usage)
        .sum()
}

fn rules(run: &Run) -> Vec<Value> {
    run.json()["rules"].as_array().unwrap().clone()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * b.abs().max(1.0)
}

#[test]
fn rules_that_hold_exit_0_and_print_their_figures() {
    let openrouter = sample();
    let out = run(cli(&openrouter).args([
        "check",
        "--date",
        DAY,
        "--balance-below",
        "1",
        "--daily-spend-above",
        "100000",
        "--runway-below",
        "1",
        "-f",
        "json",
    ]))
    .ok();
    let rules = rules(&out);
    assert_eq!(out.json()["crossed"], 0);
    assert_eq!(out.json()["date"], DAY);
    assert_eq!(rules[0]["rule"], "balance-below");
    assert!(close(rules[0]["figure"].as_f64().unwrap(), balance()));
    assert_eq!(rules[0]["crossed"], false);
    // Runway: the balance over the mean of the 7 days ending on --date.
    let mean = spend("2026-11-19", DAY) / 7.0;
    assert!(
        close(rules[1]["figure"].as_f64().unwrap(), balance() / mean),
        "{rules:?}"
    );
    assert!(close(rules[2]["figure"].as_f64().unwrap(), spend(DAY, DAY)));
}

#[test]
fn a_crossed_rule_exits_6_and_every_format_shows_the_figure_and_threshold() {
    let openrouter = sample();
    let threshold = (balance() + 1.0).to_string();
    let args = [
        "check",
        "--date",
        DAY,
        "--balance-below",
        &threshold,
        "--spike",
        "1000",
    ];
    let json = run(cli(&openrouter).args(args).args(["-f", "json"]));
    assert_eq!(json.code, 6, "{}", json.stderr);
    assert!(
        json.stderr
            .contains("1 of 2 checks crossed their threshold (balance-below)"),
        "{}",
        json.stderr
    );
    let rules = rules(&json);
    assert_eq!(rules[0]["crossed"], true);
    assert_eq!(rules[0]["threshold"].as_f64().unwrap(), balance() + 1.0);
    // The spike: the day against the mean of the 7 days before it.
    let factor = spend(DAY, DAY) / (spend("2026-11-18", "2026-11-24") / 7.0);
    assert!(close(rules[1]["figure"].as_f64().unwrap(), factor));
    assert_eq!(rules[1]["crossed"], false);

    let table = run(cli(&openrouter).args(args).args(["-f", "table"]));
    assert_eq!(table.code, 6);
    let line = table
        .stdout
        .lines()
        .find(|l| l.starts_with("balance-below"))
        .unwrap();
    // Money to the cent with thousands separators, as every table shows it.
    assert!((balance() - 1014.3).abs() < 1e-9, "{}", balance());
    assert!(line.contains("$1,014.30"), "{line}");
    assert!(line.ends_with("CROSSED"), "{line}");
    assert!(table.stdout.contains(&format!("(day judged: {DAY})")));

    let csv = run(cli(&openrouter).args(args).args(["-f", "csv"]));
    assert_eq!(csv.code, 6);
    let (header, rows) = csv.csv();
    assert_eq!(
        header,
        [
            "rule",
            "subject",
            "figure",
            "threshold",
            "unit",
            "status",
            "note"
        ]
    );
    assert_eq!(rows[0][0], "balance-below");
    assert_eq!(rows[0][4], "usd");
    assert_eq!(rows[0][5], "CROSSED");
    assert_eq!(rows[1][5], "ok");
}

#[test]
fn key_and_budget_rules_judge_each_key_and_budget() {
    let openrouter = sample();
    let account = SampleAccount::new();
    let key = account
        .keys()
        .iter()
        .find(|k| k.limit.is_some() && !k.disabled && k.expires_at.is_none())
        .expect("a sample key with a limit");
    let out = run(cli(&openrouter).args([
        "check",
        "--date",
        DAY,
        "--key-usage-above",
        "0",
        "--key",
        &key.name,
        "--budget-above",
        "100000",
        "-f",
        "json",
    ]));
    let rules = rules(&out);
    let keys: Vec<&Value> = rules
        .iter()
        .filter(|r| r["rule"] == "key-usage-above")
        .collect();
    assert_eq!(keys.len(), 1, "{rules:?}");
    assert_eq!(
        keys[0]["subject"],
        format!("{} ({})", key.name, &key.hash[..12])
    );
    let used = match key.limit_reset.as_deref() {
        Some("daily") => key.usage_daily,
        Some("weekly") => key.usage_weekly,
        Some("monthly") => key.usage_monthly,
        _ => key.usage,
    } + if key.include_byok_in_limit {
        match key.limit_reset.as_deref() {
            Some("daily") => key.byok_usage_daily,
            Some("weekly") => key.byok_usage_weekly,
            Some("monthly") => key.byok_usage_monthly,
            _ => key.byok_usage,
        }
    } else {
        0.0
    };
    let percent = used / key.limit.unwrap() * 100.0;
    assert!(
        close(keys[0]["figure"].as_f64().unwrap(), percent),
        "{keys:?} vs {percent}"
    );
    assert_eq!(keys[0]["crossed"], percent > 0.0);
    let budgets = rules.iter().filter(|r| r["rule"] == "budget-above").count();
    assert_eq!(budgets, account.budgets().len());

    let unknown =
        run(cli(&openrouter).args(["check", "--key-usage-above", "50", "--key", "no-such-key"]));
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(
        unknown
            .error_line()
            .contains("--key no-such-key names no key")
    );
}

#[test]
fn bad_rules_and_dates_are_usage_errors() {
    let openrouter = sample();
    for (args, needle) in [
        (vec!["check"], "no rule to check"),
        (
            vec!["check", "--balance-below=-3"],
            "--balance-below must be a number of 0 or more, not -3",
        ),
        (
            vec!["check", "--spike", "2", "--date", "2999-01-01"],
            "is not a completed UTC day",
        ),
        (
            vec!["check", "--spike", "2", "--date", "yesterday"],
            "YYYY-MM-DD",
        ),
    ] {
        let out = run(cli(&openrouter).args(&args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.error_line().contains(needle),
            "{args:?}: {}",
            out.stderr
        );
    }
    let dir = std::env::temp_dir().join(format!("openrouter-check-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("rules.toml");
    std::fs::write(&file, "balance_below = 1000000\nspike = 1000\n").unwrap();
    let out = run(cli(&openrouter)
        .args(["check", "--date", DAY, "-f", "json", "--rules"])
        .arg(&file));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert_eq!(rules(&out).len(), 2);
    std::fs::write(&file, "balance_belw = 1\n").unwrap();
    let out = run(cli(&openrouter).args(["check", "--rules"]).arg(&file));
    assert_eq!(out.code, 2);
    assert!(out.error_line().contains("balance_belw"), "{}", out.stderr);
    let _ = std::fs::remove_dir_all(dir);
}

const HOOK_PATH: &str = "/services/T000/B000/very-secret-token";

#[test]
fn the_webhook_gets_the_crossed_rules_as_text_and_its_url_is_never_printed() {
    let openrouter = sample();
    let hook_server = MockServer::start();
    let hook = hook_server.mock(|when, then| {
        when.method(POST)
            .path(HOOK_PATH)
            .header("content-type", "application/json")
            .body_includes("\"text\":\"openrouter check: 1 rule crossed (day judged: 2026-11-25)\\n- balance-below: balance $");
        then.status(200).body("ok");
    });
    let url = hook_server.url(HOOK_PATH);
    let out = run(cli(&openrouter)
        .args([
            "check",
            "-v",
            "--date",
            DAY,
            "--balance-below",
            "1000000",
            "--daily-spend-above",
            "1000000",
        ])
        .args(["-f", "json", "--webhook", &url]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    hook.assert_calls(1);
    assert!(
        out.stderr.contains("posted to the webhook"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("very-secret-token"), "{}", out.stderr);
    assert!(!out.stdout.contains("very-secret-token"));

    // Nothing crossed: nothing posted.
    let out = run(cli(&openrouter).args([
        "check",
        "--date",
        DAY,
        "--balance-below",
        "0",
        "--webhook",
        &url,
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    hook.assert_calls(1);
}

#[test]
fn a_failed_webhook_still_prints_and_exits_6_and_says_so() {
    let openrouter = sample();
    let hook_server = MockServer::start();
    let hook = hook_server.mock(|when, then| {
        when.method(POST).path(HOOK_PATH);
        then.status(500).body("no");
    });
    let url = hook_server.url(HOOK_PATH);
    let out = run(cli(&openrouter).args([
        "check",
        "--date",
        DAY,
        "--balance-below",
        "1000000",
        "-f",
        "json",
        "--webhook",
        &url,
    ]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert_eq!(rules(&out)[0]["crossed"], true);
    assert!(
        out.stderr
            .contains("warning: the webhook failed: the webhook answered 500"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("the webhook FAILED"), "{}", out.stderr);
    assert!(!out.stderr.contains("very-secret-token"), "{}", out.stderr);
    // A 500 may have been delivered: not resent.
    hook.assert_calls(1);

    // Refused connection: retried, then reported, still without the URL.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}{HOOK_PATH}", closed.local_addr().unwrap());
    drop(closed);
    let out = run(cli(&openrouter).args([
        "check",
        "--date",
        DAY,
        "--balance-below",
        "1000000",
        "--retry-max-attempts",
        "2",
        "--webhook",
        &dead,
    ]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot connect to the webhook"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("after 2 attempts"), "{}", out.stderr);
    assert!(!out.stderr.contains("very-secret-token"), "{}", out.stderr);

    // Plain http to another host is refused before anything is sent, URL unprinted.
    let out = run(cli(&openrouter).args([
        "check",
        "--balance-below",
        "1",
        "--webhook",
        "http://hooks.example.com/very-secret-token",
    ]));
    assert_eq!(out.code, 2);
    assert!(out.error_line().contains("plain http://"), "{}", out.stderr);
    assert!(!out.stderr.contains("very-secret-token"));
}

#[test]
fn a_webhook_that_redirects_is_not_followed_and_counts_as_failed() {
    let openrouter = sample();
    let elsewhere = MockServer::start();
    let elsewhere_hook = elsewhere.mock(|when, then| {
        when.method(POST);
        then.status(200).body("ok");
    });
    let hook_server = MockServer::start();
    let hook = hook_server.mock(|when, then| {
        when.method(POST).path(HOOK_PATH);
        then.status(307)
            .header("location", elsewhere.url("/stolen").as_str());
    });
    let out = run(cli(&openrouter).args([
        "check",
        "--date",
        DAY,
        "--balance-below",
        "1000000",
        "--webhook",
        &hook_server.url(HOOK_PATH),
    ]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    hook.assert_calls(1);
    elsewhere_hook.assert_calls(0);
    assert!(
        out.stderr.contains(
            "warning: the webhook failed: the webhook answered 307 Temporary Redirect \
             (redirects are not followed)"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("the webhook FAILED"), "{}", out.stderr);
    assert!(!out.stderr.contains("very-secret-token"), "{}", out.stderr);
}

/// The sample account with a balance past the floating-point range (bought 1e308,
/// used -1e308): no rule on the balance can be judged.
fn infinite_balance() -> MockOpenRouter {
    let openrouter = MockOpenRouter::start();
    let credits = Endpoint::find("credits", "get_credits").unwrap();
    let answer = serde_json::json!({"data": {"total_credits": 1e308, "total_usage": -1e308}});
    // Registered before the sample account: it answers /credits.
    openrouter.replies(credits, [Reply::json(200, &answer)]);
    openrouter.sample_account();
    openrouter
}

/// A balance of $5 trillion: finite, so judged, but past what an amount may print as.
#[test]
fn a_figure_that_cannot_be_printed_fails_before_any_row_is_written() {
    let openrouter = MockOpenRouter::start();
    let credits = Endpoint::find("credits", "get_credits").unwrap();
    let answer = serde_json::json!({"data": {"total_credits": 5e12, "total_usage": 0.0}});
    openrouter.replies(credits, [Reply::json(200, &answer)]);
    openrouter.sample_account();
    for format in ["csv", "table"] {
        // The first rule's row prints; the second's figure does not.
        let out = run(cli(&openrouter).args([
            "check",
            "--date",
            DAY,
            "--daily-spend-above",
            "1000000",
            "--balance-below",
            "10",
            "-f",
            format,
        ]));
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        assert!(
            out.stdout.is_empty(),
            "{format}: part of a result: {}",
            out.stdout
        );
        assert!(out.stderr.contains("5e12"), "{format}: {}", out.stderr);
    }
}

#[test]
fn a_rule_that_cannot_be_judged_is_unknown_everywhere_and_exits_7() {
    let openrouter = infinite_balance();
    let args = [
        "check",
        "--date",
        DAY,
        "--runway-below",
        "10",
        "--daily-spend-above",
        "1000000",
    ];
    let csv = run(cli(&openrouter).args(args).args(["-f", "csv"]));
    assert_eq!(csv.code, 7, "{}", csv.stderr);
    let (_, rows) = csv.csv();
    assert_eq!(rows[0][0], "runway-below");
    assert_eq!(rows[0][5], "UNKNOWN", "{rows:?}");
    assert_eq!(rows[0][2], "", "no figure: {rows:?}");
    assert_eq!(rows[1][5], "ok", "{rows:?}");
    assert!(
        csv.stderr
            .contains("error: 1 of 2 checks could not be judged (runway-below)"),
        "{}",
        csv.stderr
    );

    let json = run(cli(&openrouter).args(args).args(["-f", "json"]));
    assert_eq!(json.code, 7, "{}", json.stderr);
    assert_eq!(json.json()["unknown"], 1);
    assert_eq!(json.json()["crossed"], 0);
    let rules = rules(&json);
    assert_eq!(rules[0]["status"], "unknown");
    assert_eq!(rules[0]["crossed"], Value::Null);
    assert_eq!(rules[1]["status"], "ok");
    assert_eq!(rules[1]["crossed"], false);

    let table = run(cli(&openrouter).args(args).args(["-f", "table"]));
    assert_eq!(table.code, 7, "{}", table.stderr);
    let line = table
        .stdout
        .lines()
        .find(|l| l.starts_with("runway-below"))
        .unwrap();
    assert!(line.ends_with("UNKNOWN"), "{line}");

    // A crossed rule wins: exit 6, and the message names both.
    let both = run(cli(&openrouter).args([
        "check",
        "--date",
        DAY,
        "--runway-below",
        "10",
        "--daily-spend-above",
        "0",
    ]));
    assert_eq!(both.code, 6, "{}", both.stderr);
    assert!(
        both.stderr.contains(
            "error: 1 of 2 checks crossed their threshold (daily-spend-above); 1 of 2 checks \
             could not be judged"
        ),
        "{}",
        both.stderr
    );

    // The webhook says which rules could not be judged.
    let hook_server = MockServer::start();
    let hook = hook_server.mock(|when, then| {
        when.method(POST).path(HOOK_PATH).body_includes(
            "\"text\":\"openrouter check: 0 rules crossed, 1 rule could not be judged \
             (day judged: 2026-11-25)\\n- runway-below: runway cannot be judged",
        );
        then.status(200).body("ok");
    });
    let posted = run(cli(&openrouter)
        .args(args)
        .args(["--webhook", &hook_server.url(HOOK_PATH)]));
    assert_eq!(posted.code, 7, "{}", posted.stderr);
    hook.assert_calls(1);
    assert!(
        posted.stderr.contains("posted to the webhook"),
        "{}",
        posted.stderr
    );
}

fn http_get(address: &str, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    Some(answer)
}

#[test]
fn the_exporter_serves_the_account_and_stops_on_sigterm() {
    let openrouter = sample();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = free.local_addr().unwrap().to_string();
    drop(free);
    let child = cli(&openrouter)
        .args(["exporter", "--listen", &address, "--interval", "1h"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let metrics = loop {
        if let Some(answer) = http_get(&address, "/metrics")
            && answer.contains("\nopenrouter_up 1\n")
        {
            break answer;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the exporter never came up"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    assert!(
        metrics.contains(&format!("\nopenrouter_credits_balance_usd {}\n", balance())),
        "{metrics}"
    );
    assert!(
        http_get(&address, "/healthz")
            .unwrap()
            .ends_with("\r\n\r\nok\n")
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("serving http://{address}/metrics")),
        "{stderr}"
    );
    assert!(stderr.contains("openrouter exporter: stopped"), "{stderr}");
    assert!(!stderr.contains("sk-or-v1"), "{stderr}");
    assert!(!stderr.contains("not a loopback address"), "{stderr}");
}

#[test]
fn listening_beyond_loopback_warns_on_one_line() {
    use std::io::BufRead;
    let openrouter = sample();
    let mut child = cli(&openrouter)
        .args(["exporter", "--listen", "0.0.0.0:0", "--interval", "1h"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    // Bounded: whatever happens, the exporter is stopped within 30 s.
    let guard_pid = pid.clone();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let guard = std::thread::spawn(move || {
        if finished.recv_timeout(Duration::from_secs(30)).is_err() {
            let _ = Command::new("kill").args(["-KILL", &guard_pid]).status();
        }
    });
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut lines = Vec::new();
    for line in stderr.lines() {
        let line = line.unwrap();
        let serving = line.contains("serving http://");
        lines.push(line);
        if serving {
            break;
        }
    }
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let _ = done.send(());
    let _ = guard.join();
    let _ = child.wait();
    let warnings: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("warning: --listen 0.0.0.0:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{lines:?}");
    assert!(
        warnings[0].ends_with(
            "is not a loopback address: anyone who can reach it can read your key names and \
             spend (the exporter has no authentication)"
        ),
        "{lines:?}"
    );
}

#[test]
fn guardrails_are_judged_from_their_keys_and_unknown_where_members_count() {
    // "EU customers": $300 a month, its one key is acme-corp, whose own limit is also
    // $300 a month: the two rules must give the same figure. "Per-person daily cap" has
    // members: its spend cannot be told.
    let openrouter = sample();
    let out = run(cli(&openrouter).args([
        "check",
        "--date",
        DAY,
        "--guardrail-usage-above",
        "1",
        "--key-usage-above",
        "1",
        "--key",
        "5b8e2d4f6a1c3e9b",
        "-f",
        "json",
    ]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    let rules = rules(&out);
    let find = |name: &str| {
        rules
            .iter()
            .find(|r| r["subject"].as_str().unwrap().starts_with(name))
            .unwrap_or_else(|| panic!("{name} not in {rules:?}"))
            .clone()
    };
    let eu = find("EU customers (");
    let key = find("Customer: acme-corp (");
    assert_eq!(eu["status"], "crossed", "{eu}");
    let used = eu["figure"].as_f64().unwrap();
    assert!(
        used > 1.0 && close(used, key["figure"].as_f64().unwrap()),
        "{eu} {key}"
    );
    let cap = find("Per-person daily cap (");
    assert_eq!(cap["status"], "unknown", "{cap}");
    assert!(cap["note"].as_str().unwrap().contains("3 members"), "{cap}");
    // The guardrail without a limit is not a rule.
    assert!(!rules.iter().any(|r| {
        r["subject"]
            .as_str()
            .unwrap()
            .starts_with("Default Workspace guardrail")
    }));

    // Held where the keys' spend is below the threshold; the members' one still unknown:
    // exit 7, and the table says why.
    let held = run(cli(&openrouter).args([
        "check",
        "--date",
        DAY,
        "--guardrail-usage-above",
        &format!("{}", used * 2.0 + 1.0),
        "-f",
        "table",
    ]));
    assert_eq!(held.code, 7, "{}", held.stderr);
    assert!(
        held.stdout.contains(
            "guardrail-usage-above Per-person daily cap (a1d3f5b7-2c4): 3 members are assigned"
        ),
        "{}",
        held.stdout
    );
    assert!(held.stdout.contains("EU customers"), "{}", held.stdout);
}

#[test]
fn forecast_and_anomaly_rules_project_say_when_and_score_the_day() {
    let openrouter = sample();
    let out = run(cli(&openrouter).args([
        "check",
        "--date",
        DAY,
        "--forecast-above",
        "1",
        "--key-forecast-above",
        "1",
        "--anomaly",
        "-f",
        "json",
    ]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    let rules = rules(&out);
    let forecast = &rules[0];
    assert_eq!(forecast["rule"], "forecast-above");
    assert_eq!(forecast["status"], "crossed");
    // The month to date is actual: the projection is at least the spend of November so far.
    assert!(forecast["figure"].as_f64().unwrap() >= spend("2026-11-01", DAY) - 1e-6);
    assert!(
        forecast["note"].as_str().unwrap().contains("projected"),
        "{forecast}"
    );
    let keys: Vec<&Value> = rules
        .iter()
        .filter(|r| r["rule"] == "key-forecast-above")
        .collect();
    // The sample's keys with a daily, weekly or monthly limit, enabled.
    assert!(keys.len() >= 4, "{rules:?}");
    for key in &keys {
        assert_eq!(key["status"], "crossed", "{key}");
        assert!(key["note"].as_str().unwrap().contains("the limit"), "{key}");
    }
    let anomaly = rules.iter().find(|r| r["rule"] == "anomaly").unwrap();
    assert_eq!(anomaly["threshold"], 7.0);
    assert!(anomaly["figure"].as_f64().unwrap().is_finite(), "{anomaly}");
    assert!(
        anomaly["note"].as_str().unwrap().contains("usual"),
        "{anomaly}"
    );

    // The table says when, one line per noted rule.
    let table = run(cli(&openrouter).args([
        "check",
        "--date",
        DAY,
        "--key-forecast-above",
        "1",
        "-f",
        "table",
    ]));
    assert_eq!(table.code, 6);
    assert!(
        table.stdout.contains("key-forecast-above"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("projected by"), "{}", table.stdout);
    // A score of 0 is refused before any request.
    let bad = run(common::cli("http://127.0.0.1:9", KEY).args(["check", "--anomaly", "0"]));
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn anomaly_and_spike_by_key_judge_each_enabled_key() {
    let openrouter = sample();
    let out = run(cli(&openrouter).args([
        "check",
        "--date",
        DAY,
        "--anomaly",
        "1000",
        "--spike",
        "1000",
        "--by",
        "key",
        "-f",
        "json",
    ]))
    .ok();
    let rules = rules(&out);
    let account = SampleAccount::new();
    let listed = rules.iter().filter(|r| r["rule"] == "anomaly").count();
    assert!(listed >= 4, "{rules:?}");
    assert_eq!(
        rules.iter().filter(|r| r["rule"] == "spike").count(),
        listed
    );
    for rule in &rules {
        let subject = rule["subject"].as_str().unwrap();
        assert!(
            account
                .keys()
                .iter()
                .any(|k| !k.disabled && subject.starts_with(k.name.as_str())),
            "{rule}"
        );
        assert_eq!(rule["status"], "ok", "{rule}");
    }
}
