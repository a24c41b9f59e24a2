//! The OAuth token exchange as an attacker would poke it, on local mock servers
//! (127.0.0.1): its body really goes out form-encoded (typed and by name, special
//! characters percent-encoded), an OAuth-shaped error becomes a typed error with the
//! OAuth code and description, a server that echoes the subject token gets it
//! redacted from every rendering of the error, and a non-JSON or huge error body stays
//! within the client's caps.

use std::time::Duration;

use openrouter_analytics::{Client, Error, ErrorKind, RetryConfig};
use openrouter_analytics_mock::{Endpoint, EndpointMock, MockOpenRouter, Reply};
use serde_json::json;

/// A subject token no output could contain by chance, with characters a form must
/// escape (space, `&`, `=`, `+`, `/`, `%`, non-ASCII).
const TOKEN: &str = "eyJ.canary-SUBJECT a&b=c+d/é%";
/// The same as the form carries it.
const TOKEN_FORM: &str = "eyJ.canary-SUBJECT+a%26b%3Dc%2Bd%2F%C3%A9%25";
/// The policy id, also with characters to escape.
const POLICY: &str = "fp 1&scope=management";
const POLICY_FORM: &str = "federation_policy_id=fp+1%26scope%3Dmanagement";
const GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT_TYPE: &str = "urn:ietf:params:oauth:token-type:jwt";
const FORM: &str = "application/x-www-form-urlencoded";

fn token_endpoint() -> Endpoint {
    Endpoint::find("o_auth", "create_oauth_token").expect("in the spec")
}

fn client(server: &MockOpenRouter) -> Client {
    Client::builder()
        .api_key("sk-or-v1-test")
        .base_url(server.base_url())
        .timeout(Duration::from_secs(5))
        .retry(RetryConfig::default().max_attempts(1))
        .build()
        .expect("client")
}

fn issued() -> serde_json::Value {
    json!({
        "access_token": "eyJ.issued.token",
        "expires_in": 900,
        "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
        "scope": "inference",
        "token_type": "Bearer"
    })
}

async fn typed_exchange(client: &Client) -> Result<(), Error> {
    client
        .o_auth()
        .create_oauth_token()
        .federation_policy_id(POLICY)
        .grant_type(GRANT)
        .subject_token(TOKEN)
        .subject_token_type(JWT_TYPE)
        .send()
        .await
        .map(|_| ())
}

async fn by_name_exchange(client: &Client) -> Result<(), Error> {
    client
        .operation("o_auth", "create_oauth_token")?
        .body_json(json!({
            "federation_policy_id": POLICY,
            "grant_type": GRANT,
            "subject_token": TOKEN,
            "subject_token_type": JWT_TYPE,
            "scope": "inference",
        }))
        .send()
        .await
        .map(|_| ())
}

/// The content type and body text of the `n`th request `mock` received.
fn sent(mock: &EndpointMock<'_>, n: usize) -> (String, String) {
    let requests = mock.requests();
    let request = requests.get(n).expect("the request arrived");
    let content_type = request
        .header("content-type")
        .unwrap_or_default()
        .to_owned();
    let body = String::from_utf8(request.body().to_vec()).expect("utf-8");
    (content_type, body)
}

#[track_caller]
fn assert_form(content_type: &str, body: &str) {
    assert_eq!(content_type, FORM, "{body}");
    assert!(!body.trim_start().starts_with('{'), "JSON was sent: {body}");
    let fields: Vec<&str> = body.split('&').collect();
    assert!(fields.contains(&POLICY_FORM), "{body}");
    assert!(
        fields.contains(&format!("subject_token={TOKEN_FORM}").as_str()),
        "{body}"
    );
    assert!(
        fields.contains(&"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"),
        "{body}"
    );
    // The `&` and `=` inside values did not split or forge fields.
    assert!(!fields.contains(&"scope=management"), "{body}");
}

#[tokio::test]
async fn the_token_request_is_form_encoded_typed_and_by_name() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.replies(
        token_endpoint(),
        [Reply::json(200, &issued()), Reply::json(200, &issued())],
    );
    let client = client(&server);
    typed_exchange(&client).await.expect("typed call");
    by_name_exchange(&client).await.expect("call by name");
    let (content_type, body) = sent(&mock, 0);
    assert_form(&content_type, &body);
    let (content_type, body) = sent(&mock, 1);
    assert_form(&content_type, &body);
    assert!(body.split('&').any(|f| f == "scope=inference"), "{body}");
}

#[track_caller]
fn assert_no_token(what: &str, err: &Error) {
    for text in [format!("{err}"), format!("{err:?}"), format!("{err:#?}")] {
        assert!(
            !text.contains("canary-SUBJECT") && !text.contains("canary"),
            "{what} shows the subject token: {text}"
        );
    }
}

#[tokio::test]
async fn an_oauth_error_is_typed_and_never_echoes_the_subject_token() {
    let server = MockOpenRouter::start_async().await;
    let echo = |status: u16, form: &str| {
        Reply::json(
            status,
            &json!({
                "error": "invalid_grant",
                "error_description": format!("subject token {form} is expired"),
            }),
        )
    };
    let _mock = server.replies(
        token_endpoint(),
        [
            // Declared statuses, decoded as the OAuth schema: raw and form-escaped.
            echo(400, TOKEN),
            echo(400, TOKEN_FORM),
            // A status the spec does not list: read from the body on the way.
            echo(401, TOKEN),
            echo(401, TOKEN_FORM),
        ],
    );
    let client = client(&server);
    for (what, err, status, kind) in [
        (
            "typed 400",
            typed_exchange(&client).await,
            400,
            ErrorKind::BadRequest,
        ),
        (
            "by name 400",
            by_name_exchange(&client).await,
            400,
            ErrorKind::BadRequest,
        ),
        (
            "typed 401",
            typed_exchange(&client).await,
            401,
            ErrorKind::Unauthorized,
        ),
        (
            "by name 401",
            by_name_exchange(&client).await,
            401,
            ErrorKind::Unauthorized,
        ),
    ] {
        let err = err.expect_err(what);
        assert_eq!(err.kind(), kind, "{what}: {err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{what}");
        let message = err.api_message().unwrap_or_default();
        assert!(
            message.starts_with("invalid_grant: subject token"),
            "{what}: {message}"
        );
        assert!(message.contains("<redacted>"), "{what}: {message}");
        assert_eq!(
            err.detail()
                .and_then(|d| d.metadata.as_ref())
                .and_then(|m| m.get("error")),
            Some(&json!("invalid_grant")),
            "{what}"
        );
        assert!(err.to_string().contains("invalid_grant"), "{what}: {err}");
        assert_no_token(what, &err);
    }
}

#[tokio::test]
async fn a_non_json_or_huge_error_body_is_bounded_and_keeps_no_token() {
    let server = MockOpenRouter::start_async().await;
    let huge = format!("<html>{}{TOKEN}</html>", "x".repeat(4 << 20));
    let _mock = server.replies(
        token_endpoint(),
        [
            Reply::text(400, huge.clone()),
            Reply::text(502, huge.clone()),
            Reply::text(400, format!("proxy says: {TOKEN}")),
        ],
    );
    let client = client(&server);
    for what in ["huge 400", "huge 502", "short 400"] {
        let err = typed_exchange(&client).await.expect_err(what);
        assert!(err.status().is_some(), "{what}: {err}");
        assert!(
            err.to_string().len() < 1024,
            "{what}: {} bytes",
            err.to_string().len()
        );
        assert!(format!("{err:?}").len() < 16 * 1024, "{what}");
        // The operation carries a secret: no part of its error bodies is kept.
        assert!(err.body_snippet().is_none(), "{what}");
        assert!(err.body_withheld(), "{what}");
        assert_no_token(what, &err);
    }
}

#[test]
fn a_token_call_shows_no_subject_token_in_debug() {
    let client = Client::builder()
        .api_key("sk-or-v1-test")
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("client");
    let typed = client
        .o_auth()
        .create_oauth_token()
        .subject_token(TOKEN)
        .federation_policy_id(POLICY);
    let by_name = client
        .operation("o_auth", "create_oauth_token")
        .expect("known")
        .body_json(json!({ "subject_token": TOKEN }));
    for text in [format!("{typed:?}"), format!("{by_name:?} {by_name:#?}")] {
        assert!(!text.contains("canary"), "{text}");
    }
}

#[tokio::test]
async fn a_nested_value_cannot_be_form_encoded_and_nothing_is_sent() {
    let server = MockOpenRouter::start_async().await;
    let mock = server.reply(token_endpoint(), Reply::json(200, &issued()));
    let client = client(&server);
    let err = client
        .operation("o_auth", "create_oauth_token")
        .expect("known")
        .body_json(json!({
            "federation_policy_id": POLICY,
            "grant_type": GRANT,
            "subject_token": TOKEN,
            "subject_token_type": JWT_TYPE,
            "claims": {"nested": [1, 2]},
        }))
        .send()
        .await
        .expect_err("a form has no spelling for an object");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(err.to_string().contains("\"claims\""), "{err}");
    assert_no_token("nested value", &err);
    assert!(mock.requests().is_empty());
}
