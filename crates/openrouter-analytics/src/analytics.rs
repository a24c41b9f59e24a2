//! The Analytics operations: activity, query vocabulary and analytics queries.

use chrono::{DateTime, NaiveDate, Utc};
use openrouter_analytics_api as api;
use openrouter_analytics_api::types::{
    ActivityGroupBy, ActivityResponse, AnalyticsClassifierDimensions, AnalyticsClassifierFilters,
    AnalyticsFilter, AnalyticsFilterValue, AnalyticsGranularity, AnalyticsMetaResponse,
    AnalyticsOperator, AnalyticsOrderBy, AnalyticsQueryRequest, AnalyticsQueryResponse,
    AnalyticsSortDirection, AnalyticsTimeRange, ErrorResponse,
};
use openrouter_analytics_api::{Error as ApiError, ResponseValue};

use crate::call::{Async, Call, Operation, sealed};
use crate::client::Client;
use crate::error::{Error, Result};

/// The Analytics operations of a client; from [`Client::analytics`].
#[derive(Clone, Copy, Debug)]
pub struct Analytics<'c> {
    client: &'c Client,
}

impl<'c> Analytics<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// `GET /activity`: daily spend, requests and tokens per model endpoint over the
    /// last 30 completed UTC days. Needs a management key.
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> Result<(), openrouter_analytics::Error> {
    /// use chrono::NaiveDate;
    /// use openrouter_analytics::types::ActivityGroupBy;
    ///
    /// let day = NaiveDate::from_ymd_opt(2026, 11, 1).expect("valid date");
    /// let activity = client
    ///     .analytics()
    ///     .get_user_activity()
    ///     .date(day)
    ///     .group_by(ActivityGroupBy::Workspace)
    ///     .send()
    ///     .await?;
    /// for row in &activity.data {
    ///     println!("{} {} ${:.4}", row.date, row.model, row.usage);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_user_activity(self) -> GetUserActivity<'c> {
        Call::new(self.client, Async, ActivityParams::default())
    }

    /// `GET /analytics/meta`: the metrics, dimensions, operators and granularities
    /// that [`query_analytics`](Self::query_analytics) accepts.
    pub fn get_analytics_meta(self) -> GetAnalyticsMeta<'c> {
        Call::new(self.client, Async, MetaParams)
    }

    /// `POST /analytics/query`: aggregate metrics over a time range.
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> Result<(), openrouter_analytics::Error> {
    /// use chrono::{Duration, Utc};
    /// use openrouter_analytics::types::{AnalyticsGranularity, AnalyticsSortDirection};
    ///
    /// let end = Utc::now();
    /// let result = client
    ///     .analytics()
    ///     .query_analytics()
    ///     .metrics(["request_count"])
    ///     .dimensions(["model"])
    ///     .time_range(end - Duration::days(7), end)
    ///     .granularity(AnalyticsGranularity::Day)
    ///     .order_by("request_count", AnalyticsSortDirection::Desc)
    ///     .limit(100)
    ///     .send()
    ///     .await?;
    /// println!("{} rows in {} ms", result.data.metadata.row_count, result.data.metadata.query_time_ms);
    /// # Ok(())
    /// # }
    /// ```
    pub fn query_analytics(self) -> QueryAnalytics<'c> {
        Call::new(self.client, Async, QueryParams::default())
    }
}

/// A `GET /activity` call; see [`Analytics::get_user_activity`].
pub type GetUserActivity<'c, Mode = Async> = Call<'c, ActivityParams, Mode>;
/// A `GET /analytics/meta` call; see [`Analytics::get_analytics_meta`].
pub type GetAnalyticsMeta<'c, Mode = Async> = Call<'c, MetaParams, Mode>;
/// A `POST /analytics/query` call; see [`Analytics::query_analytics`].
pub type QueryAnalytics<'c, Mode = Async> = Call<'c, QueryParams, Mode>;

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

/// Parameters of `GET /activity`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActivityParams {
    date: Option<ActivityDate>,
    api_key_hash: Option<String>,
    user_id: Option<String>,
    group_by: Option<ActivityGroupBy>,
    workspace_id: Option<String>,
}

impl<Mode> Call<'_, ActivityParams, Mode> {
    /// Only this UTC day, which must be among the last 30 completed days.
    pub fn date(mut self, date: impl Into<ActivityDate>) -> Self {
        self.params.date = Some(date.into());
        self
    }

    /// Only the activity of the API key with this SHA-256 hash (hex).
    pub fn api_key_hash(mut self, hash: impl Into<String>) -> Self {
        self.params.api_key_hash = Some(hash.into());
        self
    }

    /// Only the activity of this organization member.
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.params.user_id = Some(user_id.into());
        self
    }

    /// Split rows by workspace as well; each row then carries `workspace_id`.
    pub fn group_by(mut self, group_by: ActivityGroupBy) -> Self {
        self.params.group_by = Some(group_by);
        self
    }

    /// Only the activity attributed to this workspace.
    pub fn workspace_id(mut self, workspace_id: impl Into<String>) -> Self {
        self.params.workspace_id = Some(workspace_id.into());
        self
    }
}

impl sealed::Sealed for ActivityParams {}

impl Operation for ActivityParams {
    type Output = ActivityResponse;
    const NAME: &'static str = "get_user_activity";

    fn validate(&self) -> Result<()> {
        if let Some(date) = &self.date {
            date.to_query_value()?;
        }
        Ok(())
    }

    async fn send_once(
        &self,
        api: &api::Client,
    ) -> Result<ResponseValue<ActivityResponse>, ApiError<ErrorResponse>> {
        let mut request = api.get_user_activity();
        if let Some(date) = &self.date {
            let value = date
                .to_query_value()
                .map_err(|err| ApiError::InvalidRequest(err.to_string()))?;
            request = request.date(value);
        }
        if let Some(hash) = &self.api_key_hash {
            request = request.api_key_hash(hash.clone());
        }
        if let Some(user_id) = &self.user_id {
            request = request.user_id(user_id.clone());
        }
        if let Some(group_by) = &self.group_by {
            request = request.group_by(group_by.clone());
        }
        if let Some(workspace_id) = &self.workspace_id {
            request = request.workspace_id(workspace_id.clone());
        }
        request.send().await
    }
}

/// Parameters of `GET /analytics/meta` (there are none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MetaParams;

impl sealed::Sealed for MetaParams {}

impl Operation for MetaParams {
    type Output = AnalyticsMetaResponse;
    const NAME: &'static str = "get_analytics_meta";

    fn validate(&self) -> Result<()> {
        Ok(())
    }

    async fn send_once(
        &self,
        api: &api::Client,
    ) -> Result<ResponseValue<AnalyticsMetaResponse>, ApiError<ErrorResponse>> {
        api.get_analytics_meta().send().await
    }
}

/// Parameters of `POST /analytics/query`: the request body.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryParams {
    body: AnalyticsQueryRequest,
}

impl Default for QueryParams {
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

impl QueryParams {
    /// The request body as it will be sent.
    pub fn body(&self) -> &AnalyticsQueryRequest {
        &self.body
    }
}

impl<Mode> Call<'_, QueryParams, Mode> {
    /// Replaces the whole request body, e.g. one deserialized from a file.
    pub fn request(mut self, body: AnalyticsQueryRequest) -> Self {
        self.params.body = body;
        self
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
    /// # fn f(call: openrouter_analytics::QueryAnalytics<'_>) {
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

impl sealed::Sealed for QueryParams {}

impl Operation for QueryParams {
    type Output = AnalyticsQueryResponse;
    const NAME: &'static str = "query_analytics";

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
    }

    #[test]
    fn query_validation_catches_what_the_server_would_reject() {
        let ok = QueryParams {
            body: AnalyticsQueryRequest {
                metrics: vec!["request_count".into()],
                ..QueryParams::default().body
            },
        };
        assert!(ok.validate().is_ok());
        assert!(QueryParams::default().validate().is_err());
        let mut three = ok.clone();
        three.body.dimensions = vec!["a".into(), "b".into(), "c".into()];
        assert!(three.validate().is_err());
        let mut backwards = ok.clone();
        let now = Utc::now();
        backwards.body.time_range = Some(AnalyticsTimeRange {
            start: now,
            end: now,
        });
        assert!(backwards.validate().is_err());
    }
}
