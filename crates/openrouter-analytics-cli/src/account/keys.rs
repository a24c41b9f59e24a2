//! What the API does not say about API keys: `keys list --sort`, the checks of a key's
//! name and limit, and the words beside a new key's secret, shown once.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::output::list::RawItem;
use crate::verb::{Once, Order, typed};

/// `keys list --sort`.
pub const ORDER: Order = Order {
    help: "Sort: usage (total spend, largest first), name (A to Z) or created (newest \
           first) [default: API order]",
    keys: &["usage", "name", "created"],
    sort: sort_keys::<RawItem>,
};

/// `keys create`'s secret.
pub const ONCE: Once = Once {
    note: "This is the new key's secret, shown this once: store it now, OpenRouter will \
           not show it again.",
    lost: "the key may have been created: look for it with `openrouter keys list` and \
           delete it",
};

/// The checks the API does not state in the spec: a name is not blank, a limit is not
/// negative.
fn check_key_fields(fields: &serde_json::Map<String, Value>) -> Result<(), String> {
    if let Some(name) = fields.get("name").and_then(|name| name.as_str())
        && name.trim().is_empty()
    {
        return Err("--name must not be empty".into());
    }
    if let Some(limit) = fields.get("limit").and_then(Value::as_f64)
        && limit < 0.0
    {
        return Err(format!("--limit {limit}: the limit must be zero or more"));
    }
    Ok(())
}

/// [`check_key_fields`], then the body decoded as the typed request `T`.
pub fn checked<T: serde::de::DeserializeOwned>(body: &Value) -> Result<(), String> {
    body.as_object().map_or(Ok(()), check_key_fields)?;
    typed::<T>(body)
}

/// Sorts keys by `usage`, `name` or `created` (stable: equal keys keep the API's order);
/// a key without the field sorts last.
fn sort_keys<T>(keys: &mut [(Value, T)], by: &str) {
    keys.sort_by(|(a, _), (b, _)| match by {
        "usage" => usage(b).total_cmp(&usage(a)),
        "name" => compare_names(name(a), name(b)),
        _ => created(b).cmp(&created(a)),
    });
}

fn usage(key: &Value) -> f64 {
    key["usage"].as_f64().unwrap_or(f64::NEG_INFINITY)
}

fn name(key: &Value) -> &str {
    key["name"].as_str().unwrap_or_default()
}

/// A to Z ignoring case, then by exact text so that the order is total.
fn compare_names(a: &str, b: &str) -> Ordering {
    a.to_lowercase()
        .cmp(&b.to_lowercase())
        .then_with(|| a.cmp(b))
}

/// When a key was created, for sorting (an unreadable time sorts as the oldest).
fn created(key: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(key["created_at"].as_str()?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, usage: f64, created_at: &str) -> serde_json::Value {
        serde_json::json!({
            "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_monthly": 0.0,
            "byok_usage_weekly": 0.0, "created_at": created_at, "creator_user_id": null,
            "disabled": false, "expires_at": null, "external_user": null,
            "hash": format!("h-{name}"), "include_byok_in_limit": false, "label": "sk-or-v1-a...b",
            "last_used_at": null, "limit": null, "limit_remaining": null, "limit_reset": null,
            "name": name, "updated_at": null, "usage": usage, "usage_daily": 0.0,
            "usage_monthly": 0.0, "usage_weekly": 0.0, "workspace_id": "ws"
        })
    }

    fn names<T>(keys: &[(serde_json::Value, T)]) -> Vec<&str> {
        keys.iter().map(|(k, _)| name(k)).collect()
    }

    #[test]
    fn keys_sort_by_usage_name_or_creation() {
        let mut keys = vec![
            (key("beta", 1.0, "2026-01-02T00:00:00Z"), ()),
            (key("Alpha", 3.0, "2026-01-01T00:00:00Z"), ()),
            (key("gamma", 2.0, "2026-01-03T00:00:00Z"), ()),
            (key("alpha", 2.0, "not a time"), ()),
        ];
        sort_keys(&mut keys, "usage");
        assert_eq!(names(&keys), ["Alpha", "gamma", "alpha", "beta"]);
        sort_keys(&mut keys, "name");
        assert_eq!(names(&keys), ["Alpha", "alpha", "beta", "gamma"]);
        sort_keys(&mut keys, "created");
        assert_eq!(names(&keys), ["gamma", "beta", "Alpha", "alpha"]);
    }

    #[test]
    fn what_the_spec_does_not_say_is_checked_by_hand() {
        let fields = |value: serde_json::Value| value.as_object().cloned().expect("an object");
        assert!(
            check_key_fields(&fields(serde_json::json!({"name": "ci", "limit": 25.0}))).is_ok()
        );
        assert!(check_key_fields(&fields(serde_json::json!({"name": " "}))).is_err());
        assert!(check_key_fields(&fields(serde_json::json!({"limit": -1.0}))).is_err());
        assert!(check_key_fields(&fields(serde_json::json!({"limit": null}))).is_ok());
    }
}
