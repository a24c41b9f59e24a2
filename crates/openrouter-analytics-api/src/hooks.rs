//! Hand-written: the `ClientHooks` impl for the generated `Client`.
//!
//! It has to live in this crate (the orphan rule forbids implementing a foreign trait
//! for a foreign type downstream). Everything a caller decides per attempt travels in
//! [`RequestContext`], the generated client's inner value, so the generated code stays
//! as progenitor writes it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{HeaderMap, HeaderName};

use crate::Client;

/// The media types a replaced body is sent as.
const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// What one attempt of one operation sends beyond its parameters, and where it
/// records the head of the response it got.
///
/// Build a [`Client`] with `Client::new_with_client(base_url, http_client, context)`
/// and keep a clone of the context to read the response head from; cloning a
/// context costs two reference-count increments.
#[derive(Clone, Default)]
pub struct RequestContext {
    // Shared so that cloning a context (once per call) never copies the headers.
    headers: Arc<HeaderMap>,
    timeout: Option<Duration>,
    error_body_limit: Option<usize>,
    success_body_limit: Option<usize>,
    keep_success_body: bool,
    // Kept, and not handed to the generated decoder (see `keeping_success_body_undecoded`).
    withhold_success_body: bool,
    // The exact body to send instead of the one the builder serialized, and its
    // media type (JSON, or a form for a form-encoded operation).
    json_body: Option<Bytes>,
    body_type: &'static str,
    // One allocation for both slots: a context is created for every call.
    received: Arc<Mutex<Received>>,
}

// Bodies by length only: a by-name request body may hold a provider key, and a kept
// success body may be a created key's answer.
impl std::fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let received = lock(&self.received);
        f.debug_struct("RequestContext")
            .field("headers", &self.headers)
            .field("timeout", &self.timeout)
            .field("error_body_limit", &self.error_body_limit)
            .field("success_body_limit", &self.success_body_limit)
            .field("keep_success_body", &self.keep_success_body)
            .field("withhold_success_body", &self.withhold_success_body)
            .field(
                "json_body",
                &self.json_body.as_ref().map(|body| BodyLength(body.len())),
            )
            .field("response_head", &received.head)
            .field(
                "success_body",
                &received
                    .success_body
                    .as_ref()
                    .map(|body| BodyLength(body.len())),
            )
            .finish()
    }
}

/// Shows a body as `<N bytes>`.
struct BodyLength(usize);

impl std::fmt::Debug for BodyLength {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{} bytes>", self.0)
    }
}

/// What the hooks saw of the response, for the caller to read after the attempt.
#[derive(Default)]
struct Received {
    head: Option<ResponseHead>,
    success_body: Option<Bytes>,
    /// The limit a successful response's body went over, when one did.
    over_limit: Option<usize>,
}

/// Status and headers of a response, kept even when its body cannot be decoded
/// (progenitor's `InvalidResponsePayload` carries neither).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseHead {
    /// The HTTP status.
    pub status: reqwest::StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
}

impl RequestContext {
    /// A context that sends `headers` (replacing any the request already has under
    /// the same names) and bounds the whole attempt, body included, by `timeout`.
    /// `headers` may be an `Arc<HeaderMap>` shared with other contexts.
    pub fn new(headers: impl Into<Arc<HeaderMap>>, timeout: Option<Duration>) -> Self {
        Self {
            headers: headers.into(),
            timeout,
            error_body_limit: None,
            success_body_limit: None,
            keep_success_body: false,
            withhold_success_body: false,
            json_body: None,
            body_type: JSON,
            received: Arc::default(),
        }
    }

    /// Keeps at most `limit` bytes of the body of a non-success response and closes
    /// the connection on the rest. The generated client reads the whole body of every
    /// error status the API describes; without a limit a broken or hostile server can
    /// make it buffer any amount.
    pub fn with_error_body_limit(mut self, limit: usize) -> Self {
        self.error_body_limit = Some(limit);
        self
    }

    /// Fails an attempt whose successful response has a body of more than `limit`
    /// bytes, counted as they arrive and after undoing any `Content-Encoding`, so that
    /// neither a huge page nor a small compressed bomb can make the decoder buffer
    /// more. The attempt then fails as a body error and
    /// [`take_over_limit`](Self::take_over_limit) says why.
    ///
    /// ```
    /// use openrouter_analytics_api::RequestContext;
    ///
    /// let context = RequestContext::default().with_success_body_limit(1 << 20);
    /// assert_eq!(context.success_body_limit(), Some(1 << 20));
    /// ```
    pub fn with_success_body_limit(mut self, limit: usize) -> Self {
        self.success_body_limit = Some(limit);
        self
    }

    /// The limit set by [`with_success_body_limit`](Self::with_success_body_limit).
    pub fn success_body_limit(&self) -> Option<usize> {
        self.success_body_limit
    }

    /// The limit of [`with_success_body_limit`](Self::with_success_body_limit) when
    /// the last attempt's body went over it; leaves nothing behind for the next one.
    pub fn take_over_limit(&self) -> Option<usize> {
        lock(&self.received).over_limit.take()
    }

    /// Keeps the exact bytes of a successful response's body, to be read with
    /// [`take_success_body`](Self::take_success_body) after the call. The body is
    /// still decoded as usual; the kept copy shares its buffer.
    pub fn keeping_success_body(mut self) -> Self {
        self.keep_success_body = true;
        self
    }

    /// As [`keeping_success_body`](Self::keeping_success_body), except that the
    /// operation's decoder is given an empty body instead of the one received: for a
    /// caller that checks the body itself without building the decoded value (a
    /// 90 MB list decodes into several times its size). The operation's `send` then
    /// fails on a successful answer it would have decoded, as
    /// [`Error::InvalidResponsePayload`](crate::Error::InvalidResponsePayload) of an
    /// empty body, and [`take_success_body`](Self::take_success_body) has the body.
    ///
    /// ```
    /// use openrouter_analytics_api::RequestContext;
    ///
    /// let context = RequestContext::default().keeping_success_body_undecoded();
    /// assert!(context.withholds_success_body());
    /// assert!(!RequestContext::default().keeping_success_body().withholds_success_body());
    /// ```
    pub fn keeping_success_body_undecoded(mut self) -> Self {
        self.keep_success_body = true;
        self.withhold_success_body = true;
        self
    }

    /// Whether the context was made by
    /// [`keeping_success_body_undecoded`](Self::keeping_success_body_undecoded).
    pub fn withholds_success_body(&self) -> bool {
        self.withhold_success_body
    }

    /// Sends `body` (JSON text) as the request body, exactly as given, instead of the
    /// one the operation's builder serialized from its typed body. The typed body is
    /// still built and checked; this only changes what goes on the wire, so that
    /// fields the spec does not know (or `null`s, or number spellings) are not lost.
    /// Calls by name (`openrouter api ... --body`) use it; the context applies it only
    /// to requests that have a body.
    ///
    /// ```
    /// use openrouter_analytics_api::RequestContext;
    ///
    /// let context = RequestContext::default().with_json_body(r#"{"name":"ci","new_field":1}"#);
    /// assert_eq!(context.json_body().map(|b| &b[..]), Some(&br#"{"name":"ci","new_field":1}"#[..]));
    /// ```
    pub fn with_json_body(mut self, body: impl Into<Bytes>) -> Self {
        self.json_body = Some(body.into());
        self.body_type = JSON;
        self
    }

    /// As [`with_json_body`](Self::with_json_body), for an operation whose body the
    /// spec says is form-encoded: `body` is `application/x-www-form-urlencoded` text
    /// and goes out with that content type.
    ///
    /// ```
    /// use openrouter_analytics_api::RequestContext;
    ///
    /// let context = RequestContext::default().with_form_body("scope=inference");
    /// assert_eq!(context.json_body().map(|b| &b[..]), Some(&b"scope=inference"[..]));
    /// ```
    pub fn with_form_body(mut self, body: impl Into<Bytes>) -> Self {
        self.json_body = Some(body.into());
        self.body_type = FORM;
        self
    }

    /// The body set by [`with_json_body`](Self::with_json_body) or
    /// [`with_form_body`](Self::with_form_body).
    pub fn json_body(&self) -> Option<&Bytes> {
        self.json_body.as_ref()
    }

    /// The body kept by [`keeping_success_body`](Self::keeping_success_body), if a
    /// successful response arrived since the last take.
    pub fn take_success_body(&self) -> Option<Bytes> {
        lock(&self.received).success_body.take()
    }

    /// The limit set by [`with_error_body_limit`](Self::with_error_body_limit).
    pub fn error_body_limit(&self) -> Option<usize> {
        self.error_body_limit
    }

    /// The headers this context adds to a request.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The per-attempt timeout, if any.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Status and headers of the response the attempt received, if it received one.
    pub fn response_head(&self) -> Option<ResponseHead> {
        lock(&self.received).head.clone()
    }

    /// Like [`response_head`](Self::response_head), but leaves nothing behind, so that
    /// a context reused for the next attempt cannot report this attempt's response.
    pub fn take_response_head(&self) -> Option<ResponseHead> {
        lock(&self.received).head.take()
    }

    fn record(&self, head: ResponseHead) {
        lock(&self.received).head = Some(head);
    }
}

/// A slot's guard; a panic elsewhere while holding it leaves only a stale value, so
/// poisoning is not an error here.
fn lock<T>(slot: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    slot.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl ClientHooks<RequestContext> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let context = self.inner();
        // No `api-version` header to remove: the xtask keeps progenitor from adding it.
        let headers = request.headers_mut();
        // Replace rather than add, so a per-call value wins over any earlier one.
        // `iter` yields a name's values one after another.
        let mut previous: Option<&HeaderName> = None;
        for (name, value) in context.headers.iter() {
            if previous == Some(name) {
                headers.append(name.clone(), value.clone());
            } else {
                headers.insert(name.clone(), value.clone());
            }
            previous = Some(name);
        }
        if let Some(timeout) = context.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        if let Some(body) = &context.json_body
            && request.body().is_some()
        {
            *request.body_mut() = Some(reqwest::Body::from(body.clone()));
            request.headers_mut().insert(
                reqwest::header::CONTENT_TYPE,
                reqwest::header::HeaderValue::from_static(context.body_type),
            );
        }
        Ok(())
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        if let Ok(response) = result {
            self.inner().record(ResponseHead {
                status: response.status(),
                headers: response.headers().clone(),
            });
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response = self.client().execute(request).await?;
        let context = self.inner();
        if !response.status().is_success() {
            return match context.error_body_limit {
                Some(limit) if !fits(&response, limit) => Ok(read_body(response, limit).await?.0),
                _ => Ok(response),
            };
        }
        let response = match context.success_body_limit {
            Some(limit) => capped(response, limit, &context.received),
            None => response,
        };
        if !context.keep_success_body {
            return Ok(response);
        }
        let (response, body) = read_body(response, usize::MAX).await?;
        lock(&context.received).success_body = Some(body);
        if context.withhold_success_body {
            let (parts, _kept) = http::Response::<reqwest::Body>::from(response).into_parts();
            return Ok(http::Response::from_parts(parts, reqwest::Body::from(Bytes::new())).into());
        }
        Ok(response)
    }
}

/// Whether the response announces a body of at most `limit` bytes. A compressed
/// response never does: reqwest decodes it before the hooks see it and drops its
/// `Content-Length` (the compressed size), so the cap always applies to decoded bytes.
fn fits(response: &reqwest::Response, limit: usize) -> bool {
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    response.content_length().is_some_and(|len| len <= limit)
}

/// `response` with a body that fails once more than `limit` bytes have come (and at
/// once when `Content-Length` announces more), noting the limit in `received`. A
/// response announcing a length within the limit is returned as it is: hyper never
/// reads past `Content-Length`, so only a body of unknown length (chunked, read to
/// the end of the connection, or compressed, whose decoded length nobody announces)
/// pays for the counting.
fn capped(
    response: reqwest::Response,
    limit: usize,
    received: &Arc<Mutex<Received>>,
) -> reqwest::Response {
    let announced = response.content_length();
    if announced.is_some_and(|len| len <= u64::try_from(limit).unwrap_or(u64::MAX)) {
        return response;
    }
    let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let body = CappedBody {
        inner: body,
        seen: 0,
        limit,
        over: announced.is_some(),
        received: Arc::clone(received),
    };
    http::Response::from_parts(parts, reqwest::Body::wrap(body)).into()
}

/// A response body that ends in [`BodyTooLarge`] past its limit.
struct CappedBody {
    inner: reqwest::Body,
    seen: usize,
    limit: usize,
    /// Already known to be over (its `Content-Length` said so): fail before reading.
    over: bool,
    received: Arc<Mutex<Received>>,
}

impl CappedBody {
    fn fail(&mut self) -> BodyTooLarge {
        lock(&self.received).over_limit = Some(self.limit);
        BodyTooLarge { limit: self.limit }
    }
}

impl http_body::Body for CappedBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        use std::task::Poll;
        if self.over {
            return Poll::Ready(Some(Err(Box::new(self.fail()))));
        }
        let frame = match std::pin::Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => frame,
            Poll::Ready(Some(Err(err))) => return Poll::Ready(Some(Err(Box::new(err)))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => return Poll::Pending,
        };
        if let Some(data) = frame.data_ref() {
            self.seen = self.seen.saturating_add(data.len());
            if self.seen > self.limit {
                self.over = true;
                return Poll::Ready(Some(Err(Box::new(self.fail()))));
            }
        }
        Poll::Ready(Some(Ok(frame)))
    }

    fn is_end_stream(&self) -> bool {
        !self.over && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// A successful response's body was longer than the limit of
/// [`RequestContext::with_success_body_limit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyTooLarge {
    /// The limit, in bytes.
    pub limit: usize,
}

impl std::fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the response body is longer than {} bytes", self.limit)
    }
}

impl std::error::Error for BodyTooLarge {}

/// Most bytes reserved up front from what `Content-Length` announces: the header is
/// the server's word, and a lying one must not make us allocate a terabyte.
const MAX_PREALLOCATION: usize = 1024 * 1024;

/// Reads at most `limit` bytes of the body (within the request's timeout) and returns
/// the response rebuilt around them, with the bytes themselves; any unread rest is
/// dropped with the connection.
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> reqwest::Result<(reqwest::Response, Bytes)> {
    let announced = response
        .content_length()
        .and_then(|len| usize::try_from(len).ok())
        .unwrap_or(0);
    let mut body = Vec::with_capacity(announced.min(limit).min(MAX_PREALLOCATION));
    while body.len() < limit {
        let Some(chunk) = response.chunk().await? else {
            break;
        };
        let room = limit - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }
    let body = Bytes::from(body);
    let (parts, _unread) = http::Response::<reqwest::Body>::from(response).into_parts();
    Ok((
        http::Response::from_parts(parts, reqwest::Body::from(body.clone())).into(),
        body,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_bodies_by_length_only() {
        let context = RequestContext::default()
            .with_json_body(r#"{"provider":"openai","key":"sk-canary-request"}"#);
        lock(&context.received).success_body =
            Some(Bytes::from_static(br#"{"key":"sk-or-v1-canary-answer"}"#));
        let shown = format!("{context:?} {context:#?}");
        assert!(!shown.contains("canary"), "{shown}");
        assert!(shown.contains("<47 bytes>"), "{shown}");
        assert!(shown.contains("<32 bytes>"), "{shown}");
    }

    #[test]
    fn taking_the_response_head_leaves_none_for_the_next_attempt() {
        let context = RequestContext::default();
        let reused = context.clone();
        context.record(ResponseHead {
            status: reqwest::StatusCode::BAD_GATEWAY,
            headers: HeaderMap::new(),
        });
        assert_eq!(
            reused.response_head().map(|head| head.status.as_u16()),
            Some(502),
            "clones share the slot"
        );
        assert_eq!(
            reused.take_response_head().map(|head| head.status.as_u16()),
            Some(502)
        );
        assert_eq!(context.response_head(), None);
    }
}
