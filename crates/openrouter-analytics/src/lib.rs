//! A typed Rust client for [OpenRouter](https://openrouter.ai)'s account side: the
//! Analytics API (where your spend, requests and tokens went), API keys, credits,
//! organization members, workspaces and budgets, and generation lookups.
//!
//! - [`Client`]: API key from the builder or `OPENROUTER_API_KEY`, app-attribution
//!   headers, timeouts, a [`RetryConfig`] with a client default and per-call override,
//!   and an optional observer of attempts and retries ([`AttemptEvent`]).
//! - One group of operations per tag of the API, e.g. [`Analytics`]
//!   (`client.analytics()`: `get_user_activity`, `get_analytics_meta`,
//!   `query_analytics`), with typed parameters and responses ([`types`]). The groups
//!   and calls are generated from the spec, so every operation it describes is here:
//!   [`ApiKeys`], [`Credits`], [`Organization`], [`Workspaces`], [`Generations`] too.
//!   Lists paged by `offset` have `collect_all()` (called by name too); writes are not resent after they
//!   may have reached OpenRouter unless a call allows it.
//! - [`Error`]: one error type whose [`ErrorKind`] tells a 401 from a 429 from a
//!   dropped connection, without ever printing your key.
//! - `blocking` (module behind the `blocking` feature): the same API without an async
//!   runtime.
//!
//! # Quick start
//!
//! ```no_run
//! use openrouter_analytics::Client;
//!
//! # async fn run() -> Result<(), openrouter_analytics::Error> {
//! // The Analytics API needs a management key.
//! let client = Client::builder()
//!     .api_key(std::env::var("OPENROUTER_API_KEY").unwrap_or_default())
//!     .app_title("Spend dashboard")
//!     .build()?;
//!
//! let activity = client.analytics().get_user_activity().send().await?;
//! let mut by_model = std::collections::BTreeMap::<&str, f64>::new();
//! for row in &activity.data {
//!     *by_model.entry(&row.model).or_default() += row.usage;
//! }
//! for (model, usd) in by_model {
//!     println!("{model:40} ${usd:>10.4}");
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Errors and retries
//!
//! Connection failures, timeouts, 408, 429 and 5XX are retried with exponential backoff
//! (see [`RetryConfig`] for the defaults and the budget, which bounds the whole call);
//! `Retry-After` can lengthen a wait, never shorten it. TLS failures and unknown hosts
//! are never retried. Each retry is logged through `tracing` at `WARN` (operation,
//! attempt, status, wait), never with the key, and reported to the client's
//! [observer](ClientBuilder::observer) as an [`AttemptEvent`].
//!
//! ```no_run
//! # async fn run(client: openrouter_analytics::Client) {
//! use openrouter_analytics::ErrorKind;
//!
//! match client.analytics().get_analytics_meta().no_retries().send().await {
//!     Ok(meta) => println!("{} metrics", meta.data.metrics.len()),
//!     Err(err) if err.kind() == ErrorKind::Forbidden => eprintln!("{err}"),
//!     Err(err) => eprintln!("failed after {} attempts: {err}", err.attempts()),
//! }
//! # }
//! ```
#![warn(missing_docs)]

#[cfg(feature = "blocking")]
pub mod blocking;
mod call;
mod check;
mod client;
mod dynamic;
mod error;
// The typed layer, written by `cargo xtask generate` from the spec (xtask/src/sdk.rs):
// one group per tag (`client.analytics()`), one call per operation.
#[rustfmt::skip]
#[allow(unused_imports)]
mod generated;
mod observe;
mod paging;
mod retry;
mod secrets;
// Hand-written sugar for single operations, beside the generated layer.
mod sugar;

/// The buffer type of [`WithRawBody::raw_body`], re-exported so callers need not depend on `bytes`.
pub use bytes::Bytes;
pub use call::{Async, Call, Operation, WithRawBody};
pub use check::Listed;
pub use client::{
    API_KEY_ENV, BASE_URL_ENV, Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT,
};
pub use dynamic::{
    ByName, CallByName, ColumnInfo, ColumnKind, FieldInfo, OperationInfo, PagingInfo,
    ParameterInfo, Payload, ResponseInfo, TolerantAnswer, TolerantPages, ValueType, find_operation,
    operations,
};
pub use error::{ApiErrorDetail, Error, ErrorKind, MAX_BODY_SNIPPET, Result};
pub use generated::*;
pub use observe::AttemptEvent;
pub use paging::{DEFAULT_MAX_PAGES, Paged};
pub use retry::{RetryConfig, StatusRange};
// Public for the fuzz targets and the CLI only; not part of the supported API.
#[doc(hidden)]
pub use retry::{parse_retry_after, parse_retry_after_ms, server_requested_delay};
pub use sugar::{ActivityDate, parse_day};

/// Date and time types of the API's timestamps and days, re-exported because they
/// appear in this crate's API (`chrono::NaiveDate`, `chrono::DateTime<Utc>`).
pub use chrono;
/// An optional, nullable request-body field: left out, sent as `null` (clearing it) or
/// sent with a value; see "Clearing a field" in docs/library.md and the typed calls'
/// `clear_<field>()` setters.
pub use openrouter_analytics_api::Nullable;
/// The API's request and response types, generated from the OpenAPI spec.
pub use openrouter_analytics_api::types;
/// The HTTP client underneath, re-exported because it appears in this crate's API
/// ([`ClientBuilder::http_client`], header and status types).
pub use reqwest;
/// The UUID type of workspace ids, re-exported because it appears in this crate's API.
pub use uuid;
