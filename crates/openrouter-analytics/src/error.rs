//! The crate's one error type.

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Most bytes of a response body an [`Error`] keeps, so that a huge error page cannot
/// flood a caller's logs or memory.
pub const MAX_BODY_SNIPPET: usize = 2048;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, coarsely: the thing to `match` on.
///
/// HTTP statuses map as: 400 [`BadRequest`](Self::BadRequest), 401
/// [`Unauthorized`](Self::Unauthorized), 403 [`Forbidden`](Self::Forbidden), 404
/// [`NotFound`](Self::NotFound), 429 [`RateLimited`](Self::RateLimited), 5XX
/// [`Server`](Self::Server), any other error status [`OtherStatus`](Self::OtherStatus).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 400: OpenRouter rejected the request's parameters.
    BadRequest,
    /// 401: no API key, or one OpenRouter does not know.
    Unauthorized,
    /// 403: the key may not do this; the Analytics API needs a management key.
    Forbidden,
    /// 404: nothing matched.
    NotFound,
    /// 429: too many requests.
    RateLimited,
    /// 5XX: OpenRouter failed.
    Server,
    /// Any other non-success status, e.g. 408.
    OtherStatus,
    /// The connection could not be made or broke before the response was complete.
    Connection,
    /// An attempt took longer than its timeout.
    Timeout,
    /// A successful response whose body is not what the API describes.
    Decode,
    /// The client could not be built: no API key, an invalid header value or URL.
    Config,
    /// A parameter was invalid (e.g. a malformed date); nothing was sent.
    InvalidRequest,
    /// The blocking client could not run the call: its runtime has shut down, or it
    /// was called from that runtime's own thread.
    Runtime,
}

impl ErrorKind {
    /// The kind of an HTTP error status.
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            429 => Self::RateLimited,
            500..=599 => Self::Server,
            _ => Self::OtherStatus,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::BadRequest => "bad request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not found",
            Self::RateLimited => "rate limited",
            Self::Server => "server error",
            Self::OtherStatus => "unexpected status",
            Self::Connection => "connection failed",
            Self::Timeout => "timed out",
            Self::Decode => "undecodable response",
            Self::Config => "invalid configuration",
            Self::InvalidRequest => "invalid request",
            Self::Runtime => "blocking client unavailable",
        }
    }
}

/// OpenRouter's own description of an error, from the `error` object of its body.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiErrorDetail {
    /// OpenRouter's error code (usually the HTTP status).
    pub code: i64,
    /// OpenRouter's message.
    pub message: String,
    /// Extra facts, such as a provider's raw error, when OpenRouter sent any.
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Everything that can go wrong calling OpenRouter.
///
/// `Display` is one short line without secrets or headers, fit for a log; the accessors
/// give the details. The error is `Send + Sync + 'static`, so it works with `anyhow`,
/// `Box<dyn Error>` and across tasks.
///
/// ```
/// # use openrouter_analytics::{Error, ErrorKind};
/// fn explain(err: &Error) -> String {
///     match err.kind() {
///         ErrorKind::Forbidden if err.needs_management_key() => "use a management key".into(),
///         ErrorKind::RateLimited | ErrorKind::Server => format!("try later ({err})"),
///         _ => err.to_string(),
///     }
/// }
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    operation: Option<&'static str>,
    status: Option<StatusCode>,
    detail: Option<ApiErrorDetail>,
    body_snippet: Option<String>,
    headers: Option<HeaderMap>,
    attempts: u32,
    message: Option<String>,
    source: Option<BoxedSource>,
}

pub(crate) type BoxedSource = Box<dyn std::error::Error + Send + Sync + 'static>;

impl Error {
    fn new(kind: ErrorKind) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                operation: None,
                status: None,
                detail: None,
                body_snippet: None,
                headers: None,
                attempts: 0,
                message: None,
                source: None,
            }),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        let mut err = Self::new(ErrorKind::Config);
        err.inner.message = Some(message.into());
        err
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        let mut err = Self::new(ErrorKind::InvalidRequest);
        err.inner.message = Some(message.into());
        err
    }

    /// The blocking client's runtime cannot run the call.
    #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
    pub(crate) fn runtime(message: impl Into<String>) -> Self {
        let mut err = Self::new(ErrorKind::Runtime);
        err.inner.message = Some(message.into());
        err
    }

    /// A connection failure or timeout, from reqwest.
    pub(crate) fn transport(source: reqwest::Error) -> Self {
        let kind = if source.is_timeout() {
            ErrorKind::Timeout
        } else {
            ErrorKind::Connection
        };
        let mut err = Self::new(kind);
        // reqwest's own message names the URL; the cause chain says what failed.
        err.inner.message = Some(transport_summary(&source));
        err.inner.source = Some(Box::new(source));
        err
    }

    /// A non-success response.
    pub(crate) fn from_status(
        status: StatusCode,
        headers: HeaderMap,
        detail: Option<ApiErrorDetail>,
        body: &[u8],
    ) -> Self {
        let mut err = Self::new(ErrorKind::from_status(status));
        err.inner.status = Some(status);
        err.inner.headers = Some(headers);
        if detail.is_none() {
            err.inner.body_snippet = Some(snippet(body));
        }
        err.inner.detail = detail;
        err
    }

    /// A success response whose body could not be decoded.
    pub(crate) fn decode(
        status: Option<StatusCode>,
        headers: Option<HeaderMap>,
        body: &[u8],
        message: String,
        source: Option<BoxedSource>,
    ) -> Self {
        let mut err = Self::new(ErrorKind::Decode);
        err.inner.status = status;
        err.inner.headers = headers;
        err.inner.body_snippet = Some(snippet(body));
        err.inner.message = Some(message);
        err.inner.source = source;
        err
    }

    pub(crate) fn with_operation(mut self, operation: &'static str) -> Self {
        self.inner.operation = Some(operation);
        self
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    /// What went wrong, coarsely.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The operation that failed, in snake case (`get_user_activity`), if one had started.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// OpenRouter's `error` object, when the body had one.
    pub fn detail(&self) -> Option<&ApiErrorDetail> {
        self.inner.detail.as_ref()
    }

    /// OpenRouter's error message, when the body had one.
    pub fn api_message(&self) -> Option<&str> {
        self.inner.detail.as_ref().map(|d| d.message.as_str())
    }

    /// The start of the body (at most [`MAX_BODY_SNIPPET`] bytes, lossily decoded) when
    /// it was not an OpenRouter error object: an HTML error page, truncated JSON...
    pub fn body_snippet(&self) -> Option<&str> {
        self.inner.body_snippet.as_deref()
    }

    /// The response headers, when a response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// How many attempts were made before giving up (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// True for a 403 whose message says only management keys may call the endpoint.
    /// The fix is to create a management key in OpenRouter's settings and use it.
    pub fn needs_management_key(&self) -> bool {
        self.inner.kind == ErrorKind::Forbidden
            && [self.api_message(), self.body_snippet()]
                .into_iter()
                .flatten()
                .any(|text| text.to_ascii_lowercase().contains("management key"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        if let Some(operation) = inner.operation {
            write!(f, "{operation}: ")?;
        }
        match inner.status {
            Some(status) => write!(f, "{} ({status})", inner.kind.describe())?,
            None => f.write_str(inner.kind.describe())?,
        }
        let text = inner
            .detail
            .as_ref()
            .map(|d| d.message.as_str())
            .or(inner.message.as_deref())
            .or(inner.body_snippet.as_deref());
        if let Some(text) = text {
            write!(f, ": {}", one_line(text, 200))?;
        }
        if self.needs_management_key() {
            f.write_str(
                " (this endpoint needs a management key: create one at \
                 https://openrouter.ai/settings/management-keys and use it as the API key)",
            )?;
        }
        if inner.attempts > 1 {
            write!(f, " (after {} attempts)", inner.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let mut s = f.debug_struct("Error");
        s.field("kind", &inner.kind);
        if let Some(operation) = inner.operation {
            s.field("operation", &operation);
        }
        if let Some(status) = inner.status {
            s.field("status", &status);
        }
        if let Some(detail) = &inner.detail {
            s.field("detail", detail);
        }
        if let Some(snippet) = &inner.body_snippet {
            s.field("body_snippet", &one_line(snippet, 200));
        }
        if let Some(message) = &inner.message {
            s.field("message", message);
        }
        s.field("attempts", &inner.attempts);
        if let Some(source) = &inner.source {
            s.field("source", &source.to_string());
        }
        s.finish_non_exhaustive()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The innermost cause of a reqwest error, which says what actually failed
/// ("Connection refused", "operation timed out"), without reqwest's outer wording.
fn transport_summary(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

fn snippet(body: &[u8]) -> String {
    let cut = &body[..body.len().min(MAX_BODY_SNIPPET)];
    let text = String::from_utf8_lossy(cut);
    // A multi-byte character cut in half decodes as U+FFFD; drop that tail.
    text.trim_end_matches('\u{FFFD}').to_string()
}

/// `text` on one line, cut to `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max + 1)
        .collect();
    if flat.chars().count() > max {
        let mut cut: String = flat.chars().take(max).collect();
        cut.push('…');
        cut
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_sync_static() {
        fn assert_bounds<T: Send + Sync + 'static + std::error::Error>() {}
        assert_bounds::<Error>();
    }

    #[test]
    fn statuses_map_to_kinds() {
        let cases = [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (408, ErrorKind::OtherStatus),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::Server),
            (503, ErrorKind::Server),
            (418, ErrorKind::OtherStatus),
        ];
        for (code, kind) in cases {
            let status = StatusCode::from_u16(code).expect("valid");
            assert_eq!(ErrorKind::from_status(status), kind, "{code}");
        }
    }

    #[test]
    fn display_is_one_bounded_line_and_names_the_management_key_fix() {
        let detail = ApiErrorDetail {
            code: 403,
            message: "Only management keys can perform this operation".into(),
            metadata: None,
        };
        let err = Error::from_status(StatusCode::FORBIDDEN, HeaderMap::new(), Some(detail), b"")
            .with_operation("get_user_activity")
            .with_attempts(1);
        let shown = err.to_string();
        assert!(err.needs_management_key());
        assert!(shown.starts_with("get_user_activity: forbidden (403 Forbidden): Only management"));
        assert!(shown.contains("settings/management-keys"));
        assert!(!shown.contains('\n'));

        let page = format!("<html>\n{}\n</html>", "x".repeat(10_000));
        let err = Error::from_status(
            StatusCode::BAD_GATEWAY,
            HeaderMap::new(),
            None,
            page.as_bytes(),
        );
        assert_eq!(err.body_snippet().map(str::len), Some(MAX_BODY_SNIPPET));
        let shown = err.to_string();
        assert!(shown.len() < 300, "{shown}");
        assert!(!shown.contains('\n'));
    }

    #[test]
    fn snippet_never_splits_a_character() {
        let body = "é".repeat(MAX_BODY_SNIPPET);
        let s = snippet(body.as_bytes());
        assert!(!s.contains('\u{FFFD}'));
        assert_eq!(s.len(), MAX_BODY_SNIPPET);
    }
}
