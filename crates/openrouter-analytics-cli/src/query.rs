//! `openrouter analytics query`: flags in, a typed query out, rows printed.

use std::collections::BTreeSet;
use std::io::{self, Write};

use chrono::{DateTime, Utc};
use clap::Args;
use openrouter_analytics::types::{
    AnalyticsGranularity, AnalyticsQueryResponse, AnalyticsSortDirection,
};
use openrouter_analytics::{Client, Error, WithRawBody};
use serde_json::{Map, Value};

use crate::buckets::{self, Granularity};
use crate::output::Format;
use crate::output::Out;
use crate::output::sheet::{Kind, Sheet};
use crate::output::table::{Align, Table};
use crate::output::{cell, write_raw_json};
use crate::parse::{Filter, RangeEnd, parse_filter, parse_order_by, parse_time};

/// `openrouter analytics query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// Metric to compute (repeat or comma-separate); see `openrouter analytics meta`.
    #[arg(
        short,
        long = "metric",
        visible_alias = "metrics",
        value_delimiter = ',',
        required = true,
        value_name = "NAME"
    )]
    pub metrics: Vec<String>,

    /// Dimension to group by, at most two (repeat or comma-separate).
    #[arg(
        short,
        long = "dimension",
        visible_alias = "dimensions",
        value_delimiter = ',',
        value_name = "NAME"
    )]
    pub dimensions: Vec<String>,

    /// Filter FIELD:OPERATOR:VALUE, e.g. model:eq:openai/gpt-4o or provider:in:OpenAI,Azure
    /// (operators eq, neq, in, not_in, gt, gte, lt, lte; numbers are sent as numbers unless
    /// quoted as JSON, e.g. user:eq:"42"). Repeat for up to 20.
    #[arg(long = "filter", value_name = "FIELD:OP:VALUE")]
    pub filters: Vec<String>,

    /// Start of the time range (included): YYYY-MM-DD (UTC midnight) or RFC 3339.
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,

    /// End of the time range (excluded); a bare YYYY-MM-DD includes that whole day
    /// [default with --from: now].
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,

    /// Time bucket size; without it the whole range is one bucket.
    #[arg(short, long, value_enum)]
    pub granularity: Option<Granularity>,

    /// Sort by a requested metric or dimension, request_count or date; add :asc for
    /// ascending [default direction: desc].
    #[arg(long, value_name = "FIELD[:asc|:desc]")]
    pub order_by: Option<String>,

    /// Most rows to return [server default: 1000].
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,

    /// Most rows for each combination of dimension values.
    #[arg(long, value_name = "N")]
    pub group_limit: Option<u32>,
}

/// Most dimensions a query may group by.
const MAX_DIMENSIONS: usize = 2;
/// Most filters a query may have.
const MAX_FILTERS: usize = 20;

/// A checked `openrouter analytics query` command line.
#[derive(Debug, Clone)]
pub struct Plan {
    metrics: Vec<String>,
    dimensions: Vec<String>,
    filters: Vec<Filter>,
    time_range: Option<(DateTime<Utc>, DateTime<Utc>)>,
    granularity: Option<AnalyticsGranularity>,
    /// The bucket size as given, which names the time column in tables and CSV.
    bucket: Option<Granularity>,
    order_by: Option<(String, AnalyticsSortDirection)>,
    limit: Option<u32>,
    group_limit: Option<u32>,
}

impl Plan {
    /// Checks the flags; the error is a one-line usage message.
    pub fn new(args: &QueryArgs) -> Result<Self, String> {
        // Whole seconds: a tidier request, and the server's buckets are no finer.
        let now = Utc::now();
        let now = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
        Self::new_at(args, now)
    }

    fn new_at(args: &QueryArgs, now: DateTime<Utc>) -> Result<Self, String> {
        let metrics = names(&args.metrics);
        if metrics.is_empty() {
            return Err("--metric names no metric; see `openrouter analytics meta`".into());
        }
        let dimensions = names(&args.dimensions);
        if dimensions.len() > MAX_DIMENSIONS {
            return Err(format!(
                "a query groups by at most {MAX_DIMENSIONS} dimensions, not {}",
                dimensions.len()
            ));
        }
        if args.filters.len() > MAX_FILTERS {
            return Err(format!(
                "a query takes at most {MAX_FILTERS} filters, not {}",
                args.filters.len()
            ));
        }
        let filters = args
            .filters
            .iter()
            .map(|f| parse_filter(f))
            .collect::<Result<Vec<_>, _>>()?;
        let time_range = match (&args.from, &args.to) {
            (None, None) => None,
            (None, Some(_)) => return Err("--to needs --from".into()),
            (Some(from), to) => {
                let start = parse_time("--from", from, RangeEnd::Start)?;
                let end = match to {
                    Some(to) => parse_time("--to", to, RangeEnd::End)?,
                    None => now,
                };
                if start >= end {
                    return Err(format!(
                        "the time range is empty: --from {} is not before {}",
                        start.to_rfc3339(),
                        if to.is_some() { "--to" } else { "now" }
                    ));
                }
                Some((start, end))
            }
        };
        let order_by = args.order_by.as_deref().map(parse_order_by).transpose()?;
        Ok(Self {
            metrics,
            dimensions,
            filters,
            time_range,
            granularity: args.granularity.map(granularity),
            bucket: args.granularity,
            order_by,
            limit: args.limit,
            group_limit: args.group_limit,
        })
    }

    /// What the request looks like, for `-v`.
    pub fn describe(&self, base_url: &str) -> String {
        let mut text = format!(
            "POST {}/analytics/query metrics={} dimensions={} filters={}",
            base_url.trim_end_matches('/'),
            self.metrics.join(","),
            self.dimensions.join(","),
            self.filters.len()
        );
        if let Some((start, end)) = &self.time_range {
            text.push_str(&format!(
                " from={} to={}",
                start.to_rfc3339(),
                end.to_rfc3339()
            ));
        }
        text
    }

    /// Sends the query, built with the client's typed request methods.
    pub async fn fetch(
        &self,
        client: &Client,
    ) -> Result<WithRawBody<AnalyticsQueryResponse>, Error> {
        let mut call = client
            .analytics()
            .query_analytics()
            .metrics(self.metrics.iter().map(String::as_str))
            .dimensions(self.dimensions.iter().map(String::as_str));
        for filter in &self.filters {
            call = call.filter(
                filter.field.as_str(),
                filter.operator.clone(),
                filter.value.clone(),
            );
        }
        if let Some((start, end)) = self.time_range {
            call = call.time_range(start, end);
        }
        if let Some(granularity) = &self.granularity {
            call = call.granularity(granularity.clone());
        }
        if let Some((field, direction)) = &self.order_by {
            call = call.order_by(field.as_str(), direction.clone());
        }
        if let Some(limit) = self.limit {
            call = call.limit(limit);
        }
        if let Some(limit) = self.group_limit {
            call = call.group_limit(limit);
        }
        call.send_with_raw_body().await
    }

    /// Prints the result in `format`. Warnings from OpenRouter go to stderr in every
    /// format; the table ends with the row count and whether `--limit` cut it short.
    pub fn print(
        &self,
        response: &AnalyticsQueryResponse,
        raw: &[u8],
        format: Format,
        out: &mut Out<'_>,
    ) -> io::Result<()> {
        let result = &response.data;
        let columns = self.columns(&result.data);
        // With a granularity, the time column is named by it and day buckets are days.
        let time = self.bucket.and_then(|bucket| {
            let unnamed: Vec<&str> = columns
                .iter()
                .map(String::as_str)
                .filter(|c| !self.dimensions.iter().chain(&self.metrics).any(|n| n == c))
                .collect();
            buckets::time_column(&unnamed, &result.data).map(|c| (c.to_string(), bucket))
        });
        let header = |column: &String| match &time {
            Some((name, bucket)) if name == column => buckets::label(*bucket).to_string(),
            _ => column.clone(),
        };
        let cell = |row: &Map<String, Value>, column: &String| match &time {
            Some((name, bucket)) if name == column => row
                .get(column)
                .map(|v| buckets::cell(v, *bucket))
                .unwrap_or_default(),
            _ => row_cell(row, column),
        };
        match format {
            Format::Json => write_raw_json(out, raw)?,
            Format::Csv => {
                let kinds = columns.iter().map(|c| {
                    let is_time = time.as_ref().is_some_and(|(name, _)| name == c);
                    if numeric(&result.data, c) && !is_time {
                        Kind::Number
                    } else {
                        Kind::Text
                    }
                });
                let mut csv = Sheet::new(out, columns.iter().map(header).zip(kinds))?;
                for row in &result.data {
                    csv.row(columns.iter().map(|c| cell(row, c)))?;
                }
                csv.finish()?;
            }
            Format::Table => {
                let mut table = Table::new(columns.iter().map(|c| {
                    let align = if numeric(&result.data, c) {
                        Align::Right
                    } else {
                        Align::Left
                    };
                    (header(c).to_uppercase(), align)
                }));
                for row in &result.data {
                    table.row(columns.iter().map(|c| cell(row, c)).collect());
                }
                table.write(out)?;
                let meta = &result.metadata;
                writeln!(
                    out,
                    "\n{} rows in {} ms{}",
                    meta.row_count,
                    meta.query_time_ms,
                    if meta.truncated {
                        " (truncated: raise --limit to see more)"
                    } else {
                        ""
                    }
                )?;
            }
        }
        Ok(())
    }

    /// The columns: keys the query did not name (such as the time bucket) first, then
    /// the dimensions, then the metrics, each in the order given.
    fn columns(&self, rows: &[Map<String, Value>]) -> Vec<String> {
        let named: BTreeSet<&str> = self
            .dimensions
            .iter()
            .chain(&self.metrics)
            .map(String::as_str)
            .collect();
        let present: BTreeSet<&str> = rows
            .iter()
            .flat_map(|row| row.keys().map(String::as_str))
            .collect();
        let mut columns: Vec<String> = present
            .iter()
            .filter(|key| !named.contains(*key))
            .map(|key| key.to_string())
            .collect();
        let mut seen = BTreeSet::new();
        for name in self.dimensions.iter().chain(&self.metrics) {
            if seen.insert(name.as_str()) {
                columns.push(name.clone());
            }
        }
        columns
    }
}

/// Whether every row holds a number (or nothing) in `column`: such a column is aligned
/// right in tables and written as numbers in CSV.
fn numeric(rows: &[Map<String, Value>], column: &str) -> bool {
    !rows.is_empty()
        && rows
            .iter()
            .all(|row| matches!(row.get(column), Some(Value::Number(_) | Value::Null) | None))
}

fn row_cell(row: &Map<String, Value>, column: &str) -> String {
    row.get(column).map(cell).unwrap_or_default()
}

/// Trimmed, non-empty names.
fn names(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

fn granularity(value: Granularity) -> AnalyticsGranularity {
    match value {
        Granularity::Minute => AnalyticsGranularity::Minute,
        Granularity::Hour => AnalyticsGranularity::Hour,
        Granularity::Day => AnalyticsGranularity::Day,
        Granularity::Week => AnalyticsGranularity::Week,
        Granularity::Month => AnalyticsGranularity::Month,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn args() -> QueryArgs {
        QueryArgs {
            metrics: vec!["request_count".into()],
            dimensions: Vec::new(),
            filters: Vec::new(),
            from: None,
            to: None,
            granularity: None,
            order_by: None,
            limit: None,
            group_limit: None,
        }
    }

    #[test]
    fn flags_are_checked_before_anything_is_sent() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 10, 0, 0, 0)
            .single()
            .expect("time");
        assert!(Plan::new_at(&args(), now).is_ok());
        let mut a = args();
        a.dimensions = vec!["a".into(), "b".into(), "c".into()];
        assert!(
            Plan::new_at(&a, now)
                .expect_err("3 dims")
                .contains("at most 2")
        );
        let mut a = args();
        a.to = Some("2026-11-01".into());
        assert!(
            Plan::new_at(&a, now)
                .expect_err("to alone")
                .contains("--from")
        );
        let mut a = args();
        a.from = Some("2026-11-20".into());
        assert!(Plan::new_at(&a, now).expect_err("future").contains("empty"));
        let mut a = args();
        a.from = Some("2026-11-01".into());
        let plan = Plan::new_at(&a, now).expect("from alone");
        assert_eq!(plan.time_range.map(|r| r.1), Some(now));
        let mut a = args();
        a.metrics = vec![" ".into()];
        assert!(Plan::new_at(&a, now).is_err());
        let mut a = args();
        a.filters = vec!["model:eq:x".into(); 21];
        assert!(
            Plan::new_at(&a, now)
                .expect_err("21")
                .contains("at most 20")
        );
    }

    #[test]
    fn columns_put_unnamed_keys_then_dimensions_then_metrics() {
        let mut a = args();
        a.metrics = vec!["request_count".into(), "cost".into()];
        a.dimensions = vec!["model".into()];
        let plan = Plan::new(&a).expect("plan");
        let row: Map<String, Value> = serde_json::from_str(
            r#"{"cost": 1.5, "model": "m", "request_count": 3, "date": "2026-11-01"}"#,
        )
        .expect("json");
        assert_eq!(
            plan.columns(&[row]),
            ["date", "model", "request_count", "cost"]
        );
    }
}
