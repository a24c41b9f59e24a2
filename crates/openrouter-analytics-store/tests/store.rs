//! The store's behaviour, each test run against both backends: a SQLite file in a
//! temporary directory and a database on a real PostgreSQL server (see common/pg.rs;
//! skipped loudly without one, failing under CI=true).

#[path = "common/pg.rs"]
mod pg;

use std::collections::BTreeMap;

use openrouter_analytics::chrono::NaiveDate;
use openrouter_analytics_mock::{Endpoint, MockOpenRouter, Reply, SampleAccount, TEST_API_KEY};
use openrouter_analytics_store::{Dimension, Error, Query, Store, SyncOptions, Target};

/// A fresh store location for each backend available: (name, target, keep-alive).
fn targets() -> Vec<(&'static str, Target, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("nested").join("history.db");
    let mut out = vec![("sqlite", Target::Sqlite(file), Some(dir))];
    if let Some(url) = pg::fresh_database() {
        out.push(("postgres", url.parse().expect("url"), None));
    }
    out
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a day")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The sample account's spend per model, computed from its rows.
fn expected_by_model(account: &SampleAccount) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for row in account.activity() {
        *out.entry(row.model.clone()).or_insert(0.0) += row.usage;
    }
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn sync_keeps_the_window_and_a_rerun_changes_nothing() {
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let openrouter = MockOpenRouter::start();
        let sample = openrouter.sample_account();
        let account = sample.account();
        let client = openrouter.client();
        let mut store = Store::open(&target).expect("open");
        let first = rt
            .block_on(store.sync(&client, &SyncOptions::default()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (first_day, last_day) = account.activity_window();
        assert_eq!(first.first_day, day(&first_day), "{name}");
        assert_eq!(first.last_day, day(&last_day), "{name}");
        assert!(first.changed_rows > 0, "{name}");
        assert_eq!(first.keys, account.keys().len(), "{name}");

        let q = Query::new(day(&first_day), day(&last_day)).by(&[Dimension::Model]);
        let stored = store.summarise(&q).expect("summarise");
        let expected = expected_by_model(account);
        assert_eq!(stored.len(), expected.len(), "{name}");
        for group in &stored {
            assert!(
                close(group.totals.usage, expected[&group.labels[0]]),
                "{name}: {} {} vs {}",
                group.labels[0],
                group.totals.usage,
                expected[&group.labels[0]]
            );
        }
        assert!(store.missing_days(&q).expect("gaps").is_empty(), "{name}");

        // Spend per key per day: the same total as each key's rows in the sample.
        let by_key = store
            .summarise(&Query::new(day(&first_day), day(&last_day)).by(&[Dimension::Key]))
            .expect("by key");
        assert!(!by_key.is_empty(), "{name}");
        for group in &by_key {
            let key = account
                .keys()
                .iter()
                .find(|k| k.name == group.labels[0])
                .unwrap_or_else(|| panic!("{name}: unknown key {}", group.labels[0]));
            let want: f64 = account.activity_of_key(&key.hash).map(|r| r.usage).sum();
            assert!(close(group.totals.usage, want), "{name}: key {}", key.name);
        }

        // Snapshots: credits, every key, the budgets; one run logged.
        let all = Query::new(day("2000-01-01"), day("2999-12-31"));
        let credits = store.credit_history(&all).expect("credits");
        assert_eq!(credits.len(), 1, "{name}");
        assert!(
            close(credits[0].total_credits, account.credits().total_credits),
            "{name}"
        );
        assert_eq!(
            store.key_history(&all).expect("keys").len(),
            account.keys().len(),
            "{name}"
        );
        assert_eq!(
            store.budget_history(&all).expect("budgets").len(),
            account.budgets().len(),
            "{name}"
        );
        let runs = store.runs().expect("runs");
        assert_eq!(runs.len(), 1, "{name}");
        assert_eq!(runs[0].status, "ok", "{name}");

        // A rerun over the same window: nothing changes but the log and snapshots.
        let rows_before = store.rows(&q).expect("rows");
        let second = rt
            .block_on(store.sync(&client, &SyncOptions::default()))
            .expect("rerun");
        assert_eq!(second.changed_rows, 0, "{name}");
        assert_eq!(store.rows(&q).expect("rows"), rows_before, "{name}");
        assert_eq!(store.summarise(&q).expect("summarise"), stored, "{name}");
        assert_eq!(store.runs().expect("runs").len(), 2, "{name}");
        assert_eq!(
            store.credit_history(&all).expect("credits").len(),
            2,
            "{name}"
        );
    }
}

#[test]
fn windows_a_month_apart_merge_into_sixty_days() {
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let mut store = Store::open(&target).expect("open");
        for today in ["2026-11-26", "2026-12-26"] {
            let openrouter = MockOpenRouter::start();
            let _sample =
                openrouter.sample_account_from(SampleAccount::new().with_today(day(today)));
            rt.block_on(store.sync(&openrouter.client(), &SyncOptions::default()))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let q = Query::new(day("2026-10-27"), day("2026-12-25"));
        assert!(store.missing_days(&q).expect("gaps").is_empty(), "{name}");
        let per_day = store
            .summarise(&q.clone().by(&[Dimension::Day]))
            .expect("by day");
        assert_eq!(per_day.len(), 60, "{name}");
        let months = store
            .summarise(&q.clone().by(&[Dimension::Month]))
            .expect("by month");
        let labels: Vec<&str> = months.iter().map(|m| m.labels[0].as_str()).collect();
        assert_eq!(labels, ["2026-10", "2026-11", "2026-12"], "{name}");
        let total: f64 = months.iter().map(|m| m.totals.usage).sum();
        let one_window: f64 = SampleAccount::new()
            .activity()
            .iter()
            .map(|r| r.usage)
            .sum();
        assert!(
            close(total, 2.0 * one_window),
            "{name}: {total} vs {}",
            2.0 * one_window
        );
        // A range reaching before the first sync names the days it lacks.
        let wider = Query::new(day("2026-10-20"), day("2026-10-28"));
        let missing = store.missing_days(&wider).expect("gaps");
        assert_eq!(missing.first(), Some(&day("2026-10-20")), "{name}");
        assert_eq!(missing.len(), 7, "{name}");
    }
}

#[test]
fn workspace_split_sums_to_the_account_rows() {
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let openrouter = MockOpenRouter::start();
        let sample = openrouter.sample_account();
        let mut store = Store::open(&target).expect("open");
        rt.block_on(store.sync(
            &openrouter.client(),
            &SyncOptions::default().group_by_workspace(true),
        ))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (first, last) = sample.account().activity_window();
        let q = Query::new(day(&first), day(&last));
        let account = store.summarise(&q).expect("account");
        let split = store
            .summarise(&q.clone().workspaces(true).by(&[Dimension::Workspace]))
            .expect("split");
        assert!(split.len() > 1, "{name}");
        let split_total: f64 = split.iter().map(|s| s.totals.usage).sum();
        assert!(close(account[0].totals.usage, split_total), "{name}");
        let want: f64 = sample.account().activity().iter().map(|r| r.usage).sum();
        assert!(close(account[0].totals.usage, want), "{name}");
    }
}

#[test]
fn a_failed_fetch_writes_only_the_run_log() {
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let openrouter = MockOpenRouter::start();
        let _activity = openrouter.reply(
            Endpoint::GetUserActivity,
            Reply::error(401, "No auth credentials found"),
        );
        let mut store = Store::open(&target).expect("open");
        let err = rt
            .block_on(store.sync(&openrouter.client(), &SyncOptions::default()))
            .expect_err("401");
        assert!(err.fetch_error().is_some(), "{name}: {err}");
        let runs = store.runs().expect("runs");
        assert_eq!(runs.len(), 1, "{name}");
        assert_eq!(runs[0].status, "failed", "{name}");
        assert!(
            runs[0].error.as_deref().unwrap_or_default().contains("401"),
            "{name}: {:?}",
            runs[0].error
        );
        let all = Query::new(day("2000-01-01"), day("2999-12-31"));
        assert!(store.rows(&all).expect("rows").is_empty(), "{name}");
        assert!(
            store.credit_history(&all).expect("credits").is_empty(),
            "{name}"
        );
        assert!(store.covered_range().expect("covered").is_none(), "{name}");

        // A failure after the activity (a 5XX on the key list) stores nothing either.
        let openrouter = MockOpenRouter::start();
        let _keys = openrouter.reply(
            Endpoint::find("api_keys", "list").expect("op"),
            Reply::error(503, "down"),
        );
        let _rest = openrouter.sample_account();
        let err = rt
            .block_on(store.sync(&openrouter.client(), &SyncOptions::default()))
            .expect_err("503");
        assert!(err.to_string().contains("503"), "{name}: {err}");
        assert!(store.rows(&all).expect("rows").is_empty(), "{name}");
        assert_eq!(store.runs().expect("runs").len(), 2, "{name}");
    }
}

#[test]
fn two_syncs_at_once_both_succeed_without_duplicates() {
    for (name, target, _keep) in targets() {
        let openrouter = MockOpenRouter::start();
        let sample = openrouter.sample_account();
        // Created first so that both threads open an existing store.
        drop(Store::open(&target).expect("open"));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let target = target.clone();
                let client = openrouter.client();
                std::thread::spawn(move || {
                    let mut store = Store::open(&target).expect("open");
                    runtime().block_on(store.sync(&client, &SyncOptions::default()))
                })
            })
            .collect();
        for thread in threads {
            thread
                .join()
                .expect("thread")
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let mut store = Store::open(&target).expect("open");
        let (first, last) = sample.account().activity_window();
        let rows = store
            .rows(&Query::new(day(&first), day(&last)))
            .expect("rows");
        assert_eq!(rows.len(), sample.account().activity().len(), "{name}");
        assert_eq!(store.runs().expect("runs").len(), 2, "{name}");
    }
}

#[test]
fn the_api_key_is_never_stored() {
    let rt = runtime();
    for (name, target, keep) in targets() {
        let openrouter = MockOpenRouter::start();
        let _sample = openrouter.sample_account();
        let mut store = Store::open(&target).expect("open");
        rt.block_on(store.sync(
            &openrouter.client(),
            &SyncOptions::default().group_by_workspace(true),
        ))
        .expect("sync");
        drop(store);
        match &target {
            Target::Sqlite(path) => {
                let _keep = keep;
                let mut bytes = std::fs::read(path).expect("db");
                let wal = path.with_extension("db-wal");
                bytes.extend(std::fs::read(wal).unwrap_or_default());
                let needle = TEST_API_KEY.as_bytes();
                assert!(bytes.len() > 4096, "{name}");
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "{name}: key in the file"
                );
            }
            Target::Postgres(url) => {
                let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
                let tables: Vec<String> = client
                    .query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'", &[])
                    .expect("tables")
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                assert!(tables.len() >= 9, "{name}");
                for table in tables {
                    let rows = client
                        .query(&format!("SELECT t::text FROM {table} t"), &[])
                        .expect("dump");
                    for row in rows {
                        let text: String = row.get(0);
                        assert!(!text.contains(TEST_API_KEY), "{name}: key in {table}");
                    }
                }
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn a_file_that_is_not_a_store_is_refused_and_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    // Random bytes.
    let junk = dir.path().join("junk.db");
    let bytes: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&junk, &bytes).expect("write");
    let err = Store::open(&Target::Sqlite(junk.clone())).expect_err("junk");
    assert!(matches!(err, Error::NotAStore(_)), "{err}");
    assert!(err.to_string().contains("untouched"), "{err}");
    assert_eq!(std::fs::read(&junk).expect("read"), bytes);
    assert!(matches!(
        Store::open_existing(&Target::Sqlite(junk.clone())),
        Err(Error::NotAStore(_))
    ));

    // Another program's SQLite database.
    let other = dir.path().join("other.db");
    rusqlite_like_create(&other);
    let before = std::fs::read(&other).expect("read");
    let err = Store::open(&Target::Sqlite(other.clone())).expect_err("foreign");
    assert!(matches!(err, Error::ForeignDatabase(_)), "{err}");
    assert_eq!(std::fs::read(&other).expect("read"), before);
    assert!(!other.with_extension("db-wal").exists());

    // A directory.
    let err = Store::open(&Target::Sqlite(dir.path().to_path_buf())).expect_err("dir");
    assert!(matches!(err, Error::NotAStore(_)), "{err}");

    // Reading a store that does not exist creates nothing.
    let none = dir.path().join("none.db");
    assert!(matches!(
        Store::open_existing(&Target::Sqlite(none.clone())),
        Err(Error::NoStore(_))
    ));
    assert!(!none.exists());
}

/// A SQLite database of another program.
fn rusqlite_like_create(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).expect("create");
    conn.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('mine');")
        .expect("sql");
}

fn run_sqlite(path: &std::path::Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(sql).expect("sql");
}

#[test]
fn another_programs_postgres_tables_are_refused_and_untouched() {
    let Some(url) = pg::fresh_database() else {
        return;
    };
    pg::execute(
        &url,
        "CREATE TABLE openrouter_activity (x INT); INSERT INTO openrouter_activity VALUES (42);",
    );
    let err = Store::open(&url.parse().expect("url")).expect_err("foreign");
    assert!(matches!(err, Error::ForeignDatabase(_)), "{err}");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let x: i32 = client
        .query_one("SELECT x FROM openrouter_activity", &[])
        .expect("row")
        .get(0);
    assert_eq!(x, 42);
    let meta = client
        .query(
            "SELECT 1 FROM information_schema.tables WHERE table_name = 'openrouter_store_meta'",
            &[],
        )
        .expect("q");
    assert!(meta.is_empty());
    // Unrelated tables of other programs are fine: a shared database.
    let url2 = pg::fresh_database().expect("server");
    pg::execute(&url2, "CREATE TABLE grafana_dashboards (id INT)");
    Store::open(&url2.parse().expect("url")).expect("shared database");
}

#[test]
fn a_store_from_a_newer_version_is_refused() {
    for (name, target, _keep) in targets() {
        drop(Store::open(&target).expect("open"));
        let sql = "UPDATE openrouter_store_meta SET value = '99' WHERE key = 'schema_version'";
        match &target {
            Target::Sqlite(path) => run_sqlite(path, sql),
            Target::Postgres(url) => pg::execute(url, sql),
            _ => unreachable!(),
        }
        let err = Store::open(&target).expect_err("newer");
        assert!(
            matches!(err, Error::SchemaTooNew { found: 99, .. }),
            "{name}: {err}"
        );
        assert!(err.to_string().contains("newer"), "{name}: {err}");
        assert!(
            matches!(
                Store::open_existing(&target),
                Err(Error::SchemaTooNew { .. })
            ),
            "{name}"
        );
    }
}

#[test]
fn database_passwords_are_never_shown() {
    let target: Target = "postgres://alice:p%40ss-w0rd@127.0.0.1:1/db"
        .parse()
        .expect("url");
    assert!(!target.to_string().contains("w0rd"), "{target}");
    assert!(!format!("{target:?}").contains("w0rd"));
    // Nothing listens on port 1: the connection error names the store, not the password.
    let err = Store::open(&target).expect_err("refused");
    let text = err.to_string();
    assert!(!text.contains("w0rd") && !text.contains("p@ss"), "{text}");
    assert!(text.contains("alice:***@127.0.0.1"), "{text}");

    // A wrong password against the real server.
    if let Some(url) = pg::fresh_database() {
        let wrong = url.replace(pg::PASSWORD, "Wrong-Secret-99");
        let err = Store::open(&wrong.parse().expect("url")).expect_err("bad password");
        let text = format!("{err} {err:?}");
        assert!(!text.contains("Wrong-Secret-99"), "{text}");
        assert!(text.contains("password"), "{text}");
    }
    let bad = "postgres://bob:hunter2@[::1"
        .parse::<Target>()
        .expect_err("bad url");
    assert!(!bad.to_string().contains("hunter2"), "{bad}");
    let tls = "postgres://bob:hunter2@127.0.0.1/db?sslmode=require"
        .parse::<Target>()
        .expect("url");
    let err = Store::open(&tls).expect_err("tls");
    assert!(err.to_string().contains("sslmode=require"), "{err}");
}

#[test]
fn indexes_answer_a_summary_by_model() {
    for (name, target, _keep) in targets() {
        let mut store = Store::open(&target).expect("open");
        let q = Query::new(day("2025-01-01"), day("2025-12-31")).by(&[Dimension::Model]);
        let plan = store.explain_summarise(&q).expect("plan").join("\n");
        // PostgreSQL's planner scans a small table however it is indexed; the
        // benchmark records its plan on a year of rows (BENCHMARKS.md).
        if name == "sqlite" {
            assert!(
                plan.contains("COVERING INDEX openrouter_activity_by_model"),
                "{plan}"
            );
        }
    }
}

#[test]
fn workspace_names_are_recorded_and_a_version_1_store_gains_them() {
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let openrouter = MockOpenRouter::start();
        let sample = openrouter.sample_account();
        let want: BTreeMap<String, String> = sample
            .account()
            .workspaces()
            .iter()
            .map(|w| (w.id.to_string(), w.name.clone()))
            .collect();
        let client = openrouter.client();
        let mut store = Store::open(&target).expect("open");
        rt.block_on(store.sync(&client, &SyncOptions::default()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(store.workspace_names().expect("names"), want, "{name}");
        drop(store);

        // A store written before version 2: the table appears on open, the names
        // with the next sync.
        let sql = "DROP TABLE openrouter_workspace; \
                   UPDATE openrouter_store_meta SET value = '1' WHERE key = 'schema_version'";
        match &target {
            Target::Sqlite(path) => run_sqlite(path, sql),
            Target::Postgres(url) => pg::execute(url, sql),
            _ => unreachable!(),
        }
        let mut store = Store::open(&target).expect("upgraded");
        assert!(store.workspace_names().expect("names").is_empty(), "{name}");
        rt.block_on(store.sync(&client, &SyncOptions::default()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(store.workspace_names().expect("names"), want, "{name}");
    }
}
