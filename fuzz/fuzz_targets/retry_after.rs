//! Any `Retry-After` / `retry-after-ms` value: parsing never panics, and what it returns
//! agrees with what the value says.
#![no_main]

use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use openrouter_analytics::{parse_retry_after, parse_retry_after_ms, server_requested_delay};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);

    if let Some(wait) = parse_retry_after(&text, now) {
        let value = text.trim();
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            // Delta-seconds: exactly that many seconds, saturating past u64.
            let expected = value.parse::<u64>().unwrap_or(u64::MAX);
            assert_eq!(wait, Duration::from_secs(expected), "{value:?}");
        } else {
            // Otherwise only an HTTP-date is accepted, and the wait runs up to it.
            let when = httpdate_like(value).expect("only dates parse");
            assert_eq!(wait, when.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    // The epoch as "now" makes every date lie ahead: still no overflow.
    let _ = parse_retry_after(&text, SystemTime::UNIX_EPOCH);

    if let Some(wait) = parse_retry_after_ms(&text) {
        let ms: f64 = text.trim().parse().expect("only numbers parse");
        assert!(ms.is_finite() && ms >= 0.0, "{ms} accepted");
        if wait != Duration::MAX {
            let secs = wait.as_secs_f64();
            assert!(
                (secs - ms / 1000.0).abs() <= 1e-6 * (1.0 + ms / 1000.0),
                "{ms} -> {wait:?}"
            );
        }
    }

    // The same bytes as header values, split at the first newline.
    let (first, second) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &data[..0]),
    };
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_bytes(first) {
        headers.insert("retry-after-ms", value);
    }
    if let Ok(value) = HeaderValue::from_bytes(second) {
        headers.insert("retry-after", value);
    }
    let wait = server_requested_delay(&headers);
    let ms = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after_ms);
    if let Some(ms) = ms {
        assert_eq!(wait, Some(ms), "retry-after-ms wins when it parses");
    }
});

/// `Retry-After` as an HTTP-date (RFC 9110's three formats).
fn httpdate_like(value: &str) -> Option<SystemTime> {
    httpdate::parse_http_date(value).ok()
}
