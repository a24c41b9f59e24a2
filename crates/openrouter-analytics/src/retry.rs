//! When and how long to wait before trying a failed call again.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::error::{Error, ErrorKind};

/// Retry policy: exponential backoff with jitter, bounded by a total time budget.
///
/// The default retries connection failures, timeouts and the statuses 408, 429 and 5XX,
/// waiting 500 ms, then 750 ms, growing by 1.5x up to 60 s between attempts, plus up to
/// 1 s of random jitter, for at most 2 minutes in all (OpenRouter's official SDKs use
/// the same intervals but a 1 hour budget, which looks like a hang).
///
/// - **Server-requested waits.** A `Retry-After` or `retry-after-ms` header can make
///   the wait longer, never shorter: the wait is the larger of what the server asks
///   and the computed backoff (with jitter), so `Retry-After: 0` cannot make a client
///   hammer a struggling server. When the server asks for more time than the budget
///   has left, the error is returned at once.
/// - **Permanent failures** are never retried, whatever this policy says: a TLS
///   failure ([`ErrorKind::Tls`]: an untrusted certificate, a failed handshake), a
///   host name that does not exist ([`ErrorKind::UnknownHost`]) and a request that
///   cannot be built. Another attempt would fail the same way. A *temporary* DNS
///   failure is a [`ErrorKind::Connection`] error and is retried.
/// - **One deadline.** The budget ([`max_elapsed_time`](Self::max_elapsed_time))
///   bounds the whole call: each attempt's timeout is cut to what is left of it, so a
///   call never outlives its budget by a whole attempt timeout. An attempt cut short
///   this way fails with [`ErrorKind::Timeout`], or, when an earlier attempt got an answer, with that
///   attempt's error (a 503 storm ends as a 503). (A zero budget leaves no time for any
///   attempt; use [`disabled`](Self::disabled) to send each call once.)
///
/// ```
/// use std::time::Duration;
/// use openrouter_analytics::RetryConfig;
///
/// let patient = RetryConfig::default()
///     .max_elapsed_time(Duration::from_secs(600))
///     .max_attempts(10);
/// assert_eq!(patient.get_max_attempts(), Some(10));
/// let never = RetryConfig::disabled();
/// assert_eq!(never.get_max_attempts(), Some(1));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RetryConfig {
    initial_interval: Duration,
    max_interval: Duration,
    exponent: f64,
    max_elapsed_time: Duration,
    jitter: Duration,
    max_attempts: Option<u32>,
    retry_connection_errors: bool,
    retry_statuses: Vec<StatusRange>,
}

/// An inclusive range of HTTP statuses, e.g. `500..=599`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusRange {
    first: u16,
    last: u16,
}

impl StatusRange {
    /// One status.
    pub const fn single(status: u16) -> Self {
        Self {
            first: status,
            last: status,
        }
    }

    /// Every status from `first` to `last`, both included.
    pub const fn between(first: u16, last: u16) -> Self {
        Self { first, last }
    }

    /// Whether `status` is in the range.
    pub fn contains(&self, status: StatusCode) -> bool {
        (self.first..=self.last).contains(&status.as_u16())
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(60),
            exponent: 1.5,
            max_elapsed_time: Duration::from_secs(120),
            jitter: Duration::from_secs(1),
            max_attempts: None,
            retry_connection_errors: true,
            retry_statuses: vec![
                StatusRange::single(408),
                StatusRange::single(429),
                StatusRange::between(500, 599),
            ],
        }
    }
}

impl RetryConfig {
    /// No retries: every call is attempted exactly once.
    pub fn disabled() -> Self {
        Self::default().max_attempts(1)
    }

    /// The first wait (default 500 ms).
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// The longest computed wait between two attempts (default 60 s).
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// How much each wait grows over the previous one (default 1.5). Values below 1
    /// (or not finite) are treated as 1.
    pub fn exponent(mut self, exponent: f64) -> Self {
        self.exponent = exponent;
        self
    }

    /// The total time budget from the start of the first attempt (default 2 minutes):
    /// no retry starts after it, and each attempt's timeout is cut to what is left of
    /// it, so the call ends by then.
    pub fn max_elapsed_time(mut self, budget: Duration) -> Self {
        self.max_elapsed_time = budget;
        self
    }

    /// The most random time added to each computed wait (default 1 s; zero disables).
    pub fn jitter(mut self, jitter: Duration) -> Self {
        self.jitter = jitter;
        self
    }

    /// The most attempts in all, the first included (default: no limit but the budget).
    /// `0` is treated as `1`.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }

    /// Whether connection failures and timeouts are retried (default `true`).
    pub fn retry_connection_errors(mut self, retry: bool) -> Self {
        self.retry_connection_errors = retry;
        self
    }

    /// Which statuses are retried (default 408, 429 and 500 to 599).
    pub fn retry_statuses(mut self, statuses: impl IntoIterator<Item = StatusRange>) -> Self {
        self.retry_statuses = statuses.into_iter().collect();
        self
    }

    // Getters are `get_*` because the builder-style setters above take the plain
    // names, as `std::process::Command` does (`current_dir` / `get_current_dir`).

    /// The first wait, set by [`initial_interval`](Self::initial_interval).
    pub fn get_initial_interval(&self) -> Duration {
        self.initial_interval
    }

    /// The longest computed wait, set by [`max_interval`](Self::max_interval).
    pub fn get_max_interval(&self) -> Duration {
        self.max_interval
    }

    /// The growth factor, as set by [`exponent`](Self::exponent) (values below 1 or
    /// not finite are used as 1).
    pub fn get_exponent(&self) -> f64 {
        self.exponent
    }

    /// The total time budget, set by [`max_elapsed_time`](Self::max_elapsed_time).
    pub fn get_max_elapsed_time(&self) -> Duration {
        self.max_elapsed_time
    }

    /// The most jitter added to a wait, set by [`jitter`](Self::jitter).
    pub fn get_jitter(&self) -> Duration {
        self.jitter
    }

    /// The attempt limit, if one is set by [`max_attempts`](Self::max_attempts).
    pub fn get_max_attempts(&self) -> Option<u32> {
        self.max_attempts
    }

    /// Whether connection failures and timeouts are retried, set by
    /// [`retry_connection_errors`](Self::retry_connection_errors).
    pub fn get_retry_connection_errors(&self) -> bool {
        self.retry_connection_errors
    }

    /// The retried statuses, set by [`retry_statuses`](Self::retry_statuses).
    pub fn get_retry_statuses(&self) -> &[StatusRange] {
        &self.retry_statuses
    }

    /// The computed wait after failed attempt number `attempt` (1-based), before
    /// jitter: `initial * exponent^(attempt-1)`, capped at the max interval. Never
    /// panics, whatever the settings: out-of-range values saturate.
    // Hidden: the benches check the schedule against it, but how the wait is computed
    // is not a promise of the API (only the documented defaults are).
    #[doc(hidden)]
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exponent = if self.exponent.is_finite() && self.exponent >= 1.0 {
            self.exponent
        } else {
            1.0
        };
        let power = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let secs = self.initial_interval.as_secs_f64() * exponent.powi(power);
        let cap = self.max_interval.as_secs_f64();
        if secs.is_finite() && secs < cap {
            // `secs < cap <= Duration::MAX`, but rounding near the top may still not fit.
            Duration::try_from_secs_f64(secs).unwrap_or(self.max_interval)
        } else {
            self.max_interval
        }
    }

    /// Whether this failure is worth another attempt, whatever the budget says.
    pub fn is_retryable(&self, error: &Error) -> bool {
        match error.kind() {
            ErrorKind::Connection | ErrorKind::Timeout => self.retry_connection_errors,
            // Permanent: the next attempt would meet the same certificate or DNS answer.
            ErrorKind::Tls | ErrorKind::UnknownHost => false,
            _ => error
                .status()
                .is_some_and(|status| self.retry_statuses.iter().any(|r| r.contains(status))),
        }
    }

    /// How long to wait before attempt `attempt + 1`, or `None` to give up now.
    ///
    /// `elapsed` is the time since the first attempt started.
    pub(crate) fn next_delay(
        &self,
        attempt: u32,
        elapsed: Duration,
        error: &Error,
    ) -> Option<Duration> {
        if !self.is_retryable(error) || self.max_attempts.is_some_and(|max| attempt >= max) {
            return None;
        }
        let remaining = self.max_elapsed_time.checked_sub(elapsed)?;
        let requested = error.headers().and_then(server_requested_delay);
        if requested.is_some_and(|requested| requested >= remaining) {
            return None;
        }
        // The server may lengthen our wait but never shorten it: `Retry-After: 0` from
        // an overloaded server must not turn the backoff into a busy loop.
        let backoff = self.backoff(attempt).saturating_add(self.random_jitter());
        let delay = requested.map_or(backoff, |requested| requested.max(backoff));
        (delay < remaining).then_some(delay)
    }

    fn random_jitter(&self) -> Duration {
        let max = u64::try_from(self.jitter.as_millis()).unwrap_or(u64::MAX);
        if max == 0 {
            Duration::ZERO
        } else {
            Duration::from_millis(fastrand::u64(0..=max))
        }
    }
}

/// The wait a response asks for: `retry-after-ms` (milliseconds), else `Retry-After`
/// as delta-seconds or an HTTP-date. Values that do not parse, are negative or not
/// finite are ignored, as if the header were absent.
// Hidden, like the two parsers below: public only for the fuzz targets and the CLI, not
// part of the supported API (the retry rules are, as `RetryConfig` documents them).
#[doc(hidden)]
pub fn server_requested_delay(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(parse_retry_after_ms) {
        return Some(ms);
    }
    text("retry-after").and_then(|value| parse_retry_after(value, SystemTime::now()))
}

/// Parses a `retry-after-ms` value: non-negative milliseconds, possibly fractional.
/// A value too large for a [`Duration`] is the longest wait there is, not garbage.
#[doc(hidden)]
pub fn parse_retry_after_ms(value: &str) -> Option<Duration> {
    let ms: f64 = value.trim().parse().ok()?;
    if !ms.is_finite() || ms < 0.0 {
        return None;
    }
    // Finite and not negative, so the only possible failure is overflow.
    Some(Duration::try_from_secs_f64(ms / 1000.0).unwrap_or(Duration::MAX))
}

/// Parses a `Retry-After` value relative to `now`: delta-seconds (`120`) or an
/// HTTP-date (`Wed, 21 Oct 2026 07:28:00 GMT`; a date in the past means no wait).
/// Delta-seconds too large for a `u64` saturate (as RFC 9111 asks of caches) rather
/// than being ignored, so such a response is never retried at once.
#[doc(hidden)]
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // All digits, so the only possible parse failure is overflow.
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_by_the_exponent_and_caps() {
        let config = RetryConfig::default();
        assert_eq!(config.backoff(1), Duration::from_millis(500));
        assert_eq!(config.backoff(2), Duration::from_millis(750));
        assert_eq!(config.backoff(3), Duration::from_millis(1125));
        assert_eq!(config.backoff(40), Duration::from_secs(60));
        assert_eq!(config.backoff(u32::MAX), Duration::from_secs(60));
        let flat = RetryConfig::default().exponent(f64::NAN);
        assert_eq!(flat.backoff(5), Duration::from_millis(500));
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        for garbage in ["", "-5", "soon", "1.5", "+5", "5 s"] {
            assert_eq!(parse_retry_after(garbage, now), None, "{garbage:?}");
        }
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX)),
            "an overflowing wait saturates instead of being ignored"
        );
        assert_eq!(
            parse_retry_after_ms("250"),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            parse_retry_after_ms("1.5"),
            Some(Duration::from_micros(1500))
        );
        for garbage in ["-1", "NaN", "inf", "x", "1e400", ""] {
            assert_eq!(parse_retry_after_ms(garbage), None, "{garbage:?}");
        }
        for huge in ["1e300", "99999999999999999999999"] {
            assert_eq!(parse_retry_after_ms(huge), Some(Duration::MAX), "{huge:?}");
        }
    }

    fn busy(headers: &[(&'static str, &str)]) -> Error {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, value.parse().expect("valid header value"));
        }
        Error::from_status(StatusCode::SERVICE_UNAVAILABLE, map, None, b"")
    }

    #[test]
    fn a_server_requested_wait_never_undercuts_the_backoff() {
        let config = RetryConfig::default().jitter(Duration::ZERO);
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
        for header in [
            ("retry-after", "0"),
            ("retry-after-ms", "0"),
            ("retry-after-ms", "1"),
            ("retry-after", past.as_str()),
        ] {
            for (attempt, backoff) in [(1, 500), (2, 750), (3, 1125)] {
                assert_eq!(
                    config.next_delay(attempt, Duration::ZERO, &busy(&[header])),
                    Some(Duration::from_millis(backoff)),
                    "{header:?}, attempt {attempt}"
                );
            }
        }
        // A longer request still wins, and one beyond the budget still ends the call.
        assert_eq!(
            config.next_delay(1, Duration::ZERO, &busy(&[("retry-after", "3")])),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            config.next_delay(1, Duration::ZERO, &busy(&[("retry-after", "300")])),
            None
        );
        // With jitter, the floor is the backoff plus some jitter.
        let jittery = RetryConfig::default();
        for _ in 0..50 {
            let wait = jittery
                .next_delay(1, Duration::ZERO, &busy(&[("retry-after", "0")]))
                .expect("retried");
            assert!(
                (Duration::from_millis(500)..=Duration::from_millis(1500)).contains(&wait),
                "{wait:?}"
            );
        }
    }

    #[test]
    fn extreme_settings_saturate_instead_of_panicking() {
        let huge = [
            RetryConfig::default().initial_interval(Duration::MAX),
            RetryConfig::default()
                .initial_interval(Duration::MAX)
                .max_interval(Duration::MAX),
            RetryConfig::default()
                .initial_interval(Duration::MAX)
                .max_interval(Duration::MAX)
                .jitter(Duration::MAX)
                .max_elapsed_time(Duration::MAX),
            RetryConfig::default()
                .exponent(1e308)
                .max_interval(Duration::MAX)
                .jitter(Duration::MAX)
                .max_elapsed_time(Duration::MAX),
            RetryConfig::default()
                .exponent(f64::INFINITY)
                .initial_interval(Duration::ZERO)
                .max_interval(Duration::MAX),
        ];
        let errors = [
            busy(&[]),
            busy(&[("retry-after", "99999999999999999999999")]),
            busy(&[("retry-after-ms", "0")]),
        ];
        for config in &huge {
            for attempt in [0, 1, 2, 64, 1025, u32::MAX] {
                assert!(config.backoff(attempt) <= config.get_max_interval());
                for elapsed in [Duration::ZERO, Duration::from_secs(1), Duration::MAX] {
                    for error in &errors {
                        // Jitter is random: try a few draws.
                        for _ in 0..5 {
                            if let Some(wait) = config.next_delay(attempt, elapsed, error) {
                                assert!(wait < config.get_max_elapsed_time(), "{config:?}");
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(
            RetryConfig::default()
                .initial_interval(Duration::MAX)
                .max_interval(Duration::MAX)
                .backoff(3),
            Duration::MAX
        );
    }

    #[test]
    fn every_setting_has_a_getter() {
        let config = RetryConfig::default()
            .initial_interval(Duration::from_millis(1))
            .max_interval(Duration::from_millis(2))
            .exponent(3.0)
            .max_elapsed_time(Duration::from_millis(4))
            .jitter(Duration::from_millis(5))
            .max_attempts(6)
            .retry_connection_errors(false)
            .retry_statuses([StatusRange::single(429)]);
        assert_eq!(config.get_initial_interval(), Duration::from_millis(1));
        assert_eq!(config.get_max_interval(), Duration::from_millis(2));
        assert_eq!(config.get_exponent(), 3.0);
        assert_eq!(config.get_max_elapsed_time(), Duration::from_millis(4));
        assert_eq!(config.get_jitter(), Duration::from_millis(5));
        assert_eq!(config.get_max_attempts(), Some(6));
        assert!(!config.get_retry_connection_errors());
        assert_eq!(config.get_retry_statuses(), &[StatusRange::single(429)]);
        assert_eq!(RetryConfig::default().get_max_attempts(), None);
    }
}
