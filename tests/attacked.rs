//! Issue 23, "attacked, still safe", from the client's side, against hostile servers on
//! 127.0.0.1 started by each test:
//! - a server that quotes the request back (in a 400's message and metadata, in a
//!   success body that does not decode, in a 5XX page, in a response header) never
//!   gets a provider key or a destination's credentials into an error's `Display`,
//!   `Debug`, accessors, cause chain or the logs, typed or by name;
//! - a success body longer than the client's limit fails with
//!   `ErrorKind::ResponseTooLarge`, whatever its framing (Content-Length, chunked,
//!   read to the end of the connection, gzip).

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use openrouter_analytics::{Client, Error, ErrorKind, RetryConfig};
use openrouter_analytics_e2e::fault_server::{Fault, FaultServer, Reply};
use openrouter_analytics_e2e::{activity_body, error_body};
use serde_json::json;

const KEY: &str = "sk-or-v1-management-canary-3f0e5a7d91c2";
/// A provider key sent with `byok create`.
const PROVIDER_KEY: &str = "sk-proj-PROVIDER-canary-41d9a7c3e0b6";
/// A destination's credential, inside `config`.
const LANGFUSE_SECRET: &str = "sk-lf-LANGFUSE-canary-7e21c04b";
/// Parts of them, in case something prints them cut.
const CORES: [&str; 3] = ["PROVIDER-canary", "LANGFUSE-canary", "management-canary"];

#[track_caller]
fn assert_clean(what: &str, text: &str) {
    for core in CORES {
        assert!(
            !text.contains(core),
            "{what} shows a secret ({core}): {text}"
        );
    }
}

/// Every rendering of the error, its accessors and its cause chain.
#[track_caller]
fn assert_error_clean(what: &str, err: &Error) {
    assert_clean(what, &format!("{err}"));
    assert_clean(what, &format!("{err:?}"));
    assert_clean(what, &format!("{err:#?}"));
    assert_clean(what, &format!("{:?}", err.detail()));
    assert_clean(what, err.body_snippet().unwrap_or_default());
    assert_clean(what, &format!("{:?}", err.headers()));
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        assert_clean(what, &format!("{cause} {cause:?}"));
        source = cause.source();
    }
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .retry(
            RetryConfig::default()
                .initial_interval(Duration::from_millis(5))
                .jitter(Duration::ZERO)
                .max_attempts(2),
        )
        .build()
        .expect("valid config")
}

/// A server's answer made from the request body it got.
type Echo = fn(&str) -> Reply;

/// Hostile answers, each quoting the request body it got.
fn echoes() -> Vec<(&'static str, Echo)> {
    vec![
        (
            "a 400 quoting the body in its message and metadata",
            |body| {
                let mut error = error_body(400, &format!("invalid config: {body}"));
                error["error"]["metadata"] = json!({ "raw": body, body: "as a key" });
                Reply::json(400, &error)
            },
        ),
        ("a 400 quoting the body as an escaped JSON string", |body| {
            let quoted = serde_json::to_string(body).expect("a string");
            Reply::json(400, &error_body(400, &format!("invalid: {quoted}")))
        }),
        ("a 200 that does not decode, quoting the body", |body| {
            Reply::new(200)
                .header("content-type", "application/json")
                .body(format!("{{\"data\": {body:?}, \"cut"))
        }),
        ("a 502 page quoting the body", |body| {
            Reply::new(502).body(format!("<html><pre>{body}</pre></html>"))
        }),
        (
            "a 418 quoting the body, and a header quoting it too",
            |body| {
                Reply::new(418)
                    .header("x-debug-request", body.replace(['\r', '\n'], " "))
                    .body(format!("teapot says {body}"))
            },
        ),
    ]
}

#[tokio::test]
async fn a_server_quoting_a_provider_key_back_never_gets_it_into_an_error_typed_or_by_name() {
    let captured = logs();
    for (case, echo) in echoes() {
        let server = FaultServer::always(Fault::Echo(echo)).await;
        let typed = client(&server.base_url())
            .byok()
            .create()
            .provider("openai")
            .key(PROVIDER_KEY)
            .name("x")
            .send()
            .await
            .expect_err("hostile");
        let by_name = client(&server.base_url())
            .operation("byok", "create")
            .expect("known")
            .body_json(json!({"provider": "openai", "key": PROVIDER_KEY, "name": "x"}))
            .send()
            .await
            .expect_err("hostile");
        // The key did go out, so its absence below means something.
        let sent = server.received();
        assert!(
            sent.iter()
                .all(|r| String::from_utf8_lossy(&r.body).contains(PROVIDER_KEY)),
            "{case}"
        );
        for (how, err) in [("typed", &typed), ("by name", &by_name)] {
            assert_error_clean(&format!("{case}, {how}"), err);
        }
        if case.starts_with("a 400 quoting the body in") {
            // Scrubbed, not dropped: the rest of the message is still there.
            for err in [&typed, &by_name] {
                let message = err.api_message().expect("a message");
                assert!(message.starts_with("invalid config: {"), "{message}");
                assert!(message.contains("<redacted>"), "{message}");
                assert!(message.contains("openai"), "{message}");
            }
        }
    }
    tracing::trace!("provider key capture done");
    let logs = captured.text();
    assert!(logs.contains("create_byok_key"), "{logs}");
    assert_clean("trace output", &logs);
}

#[tokio::test]
async fn a_server_quoting_a_destinations_credentials_back_never_gets_them_into_an_error() {
    let captured = logs();
    let config = json!({
        "secretKey": LANGFUSE_SECRET,
        "publicKey": "pk-lf-public-value",
        "baseUrl": "https://cloud.langfuse.com"
    });
    for (case, echo) in echoes() {
        let server = FaultServer::always(Fault::Echo(echo)).await;
        let map = config.as_object().expect("an object").clone();
        let typed = client(&server.base_url())
            .observability()
            .create()
            .type_("langfuse")
            .name("traces")
            .config(map)
            .send()
            .await
            .expect_err("hostile");
        let by_name = client(&server.base_url())
            .operation("observability", "update")
            .expect("known")
            .arg("id", "0b3c9b5e-4f8a-4c1e-9d2e-7a6b5c4d3e2f")
            .body_json(json!({ "config": config }))
            .send()
            .await
            .expect_err("hostile");
        assert!(
            server
                .received()
                .iter()
                .all(|r| String::from_utf8_lossy(&r.body).contains(LANGFUSE_SECRET)),
            "{case}"
        );
        assert_error_clean(&format!("{case}, typed"), &typed);
        assert_error_clean(&format!("{case}, by name"), &by_name);
    }
    tracing::trace!("destination capture done");
    assert_clean("trace output", &captured.text());
}

#[tokio::test]
async fn the_api_key_and_a_per_call_header_are_scrubbed_from_any_operations_errors() {
    // No body secret here: an operation without any still scrubs what it sent.
    let server = FaultServer::always(Fault::Respond(Reply::json(
        400,
        &error_body(
            400,
            &format!("you sent Bearer {KEY} and x-upstream-token: upstream-canary-5521"),
        ),
    )))
    .await;
    let err = client(&server.base_url())
        .analytics()
        .get_user_activity()
        .header("x-upstream-token", "upstream-canary-5521")
        .send()
        .await
        .expect_err("400");
    assert_error_clean("400 quoting the key", &err);
    let shown = err.to_string();
    assert!(!shown.contains("upstream-canary"), "{shown}");
    assert!(shown.contains("you sent Bearer <redacted>"), "{shown}");
}

#[tokio::test]
async fn a_by_name_body_that_does_not_fit_its_type_is_refused_without_quoting_a_secret() {
    // A string where the object of credentials belongs: serde quotes the value it got.
    let err = client("http://127.0.0.1:9")
        .operation("observability", "create")
        .expect("known")
        .body_json(json!({"type": "langfuse", "name": "x", "config": LANGFUSE_SECRET}))
        .send()
        .await
        .expect_err("not an object");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_error_clean("invalid body", &err);
}

// ------------------------------------------------------------- bounded answers (§9)

/// The limit the size tests set: small, so that they stay quick.
const LIMIT: usize = 4096;

fn capped(base_url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .max_response_bytes(LIMIT)
        .timeout(Duration::from_secs(5))
        .retry(
            RetryConfig::default()
                .initial_interval(Duration::from_millis(5))
                .max_attempts(3),
        )
        .build()
        .expect("valid config")
}

/// A valid activity answer of more than `bytes` bytes.
fn big_body(bytes: usize) -> Vec<u8> {
    let mut rows = 1;
    loop {
        let body = activity_body(rows).to_string();
        if body.len() > bytes {
            return body.into_bytes();
        }
        rows *= 2;
    }
}

fn chunked(body: &[u8]) -> Vec<u8> {
    let mut out =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_vec();
    for piece in body.chunks(1000) {
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

fn gzipped(body: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(body).expect("in memory");
    encoder.finish().expect("in memory")
}

#[track_caller]
fn assert_too_large(case: &str, err: &Error) {
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge, "{case}: {err:?}");
    let shown = err.to_string();
    assert!(
        shown.contains("max_response_bytes") && shown.contains("4 KiB"),
        "{case}: {shown}"
    );
}

#[tokio::test]
async fn a_success_body_over_the_limit_fails_whatever_its_framing() {
    let body = big_body(16 * LIMIT);
    // Whitespace compresses ~1000:1: a gzip body under the limit that decodes to 64x it.
    let mut bomb = activity_body(1).to_string().into_bytes();
    bomb.splice(1..1, std::iter::repeat_n(b' ', 64 * LIMIT));
    let bomb = gzipped(&bomb);
    assert!(bomb.len() < LIMIT, "{}", bomb.len());
    let cases = [
        (
            "Content-Length over the limit",
            Fault::Respond(Reply::json(
                200,
                &serde_json::from_slice(&body).expect("json"),
            )),
        ),
        ("chunked", Fault::Raw(chunked(&body))),
        ("read to the end of the connection", {
            let mut raw =
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
                    .to_vec();
            raw.extend_from_slice(&body);
            Fault::Raw(raw)
        }),
        (
            "a Content-Length announcing 10 GB, then little",
            Fault::Raw(
                b"HTTP/1.1 200 OK\r\ncontent-length: 10000000000\r\n\r\n{\"data\":[".to_vec(),
            ),
        ),
        (
            "a gzip bomb",
            Fault::Respond(
                Reply::new(200)
                    .header("content-type", "application/json")
                    .header("content-encoding", "gzip")
                    .body(bomb),
            ),
        ),
    ];
    for (case, fault) in cases {
        let server = FaultServer::always(fault).await;
        let err = capped(&server.base_url())
            .analytics()
            .get_user_activity()
            .send()
            .await
            .expect_err("over the limit");
        assert_too_large(case, &err);
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200), "{case}");
        assert_eq!(server.requests(), 1, "{case}: never retried");
        // The raw-body path (the CLI's) and a call by name are bounded alike.
        let err = capped(&server.base_url())
            .operation("analytics", "get_user_activity")
            .expect("known")
            .send_with_raw_body()
            .await
            .expect_err("over the limit");
        assert_too_large(&format!("{case}, by name"), &err);
    }
}

#[tokio::test]
async fn a_body_within_the_limit_is_read_and_the_default_is_documented() {
    let body = activity_body(3);
    assert!(body.to_string().len() < LIMIT);
    let server = FaultServer::always(Fault::Raw(chunked(body.to_string().as_bytes()))).await;
    let activity = capped(&server.base_url())
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("within the limit");
    assert_eq!(activity.data.len(), 3);
    let server = FaultServer::always(Fault::Respond(Reply::json(200, &body))).await;
    let raw = capped(&server.base_url())
        .analytics()
        .get_user_activity()
        .send_with_raw_body()
        .await
        .expect("within the limit");
    assert_eq!(raw.raw_body.len(), body.to_string().len());
    let default = client("http://127.0.0.1:9");
    assert_eq!(default.max_response_bytes(), 64 * 1024 * 1024);
    assert_eq!(
        openrouter_analytics::DEFAULT_MAX_RESPONSE_BYTES,
        64 * 1024 * 1024
    );
}

// ------------------------------------------------------------------- log capture

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

/// Everything logged in this test binary at every level, installed once.
fn logs() -> &'static Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED.get_or_init(|| {
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

#[test]
fn the_table_marks_exactly_the_fields_that_hold_secrets() {
    let mut secret: Vec<String> = openrouter_analytics::operations()
        .iter()
        .flat_map(|op| {
            op.body_fields
                .iter()
                .filter(|field| field.secret)
                .map(move |field| format!("{}.{}", op.operation_id, field.name))
        })
        .collect();
    secret.sort_unstable();
    assert_eq!(
        secret,
        [
            "create_byok_key.key",
            "create_keys.external",
            "create_oauth_token.subject_token",
            "create_observability_destination.config",
            "store_intern_vault_secret.value",
            "store_vault_secret.value",
            "update_byok_key.key",
            "update_observability_destination.config",
        ],
        "a provider key, a partner's own key, a workload's JWT, a destination's credentials, a vault secret"
    );
}
