//! Hand-written: the `ClientHooks` impl for the generated `Client`.
//!
//! It has to live in this crate (the orphan rule forbids implementing a foreign trait
//! for a foreign type downstream). Everything a caller decides per attempt travels in
//! [`RequestContext`], the generated client's inner value, so the generated code stays
//! as progenitor writes it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{HeaderMap, HeaderName};

use crate::Client;

/// Header progenitor adds to every request; it is not part of OpenRouter's API.
const PROGENITOR_API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// What one attempt of one operation sends beyond its parameters, and where it
/// records the head of the response it got.
///
/// Build a [`Client`] per attempt with
/// `Client::new_with_client(base_url, http_client, context)`: constructing it costs
/// a string copy and a reference-count increment.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    headers: HeaderMap,
    timeout: Option<Duration>,
    response_head: Arc<Mutex<Option<ResponseHead>>>,
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
    pub fn new(headers: HeaderMap, timeout: Option<Duration>) -> Self {
        Self {
            headers,
            timeout,
            response_head: Arc::default(),
        }
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
        self.response_head.lock().map_or_else(
            |poisoned| poisoned.into_inner().clone(),
            |head| head.clone(),
        )
    }

    fn record(&self, head: ResponseHead) {
        match self.response_head.lock() {
            Ok(mut slot) => *slot = Some(head),
            Err(poisoned) => *poisoned.into_inner() = Some(head),
        }
    }
}

impl ClientHooks<RequestContext> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let context = self.inner();
        let headers = request.headers_mut();
        headers.remove(PROGENITOR_API_VERSION);
        // Replace rather than add, so a per-call value wins over any earlier one.
        for name in context.headers.keys() {
            headers.remove(name);
        }
        for (name, value) in context.headers.iter() {
            headers.append(name.clone(), value.clone());
        }
        if let Some(timeout) = context.timeout {
            *request.timeout_mut() = Some(timeout);
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
}
