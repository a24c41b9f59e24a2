//! The crate's one error type.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::secrets::{REDACTED, Secrets};

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
    /// Retried: it may work next time (a temporary DNS failure is one of these).
    Connection,
    /// TLS failed: the server's certificate is not trusted (self-signed, expired, for
    /// another name) or the handshake failed (e.g. `https://` to a plain-HTTP port).
    /// Never retried: the next attempt would meet the same certificate.
    Tls,
    /// DNS says the base URL's host name does not exist. Never retried: check the
    /// base URL.
    UnknownHost,
    /// An attempt took longer than its timeout.
    Timeout,
    /// A successful response whose body is not what the API describes.
    Decode,
    /// The client could not be built: no API key, an invalid header value or URL.
    Config,
    /// A parameter was invalid (e.g. a malformed date) or the request could not be
    /// built; nothing was sent.
    InvalidRequest,
    /// The blocking client could not run the call: its runtime has shut down, or it
    /// was called from that runtime's own thread.
    Runtime,
    /// A successful response's body was longer than the client's limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes),
    /// default [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES)); the
    /// rest was not read. Never retried: the next answer would be as long. A write
    /// may have been applied.
    ResponseTooLarge,
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
            Self::Tls => "TLS failure",
            Self::UnknownHost => "unknown host",
            Self::Timeout => "timed out",
            Self::Decode => "undecodable response",
            Self::Config => "invalid configuration",
            Self::InvalidRequest => "invalid request",
            Self::Runtime => "blocking client unavailable",
            Self::ResponseTooLarge => "response too large",
        }
    }
}

impl fmt::Display for ErrorKind {
    /// A few lowercase words, e.g. `rate limited`, `connection failed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// OpenRouter's own description of an error, from the `error` object of its body.
// Non-exhaustive: OpenRouter may add fields to its error object.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
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
    /// Whether the request may have reached the server (false only when the failure
    /// was in connecting), which decides whether a write may be sent again.
    maybe_sent: bool,
    /// The body was not kept because the operation's bodies carry a secret.
    body_withheld: bool,
    /// A 404 to a retried DELETE after an earlier attempt that may have been applied.
    already_gone: bool,
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
                maybe_sent: false,
                body_withheld: false,
                already_gone: false,
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

    /// A failure to get a response, from reqwest: classified by its cause chain into
    /// a retryable connection failure or timeout, or a permanent TLS, DNS or request
    /// building failure.
    pub(crate) fn transport(source: reqwest::Error) -> Self {
        let host = source
            .url()
            .and_then(|url| url.host_str())
            .unwrap_or("the server")
            .to_owned();
        // reqwest's own message names the URL; the cause chain says what failed.
        let cause = transport_summary(&source);
        let (kind, message) = if source.is_builder() {
            (
                ErrorKind::InvalidRequest,
                format!("the request could not be built: {cause}"),
            )
        } else {
            match classify_cause(&source) {
                Cause::Tls(detail) => (
                    ErrorKind::Tls,
                    format!(
                        "{host}: {detail}; check the base URL's scheme and host, and that \
                         the server's certificate is trusted"
                    ),
                ),
                Cause::UnknownHost => (
                    ErrorKind::UnknownHost,
                    format!("{host} does not exist ({cause}); check the base URL"),
                ),
                Cause::Other if source.is_timeout() => (ErrorKind::Timeout, cause),
                Cause::Other => (ErrorKind::Connection, cause),
            }
        };
        let mut err = Self::new(kind);
        err.inner.message = Some(message);
        // A failure while connecting (refused, unreachable, TLS) sent nothing; after
        // that, the request may have been read.
        err.inner.maybe_sent = !source.is_connect() && !source.is_builder();
        err.inner.source = Some(Box::new(source));
        err
    }

    /// An attempt cut short because the call's retry budget ran out.
    pub(crate) fn out_of_time(budget: Duration) -> Self {
        let mut err = Self::new(ErrorKind::Timeout);
        err.inner.maybe_sent = true;
        err.inner.message = Some(format!(
            "no answer before the call's time budget of {budget:?} ran out \
             (RetryConfig::max_elapsed_time)"
        ));
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
        // A 429 is a refusal before any work; any other status may follow a change.
        err.inner.maybe_sent = status != StatusCode::TOO_MANY_REQUESTS;
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

    /// A successful response whose body went over the client's limit of `limit` bytes.
    pub(crate) fn too_large(limit: usize, head: Option<(StatusCode, HeaderMap)>) -> Self {
        let mut err = Self::new(ErrorKind::ResponseTooLarge);
        if let Some((status, headers)) = head {
            err.inner.status = Some(status);
            err.inner.headers = Some(headers);
        }
        // The request was read and answered: a write went through.
        err.inner.maybe_sent = true;
        err.inner.message = Some(format!(
            "the body is longer than the limit of {} ({limit} bytes); raise \
             ClientBuilder::max_response_bytes to accept it",
            human_bytes(limit)
        ));
        err
    }

    /// Replaces every secret the call sent (see `secrets.rs`) wherever server text
    /// reached this error: OpenRouter's message and metadata, the body snippet, a
    /// decoding message, the cause chain and the response headers.
    pub(crate) fn scrub(mut self, secrets: &Secrets) -> Self {
        if secrets.is_empty() {
            return self;
        }
        let inner = &mut *self.inner;
        if let Some(detail) = &mut inner.detail {
            secrets.scrub_string(&mut detail.message);
            if let Some(metadata) = detail.metadata.take() {
                let mut metadata = serde_json::Value::Object(metadata);
                secrets.scrub_json(&mut metadata);
                if let serde_json::Value::Object(metadata) = metadata {
                    detail.metadata = Some(metadata);
                }
            }
        }
        for text in [&mut inner.message, &mut inner.body_snippet]
            .into_iter()
            .flatten()
        {
            secrets.scrub_string(text);
        }
        if let Some(headers) = &mut inner.headers {
            for value in headers.values_mut() {
                if secrets.found_in(&String::from_utf8_lossy(value.as_bytes())) {
                    *value = reqwest::header::HeaderValue::from_static(REDACTED);
                }
            }
        }
        if let Some(source) = &inner.source
            && chain_holds(source.as_ref(), secrets)
        {
            // The cause chain cannot be rewritten in place: keep its scrubbed words.
            let text = secrets.scrub(&chain_text(source.as_ref())).into_owned();
            inner.source = Some(Box::new(Scrubbed(text)));
        }
        self
    }

    /// A list whose pages do not add up (an item twice, fewer items than
    /// `total_count`, too many pages): paging stopped rather than return part of it.
    pub(crate) fn incomplete_list(message: String) -> Self {
        let mut err = Self::new(ErrorKind::Decode);
        err.inner.message = Some(message);
        err
    }

    /// Whether the failed attempt may have changed something on the server, so that
    /// sending a write again could do it twice.
    pub(crate) fn may_have_reached_server(&self) -> bool {
        self.inner.maybe_sent
    }

    /// Drops everything this error kept of the response body, for an operation whose
    /// bodies may hold a secret: the snippet goes, and a decoding failure keeps only
    /// what the parser says about the API's own schema (a missing field's name, the
    /// line and column), never a value it quotes from the body.
    pub(crate) fn withhold_body(mut self) -> Self {
        let inner = &mut self.inner;
        if inner.body_snippet.take().is_some() {
            inner.body_withheld = true;
        }
        if inner.kind == ErrorKind::Decode {
            if let Some(source) = inner.source.take() {
                inner.message = Some(match source.downcast_ref::<serde_json::Error>() {
                    Some(json) => safe_json_message(json),
                    None => "the response does not match the API's description".to_owned(),
                });
            }
            inner.body_withheld = true;
        }
        self
    }

    /// Marks a 404 to a DELETE sent again after an attempt that may have been applied.
    pub(crate) fn already_gone(mut self) -> Self {
        self.inner.already_gone = true;
        self
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

    /// True for a 404 to a DELETE that was sent again after an earlier attempt may
    /// have been applied (its connection broke after the request went out, it timed
    /// out, or it got a 5XX): the thing is most likely gone because that earlier
    /// attempt deleted it, and only its answer was lost. The kind stays
    /// [`ErrorKind::NotFound`]; treat this as done rather than as a wrong id.
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> openrouter_analytics::Result<()> {
    /// match client.api_keys().delete().hash("6f1c").send().await {
    ///     Ok(_) => println!("deleted"),
    ///     Err(err) if err.is_already_gone() => println!("deleted (the answer was lost)"),
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_already_gone(&self) -> bool {
        self.inner.already_gone
    }

    /// True when the response body was not kept because the operation's bodies may
    /// hold a secret (e.g. the new key of `api_keys().create()`):
    /// [`body_snippet`](Self::body_snippet) is then `None` whatever the body was.
    pub fn body_withheld(&self) -> bool {
        self.inner.body_withheld
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
        let text = [
            inner.detail.as_ref().map(|d| d.message.as_str()),
            inner.message.as_deref(),
            inner.body_snippet.as_deref(),
        ]
        .into_iter()
        .flatten()
        .find(|text| !text.trim().is_empty());
        match text {
            Some(text) => write!(f, ": {}", one_line(text, 200))?,
            // Say so rather than end on a bare colon.
            None if inner.detail.is_some() => f.write_str(": the error had no message")?,
            None if inner.body_withheld => f.write_str(WITHHELD)?,
            None if inner.status.is_some() => f.write_str(": the response had no body")?,
            None => {}
        }
        if inner.body_withheld && text.is_some() {
            f.write_str(WITHHELD)?;
        }
        if inner.already_gone {
            f.write_str(
                " (the DELETE was sent again after an attempt whose answer was lost; that \
                 attempt most likely deleted it)",
            )?;
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
        if inner.body_withheld {
            s.field(
                "body_snippet",
                &"<withheld: the operation's bodies carry a secret>",
            );
        }
        if inner.already_gone {
            s.field("already_gone", &true);
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

/// Whether the text of any error in the chain from `error` holds a secret.
fn chain_holds(error: &(dyn std::error::Error + 'static), secrets: &Secrets) -> bool {
    let mut cause = Some(error);
    while let Some(current) = cause {
        if secrets.found_in(&current.to_string()) || secrets.found_in(&format!("{current:?}")) {
            return true;
        }
        cause = current.source();
    }
    false
}

/// The chain from `error` as one line: `outer: inner: innermost`.
fn chain_text(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(current) = cause {
        text.push_str(": ");
        text.push_str(&current.to_string());
        cause = current.source();
    }
    text
}

/// A cause whose text held a secret, in its scrubbed words.
#[derive(Debug)]
struct Scrubbed(String);

impl fmt::Display for Scrubbed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Scrubbed {}

/// `bytes` in the largest binary unit that keeps it whole-ish: `64 MiB`, `1.5 KiB`.
fn human_bytes(bytes: usize) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    // Precision does not matter in a message: f64 is exact enough up to 2^53.
    #[allow(clippy::cast_precision_loss)]
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else if value.fract() == 0.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
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

/// What a transport error's cause chain says about retrying it.
#[derive(Debug, PartialEq, Eq)]
enum Cause {
    /// A TLS failure, with rustls's description.
    Tls(String),
    /// DNS answered that the name does not exist.
    UnknownHost,
    /// Anything else: maybe temporary.
    Other,
}

/// Walks `error`'s cause chain for a rustls error or a definite DNS "no such name".
fn classify_cause(error: &(dyn std::error::Error + 'static)) -> Cause {
    let mut cause = Some(error);
    while let Some(current) = cause {
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return Cause::Tls(tls.to_string());
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            if is_unknown_host(io) {
                return Cause::UnknownHost;
            }
            // `io::Error::source` skips the error it wraps (it returns that error's
            // source), and the wrapped one is where rustls puts its error.
            if let Some(inner) = io.get_ref() {
                cause = Some(inner);
                continue;
            }
        }
        cause = current.source();
    }
    Cause::Other
}

/// Whether a resolver error says the name does not exist, as opposed to a temporary
/// failure ("Temporary failure in name resolution") that a retry may get past.
fn is_unknown_host(error: &std::io::Error) -> bool {
    /// Windows' WSAHOST_NOT_FOUND, which std reports as an OS error.
    const WSAHOST_NOT_FOUND: i32 = 11001;
    const NO_SUCH_NAME: [&str; 3] = [
        // glibc and musl (EAI_NONAME, EAI_NODATA)
        "Name or service not known",
        "No address associated with hostname",
        // macOS and the BSDs (EAI_NONAME)
        "nodename nor servname provided, or not known",
    ];
    if cfg!(windows) && error.raw_os_error() == Some(WSAHOST_NOT_FOUND) {
        return true;
    }
    // std's wording for a getaddrinfo failure, followed by gai_strerror's.
    let message = error.to_string();
    message.starts_with("failed to lookup address information")
        && NO_SUCH_NAME.iter().any(|text| message.contains(text))
}

/// What `Display` adds when the body was withheld.
const WITHHELD: &str = " (the response body is not shown: this operation's answers carry a secret)";

/// A JSON decoding error in words that quote nothing from the body: serde_json puts
/// the offending value in some messages (`invalid type: string "..."`), and the value
/// may be the secret.
fn safe_json_message(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let text = error.to_string();
    let what = match error.classify() {
        // Field names come from the API's schema, not from the body.
        Category::Data if text.starts_with("missing field") => {
            return text;
        }
        Category::Data => "the JSON does not match the API's description",
        Category::Syntax => "the body is not valid JSON",
        Category::Eof => "the body ended before the JSON did",
        Category::Io => "the body could not be read",
    };
    format!("{what} at line {} column {}", error.line(), error.column())
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

    #[test]
    fn an_empty_or_blank_error_body_reads_as_a_sentence() {
        for body in [&b""[..], b"  \r\n\t "] {
            let err = Error::from_status(
                StatusCode::SERVICE_UNAVAILABLE,
                HeaderMap::new(),
                None,
                body,
            )
            .with_operation("get_user_activity")
            .with_attempts(1);
            assert_eq!(
                err.to_string(),
                "get_user_activity: server error (503 Service Unavailable): the response had no body"
            );
        }
        let blank = ApiErrorDetail {
            code: 500,
            message: " ".into(),
            metadata: None,
        };
        let err = Error::from_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            HeaderMap::new(),
            Some(blank),
            b"",
        )
        .with_operation("get_analytics_meta")
        .with_attempts(3);
        assert_eq!(
            err.to_string(),
            "get_analytics_meta: server error (500 Internal Server Error): the error had no \
             message (after 3 attempts)"
        );
    }

    /// An error with a source, standing in for the layers of reqwest and hyper-util.
    #[derive(Debug)]
    struct Layer {
        message: &'static str,
        source: Box<dyn std::error::Error + Send + Sync>,
    }

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.message)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&*self.source)
        }
    }

    /// `client error (Connect)` → `dns error` → the resolver's io::Error, as reqwest
    /// reports a failed lookup.
    fn dns_failure(resolver_says: &'static str) -> Layer {
        let io = std::io::Error::other(format!(
            "failed to lookup address information: {resolver_says}"
        ));
        Layer {
            message: "client error (Connect)",
            source: Box::new(Layer {
                message: "dns error",
                source: Box::new(io),
            }),
        }
    }

    #[test]
    fn a_temporary_resolver_failure_may_be_retried_but_a_missing_name_may_not() {
        assert_eq!(
            classify_cause(&dns_failure("Temporary failure in name resolution")),
            Cause::Other
        );
        assert_eq!(
            classify_cause(&dns_failure("Name or service not known")),
            Cause::UnknownHost
        );
        assert_eq!(
            classify_cause(&dns_failure("nodename nor servname provided, or not known")),
            Cause::UnknownHost
        );
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(classify_cause(&refused), Cause::Other);
    }

    #[test]
    fn a_rustls_error_inside_an_io_error_is_a_tls_failure() {
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let chain = Layer {
            message: "client error (Connect)",
            source: Box::new(std::io::Error::new(std::io::ErrorKind::InvalidData, tls)),
        };
        assert_eq!(
            classify_cause(&chain),
            Cause::Tls("invalid peer certificate: UnknownIssuer".into())
        );
    }
}
