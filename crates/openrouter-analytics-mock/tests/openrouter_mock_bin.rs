//! The `openrouter-mock` binary: started on a free port, called with the client and
//! without a key, then stopped. It lives in this crate's tests because Cargo gives the
//! path of a binary only to its own package's tests.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use openrouter_analytics::chrono::{Duration, NaiveDate, Utc};
use openrouter_analytics::{Client, ErrorKind};

/// Kills the server when the test ends, passed or not.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Started as of the sample's usual day, so answers do not depend on the clock.
fn start() -> (Server, String) {
    start_with(&["--today", USUAL_TODAY])
}

/// The day after [`openrouter_analytics_mock::SAMPLE_LAST_DAY`]: `--today` that leaves
/// the sample's dates as they are.
const USUAL_TODAY: &str = "2026-11-26";

fn start_with(extra: &[&str]) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_openrouter-mock"))
        .args(["--port", "0", "--page-size", "2"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the URL line");
    let url = line
        .trim()
        .strip_prefix("OPENROUTER_BASE_URL=")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    (server, url)
}

#[tokio::test]
async fn serves_the_sample_account_and_refuses_requests_without_a_key() {
    let (_server, url) = start();

    let client = Client::builder()
        .api_key("sk-or-v1-binary-test")
        .base_url(&url)
        .build()
        .expect("client");
    let credits = client.credits().get_credits().send().await.expect("200");
    assert_eq!(credits.data.total_credits, 15_000.0);
    let keys = client.api_keys().list().send().await.expect("200");
    assert_eq!(keys.data.len(), 2, "--page-size 2");
    let workspace = client
        .workspaces()
        .get()
        .id("sandbox")
        .send()
        .await
        .expect("200");
    assert_eq!(workspace.data.name, "Sandbox");

    // The real API's prefix works too.
    let prefixed = Client::builder()
        .api_key("sk-or-v1-binary-test")
        .base_url(format!("{url}/api/v1"))
        .build()
        .expect("client");
    let missing = prefixed
        .generations()
        .get_generation()
        .id("gen-none")
        .send()
        .await
        .expect_err("404");
    assert_eq!(missing.kind(), ErrorKind::NotFound);

    let http = openrouter_analytics::reqwest::Client::new();
    let response = http
        .get(format!("{url}/api/v1/credits"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 401);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(
        body,
        serde_json::json!({"error": {"code": 401, "message": "No auth credentials found"}})
    );
}

/// Every operation of the spec, called by name through the client (so decoded by its
/// generated response type) against the binary with the sample's example request.
#[tokio::test]
async fn every_operation_answers_through_the_binary() {
    let (_server, url) = start();
    let client = Client::builder()
        .api_key("sk-or-v1-binary-test")
        .base_url(&url)
        .build()
        .expect("client");
    let account = openrouter_analytics_mock::SampleAccount::new();
    for op in openrouter_analytics::operations() {
        let example = account
            .example_call(op.operation_id)
            .unwrap_or_else(|| panic!("{}: the sample has no example call", op.operation_id));
        let mut call = client
            .operation(op.group, op.method)
            .expect("a listed operation");
        for (name, value) in example.args {
            call = call.arg(name, value);
        }
        if let Some(body) = example.body {
            call = call.body_json(body);
        }
        call.send()
            .await
            .unwrap_or_else(|err| panic!("{}.{}: {err}", op.group, op.method));
    }
}

#[test]
fn help_names_the_options_and_bad_options_are_usage_errors() {
    let help = Command::new(env!("CARGO_BIN_EXE_openrouter-mock"))
        .arg("--help")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(help.status.success());
    for needle in ["--port", "--page-size", "/api/v1", "OPENROUTER_BASE_URL"] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_openrouter-mock"))
        .args(["--port", "http"])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
}

#[tokio::test]
async fn today_moves_the_activity_window() {
    let (_server, url) = start_with(&["--today", "2027-01-15"]);
    let client = Client::builder()
        .api_key("sk-or-v1-binary-test")
        .base_url(&url)
        .build()
        .expect("client");
    let activity = client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("200");
    let first = activity.data.iter().map(|r| r.date.as_str()).min();
    let last = activity.data.iter().map(|r| r.date.as_str()).max();
    assert_eq!((first, last), (Some("2026-12-16"), Some("2027-01-14")));
    // A day of the moved window is accepted; one of the usual window is not.
    let day = client
        .analytics()
        .get_user_activity()
        .date("2027-01-14")
        .send()
        .await;
    assert!(!day.expect("in the window").data.is_empty());
    let old = client
        .analytics()
        .get_user_activity()
        .date("2026-11-01")
        .send()
        .await;
    assert!(old.is_err());

    let bad = Command::new(env!("CARGO_BIN_EXE_openrouter-mock"))
        .args(["--today", "tomorrow"])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn usual_today_is_the_day_after_the_sample() {
    let last: NaiveDate = openrouter_analytics_mock::SAMPLE_LAST_DAY
        .parse()
        .expect("a date");
    assert_eq!((last + Duration::days(1)).to_string(), USUAL_TODAY);
}

/// Without `--today` the account is dated today (UTC): its last day of activity is
/// yesterday, so a newcomer sees a runway and recent spend.
#[tokio::test]
async fn without_today_the_last_day_is_yesterday() {
    // Read the clock before and after so a run across midnight still passes.
    let before = Utc::now().date_naive();
    let (_server, url) = start_with(&[]);
    let client = Client::builder()
        .api_key("sk-or-v1-binary-test")
        .base_url(&url)
        .build()
        .expect("client");
    let activity = client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("200");
    let after = Utc::now().date_naive();
    let last = activity
        .data
        .iter()
        .map(|r| r.date.clone())
        .max()
        .expect("some activity");
    let yesterdays = [before, after].map(|day| (day - Duration::days(1)).to_string());
    assert!(
        yesterdays.contains(&last),
        "last day {last}, expected one of {yesterdays:?}"
    );
}

/// `openrouter-mock run COMMAND` with `bash`'s `/dev/tcp` as the command's HTTP client:
/// the command finds the mock through the environment, with the mock's key and never the
/// caller's, its stdout is its own, and its exit code is the mock's.
#[test]
fn run_serves_a_command_and_passes_its_exit_code_on() {
    const REAL_KEY: &str = "sk-or-v1-the-callers-real-key";
    let script = r#"
        hostport=${OPENROUTER_BASE_URL#http://}
        exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}"
        printf 'GET /credits HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$OPENROUTER_API_KEY" >&3
        echo "key=$OPENROUTER_API_KEY"
        cat <&3
        exit 7
    "#;
    let out = Command::new(env!("CARGO_BIN_EXE_openrouter-mock"))
        .env("OPENROUTER_API_KEY", REAL_KEY)
        .args(["--today", USUAL_TODAY, "run", "bash", "-c", script])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stdout}\n{stderr}");
    assert!(stdout.starts_with("key=sk-or-v1-mock\n"), "{stdout}");
    assert!(stdout.contains(" 200 OK"), "{stdout}");
    assert!(stdout.contains("\"total_credits\""), "{stdout}");
    // The URL line went to stderr, and requests were not logged between the lines.
    assert!(!stdout.contains("OPENROUTER_BASE_URL="), "{stdout}");
    assert!(
        stderr.contains("OPENROUTER_BASE_URL=http://127.0.0.1:"),
        "{stderr}"
    );
    assert!(!stderr.contains("GET /credits"), "{stderr}");
    assert!(!stderr.contains(REAL_KEY) && !stdout.contains(REAL_KEY));
}

#[test]
fn run_without_a_command_or_with_a_missing_one_fails_plainly() {
    let none = Command::new(env!("CARGO_BIN_EXE_openrouter-mock"))
        .arg("run")
        .output()
        .expect("runs");
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("run needs a command"));
    let missing = Command::new(env!("CARGO_BIN_EXE_openrouter-mock"))
        .args(["run", "/nonexistent/openrouter-no-such-command"])
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("cannot run"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
}
