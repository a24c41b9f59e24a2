//! Parsers for flag values: durations, days, times, query filters and sort orders.
//!
//! Each returns a message fit for a one-line usage error; none panics on any input.

use std::time::Duration;

use chrono::{DateTime, Days, NaiveDate, Utc};
use openrouter_analytics::parse_day;
use openrouter_analytics::types::{
    AnalyticsFilterScalar, AnalyticsFilterValue, AnalyticsOperator, AnalyticsSortDirection,
};

/// The longest duration any flag accepts.
const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

/// Parses `250ms`, `1.5s`, `2m`, `1h` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit.trim() {
        "ms" => 0.001,
        "" | "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(duration_error(text)),
    };
    let value: f64 = number.parse().map_err(|_| duration_error(text))?;
    let duration = Duration::try_from_secs_f64(value * scale).map_err(|_| duration_error(text))?;
    if duration > MAX_DURATION {
        return Err(format!("{text:?} is longer than the 24h limit"));
    }
    Ok(duration)
}

fn duration_error(text: &str) -> String {
    format!(
        "{:?} is not a duration; use e.g. 30s, 1500ms, 2m or 1h",
        shorten(text)
    )
}

/// Parses a decimal number that must be finite: `1e309` (infinity once parsed), `inf`
/// and `NaN` are refused, rather than sent as `null` or an absurd amount. `what` says
/// what the number is, e.g. `an amount in dollars (e.g. 25 or 12.50)`.
pub fn parse_finite(text: &str, what: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{:?} is not {what}", shorten(text)))?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(format!(
            "{:?} is not a finite number; give {what}",
            shorten(text)
        ))
    }
}

/// Checks an activity `--date`, returning it unchanged.
pub fn parse_activity_date(text: &str) -> Result<String, String> {
    parse_day(text).map(|_| text.to_string()).map_err(|_| {
        format!(
            "--date {:?} is not a calendar day; use the form YYYY-MM-DD, e.g. --date {}",
            shorten(text),
            example_day()
        )
    })
}

/// Which end of a time range a value is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeEnd {
    /// `--from`: a bare day means its first instant.
    Start,
    /// `--to`: a bare day means the instant after it, so the day is included.
    End,
}

/// Parses `--from` / `--to`: a `YYYY-MM-DD` day (UTC) or an RFC 3339 time.
pub fn parse_time(flag: &str, text: &str, end: RangeEnd) -> Result<DateTime<Utc>, String> {
    let error = || {
        format!(
            "{flag} {:?} is not a day (YYYY-MM-DD) or an RFC 3339 time (e.g. 2026-11-01T12:00:00Z)",
            shorten(text)
        )
    };
    let trimmed = text.trim();
    if trimmed.len() == 10 {
        let day = parse_day(trimmed).map_err(|_| error())?;
        let day = match end {
            RangeEnd::Start => Some(day),
            RangeEnd::End => day.checked_add_days(Days::new(1)),
        };
        return day
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
            .ok_or_else(error);
    }
    DateTime::parse_from_rfc3339(trimmed)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| error())
}

/// A parsed `--filter FIELD:OP:VALUE`.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    /// The dimension tested.
    pub field: String,
    /// The comparison.
    pub operator: AnalyticsOperator,
    /// What it is compared with.
    pub value: AnalyticsFilterValue,
}

/// Parses `FIELD:OP:VALUE`. The value of `in`/`not_in` is a comma-separated list (or a
/// JSON array); numbers are sent as numbers unless written as a JSON string (`"42"`).
pub fn parse_filter(text: &str) -> Result<Filter, String> {
    let error = |why: &str| {
        format!(
            "--filter {:?}: {why}; use FIELD:OP:VALUE, e.g. model:eq:openai/gpt-4o or provider:in:OpenAI,Azure",
            shorten(text)
        )
    };
    let mut parts = text.splitn(3, ':');
    let (Some(field), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(error("expected three parts"));
    };
    let field = field.trim();
    if field.is_empty() {
        return Err(error("the field is empty"));
    }
    // The operator decides whether the value is a list, so only operators this tool
    // knows are accepted (the SDK's enum would also carry an unknown one).
    let operator = AnalyticsOperator::from(op.trim());
    if !operator.is_known() {
        return Err(error(
            "the operator must be one of eq, neq, in, not_in, gt, gte, lt, lte",
        ));
    }
    let value = match operator {
        AnalyticsOperator::In | AnalyticsOperator::NotIn => list_value(value).map_err(error)?,
        _ => scalar_value(value).map(scalar_to_value).map_err(error)?,
    };
    Ok(Filter {
        field: field.to_string(),
        operator,
        value,
    })
}

fn list_value(text: &str) -> Result<AnalyticsFilterValue, &'static str> {
    let trimmed = text.trim();
    let items = if trimmed.starts_with('[') {
        let values: Vec<serde_json::Value> =
            serde_json::from_str(trimmed).map_err(|_| "the value is not a JSON array")?;
        values
            .into_iter()
            .map(|value| match value {
                serde_json::Value::String(s) => Ok(AnalyticsFilterScalar::String(s)),
                serde_json::Value::Number(n) => n
                    .as_f64()
                    .map(AnalyticsFilterScalar::Double)
                    .ok_or("a number in the list is out of range"),
                _ => Err("list items must be strings or numbers"),
            })
            .collect::<Result<Vec<_>, _>>()?
    } else {
        trimmed
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(scalar_value)
            .collect::<Result<Vec<_>, _>>()?
    };
    if items.is_empty() {
        return Err("the list of values is empty");
    }
    Ok(AnalyticsFilterValue::Array(items))
}

fn scalar_value(text: &str) -> Result<AnalyticsFilterScalar, &'static str> {
    if text.starts_with('"') {
        return serde_json::from_str::<String>(text)
            .map(AnalyticsFilterScalar::String)
            .map_err(|_| "the quoted value is not a JSON string");
    }
    let numeric = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && text.chars().any(|c| c.is_ascii_digit());
    match text.parse::<f64>() {
        Ok(number) if numeric && number.is_finite() => Ok(AnalyticsFilterScalar::Double(number)),
        _ => Ok(AnalyticsFilterScalar::String(text.to_string())),
    }
}

fn scalar_to_value(scalar: AnalyticsFilterScalar) -> AnalyticsFilterValue {
    match scalar {
        AnalyticsFilterScalar::String(s) => AnalyticsFilterValue::String(s),
        AnalyticsFilterScalar::Double(n) => AnalyticsFilterValue::Double(n),
    }
}

/// Parses `FIELD`, `FIELD:asc` or `FIELD:desc` (default descending).
pub fn parse_order_by(text: &str) -> Result<(String, AnalyticsSortDirection), String> {
    let (field, direction) = match text.rsplit_once(':') {
        Some((field, dir)) if dir.eq_ignore_ascii_case("asc") => {
            (field, AnalyticsSortDirection::Asc)
        }
        Some((field, dir)) if dir.eq_ignore_ascii_case("desc") => {
            (field, AnalyticsSortDirection::Desc)
        }
        _ => (text, AnalyticsSortDirection::Desc),
    };
    let field = field.trim();
    if field.is_empty() {
        return Err(format!(
            "--order-by {:?} names no field; use e.g. --order-by request_count:desc",
            shorten(text)
        ));
    }
    Ok((field.to_string(), direction))
}

/// Yesterday in UTC, as an example of a valid `--date`.
fn example_day() -> String {
    let today = Utc::now().date_naive();
    today
        .pred_opt()
        .unwrap_or(NaiveDate::MIN)
        .format("%Y-%m-%d")
        .to_string()
}

/// At most 40 characters of user input, for error messages.
fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        for bad in [
            "",
            "s",
            "-1s",
            "1x",
            "1..2s",
            "nan",
            "inf",
            "1e9",
            "25h",
            "9999999999999999999999h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn float_flags_must_be_finite() {
        assert_eq!(parse_finite(" 12.5 ", "x"), Ok(12.5));
        for bad in ["1e309", "-1e309", "inf", "NaN", "infinity"] {
            let err = parse_finite(bad, "x").expect_err(bad);
            assert!(err.contains("not a finite number"), "{err}");
        }
        assert!(
            parse_finite("ten", "an amount")
                .expect_err("word")
                .contains("an amount")
        );
    }

    #[test]
    fn activity_dates_are_strict() {
        assert_eq!(
            parse_activity_date("2026-11-01").as_deref(),
            Ok("2026-11-01")
        );
        for bad in ["2026-13-01", "2026-02-30", "yesterday", "2026-1-1", ""] {
            let err = parse_activity_date(bad).expect_err(bad);
            assert!(err.contains("YYYY-MM-DD"), "{err}");
        }
    }

    #[test]
    fn times_take_days_or_rfc3339_and_a_bare_end_day_is_included() {
        let start = parse_time("--from", "2026-11-01", RangeEnd::Start).expect("day");
        assert_eq!(start.to_rfc3339(), "2026-11-01T00:00:00+00:00");
        let end = parse_time("--to", "2026-11-07", RangeEnd::End).expect("day");
        assert_eq!(end.to_rfc3339(), "2026-11-08T00:00:00+00:00");
        let exact = parse_time("--to", "2026-11-07T12:30:00+02:00", RangeEnd::End).expect("time");
        assert_eq!(exact.to_rfc3339(), "2026-11-07T10:30:00+00:00");
        assert!(parse_time("--from", "last week", RangeEnd::Start).is_err());
        assert!(parse_time("--to", "9999-12-31", RangeEnd::End).is_ok());
        assert!(parse_time("--to", "+262142-12-31", RangeEnd::End).is_err());
    }

    #[test]
    fn filters() {
        let f = parse_filter("model:eq:openai/gpt-4o").expect("eq");
        assert_eq!(f.field, "model");
        assert_eq!(f.operator, AnalyticsOperator::Eq);
        assert_eq!(
            f.value,
            AnalyticsFilterValue::String("openai/gpt-4o".into())
        );

        let f = parse_filter("provider:in:OpenAI, Azure").expect("in");
        assert_eq!(
            f.value,
            AnalyticsFilterValue::Array(vec![
                AnalyticsFilterScalar::String("OpenAI".into()),
                AnalyticsFilterScalar::String("Azure".into()),
            ])
        );
        let f = parse_filter("tokens:gte:1000").expect("gte");
        assert_eq!(f.value, AnalyticsFilterValue::Double(1000.0));
        let f = parse_filter("user:eq:\"42\"").expect("quoted");
        assert_eq!(f.value, AnalyticsFilterValue::String("42".into()));
        let f = parse_filter("model:eq:a:b").expect("colon in value");
        assert_eq!(f.value, AnalyticsFilterValue::String("a:b".into()));
        let f = parse_filter("x:not_in:[\"a,b\", 3]").expect("json list");
        assert_eq!(
            f.value,
            AnalyticsFilterValue::Array(vec![
                AnalyticsFilterScalar::String("a,b".into()),
                AnalyticsFilterScalar::Double(3.0),
            ])
        );
        let f = parse_filter("model:eq:inf").expect("word");
        assert_eq!(f.value, AnalyticsFilterValue::String("inf".into()));
        for bad in [
            "model",
            "model:eq",
            ":eq:x",
            "model:like:x",
            "p:in:",
            "p:in:[true]",
            "m:eq:\"open",
        ] {
            assert!(parse_filter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn order_by() {
        assert_eq!(
            parse_order_by("request_count"),
            Ok(("request_count".into(), AnalyticsSortDirection::Desc))
        );
        assert_eq!(
            parse_order_by("date:asc"),
            Ok(("date".into(), AnalyticsSortDirection::Asc))
        );
        assert_eq!(
            parse_order_by("a:b:DESC"),
            Ok(("a:b".into(), AnalyticsSortDirection::Desc))
        );
        assert!(parse_order_by(":asc").is_err());
        assert!(parse_order_by("").is_err());
    }
}
