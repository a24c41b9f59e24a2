//! The open string enums: every value, listed or not, survives a decode/encode round trip.

use openrouter_analytics_api::types::{
    ActivityGroupBy, AnalyticsDisplayFormat, AnalyticsGranularity, AnalyticsGranularityInfo,
    AnalyticsOperator, AnalyticsOperatorValueType, AnalyticsSortDirection,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// `serialize(deserialize(json)) == json` for `value`, and the decoded value's `as_str`,
/// `Display` and `String` conversion all give `value` back.
fn round_trips<T>(value: &str) -> T
where
    T: DeserializeOwned + Serialize + std::fmt::Display + Clone + Into<String>,
{
    let json = serde_json::Value::String(value.to_owned());
    // `from_str` lends the string (`visit_str`), `from_value` hands it over (`visit_string`).
    let borrowed: T = serde_json::from_str(&json.to_string()).expect("decodes a &str");
    let owned: T = serde_json::from_value(json.clone()).expect("decodes a String");
    assert_eq!(serde_json::to_value(&borrowed).expect("encodes"), json);
    assert_eq!(serde_json::to_value(&owned).expect("encodes"), json);
    assert_eq!(borrowed.to_string(), value);
    let as_string: String = borrowed.clone().into();
    assert_eq!(as_string, value);
    borrowed
}

#[test]
fn listed_values_round_trip_as_their_variants() {
    assert_eq!(
        round_trips::<AnalyticsGranularity>("day"),
        AnalyticsGranularity::Day
    );
    assert_eq!(
        round_trips::<AnalyticsOperator>("not_in"),
        AnalyticsOperator::NotIn
    );
    assert_eq!(
        round_trips::<AnalyticsDisplayFormat>("currency"),
        AnalyticsDisplayFormat::Currency
    );
    assert_eq!(
        round_trips::<AnalyticsOperatorValueType>("array"),
        AnalyticsOperatorValueType::Array
    );
    assert_eq!(
        round_trips::<AnalyticsSortDirection>("asc"),
        AnalyticsSortDirection::Asc
    );
    assert_eq!(
        round_trips::<ActivityGroupBy>("workspace"),
        ActivityGroupBy::Workspace
    );
}

#[test]
fn other_values_round_trip_unchanged_as_unknown() {
    for value in ["quarter", "Day", " day", "", "ünïcødé \"quoted\""] {
        let decoded = round_trips::<AnalyticsGranularity>(value);
        assert_eq!(decoded, AnalyticsGranularity::Unknown(value.to_owned()));
        assert_eq!(decoded.as_str(), value);
        assert!(!decoded.is_known());
    }
    assert_eq!(
        round_trips::<AnalyticsDisplayFormat>("kilowatt_hours"),
        AnalyticsDisplayFormat::Unknown("kilowatt_hours".into())
    );
    assert_eq!(
        round_trips::<AnalyticsOperator>("between"),
        AnalyticsOperator::Unknown("between".into())
    );
    assert_eq!(
        round_trips::<AnalyticsOperatorValueType>("range"),
        AnalyticsOperatorValueType::Unknown("range".into())
    );
    assert_eq!(
        round_trips::<AnalyticsSortDirection>("random"),
        AnalyticsSortDirection::Unknown("random".into())
    );
    assert_eq!(
        round_trips::<ActivityGroupBy>("project"),
        ActivityGroupBy::Unknown("project".into())
    );
}

#[test]
fn conversions_pick_the_listed_variant_and_never_fail() {
    assert_eq!(
        AnalyticsGranularity::from("week"),
        AnalyticsGranularity::Week
    );
    assert_eq!(
        AnalyticsGranularity::from("week".to_owned()),
        AnalyticsGranularity::Week
    );
    let parsed: AnalyticsGranularity = "month".parse().unwrap_or_else(|never| match never {});
    assert_eq!(parsed, AnalyticsGranularity::Month);
    assert!(parsed.is_known());
    assert_eq!(
        AnalyticsOperator::from("gte".to_owned()),
        AnalyticsOperator::Gte
    );
    let unknown: AnalyticsOperator = "like".parse().unwrap_or_else(|never| match never {});
    assert_eq!(unknown, AnalyticsOperator::Unknown("like".into()));
    // Ordered as listed in the spec, values it does not list last.
    let mut sorted = vec![
        AnalyticsGranularity::from("quarter"),
        AnalyticsGranularity::Month,
        AnalyticsGranularity::Minute,
    ];
    sorted.sort();
    assert_eq!(
        sorted,
        [
            AnalyticsGranularity::Minute,
            AnalyticsGranularity::Month,
            AnalyticsGranularity::from("quarter"),
        ]
    );
}

#[test]
fn non_strings_are_still_rejected() {
    let err = serde_json::from_str::<AnalyticsGranularity>("42").expect_err("a number");
    assert!(
        err.to_string().contains("a string (AnalyticsGranularity)"),
        "{err}"
    );
}

#[test]
fn a_struct_holding_an_open_enum_round_trips_and_its_builder_takes_any_string() {
    let json = serde_json::json!({"name": "quarter", "display_label": "Quarter"});
    let info: AnalyticsGranularityInfo = serde_json::from_value(json.clone()).expect("decodes");
    assert_eq!(info.name, AnalyticsGranularity::Unknown("quarter".into()));
    assert_eq!(serde_json::to_value(&info).expect("encodes"), json);

    let built = AnalyticsGranularityInfo::try_from(
        AnalyticsGranularityInfo::builder()
            .name("quarter")
            .display_label("Quarter"),
    )
    .expect("builds");
    assert_eq!(built, info);
}

#[test]
fn the_json_schema_lists_the_known_values_and_allows_any_string() {
    let schema = schemars::schema_for!(AnalyticsOperatorValueType);
    let schema = serde_json::to_value(&schema).expect("encodes");
    assert_eq!(
        schema["anyOf"],
        serde_json::json!([
            {"type": "string", "enum": ["scalar", "array"]},
            {"type": "string"}
        ]),
        "{schema}"
    );
}
