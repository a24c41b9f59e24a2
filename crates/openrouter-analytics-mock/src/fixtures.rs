//! Realistic typed values for canned answers.

use openrouter_analytics_api::types::{
    ActivityItem, ActivityResponse, AnalyticsDimensionInfo, AnalyticsDisplayFormat,
    AnalyticsGranularity, AnalyticsGranularityInfo, AnalyticsMeta, AnalyticsMetricInfo,
    AnalyticsOperator, AnalyticsOperatorInfo, AnalyticsOperatorValueType, AnalyticsQueryMetadata,
    AnalyticsQueryResult, ErrorDetail, ErrorResponse,
};
use serde_json::{Map, Value};

/// One activity row: `model` spent `usage` dollars on 2026-11-01, over 12 requests.
///
/// The other fields are plausible and fixed: the versioned slug is `<model>-20260101`,
/// the provider is the capitalised vendor part of the slug, 48 000 prompt tokens
/// (6 000 of them cached), 9 600 completion tokens, 1 200 reasoning tokens, no BYOK
/// spend and no workspace. Change any field with struct-update syntax.
///
/// ```
/// use openrouter_analytics::types::ActivityItem;
/// use openrouter_analytics_mock::activity_row;
///
/// let row = activity_row("anthropic/claude-sonnet-4", 0.75);
/// assert_eq!(row.provider_name, "Anthropic");
/// assert_eq!(row.usage, 0.75);
///
/// let next_day = ActivityItem {
///     date: "2026-11-02".into(),
///     requests: 3,
///     ..activity_row("openai/gpt-4o", 0.1)
/// };
/// assert_eq!(next_day.model, "openai/gpt-4o");
/// ```
pub fn activity_row(model: &str, usage: f64) -> ActivityItem {
    let vendor = model.split('/').next().unwrap_or(model);
    let mut chars = vendor.chars();
    let provider_name = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Provider".to_string(),
    };
    ActivityItem {
        date: "2026-11-01".to_string(),
        model: model.to_string(),
        model_permaslug: format!("{model}-20260101"),
        endpoint_id: format!("endpoint-{}", model.replace('/', "-")),
        provider_name,
        usage,
        byok_usage_inference: 0.0,
        requests: 12,
        prompt_tokens: 48_000,
        completion_tokens: 9_600,
        reasoning_tokens: 1_200,
        cached_tokens: 6_000,
        workspace_id: None,
    }
}

/// The `GET /activity` response holding `rows`.
///
/// ```
/// use openrouter_analytics_mock::{activity_response, activity_row};
///
/// let response = activity_response([activity_row("openai/gpt-4o", 1.0)]);
/// assert_eq!(response.data.len(), 1);
/// ```
pub fn activity_response(rows: impl IntoIterator<Item = ActivityItem>) -> ActivityResponse {
    ActivityResponse {
        data: rows.into_iter().collect(),
    }
}

/// OpenRouter's error body, `{"error": {"code": code, "message": message}}`.
///
/// ```
/// use openrouter_analytics_mock::error_response;
///
/// let body = error_response(429, "Rate limit exceeded");
/// assert_eq!(body.error.code, 429);
/// ```
pub fn error_response(code: i64, message: impl Into<String>) -> ErrorResponse {
    ErrorResponse {
        error: ErrorDetail {
            code,
            message: message.into(),
            metadata: None,
        },
        openrouter_metadata: None,
        user_id: None,
    }
}

/// A small but complete analytics vocabulary in OpenRouter's names: the metrics
/// `request_count` and `total_usage`, the dimensions `model` and `provider`, the operators `eq` and `in`,
/// and the granularities `hour` and `day`.
///
/// ```
/// use openrouter_analytics_mock::sample_meta;
///
/// let meta = sample_meta();
/// assert!(meta.metrics.iter().any(|m| m.name == "total_usage"));
/// ```
pub fn sample_meta() -> AnalyticsMeta {
    let metric = |name: &str, label: &str, display_format| AnalyticsMetricInfo {
        display_format,
        display_label: label.to_string(),
        is_rate: false,
        name: name.to_string(),
    };
    let dimension = |name: &str, label: &str| AnalyticsDimensionInfo {
        display_label: label.to_string(),
        name: name.to_string(),
    };
    AnalyticsMeta {
        metrics: vec![
            metric("request_count", "Requests", AnalyticsDisplayFormat::Number),
            metric("total_usage", "Spend", AnalyticsDisplayFormat::Currency),
        ],
        dimensions: vec![
            dimension("model", "Model"),
            dimension("provider", "Provider"),
        ],
        operators: vec![
            AnalyticsOperatorInfo {
                name: AnalyticsOperator::Eq,
                value_type: AnalyticsOperatorValueType::Scalar,
            },
            AnalyticsOperatorInfo {
                name: AnalyticsOperator::In,
                value_type: AnalyticsOperatorValueType::Array,
            },
        ],
        granularities: vec![
            AnalyticsGranularityInfo {
                display_label: "Hour".to_string(),
                name: AnalyticsGranularity::Hour,
            },
            AnalyticsGranularityInfo {
                display_label: "Day".to_string(),
                name: AnalyticsGranularity::Day,
            },
        ],
    }
}

/// One row of an analytics query result, from (column, value) pairs.
///
/// ```
/// use openrouter_analytics_mock::query_row;
/// use serde_json::json;
///
/// let row = query_row([("model", json!("openai/gpt-4o")), ("request_count", json!(1500))]);
/// assert_eq!(row["request_count"], 1500);
/// ```
pub fn query_row<K: Into<String>>(
    cells: impl IntoIterator<Item = (K, Value)>,
) -> Map<String, Value> {
    cells.into_iter().map(|(k, v)| (k.into(), v)).collect()
}

/// A complete, untruncated query result holding `rows`, which took 42 ms.
///
/// ```
/// use openrouter_analytics_mock::{query_result, query_row};
/// use serde_json::json;
///
/// let result = query_result([query_row([("request_count", json!(7))])]);
/// assert_eq!(result.metadata.row_count, 1);
/// assert!(!result.metadata.truncated);
/// ```
pub fn query_result(rows: impl IntoIterator<Item = Map<String, Value>>) -> AnalyticsQueryResult {
    let data: Vec<_> = rows.into_iter().collect();
    AnalyticsQueryResult {
        cached_at: None,
        metadata: AnalyticsQueryMetadata {
            query_time_ms: 42.0,
            row_count: i64::try_from(data.len()).unwrap_or(i64::MAX),
            truncated: false,
        },
        data,
        warnings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_derive_their_provider_and_slugs_from_the_model() {
        let row = activity_row("openai/gpt-4o", 1.5);
        assert_eq!(row.provider_name, "Openai");
        assert_eq!(row.model_permaslug, "openai/gpt-4o-20260101");
        assert_eq!(row.endpoint_id, "endpoint-openai-gpt-4o");
        assert_eq!(activity_row("", 0.0).provider_name, "Provider");
        assert_eq!(activity_row("local", 0.0).provider_name, "Local");
    }
}
