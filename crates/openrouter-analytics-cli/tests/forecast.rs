//! `openrouter forecast` end to end: the built binary against the mock crate's sample
//! account (moved so that its 30 days are November 2026) and a hostile server.

mod common;

use std::process::Command;

use openrouter_analytics::chrono::NaiveDate;
use openrouter_analytics_mock::{Endpoint, MockOpenRouter, Reply, SampleAccount, activity_row};
use openrouter_analytics_watch::forecast::Method;

use common::{Run, run};

const KEY: &str = "sk-or-v1-forecast-test-key";
/// The sample account's activity then covers 2026-11-01..=2026-11-30.
const TODAY: &str = "2026-12-01";

fn account() -> SampleAccount {
    SampleAccount::new().with_today(TODAY.parse::<NaiveDate>().unwrap())
}

fn sample() -> MockOpenRouter {
    let openrouter = MockOpenRouter::start();
    openrouter.sample_account_from(account());
    openrouter
}

fn cli(openrouter: &MockOpenRouter) -> Command {
    let mut cmd = common::cli(&openrouter.base_url(), KEY);
    cmd.args(["forecast", "--today", TODAY]);
    cmd
}

/// The sample account's spend on days in `from..=to` (one model, or all).
fn spend(from: &str, to: &str, model: Option<&str>) -> f64 {
    account()
        .activity()
        .iter()
        .filter(|row| row.date.as_str() >= from && row.date.as_str() <= to)
        .filter(|row| model.is_none_or(|m| row.model == m))
        .map(|row| row.usage)
        .sum()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * b.abs().max(1.0)
}

fn total(out: &Run) -> serde_json::Value {
    out.json()["forecasts"][0].clone()
}

#[test]
fn the_month_end_is_actual_to_date_plus_a_projection_with_a_band() {
    let openrouter = sample();
    let out = run(cli(&openrouter).args(["--date", "2026-11-29", "-f", "json"])).ok();
    assert_eq!(out.json()["month"], "2026-11");
    assert_eq!(out.json()["as_of"], "2026-11-29");
    let t = total(&out);
    assert_eq!(t["subject"], "total");
    let actual = t["actual_usd"].as_f64().unwrap();
    assert!(
        close(actual, spend("2026-11-01", "2026-11-29", None)),
        "{t}"
    );
    assert_eq!(t["remaining_days"], 1);
    assert_eq!(t["method"], Method::DEFAULT.name());
    let (p10, p50, p90) = (
        t["p10_usd"].as_f64().unwrap(),
        t["p50_usd"].as_f64().unwrap(),
        t["p90_usd"].as_f64().unwrap(),
    );
    assert!(actual <= p10 && p10 <= p50 && p50 <= p90, "{t}");
    assert!(p50 > actual, "a day of spend is projected: {t}");
    assert!(t["error"].is_null());
}

#[test]
fn on_the_last_day_of_the_month_the_forecast_is_the_actual_total() {
    let openrouter = sample();
    let out = run(cli(&openrouter).args(["--date", "2026-11-30", "-f", "json"])).ok();
    let t = total(&out);
    let month = spend("2026-11-01", "2026-11-30", None);
    for field in ["actual_usd", "p10_usd", "p50_usd", "p90_usd"] {
        assert!(close(t[field].as_f64().unwrap(), month), "{field}: {t}");
    }
    assert_eq!(t["method"], "actual");
}

#[test]
fn by_model_gives_a_row_per_model_in_csv_and_the_table_names_the_method() {
    let openrouter = sample();
    let out =
        run(cli(&openrouter).args(["--date", "2026-11-29", "--by", "model", "-f", "csv"])).ok();
    let (header, rows) = out.csv();
    assert_eq!(
        header,
        [
            "subject",
            "id",
            "actual_usd",
            "remaining_days",
            "p10_usd",
            "p50_usd",
            "p90_usd",
            "method",
            "error",
            "limit_usd",
            "limit_reset",
            "window_p50_usd",
            "limit_reached",
            "limit_reached_on"
        ]
    );
    assert_eq!(rows[0][0], "total");
    let models: std::collections::BTreeSet<String> = account()
        .activity()
        .iter()
        .map(|r| r.model.clone())
        .collect();
    assert_eq!(rows.len(), 1 + models.len());
    let mut sum = 0.0;
    for row in &rows[1..] {
        let actual: f64 = row[2].parse().unwrap();
        assert!(
            close(actual, spend("2026-11-01", "2026-11-29", Some(&row[0]))),
            "{row:?}"
        );
        sum += actual;
    }
    assert!(close(sum, rows[0][2].parse().unwrap()));

    let out = run(cli(&openrouter).args(["--date", "2026-11-29", "-f", "table"])).ok();
    assert!(out.stdout.contains("MONTH-END"), "{}", out.stdout);
    assert!(
        out.stdout.contains(&Method::DEFAULT.name()),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("2026-11: actual to 2026-11-29, 1 day projected")
    );
}

#[test]
fn too_little_history_is_a_reason_not_a_guess() {
    let openrouter = sample();
    // As of the 10th only 10 days of the window precede: the method needs 28.
    let out = run(cli(&openrouter).args(["--date", "2026-11-10", "-f", "json"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let t = total(&out);
    assert!(t["p50_usd"].is_null());
    assert!(t["error"].as_str().unwrap().contains("needs 28"), "{t}");
    assert!(out.stderr.contains("no forecast for the account's total"));
}

#[test]
fn bad_flags_are_usage_errors_before_any_request() {
    for args in [
        &["--month", "2026-13"][..],
        &["--month", "november"],
        &["--date", "2026-12-01"],
        &["--date", "yesterday"],
    ] {
        let out = run(common::cli("http://127.0.0.1:9", KEY)
            .args(["forecast", "--today", TODAY])
            .args(args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.error_line().contains(args[0]), "{}", out.stderr);
    }
}

#[test]
fn a_hostile_server_gets_reasons_and_its_names_are_defused() {
    let openrouter = MockOpenRouter::start();
    let activity = Endpoint::find("analytics", "get_user_activity").unwrap();
    let day = |d: u32| format!("2026-11-{d:02}");
    let mut rows = Vec::new();
    for d in 1..=30 {
        rows.push(openrouter_analytics::types::ActivityItem {
            date: day(d),
            ..activity_row("evil/\u{1b}[31mred<script>", 1.0)
        });
        rows.push(openrouter_analytics::types::ActivityItem {
            date: day(d),
            ..activity_row("=HYPERLINK(\"x\")", if d == 7 { 1e300 } else { 2.0 })
        });
        rows.push(openrouter_analytics::types::ActivityItem {
            date: day(d),
            ..activity_row("refund/model", if d == 3 { -5.0 } else { 1.0 })
        });
    }
    openrouter.replies(activity, (0..3).map(|_| Reply::activity(rows.clone())));
    let base = || {
        let mut cmd = common::cli(&openrouter.base_url(), KEY);
        cmd.args([
            "forecast",
            "--today",
            TODAY,
            "--date",
            "2026-11-29",
            "--by",
            "model",
        ]);
        cmd
    };
    let table = run(base().args(["-f", "table"]));
    assert_eq!(table.code, 1, "{}", table.stderr);
    assert!(!table.stdout.contains('\u{1b}'), "{}", table.stdout);
    assert!(table.stdout.contains("no forecast"), "{}", table.stdout);
    // The well-behaved model still gets its forecast.
    let json = run(base().args(["-f", "json"]));
    let items = json.json()["forecasts"].as_array().unwrap().clone();
    let evil = items
        .iter()
        .find(|i| i["subject"].as_str().unwrap().starts_with("evil/"))
        .unwrap();
    assert!(close(evil["actual_usd"].as_f64().unwrap(), 29.0), "{evil}");
    for name in ["=HYPERLINK(\"x\")", "refund/model", "total"] {
        let item = items.iter().find(|i| i["subject"] == name).unwrap();
        assert!(item["p50_usd"].is_null(), "{item}");
        assert!(
            item["error"]
                .as_str()
                .unwrap()
                .contains("not a plausible amount"),
            "{item}"
        );
    }
    let csv = run(base().args(["-f", "csv"]));
    let (_, rows) = csv.csv();
    assert!(rows.iter().all(|r| !r[0].starts_with('=')), "{rows:?}");
}

#[test]
fn by_key_projects_each_keys_month_and_when_its_limit_is_reached() {
    let openrouter = sample();
    let out =
        run(cli(&openrouter).args(["--date", "2026-11-29", "--by", "key", "-f", "json"])).ok();
    let items = out.json()["forecasts"].as_array().unwrap().clone();
    let account = account();
    // Every enabled key the API lists (the mock leaves out expired ones) has a row.
    let keys: Vec<_> = account
        .keys()
        .iter()
        .filter(|k| !k.disabled && items.iter().any(|i| i["key_hash"] == k.hash.as_str()))
        .collect();
    assert_eq!(items.len(), 1 + keys.len());
    assert!(keys.len() >= 4, "{items:?}");
    let mut resets = std::collections::BTreeSet::new();
    for key in keys {
        let item = items
            .iter()
            .find(|i| i["key_hash"] == key.hash.as_str())
            .unwrap();
        assert_eq!(item["subject"], key.name.as_str());
        let byok = key.include_byok_in_limit;
        let month: f64 = account
            .activity_of_key(&key.hash)
            .filter(|r| r.date.as_str() >= "2026-11-01" && r.date.as_str() <= "2026-11-29")
            .map(|r| r.usage + if byok { r.byok_usage_inference } else { 0.0 })
            .sum();
        if item["error"].is_null() {
            assert!(close(item["actual_usd"].as_f64().unwrap(), month), "{item}");
        }
        let Some(limit) = key.limit else {
            assert!(item["limit"].is_null(), "{item}");
            continue;
        };
        let l = &item["limit"];
        assert_eq!(l["usd"].as_f64().unwrap(), limit, "{item}");
        let reset = l["reset"].as_str().unwrap().to_string();
        let w = &l["window"];
        let (start, end) = match reset.as_str() {
            "monthly" => ("2026-11-01", "2026-11-30"),
            // The window holding the first projected day, Monday 2026-11-30.
            "weekly" => ("2026-11-30", "2026-12-06"),
            "daily" => ("2026-11-30", "2026-11-30"),
            _ => {
                assert!(w.is_null(), "{item}");
                continue;
            }
        };
        resets.insert(reset.clone());
        assert_eq!(
            (w["start"].as_str().unwrap(), w["end"].as_str().unwrap()),
            (start, end)
        );
        let (actual, p50) = (
            w["actual_usd"].as_f64().unwrap(),
            w["p50_usd"].as_f64().unwrap(),
        );
        match w["reached"].as_str().unwrap() {
            "reached" => assert!(actual >= limit, "{item}"),
            "projected" => {
                assert!(actual < limit && p50 >= limit, "{item}");
                let on = w["reached_on"].as_str().unwrap();
                assert!(on > "2026-11-29" && on <= end, "{item}");
            }
            "not-this-window" => assert!(p50 < limit, "{item}"),
            other => panic!("{other}"),
        }
    }
    assert_eq!(
        resets.len(),
        3,
        "daily, weekly and monthly limits are all tried"
    );

    let table =
        run(cli(&openrouter).args(["--date", "2026-11-29", "--by", "key", "-f", "table"])).ok();
    assert!(table.stdout.contains("LIMIT REACHED"), "{}", table.stdout);
}

#[test]
fn by_workspace_gives_a_row_per_workspace_named_when_known() {
    let openrouter = sample();
    let out =
        run(cli(&openrouter).args(["--date", "2026-11-29", "--by", "workspace", "-f", "json"]))
            .ok();
    let items = out.json()["forecasts"].as_array().unwrap().clone();
    let account = account();
    let ids: std::collections::BTreeSet<String> = account
        .activity()
        .iter()
        .map(|r| r.workspace_id.clone().unwrap_or_default())
        .collect();
    assert_eq!(items.len(), 1 + ids.len(), "{items:?}");
    let mut sum = 0.0;
    for item in &items[1..] {
        let id = item["workspace_id"].as_str().unwrap();
        let month: f64 = account
            .activity()
            .iter()
            .filter(|r| r.workspace_id.as_deref() == Some(id))
            .filter(|r| r.date.as_str() >= "2026-11-01" && r.date.as_str() <= "2026-11-29")
            .map(|r| r.usage)
            .sum();
        let actual = item["actual_usd"].as_f64().unwrap();
        assert!(close(actual, month), "{item}");
        assert_ne!(item["subject"], id, "named: {item}");
        sum += actual;
    }
    assert!(close(sum, items[0]["actual_usd"].as_f64().unwrap()));
}

/// A SQLite store synced twice a month apart from the sample account: 2026-10-27 to
/// 2026-12-25.
fn two_month_store(dir: &tempfile::TempDir) -> String {
    let db = format!("sqlite:{}", dir.path().join("h.db").display());
    for today in ["2026-11-26", "2026-12-26"] {
        let openrouter = MockOpenRouter::start();
        let _s =
            openrouter.sample_account_from(SampleAccount::new().with_today(today.parse().unwrap()));
        run(common::cli(&openrouter.base_url(), KEY).args(["sync", "--today", today, "--db", &db]))
            .ok();
    }
    db
}

#[test]
fn the_store_gives_history_the_live_window_does_not_have_and_needs_no_network() {
    let dir = tempfile::tempdir().unwrap();
    let db = two_month_store(&dir);
    // Nothing listens on port 9: the store alone answers.
    let offline = || {
        let mut cmd = common::cli("http://127.0.0.1:9", KEY);
        cmd.args(["forecast", "--today", "2026-12-26", "--db", &db]);
        cmd
    };
    let out = run(offline().args(["--date", "2026-12-10", "--by", "model", "-f", "json"])).ok();
    assert_eq!(out.json()["source"], "store");
    let december = SampleAccount::new().with_today("2026-12-26".parse().unwrap());
    let spend: f64 = december
        .activity()
        .iter()
        .filter(|r| r.date.as_str() >= "2026-12-01" && r.date.as_str() <= "2026-12-10")
        .map(|r| r.usage)
        .sum();
    let items = out.json()["forecasts"].as_array().unwrap().clone();
    assert!(
        close(items[0]["actual_usd"].as_f64().unwrap(), spend),
        "{}",
        items[0]
    );
    assert_eq!(items[0]["remaining_days"], 21);
    assert!(items[0]["p50_usd"].as_f64().unwrap() > spend);
    let models: f64 = items[1..]
        .iter()
        .map(|i| i["actual_usd"].as_f64().unwrap())
        .sum();
    assert!(close(models, spend));

    // The same day from the live window: 28 days before it are not in it.
    let openrouter = MockOpenRouter::start();
    openrouter.sample_account_from(december);
    let live = run(common::cli(&openrouter.base_url(), KEY).args([
        "forecast",
        "--today",
        "2026-12-26",
        "--date",
        "2026-12-10",
        "-f",
        "json",
    ]));
    assert_eq!(live.code, 1, "{}", live.stderr);
    assert_eq!(live.json()["source"], "activity-30d");

    // A day the store has no data for is a reason, not a forecast of zero.
    let gap = run(common::cli("http://127.0.0.1:9", KEY).args([
        "forecast",
        "--today",
        "2027-01-02",
        "--date",
        "2026-12-30",
        "--db",
        &db,
        "-f",
        "json",
    ]));
    assert_eq!(gap.code, 1, "{}", gap.stderr);
    assert!(
        gap.json()["forecasts"][0]["error"]
            .as_str()
            .unwrap()
            .contains("no data for 2026-12-30"),
        "{}",
        gap.stdout
    );
    // Workspaces were not synced split: a reason too.
    let ws = run(offline().args(["--date", "2026-12-10", "--by", "workspace", "-f", "json"]));
    assert_eq!(ws.code, 1, "{}", ws.stderr);
}
