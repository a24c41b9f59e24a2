//! The history store's budgets (BENCHMARKS.md section "History store"):
//!
//! 1. `openrouter sync` of a window of 90,000 activity rows against fetching and
//!    decoding the same answers with the client, side by side, for SQLite and
//!    PostgreSQL (budgets: 1.5x and 2.5x).
//!    Beside it, the floor of any first sync: the same rows inserted into an empty table
//!    keyed as the store's, the fastest way each database has, and nothing else.
//! 2. A year of stored history (about 1 M rows): the `activity --since <a year ago>
//!    --by model` summary, timed, with the database's plan (it reads the monthly sums
//!    of the whole months and the daily sums of the days around them), right after the
//!    load and again after `ANALYZE` (the sync gathers PostgreSQL's statistics itself
//!    when it grew a table enough; the time that takes is printed with the first sync).
//!
//! Everything runs on 127.0.0.1: an httpmock server for OpenRouter, a SQLite file in a
//! temporary directory, and PostgreSQL started by the bench as in the store's tests
//! (skipped with a message when the package is missing).

#[path = "../../crates/openrouter-analytics-store/tests/common/pg.rs"]
mod pg;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openrouter_analytics::chrono::{Duration as Days, NaiveDate};
use openrouter_analytics::types::ActivityItem;
use openrouter_analytics_benches::median;
use openrouter_analytics_mock::{Endpoint, MockOpenRouter, Reply};
use openrouter_analytics_store::{Dimension, Query, Store, SyncOptions, Target};
use serde_json::json;

const WINDOW_ROWS: usize = 90_000;
const ENDPOINTS: usize = WINDOW_ROWS / 30;
const ROUNDS: usize = 3;

fn rows(last_day: NaiveDate, endpoints: usize) -> Vec<ActivityItem> {
    let mut out = Vec::with_capacity(30 * endpoints);
    for d in 0..30 {
        let date = (last_day - Days::days(29 - d))
            .format("%Y-%m-%d")
            .to_string();
        for e in 0..endpoints {
            out.push(ActivityItem {
                byok_usage_inference: 0.0,
                cached_tokens: 10,
                completion_tokens: 125,
                date: date.clone(),
                endpoint_id: format!("ep-{e}"),
                model: format!("vendor/model-{}", e % 40),
                model_permaslug: format!("vendor/model-{}-2026-01-01", e % 40),
                prompt_tokens: 50,
                provider_name: format!("Provider {}", e % 9),
                reasoning_tokens: 25,
                requests: 5,
                usage: 0.015 * (e as f64 + 1.0),
                workspace_id: None,
            });
        }
    }
    out
}

/// The account's other answers: no keys (so no per-key requests), credits, no
/// workspaces.
fn rest(openrouter: &MockOpenRouter) {
    openrouter.reply(
        Endpoint::find("api_keys", "list").expect("op"),
        Reply::json(200, &json!({ "data": [] })),
    );
    openrouter.reply(
        Endpoint::find("credits", "get_credits").expect("op"),
        Reply::json(
            200,
            &json!({ "data": { "total_credits": 100.0, "total_usage": 10.0 } }),
        ),
    );
    openrouter.reply(
        Endpoint::find("workspaces", "list").expect("op"),
        Reply::json(200, &json!({ "data": [], "total_count": 0 })),
    );
}

/// Fetch and decode what a sync fetches, without storing it.
async fn fetch_only(client: &openrouter_analytics::Client) -> usize {
    let activity = client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("activity");
    let keys = client.api_keys().list().collect_all().await.expect("keys");
    let credits = client
        .credits()
        .get_credits()
        .send()
        .await
        .expect("credits");
    let workspaces = client
        .workspaces()
        .list()
        .collect_all()
        .await
        .expect("workspaces");
    activity.data.len()
        + keys.len()
        + workspaces.len()
        + usize::from(credits.data.total_credits > 0.0)
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn main() {
    // `cargo test --benches` runs bench binaries without `--bench`: nothing to measure.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let openrouter = MockOpenRouter::start();
    let last = NaiveDate::from_ymd_opt(2026, 11, 25).expect("day");
    openrouter.reply(
        Endpoint::GetUserActivity,
        Reply::activity(rows(last, ENDPOINTS)),
    );
    rest(&openrouter);
    let client = openrouter
        .client_builder()
        .timeout(Duration::from_secs(600))
        .build()
        .expect("client");

    let dir = tempfile::tempdir().expect("dir");
    let mut targets = vec![("SQLite", Target::Sqlite(dir.path().join("bench.db")), 1.5)];
    let pg_url = pg::fresh_database();
    match &pg_url {
        Some(url) => targets.push(("PostgreSQL", url.parse().expect("url"), 2.5)),
        None => eprintln!("PostgreSQL: skipped (no server)"),
    }

    println!("\n== sync of {WINDOW_ROWS} activity rows vs fetch+decode of the same answers ==");
    println!(
        "| store | fetch+decode (s, median) | sync (s, median) | ratio | of which writing (s) | of which statistics (s, first) | budget |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, target, budget) in &targets {
        let mut store = Store::open(target).expect("open");
        let mut fetch_times = Vec::new();
        let mut sync_times = Vec::new();
        let mut write_times = Vec::new();
        let mut statistics_times = Vec::new();
        for round in 0..ROUNDS {
            let start = Instant::now();
            let n = runtime.block_on(fetch_only(&client));
            fetch_times.push(secs(start.elapsed()));
            assert!(n >= WINDOW_ROWS);
            // When each step of the sync began (its progress lines): where the time
            // goes, "writing" being the last step.
            let steps: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
            let mark = Arc::clone(&steps);
            let options = SyncOptions::default()
                // As of the day after the rows' last: the window they fill.
                .today(last + Days::days(1))
                .on_progress(move |line| {
                    if let Ok(mut steps) = mark.lock() {
                        steps.push((line.to_string(), Instant::now()));
                    }
                });
            let start = Instant::now();
            let summary = runtime
                .block_on(store.sync(&client, &options))
                .expect("sync");
            let end = Instant::now();
            sync_times.push(secs(end - start));
            let steps = steps.lock().map(|s| s.clone()).unwrap_or_default();
            let mut shares = String::new();
            for (i, (line, at)) in steps.iter().enumerate() {
                let until = steps.get(i + 1).map_or(end, |next| next.1);
                shares.push_str(&format!("{line}: {:.3} s; ", secs(until - *at)));
            }
            let wrote = steps
                .iter()
                .find(|(line, _)| line == "writing")
                .map_or(0.0, |(_, at)| secs(end - *at));
            write_times.push(wrote);
            // PostgreSQL's statistics, gathered by a sync that grew a table enough.
            let statistics = steps
                .iter()
                .enumerate()
                .filter(|(_, (line, _))| line.starts_with("gathering statistics"))
                .map(|(i, (_, at))| secs(steps.get(i + 1).map_or(end, |next| next.1) - *at))
                .fold(0.0, |sum, s| sum + s);
            statistics_times.push(statistics);
            // The first round inserts; later rounds find every row unchanged.
            eprintln!("{name} round {round}: {summary} ({shares})");
        }
        let (f, s) = (median(&fetch_times), median(&sync_times));
        // The insert (first round) is the costly write; report it on its own too,
        // and the writing's share of each (the rest is the sync's own fetching).
        println!(
            "| {name} | {f:.3} | {s:.3} (first, inserting: {:.3}) | **{:.2}x** (first: {:.2}x) | {:.3} (first: {:.3}) | {:.3} | {budget}x |",
            sync_times[0],
            s / f,
            sync_times[0] / fetch_times[0],
            median(&write_times),
            write_times[0],
            statistics_times[0]
        );
    }

    // The floor of a first sync: what storing the window's raw rows costs at the least.
    let window = rows(last, ENDPOINTS);
    println!("\n== the floor of a first sync: {WINDOW_ROWS} rows inserted, nothing else ==");
    println!(
        "| store | how | insert (s, median of {ROUNDS}) | / fetch+decode (median of {ROUNDS}) | budget of the whole sync |"
    );
    println!("| --- | --- | ---: | ---: | ---: |");
    for (name, target, budget) in &targets {
        let mut fetches = Vec::new();
        let mut inserts = Vec::new();
        for round in 0..ROUNDS {
            let start = Instant::now();
            runtime.block_on(fetch_only(&client));
            fetches.push(secs(start.elapsed()));
            inserts.push(match target {
                Target::Sqlite(_) => {
                    sqlite_insert(&dir.path().join(format!("floor-{round}.db")), &window)
                }
                _ => pg_url.as_deref().map_or(0.0, |url| pg_copy(url, &window)),
            });
        }
        let how = match target {
            Target::Sqlite(_) => "one prepared INSERT, one transaction, WITHOUT ROWID",
            _ => "binary COPY into an empty table with its primary key",
        };
        let (f, i) = (median(&fetches), median(&inserts));
        println!(
            "| {name} | {how} | {i:.3} | **{:.2}x** | {budget}x |",
            i / f
        );
    }

    let mut report_reads = Vec::new();
    println!("\n== a year of history (~1 M rows): summary by model ==");
    println!("| store | rows | `--by model` over a year (ms, median of 5) | plan |");
    println!("| --- | ---: | ---: | --- |");
    for (name, target, _) in &targets {
        let mut store = Store::open(target).expect("open");
        // 12 windows of 30 days, 2,800 endpoints a day: 1,008,000 rows.
        let mut window_end = last;
        for _ in 0..12 {
            let openrouter = MockOpenRouter::start();
            openrouter.reply(
                Endpoint::GetUserActivity,
                Reply::activity(rows(window_end, 2_800)),
            );
            rest(&openrouter);
            let client = openrouter
                .client_builder()
                .timeout(Duration::from_secs(600))
                .build()
                .expect("client");
            let today = window_end + Days::days(1);
            runtime
                .block_on(store.sync(&client, &SyncOptions::default().today(today)))
                .expect("sync");
            window_end -= Days::days(30);
        }
        let since = last - Days::days(364);
        let query = Query::new(since, last).by(&[Dimension::Model]);
        let total = store
            .rows(&Query::new(since - Days::days(30), last))
            .expect("rows")
            .len();
        let (ms, plan) = by_model_over_a_year(&mut store, &query);
        println!("| {name} | {total} | {ms:.1} | {plan} |");
        // `report --since <a year ago>`: it read every raw row of the year, and now
        // reads the daily sums by day, model and provider. Both timed here, in turn.
        let year = Query::new(since, last);
        let by_day = year
            .clone()
            .by(&[Dimension::Day, Dimension::Model, Dimension::Provider]);
        let (mut raw, mut sums) = (Vec::new(), Vec::new());
        let (mut raw_len, mut sums_len) = (0, 0);
        for _ in 0..3 {
            let start = Instant::now();
            raw_len = store.rows(&year).expect("rows").len();
            raw.push(secs(start.elapsed()) * 1000.0);
            let start = Instant::now();
            sums_len = store.summarise(&by_day).expect("summarise").len();
            sums.push(secs(start.elapsed()) * 1000.0);
        }
        report_reads.push((
            name.to_string(),
            raw_len,
            median(&raw),
            sums_len,
            median(&sums),
        ));
        // Timed again with statistics of every table (the state of a store once
        // autovacuum has been by, about a minute after a bulk load): PostgreSQL's
        // syncs gathered some already; SQLite gathers none unless asked.
        match (target, &pg_url) {
            (Target::Postgres(_), Some(url)) => pg::execute(url, "ANALYZE"),
            (Target::Sqlite(path), _) => rusqlite::Connection::open(path)
                .and_then(|c| c.execute_batch("ANALYZE"))
                .expect("ANALYZE"),
            _ => continue,
        }
        let (ms, plan) = by_model_over_a_year(&mut store, &query);
        println!("| {name}, statistics gathered (`ANALYZE`) | {total} | {ms:.1} | {plan} |");
    }
    println!("\n== a year of history: what `report --since` reads ==");
    println!(
        "| store | raw rows (ms, median of 3) | daily sums by day, model, provider (ms) | **sums / raw** |"
    );
    println!("| --- | ---: | ---: | ---: |");
    for (name, raw_len, raw, sums_len, sums) in report_reads {
        println!(
            "| {name} | {raw_len} rows: {raw:.1} | {sums_len} sums: {sums:.1} | **{:.3}x** |",
            sums / raw
        );
    }
}

/// The raw table's columns, as the store's schema 6 has them.
const RAW_COLUMNS: &str = "day TEXT NOT NULL, workspace_id TEXT NOT NULL, endpoint_id TEXT NOT NULL, \
    model_permaslug TEXT NOT NULL, model TEXT NOT NULL, provider_name TEXT NOT NULL, \
    usage DOUBLE PRECISION NOT NULL, byok_usage_inference DOUBLE PRECISION NOT NULL, \
    requests BIGINT NOT NULL, prompt_tokens BIGINT NOT NULL, completion_tokens BIGINT NOT NULL, \
    reasoning_tokens BIGINT NOT NULL, cached_tokens BIGINT NOT NULL, run_id TEXT NOT NULL, \
    PRIMARY KEY (day, workspace_id, endpoint_id, model_permaslug)";

/// Seconds to insert `rows` into a new SQLite file's empty raw table: one prepared
/// statement in one transaction, committed.
fn sqlite_insert(path: &std::path::Path, rows: &[ActivityItem]) -> f64 {
    let mut db = rusqlite::Connection::open(path).expect("open");
    db.execute_batch(&format!("CREATE TABLE raw ({RAW_COLUMNS}) WITHOUT ROWID"))
        .expect("table");
    let start = Instant::now();
    let tx = db.transaction().expect("transaction");
    {
        let mut insert = tx
            .prepare("INSERT INTO raw VALUES (?1, '', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'run')")
            .expect("prepare");
        for r in rows {
            insert
                .execute(rusqlite::params![
                    r.date,
                    r.endpoint_id,
                    r.model_permaslug,
                    r.model,
                    r.provider_name,
                    r.usage,
                    r.byok_usage_inference,
                    r.requests,
                    r.prompt_tokens,
                    r.completion_tokens,
                    r.reasoning_tokens,
                    r.cached_tokens,
                ])
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
    secs(start.elapsed())
}

/// Seconds to binary-`COPY` `rows` into a new empty raw table of the database at `url`,
/// committed; the table is dropped after.
fn pg_copy(url: &str, rows: &[ActivityItem]) -> f64 {
    use postgres::binary_copy::BinaryCopyInWriter;
    use postgres::types::Type;
    let mut db = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    db.batch_execute(&format!(
        "DROP TABLE IF EXISTS raw; CREATE TABLE raw ({RAW_COLUMNS})"
    ))
    .expect("table");
    let text = Type::TEXT;
    let types = [
        text.clone(),
        text.clone(),
        text.clone(),
        text.clone(),
        text.clone(),
        text.clone(),
        Type::FLOAT8,
        Type::FLOAT8,
        Type::INT8,
        Type::INT8,
        Type::INT8,
        Type::INT8,
        Type::INT8,
        text,
    ];
    let start = Instant::now();
    let mut tx = db.transaction().expect("transaction");
    let sink = tx.copy_in("COPY raw FROM STDIN BINARY").expect("copy");
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    for r in rows {
        writer
            .write(&[
                &r.date,
                &"",
                &r.endpoint_id,
                &r.model_permaslug,
                &r.model,
                &r.provider_name,
                &r.usage,
                &r.byok_usage_inference,
                &r.requests,
                &r.prompt_tokens,
                &r.completion_tokens,
                &r.reasoning_tokens,
                &r.cached_tokens,
                &"run",
            ])
            .expect("row");
    }
    writer.finish().expect("finish");
    tx.commit().expect("commit");
    let took = secs(start.elapsed());
    db.batch_execute("DROP TABLE raw").expect("drop");
    took
}

/// The year's summary by model (40 models): the median of five runs in ms, and the
/// database's plan for it as one table cell.
fn by_model_over_a_year(store: &mut Store, query: &Query) -> (f64, String) {
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let groups = store.summarise(query).expect("summarise");
        times.push(secs(start.elapsed()) * 1000.0);
        assert_eq!(groups.len(), 40);
    }
    let plan = store.explain_summarise(query).expect("plan").join(" / ");
    (median(&times), plan.replace('|', "/"))
}
