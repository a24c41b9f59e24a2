//! A synchronous client, for programs without an async runtime.
//!
//! It owns a small tokio runtime (one worker thread) and runs the async client there;
//! `send()` hands the call to that thread and waits for its answer on a channel, as
//! `reqwest::blocking` does. So the operations, options and errors are the async ones,
//! and it works from any thread that may block: plain threads, and inside
//! `tokio::task::spawn_blocking` or `block_in_place`.
//!
//! ```no_run
//! use openrouter_analytics::blocking::Client;
//!
//! let client = Client::builder().api_key("sk-or-v1-...").build()?;
//! let activity = client.analytics().get_user_activity().date("2026-11-01").send()?;
//! println!("{} rows", activity.data.len());
//! # Ok::<(), openrouter_analytics::Error>(())
//! ```

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use std::future::Future;

use crate::call::{Async, Call, Operation, WithRawBody};
use crate::check::Listed;
use crate::client::ClientBuilder;
use crate::dynamic::{ByName, TolerantAnswer, TolerantPages};
use crate::error::{Error, Result};
use crate::paging::Paged;

/// A blocking [`crate::Client`]. Cheap to clone; clones share the runtime.
///
/// The operation groups (`client.analytics()`, ...) are the async client's, with
/// calls whose `send()` blocks.
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
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("openrouter-analytics-blocking")
            .on_thread_start(move || RUNTIME_OF_THIS_THREAD.set(Some(id)))
            .enable_all()
            .build()
            .map_err(|err| Error::config(format!("cannot start the blocking runtime: {err}")))?;
        Ok(Self {
            client,
            runtime: Arc::new(Runtime {
                id,
                runtime: Some(runtime),
            }),
        })
    }

    /// What the generated operation groups put in their calls.
    pub(crate) fn mode(&self) -> Blocking {
        Blocking {
            runtime: Arc::clone(&self.runtime),
        }
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

impl<Op: Operation> Call<Op, Blocking> {
    /// Sends the call and waits for the outcome, retrying as configured.
    ///
    /// # Errors
    /// As the async `send`; also [`ErrorKind::Runtime`](crate::ErrorKind::Runtime)
    /// when the client's runtime cannot run the call: it was called from that runtime's
    /// own thread (e.g. from an observer callback), where waiting would deadlock.
    pub fn send(self) -> Result<Op::Output> {
        self.wait(|call| call.send())
    }

    /// Like [`send`](Self::send), and also returns the exact bytes of the response
    /// body (see the async [`send_with_raw_body`](crate::Call::send_with_raw_body)).
    ///
    /// # Errors
    /// As [`send`](Self::send).
    pub fn send_with_raw_body(self) -> Result<WithRawBody<Op::Output>> {
        self.wait(|call| call.send_with_raw_body())
    }

    /// Runs what `start` makes of the async twin of this call on the client's runtime,
    /// and waits for it on a channel. Unlike `Runtime::block_on`, this works wherever
    /// the thread may block, including `spawn_blocking` and `block_in_place` inside
    /// another runtime.
    fn wait<T, F>(self, start: impl FnOnce(Call<Op, Async>) -> F) -> Result<T>
    where
        T: Send + 'static,
        F: Future<Output = Result<T>> + Send + 'static,
    {
        let name = self.params.name();
        let fail = |err: Error| err.with_operation(name);
        let runtime = Arc::clone(&self.mode.runtime);
        if RUNTIME_OF_THIS_THREAD.get() == Some(runtime.id) {
            return Err(fail(Error::runtime(
                "the blocking client was called from its own runtime's thread, where \
                 waiting for the call would deadlock; use the async Client there",
            )));
        }
        let handle = runtime.handle().map_err(fail)?;
        let (sender, receiver) = std::sync::mpsc::sync_channel(1);
        let future = start(Call {
            client: self.client,
            mode: Async,
            params: self.params,
            options: self.options,
        });
        handle.spawn(async move {
            // The caller only stops waiting by going away; then nobody needs the outcome.
            let _ = sender.send(future.await);
        });
        receiver.recv().unwrap_or_else(|_| {
            Err(fail(Error::runtime(
                "the blocking runtime shut down before the call finished",
            )))
        })
    }
}

impl<Op: Listed> Call<Op, Blocking>
where
    Op::Output: serde::de::DeserializeOwned,
{
    /// See the async [`send_raw_body`](crate::Call::send_raw_body): the body as sent,
    /// checked item by item, never held decoded.
    ///
    /// # Errors
    /// As [`send`](Self::send).
    pub fn send_raw_body(self) -> Result<crate::Bytes> {
        self.wait(|call| call.send_raw_body())
    }
}

impl<Op: Paged> Call<Op, Blocking> {
    /// See the async [`send_all_pages`](crate::Call::send_all_pages).
    ///
    /// # Errors
    /// As [`send`](Self::send).
    pub fn send_all_pages(self) -> Result<Vec<WithRawBody<Op::Output>>> {
        self.wait(|call| call.send_all_pages())
    }

    /// See the async [`collect_all`](crate::Call::collect_all).
    ///
    /// # Errors
    /// As [`send`](Self::send).
    pub fn collect_all(self) -> Result<Vec<Op::Item>> {
        self.wait(|call| call.collect_all())
    }
}

impl Call<ByName, Blocking> {
    /// See the async [`send_all_pages`](crate::Call::send_all_pages) of a call by name.
    ///
    /// # Errors
    /// As the async call's.
    pub fn send_all_pages(self) -> Result<Vec<WithRawBody<serde_json::Value>>> {
        self.wait(|call| call.send_all_pages())
    }

    /// See the async [`collect_all`](crate::Call::collect_all) of a call by name.
    ///
    /// # Errors
    /// As the async call's.
    pub fn collect_all(self) -> Result<Vec<serde_json::Value>> {
        self.wait(|call| call.collect_all())
    }

    /// See the async [`send_tolerant`](crate::Call::send_tolerant): a successful
    /// answer that does not match the spec comes back as sent, with the mismatch.
    ///
    /// ```no_run
    /// # fn run(client: openrouter_analytics::blocking::Client) -> openrouter_analytics::Result<()> {
    /// let answer = client.operation("credits", "get_credits")?.send_tolerant()?;
    /// if let Some(mismatch) = &answer.mismatch {
    ///     eprintln!("warning: {mismatch}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// As the async call's.
    pub fn send_tolerant(self) -> Result<TolerantAnswer> {
        self.wait(|call| call.send_tolerant())
    }

    /// See the async [`send_all_pages_tolerant`](crate::Call::send_all_pages_tolerant).
    ///
    /// # Errors
    /// As the async call's.
    pub fn send_all_pages_tolerant(self) -> Result<TolerantPages> {
        self.wait(|call| call.send_all_pages_tolerant())
    }
}

thread_local! {
    /// The id of the blocking runtime this thread works for, if any.
    static RUNTIME_OF_THIS_THREAD: Cell<Option<u64>> = const { Cell::new(None) };
}

/// The runtime, shut down without blocking when dropped: dropping a tokio runtime
/// inside another runtime's context would otherwise panic.
struct Runtime {
    /// Tells this runtime's threads apart from every other thread.
    id: u64,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Runtime {
    fn handle(&self) -> Result<&tokio::runtime::Handle> {
        self.runtime
            .as_ref()
            .map(tokio::runtime::Runtime::handle)
            .ok_or_else(|| Error::runtime("the blocking runtime has shut down"))
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Runtime")
    }
}
