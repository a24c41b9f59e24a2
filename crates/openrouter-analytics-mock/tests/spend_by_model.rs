//! The example from docs/library.md ("Testing your code with mocks"): code of your own that calls OpenRouter, and its tests,
//! which run against `MockOpenRouter` instead of the network.
//!
//! ```sh
//! cargo test -p openrouter-analytics-mock --test spend_by_model
//! ```
//!
//! `report` below stands for your application's module; the tests are what you would
//! write next to it.

mod report {
    use std::collections::BTreeMap;

    use openrouter_analytics::{Client, Error};

    /// How your application builds its client: the key and base URL from its own
    /// configuration, plus attribution headers.
    pub fn build_client(api_key: &str, base_url: &str) -> Result<Client, Error> {
        Client::builder()
            .api_key(api_key)
            .base_url(base_url)
            .app_title("Spend report")
            .http_referer("https://spend.example")
            .build()
    }

    /// Dollars spent per model over the activity window (the last 30 completed UTC
    /// days), all endpoints, providers and days added up.
    pub async fn spend_by_model(client: &Client) -> Result<BTreeMap<String, f64>, Error> {
        let activity = client.analytics().get_user_activity().send().await?;
        let mut totals = BTreeMap::new();
        for row in &activity.data {
            *totals.entry(row.model.clone()).or_insert(0.0) += row.usage;
        }
        Ok(totals)
    }
}

use openrouter_analytics::ErrorKind;
use openrouter_analytics::types::ActivityItem;
use openrouter_analytics_mock::{
    ExpectedRequest, MockOpenRouter, TEST_API_KEY, activity_row, fast_retries,
};

#[tokio::test]
async fn spend_is_summed_per_model_across_days_and_endpoints() {
    let openrouter = MockOpenRouter::start_async().await;
    let activity = openrouter.activity_rows([
        activity_row("openai/gpt-4o", 1.25),
        ActivityItem {
            date: "2026-11-02".into(),
            endpoint_id: "another-endpoint".into(),
            ..activity_row("openai/gpt-4o", 0.5)
        },
        activity_row("anthropic/claude-sonnet-4", 0.125),
        activity_row("google/gemini-2.5-pro", 0.0),
    ]);
    let client = report::build_client(TEST_API_KEY, &openrouter.base_url()).expect("client");

    let totals = report::spend_by_model(&client).await.expect("spend");

    let expected = [
        ("anthropic/claude-sonnet-4".to_string(), 0.125),
        ("google/gemini-2.5-pro".to_string(), 0.0),
        ("openai/gpt-4o".to_string(), 1.75),
    ];
    assert_eq!(totals.into_iter().collect::<Vec<_>>(), expected);
    activity.assert_calls(1);
    activity.assert_sent(
        &ExpectedRequest::new()
            .api_key(TEST_API_KEY)
            .app_title("Spend report")
            .http_referer("https://spend.example")
            .no_other_query_params(),
    );
}

#[tokio::test]
async fn no_activity_means_no_models() {
    let openrouter = MockOpenRouter::start_async().await;
    openrouter.activity_rows([]);
    let totals = report::spend_by_model(&openrouter.client())
        .await
        .expect("spend");
    assert!(totals.is_empty(), "{totals:?}");
}

#[tokio::test]
async fn a_refused_key_reaches_the_caller_as_a_typed_error() {
    let openrouter = MockOpenRouter::start_async().await;
    openrouter.activity_error(403, "Only management keys can perform this operation");
    let err = report::spend_by_model(&openrouter.client())
        .await
        .expect_err("403");
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(err.needs_management_key(), "{err}");
}

#[tokio::test]
async fn transient_failures_are_retried_before_the_sum_is_made() {
    let openrouter = MockOpenRouter::start_async().await;
    let activity = openrouter.activity_fails_then_succeeds(
        2,
        503,
        [
            activity_row("openai/gpt-4o", 2.0),
            activity_row("openai/gpt-4o", 3.0),
        ],
    );
    let client = openrouter
        .client_builder()
        .retry(fast_retries())
        .build()
        .expect("client");
    let totals = report::spend_by_model(&client).await.expect("spend");
    assert_eq!(totals["openai/gpt-4o"], 5.0);
    activity.assert_calls(3);
}
