//! The sample account's governance and catalog side — guardrails and their key and
//! member assignments, BYOK provider keys, observability destinations, SCIM groups,
//! presets, models with prices, endpoints, providers, external users, organization
//! settings, private endpoints, rankings and benchmarks — and how the operations on them answer.
//!
//! The records are data (`sample_catalog.json`, consistent with the rest of the sample:
//! the guardrails are the workspaces' default guardrails plus two shared ones, assigned
//! to the sample's keys and members; the models are the ones in the activity, at the
//! prices the activity was charged). Each operation is a row of [`ANSWERS`] saying what
//! kind of answer it is (a page of a collection, one record, a create, an update, ...),
//! so an operation of the same shape needs a row, not code.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::reply::Reply;
use crate::sample::{SAMPLE_NOW, SampleCall};
use crate::sample_answer::{Answer, Call, bad_request, derived_hex, derived_uuid, ok};

/// The records, the canned answers and an example request per operation.
const CATALOG: &str = include_str!("sample_catalog.json");

/// The sample's catalog records, loaded from [`CATALOG`].
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Catalog {
    collections: Map<String, Value>,
    answers: Map<String, Value>,
    examples: Map<String, Value>,
}

impl Catalog {
    /// The catalog (empty if the embedded JSON were broken, which a test rules out).
    pub(crate) fn load() -> Self {
        let Ok(Value::Object(mut all)) = serde_json::from_str::<Value>(CATALOG) else {
            return Self::default();
        };
        let mut take = |name: &str| match all.remove(name) {
            Some(Value::Object(map)) => map,
            _ => Map::new(),
        };
        Self {
            collections: take("collections"),
            answers: take("answers"),
            examples: take("examples"),
        }
    }

    /// The records of a collection (`"guardrails"`, `"byok_keys"`, ...).
    pub(crate) fn records(&self, collection: &str) -> &[Value] {
        self.collections
            .get(collection)
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    fn answer(&self, name: &str) -> Option<&Value> {
        self.answers.get(name)
    }

    /// The example request of an operation: its arguments and body.
    pub(crate) fn example(&self, operation_id: &str) -> Option<SampleCall> {
        let example = self.examples.get(operation_id)?;
        let args = example
            .get("args")
            .and_then(Value::as_object)
            .map(|args| {
                args.iter()
                    .map(|(name, value)| {
                        let text = match value {
                            Value::String(text) => text.clone(),
                            other => other.to_string(),
                        };
                        (name.clone(), text)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let body = example.get("body").filter(|b| !b.is_null()).cloned();
        Some(SampleCall { args, body })
    }
}

/// How a query parameter narrows a list.
#[derive(Clone, Copy)]
enum Filter {
    /// Items whose field equals the parameter (ignoring ASCII case).
    Equals(&'static str, &'static str),
    /// Items whose field is exactly the parameter; an empty parameter filters nothing.
    Exact(&'static str, &'static str),
    /// Items whose field contains the parameter (ignoring ASCII case).
    Contains(&'static str, &'static str),
    /// Items whose boolean field is false are left out unless the parameter is `true`.
    HiddenUnless(&'static str, &'static str),
    /// Items whose list at the path holds one of the parameter's comma-separated
    /// values; `all` keeps every item, and a missing parameter means the default.
    AnyOf(&'static str, &'static [&'static str], &'static str),
}

/// An order a list may be asked for with its `sort` parameter.
#[derive(Clone, Copy)]
struct Sort {
    /// The parameter's value.
    value: &'static str,
    /// What is compared: the mean of these numeric fields (numbers or decimal
    /// strings), by path; none keeps the usual order (the sample has no such figure).
    by: &'static [&'static [&'static str]],
    descending: bool,
}

const fn sort(
    value: &'static str,
    by: &'static [&'static [&'static str]],
    descending: bool,
) -> Sort {
    Sort {
        value,
        by,
        descending,
    }
}

/// The model list's orders (the spec's `ModelsUserSort`). The sample has no
/// popularity, speed or benchmark figures: those keep the usual order, as the server
/// puts models with no score last.
const MODEL_SORTS: &[Sort] = &[
    sort("newest", &[&["created"]], true),
    sort(
        "pricing-low-to-high",
        &[&["pricing", "prompt"], &["pricing", "completion"]],
        false,
    ),
    sort(
        "pricing-high-to-low",
        &[&["pricing", "prompt"], &["pricing", "completion"]],
        true,
    ),
    sort("context-high-to-low", &[&["context_length"]], true),
    sort("most-popular", &[], false),
    sort("top-weekly", &[], false),
    sort("throughput-high-to-low", &[], false),
    sort("latency-low-to-high", &[], false),
    sort("intelligence-high-to-low", &[], false),
    sort("coding-high-to-low", &[], false),
    sort("agentic-high-to-low", &[], false),
    sort("design-arena-elo-high-to-low", &[], false),
];

/// What an operation answers.
#[derive(Clone, Copy)]
enum Kind {
    /// A page of a collection: `{"data": [...], "total_count": n}` (and `links` for
    /// the model lists), narrowed by the path's record (`parent`) and the filters.
    List {
        collection: &'static str,
        parent: Option<Parent>,
        filters: &'static [Filter],
        links: bool,
        /// The orders its `sort` parameter takes (none: it takes no `sort`).
        sorts: &'static [Sort],
    },
    /// One record, found by the path parameters joined with `/`: `{"data": record}`.
    Get(Record),
    /// A new record from the body over the first record of the collection: `201`.
    Create {
        collection: &'static str,
        key: &'static str,
        required: &'static [&'static str],
        /// A body field that is a secret: never echoed, shown masked in `label`.
        secret: Option<&'static str>,
    },
    /// The record with the body's fields set: `{"data": record}`.
    Update {
        record: Record,
        required: &'static [&'static str],
    },
    /// The record is gone: the answer is shaped by [`Deleted`].
    Delete {
        record: Record,
        answer: Deleted,
        required_query: Option<&'static str>,
    },
    /// The record moved to another lifecycle state (`status`): `{"data": record}`, or
    /// `409` when it is not in one of the states it can move from.
    Transition {
        record: Record,
        from: &'static [&'static str],
        to: &'static str,
    },
    /// A canned answer about an existing record, for a body with the `required` fields.
    FixedFor(Record, &'static str, &'static [&'static str]),
    /// A canned answer with another success status (`202` for a job that was queued).
    FixedStatus(&'static str, u16),
    /// The canned answer `name[key]`, where the key is the path parameters joined with
    /// `/` (`404` naming `what` for another key).
    ByPath(&'static str, &'static [&'static str], &'static str),
    /// A vault operation: metadata of stored secrets, never their values.
    Vault(VaultOp),
    /// Adds (or removes) the body's keys or members to a guardrail:
    /// `{"assigned_count": n}` / `{"unassigned_count": n}`.
    Assign {
        collection: &'static str,
        body_field: &'static str,
        item_field: &'static str,
        assign: bool,
    },
    /// A canned answer.
    Fixed(&'static str),
    /// A canned answer to a form-encoded body (`application/x-www-form-urlencoded`)
    /// that has the `required` fields, each `(field, value, code)` of `fixed` with that
    /// value; else a `400` in the OAuth shape (`{"error": code, "error_description"}`),
    /// as a token endpoint answers. The errors never quote a value sent.
    FormFixed {
        answer: &'static str,
        required: &'static [&'static str],
        fixed: &'static [(&'static str, &'static str, &'static str)],
    },
    /// A canned answer per value of a query parameter (`404` for another value).
    FixedBy(&'static str, &'static str),
    /// The canned answer with the body's fields set.
    FixedUpdate(&'static str, &'static [&'static str]),
    /// A preset with its designated version.
    Preset,
    /// A preset's versions, or one of them (`version` in the path).
    PresetVersions { one: bool },
    /// How many models there are.
    ModelCount,
    /// Feedback on a generation the sample knows.
    Feedback,
}

/// The vault operations. The workspace's secrets are the canned answer `vault_secrets`;
/// each intern's are `intern_vault_secrets[intern]` (and its connections and effective
/// secrets alike), so an unknown intern is a 404 as OpenRouter answers it.
#[derive(Clone, Copy)]
enum VaultOp {
    List { intern: bool },
    Connections,
    Effective,
    Store { intern: bool },
    Delete { intern: bool },
    Copy,
}

/// What a delete answers.
#[derive(Clone, Copy)]
enum Deleted {
    /// `{"deleted": true}`.
    Flag,
    /// `204` without a body.
    NoContent,
    /// `{"data": {"id": ..}}`.
    Id,
}

/// Where a record is: its collection, the path parameters naming it and its field.
#[derive(Clone, Copy)]
struct Record {
    collection: &'static str,
    params: &'static [&'static str],
    field: &'static str,
    what: &'static str,
}

/// A list below a record (`/guardrails/{id}/assignments/keys`): the record must exist
/// and the items' `field` names it.
#[derive(Clone, Copy)]
struct Parent {
    record: Record,
    field: &'static str,
}

const fn record(
    collection: &'static str,
    params: &'static [&'static str],
    field: &'static str,
    what: &'static str,
) -> Record {
    Record {
        collection,
        params,
        field,
        what,
    }
}

const GUARDRAIL: Record = record("guardrails", &["id"], "id", "Guardrail");
const BYOK_KEY: Record = record("byok_keys", &["id"], "id", "BYOK key");
const DESTINATION: Record = record(
    "observability_destinations",
    &["id"],
    "id",
    "Observability destination",
);
const SCIM_MAPPING: Record = record("scim_group_mappings", &["id"], "id", "SCIM group mapping");
const PRIVATE_ENDPOINT: Record = record("private_endpoints", &["id"], "id", "Private endpoint");
const EXTERNAL_USER: Record = record("external_users", &["user"], "user", "External user");
const MODEL: Record = record("models", &["author", "slug"], "id", "Model");
const MODEL_ENDPOINTS: Record = record("model_endpoints", &["author", "slug"], "id", "Model");

const fn list(collection: &'static str, filters: &'static [Filter]) -> Kind {
    Kind::List {
        collection,
        parent: None,
        filters,
        links: false,
        sorts: &[],
    }
}

const fn assignments(collection: &'static str) -> Kind {
    Kind::List {
        collection,
        parent: Some(Parent {
            record: GUARDRAIL,
            field: "guardrail_id",
        }),
        filters: &[],
        links: false,
        sorts: &[],
    }
}

const WORKSPACE: Filter = Filter::Equals("workspace_id", "workspace_id");
const MODEL_FILTERS: &[Filter] = &[Filter::Contains("q", "id")];
/// The models the key may use: `q`, and the output modalities (the server assumes
/// `text`).
const USER_MODEL_FILTERS: &[Filter] = &[
    Filter::Contains("q", "id"),
    Filter::AnyOf(
        "output_modalities",
        &["architecture", "output_modalities"],
        "text",
    ),
];

/// Every operation the catalog answers, by operation id.
const ANSWERS: &[(&str, Kind)] = &[
    ("list_guardrails", list("guardrails", &[WORKSPACE])),
    ("get_guardrail", Kind::Get(GUARDRAIL)),
    (
        "create_guardrail",
        Kind::Create {
            collection: "guardrails",
            key: "id",
            required: &["name"],
            secret: None,
        },
    ),
    (
        "update_guardrail",
        Kind::Update {
            record: GUARDRAIL,
            required: &[],
        },
    ),
    (
        "delete_guardrail",
        Kind::Delete {
            record: GUARDRAIL,
            answer: Deleted::Flag,
            required_query: None,
        },
    ),
    ("list_key_assignments", list("key_assignments", &[])),
    ("list_member_assignments", list("member_assignments", &[])),
    (
        "list_guardrail_key_assignments",
        assignments("key_assignments"),
    ),
    (
        "list_guardrail_member_assignments",
        assignments("member_assignments"),
    ),
    (
        "bulk_assign_keys_to_guardrail",
        Kind::Assign {
            collection: "key_assignments",
            body_field: "key_hashes",
            item_field: "key_hash",
            assign: true,
        },
    ),
    (
        "bulk_unassign_keys_from_guardrail",
        Kind::Assign {
            collection: "key_assignments",
            body_field: "key_hashes",
            item_field: "key_hash",
            assign: false,
        },
    ),
    (
        "bulk_assign_members_to_guardrail",
        Kind::Assign {
            collection: "member_assignments",
            body_field: "member_user_ids",
            item_field: "user_id",
            assign: true,
        },
    ),
    (
        "bulk_unassign_members_from_guardrail",
        Kind::Assign {
            collection: "member_assignments",
            body_field: "member_user_ids",
            item_field: "user_id",
            assign: false,
        },
    ),
    (
        "list_byok_keys",
        list(
            "byok_keys",
            &[WORKSPACE, Filter::Equals("provider", "provider")],
        ),
    ),
    ("get_byok_key", Kind::Get(BYOK_KEY)),
    (
        "create_byok_key",
        Kind::Create {
            collection: "byok_keys",
            key: "id",
            required: &["provider", "key"],
            secret: Some("key"),
        },
    ),
    (
        "update_byok_key",
        Kind::Update {
            record: BYOK_KEY,
            required: &[],
        },
    ),
    (
        "delete_byok_key",
        Kind::Delete {
            record: BYOK_KEY,
            answer: Deleted::Flag,
            required_query: None,
        },
    ),
    (
        "list_observability_destinations",
        list("observability_destinations", &[WORKSPACE]),
    ),
    ("get_observability_destination", Kind::Get(DESTINATION)),
    (
        "create_observability_destination",
        Kind::Create {
            collection: "observability_destinations",
            key: "id",
            required: &["type", "name", "config"],
            secret: None,
        },
    ),
    (
        "update_observability_destination",
        Kind::Update {
            record: DESTINATION,
            required: &[],
        },
    ),
    (
        "delete_observability_destination",
        Kind::Delete {
            record: DESTINATION,
            answer: Deleted::Flag,
            required_query: None,
        },
    ),
    (
        "list_scim_groups",
        list(
            "scim_groups",
            &[
                Filter::Exact("display_name", "display_name"),
                Filter::Exact("external_id", "external_id"),
            ],
        ),
    ),
    ("list_scim_group_mappings", list("scim_group_mappings", &[])),
    ("get_scim_group_mapping", Kind::Get(SCIM_MAPPING)),
    (
        "create_scim_group_mapping",
        Kind::Create {
            collection: "scim_group_mappings",
            key: "id",
            required: &["scim_group_id", "workspace_id", "role"],
            secret: None,
        },
    ),
    (
        "update_scim_group_mapping",
        Kind::Update {
            record: SCIM_MAPPING,
            required: &["role"],
        },
    ),
    (
        "delete_scim_group_mapping",
        Kind::Delete {
            record: SCIM_MAPPING,
            answer: Deleted::Flag,
            required_query: Some("keep_members"),
        },
    ),
    ("list_private_endpoints", list("private_endpoints", &[])),
    ("get_private_endpoint", Kind::Get(PRIVATE_ENDPOINT)),
    (
        "create_private_endpoint",
        Kind::Create {
            collection: "private_endpoints",
            key: "id",
            required: &["model_permaslug", "provider_slug", "upstream_model_id"],
            secret: None,
        },
    ),
    (
        "update_private_endpoint",
        Kind::Update {
            record: PRIVATE_ENDPOINT,
            required: &["upstream_model_id"],
        },
    ),
    (
        "update_private_endpoint_pricing",
        Kind::Update {
            record: PRIVATE_ENDPOINT,
            required: &["pricing"],
        },
    ),
    (
        "delete_private_endpoint",
        Kind::Delete {
            record: PRIVATE_ENDPOINT,
            answer: Deleted::Id,
            required_query: None,
        },
    ),
    (
        "validate_private_endpoint",
        Kind::FixedFor(
            PRIVATE_ENDPOINT,
            "private_endpoint_validation",
            &["workspace_id"],
        ),
    ),
    (
        "activate_private_endpoint",
        Kind::Transition {
            record: PRIVATE_ENDPOINT,
            from: &["draft"],
            to: "active",
        },
    ),
    (
        "enable_private_endpoint",
        Kind::Transition {
            record: PRIVATE_ENDPOINT,
            from: &["disabled"],
            to: "active",
        },
    ),
    (
        "disable_private_endpoint",
        Kind::Transition {
            record: PRIVATE_ENDPOINT,
            from: &["active"],
            to: "disabled",
        },
    ),
    (
        "list_vault_secrets",
        Kind::Vault(VaultOp::List { intern: false }),
    ),
    (
        "store_vault_secret",
        Kind::Vault(VaultOp::Store { intern: false }),
    ),
    (
        "delete_vault_secret",
        Kind::Vault(VaultOp::Delete { intern: false }),
    ),
    ("list_intern_connections", Kind::Vault(VaultOp::Connections)),
    (
        "list_intern_vault_secrets",
        Kind::Vault(VaultOp::List { intern: true }),
    ),
    (
        "list_intern_effective_vault_secrets",
        Kind::Vault(VaultOp::Effective),
    ),
    (
        "store_intern_vault_secret",
        Kind::Vault(VaultOp::Store { intern: true }),
    ),
    (
        "delete_intern_vault_secret",
        Kind::Vault(VaultOp::Delete { intern: true }),
    ),
    ("copy_vault_secrets_to_intern", Kind::Vault(VaultOp::Copy)),
    (
        "get_task_classifications",
        Kind::Fixed("task_classifications"),
    ),
    ("list_embeddings_models", Kind::Fixed("embedding_models")),
    ("list_image_models", Kind::Fixed("image_models")),
    (
        "list_image_model_endpoints",
        Kind::ByPath("image_model_endpoints", &["author", "slug"], "Model"),
    ),
    ("list_videos_models", Kind::Fixed("video_models")),
    (
        "create_scim_sync_job",
        Kind::FixedStatus("scim_sync_job_queued", 202),
    ),
    (
        "get_scim_sync_job",
        Kind::ByPath("scim_sync_jobs", &["id"], "SCIM sync job"),
    ),
    ("list_tools", Kind::Fixed("server_tools")),
    (
        "get_tool",
        Kind::ByPath("server_tool", &["name"], "Server tool"),
    ),
    ("list_presets", list("presets", &[])),
    ("get_preset", Kind::Preset),
    ("list_preset_versions", Kind::PresetVersions { one: false }),
    ("get_preset_version", Kind::PresetVersions { one: true }),
    (
        "get_models",
        Kind::List {
            collection: "models",
            parent: None,
            filters: MODEL_FILTERS,
            links: true,
            sorts: &[],
        },
    ),
    (
        "list_models_user",
        Kind::List {
            collection: "models",
            parent: None,
            filters: USER_MODEL_FILTERS,
            links: true,
            sorts: MODEL_SORTS,
        },
    ),
    ("get_model", Kind::Get(MODEL)),
    ("list_models_count", Kind::ModelCount),
    ("list_endpoints", Kind::Get(MODEL_ENDPOINTS)),
    ("list_endpoints_zdr", Kind::Fixed("endpoints_zdr")),
    ("list_providers", Kind::Fixed("providers")),
    (
        "list_external_users",
        list(
            "external_users",
            &[
                Filter::Contains("user", "user"),
                Filter::HiddenUnless("include_inactive", "is_active"),
            ],
        ),
    ),
    ("get_external_user", Kind::Get(EXTERNAL_USER)),
    (
        "create_external_user",
        Kind::Create {
            collection: "external_users",
            key: "user",
            required: &["user"],
            secret: None,
        },
    ),
    (
        "update_external_user",
        Kind::Update {
            record: EXTERNAL_USER,
            required: &["is_active"],
        },
    ),
    (
        "delete_external_user",
        Kind::Delete {
            record: EXTERNAL_USER,
            answer: Deleted::NoContent,
            required_query: None,
        },
    ),
    (
        "get_organization_settings",
        Kind::Fixed("organization_settings"),
    ),
    (
        "update_organization_settings",
        Kind::FixedUpdate(
            "organization_settings",
            &["is_filtered_model_catalog_enabled"],
        ),
    ),
    (
        "list_generation_content",
        Kind::FixedBy("generation_content", "id"),
    ),
    ("submit_generation_feedback", Kind::Feedback),
    ("create_auth_keys_code", Kind::Fixed("auth_code")),
    ("list_oauth_jwks", Kind::Fixed("oauth_jwks")),
    (
        "create_oauth_token",
        Kind::FormFixed {
            answer: "oauth_token",
            required: &[
                "federation_policy_id",
                "grant_type",
                "subject_token",
                "subject_token_type",
            ],
            fixed: &[
                (
                    "grant_type",
                    "urn:ietf:params:oauth:grant-type:token-exchange",
                    "unsupported_grant_type",
                ),
                (
                    "subject_token_type",
                    "urn:ietf:params:oauth:token-type:jwt",
                    "invalid_request",
                ),
                (
                    "requested_token_type",
                    "urn:ietf:params:oauth:token-type:access_token",
                    "invalid_request",
                ),
            ],
        },
    ),
    (
        "exchange_auth_code_for_api_key",
        Kind::Fixed("exchanged_key"),
    ),
    ("get_app_rankings", Kind::Fixed("app_rankings")),
    ("get_rankings_daily", Kind::Fixed("rankings_daily")),
    ("get_session_cost", Kind::Fixed("session_cost")),
    ("get_benchmarks", Kind::Fixed("benchmarks")),
];

/// Body fields whose values are secrets wherever they appear (a destination's
/// `config`): answers show them masked.
fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["key", "secret", "token", "password"]
        .iter()
        .any(|word| name.ends_with(word))
        && name != "publickey"
}

/// The media type of a form-encoded body.
const FORM: &str = "application/x-www-form-urlencoded";

/// The value at `path` (field names from the top of `item`).
fn at_path<'a>(item: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(item, |value, field| value.get(*field))
}

/// The mean of the numeric fields at `paths` (numbers, or decimal strings as prices
/// are), if the item has them all.
fn mean_of(item: &Value, paths: &[&[&str]]) -> Option<f64> {
    let mut sum = 0.0;
    for path in paths {
        sum += match at_path(item, path)? {
            Value::Number(number) => number.as_f64()?,
            Value::String(text) => text.parse().ok()?,
            _ => return None,
        };
    }
    Some(sum / paths.len() as f64)
}

/// `sk-or...Y2kA`: enough to recognise a secret, not to use it.
fn masked(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= 8 {
        return "****".to_string();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}...{tail}")
}

fn mask_secrets(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (name, field) in map.iter_mut() {
                match field {
                    Value::String(text) if is_secret_name(name) => *text = masked(text),
                    other => mask_secrets(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_secrets),
        _ => {}
    }
}

/// A vault secret's name: lowercase letters, digits and single underscores, starting
/// with a letter and not ending with an underscore, at most 255 characters.
fn is_secret_name_valid(name: &str) -> bool {
    name.len() <= 255
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('_')
        && !name.contains("__")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The hosts of a stored secret: 1 to 100 hostnames, lowercased, without a final dot.
fn normalized_hosts(hosts: Option<&Value>) -> Result<Value, Reply> {
    let list = hosts
        .and_then(Value::as_array)
        .filter(|list| (1..=100).contains(&list.len()))
        .ok_or_else(|| bad_request("Invalid hosts: 1 to 100 hostnames"))?;
    let mut out: Vec<String> = Vec::new();
    for host in list {
        let host = host.as_str().unwrap_or_default().trim_end_matches('.');
        let valid = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if !valid {
            return Err(bad_request(format!("Invalid host {host}")));
        }
        let host = host.to_ascii_lowercase();
        if !out.contains(&host) {
            out.push(host);
        }
    }
    Ok(json!(out))
}

/// The metadata of a secret just stored: its fingerprint is derived from `seed`, never
/// the value itself.
fn stored(name: &str, hosts: Value, seed: &str) -> Value {
    json!({
        "name": name,
        "hosts": hosts,
        "fingerprint": derived_hex(&format!("vault:{seed}")),
        "created_at": SAMPLE_NOW,
    })
}

fn with_scope(secret: &Value, scope: &str) -> Value {
    let mut secret = secret.clone();
    secret["scope"] = json!(scope);
    secret
}

fn text_of(value: &Value) -> Option<&str> {
    value.as_str()
}

impl Call<'_> {
    /// The catalog's answer to this operation, or `None` when the catalog has no row
    /// for it.
    pub(crate) fn catalog(&self, operation_id: &str) -> Option<Answer> {
        let (_, kind) = ANSWERS.iter().find(|(id, _)| *id == operation_id)?;
        Some(self.catalog_answer(*kind))
    }

    fn records(&self, collection: &str) -> &[Value] {
        self.account.catalog().records(collection)
    }

    fn find(&self, record: Record) -> Result<&Value, Reply> {
        let id: Vec<&str> = record.params.iter().map(|p| self.path_param(p)).collect();
        let id = id.join("/");
        self.records(record.collection)
            .iter()
            .find(|r| {
                r.get(record.field)
                    .and_then(text_of)
                    .is_some_and(|v| v.eq_ignore_ascii_case(&id))
            })
            .ok_or_else(|| Reply::error(404, format!("{} {id} not found", record.what)))
    }

    /// The body as a JSON object with `required` fields present.
    fn object_body(&self, required: &[&str]) -> Result<Map<String, Value>, Reply> {
        let value: Value = serde_json::from_slice(self.request.body())
            .map_err(|err| bad_request(format!("Invalid JSON body: {err}")))?;
        let Value::Object(map) = value else {
            return Err(bad_request("Invalid request body: expected an object"));
        };
        if let Some(missing) = required.iter().find(|f| !map.contains_key(**f)) {
            return Err(bad_request(format!(
                "Invalid request body: {missing} is required"
            )));
        }
        if let Some(workspace) = map.get("workspace_id").and_then(text_of)
            && self.account.workspace(workspace).is_none()
        {
            return Err(Reply::error(
                404,
                format!("Workspace {workspace} not found"),
            ));
        }
        Ok(map)
    }

    fn catalog_answer(&self, kind: Kind) -> Answer {
        match kind {
            Kind::List {
                collection,
                parent,
                filters,
                links,
                sorts,
            } => self.catalog_list(collection, parent, filters, links, sorts),
            Kind::Get(record) => ok(200, &json!({ "data": self.find(record)? })),
            Kind::Create {
                collection,
                key,
                required,
                secret,
            } => self.catalog_create(collection, key, required, secret),
            Kind::Update { record, required } => {
                let mut item = self.find(record)?.clone();
                let sent = self.object_body(required)?;
                merge_into(&mut item, &sent);
                if item.get("updated_at").is_some() {
                    item["updated_at"] = json!(SAMPLE_NOW);
                }
                if let Some(secret) = sent.get("key").and_then(text_of) {
                    // A replaced BYOK key: only its mask comes back.
                    item["label"] = json!(masked(secret));
                    if let Value::Object(map) = &mut item {
                        map.remove("key");
                    }
                }
                mask_secrets(&mut item);
                ok(200, &json!({ "data": item }))
            }
            Kind::Delete {
                record,
                answer,
                required_query,
            } => {
                let item = self.find(record)?;
                if let Some(name) = required_query {
                    self.query_bool(name)?;
                    if self.query(name).is_none() {
                        return Err(bad_request(format!("Missing query parameter {name}")));
                    }
                }
                match answer {
                    Deleted::Flag => ok(200, &json!({ "deleted": true })),
                    Deleted::NoContent => Ok(Reply::empty(204)),
                    Deleted::Id => ok(200, &json!({ "data": { "id": item.get(record.field) } })),
                }
            }
            Kind::Transition { record, from, to } => {
                let mut item = self.find(record)?.clone();
                let status = item.get("status").and_then(text_of).unwrap_or_default();
                if !from.contains(&status) {
                    return Err(Reply::error(
                        409,
                        format!("{} is {status}, not {}", record.what, from.join(" or ")),
                    ));
                }
                item["status"] = json!(to);
                ok(200, &json!({ "data": item }))
            }
            Kind::FixedFor(record, name, required) => {
                self.find(record)?;
                self.object_body(required)?;
                self.fixed(name)
            }
            Kind::Vault(op) => self.vault(op),
            Kind::FixedStatus(name, status) => ok(status, self.fixed_value(name)?),
            Kind::FormFixed {
                answer,
                required,
                fixed,
            } => self.form_fixed(answer, required, fixed),
            Kind::ByPath(name, params, what) => {
                let key: Vec<&str> = params.iter().map(|p| self.path_param(p)).collect();
                let key = key.join("/");
                let answer = self
                    .fixed_value(name)?
                    .get(&key)
                    .ok_or_else(|| Reply::error(404, format!("{what} {key} not found")))?;
                ok(200, answer)
            }
            Kind::Assign {
                collection,
                body_field,
                item_field,
                assign,
            } => self.catalog_assign(collection, body_field, item_field, assign),
            Kind::Fixed(name) => self.fixed(name),
            Kind::FixedBy(name, param) => {
                let id = self
                    .query(param)
                    .filter(|id| !id.is_empty())
                    .ok_or_else(|| bad_request(format!("Missing query parameter {param}")))?;
                let answer = self
                    .account
                    .catalog()
                    .answer(name)
                    .and_then(|all| all.get(id))
                    .ok_or_else(|| Reply::error(404, format!("Generation {id} not found")))?;
                ok(200, answer)
            }
            Kind::FixedUpdate(name, required) => {
                let mut answer = self.fixed_value(name)?.clone();
                let sent = self.object_body(required)?;
                merge_into(&mut answer["data"], &sent);
                ok(200, &answer)
            }
            Kind::Preset => {
                let preset = self.preset()?;
                let designated = preset.get("designated_version_id").and_then(text_of);
                let version = self
                    .records("preset_versions")
                    .iter()
                    .find(|v| designated.is_some() && v.get("id").and_then(text_of) == designated)
                    .cloned()
                    .unwrap_or(Value::Null);
                let mut data = preset.clone();
                data["designated_version"] = version;
                ok(200, &json!({ "data": data }))
            }
            Kind::PresetVersions { one } => self.preset_versions(one),
            Kind::ModelCount => ok(
                200,
                &json!({ "data": { "count": self.records("models").len() } }),
            ),
            Kind::Feedback => {
                let sent = self.object_body(&["generation_id", "category"])?;
                let id = sent
                    .get("generation_id")
                    .and_then(text_of)
                    .unwrap_or_default();
                if self.account.generation(id).is_none() {
                    return Err(Reply::error(404, format!("Generation {id} not found")));
                }
                self.fixed("feedback")
            }
        }
    }

    /// The secrets of the workspace, or of the path's intern (404 for an intern the
    /// sample does not have).
    fn vault_secrets(&self, intern: bool) -> Result<&[Value], Reply> {
        let all = if intern {
            let id = self.path_param("internId");
            self.fixed_value("intern_vault_secrets")?
                .get(id)
                .ok_or_else(|| Reply::error(404, format!("Intern {id} not found")))?
        } else {
            self.fixed_value("vault_secrets")?
        };
        Ok(all.as_array().map_or(&[], Vec::as_slice))
    }

    /// A page of `items` with `has_more`, as the vault lists answer.
    fn vault_page(&self, items: Vec<Value>) -> Answer {
        let offset = self.query_number("offset")?.unwrap_or(0) as usize;
        let total = items.len();
        let (page, _) = self.page_of(items, true)?;
        let has_more = offset + page.len() < total;
        ok(200, &json!({ "data": page, "has_more": has_more }))
    }

    fn vault(&self, op: VaultOp) -> Answer {
        match op {
            VaultOp::List { intern } => self.vault_page(self.vault_secrets(intern)?.to_vec()),
            VaultOp::Connections => {
                self.vault_secrets(true)?;
                let id = self.path_param("internId");
                let connections = self.fixed_value("intern_connections")?.get(id).cloned();
                ok(
                    200,
                    &json!({ "data": connections.unwrap_or_else(|| json!([])) }),
                )
            }
            VaultOp::Effective => {
                // The intern's own secrets win over the workspace's of the same name.
                let own = self.vault_secrets(true)?;
                let mut items: Vec<Value> = own
                    .iter()
                    .map(|secret| with_scope(secret, "intern"))
                    .collect();
                for secret in self.vault_secrets(false)? {
                    if !own.iter().any(|o| o.get("name") == secret.get("name")) {
                        items.push(with_scope(secret, "workspace"));
                    }
                }
                self.vault_page(items)
            }
            VaultOp::Store { intern } => {
                self.vault_secrets(intern)?;
                let name = self.path_param("name");
                if !is_secret_name_valid(name) {
                    return Err(bad_request(format!("Invalid secret name {name}")));
                }
                let sent = self.object_body(&["hosts", "value"])?;
                let value = sent.get("value").and_then(text_of).unwrap_or_default();
                if value.is_empty() || value.chars().count() > 65_536 {
                    // Never quote the value, not even in an error.
                    return Err(bad_request("Invalid value: 1 to 65536 characters"));
                }
                let hosts = normalized_hosts(sent.get("hosts"))?;
                let scope = if intern {
                    self.path_param("internId")
                } else {
                    "workspace"
                };
                ok(
                    200,
                    &json!({ "data": stored(name, hosts, &format!("{scope}:{name}:{value}")) }),
                )
            }
            VaultOp::Delete { intern } => {
                let name = self.path_param("name");
                if self
                    .vault_secrets(intern)?
                    .iter()
                    .any(|s| s.get("name").and_then(text_of) == Some(name))
                {
                    Ok(Reply::empty(204))
                } else {
                    Err(Reply::error(404, format!("Secret {name} not found")))
                }
            }
            VaultOp::Copy => {
                let intern = self.path_param("internId").to_string();
                self.vault_secrets(true)?;
                let sent = self.object_body(&["names"])?;
                let names = sent
                    .get("names")
                    .and_then(Value::as_array)
                    .ok_or_else(|| bad_request("Invalid request body: names must be a list"))?;
                let workspace = self.vault_secrets(false)?;
                let mut copies = Vec::new();
                for name in names {
                    let name = name.as_str().unwrap_or_default();
                    let source = workspace
                        .iter()
                        .find(|s| s.get("name").and_then(text_of) == Some(name))
                        .ok_or_else(|| Reply::error(404, format!("Secret {name} not found")))?;
                    let Some(hosts) = source.get("hosts").filter(|h| h.is_array()) else {
                        return Err(Reply::error(
                            409,
                            format!("Secret {name} has no hosts and cannot be copied"),
                        ));
                    };
                    let seed = format!("{intern}:{name}:{}", source["fingerprint"]);
                    copies.push(stored(name, hosts.clone(), &seed));
                }
                ok(200, &json!({ "data": copies }))
            }
        }
    }

    fn fixed_value(&self, name: &str) -> Result<&Value, Reply> {
        self.account
            .catalog()
            .answer(name)
            .ok_or_else(|| Reply::error(500, format!("openrouter-analytics-mock: no {name}")))
    }

    fn fixed(&self, name: &str) -> Answer {
        if name == "providers" {
            return ok(200, &json!({ "data": self.records("providers") }));
        }
        ok(200, self.fixed_value(name)?)
    }

    fn form_fixed(&self, answer: &str, required: &[&str], fixed: &[(&str, &str, &str)]) -> Answer {
        let refuse = |code: &str, description: String| {
            Err(Reply::json(
                400,
                &json!({ "error": code, "error_description": description }),
            ))
        };
        let is_form = self.request.header("content-type").is_some_and(|value| {
            value
                .split(';')
                .next()
                .is_some_and(|media| media.trim().eq_ignore_ascii_case(FORM))
        });
        if !is_form {
            return refuse("invalid_request", format!("the body must be {FORM}"));
        }
        let fields: Vec<(String, String)> = form_urlencoded::parse(self.request.body())
            .into_owned()
            .collect();
        let sent = |name: &str| {
            fields
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, value)| value.as_str())
        };
        for name in required {
            if sent(name).is_none_or(str::is_empty) {
                return refuse("invalid_request", format!("{name} is required"));
            }
        }
        for (name, value, code) in fixed {
            if sent(name).is_some_and(|sent| sent != *value) {
                return refuse(code, format!("{name} must be {value}"));
            }
        }
        ok(200, self.fixed_value(answer)?)
    }

    fn catalog_list(
        &self,
        collection: &str,
        parent: Option<Parent>,
        filters: &[Filter],
        links: bool,
        sorts: &[Sort],
    ) -> Answer {
        let sort = match self.query("sort") {
            Some(value) if !sorts.is_empty() => Some(
                sorts
                    .iter()
                    .find(|sort| sort.value == value)
                    .ok_or_else(|| bad_request(format!("Invalid sort: {value:?}")))?,
            ),
            _ => None,
        };
        let parent_id = match parent {
            Some(parent) => Some((
                parent.field,
                self.find(parent.record)?
                    .get(parent.record.field)
                    .and_then(text_of)
                    .unwrap_or_default()
                    .to_string(),
            )),
            None => None,
        };
        let mut items: Vec<Value> = Vec::new();
        'items: for item in self.records(collection) {
            if let Some((field, id)) = &parent_id
                && item.get(*field).and_then(text_of) != Some(id.as_str())
            {
                continue;
            }
            for filter in filters {
                let keep = match *filter {
                    Filter::Equals(param, field) => self.query(param).is_none_or(|want| {
                        item.get(field)
                            .and_then(text_of)
                            .is_some_and(|v| v.eq_ignore_ascii_case(want))
                    }),
                    Filter::Exact(param, field) => self
                        .query(param)
                        .filter(|want| !want.is_empty())
                        .is_none_or(|want| item.get(field).and_then(text_of) == Some(want)),
                    Filter::Contains(param, field) => self.query(param).is_none_or(|want| {
                        item.get(field).and_then(text_of).is_some_and(|v| {
                            v.to_ascii_lowercase().contains(&want.to_ascii_lowercase())
                        })
                    }),
                    Filter::HiddenUnless(param, field) => {
                        self.query_bool(param)? || item.get(field) != Some(&Value::Bool(false))
                    }
                    Filter::AnyOf(param, path, default) => {
                        let wanted: Vec<&str> = self
                            .query(param)
                            .unwrap_or(default)
                            .split(',')
                            .map(str::trim)
                            .collect();
                        wanted.contains(&"all")
                            || at_path(item, path)
                                .and_then(Value::as_array)
                                .is_some_and(|have| {
                                    have.iter()
                                        .filter_map(Value::as_str)
                                        .any(|value| wanted.contains(&value))
                                })
                    }
                };
                if !keep {
                    continue 'items;
                }
            }
            items.push(item.clone());
        }
        if let Some(sort) = sort.filter(|sort| !sort.by.is_empty()) {
            // Stable: equal figures keep the usual order; a record without one goes last.
            items.sort_by(|a, b| match (mean_of(a, sort.by), mean_of(b, sort.by)) {
                (Some(a), Some(b)) if sort.descending => b.total_cmp(&a),
                (Some(a), Some(b)) => a.total_cmp(&b),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
        }
        let (page, total) = self.page_of(items, true)?;
        if links {
            let offset = self.query_number("offset")?.unwrap_or(0) as usize;
            let next = (offset + page.len() < total).then(|| {
                format!(
                    "{}?offset={}&limit={}",
                    self.request.path(),
                    offset + page.len(),
                    page.len().max(1)
                )
            });
            ok(
                200,
                &json!({ "data": page, "total_count": total, "links": { "next": next } }),
            )
        } else {
            ok(200, &json!({ "data": page, "total_count": total }))
        }
    }

    fn catalog_create(
        &self,
        collection: &str,
        key: &str,
        required: &[&str],
        secret: Option<&str>,
    ) -> Answer {
        let mut sent = self.object_body(required)?;
        let template = self
            .records(collection)
            .first()
            .cloned()
            .unwrap_or_else(|| json!({}));
        let mut item = template;
        // Optional fields the template set but the body does not: back to empty.
        if let Value::Object(map) = &mut item {
            for (name, value) in map.iter_mut() {
                if !sent.contains_key(name) {
                    match value {
                        Value::Array(_) => *value = Value::Null,
                        Value::String(_) if name == "description" => *value = Value::Null,
                        _ => {}
                    }
                }
            }
        }
        let secret_value = secret.and_then(|field| sent.remove(field));
        merge_into(&mut item, &sent);
        if key == "id" {
            let seed = format!("{collection}:{}", Value::Object(sent.clone()));
            item["id"] = json!(derived_uuid(&seed));
        } else if self
            .records(collection)
            .iter()
            .any(|r| r.get(key) == sent.get(key))
        {
            return Err(Reply::error(
                409,
                format!(
                    "{} already exists",
                    sent.get(key).and_then(text_of).unwrap_or("It")
                ),
            ));
        }
        for stamp in ["created_at", "updated_at"] {
            if item.get(stamp).is_some() {
                item[stamp] = json!(SAMPLE_NOW);
            }
        }
        if let Some(Value::String(secret)) = &secret_value {
            item["label"] = json!(masked(secret));
        }
        if item.get("workspace_id").is_some() && !sent.contains_key("workspace_id") {
            item["workspace_id"] = json!(self.account.workspaces()[0].id.to_string());
        }
        if collection == "observability_destinations" {
            with_regions(&mut item, &sent);
        }
        if collection == "byok_keys" {
            // What the new key declares is only what was sent.
            for (field, unset) in [
                ("declared_region", Value::Null),
                ("declared_zdr", Value::Null),
                ("is_byok_only", json!(false)),
                ("is_required", json!(false)),
            ] {
                if !sent.contains_key(field) {
                    item[field] = unset;
                }
            }
        }
        mask_secrets(&mut item);
        ok(201, &json!({ "data": item }))
    }

    fn catalog_assign(
        &self,
        collection: &str,
        body_field: &str,
        item_field: &str,
        assign: bool,
    ) -> Answer {
        let guardrail = self.find(GUARDRAIL)?;
        let guardrail_id = guardrail.get("id").and_then(text_of).unwrap_or_default();
        let sent = self.object_body(&[body_field])?;
        let wanted: Vec<&str> = sent
            .get(body_field)
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(text_of).collect())
            .unwrap_or_default();
        let assigned: Vec<&str> = self
            .records(collection)
            .iter()
            .filter(|a| a.get("guardrail_id").and_then(text_of) == Some(guardrail_id))
            .filter_map(|a| a.get(item_field).and_then(text_of))
            .collect();
        let mut counted = BTreeMap::new();
        for id in wanted {
            let known = if item_field == "key_hash" {
                self.account.key(id).is_some()
            } else {
                self.account.members().iter().any(|m| m.id == id)
            };
            if !known {
                let what = if item_field == "key_hash" {
                    "API key"
                } else {
                    "Member"
                };
                return Err(bad_request(format!("{what} {id} not found")));
            }
            if assigned.contains(&id) != assign {
                counted.insert(id, ());
            }
        }
        let field = if assign {
            "assigned_count"
        } else {
            "unassigned_count"
        };
        ok(200, &json!({ field: counted.len() }))
    }

    fn preset(&self) -> Result<&Value, Reply> {
        let slug = self.path_param("slug");
        self.records("presets")
            .iter()
            .find(|p| p.get("slug").and_then(text_of) == Some(slug))
            .ok_or_else(|| Reply::error(404, format!("Preset {slug} not found")))
    }

    fn preset_versions(&self, one: bool) -> Answer {
        let preset = self.preset()?;
        let id = preset.get("id").and_then(text_of);
        let versions: Vec<Value> = self
            .records("preset_versions")
            .iter()
            .filter(|v| v.get("preset_id").and_then(text_of) == id)
            .cloned()
            .collect();
        if !one {
            let (page, total) = self.page_of(versions, true)?;
            return ok(200, &json!({ "data": page, "total_count": total }));
        }
        let wanted = self.path_param("version");
        versions
            .into_iter()
            .find(|v| v.get("version").map(Value::to_string).as_deref() == Some(wanted))
            .map_or_else(
                || {
                    Err(Reply::error(
                        404,
                        format!("Preset {} has no version {wanted}", self.path_param("slug")),
                    ))
                },
                |version| ok(200, &json!({ "data": version })),
            )
    }
}

/// Sets the fields `sent` names on `target`, `null` included.
/// A created destination's `regions`: `[global]` unless sent, `eu` stored as `europe`;
/// its beta cost allocation off unless asked for.
fn with_regions(item: &mut Value, sent: &Map<String, Value>) {
    let regions: Vec<Value> = match sent.get("regions") {
        Some(Value::Array(sent)) => sent
            .iter()
            .map(|region| match region.as_str() {
                Some("eu") => json!("europe"),
                _ => region.clone(),
            })
            .collect(),
        _ => vec![json!("global")],
    };
    item["regions"] = Value::Array(regions);
    if !sent.contains_key("broadcast_generation_cost_allocation") {
        item["broadcast_generation_cost_allocation"] = json!(false);
    }
}

fn merge_into(target: &mut Value, sent: &Map<String, Value>) {
    if let Value::Object(target) = target {
        for (name, value) in sent {
            target.insert(name.clone(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_loads_with_every_collection() {
        let catalog = Catalog::load();
        for name in [
            "guardrails",
            "key_assignments",
            "member_assignments",
            "byok_keys",
            "observability_destinations",
            "scim_groups",
            "scim_group_mappings",
            "presets",
            "preset_versions",
            "models",
            "model_endpoints",
            "providers",
            "external_users",
            "private_endpoints",
        ] {
            assert!(!catalog.records(name).is_empty(), "{name}");
        }
    }

    /// The request `call` describes for `op`: path parameters in the path, the others
    /// in the query, the body as JSON, with a management key.
    fn request_of(
        op: &openrouter_analytics::OperationInfo,
        call: &crate::SampleCall,
    ) -> crate::SentRequest {
        let mut path = op.path.to_string();
        let mut query = Vec::new();
        for (name, value) in &call.args {
            let placeholder = format!("{{{name}}}");
            if path.contains(&placeholder) {
                path = path.replace(&placeholder, value);
            } else {
                query.push((name.clone(), value.clone()));
            }
        }
        let mut request = crate::SentRequest::new(op.http_method, path)
            .with_header("authorization", "Bearer sk-or-v1-management");
        for (name, value) in query {
            request = request.with_query_param(name, value);
        }
        match &call.body {
            Some(serde_json::Value::Object(fields)) if op.form_body => {
                let mut form = form_urlencoded::Serializer::new(String::new());
                for (name, value) in fields {
                    let text = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_owned);
                    form.append_pair(name, &text);
                }
                request = request
                    .with_header("content-type", FORM)
                    .with_body(form.finish());
            }
            Some(body) => request = request.with_body(body.to_string()),
            None => {}
        }
        request
    }

    #[test]
    fn the_token_exchange_wants_a_form_and_answers_errors_in_the_oauth_shape() {
        let account = crate::SampleAccount::new();
        let op = openrouter_analytics::find_operation("o_auth", "create_oauth_token")
            .expect("in the spec");
        let call = account.example_call(op.operation_id).expect("an example");
        let token = call.body.as_ref().expect("a body")["subject_token"]
            .as_str()
            .expect("a token")
            .to_owned();
        let answer = |call: &crate::SampleCall, as_form: bool| {
            let request = if as_form {
                request_of(op, call)
            } else {
                crate::SentRequest::new("POST", "/oauth/token")
                    .with_header("authorization", "Bearer sk-or-v1-management")
                    .with_header("content-type", "application/json")
                    .with_body(call.body.as_ref().map(Value::to_string).unwrap_or_default())
            };
            let reply = account.answer(&request);
            let body: Value = serde_json::from_slice(reply.body()).expect("JSON");
            (reply.status(), body)
        };
        let (status, body) = answer(&call, true);
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["token_type"], "Bearer");

        // JSON is refused, as a token endpoint refuses it.
        let (status, body) = answer(&call, false);
        assert_eq!((status, &body["error"]), (400, &json!("invalid_request")));

        let mut wrong_grant = call.clone();
        if let Some(body) = wrong_grant.body.as_mut() {
            body["grant_type"] = json!("client_credentials");
        }
        let (status, body) = answer(&wrong_grant, true);
        assert_eq!(
            (status, &body["error"]),
            (400, &json!("unsupported_grant_type"))
        );

        let mut no_token = call.clone();
        if let Some(Value::Object(fields)) = no_token.body.as_mut() {
            fields.remove("subject_token");
        }
        let (status, body) = answer(&no_token, true);
        assert_eq!((status, &body["error"]), (400, &json!("invalid_request")));
        assert!(!body.to_string().contains(&token), "{body}");
    }

    #[test]
    fn every_operation_has_an_example_call_that_the_sample_answers_with_2xx() {
        let account = crate::SampleAccount::new();
        for op in openrouter_analytics::operations() {
            let call = account
                .example_call(op.operation_id)
                .unwrap_or_else(|| panic!("{}: no example call", op.operation_id));
            for parameter in op.parameters.iter().filter(|p| p.required) {
                assert!(
                    call.args.iter().any(|(name, _)| name == parameter.name),
                    "{}: the example lacks {}",
                    op.operation_id,
                    parameter.name
                );
            }
            assert_eq!(call.body.is_some(), op.has_body, "{}", op.operation_id);
            let reply = account.answer(&request_of(op, &call));
            assert!(
                (200..300).contains(&reply.status()),
                "{}: {} {}",
                op.operation_id,
                reply.status(),
                String::from_utf8_lossy(reply.body())
            );
        }
    }

    #[test]
    fn guardrail_assignments_count_only_what_changes_and_refuse_unknown_keys() {
        let account = crate::SampleAccount::new();
        let spend_cap = account
            .records("guardrails")
            .iter()
            .find(|g| g["name"] == "Per-person daily cap")
            .and_then(|g| g["id"].as_str())
            .expect("the shared guardrail")
            .to_string();
        let assigned: Vec<&str> = account
            .records("key_assignments")
            .iter()
            .filter(|a| a["guardrail_id"] == spend_cap.as_str())
            .filter_map(|a| a["key_hash"].as_str())
            .collect();
        let unassigned = account
            .keys()
            .iter()
            .find(|k| !assigned.contains(&k.hash.as_str()))
            .expect("a key without it");
        let post = |path: &str, body: Value| {
            account.answer(
                &crate::SentRequest::new("POST", path)
                    .with_header("authorization", "Bearer sk-or-v1-management")
                    .with_body(body.to_string()),
            )
        };
        let path = format!("/guardrails/{spend_cap}/assignments/keys");
        let reply = post(
            &path,
            json!({"key_hashes": [assigned[0], unassigned.hash, unassigned.hash]}),
        );
        assert_eq!(reply.status(), 200);
        let body: Value = serde_json::from_slice(reply.body()).expect("JSON");
        assert_eq!(body, json!({"assigned_count": 1}));
        let reply = post(
            &format!("{path}/remove"),
            json!({"key_hashes": [assigned[0], unassigned.hash]}),
        );
        let body: Value = serde_json::from_slice(reply.body()).expect("JSON");
        assert_eq!(body, json!({"unassigned_count": 1}));
        let reply = post(&path, json!({"key_hashes": ["no-such-hash"]}));
        assert_eq!(reply.status(), 400);
        let reply = post(
            "/guardrails/00000000-0000-4000-8000-000000000000/assignments/keys",
            json!({"key_hashes": [unassigned.hash]}),
        );
        assert_eq!(reply.status(), 404);
    }

    #[test]
    fn a_created_byok_key_comes_back_masked_and_never_echoed() {
        let account = crate::SampleAccount::new();
        let secret = "mst-2f9c0d8e7b6a5f4e3d2c1b0a9f8e7d6c";
        let reply = account.answer(
            &crate::SentRequest::new("POST", "/byok")
                .with_header("authorization", "Bearer sk-or-v1-management")
                .with_body(json!({"provider": "mistral", "key": secret}).to_string()),
        );
        assert_eq!(reply.status(), 201);
        let text = String::from_utf8_lossy(reply.body()).into_owned();
        assert!(!text.contains(secret), "{text}");
        let body: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(body["data"]["label"], "mst-...7d6c");
        assert_eq!(body["data"]["provider"], "mistral");
        assert!(body["data"].get("key").is_none());
        // Every stored key is masked too.
        for key in account.records("byok_keys") {
            assert!(
                key["label"].as_str().is_some_and(|l| l.contains("...")),
                "{key}"
            );
        }
    }

    #[test]
    fn the_models_are_the_activitys_at_the_prices_it_was_charged() {
        let account = crate::SampleAccount::new();
        for row in account.activity() {
            let model = account
                .records("models")
                .iter()
                .find(|m| m["id"] == row.model.as_str())
                .unwrap_or_else(|| panic!("{} is in the activity but not the models", row.model));
            let per_token = |field: &str| -> f64 {
                model["pricing"][field]
                    .as_str()
                    .and_then(|p| p.parse().ok())
                    .expect("a price as a decimal string")
            };
            assert!(per_token("prompt") > 0.0 && per_token("completion") > per_token("prompt"));
        }
        let reply = account.answer(
            &crate::SentRequest::new("GET", "/models")
                .with_header("authorization", "Bearer sk-or-v1-management")
                .with_query_param("limit", "5")
                .with_query_param("offset", "10"),
        );
        let body: Value = serde_json::from_slice(reply.body()).expect("JSON");
        let total = account.records("models").len();
        assert_eq!(body["total_count"], total);
        assert_eq!(body["data"].as_array().map(Vec::len), Some(total - 10));
        assert_eq!(body["links"]["next"], Value::Null);
    }

    /// `GET /models/user` with these query parameters: status and the models' ids.
    fn user_models(query: &[(&str, &str)]) -> (u16, Vec<String>) {
        let account = crate::SampleAccount::new();
        let mut request = crate::SentRequest::new("GET", "/models/user")
            .with_header("authorization", "Bearer sk-or-v1-management");
        for (name, value) in query {
            request = request.with_query_param(*name, *value);
        }
        let reply = account.answer(&request);
        let body: Value = serde_json::from_slice(reply.body()).expect("JSON");
        let ids = body["data"]
            .as_array()
            .map(|models| {
                models
                    .iter()
                    .filter_map(|m| m["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        (reply.status(), ids)
    }

    #[test]
    fn the_models_for_a_key_honour_sort_and_output_modalities() {
        let (_, usual) = user_models(&[]);
        let models = crate::SampleAccount::new().records("models").to_vec();
        assert_eq!(usual.len(), models.len(), "text is the default modality");
        let figure = |id: &str, path: &[&[&str]]| {
            let model = models.iter().find(|m| m["id"] == id).expect("a model");
            mean_of(model, path).expect("a figure")
        };
        let price: &[&[&str]] = &[&["pricing", "prompt"], &["pricing", "completion"]];
        for (sort, path, descending) in [
            ("newest", &[&["created"][..]][..], true),
            ("pricing-low-to-high", price, false),
            ("pricing-high-to-low", price, true),
            ("context-high-to-low", &[&["context_length"][..]][..], true),
        ] {
            let (status, ids) = user_models(&[("sort", sort)]);
            assert_eq!(status, 200, "{sort}");
            assert_eq!(ids.len(), usual.len(), "{sort}");
            assert_ne!(ids, usual, "{sort} changes the sample's order");
            for pair in ids.windows(2) {
                let (a, b) = (figure(&pair[0], path), figure(&pair[1], path));
                assert!(if descending { a >= b } else { a <= b }, "{sort}: {pair:?}");
            }
        }
        // Orders the sample has no figures for keep the usual order; others are refused.
        assert_eq!(
            user_models(&[("sort", "most-popular")]),
            (200, usual.clone())
        );
        assert_eq!(user_models(&[("sort", "alphabetical")]).0, 400);
        // Sorting applies before paging: the first page is the cheapest models.
        let (_, cheapest) = user_models(&[("sort", "pricing-low-to-high"), ("limit", "2")]);
        let (_, all) = user_models(&[("sort", "pricing-low-to-high")]);
        assert_eq!(cheapest, all[..2].to_vec());

        // Every sample model outputs text only.
        for (modalities, expected) in [
            ("text", usual.len()),
            ("all", usual.len()),
            ("image,text", usual.len()),
            ("image", 0),
            ("audio,video", 0),
        ] {
            let (status, ids) = user_models(&[("output_modalities", modalities)]);
            assert_eq!((status, ids.len()), (200, expected), "{modalities}");
        }
    }

    #[test]
    fn secrets_are_masked_by_name_anywhere_in_a_record() {
        let mut value = json!({"config": {"apiKey": "dd-0123456789abcdef", "secretKey": "short",
            "publicKey": "pk-lf-123456789", "url": "https://x"}});
        mask_secrets(&mut value);
        assert_eq!(value["config"]["apiKey"], "dd-0...cdef");
        assert_eq!(value["config"]["secretKey"], "****");
        assert_eq!(value["config"]["publicKey"], "pk-lf-123456789");
        assert_eq!(value["config"]["url"], "https://x");
    }
}
