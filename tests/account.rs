//! Every account operation through the typed client against the sample account: what
//! comes back (decoded by the generated types) and what was sent (method, path, query,
//! JSON body), the error kinds, a retry, and every operation of the table by name.

use openrouter_analytics::types::{CreateKeysRequestLimitReset, WorkspaceBudgetInterval};
use openrouter_analytics::uuid::Uuid;
use openrouter_analytics::{Client, ErrorKind};
use openrouter_analytics_mock::{
    Endpoint, EndpointMock, ExpectedRequest, MockOpenRouter, SAMPLE_INFERENCE_KEY,
    SAMPLE_REVOKED_KEY, SampleAccount, SampleMocks, SentRequest, TEST_API_KEY, fast_retries,
};
use serde_json::json;

const PRODUCTION: &str = "b7c1e9d4-2a6f-4c8b-9e3d-7f5a1c2b8e60";
const SANDBOX: &str = "e3a9f6b2-8c4d-4f1e-b7a5-9d2c6e0f1b38";
const JONAS: &str = "user_2pK8cR1yMs5WcU1xAtIf4O2b";
const LI_NA: &str = "user_2pL0eT3aOu7YeW3zCvKh6Q4d";
const PRIYA: &str = "user_2pM2gV5cQw9AgY5bExMj8S6f";

/// The mock of `group.method`, which must exist.
fn mock<'a, 'b>(sample: &'b SampleMocks<'a>, group: &str, method: &str) -> &'b EndpointMock<'a> {
    sample
        .mock(group, method)
        .unwrap_or_else(|| panic!("{group}.{method} is an operation of the spec"))
}

/// The one request `mock` answered, checked to be `method path`.
fn sent_once(mock: &EndpointMock<'_>, method: &str, path: &str) -> SentRequest {
    mock.assert_calls(1);
    let request = mock.last_request().expect("one request");
    assert_eq!((request.method(), request.path()), (method, path));
    request
}

fn hash_of(account: &SampleAccount, name: &str) -> String {
    account
        .keys()
        .iter()
        .find(|k| k.name == name)
        .map(|k| k.hash.clone())
        .unwrap_or_else(|| panic!("no sample key {name}"))
}

#[tokio::test]
async fn credits_and_the_current_key() {
    let server = MockOpenRouter::start_async().await;
    let sample = server.sample_account();
    let client = server.client();

    let credits = client.credits().get_credits().send().await.expect("200");
    assert_eq!(credits.data.total_credits, 15_000.0);
    let key_usage: f64 = sample.account().keys().iter().map(|k| k.usage).sum();
    assert!((credits.data.total_usage - key_usage).abs() < 0.01);
    sent_once(mock(&sample, "credits", "get_credits"), "GET", "/credits");

    let current = client
        .api_keys()
        .get_current_key_metadata()
        .send()
        .await
        .expect("200");
    assert!(current.data.is_management_key);
    assert_eq!(current.data.effective_budget, None);
    assert_eq!(current.data.allowed_data_regions[0].as_str(), "global");
    let request = sent_once(
        mock(&sample, "api_keys", "get_current_key_metadata"),
        "GET",
        "/key",
    );
    assert!(request.query_params().is_empty());
    assert!(
        ExpectedRequest::new()
            .api_key(TEST_API_KEY)
            .mismatches(&request)
            .is_empty()
    );
}

#[tokio::test]
async fn an_inference_key_sees_its_own_budgets_and_is_refused_management_calls() {
    let server = MockOpenRouter::start_async().await;
    let _sample = server.sample_account();
    let client = server
        .client_builder()
        .api_key(SAMPLE_INFERENCE_KEY)
        .build()
        .expect("client");

    let current = client
        .api_keys()
        .get_current_key_metadata()
        .send()
        .await
        .expect("200");
    assert!(!current.data.is_management_key);
    assert_eq!(current.data.workspace_id.as_deref(), Some(PRODUCTION));
    let scopes: Vec<&str> = current
        .data
        .budgets
        .iter()
        .map(|b| b.scope.as_str())
        .collect();
    assert_eq!(scopes, ["workspace", "key_limit"]);
    let effective = current.data.effective_budget.expect("a budget applies");
    let smallest = current
        .data
        .budgets
        .iter()
        .map(|b| b.remaining_usd)
        .fold(f64::INFINITY, f64::min);
    assert_eq!(effective.remaining_usd, smallest);

    let err = client
        .credits()
        .get_credits()
        .send()
        .await
        .expect_err("403");
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert!(err.needs_management_key(), "{err}");
}

#[tokio::test]
async fn a_revoked_key_is_unauthorized() {
    let server = MockOpenRouter::start_async().await;
    let _sample = server.sample_account();
    let client = server
        .client_builder()
        .api_key(SAMPLE_REVOKED_KEY)
        .build()
        .expect("client");
    let err = client.workspaces().list().send().await.expect_err("401");
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(err.api_message(), Some("User not found."));
}

#[tokio::test]
async fn generations_by_id_and_unknown_ids() {
    let server = MockOpenRouter::start_async().await;
    let sample = server.sample_account();
    let client = server.client();
    let id = sample.account().generations()[1].id.clone();

    let generation = client
        .generations()
        .get_generation()
        .id(id.as_str())
        .send()
        .await
        .expect("200");
    assert_eq!(generation.data.id, id);
    assert!(generation.data.is_byok);
    assert_eq!(
        generation.data.provider_name.as_deref(),
        Some("Amazon Bedrock")
    );
    let attempts = generation.data.provider_responses.expect("attempts");
    assert_eq!(
        attempts.iter().map(|a| a.status).collect::<Vec<_>>(),
        [Some(529), Some(200)]
    );
    let request = sent_once(
        mock(&sample, "generations", "get_generation"),
        "GET",
        "/generation",
    );
    assert!(
        ExpectedRequest::new()
            .query_param("id", &id)
            .no_other_query_params()
            .mismatches(&request)
            .is_empty()
    );

    let err = client
        .generations()
        .get_generation()
        .id("gen-0-unknown")
        .send()
        .await
        .expect_err("404");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(
        err.api_message(),
        Some("Generation gen-0-unknown not found")
    );
}

#[tokio::test]
async fn listing_keys_hides_disabled_and_expired_ones_and_pages_by_offset() {
    let server = MockOpenRouter::start_async().await;
    let sample = server.sample_account_from(SampleAccount::new().with_page_size(2));
    let client = server.client();

    let first = client.api_keys().list().send().await.expect("200");
    let second = client
        .api_keys()
        .list()
        .offset(2u64)
        .send()
        .await
        .expect("200");
    let third = client
        .api_keys()
        .list()
        .offset(4u64)
        .send()
        .await
        .expect("200");
    let names: Vec<&str> = first
        .data
        .iter()
        .chain(&second.data)
        .chain(&third.data)
        .map(|k| k.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Production backend",
            "Customer: acme-corp",
            "数据分析管道",
            "CI evals"
        ]
    );

    let all = client
        .api_keys()
        .list()
        .include_disabled(true)
        .include_expired(true)
        .workspace_id(Uuid::parse_str(SANDBOX).expect("uuid"))
        .send()
        .await
        .expect("200");
    let sandbox: Vec<(&str, bool)> = all
        .data
        .iter()
        .map(|k| (k.name.as_str(), k.disabled))
        .collect();
    assert_eq!(sandbox, [("🚀 Launch demo", false), ("Staging", true)]);
    assert!(
        all.data[0]
            .expires_at
            .is_some_and(|at| at.to_rfc3339().as_str() < "2026-11-26")
    );

    let list = mock(&sample, "api_keys", "list");
    list.assert_calls(4);
    list.assert_sent_nth(0, &ExpectedRequest::new().no_other_query_params());
    list.assert_sent_nth(
        1,
        &ExpectedRequest::new()
            .query_param("offset", "2")
            .no_other_query_params(),
    );
    list.assert_sent_nth(
        3,
        &ExpectedRequest::new()
            .query_param("include_disabled", "true")
            .query_param("include_expired", "true")
            .workspace_id(SANDBOX)
            .no_other_query_params(),
    );
    assert!(
        list.requests()
            .iter()
            .all(|r| r.method() == "GET" && r.path() == "/keys")
    );
}

#[tokio::test]
async fn one_key_by_hash_changed_and_deleted() {
    let server = MockOpenRouter::start_async().await;
    let sample = server.sample_account();
    let client = server.client();
    let hash = hash_of(sample.account(), "数据分析管道");

    let key = client
        .api_keys()
        .get()
        .hash(hash.as_str())
        .send()
        .await
        .expect("200");
    assert_eq!(key.data.name, "数据分析管道");
    assert_eq!(key.data.limit_reset.as_deref(), Some("weekly"));
    let from_activity: f64 = sample
        .account()
        .activity_of_key(&hash)
        .filter(|r| r.date.as_str() >= "2026-11-23")
        .map(|r| r.usage)
        .sum();
    assert!(key.data.usage_weekly >= from_activity && key.data.usage_weekly < from_activity * 1.2);
    sent_once(
        mock(&sample, "api_keys", "get"),
        "GET",
        &format!("/keys/{hash}"),
    );

    let updated = client
        .api_keys()
        .update()
        .hash(hash.as_str())
        .name("数据分析管道 v2")
        .limit(500.0)
        .disabled(true)
        .send()
        .await
        .expect("200");
    assert_eq!(updated.data.name, "数据分析管道 v2");
    assert!(updated.data.disabled);
    assert_eq!(updated.data.limit, Some(500.0));
    assert_eq!(
        updated.data.limit_remaining,
        Some(500.0 - key.data.usage_weekly)
    );
    assert_eq!(
        updated.data.updated_at.as_deref(),
        Some("2026-11-26T08:00:00Z")
    );
    let request = sent_once(
        mock(&sample, "api_keys", "update"),
        "PATCH",
        &format!("/keys/{hash}"),
    );
    let expected = ExpectedRequest::new()
        .json_body(&json!({"name": "数据分析管道 v2", "limit": 500.0, "disabled": true}));
    assert_eq!(expected.mismatches(&request), Vec::<String>::new());

    let deleted = client
        .api_keys()
        .delete()
        .hash(hash.as_str())
        .send()
        .await
        .expect("200");
    assert!(deleted.deleted);
    sent_once(
        mock(&sample, "api_keys", "delete"),
        "DELETE",
        &format!("/keys/{hash}"),
    );

    for err in [
        client
            .api_keys()
            .get()
            .hash("not-a-key")
            .send()
            .await
            .expect_err("404"),
        client
            .api_keys()
            .delete()
            .hash("not-a-key")
            .send()
            .await
            .map(|_| ())
            .expect_err("404"),
    ] {
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert_eq!(err.api_message(), Some("API key not-a-key not found"));
    }
}

#[tokio::test]
async fn creating_a_key_returns_its_secret_once() {
    let server = MockOpenRouter::start_async().await;
    let sample = server.sample_account();
    let client = server.client();
    let created = client
        .api_keys()
        .create()
        .name("Nightly evals")
        .limit(20.0)
        .limit_reset(CreateKeysRequestLimitReset::Daily)
        .workspace_id(Uuid::parse_str(PRODUCTION).expect("uuid"))
        .send()
        .await
        .expect("201");
    let secret = created.key.expose_secret();
    assert!(
        secret.starts_with("sk-or-v1-") && secret.len() == 73,
        "{secret}"
    );
    assert!(
        !format!("{created:?}").contains(secret),
        "Debug redacts the secret"
    );
    assert_eq!(created.data.name, "Nightly evals");
    assert_eq!(created.data.hash.len(), 64);
    assert!(created.data.label.starts_with("sk-or-v1-") && created.data.label.contains("..."));
    assert!(secret.ends_with(&created.data.label[created.data.label.len() - 3..]));
    assert_eq!(
        (created.data.limit, created.data.limit_remaining),
        (Some(20.0), Some(20.0))
    );
    assert_eq!(created.data.workspace_id, PRODUCTION);
    assert_eq!((created.data.usage, created.data.last_used_at), (0.0, None));
    let request = sent_once(mock(&sample, "api_keys", "create"), "POST", "/keys");
    let expected = ExpectedRequest::new().json_body(&json!({
        "name": "Nightly evals", "limit": 20.0, "limit_reset": "daily", "workspace_id": PRODUCTION,
    }));
    assert_eq!(expected.mismatches(&request), Vec::<String>::new());

    // Deterministic: the same name gives the same key.
    let again = client
        .api_keys()
        .create()
        .name("Nightly evals")
        .send()
        .await
        .expect("201");
    assert_eq!(again.key, created.key);
}

#[tokio::test]
async fn organization_members_page_by_offset_and_limit() {
    let server = MockOpenRouter::start_async().await;
    let sample = server.sample_account();
    let client = server.client();
    let mut names = Vec::new();
    let mut offset = 0u64;
    loop {
        let page = client
            .organization()
            .list_members()
            .offset(offset)
            .limit(3u64)
            .send()
            .await
            .expect("200");
        assert_eq!(page.total_count, 7);
        if page.data.is_empty() {
            break;
        }
        offset += page.data.len() as u64;
        names.extend(
            page.data
                .into_iter()
                .map(|m| (m.first_name, m.role.as_str().to_string())),
        );
    }
    assert_eq!(names.len(), 7);
    assert_eq!(
        names[0],
        (Some("Amara".to_string()), "org:admin".to_string())
    );
    assert_eq!(names[2].0.as_deref(), Some("娜"));
    assert_eq!(names[6].0, None);
    let members = mock(&sample, "organization", "list_members");
    members.assert_calls(4);
    members.assert_sent_nth(
        1,
        &ExpectedRequest::new()
            .query_param("offset", "3")
            .query_param("limit", "3")
            .no_other_query_params(),
    );
    assert!(
        members
            .requests()
            .iter()
            .all(|r| r.path() == "/organization/members")
    );

    let err = client
        .organization()
        .list_members()
        .limit(101u64)
        .send()
        .await
        .expect_err("400");
    assert_eq!(err.kind(), ErrorKind::BadRequest);
}

#[tokio::test]
async fn workspaces_listed_read_by_slug_or_id_created_changed_and_deleted() {
    let server = MockOpenRouter::start_async().await;
    let sample = server.sample_account();
    let client = server.client();

    let page = client
        .workspaces()
        .list()
        .limit(2u64)
        .offset(1u64)
        .send()
        .await
        .expect("200");
    assert_eq!(page.total_count, 3);
    assert_eq!(
        page.data
            .iter()
            .map(|w| w.slug.as_str())
            .collect::<Vec<_>>(),
        ["production", "sandbox"]
    );
    let request = sent_once(mock(&sample, "workspaces", "list"), "GET", "/workspaces");
    assert!(
        ExpectedRequest::new()
            .query_param("limit", "2")
            .query_param("offset", "1")
            .no_other_query_params()
            .mismatches(&request)
            .is_empty()
    );

    let by_slug = client
        .workspaces()
        .get()
        .id("production")
        .send()
        .await
        .expect("200");
    let by_id = client
        .workspaces()
        .get()
        .id(PRODUCTION)
        .send()
        .await
        .expect("200");
    assert_eq!(by_slug.data, by_id.data);
    assert_eq!(
        by_slug.data.default_text_model.as_deref(),
        Some("anthropic/claude-sonnet-4")
    );
    let gets = mock(&sample, "workspaces", "get");
    assert_eq!(
        gets.requests()
            .iter()
            .map(|r| r.path().to_string())
            .collect::<Vec<_>>(),
        [
            "/workspaces/production".to_string(),
            format!("/workspaces/{PRODUCTION}")
        ]
    );

    let created = client
        .workspaces()
        .create()
        .name("Evals")
        .slug("evals")
        .default_text_model("openai/gpt-4o")
        .is_observability_io_logging_enabled(true)
        .send()
        .await
        .expect("201");
    assert_eq!(
        (created.data.name.as_str(), created.data.slug.as_str()),
        ("Evals", "evals")
    );
    assert_eq!(
        created.data.default_text_model.as_deref(),
        Some("openai/gpt-4o")
    );
    assert!(created.data.is_observability_io_logging_enabled);
    assert_eq!(created.data.created_at, "2026-11-26T08:00:00Z");
    let request = sent_once(mock(&sample, "workspaces", "create"), "POST", "/workspaces");
    let expected = ExpectedRequest::new().json_body(&json!({
        "name": "Evals", "slug": "evals", "default_text_model": "openai/gpt-4o",
        "is_observability_io_logging_enabled": true,
    }));
    assert_eq!(expected.mismatches(&request), Vec::<String>::new());
    let taken = client
        .workspaces()
        .create()
        .name("Again")
        .slug("sandbox")
        .send()
        .await
        .expect_err("400");
    assert_eq!(taken.kind(), ErrorKind::BadRequest);

    let updated = client
        .workspaces()
        .update()
        .id("sandbox")
        .name("Playground")
        .io_logging_sampling_rate(0.25)
        .send()
        .await
        .expect("200");
    assert_eq!(
        (updated.data.name.as_str(), updated.data.slug.as_str()),
        ("Playground", "sandbox")
    );
    assert_eq!(updated.data.io_logging_sampling_rate, 0.25);
    let request = sent_once(
        mock(&sample, "workspaces", "update"),
        "PATCH",
        "/workspaces/sandbox",
    );
    assert!(
        ExpectedRequest::new()
            .json_body(&json!({"name": "Playground", "io_logging_sampling_rate": 0.25}))
            .mismatches(&request)
            .is_empty()
    );

    // The sandbox's keys are expired or disabled; production's are in use.
    let deleted = client
        .workspaces()
        .delete()
        .id("sandbox")
        .send()
        .await
        .expect("200");
    assert!(deleted.deleted);
    let in_use = client
        .workspaces()
        .delete()
        .id("production")
        .send()
        .await
        .expect_err("400");
    assert_eq!(in_use.kind(), ErrorKind::BadRequest);
    assert!(
        in_use
            .api_message()
            .is_some_and(|m| m.contains("active API key")),
        "{in_use}"
    );
    let deletes = mock(&sample, "workspaces", "delete");
    assert!(deletes.requests().iter().all(|r| r.method() == "DELETE"));

    let missing = client
        .workspaces()
        .get()
        .id("no-such-workspace")
        .send()
        .await
        .expect_err("404");
    assert_eq!(missing.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn workspace_budgets_listed_read_set_and_removed() {
    let server = MockOpenRouter::start_async().await;
    let sample = server.sample_account();
    let client = server.client();

    let budgets = client
        .workspaces()
        .list_budgets()
        .id("production")
        .send()
        .await
        .expect("200");
    let intervals: Vec<Option<&str>> = budgets
        .data
        .iter()
        .map(|b| b.reset_interval.as_ref().map(|r| r.as_str()))
        .collect();
    assert_eq!(intervals, [Some("monthly"), Some("daily")]);
    assert_eq!(budgets.include_byok_in_budgets, Some(true));
    sent_once(
        mock(&sample, "workspaces", "list_budgets"),
        "GET",
        "/workspaces/production/budgets",
    );

    let monthly = client
        .workspaces()
        .get_budget()
        .id("production")
        .interval("monthly")
        .send()
        .await
        .expect("200");
    assert_eq!(monthly.data.limit_usd, 2000.0);
    assert_eq!(monthly.data.workspace_id.to_string(), PRODUCTION);
    sent_once(
        mock(&sample, "workspaces", "get_budget"),
        "GET",
        "/workspaces/production/budgets/monthly",
    );

    let set = client
        .workspaces()
        .set_budget()
        .id("production")
        .interval(WorkspaceBudgetInterval::Monthly)
        .limit_usd(2500.0)
        .include_byok_in_budgets(false)
        .send()
        .await
        .expect("200");
    assert_eq!((set.data.id, set.data.limit_usd), (monthly.data.id, 2500.0));
    assert_eq!(set.include_byok_in_budgets, Some(false));
    let request = sent_once(
        mock(&sample, "workspaces", "set_budget"),
        "PUT",
        "/workspaces/production/budgets/monthly",
    );
    assert!(
        ExpectedRequest::new()
            .json_body(&json!({"limit_usd": 2500.0, "include_byok_in_budgets": false}))
            .mismatches(&request)
            .is_empty()
    );

    let new_one = client
        .workspaces()
        .set_budget()
        .id("sandbox")
        .interval("weekly")
        .limit_usd(30.0)
        .send()
        .await
        .expect("200");
    assert_eq!(
        new_one.data.reset_interval.as_ref().map(|r| r.as_str()),
        Some("weekly")
    );

    let removed = client
        .workspaces()
        .delete_budget()
        .id("sandbox")
        .interval("lifetime")
        .send()
        .await
        .expect("200");
    assert!(removed.deleted);
    sent_once(
        mock(&sample, "workspaces", "delete_budget"),
        "DELETE",
        "/workspaces/sandbox/budgets/lifetime",
    );

    let none = client
        .workspaces()
        .get_budget()
        .id("sandbox")
        .interval("daily")
        .send()
        .await
        .expect_err("404");
    assert_eq!(none.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn workspace_members_paged_added_and_removed() {
    let server = MockOpenRouter::start_async().await;
    let sample = server.sample_account();
    let client = server.client();

    let page = client
        .workspaces()
        .list_members()
        .id("default")
        .limit(4u64)
        .offset(4u64)
        .send()
        .await
        .expect("200");
    assert_eq!(page.total_count, 6);
    assert_eq!(page.data.len(), 2);
    assert!(page.data.iter().all(|m| m.role.as_str() == "member"));
    let request = sent_once(
        mock(&sample, "workspaces", "list_members"),
        "GET",
        "/workspaces/default/members",
    );
    assert!(
        ExpectedRequest::new()
            .query_param("limit", "4")
            .query_param("offset", "4")
            .no_other_query_params()
            .mismatches(&request)
            .is_empty()
    );

    // Jonas is already a member of production; Li Na is added.
    let added = client
        .workspaces()
        .bulk_add_members()
        .id("production")
        .user_ids(vec![JONAS.to_string(), LI_NA.to_string()])
        .send()
        .await
        .expect("200");
    assert_eq!(added.added_count, 1);
    assert_eq!(added.data[0].user_id, LI_NA);
    assert_eq!(added.data[0].workspace_id.to_string(), PRODUCTION);
    let request = sent_once(
        mock(&sample, "workspaces", "bulk_add_members"),
        "POST",
        "/workspaces/production/members/add",
    );
    assert!(
        ExpectedRequest::new()
            .json_body(&json!({"user_ids": [JONAS, LI_NA]}))
            .mismatches(&request)
            .is_empty()
    );

    let removed = client
        .workspaces()
        .bulk_remove_members()
        .id("production")
        .user_ids(vec![JONAS.to_string(), LI_NA.to_string()])
        .send()
        .await;
    // Jonas created the production backend key, which is active.
    let err = removed.expect_err("400");
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    let removed = client
        .workspaces()
        .bulk_remove_members()
        .id("default")
        .user_ids(vec![LI_NA.to_string(), PRIYA.to_string()])
        .send();
    // Li Na created an active key in default, too; Priya did not.
    assert_eq!(
        removed.await.expect_err("400").kind(),
        ErrorKind::BadRequest
    );
    let removed = client
        .workspaces()
        .bulk_remove_members()
        .id("default")
        .user_ids(vec![PRIYA.to_string()])
        .send()
        .await
        .expect("200");
    assert_eq!(removed.removed_count, 1);
    let removes = mock(&sample, "workspaces", "bulk_remove_members");
    removes.assert_sent_nth(
        2,
        &ExpectedRequest::new().json_body(&json!({"user_ids": [PRIYA]})),
    );
    assert_eq!(
        removes
            .last_request()
            .map(|r| r.path().to_string())
            .as_deref(),
        Some("/workspaces/default/members/remove")
    );
}

#[tokio::test]
async fn a_503_is_retried_and_then_the_sample_answers() {
    let server = MockOpenRouter::start_async().await;
    let endpoint = Endpoint::find("credits", "get_credits").expect("in the spec");
    let account = SampleAccount::new();
    // Registered before the sample account, so it answers this operation first.
    let flaky = server.respond_with(endpoint, move |request, index| {
        if index == 0 {
            openrouter_analytics_mock::Reply::error(503, "Service temporarily unavailable")
        } else {
            account.answer(request)
        }
    });
    let sample = server.sample_account();
    let client = server
        .client_builder()
        .retry(fast_retries())
        .build()
        .expect("client");
    let credits = client
        .credits()
        .get_credits()
        .send()
        .await
        .expect("200 on the second attempt");
    assert_eq!(credits.data.total_credits, 15_000.0);
    flaky.assert_calls(2);
    flaky.assert_sent(
        &ExpectedRequest::new()
            .api_key(TEST_API_KEY)
            .no_other_query_params(),
    );
    assert_eq!(sample.calls(), 0);
}

/// The sample's example request of `op` as a call by name: its parameters and body.
/// An operation added to the spec without an example in the sample fails here.
fn sample_call(
    client: &Client,
    account: &SampleAccount,
    op: &openrouter_analytics::OperationInfo,
) -> openrouter_analytics::CallByName {
    let example = account
        .example_call(op.operation_id)
        .unwrap_or_else(|| panic!("{}: the sample has no example call", op.operation_id));
    let mut call = client
        .operation(op.group, op.method)
        .expect("a listed operation");
    for (name, value) in example.args {
        call = call.arg(name, value);
    }
    if let Some(body) = example.body {
        call = call.body_json(body);
    }
    call
}

#[tokio::test]
async fn every_operation_answers_2xx_from_the_sample_account_by_name() {
    let server = MockOpenRouter::start_async().await;
    let sample = server.sample_account();
    let client = server.client();
    let account = sample.account().clone();
    for op in openrouter_analytics::operations() {
        // Decoded by the operation's generated response type on the way.
        let response = sample_call(&client, &account, op)
            .send()
            .await
            .unwrap_or_else(|err| panic!("{}.{}: {err}", op.group, op.method));
        assert_answered(op, &response);
        let mock = sample
            .endpoint(Endpoint::from(op))
            .expect("a mock per operation");
        let request = mock.last_request().expect("answered by its own mock");
        assert_eq!(request.method(), op.http_method, "{}", op.operation_id);
    }
    assert_eq!(sample.calls(), openrouter_analytics::operations().len());
}

/// What every 2XX body of the API holds: records, a count, or (`204`) nothing; an image
/// model's endpoints come as the record itself (`id` and `endpoints`), as OpenRouter
/// answers them.
fn assert_answered(op: &openrouter_analytics::OperationInfo, response: &serde_json::Value) {
    let known = [
        "data",
        "endpoints",
        "deleted",
        "removed_count",
        "assigned_count",
        "unassigned_count",
        "key",
        // The OAuth answers: a JWK Set and a token exchange's access token.
        "keys",
        "access_token",
    ];
    assert!(
        response.is_null() || known.iter().any(|field| response.get(field).is_some()),
        "{}: {response}",
        op.operation_id
    );
}

/// The same through the blocking client: every operation, by name, on the sample.
#[test]
fn every_operation_answers_2xx_from_the_sample_account_by_name_blocking() {
    let server = MockOpenRouter::start();
    let sample = server.sample_account();
    let account = sample.account().clone();
    let client =
        openrouter_analytics::blocking::Client::from_async(server.client()).expect("client");
    for op in openrouter_analytics::operations() {
        let example = account
            .example_call(op.operation_id)
            .unwrap_or_else(|| panic!("{}: the sample has no example call", op.operation_id));
        let mut call = client
            .operation(op.group, op.method)
            .expect("a listed operation");
        for (name, value) in example.args {
            call = call.arg(name, value);
        }
        if let Some(body) = example.body {
            call = call.body_json(body);
        }
        let response = call
            .send()
            .unwrap_or_else(|err| panic!("{}.{}: {err}", op.group, op.method));
        assert_answered(op, &response);
        let mock = sample
            .endpoint(Endpoint::from(op))
            .expect("a mock per operation");
        mock.assert_calls(1);
    }
    assert_eq!(sample.calls(), openrouter_analytics::operations().len());
}

/// Guardrails, their key assignments and model prices through the typed client, async
/// and blocking: the sample's records, consistent with its workspaces and keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guardrails_assignments_and_model_prices_through_the_typed_client() {
    let server = MockOpenRouter::start_async().await;
    let sample = server.sample_account();
    let client = server.client();
    let account = sample.account().clone();
    let records = account.records("guardrails");

    let page = client
        .guardrails()
        .list()
        .offset(1)
        .limit(2)
        .send()
        .await
        .expect("200");
    assert_eq!(page.total_count as usize, records.len());
    assert_eq!(page.data.len(), 2);
    assert_eq!(
        records[1]["id"].as_str(),
        Some(page.data[0].id.to_string().as_str())
    );
    for workspace in account.workspaces() {
        let guardrail = client
            .guardrails()
            .get()
            .id(workspace.default_guardrail_id)
            .send()
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", workspace.slug));
        assert_eq!(
            guardrail.data.workspace_id.as_deref(),
            Some(workspace.id.to_string().as_str())
        );
    }
    let cap = records
        .iter()
        .find(|g| g["name"] == "Per-person daily cap")
        .and_then(|g| g["id"].as_str())
        .expect("the shared guardrail");
    let assigned = client
        .guardrails()
        .list_guardrail_key_assignments()
        .id(cap)
        .send()
        .await
        .expect("200");
    assert!(!assigned.data.is_empty());
    for assignment in &assigned.data {
        let key = account.key(&assignment.key_hash).expect("a sample key");
        assert_eq!(assignment.key_name, key.name);
    }

    let model = client
        .models()
        .get()
        .author("openai")
        .slug("gpt-4o")
        .send()
        .await
        .expect("200");
    assert_eq!(model.data.pricing.prompt, "0.0000025");
    assert_eq!(model.data.pricing.completion, "0.00001");

    let blocking = tokio::task::spawn_blocking(move || {
        let client =
            openrouter_analytics::blocking::Client::from_async(client).expect("blocking client");
        client.guardrails().list().send().map(|r| r.total_count)
    })
    .await
    .expect("joined")
    .expect("200");
    assert_eq!(blocking as usize, records.len());
}
