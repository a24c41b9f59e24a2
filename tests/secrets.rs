//! The API key never leaks: not in `Debug` or `Display` of the client, its builder and
//! configuration, a call, or any error, and not in log output at the most verbose level.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use openrouter_analytics::{Client, Error, RetryConfig};
use openrouter_analytics_e2e::fault_server::{Fault, FaultServer, Reply, closed_port};
use openrouter_analytics_e2e::{activity_body, error_body};

/// A key no output could contain by chance.
const KEY: &str = "sk-or-v1-SECRET-canary-6b1f0e93d2a47c58";
/// Part of the key, in case something prints it cut or re-encoded.
const KEY_CORE: &str = "SECRET-canary";
const MS: fn(u64) -> Duration = Duration::from_millis;

#[track_caller]
fn assert_clean(what: &str, text: &str) {
    assert!(
        !text.contains(KEY) && !text.contains(KEY_CORE),
        "{what} shows the key: {text}"
    );
}

/// Every rendering of the error and of each error in its cause chain.
#[track_caller]
fn assert_error_clean(what: &str, err: &Error) {
    assert_clean(what, &format!("{err}"));
    assert_clean(what, &format!("{err:?}"));
    assert_clean(what, &format!("{err:#?}"));
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        assert_clean(what, &format!("{cause} {cause:?}"));
        source = cause.source();
    }
}

fn quick() -> RetryConfig {
    RetryConfig::default()
        .initial_interval(MS(10))
        .jitter(Duration::ZERO)
        .max_attempts(2)
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .app_title("canary app")
        .timeout(MS(300))
        .retry(quick())
        .build()
        .expect("valid config")
}

#[test]
fn the_client_its_builder_config_and_calls_never_show_the_key() {
    logs();
    let builder = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .http_referer("https://canary.example")
        .retry(quick());
    assert_clean("ClientBuilder", &format!("{builder:?} {builder:#?}"));
    let client = builder.build().expect("valid config");
    assert_clean("Client", &format!("{client:?} {client:#?}"));
    let retry = client.retry_config();
    assert_clean("RetryConfig", &format!("{retry:?} {retry:#?}"));
    let analytics = client.analytics();
    assert_clean("Analytics", &format!("{analytics:?}"));
    let call = client.analytics().get_user_activity().date("2026-11-01");
    assert_clean("Call", &format!("{call:?} {call:#?}"));
    let query = client.analytics().query_analytics().metrics(["requests"]);
    assert_clean("Call", &format!("{query:?}"));

    let blocking = openrouter_analytics::blocking::Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9");
    assert_clean("blocking::Builder", &format!("{blocking:?}"));
    let blocking = blocking.build().expect("valid config");
    assert_clean("blocking::Client", &format!("{blocking:?} {blocking:#?}"));
    let call = blocking.analytics().get_analytics_meta();
    assert_clean("blocking Call", &format!("{call:?}"));
}

#[test]
fn configuration_errors_never_show_the_key() {
    logs();
    let cases = [
        Client::builder().api_key(format!("{KEY}\nsecond line")),
        Client::builder().api_key(format!("{KEY}\u{7f}")),
        Client::builder().api_key(KEY).base_url("not a url"),
        Client::builder().api_key(KEY).base_url("ftp://127.0.0.1"),
        Client::builder()
            .api_key(KEY)
            .base_url("https://user:pw@127.0.0.1"),
        Client::builder().api_key(KEY).app_title("bad\r\ntitle"),
    ];
    for builder in cases {
        assert_clean("builder", &format!("{builder:?}"));
        let err = builder.build().expect_err("invalid");
        assert_eq!(err.kind(), openrouter_analytics::ErrorKind::Config);
        assert_error_clean("config error", &err);
    }
}

/// Errors of every kind a call can end in, from one local fault server per case.
async fn every_call_error() -> Vec<Error> {
    let cases = [
        Fault::Respond(Reply::json(
            401,
            &error_body(401, "No auth credentials found"),
        )),
        Fault::Respond(Reply::json(
            403,
            &error_body(403, "Only management keys can perform this operation"),
        )),
        Fault::Respond(Reply::json(500, &error_body(500, "boom"))),
        Fault::Respond(Reply::new(503).body("<html>unavailable</html>")),
        Fault::Respond(Reply::new(200).body("not json")),
        Fault::Respond(Reply::new(302).header("location", "http://127.0.0.1:9/elsewhere")),
        Fault::ResetBeforeResponse,
        Fault::SlowHead {
            delay: Duration::from_secs(5),
            reply: Reply::json(200, &activity_body(1)),
        },
    ];
    let mut errors = Vec::new();
    for fault in cases {
        let server = FaultServer::always(fault).await;
        let err = client(&server.base_url())
            .analytics()
            .get_user_activity()
            .send()
            .await
            .expect_err("every case fails");
        // The key did go out, so its absence below means something.
        assert_eq!(
            server.received()[0].header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        errors.push(err);
    }
    let refused = client(&format!("http://127.0.0.1:{}", closed_port()));
    errors.push(
        refused
            .analytics()
            .get_user_activity()
            .send()
            .await
            .expect_err("refused"),
    );
    errors.push(
        refused
            .analytics()
            .get_user_activity()
            .date("2026-13-45")
            .send()
            .await
            .expect_err("invalid date"),
    );
    errors
}

#[tokio::test]
async fn no_error_a_call_can_end_in_shows_the_key() {
    logs();
    use openrouter_analytics::ErrorKind::*;
    let errors = every_call_error().await;
    let kinds: Vec<_> = errors.iter().map(Error::kind).collect();
    assert_eq!(
        kinds,
        [
            Unauthorized,
            Forbidden,
            Server,
            Server,
            Decode,
            OtherStatus,
            Connection,
            Timeout,
            Connection,
            InvalidRequest
        ]
    );
    for err in &errors {
        assert_error_clean(&format!("{:?} error", err.kind()), err);
    }
}

/// A `MakeWriter` that appends to a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }
}

/// Everything logged in this test binary, at every level, from this crate and its
/// dependencies. Installed globally, once, by whichever test runs first: a
/// thread-local subscriber can miss events of callsites other tests' threads hit.
fn logs() -> &'static Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        // Dependencies log through the `log` crate; forward those records too.
        tracing_log::LogTracer::init().expect("the only logger of this binary");
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer({
                let captured = captured.clone();
                move || captured.clone()
            })
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("the only subscriber of this binary");
        captured
    })
}

#[tokio::test]
async fn trace_level_logs_never_show_the_key() {
    let captured = logs();

    // A call that retries and fails, one that succeeds, and the error kinds above.
    let busy = FaultServer::always(Fault::Respond(
        Reply::json(503, &error_body(503, "busy")).header("retry-after-ms", "20"),
    ))
    .await;
    let err = client(&busy.base_url())
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("503");
    assert_eq!(err.attempts(), 2);
    let fine = FaultServer::always(Fault::Respond(Reply::json(200, &activity_body(2)))).await;
    client(&fine.base_url())
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("200");
    // A per-call header may carry a credential too: its value stays out of the logs.
    client(&fine.base_url())
        .analytics()
        .get_user_activity()
        .header("x-upstream-token", KEY)
        .send()
        .await
        .expect("200 with a per-call header");
    assert_eq!(
        fine.received()[1].header("x-upstream-token"),
        Some(KEY),
        "the per-call header did go out"
    );
    let errors = every_call_error().await;
    assert_eq!(errors.len(), 10);

    tracing::trace!("the capture is at TRACE");
    let logs = captured.text();
    for expected in [
        "the capture is at TRACE",
        "DEBUG",
        "WARN",
        "sending request",
        "attempt failed; retrying",
        "giving up",
        "response decoded",
        "get_user_activity",
        // reqwest, through the `log` bridge: dependency output is captured as well.
        "starting new connection",
    ] {
        assert!(
            logs.contains(expected),
            "no {expected:?} in the logs:\n{logs}"
        );
    }
    assert_clean("trace output", &logs);
}

// ------------------------------------------------ a created key's secret (issue 16)

/// The secret of a key `POST /keys` creates: no output but the decoded value's
/// `expose_secret()` may contain it.
const CREATED: &str = "sk-or-v1-CREATED-canary-9e2d41c7b85fa036";
/// Part of it, in case something prints it cut.
const CREATED_CORE: &str = "CREATED-canary";

#[track_caller]
fn assert_no_created(what: &str, text: &str) {
    assert!(
        !text.contains(CREATED) && !text.contains(CREATED_CORE),
        "{what} shows the created key: {text}"
    );
}

/// Every rendering of the error, its snippet and its cause chain.
#[track_caller]
fn assert_error_keeps_no_created_key(what: &str, err: &Error) {
    assert_no_created(what, &format!("{err}"));
    assert_no_created(what, &format!("{err:?}"));
    assert_no_created(what, &format!("{err:#?}"));
    assert_eq!(err.body_snippet(), None, "{what}: {err:?}");
    assert!(err.body_withheld(), "{what}: {err:?}");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        assert_no_created(what, &format!("{cause} {cause:?}"));
        source = cause.source();
    }
}

/// A complete `POST /keys` answer carrying [`CREATED`].
fn created_body() -> serde_json::Value {
    serde_json::json!({
        "data": openrouter_analytics_e2e::api_key("ci", 7),
        "key": CREATED,
    })
}

/// Answers to `POST /keys` that do not decode, each with the secret in it.
fn broken_create_answers() -> Vec<(&'static str, Reply)> {
    let mut no_hash = created_body();
    no_hash["data"]
        .as_object_mut()
        .expect("an object")
        .remove("hash");
    let mut secret_in_wrong_place = created_body();
    // serde quotes a string it finds where an object belongs: the secret, here.
    secret_in_wrong_place["data"] = serde_json::json!(CREATED);
    vec![
        ("data.hash missing", Reply::json(201, &no_hash)),
        (
            "only the key",
            Reply::json(201, &serde_json::json!({ "key": CREATED })),
        ),
        (
            "a 200 where 201 is documented",
            Reply::json(200, &created_body()),
        ),
        (
            "the secret where data belongs",
            Reply::json(201, &secret_in_wrong_place),
        ),
        (
            "cut short",
            Reply::new(201)
                .header("content-type", "application/json")
                .body(format!("{{\"key\":\"{CREATED}\",\"data\":{{")),
        ),
        (
            "an error status with the secret in a page",
            Reply::new(502).body(format!("<html>upstream said {CREATED}</html>")),
        ),
    ]
}

async fn create_fails(reply: Reply) -> Error {
    let server = FaultServer::always(Fault::Respond(reply)).await;
    client(&server.base_url())
        .api_keys()
        .create()
        .name("ci")
        .send()
        .await
        .expect_err("the answer does not decode")
}

#[tokio::test]
async fn a_create_answer_that_does_not_decode_keeps_no_part_of_the_secret() {
    logs();
    for (case, reply) in broken_create_answers() {
        let err = create_fails(reply).await;
        assert_error_keeps_no_created_key(case, &err);
        assert_eq!(err.operation(), Some("create_keys"), "{case}");
    }
    // What is safe to say still is: the missing field's name, where the JSON broke.
    let (_, no_hash) = &broken_create_answers()[0];
    let err = create_fails(no_hash.clone()).await;
    assert_eq!(err.kind(), openrouter_analytics::ErrorKind::Decode);
    assert!(err.to_string().contains("missing field `hash`"), "{err}");
    let err = create_fails(broken_create_answers()[3].1.clone()).await;
    assert!(err.to_string().contains("at line 1 column"), "{err}");
    let err = create_fails(broken_create_answers()[2].1.clone()).await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(
        err.to_string().contains("not one the API describes"),
        "{err}"
    );
}

#[tokio::test]
async fn operations_whose_answers_hold_no_secret_keep_their_snippet() {
    let server = FaultServer::always(Fault::Respond(Reply::new(200).body("not json"))).await;
    let err = client(&server.base_url())
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect_err("not JSON");
    assert_eq!(err.body_snippet(), Some("not json"));
    assert!(!err.body_withheld());
    let info = openrouter_analytics::find_operation("api_keys", "create").expect("create");
    assert!(info.carries_secret);
    let mut with_secrets: Vec<&str> = openrouter_analytics::operations()
        .iter()
        .filter(|op| op.carries_secret)
        .map(|op| op.operation_id)
        .collect();
    with_secrets.sort_unstable();
    assert_eq!(
        with_secrets,
        [
            "create_byok_key",
            "create_keys",
            "create_oauth_token",
            "create_observability_destination",
            "exchange_auth_code_for_api_key",
            "store_intern_vault_secret",
            "store_vault_secret",
            "update_byok_key",
            "update_observability_destination"
        ],
        "a created key, a provider key sent, a key from the OAuth exchange, a \
         workload's JWT and its access token, a destination's credentials, a vault \
         secret stored"
    );
}

#[tokio::test]
async fn the_raw_body_of_a_created_key_shows_only_its_length() {
    logs();
    let server = FaultServer::always(Fault::Respond(Reply::json(201, &created_body()))).await;
    let created = client(&server.base_url())
        .api_keys()
        .create()
        .name("ci")
        .send_with_raw_body()
        .await
        .expect("created");
    assert_eq!(created.value.key.expose_secret(), CREATED);
    let body_len = created.raw_body.len();
    for shown in [format!("{created:?}"), format!("{created:#?}")] {
        assert_no_created("WithRawBody Debug", &shown);
        assert!(shown.contains(&format!("<{body_len} bytes>")), "{shown}");
    }
    // By name (`openrouter api`), the same operation is flagged the same way.
    let server = FaultServer::always(Fault::Respond(Reply::json(
        201,
        &serde_json::json!({
            "key": CREATED
        }),
    )))
    .await;
    let err = client(&server.base_url())
        .operation("api_keys", "create")
        .expect("known")
        .body_json(serde_json::json!({ "name": "ci" }))
        .send_with_raw_body()
        .await
        .expect_err("no data");
    assert_error_keeps_no_created_key("by name", &err);
}

#[tokio::test]
async fn trace_level_logs_never_show_a_created_key() {
    let captured = logs();
    for (_, reply) in broken_create_answers() {
        create_fails(reply).await;
    }
    // A 502 is retried first: its error is logged at WARN with the wait.
    let retried = FaultServer::always(Fault::Respond(
        Reply::new(503).body(format!("busy {CREATED}")),
    ))
    .await;
    client(&retried.base_url())
        .api_keys()
        .create()
        .name("ci")
        .allow_retrying_writes()
        .send()
        .await
        .expect_err("503");
    assert_eq!(retried.requests(), 2, "retried once");
    tracing::trace!("created-key capture done");
    let logs = captured.text();
    assert!(logs.contains("create_keys"), "{logs}");
    assert!(logs.contains("attempt failed; retrying"), "{logs}");
    assert_no_created("trace output", &logs);
}

#[test]
fn a_call_by_name_of_an_operation_with_secrets_shows_no_body_in_debug() {
    let client = client("http://127.0.0.1:9");
    let call = client
        .operation("api_keys", "create")
        .expect("known")
        .body_json(serde_json::json!({ "name": CREATED }));
    assert_no_created("CallByName Debug", &format!("{call:?} {call:#?}"));
    // Other operations keep their body visible for debugging.
    let call = client
        .operation("api_keys", "update")
        .expect("known")
        .arg("hash", "f01d")
        .body_json(serde_json::json!({ "name": "visible" }));
    assert!(format!("{call:?}").contains("visible"));
}
