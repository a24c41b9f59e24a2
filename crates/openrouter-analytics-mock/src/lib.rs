//! Test your code that calls OpenRouter's Analytics API without the network.
//!
//! Add this crate as a **dev-dependency** next to `openrouter-analytics`. It starts a
//! local HTTP server on `127.0.0.1` ([`MockOpenRouter`]) that answers the API's
//! operations with values you choose, records every request it answers, and lets you
//! assert on what your code sent.
//!
//! - One-liners for the common cases: [`MockOpenRouter::activity_rows`],
//!   [`MockOpenRouter::activity_error`], [`MockOpenRouter::activity_fails_then_succeeds`],
//!   [`MockOpenRouter::analytics_meta`], [`MockOpenRouter::analytics_query`], and
//!   [`MockOpenRouter::replies`] for any sequence of [`Reply`]s.
//! - Assertions on what was sent: [`EndpointMock::assert_calls`],
//!   [`EndpointMock::assert_sent`] with an [`ExpectedRequest`] (query parameters, app
//!   headers, key, body), or the raw [`SentRequest`]s.
//! - Realistic typed fixtures: [`activity_row`], [`sample_meta`], [`query_result`].
//! - A whole account: [`MockOpenRouter::sample_account`] answers every operation from
//!   [`SampleAccount`] (30 days of activity, keys, members, workspaces, budgets,
//!   credits, generations, guardrails and their assignments, BYOK keys, observability
//!   destinations, SCIM groups, presets, models with prices, providers, external
//!   users, organization settings, rankings and benchmarks), ids and paging included,
//!   with a working example request per operation ([`SampleAccount::example_call`]);
//!   the `openrouter-mock` binary serves the same on a port of your choice.
//! - The typed httpmock helpers that progenitor generates from the spec, for anything
//!   else: [`MockServerExt`] on [`MockOpenRouter::server`], with one `When`/`Then` pair
//!   per operation in [`operations`].
//!
//! # Example: test a function that sums spend per model
//!
//! ```
//! use std::collections::BTreeMap;
//!
//! use openrouter_analytics::Client;
//! use openrouter_analytics_mock::{ExpectedRequest, MockOpenRouter, activity_row};
//!
//! /// The code under test: dollars spent per model over the activity window.
//! async fn spend_by_model(
//!     client: &Client,
//! ) -> Result<BTreeMap<String, f64>, openrouter_analytics::Error> {
//!     let activity = client.analytics().get_user_activity().send().await?;
//!     let mut totals = BTreeMap::new();
//!     for row in &activity.data {
//!         *totals.entry(row.model.clone()).or_insert(0.0) += row.usage;
//!     }
//!     Ok(totals)
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let openrouter = MockOpenRouter::start_async().await;
//! let activity = openrouter.activity_rows([
//!     activity_row("openai/gpt-4o", 1.25),
//!     activity_row("anthropic/claude-sonnet-4", 0.5),
//!     activity_row("openai/gpt-4o", 2.0),
//! ]);
//! let client = openrouter.client_builder().app_title("Spend report").build().expect("client");
//!
//! let totals = spend_by_model(&client).await.expect("spend");
//!
//! assert_eq!(totals["openai/gpt-4o"], 3.25);
//! assert_eq!(totals["anthropic/claude-sonnet-4"], 0.5);
//! activity.assert_calls(1);
//! activity.assert_sent(&ExpectedRequest::new().app_title("Spend report").no_other_query_params());
//! # }
//! ```
//!
//! # Which mock answers
//!
//! Every helper registers one httpmock mock for one operation (method and path). When
//! several mocks match a request, the one registered **first** answers; to change an
//! operation's answer in the middle of a test, [`EndpointMock::delete`] the old mock
//! first. A request that no mock matches gets httpmock's `404`.
//!
//! The base URL of the server has no path prefix: point clients at
//! [`MockOpenRouter::base_url`], not at `<base_url>/api/v1`.
#![warn(missing_docs)]

mod fixtures;
mod reply;
mod request;
mod sample;
mod sample_answer;
mod sample_catalog;
mod server;

#[rustfmt::skip]
#[allow(missing_docs, unused_imports, clippy::all)]
mod generated;

/// Progenitor's typed httpmock helpers, generated from the spec: a method per operation
/// on [`httpmock::MockServer`], each configured through that operation's typed
/// `When` (parameters) and `Then` (documented responses) from [`operations`].
///
/// ```
/// use openrouter_analytics_mock::{MockOpenRouter, MockServerExt, activity_response, activity_row};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let openrouter = MockOpenRouter::start_async().await;
/// let only_that_day = openrouter.server().get_user_activity(|when, then| {
///     when.date("2026-11-01").user_id(None);
///     then.ok(&activity_response([activity_row("openai/gpt-4o", 0.5)]));
/// });
/// let activity = openrouter
///     .client()
///     .analytics()
///     .get_user_activity()
///     .date("2026-11-01")
///     .send()
///     .await
///     .expect("200");
/// assert_eq!(activity.data.len(), 1);
/// only_that_day.assert();
/// # }
/// ```
pub use generated::MockServerExt;
/// Per-operation `When` and `Then` wrappers used by [`MockServerExt`]; `into_inner()`
/// gives the underlying [`httpmock::When`] / [`httpmock::Then`] for anything the spec
/// does not describe (other statuses, delays, extra headers).
pub use generated::operations;

pub use fixtures::{
    activity_response, activity_row, error_response, query_result, query_row, sample_meta,
};
pub use reply::Reply;
pub use request::{ExpectedRequest, SentRequest};
pub use sample::{
    DEFAULT_PAGE_SIZE, SAMPLE_DAYS, SAMPLE_FIRST_DAY, SAMPLE_INFERENCE_KEY, SAMPLE_LAST_DAY,
    SAMPLE_NOW, SAMPLE_ORGANIZATION_ID, SAMPLE_REVOKED_KEY, SampleAccount, SampleCall,
};
pub use server::{Endpoint, EndpointMock, MockOpenRouter, SampleMocks, TEST_API_KEY, fast_retries};

/// The httpmock version this crate is built on, re-exported so that tests can use
/// [`MockOpenRouter::server`] without a dependency of their own.
pub use httpmock;
