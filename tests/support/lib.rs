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

/// One API key object as `GET /keys`, `POST /keys` and `PATCH /keys/{hash}` send it, named
/// `name`, its hash derived from `n`, with a $25 monthly limit and no spend yet.
pub fn api_key(name: &str, n: usize) -> Value {
    json!({
        "hash": format!("{n:064x}"),
        "name": name,
        "label": format!("sk-or-v1-{n:03}...abcd"),
        "disabled": false,
        "limit": 25.0,
        "limit_remaining": 25.0,
        "limit_reset": "monthly",
        "include_byok_in_limit": false,
        "usage": 0.0, "usage_daily": 0.0, "usage_weekly": 0.0, "usage_monthly": 0.0,
        "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_weekly": 0.0, "byok_usage_monthly": 0.0,
        "created_at": "2026-11-26T10:00:00Z",
        "updated_at": null,
        "expires_at": null,
        "creator_user_id": null,
        "external_user": null,
        "last_used_at": null,
        "workspace_id": "0df9a3a5-7f4b-4f4e-9d43-2b9f1f3b8a11"
    })
}
