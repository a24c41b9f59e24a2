//! A synchronous analytics query: requests per model per day for the last week.
//!
//! ```sh
//! OPENROUTER_API_KEY=<management key> cargo run -p openrouter-analytics --features blocking --example blocking_query
//! ```

use chrono::{Duration, Utc};
use openrouter_analytics::blocking::Client;
use openrouter_analytics::types::{AnalyticsGranularity, AnalyticsSortDirection};

fn main() -> Result<(), openrouter_analytics::Error> {
    let client = Client::from_env()?;
    let end = Utc::now();
    let result = client
        .analytics()
        .query_analytics()
        .metrics(["request_count"])
        .dimensions(["model"])
        .granularity(AnalyticsGranularity::Day)
        .time_range(end - Duration::days(7), end)
        .order_by("request_count", AnalyticsSortDirection::Desc)
        .limit(50)
        .send()?;
    for row in &result.data.data {
        println!("{}", serde_json::Value::Object(row.clone()));
    }
    if result.data.metadata.truncated {
        eprintln!("(truncated: raise the limit to see more)");
    }
    Ok(())
}
