//! Answers from a newer API: enum values and fields this SDK does not know yet decode,
//! and unknown enum values are kept exactly as sent; callers can send such values too.

use openrouter_analytics::types::{
    ActivityGroupBy, AnalyticsDisplayFormat, AnalyticsFilterValue, AnalyticsGranularity,
    AnalyticsMetaResponse, AnalyticsOperator, AnalyticsOperatorValueType, AnalyticsSortDirection,
};
use openrouter_analytics_e2e::activity_body;
use openrouter_analytics_mock::{Endpoint, ExpectedRequest, MockOpenRouter, Reply};
use serde_json::json;

/// A meta answer with one new value in each enum, and new fields at every level.
fn newer_meta_body() -> serde_json::Value {
    json!({
        "data": {
            "metrics": [
                {"name": "request_count", "display_label": "Requests", "is_rate": false,
                 "display_format": "number"},
                {"name": "energy", "display_label": "Energy", "is_rate": false,
                 "display_format": "kilowatt_hours", "unit": "kWh"}
            ],
            "dimensions": [{"name": "model", "display_label": "Model", "category": "model"}],
            "operators": [
                {"name": "eq", "value_type": "scalar"},
                {"name": "between", "value_type": "range", "since": "2027-01-01"}
            ],
            "granularities": [
                {"name": "day", "display_label": "Day"},
                {"name": "quarter", "display_label": "Quarter", "seconds": 7_776_000}
            ],
            "classifiers": [{"id": "c-1"}]
        },
        "request_id": "req-1"
    })
}

#[tokio::test]
async fn meta_with_new_enum_values_and_fields_decodes_and_keeps_the_values() {
    let server = MockOpenRouter::start_async().await;
    let body = newer_meta_body();
    server.reply(Endpoint::GetAnalyticsMeta, Reply::json(200, &body));
    let answer = server
        .client()
        .analytics()
        .get_analytics_meta()
        .send_with_raw_body()
        .await
        .expect("a newer answer decodes");
    let meta = &answer.value.data;

    assert_eq!(
        meta.metrics[0].display_format,
        AnalyticsDisplayFormat::Number
    );
    assert_eq!(
        meta.metrics[1].display_format,
        AnalyticsDisplayFormat::Unknown("kilowatt_hours".into())
    );
    assert_eq!(meta.metrics[1].display_format.as_str(), "kilowatt_hours");
    assert_eq!(meta.operators[0].name, AnalyticsOperator::Eq);
    assert_eq!(
        meta.operators[1].name,
        AnalyticsOperator::Unknown("between".into())
    );
    assert_eq!(
        meta.operators[1].value_type,
        AnalyticsOperatorValueType::Unknown("range".into())
    );
    assert_eq!(meta.granularities[0].name, AnalyticsGranularity::Day);
    assert_eq!(meta.granularities[1].name.to_string(), "quarter");
    assert!(!meta.granularities[1].name.is_known());

    // Re-encoding gives back every value as sent (the unknown fields are not kept).
    let reencoded = serde_json::to_value(&answer.value).expect("encodes");
    assert_eq!(
        reencoded["data"]["metrics"][1]["display_format"],
        "kilowatt_hours"
    );
    assert_eq!(reencoded["data"]["operators"][1]["name"], "between");
    assert_eq!(reencoded["data"]["operators"][1]["value_type"], "range");
    assert_eq!(reencoded["data"]["granularities"][1]["name"], "quarter");
    // The raw body is there for callers who need the unknown fields too.
    let raw: serde_json::Value = serde_json::from_slice(&answer.raw_body).expect("json");
    assert_eq!(raw, body);
}

#[tokio::test]
async fn the_generated_client_alone_decodes_a_newer_meta_answer() {
    let server = MockOpenRouter::start_async().await;
    server.reply(
        Endpoint::GetAnalyticsMeta,
        Reply::json(200, &newer_meta_body()),
    );
    let api = openrouter_analytics_api::Client::new_with_client(
        &server.base_url(),
        reqwest::Client::new(),
        openrouter_analytics_api::RequestContext::new(reqwest::header::HeaderMap::new(), None),
    );
    let meta: AnalyticsMetaResponse = api
        .get_analytics_meta()
        .send()
        .await
        .expect("a newer answer decodes")
        .into_inner();
    assert_eq!(
        meta.data.granularities[1].name,
        AnalyticsGranularity::Unknown("quarter".into())
    );
}

#[tokio::test]
async fn values_the_sdk_does_not_list_can_be_sent() {
    let server = MockOpenRouter::start_async().await;
    let activity = server.reply(
        Endpoint::GetUserActivity,
        Reply::json(200, &activity_body(1)),
    );
    let client = server.client();
    client
        .analytics()
        .get_user_activity()
        .group_by(ActivityGroupBy::from("project"))
        .send()
        .await
        .expect("200");
    activity.assert_sent_once(&ExpectedRequest::new().group_by("project"));

    // Progenitor's own setter takes `TryInto<ActivityGroupBy>`: a plain string works.
    let api = openrouter_analytics_api::Client::new_with_client(
        &server.base_url(),
        reqwest::Client::new(),
        openrouter_analytics_api::RequestContext::new(reqwest::header::HeaderMap::new(), None),
    );
    api.get_user_activity()
        .group_by("team")
        .send()
        .await
        .expect("200");
    let sent = activity.last_request().expect("a request");
    assert_eq!(sent.query_param("group_by"), Some("team"));

    let query = server.reply(
        Endpoint::QueryAnalytics,
        Reply::json(
            200,
            &json!({"data": {"data": [], "metadata": {"query_time_ms": 1.0, "row_count": 0, "truncated": false}}}),
        ),
    );
    client
        .analytics()
        .query_analytics()
        .metrics(["request_count"])
        .filter(
            "model",
            AnalyticsOperator::from("starts_with"),
            AnalyticsFilterValue::String("openai/".into()),
        )
        .granularity(
            "quarter"
                .parse::<AnalyticsGranularity>()
                .expect("infallible"),
        )
        .order_by("request_count", AnalyticsSortDirection::from("random"))
        .send()
        .await
        .expect("200");
    query.assert_calls(1);
    let body = query
        .last_request()
        .and_then(|sent| sent.body_json())
        .expect("a JSON body");
    assert_eq!(body["filters"][0]["operator"], "starts_with");
    assert_eq!(body["granularity"], "quarter");
    assert_eq!(body["order_by"]["direction"], "random");
}
