//! The client, built from the global options.

use openrouter_analytics::{Client, DEFAULT_BASE_URL, DEFAULT_USER_AGENT, RetryConfig};

use crate::exit::Failure;
use crate::global::GlobalArgs;
use crate::progress::Progress;

/// The User-Agent: this tool, then the client crate.
pub fn user_agent() -> String {
    format!(
        "{}/{} {DEFAULT_USER_AGENT}",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION")
    )
}

/// The retry policy the flags describe, on top of the client's defaults.
pub fn retry_config(args: &GlobalArgs) -> RetryConfig {
    let mut retry = RetryConfig::default();
    if let Some(interval) = args.retry_initial_interval {
        retry = retry.initial_interval(interval);
    }
    if let Some(interval) = args.retry_max_interval {
        retry = retry.max_interval(interval);
    }
    if let Some(budget) = args.retry_max_elapsed_time {
        retry = retry.max_elapsed_time(budget);
    }
    if let Some(jitter) = args.retry_jitter {
        retry = retry.jitter(jitter);
    }
    if let Some(attempts) = args.retry_max_attempts {
        retry = retry.max_attempts(attempts);
    }
    if args.no_retries {
        retry = retry.max_attempts(1);
    }
    retry
}

/// The API key from `--api-key` / `OPENROUTER_API_KEY`, if any is set and not blank.
pub fn api_key(args: &GlobalArgs) -> Option<&str> {
    args.api_key
        .as_deref()
        .map(str::trim)
        .filter(|key| !key.is_empty())
}

/// The base URL to send to: `--base-url` / `OPENROUTER_BASE_URL` unless blank, else the default.
pub fn base_url(args: &GlobalArgs) -> &str {
    args.base_url
        .as_deref()
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .unwrap_or(DEFAULT_BASE_URL)
}

/// Builds the client, reporting its attempts to `progress` if there is a spinner, or
/// says which setting is missing or wrong.
pub fn build_client(args: &GlobalArgs, progress: Option<&Progress>) -> Result<Client, Failure> {
    let key = api_key(args).ok_or_else(Failure::no_api_key)?;
    let mut builder = Client::builder()
        .api_key(key)
        .base_url(base_url(args))
        .user_agent(user_agent())
        .retry(retry_config(args));
    if let Some(referer) = &args.http_referer {
        builder = builder.http_referer(referer.as_str());
    }
    if let Some(title) = &args.app_title {
        builder = builder.app_title(title.as_str());
    }
    if !args.app_categories.is_empty() {
        builder = builder.app_categories(args.app_categories.iter().map(String::as_str));
    }
    if let Some(timeout) = args.timeout {
        builder = builder.timeout(timeout);
    }
    if let Some(mb) = args.max_response_mb {
        let bytes = usize::try_from(mb.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX);
        builder = builder.max_response_bytes(bytes);
    }
    if let Some(progress) = progress {
        builder = builder.observer(progress.observer());
    }
    let builder = builder.danger_allow_insecure_http(args.allow_insecure_http);
    builder.clone().build().map_err(|err| {
        // The builder alone decides which URLs may carry the key; when allowing
        // plain HTTP is what would make it accept this one, name the CLI's opt-in
        // rather than the library method its message names.
        if !args.allow_insecure_http && builder.danger_allow_insecure_http(true).build().is_ok() {
            Failure::config(format!(
                "base URL {} (--base-url / OPENROUTER_BASE_URL) is plain http:// to a host that is not loopback, so the API \
                 key would cross the network unencrypted; use https://, or pass \
                 --allow-insecure-http (OPENROUTER_ALLOW_INSECURE_HTTP=1) to send it anyway",
                base_url(args)
            ))
        } else {
            Failure::config(format!("{err}; check the connection options"))
        }
    })
}
