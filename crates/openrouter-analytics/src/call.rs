//! One call of an operation: per-call options, and the retry loop every operation
//! shares.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use openrouter_analytics_api as api;
use openrouter_analytics_api::RequestContext;
use openrouter_analytics_api::types::ErrorResponse;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::check::Listed;
use crate::client::{AppHeaders, Client};
use crate::error::{ApiErrorDetail, Error, ErrorKind, Result};
use crate::observe::AttemptEvent;
use crate::retry::RetryConfig;
use crate::secrets::Secrets;

/// Most bytes read from an error response (described by the API or not); the rest is
/// left unread so that a hostile or broken server cannot make us buffer megabytes.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// An operation of the API: its parameters, its response, and its name.
///
/// Implemented by this crate's parameter types only (one per operation, generated from
/// the spec); it appears in bounds such as `impl<Op: Operation> Call<Op>`. How an
/// operation is sent is crate-private, so the generated low-level crate stays out of
/// the public API.
pub trait Operation: Clone + Send + Sync + 'static + sealed::Sender {
    /// The decoded success response.
    type Output: Send + 'static;

    /// The operation's name (its `operationId` in snake case), as used in logs and
    /// errors.
    fn name(&self) -> &'static str;
}

pub(crate) mod sealed {
    use std::future::Future;

    use openrouter_analytics_api as api;
    use openrouter_analytics_api::ResponseValue;
    use openrouter_analytics_api::types::ErrorResponse;

    use crate::error::Result;

    /// The half of [`Operation`](super::Operation) that touches the generated client.
    /// `pub` inside a private module: nameable by this crate only (the sealed-trait
    /// pattern), so neither users nor rustdoc see it.
    pub trait Sender {
        /// Checks the parameters before anything is sent.
        fn validate(&self) -> Result<()>;

        /// Whether the operation creates or changes something (a POST or PATCH that is
        /// not a read), so that sending it twice could do it twice.
        fn is_write(&self) -> bool {
            false
        }

        /// Whether the spec marks a string of the operation's request body or answers
        /// as a secret (`format: password`), so that no error may keep its bodies.
        fn carries_secret(&self) -> bool {
            false
        }

        /// Adds the values of the request body's secret fields (see `secrets.rs`), so
        /// that no error of the call shows them even if the server quotes them.
        fn add_secrets(&self, _secrets: &mut crate::secrets::Secrets) {}

        /// Whether the operation is a DELETE, whose 404 after an attempt that may have
        /// been applied means "already gone".
        fn is_delete(&self) -> bool {
            false
        }

        /// Sends one attempt through the generated client.
        fn send_once(
            &self,
            api: &api::Client,
        ) -> impl Future<
            Output = Result<
                ResponseValue<<Self as super::Operation>::Output>,
                api::Error<ErrorResponse>,
            >,
        > + Send
        where
            Self: super::Operation;
    }
}

/// Extra checks of one operation's parameters, written by hand beside the generated
/// layer (e.g. a strict date); the generated `validate` calls it after checking that
/// required parameters are set. Operations without such checks get the default.
pub(crate) trait Validate {
    fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// Options of one call that override the client's.
#[derive(Clone, Default)]
pub(crate) struct CallOptions {
    retry: Option<RetryConfig>,
    timeout: Option<Duration>,
    app: AppHeaders,
    extra_headers: Vec<(String, String)>,
    retry_writes: bool,
    /// For a paged list: the most pages `send_all_pages` follows (see paging.rs).
    pub(crate) max_pages: Option<usize>,
}

impl fmt::Debug for CallOptions {
    // Names only for the extra headers: a caller may pass a credential through
    // `Call::header`, and Debug output ends up in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self
            .extra_headers
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        f.debug_struct("CallOptions")
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("app", &self.app)
            .field("extra_headers", &header_names)
            .field("retry_writes", &self.retry_writes)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}

/// A call being prepared: the operation's parameters plus per-call options. Send it
/// with `send().await` (or `send()` on the blocking client).
///
/// The option methods here apply to every operation; the parameter methods are on
/// each operation's alias ([`analytics::GetUserActivity`](crate::analytics::GetUserActivity), ...).
/// A call owns a handle to its client, so it can be built in one place and sent (or
/// spawned) in another.
#[derive(Clone, Debug)]
#[must_use = "a call does nothing until it is sent"]
pub struct Call<Op, Mode = Async> {
    // An owned handle (an `Arc` inside), so that a call's future is `'static` and can be
    // handed to `tokio::spawn`.
    pub(crate) client: Client,
    // Only the blocking mode carries state (its runtime); `Async` is a marker.
    #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
    pub(crate) mode: Mode,
    pub(crate) params: Op,
    pub(crate) options: CallOptions,
}

/// Marks a [`Call`] made from async code: `send()` is an `async fn`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Async;

impl<Op, Mode> Call<Op, Mode> {
    pub(crate) fn new(client: Client, mode: Mode, params: Op) -> Self {
        Self {
            client,
            mode,
            params,
            options: CallOptions::default(),
        }
    }

    /// Retry policy for this call only, replacing the client's.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.options.retry = Some(retry);
        self
    }

    /// Attempt this call once, whatever the client's retry policy.
    pub fn no_retries(self) -> Self {
        self.retry(RetryConfig::disabled())
    }

    /// Let the retry policy resend this call even when it changes something and the
    /// failed attempt may have reached OpenRouter.
    ///
    /// By default a write (creating a key, updating a workspace, adding members: a POST
    /// or PATCH that is not a read) is retried only where nothing can have happened: a
    /// refused connection, or a 429. After a timeout, a connection lost mid-response or
    /// a 5XX, the first attempt may have taken effect, and a second could create a
    /// second key. Call this when a duplicate is harmless or you will reconcile.
    /// Reads, PUT (setting a budget) and DELETE are always retried as configured.
    pub fn allow_retrying_writes(mut self) -> Self {
        self.options.retry_writes = true;
        self
    }

    /// Per-attempt timeout for this call only.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// `HTTP-Referer` for this call only.
    pub fn http_referer(mut self, referer: impl Into<String>) -> Self {
        self.options.app.http_referer = Some(referer.into());
        self
    }

    /// `X-OpenRouter-Title` for this call only.
    pub fn app_title(mut self, title: impl Into<String>) -> Self {
        self.options.app.app_title = Some(title.into());
        self
    }

    /// `X-OpenRouter-Categories` for this call only (comma-joined).
    pub fn app_categories<I, S>(mut self, categories: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options.app.app_categories = Some(categories.into_iter().map(Into::into).collect());
        self
    }

    /// Any other header for this call, replacing one of the same name. An invalid
    /// name or value makes `send` fail with
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) before
    /// anything is sent.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.extra_headers.push((name.into(), value.into()));
        self
    }
}

impl<Op: Operation> Call<Op, Async> {
    /// Sends the call, retrying as configured, and decodes the response.
    ///
    /// # Errors
    /// See [`Error`]: its [`kind`](Error::kind) says what went wrong. Dropping the
    /// returned future cancels the call, including any wait between attempts.
    pub async fn send(self) -> Result<Op::Output> {
        let (value, _) = execute(&self.client, &self.params, &self.options, false, None).await?;
        Ok(value)
    }

    /// Like [`send`](Self::send), and also returns the exact bytes of the response
    /// body: for passing the API's JSON on unchanged (fields this crate does not know
    /// yet included) while still getting it checked and decoded.
    ///
    /// # Errors
    /// As [`send`](Self::send).
    ///
    /// # Example
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> openrouter_analytics::Result<()> {
    /// let activity = client.analytics().get_user_activity().send_with_raw_body().await?;
    /// println!("{} rows", activity.value.data.len());
    /// std::io::Write::write_all(&mut std::io::stdout(), &activity.raw_body).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_with_raw_body(self) -> Result<WithRawBody<Op::Output>> {
        let (value, raw_body) =
            execute(&self.client, &self.params, &self.options, true, None).await?;
        with_raw_body(self.params.name(), value, raw_body)
    }
}

impl<Op: Listed> Call<Op, Async>
where
    Op::Output: serde::de::DeserializeOwned,
{
    /// Sends the call and returns only the exact bytes of the response body, checked
    /// against the operation's type as they are read: each item of the list is decoded
    /// and dropped, so the decoded answer is never held. For passing a large answer on
    /// as sent (the 100,000 rows of an activity report take more memory decoded than
    /// as JSON); [`send_with_raw_body`](Self::send_with_raw_body) when you want the
    /// decoded value too.
    ///
    /// # Errors
    /// As [`send`](Self::send): an answer that does not match the operation's type is
    /// [`ErrorKind::Decode`], naming the first mismatch as `send` would.
    ///
    /// # Example
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> openrouter_analytics::Result<()> {
    /// let report = client.analytics().get_user_activity().send_raw_body().await?;
    /// std::io::Write::write_all(&mut std::io::stdout(), &report).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_raw_body(self) -> Result<Bytes> {
        let withheld = execute_withheld(&self.client, &self.params, &self.options, None).await?;
        match crate::check::list::<Op::Output, <Op as Listed>::Item>(&withheld.raw_body, |_| {}) {
            Ok(_) => Ok(withheld.raw_body),
            Err(source) => Err(mismatch(
                &self.client,
                &self.params,
                &self.options,
                &withheld,
                source,
            )),
        }
    }
}

/// A decoded response and the exact bytes it was decoded from.
///
/// `Debug` shows the decoded value (whose secrets, such as a new key, print as
/// `Secret(<redacted>)`) and only the length of the raw body, which holds every
/// secret of the answer in clear.
///
/// ```
/// # use openrouter_analytics::{Bytes, WithRawBody};
/// # fn show(response: &WithRawBody<serde_json::Value>) {
/// println!("{response:?}"); // WithRawBody { value: .., raw_body: "<123 bytes>" }
/// # }
/// ```
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct WithRawBody<T> {
    /// The decoded response.
    pub value: T,
    /// The response body as the server sent it, after undoing any `Content-Encoding`
    /// (gzip, brotli...): the JSON text itself.
    pub raw_body: Bytes,
}

impl<T: fmt::Debug> fmt::Debug for WithRawBody<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithRawBody")
            .field("value", &self.value)
            .field("raw_body", &format_args!("<{} bytes>", self.raw_body.len()))
            .finish()
    }
}

pub(crate) fn with_raw_body<T>(
    operation: &'static str,
    value: T,
    raw_body: Option<Bytes>,
) -> Result<WithRawBody<T>> {
    match raw_body {
        Some(raw_body) => Ok(WithRawBody { value, raw_body }),
        // The hooks keep every successful body when asked; reaching this is a bug.
        None => Err(Error::decode(
            None,
            None,
            b"",
            "the response body was not kept".to_owned(),
            None,
        )
        .with_operation(operation)),
    }
}

/// The one retry loop behind every operation.
///
/// With `undecoded` (and `keep_raw_body`), a successful answer whose body did not
/// decode as the operation's type leaves its bytes there, for the tolerant reading of
/// [`TolerantAnswer`](crate::TolerantAnswer); the call still fails.
pub(crate) async fn execute<Op: Operation>(
    client: &Client,
    params: &Op,
    options: &CallOptions,
    keep_raw_body: bool,
    undecoded: Option<&mut Option<Bytes>>,
) -> Result<(Op::Output, Option<Bytes>)> {
    let body = if keep_raw_body {
        Body::Keep
    } else {
        Body::Decode
    };
    match attempts(client, params, options, body, undecoded).await? {
        Answer::Decoded(value, raw_body) => Ok((value, raw_body)),
        // Only asked for with `Body::Withhold`.
        Answer::Withheld(_) => Err(not_kept(params.name())),
    }
}

/// What the retry loop does with a successful answer's body.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    /// Decoded as the operation's type.
    Decode,
    /// Decoded, and kept as sent.
    Keep,
    /// Kept as sent and not decoded: the caller checks it ([`execute_withheld`]).
    Withhold,
}

/// A successful answer.
enum Answer<T> {
    /// Decoded, and the body as sent if it was kept.
    Decoded(T, Option<Bytes>),
    /// Not decoded ([`Body::Withhold`]).
    Withheld(Withheld),
}

/// A successful answer whose body was kept as sent and not decoded
/// ([`execute_withheld`]), for the caller to check against the operation's type.
pub(crate) struct Withheld {
    /// The body as the server sent it.
    pub(crate) raw_body: Bytes,
    status: reqwest::StatusCode,
    headers: HeaderMap,
    attempts: u32,
}

/// The error of a body kept but missing; a bug if it happens.
fn not_kept(operation: &'static str) -> Error {
    Error::decode(
        None,
        None,
        b"",
        "the response body was not kept".to_owned(),
        None,
    )
    .with_operation(operation)
}

/// Sends the call through the one retry loop and keeps a successful answer's body as
/// sent without decoding it: the caller checks it ([`crate::check`]), and words a
/// mismatch with [`mismatch`]. An answer with nothing to decode (a 204) comes back
/// with its (empty) body. `undecoded` is [`execute`]'s.
///
/// # Errors
/// As [`Call::send`], except for the decoding.
pub(crate) async fn execute_withheld<Op: Operation>(
    client: &Client,
    params: &Op,
    options: &CallOptions,
    undecoded: Option<&mut Option<Bytes>>,
) -> Result<Withheld> {
    match attempts(client, params, options, Body::Withhold, undecoded).await? {
        Answer::Withheld(withheld) => Ok(withheld),
        Answer::Decoded(..) => Err(not_kept(params.name())),
    }
}

/// The error of a withheld body that does not match the operation's type: the
/// [`ErrorKind::Decode`] that decoding it in the retry loop would have given, scrubbed
/// of the call's secrets and with its status and headers.
pub(crate) fn mismatch<Op: Operation>(
    client: &Client,
    params: &Op,
    options: &CallOptions,
    withheld: &Withheld,
    source: serde_json::Error,
) -> Error {
    let secrets = call_secrets(&client.shared.secrets, params, options);
    let body = secrets.scrub_bytes(&withheld.raw_body);
    let error = Error::decode(
        Some(withheld.status),
        Some(withheld.headers.clone()),
        &body,
        source.to_string(),
        Some(Box::new(source)),
    )
    .scrub(&secrets);
    let error = if sealed::Sender::carries_secret(params) {
        error.withhold_body()
    } else {
        error
    };
    error
        .with_operation(params.name())
        .with_attempts(withheld.attempts)
}

/// The retry loop itself; see [`execute`].
async fn attempts<Op: Operation>(
    client: &Client,
    params: &Op,
    options: &CallOptions,
    keep: Body,
    undecoded: Option<&mut Option<Bytes>>,
) -> Result<Answer<Op::Output>> {
    let name = params.name();
    let shared = &client.shared;
    let secrets = call_secrets(&shared.secrets, params, options);
    let secrets = secrets.as_ref();
    let fail = |err: Error| err.with_operation(name);
    // A by-name body's own parse error may quote a secret value of the body.
    sealed::Sender::validate(params).map_err(|err| fail(err.scrub(secrets)))?;
    let headers = request_headers(client, options).map_err(fail)?;
    let retry = options.retry.as_ref().unwrap_or(&shared.retry);
    let timeout = options.timeout.unwrap_or(shared.timeout);
    // One generated client per call, reused by every attempt: building it copies the
    // base URL, which showed up in the per-call benchmark.
    let mut context = RequestContext::new(headers, Some(timeout))
        .with_error_body_limit(MAX_ERROR_BODY)
        .with_success_body_limit(shared.max_response_bytes);
    context = match keep {
        Body::Decode => context,
        Body::Keep => context.keeping_success_body(),
        Body::Withhold => context.keeping_success_body_undecoded(),
    };
    let api = api::Client::new_with_client(&shared.base_url, shared.http.clone(), context.clone());
    let notify = |event: AttemptEvent| {
        if let Some(observer) = &shared.observer {
            observer.notify(&event);
        }
    };
    let budget = retry.get_max_elapsed_time();
    let guard_writes = sealed::Sender::is_write(params) && !options.retry_writes;
    let carries_secret = sealed::Sender::carries_secret(params);
    let is_delete = sealed::Sender::is_delete(params);
    // Whether an attempt before this one may have been applied (a DELETE answered 404
    // afterwards is then most likely gone because of it).
    let mut maybe_applied = false;
    let started = Instant::now();
    let mut attempt: u32 = 0;
    // The failure of the attempt before this one, for when the deadline cuts this one.
    let mut previous: Option<Error> = None;
    loop {
        attempt = attempt.saturating_add(1);
        tracing::debug!(operation = name, attempt, "sending request");
        notify(AttemptEvent::Started {
            operation: name,
            attempt,
        });
        // One deadline: the attempt may not outlive the retry budget. Cut short here
        // rather than through the request's own timeout, which `context` fixes per call.
        // Before the first attempt nothing has elapsed to speak of: no clock read.
        let remaining = if attempt == 1 {
            budget
        } else {
            budget.saturating_sub(started.elapsed())
        };
        let outcome = if remaining < timeout {
            let once = async {
                settle(
                    sealed::Sender::send_once(params, &api).await,
                    &context,
                    secrets,
                )
                .await
            };
            // Boxed, so that only a call under a deadline pays for it and the call's own
            // future stays the size of the common path. If the deadline cuts the attempt,
            // the last answer an earlier attempt got says more than "out of time" (a 503
            // storm ends as a 503); with none, the budget ran out.
            Box::pin(tokio::time::timeout(remaining, once))
                .await
                .unwrap_or_else(|_| {
                    Err(previous
                        .take()
                        .unwrap_or_else(|| Error::out_of_time(budget)))
                })
        } else {
            // The same as `once`, awaited in place: wrapping the generated request's
            // large future in another one cost ~580 instructions a call (BENCHMARKS §6).
            settle(
                sealed::Sender::send_once(params, &api).await,
                &context,
                secrets,
            )
            .await
        };
        let error = match outcome {
            Ok(Reply::Decoded(response)) => {
                tracing::debug!(operation = name, attempt, status = %response.status(), "response decoded");
                notify(AttemptEvent::Succeeded {
                    operation: name,
                    attempt,
                    status: response.status(),
                });
                if keep == Body::Withhold {
                    // Nothing to decode (a 204): the generated client did not read it.
                    return Ok(Answer::Withheld(Withheld {
                        raw_body: context.take_success_body().unwrap_or_default(),
                        status: response.status(),
                        headers: response.headers().clone(),
                        attempts: attempt,
                    }));
                }
                return Ok(Answer::Decoded(
                    response.into_inner(),
                    context.take_success_body(),
                ));
            }
            Ok(Reply::Withheld(raw_body, head)) => {
                tracing::debug!(operation = name, attempt, status = %head.status, "response kept undecoded");
                notify(AttemptEvent::Succeeded {
                    operation: name,
                    attempt,
                    status: head.status,
                });
                return Ok(Answer::Withheld(Withheld {
                    raw_body,
                    status: head.status,
                    headers: head.headers,
                    attempts: attempt,
                }));
            }
            Err(error) if carries_secret => error.withhold_body(),
            Err(error) => error,
        };
        let error = if is_delete && maybe_applied && error.kind() == ErrorKind::NotFound {
            error.already_gone()
        } else {
            error
        };
        maybe_applied |= error.may_have_reached_server();
        // A write whose attempt may have taken effect is not sent again unasked.
        let may_repeat = !guard_writes || !error.may_have_reached_server();
        let next = if may_repeat {
            retry.next_delay(attempt, started.elapsed(), &error)
        } else {
            tracing::debug!(
                operation = name,
                attempt,
                "not retrying a write that may have reached the server"
            );
            None
        };
        match next {
            Some(wait) => {
                tracing::warn!(
                    operation = name,
                    attempt,
                    status = error.status().map(|s| s.as_u16()),
                    error = %error,
                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    "attempt failed; retrying"
                );
                notify(AttemptEvent::Retrying {
                    operation: name,
                    attempt,
                    status: error.status(),
                    kind: error.kind(),
                    wait,
                });
                tokio::time::sleep(wait).await;
                previous = Some(error);
            }
            None => {
                tracing::debug!(operation = name, attempt, error = %error, "giving up");
                if let Some(slot) = undecoded
                    && error.kind() == ErrorKind::Decode
                    && error.status().is_some_and(|status| status.is_success())
                {
                    *slot = context.take_success_body();
                }
                notify(AttemptEvent::Failed {
                    operation: name,
                    attempt,
                    status: error.status(),
                    kind: error.kind(),
                });
                return Err(fail(error.with_attempts(attempt)));
            }
        }
    }
}

/// What one attempt got, when it got a successful answer.
enum Reply<T> {
    /// Decoded by the generated client.
    Decoded(api::ResponseValue<T>),
    /// Kept as sent, the generated client's decoder given none of it
    /// ([`Body::Withhold`]).
    Withheld(Bytes, api::ResponseHead),
}

/// One attempt's outcome: a successful answer, or this crate's error. With
/// [`Body::Withhold`], the generated decoder fails on the empty body it was given; the
/// body itself is in the context.
async fn settle<T>(
    result: Result<api::ResponseValue<T>, api::Error<ErrorResponse>>,
    context: &RequestContext,
    secrets: &Secrets,
) -> Result<Reply<T>> {
    let error = match result {
        Ok(response) => return Ok(Reply::Decoded(response)),
        Err(error) => error,
    };
    if context.withholds_success_body()
        && matches!(error, api::Error::InvalidResponsePayload(ref body, _) if body.is_empty())
        && let Some(head) = context.response_head()
        && head.status.is_success()
        && let Some(body) = context.take_success_body()
    {
        context.take_response_head();
        return Ok(Reply::Withheld(body, head));
    }
    Err(classify(error, context, secrets).await)
}

/// The secrets of this call: the client's (its API key) and, when the call adds any,
/// its header values and its body's secret fields. Borrowed for the common call that
/// adds none, so that it costs nothing.
fn call_secrets<'a, Op: Operation>(
    client: &'a Secrets,
    params: &Op,
    options: &CallOptions,
) -> std::borrow::Cow<'a, Secrets> {
    if !sealed::Sender::carries_secret(params) && options.extra_headers.is_empty() {
        return std::borrow::Cow::Borrowed(client);
    }
    let mut secrets = client.clone();
    for (_, value) in &options.extra_headers {
        secrets.add(value);
    }
    sealed::Sender::add_secrets(params, &mut secrets);
    std::borrow::Cow::Owned(secrets)
}

/// The client's default headers with this call's overrides on top; without overrides,
/// the client's own map, shared rather than copied.
fn request_headers(client: &Client, options: &CallOptions) -> Result<Arc<HeaderMap>> {
    let defaults = &client.shared.default_headers;
    if options.app.is_unset() && options.extra_headers.is_empty() {
        return Ok(Arc::clone(defaults));
    }
    let mut headers = HeaderMap::clone(defaults);
    // The message names the setting; as a call's option it is an invalid request.
    options
        .app
        .apply(&mut headers)
        .map_err(Error::invalid_request)?;
    for (name, value) in &options.extra_headers {
        let name = HeaderName::try_from(name.as_str())
            .map_err(|_| Error::invalid_request(format!("{name:?} is not a valid header name")))?;
        let mut value = HeaderValue::from_str(value).map_err(|_| {
            Error::invalid_request(format!("the value of header {name} is not valid in HTTP"))
        })?;
        // A per-call header may well be a credential (a proxy token, a second key):
        // treat it like the API key, so that `Debug` of the request shows no value and
        // HTTP/2 keeps it out of the HPACK table.
        value.set_sensitive(true);
        headers.insert(name, value);
    }
    Ok(Arc::new(headers))
}

/// Turns what the generated client returned into this crate's error: the one place
/// where server text enters an [`Error`], so the one place it is scrubbed of the call's
/// secrets.
async fn classify(
    error: api::Error<ErrorResponse>,
    context: &RequestContext,
    secrets: &Secrets,
) -> Error {
    // A body cut short at the size limit fails as a body error or undecodable JSON;
    // the context knows the real reason.
    if let Some(limit) = context.take_over_limit() {
        let head = context
            .take_response_head()
            .map(|head| (head.status, head.headers));
        return Error::too_large(limit, head).scrub(secrets);
    }
    classify_unscrubbed(error, context, secrets)
        .await
        .scrub(secrets)
}

/// [`classify`] before the final scrub. Bodies are scrubbed whole before an error cuts
/// its snippet from them, so that no secret straddles the cut.
async fn classify_unscrubbed(
    error: api::Error<ErrorResponse>,
    context: &RequestContext,
    secrets: &Secrets,
) -> Error {
    match error {
        api::Error::ErrorResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.into_inner();
            Error::from_status(status, headers, Some(detail_of(body)), b"")
        }
        api::Error::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let body = match read_bounded(response, MAX_ERROR_BODY).await {
                Ok(body) => body,
                Err(err) => return Error::transport(err),
            };
            let body = secrets.scrub_bytes(&body);
            if status.is_success() {
                let message = format!("status {status} is not one the API describes");
                return Error::decode(Some(status), Some(headers), &body, message, None);
            }
            let detail = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|body| error_response_of(body, status))
                .map(detail_of);
            Error::from_status(status, headers, detail, &body)
        }
        api::Error::InvalidResponsePayload(body, source) => {
            let body = secrets.scrub_bytes(&body);
            classify_payload(&body, source, context)
        }
        api::Error::CommunicationError(err)
        | api::Error::ResponseBodyError(err)
        | api::Error::InvalidUpgrade(err) => Error::transport(err),
        api::Error::InvalidRequest(message) | api::Error::Custom(message) => {
            Error::invalid_request(message)
        }
    }
}

/// A response body that did not decode.
fn classify_payload(body: &[u8], source: serde_json::Error, context: &RequestContext) -> Error {
    match context.take_response_head() {
        Some(head) if !head.status.is_success() => {
            Error::from_status(head.status, head.headers, None, body)
        }
        Some(head) => Error::decode(
            Some(head.status),
            Some(head.headers),
            body,
            source.to_string(),
            Some(Box::new(source)),
        ),
        None => Error::decode(None, None, body, source.to_string(), Some(Box::new(source))),
    }
}

/// An error body as OpenRouter's `ErrorResponse`: either that shape itself, or the
/// OAuth shape (RFC 6749 section 5.2, `{"error": "invalid_grant", "error_description":
/// ".."}`) that the token endpoint sends, read as the status for a code, the OAuth code
/// and description for the message and the OAuth code as `metadata.error`.
fn error_response_of(
    body: serde_json::Value,
    status: reqwest::StatusCode,
) -> Option<ErrorResponse> {
    if let Ok(response) = serde_json::from_value::<ErrorResponse>(body.clone()) {
        return Some(response);
    }
    let code = body.get("error")?.as_str()?;
    let message = match body.get("error_description").and_then(|d| d.as_str()) {
        Some(description) if !description.trim().is_empty() => format!("{code}: {description}"),
        _ => code.to_owned(),
    };
    serde_json::from_value(serde_json::json!({
        "error": {
            "code": status.as_u16(),
            "message": message,
            "metadata": { "error": code },
        }
    }))
    .ok()
}

/// The generated client's error of an operation whose spec gives its error statuses
/// another schema (the OAuth shape), as the `ErrorResponse` the rest of the crate
/// knows: the typed body is read by [`error_response_of`], every other case is kept.
pub(crate) fn unify_error<E: serde::Serialize>(error: api::Error<E>) -> api::Error<ErrorResponse> {
    match error {
        api::Error::ErrorResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let body = serde_json::to_value(response.into_inner()).unwrap_or_default();
            let unified = error_response_of(body, status).unwrap_or_else(|| ErrorResponse {
                error: api::types::ErrorDetail {
                    code: i64::from(status.as_u16()),
                    message: String::new(),
                    metadata: None,
                },
                openrouter_metadata: None,
                user_id: None,
            });
            api::Error::ErrorResponse(api::ResponseValue::new(unified, status, headers))
        }
        api::Error::InvalidRequest(message) => api::Error::InvalidRequest(message),
        api::Error::CommunicationError(err) => api::Error::CommunicationError(err),
        api::Error::InvalidUpgrade(err) => api::Error::InvalidUpgrade(err),
        api::Error::ResponseBodyError(err) => api::Error::ResponseBodyError(err),
        api::Error::InvalidResponsePayload(body, err) => {
            api::Error::InvalidResponsePayload(body, err)
        }
        api::Error::UnexpectedResponse(response) => api::Error::UnexpectedResponse(response),
        api::Error::Custom(message) => api::Error::Custom(message),
    }
}

fn detail_of(body: ErrorResponse) -> ApiErrorDetail {
    ApiErrorDetail {
        code: body.error.code,
        message: body.error.message,
        metadata: body.error.metadata,
    }
}

/// Reads at most `limit` bytes of the body.
async fn read_bounded(mut response: reqwest::Response, limit: usize) -> reqwest::Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= limit {
            break;
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_extra_header_names_but_never_their_values() {
        let options = CallOptions {
            extra_headers: vec![("x-upstream-token".into(), "secret-value-123".into())],
            ..CallOptions::default()
        };
        let debug = format!("{options:?}");
        assert!(debug.contains("x-upstream-token"), "{debug}");
        assert!(!debug.contains("secret-value-123"), "{debug}");
    }

    #[test]
    fn per_call_header_values_are_marked_sensitive() {
        let client = Client::builder()
            .api_key("sk-test")
            .base_url("http://127.0.0.1:9")
            .build()
            .expect("client");
        let options = CallOptions {
            app: AppHeaders {
                app_title: Some("per-call title".into()),
                ..AppHeaders::default()
            },
            extra_headers: vec![
                ("x-upstream-token".into(), "secret-value-123".into()),
                ("x-other".into(), "also-secret".into()),
            ],
            ..CallOptions::default()
        };
        let headers = request_headers(&client, &options).expect("valid headers");
        for name in ["x-upstream-token", "x-other", "authorization"] {
            assert!(headers[name].is_sensitive(), "{name} is not sensitive");
        }
        assert_eq!(headers["x-upstream-token"], "secret-value-123");
        let debug = format!("{headers:?}");
        assert!(!debug.contains("secret-value-123"), "{debug}");
        assert!(!debug.contains("also-secret"), "{debug}");
        // The app headers are attribution, not secrets: left readable in logs.
        assert!(!headers["x-openrouter-title"].is_sensitive());
    }
}
