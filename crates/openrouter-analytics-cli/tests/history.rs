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

/// Every store location to test: a SQLite file, and a PostgreSQL database.
fn dbs(dir: &tempfile::TempDir) -> Vec<String> {
    let mut out = vec![format!("sqlite:{}", dir.path().join("h.db").display())];
    out.extend(pg::fresh_database());
    out
}

fn sync(openrouter: &MockOpenRouter, db: &str) -> common::Run {
    run(cli(&openrouter.base_url(), KEY).args(["sync", "--db", db]))
}

/// Two syncs a month apart: 60 days of history.
fn two_months(db: &str) {
    for today in ["2026-11-26", "2026-12-26"] {
        let openrouter = MockOpenRouter::start();
        let _s = openrouter
            .sample_account_from(SampleAccount::new().with_today(today.parse().expect("day")));
        let out = sync(&openrouter, db).ok();
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

    // The killed run: a big window (slow to write) of other days.
    let big = MockOpenRouter::start();
    let rows: Vec<_> = (0..10_000)
        .map(|n| openrouter_analytics::types::ActivityItem {
            date: format!("2027-01-{:02}", 1 + n % 28),
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
            .args(["sync", "--db", &db])
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
