//! The mock server and the handles of the mocks registered on it.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use httpmock::{HttpMockRequest, Mock, MockServer};
use openrouter_analytics::{Client, ClientBuilder, RetryConfig};
use openrouter_analytics_api::types::{ActivityItem, AnalyticsMeta, AnalyticsQueryResult};

use crate::reply::Reply;
use crate::request::{ExpectedRequest, SentRequest};
use crate::sample::SampleAccount;

/// The API key [`MockOpenRouter::client_builder`] configures. The mock server accepts
/// any key; assert on it with [`ExpectedRequest::api_key`].
pub const TEST_API_KEY: &str = "sk-or-v1-mock-test-key";

/// Fast, deterministic retries for tests: waits of 10, 20, 40 and 80 ms, no jitter, at
/// most 5 attempts, within 10 s.
///
/// ```
/// use openrouter_analytics_mock::fast_retries;
///
/// assert_eq!(fast_retries().get_max_attempts(), Some(5));
/// ```
pub fn fast_retries() -> RetryConfig {
    RetryConfig::default()
        .initial_interval(Duration::from_millis(10))
        .exponent(2.0)
        .jitter(Duration::ZERO)
        .max_attempts(5)
        .max_elapsed_time(Duration::from_secs(10))
}

/// An operation of the API, as the mock server routes it: its HTTP method and path.
///
/// Every operation of the spec has one: [`Endpoint::find`] looks it up by the names
/// of the client's call (`client.api_keys().list()` is `Endpoint::find("api_keys",
/// "list")`), from the client's generated table of operations. The three Analytics
/// operations also have constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    http_method: &'static str,
    path: &'static str,
    operation_id: &'static str,
}

#[allow(non_upper_case_globals)] // named like the enum variants they used to be
impl Endpoint {
    /// `GET /activity`.
    pub const GetUserActivity: Self = Self::new("GET", "/activity", "get_user_activity");
    /// `GET /analytics/meta`.
    pub const GetAnalyticsMeta: Self = Self::new("GET", "/analytics/meta", "get_analytics_meta");
    /// `POST /analytics/query`.
    pub const QueryAnalytics: Self = Self::new("POST", "/analytics/query", "query_analytics");
}

impl Endpoint {
    const fn new(
        http_method: &'static str,
        path: &'static str,
        operation_id: &'static str,
    ) -> Self {
        Self {
            http_method,
            path,
            operation_id,
        }
    }

    /// The operation `client.<group>().<method>()`, if the spec has it.
    ///
    /// ```
    /// use openrouter_analytics_mock::Endpoint;
    ///
    /// let meta = Endpoint::find("analytics", "get_analytics_meta").expect("in the spec");
    /// assert_eq!(meta, Endpoint::GetAnalyticsMeta);
    /// assert_eq!(Endpoint::find("analytics", "no_such_call"), None);
    /// ```
    pub fn find(group: &str, method: &str) -> Option<Self> {
        openrouter_analytics::find_operation(group, method).map(Self::from)
    }

    /// The spec's operation id in snake case, as the client's errors name it.
    pub fn operation_id(self) -> &'static str {
        self.operation_id
    }

    /// The HTTP method, e.g. `GET`.
    pub fn http_method(self) -> &'static str {
        self.http_method
    }

    /// The path template, e.g. `/keys/{hash}`.
    pub fn path(self) -> &'static str {
        self.path
    }

    /// A regular expression matching the path, each `{parameter}` one segment.
    fn path_pattern(self) -> String {
        let mut pattern = String::from("^");
        for (i, segment) in self.path.split('/').enumerate() {
            if i > 0 {
                pattern.push('/');
            }
            if segment.starts_with('{') && segment.ends_with('}') {
                pattern.push_str("[^/]+");
            } else {
                pattern.push_str(&regex::escape(segment));
            }
        }
        pattern.push('$');
        pattern
    }
}

impl From<&'static openrouter_analytics::OperationInfo> for Endpoint {
    fn from(operation: &'static openrouter_analytics::OperationInfo) -> Self {
        Self::new(
            operation.http_method,
            operation.path,
            operation.operation_id,
        )
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.operation_id())
    }
}

/// A local stand-in for OpenRouter's Analytics API on `127.0.0.1`.
///
/// Each helper registers a mock for one operation and returns an [`EndpointMock`]
/// through which you assert on the requests it answered. Mocks live until the
/// server is dropped (or [`EndpointMock::delete`]); the server goes back to
/// httpmock's pool when `MockOpenRouter` is dropped.
///
/// ```
/// use openrouter_analytics::ErrorKind;
/// use openrouter_analytics_mock::MockOpenRouter;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let openrouter = MockOpenRouter::start_async().await;
/// openrouter.activity_error(403, "Only management keys can perform this operation");
///
/// let err = openrouter
///     .client()
///     .analytics()
///     .get_user_activity()
///     .send()
///     .await
///     .expect_err("403");
/// assert_eq!(err.kind(), ErrorKind::Forbidden);
/// assert!(err.needs_management_key());
/// # }
/// ```
pub struct MockOpenRouter {
    server: MockServer,
}

impl fmt::Debug for MockOpenRouter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockOpenRouter")
            .field("base_url", &self.server.base_url())
            .finish()
    }
}

impl MockOpenRouter {
    /// Starts a server (or takes an idle one from httpmock's pool), for async tests.
    pub async fn start_async() -> Self {
        Self {
            server: MockServer::start_async().await,
        }
    }

    /// Starts a server (or takes an idle one from httpmock's pool), for tests without
    /// an async runtime.
    ///
    /// ```
    /// let openrouter = openrouter_analytics_mock::MockOpenRouter::start();
    /// assert!(openrouter.base_url().starts_with("http://127.0.0.1:"));
    /// ```
    pub fn start() -> Self {
        Self {
            server: MockServer::start(),
        }
    }

    /// The server's root URL, `http://127.0.0.1:<port>`, for
    /// `Client::builder().base_url(..)`.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// The underlying httpmock server, for the generated typed helpers
    /// ([`MockServerExt`](crate::MockServerExt)) or plain `mock(..)` calls.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// A client builder pointed at this server, with [`TEST_API_KEY`] and retries
    /// disabled; add app headers, a retry policy (e.g. [`fast_retries`]) or a timeout.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .api_key(TEST_API_KEY)
            .base_url(self.base_url())
            .retry(RetryConfig::disabled())
    }

    /// `client_builder().build()`: a client for this server with [`TEST_API_KEY`] and no
    /// retries.
    ///
    /// # Panics
    /// If the HTTP client cannot be built at all (its TLS backend fails to
    /// initialise); the configuration itself is always valid.
    pub fn client(&self) -> Client {
        match self.client_builder().build() {
            Ok(client) => client,
            Err(err) => panic!("openrouter-analytics-mock: cannot build a client: {err}"),
        }
    }

    /// Answers `endpoint` with `replies` in order, the last one again for every later
    /// request: `[Reply::error(503, ..), Reply::activity(rows)]` fails once, then
    /// succeeds from then on. With no replies at all it answers `501`.
    ///
    /// ```
    /// use openrouter_analytics::ErrorKind;
    /// use openrouter_analytics_mock::{Endpoint, MockOpenRouter, Reply, sample_meta};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let openrouter = MockOpenRouter::start_async().await;
    /// let meta = openrouter.replies(
    ///     Endpoint::GetAnalyticsMeta,
    ///     [Reply::error(429, "slow down").header("retry-after", "0"), Reply::meta(sample_meta())],
    /// );
    /// let client = openrouter.client();
    /// let first = client.analytics().get_analytics_meta().send().await;
    /// assert_eq!(first.expect_err("429").kind(), ErrorKind::RateLimited);
    /// let second = client.analytics().get_analytics_meta().send().await.expect("200");
    /// assert_eq!(second.data.metrics.len(), 2);
    /// meta.assert_calls(2);
    /// # }
    /// ```
    pub fn replies(
        &self,
        endpoint: Endpoint,
        replies: impl IntoIterator<Item = Reply>,
    ) -> EndpointMock<'_> {
        let script: Arc<[Reply]> = replies.into_iter().collect();
        self.respond_with(endpoint, move |_request: &SentRequest, index: usize| {
            script.get(index).or_else(|| script.last()).map_or_else(
                || Reply::text(501, "openrouter-analytics-mock: no reply configured"),
                Clone::clone,
            )
        })
    }

    /// Answers `endpoint` with whatever `answer` computes from each request and its
    /// number (0 for the first this mock answers), e.g. an answer that depends on a
    /// query parameter.
    ///
    /// ```
    /// use openrouter_analytics_mock::{Endpoint, MockOpenRouter, Reply, activity_row};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let openrouter = MockOpenRouter::start_async().await;
    /// openrouter.respond_with(Endpoint::GetUserActivity, |request, _| {
    ///     let day = request.query_param("date").unwrap_or("2026-11-01");
    ///     Reply::activity([openrouter_analytics::types::ActivityItem {
    ///         date: day.to_string(),
    ///         ..activity_row("openai/gpt-4o", 1.0)
    ///     }])
    /// });
    /// let client = openrouter.client();
    /// let rows = client.analytics().get_user_activity().date("2026-11-03").send().await.expect("200");
    /// assert_eq!(rows.data[0].date, "2026-11-03");
    /// # }
    /// ```
    pub fn respond_with(
        &self,
        endpoint: Endpoint,
        answer: impl Fn(&SentRequest, usize) -> Reply + Send + Sync + 'static,
    ) -> EndpointMock<'_> {
        let log = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&log);
        let responder = move |request: &HttpMockRequest| {
            let sent = SentRequest::from_httpmock(request);
            let index = {
                let mut log = lock(&recorded);
                log.push(sent.clone());
                log.len() - 1
            };
            answer(&sent, index).to_response()
        };
        // Method and path, as the spec gives them: any operation, no code of its own.
        let path = regex::Regex::new(&endpoint.path_pattern());
        let mock = self.server.mock(|when, then| {
            let when = when.method(endpoint.http_method);
            match path {
                Ok(path) => when.path_matches(path),
                // An escaped path always compiles; match nothing rather than panic.
                Err(_) => when.path("\u{0}"),
            };
            then.respond_with(responder);
        });
        EndpointMock {
            mock,
            endpoint,
            log,
        }
    }

    /// Answers every operation of the spec from the [`SampleAccount`]: one mock per
    /// operation, each answering with [`SampleAccount::answer`], so ids, paging and
    /// errors are consistent across operations. Returns the mocks, to assert on what
    /// each operation was sent.
    ///
    /// Mocks registered earlier win, so register a different answer for one operation
    /// (an error, a retry sequence) **before** calling this.
    ///
    /// ```
    /// use openrouter_analytics_mock::{ExpectedRequest, MockOpenRouter};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let openrouter = MockOpenRouter::start_async().await;
    /// let sample = openrouter.sample_account();
    /// let client = openrouter.client();
    /// let workspace = client.workspaces().get().id("production").send().await.expect("200");
    /// assert_eq!(workspace.data.name, "Production");
    /// let credits = client.credits().get_credits().send().await.expect("200");
    /// assert!(credits.data.total_usage < credits.data.total_credits);
    /// sample
    ///     .mock("workspaces", "get")
    ///     .expect("an operation of the spec")
    ///     .assert_sent_once(&ExpectedRequest::new().no_other_query_params());
    /// # }
    /// ```
    pub fn sample_account(&self) -> SampleMocks<'_> {
        self.sample_account_from(SampleAccount::new())
    }

    /// [`sample_account`](Self::sample_account) with an account of your own making,
    /// e.g. `SampleAccount::new().with_page_size(2)` to exercise paging.
    pub fn sample_account_from(&self, account: SampleAccount) -> SampleMocks<'_> {
        let account = Arc::new(account);
        let mocks = openrouter_analytics::operations()
            .iter()
            .map(|operation| {
                let account = Arc::clone(&account);
                self.respond_with(Endpoint::from(operation), move |request, _| {
                    account.answer(request)
                })
            })
            .collect();
        SampleMocks { account, mocks }
    }

    /// Answers every request to `endpoint` with `reply`.
    pub fn reply(&self, endpoint: Endpoint, reply: Reply) -> EndpointMock<'_> {
        self.replies(endpoint, [reply])
    }

    /// Answers every request to `endpoint` with `status` and OpenRouter's error body
    /// `{"error": {"code": status, "message": message}}`.
    pub fn error(
        &self,
        endpoint: Endpoint,
        status: u16,
        message: impl Into<String>,
    ) -> EndpointMock<'_> {
        self.reply(endpoint, Reply::error(status, message))
    }

    /// Answers `GET /activity` with `rows`.
    ///
    /// ```
    /// use openrouter_analytics_mock::{MockOpenRouter, activity_row};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let openrouter = MockOpenRouter::start_async().await;
    /// let activity = openrouter.activity_rows([activity_row("openai/gpt-4o", 2.5)]);
    /// let client = openrouter.client();
    /// let response = client.analytics().get_user_activity().send().await.expect("200");
    /// assert_eq!(response.data[0].usage, 2.5);
    /// activity.assert_calls(1);
    /// # }
    /// ```
    pub fn activity_rows(&self, rows: impl IntoIterator<Item = ActivityItem>) -> EndpointMock<'_> {
        self.reply(Endpoint::GetUserActivity, Reply::activity(rows))
    }

    /// Answers `GET /activity` with `status` and OpenRouter's error body carrying
    /// `message`.
    pub fn activity_error(&self, status: u16, message: impl Into<String>) -> EndpointMock<'_> {
        self.error(Endpoint::GetUserActivity, status, message)
    }

    /// Answers the first `failures` requests to `GET /activity` with `status` and an
    /// OpenRouter error body, and every later one with `rows`.
    ///
    /// ```
    /// use openrouter_analytics_mock::{MockOpenRouter, activity_row, fast_retries};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let openrouter = MockOpenRouter::start_async().await;
    /// let rows = [activity_row("openai/gpt-4o", 1.0)];
    /// let activity = openrouter.activity_fails_then_succeeds(2, 503, rows);
    /// let client = openrouter.client_builder().retry(fast_retries()).build().expect("client");
    /// let response = client.analytics().get_user_activity().send().await.expect("third attempt");
    /// assert_eq!(response.data.len(), 1);
    /// activity.assert_calls(3);
    /// # }
    /// ```
    pub fn activity_fails_then_succeeds(
        &self,
        failures: usize,
        status: u16,
        rows: impl IntoIterator<Item = ActivityItem>,
    ) -> EndpointMock<'_> {
        let failure = Reply::error(status, format!("simulated failure ({status})"));
        let replies = std::iter::repeat_n(failure, failures).chain([Reply::activity(rows)]);
        self.replies(Endpoint::GetUserActivity, replies)
    }

    /// Answers `GET /analytics/meta` with `meta` (see [`sample_meta`](crate::sample_meta)).
    pub fn analytics_meta(&self, meta: AnalyticsMeta) -> EndpointMock<'_> {
        self.reply(Endpoint::GetAnalyticsMeta, Reply::meta(meta))
    }

    /// Answers `POST /analytics/query` with `result` (see
    /// [`query_result`](crate::query_result)).
    ///
    /// ```
    /// use openrouter_analytics_mock::{ExpectedRequest, MockOpenRouter, query_result, query_row};
    /// use serde_json::json;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let openrouter = MockOpenRouter::start_async().await;
    /// let query = openrouter.analytics_query(query_result([query_row([
    ///     ("model", json!("openai/gpt-4o")),
    ///     ("request_count", json!(1500)),
    /// ])]));
    /// let result = openrouter
    ///     .client()
    ///     .analytics()
    ///     .query_analytics()
    ///     .metrics(["request_count"])
    ///     .dimensions(["model"])
    ///     .send()
    ///     .await
    ///     .expect("200");
    /// assert_eq!(result.data.data[0]["request_count"], 1500);
    /// query.assert_sent(&ExpectedRequest::new().json_body(&json!({
    ///     "metrics": ["request_count"],
    ///     "dimensions": ["model"],
    /// })));
    /// # }
    /// ```
    pub fn analytics_query(&self, result: AnalyticsQueryResult) -> EndpointMock<'_> {
        self.reply(Endpoint::QueryAnalytics, Reply::query(result))
    }
}

/// The mocks [`MockOpenRouter::sample_account`] registered, one per operation, and the
/// account they answer from.
pub struct SampleMocks<'a> {
    account: Arc<SampleAccount>,
    mocks: Vec<EndpointMock<'a>>,
}

impl fmt::Debug for SampleMocks<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SampleMocks")
            .field("operations", &self.mocks.len())
            .finish_non_exhaustive()
    }
}

impl<'a> SampleMocks<'a> {
    /// The account the mocks answer from.
    pub fn account(&self) -> &SampleAccount {
        &self.account
    }

    /// The mock of `client.<group>().<method>()`, if the spec has that operation.
    pub fn mock(&self, group: &str, method: &str) -> Option<&EndpointMock<'a>> {
        let endpoint = Endpoint::find(group, method)?;
        self.endpoint(endpoint)
    }

    /// The mock of `endpoint`.
    pub fn endpoint(&self, endpoint: Endpoint) -> Option<&EndpointMock<'a>> {
        self.mocks.iter().find(|mock| mock.endpoint == endpoint)
    }

    /// Every mock, in the order of [`openrouter_analytics::operations`].
    pub fn mocks(&self) -> &[EndpointMock<'a>] {
        &self.mocks
    }

    /// How many requests the mocks answered in all.
    pub fn calls(&self) -> usize {
        self.mocks.iter().map(EndpointMock::calls).sum()
    }
}

/// A mock registered on a [`MockOpenRouter`]: the requests it answered, and assertions
/// on them.
pub struct EndpointMock<'a> {
    mock: Mock<'a>,
    endpoint: Endpoint,
    log: Arc<Mutex<Vec<SentRequest>>>,
}

impl fmt::Debug for EndpointMock<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndpointMock")
            .field("endpoint", &self.endpoint)
            .field("requests", &*lock(&self.log))
            .finish_non_exhaustive()
    }
}

impl<'a> EndpointMock<'a> {
    /// The operation this mock answers.
    pub fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    /// How many requests it has answered.
    pub fn calls(&self) -> usize {
        lock(&self.log).len()
    }

    /// The requests it has answered, oldest first.
    pub fn requests(&self) -> Vec<SentRequest> {
        lock(&self.log).clone()
    }

    /// The most recent request it answered.
    pub fn last_request(&self) -> Option<SentRequest> {
        lock(&self.log).last().cloned()
    }

    /// The time between each answered request and the next (one fewer than
    /// [`calls`](Self::calls)), e.g. to check a retry schedule.
    pub fn arrival_gaps(&self) -> Vec<Duration> {
        lock(&self.log)
            .windows(2)
            .map(|pair| pair[1].received_at() - pair[0].received_at())
            .collect()
    }

    /// Asserts that it answered exactly `expected` requests.
    ///
    /// # Panics
    /// When the count differs; the message lists the requests it did answer.
    pub fn assert_calls(&self, expected: usize) {
        let log = lock(&self.log);
        if log.len() != expected {
            let sent: Vec<String> = log.iter().map(SentRequest::summary).collect();
            panic!(
                "{}: expected {expected} request(s), answered {}: {sent:#?}",
                self.endpoint,
                log.len()
            );
        }
    }

    /// Asserts that it answered at least one request and that **every** request it
    /// answered (each retry, each call) matches `expected`.
    ///
    /// # Panics
    /// When no request arrived, or with every difference of every request that does
    /// not match.
    pub fn assert_sent(&self, expected: &ExpectedRequest) {
        let log = lock(&self.log);
        if log.is_empty() {
            panic!("{}: expected a request, none arrived", self.endpoint);
        }
        let report: Vec<String> = log
            .iter()
            .enumerate()
            .filter_map(|(index, request)| describe(index, log.len(), request, expected))
            .collect();
        if !report.is_empty() {
            panic!("{}: {}", self.endpoint, report.join("\n"));
        }
    }

    /// Asserts that it answered exactly one request and that it matches `expected`:
    /// [`assert_calls(1)`](Self::assert_calls) and [`assert_sent`](Self::assert_sent).
    ///
    /// # Panics
    /// As those two do.
    pub fn assert_sent_once(&self, expected: &ExpectedRequest) {
        self.assert_calls(1);
        self.assert_sent(expected);
    }

    /// Asserts that the request number `index` (0 = the first) arrived and matches
    /// `expected`.
    ///
    /// # Panics
    /// When fewer than `index + 1` requests arrived, or with every difference.
    pub fn assert_sent_nth(&self, index: usize, expected: &ExpectedRequest) {
        let log = lock(&self.log);
        let Some(request) = log.get(index) else {
            panic!(
                "{}: expected request {} of at least {}, only {} arrived",
                self.endpoint,
                index + 1,
                index + 1,
                log.len()
            );
        };
        if let Some(report) = describe(index, log.len(), request, expected) {
            panic!("{}: {report}", self.endpoint);
        }
    }

    /// The underlying httpmock mock.
    pub fn mock(&self) -> &Mock<'a> {
        &self.mock
    }

    /// Removes the mock from the server: later requests go to other mocks (or get
    /// `404`). The recorded requests go with it.
    pub fn delete(mut self) {
        self.mock.delete();
    }

    /// [`delete`](Self::delete), for async tests.
    pub async fn delete_async(self) {
        self.mock.delete_async().await;
    }
}

fn describe(
    index: usize,
    count: usize,
    request: &SentRequest,
    expected: &ExpectedRequest,
) -> Option<String> {
    let mismatches = expected.mismatches(request);
    if mismatches.is_empty() {
        return None;
    }
    Some(format!(
        "request {} of {count} ({}) differs from what was expected:\n  - {}",
        index + 1,
        request.summary(),
        mismatches.join("\n  - ")
    ))
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_endpoints_are_the_specs() {
        for (constant, group, method) in [
            (Endpoint::GetUserActivity, "analytics", "get_user_activity"),
            (
                Endpoint::GetAnalyticsMeta,
                "analytics",
                "get_analytics_meta",
            ),
            (Endpoint::QueryAnalytics, "analytics", "query_analytics"),
        ] {
            assert_eq!(Endpoint::find(group, method), Some(constant));
        }
    }

    #[test]
    fn every_operation_routes_by_method_and_path_template() {
        for operation in openrouter_analytics::operations() {
            let endpoint = Endpoint::from(operation);
            let pattern = regex::Regex::new(&endpoint.path_pattern()).expect("compiles");
            let concrete: String = endpoint
                .path()
                .split('/')
                .map(|s| if s.starts_with('{') { "abc-123" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            assert!(pattern.is_match(&concrete), "{endpoint}: {concrete}");
            assert!(
                !pattern.is_match(&format!("{concrete}/extra")),
                "{endpoint}"
            );
        }
        let pattern = Endpoint::new("GET", "/keys/{hash}", "get_key").path_pattern();
        assert_eq!(pattern, "^/keys/[^/]+$");
    }
}
