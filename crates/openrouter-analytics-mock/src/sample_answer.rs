//! OpenRouter's answer to one request against the [`SampleAccount`]: a table keyed by
//! operation id, the route found from the client's generated table of operations.
//!
//! Answers are stateless: a write answers as OpenRouter would (the new key, the
//! changed workspace) but the account itself does not change, so tests never depend on
//! the order they run in.

use std::collections::BTreeMap;

use openrouter_analytics::OperationInfo;
use openrouter_analytics::chrono::{DateTime, Datelike, NaiveDate, Utc};
use openrouter_analytics_api::types::{
    ActivityItem, AnalyticsFilterScalar, AnalyticsFilterValue, AnalyticsQueryRequest,
    CreateKeysRequest, CreateWorkspaceRequest, UpdateKeysRequest, UpdateWorkspaceRequest,
    UpsertWorkspaceBudgetRequest, WorkspaceBudgetInterval, WorkspaceMembersRequest,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::reply::Reply;
use crate::request::SentRequest;
use crate::sample::{
    DIMENSIONS, METRICS, PER_GENERATION_MAX_DAYS, PER_GENERATION_METRICS, Performance,
    SAMPLE_INFERENCE_KEY, SAMPLE_NOW, SAMPLE_REVOKED_KEY, SampleAccount,
};

/// Operations any key may call; every other one needs a management key.
const ANY_KEY: [&str; 35] = [
    "get_current_key",
    "get_generation",
    "list_generation_content",
    "submit_generation_feedback",
    "get_models",
    "get_model",
    "list_models_count",
    "list_models_user",
    "list_endpoints",
    "list_endpoints_zdr",
    "list_providers",
    "get_app_rankings",
    "get_rankings_daily",
    "get_session_cost",
    "get_benchmarks",
    "create_auth_keys_code",
    "exchange_auth_code_for_api_key",
    "list_oauth_jwks",
    "create_oauth_token",
    "list_vault_secrets",
    "store_vault_secret",
    "delete_vault_secret",
    "list_intern_connections",
    "list_intern_vault_secrets",
    "list_intern_effective_vault_secrets",
    "store_intern_vault_secret",
    "delete_intern_vault_secret",
    "copy_vault_secrets_to_intern",
    "get_task_classifications",
    "list_embeddings_models",
    "list_image_models",
    "list_image_model_endpoints",
    "list_videos_models",
    "list_tools",
    "get_tool",
];
/// The most items a page may hold (the spec's `maximum` of `limit`).
const MAX_LIMIT: u64 = 100;
/// The spec's default `limit` of an analytics query.
const QUERY_DEFAULT_LIMIT: usize = 1000;

pub(crate) type Answer = Result<Reply, Reply>;

impl SampleAccount {
    /// OpenRouter's answer to `request` for this account: the operation found by method
    /// and path (any operation of the spec), `401` without a bearer key (or with
    /// [`SAMPLE_REVOKED_KEY`](crate::SAMPLE_REVOKED_KEY)), `403` when
    /// [`SAMPLE_INFERENCE_KEY`](crate::SAMPLE_INFERENCE_KEY) calls an operation that
    /// needs a management key, `404` for an unknown path or id, `400` for an invalid
    /// parameter or body. Error bodies are OpenRouter's `{"error": {"code", "message"}}`.
    ///
    /// List operations honour `offset` and `limit` (at most 100; without `limit`,
    /// [`page_size`](Self::page_size) items). Writes answer as OpenRouter would but do
    /// not change the account. An operation the sample has no data for answers `501`.
    ///
    /// ```
    /// use openrouter_analytics_mock::{SampleAccount, SentRequest};
    ///
    /// let account = SampleAccount::new();
    /// let request = SentRequest::new("GET", "/credits")
    ///     .with_header("authorization", "Bearer sk-or-v1-any");
    /// let reply = account.answer(&request);
    /// assert_eq!(reply.status(), 200);
    /// let body: serde_json::Value = serde_json::from_slice(reply.body()).expect("JSON");
    /// assert_eq!(body["data"]["total_credits"], 15000.0);
    /// ```
    pub fn answer(&self, request: &SentRequest) -> Reply {
        self.try_answer(request).unwrap_or_else(|error| error)
    }

    fn try_answer(&self, request: &SentRequest) -> Answer {
        let key = bearer_key(request)?;
        let (operation, path_params) = route(request.method(), request.path())
            .ok_or_else(|| Reply::error(404, "Not Found"))?;
        let inference = key == SAMPLE_INFERENCE_KEY;
        if inference && !ANY_KEY.contains(&operation.operation_id) {
            return Err(Reply::error(
                403,
                "Only management keys can perform this operation",
            ));
        }
        let call = Call {
            account: self,
            request,
            path: path_params,
        };
        match operation.operation_id {
            "get_user_activity" => call.activity(),
            "get_analytics_meta" => ok(200, &json!({ "data": self.meta() })),
            "query_analytics" => call.run_query(),
            "get_credits" => ok(200, &json!({ "data": self.credits() })),
            "get_generation" => call.generation(),
            "get_current_key" => {
                let data = if inference {
                    self.inference_key()
                } else {
                    self.management_key()
                };
                ok(200, &json!({ "data": data }))
            }
            "list" => call.list_keys(),
            "create_keys" => call.create_key(),
            "get_key" => ok(200, &json!({ "data": call.key()? })),
            "delete_keys" => call.key().and_then(|_| deleted()),
            "update_keys" => call.update_key(),
            "list_organization_members" => call.page(self.members(), true),
            "list_workspaces" => call.page(self.workspaces(), true),
            "create_workspace" => call.create_workspace(),
            "get_workspace" => ok(200, &json!({ "data": call.workspace()? })),
            "delete_workspace" => call.delete_workspace(),
            "update_workspace" => call.update_workspace(),
            "list_workspace_budgets" => call.budgets(),
            "get_workspace_budget" => call.budget(),
            "upsert_workspace_budget" => call.set_budget(),
            "delete_workspace_budget" => call.budget().and_then(|_| deleted()),
            "list_workspace_members" => call.workspace_members(),
            "bulk_add_workspace_members" => call.add_members(),
            "bulk_remove_workspace_members" => call.remove_members(),
            other => call.catalog(other).unwrap_or_else(|| {
                Err(Reply::error(
                    501,
                    format!(
                        "openrouter-analytics-mock: the sample account has no answer for {other} yet"
                    ),
                ))
            }),
        }
    }
}

/// The bearer key, or OpenRouter's `401`.
fn bearer_key(request: &SentRequest) -> Result<&str, Reply> {
    let key = request
        .header("authorization")
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .ok_or_else(|| Reply::error(401, "No auth credentials found"))?;
    if key == SAMPLE_REVOKED_KEY {
        return Err(Reply::error(401, "User not found."));
    }
    Ok(key)
}

/// The operation whose method and path template match, with the path's parameters.
fn route(
    method: &str,
    path: &str,
) -> Option<(&'static OperationInfo, BTreeMap<&'static str, String>)> {
    let segments: Vec<&str> = path.split('/').collect();
    openrouter_analytics::operations()
        .iter()
        .find_map(|operation| {
            if !operation.http_method.eq_ignore_ascii_case(method) {
                return None;
            }
            let template: Vec<&'static str> = operation.path.split('/').collect();
            if template.len() != segments.len() {
                return None;
            }
            let mut params = BTreeMap::new();
            for (want, got) in template.iter().zip(&segments) {
                match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                    Some(name) if !got.is_empty() => {
                        params.insert(name, percent_decode(got));
                    }
                    Some(_) => return None,
                    None if want == got => {}
                    None => return None,
                }
            }
            Some((operation, params))
        })
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn to_value(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

pub(crate) fn ok(status: u16, value: &impl Serialize) -> Answer {
    Ok(Reply::json(status, value))
}

fn deleted() -> Answer {
    ok(200, &json!({ "deleted": true }))
}

pub(crate) fn bad_request(message: impl Into<String>) -> Reply {
    Reply::error(400, message)
}

/// A deterministic id for something a write creates, from what names it.
pub(crate) fn derived_uuid(seed: &str) -> Uuid {
    let high = u128::from(fnv(seed, 0));
    let low = u128::from(fnv(seed, 1));
    uuid::Builder::from_random_bytes(((high << 64) | low).to_be_bytes()).into_uuid()
}

/// 64 hex digits, like a key's hash or secret, from a seed.
pub(crate) fn derived_hex(seed: &str) -> String {
    (0..4)
        .map(|round| format!("{:016x}", fnv(seed, round)))
        .collect()
}

/// FNV-1a, salted: a stable hash that does not change between Rust versions (unlike
/// `DefaultHasher`).
fn fnv(seed: &str, salt: u64) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for byte in seed.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// One request being answered.
pub(crate) struct Call<'a> {
    pub(crate) account: &'a SampleAccount,
    pub(crate) request: &'a SentRequest,
    path: BTreeMap<&'static str, String>,
}

impl Call<'_> {
    pub(crate) fn path_param(&self, name: &str) -> &str {
        self.path.get(name).map_or("", String::as_str)
    }

    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.request.query_param(name)
    }

    pub(crate) fn query_number(&self, name: &str) -> Result<Option<u64>, Reply> {
        match self.query(name) {
            None => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| {
                bad_request(format!(
                    "Invalid query parameter {name}: expected a non-negative integer"
                ))
            }),
        }
    }

    pub(crate) fn query_bool(&self, name: &str) -> Result<bool, Reply> {
        match self.query(name) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(bad_request(format!(
                "Invalid query parameter {name}: expected true or false"
            ))),
        }
    }

    /// The body as the operation's type (checked like OpenRouter's validation), and as
    /// the JSON object it was, to tell a field sent as `null` from one left out.
    fn body<T: DeserializeOwned>(&self) -> Result<(T, Map<String, Value>), Reply> {
        let value: Value = serde_json::from_slice(self.request.body())
            .map_err(|err| bad_request(format!("Invalid JSON body: {err}")))?;
        let typed = serde_json::from_value(value.clone())
            .map_err(|err| bad_request(format!("Invalid request body: {err}")))?;
        match value {
            Value::Object(map) => Ok((typed, map)),
            _ => Err(bad_request("Invalid request body: expected an object")),
        }
    }

    /// One page of `items`: `offset` (and, where the operation has it, `limit`) from
    /// the query; lists with `limit` also say how many there are in all.
    fn page<T: Serialize>(&self, items: &[T], has_limit: bool) -> Answer {
        let (page, total) = self.page_of(items.iter().map(to_value).collect(), has_limit)?;
        if has_limit {
            ok(200, &json!({ "data": page, "total_count": total }))
        } else {
            ok(200, &json!({ "data": page }))
        }
    }

    pub(crate) fn page_of(
        &self,
        items: Vec<Value>,
        has_limit: bool,
    ) -> Result<(Vec<Value>, usize), Reply> {
        let offset = self.query_number("offset")?.unwrap_or(0);
        let limit = if has_limit {
            match self.query_number("limit")? {
                Some(limit @ 1..=MAX_LIMIT) => Some(limit),
                Some(_) => {
                    return Err(bad_request(
                        "Invalid query parameter limit: must be between 1 and 100",
                    ));
                }
                None => None,
            }
        } else {
            None
        };
        let size = limit.map_or(self.account.page_size(), |l| l as usize);
        let total = items.len();
        let page = items
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(size)
            .collect();
        Ok((page, total))
    }

    fn activity(&self) -> Answer {
        let date = self.query("date");
        let (first, last) = self.account.activity_window();
        if let Some(date) = date
            && !(first.as_str()..=last.as_str()).contains(&date)
        {
            return Err(bad_request(format!(
                "Invalid date {date}: must be a day within the last 30 completed UTC days ({first} to {last})"
            )));
        }
        let grouped = match self.query("group_by") {
            None => false,
            Some("workspace") => true,
            Some(other) => return Err(bad_request(format!("Invalid group_by: {other}"))),
        };
        let hash = self.query("api_key_hash");
        let user = self.query("user_id");
        let workspace = self.query("workspace_id");
        let rows: Vec<Value> = self
            .account
            .activity()
            .iter()
            .enumerate()
            .filter(|(_, row)| date.is_none_or(|d| row.date == d))
            .filter(|(_, row)| workspace.is_none_or(|w| row.workspace_id.as_deref() == Some(w)))
            .filter(|(index, _)| {
                let key = self.account.activity_key(*index);
                hash.is_none_or(|h| key.is_some_and(|k| k.hash == h))
                    && user.is_none_or(|u| {
                        key.is_some_and(|k| k.creator_user_id.as_deref() == Some(u))
                    })
            })
            .map(|(_, row)| {
                let mut row = row.clone();
                if !grouped {
                    row.workspace_id = None;
                }
                to_value(&row)
            })
            .collect();
        ok(200, &json!({ "data": rows }))
    }

    fn generation(&self) -> Answer {
        let id = self
            .query("id")
            .filter(|id| !id.is_empty())
            .ok_or_else(|| bad_request("Missing query parameter id"))?;
        let generation = self
            .account
            .generation(id)
            .ok_or_else(|| Reply::error(404, format!("Generation {id} not found")))?;
        ok(200, &json!({ "data": generation }))
    }

    fn list_keys(&self) -> Answer {
        let include_disabled = self.query_bool("include_disabled")?;
        let include_expired = self.query_bool("include_expired")?;
        let workspace = self.query("workspace_id");
        let now = sample_now();
        let keys: Vec<_> = self
            .account
            .keys()
            .iter()
            .filter(|k| include_disabled || !k.disabled)
            .filter(|k| include_expired || k.expires_at.is_none_or(|at| at > now))
            .filter(|k| workspace.is_none_or(|w| k.workspace_id.eq_ignore_ascii_case(w)))
            .collect();
        self.page(&keys, false)
    }

    fn key(&self) -> Result<Value, Reply> {
        let hash = self.path_param("hash");
        self.account
            .key(hash)
            .map(to_value)
            .ok_or_else(|| Reply::error(404, format!("API key {hash} not found")))
    }

    fn create_key(&self) -> Answer {
        let (body, _) = self.body::<CreateKeysRequest>()?;
        let workspace = match &body.workspace_id {
            Some(id) => self
                .account
                .workspace(&id.to_string())
                .ok_or_else(|| Reply::error(404, format!("Workspace {id} not found")))?,
            None => &self.account.workspaces()[0],
        };
        let name = body.name.to_string();
        let secret = format!("sk-or-v1-{}", derived_hex(&format!("secret:{name}")));
        let label = format!("{}...{}", &secret[..12], &secret[secret.len() - 3..]);
        let data = json!({
            "hash": derived_hex(&format!("hash:{name}")),
            "name": name,
            "label": label,
            "disabled": false,
            "limit": body.limit,
            "limit_remaining": body.limit,
            "limit_reset": body.limit_reset.as_value().map(|r| r.as_str()),
            "include_byok_in_limit": body.include_byok_in_limit.unwrap_or(false),
            "usage": 0.0, "usage_daily": 0.0, "usage_weekly": 0.0, "usage_monthly": 0.0,
            "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_weekly": 0.0, "byok_usage_monthly": 0.0,
            "created_at": SAMPLE_NOW,
            "updated_at": null,
            "creator_user_id": body.creator_user_id.map(|id| id.to_string()),
            "workspace_id": workspace.id.to_string(),
            "expires_at": body.expires_at,
            "external_user": null,
            "last_used_at": null,
        });
        ok(201, &json!({ "data": data, "key": secret }))
    }

    fn update_key(&self) -> Answer {
        let mut key = self.key()?;
        let (body, sent) = self.body::<UpdateKeysRequest>()?;
        merge(&mut key, &sent);
        if !body.limit.is_absent() {
            // A new limit starts with the current window's usage counted against it.
            let used = match key["limit_reset"].as_str() {
                Some("daily") => &key["usage_daily"],
                Some("weekly") => &key["usage_weekly"],
                Some("monthly") => &key["usage_monthly"],
                _ => &key["usage"],
            }
            .as_f64()
            .unwrap_or(0.0);
            key["limit_remaining"] = match key["limit"].as_f64() {
                Some(limit) => json!((limit - used).max(0.0)),
                None => Value::Null,
            };
        }
        key["updated_at"] = json!(SAMPLE_NOW);
        ok(200, &json!({ "data": key }))
    }

    fn workspace(&self) -> Result<&openrouter_analytics_api::types::Workspace, Reply> {
        let id = self.path_param("id");
        self.account
            .workspace(id)
            .ok_or_else(|| Reply::error(404, format!("Workspace {id} not found")))
    }

    fn slug_taken(&self, slug: &str, except: Option<Uuid>) -> Result<(), Reply> {
        match self.account.workspace(slug) {
            Some(other) if Some(other.id) != except => Err(bad_request(format!(
                "A workspace with the slug {slug} already exists"
            ))),
            _ => Ok(()),
        }
    }

    fn create_workspace(&self) -> Answer {
        let (body, sent) = self.body::<CreateWorkspaceRequest>()?;
        self.slug_taken(&body.slug, None)?;
        let mut workspace = json!({
            "id": derived_uuid(&format!("workspace:{}", body.slug.as_str())),
            "default_guardrail_id": derived_uuid(&format!("guardrail:{}", body.slug.as_str())),
            "description": null,
            "default_text_model": null,
            "default_image_model": null,
            "default_provider_sort": null,
            "is_observability_io_logging_enabled": false,
            "is_observability_broadcast_enabled": false,
            "is_data_discount_logging_enabled": false,
            "io_logging_sampling_rate": 1.0,
            "io_logging_api_key_ids": null,
            "include_byok_in_budgets": false,
            "created_at": SAMPLE_NOW,
            "updated_at": null,
            "created_by": self.account.management_key().creator_user_id,
        });
        merge(&mut workspace, &sent);
        ok(201, &json!({ "data": workspace }))
    }

    fn update_workspace(&self) -> Answer {
        let current = self.workspace()?;
        let (body, sent) = self.body::<UpdateWorkspaceRequest>()?;
        if let Some(slug) = &body.slug {
            self.slug_taken(slug, Some(current.id))?;
        }
        let mut workspace = to_value(current);
        merge(&mut workspace, &sent);
        workspace["updated_at"] = json!(SAMPLE_NOW);
        ok(200, &json!({ "data": workspace }))
    }

    fn delete_workspace(&self) -> Answer {
        let workspace = self.workspace()?;
        let id = workspace.id.to_string();
        let now = sample_now();
        let active = self
            .account
            .keys()
            .iter()
            .filter(|k| k.workspace_id == id && !k.disabled)
            .filter(|k| k.expires_at.is_none_or(|at| at > now))
            .count();
        if active > 0 {
            return Err(bad_request(format!(
                "Workspace {} still has {active} active API key(s); disable or delete them first",
                workspace.slug
            )));
        }
        deleted()
    }

    fn budgets(&self) -> Answer {
        let workspace = self.workspace()?;
        let budgets: Vec<_> = self
            .account
            .budgets()
            .iter()
            .filter(|b| b.workspace_id == workspace.id)
            .collect();
        ok(
            200,
            &json!({
                "data": budgets,
                "include_byok_in_budgets": workspace.include_byok_in_budgets.unwrap_or(false),
            }),
        )
    }

    /// The interval of the path: `None` for `lifetime`.
    fn interval(&self) -> Result<Option<&'static str>, Reply> {
        match WorkspaceBudgetInterval::from(self.path_param("interval")) {
            WorkspaceBudgetInterval::Daily => Ok(Some("daily")),
            WorkspaceBudgetInterval::Weekly => Ok(Some("weekly")),
            WorkspaceBudgetInterval::Monthly => Ok(Some("monthly")),
            WorkspaceBudgetInterval::Lifetime => Ok(None),
            other => Err(bad_request(format!(
                "Invalid interval {other}: expected daily, weekly, monthly or lifetime"
            ))),
        }
    }

    fn find_budget(&self) -> Result<(Option<Value>, Option<&'static str>), Reply> {
        let workspace = self.workspace()?;
        let interval = self.interval()?;
        let budget = self
            .account
            .budgets()
            .iter()
            .find(|b| {
                b.workspace_id == workspace.id
                    && b.reset_interval.as_ref().map(|r| r.as_str()) == interval
            })
            .map(to_value);
        Ok((budget, interval))
    }

    fn budget(&self) -> Answer {
        let workspace = self.workspace()?;
        match self.find_budget()? {
            (Some(budget), _) => ok(
                200,
                &json!({
                    "data": budget,
                    "include_byok_in_budgets": workspace.include_byok_in_budgets.unwrap_or(false),
                }),
            ),
            (None, interval) => Err(Reply::error(
                404,
                format!(
                    "Workspace {} has no {} budget",
                    workspace.slug,
                    interval.unwrap_or("lifetime")
                ),
            )),
        }
    }

    fn set_budget(&self) -> Answer {
        let workspace = self.workspace()?;
        let (body, _) = self.body::<UpsertWorkspaceBudgetRequest>()?;
        if !(body.limit_usd.is_finite() && body.limit_usd >= 0.0) {
            return Err(bad_request("limit_usd must be a non-negative number"));
        }
        let (existing, interval) = self.find_budget()?;
        let budget = match existing {
            Some(mut budget) => {
                budget["limit_usd"] = json!(body.limit_usd);
                budget["updated_at"] = json!(SAMPLE_NOW);
                budget
            }
            None => json!({
                "id": derived_uuid(&format!("budget:{}:{interval:?}", workspace.id)),
                "workspace_id": workspace.id,
                "limit_usd": body.limit_usd,
                "reset_interval": interval,
                "created_at": SAMPLE_NOW,
                "updated_at": SAMPLE_NOW,
            }),
        };
        let byok = body
            .include_byok_in_budgets
            .or(workspace.include_byok_in_budgets)
            .unwrap_or(false);
        ok(
            200,
            &json!({ "data": budget, "include_byok_in_budgets": byok }),
        )
    }

    fn members_of(
        &self,
        workspace: Uuid,
    ) -> Vec<&openrouter_analytics_api::types::WorkspaceMember> {
        self.account
            .workspace_members()
            .iter()
            .filter(|m| m.workspace_id == workspace)
            .collect()
    }

    fn workspace_members(&self) -> Answer {
        let workspace = self.workspace()?;
        self.page(&self.members_of(workspace.id), true)
    }

    fn add_members(&self) -> Answer {
        let workspace = self.workspace()?;
        let (body, _) = self.body::<WorkspaceMembersRequest>()?;
        let current = self.members_of(workspace.id);
        let mut added = Vec::new();
        for user in &body.user_ids {
            if !self.account.members().iter().any(|m| &m.id == user) {
                return Err(bad_request(format!(
                    "User {user} is not a member of the organization"
                )));
            }
            if current.iter().any(|m| &m.user_id == user)
                || added.iter().any(|a: &Value| a["user_id"] == *user)
            {
                continue;
            }
            added.push(json!({
                "id": derived_uuid(&format!("member:{}:{user}", workspace.id)),
                "workspace_id": workspace.id,
                "user_id": user,
                "role": "member",
                "created_at": SAMPLE_NOW,
            }));
        }
        ok(200, &json!({ "added_count": added.len(), "data": added }))
    }

    fn remove_members(&self) -> Answer {
        let workspace = self.workspace()?;
        let (body, _) = self.body::<WorkspaceMembersRequest>()?;
        let id = workspace.id.to_string();
        let now = sample_now();
        let current = self.members_of(workspace.id);
        let mut removed = 0;
        for user in &body.user_ids {
            let has_active_key = self.account.keys().iter().any(|k| {
                k.workspace_id == id
                    && k.creator_user_id.as_ref() == Some(user)
                    && !k.disabled
                    && k.expires_at.is_none_or(|at| at > now)
            });
            if has_active_key {
                return Err(bad_request(format!(
                    "User {user} has active API keys in workspace {}; disable or delete them first",
                    workspace.slug
                )));
            }
            if current.iter().any(|m| &m.user_id == user) {
                removed += 1;
            }
        }
        ok(200, &json!({ "removed_count": removed }))
    }

    fn run_query(&self) -> Answer {
        let (body, _) = self.body::<AnalyticsQueryRequest>()?;
        let result = analytics_query(self.account, &body).map_err(bad_request)?;
        ok(200, &json!({ "data": result }))
    }
}

/// Sets the fields `sent` names on `target`, `null` included.
fn merge(target: &mut Value, sent: &Map<String, Value>) {
    if let Value::Object(target) = target {
        for (name, value) in sent {
            target.insert(name.clone(), value.clone());
        }
    }
}

fn sample_now() -> DateTime<Utc> {
    SAMPLE_NOW.parse().unwrap_or_default()
}

/// The value of a dimension for activity row `index`.
fn dimension(account: &SampleAccount, index: usize, name: &str) -> String {
    let Some(row) = account.activity().get(index) else {
        return String::new();
    };
    match name {
        "model" => row.model.clone(),
        "provider" => row.provider_name.clone(),
        "api_key_id" => account
            .activity_key(index)
            .map(|k| k.hash.clone())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// The start of the time bucket of `date` for a granularity.
fn bucket(date: &str, granularity: Option<&str>) -> Option<String> {
    let day: NaiveDate = date.parse().ok()?;
    match granularity? {
        "week" => Some(
            (day - openrouter_analytics::chrono::Duration::days(i64::from(
                day.weekday().num_days_from_monday(),
            )))
            .to_string(),
        ),
        "month" => Some(format!("{:04}-{:02}-01", day.year(), day.month())),
        _ => Some(date.to_string()),
    }
}

fn scalar_text(value: &AnalyticsFilterScalar) -> String {
    match value {
        AnalyticsFilterScalar::String(text) => text.clone(),
        AnalyticsFilterScalar::Double(number) => number.to_string(),
    }
}

/// Runs an analytics query over the sample's activity: the metrics summed per
/// combination of dimension values (and time bucket), filtered, ordered and limited.
fn analytics_query(
    account: &SampleAccount,
    query: &AnalyticsQueryRequest,
) -> Result<Value, String> {
    for metric in &query.metrics {
        if !METRICS.iter().any(|(name, ..)| name == metric) {
            return Err(format!("Unknown metric: {metric}"));
        }
    }
    if query.metrics.is_empty() {
        return Err("metrics must name at least one metric".to_string());
    }
    if let Some(range) = &query.time_range
        && range.end - range.start
            > openrouter_analytics::chrono::Duration::days(PER_GENERATION_MAX_DAYS)
        && let Some(metric) = query
            .metrics
            .iter()
            .find(|m| PER_GENERATION_METRICS.contains(&m.as_str()))
    {
        return Err(format!(
            "The metric {metric} is limited to a time range of {PER_GENERATION_MAX_DAYS} days"
        ));
    }
    for name in &query.dimensions {
        if !DIMENSIONS.iter().any(|(known, _)| known == name) {
            return Err(format!("Unknown dimension: {name}"));
        }
    }
    let granularity = query.granularity.as_deref();
    if let Some(g) = granularity
        && !["day", "week", "month"].contains(&g)
    {
        return Err(format!("Unsupported granularity: {g}"));
    }
    let (start, end) = match &query.time_range {
        Some(range) => (range.start, range.end),
        None => (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC),
    };
    let mut groups: BTreeMap<Vec<String>, Totals> = BTreeMap::new();
    'rows: for (index, row) in account.activity().iter().enumerate() {
        let day_start = format!("{}T00:00:00Z", row.date)
            .parse::<DateTime<Utc>>()
            .unwrap_or_default();
        if day_start < start || day_start >= end {
            continue;
        }
        for filter in &query.filters {
            let value = dimension(account, index, &filter.field);
            let listed: Vec<String> = match &filter.value {
                AnalyticsFilterValue::Array(values) => values.iter().map(scalar_text).collect(),
                AnalyticsFilterValue::String(text) => vec![text.clone()],
                AnalyticsFilterValue::Double(number) => vec![number.to_string()],
            };
            let matches = listed.contains(&value);
            let keep = match filter.operator.as_str() {
                "eq" | "in" => matches,
                "neq" | "not_in" => !matches,
                other => {
                    return Err(format!(
                        "Operator {other} does not apply to the dimension {}",
                        filter.field
                    ));
                }
            };
            if !keep {
                continue 'rows;
            }
        }
        let mut key: Vec<String> = query
            .dimensions
            .iter()
            .map(|d| dimension(account, index, d))
            .collect();
        if let Some(bucket) = bucket(&row.date, granularity) {
            key.push(bucket);
        }
        groups
            .entry(key)
            .or_default()
            .add(row, account.activity_performance(index));
    }
    let mut rows: Vec<Map<String, Value>> = groups
        .into_iter()
        .map(|(key, totals)| {
            let mut row = Map::new();
            let mut key = key.into_iter();
            for name in &query.dimensions {
                row.insert(name.clone(), json!(key.next()));
            }
            if granularity.is_some() {
                row.insert("date".to_string(), json!(key.next()));
            }
            for metric in &query.metrics {
                row.insert(metric.clone(), totals.metric(metric));
            }
            row
        })
        .collect();
    // Without an order, the largest first by the first metric, as the dashboard shows.
    let (field, descending) = match &query.order_by {
        Some(order) => (order.field.clone(), order.direction.as_str() == "desc"),
        None if granularity.is_some() => ("date".to_string(), false),
        None => (query.metrics[0].clone(), true),
    };
    rows.sort_by(|a, b| {
        let ordering = match (&a.get(&field), &b.get(&field)) {
            (Some(Value::Number(x)), Some(Value::Number(y))) => x
                .as_f64()
                .unwrap_or(0.0)
                .total_cmp(&y.as_f64().unwrap_or(0.0)),
            (x, y) => x.map(Value::to_string).cmp(&y.map(Value::to_string)),
        };
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    let limit = query
        .limit
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(QUERY_DEFAULT_LIMIT);
    let truncated = rows.len() > limit;
    rows.truncate(limit);
    Ok(json!({
        "data": rows,
        "metadata": { "query_time_ms": 37.0, "row_count": rows.len(), "truncated": truncated },
    }))
}

/// The sums behind every metric of one row of an analytics query's answer.
#[derive(Default)]
struct Totals {
    usage: f64,
    requests: f64,
    prompt: f64,
    completion: f64,
    cached: f64,
    /// Latency and throughput, each weighted by its row's requests.
    latency: f64,
    throughput: f64,
    /// (median, 90th percentile, requests) of each row, for the group's percentiles.
    percentiles: Vec<(f64, f64, f64)>,
}

impl Totals {
    fn add(&mut self, row: &ActivityItem, performance: Option<Performance>) {
        let requests = row.requests as f64;
        self.usage += row.usage;
        self.requests += requests;
        self.prompt += row.prompt_tokens as f64;
        // OpenRouter counts reasoning tokens as completion tokens.
        self.completion += (row.completion_tokens + row.reasoning_tokens) as f64;
        self.cached += row.cached_tokens as f64;
        if let Some(performance) = performance {
            self.latency += performance.latency * requests;
            self.throughput += performance.throughput * requests;
            self.percentiles
                .push((performance.p50, performance.p90, requests));
        }
    }

    /// The value of `metric` (one of [`METRICS`]) over the group.
    fn metric(&self, metric: &str) -> Value {
        let per_request = |sum: f64| {
            if self.requests > 0.0 {
                json!(round_to(sum / self.requests, 1))
            } else {
                Value::Null
            }
        };
        match metric {
            "total_usage" => json!(round_to(self.usage, 6)),
            "request_count" => json!(self.requests.round() as i64),
            "tokens_total" => json!((self.prompt + self.completion).round() as i64),
            "tokens_prompt" => json!(self.prompt.round() as i64),
            "tokens_completion" => json!(self.completion.round() as i64),
            "cache_hit_rate" if self.prompt > 0.0 => json!(round_to(self.cached / self.prompt, 4)),
            "avg_latency" => per_request(self.latency),
            "avg_throughput" => per_request(self.throughput),
            "p50_latency" => json!(self.percentile(|p| p.0, 0.5)),
            "p90_latency" => json!(self.percentile(|p| p.1, 0.9)),
            _ => Value::Null,
        }
    }

    /// The request-weighted `share` percentile of the rows' own percentiles.
    fn percentile(&self, of: fn(&(f64, f64, f64)) -> f64, share: f64) -> Option<f64> {
        let mut values: Vec<(f64, f64)> = self.percentiles.iter().map(|p| (of(p), p.2)).collect();
        values.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = values.iter().map(|v| v.1).sum();
        let mut seen = 0.0;
        values.into_iter().find_map(|(value, weight)| {
            seen += weight;
            (seen >= share * total).then_some(value)
        })
    }
}

fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(account: &SampleAccount, body: Value) -> Reply {
        account.answer(
            &SentRequest::new("POST", "/analytics/query")
                .with_header("authorization", "Bearer sk-or-v1-test")
                .with_body(body.to_string()),
        )
    }

    fn json_of(reply: &Reply) -> Value {
        serde_json::from_slice(reply.body()).expect("JSON")
    }

    #[test]
    fn meta_speaks_openrouters_vocabulary() {
        let account = SampleAccount::new();
        let metrics: Vec<&str> = account
            .meta()
            .metrics
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(
            metrics,
            [
                "total_usage",
                "request_count",
                "tokens_total",
                "tokens_prompt",
                "tokens_completion",
                "cache_hit_rate",
                "avg_latency",
                "p50_latency",
                "p90_latency",
                "avg_throughput"
            ]
        );
        let dimensions: Vec<&str> = account
            .meta()
            .dimensions
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(dimensions, ["model", "provider", "api_key_id"]);
        let rates: Vec<&str> = account
            .meta()
            .metrics
            .iter()
            .filter(|m| m.is_rate)
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(
            rates,
            [
                "cache_hit_rate",
                "avg_latency",
                "p50_latency",
                "p90_latency",
                "avg_throughput"
            ]
        );
    }

    #[test]
    fn every_metric_adds_up_from_the_activity() {
        let account = SampleAccount::new();
        let names: Vec<&str> = METRICS.iter().map(|m| m.0).collect();
        let reply = ask(&account, json!({"metrics": names, "dimensions": ["model"]}));
        assert_eq!(
            reply.status(),
            200,
            "{:?}",
            String::from_utf8_lossy(reply.body())
        );
        let body = json_of(&reply);
        let rows = body["data"]["data"].as_array().expect("rows");
        let gpt4o = rows
            .iter()
            .find(|r| r["model"] == "openai/gpt-4o")
            .expect("a gpt-4o row");
        let of_model = || {
            account
                .activity()
                .iter()
                .filter(|r| r.model == "openai/gpt-4o")
        };
        let usage: f64 = of_model().map(|r| r.usage).sum();
        let prompt: i64 = of_model().map(|r| r.prompt_tokens).sum();
        let completion: i64 = of_model()
            .map(|r| r.completion_tokens + r.reasoning_tokens)
            .sum();
        let cached: i64 = of_model().map(|r| r.cached_tokens).sum();
        let requests: i64 = of_model().map(|r| r.requests).sum();
        assert!((gpt4o["total_usage"].as_f64().expect("number") - usage).abs() < 1e-5);
        assert_eq!(gpt4o["request_count"], json!(requests));
        assert_eq!(gpt4o["tokens_prompt"], json!(prompt));
        assert_eq!(gpt4o["tokens_completion"], json!(completion));
        assert_eq!(gpt4o["tokens_total"], json!(prompt + completion));
        let rate = gpt4o["cache_hit_rate"].as_f64().expect("rate");
        assert!(
            (rate - cached as f64 / prompt as f64).abs() < 1e-4,
            "{rate}"
        );
        let (p50, avg, p90) = (
            gpt4o["p50_latency"].as_f64().expect("p50"),
            gpt4o["avg_latency"].as_f64().expect("avg"),
            gpt4o["p90_latency"].as_f64().expect("p90"),
        );
        assert!(p50 < avg && avg < p90, "{p50} {avg} {p90}");
        // Groq's Llama is the fastest stream of the sample, DeepSeek R1 the slowest.
        let speed = |model: &str| {
            rows.iter()
                .find(|r| r["model"] == model)
                .and_then(|r| r["avg_throughput"].as_f64())
                .expect("throughput")
        };
        assert!(speed("meta-llama/llama-3.3-70b-instruct") > speed("deepseek/deepseek-r1"));
        // The default order is the first metric, largest first.
        let spend: Vec<f64> = rows
            .iter()
            .map(|r| r["total_usage"].as_f64().expect("number"))
            .collect();
        assert!(spend.windows(2).all(|w| w[0] >= w[1]), "{spend:?}");
    }

    #[test]
    fn api_key_id_groups_by_the_keys_hash() {
        let account = SampleAccount::new();
        let body = json_of(&ask(
            &account,
            json!({"metrics": ["total_usage"], "dimensions": ["api_key_id"]}),
        ));
        let rows = body["data"]["data"].as_array().expect("rows");
        for row in rows {
            let hash = row["api_key_id"].as_str().expect("a hash");
            let key = account.key(hash).expect("a key of the account");
            let window: f64 = account.activity_of_key(&key.hash).map(|r| r.usage).sum();
            assert!((row["total_usage"].as_f64().expect("number") - window).abs() < 1e-5);
        }
        assert!(rows.len() >= 5);
    }

    #[test]
    fn names_openrouter_does_not_have_and_long_latency_ranges_are_refused() {
        let account = SampleAccount::new();
        for (body, message) in [
            (
                json!({"metrics": ["total_cost"]}),
                "Unknown metric: total_cost",
            ),
            (json!({"metrics": ["cost"]}), "Unknown metric: cost"),
            (
                json!({"metrics": ["total_usage"], "dimensions": ["api_key"]}),
                "Unknown dimension: api_key",
            ),
            (
                json!({"metrics": ["p90_latency"], "time_range": {
                    "start": "2026-10-01T00:00:00Z", "end": "2026-11-26T00:00:00Z"}}),
                "limited to a time range of 31 days",
            ),
        ] {
            let reply = ask(&account, body.clone());
            assert_eq!(reply.status(), 400, "{body}");
            let text = json_of(&reply)["error"]["message"].to_string();
            assert!(text.contains(message), "{body}: {text}");
        }
        // Spend over the same long range is fine.
        let reply = ask(
            &account,
            json!({"metrics": ["total_usage"], "time_range": {
                "start": "2026-10-01T00:00:00Z", "end": "2026-11-26T00:00:00Z"}}),
        );
        assert_eq!(reply.status(), 200);
    }
}
