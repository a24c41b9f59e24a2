//! The store's behaviour, each test run against both backends: a SQLite file in a
//! temporary directory and a database on a real PostgreSQL server (see common/pg.rs;
//! skipped loudly without one, failing under CI=true).

#[path = "common/pg.rs"]
mod pg;

use std::collections::BTreeMap;

use openrouter_analytics::chrono::NaiveDate;
use openrouter_analytics_mock::{Endpoint, MockOpenRouter, Reply, SampleAccount, TEST_API_KEY};
use std::time::Duration;

use openrouter_analytics::types::ActivityItem;
use openrouter_analytics_store::{
    Dimension, Error, OpenOptions, Query, Store, SyncOptions, Target,
};

/// The day the sample account is served as of (its window ends the day before).
const SAMPLE_TODAY: &str = "2026-11-26";

/// A sync as of the sample account's day.
fn sample_options() -> SyncOptions {
    SyncOptions::default().today(day(SAMPLE_TODAY))
}

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
            .block_on(store.sync(&client, &sample_options()))
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
            .block_on(store.sync(&client, &sample_options()))
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
            rt.block_on(store.sync(
                &openrouter.client(),
                &SyncOptions::default().today(day(today)),
            ))
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
            &sample_options().group_by_workspace(true),
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
            .block_on(store.sync(&openrouter.client(), &sample_options()))
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
            .block_on(store.sync(&openrouter.client(), &sample_options()))
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
                    runtime().block_on(store.sync(&client, &sample_options()))
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
            &sample_options().group_by_workspace(true),
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

/// The plans of summaries: whole months from the monthly sums, the days around them
/// and any summary by day from the daily sums, never the raw rows.
#[test]
fn a_summary_by_model_reads_the_monthly_and_daily_sums() {
    for (name, target, _keep) in targets() {
        let mut store = Store::open(&target).expect("open");
        let mut plan = |since: &str, until: &str, by: &[Dimension]| {
            let q = Query::new(day(since), day(until)).by(by);
            store.explain_summarise(&q).expect("plan").join("\n")
        };
        let year = plan("2025-01-01", "2025-12-31", &[Dimension::Model]);
        let edges = plan("2025-01-15", "2025-12-20", &[Dimension::Model]);
        let by_day = plan("2025-01-01", "2025-12-31", &[Dimension::Day]);
        let inside = plan("2025-01-02", "2025-01-30", &[Dimension::Model]);
        // PostgreSQL's planner scans a small table however it is indexed; the
        // benchmark records its plan on a year of rows (BENCHMARKS.md). SQLite names
        // the daily sums' covering index, and the monthly sums' key (`WITHOUT ROWID`:
        // the table) by its columns, which start with the workspace and the month;
        // the raw tables' key starts with the day.
        if name == "sqlite" {
            let monthly = |plan: &str| plan.contains("PRIMARY KEY (workspace_id=? AND month>?");
            let daily = |plan: &str| plan.contains("openrouter_activity_daily_sums");
            for plan in [&year, &edges, &by_day, &inside] {
                assert!(!plan.contains("PRIMARY KEY (day"), "{plan}");
            }
            assert!(monthly(&year) && !daily(&year), "{year}");
            assert!(monthly(&edges) && daily(&edges), "{edges}");
            for plan in [&by_day, &inside] {
                assert!(daily(plan) && !monthly(plan), "{plan}");
            }
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
        rt.block_on(store.sync(&client, &sample_options()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(store.workspace_names().expect("names"), want, "{name}");
        drop(store);

        // A store written before version 2: the table appears on open, the names
        // with the next sync.
        let sql = "DROP TABLE openrouter_workspace; \
                   DROP TABLE openrouter_activity_daily; DROP TABLE openrouter_key_activity_daily; \
                   ALTER TABLE openrouter_sync_run DROP COLUMN dropped_rows; \
                   DROP TABLE openrouter_synced_day; \
                   DROP TABLE openrouter_activity_monthly; DROP TABLE openrouter_key_activity_monthly; \
                   UPDATE openrouter_store_meta SET value = '1' WHERE key = 'schema_version'";
        match &target {
            Target::Sqlite(path) => run_sqlite(path, sql),
            Target::Postgres(url) => pg::execute(url, sql),
            _ => unreachable!(),
        }
        let mut store = Store::open(&target).expect("upgraded");
        assert!(store.workspace_names().expect("names").is_empty(), "{name}");
        rt.block_on(store.sync(&client, &sample_options()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(store.workspace_names().expect("names"), want, "{name}");
    }
}

/// The sample account's activity rows, as `GET /activity` answers them.
fn sample_rows() -> Vec<ActivityItem> {
    SampleAccount::new().activity().to_vec()
}

fn total_usage(store: &mut Store, query: &Query) -> f64 {
    store
        .summarise(query)
        .expect("summarise")
        .first()
        .map_or(0.0, |g| g.totals.usage)
}

#[test]
fn the_window_is_the_one_asked_for_and_rows_outside_it_are_dropped() {
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let openrouter = MockOpenRouter::start();
        let mut rows = sample_rows();
        // One row far in the future and one without a date among a normal window.
        rows.push(ActivityItem {
            date: "2099-12-31".into(),
            endpoint_id: "ep-future".into(),
            ..openrouter_analytics_mock::activity_row("vendor/model", 5.0)
        });
        rows.push(ActivityItem {
            date: "yesterday".into(),
            endpoint_id: "ep-undated".into(),
            ..openrouter_analytics_mock::activity_row("vendor/model", 7.0)
        });
        // Every activity request (the account's and each key's) gets these rows.
        let _activity = openrouter.reply(Endpoint::GetUserActivity, Reply::activity(rows));
        let _rest = openrouter.sample_account();
        let keys = SampleAccount::new().keys().len();
        let mut store = Store::open(&target).expect("open");
        let summary = rt
            .block_on(store.sync(&openrouter.client(), &sample_options()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(summary.first_day, day("2026-10-27"), "{name}");
        assert_eq!(summary.last_day, day("2026-11-25"), "{name}");
        assert_eq!(summary.dropped_rows, 2 * (1 + keys), "{name}");
        assert!(summary.to_string().contains("dropped"), "{name}: {summary}");
        assert_eq!(
            store.covered_range().expect("covered"),
            Some((day("2026-10-27"), day("2026-11-25"))),
            "{name}"
        );
        let window = Query::new(day("2026-10-27"), day("2026-11-25"));
        assert!(store.missing_days(&window).expect("gaps").is_empty());
        let want: f64 = sample_rows().iter().map(|r| r.usage).sum();
        assert!(close(total_usage(&mut store, &window), want), "{name}");
        let later = Query::new(day("2026-11-26"), day("2999-12-31"));
        assert!(store.rows(&later).expect("rows").is_empty(), "{name}");
        assert!(
            store
                .rows(&later.clone().api_key_hash("any"))
                .expect("rows")
                .is_empty()
        );
        let runs = store.runs().expect("runs");
        assert_eq!(runs[0].dropped_rows as usize, 2 * (1 + keys), "{name}");
    }
}

#[test]
fn without_today_the_window_is_this_machines_clock() {
    // Without `today`, the clock is read before and after fetching; a mock serving
    // rows of this machine's window is stored and its days covered.
    let rt = runtime();
    let dir = tempfile::tempdir().expect("dir");
    let target = Target::Sqlite(dir.path().join("h.db"));
    let today = openrouter_analytics::chrono::Utc::now().date_naive();
    let openrouter = MockOpenRouter::start();
    let _s = openrouter.sample_account_from(SampleAccount::new().with_today(today));
    let mut store = Store::open(&target).expect("open");
    let summary = rt
        .block_on(store.sync(&openrouter.client(), &SyncOptions::default()))
        .expect("sync");
    // Unless this ran across midnight, nothing is dropped and the window is today's.
    let after = openrouter_analytics::chrono::Utc::now().date_naive();
    if after == today {
        assert_eq!(summary.dropped_rows, 0, "{summary}");
        assert_eq!(summary.last_day, today.pred_opt().expect("day"));
    }
    assert!(
        (summary.last_day - summary.first_day).num_days() < 30,
        "{summary}"
    );
}

#[test]
fn identical_copies_are_stored_once_and_conflicting_copies_fail_the_run() {
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let mut store = Store::open(&target).expect("open");
        let window = Query::new(day("2026-10-27"), day("2026-11-25"));
        let want: f64 = sample_rows().iter().map(|r| r.usage).sum();

        // Every row sent twice: stored once.
        let openrouter = MockOpenRouter::start();
        let twice: Vec<ActivityItem> = sample_rows().into_iter().chain(sample_rows()).collect();
        let _activity = openrouter.reply(Endpoint::GetUserActivity, Reply::activity(twice));
        let _rest = openrouter.sample_account();
        rt.block_on(store.sync(&openrouter.client(), &sample_options()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(close(total_usage(&mut store, &window), want), "{name}");
        assert_eq!(
            store.rows(&window).expect("rows").len(),
            sample_rows().len(),
            "{name}"
        );
        let before = store.rows(&window).expect("rows");
        let keys_before = store
            .rows(&window.clone().by(&[Dimension::Key]))
            .expect("rows");

        // A second copy with a different usage: the run fails, naming the row, and
        // writes nothing but its log entry.
        let openrouter = MockOpenRouter::start();
        let mut rows = sample_rows();
        let mut other = rows[3].clone();
        other.usage += 1.0;
        rows.push(other.clone());
        let _activity = openrouter.reply(Endpoint::GetUserActivity, Reply::activity(rows));
        let _rest = openrouter.sample_account();
        let err = rt
            .block_on(store.sync(&openrouter.client(), &sample_options()))
            .expect_err("conflicting copies");
        assert!(matches!(err, Error::BadAnswer(_)), "{name}: {err}");
        let text = err.to_string();
        assert!(text.contains(&other.date), "{name}: {text}");
        assert!(text.contains(&other.endpoint_id), "{name}: {text}");
        assert!(text.contains("nothing"), "{name}: {text}");
        assert_eq!(store.rows(&window).expect("rows"), before, "{name}");
        assert_eq!(
            store
                .rows(&window.clone().by(&[Dimension::Key]))
                .expect("rows"),
            keys_before,
            "{name}"
        );
        let runs = store.runs().expect("runs");
        assert_eq!(runs.len(), 2, "{name}");
        assert_eq!(runs[0].status, "failed", "{name}");
        let all = Query::new(day("2000-01-01"), day("2999-12-31"));
        assert_eq!(store.credit_history(&all).expect("credits").len(), 1);
    }
}

#[test]
fn anything_but_a_regular_file_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("dir");
    let fifo = dir.path().join("history.db");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    // Opening a FIFO waits for a writer: the check runs on a thread, bounded.
    let (tx, rx) = std::sync::mpsc::channel();
    let path = fifo.clone();
    std::thread::spawn(move || {
        let target = Target::Sqlite(path);
        let _ = tx.send((
            Store::open(&target).map(|_| ()),
            Store::open_existing(&target).map(|_| ()),
        ));
    });
    let (open, existing) = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("refused at once, not blocked on the FIFO");
    let err = open.expect_err("a FIFO");
    assert!(matches!(err, Error::NotAFile(_)), "{err}");
    assert!(err.to_string().contains("not a regular file"), "{err}");
    assert!(matches!(existing, Err(Error::NotAFile(_))));
    // A device too.
    let null = Target::Sqlite("/dev/null".into());
    assert!(matches!(Store::open(&null), Err(Error::NotAFile(_))));
}

#[test]
fn a_store_opened_for_reading_is_read_only() {
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let openrouter = MockOpenRouter::start();
        let _s = openrouter.sample_account();
        let mut store = Store::open(&target).expect("open");
        rt.block_on(store.sync(&openrouter.client(), &sample_options()))
            .expect("sync");
        drop(store);
        let mut reader = Store::open_existing(&target).expect("read");
        let err = rt
            .block_on(reader.sync(&openrouter.client(), &sample_options()))
            .expect_err("read-only");
        assert!(matches!(err, Error::ReadOnly(_)), "{name}: {err}");
        assert_eq!(reader.runs().expect("runs").len(), 1, "{name}");
    }
    // A SQLite file no one may write (and in a directory no one may write): read,
    // unchanged. (Root ignores these bits; the CLI's test reads as another user.)
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("ro").join("h.db");
    let target = Target::Sqlite(path.clone());
    let openrouter = MockOpenRouter::start();
    let _s = openrouter.sample_account();
    let mut store = Store::open(&target).expect("open");
    rt.block_on(store.sync(&openrouter.client(), &sample_options()))
        .expect("sync");
    drop(store);
    let ro_dir = path.parent().expect("dir").to_path_buf();
    let set_mode = |p: &std::path::Path, mode: u32| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    set_mode(&path, 0o444);
    set_mode(&ro_dir, 0o555);
    let bytes = std::fs::read(&path).expect("read");
    let modified = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    let mut reader = Store::open_existing(&target).expect("a read-only store opens");
    let window = Query::new(day("2026-10-27"), day("2026-11-25"));
    assert_eq!(
        reader.rows(&window).expect("rows").len(),
        sample_rows().len()
    );
    drop(reader);
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
    assert_eq!(
        std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime"),
        modified
    );
    set_mode(&ro_dir, 0o755);
}

#[test]
fn a_version_2_store_is_upgraded_and_keeps_its_rows() {
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let openrouter = MockOpenRouter::start();
        let _s = openrouter.sample_account();
        let mut store = Store::open(&target).expect("open");
        rt.block_on(store.sync(&openrouter.client(), &sample_options()))
            .expect("sync");
        drop(store);
        // Back to version 2: the run log without its dropped-rows column, no daily
        // sums.
        let sql = "ALTER TABLE openrouter_sync_run DROP COLUMN dropped_rows; \
                   DROP TABLE openrouter_activity_daily; DROP TABLE openrouter_key_activity_daily; \
                   DROP TABLE openrouter_synced_day; \
                   DROP TABLE openrouter_activity_monthly; DROP TABLE openrouter_key_activity_monthly; \
                   UPDATE openrouter_store_meta SET value = '2' WHERE key = 'schema_version'";
        match &target {
            Target::Sqlite(path) => run_sqlite(path, sql),
            Target::Postgres(url) => pg::execute(url, sql),
            _ => unreachable!(),
        }
        let mut reader = Store::open_existing(&target).expect("upgraded on open");
        let runs = reader.runs().expect("runs");
        assert_eq!(runs.len(), 1, "{name}");
        assert_eq!(runs[0].dropped_rows, 0, "{name}");
        let window = Query::new(day("2026-10-27"), day("2026-11-25"));
        assert_eq!(
            reader.rows(&window).expect("rows").len(),
            sample_rows().len(),
            "{name}"
        );
        // The upgrade filled the daily sums from the raw rows.
        let keys: Vec<String> = SampleAccount::new()
            .keys()
            .iter()
            .map(|k| k.hash.clone())
            .collect();
        assert!(
            !reader.summarise(&window).expect("sums").is_empty(),
            "{name}"
        );
        assert_daily_sums_match_raw_rows(&mut reader, &keys, name);
    }
}

/// Counts the rows of `sql` (a `SELECT count(*)`) on the database of `url`.
fn pg_count(url: &str, sql: &str) -> i64 {
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    client.query_one(sql, &[]).expect("count").get(0)
}

#[test]
fn a_postgres_that_stops_answering_fails_the_run_within_the_timeout() {
    // A server of this test's own: it is stopped (SIGSTOP) while the others run.
    let Some(server) = pg::dedicated() else {
        return;
    };
    let admin_url = server.create_database();
    const APP: &str = "store_stop_test";
    let target: Target = format!("{admin_url}?application_name={APP}")
        .parse()
        .expect("url");
    let options = OpenOptions::default().timeout(Duration::from_secs(2));

    // Connecting to a stopped server.
    {
        let _stopped = server.stop();
        let err = Store::open_with(&target, &options).expect_err("no answer");
        let text = err.to_string();
        assert!(text.contains("within 2 s"), "{text}");
        assert!(!text.contains(pg::PASSWORD), "{text}");
    }

    // Stopped inside the run's transaction: the first statement after the stop
    // times out, the connection is closed, and the server (once resumed) discards the
    // transaction. Many rows, so that the transaction lasts.
    let rt = runtime();
    let mut store = Store::open_with(&target, &options).expect("open");
    let openrouter = MockOpenRouter::start();
    let rows: Vec<ActivityItem> = (0..3_000)
        .map(|n| ActivityItem {
            date: format!("2026-11-{:02}", 1 + n % 25),
            endpoint_id: format!("ep-{n}"),
            ..openrouter_analytics_mock::activity_row("vendor/model", 0.01)
        })
        .collect();
    let _activity = openrouter.reply(Endpoint::GetUserActivity, Reply::activity(rows));
    let _rest = openrouter.sample_account();
    let stopped = std::sync::Arc::new(std::sync::Mutex::new(None));
    // The progress callback starts a watcher that stops the server as soon as the
    // run's transaction is open.
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let tx = std::sync::Mutex::new(Some(tx));
    let on_progress = move |line: &str| {
        if line == "writing"
            && let Some(tx) = tx.lock().expect("lock").take()
        {
            let _ = tx.send(());
        }
    };
    let watcher = {
        let admin_url = admin_url.clone();
        let stopped = stopped.clone();
        let server: &pg::PgServer = &server;
        std::thread::scope(|scope| {
            // Returns its connection, which may only close once the server answers.
            let handle = scope.spawn(move || {
                rx.recv_timeout(Duration::from_secs(60)).ok()?;
                let mut admin =
                    postgres::Client::connect(&admin_url, postgres::NoTls).expect("admin");
                for _ in 0..20_000 {
                    let open: i64 = admin
                        .query_one(
                            "SELECT count(*) FROM pg_stat_activity \
                             WHERE application_name = $1 AND xact_start IS NOT NULL",
                            &[&APP],
                        )
                        .expect("activity")
                        .get(0);
                    if open > 0 {
                        *stopped.lock().expect("lock") = Some(server.stop());
                        return Some(admin);
                    }
                }
                None
            });
            let result = rt.block_on(store.sync(
                &openrouter.client(),
                &sample_options().on_progress(on_progress),
            ));
            (handle.join().expect("watcher"), result)
        })
    };
    let (admin, result) = watcher;
    assert!(admin.is_some(), "the transaction was never seen open");
    let err = result.expect_err("the stopped server fails the run");
    let text = err.to_string();
    assert!(text.contains("did not answer within 2 s"), "{text}");
    assert!(!text.contains(pg::PASSWORD), "{text}");
    // The connection is closed: later calls fail at once, without waiting.
    assert!(store.runs().is_err());
    drop(stopped.lock().expect("lock").take());
    drop(admin);

    // Resumed: the server ends the abandoned connection and discards its transaction.
    let mut gone = false;
    for _ in 0..300 {
        let left = pg_count(
            &admin_url,
            &format!("SELECT count(*) FROM pg_stat_activity WHERE application_name = '{APP}'"),
        );
        if left == 0 {
            gone = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(gone, "the abandoned connection is still open");
    assert_eq!(
        pg_count(&admin_url, "SELECT count(*) FROM openrouter_activity"),
        0
    );
    assert_eq!(
        pg_count(&admin_url, "SELECT count(*) FROM openrouter_covered_day"),
        0
    );
    assert_eq!(
        pg_count(
            &admin_url,
            "SELECT count(*) FROM openrouter_sync_run WHERE status = 'ok'"
        ),
        0
    );
    // And the store works again.
    let mut store = Store::open_with(&target, &options).expect("reopen");
    let openrouter = MockOpenRouter::start();
    let _s = openrouter.sample_account();
    rt.block_on(store.sync(&openrouter.client(), &sample_options()))
        .expect("a sync after the server resumed");
}

/// A small deterministic generator (no dependency, same sequence every run).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// The five counts, then the two amounts, of a group.
type Sums = (i64, i64, i64, i64, i64, f64, f64);

/// Every summary the store answers from its daily and monthly sums equals the sums of
/// its raw rows, for the account's rows, the workspace split and each key's rows, over
/// the sample window (a part of two months), its two whole months, and a part of one
/// month with a whole one.
fn assert_daily_sums_match_raw_rows(store: &mut Store, keys: &[String], context: &str) {
    let ranges = [
        ("2026-10-27", "2026-11-25"),
        ("2026-10-01", "2026-11-30"),
        ("2026-10-15", "2026-11-30"),
    ];
    assert_sums_match_raw_rows(store, keys, &ranges, context);
}

/// [`assert_daily_sums_match_raw_rows`] over these ranges (first and last day): by
/// day (the daily sums), by month and with no day dimension (the whole months of a
/// range from the monthly sums, the days around them from the daily sums).
fn assert_sums_match_raw_rows(
    store: &mut Store,
    keys: &[String],
    ranges: &[(&str, &str)],
    context: &str,
) {
    let mut queries = Vec::new();
    for (since, until) in ranges {
        let range = Query::new(day(since), day(until));
        queries.extend([
            range
                .clone()
                .by(&[Dimension::Day, Dimension::Model, Dimension::Provider]),
            range.clone().workspaces(true).by(&[
                Dimension::Day,
                Dimension::Workspace,
                Dimension::Model,
                Dimension::Provider,
            ]),
            range.clone().by(&[Dimension::Model]),
            range.clone(),
            range
                .clone()
                .by(&[Dimension::Month, Dimension::Model, Dimension::Provider]),
            range.clone().workspaces(true).by(&[
                Dimension::Workspace,
                Dimension::Month,
                Dimension::Provider,
            ]),
        ]);
        for hash in keys {
            queries.push(range.clone().api_key_hash(hash.clone()).by(&[
                Dimension::Day,
                Dimension::Model,
                Dimension::Provider,
            ]));
            queries.push(
                range
                    .clone()
                    .api_key_hash(hash.clone())
                    .by(&[Dimension::Model, Dimension::Month]),
            );
        }
    }
    for q in &queries {
        let mut want: BTreeMap<Vec<String>, Sums> = BTreeMap::new();
        for row in store.rows(q).expect("rows") {
            let labels: Vec<String> = q
                .dimensions()
                .iter()
                .map(|d| match d {
                    Dimension::Day => row.date.clone(),
                    Dimension::Month => row.date[..7].to_string(),
                    Dimension::Model => row.model.clone(),
                    Dimension::Provider => row.provider_name.clone(),
                    Dimension::Workspace => row.workspace_id.clone().unwrap_or_default(),
                    other => panic!("{other:?}"),
                })
                .collect();
            // Counts add up saturating at i64::MAX, as the store's sums do.
            let t = row.totals;
            let sum = want.entry(labels).or_default();
            sum.0 = sum.0.saturating_add(t.requests);
            sum.1 = sum.1.saturating_add(t.prompt_tokens);
            sum.2 = sum.2.saturating_add(t.completion_tokens);
            sum.3 = sum.3.saturating_add(t.reasoning_tokens);
            sum.4 = sum.4.saturating_add(t.cached_tokens);
            sum.5 += t.usage;
            sum.6 += t.byok_usage_inference;
        }
        let got = store.summarise(q).expect("summarise");
        assert_eq!(got.len(), want.len(), "{context}: {q:?}");
        for group in got {
            let w = want
                .get(&group.labels)
                .unwrap_or_else(|| panic!("{context}: {:?} has no raw rows", group.labels));
            let t = group.totals;
            assert_eq!(
                (
                    t.requests,
                    t.prompt_tokens,
                    t.completion_tokens,
                    t.reasoning_tokens,
                    t.cached_tokens
                ),
                (w.0, w.1, w.2, w.3, w.4),
                "{context}: {:?}",
                group.labels
            );
            assert!(
                close(t.usage, w.5) && close(t.byok_usage_inference, w.6),
                "{context}: {:?}",
                group.labels
            );
        }
    }
}

/// The store's raw rows hold what the answer said: the account's rows (or, split by
/// workspace, each workspace's) and each key's (the mock answers every key with the
/// same rows), keyed by day, endpoint and model, with the answer's model, provider
/// and numbers.
fn assert_raw_rows_hold(
    store: &mut Store,
    answer: &[ActivityItem],
    split: bool,
    keys: &[String],
    context: &str,
) {
    let window = Query::new(day("2026-01-01"), day("2027-12-31"));
    let mut queries = vec![(window.clone().workspaces(split), split)];
    for hash in keys {
        queries.push((window.clone().api_key_hash(hash.clone()), false));
    }
    for (query, by_workspace) in queries {
        let stored: BTreeMap<_, _> = store
            .rows(&query)
            .expect("rows")
            .into_iter()
            .map(|r| {
                let workspace = if by_workspace {
                    r.workspace_id.clone()
                } else {
                    None
                };
                let key = (
                    r.date.clone(),
                    workspace,
                    r.endpoint_id.clone(),
                    r.model_permaslug.clone(),
                );
                (key, r)
            })
            .collect();
        for row in answer {
            let workspace = if by_workspace {
                row.workspace_id.clone()
            } else {
                None
            };
            let key = (
                row.date.clone(),
                workspace,
                row.endpoint_id.clone(),
                row.model_permaslug.clone(),
            );
            let got = stored
                .get(&key)
                .unwrap_or_else(|| panic!("{context}: {query:?}: no stored row for {key:?}"));
            let t = got.totals;
            assert_eq!(
                (
                    got.model.as_str(),
                    got.provider_name.as_str(),
                    t.requests,
                    t.prompt_tokens,
                    t.completion_tokens,
                    t.reasoning_tokens,
                    t.cached_tokens,
                    t.usage,
                    t.byok_usage_inference,
                ),
                (
                    row.model.as_str(),
                    row.provider_name.as_str(),
                    row.requests,
                    row.prompt_tokens,
                    row.completion_tokens,
                    row.reasoning_tokens,
                    row.cached_tokens,
                    row.usage,
                    row.byok_usage_inference,
                ),
                "{context}: {query:?}: {key:?}"
            );
        }
    }
}

/// One random step of [`daily_sums_equal_the_raw_rows_after_any_sequence_of_syncs`]:
/// changes `rows` (what OpenRouter now knows) and returns the answer it gives, whether
/// the answer is split by workspace, and whether the run must fail.
fn random_step(
    rng: &mut Lcg,
    rows: &mut Vec<ActivityItem>,
    next_endpoint: &mut usize,
    action: usize,
) -> (Vec<ActivityItem>, bool, bool) {
    let models = ["vendor/alpha", "vendor/beta", "other/gamma"];
    let mut answer = rows.clone();
    match action {
        // A rerun of the same answer.
        0 => {}
        // New numbers for some rows (saturating: a row may hold i64::MAX).
        1 => {
            for _ in 0..3 {
                let i = rng.below(rows.len());
                rows[i].usage += 0.5;
                rows[i].requests = rows[i].requests.saturating_add(2);
                rows[i].cached_tokens = rows[i].cached_tokens.saturating_add(7);
            }
            answer = rows.clone();
        }
        // A row moves to another model and provider.
        2 => {
            let i = rng.below(rows.len());
            let moved = openrouter_analytics_mock::activity_row(models[rng.below(3)], 0.0);
            rows[i].model = moved.model;
            rows[i].provider_name = moved.provider_name;
            answer = rows.clone();
        }
        // Some rows are missing from the answer (stored ones stay).
        3 => answer.truncate(rng.below(answer.len())),
        // New rows.
        4 => {
            for _ in 0..3 {
                let mut row = rows[rng.below(rows.len())].clone();
                row.endpoint_id = format!("ep-{next_endpoint}");
                *next_endpoint += 1;
                rows.push(row);
            }
            answer = rows.clone();
        }
        // Conflicting copies of a row: the run fails and writes no row.
        5 => {
            let mut other = rows[rng.below(rows.len())].clone();
            other.usage += 3.0;
            answer.push(other);
            return (answer, false, true);
        }
        // Hostile counts: a row's tokens and requests at i64::MAX.
        6 => {
            let i = rng.below(rows.len());
            rows[i].prompt_tokens = i64::MAX;
            rows[i].requests = i64::MAX;
            answer = rows.clone();
        }
        // Split by workspace.
        _ => return (answer, true, false),
    }
    (answer, false, false)
}

/// A property checked over random sequences (fixed seeds, so every run is the same):
/// whatever the syncs, reruns, changed, moved, missing, new, conflicting or hostile
/// rows, every summary (read from the daily and monthly sums) equals the sums of the
/// raw rows, for the account's rows, the workspace split and each key's rows (the mock
/// answers every key with the same rows), over ranges that start and end inside months
/// or on their edges. Both backends.
#[test]
fn daily_sums_equal_the_raw_rows_after_any_sequence_of_syncs() {
    let rt = runtime();
    let keys: Vec<String> = SampleAccount::new()
        .keys()
        .iter()
        .map(|k| k.hash.clone())
        .collect();
    let models = ["vendor/alpha", "vendor/beta", "other/gamma"];
    let mut seen = [false; 8];
    for seed in [26, 2026, 7_919] {
        for (name, target, _keep) in targets() {
            let mut rng = Lcg(seed);
            let mut store = Store::open(&target).expect("open");
            // Rows of a few days, endpoints, models, providers and workspaces; the
            // days in three months, February whole between them.
            let days = [
                "2027-01-31",
                "2027-02-01",
                "2027-02-14",
                "2027-02-28",
                "2027-03-01",
            ];
            let mut rows: Vec<ActivityItem> = (0..24)
                .map(|i| ActivityItem {
                    date: days[i % 5].to_string(),
                    endpoint_id: format!("ep-{}", i / 5),
                    workspace_id: Some(format!("ws-{}", i % 2)),
                    requests: 1 + i as i64,
                    ..openrouter_analytics_mock::activity_row(models[i % 3], 0.25 * i as f64)
                })
                .collect();
            let mut next_endpoint = 100;
            let mut last_answer: Option<(Vec<ActivityItem>, bool)> = None;
            for step in 0..10 {
                let action = if step == 0 { 0 } else { rng.below(8) };
                seen[action] = true;
                let (answer, split, fails) =
                    random_step(&mut rng, &mut rows, &mut next_endpoint, action);
                let openrouter = MockOpenRouter::start();
                let _activity =
                    openrouter.reply(Endpoint::GetUserActivity, Reply::activity(answer.clone()));
                let _rest = openrouter.sample_account();
                // The window: 2027-01-31 to 2027-03-01.
                let result = rt.block_on(
                    store.sync(
                        &openrouter.client(),
                        &SyncOptions::default()
                            .today(day("2027-03-02"))
                            .group_by_workspace(split),
                    ),
                );
                let context = format!("{name}: seed {seed}, step {step}, action {action}");
                assert_eq!(result.is_err(), fails, "{context}: {result:?}");
                // The window (part of January, February, part of March), whole months
                // only, a whole month and a part of one on either side, days of one
                // month, and ranges that miss a stored day of a month at either end.
                let ranges = [
                    ("2027-01-31", "2027-03-01"),
                    ("2027-01-01", "2027-03-31"),
                    ("2027-02-01", "2027-03-01"),
                    ("2027-01-20", "2027-02-28"),
                    ("2027-02-02", "2027-02-27"),
                    ("2027-01-31", "2027-02-27"),
                    ("2027-02-02", "2027-03-01"),
                ];
                assert_sums_match_raw_rows(&mut store, &keys, &ranges, &context);
                if let Ok(summary) = result {
                    // The raw rows hold the answer's numbers (whichever days the sync
                    // skipped as last synced), and the same answer again changes
                    // nothing.
                    assert_raw_rows_hold(&mut store, &answer, split, &keys, &context);
                    if last_answer.as_ref() == Some(&(answer.clone(), split)) {
                        assert_eq!(summary.changed_rows, 0, "{context}: {summary}");
                    }
                    last_answer = Some((answer, split));
                }
            }
        }
    }
    // The seeds are chosen so that every kind of step is taken.
    assert!(seen.iter().all(|s| *s), "{seen:?}");
}

/// Counts near 2^63 neither wrap nor fail the sync: the raw rows keep them as sent,
/// and every sum (the daily ones, a summary's, the account's sum of the workspace
/// split) saturates at i64::MAX.
#[test]
fn hostile_counts_saturate_the_sums_and_the_raw_rows_keep_them() {
    let rt = runtime();
    let hostile = |endpoint: &str, workspace: &str| ActivityItem {
        date: "2026-11-20".into(),
        endpoint_id: endpoint.into(),
        workspace_id: Some(workspace.into()),
        requests: i64::MAX,
        prompt_tokens: i64::MAX - 1,
        completion_tokens: 5,
        ..openrouter_analytics_mock::activity_row("vendor/alpha", 1.0)
    };
    // A second day: a summary then adds two saturated daily sums (SQLite's plain
    // `SUM` overflows there and the summary is read again, saturating).
    let next_day = ActivityItem {
        date: "2026-11-21".into(),
        ..hostile("ep-1", "ws-1")
    };
    let rows = vec![
        hostile("ep-1", "ws-1"),
        hostile("ep-2", "ws-1"),
        hostile("ep-1", "ws-2"),
        next_day,
    ];
    for (name, target, _keep) in targets() {
        let mut store = Store::open(&target).expect("open");
        for split in [false, true] {
            let openrouter = MockOpenRouter::start();
            let _activity = openrouter.activity_rows(rows.clone());
            let _rest = openrouter.sample_account();
            rt.block_on(store.sync(
                &openrouter.client(),
                &sample_options().group_by_workspace(split),
            ))
            .unwrap_or_else(|e| panic!("{name}, split {split}: {e}"));
        }
        let q = Query::new(day("2026-11-01"), day("2026-11-30"));
        let raw = store.rows(&q).expect("rows");
        assert_eq!(raw.len(), 3, "{name}");
        // ep-2 as sent; ep-1 the saturated sum of its two workspaces' rows.
        assert!(
            raw.iter().all(|r| r.totals.requests == i64::MAX),
            "{name}: {raw:?}"
        );
        assert!(
            raw.iter().any(|r| r.totals.prompt_tokens == i64::MAX - 1),
            "{name}: {raw:?}"
        );
        for query in [
            q.clone(),
            q.clone().by(&[Dimension::Day, Dimension::Model]),
            q.clone().workspaces(true).by(&[Dimension::Month]),
            q.clone().by(&[Dimension::Key]),
        ] {
            let sums = store.summarise(&query).expect("summarise");
            assert!(!sums.is_empty(), "{name}: {query:?}");
            for group in sums {
                let t = group.totals;
                assert_eq!(t.requests, i64::MAX, "{name}: {query:?}");
                assert!(t.prompt_tokens >= i64::MAX - 1, "{name}: {query:?}");
                assert!(t.completion_tokens >= 5, "{name}: {query:?}");
            }
        }
        // Both days' (saturated) sums added: saturated again.
        let total = store.summarise(&q).expect("summarise");
        assert_eq!(total[0].totals.prompt_tokens, i64::MAX, "{name}");
        let keys: Vec<String> = SampleAccount::new()
            .keys()
            .iter()
            .map(|k| k.hash.clone())
            .collect();
        assert_daily_sums_match_raw_rows(&mut store, &keys, name);
    }
}

#[test]
fn a_version_3_store_is_upgraded_and_gains_daily_sums_of_its_rows() {
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let openrouter = MockOpenRouter::start();
        let _s = openrouter.sample_account();
        let mut store = Store::open(&target).expect("open");
        rt.block_on(store.sync(&openrouter.client(), &sample_options()))
            .expect("sync");
        let window = Query::new(day("2026-10-27"), day("2026-11-25"));
        let by_model = window.clone().by(&[Dimension::Model]);
        let want = store.summarise(&by_model).expect("summarise");
        drop(store);
        // Back to version 3: no daily sums, the raw rows' covering index; and a raw
        // row with hostile counts (version 3 stored them as sent).
        let sql = "DROP TABLE openrouter_activity_daily; DROP TABLE openrouter_key_activity_daily; \
                   CREATE INDEX openrouter_activity_by_model ON openrouter_activity \
                   (workspace_id, day, model, provider_name, usage, byok_usage_inference, requests, \
                   prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens); \
                   INSERT INTO openrouter_activity VALUES ('2026-11-02', '', 'ep-x', 'x/hostile', \
                   'x/hostile', 'X', 0.5, 0, 9223372036854775807, 9223372036854775807, 1, 0, 0, 'old'); \
                   INSERT INTO openrouter_activity VALUES ('2026-11-02', '', 'ep-y', 'x/hostile', \
                   'x/hostile', 'X', 0.5, 0, 9223372036854775807, 9223372036854775807, 1, 0, 0, 'old'); \
                   DROP TABLE openrouter_synced_day; \
                   DROP TABLE openrouter_activity_monthly; DROP TABLE openrouter_key_activity_monthly; \
                   UPDATE openrouter_store_meta SET value = '3' WHERE key = 'schema_version'";
        match &target {
            Target::Sqlite(path) => run_sqlite(path, sql),
            Target::Postgres(url) => pg::execute(url, sql),
            _ => unreachable!(),
        }
        // Opening to read upgrades (a reading command opens for writing once).
        let mut reader = Store::open_existing(&target).expect("upgraded on open");
        assert_eq!(
            reader.rows(&window).expect("rows").len(),
            sample_rows().len() + 2,
            "{name}"
        );
        let got = reader.summarise(&by_model).expect("summarise");
        let hostile = got
            .iter()
            .find(|g| g.labels == ["x/hostile"])
            .unwrap_or_else(|| panic!("{name}: {got:?}"));
        assert_eq!(hostile.totals.requests, i64::MAX, "{name}");
        assert_eq!(hostile.totals.completion_tokens, 2, "{name}");
        let others: Vec<_> = got
            .into_iter()
            .filter(|g| g.labels != ["x/hostile"])
            .collect();
        assert_eq!(others.len(), want.len(), "{name}");
        for (a, b) in others.iter().zip(&want) {
            assert_eq!(a.labels, b.labels, "{name}");
            assert_eq!(a.totals.requests, b.totals.requests, "{name}");
            assert!(close(a.totals.usage, b.totals.usage), "{name}");
        }
        let keys: Vec<String> = SampleAccount::new()
            .keys()
            .iter()
            .map(|k| k.hash.clone())
            .collect();
        assert_daily_sums_match_raw_rows(&mut reader, &keys, name);
        // The covering index that the daily sums replace is gone.
        let plan = reader
            .explain_summarise(&by_model)
            .expect("plan")
            .join("\n");
        assert!(
            !plan.contains("openrouter_activity_by_model"),
            "{name}: {plan}"
        );
    }
}

/// A sync of `rows` as of the sample day: its summary and its progress lines.
fn sync_collecting_progress(
    rt: &tokio::runtime::Runtime,
    store: &mut Store,
    rows: Vec<ActivityItem>,
) -> (openrouter_analytics_store::SyncSummary, Vec<String>) {
    let openrouter = MockOpenRouter::start();
    let _activity = openrouter.reply(Endpoint::GetUserActivity, Reply::activity(rows));
    let _rest = openrouter.sample_account();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&lines);
    let options = sample_options().on_progress(move |line| {
        sink.lock().expect("lines").push(line.to_string());
    });
    let summary = rt
        .block_on(store.sync(&openrouter.client(), &options))
        .expect("sync");
    let lines = lines.lock().expect("lines").clone();
    (summary, lines)
}

/// The progress line of the account's rows: "n of m days as last synced, skipped".
fn skipped_days(lines: &[String]) -> (usize, usize) {
    let line = lines
        .iter()
        .find(|l| l.starts_with("writing openrouter_activity:"))
        .unwrap_or_else(|| panic!("{lines:?}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    (
        words[2].parse().expect("skipped"),
        words[4].parse().expect("days"),
    )
}

/// A day whose answer has the digest the last sync recorded for it is skipped, and
/// only then: a rerun writes no raw row, a changed row sends its day (and only its
/// day) through the upsert, and a store whose digests are missing or wrong (a store
/// from before schema 5; a digest that no longer matches) is compared row by row,
/// which also puts back a raw row changed underneath the store.
#[test]
fn a_rerun_skips_the_days_answered_as_last_synced_and_only_those() {
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let mut store = Store::open(&target).expect("open");
        let window = Query::new(day("2026-10-27"), day("2026-11-25"));
        let rows = sample_rows();
        let days = rows
            .iter()
            .map(|r| r.date.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        assert!(days > 1, "{name}");

        let (first, lines) = sync_collecting_progress(&rt, &mut store, rows.clone());
        assert_eq!(skipped_days(&lines), (0, days), "{name}: {lines:?}");
        assert!(first.changed_rows > 0, "{name}");
        let stored = store.rows(&window).expect("rows");

        let (rerun, lines) = sync_collecting_progress(&rt, &mut store, rows.clone());
        assert_eq!(skipped_days(&lines), (days, days), "{name}: {lines:?}");
        assert_eq!(rerun.changed_rows, 0, "{name}");
        assert_eq!(store.rows(&window).expect("rows"), stored, "{name}");

        // One row's numbers change: its day alone is written.
        let mut changed = rows.clone();
        changed[0].usage += 1.25;
        changed[0].requests += 3;
        let (summary, lines) = sync_collecting_progress(&rt, &mut store, changed.clone());
        assert_eq!(skipped_days(&lines), (days - 1, days), "{name}: {lines:?}");
        // The account's row and each key's (the mock answers every key with the rows).
        let keys: Vec<String> = SampleAccount::new()
            .keys()
            .iter()
            .map(|k| k.hash.clone())
            .collect();
        assert_eq!(summary.changed_rows, 1 + keys.len() as u64, "{name}");
        assert_daily_sums_match_raw_rows(&mut store, &keys, name);
        assert_raw_rows_hold(&mut store, &changed, false, &keys, name);

        // A raw row changed underneath and the digests lost: the sync compares every
        // row and puts the answer's numbers back.
        let sql = "UPDATE openrouter_activity SET usage = 99 WHERE workspace_id = '' \
                   AND day = (SELECT MIN(day) FROM openrouter_activity); \
                   DELETE FROM openrouter_synced_day";
        match &target {
            Target::Sqlite(path) => run_sqlite(path, sql),
            Target::Postgres(url) => pg::execute(url, sql),
            _ => unreachable!(),
        }
        let (summary, lines) = sync_collecting_progress(&rt, &mut store, changed.clone());
        assert_eq!(skipped_days(&lines), (0, days), "{name}: {lines:?}");
        assert!(summary.changed_rows >= 1, "{name}");
        assert_raw_rows_hold(&mut store, &changed, false, &keys, name);
        assert_daily_sums_match_raw_rows(&mut store, &keys, name);

        // A digest that does not match (another build's hash, say): compared too.
        let sql = "UPDATE openrouter_synced_day SET digest = digest + 1";
        match &target {
            Target::Sqlite(path) => run_sqlite(path, sql),
            Target::Postgres(url) => pg::execute(url, sql),
            _ => unreachable!(),
        }
        let (summary, lines) = sync_collecting_progress(&rt, &mut store, changed.clone());
        assert_eq!(skipped_days(&lines), (0, days), "{name}: {lines:?}");
        assert_eq!(summary.changed_rows, 0, "{name}");
        let (_, lines) = sync_collecting_progress(&rt, &mut store, changed);
        assert_eq!(skipped_days(&lines), (days, days), "{name}: {lines:?}");
    }
}

/// A store at version 4 (before the days' digests) is upgraded on open and reads as
/// it did; its first sync compares every day row by row (no digests yet) and changes
/// nothing, and the next one skips every day.
#[test]
fn a_version_4_store_is_upgraded_and_its_first_sync_compares_every_row() {
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let mut store = Store::open(&target).expect("open");
        let (_, _) = sync_collecting_progress(&rt, &mut store, sample_rows());
        let window = Query::new(day("2026-10-27"), day("2026-11-25"));
        let rows = store.rows(&window).expect("rows");
        let by_model = window.clone().by(&[Dimension::Model]);
        let sums = store.summarise(&by_model).expect("summarise");
        let keys: Vec<String> = SampleAccount::new()
            .keys()
            .iter()
            .map(|k| k.hash.clone())
            .collect();
        let by_key = store
            .rows(&window.clone().api_key_hash(keys[0].clone()))
            .expect("rows");
        drop(store);
        let sql = "DROP TABLE openrouter_synced_day; \
                   DROP TABLE openrouter_activity_monthly; DROP TABLE openrouter_key_activity_monthly; \
                   UPDATE openrouter_store_meta SET value = '4' WHERE key = 'schema_version'";
        match &target {
            Target::Sqlite(path) => run_sqlite(path, sql),
            Target::Postgres(url) => pg::execute(url, sql),
            _ => unreachable!(),
        }
        let mut reader = Store::open_existing(&target).expect("upgraded on open");
        assert_eq!(reader.rows(&window).expect("rows"), rows, "{name}");
        assert_eq!(
            reader.summarise(&by_model).expect("summarise"),
            sums,
            "{name}"
        );
        assert_eq!(
            reader
                .rows(&window.clone().api_key_hash(keys[0].clone()))
                .expect("rows"),
            by_key,
            "{name}"
        );
        drop(reader);
        let mut store = Store::open(&target).expect("open");
        let (summary, lines) = sync_collecting_progress(&rt, &mut store, sample_rows());
        let (skipped, days) = skipped_days(&lines);
        assert_eq!(skipped, 0, "{name}: {lines:?}");
        assert_eq!(summary.changed_rows, 0, "{name}");
        let (summary, lines) = sync_collecting_progress(&rt, &mut store, sample_rows());
        assert_eq!(skipped_days(&lines), (days, days), "{name}: {lines:?}");
        assert_eq!(summary.changed_rows, 0, "{name}");
        assert_eq!(store.rows(&window).expect("rows"), rows, "{name}");
        assert_daily_sums_match_raw_rows(&mut store, &keys, name);
    }
}

/// Schema 6: SQLite keeps the raw rows in their key's B-tree (`WITHOUT ROWID`); a
/// version 5 store (rowid tables) is upgraded on open, reads the same, and syncs as
/// before. PostgreSQL: only the version changes.
#[test]
fn a_version_5_store_is_upgraded_to_keyed_raw_tables_and_reads_the_same() {
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let mut store = Store::open(&target).expect("open");
        let _ = sync_collecting_progress(&rt, &mut store, sample_rows());
        let window = Query::new(day("2026-10-27"), day("2026-11-25"));
        let rows = store.rows(&window).expect("rows");
        let by_model = store
            .summarise(&window.clone().by(&[Dimension::Model]))
            .expect("summarise");
        drop(store);
        let back = "DROP TABLE openrouter_activity_monthly; DROP TABLE openrouter_key_activity_monthly; \
                    UPDATE openrouter_store_meta SET value = '5' WHERE key = 'schema_version'";
        let without_rowid = "SELECT COUNT(*) FROM sqlite_master WHERE name IN \
                             ('openrouter_activity', 'openrouter_key_activity') \
                             AND sql LIKE '%WITHOUT ROWID%'";
        let sqlite_count = |path: &std::path::Path, sql: &str| -> i64 {
            let conn = rusqlite::Connection::open(path).expect("open");
            conn.query_row(sql, [], |r| r.get(0)).expect("count")
        };
        match &target {
            Target::Sqlite(path) => {
                assert_eq!(sqlite_count(path, without_rowid), 2, "{name}");
                // Version 5's tables: rowid tables with the same columns and key.
                let mut sql = String::new();
                for (table, group) in [
                    ("openrouter_activity", "workspace_id"),
                    ("openrouter_key_activity", "api_key_hash"),
                ] {
                    sql.push_str(&format!(
                        "ALTER TABLE {table} RENAME TO {table}_v6; \
                         CREATE TABLE {table} (day TEXT NOT NULL, {group} TEXT NOT NULL, \
                         endpoint_id TEXT NOT NULL, model_permaslug TEXT NOT NULL, \
                         model TEXT NOT NULL, provider_name TEXT NOT NULL, \
                         usage DOUBLE PRECISION NOT NULL, byok_usage_inference DOUBLE PRECISION NOT NULL, \
                         requests BIGINT NOT NULL, prompt_tokens BIGINT NOT NULL, \
                         completion_tokens BIGINT NOT NULL, reasoning_tokens BIGINT NOT NULL, \
                         cached_tokens BIGINT NOT NULL, run_id TEXT NOT NULL, \
                         PRIMARY KEY (day, {group}, endpoint_id, model_permaslug)); \
                         INSERT INTO {table} SELECT * FROM {table}_v6; DROP TABLE {table}_v6; "
                    ));
                }
                sql.push_str(back);
                run_sqlite(path, &sql);
                assert_eq!(sqlite_count(path, without_rowid), 0, "{name}");
            }
            Target::Postgres(url) => pg::execute(url, back),
            _ => unreachable!(),
        }
        let mut store = Store::open(&target).expect("upgraded on open");
        if let Target::Sqlite(path) = &target {
            assert_eq!(sqlite_count(path, without_rowid), 2, "{name}");
        }
        assert_eq!(store.rows(&window).expect("rows"), rows, "{name}");
        assert_eq!(
            store
                .summarise(&window.clone().by(&[Dimension::Model]))
                .expect("summarise"),
            by_model,
            "{name}"
        );
        let (summary, _) = sync_collecting_progress(&rt, &mut store, sample_rows());
        assert_eq!(summary.changed_rows, 0, "{name}");
        let keys: Vec<String> = SampleAccount::new()
            .keys()
            .iter()
            .map(|k| k.hash.clone())
            .collect();
        assert_daily_sums_match_raw_rows(&mut store, &keys, name);
    }
}

/// Rows for every day of the 30-day window ending on `last`: three models a day, each
/// at two endpoints, a workspace each.
fn window_rows(last: NaiveDate, usage: f64) -> Vec<ActivityItem> {
    let models = ["vendor/alpha", "vendor/beta", "other/gamma"];
    let mut rows = Vec::new();
    for back in 0..30 {
        let date = last - chrono::Days::new(back);
        for (i, model) in models.iter().enumerate() {
            for endpoint in 0..2 {
                rows.push(ActivityItem {
                    date: date.format("%Y-%m-%d").to_string(),
                    endpoint_id: format!("ep-{i}-{endpoint}"),
                    workspace_id: Some(format!("ws-{endpoint}")),
                    requests: 1 + back as i64 + endpoint,
                    ..openrouter_analytics_mock::activity_row(model, usage + back as f64)
                });
            }
        }
    }
    rows
}

/// Syncs `rows` as of `today`, split by workspace or not.
fn sync_rows(
    rt: &tokio::runtime::Runtime,
    store: &mut Store,
    rows: Vec<ActivityItem>,
    today: &str,
    split: bool,
) {
    let openrouter = MockOpenRouter::start();
    let _activity = openrouter.reply(Endpoint::GetUserActivity, Reply::activity(rows));
    let _rest = openrouter.sample_account();
    rt.block_on(
        store.sync(
            &openrouter.client(),
            &SyncOptions::default()
                .today(day(today))
                .group_by_workspace(split),
        ),
    )
    .unwrap_or_else(|e| panic!("sync as of {today}: {e}"));
}

/// Three windows a month apart (2026-09-26 to 2026-12-25), then the middle one again
/// with other numbers (the months it touches rebuilt) and split by workspace: a
/// summary from partway through October to partway through December (November whole
/// between) equals the raw rows' sums, read from the monthly sums for November and the
/// daily sums for the rest. Both backends.
#[test]
fn a_summary_with_partial_months_at_both_ends_equals_the_raw_rows() {
    let rt = runtime();
    let keys: Vec<String> = SampleAccount::new()
        .keys()
        .iter()
        .map(|k| k.hash.clone())
        .collect();
    let ranges = [
        ("2026-10-10", "2026-12-20"),
        ("2026-09-26", "2026-12-25"),
        ("2026-10-01", "2026-11-30"),
        ("2026-09-30", "2026-12-01"),
    ];
    for (name, target, _keep) in targets() {
        let mut store = Store::open(&target).expect("open");
        for (today, usage) in [
            ("2026-10-26", 1.0),
            ("2026-11-25", 2.0),
            ("2026-12-26", 3.0),
        ] {
            let last = day(today) - chrono::Days::new(1);
            sync_rows(&rt, &mut store, window_rows(last, usage), today, false);
        }
        assert_sums_match_raw_rows(&mut store, &keys, &ranges, name);
        let q = Query::new(day("2026-10-10"), day("2026-12-20")).by(&[Dimension::Model]);
        let before = store.summarise(&q).expect("summarise");
        // The middle window again, changed (conflicting with what is stored), then split.
        let changed = window_rows(day("2026-11-24"), 10.0);
        sync_rows(&rt, &mut store, changed.clone(), "2026-11-25", false);
        sync_rows(&rt, &mut store, changed, "2026-11-25", true);
        assert_sums_match_raw_rows(&mut store, &keys, &ranges, name);
        let after = store.summarise(&q).expect("summarise");
        assert_ne!(before, after, "{name}: the changed window shows");
        if name == "sqlite" {
            let plan = store.explain_summarise(&q).expect("plan").join("\n");
            assert!(plan.contains("AND month>?"), "{plan}");
            assert!(plan.contains("openrouter_activity_daily"), "{plan}");
        }
    }
}

/// A store from before version 7 gains monthly sums of its daily sums when opened,
/// even by a reading command, and its next sync keeps them.
#[test]
fn a_version_6_store_is_upgraded_and_gains_monthly_sums() {
    let rt = runtime();
    let keys: Vec<String> = SampleAccount::new()
        .keys()
        .iter()
        .map(|k| k.hash.clone())
        .collect();
    for (name, target, _keep) in targets() {
        let mut store = Store::open(&target).expect("open");
        sync_rows(
            &rt,
            &mut store,
            window_rows(day("2026-11-25"), 1.0),
            "2026-11-26",
            false,
        );
        let whole = Query::new(day("2026-10-01"), day("2026-11-30")).by(&[Dimension::Month]);
        let want = store.summarise(&whole).expect("summarise");
        assert_eq!(want.len(), 2, "{name}: {want:?}");
        drop(store);
        let sql = "DROP TABLE openrouter_activity_monthly; DROP TABLE openrouter_key_activity_monthly; \
                   UPDATE openrouter_store_meta SET value = '6' WHERE key = 'schema_version'";
        match &target {
            Target::Sqlite(path) => run_sqlite(path, sql),
            Target::Postgres(url) => pg::execute(url, sql),
            _ => unreachable!(),
        }
        let mut reader = Store::open_existing(&target).expect("upgraded on open");
        assert_eq!(reader.summarise(&whole).expect("summarise"), want, "{name}");
        assert_daily_sums_match_raw_rows(&mut reader, &keys, name);
        drop(reader);
        let mut store = Store::open(&target).expect("open");
        sync_rows(
            &rt,
            &mut store,
            window_rows(day("2026-11-25"), 5.0),
            "2026-11-26",
            false,
        );
        assert_daily_sums_match_raw_rows(&mut store, &keys, name);
    }
}

/// PostgreSQL: a sync that grew a table by more than autovacuum's threshold (or wrote a
/// table that had no statistics) gathers its statistics in its transaction, so the
/// planner knows the sums right after a first sync; a rerun that wrote nothing does
/// not. SQLite gathers none.
#[test]
fn a_sync_that_grew_a_table_gathers_its_statistics() {
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let mut store = Store::open(&target).expect("open");
        let (_, first) = sync_collecting_progress(&rt, &mut store, sample_rows());
        let (_, rerun) = sync_collecting_progress(&rt, &mut store, sample_rows());
        let gathered = |lines: &[String]| {
            lines
                .iter()
                .find(|l| l.starts_with("gathering statistics"))
                .cloned()
        };
        assert_eq!(gathered(&rerun), None, "{name}: {rerun:?}");
        match &target {
            Target::Postgres(url) => {
                let line = gathered(&first).unwrap_or_else(|| panic!("{first:?}"));
                for table in [
                    "openrouter_activity",
                    "openrouter_activity_daily",
                    "openrouter_activity_monthly",
                    "openrouter_key_activity_monthly",
                ] {
                    assert!(
                        line.contains(&format!("{table},")) || line.ends_with(table),
                        "{line}"
                    );
                    let rows = pg_count(url, &format!("SELECT COUNT(*) FROM {table}"));
                    let counted = pg_count(
                        url,
                        &format!(
                            "SELECT reltuples::bigint FROM pg_class WHERE relname = '{table}'"
                        ),
                    );
                    assert!(rows > 0, "{table}");
                    assert_eq!(counted, rows, "{table}: statistics of the committed rows");
                }
            }
            _ => assert_eq!(gathered(&first), None, "{name}: {first:?}"),
        }
    }
}

/// The SQL that docs/history.md gives for a Grafana panel (spend per month by model,
/// from the monthly sums) runs on both stores and answers the sums of the raw rows.
#[test]
fn the_grafana_query_in_the_docs_sums_the_raw_rows() {
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/history.md"),
    )
    .expect("docs/history.md");
    let section = docs
        .split("### Monthly and daily sums for dashboards")
        .nth(1)
        .expect("the section on the sums");
    let sql = section
        .split("```sql\n")
        .nth(1)
        .and_then(|block| block.split("```").next())
        .expect("a sql block")
        .trim()
        .trim_end_matches(';')
        .to_string();
    assert!(sql.contains("openrouter_activity_monthly"), "{sql}");
    let rt = runtime();
    for (name, target, _keep) in targets() {
        let mut store = Store::open(&target).expect("open");
        for (today, usage) in [("2026-10-26", 1.0), ("2026-11-25", 2.0)] {
            let last = day(today) - chrono::Days::new(1);
            sync_rows(&rt, &mut store, window_rows(last, usage), today, false);
        }
        let mut want: BTreeMap<(String, String), (f64, i64)> = BTreeMap::new();
        for row in store
            .rows(&Query::new(day("2026-01-01"), day("2026-12-31")))
            .expect("rows")
        {
            let sum = want
                .entry((row.date[..7].to_string(), row.model.clone()))
                .or_default();
            sum.0 += row.totals.usage;
            sum.1 += row.totals.requests;
        }
        let got: Vec<(String, String, f64, i64)> = match &target {
            Target::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).expect("open");
                let mut statement = conn.prepare(&sql).expect("the docs' query");
                statement
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                    .expect("query")
                    .collect::<Result<_, _>>()
                    .expect("rows")
            }
            Target::Postgres(url) => {
                // PostgreSQL sums `BIGINT` as `numeric`, which the test's driver reads
                // once cast back.
                let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
                let wrapped = format!(
                    "SELECT month, model, usd, requests::bigint FROM ({sql}) AS docs ORDER BY 1, 2"
                );
                client
                    .query(wrapped.as_str(), &[])
                    .expect("the docs' query")
                    .iter()
                    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
                    .collect()
            }
            _ => unreachable!(),
        };
        assert_eq!(got.len(), want.len(), "{name}: {got:?}");
        for (month, model, usd, requests) in got {
            let w = want[&(month.clone(), model.clone())];
            assert!(close(usd, w.0), "{name}: {month} {model}: {usd} vs {}", w.0);
            assert_eq!(requests, w.1, "{name}: {month} {model}");
        }
    }
}
