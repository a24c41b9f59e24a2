//! A synchronous client, for programs without an async runtime.
//!
//! It owns a small tokio runtime (one worker thread) and drives the async client on it,
//! so the operations, options and errors are the same as the async ones.
//!
//! ```no_run
//! use openrouter_analytics::blocking::Client;
//!
//! let client = Client::builder().api_key("sk-or-v1-...").build()?;
//! let activity = client.analytics().get_user_activity().date("2026-11-01").send()?;
//! println!("{} rows", activity.data.len());
//! # Ok::<(), openrouter_analytics::Error>(())
//! ```

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;

use crate::analytics::{
    ActivityParams, GetAnalyticsMeta, GetUserActivity, MetaParams, QueryAnalytics, QueryParams,
};
use crate::call::{Call, Operation, WithRawBody, execute, with_raw_body};
use crate::client::ClientBuilder;
use crate::error::{Error, Result};

/// A blocking [`crate::Client`]. Cheap to clone; clones share the runtime.
#[derive(Clone)]
pub struct Client {
    client: crate::Client,
    runtime: Arc<Runtime>,
}

/// Builds a blocking [`Client`]; the settings are those of [`crate::ClientBuilder`].
#[derive(Clone, Debug, Default)]
pub struct Builder {
    inner: ClientBuilder,
}

impl Client {
    /// A builder with every default.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// A client configured from the environment, like [`crate::Client::from_env`].
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) as for the async client, or when
    /// the runtime cannot be started.
    pub fn from_env() -> Result<Self> {
        Self::builder().build()
    }

    /// Wraps an async client.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the runtime cannot be
    /// started.
    pub fn from_async(client: crate::Client) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("openrouter-analytics-blocking")
            .enable_all()
            .build()
            .map_err(|err| Error::config(format!("cannot start the blocking runtime: {err}")))?;
        Ok(Self {
            client,
            runtime: Arc::new(Runtime(Some(runtime))),
        })
    }

    /// The Analytics operations.
    pub fn analytics(&self) -> Analytics<'_> {
        Analytics { client: self }
    }

    /// The async client underneath.
    pub fn as_async(&self) -> &crate::Client {
        &self.client
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Client")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl Builder {
    /// Applies `configure` to the underlying [`crate::ClientBuilder`].
    ///
    /// ```no_run
    /// let client = openrouter_analytics::blocking::Client::builder()
    ///     .with(|b| b.app_title("Nightly export").timeout(std::time::Duration::from_secs(30)))
    ///     .build()?;
    /// # Ok::<(), openrouter_analytics::Error>(())
    /// ```
    pub fn with(mut self, configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Self {
        self.inner = configure(self.inner);
        self
    }

    /// See [`crate::ClientBuilder::api_key`].
    pub fn api_key(self, key: impl Into<String>) -> Self {
        self.with(|b| b.api_key(key))
    }

    /// See [`crate::ClientBuilder::base_url`].
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.with(|b| b.base_url(url))
    }

    /// Builds the client and starts its runtime.
    ///
    /// # Errors
    /// As [`crate::ClientBuilder::build`], or when the runtime cannot be started.
    pub fn build(self) -> Result<Client> {
        Client::from_async(self.inner.build()?)
    }
}

/// Marks a [`Call`] made from the blocking client: `send()` blocks.
#[derive(Clone, Debug)]
pub struct Blocking {
    runtime: Arc<Runtime>,
}

/// The Analytics operations of a blocking client.
#[derive(Clone, Copy, Debug)]
pub struct Analytics<'c> {
    client: &'c Client,
}

impl<'c> Analytics<'c> {
    fn call<Op>(self, params: Op) -> Call<'c, Op, Blocking> {
        let mode = Blocking {
            runtime: Arc::clone(&self.client.runtime),
        };
        Call::new(&self.client.client, mode, params)
    }

    /// See [`crate::Analytics::get_user_activity`].
    pub fn get_user_activity(self) -> GetUserActivity<'c, Blocking> {
        self.call(ActivityParams::default())
    }

    /// See [`crate::Analytics::get_analytics_meta`].
    pub fn get_analytics_meta(self) -> GetAnalyticsMeta<'c, Blocking> {
        self.call(MetaParams)
    }

    /// See [`crate::Analytics::query_analytics`].
    pub fn query_analytics(self) -> QueryAnalytics<'c, Blocking> {
        self.call(QueryParams::default())
    }
}

impl<Op: Operation> Call<'_, Op, Blocking> {
    /// Sends the call and waits for the outcome, retrying as configured.
    ///
    /// # Errors
    /// As the async `send`; also [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest)
    /// when called from inside an async runtime, where blocking would stall it (use the
    /// async client there).
    pub fn send(self) -> Result<Op::Output> {
        let (value, _) = self.block_on_execute(false)?;
        Ok(value)
    }

    /// Like [`send`](Self::send), and also returns the exact bytes of the response
    /// body (see the async [`send_with_raw_body`](crate::Call::send_with_raw_body)).
    ///
    /// # Errors
    /// As [`send`](Self::send).
    pub fn send_with_raw_body(self) -> Result<WithRawBody<Op::Output>> {
        let (value, raw_body) = self.block_on_execute(true)?;
        with_raw_body::<Op>(value, raw_body)
    }

    fn block_on_execute(self, keep_raw_body: bool) -> Result<(Op::Output, Option<Bytes>)> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::invalid_request(
                "the blocking client was called from inside an async runtime; use the async Client there",
            )
            .with_operation(Op::NAME));
        }
        let runtime = self.mode.runtime.get()?;
        runtime.block_on(execute(
            self.client,
            &self.params,
            &self.options,
            keep_raw_body,
        ))
    }
}

/// The runtime, shut down without blocking when dropped: dropping a tokio runtime
/// inside another runtime's context would otherwise panic.
struct Runtime(Option<tokio::runtime::Runtime>);

impl Runtime {
    fn get(&self) -> Result<&tokio::runtime::Runtime> {
        self.0
            .as_ref()
            .ok_or_else(|| Error::config("the blocking runtime has shut down"))
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Runtime")
    }
}
