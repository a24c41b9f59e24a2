//! A typed view of each call's attempts and retries, for progress displays and metrics.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;

use crate::error::ErrorKind;

/// One step of a call, as seen by an observer set with
/// [`ClientBuilder::observer`](crate::ClientBuilder::observer).
///
/// Every call reports `Started` before each attempt, then either `Succeeded`,
/// `Retrying` (and the next `Started` after the wait) or `Failed`. Events carry no
/// secrets: no key, no header values, no bodies.
///
/// ```
/// use openrouter_analytics::{AttemptEvent, Client};
///
/// let client = Client::builder()
///     .api_key("sk-or-v1-...")
///     .observer(|event: &AttemptEvent| {
///         if let AttemptEvent::Retrying { operation, attempt, wait, .. } = event {
///             eprintln!("{operation}: attempt {attempt} failed, retrying in {wait:?}");
///         }
///     })
///     .build()?;
/// # Ok::<(), openrouter_analytics::Error>(())
/// ```
// Non-exhaustive, and so is each variant: new steps and new facts can be added.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptEvent {
    /// Attempt number `attempt` (1-based) is about to be sent.
    #[non_exhaustive]
    Started {
        /// The operation, in snake case (`get_user_activity`).
        operation: &'static str,
        /// The attempt's number, from 1.
        attempt: u32,
    },
    /// The attempt got a successful response, decoded.
    #[non_exhaustive]
    Succeeded {
        /// The operation.
        operation: &'static str,
        /// The attempt's number.
        attempt: u32,
        /// The response's status.
        status: StatusCode,
    },
    /// The attempt failed; the next one starts after `wait`.
    #[non_exhaustive]
    Retrying {
        /// The operation.
        operation: &'static str,
        /// The number of the attempt that failed.
        attempt: u32,
        /// The response's status, when one arrived.
        status: Option<StatusCode>,
        /// What went wrong.
        kind: ErrorKind,
        /// The wait before the next attempt (backoff and jitter, or longer when the
        /// server asked for it).
        wait: Duration,
    },
    /// The attempt failed and the call gives up: the call returns this error.
    #[non_exhaustive]
    Failed {
        /// The operation.
        operation: &'static str,
        /// The number of the last attempt.
        attempt: u32,
        /// The response's status, when one arrived.
        status: Option<StatusCode>,
        /// What went wrong.
        kind: ErrorKind,
    },
}

impl AttemptEvent {
    /// The operation, in snake case.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::Started { operation, .. }
            | Self::Succeeded { operation, .. }
            | Self::Retrying { operation, .. }
            | Self::Failed { operation, .. } => operation,
        }
    }

    /// The attempt's number, from 1.
    pub fn attempt(&self) -> u32 {
        match self {
            Self::Started { attempt, .. }
            | Self::Succeeded { attempt, .. }
            | Self::Retrying { attempt, .. }
            | Self::Failed { attempt, .. } => *attempt,
        }
    }
}

/// The observer a client calls; shared by every clone of the client.
#[derive(Clone)]
pub(crate) struct Observer(Arc<dyn Fn(&AttemptEvent) + Send + Sync>);

impl Observer {
    pub(crate) fn new(observer: impl Fn(&AttemptEvent) + Send + Sync + 'static) -> Self {
        Self(Arc::new(observer))
    }

    pub(crate) fn notify(&self, event: &AttemptEvent) {
        (self.0)(event);
    }
}

impl fmt::Debug for Observer {
    // A closure has no Debug; say that one is set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<observer>")
    }
}
