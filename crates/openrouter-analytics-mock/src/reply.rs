//! One canned HTTP answer.

use httpmock::HttpMockResponse;
use openrouter_analytics_api::types::{
    ActivityItem, AnalyticsMeta, AnalyticsMetaResponse, AnalyticsQueryResponse,
    AnalyticsQueryResult,
};
use serde::Serialize;
use serde_json::Value;

use crate::fixtures::{activity_response, error_response};

/// One answer the mock server gives: a status, headers and a body.
///
/// Build one with a constructor ([`Reply::activity`], [`Reply::error`], [`Reply::json`],
/// ...), add headers with [`Reply::header`], and hand one or more to
/// [`MockOpenRouter::replies`](crate::MockOpenRouter::replies).
///
/// ```
/// use openrouter_analytics_mock::{Reply, activity_row};
///
/// let rate_limited = Reply::error(429, "Rate limit exceeded").header("retry-after", "1");
/// assert_eq!(rate_limited.status(), 429);
/// let ok = Reply::activity([activity_row("openai/gpt-4o", 0.5)]);
/// assert_eq!(ok.status(), 200);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    /// `status` with `value` as a JSON body and `content-type: application/json`.
    ///
    /// A value that cannot be represented as JSON (a map with non-string keys, say)
    /// becomes a JSON string describing the problem, which a client fails to decode.
    pub fn json(status: u16, value: &impl Serialize) -> Self {
        let body = serde_json::to_vec(value).unwrap_or_else(|err| {
            Value::String(format!(
                "openrouter-analytics-mock: cannot serialize: {err}"
            ))
            .to_string()
            .into_bytes()
        });
        Self {
            status,
            headers: vec![("content-type".to_string(), "application/json".to_string())],
            body,
        }
    }

    /// `status` with no body and no headers, e.g. a `204 No Content`.
    pub(crate) fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// `status` with a `text/plain` body, e.g. a proxy's error page.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: vec![("content-type".to_string(), "text/plain".to_string())],
            body: body.into().into_bytes(),
        }
    }

    /// `200` with a `GET /activity` body holding `rows`.
    pub fn activity(rows: impl IntoIterator<Item = ActivityItem>) -> Self {
        Self::json(200, &activity_response(rows))
    }

    /// `200` with a `GET /analytics/meta` body.
    pub fn meta(meta: AnalyticsMeta) -> Self {
        Self::json(200, &AnalyticsMetaResponse { data: meta })
    }

    /// `200` with a `POST /analytics/query` body.
    pub fn query(result: AnalyticsQueryResult) -> Self {
        Self::json(200, &AnalyticsQueryResponse { data: result })
    }

    /// `status` with OpenRouter's error body, whose `code` is the status too.
    pub fn error(status: u16, message: impl Into<String>) -> Self {
        Self::json(status, &error_response(i64::from(status), message))
    }

    /// Adds a response header (e.g. `retry-after`, `x-request-id`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The headers, in the order they were added.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    pub(crate) fn to_response(&self) -> HttpMockResponse {
        HttpMockResponse::builder()
            .status(self.status)
            .headers(self.headers.iter().cloned())
            .body(self.body.clone())
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_replies_carry_openrouters_body() {
        let reply = Reply::error(503, "overloaded").header("retry-after", "2");
        let body: Value = serde_json::from_slice(reply.body()).expect("json");
        assert_eq!(
            body,
            serde_json::json!({"error": {"code": 503, "message": "overloaded"}})
        );
        assert_eq!(
            reply.headers(),
            [
                ("content-type".to_string(), "application/json".to_string()),
                ("retry-after".to_string(), "2".to_string())
            ]
        );
    }

    #[test]
    fn unserializable_values_become_an_explanation_not_a_panic() {
        let mut map = std::collections::HashMap::new();
        map.insert((1, 2), 3);
        let reply = Reply::json(200, &map);
        let text = String::from_utf8_lossy(reply.body()).into_owned();
        assert!(text.contains("cannot serialize"), "{text}");
    }
}
