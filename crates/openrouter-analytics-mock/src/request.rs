//! What a client sent, and what it should have sent.

use std::fmt;
use std::time::Instant;

use httpmock::HttpMockRequest;
use serde::Serialize;
use serde_json::Value;

/// Header names whose values never appear in assertion messages or `Debug` output.
const SECRET_HEADERS: [&str; 2] = ["authorization", "cookie"];

/// The headers the client sets for app attribution.
const APP_HEADERS: [&str; 3] = [
    "http-referer",
    "x-openrouter-title",
    "x-openrouter-categories",
];

/// One request the mock server answered, as it arrived.
///
/// Get them from [`EndpointMock::requests`](crate::EndpointMock::requests). `Debug`
/// shows everything but the values of `authorization` and `cookie`.
#[derive(Clone)]
pub struct SentRequest {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    received_at: Instant,
}

impl SentRequest {
    pub(crate) fn from_httpmock(request: &HttpMockRequest) -> Self {
        Self {
            method: request.method_str().to_string(),
            path: request.uri().path().to_string(),
            query: request.query_params(),
            headers: request.headers_vec().clone(),
            body: request.body_vec(),
            received_at: Instant::now(),
        }
    }

    /// A request built by hand, e.g. to ask
    /// [`SampleAccount::answer`](crate::SampleAccount::answer) from a server of your
    /// own: `method` and `path` (without the query string), no query, headers or body
    /// yet.
    pub fn new(method: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            method: method.into(),
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
            received_at: Instant::now(),
        }
    }

    /// Adds a query parameter (decoded).
    pub fn with_query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The HTTP method, e.g. `GET`.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path, without the query string.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Every query parameter, decoded, in the order sent.
    pub fn query_params(&self) -> &[(String, String)] {
        &self.query
    }

    /// The first value of the query parameter `name`, decoded.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query_values(name).next()
    }

    fn query_values<'s>(&'s self, name: &str) -> impl Iterator<Item = &'s str> {
        self.query
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every header, in the order sent (names as the server saw them, lowercase).
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first value of the header `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).next()
    }

    fn header_values<'s>(&'s self, name: &str) -> impl Iterator<Item = &'s str> {
        self.headers
            .iter()
            .filter(move |(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body bytes (empty for `GET`).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// When the server received the request.
    pub fn received_at(&self) -> Instant {
        self.received_at
    }

    /// `GET /activity?date=2026-11-01`: the request line, for messages.
    pub fn summary(&self) -> String {
        let query = self
            .query
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        if query.is_empty() {
            format!("{} {}", self.method, self.path)
        } else {
            format!("{} {}?{query}", self.method, self.path)
        }
    }
}

impl fmt::Debug for SentRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), shown_value(name, value)))
            .collect();
        f.debug_struct("SentRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish_non_exhaustive()
    }
}

fn is_secret(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|s| s.eq_ignore_ascii_case(name))
}

fn shown_value<'v>(name: &str, value: &'v str) -> &'v str {
    if is_secret(name) { "<redacted>" } else { value }
}

/// What a request should carry: query parameters, headers and a JSON body, each either
/// a value or absent. Anything not mentioned is not checked.
///
/// Use it with [`EndpointMock::assert_sent`](crate::EndpointMock::assert_sent), or ask
/// for the differences with [`ExpectedRequest::mismatches`].
///
/// ```
/// use openrouter_analytics::types::ActivityGroupBy;
/// use openrouter_analytics_mock::{ExpectedRequest, MockOpenRouter};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let openrouter = MockOpenRouter::start_async().await;
/// let activity = openrouter.activity_rows([]);
/// let client = openrouter
///     .client_builder()
///     .http_referer("https://spend.example")
///     .app_title("Spend dashboard")
///     .app_categories(["finops", "dashboard"])
///     .build()
///     .expect("client");
/// client
///     .analytics()
///     .get_user_activity()
///     .date("2026-11-01")
///     .group_by(ActivityGroupBy::Workspace)
///     .send()
///     .await
///     .expect("200");
///
/// activity.assert_sent(
///     &ExpectedRequest::new()
///         .date("2026-11-01")
///         .group_by("workspace")
///         .no_query_param("user_id")
///         .http_referer("https://spend.example")
///         .app_title("Spend dashboard")
///         .app_categories(["finops", "dashboard"]),
/// );
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExpectedRequest {
    query: Vec<(String, Option<String>)>,
    no_other_query: bool,
    headers: Vec<(String, Option<String>)>,
    json_body: Option<Value>,
}

impl ExpectedRequest {
    /// Expects nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The query parameter `name` is sent once, with `value` (compared decoded).
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), Some(value.into())));
        self
    }

    /// The query parameter `name` is not sent.
    pub fn no_query_param(mut self, name: impl Into<String>) -> Self {
        self.query.push((name.into(), None));
        self
    }

    /// No query parameter is sent beyond those given with
    /// [`query_param`](Self::query_param) (or its shorthands).
    pub fn no_other_query_params(mut self) -> Self {
        self.no_other_query = true;
        self
    }

    /// `date=<day>` (`YYYY-MM-DD`).
    pub fn date(self, day: impl Into<String>) -> Self {
        self.query_param("date", day)
    }

    /// `api_key_hash=<hash>`.
    pub fn api_key_hash(self, hash: impl Into<String>) -> Self {
        self.query_param("api_key_hash", hash)
    }

    /// `user_id=<id>`.
    pub fn user_id(self, user_id: impl Into<String>) -> Self {
        self.query_param("user_id", user_id)
    }

    /// `group_by=<dimension>`; a string or an `ActivityGroupBy`.
    pub fn group_by(self, group_by: impl fmt::Display) -> Self {
        self.query_param("group_by", group_by.to_string())
    }

    /// `workspace_id=<id>`.
    pub fn workspace_id(self, workspace_id: impl Into<String>) -> Self {
        self.query_param("workspace_id", workspace_id)
    }

    /// The header `name` is sent once, with `value` (names compare case-insensitively).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), Some(value.into())));
        self
    }

    /// The header `name` is not sent.
    pub fn no_header(mut self, name: impl Into<String>) -> Self {
        self.headers.push((name.into(), None));
        self
    }

    /// `Authorization: Bearer <key>`. Assertion messages never show the key.
    pub fn api_key(self, key: impl fmt::Display) -> Self {
        self.header("authorization", format!("Bearer {key}"))
    }

    /// `User-Agent: <agent>`.
    pub fn user_agent(self, agent: impl Into<String>) -> Self {
        self.header("user-agent", agent)
    }

    /// `HTTP-Referer: <url>`.
    pub fn http_referer(self, url: impl Into<String>) -> Self {
        self.header("http-referer", url)
    }

    /// `X-OpenRouter-Title: <title>`.
    pub fn app_title(self, title: impl Into<String>) -> Self {
        self.header("x-openrouter-title", title)
    }

    /// `X-OpenRouter-Categories: <a>,<b>`: the categories comma-joined, as the client
    /// sends them.
    pub fn app_categories<I, S>(self, categories: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let joined = categories
            .into_iter()
            .map(|c| c.as_ref().to_string())
            .collect::<Vec<_>>()
            .join(",");
        self.header("x-openrouter-categories", joined)
    }

    /// None of `HTTP-Referer`, `X-OpenRouter-Title` and `X-OpenRouter-Categories` is
    /// sent.
    pub fn no_app_headers(mut self) -> Self {
        for name in APP_HEADERS {
            self = self.no_header(name);
        }
        self
    }

    /// The body is JSON equal to `value` (object key order does not matter).
    pub fn json_body(mut self, value: &impl Serialize) -> Self {
        self.json_body = Some(
            serde_json::to_value(value)
                .unwrap_or_else(|err| Value::String(format!("cannot serialize: {err}"))),
        );
        self
    }

    /// Every way `request` differs from this expectation, one line each; empty when
    /// it matches. Values of `authorization` and `cookie` are never included.
    pub fn mismatches(&self, request: &SentRequest) -> Vec<String> {
        let mut out = Vec::new();
        for (name, expected) in &self.query {
            let sent: Vec<&str> = request.query_values(name).collect();
            compare(
                &format!("query parameter `{name}`"),
                expected.as_deref(),
                &sent,
                false,
                &mut out,
            );
        }
        if self.no_other_query {
            for (name, value) in request.query_params() {
                if !self.query.iter().any(|(listed, _)| listed == name) {
                    out.push(format!(
                        "query parameter `{name}`: unexpected, sent {value:?}"
                    ));
                }
            }
        }
        for (name, expected) in &self.headers {
            let sent: Vec<&str> = request.header_values(name).collect();
            compare(
                &format!("header `{name}`"),
                expected.as_deref(),
                &sent,
                is_secret(name),
                &mut out,
            );
        }
        if let Some(expected) = &self.json_body {
            match request.body_json() {
                Some(sent) => json_differences(expected, &sent, "", &mut out),
                None => out.push(format!(
                    "JSON body: expected {expected}, sent {:?} (not JSON)",
                    String::from_utf8_lossy(request.body())
                )),
            }
        }
        out
    }
}

/// One line per place where `sent` differs from `expected`, named by its JSON path
/// (`.order_by.direction`, `.filters[1].value`).
fn json_differences(expected: &Value, sent: &Value, path: &str, out: &mut Vec<String>) {
    let at = if path.is_empty() { "(root)" } else { path };
    match (expected, sent) {
        (Value::Object(want), Value::Object(got)) => {
            for (key, want_value) in want {
                let child = format!("{path}.{key}");
                match got.get(key) {
                    Some(got_value) => json_differences(want_value, got_value, &child, out),
                    None => out.push(format!(
                        "JSON body at {child}: expected {want_value}, not sent"
                    )),
                }
            }
            for (key, got_value) in got {
                if !want.contains_key(key) {
                    out.push(format!(
                        "JSON body at {path}.{key}: unexpected, sent {got_value}"
                    ));
                }
            }
        }
        (Value::Array(want), Value::Array(got)) if want.len() == got.len() => {
            for (index, (w, g)) in want.iter().zip(got).enumerate() {
                json_differences(w, g, &format!("{path}[{index}]"), out);
            }
        }
        _ if expected == sent => {}
        _ => out.push(format!(
            "JSON body at {at}: expected {expected}, sent {sent}"
        )),
    }
}

fn compare(what: &str, expected: Option<&str>, sent: &[&str], secret: bool, out: &mut Vec<String>) {
    let shown = |values: &[&str]| -> String {
        if secret {
            format!("{} value(s), not shown", values.len())
        } else {
            format!("{values:?}")
        }
    };
    match (expected, sent) {
        (Some(expected), [only]) if *only == expected => {}
        (Some(_), []) => out.push(format!("{what}: not sent")),
        (Some(_), _) if secret => out.push(format!(
            "{what}: differs from the expected value (sent {})",
            shown(sent)
        )),
        (Some(expected), _) => out.push(format!("{what}: expected {expected:?}, sent {sent:?}")),
        (None, []) => {}
        (None, _) => out.push(format!("{what}: expected absent, sent {}", shown(sent))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &[(&str, &str)], headers: &[(&str, &str)], body: &str) -> SentRequest {
        let owned = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        SentRequest {
            method: "GET".into(),
            path: "/activity".into(),
            query: owned(query),
            headers: owned(headers),
            body: body.as_bytes().to_vec(),
            received_at: Instant::now(),
        }
    }

    #[test]
    fn a_matching_request_has_no_mismatches() {
        let sent = request(
            &[("date", "2026-11-01"), ("group_by", "workspace")],
            &[
                ("authorization", "Bearer sk-1"),
                ("x-openrouter-categories", "a,b"),
            ],
            r#"{"b": 1, "a": [2]}"#,
        );
        let expected = ExpectedRequest::new()
            .date("2026-11-01")
            .group_by("workspace")
            .no_query_param("user_id")
            .no_other_query_params()
            .api_key("sk-1")
            .header("X-OpenRouter-Categories", "a,b")
            .app_categories(["a", "b"])
            .no_header("http-referer")
            .json_body(&serde_json::json!({"a": [2], "b": 1}));
        assert_eq!(expected.mismatches(&sent), Vec::<String>::new());
    }

    #[test]
    fn each_difference_is_one_line_and_secrets_stay_hidden() {
        let sent = request(
            &[("date", "2026-11-02"), ("user_id", "u"), ("extra", "1")],
            &[
                ("authorization", "Bearer sk-wrong"),
                ("x-openrouter-title", "T"),
            ],
            "not json",
        );
        let expected = ExpectedRequest::new()
            .date("2026-11-01")
            .workspace_id("w")
            .no_query_param("user_id")
            .user_id("u")
            .no_other_query_params()
            .api_key("sk-right")
            .no_app_headers()
            .json_body(&serde_json::json!({}));
        let lines = expected.mismatches(&sent);
        assert_eq!(
            lines,
            vec![
                r#"query parameter `date`: expected "2026-11-01", sent ["2026-11-02"]"#,
                "query parameter `workspace_id`: not sent",
                r#"query parameter `user_id`: expected absent, sent ["u"]"#,
                r#"query parameter `extra`: unexpected, sent "1""#,
                "header `authorization`: differs from the expected value (sent 1 value(s), not shown)",
                r#"header `x-openrouter-title`: expected absent, sent ["T"]"#,
                r#"JSON body: expected {}, sent "not json" (not JSON)"#,
            ]
        );
        let all = format!("{lines:?} {sent:?}");
        assert!(
            !all.contains("sk-wrong") && !all.contains("sk-right"),
            "{all}"
        );
    }

    #[test]
    fn json_bodies_are_compared_place_by_place() {
        let sent = request(
            &[],
            &[],
            r#"{"metrics": ["a"], "limit": 100, "order_by": {"field": "x", "direction": "asc"}, "extra": 1}"#,
        );
        let expected = ExpectedRequest::new().json_body(&serde_json::json!({
            "metrics": ["a", "b"],
            "limit": 101,
            "order_by": {"field": "x", "direction": "desc"},
            "dimensions": ["model"]
        }));
        assert_eq!(
            expected.mismatches(&sent),
            vec![
                r#"JSON body at .dimensions: expected ["model"], not sent"#,
                "JSON body at .limit: expected 101, sent 100",
                r#"JSON body at .metrics: expected ["a","b"], sent ["a"]"#,
                r#"JSON body at .order_by.direction: expected "desc", sent "asc""#,
                "JSON body at .extra: unexpected, sent 1",
            ]
        );
        let root = ExpectedRequest::new().json_body(&1).mismatches(&sent);
        assert_eq!(root.len(), 1);
        assert!(
            root[0].starts_with("JSON body at (root): expected 1, sent {"),
            "{root:?}"
        );
    }

    #[test]
    fn a_repeated_parameter_does_not_match_a_single_value() {
        let sent = request(&[("date", "2026-11-01"), ("date", "2026-11-02")], &[], "");
        let lines = ExpectedRequest::new().date("2026-11-01").mismatches(&sent);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(
            sent.summary(),
            "GET /activity?date=2026-11-01&date=2026-11-02"
        );
    }
}
