//! Hand-written sugar for single operations, beside the generated layer
//! (`generated.rs`): a validated date for `get_user_activity`, and typed setters and
//! validation for `query_analytics`.
//!
//! The generator is told about each piece here (xtask/src/sdk.rs, `HAND_WRITTEN`), so
//! it leaves those setters, checks or parameter types out.

use chrono::{DateTime, NaiveDate, Utc};
use openrouter_analytics_api as api;
use openrouter_analytics_api::types::{
    AnalyticsClassifierDimensions, AnalyticsClassifierFilters, AnalyticsFilter,
    AnalyticsFilterValue, AnalyticsGranularity, AnalyticsOperator, AnalyticsOrderBy,
    AnalyticsQueryRequest, AnalyticsQueryResponse, AnalyticsSortDirection, AnalyticsTimeRange,
    ErrorResponse,
};
use openrouter_analytics_api::{Error as ApiError, ResponseValue};

use crate::call::{Call, Operation, Validate, sealed};
use crate::dynamic::{FromArgs, parse_body};
use crate::error::{Error, Result};
use crate::generated::analytics::GetUserActivityParams;

/// A day for the activity `date` filter: a [`NaiveDate`], or a `YYYY-MM-DD` string that
/// is checked before anything is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityDate(DateInput);

#[derive(Clone, Debug, PartialEq, Eq)]
enum DateInput {
    Date(NaiveDate),
    Text(String),
}

impl From<NaiveDate> for ActivityDate {
    fn from(date: NaiveDate) -> Self {
        Self(DateInput::Date(date))
    }
}

impl From<&str> for ActivityDate {
    fn from(text: &str) -> Self {
        Self(DateInput::Text(text.to_string()))
    }
}

impl From<String> for ActivityDate {
    fn from(text: String) -> Self {
        Self(DateInput::Text(text))
    }
}

impl ActivityDate {
    /// The date as `YYYY-MM-DD`, or an error saying what is wrong with the text.
    pub fn to_query_value(&self) -> Result<String> {
        match &self.0 {
            DateInput::Date(date) => Ok(date.format("%Y-%m-%d").to_string()),
            DateInput::Text(text) => parse_day(text).map(|d| d.format("%Y-%m-%d").to_string()),
        }
    }
}

/// Parses a strict `YYYY-MM-DD` calendar day.
#[doc(hidden)] // for the CLI's argument parsing; not part of the supported API
pub fn parse_day(text: &str) -> Result<NaiveDate> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    let parsed = shaped
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten();
    parsed.ok_or_else(|| {
        Error::invalid_request(format!(
            "date {:?} is not a calendar day in YYYY-MM-DD form",
            text.chars().take(40).collect::<String>()
        ))
    })
}

impl<Mode> Call<GetUserActivityParams, Mode> {
    /// Only this UTC day, which must be among the last 30 completed days: a
    /// [`NaiveDate`], or a `YYYY-MM-DD` string that is checked before anything is sent.
    pub fn date(mut self, date: impl Into<ActivityDate>) -> Self {
        self.params.date = Some(match date.into().0 {
            DateInput::Date(date) => date.format("%Y-%m-%d").to_string(),
            DateInput::Text(text) => text,
        });
        self
    }
}

impl Validate for GetUserActivityParams {
    fn validate(&self) -> Result<()> {
        match &self.date {
            Some(date) => parse_day(date).map(drop),
            None => Ok(()),
        }
    }
}

/// Parameters of `POST /analytics/query`: the request body, built up by typed setters
/// (hand-written: `filter` appends, which the generated body builder cannot).
#[derive(Clone, Debug, PartialEq)]
pub struct QueryAnalyticsParams {
    body: AnalyticsQueryRequest,
}

impl Default for QueryAnalyticsParams {
    fn default() -> Self {
        Self {
            body: AnalyticsQueryRequest {
                classifier_dimensions: None,
                classifier_filters: None,
                dimensions: Vec::new(),
                filters: Vec::new(),
                granularity: None,
                group_limit: None,
                limit: None,
                metrics: Vec::new(),
                order_by: None,
                time_range: None,
            },
        }
    }
}

impl QueryAnalyticsParams {
    /// The request body as it will be sent.
    pub fn request_body(&self) -> &AnalyticsQueryRequest {
        &self.body
    }
}

impl<Mode> Call<QueryAnalyticsParams, Mode> {
    /// Replaces the whole request body, e.g. one deserialized from a file.
    pub fn body(mut self, body: AnalyticsQueryRequest) -> Self {
        self.params.body = body;
        self
    }

    /// The same as [`body`](Self::body) (its name before every operation got `body`).
    pub fn request(self, body: AnalyticsQueryRequest) -> Self {
        self.body(body)
    }

    /// The metrics to compute (at least one), e.g. `request_count`.
    pub fn metrics<I, S>(mut self, metrics: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.params.body.metrics = metrics.into_iter().map(Into::into).collect();
        self
    }

    /// Up to two dimensions to group by, e.g. `model`.
    pub fn dimensions<I, S>(mut self, dimensions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.params.body.dimensions = dimensions.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a filter condition (at most 20 in all).
    ///
    /// ```no_run
    /// # fn f(call: openrouter_analytics::analytics::QueryAnalytics) {
    /// use openrouter_analytics::types::{AnalyticsFilterScalar, AnalyticsFilterValue, AnalyticsOperator};
    /// let call = call
    ///     .filter("model", AnalyticsOperator::Eq, AnalyticsFilterValue::String("openai/gpt-4o".into()))
    ///     .filter("provider", AnalyticsOperator::In, vec![
    ///         AnalyticsFilterScalar::String("OpenAI".into()),
    ///         AnalyticsFilterScalar::String("Azure".into()),
    ///     ]);
    /// # }
    /// ```
    pub fn filter(
        mut self,
        field: impl Into<String>,
        operator: AnalyticsOperator,
        value: impl Into<AnalyticsFilterValue>,
    ) -> Self {
        self.params.body.filters.push(AnalyticsFilter {
            field: field.into(),
            operator: operator.to_string(),
            value: value.into(),
            include_unset: None,
        });
        self
    }

    /// Adds a fully specified filter (e.g. with `include_unset`).
    pub fn filter_with(mut self, filter: AnalyticsFilter) -> Self {
        self.params.body.filters.push(filter);
        self
    }

    /// The time bucket size; without it the whole range is one bucket.
    pub fn granularity(mut self, granularity: AnalyticsGranularity) -> Self {
        self.params.body.granularity = Some(granularity.to_string());
        self
    }

    /// The time window, `start` included, `end` excluded.
    pub fn time_range(mut self, start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        self.params.body.time_range = Some(AnalyticsTimeRange { start, end });
        self
    }

    /// Sort by a requested metric or dimension, `request_count`, or `date`.
    pub fn order_by(mut self, field: impl Into<String>, direction: AnalyticsSortDirection) -> Self {
        self.params.body.order_by = Some(AnalyticsOrderBy {
            field: field.into(),
            direction,
        });
        self
    }

    /// The most rows to return (server default 1000).
    pub fn limit(mut self, limit: u32) -> Self {
        self.params.body.limit = Some(i64::from(limit));
        self
    }

    /// The most rows for each combination of dimension values.
    pub fn group_limit(mut self, limit: u32) -> Self {
        self.params.body.group_limit = Some(i64::from(limit));
        self
    }

    /// Group by the tags of a classifier.
    pub fn classifier_dimensions(mut self, dimensions: AnalyticsClassifierDimensions) -> Self {
        self.params.body.classifier_dimensions = Some(dimensions);
        self
    }

    /// Keep only generations whose classifier tags match.
    pub fn classifier_filters(mut self, filters: AnalyticsClassifierFilters) -> Self {
        self.params.body.classifier_filters = Some(filters);
        self
    }
}

impl Operation for QueryAnalyticsParams {
    type Output = AnalyticsQueryResponse;

    fn name(&self) -> &'static str {
        "query_analytics"
    }
}

impl FromArgs for QueryAnalyticsParams {
    fn from_args(args: &[(String, String)], body: Option<serde_json::Value>) -> Result<Self> {
        if let Some((name, _)) = args.first() {
            return Err(Error::invalid_request(format!(
                "query_analytics has no parameter {name:?}; its request is the body"
            )));
        }
        let body = body.ok_or_else(|| {
            Error::invalid_request("query_analytics needs a request body (metrics, ...)")
        })?;
        Ok(Self {
            body: parse_body(body)?,
        })
    }
}

impl sealed::Sender for QueryAnalyticsParams {
    fn validate(&self) -> Result<()> {
        let body = &self.body;
        if body.metrics.is_empty() {
            return Err(Error::invalid_request(
                "an analytics query needs at least one metric",
            ));
        }
        if body.dimensions.len() > 2 {
            return Err(Error::invalid_request(format!(
                "an analytics query groups by at most 2 dimensions, not {}",
                body.dimensions.len()
            )));
        }
        if body.filters.len() > 20 {
            return Err(Error::invalid_request(format!(
                "an analytics query takes at most 20 filters, not {}",
                body.filters.len()
            )));
        }
        if let Some(range) = &body.time_range
            && range.start >= range.end
        {
            return Err(Error::invalid_request(
                "the time range must start before it ends",
            ));
        }
        Ok(())
    }

    async fn send_once(
        &self,
        api: &api::Client,
    ) -> Result<ResponseValue<AnalyticsQueryResponse>, ApiError<ErrorResponse>> {
        api.query_analytics().body(self.body.clone()).send().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict_calendar_days() {
        assert!(parse_day("2026-11-01").is_ok());
        for bad in [
            "2026-1-01",
            "2026-02-30",
            "20261101",
            "2026-11-01T00:00",
            "",
            "ab-cd-efgh",
            "２０２６-11-01",
        ] {
            let err = parse_day(bad).expect_err(bad);
            assert_eq!(err.kind(), crate::ErrorKind::InvalidRequest, "{bad}");
        }
        let typed = ActivityDate::from(NaiveDate::from_ymd_opt(2026, 3, 9).expect("date"));
        assert_eq!(typed.to_query_value().expect("valid"), "2026-03-09");
        let params = GetUserActivityParams {
            date: Some("2026-02-30".into()),
            ..GetUserActivityParams::default()
        };
        assert_eq!(
            Validate::validate(&params).map_err(|e| e.kind()),
            Err(crate::ErrorKind::InvalidRequest)
        );
    }

    #[test]
    fn query_validation_catches_what_the_server_would_reject() {
        let ok = QueryAnalyticsParams {
            body: AnalyticsQueryRequest {
                metrics: vec!["request_count".into()],
                ..QueryAnalyticsParams::default().body
            },
        };
        assert!(sealed::Sender::validate(&ok).is_ok());
        assert!(sealed::Sender::validate(&QueryAnalyticsParams::default()).is_err());
        let mut three = ok.clone();
        three.body.dimensions = vec!["a".into(), "b".into(), "c".into()];
        assert!(sealed::Sender::validate(&three).is_err());
        let mut backwards = ok.clone();
        let now = Utc::now();
        backwards.body.time_range = Some(AnalyticsTimeRange {
            start: now,
            end: now,
        });
        assert!(sealed::Sender::validate(&backwards).is_err());
    }
}
