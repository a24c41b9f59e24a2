//! The time column of `analytics query` results with a granularity: which column it
//! is, what to call it (`DAY`, `HOUR`...) and how day buckets are shown in tables and
//! CSV (`YYYY-MM-DD`; JSON keeps what the API sent).

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use clap::ValueEnum;
use serde_json::{Map, Value};

/// A query's time bucket size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Granularity {
    /// One-minute buckets.
    Minute,
    /// One-hour buckets.
    Hour,
    /// One-day buckets.
    Day,
    /// One-week buckets.
    Week,
    /// One-month buckets.
    Month,
}

/// The column's name for a bucket size, lowercase as CSV headers are (tables
/// uppercase every header).
pub fn label(granularity: Granularity) -> &'static str {
    match granularity {
        Granularity::Minute => "minute",
        Granularity::Hour => "hour",
        Granularity::Day => "day",
        Granularity::Week => "week",
        Granularity::Month => "month",
    }
}

/// The first of `candidates` (columns the query did not name) whose values are all
/// times or dates: the API names its time column as it likes, so the values say
/// which it is. A column of nulls only is not one.
pub fn time_column<'a>(candidates: &[&'a str], rows: &[Map<String, Value>]) -> Option<&'a str> {
    candidates.iter().copied().find(|column| {
        let mut seen = false;
        let all_times = rows.iter().all(|row| match row.get(*column) {
            None | Some(Value::Null) => true,
            Some(Value::String(text)) => {
                seen = true;
                parse_day(text).is_some()
            }
            Some(_) => false,
        });
        all_times && seen
    })
}

/// The calendar day a time or date string starts with, as written (no time-zone
/// conversion: a bucket's day is the day it is labelled with).
fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(day);
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.date_naive());
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(time) = NaiveDateTime::parse_from_str(text, format) {
            return Some(time.date());
        }
    }
    None
}

/// A time-column cell: day, week and month buckets as `YYYY-MM-DD`; finer buckets
/// and anything that does not parse as the API sent them.
pub fn cell(value: &Value, granularity: Granularity) -> String {
    let day_sized = matches!(
        granularity,
        Granularity::Day | Granularity::Week | Granularity::Month
    );
    match value {
        Value::String(text) if day_sized => parse_day(text)
            .map(|day| day.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| text.clone()),
        other => crate::output::cell(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows(values: &[Value]) -> Vec<Map<String, Value>> {
        values
            .iter()
            .map(|v| {
                let mut row = Map::new();
                row.insert("date".into(), v.clone());
                row.insert("model".into(), json!("m"));
                row
            })
            .collect()
    }

    #[test]
    fn the_time_column_is_the_one_whose_values_are_times() {
        let r = rows(&[json!("2026-11-01T00:00:00.000Z"), json!(null)]);
        assert_eq!(time_column(&["model", "date"], &r), Some("date"));
        let r = rows(&[json!("2026-11-01 00:00:00"), json!("2026-11-02")]);
        assert_eq!(time_column(&["date"], &r), Some("date"));
        assert_eq!(time_column(&["date"], &rows(&[json!(null)])), None);
        assert_eq!(time_column(&["date"], &rows(&[json!(5)])), None);
        assert_eq!(time_column(&["date"], &rows(&[json!("soon")])), None);
        assert_eq!(time_column(&[], &r), None);
    }

    #[test]
    fn day_sized_buckets_show_their_day_and_finer_ones_stay_as_sent() {
        let value = json!("2026-11-01T00:00:00.000Z");
        assert_eq!(cell(&value, Granularity::Day), "2026-11-01");
        assert_eq!(cell(&value, Granularity::Week), "2026-11-01");
        assert_eq!(
            cell(&json!("2026-11-01 00:00:00"), Granularity::Month),
            "2026-11-01"
        );
        // The day as labelled, not converted to UTC.
        assert_eq!(
            cell(&json!("2026-11-01T00:00:00-05:00"), Granularity::Day),
            "2026-11-01"
        );
        assert_eq!(cell(&value, Granularity::Hour), "2026-11-01T00:00:00.000Z");
        assert_eq!(cell(&json!("later"), Granularity::Day), "later");
        assert_eq!(cell(&json!(null), Granularity::Day), "");
        assert_eq!(label(Granularity::Hour), "hour");
    }
}
