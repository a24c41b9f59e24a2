//! `openrouter report` end to end: the built binary against a local mock server
//! (127.0.0.1 only) with a realistic account (a dozen models, several providers, 30
//! days, a few keys), and the page it writes rendered in headless Chromium.
//!
//! The figures on the page are compared with what `openrouter activity --by ...`
//! prints for the same data; the page is checked to load nothing and to hold no key.
//!
//! The screenshot in the README and docs/cli.md comes from the browser test:
//! `REPORT_SCREENSHOT=docs/report.png cargo test -p openrouter-analytics-cli --test report`
//! (from the repository root) writes it again.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use httpmock::prelude::*;
use serde_json::{Value, json};

const KEY: &str = "sk-or-v1-report-test-secret-0123456789";

mod common;

use common::{Run, run};

/// The binary pointed at `server`, with the test key in the environment and fast,
/// few retries.
fn cli(server: &MockServer) -> Command {
    let mut cmd = common::cli(&server.base_url(), KEY);
    cmd.args(["--retry-max-attempts", "2"]);
    cmd
}

/// A fresh directory under the system's temporary one, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "openrouter-report-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---------------------------------------------------------------- the sample account

/// A deterministic pseudo-random sequence (a 64-bit LCG): the same account every run.
struct Lcg(u64);

impl Lcg {
    /// A number in [0, 1).
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Model, its providers with their share of the traffic, requests on an average day,
/// dollars per request, prompt and completion tokens per request, reasoning share.
type ModelSpec = (
    &'static str,
    &'static [(&'static str, f64)],
    f64,
    f64,
    i64,
    i64,
    f64,
);

const MODELS: [ModelSpec; 12] = [
    (
        "anthropic/claude-sonnet-4",
        &[
            ("Anthropic", 0.6),
            ("Google Vertex", 0.25),
            ("Amazon Bedrock", 0.15),
        ],
        420.0,
        0.0121,
        2400,
        610,
        0.0,
    ),
    (
        "openai/gpt-4o",
        &[("OpenAI", 0.7), ("Azure", 0.3)],
        650.0,
        0.0063,
        1800,
        420,
        0.0,
    ),
    (
        "google/gemini-2.5-pro",
        &[("Google AI Studio", 0.55), ("Google Vertex", 0.45)],
        230.0,
        0.0094,
        3100,
        900,
        0.35,
    ),
    ("x-ai/grok-3", &[("xAI", 1.0)], 80.0, 0.0138, 2100, 700, 0.0),
    (
        "deepseek/deepseek-r1",
        &[("DeepSeek", 0.5), ("Together", 0.3), ("Fireworks", 0.2)],
        310.0,
        0.0031,
        1500,
        1900,
        0.6,
    ),
    (
        "openai/o3-mini",
        &[("OpenAI", 1.0)],
        260.0,
        0.0044,
        1200,
        1500,
        0.7,
    ),
    (
        "mistralai/mistral-large",
        &[("Mistral", 1.0)],
        140.0,
        0.0042,
        1600,
        380,
        0.0,
    ),
    (
        "anthropic/claude-3.5-haiku",
        &[("Anthropic", 0.8), ("Amazon Bedrock", 0.2)],
        900.0,
        0.0019,
        1100,
        260,
        0.0,
    ),
    (
        "google/gemini-2.5-flash",
        &[("Google AI Studio", 1.0)],
        2600.0,
        0.00041,
        1300,
        300,
        0.1,
    ),
    (
        "meta-llama/llama-3.3-70b-instruct",
        &[("Groq", 0.5), ("Together", 0.3), ("DeepInfra", 0.2)],
        1200.0,
        0.00058,
        900,
        240,
        0.0,
    ),
    (
        "openai/gpt-4o-mini",
        &[("OpenAI", 1.0)],
        3100.0,
        0.00021,
        800,
        180,
        0.0,
    ),
    (
        "qwen/qwen-2.5-72b-instruct",
        &[("DeepInfra", 0.6), ("Together", 0.4)],
        500.0,
        0.00052,
        1000,
        220,
        0.0,
    ),
];

/// The 30 UTC days of the sample.
fn days() -> Vec<String> {
    (0..30)
        .map(|i| {
            let (month, day) = if i < 20 { (10, 12 + i) } else { (11, i - 19) };
            format!("2026-{month:02}-{day:02}")
        })
        .collect()
}

/// Thirty days of activity: weekday peaks, a slow ramp, noise, and one model that
/// starts halfway through.
fn sample_activity() -> Value {
    let mut rng = Lcg(7);
    let mut rows = Vec::new();
    for (d, date) in days().iter().enumerate() {
        let weekday = [1.0, 1.08, 1.1, 1.05, 0.95, 0.55, 0.5][d % 7];
        let ramp = 0.8 + 0.4 * d as f64 / 29.0;
        for (m, &(model, providers, daily, price, prompt, completion, reasoning)) in
            MODELS.iter().enumerate()
        {
            if m == 3 && d < 14 {
                continue; // grok-3 was tried from the third week on
            }
            for &(provider, share) in providers {
                let noise = 0.8 + 0.4 * rng.next();
                let requests = (daily * share * weekday * ramp * noise).round() as i64;
                if requests == 0 {
                    continue;
                }
                let usage =
                    (requests as f64 * price * (0.9 + 0.2 * rng.next()) * 1e6).round() / 1e6;
                let completion_tokens = requests * completion;
                rows.push(json!({
                    "date": date,
                    "model": model,
                    "model_permaslug": format!("{model}-2026-05-01"),
                    "endpoint_id": format!("ep-{m}-{provider}"),
                    "provider_name": provider,
                    "usage": usage,
                    "byok_usage_inference": 0.0,
                    "requests": requests,
                    "prompt_tokens": requests * prompt,
                    "completion_tokens": completion_tokens,
                    "reasoning_tokens": (completion_tokens as f64 * reasoning).round() as i64,
                    "cached_tokens": requests * prompt * (m as i64 % 4) / 10
                }));
            }
        }
    }
    json!({ "data": rows })
}

fn key(
    name: &str,
    hash: &str,
    day: f64,
    week: f64,
    month: f64,
    all: f64,
    limit: Option<f64>,
) -> Value {
    json!({
        "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_monthly": 0.0,
        "byok_usage_weekly": 0.0, "created_at": "2026-03-01T09:00:00Z",
        "creator_user_id": "user_1", "disabled": name.contains("legacy"),
        "external_user": null, "hash": hash, "include_byok_in_limit": false,
        "label": "sk-or-v1-a1b...9f0", "last_used_at": "2026-11-10T23:59:00Z",
        "limit": limit, "limit_remaining": limit.map(|l| (l - month).max(0.0)),
        "limit_reset": limit.map(|_| "monthly"), "name": name,
        "updated_at": null, "usage": all, "usage_daily": day, "usage_monthly": month,
        "usage_weekly": week, "workspace_id": "ws_default"
    })
}

/// Five keys, one with markup, one with emoji and one with CJK in its name.
fn sample_keys() -> Value {
    json!({ "data": [
        key("production", "9f86d081884c7d659a2feaa0c55ad015", 21.43, 131.2, 402.77, 2911.5, Some(1000.0)),
        key("staging", "3e23e8160039594a33894f6564e1b134", 3.12, 18.9, 61.04, 388.21, Some(150.0)),
        key("ci-bot 🤖", "2c26b46b68ffc68ff99b453c1d304134", 0.87, 5.02, 19.66, 97.4, None),
        key("数据管道 (data pipeline)", "fcde2b2edba56bf408601fb721fe9b5c", 4.05, 22.7, 70.3, 210.0, Some(200.0)),
        key("<legacy> & \"old\" key", "b5bb9d8014a0f9b1d61e21e796d78dcc", 0.0, 0.0, 0.0, 55.5, None),
    ]})
}

fn sample_credits() -> Value {
    json!({ "data": { "total_credits": 5000.0, "total_usage": 3662.61 } })
}

/// A mock OpenRouter serving the sample account. The keys list has one page: any
/// later offset is empty.
fn sample_server() -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/activity");
        then.status(200).json_body(sample_activity());
    });
    server.mock(|when, then| {
        when.method(GET).path("/credits");
        then.status(200).json_body(sample_credits());
    });
    mock_keys(&server, 200, sample_keys());
    server
}

fn mock_keys(server: &MockServer, status: u16, body: Value) {
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param_missing("offset");
        then.status(status).json_body(body);
    });
    server.mock(|when, then| {
        when.method(GET).path("/keys").query_param_exists("offset");
        then.status(200).json_body(json!({ "data": [] }));
    });
}

/// Writes the sample report into `dir` and returns the file and the run.
fn write_report(server: &MockServer, dir: &TempDir) -> (PathBuf, String, Run) {
    let file = dir.path("report.html");
    let out = run(cli(server).args(["report", "-o"]).arg(&file)).ok();
    let html = std::fs::read_to_string(&file).expect("the report was written");
    (file, html, out)
}

// ---------------------------------------------------------------- figures

/// The rows of a table printed by `activity --by ...`: cells split on runs of two or
/// more spaces (names in the sample have at most single spaces).
fn table_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .filter(|line| !line.starts_with('-'))
        .map(|line| {
            line.split("  ")
                .map(str::trim)
                .filter(|cell| !cell.is_empty())
                .map(String::from)
                .collect()
        })
        .collect()
}

fn activity_table(server: &MockServer, by: &str) -> Vec<Vec<String>> {
    let out = run(cli(server).args(["activity", "--by", by, "-f", "table"])).ok();
    table_rows(&out.stdout)
}

/// `<tr><td>NAME</td><td class="num">...</td>...</tr>` as the page writes a row.
fn html_row(cells: &[String]) -> String {
    let mut row = String::from("<tr>");
    for (i, cell) in cells.iter().enumerate() {
        if i == 0 {
            row.push_str(&format!("<td>{cell}</td>"));
        } else {
            row.push_str(&format!("<td class=\"num\">{cell}</td>"));
        }
    }
    row.push_str("</tr>");
    row
}

#[test]
fn the_page_shows_what_activity_by_model_provider_and_date_print_to_the_cent() {
    let server = sample_server();
    let dir = TempDir::new();
    let (file, html, out) = write_report(&server, &dir);

    let by_model = activity_table(&server, "model");
    assert_eq!(by_model.len(), 13, "12 models and the total");
    let total = by_model.last().expect("total row");
    assert_eq!(total[0], "TOTAL");
    let (requests, cost) = (&total[1], &total[6]);
    assert!(cost.starts_with('$'), "{total:?}");
    assert!(
        html.contains(&format!("id=\"total-spend\">{cost}<")),
        "spend {cost}"
    );
    assert!(html.contains(&format!("id=\"total-requests\">{requests}<")));
    for row in &by_model[..12] {
        assert!(html.contains(&html_row(row)), "model row {row:?}");
    }
    let total_row = html_row(total).replace("<tr>", "<tr class=\"total\">");
    assert!(html.contains(&total_row), "{total_row}");

    for row in activity_table(&server, "provider")
        .iter()
        .filter(|r| r[0] != "TOTAL")
    {
        // Spend and share at the end of each provider's bar.
        let text = format!(">{} · {}<", row[6], row[7]);
        assert!(html.contains(&text), "provider {row:?}: {text}");
    }
    let by_date = activity_table(&server, "date");
    assert_eq!(by_date.len(), 31);
    for row in &by_date[..30] {
        assert!(html.contains(&html_row(&row[..7])), "day {row:?}");
        // The day's stacked bar has the day's total as its tooltip.
        assert!(html.contains(&format!("<title>{}: {}</title>", row[0], row[6])));
    }

    // The other sections, from the keys list and credits.
    assert!(html.contains("id=\"credits-balance\">$1,337.39<"));
    assert!(html.contains("id=\"credits-total\">$5,000.00<"));
    assert!(html.contains("<td>production</td>"));
    assert!(html.contains("<td>数据管道 (data pipeline)</td>"));
    assert!(html.contains("<td>ci-bot 🤖</td>"));
    assert!(html.contains("&lt;legacy&gt; &amp; &quot;old&quot; key"));
    // The per-key table: money to the cent, as `keys list` prints it.
    assert!(html.contains("$1,000.00<") && html.contains("$597.23<"));
    // Daily spend: eight models in colour and "other" for the four cheapest.
    assert!(
        html.contains("<li><span class=\"swatch\" style=\"background:#B0B0B0\"></span>other</li>")
    );
    assert!(html.contains("the 4 others together"));

    // stderr: where the page went, then the totals in one line.
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stderr);
    assert_eq!(lines[0], format!("report written to {}", file.display()));
    assert!(
        lines[1].starts_with("2026-10-12 to 2026-11-10 (UTC): "),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains(&format!("{cost} spent, {requests} requests")),
        "{}",
        lines[1]
    );
    assert!(out.stdout.is_empty());
}

/// The whole path: `openrouter report` against the sample account that
/// `openrouter-mock` serves writes every section, and its figures are what `activity
/// --by model` and `keys list` print for that account, to the cent.
#[test]
fn the_report_of_the_sample_account_has_every_section_and_the_clis_figures() {
    let openrouter = openrouter_analytics_mock::MockOpenRouter::start();
    openrouter.sample_account();
    let server = openrouter.server();
    let dir = TempDir::new();
    let (_, html, out) = write_report(server, &dir);
    for id in [
        "totals",
        "credits",
        "daily-spend",
        "forecast",
        "providers",
        "tokens",
        "models",
        "keys",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{id}\">")),
            "no {id} section"
        );
    }
    assert!(!html.contains("could not"), "a section was refused");
    assert!(html.matches("<svg").count() >= 3, "three charts");

    // Every model row and the total, as `activity --by model` prints them.
    let models = activity_table(server, "model");
    assert!(models.len() >= 12, "{models:?}");
    for row in &models {
        let mut on_page = html_row(row);
        if row[0] == "TOTAL" {
            on_page = on_page.replace("<tr>", "<tr class=\"total\">");
        }
        assert!(html.contains(&on_page), "row {row:?} is not on the page");
    }
    let total = models.last().expect("a TOTAL row");
    assert!(
        out.stderr.contains(&total[6]),
        "stderr totals: {}",
        out.stderr
    );

    // The per-key table's totals, as `keys list` prints them.
    let keys = run(cli(server).args(["keys", "list", "-f", "table"])).ok();
    let totals = table_rows(&keys.stdout)
        .into_iter()
        .find(|row| row.first().map(String::as_str) == Some("TOTAL"))
        .expect("keys list prints a TOTAL row");
    for spend in &totals[1..] {
        assert!(html.contains(spend.as_str()), "{spend} is not on the page");
    }
    let credits = run(cli(server).args(["credits", "-f", "csv"])).ok();
    let balance = credits
        .stdout
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').nth(2))
        .expect("balance");
    assert!(
        html.contains("$1,014.30") && balance.starts_with("1014.3"),
        "{balance}"
    );
}

#[test]
fn the_page_loads_nothing_and_never_holds_the_key() {
    let server = sample_server();
    let out = run(cli(&server).args(["report", "-o", "-"])).ok();
    let html = &out.stdout;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.ends_with("</html>\n"));
    assert!(!html.contains(KEY));
    for external in [
        "http://", "https://", "//", "src=", "href=", "<script", "<link", "<img", "<iframe",
        "@import", "url(",
    ] {
        // `//` would be a protocol-relative URL; the page has no comment of that form.
        assert!(!html.contains(external), "{external} in the page");
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    // Daily spend, forecast, providers, tokens.
    assert_eq!(html.matches("<svg ").count(), 4);
    assert!(
        out.stderr.starts_with("report written to stdout\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_default_file_is_written_in_the_current_directory() {
    let server = sample_server();
    let dir = TempDir::new();
    run(cli(&server).arg("report").current_dir(&dir.0)).ok();
    let html = std::fs::read_to_string(dir.path("openrouter-report.html")).expect("default file");
    assert!(html.contains("Daily spend by model"));
}

#[test]
fn refused_credits_and_keys_are_said_in_their_place_and_the_report_succeeds() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/activity");
        then.status(200).json_body(sample_activity());
    });
    // The server even echoes the key: it must not reach the page.
    server.mock(|when, then| {
        when.method(GET).path("/credits");
        then.status(403).json_body(json!({ "error": {
            "code": 403, "message": format!("key {KEY} may not read credits")
        }}));
    });
    mock_keys(
        &server,
        500,
        json!({ "error": { "code": 500, "message": "keys are down" } }),
    );
    let dir = TempDir::new();
    let (_, html, _) = write_report(&server, &dir);
    assert!(!html.contains(KEY));
    let credits = section(&html, "credits");
    assert!(
        credits.contains("<p class=\"refused\">Credits are not shown:"),
        "{credits}"
    );
    assert!(credits.contains("403"), "{credits}");
    assert!(credits.contains("&lt;redacted&gt;"), "{credits}");
    assert!(credits.contains("They need a management key."), "{credits}");
    let keys = section(&html, "keys");
    assert!(keys.contains("The per-key spend is not shown:"), "{keys}");
    assert!(
        keys.contains("500") && keys.contains("keys are down"),
        "{keys}"
    );
    // The activity sections are all there.
    assert!(html.contains("id=\"total-spend\">$"));
    // Daily spend, forecast, providers, tokens.
    assert_eq!(html.matches("<svg ").count(), 4);
}

/// The text of `<section id="ID">` up to its end.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("section {id}"));
    let end = html[start..].find("</section>").expect("section end");
    &html[start..start + end]
}

#[test]
fn an_activity_failure_fails_the_report_and_writes_nothing() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/activity");
        then.status(403).json_body(json!({ "error": {
            "code": 403, "message": "Only management keys can perform this operation"
        }}));
    });
    let dir = TempDir::new();
    let file = dir.path("report.html");
    let out = run(cli(&server).args(["report", "-o"]).arg(&file));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(out.stderr.contains("management key"), "{}", out.stderr);
    assert!(!file.exists());

    let out = run(cli(&server).args(["report", "--date", "yesterday"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn filters_are_sent_as_activity_sends_them_and_shown_on_the_page() {
    let server = MockServer::start();
    let activity = server.mock(|when, then| {
        when.method(GET)
            .path("/activity")
            .query_param("date", "2026-11-01")
            .query_param("user_id", "user_42");
        then.status(200).json_body(json!({ "data": [] }));
    });
    server.mock(|when, then| {
        when.method(GET).path("/credits");
        then.status(200).json_body(sample_credits());
    });
    mock_keys(&server, 200, json!({ "data": [] }));
    let out = run(cli(&server).args([
        "report",
        "-o",
        "-",
        "--date",
        "2026-11-01",
        "--user-id",
        "user_42",
    ]))
    .ok();
    activity.assert();
    assert!(out.stdout.contains("only date 2026-11-01, user user_42"));
    assert!(out.stdout.contains("id=\"total-spend\">$0.00<"));
    assert!(out.stdout.contains("The account has no API keys."));
    assert!(
        out.stderr
            .contains("no activity: $0.00 spent, 0 requests, 0 tokens"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------- in a browser

/// The Chromium to render with: `$CHROMIUM`, else the first of the usual names on PATH.
fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| {
            ["chromium", "chromium-browser", "google-chrome"].map(|name| dir.join(name))
        })
        .find(|candidate| candidate.is_file())
}

/// CI sets `CI=true`: there a missing browser is a failure, not a skip.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// What a Chromium run printed.
struct Browser {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs headless Chromium on `page` with `args`, killed if it takes over two minutes.
/// Its output goes to files rather than pipes: `--dump-dom` prints more than a pipe
/// holds, and nothing reads the pipe while this waits.
fn chromium(browser: &Path, dir: &TempDir, args: &[String], page: &Path) -> Browser {
    let (out_path, err_path) = (dir.path("chromium.out"), dir.path("chromium.err"));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(format!("--user-data-dir={}", dir.path("profile").display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        match child.try_wait().expect("wait for chromium") {
            Some(status) => break status,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "chromium did not finish within two minutes: {}",
                    std::fs::read_to_string(&err_path).unwrap_or_default()
                );
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    let read = |path: &Path| {
        String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned()
    };
    Browser {
        success: status.success(),
        stdout: read(&out_path),
        stderr: read(&err_path),
    }
}

#[test]
fn the_page_renders_in_headless_chromium() {
    let Some(browser) = find_chromium() else {
        assert!(
            !in_ci(),
            "chromium is not installed: CI must render the report in a browser \
             (.ci/run installs Debian's chromium package)"
        );
        eprintln!(
            "\n!!! SKIPPED the_page_renders_in_headless_chromium: no chromium on PATH \
             (apt-get install chromium, or set CHROMIUM=/path/to/chrome) !!!\n"
        );
        return;
    };
    let server = sample_server();
    let dir = TempDir::new();
    let (file, _, _) = write_report(&server, &dir);
    let file = file.canonicalize().expect("absolute path");

    // The DOM after parsing and layout: the charts survived, sized as written.
    let dom = chromium(&browser, &dir, &["--dump-dom".into()], &file);
    let dom_text = &dom.stdout;
    assert!(
        dom.success && dom_text.contains("</html>"),
        "chromium --dump-dom failed: {}",
        dom.stderr
    );
    for (id, height) in [
        ("chart-daily-spend", "400"),
        ("chart-providers", ""),
        ("chart-tokens", "360"),
    ] {
        let start = dom_text
            .find(&format!("<svg id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} not in the rendered DOM"));
        let tag = &dom_text[start..start + dom_text[start..].find('>').expect("tag end")];
        assert!(tag.contains("width=\"960\""), "{tag}");
        assert!(tag.contains(&format!("height=\"{height}")), "{tag}");
    }
    assert!(
        dom_text.matches("<rect ").count() > 200,
        "the bars are in the DOM"
    );
    assert!(dom_text.contains("Daily spend by model"));

    // A screenshot: the right size, and not blank (many colours, the palette's among them).
    let shot = dir.path("shot.png");
    let (width, height) = (1280, 2000);
    let args = [
        format!("--screenshot={}", shot.display()),
        format!("--window-size={width},{height}"),
    ];
    let result = chromium(&browser, &dir, &args, &file);
    assert!(
        shot.is_file(),
        "chromium wrote no screenshot: {}",
        result.stderr
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&shot).expect("open the screenshot"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut pixels).expect("decode");
    assert_eq!((info.width, info.height), (width, height));
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{:?}", info.color_type);
    let rgb: Vec<[u8; 3]> = pixels[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    let distinct: std::collections::BTreeSet<[u8; 3]> = rgb.iter().copied().collect();
    assert!(
        distinct.len() > 50,
        "{} colours: a blank page?",
        distinct.len()
    );
    let near = |target: [u8; 3]| {
        rgb.iter()
            .filter(|p| p.iter().zip(target).all(|(a, b)| a.abs_diff(b) <= 10))
            .count()
    };
    // Bars of the top two models (Okabe-Ito orange and sky blue).
    assert!(near([0xE6, 0x9F, 0x00]) > 500, "no orange bars drawn");
    assert!(near([0x56, 0xB4, 0xE9]) > 500, "no sky-blue bars drawn");

    if let Some(target) = std::env::var_os("REPORT_SCREENSHOT") {
        // Run from the crate directory by cargo: a relative target is from the root.
        let target = PathBuf::from(target);
        let target = if target.is_relative() {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(target)
        } else {
            target
        };
        std::fs::copy(&shot, &target).expect("copy the screenshot");
        eprintln!("screenshot written to {}", target.display());
    }
}
