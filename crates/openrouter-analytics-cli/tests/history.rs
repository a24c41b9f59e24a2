//! `openrouter sync` and the commands that read the history store (`activity --since`,
//! `report --since`, `export`), end to end: the built binary against the mock
//! OpenRouter, into a SQLite file and into a real PostgreSQL database (skipped loudly
//! without the package, failing under CI=true).

mod common;
#[path = "../../openrouter-analytics-store/tests/common/pg.rs"]
mod pg;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{bare, cli, run};
use openrouter_analytics_mock::{Endpoint, MockOpenRouter, Reply, SampleAccount};
use openrouter_analytics_store::{Query, Store, Target};

const KEY: &str = "sk-or-v1-history-test-key";

/// The day the sample account is served as of (`openrouter-mock`'s default).
const SAMPLE_TODAY: &str = "2026-11-26";

/// Every store location to test: a SQLite file, and a PostgreSQL database.
fn dbs(dir: &tempfile::TempDir) -> Vec<String> {
    let mut out = vec![format!("sqlite:{}", dir.path().join("h.db").display())];
    out.extend(pg::fresh_database());
    out
}

/// `openrouter sync` as of the sample account's day.
fn sync(openrouter: &MockOpenRouter, db: &str) -> common::Run {
    sync_as_of(openrouter, db, SAMPLE_TODAY)
}

fn sync_as_of(openrouter: &MockOpenRouter, db: &str, today: &str) -> common::Run {
    run(cli(&openrouter.base_url(), KEY).args(["sync", "--today", today, "--db", db]))
}

/// Two syncs a month apart: 60 days of history.
fn two_months(db: &str) {
    for today in ["2026-11-26", "2026-12-26"] {
        let openrouter = MockOpenRouter::start();
        let _s = openrouter
            .sample_account_from(SampleAccount::new().with_today(today.parse().expect("day")));
        let out = sync_as_of(&openrouter, db, today).ok();
        assert!(out.stderr.contains("synced 20"), "{}", out.stderr);
        assert!(out.stdout.is_empty());
    }
}

fn one_window_usage() -> f64 {
    SampleAccount::new()
        .activity()
        .iter()
        .map(|r| r.usage)
        .sum()
}

#[test]
fn sync_then_activity_since_reads_months_and_keys_from_both_stores() {
    let dir = tempfile::tempdir().expect("dir");
    for db in dbs(&dir) {
        two_months(&db);
        // No key and no server needed to read.
        let out = run(bare().args([
            "activity",
            "--since",
            "2026-10-27",
            "--until",
            "2026-12-25",
            "--by",
            "month",
            "-f",
            "json",
            "--db",
            &db,
        ]))
        .ok();
        assert!(!out.stderr.contains("warning"), "{}", out.stderr);
        let json = out.json();
        let months: Vec<&str> = json["data"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| r["month"].as_str().expect("month"))
            .collect();
        let mut sorted = months.clone();
        sorted.sort();
        assert_eq!(sorted, ["2026-10", "2026-11", "2026-12"]);
        let total: f64 = json["data"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| r["usage"].as_f64().expect("usage"))
            .sum();
        assert!((total - 2.0 * one_window_usage()).abs() < 1e-6, "{total}");

        // --by key: one row per key with activity, summing to each key's rows.
        let out = run(bare().env("OPENROUTER_DB", &db).args([
            "activity",
            "--since",
            "2026-10-27",
            "--until",
            "2026-11-25",
            "--by",
            "key",
            "-f",
            "csv",
        ]))
        .ok();
        let (header, rows) = out.csv();
        assert_eq!(header[0], "api_key");
        let sample = SampleAccount::new();
        let mut want: BTreeMap<String, f64> = BTreeMap::new();
        for key in sample.keys() {
            let spend: f64 = sample.activity_of_key(&key.hash).map(|r| r.usage).sum();
            if spend > 0.0 {
                want.insert(key.name.clone(), spend);
            }
        }
        assert_eq!(rows.len(), want.len(), "{rows:?}");
        for row in &rows {
            let usage: f64 = row[6].parse().expect("usage");
            assert!((usage - want[&row[0]]).abs() < 1e-6, "{row:?}");
        }

        // Every other --by key, and the table.
        let out = run(bare().args([
            "activity",
            "--since",
            "2026-11-01",
            "--by",
            "date,model",
            "-f",
            "table",
            "--db",
            &db,
        ]))
        .ok();
        assert!(out.stdout.contains("2026-12-25"), "{}", out.stdout);
        assert!(out.stdout.contains("TOTAL"));
    }
}

#[test]
fn gaps_are_named_and_a_missing_store_exits_2() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("{}", dir.path().join("h.db").display());
    let openrouter = MockOpenRouter::start();
    let _s = openrouter.sample_account();
    sync(&openrouter, &db).ok();
    let out = run(bare().args([
        "activity",
        "--since",
        "2026-10-20",
        "--until",
        "2026-10-30",
        "--by",
        "date",
        "-f",
        "csv",
        "--db",
        &db,
    ]))
    .ok();
    assert!(
        out.stderr
            .contains("no data for 7 days of the range (2026-10-20 to 2026-10-26)"),
        "{}",
        out.stderr
    );
    assert_eq!(out.csv().1.len(), 4);

    let missing = dir.path().join("none.db");
    let out = run(bare()
        .args(["activity", "--since", "2026-01-01", "--db"])
        .arg(&missing));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.error_line().contains("no history store"),
        "{}",
        out.stderr
    );
    assert!(!missing.exists());
    // --by key / month without --since is a usage error.
    let out = run(bare().args(["activity", "--by", "month"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--since"), "{}", out.stderr);
}

#[test]
fn export_writes_csv_and_focus_rows_that_add_up() {
    let dir = tempfile::tempdir().expect("dir");
    for db in dbs(&dir) {
        let openrouter = MockOpenRouter::start();
        let _s = openrouter.sample_account();
        sync(&openrouter, &db).ok();
        let sample = SampleAccount::new();
        let out =
            run(bare().args(["export", "--since", "2026-10-27", "-f", "csv", "--db", &db])).ok();
        let (header, rows) = out.csv();
        assert_eq!(header[0], "date");
        assert_eq!(rows.len(), sample.activity().len());

        let out = run(bare().args([
            "export",
            "--since",
            "2026-10-27",
            "-f",
            "focus",
            "--db",
            &db,
        ]))
        .ok();
        let (header, rows) = out.csv();
        for column in [
            "BilledCost",
            "EffectiveCost",
            "ListCost",
            "ContractedCost",
            "ChargePeriodStart",
            "ChargePeriodEnd",
            "BillingCurrency",
            "ServiceName",
            "ProviderName",
            "SkuId",
            "BillingAccountId",
            "ChargeCategory",
            "PublisherName",
        ] {
            assert!(
                header.iter().any(|h| h == column),
                "{column} missing: {header:?}"
            );
        }
        let col = |name: &str| header.iter().position(|h| h == name).expect("column");
        let billed: f64 = rows
            .iter()
            .map(|r| r[col("BilledCost")].parse::<f64>().expect("cost"))
            .sum();
        assert!((billed - one_window_usage()).abs() < 1e-6);
        let first = rows
            .iter()
            .find(|r| r[col("ChargePeriodStart")] == "2026-11-03T00:00:00Z")
            .expect("a row");
        assert_eq!(first[col("ChargePeriodEnd")], "2026-11-04T00:00:00Z");
        assert_eq!(first[col("BillingPeriodStart")], "2026-11-01T00:00:00Z");
        assert_eq!(first[col("BillingCurrency")], "USD");
        // -f focus is export's alone.
        let out = run(bare().args(["activity", "-f", "focus"]));
        assert_eq!(out.code, 2);
    }
}

#[test]
fn report_since_adds_months_keys_and_balance() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite:{}", dir.path().join("h.db").display());
    two_months(&db);
    let page = dir.path().join("r.html");
    let out = run(bare()
        .args(["report", "--since", "2026-10-27", "--db", &db, "-o"])
        .arg(&page))
    .ok();
    assert!(out.stderr.contains("report written"), "{}", out.stderr);
    let html = std::fs::read_to_string(&page).expect("page");
    for id in [
        "id=\"monthly\"",
        "id=\"key-months\"",
        "id=\"balance\"",
        "id=\"credits\"",
    ] {
        assert!(html.contains(id), "{id}");
    }
    assert!(html.contains(">2026-12<"), "months across");
    assert!(html.contains("Spend per month, by model"));
}

/// `1234567` as `1,234,567`.
fn thousands(digits: &str) -> String {
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[test]
fn the_report_from_the_store_sums_to_what_the_rows_hold() {
    // The page reads the daily sums by day, model and provider; its summary line must
    // still say what the raw rows say, in both stores.
    let dir = tempfile::tempdir().expect("dir");
    for db in dbs(&dir) {
        two_months(&db);
        let page = dir.path().join("sums.html");
        let out = run(bare()
            .args([
                "report",
                "--since",
                "2026-10-27",
                "--until",
                "2026-12-25",
                "--db",
                &db,
                "-o",
            ])
            .arg(&page))
        .ok();
        let mut store = Store::open_existing(&db.parse::<Target>().expect("db")).expect("store");
        let rows = store
            .rows(&Query::new(
                "2026-10-27".parse().expect("d"),
                "2026-12-25".parse().expect("d"),
            ))
            .expect("rows");
        let requests: i64 = rows.iter().map(|r| r.totals.requests).sum();
        let usage: f64 = rows.iter().map(|r| r.totals.usage).sum();
        let first = rows.iter().map(|r| r.date.as_str()).min().expect("rows");
        let last = rows.iter().map(|r| r.date.as_str()).max().expect("rows");
        let summary = out.stderr.lines().nth(1).expect("a summary line");
        let dollars = format!("{usage:.2}");
        let (whole, cents) = dollars.split_once('.').expect("cents");
        let spent = format!("${}.{cents} spent", thousands(whole));
        assert!(
            summary.starts_with(&format!("{first} to {last} (UTC): {spent}")),
            "{summary} vs {first}..{last} {spent}"
        );
        let requests = format!(", {} requests,", thousands(&requests.to_string()));
        assert!(summary.contains(&requests), "{summary}");
        let html = std::fs::read_to_string(&page).expect("page");
        assert!(
            html.contains(&rows[0].provider_name),
            "providers are labelled"
        );
    }
}

#[test]
fn a_failed_sync_exits_as_today_and_logs_the_run_only() {
    let dir = tempfile::tempdir().expect("dir");
    for db in dbs(&dir) {
        let openrouter = MockOpenRouter::start();
        let _a = openrouter.reply(
            Endpoint::GetUserActivity,
            Reply::error(401, "No auth credentials found"),
        );
        let out = sync(&openrouter, &db);
        assert_eq!(out.code, 4, "{}", out.stderr);
        assert!(out.error_line().contains("401"), "{}", out.stderr);
        let mut store = Store::open_existing(&db.parse::<Target>().expect("db")).expect("store");
        let runs = store.runs().expect("runs");
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].status, "failed");
        let all = Query::new(
            "2000-01-01".parse().expect("d"),
            "2999-01-01".parse().expect("d"),
        );
        assert!(store.rows(&all).expect("rows").is_empty());
    }
}

#[test]
fn database_passwords_never_reach_the_terminal() {
    let openrouter = MockOpenRouter::start();
    let _s = openrouter.sample_account();
    let out = run(cli(&openrouter.base_url(), KEY).args([
        "sync",
        "-v",
        "--db",
        "postgres://alice:Sup3r-Secret@127.0.0.1:1/spend",
    ]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!out.stderr.contains("Sup3r-Secret"), "{}", out.stderr);
    assert!(out.stderr.contains("alice:***@"), "{}", out.stderr);
    let out = run(bare()
        .env(
            "OPENROUTER_DB",
            "postgres://alice:Sup3r-Secret@127.0.0.1:1/spend",
        )
        .args(["activity", "--since", "2026-01-01"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!out.stderr.contains("Sup3r-Secret"), "{}", out.stderr);
    let help = run(bare()
        .env("OPENROUTER_DB", "postgres://a:Sup3r-Secret@h/d")
        .args(["sync", "--help"]));
    assert!(!help.stdout.contains("Sup3r-Secret"));
}

#[test]
fn a_file_that_is_not_a_store_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "shopping list\n").expect("write");
    let openrouter = MockOpenRouter::start();
    let _s = openrouter.sample_account();
    let out = run(cli(&openrouter.base_url(), KEY)
        .args(["sync", "--db"])
        .arg(&file));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.error_line().contains("not a history store"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "shopping list\n"
    );
}

/// A sync killed with SIGKILL at moments spread over its run leaves the store either
/// as it was before the run or (killed after its commit) as the whole run left it,
/// never in between; the store opens and reads afterwards.
#[test]
fn a_sync_killed_at_any_moment_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("h.db");
    let db = format!("sqlite:{}", path.display());
    let target: Target = db.parse().expect("db");
    // Before: the sample account's window.
    let openrouter = MockOpenRouter::start();
    let _s = openrouter.sample_account();
    sync(&openrouter, &db).ok();
    let all = Query::new(
        "2000-01-01".parse().expect("d"),
        "2999-01-01".parse().expect("d"),
    );
    let before = Store::open_existing(&target)
        .expect("open")
        .rows(&all)
        .expect("rows");

    // The killed run: a big window (slow to write) of other endpoints.
    let big = MockOpenRouter::start();
    let rows: Vec<_> = (0..10_000)
        .map(|n| openrouter_analytics::types::ActivityItem {
            date: format!("2026-11-{:02}", 1 + n % 25),
            endpoint_id: format!("ep-{n}"),
            ..openrouter_analytics_mock::activity_row("vendor/model", 0.01)
        })
        .collect();
    let _a = big.reply(Endpoint::GetUserActivity, Reply::activity(rows));
    let _rest = big.sample_account();
    // How long a whole run takes, into a copy of the store.
    let copy = dir.path().join("copy.db");
    std::fs::copy(&path, &copy).expect("copy");
    let start = Instant::now();
    sync(&big, &format!("sqlite:{}", copy.display())).ok();
    let full = start.elapsed();
    let after = Store::open_existing(&Target::Sqlite(copy))
        .expect("copy")
        .rows(&all)
        .expect("rows")
        .len();
    assert!(after > before.len());

    let mut outcomes = BTreeMap::new();
    for tenth in 1..=12u32 {
        let wait = full * tenth / 10;
        let mut child = cli(&big.base_url(), KEY)
            .args(["sync", "--today", SAMPLE_TODAY, "--db", &db])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(wait.min(Duration::from_secs(30)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let mut store = Store::open_existing(&target).expect("the store opens after a kill");
        let now = store.rows(&all).expect("rows");
        if now.len() == before.len() {
            assert_eq!(now, before, "killed at {wait:?}: changed but not complete");
            *outcomes.entry("before").or_insert(0) += 1;
        } else {
            assert_eq!(
                now.len(),
                after,
                "killed at {wait:?}: a partial run is visible"
            );
            *outcomes.entry("after").or_insert(0) += 1;
            break;
        }
    }
    assert!(outcomes.contains_key("before"), "{outcomes:?}");
}

/// Every run of 4 characters of `secret` is absent from `text`.
fn assert_hidden(text: &str, secret: &str) {
    let chars: Vec<char> = secret.chars().collect();
    for window in chars.windows(4) {
        let part: String = window.iter().collect();
        assert!(!text.contains(&part), "{part:?} of the password in {text}");
    }
}

#[test]
fn database_passwords_are_not_printed_in_any_form() {
    let openrouter = MockOpenRouter::start();
    let _s = openrouter.sample_account();
    let dir = tempfile::tempdir().expect("dir");
    // Unencoded @ / # ? : % in the password: refused, none of it shown.
    let secret = "p@ss/w#rd?x:y%z";
    let bad = format!("postgres://app:{secret}@host/db");
    // A password= parameter beside a bad value; one beside a server that is not there.
    let bogus = "postgres://app@host/db?password=Hq7-Zx9-Vw&sslmode=bogus";
    let refused = "postgres://app@127.0.0.1:1/db?password=Hq7-Zx9-Vw";
    // libpq's key=value form: refused, and no file of that name.
    let libpq = "host=127.0.0.1 user=app password=Kv-Secret-9 dbname=hist";
    for command in [
        vec!["sync", "--today", SAMPLE_TODAY],
        vec!["activity", "--since", "2026-11-01"],
        vec!["export", "--since", "2026-11-01"],
    ] {
        let out = run(cli(&openrouter.base_url(), KEY)
            .current_dir(dir.path())
            .args(&command)
            .args(["-v", "--db", &bad]));
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("does not parse"), "{}", out.stderr);
        assert_hidden(&out.stderr, secret);

        let out = run(cli(&openrouter.base_url(), KEY)
            .current_dir(dir.path())
            .args(&command)
            .args(["--db", bogus]));
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("sslmode"), "{}", out.stderr);
        assert_hidden(&out.stderr, "Hq7-Zx9-Vw");

        let out = run(cli(&openrouter.base_url(), KEY)
            .current_dir(dir.path())
            .args(&command)
            .args(["-v", "--db", refused]));
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.stderr.contains("password=***"), "{}", out.stderr);
        assert_hidden(&out.stderr, "Hq7-Zx9-Vw");

        let out = run(cli(&openrouter.base_url(), KEY)
            .current_dir(dir.path())
            .env("OPENROUTER_DB", libpq)
            .args(&command));
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.error_line().contains("postgres://"), "{}", out.stderr);
        assert_hidden(&out.stderr, "Kv-Secret-9");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert!(left.is_empty(), "files made: {left:?}");
}

#[test]
fn rows_outside_the_window_are_dropped_and_the_window_stays_the_one_asked_for() {
    let dir = tempfile::tempdir().expect("dir");
    for db in dbs(&dir) {
        let openrouter = MockOpenRouter::start();
        let mut rows = SampleAccount::new().activity().to_vec();
        rows.push(openrouter_analytics::types::ActivityItem {
            date: "2099-12-31".into(),
            endpoint_id: "ep-future".into(),
            ..openrouter_analytics_mock::activity_row("vendor/model", 5.0)
        });
        let _a = openrouter.reply(Endpoint::GetUserActivity, Reply::activity(rows));
        let _rest = openrouter.sample_account();
        let out = sync(&openrouter, &db).ok();
        assert!(
            out.stderr.contains("synced 2026-10-27 to 2026-11-25"),
            "{}",
            out.stderr
        );
        // One such row in the account's answer and in each key's.
        let dropped = 1 + SampleAccount::new().keys().len();
        assert!(
            out.stderr.contains(&format!(
                "warning: OpenRouter sent {dropped} rows dated outside the window"
            )),
            "{}",
            out.stderr
        );
        // --until defaults to the last day synced: the real window, fully covered.
        let out = run(bare().args([
            "activity",
            "--since",
            "2026-10-27",
            "--by",
            "date",
            "-f",
            "csv",
            "--db",
            &db,
        ]))
        .ok();
        assert!(!out.stderr.contains("warning"), "{}", out.stderr);
        let (_, rows) = out.csv();
        assert_eq!(rows.len(), 30);
        assert_eq!(rows.iter().map(|r| r[0].as_str()).max(), Some("2026-11-25"));
        let mut store = Store::open_existing(&db.parse::<Target>().expect("db")).expect("store");
        let runs = store.runs().expect("runs");
        assert_eq!(
            runs[0].dropped_rows,
            1 + SampleAccount::new().keys().len() as i64
        );

        // Two copies of a row that disagree: the run fails, naming the row.
        let openrouter = MockOpenRouter::start();
        let mut rows = SampleAccount::new().activity().to_vec();
        let mut other = rows[0].clone();
        other.requests += 1;
        rows.push(other.clone());
        let _a = openrouter.reply(Endpoint::GetUserActivity, Reply::activity(rows));
        let _rest = openrouter.sample_account();
        let out = sync(&openrouter, &db);
        assert_eq!(out.code, 1, "{}", out.stderr);
        let line = out.error_line();
        assert!(line.contains("two different rows"), "{line}");
        assert!(line.contains(&other.endpoint_id), "{line}");
    }
    // --today must be a day.
    let openrouter = MockOpenRouter::start();
    let out = run(cli(&openrouter.base_url(), KEY).args(["sync", "--today", "26/11/2026"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.error_line().contains("--today"), "{}", out.stderr);
}

/// Runs `cmd`, killing it (by its own handle) when it has not ended within `limit`.
fn run_within(cmd: &mut std::process::Command, limit: Duration) -> Option<common::Run> {
    use std::io::Read;
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let (mut stdout, mut stderr) = (String::new(), String::new());
            if let Some(mut s) = child.stdout.take() {
                s.read_to_string(&mut stdout).expect("stdout");
            }
            if let Some(mut s) = child.stderr.take() {
                s.read_to_string(&mut stderr).expect("stderr");
            }
            return Some(common::Run {
                code: status.code().unwrap_or(-1),
                stdout,
                stderr,
            });
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_fifo_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("dir");
    let fifo = dir.path().join("history.db");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let openrouter = MockOpenRouter::start();
    let _s = openrouter.sample_account();
    for command in [
        vec!["sync", "--today", SAMPLE_TODAY],
        vec!["activity", "--since", "2026-11-01"],
    ] {
        let out = run_within(
            cli(&openrouter.base_url(), KEY)
                .args(&command)
                .arg("--db")
                .arg(&fifo),
            Duration::from_secs(60),
        )
        .expect("refused at once, not blocked on the FIFO");
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(
            out.error_line().contains("not a regular file"),
            "{}",
            out.stderr
        );
    }
}

/// The binary as the unprivileged `nobody` (tests may run as root, which file modes
/// do not stop), with the same clean environment as `bare()`.
fn as_nobody() -> std::process::Command {
    let mut cmd = std::process::Command::new("runuser");
    cmd.args(["-u", "nobody", "--"])
        .arg(env!("CARGO_BIN_EXE_openrouter"));
    for (var, _) in std::env::vars() {
        if var.starts_with("OPENROUTER_") || var == "RUST_LOG" || var == "COLUMNS" {
            cmd.env_remove(var);
        }
    }
    cmd.stdin(std::process::Stdio::null());
    cmd
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn a_store_the_user_may_read_but_not_write_serves_the_reading_commands() {
    use std::os::unix::fs::PermissionsExt;
    let set_mode = |p: &std::path::Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    let dir = tempfile::tempdir().expect("dir");
    let store_dir = dir.path().join("store");
    let path = store_dir.join("h.db");
    let openrouter = MockOpenRouter::start();
    let _s = openrouter.sample_account();
    sync(&openrouter, &format!("{}", path.display())).ok();
    // Root: the store stays root's (0644 in a 0755 directory) and the commands run as
    // nobody; anyone else: the file 0444 in a 0555 directory.
    let root = is_root();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).expect("out dir");
    set_mode(&out_dir, 0o777);
    set_mode(dir.path(), 0o755);
    if root {
        set_mode(&path, 0o644);
        set_mode(&store_dir, 0o755);
    } else {
        set_mode(&path, 0o444);
        set_mode(&store_dir, 0o555);
    }
    let reader = || if root { as_nobody() } else { bare() };
    let bytes = std::fs::read(&path).expect("store");
    let modified = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    let db = path.display().to_string();

    let out = run(reader().args([
        "activity",
        "--since",
        "2026-10-27",
        "--by",
        "date",
        "-f",
        "csv",
        "--db",
        &db,
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.csv().1.len(), 30);
    let out = run(reader().args([
        "export",
        "--since",
        "2026-10-27",
        "-f",
        "focus",
        "--db",
        &db,
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.csv().1.len(), SampleAccount::new().activity().len());
    let page = out_dir.join("r.html");
    let out = run(reader()
        .args(["report", "--since", "2026-10-27", "--db", &db, "-o"])
        .arg(&page));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        std::fs::read_to_string(&page)
            .expect("page")
            .contains("id=\"monthly\"")
    );

    // The same user cannot write it: the setup is what it claims.
    let mut sync = reader();
    sync.env("OPENROUTER_API_KEY", KEY).args([
        "--base-url",
        &openrouter.base_url(),
        "sync",
        "--today",
        SAMPLE_TODAY,
        "--db",
        &db,
    ]);
    let out = run(&mut sync);
    assert_ne!(out.code, 0, "{}", out.stderr);

    assert_eq!(std::fs::read(&path).expect("store"), bytes);
    assert_eq!(
        std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime"),
        modified
    );
    let names: Vec<String> = std::fs::read_dir(&store_dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["h.db"]);
    set_mode(&store_dir, 0o755);
}

#[test]
fn db_timeout_bounds_the_wait_for_a_postgres_that_stopped() {
    let Some(server) = pg::dedicated() else {
        return;
    };
    let url = server.create_database();
    let openrouter = MockOpenRouter::start();
    let _s = openrouter.sample_account();
    sync(&openrouter, &url).ok();
    let _stopped = server.stop();
    for command in [
        vec!["activity", "--since", "2026-11-01"],
        vec!["sync", "--today", SAMPLE_TODAY],
    ] {
        let out = run_within(
            cli(&openrouter.base_url(), KEY).args(&command).args([
                "--db-timeout",
                "1",
                "--db",
                &url,
            ]),
            Duration::from_secs(90),
        )
        .expect("the command ends on its own");
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.error_line().contains("within 1 s"), "{}", out.stderr);
        assert!(!out.stderr.contains(pg::PASSWORD), "{}", out.stderr);
    }
}

/// The raw rows of `export -f csv` summed by `label` (a function of a row's cells by
/// column name): usage and requests per label.
fn raw_sums(
    header: &[String],
    rows: &[Vec<String>],
    label: impl Fn(&dyn Fn(&str) -> String) -> String,
) -> BTreeMap<String, (f64, i64)> {
    let mut out: BTreeMap<String, (f64, i64)> = BTreeMap::new();
    for row in rows {
        let cell = |name: &str| {
            let i = header.iter().position(|h| h == name).expect("column");
            row[i].clone()
        };
        let sum = out.entry(label(&cell)).or_default();
        sum.0 += cell("usage").parse::<f64>().expect("usage");
        sum.1 += cell("requests").parse::<i64>().expect("requests");
    }
    out
}

/// `export --by` writes one row per group, read from the store's sums, whose numbers
/// are the sums of the rows `export` writes without it: CSV and JSON with the columns
/// of `activity --by`, FOCUS one charge per group and month (the charge periods inside
/// the range and its months), over two months of history on both stores. `--by` is
/// checked as `activity` checks it.
#[test]
fn export_by_writes_sums_of_the_rows_in_csv_json_and_focus() {
    let dir = tempfile::tempdir().expect("dir");
    for db in dbs(&dir) {
        two_months(&db);
        // From partway through October to the last day synced (2026-12-25): October
        // and December in part, November whole.
        let range = ["--since", "2026-10-30", "--db", &db];
        let raw = run(bare().args(["export", "-f", "csv"]).args(range)).ok();
        let (raw_header, raw_rows) = raw.csv();
        assert!(!raw_rows.is_empty(), "{db}");
        let want = raw_sums(&raw_header, &raw_rows, |cell| {
            format!("{}|{}", &cell("date")[..7], cell("model"))
        });
        assert!(want.keys().any(|k| k.starts_with("2026-11")), "{want:?}");

        let out = run(bare()
            .args(["export", "--by", "month,model", "-f", "csv"])
            .args(range))
        .ok();
        let (header, rows) = out.csv();
        assert_eq!(
            header,
            [
                "month",
                "model",
                "requests",
                "prompt_tokens",
                "completion_tokens",
                "reasoning_tokens",
                "cached_tokens",
                "usage",
                "byok_usage_inference"
            ]
        );
        let got = raw_sums(&header, &rows, |cell| {
            format!("{}|{}", cell("month"), cell("model"))
        });
        assert_eq!(got.len(), want.len(), "{db}");
        for (label, (usage, requests)) in &want {
            let (u, r) = got[label];
            assert_eq!(r, *requests, "{db}: {label}");
            assert!((u - usage).abs() < 1e-6, "{db}: {label}: {u} vs {usage}");
        }

        let out = run(bare()
            .args(["export", "--by", "month,model", "-f", "json"])
            .args(range))
        .ok();
        let data = out.json()["data"].as_array().expect("data").clone();
        assert_eq!(data.len(), want.len(), "{db}");
        for item in &data {
            let label = format!(
                "{}|{}",
                item["month"].as_str().expect("month"),
                item["model"].as_str().expect("model")
            );
            assert_eq!(
                item["requests"].as_i64(),
                Some(want[&label].1),
                "{db}: {label}"
            );
        }

        // FOCUS by model: a charge per model, provider (its publisher) and month, over
        // the month's days in the range.
        let out = run(bare()
            .args(["export", "--by", "model", "-f", "focus"])
            .args(range))
        .ok();
        let (header, rows) = out.csv();
        let col = |name: &str| header.iter().position(|h| h == name).expect(name);
        let by_provider = raw_sums(&raw_header, &raw_rows, |cell| {
            format!(
                "{}|{}|{}",
                &cell("date")[..7],
                cell("model"),
                cell("provider_name")
            )
        });
        assert_eq!(rows.len(), by_provider.len(), "{db}");
        for row in &rows {
            let label = format!(
                "{}|{}|{}",
                &row[col("BillingPeriodStart")][..7],
                row[col("ResourceName")],
                row[col("PublisherName")]
            );
            let cost: f64 = row[col("BilledCost")].parse().expect("cost");
            assert!((cost - by_provider[&label].0).abs() < 1e-6, "{db}: {label}");
        }
        let billed: f64 = rows
            .iter()
            .map(|r| r[col("BilledCost")].parse::<f64>().expect("cost"))
            .sum();
        let total: f64 = want.values().map(|(u, _)| u).sum();
        assert!((billed - total).abs() < 1e-6, "{db}: {billed} vs {total}");
        let periods: std::collections::BTreeSet<(String, String, String)> = rows
            .iter()
            .map(|r| {
                (
                    r[col("ChargePeriodStart")].clone(),
                    r[col("ChargePeriodEnd")].clone(),
                    r[col("BillingPeriodStart")].clone(),
                )
            })
            .collect();
        assert_eq!(
            periods.into_iter().collect::<Vec<_>>(),
            [
                (
                    "2026-10-30T00:00:00Z".into(),
                    "2026-11-01T00:00:00Z".into(),
                    "2026-10-01T00:00:00Z".into()
                ),
                (
                    "2026-11-01T00:00:00Z".into(),
                    "2026-12-01T00:00:00Z".into(),
                    "2026-11-01T00:00:00Z".into()
                ),
                (
                    "2026-12-01T00:00:00Z".into(),
                    "2026-12-26T00:00:00Z".into(),
                    "2026-12-01T00:00:00Z".into()
                ),
            ],
            "{db}"
        );
        for row in &rows {
            assert!(!row[col("ResourceName")].is_empty(), "{db}: {row:?}");
            assert_eq!(row[col("ResourceId")], "", "{db}: no endpoint in a sum");
        }

        // Checked as `activity --by` checks it.
        for (args, why) in [
            (&["--by", "workspace"][..], "--group-by workspace"),
            (&["--by", "model,model"], "twice"),
            (&["--by", "model", "-f", "table"], "csv, json or focus"),
            (&["--by", "week"], "week"),
        ] {
            let out = run(bare().arg("export").args(args).args(range));
            assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
            assert!(out.stderr.contains(why), "{args:?}: {}", out.stderr);
        }
    }
}

/// A model name that carries markup, terminal escapes and a spreadsheet formula comes
/// out of `export --by model` as the other writers leave it: a CSV cell (plain and
/// FOCUS) that starts with `'` instead of `=`, JSON with the escape written as
/// `\u001b`, never a raw control character.
#[test]
fn export_by_neutralises_a_hostile_model_name() {
    let hostile = "=HYPERLINK(\"http://evil\",\"x\")<script>\x1b[31m\x07";
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite:{}", dir.path().join("h.db").display());
    let openrouter = MockOpenRouter::start();
    let rows = vec![
        openrouter_analytics::types::ActivityItem {
            date: "2026-11-10".into(),
            ..openrouter_analytics_mock::activity_row(hostile, 2.5)
        },
        openrouter_analytics::types::ActivityItem {
            date: "2026-11-11".into(),
            ..openrouter_analytics_mock::activity_row("plain/model", 1.0)
        },
    ];
    let _activity = openrouter.reply(Endpoint::GetUserActivity, Reply::activity(rows));
    let _rest = openrouter.sample_account();
    sync(&openrouter, &db).ok();
    let range = ["--since", "2026-11-01", "--db", &db];
    let raw_control = |text: &str| {
        text.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r')
    };

    let out = run(bare()
        .args(["export", "--by", "model", "-f", "csv"])
        .args(range))
    .ok();
    let (_, rows) = out.csv();
    let cell = rows
        .iter()
        .map(|r| r[0].clone())
        .find(|m| m.contains("HYPERLINK"))
        .expect("the hostile model's row");
    assert!(cell.starts_with("'="), "{cell:?}");
    assert_eq!(&cell[1..], hostile, "the rest is the name as sent");

    let out = run(bare()
        .args(["export", "--by", "model", "-f", "json"])
        .args(range))
    .ok();
    assert!(!raw_control(&out.stdout), "{:?}", out.stdout);
    assert!(out.stdout.contains("\\u001b[31m"), "{}", out.stdout);
    let data = out.json()["data"].clone();
    assert!(
        data.as_array()
            .expect("data")
            .iter()
            .any(|item| item["model"] == hostile),
        "{data}"
    );

    let out = run(bare()
        .args(["export", "--by", "model", "-f", "focus"])
        .args(range))
    .ok();
    let (header, rows) = out.csv();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let row = rows
        .iter()
        .find(|r| r[col("ResourceName")].contains("HYPERLINK"))
        .expect("the hostile model's charge");
    for name in ["ResourceName", "SkuId"] {
        assert!(
            row[col(name)].starts_with("'="),
            "{name}: {:?}",
            row[col(name)]
        );
    }
    // JSON cells (tags, price details) hold the name escaped.
    assert!(
        !row[col("Tags")].contains('\u{1b}'),
        "{:?}",
        row[col("Tags")]
    );
}

/// A stored day that is not a date (a row edited by hand) fails the FOCUS export with
/// exit 1 and prints nothing: its charge is never silently left out of the bill.
#[test]
fn a_stored_day_that_is_not_a_date_fails_the_focus_export() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("edited.db");
    let db = format!("sqlite:{}", file.display());
    let openrouter = MockOpenRouter::start();
    let rows = ["2026-11-10", "2026-11-11"]
        .map(|date| openrouter_analytics::types::ActivityItem {
            date: date.into(),
            ..openrouter_analytics_mock::activity_row("plain/model", 1.0)
        })
        .to_vec();
    let _activity = openrouter.reply(Endpoint::GetUserActivity, Reply::activity(rows));
    let _rest = openrouter.sample_account();
    sync(&openrouter, &db).ok();
    // Still inside the range as text, so the store's read returns it; in the raw rows
    // (what the rows' export reads) and the daily sums (what `--by date` reads).
    let store = rusqlite::Connection::open(&file).expect("open the store");
    for table in ["openrouter_activity", "openrouter_activity_daily"] {
        store
            .execute(
                &format!("UPDATE {table} SET day = '2026-11-10x' WHERE day = '2026-11-10'"),
                [],
            )
            .expect("edit a row");
    }
    for by in [&[][..], &["--by", "date,model"]] {
        let out = run(bare()
            .args([
                "export",
                "-f",
                "focus",
                "--since",
                "2026-11-01",
                "--db",
                &db,
            ])
            .args(by));
        assert_eq!(out.code, 1, "{by:?}: {} {}", out.stdout, out.stderr);
        assert!(out.stdout.is_empty(), "{by:?}: {}", out.stdout);
        assert!(
            out.stderr.contains("\"2026-11-10x\", not YYYY-MM-DD"),
            "{by:?}: {}",
            out.stderr
        );
    }
}
