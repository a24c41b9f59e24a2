//! Shared fixtures for the end-to-end tests in this folder.

use serde_json::{Value, json};

pub mod fault_server;
pub mod tls_server;

/// One activity row as OpenRouter sends it, with `usage` and `model` varying by `n`.
pub fn activity_row(n: usize) -> Value {
    json!({
        "date": "2026-11-01",
        "model": format!("vendor/model-{}", n % 7),
        "model_permaslug": format!("vendor/model-{}-2026-01-01", n % 7),
        "endpoint_id": format!("ep-{n}"),
        "provider_name": "Provider",
        "usage": 0.015 * (n as f64 + 1.0),
        "byok_usage_inference": 0.0,
        "requests": 5,
        "prompt_tokens": 50,
        "completion_tokens": 125,
        "reasoning_tokens": 25,
        "cached_tokens": 10
    })
}

/// An activity response body with `rows` rows.
pub fn activity_body(rows: usize) -> Value {
    json!({ "data": (0..rows).map(activity_row).collect::<Vec<_>>() })
}

/// An OpenRouter error body.
pub fn error_body(code: u16, message: &str) -> Value {
    json!({ "error": { "code": code, "message": message } })
}
