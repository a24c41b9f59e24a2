//! Exit codes, and the one line printed on stderr when something fails.

use std::io;

use openrouter_analytics::{Error, ErrorKind};

use crate::output::money::Unprintable;
use crate::output::resource::Unusable;

/// Where to create the key the Analytics API needs.
pub const MANAGEMENT_KEYS_URL: &str = "https://openrouter.ai/settings/management-keys";

/// The process exit codes (also listed in `--help` and docs/cli.md).
pub mod code {
    /// Success.
    pub const SUCCESS: u8 = 0;
    /// Anything not covered below.
    pub const OTHER: u8 = 1;
    /// Bad command line: clap's own errors and invalid flag values.
    pub const USAGE: u8 = 2;
    /// No API key, or a setting the client rejects.
    pub const CONFIG: u8 = 3;
    /// OpenRouter answered with an error status.
    pub const API: u8 = 4;
    /// OpenRouter could not be reached (including an unknown host or a TLS failure) or
    /// did not answer in time.
    pub const NETWORK: u8 = 5;
    /// `openrouter check`: at least one rule was crossed.
    pub const RULE_CROSSED: u8 = 6;
    /// `openrouter check`: no rule was crossed, but at least one could not be judged
    /// (a figure it needs from OpenRouter is not a finite number, or a guardrail's spend
    /// cannot be told).
    pub const RULE_UNKNOWN: u8 = 7;
}

/// A failure: the exit code and the message (without the `error: ` prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The exit code, from [`code`].
    pub code: u8,
    /// What went wrong and, where there is one, the fix.
    pub message: String,
}

/// Which command failed, for the hint that goes with an API error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// `openrouter activity`.
    Activity,
    /// `openrouter analytics meta`.
    Meta,
    /// `openrouter analytics query`.
    Query,
    /// `openrouter api ...`.
    Api,
    /// The account commands (`key`, `keys`, `members`, `workspaces`...).
    Account,
}

/// A dollar amount that cannot be printed fails the command with its own message.
impl From<Unprintable> for Failure {
    fn from(err: Unprintable) -> Self {
        Self::other(err.to_string())
    }
}

impl Failure {
    /// An invalid flag value.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: code::USAGE,
            message: message.into(),
        }
    }

    /// A configuration problem.
    pub fn config(message: impl Into<String>) -> Self {
        Self {
            code: code::CONFIG,
            message: message.into(),
        }
    }

    /// Anything else.
    pub fn other(message: impl Into<String>) -> Self {
        Self {
            code: code::OTHER,
            message: message.into(),
        }
    }

    /// No API key anywhere.
    pub fn no_api_key() -> Self {
        Self::config(format!(
            "no API key; set OPENROUTER_API_KEY or pass --api-key with a management key \
             (create one at {MANAGEMENT_KEYS_URL})"
        ))
    }

    /// Writing the output failed, or rendering it found a dollar amount it will not
    /// print ([`Unprintable`]: exit 1 with its own message), or `--columns` named no
    /// field ([`Unusable`]: a usage error, exit 2).
    pub fn output(err: &io::Error) -> Self {
        let inner = err.get_ref();
        if let Some(unusable) = inner.and_then(|inner| inner.downcast_ref::<Unusable>()) {
            return Self::usage(unusable.to_string());
        }
        match inner.and_then(|inner| inner.downcast_ref::<Unprintable>()) {
            Some(unprintable) => Self::other(unprintable.to_string()),
            None => Self::other(format!("cannot write the output: {err}")),
        }
    }

    /// An error from the client, with the fix that goes with it.
    pub fn from_client(err: &Error, operation: Operation, base_url: &str) -> Self {
        let status_error = |fix: &str| Self {
            code: code::API,
            message: format!("{err}; {fix}"),
        };
        match err.kind() {
            ErrorKind::Config => Self::config(err.to_string()),
            ErrorKind::InvalidRequest => Self::usage(err.to_string()),
            ErrorKind::Forbidden if err.needs_management_key() => Self {
                code: code::API,
                message: format!(
                    "this API key is not a management key ({}); create a management key at \
                     {MANAGEMENT_KEYS_URL} and pass it with --api-key or OPENROUTER_API_KEY",
                    reason(err)
                ),
            },
            ErrorKind::Forbidden => status_error(
                "check that the key is a management key of the account you want to see",
            ),
            ErrorKind::Unauthorized => Self {
                code: code::API,
                message: format!(
                    "OpenRouter rejected the API key ({}); check --api-key or OPENROUTER_API_KEY \
                     (the Analytics API needs a management key: {MANAGEMENT_KEYS_URL})",
                    reason(err)
                ),
            },
            ErrorKind::BadRequest => status_error(match operation {
                Operation::Activity => {
                    "check the flags: --date must be one of the last 30 completed UTC days"
                }
                Operation::Query => {
                    "check the flags: `openrouter analytics meta` lists the metrics, dimensions \
                     and operators a query accepts"
                }
                Operation::Meta => "check --base-url",
                Operation::Api => "check the parameters and the body against `--help`",
                Operation::Account => "check the flags and values against the command's `--help`",
            }),
            ErrorKind::NotFound => {
                status_error("check --base-url (it should end in /api/v1) and the ids you passed")
            }
            ErrorKind::RateLimited => status_error(
                "wait a little and try again, or allow longer retries with --retry-max-elapsed-time",
            ),
            ErrorKind::Server => status_error("OpenRouter failed; try again in a moment"),
            ErrorKind::OtherStatus => status_error("try again later"),
            ErrorKind::Connection => Self {
                code: code::NETWORK,
                message: format!(
                    "cannot reach {base_url} ({err}); check your network connection and \
                     --base-url / OPENROUTER_BASE_URL"
                ),
            },
            // Permanent, but exit 5 rather than 3: a network's DNS or TLS-intercepting
            // proxy causes these as often as a mistyped --base-url does.
            ErrorKind::UnknownHost => Self {
                code: code::NETWORK,
                message: format!("{err} (--base-url / OPENROUTER_BASE_URL)"),
            },
            ErrorKind::Tls => Self {
                code: code::NETWORK,
                message: format!(
                    "{err} (--base-url / OPENROUTER_BASE_URL; or a proxy on your network \
                     intercepts TLS)"
                ),
            },
            ErrorKind::Timeout => Self {
                code: code::NETWORK,
                message: format!(
                    "{base_url} did not answer in time ({err}); try again, or raise --timeout"
                ),
            },
            ErrorKind::ResponseTooLarge => Self::other(format!(
                "{err}; to accept it, raise --max-response-mb (OPENROUTER_MAX_RESPONSE_MB, \
                 default 64)"
            )),
            _ => Self::other(format!(
                "{err}; the response was not what this version of openrouter expects"
            )),
        }
    }
}

/// The status and OpenRouter's message, e.g. `403 Forbidden: Only management keys...`.
fn reason(err: &Error) -> String {
    let status = err
        .status()
        .map(|s| s.to_string())
        .unwrap_or_else(|| "no status".into());
    match err.api_message().or(err.body_snippet()) {
        Some(message) if !message.trim().is_empty() => {
            let message: String = message.chars().take(200).collect();
            format!("{status}: {message}")
        }
        _ => status,
    }
}

/// `text` on one line: runs of whitespace (newlines included) become one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
