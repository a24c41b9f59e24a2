//! Configuration from the environment. One test in this binary, because environment
//! variables are process-wide and tests in one binary run in parallel.

use openrouter_analytics::{API_KEY_ENV, BASE_URL_ENV, Client, ErrorKind};
use openrouter_analytics_e2e::activity_body;
use openrouter_analytics_mock::{Endpoint, ExpectedRequest, MockOpenRouter, Reply};

#[tokio::test]
async fn key_and_base_url_come_from_the_environment_unless_given() {
    let server = MockOpenRouter::start_async().await;
    let activity = server.replies(
        Endpoint::GetUserActivity,
        [
            Reply::json(200, &activity_body(1)),
            Reply::json(200, &activity_body(2)),
        ],
    );

    // SAFETY: this binary's only test; nothing else reads the environment concurrently.
    unsafe {
        std::env::remove_var(API_KEY_ENV);
        std::env::set_var(BASE_URL_ENV, server.base_url());
    }
    let err = Client::from_env().expect_err("no key anywhere");
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains(API_KEY_ENV), "{err}");

    // SAFETY: as above.
    unsafe { std::env::set_var(API_KEY_ENV, "sk-from-env") };
    let client = Client::from_env().expect("configured from env");
    assert_eq!(client.base_url(), server.base_url());
    let rows = client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("200");
    assert_eq!(rows.data.len(), 1);

    let client = Client::builder()
        .api_key("sk-from-arg")
        .build()
        .expect("arg wins");
    let rows = client
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("200");
    assert_eq!(rows.data.len(), 2);

    activity.assert_calls(2);
    activity.assert_sent_nth(0, &ExpectedRequest::new().api_key("sk-from-env"));
    activity.assert_sent_nth(1, &ExpectedRequest::new().api_key("sk-from-arg"));
}
