//! `openrouter check --webhook URL`: the crossed rules posted as `{"text": "..."}`, the
//! body Slack's incoming webhooks take (and Discord's, at the webhook URL + `/slack`).
//!
//! The URL is a secret (whoever has it can post to the channel): it is never in
//! `Debug`, `Display` or an error.

use std::fmt;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use openrouter_analytics::reqwest::{self, StatusCode, Url};
use openrouter_analytics::{RetryConfig, server_requested_delay};

/// Where the alerts go.
///
/// ```
/// use openrouter_analytics_watch::Webhook;
///
/// let hook = Webhook::parse("https://hooks.example/T000/B000/secret-token", false).unwrap();
/// assert_eq!(format!("{hook:?}"), "Webhook(<redacted>)");
/// // Plain http only to this machine, unless asked for.
/// assert!(Webhook::parse("http://hooks.example/x", false).is_err());
/// assert!(Webhook::parse("http://hooks.example/x", true).is_ok());
/// assert!(Webhook::parse("http://127.0.0.1:9/x", false).is_ok());
/// ```
#[derive(Clone)]
pub struct Webhook {
    url: Url,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Webhook(<redacted>)")
    }
}

/// Why the webhook could not be used or did not take the message; never holds the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookError(String);

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WebhookError {}

/// Whether `url` goes to this machine (`localhost`, `127.0.0.0/8`, `::1`).
fn is_loopback(url: &Url) -> bool {
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false),
        None => false,
    }
}

impl Webhook {
    /// Checks the URL: `https://`, or `http://` to a loopback host, or any `http://`
    /// with `allow_insecure_http` (as `--base-url`).
    pub fn parse(url: &str, allow_insecure_http: bool) -> Result<Self, WebhookError> {
        let url = Url::parse(url.trim())
            .map_err(|err| WebhookError(format!("the webhook URL is not a valid URL ({err})")))?;
        match url.scheme() {
            "https" => {}
            "http" if allow_insecure_http || is_loopback(&url) => {}
            "http" => {
                return Err(WebhookError(
                    "the webhook URL is plain http:// to a host that is not loopback; use \
                     https://, or pass --allow-insecure-http to send it anyway"
                        .into(),
                ));
            }
            _ => {
                return Err(WebhookError(
                    "the webhook URL must start with https:// (or http:// to this machine)".into(),
                ));
            }
        }
        Ok(Self { url })
    }

    /// The HTTP client to post with: it follows no redirect, so the alert goes to the
    /// URL that was checked and nowhere else (a `3xx` answer is a failure).
    pub fn http_client(
        user_agent: &str,
        timeout: Duration,
    ) -> Result<reqwest::Client, WebhookError> {
        reqwest::Client::builder()
            .user_agent(user_agent)
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| WebhookError("cannot set up an HTTP client for the webhook".into()))
    }

    /// Posts `{"text": text}` with `http`, which should come from
    /// [`Webhook::http_client`] (a client that follows redirects would re-post the
    /// alert to wherever a `3xx` points). A `3xx` answer is a failure like a `5xx`.
    /// Resent, with the backoff of `retry`, only where the message cannot have arrived:
    /// a refused connection, or a `429` (after its `Retry-After`). Any other failure is
    /// reported at once, so that a channel never gets the same alert twice.
    pub async fn post(
        &self,
        http: &reqwest::Client,
        retry: &RetryConfig,
        text: &str,
    ) -> Result<(), WebhookError> {
        let body = serde_json::json!({ "text": text });
        let started = Instant::now();
        let mut attempt: u32 = 1;
        loop {
            let sent = http.post(self.url.clone()).json(&body).send().await;
            let wait = match sent {
                Ok(response) if response.status().is_success() => return Ok(()),
                Ok(response) if response.status() == StatusCode::TOO_MANY_REQUESTS => {
                    let delay = server_requested_delay(response.headers())
                        .unwrap_or_else(|| retry.backoff(attempt));
                    (delay, "429 Too Many Requests".to_string())
                }
                Ok(response) if response.status().is_redirection() => {
                    return Err(WebhookError(format!(
                        "the webhook answered {} (redirects are not followed)",
                        response.status()
                    )));
                }
                Ok(response) => {
                    return Err(WebhookError(format!(
                        "the webhook answered {}",
                        response.status()
                    )));
                }
                Err(err) if err.is_connect() => {
                    (retry.backoff(attempt), describe(&err.without_url()))
                }
                Err(err) => return Err(WebhookError(describe(&err.without_url()))),
            };
            let out_of_attempts = retry.get_max_attempts().is_some_and(|most| attempt >= most);
            let out_of_time = started.elapsed() + wait.0 > retry.get_max_elapsed_time();
            if out_of_attempts || out_of_time {
                return Err(WebhookError(format!(
                    "{} (after {attempt} attempt{})",
                    wait.1,
                    if attempt == 1 { "" } else { "s" }
                )));
            }
            tokio::time::sleep(wait.0.min(Duration::from_secs(60))).await;
            attempt += 1;
        }
    }
}

/// A request error and its causes on one line (the URL was removed before).
fn describe(err: &reqwest::Error) -> String {
    let mut text = if err.is_timeout() {
        "the webhook did not answer in time".to_string()
    } else if err.is_connect() {
        "cannot connect to the webhook".to_string()
    } else {
        "the webhook request failed".to_string()
    };
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    crate::one_line(&text)
}
