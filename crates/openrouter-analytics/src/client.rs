//! The configured client: key, base URL, default headers, timeouts and retries.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::error::{Error, Result};
use crate::observe::{AttemptEvent, Observer};
use crate::retry::RetryConfig;
use crate::secrets::Secrets;

/// OpenRouter's API root.
pub const DEFAULT_BASE_URL: &str = "https://openrouter.ai/api/v1";
/// Environment variable the API key is read from when the builder has none.
pub const API_KEY_ENV: &str = "OPENROUTER_API_KEY";
/// Environment variable the base URL is read from when the builder has none.
pub const BASE_URL_ENV: &str = "OPENROUTER_BASE_URL";
/// Default limit on one attempt, from connecting to the end of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default limit on establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit on the body of one successful response: 64 MiB, far above any page
/// OpenRouter sends, low enough that a broken or hostile server cannot make a call
/// buffer gigabytes. See [`ClientBuilder::max_response_bytes`].
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

pub(crate) const HTTP_REFERER: HeaderName = HeaderName::from_static("http-referer");
pub(crate) const APP_TITLE: HeaderName = HeaderName::from_static("x-openrouter-title");
pub(crate) const APP_CATEGORIES: HeaderName = HeaderName::from_static("x-openrouter-categories");

/// The User-Agent sent unless [`ClientBuilder::user_agent`] replaces it.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A client for OpenRouter's Analytics API.
///
/// Cheap to clone (an `Arc` inside): build one and share it. Every operation sends the
/// API key as a bearer token, the app-attribution headers that are set, and a
/// User-Agent naming this crate.
///
/// ```no_run
/// # async fn run() -> Result<(), openrouter_analytics::Error> {
/// use openrouter_analytics::Client;
///
/// // Reads OPENROUTER_API_KEY (and OPENROUTER_BASE_URL, if set).
/// let client = Client::from_env()?;
/// let activity = client.analytics().get_user_activity().send().await?;
/// let spend: f64 = activity.data.iter().map(|row| row.usage).sum();
/// println!("${spend:.2} over the last 30 days");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// Authorization (marked sensitive), User-Agent and the app headers that are set;
    /// shared with every call that does not override one of them.
    pub(crate) default_headers: Arc<HeaderMap>,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryConfig,
    pub(crate) observer: Option<Observer>,
    pub(crate) max_response_bytes: usize,
    /// The API key, scrubbed from every error's server text (see `secrets.rs`).
    pub(crate) secrets: Secrets,
}

impl Client {
    /// A builder with every default; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: the key from `OPENROUTER_API_KEY`, the
    /// base URL from `OPENROUTER_BASE_URL` (default [`DEFAULT_BASE_URL`]).
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when no key is set or a value is
    /// invalid.
    pub fn from_env() -> Result<Self> {
        Self::builder().build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The client-wide retry policy.
    pub fn retry_config(&self) -> &RetryConfig {
        &self.shared.retry
    }

    /// The per-attempt timeout.
    pub fn timeout(&self) -> Duration {
        self.shared.timeout
    }

    /// The most bytes a successful response's body may have
    /// ([`ClientBuilder::max_response_bytes`]).
    pub fn max_response_bytes(&self) -> usize {
        self.shared.max_response_bytes
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = &self.shared;
        let mut s = f.debug_struct("Client");
        s.field("base_url", &shared.base_url)
            .field("api_key", &"<redacted>");
        for (name, label) in [
            (&HTTP_REFERER, "http_referer"),
            (&APP_TITLE, "app_title"),
            (&APP_CATEGORIES, "app_categories"),
            (&USER_AGENT, "user_agent"),
        ] {
            if let Some(value) = shared.default_headers.get(name) {
                s.field(label, &String::from_utf8_lossy(value.as_bytes()));
            }
        }
        s.field("timeout", &shared.timeout)
            .field("max_response_bytes", &shared.max_response_bytes)
            .field("retry", &shared.retry)
            .field("observer", &shared.observer)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]. Every setting is optional except the API key, which may also
/// come from `OPENROUTER_API_KEY`.
///
/// The base URL must be `https://`, except for loopback hosts (`127.0.0.0/8`, `::1`,
/// `localhost`: tests and local proxies), which may be plain `http://`. Any other
/// `http://` base URL, from [`base_url`](Self::base_url) or `OPENROUTER_BASE_URL`, is a
/// configuration error, because every request carries the management key as a bearer
/// token; [`danger_allow_insecure_http`](Self::danger_allow_insecure_http) lifts that.
///
/// ```
/// use std::time::Duration;
/// use openrouter_analytics::{Client, RetryConfig};
///
/// let client = Client::builder()
///     .api_key("sk-or-v1-...")
///     .http_referer("https://spend.example.com")
///     .app_title("Spend dashboard")
///     .app_categories(["finops", "dashboard"])
///     .timeout(Duration::from_secs(20))
///     .retry(RetryConfig::default().max_attempts(4))
///     .build()?;
/// assert_eq!(client.base_url(), "https://openrouter.ai/api/v1");
/// # Ok::<(), openrouter_analytics::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    http_referer: Option<String>,
    app_title: Option<String>,
    app_categories: Option<Vec<String>>,
    user_agent: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
    max_response_bytes: Option<usize>,
    http_client: Option<reqwest::Client>,
    observer: Option<Observer>,
    allow_insecure_http: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field(
                "base_url",
                &self.base_url.as_deref().map(without_credentials),
            )
            .field("http_referer", &self.http_referer)
            .field("app_title", &self.app_title)
            .field("app_categories", &self.app_categories)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "<custom>"),
            )
            .field("observer", &self.observer)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

impl ClientBuilder {
    /// The API key (a management key for the Analytics API). Without it,
    /// `OPENROUTER_API_KEY` is used.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The API root (default `OPENROUTER_BASE_URL`, else [`DEFAULT_BASE_URL`]).
    /// `https://`, or plain `http://` to a loopback host; see
    /// [`danger_allow_insecure_http`](Self::danger_allow_insecure_http) for others.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Your app's URL, sent as `HTTP-Referer` for attribution.
    pub fn http_referer(mut self, referer: impl Into<String>) -> Self {
        self.http_referer = Some(referer.into());
        self
    }

    /// Your app's display name, sent as `X-OpenRouter-Title`.
    pub fn app_title(mut self, title: impl Into<String>) -> Self {
        self.app_title = Some(title.into());
        self
    }

    /// Your app's categories, sent comma-joined as `X-OpenRouter-Categories`.
    pub fn app_categories<I, S>(mut self, categories: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.app_categories = Some(categories.into_iter().map(Into::into).collect());
        self
    }

    /// Replaces the default User-Agent (`openrouter-analytics/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Limit on one attempt, from connecting to the last byte of the body
    /// (default [`DEFAULT_TIMEOUT`]). Retries get a fresh limit each, cut to what is
    /// left of the retry budget ([`RetryConfig::max_elapsed_time`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Limit on establishing a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    /// Ignored when you supply your own `reqwest::Client`, which has its own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The client-wide retry policy (default [`RetryConfig::default`]).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The most bytes the body of one successful response may have, counted after
    /// undoing any compression (default [`DEFAULT_MAX_RESPONSE_BYTES`], 64 MiB). A
    /// longer body is not read on: the call fails with
    /// [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge), whose
    /// message names this setting. Each page of a paged list is one response. Error
    /// responses are bounded separately (their first 64 KiB are kept).
    ///
    /// ```
    /// use openrouter_analytics::Client;
    ///
    /// let client = Client::builder()
    ///     .api_key("sk-or-v1-...")
    ///     .max_response_bytes(256 * 1024 * 1024)
    ///     .build()?;
    /// assert_eq!(client.max_response_bytes(), 256 * 1024 * 1024);
    /// # Ok::<(), openrouter_analytics::Error>(())
    /// ```
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Calls `observer` at each step of every call: before each attempt, on success,
    /// before each wait to retry, and on giving up (see [`AttemptEvent`]). For progress
    /// displays and metrics; it runs inline in the call, so keep it quick and never
    /// let it panic. Replaces any earlier observer.
    pub fn observer(mut self, observer: impl Fn(&AttemptEvent) + Send + Sync + 'static) -> Self {
        self.observer = Some(Observer::new(observer));
        self
    }

    /// Use your own `reqwest::Client` (proxies, TLS roots, connection pool settings).
    /// The key and headers are still added to every request; the per-attempt timeout
    /// still applies.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Allows a plain `http://` base URL to a host that is not loopback (default:
    /// refused). The API key then crosses the network unencrypted, readable by anyone
    /// on the path: use it only for a trusted network hop, such as a proxy on the same
    /// private network that forwards over HTTPS. Loopback hosts (`127.0.0.0/8`, `::1`,
    /// `localhost`) never need it.
    ///
    /// ```
    /// use openrouter_analytics::{Client, ErrorKind};
    ///
    /// let refused = Client::builder()
    ///     .api_key("sk-or-v1-...")
    ///     .base_url("http://proxy.internal:8080/api/v1")
    ///     .build();
    /// assert_eq!(refused.unwrap_err().kind(), ErrorKind::Config);
    ///
    /// let client = Client::builder()
    ///     .api_key("sk-or-v1-...")
    ///     .base_url("http://proxy.internal:8080/api/v1")
    ///     .danger_allow_insecure_http(true)
    ///     .build()?;
    /// assert_eq!(client.base_url(), "http://proxy.internal:8080/api/v1");
    /// # Ok::<(), openrouter_analytics::Error>(())
    /// ```
    pub fn danger_allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config), naming the setting, when there
    /// is no API key, the base URL is not an `http(s)` URL (or is plain `http://` to a
    /// host that is not loopback, without
    /// [`danger_allow_insecure_http`](Self::danger_allow_insecure_http)), a header value
    /// has characters HTTP forbids, or the HTTP client cannot be created.
    pub fn build(self) -> Result<Client> {
        self.build_with_env(|name| std::env::var(name).ok())
    }

    fn build_with_env(self, env: impl Fn(&str) -> Option<String>) -> Result<Client> {
        let api_key = self
            .api_key
            .or_else(|| env(API_KEY_ENV))
            .map(|key| key.trim().to_string())
            .filter(|key| !key.is_empty())
            .ok_or_else(|| {
                Error::config(format!(
                    "no API key: call ClientBuilder::api_key or set {API_KEY_ENV} \
                     (the Analytics API needs a management key)"
                ))
            })?;
        let base_url = self
            .base_url
            .or_else(|| env(BASE_URL_ENV).filter(|url| !url.trim().is_empty()))
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let base_url = validate_base_url(&base_url, self.allow_insecure_http)?;

        let mut headers = HeaderMap::new();
        let mut auth = HeaderValue::from_str(&format!("Bearer {api_key}")).map_err(|_| {
            Error::config("the API key contains characters not allowed in an HTTP header")
        })?;
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        let mut secrets = Secrets::default();
        secrets.add(&api_key);
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        headers.insert(
            USER_AGENT,
            header_value("user_agent", user_agent).map_err(Error::config)?,
        );
        let app = AppHeaders {
            http_referer: self.http_referer,
            app_title: self.app_title,
            app_categories: self.app_categories,
        };
        app.apply(&mut headers).map_err(Error::config)?;

        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                // Never send the key to another host: OpenRouter does not redirect.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|err| Error::config(format!("cannot create the HTTP client: {err}")))?,
        };
        Ok(Client {
            shared: Arc::new(Shared {
                http,
                base_url,
                default_headers: Arc::new(headers),
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                retry: self.retry.unwrap_or_default(),
                observer: self.observer,
                max_response_bytes: self
                    .max_response_bytes
                    .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
                secrets,
            }),
        })
    }
}

/// Checks the base URL: the one place that decides where the key may be sent.
///
/// Refused: anything but `http(s)://host[:port][/path]`. Credentials (`user:pw@`)
/// would travel in a second place beside the key; a query or a fragment would swallow
/// the operation's path (`...?x=1` + `/activity` asks for `?x=1/activity`). No message
/// quotes the credentials, even when the URL is otherwise invalid too.
fn validate_base_url(raw: &str, allow_insecure_http: bool) -> Result<String> {
    let trimmed = raw.trim().trim_end_matches('/');
    let shown = without_credentials(trimmed);
    let url = reqwest::Url::parse(trimmed)
        .map_err(|err| Error::config(format!("base URL {shown:?} is not a URL: {err}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(format!(
            "base URL {shown:?} must not contain credentials (user:password@); use \
             ClientBuilder::api_key"
        )));
    }
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::config(format!(
            "base URL {shown:?} must be an http:// or https:// URL with a host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "base URL {shown:?} must not have a query (?...) or a fragment (#...): the \
             operation's path is added after it"
        )));
    }
    // Every request carries the management key as a bearer token: over plain HTTP
    // anyone on the path can read it, except on loopback, where nothing is on the path.
    if url.scheme() == "http" && !allow_insecure_http && !is_loopback(&url) {
        // The fix first: `Display` cuts messages at 200 characters, and a URL is long.
        return Err(Error::config(format!(
            "use https://, or ClientBuilder::danger_allow_insecure_http(true) to send the API \
             key unencrypted: plain http:// to a host that is not loopback ({shown:?})"
        )));
    }
    Ok(trimmed.to_string())
}

/// `url` fit to quote in an error: everything from the start of the authority (after
/// `://`, else the start) to the last `@` becomes `***`, so that a password shows
/// nowhere, even in text the URL parser rejects (where `@`, `/` and `#` may sit
/// anywhere). Masks more than the userinfo when a later `@` is in the path or query;
/// an error message loses little by that.
fn without_credentials(url: &str) -> Cow<'_, str> {
    let start = url.find("://").map_or(0, |i| i + 3);
    match url[start..].rfind('@') {
        Some(at) => Cow::Owned(format!("{}***{}", &url[..start], &url[start + at..])),
        None => Cow::Borrowed(url),
    }
}

/// Whether the URL's host is loopback: `localhost`, `127.0.0.0/8` or `::1` (also as
/// the IPv4-mapped `::ffff:127.x.y.z`).
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    // The URL parser has already lowercased names and normalised addresses
    // (`127.1` is `127.0.0.1`, IPv6 is bracketed).
    if host == "localhost" {
        return true;
    }
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    ip.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// The value as a header, or a message naming the setting (never the value, which
/// may be a secret of the caller's) that the caller turns into its kind of error.
fn header_value(setting: &str, value: &str) -> std::result::Result<HeaderValue, String> {
    HeaderValue::from_str(value).map_err(|_| {
        format!(
            "{setting} contains characters not allowed in an HTTP header \
             (line breaks or other control characters)"
        )
    })
}

/// The app-attribution headers, as set on the client or on one call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct AppHeaders {
    pub(crate) http_referer: Option<String>,
    pub(crate) app_title: Option<String>,
    pub(crate) app_categories: Option<Vec<String>>,
}

impl AppHeaders {
    /// True when no header is set, so that applying these changes nothing.
    pub(crate) fn is_unset(&self) -> bool {
        self.http_referer.is_none() && self.app_title.is_none() && self.app_categories.is_none()
    }

    /// Sets (replacing) each header that has a value. The error is a message naming
    /// the setting: a configuration error on the builder, an invalid request on a call.
    pub(crate) fn apply(&self, headers: &mut HeaderMap) -> std::result::Result<(), String> {
        if let Some(referer) = &self.http_referer {
            headers.insert(HTTP_REFERER, header_value("http_referer", referer)?);
        }
        if let Some(title) = &self.app_title {
            headers.insert(APP_TITLE, header_value("app_title", title)?);
        }
        if let Some(categories) = &self.app_categories {
            let joined = categories
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(",");
            if joined.is_empty() {
                headers.remove(APP_CATEGORIES);
            } else {
                headers.insert(APP_CATEGORIES, header_value("app_categories", &joined)?);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn missing_key_is_a_config_error_naming_the_variable() {
        let err = Client::builder()
            .build_with_env(no_env)
            .expect_err("no key");
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains(API_KEY_ENV), "{err}");
        let err = Client::builder()
            .api_key("   ")
            .build_with_env(no_env)
            .expect_err("blank key");
        assert_eq!(err.kind(), ErrorKind::Config);
    }

    #[test]
    fn environment_fills_in_key_and_base_url_but_the_builder_wins() {
        let env = |name: &str| match name {
            API_KEY_ENV => Some("sk-env".to_string()),
            BASE_URL_ENV => Some("http://127.0.0.1:9/api/".to_string()),
            _ => None,
        };
        let client = Client::builder().build_with_env(env).expect("env config");
        assert_eq!(client.base_url(), "http://127.0.0.1:9/api");
        assert_eq!(
            client.shared.default_headers[AUTHORIZATION],
            "Bearer sk-env"
        );
        let client = Client::builder()
            .api_key("sk-arg")
            .base_url("https://example.test/v1")
            .build_with_env(env)
            .expect("builder config");
        assert_eq!(client.base_url(), "https://example.test/v1");
        assert_eq!(
            client.shared.default_headers[AUTHORIZATION],
            "Bearer sk-arg"
        );
        assert!(client.shared.default_headers[AUTHORIZATION].is_sensitive());
        let client = Client::builder()
            .api_key("k")
            .build_with_env(no_env)
            .expect("default");
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
    }

    #[test]
    fn bad_values_are_config_errors_not_panics() {
        let cases = [
            Client::builder().api_key("k").base_url("ftp://x"),
            Client::builder().api_key("k").base_url("not a url"),
            Client::builder()
                .api_key("k")
                .base_url("https://user:pw@host"),
            Client::builder().api_key("line\nbreak"),
            Client::builder().api_key("k").app_title("bad\r\nheader"),
            Client::builder().api_key("k").http_referer("\u{0}"),
            Client::builder().api_key("k").user_agent("a\nb"),
        ];
        for builder in cases {
            let err = builder.build_with_env(no_env).expect_err("must fail");
            assert_eq!(err.kind(), ErrorKind::Config);
            assert!(!err.to_string().contains("line\nbreak"));
        }
    }

    #[test]
    fn plain_http_is_for_loopback_hosts_only() {
        let build = |url: &str, allow: bool| {
            Client::builder()
                .api_key("k")
                .base_url(url)
                .danger_allow_insecure_http(allow)
                .build_with_env(no_env)
        };
        for loopback in [
            "http://127.0.0.1:9/api/v1",
            "http://127.8.9.10",
            "http://127.1:8080",
            "http://[::1]:9/api/v1",
            "http://[::ffff:127.0.0.1]:9",
            "http://localhost:9/api/v1",
            "http://LOCALHOST",
        ] {
            let client = build(loopback, false).unwrap_or_else(|err| panic!("{loopback}: {err}"));
            assert!(client.base_url().starts_with("http://"), "{loopback}");
        }
        for remote in [
            "http://example.com",
            "http://example.com/api/v1",
            "http://10.0.0.1:8080",
            "http://192.168.1.2",
            "http://[2001:db8::1]",
            "http://0.0.0.0:9",
            "http://localhost.example.com",
            "http://128.0.0.1",
        ] {
            let err = build(remote, false).expect_err(remote);
            assert_eq!(err.kind(), ErrorKind::Config, "{remote}");
            let message = err.to_string();
            assert!(
                message.contains("danger_allow_insecure_http") && message.contains("https://"),
                "{remote}: {message}"
            );
            // The explicit opt-in lets it through.
            let client = build(remote, true).unwrap_or_else(|err| panic!("{remote}: {err}"));
            assert_eq!(client.base_url(), remote);
        }
        for secure in [
            "https://example.com/api/v1",
            "https://10.0.0.1",
            "https://localhost:8443",
        ] {
            build(secure, false).unwrap_or_else(|err| panic!("{secure}: {err}"));
        }
    }

    #[test]
    fn plain_http_from_the_environment_is_checked_too() {
        let env = |url: &'static str| {
            move |name: &str| match name {
                API_KEY_ENV => Some("sk-env".to_string()),
                BASE_URL_ENV => Some(url.to_string()),
                _ => None,
            }
        };
        let err = Client::builder()
            .build_with_env(env("http://openrouter.example/api/v1"))
            .expect_err("remote plain http from the environment");
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(
            err.to_string().contains("http://openrouter.example"),
            "{err}"
        );
        Client::builder()
            .danger_allow_insecure_http(true)
            .build_with_env(env("http://openrouter.example/api/v1"))
            .expect("opted in");
        Client::builder()
            .build_with_env(env("http://localhost:9/api/v1"))
            .expect("loopback");
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        let builder = Client::builder().api_key("sk-or-v1-secret").app_title("t");
        assert!(!format!("{builder:?}").contains("secret"));
        let client = builder.build_with_env(no_env).expect("build");
        let shown = format!("{client:?} {client:#?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("<redacted>"));
        assert!(shown.contains("app_title"));
    }

    #[test]
    fn categories_are_comma_joined_and_blank_ones_dropped() {
        let mut headers = HeaderMap::new();
        AppHeaders {
            app_categories: Some(vec!["cli-agent".into(), " ".into(), " finops ".into()]),
            ..AppHeaders::default()
        }
        .apply(&mut headers)
        .expect("valid");
        assert_eq!(headers[APP_CATEGORIES], "cli-agent,finops");
    }
}
