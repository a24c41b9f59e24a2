//! Writes are safe to retry: a POST or PATCH that creates or changes something is sent
//! again only where nothing can have happened (a refused connection, a 429), unless
//! the call opts in; reads, PUT and DELETE keep the normal policy. And the secret a new
//! key comes with never shows in Debug output.

use std::time::Duration;

use openrouter_analytics::{Client, ErrorKind, RetryConfig};
use openrouter_analytics_e2e::api_key;
use openrouter_analytics_e2e::fault_server::{Fault, FaultServer, Reply, closed_port};
use serde_json::{Value, json};

const KEY: &str = "sk-or-v1-writes-test";
const NEW_SECRET: &str = "sk-or-v1-brand-new-secret-0123456789";

fn key_object(name: &str) -> Value {
    api_key(name, 0xf01d)
}

fn created() -> Reply {
    Reply::json(
        201,
        &json!({"data": key_object("ci-bot"), "key": NEW_SECRET}),
    )
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .timeout(Duration::from_millis(300))
        .retry(
            RetryConfig::default()
                .initial_interval(Duration::from_millis(5))
                .jitter(Duration::ZERO)
                .max_attempts(3)
                .max_elapsed_time(Duration::from_secs(10)),
        )
        .build()
        .expect("valid config")
}

async fn create_key(
    base_url: &str,
) -> openrouter_analytics::Result<openrouter_analytics::types::CreateKeysResponse> {
    client(base_url)
        .api_keys()
        .create()
        .name("ci-bot")
        .limit(25.0)
        .send()
        .await
}

/// Each failure after which the first attempt may have taken effect: the write is
/// attempted once, and the error says what happened.
#[tokio::test]
async fn a_write_is_not_resent_after_it_may_have_reached_the_server() {
    let cases: [(&str, Fault, ErrorKind); 3] = [
        (
            "5XX",
            Fault::Respond(Reply::json(
                503,
                &json!({"error": {"code": 503, "message": "busy"}}),
            )),
            ErrorKind::Server,
        ),
        (
            "reset mid-response",
            Fault::ResetMidBody {
                reply: created(),
                sent: 10,
            },
            ErrorKind::Connection,
        ),
        (
            "timeout after sending",
            Fault::SlowHead {
                delay: Duration::from_secs(2),
                reply: created(),
            },
            ErrorKind::Timeout,
        ),
    ];
    for (case, fault, kind) in cases {
        let server = FaultServer::always(fault).await;
        let err = create_key(&server.base_url()).await.expect_err(case);
        assert_eq!(err.kind(), kind, "{case}: {err}");
        assert_eq!(err.attempts(), 1, "{case}: {err}");
        assert_eq!(server.requests(), 1, "{case}: the write went out once");
    }
}

#[tokio::test]
async fn a_write_is_retried_where_nothing_can_have_happened() {
    // 429: refused before any work.
    let server = FaultServer::start(|n| match n {
        0 => Fault::Respond(Reply::json(
            429,
            &json!({"error": {"code": 429, "message": "slow down"}}),
        )),
        _ => Fault::Respond(created()),
    })
    .await;
    let created = create_key(&server.base_url())
        .await
        .expect("201 after a 429");
    assert_eq!(created.data.name, "ci-bot");
    assert_eq!(server.requests(), 2);

    // A refused connection: nothing was sent at all.
    let err = create_key(&format!("http://127.0.0.1:{}", closed_port()))
        .await
        .expect_err("nobody listens");
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert_eq!(err.attempts(), 3, "connection refused is retried: {err}");
}

#[tokio::test]
async fn a_call_may_opt_in_to_retrying_its_write() {
    let server = FaultServer::start(|n| match n {
        0 => Fault::Respond(Reply::json(
            502,
            &json!({"error": {"code": 502, "message": "bad gateway"}}),
        )),
        _ => Fault::Respond(created()),
    })
    .await;
    let created = client(&server.base_url())
        .api_keys()
        .create()
        .name("ci-bot")
        .allow_retrying_writes()
        .send()
        .await
        .expect("201 after an allowed retry");
    assert_eq!(created.data.hash.len(), 64);
    assert_eq!(server.requests(), 2);
}

/// PATCH is a write too; GET, PUT (set a budget), DELETE and the read-only analytics
/// query POST keep being retried after a 5XX.
#[tokio::test]
async fn patch_is_guarded_and_reads_put_delete_and_the_query_are_not() {
    let busy = || {
        Fault::Respond(Reply::json(
            503,
            &json!({"error": {"code": 503, "message": "busy"}}),
        ))
    };
    let server = FaultServer::always(busy()).await;
    let client = client(&server.base_url());
    let err = client
        .api_keys()
        .update()
        .hash("f01d5260")
        .disabled(true)
        .send()
        .await
        .expect_err("503");
    assert_eq!(err.attempts(), 1, "PATCH: {err}");

    let attempts = [
        client.api_keys().list().send().await.map(drop),
        client
            .api_keys()
            .delete()
            .hash("f01d5260")
            .send()
            .await
            .map(drop),
        client
            .workspaces()
            .set_budget()
            .id("ws-prod")
            .interval("monthly")
            .limit_usd(100.0)
            .send()
            .await
            .map(drop),
        client
            .analytics()
            .query_analytics()
            .metrics(["request_count"])
            .send()
            .await
            .map(drop),
    ];
    for (i, result) in attempts.into_iter().enumerate() {
        let err = result.expect_err("503");
        assert_eq!(err.attempts(), 3, "call {i}: {err}");
    }
    // 1 PATCH + 4 calls x 3 attempts.
    assert_eq!(server.requests(), 13);
}

#[tokio::test]
async fn a_new_keys_secret_is_redacted_in_debug_but_readable() {
    let server = FaultServer::always(Fault::Respond(created())).await;
    let created = create_key(&server.base_url()).await.expect("201");
    assert_eq!(created.key.expose_secret(), NEW_SECRET);
    for shown in [
        format!("{created:?}"),
        format!("{created:#?}"),
        format!("{:?}", created.key),
    ] {
        assert!(!shown.contains(NEW_SECRET), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
    // Passing the answer on (e.g. to JSON) keeps the secret: it is the caller's to keep.
    let json = serde_json::to_value(&created).expect("serializes");
    assert_eq!(json["key"], NEW_SECRET);
}

/// Body fields take their values directly (`.name("x")`, even where the field is
/// optional), and a value the type refuses (an empty key name) fails before sending.
#[tokio::test]
async fn body_setters_take_plain_values_and_check_them_before_sending() {
    use openrouter_analytics_mock::{Endpoint, ExpectedRequest, MockOpenRouter, Reply};

    let server = MockOpenRouter::start_async().await;
    let update = Endpoint::find("api_keys", "update").expect("in the spec");
    let mock = server.reply(
        update,
        Reply::json(200, &json!({"data": key_object("renamed")})),
    );
    let updated = server
        .client()
        .api_keys()
        .update()
        .hash("f01d5260")
        .name("renamed")
        .limit(5.0)
        .disabled(true)
        .send()
        .await
        .expect("200");
    assert_eq!(updated.data.name, "renamed");
    mock.assert_sent_once(&ExpectedRequest::new().json_body(&json!({
        "name": "renamed",
        "limit": 5.0,
        "disabled": true
    })));

    let create = Endpoint::find("api_keys", "create").expect("in the spec");
    let never = server.reply(
        create,
        Reply::json(201, &json!({"data": key_object("x"), "key": NEW_SECRET})),
    );
    let err = server
        .client()
        .api_keys()
        .create()
        .name("")
        .send()
        .await
        .expect_err("an empty name is refused");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(err.to_string().contains("name"), "{err}");
    never.assert_calls(0);
}

// ------------------------------------------------ a DELETE whose answer was lost

fn not_found() -> Reply {
    Reply::json(
        404,
        &json!({"error": {"code": 404, "message": "Not found"}}),
    )
}

/// Every DELETE of the spec, each called with the fault server's answers: the first
/// attempt may have been applied (`first`), the retry is told 404.
async fn delete_everything(first: Fault) -> Vec<(&'static str, openrouter_analytics::Error)> {
    let mut errors = Vec::new();
    for (name, op) in [
        ("api_keys.delete", 0),
        ("workspaces.delete", 1),
        ("workspaces.delete_budget", 2),
    ] {
        let first = first.clone();
        let server = FaultServer::start(move |n| {
            if n == 0 {
                first.clone()
            } else {
                Fault::Respond(not_found())
            }
        })
        .await;
        let client = client(&server.base_url());
        let result = match op {
            0 => client
                .api_keys()
                .delete()
                .hash("f01d")
                .send()
                .await
                .map(|_| ()),
            1 => client
                .workspaces()
                .delete()
                .id("research")
                .send()
                .await
                .map(|_| ()),
            _ => client
                .workspaces()
                .delete_budget()
                .id("research")
                .interval("monthly")
                .send()
                .await
                .map(|_| ()),
        };
        let err = result.expect_err("404 on the retry");
        assert_eq!(server.requests(), 2, "{name}: retried once");
        let methods: Vec<String> = server.received().into_iter().map(|r| r.method).collect();
        assert_eq!(methods, ["DELETE", "DELETE"], "{name}");
        errors.push((name, err));
    }
    errors
}

#[tokio::test]
async fn a_retried_delete_answered_404_after_a_lost_answer_is_already_gone() {
    // The case: the connection drops after the request was read, then 404.
    for first in [
        Fault::ResetBeforeResponse,
        Fault::Respond(Reply::json(
            502,
            &json!({"error": {"code": 502, "message": "bad gateway"}}),
        )),
        Fault::SlowHead {
            delay: Duration::from_secs(2),
            reply: Reply::json(200, &json!({"deleted": true})),
        },
    ] {
        for (name, err) in delete_everything(first.clone()).await {
            assert_eq!(err.kind(), ErrorKind::NotFound, "{name} after {first:?}");
            assert!(err.is_already_gone(), "{name} after {first:?}: {err:?}");
            assert_eq!(err.attempts(), 2);
            assert!(err.to_string().contains("most likely deleted it"), "{err}");
        }
    }
}

#[tokio::test]
async fn a_404_to_the_first_attempt_or_after_a_429_is_a_plain_not_found() {
    // Nothing was applied before the 404: the id is wrong.
    let server = FaultServer::always(Fault::Respond(not_found())).await;
    let err = client(&server.base_url())
        .api_keys()
        .delete()
        .hash("f01d")
        .send()
        .await
        .expect_err("404");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(!err.is_already_gone());
    assert!(!err.to_string().contains("deleted it"), "{err}");
    // A 429 is a refusal before any work.
    for (_, err) in delete_everything(Fault::Respond(Reply::json(
        429,
        &json!({"error": {"code": 429, "message": "slow down"}}),
    )))
    .await
    {
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert!(!err.is_already_gone(), "{err:?}");
    }
    // A GET answered 404 after a lost answer is not a deletion.
    let server = FaultServer::start(|n| {
        if n == 0 {
            Fault::ResetBeforeResponse
        } else {
            Fault::Respond(not_found())
        }
    })
    .await;
    let err = client(&server.base_url())
        .api_keys()
        .get()
        .hash("f01d")
        .send()
        .await
        .expect_err("404");
    assert_eq!(server.requests(), 2);
    assert!(!err.is_already_gone());
}

#[tokio::test]
async fn a_delete_by_name_is_already_gone_too() {
    let server = FaultServer::start(|n| {
        if n == 0 {
            Fault::ResetBeforeResponse
        } else {
            Fault::Respond(not_found())
        }
    })
    .await;
    let err = client(&server.base_url())
        .operation("api_keys", "delete")
        .expect("known")
        .arg("hash", "f01d")
        .send()
        .await
        .expect_err("404");
    assert!(err.is_already_gone(), "{err:?}");
}
