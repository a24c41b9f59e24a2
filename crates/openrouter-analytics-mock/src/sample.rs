//! A realistic, deterministic sample account: what OpenRouter would answer for a small
//! organization with a month of traffic.
//!
//! Everything is computed from fixed tables (no randomness, no clock), so every run,
//! every machine and every test sees the same numbers. The answers to requests are in
//! `sample_answer.rs`.

use openrouter_analytics::chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use openrouter_analytics_api::types::{
    ActivityItem, AnalyticsDimensionInfo, AnalyticsDisplayFormat, AnalyticsGranularity,
    AnalyticsGranularityInfo, AnalyticsMeta, AnalyticsMetricInfo, AnalyticsOperator,
    AnalyticsOperatorInfo, AnalyticsOperatorValueType, ApiKey, FreeModelDailyRequests,
    GenerationResponseData, GetCreditsResponseData, GetCurrentKeyResponseData,
    GetCurrentKeyResponseDataRateLimit, KeyBudget, ListOrganizationMembersResponseDataItem,
    ProviderResponse, Workspace, WorkspaceBudget, WorkspaceMember,
};
use uuid::Uuid;

use crate::sample_catalog::Catalog;

/// The moment the sample account is a snapshot of: 08:00 UTC on 2026-11-26, so the
/// activity window is the 30 completed days before it.
pub const SAMPLE_NOW: &str = "2026-11-26T08:00:00Z";
/// The first day of the sample's activity.
pub const SAMPLE_FIRST_DAY: &str = "2026-10-27";
/// The last day of the sample's activity (the last completed UTC day).
pub const SAMPLE_LAST_DAY: &str = "2026-11-25";
/// How many days of activity the sample has.
pub const SAMPLE_DAYS: usize = 30;
/// The page size of the list operations when the request sends no `limit`: the spec's
/// default (`GET /keys` has no `limit` parameter and uses it too). Change it with
/// [`SampleAccount::with_page_size`] to exercise paging on a small account.
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// The secret of the sample's "Production backend" key, an ordinary (inference) key:
/// sent as the bearer key, the operations that need a management key answer `403`, and
/// `GET /key` describes that key. Any other key is treated as a management key.
pub const SAMPLE_INFERENCE_KEY: &str =
    "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";
/// A key the sample account has revoked: sent as the bearer key, every operation
/// answers `401`, as it does without a key.
pub const SAMPLE_REVOKED_KEY: &str =
    "sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000";
/// The organization that owns the sample account.
pub const SAMPLE_ORGANIZATION_ID: &str = "org_2pK7nB3vXc8YwQ1aLd5Rt9Ze";

/// The three workspaces: `default`, `production` and `sandbox`.
const WORKSPACES: [WorkspaceSpec; 3] = [
    WorkspaceSpec {
        id: 0x5f8e2c1a_9b3d_4e7f_a6c2_1d0b8e9f3a47,
        guardrail: 0x0c6d2e8f_4a1b_4d3c_9e7f_5b2a8c1d6e90,
        name: "Default Workspace",
        slug: "default",
        description: None,
        text_model: None,
        created_at: "2026-02-03T09:14:27.512Z",
        updated_at: None,
        creator: 0,
        byok_in_budgets: false,
    },
    WorkspaceSpec {
        id: 0xb7c1e9d4_2a6f_4c8b_9e3d_7f5a1c2b8e60,
        guardrail: 0x8e1f3a5c_7b9d_4f2e_a4c6_0d8b2f4a6c13,
        name: "Production",
        slug: "production",
        description: Some("Customer-facing traffic. Budget alerts go to #llm-spend."),
        text_model: Some("anthropic/claude-sonnet-4"),
        created_at: "2026-02-03T09:31:02.004Z",
        updated_at: Some("2026-10-14T16:45:51.930Z"),
        creator: 1,
        byok_in_budgets: true,
    },
    WorkspaceSpec {
        id: 0xe3a9f6b2_8c4d_4f1e_b7a5_9d2c6e0f1b38,
        guardrail: 0x3b7d9f1a_2c4e_4a6b_8d0f_1e3a5c7b9d24,
        name: "Sandbox",
        slug: "sandbox",
        description: Some("Demos and experiments; nothing here may hold customer data."),
        text_model: Some("google/gemini-2.5-flash"),
        created_at: "2026-05-19T13:02:44.871Z",
        updated_at: None,
        creator: 3,
        byok_in_budgets: false,
    },
];

/// An organization member: (id, first name, last name, email, admin).
type MemberSpec = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    bool,
);

/// The organization's members.
const MEMBERS: [MemberSpec; 7] = [
    (
        "user_2pK7mQ9xLr4VbT0wZsHe3N1a",
        Some("Amara"),
        Some("Okafor"),
        "amara.okafor@northwind-labs.io",
        true,
    ),
    (
        "user_2pK8cR1yMs5WcU1xAtIf4O2b",
        Some("Jonas"),
        Some("Becker"),
        "jonas.becker@northwind-labs.io",
        true,
    ),
    (
        "user_2pL0eT3aOu7YeW3zCvKh6Q4d",
        Some("娜"),
        Some("李"),
        "li.na@northwind-labs.io",
        false,
    ),
    (
        "user_2pL1fU4bPv8ZfX4aDwLi7R5e",
        Some("Zoë"),
        Some("Martín"),
        "zoe.martin@northwind-labs.io",
        false,
    ),
    (
        "user_2pM2gV5cQw9AgY5bExMj8S6f",
        Some("Priya"),
        Some("Raman"),
        "priya.raman@northwind-labs.io",
        false,
    ),
    (
        "user_2pM3hW6dRx0BhZ6cFyNk9T7g",
        Some("Kenji"),
        None,
        "kenji@northwind-labs.io",
        false,
    ),
    (
        "user_2pN4iX7eSy1CiA7dGzOl0U8h",
        None,
        None,
        "ops-bot@northwind-labs.io",
        false,
    ),
];

/// Workspace memberships: (id, workspace, member, admin, joined).
const WORKSPACE_MEMBERS: [(u128, usize, usize, bool, &str); 11] = [
    (
        0x1a2b3c4d_0001_4e5f_8a9b_0c1d2e3f4a01,
        0,
        0,
        true,
        "2026-02-03T09:14:27.512Z",
    ),
    (
        0x1a2b3c4d_0002_4e5f_8a9b_0c1d2e3f4a02,
        0,
        1,
        true,
        "2026-02-03T09:20:11.305Z",
    ),
    (
        0x1a2b3c4d_0003_4e5f_8a9b_0c1d2e3f4a03,
        0,
        2,
        false,
        "2026-03-11T08:02:54.117Z",
    ),
    (
        0x1a2b3c4d_0004_4e5f_8a9b_0c1d2e3f4a04,
        0,
        3,
        false,
        "2026-04-22T14:37:09.640Z",
    ),
    (
        0x1a2b3c4d_0005_4e5f_8a9b_0c1d2e3f4a05,
        0,
        4,
        false,
        "2026-06-02T10:11:45.298Z",
    ),
    (
        0x1a2b3c4d_0006_4e5f_8a9b_0c1d2e3f4a06,
        0,
        5,
        false,
        "2026-08-18T07:55:30.026Z",
    ),
    (
        0x1a2b3c4d_0007_4e5f_8a9b_0c1d2e3f4a07,
        1,
        0,
        true,
        "2026-02-03T09:31:02.004Z",
    ),
    (
        0x1a2b3c4d_0008_4e5f_8a9b_0c1d2e3f4a08,
        1,
        1,
        true,
        "2026-02-03T09:31:02.004Z",
    ),
    (
        0x1a2b3c4d_0009_4e5f_8a9b_0c1d2e3f4a09,
        1,
        4,
        false,
        "2026-06-02T10:15:12.771Z",
    ),
    (
        0x1a2b3c4d_000a_4e5f_8a9b_0c1d2e3f4a0a,
        2,
        3,
        true,
        "2026-05-19T13:02:44.871Z",
    ),
    (
        0x1a2b3c4d_000b_4e5f_8a9b_0c1d2e3f4a0b,
        2,
        5,
        false,
        "2026-08-18T08:03:19.452Z",
    ),
];

/// Workspace budgets: (id, workspace, interval or `None` for lifetime, limit, created).
const BUDGETS: [(u128, usize, Option<&str>, f64, &str); 4] = [
    (
        0x9d8c7b6a_0001_4a3b_9c2d_1e0f9a8b7c01,
        0,
        Some("weekly"),
        400.0,
        "2026-03-02T11:00:00.000Z",
    ),
    (
        0x9d8c7b6a_0002_4a3b_9c2d_1e0f9a8b7c02,
        1,
        Some("monthly"),
        2000.0,
        "2026-02-03T09:40:12.221Z",
    ),
    (
        0x9d8c7b6a_0003_4a3b_9c2d_1e0f9a8b7c03,
        1,
        Some("daily"),
        90.0,
        "2026-07-08T15:26:40.003Z",
    ),
    (
        0x9d8c7b6a_0004_4a3b_9c2d_1e0f9a8b7c04,
        2,
        None,
        100.0,
        "2026-05-19T13:05:00.000Z",
    ),
];

struct WorkspaceSpec {
    id: u128,
    guardrail: u128,
    name: &'static str,
    slug: &'static str,
    description: Option<&'static str>,
    text_model: Option<&'static str>,
    created_at: &'static str,
    updated_at: Option<&'static str>,
    creator: usize,
    byok_in_budgets: bool,
}

struct KeySpec {
    name: &'static str,
    hash: &'static str,
    label: &'static str,
    workspace: usize,
    creator: usize,
    limit: Option<f64>,
    limit_reset: Option<&'static str>,
    include_byok_in_limit: bool,
    disabled: bool,
    expires_at: Option<&'static str>,
    external_user: Option<&'static str>,
    created_at: &'static str,
    updated_at: Option<&'static str>,
    last_used_at: Option<&'static str>,
    /// Spend before the activity window, so all-time usage exceeds the window's.
    earlier_usage: f64,
}

const KEYS: [KeySpec; 6] = [
    KeySpec {
        name: "Production backend",
        hash: "a3f1c9e07b2d4e6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f",
        label: "sk-or-v1-7d1...d0f",
        workspace: 1,
        creator: 1,
        limit: Some(1500.0),
        limit_reset: Some("monthly"),
        include_byok_in_limit: true,
        disabled: false,
        expires_at: None,
        external_user: None,
        created_at: "2026-02-03T09:42:18.604Z",
        updated_at: Some("2026-09-30T12:01:55.417Z"),
        last_used_at: Some("2026-11-26T07:59:41Z"),
        earlier_usage: 6184.27,
    },
    KeySpec {
        name: "Customer: acme-corp",
        hash: "5b8e2d4f6a1c3e9b7d0f2a4c6e8b1d3f5a7c9e0b2d4f6a8c1e3b5d7f9a0c2e4b",
        label: "sk-or-v1-c42...9e1",
        workspace: 1,
        creator: 4,
        limit: Some(300.0),
        limit_reset: Some("monthly"),
        include_byok_in_limit: false,
        disabled: false,
        expires_at: None,
        external_user: Some("acme-corp"),
        created_at: "2026-06-02T10:20:33.090Z",
        updated_at: None,
        last_used_at: Some("2026-11-26T07:58:03Z"),
        earlier_usage: 981.6,
    },
    KeySpec {
        name: "数据分析管道",
        hash: "c7e9b1d3f5a7c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e1",
        label: "sk-or-v1-e8b...47a",
        workspace: 0,
        creator: 2,
        limit: Some(300.0),
        limit_reset: Some("weekly"),
        include_byok_in_limit: false,
        disabled: false,
        expires_at: None,
        external_user: None,
        created_at: "2026-03-11T08:15:07.338Z",
        updated_at: Some("2026-08-04T09:12:40.551Z"),
        last_used_at: Some("2026-11-26T07:41:19Z"),
        earlier_usage: 3317.08,
    },
    KeySpec {
        name: "CI evals",
        hash: "1e3a5c7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c3e5b7d9f1a2c4e6b8d0f3a5c",
        label: "sk-or-v1-2a9...b63",
        workspace: 0,
        creator: 5,
        limit: Some(25.0),
        limit_reset: Some("daily"),
        include_byok_in_limit: false,
        disabled: false,
        expires_at: None,
        external_user: None,
        created_at: "2026-08-18T08:10:26.905Z",
        updated_at: None,
        last_used_at: Some("2026-11-26T06:12:08Z"),
        earlier_usage: 702.44,
    },
    KeySpec {
        name: "🚀 Launch demo",
        hash: "f0a2c4e6b8d1f3a5c7e9b0d2f4a6c8e1b3d5f7a9c0e2b4d6f8a1c3e5b7d9f2a4",
        label: "sk-or-v1-5f0...c8d",
        workspace: 2,
        creator: 3,
        limit: Some(150.0),
        limit_reset: None,
        include_byok_in_limit: false,
        disabled: false,
        expires_at: Some("2026-11-20T00:00:00Z"),
        external_user: None,
        created_at: "2026-10-20T17:03:51.246Z",
        updated_at: None,
        last_used_at: Some("2026-11-19T22:47:35Z"),
        earlier_usage: 0.0,
    },
    KeySpec {
        name: "Staging",
        hash: "8d0f2a4c6e9b1d3f5a7c0e2b4d6f8a1c3e5b7d9f0a2c4e6b8d1f3a5c7e9b0d2f",
        label: "sk-or-v1-b17...f05",
        workspace: 2,
        creator: 3,
        limit: Some(100.0),
        limit_reset: Some("monthly"),
        include_byok_in_limit: false,
        disabled: true,
        expires_at: None,
        external_user: None,
        created_at: "2026-05-19T13:20:09.777Z",
        updated_at: Some("2026-11-02T18:30:00.112Z"),
        last_used_at: Some("2026-11-02T17:56:12Z"),
        earlier_usage: 412.9,
    },
];

/// One model endpoint's traffic from one key: per weekday requests, tokens per
/// request, and prices in US dollars per million tokens.
struct Stream {
    model: &'static str,
    permaslug: &'static str,
    provider: &'static str,
    endpoint_id: &'static str,
    key: usize,
    requests: f64,
    prompt: f64,
    completion: f64,
    reasoning: f64,
    cached_share: f64,
    price_prompt: f64,
    price_completion: f64,
    price_cached: f64,
    byok: bool,
    /// The first and last day (0 = 2026-10-27) with traffic.
    days: (usize, usize),
    /// Typical time to the first token, in milliseconds.
    latency: f64,
    /// Typical generation speed, in tokens per second.
    throughput: f64,
}

const ALL_DAYS: (usize, usize) = (0, SAMPLE_DAYS - 1);

#[rustfmt::skip] // one stream a line reads as a table
const STREAMS: [Stream; 14] = [
    Stream { model: "openai/gpt-4o", permaslug: "openai/gpt-4o-2024-11-20", provider: "OpenAI", endpoint_id: "5d2a8f3e-1c4b-4e9a-b7d6-0f8e2a4c6b11", key: 0, requests: 2400.0, prompt: 1800.0, completion: 420.0, reasoning: 0.0, cached_share: 0.35, price_prompt: 2.5, price_completion: 10.0, price_cached: 1.25, byok: false, days: ALL_DAYS, latency: 640.0, throughput: 78.0 },
    Stream { model: "openai/gpt-4o-mini", permaslug: "openai/gpt-4o-mini-2024-07-18", provider: "OpenAI", endpoint_id: "7e4c0a2f-3d6b-4a8e-9c1f-2b0d4f6a8c22", key: 1, requests: 9000.0, prompt: 900.0, completion: 180.0, reasoning: 0.0, cached_share: 0.2, price_prompt: 0.15, price_completion: 0.6, price_cached: 0.075, byok: false, days: ALL_DAYS, latency: 420.0, throughput: 112.0 },
    Stream { model: "openai/o4-mini", permaslug: "openai/o4-mini-2025-04-16", provider: "OpenAI", endpoint_id: "9a6e2c4b-5f8d-4c0a-8e3b-4d2f6b8a0e33", key: 3, requests: 600.0, prompt: 2500.0, completion: 900.0, reasoning: 1800.0, cached_share: 0.1, price_prompt: 1.1, price_completion: 4.4, price_cached: 0.275, byok: false, days: ALL_DAYS, latency: 2900.0, throughput: 96.0 },
    Stream { model: "anthropic/claude-sonnet-4", permaslug: "anthropic/claude-4-sonnet-20250522", provider: "Anthropic", endpoint_id: "b1f3d5e7-7a9c-4e2b-a5d0-6f4b8d0c2a44", key: 0, requests: 1100.0, prompt: 6500.0, completion: 700.0, reasoning: 300.0, cached_share: 0.6, price_prompt: 3.0, price_completion: 15.0, price_cached: 0.3, byok: false, days: ALL_DAYS, latency: 1150.0, throughput: 62.0 },
    Stream { model: "anthropic/claude-sonnet-4", permaslug: "anthropic/claude-4-sonnet-20250522", provider: "Amazon Bedrock", endpoint_id: "c3a5e7f9-9b1d-4f4c-b6e2-8a6d0f2e4b55", key: 0, requests: 400.0, prompt: 6500.0, completion: 700.0, reasoning: 300.0, cached_share: 0.0, price_prompt: 3.0, price_completion: 15.0, price_cached: 0.3, byok: true, days: (20, 24), latency: 1380.0, throughput: 55.0 },
    Stream { model: "anthropic/claude-3.5-haiku", permaslug: "anthropic/claude-3-5-haiku-20241022", provider: "Anthropic", endpoint_id: "d5c7a9b1-b3d5-4a6e-8f04-0c8f2b4a6d66", key: 1, requests: 3000.0, prompt: 1400.0, completion: 260.0, reasoning: 0.0, cached_share: 0.3, price_prompt: 0.8, price_completion: 4.0, price_cached: 0.08, byok: false, days: ALL_DAYS, latency: 710.0, throughput: 88.0 },
    Stream { model: "google/gemini-2.5-pro", permaslug: "google/gemini-2.5-pro", provider: "Google", endpoint_id: "e7e9c1d3-d5f7-4b8a-9a26-2e0b4d6c8f77", key: 2, requests: 350.0, prompt: 12000.0, completion: 1500.0, reasoning: 2200.0, cached_share: 0.25, price_prompt: 1.25, price_completion: 10.0, price_cached: 0.31, byok: false, days: ALL_DAYS, latency: 3400.0, throughput: 84.0 },
    Stream { model: "google/gemini-2.5-flash", permaslug: "google/gemini-2.5-flash", provider: "Google AI Studio", endpoint_id: "f9b1e3f5-f7a9-4dac-ab48-4a2d6f8e0b88", key: 4, requests: 5000.0, prompt: 1100.0, completion: 300.0, reasoning: 150.0, cached_share: 0.15, price_prompt: 0.3, price_completion: 2.5, price_cached: 0.075, byok: false, days: (0, 23), latency: 520.0, throughput: 190.0 },
    Stream { model: "meta-llama/llama-3.3-70b-instruct", permaslug: "meta-llama/llama-3.3-70b-instruct", provider: "Groq", endpoint_id: "0b3d5f7a-1c3e-4e0f-bc6a-6c4f8b0a2d99", key: 3, requests: 2000.0, prompt: 800.0, completion: 220.0, reasoning: 0.0, cached_share: 0.0, price_prompt: 0.59, price_completion: 0.79, price_cached: 0.0, byok: false, days: ALL_DAYS, latency: 210.0, throughput: 310.0 },
    Stream { model: "meta-llama/llama-4-maverick", permaslug: "meta-llama/llama-4-maverick-17b-128e-instruct", provider: "Meta", endpoint_id: "1d5f7b9c-3e5a-4f2b-8d8c-8e6b0d2c4faa", key: 2, requests: 900.0, prompt: 1500.0, completion: 300.0, reasoning: 0.0, cached_share: 0.0, price_prompt: 0.15, price_completion: 0.6, price_cached: 0.0, byok: false, days: ALL_DAYS, latency: 450.0, throughput: 125.0 },
    Stream { model: "mistralai/mistral-large-2411", permaslug: "mistralai/mistral-large-2411", provider: "Mistral", endpoint_id: "2f7b9d1e-5a7c-4b4d-9fae-0a8d2f4e6bbb", key: 2, requests: 400.0, prompt: 2200.0, completion: 500.0, reasoning: 0.0, cached_share: 0.0, price_prompt: 2.0, price_completion: 6.0, price_cached: 0.0, byok: false, days: ALL_DAYS, latency: 560.0, throughput: 46.0 },
    Stream { model: "mistralai/codestral-2508", permaslug: "mistralai/codestral-2508", provider: "Mistral", endpoint_id: "3a9d1f3b-7c9e-4d6f-a0c2-2c0f4b6a8dcc", key: 5, requests: 1200.0, prompt: 1800.0, completion: 120.0, reasoning: 0.0, cached_share: 0.0, price_prompt: 0.3, price_completion: 0.9, price_cached: 0.0, byok: false, days: (0, 6), latency: 300.0, throughput: 140.0 },
    Stream { model: "deepseek/deepseek-r1", permaslug: "deepseek/deepseek-r1", provider: "DeepSeek", endpoint_id: "4c1f3b5d-9e1a-4f8b-b2e4-4e2b6d8c0fdd", key: 2, requests: 250.0, prompt: 1500.0, completion: 900.0, reasoning: 3000.0, cached_share: 0.1, price_prompt: 0.55, price_completion: 2.19, price_cached: 0.14, byok: false, days: ALL_DAYS, latency: 4200.0, throughput: 32.0 },
    Stream { model: "deepseek/deepseek-chat-v3-0324", permaslug: "deepseek/deepseek-chat-v3-0324", provider: "DeepInfra", endpoint_id: "6e3b5d7f-0a2c-4a0d-83f6-6a4d8f0e2bee", key: 1, requests: 1500.0, prompt: 1200.0, completion: 350.0, reasoning: 0.0, cached_share: 0.2, price_prompt: 0.28, price_completion: 0.88, price_cached: 0.07, byok: false, days: ALL_DAYS, latency: 980.0, throughput: 38.0 },
];

/// OpenRouters fee on inference billed to your own provider key (BYOK).
const BYOK_FEE: f64 = 0.05;
/// The share of the last day's spend that the snapshot counts as "today so far" (8 of
/// 24 hours), so daily usage is non-zero and consistent with the activity.
const TODAY_SHARE: f64 = 1.0 / 3.0;

/// The sample account: its activity, keys, members, workspaces, budgets, credits,
/// generations and analytics vocabulary, all consistent with each other (a key's
/// usage is the sum of its activity; workspace ids, member ids and key hashes match
/// across operations).
///
/// [`SampleAccount::answer`] gives OpenRouter's answer to a request against it, and
/// [`MockOpenRouter::sample_account`](crate::MockOpenRouter::sample_account) serves it.
///
/// ```
/// use openrouter_analytics_mock::SampleAccount;
///
/// let account = SampleAccount::new();
/// assert_eq!(account.workspaces().len(), 3);
/// let key = account.keys().iter().find(|k| k.name == "数据分析管道").expect("a key");
/// assert_eq!(account.key(&key.hash), Some(key));
/// let spent: f64 = account.activity().iter().map(|row| row.usage).sum();
/// assert!(spent > 1000.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SampleAccount {
    activity: Vec<ActivityItem>,
    /// For each activity row, the index of the key that made it.
    activity_keys: Vec<usize>,
    /// For each activity row, how fast it was served.
    activity_performance: Vec<Performance>,
    keys: Vec<ApiKey>,
    members: Vec<ListOrganizationMembersResponseDataItem>,
    workspaces: Vec<Workspace>,
    budgets: Vec<WorkspaceBudget>,
    workspace_members: Vec<WorkspaceMember>,
    credits: GetCreditsResponseData,
    management_key: GetCurrentKeyResponseData,
    inference_key: GetCurrentKeyResponseData,
    generations: Vec<GenerationResponseData>,
    meta: AnalyticsMeta,
    catalog: Catalog,
    page_size: usize,
}

/// A request that succeeds on the [`SampleAccount`] for one operation: values for its
/// required parameters (and a few optional ones) and, for an operation with a body, a
/// valid body. [`SampleAccount::example_call`] gives one for every operation, so
/// tests and demos can call each operation without knowing the sample's ids.
///
/// ```
/// use openrouter_analytics_mock::SampleAccount;
///
/// let call = SampleAccount::new().example_call("get_key").expect("an operation");
/// assert_eq!(call.args[0].0, "hash");
/// assert!(call.body.is_none());
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SampleCall {
    /// `(parameter name as the API spells it, value as text)`: path and query
    /// parameters.
    pub args: Vec<(String, String)>,
    /// The JSON body, for operations that take one.
    pub body: Option<serde_json::Value>,
}

impl Default for SampleAccount {
    fn default() -> Self {
        Self::new()
    }
}

impl SampleAccount {
    /// The sample account (the same every time).
    pub fn new() -> Self {
        let (activity, activity_keys, activity_performance) = activity();
        let keys: Vec<_> = KEYS
            .iter()
            .enumerate()
            .map(|(index, spec)| key(index, spec, &activity, &activity_keys))
            .collect();
        let total_usage = round(keys.iter().map(|k| k.usage).sum::<f64>(), 2);
        let workspaces = WORKSPACES.iter().map(workspace).collect();
        let budgets: Vec<_> = BUDGETS.iter().map(budget).collect();
        let inference_key = inference_key(&keys[0], &budgets, &keys);
        Self {
            activity,
            activity_keys,
            activity_performance,
            members: MEMBERS.iter().map(member).collect(),
            workspace_members: WORKSPACE_MEMBERS.iter().map(workspace_member).collect(),
            workspaces,
            budgets,
            credits: GetCreditsResponseData {
                total_credits: 15_000.0,
                total_usage,
            },
            management_key: management_key(),
            inference_key,
            generations: generations(),
            meta: meta(),
            catalog: Catalog::load(),
            keys,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }

    /// The same account, with list operations answering at most `page_size` items
    /// when the request sends no `limit` (at least 1).
    pub fn with_page_size(mut self, page_size: usize) -> Self {
        self.page_size = page_size.max(1);
        self
    }

    /// The same account seen on another day: its 30 days of activity move so that
    /// they end the day before `today` (numbers unchanged). Serving it with two
    /// `today`s a month apart gives a store more than 30 days of history to show.
    ///
    /// ```
    /// use openrouter_analytics_mock::SampleAccount;
    ///
    /// let today = "2027-01-15".parse().expect("a date");
    /// let account = SampleAccount::new().with_today(today);
    /// assert_eq!(account.activity_window(), ("2026-12-16".to_string(), "2027-01-14".to_string()));
    /// ```
    pub fn with_today(mut self, today: NaiveDate) -> Self {
        let usual: NaiveDate = SAMPLE_LAST_DAY.parse().unwrap_or_default();
        let shift = (today - usual).num_days() - 1;
        for row in &mut self.activity {
            if let Ok(date) = row.date.parse::<NaiveDate>() {
                let moved = date + openrouter_analytics::chrono::Duration::days(shift);
                row.date = moved.format("%Y-%m-%d").to_string();
            }
        }
        self
    }

    /// The first and last day of the activity (`YYYY-MM-DD`): [`SAMPLE_FIRST_DAY`]
    /// and [`SAMPLE_LAST_DAY`] unless moved by [`SampleAccount::with_today`].
    pub fn activity_window(&self) -> (String, String) {
        let first = self.activity.iter().map(|r| r.date.as_str()).min();
        let last = self.activity.iter().map(|r| r.date.as_str()).max();
        (
            first.unwrap_or(SAMPLE_FIRST_DAY).to_string(),
            last.unwrap_or(SAMPLE_LAST_DAY).to_string(),
        )
    }

    /// The page size of list operations without `limit` ([`DEFAULT_PAGE_SIZE`] unless
    /// changed).
    pub fn page_size(&self) -> usize {
        self.page_size
    }

    /// Every activity row, day by day from [`SAMPLE_FIRST_DAY`]: one per day, model
    /// endpoint and workspace, each with its `workspace_id` (the `group_by=workspace`
    /// view; `GET /activity` without it leaves the field out).
    pub fn activity(&self) -> &[ActivityItem] {
        &self.activity
    }

    /// The rows made with the key `hash`.
    pub fn activity_of_key<'s>(&'s self, hash: &'s str) -> impl Iterator<Item = &'s ActivityItem> {
        self.activity
            .iter()
            .zip(&self.activity_keys)
            .filter(move |(_, key)| KEYS[**key].hash == hash)
            .map(|(row, _)| row)
    }

    /// The key that made activity row number `index`.
    pub(crate) fn activity_key(&self, index: usize) -> Option<&ApiKey> {
        self.activity_keys
            .get(index)
            .and_then(|k| self.keys.get(*k))
    }

    /// How fast activity row number `index` was served.
    pub(crate) fn activity_performance(&self, index: usize) -> Option<Performance> {
        self.activity_performance.get(index).copied()
    }

    /// Every API key, the disabled and the expired one included.
    pub fn keys(&self) -> &[ApiKey] {
        &self.keys
    }

    /// The key with this hash.
    pub fn key(&self, hash: &str) -> Option<&ApiKey> {
        self.keys.iter().find(|k| k.hash == hash)
    }

    /// The organization's members.
    pub fn members(&self) -> &[ListOrganizationMembersResponseDataItem] {
        &self.members
    }

    /// The workspaces.
    pub fn workspaces(&self) -> &[Workspace] {
        &self.workspaces
    }

    /// The workspace with this id or slug.
    pub fn workspace(&self, id_or_slug: &str) -> Option<&Workspace> {
        self.workspaces
            .iter()
            .find(|w| w.slug == id_or_slug || w.id.to_string() == id_or_slug.to_ascii_lowercase())
    }

    /// Every workspace budget.
    pub fn budgets(&self) -> &[WorkspaceBudget] {
        &self.budgets
    }

    /// The members of every workspace.
    pub fn workspace_members(&self) -> &[WorkspaceMember] {
        &self.workspace_members
    }

    /// Credits bought and used.
    pub fn credits(&self) -> &GetCreditsResponseData {
        &self.credits
    }

    /// `GET /key` with any key but [`SAMPLE_INFERENCE_KEY`]: a management key.
    pub fn management_key(&self) -> &GetCurrentKeyResponseData {
        &self.management_key
    }

    /// `GET /key` with [`SAMPLE_INFERENCE_KEY`]: the "Production backend" key, with
    /// its key limit and its workspace's monthly budget.
    pub fn inference_key(&self) -> &GetCurrentKeyResponseData {
        &self.inference_key
    }

    /// The generations `GET /generation` knows.
    pub fn generations(&self) -> &[GenerationResponseData] {
        &self.generations
    }

    /// The generation with this id.
    pub fn generation(&self, id: &str) -> Option<&GenerationResponseData> {
        self.generations.iter().find(|g| g.id == id)
    }

    /// The records of the governance and catalog side, as OpenRouter sends them:
    /// `guardrails`, `key_assignments`, `member_assignments`, `byok_keys` (provider keys
    /// masked), `observability_destinations`, `scim_groups`, `scim_group_mappings`,
    /// `presets`, `preset_versions`, `models` (prices per token as decimal strings),
    /// `model_endpoints`, `providers`, `external_users` and `private_endpoints`. Empty for
    /// another name.
    ///
    /// ```
    /// use openrouter_analytics_mock::SampleAccount;
    ///
    /// let account = SampleAccount::new();
    /// let gpt4o = account
    ///     .records("models")
    ///     .iter()
    ///     .find(|m| m["id"] == "openai/gpt-4o")
    ///     .expect("a model of the activity");
    /// assert_eq!(gpt4o["pricing"]["prompt"], "0.0000025");
    /// ```
    pub fn records(&self, collection: &str) -> &[serde_json::Value] {
        self.catalog.records(collection)
    }

    /// A request that succeeds on this account for the operation `operation_id` (as in
    /// [`openrouter_analytics::operations`]); `None` for an unknown id.
    pub fn example_call(&self, operation_id: &str) -> Option<SampleCall> {
        self.catalog.example(operation_id)
    }

    pub(crate) fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The analytics vocabulary: the metrics, dimensions, operators and granularities
    /// `POST /analytics/query` accepts on this account.
    pub fn meta(&self) -> &AnalyticsMeta {
        &self.meta
    }
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    // `+ 0.0` turns the -0.0 of an empty float sum into 0.0, which JSON shows as `0.0`.
    (value * scale).round() / scale + 0.0
}

fn at(text: &str) -> DateTime<Utc> {
    // The inputs are this file's constants, checked by a test; the default (the Unix
    // epoch) would show up there rather than as a panic in someone's test.
    text.parse().unwrap_or_default()
}

fn day(index: usize) -> NaiveDate {
    let first: NaiveDate = SAMPLE_FIRST_DAY.parse().unwrap_or_default();
    first
        .checked_add_days(Days::new(index as u64))
        .unwrap_or(first)
}

/// A fixed factor between 0.9 and 1.1 for a day and a stream: variety without
/// randomness.
fn wobble(day: usize, stream: usize, salt: usize) -> f64 {
    let n = (day * 37 + stream * 101 + salt * 53 + 13) % 41;
    0.9 + n as f64 / 200.0
}

/// How fast one activity row's requests were served: what the latency and throughput
/// metrics of an analytics query aggregate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Performance {
    /// Mean time to the first token, in milliseconds.
    pub(crate) latency: f64,
    /// Median time to the first token, in milliseconds.
    pub(crate) p50: f64,
    /// 90th percentile of the time to the first token, in milliseconds.
    pub(crate) p90: f64,
    /// Mean generation speed, in tokens per second.
    pub(crate) throughput: f64,
}

fn activity() -> (Vec<ActivityItem>, Vec<usize>, Vec<Performance>) {
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    let mut performance = Vec::new();
    for d in 0..SAMPLE_DAYS {
        let date = day(d);
        let weekday = match date.weekday() {
            Weekday::Sat | Weekday::Sun => 0.45,
            _ => 1.0,
        };
        // Traffic grows about 1% a day over the month.
        let trend = 0.85 + 0.01 * d as f64;
        for (s, stream) in STREAMS.iter().enumerate() {
            if d < stream.days.0 || d > stream.days.1 {
                continue;
            }
            let requests = (stream.requests * weekday * trend * wobble(d, s, 0)).round();
            let per = wobble(d, s, 1);
            let prompt = (requests * stream.prompt * per).round();
            let completion = (requests * stream.completion * wobble(d, s, 2)).round();
            let reasoning = (requests * stream.reasoning * wobble(d, s, 3)).round();
            let cached = (prompt * stream.cached_share).round();
            let inference = ((prompt - cached) * stream.price_prompt
                + cached * stream.price_cached
                + (completion + reasoning) * stream.price_completion)
                / 1_000_000.0;
            let (usage, byok) = if stream.byok {
                (inference * BYOK_FEE, inference)
            } else {
                (inference, 0.0)
            };
            rows.push(ActivityItem {
                date: date.to_string(),
                model: stream.model.to_string(),
                model_permaslug: stream.permaslug.to_string(),
                endpoint_id: stream.endpoint_id.to_string(),
                provider_name: stream.provider.to_string(),
                usage: round(usage, 6),
                byok_usage_inference: round(byok, 6),
                requests: requests as i64,
                prompt_tokens: prompt as i64,
                completion_tokens: completion as i64,
                reasoning_tokens: reasoning as i64,
                cached_tokens: cached as i64,
                workspace_id: Some(
                    Uuid::from_u128(WORKSPACES[KEYS[stream.key].workspace].id).to_string(),
                ),
            });
            keys.push(stream.key);
            // Latency has a long tail: the median sits below the mean, the 90th
            // percentile well above it.
            let latency = stream.latency * wobble(d, s, 4);
            performance.push(Performance {
                latency: round(latency, 1),
                p50: round(latency * 0.82, 1),
                p90: round(latency * 1.9, 1),
                throughput: round(stream.throughput * wobble(d, s, 5), 1),
            });
        }
    }
    (rows, keys, performance)
}

fn key(index: usize, spec: &KeySpec, activity: &[ActivityItem], activity_keys: &[usize]) -> ApiKey {
    let rows: Vec<&ActivityItem> = activity
        .iter()
        .zip(activity_keys)
        .filter(|(_, k)| **k == index)
        .map(|(row, _)| row)
        .collect();
    let last = SAMPLE_LAST_DAY;
    // Spend so far "today" (2026-11-26, 08:00): a third of the last day's.
    let today = |f: fn(&ActivityItem) -> f64| -> f64 {
        rows.iter()
            .filter(|r| r.date == last)
            .map(|r| f(r))
            .sum::<f64>()
            * TODAY_SHARE
    };
    let since = |from: &str, f: fn(&ActivityItem) -> f64| -> f64 {
        rows.iter()
            .filter(|r| r.date.as_str() >= from)
            .map(|r| f(r))
            .sum::<f64>()
    };
    let usage_of = |r: &ActivityItem| r.usage;
    let byok_of = |r: &ActivityItem| r.byok_usage_inference;
    // The UTC week starts on Monday 2026-11-23, the month on 2026-11-01.
    let daily = round(today(usage_of), 6);
    let weekly = round(since("2026-11-23", usage_of) + today(usage_of), 6);
    let monthly = round(since("2026-11-01", usage_of) + today(usage_of), 6);
    let usage = round(
        since("", usage_of) + today(usage_of) + spec.earlier_usage,
        6,
    );
    let byok_daily = round(today(byok_of), 6);
    let byok_weekly = round(since("2026-11-23", byok_of) + today(byok_of), 6);
    let byok_monthly = round(since("2026-11-01", byok_of) + today(byok_of), 6);
    let byok_usage = round(since("", byok_of) + today(byok_of), 6);
    let window = match spec.limit_reset {
        Some("daily") => daily,
        Some("weekly") => weekly,
        Some("monthly") => monthly,
        _ => usage,
    };
    let counted = if spec.include_byok_in_limit {
        window + byok_monthly
    } else {
        window
    };
    ApiKey {
        byok_usage,
        byok_usage_daily: byok_daily,
        byok_usage_monthly: byok_monthly,
        byok_usage_weekly: byok_weekly,
        created_at: spec.created_at.to_string(),
        creator_user_id: Some(MEMBERS[spec.creator].0.to_string()),
        disabled: spec.disabled,
        expires_at: spec.expires_at.map(at),
        external_user: spec.external_user.map(str::to_string),
        hash: spec.hash.to_string(),
        include_byok_in_limit: spec.include_byok_in_limit,
        label: spec.label.to_string(),
        last_used_at: spec.last_used_at.map(at),
        limit: spec.limit,
        limit_remaining: spec.limit.map(|limit| round((limit - counted).max(0.0), 6)),
        limit_reset: spec.limit_reset.map(str::to_string),
        name: spec.name.to_string(),
        updated_at: spec.updated_at.map(str::to_string),
        usage,
        usage_daily: daily,
        usage_monthly: monthly,
        usage_weekly: weekly,
        workspace_id: Uuid::from_u128(WORKSPACES[spec.workspace].id).to_string(),
    }
}

fn workspace(spec: &WorkspaceSpec) -> Workspace {
    Workspace {
        created_at: spec.created_at.to_string(),
        created_by: Some(MEMBERS[spec.creator].0.to_string()),
        default_guardrail_id: Uuid::from_u128(spec.guardrail),
        default_image_model: None,
        default_provider_sort: spec.text_model.map(|_| "price".to_string()),
        default_text_model: spec.text_model.map(str::to_string),
        description: spec.description.map(str::to_string),
        id: Uuid::from_u128(spec.id),
        include_byok_in_budgets: Some(spec.byok_in_budgets),
        io_logging_api_key_ids: None,
        io_logging_sampling_rate: if spec.slug == "production" { 0.05 } else { 1.0 },
        is_data_discount_logging_enabled: false,
        is_observability_broadcast_enabled: spec.slug == "production",
        is_observability_io_logging_enabled: spec.slug == "production",
        name: spec.name.to_string(),
        slug: spec.slug.to_string(),
        updated_at: spec.updated_at.map(str::to_string),
    }
}

fn budget(spec: &(u128, usize, Option<&str>, f64, &str)) -> WorkspaceBudget {
    let (id, workspace, interval, limit, created) = *spec;
    WorkspaceBudget {
        created_at: created.to_string(),
        id: Uuid::from_u128(id),
        limit_usd: limit,
        reset_interval: interval.map(Into::into),
        updated_at: created.to_string(),
        workspace_id: Uuid::from_u128(WORKSPACES[workspace].id),
    }
}

fn member(spec: &MemberSpec) -> ListOrganizationMembersResponseDataItem {
    let (id, first, last, email, admin) = *spec;
    ListOrganizationMembersResponseDataItem {
        email: email.to_string(),
        first_name: first.map(str::to_string),
        id: id.to_string(),
        last_name: last.map(str::to_string),
        role: if admin { "org:admin" } else { "org:member" }.into(),
    }
}

fn workspace_member(spec: &(u128, usize, usize, bool, &str)) -> WorkspaceMember {
    let (id, workspace, member, admin, joined) = *spec;
    WorkspaceMember {
        created_at: joined.to_string(),
        id: Uuid::from_u128(id),
        role: if admin { "admin" } else { "member" }.into(),
        user_id: MEMBERS[member].0.to_string(),
        workspace_id: Uuid::from_u128(WORKSPACES[workspace].id),
    }
}

fn rate_limit() -> GetCurrentKeyResponseDataRateLimit {
    GetCurrentKeyResponseDataRateLimit {
        interval: "10s".to_string(),
        note: "Deprecated; not enforced.".to_string(),
        requests: -1,
    }
}

fn management_key() -> GetCurrentKeyResponseData {
    GetCurrentKeyResponseData {
        allowed_data_regions: vec!["global".into()],
        budgets: Vec::new(),
        byok_usage: 0.0,
        byok_usage_daily: 0.0,
        byok_usage_monthly: 0.0,
        byok_usage_weekly: 0.0,
        creator_user_id: Some(MEMBERS[0].0.to_string()),
        effective_budget: None,
        expires_at: None,
        free_model_daily_requests: FreeModelDailyRequests {
            limit: 1000,
            remaining: 1000,
            used: 0,
        },
        include_byok_in_limit: false,
        is_free_tier: false,
        is_management_key: true,
        is_provisioning_key: true,
        label: "sk-or-v1-9c4...e21".to_string(),
        limit: None,
        limit_remaining: None,
        limit_reset: None,
        organization_id: Some(SAMPLE_ORGANIZATION_ID.to_string()),
        rate_limit: rate_limit(),
        usage: 0.0,
        usage_daily: 0.0,
        usage_monthly: 0.0,
        usage_weekly: 0.0,
        workspace_id: Some(Uuid::from_u128(WORKSPACES[0].id).to_string()),
    }
}

fn inference_key(
    key: &ApiKey,
    budgets: &[WorkspaceBudget],
    keys: &[ApiKey],
) -> GetCurrentKeyResponseData {
    let resets_at = at("2026-12-01T00:00:00Z");
    let counted = key.usage_monthly + key.byok_usage_monthly;
    let key_limit = KeyBudget {
        budget_id: None,
        guardrail_id: None,
        include_byok: key.include_byok_in_limit,
        limit_usd: key.limit.unwrap_or_default(),
        remaining_usd: round(key.limit.unwrap_or_default() - counted, 6),
        reset_interval: Some("monthly".into()),
        resets_at: Some(resets_at),
        scope: "key_limit".into(),
        spend_usd: round(counted, 6),
    };
    let mut applicable = Vec::new();
    // The workspace's monthly budget counts every key of the workspace (with BYOK, as
    // the workspace says).
    if let Some(monthly) = budgets.iter().find(|b| {
        b.workspace_id.to_string() == key.workspace_id
            && b.reset_interval.as_ref().map(|r| r.as_str()) == Some("monthly")
    }) {
        let spend: f64 = keys
            .iter()
            .filter(|k| k.workspace_id == key.workspace_id)
            .map(|k| k.usage_monthly + k.byok_usage_monthly)
            .sum();
        applicable.push(KeyBudget {
            budget_id: Some(monthly.id.to_string()),
            guardrail_id: None,
            include_byok: true,
            limit_usd: monthly.limit_usd,
            remaining_usd: round(monthly.limit_usd - spend, 6),
            reset_interval: Some("monthly".into()),
            resets_at: Some(resets_at),
            scope: "workspace".into(),
            spend_usd: round(spend, 6),
        });
    }
    applicable.push(key_limit);
    let effective_budget = applicable
        .iter()
        .min_by(|a, b| a.remaining_usd.total_cmp(&b.remaining_usd))
        .cloned();
    GetCurrentKeyResponseData {
        allowed_data_regions: vec!["global".into(), "europe".into(), "us".into()],
        budgets: applicable,
        byok_usage: key.byok_usage,
        byok_usage_daily: key.byok_usage_daily,
        byok_usage_monthly: key.byok_usage_monthly,
        byok_usage_weekly: key.byok_usage_weekly,
        creator_user_id: key.creator_user_id.clone(),
        effective_budget,
        expires_at: key.expires_at,
        free_model_daily_requests: FreeModelDailyRequests {
            limit: 1000,
            remaining: 958,
            used: 42,
        },
        include_byok_in_limit: key.include_byok_in_limit,
        is_free_tier: false,
        is_management_key: false,
        is_provisioning_key: false,
        label: key.label.clone(),
        limit: key.limit,
        limit_remaining: key.limit_remaining,
        limit_reset: key.limit_reset.clone(),
        organization_id: Some(SAMPLE_ORGANIZATION_ID.to_string()),
        rate_limit: rate_limit(),
        usage: key.usage,
        usage_daily: key.usage_daily,
        usage_monthly: key.usage_monthly,
        usage_weekly: key.usage_weekly,
        workspace_id: Some(key.workspace_id.clone()),
    }
}

/// The parts of a generation that differ between the samples.
struct GenerationSpec {
    id: &'static str,
    stream: usize,
    created_at: &'static str,
    prompt: i64,
    completion: i64,
    reasoning: i64,
    cached: i64,
    latency: f64,
    generation_time: f64,
    finish_reason: &'static str,
    native_finish_reason: &'static str,
    streamed: bool,
    app_id: Option<i64>,
    referer: Option<&'static str>,
    /// The provider's own id of the request.
    upstream_id: &'static str,
    /// An earlier attempt that failed: the stream (provider endpoint) and status.
    failed_attempt: Option<(usize, i64)>,
}

const GENERATIONS: [GenerationSpec; 3] = [
    GenerationSpec {
        id: "gen-1764098531-Xq3LmN8pR2vT6wYz0aBc",
        stream: 0,
        created_at: "2026-11-25T19:22:11.482Z",
        prompt: 1834,
        completion: 412,
        reasoning: 0,
        cached: 640,
        latency: 612.0,
        generation_time: 3890.0,
        finish_reason: "stop",
        native_finish_reason: "stop",
        streamed: true,
        app_id: Some(184_203),
        referer: Some("https://app.northwind-labs.io"),
        upstream_id: "chatcmpl-CX4f9Lq2RbT7vW0yZ3nE8sHk1Pa",
        failed_attempt: None,
    },
    GenerationSpec {
        id: "gen-1764079204-Hk7PdS1uW4eG9jQm2nVr",
        stream: 4,
        created_at: "2026-11-25T14:00:04.117Z",
        prompt: 6921,
        completion: 688,
        reasoning: 0,
        cached: 0,
        latency: 1240.0,
        generation_time: 9115.0,
        finish_reason: "length",
        native_finish_reason: "max_tokens",
        streamed: false,
        app_id: None,
        referer: None,
        upstream_id: "msg_bdrk_01Hk7PdS1uW4eG9jQm2nVrXa",
        failed_attempt: Some((3, 529)),
    },
    GenerationSpec {
        id: "gen-1764052877-Ty5CbF8oA3sD6hKx1lZe",
        stream: 12,
        created_at: "2026-11-25T06:41:17.903Z",
        prompt: 1502,
        completion: 871,
        reasoning: 2964,
        cached: 128,
        latency: 2210.0,
        generation_time: 41_380.0,
        finish_reason: "stop",
        native_finish_reason: "stop",
        streamed: true,
        app_id: None,
        referer: None,
        upstream_id: "8f3c2a71-5d9e-4b06-a4c8-2e7f1b9d0c63",
        failed_attempt: None,
    },
];

fn generations() -> Vec<GenerationResponseData> {
    GENERATIONS
        .iter()
        .map(|spec| {
            let stream = &STREAMS[spec.stream];
            let key = &KEYS[stream.key];
            let cost = ((spec.prompt - spec.cached) as f64 * stream.price_prompt
                + spec.cached as f64 * stream.price_cached
                + (spec.completion + spec.reasoning) as f64 * stream.price_completion)
                / 1_000_000.0;
            let full_price = (spec.prompt as f64 * stream.price_prompt
                + (spec.completion + spec.reasoning) as f64 * stream.price_completion)
                / 1_000_000.0;
            let (usage, upstream) = if stream.byok {
                (cost * BYOK_FEE, cost)
            } else {
                (cost, cost)
            };
            let attempt = |served: &Stream, status: i64, latency: f64| ProviderResponse {
                endpoint_id: Some(served.endpoint_id.to_string()),
                id: None,
                is_byok: Some(served.byok),
                latency: Some(latency),
                model_permaslug: Some(served.permaslug.to_string()),
                provider_name: Some(served.provider.into()),
                routed_service_tier: None,
                status: Some(status),
            };
            let mut attempts = Vec::new();
            if let Some((failed, status)) = spec.failed_attempt {
                attempts.push(attempt(&STREAMS[failed], status, 318.0));
            }
            attempts.push(attempt(stream, 200, spec.latency));
            GenerationResponseData {
                api_type: Some("completions".into()),
                app_id: spec.app_id,
                cache_discount: (spec.cached > 0).then(|| round(full_price - cost, 7)),
                cancelled: Some(false),
                created_at: spec.created_at.to_string(),
                data_region: "global".into(),
                external_user: key.external_user.map(str::to_string),
                finish_reason: Some(spec.finish_reason.to_string()),
                generation_time: Some(spec.generation_time),
                http_referer: spec.referer.map(str::to_string),
                id: spec.id.to_string(),
                is_byok: stream.byok,
                latency: Some(spec.latency),
                model: stream.permaslug.to_string(),
                moderation_latency: None,
                native_finish_reason: Some(spec.native_finish_reason.to_string()),
                native_tokens_cached: Some(spec.cached),
                native_tokens_completion: Some(spec.completion + spec.reasoning),
                native_tokens_completion_images: Some(0),
                native_tokens_prompt: Some(spec.prompt),
                native_tokens_reasoning: Some(spec.reasoning),
                num_fetches: Some(0),
                num_input_audio_prompt: Some(0),
                num_media_completion: Some(0),
                num_media_prompt: Some(0),
                num_search_results: Some(0),
                origin: spec.referer.unwrap_or("").to_string(),
                preset_id: None,
                provider_name: Some(stream.provider.to_string()),
                provider_responses: Some(attempts),
                request_id: None,
                response_cache_source_id: None,
                router: None,
                service_tier: None,
                session_id: None,
                streamed: Some(spec.streamed),
                tokens_completion: Some(spec.completion + spec.reasoning),
                tokens_prompt: Some(spec.prompt),
                total_cost: round(usage, 8),
                upstream_id: Some(spec.upstream_id.to_string()),
                upstream_inference_cost: Some(round(upstream, 8)),
                usage: round(usage, 8),
                user_agent: Some("openrouter-analytics/0.1.0".to_string()),
                web_search_engine: None,
                workspace_id: Some(Uuid::from_u128(WORKSPACES[key.workspace].id).to_string()),
            }
        })
        .collect()
}

/// The metrics `POST /analytics/query` answers on the sample, OpenRouter's names:
/// (name, label, display format, whether it is a rate rather than a sum).
pub(crate) const METRICS: [(&str, &str, &str, bool); 10] = [
    ("total_usage", "Spend", "currency", false),
    ("request_count", "Requests", "number", false),
    ("tokens_total", "Total tokens", "number", false),
    ("tokens_prompt", "Prompt tokens", "number", false),
    ("tokens_completion", "Completion tokens", "number", false),
    ("cache_hit_rate", "Cache hit rate", "percent", true),
    ("avg_latency", "Average latency", "latency", true),
    ("p50_latency", "Median latency", "latency", true),
    ("p90_latency", "P90 latency", "latency", true),
    ("avg_throughput", "Average throughput", "throughput", true),
];

/// The metrics measured per generation (speed rather than spend), which OpenRouter
/// answers only for ranges of at most [`PER_GENERATION_MAX_DAYS`] days.
pub(crate) const PER_GENERATION_METRICS: [&str; 4] = [
    "avg_latency",
    "p50_latency",
    "p90_latency",
    "avg_throughput",
];

/// The longest time range a query of a per-generation metric may span.
pub(crate) const PER_GENERATION_MAX_DAYS: i64 = 31;

/// The dimensions the sample groups and filters by: (name, label). `api_key_id` is the
/// key's hash, the id the key operations use.
pub(crate) const DIMENSIONS: [(&str, &str); 3] = [
    ("model", "Model"),
    ("provider", "Provider"),
    ("api_key_id", "API key"),
];

fn meta() -> AnalyticsMeta {
    AnalyticsMeta {
        metrics: METRICS
            .iter()
            .map(|(name, label, format, is_rate)| AnalyticsMetricInfo {
                display_format: AnalyticsDisplayFormat::from(*format),
                display_label: label.to_string(),
                is_rate: *is_rate,
                name: name.to_string(),
            })
            .collect(),
        dimensions: DIMENSIONS
            .iter()
            .map(|(name, label)| AnalyticsDimensionInfo {
                display_label: label.to_string(),
                name: name.to_string(),
            })
            .collect(),
        operators: ["eq", "neq", "in", "not_in", "gt", "gte", "lt", "lte"]
            .iter()
            .map(|name| AnalyticsOperatorInfo {
                name: AnalyticsOperator::from(*name),
                value_type: if name.ends_with("in") {
                    AnalyticsOperatorValueType::Array
                } else {
                    AnalyticsOperatorValueType::Scalar
                },
            })
            .collect(),
        granularities: [("day", "Day"), ("week", "Week"), ("month", "Month")]
            .iter()
            .map(|(name, label)| AnalyticsGranularityInfo {
                display_label: label.to_string(),
                name: AnalyticsGranularity::from(*name),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_thirty_days_ending_on_the_last_completed_day() {
        let account = SampleAccount::new();
        let first = &account.activity()[0].date;
        let last = &account.activity()[account.activity().len() - 1].date;
        assert_eq!(
            (first.as_str(), last.as_str()),
            (SAMPLE_FIRST_DAY, SAMPLE_LAST_DAY)
        );
        assert_eq!(day(SAMPLE_DAYS - 1).to_string(), SAMPLE_LAST_DAY);
        assert!(
            account
                .activity()
                .iter()
                .any(|r| r.byok_usage_inference > 0.0)
        );
        assert_eq!(account, SampleAccount::new(), "deterministic");
    }

    #[test]
    fn every_timestamp_parses() {
        for text in KEYS
            .iter()
            .flat_map(|k| [k.expires_at, k.last_used_at])
            .flatten()
            .chain([SAMPLE_NOW])
        {
            assert_ne!(at(text), DateTime::<Utc>::default(), "{text}");
        }
    }

    #[test]
    fn key_usage_adds_up_from_the_activity() {
        let account = SampleAccount::new();
        for (index, key) in account.keys().iter().enumerate() {
            let window: f64 = account.activity_of_key(&key.hash).map(|r| r.usage).sum();
            assert!(key.usage >= window, "{}", key.name);
            assert!(key.usage_daily <= key.usage_weekly && key.usage_weekly <= key.usage_monthly);
            assert!(key.limit_remaining.unwrap_or(0.0) >= 0.0, "{index}");
        }
        let total: f64 = account.keys().iter().map(|k| k.usage).sum();
        assert!((account.credits().total_usage - total).abs() < 0.01);
    }
}
