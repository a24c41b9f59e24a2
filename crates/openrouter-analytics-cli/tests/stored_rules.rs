//! `check --db` and `exporter --db`: the rules and the month-end forecast judged from
//! the history store (synced from the mock's sample account), offline where only spend
//! is needed, and a gap, a broken store or absurd spends are reasons, not zeros.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use openrouter_analytics::chrono::{Days, NaiveDate, Utc};
use openrouter_analytics_mock::{Endpoint, MockOpenRouter, Reply, SampleAccount};

use common::run;

const KEY: &str = "sk-or-v1-stored-rules-test-key";

/// `n` days before today (UTC, this machine's clock: `check --date` is checked
/// against it).
fn ago(n: u64) -> NaiveDate {
    Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(n))
        .unwrap()
}

/// A SQLite store synced twice, 30 days apart: it covers the 60 days ending `end_ago`
/// days before today (the second sync's window).
fn store(dir: &tempfile::TempDir, end_ago: u64) -> String {
    let db = format!("sqlite:{}", dir.path().join("h.db").display());
    for today in [ago(end_ago - 1 + 30), ago(end_ago - 1)] {
        let openrouter = MockOpenRouter::start();
        let _s = openrouter.sample_account_from(SampleAccount::new().with_today(today));
        run(common::cli(&openrouter.base_url(), KEY).args([
            "sync",
            "--today",
            &today.to_string(),
            "--db",
            &db,
        ]))
        .ok();
    }
    db
}

/// Nothing listens on port 9: a request would fail the command.
fn offline() -> Command {
    common::cli("http://127.0.0.1:9", KEY)
}

fn rule<'a>(out: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    out["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == name)
        .unwrap_or_else(|| panic!("no {name} in {out}"))
}

#[test]
fn check_judges_a_day_beyond_the_live_window_from_the_store_without_a_request() {
    let dir = tempfile::tempdir().unwrap();
    // The store covers the 60 days ending 41 days ago; the live window the last 30.
    let db = store(&dir, 41);
    let day = ago(45).to_string();
    let forecast =
        run(offline().args(["forecast", "--db", &db, "--date", &day, "-f", "json"])).ok();
    let p50 = forecast.json()["forecasts"][0]["p50_usd"].as_f64().unwrap();
    let out = run(offline().args([
        "check",
        "--db",
        &db,
        "--date",
        &day,
        "--forecast-above",
        "1000000",
        "--anomaly",
        "--daily-spend-above",
        "1000000",
        "-f",
        "json",
    ]));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let json = out.json();
    let f = rule(&json, "forecast-above");
    assert_eq!(f["status"], "ok", "{json}");
    assert!((f["figure"].as_f64().unwrap() - p50).abs() < 1e-9, "{json}");
    assert_eq!(rule(&json, "anomaly")["status"], "ok", "{json}");
    assert!(rule(&json, "daily-spend-above")["figure"].as_f64().unwrap() > 0.0);
    assert!(!out.stderr.contains("counts as 0"), "{}", out.stderr);

    // A threshold below the projection: crossed, still from the store.
    let crossed = run(offline().args([
        "check",
        "--db",
        &db,
        "--date",
        &day,
        "--forecast-above",
        &format!("{}", p50 / 2.0),
    ]));
    assert_eq!(crossed.code, 6, "{}\n{}", crossed.stdout, crossed.stderr);

    // Live rules are still fetched, but the activity (account and per key) is not.
    let openrouter = MockOpenRouter::start();
    let mocks = openrouter.sample_account();
    let out = run(common::cli(&openrouter.base_url(), KEY).args([
        "check",
        "--db",
        &db,
        "--date",
        &day,
        "--balance-below",
        "0",
        "--key-forecast-above",
        "1000000",
        "--anomaly",
        "--by",
        "key",
        "-f",
        "json",
    ]));
    let activity = mocks
        .endpoint(Endpoint::find("analytics", "get_user_activity").unwrap())
        .unwrap();
    assert_eq!(activity.calls(), 0, "{}", out.stdout);
    let json = out.json();
    assert_eq!(rule(&json, "balance-below")["status"], "ok", "{json}");
    let judged: Vec<_> = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule"] == "anomaly" || r["rule"] == "key-forecast-above")
        .collect();
    assert!(!judged.is_empty(), "{json}");
    assert!(
        judged.iter().any(|r| r["status"] != "unknown"),
        "the keys' activity is in the store: {json}"
    );
}

#[test]
fn a_day_the_store_does_not_cover_is_unknown_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(&dir, 41);
    // 20 days ago: after the store's last day.
    let out = run(offline().args([
        "check",
        "--db",
        &db,
        "--date",
        &ago(20).to_string(),
        "--forecast-above",
        "1",
        "--anomaly",
        "--daily-spend-above",
        "1000000",
        "--spike",
        "100",
        "-f",
        "json",
    ]));
    assert_eq!(out.code, 7, "{}\n{}", out.stdout, out.stderr);
    let json = out.json();
    for name in ["forecast-above", "anomaly", "daily-spend-above", "spike"] {
        let r = rule(&json, name);
        assert_eq!(r["status"], "unknown", "{name}: {json}");
        assert!(r["figure"].is_null(), "{name}: {json}");
        let note = r["note"].as_str().unwrap_or_default();
        assert!(note.contains("no data for"), "{name}: {json}");
    }
}

#[test]
fn a_store_that_is_not_a_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "these are my notes, not a database\n".repeat(200)).unwrap();
    let db = format!("sqlite:{}", path.display());
    let out = run(offline().args([
        "check",
        "--db",
        &db,
        "--date",
        &ago(3).to_string(),
        "--forecast-above",
        "1",
    ]));
    // Exit 1 as for any store that cannot be read (2 is for a usage error, such as a
    // store that is not there); the file is named and left as it was.
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(out.stderr.contains("notes.db"), "{}", out.stderr);
    assert!(out.stderr.contains("not a history store"), "{}", out.stderr);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        "these are my notes, not a database\n"
            .repeat(200)
            .into_bytes(),
        "left untouched"
    );
    let missing = format!("sqlite:{}", dir.path().join("none.db").display());
    let out = run(offline().args([
        "check",
        "--db",
        &missing,
        "--date",
        &ago(3).to_string(),
        "--anomaly",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        !dir.path().join("none.db").exists(),
        "read-only: nothing made"
    );
}

#[test]
fn absurd_spends_in_the_store_are_a_reason_not_a_judgement() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("h.db").display());
    let today = ago(1);
    let account = std::sync::Arc::new(SampleAccount::new().with_today(today));
    let openrouter = MockOpenRouter::start();
    for operation in openrouter_analytics::operations() {
        let account = std::sync::Arc::clone(&account);
        let activity = operation.operation_id == "get_user_activity";
        openrouter.respond_with(Endpoint::from(operation), move |request, _| {
            if activity && request.query_param("api_key_hash").is_none() {
                let rows = account.activity().iter().cloned().map(|mut row| {
                    row.usage *= 1e300;
                    row
                });
                Reply::activity(rows)
            } else {
                account.answer(request)
            }
        });
    }
    run(common::cli(&openrouter.base_url(), KEY).args([
        "sync",
        "--today",
        &today.to_string(),
        "--db",
        &db,
    ]))
    .ok();
    let out = run(offline().args([
        "check",
        "--db",
        &db,
        "--date",
        &ago(2).to_string(),
        "--forecast-above",
        "1",
        "--anomaly",
        "-f",
        "json",
    ]));
    assert_eq!(out.code, 7, "{}\n{}", out.stdout, out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    let json = out.json();
    for name in ["forecast-above", "anomaly"] {
        let r = rule(&json, name);
        assert_eq!(r["status"], "unknown", "{json}");
        assert!(
            r["note"]
                .as_str()
                .unwrap()
                .contains("not a plausible amount"),
            "{json}"
        );
    }
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

/// `openrouter_forecast_month_end_usd{band="p50"}`'s value.
fn month_end_p50(metrics: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("openrouter_forecast_month_end_usd{band=\"p50\"} "))
        .and_then(|v| v.trim().parse().ok())
}

#[test]
fn the_exporter_forecasts_the_month_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    // Up to yesterday: the exporter's last completed day.
    let db = store(&dir, 1);
    let yesterday = ago(1).to_string();
    let forecast =
        run(offline().args(["forecast", "--db", &db, "--date", &yesterday, "-f", "json"])).ok();
    let expected = forecast.json()["forecasts"][0]["p50_usd"].as_f64().unwrap();
    // OpenRouter's activity is empty: a forecast served comes from the store.
    let openrouter = MockOpenRouter::start();
    openrouter.activity_rows([]);
    let _s = openrouter.sample_account();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = free.local_addr().unwrap().to_string();
    drop(free);
    let child = common::cli(&openrouter.base_url(), KEY)
        .args([
            "exporter",
            "--listen",
            &address,
            "--interval",
            "1h",
            "--db",
            &db,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let started = Instant::now();
    let metrics = loop {
        if let Some(answer) = http_get(&address, "/metrics")
            && answer.contains("\nopenrouter_up 1\n")
        {
            break Some(answer);
        }
        if started.elapsed() > Duration::from_secs(30) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let metrics = metrics.unwrap_or_else(|| panic!("the exporter never came up: {stderr}"));
    let p50 = month_end_p50(&metrics).unwrap_or_else(|| panic!("{metrics}"));
    assert!(
        (p50 - expected).abs() < 1e-6 * expected.max(1.0),
        "{p50} {expected}"
    );
    // The live activity was empty (no last day's spend): the forecast is the store's.
    assert!(
        !metrics.contains("\nopenrouter_last_day_spend_usd "),
        "{metrics}"
    );
    assert!(!stderr.contains("sk-or-v1"), "{stderr}");

    // A store that cannot be opened stops it at start.
    let out = run(common::cli(&openrouter.base_url(), KEY).args([
        "exporter",
        "--listen",
        "127.0.0.1:0",
        "--db",
        &format!("sqlite:{}", dir.path().join("none.db").display()),
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("none.db"), "{}", out.stderr);
}

#[test]
fn a_store_that_turns_unreadable_fails_the_refresh_and_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(&dir, 1);
    let path = dir.path().join("h.db");
    assert!(path.exists(), "{db}");
    let openrouter = MockOpenRouter::start();
    let _s = openrouter.sample_account();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = free.local_addr().unwrap().to_string();
    drop(free);
    let child = common::cli(&openrouter.base_url(), KEY)
        .args([
            "exporter",
            "--listen",
            &address,
            "--interval",
            "1s",
            "--db",
            &db,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let wait_for = |wanted: &dyn Fn(&str) -> bool| {
        let started = Instant::now();
        loop {
            if let Some(answer) = http_get(&address, "/metrics")
                && wanted(&answer)
            {
                break Some(answer);
            }
            if started.elapsed() > Duration::from_secs(30) {
                break None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let up = wait_for(&|m| m.contains("\nopenrouter_up 1\n"));
    // Another program drops the activity tables under it: every read fails from now.
    let writer = rusqlite::Connection::open(&path).unwrap();
    let tables: Vec<String> = writer
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%activity%'")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!tables.is_empty());
    for table in &tables {
        writer.execute(&format!("DROP TABLE {table}"), []).unwrap();
    }
    drop(writer);
    let failed = wait_for(&|m| {
        m.contains("\nopenrouter_up 0\n") && !m.contains("\nopenrouter_refresh_errors_total 0\n")
    });
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(up.is_some(), "the exporter never came up: {stderr}");
    let failed = failed.unwrap_or_else(|| panic!("no failed refresh counted: {stderr}"));
    // Still serving, with the last good forecast kept.
    assert!(month_end_p50(&failed).is_some(), "{failed}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("sk-or-v1"), "{stderr}");
}
