//! `cargo xtask import --upstream FILE OPERATION_ID...`: bring operations from
//! OpenRouter's OpenAPI 3.1 document into our 3.0.3 spec, facts only.
//!
//! For each operation: its path, method, `operationId`, tags, `x-speakeasy-name-override`
//! (the official SDKs' method name), parameters (without the app attribution headers,
//! which our client sends on every request), request body and response statuses, plus
//! every component schema they reach, rewritten by [`crate::rewrite`]. Further:
//!
//! - every error status refers to a shared response of ours (`#/components/responses/..`)
//!   whose body is our one `ErrorResponse`: progenitor allows one error type per operation;
//! - inline object schemas become named component schemas: `<Base>Request`,
//!   `<Base>Response`, then `<Parent><Property>` and `<Parent>Item` below them, where
//!   `<Base>` is the operationId in PascalCase (with the tag appended when the
//!   operationId is one word, e.g. `list` -> `ListApiKeys`);
//! - a named schema is never nullable itself (typify #1011 would duplicate its type): the
//!   places that use it say `allOf: [$ref]` + `nullable: true`;
//! - upstream wording is not copied. Operations, parameters, responses, new tags and new
//!   schemas get the placeholder [`NEEDS_DESCRIPTION`], which the command lists until
//!   someone writes our own words.
//!
//! Re-importing an operation replaces it and its schemas in place, keeping our
//! descriptions and examples, and keeping properties and parameters only we have (facts
//! newer than the upstream document, added by hand). The result is deterministic and a
//! second import of the same operations changes nothing.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use serde_yaml_ng::{Mapping, Value};

use crate::rewrite::{self, set};
use crate::spec::{SPEC_PATH, load_ordered, to_yaml};

/// Stands in for a description we still have to write.
pub const NEEDS_DESCRIPTION: &str = "TODO: needs a description";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Header parameters our client sets on every request; never per operation.
const APP_HEADERS: [&str; 3] = [
    "http-referer",
    "x-openrouter-title",
    "x-openrouter-categories",
];

/// Our shared error responses: status, component name, our description. An error status
/// not listed (such as Cloudflare's 524 or OpenRouter's 529, which have no standard
/// reason phrase and make progenitor's httpmock generator panic) is answered by its
/// range, `4XX` or `5XX`.
const ERROR_RESPONSES: [(&str, &str, &str); 15] = [
    (
        "400",
        "BadRequest",
        "The request was malformed or a parameter was out of range.",
    ),
    (
        "401",
        "Unauthorized",
        "No key, or a key OpenRouter does not know.",
    ),
    (
        "402",
        "PaymentRequired",
        "The account has too few credits for this request.",
    ),
    (
        "403",
        "Forbidden",
        "The key is valid but may not do this (for example, it is not a management key).",
    ),
    ("404", "NotFound", "Nothing matched the request."),
    (
        "408",
        "RequestTimeout",
        "The query took longer than OpenRouter allows.",
    ),
    (
        "409",
        "Conflict",
        "The request clashes with the current state of the resource.",
    ),
    (
        "422",
        "UnprocessableEntity",
        "The request was well-formed but a value in it was rejected.",
    ),
    (
        "429",
        "TooManyRequests",
        "Too many requests in a short time; wait and try again.",
    ),
    (
        "500",
        "InternalServerError",
        "OpenRouter failed while answering.",
    ),
    (
        "502",
        "BadGateway",
        "The provider behind OpenRouter failed or answered with something unusable.",
    ),
    (
        "503",
        "ServiceUnavailable",
        "OpenRouter cannot serve the request at the moment.",
    ),
    (
        "504",
        "GatewayTimeout",
        "A service behind OpenRouter did not answer in time.",
    ),
    (
        "4XX",
        "ClientError",
        "Another error in the request (a status without a response of its own here).",
    ),
    (
        "5XX",
        "ServerError",
        "Another failure on OpenRouter's side, such as an edge timeout (524) or an overloaded provider (529).",
    ),
];

/// The shared error body every error response uses.
const ERROR_SCHEMA_REF: &str = "#/components/schemas/ErrorResponse";

const SCHEMA_PREFIX: &str = "#/components/schemas/";

pub fn run(root: &Path, upstream_path: &Path, ids: &[String]) -> Result<(), String> {
    let spec_path = root.join(SPEC_PATH);
    let mut ours = load_ordered(&spec_path)?;
    let upstream = load_ordered(upstream_path)?;
    let report = import(&mut ours, &upstream, ids)?;
    let text = to_yaml(&ours);
    let old = std::fs::read_to_string(&spec_path).unwrap_or_default();
    for line in &report {
        println!("{line}");
    }
    if old == text {
        println!("unchanged {SPEC_PATH}");
    } else {
        std::fs::write(&spec_path, text)
            .map_err(|err| format!("{}: cannot write: {err}", spec_path.display()))?;
        println!("wrote {SPEC_PATH}");
    }
    Ok(())
}

/// Imports `ids` from `upstream` into `ours`; returns what it did, one line each,
/// ending with every place that still needs a description.
pub fn import(ours: &mut Value, upstream: &Value, ids: &[String]) -> Result<Vec<String>, String> {
    let located = locate_operations(upstream);
    let missing: Vec<&str> = ids
        .iter()
        .filter(|id| !located.contains_key(id.as_str()))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "not in the upstream document: {}",
            missing.join(", ")
        ));
    }
    let mut importer = Importer {
        upstream,
        schemas: Mapping::new(),
        queue: VecDeque::new(),
        error_statuses: BTreeSet::new(),
    };
    let mut operations = Vec::new();
    let mut report = Vec::new();
    for id in ids {
        let (path, method) = &located[id.as_str()];
        let operation = importer.operation(path, method)?;
        report.push(format!("imported {id}: {} {path}", method.to_uppercase()));
        operations.push((path.clone(), method.clone(), operation));
    }
    importer.copy_reached_schemas()?;
    let nullable_named = importer.move_nullability_to_uses(&mut operations);
    for name in nullable_named {
        report.push(format!(
            "{name}: nullable moved from the schema to the places that use it"
        ));
    }

    let root = ours
        .as_mapping_mut()
        .ok_or("our spec is not a YAML mapping")?;
    // Operations.
    for (path, method, mut operation) in operations {
        let paths = child_mapping(root, "paths");
        let item = child_mapping(paths, &path);
        let at = format!("{} {path}", method.to_uppercase());
        if let Some(old) = item.get(method.as_str()) {
            carry_over(&mut operation, old, &at, &mut report);
        }
        item.insert(Value::String(method.clone()), canonical(operation, false));
        sort_mapping(item, |key| {
            METHODS
                .iter()
                .position(|m| *m == key)
                .unwrap_or(METHODS.len())
        });
        tags_of(item.get(method.as_str()))
            .into_iter()
            .for_each(|tag| ensure_tag(root, &tag));
    }
    let paths = child_mapping(root, "paths");
    let mut sorted: Vec<(Value, Value)> = std::mem::take(paths).into_iter().collect();
    sorted.sort_by(|a, b| a.0.as_str().cmp(&b.0.as_str()));
    paths.extend(sorted);

    // Schemas, in place when they exist, appended in order of discovery otherwise.
    let components = child_mapping(root, "components");
    let responses = child_mapping(components, "responses");
    for status in &importer.error_statuses {
        let (name, description) = error_response(status);
        if !responses.contains_key(name.as_str()) {
            let mut schema = Mapping::new();
            set(&mut schema, "$ref", Value::String(ERROR_SCHEMA_REF.into()));
            let mut media = Mapping::new();
            set(&mut media, "schema", Value::Mapping(schema));
            let mut content = Mapping::new();
            set(&mut content, "application/json", Value::Mapping(media));
            let mut response = Mapping::new();
            set(&mut response, "description", Value::String(description));
            set(&mut response, "content", Value::Mapping(content));
            set(responses, &name, Value::Mapping(response));
            report.push(format!("added the shared {status} response {name}"));
        }
    }
    let schemas = child_mapping(components, "schemas");
    for (name, mut schema) in std::mem::take(&mut importer.schemas) {
        let name_str = name.as_str().unwrap_or_default().to_string();
        if let Some(old) = schemas.get(&name) {
            carry_over(&mut schema, old, &name_str, &mut report);
        } else if let Value::Mapping(map) = &mut schema {
            set(map, "description", Value::String(NEEDS_DESCRIPTION.into()));
        }
        schemas.insert(name, canonical(schema, false));
    }

    let mut todo = Vec::new();
    find_placeholders(&Value::Mapping(root.clone()), "", &mut todo);
    report.extend(
        todo.into_iter()
            .map(|at| format!("needs a description: {at}")),
    );
    Ok(report)
}

/// operationId -> (path, method), in the document's order.
fn locate_operations(upstream: &Value) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    let paths = upstream.get("paths").and_then(Value::as_mapping);
    for (path, item) in paths.into_iter().flatten() {
        for method in METHODS {
            let id = item
                .get(method)
                .and_then(|op| op.get("operationId"))
                .and_then(Value::as_str);
            if let (Some(id), Some(path)) = (id, path.as_str()) {
                out.insert(id.to_string(), (path.to_string(), method.to_string()));
            }
        }
    }
    out
}

struct Importer<'a> {
    upstream: &'a Value,
    /// Schemas to write into our components, in order of discovery.
    schemas: Mapping,
    /// Upstream component schemas reached but not yet copied.
    queue: VecDeque<String>,
    error_statuses: BTreeSet<String>,
}

/// Follows a local `$ref` (to parameters, request bodies, responses).
fn resolve<'v>(upstream: &'v Value, mut node: &'v Value) -> &'v Value {
    for _ in 0..16 {
        let Some(pointer) = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        else {
            return node;
        };
        let mut target = upstream;
        for part in pointer.split('/').filter(|p| !p.is_empty()) {
            let part = part.replace("~1", "/").replace("~0", "~");
            match target.get(part.as_str()) {
                Some(next) => target = next,
                None => return node,
            }
        }
        node = target;
    }
    node
}

impl<'a> Importer<'a> {
    fn operation(&mut self, path: &str, method: &str) -> Result<Value, String> {
        let upstream: &'a Value = self.upstream;
        let item = resolve(
            upstream,
            upstream
                .get("paths")
                .and_then(|p| p.get(path))
                .unwrap_or(&Value::Null),
        );
        let upstream_op = item.get(method).unwrap_or(&Value::Null);
        let id = upstream_op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let tags: Vec<Value> = upstream_op
            .get("tags")
            .and_then(Value::as_sequence)
            .cloned()
            .unwrap_or_default();
        let base = base_name(id, tags.first().and_then(Value::as_str));

        let mut op = Mapping::new();
        if !tags.is_empty() {
            set(&mut op, "tags", Value::Sequence(tags));
        }
        set(&mut op, "operationId", Value::String(id.to_string()));
        if let Some(name) = upstream_op.get("x-speakeasy-name-override") {
            set(&mut op, "x-speakeasy-name-override", name.clone());
        }
        set(&mut op, "summary", todo());
        set(&mut op, "description", todo());

        // Path-level parameters first, overridden by the operation's own.
        let mut parameters: Vec<((String, String), Value)> = Vec::new();
        for list in [item.get("parameters"), upstream_op.get("parameters")] {
            for parameter in list.and_then(Value::as_sequence).into_iter().flatten() {
                let parameter = resolve(upstream, parameter);
                let name = str_of(parameter, "name");
                let location = str_of(parameter, "in");
                if location == "header" && APP_HEADERS.contains(&name.to_ascii_lowercase().as_str())
                {
                    continue;
                }
                let mut out = Mapping::new();
                set(&mut out, "name", Value::String(name.clone()));
                set(&mut out, "in", Value::String(location.clone()));
                let required = location == "path"
                    || parameter.get("required").and_then(Value::as_bool) == Some(true);
                set(&mut out, "required", Value::Bool(required));
                set(&mut out, "description", todo());
                if let Some(schema) = parameter.get("schema") {
                    let schema =
                        self.extract(rewrite::schema(schema), &format!("{base}{}", pascal(&name)));
                    set(&mut out, "schema", schema);
                }
                let key = (location, name);
                parameters.retain(|(k, _)| *k != key);
                parameters.push((key, Value::Mapping(out)));
            }
        }
        if !parameters.is_empty() {
            set(
                &mut op,
                "parameters",
                Value::Sequence(parameters.into_iter().map(|(_, p)| p).collect()),
            );
        }

        if let Some(body) = upstream_op.get("requestBody") {
            let body = resolve(upstream, body);
            let mut out = Mapping::new();
            if let Some(required) = body.get("required") {
                set(&mut out, "required", required.clone());
            }
            if let Some(content) = body.get("content") {
                set(
                    &mut out,
                    "content",
                    self.content(content, &format!("{base}Request")),
                );
            }
            set(&mut op, "requestBody", Value::Mapping(out));
        }

        let mut responses = Mapping::new();
        let mut successes = 0;
        let upstream_responses = upstream_op.get("responses").and_then(Value::as_mapping);
        for (status, response) in upstream_responses.into_iter().flatten() {
            let status = match status {
                Value::Number(n) => n.to_string(),
                other => other.as_str().unwrap_or_default().to_string(),
            };
            let response = resolve(upstream, response);
            let mut out = Mapping::new();
            let success = status.starts_with('2') || status.starts_with('3');
            let status = if success {
                status
            } else {
                error_status(&status)
            };
            if success {
                set(&mut out, "description", todo());
                if let Some(content) = response.get("content") {
                    successes += 1;
                    set(
                        &mut out,
                        "content",
                        self.content(content, &format!("{base}Response")),
                    );
                }
            } else {
                let (name, _) = error_response(&status);
                set(
                    &mut out,
                    "$ref",
                    Value::String(format!("#/components/responses/{name}")),
                );
            }
            set(&mut responses, &status, Value::Mapping(out));
        }
        if successes > 1 {
            return Err(format!(
                "{id}: more than one success response with a body; progenitor allows one"
            ));
        }
        // progenitor matches `5XX` before `502` (unreachable code that fails clippy), so a
        // range takes in the exact error statuses it covers.
        let ranges: Vec<char> = responses
            .keys()
            .filter_map(Value::as_str)
            .filter(|s| s.ends_with("XX"))
            .filter_map(|s| s.chars().next())
            .collect();
        responses.retain(|status, _| {
            let status = status.as_str().unwrap_or_default();
            status.ends_with("XX") || !status.starts_with(|c| ranges.contains(&c))
        });
        sort_mapping(&mut responses, |status| usize::from(status.contains('X')));
        for status in responses.keys().filter_map(Value::as_str) {
            if !(status.starts_with('2') || status.starts_with('3')) {
                self.error_statuses.insert(status.to_string());
            }
        }
        set(&mut op, "responses", Value::Mapping(responses));
        Ok(Value::Mapping(op))
    }

    /// A `content` map: JSON only when the response offers JSON, its schema named `name`.
    fn content(&mut self, content: &Value, name: &str) -> Value {
        let mut out = Mapping::new();
        let Some(map) = content.as_mapping() else {
            return Value::Mapping(out);
        };
        let json = map.get("application/json");
        let chosen: Vec<(&Value, &Value)> = match json {
            Some(media) => vec![(&Value::Null, media)],
            None => map.iter().collect(),
        };
        for (media_type, media) in chosen {
            let media_type = media_type.as_str().unwrap_or("application/json");
            let mut media_out = Mapping::new();
            if let Some(schema) = media.get("schema") {
                let schema = self.extract(rewrite::schema(schema), name);
                set(&mut media_out, "schema", self.lift(schema, name));
            }
            set(&mut out, media_type, Value::Mapping(media_out));
        }
        Value::Mapping(out)
    }

    /// Names the inline objects below `node` (whose own name is `name`), queueing the
    /// upstream schemas it refers to.
    fn extract(&mut self, node: Value, name: &str) -> Value {
        let Value::Mapping(mut map) = node else {
            return node;
        };
        if let Some(target) = map
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(SCHEMA_PREFIX))
        {
            self.queue.push_back(target.to_string());
        }
        if let Some(Value::Mapping(properties)) = map.get_mut("properties") {
            for (property, schema) in properties.iter_mut() {
                let child = format!("{name}{}", pascal(property.as_str().unwrap_or_default()));
                let extracted = self.extract(std::mem::take(schema), &child);
                *schema = self.lift(extracted, &child);
            }
        }
        for (key, suffix) in [("items", "Item"), ("additionalProperties", "Value")] {
            if let Some(child) = map.get_mut(key).filter(|v| v.is_mapping()) {
                let child_name = format!("{name}{suffix}");
                let extracted = self.extract(std::mem::take(child), &child_name);
                *child = self.lift(extracted, &child_name);
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Sequence(members)) = map.get_mut(key) {
                for (i, member) in members.iter_mut().enumerate() {
                    let child_name = format!("{name}Variant{}", i + 1);
                    let extracted = self.extract(std::mem::take(member), &child_name);
                    *member = self.lift(extracted, &child_name);
                }
            }
        }
        Value::Mapping(map)
    }

    /// An inline object with properties becomes the component schema `name`, and a
    /// reference to it takes its place (nullable at the place, not in the schema).
    fn lift(&mut self, node: Value, name: &str) -> Value {
        let Value::Mapping(mut map) = node else {
            return node;
        };
        if !map.contains_key("properties") {
            return Value::Mapping(map);
        }
        let nullable = map.shift_remove("nullable").and_then(|v| v.as_bool()) == Some(true);
        let mut unique = name.to_string();
        let mut n = 2;
        // Neither another inline object of that name nor an upstream component schema
        // (which keeps its own name) may hold the name.
        while self
            .schemas
            .get(unique.as_str())
            .is_some_and(|s| s != &Value::Mapping(map.clone()))
            || self.upstream_schema(&unique).is_some()
        {
            unique = format!("{name}{n}");
            n += 1;
        }
        set(&mut self.schemas, &unique, Value::Mapping(map));
        reference(&unique, nullable)
    }

    /// The upstream component schema `name`, if there is one.
    fn upstream_schema(&self, name: &str) -> Option<&'a Value> {
        let upstream: &'a Value = self.upstream;
        upstream
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(name))
    }

    /// Copies every upstream component schema reached so far (and those they reach).
    fn copy_reached_schemas(&mut self) -> Result<(), String> {
        let mut seen = BTreeSet::new();
        while let Some(name) = self.queue.pop_front() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let schema = self
                .upstream
                .get("components")
                .and_then(|c| c.get("schemas"))
                .and_then(|s| s.get(name.as_str()))
                .ok_or_else(|| format!("upstream refers to a missing schema {name}"))?;
            let schema = self.extract(rewrite::schema(schema), &name);
            if self
                .schemas
                .get(name.as_str())
                .is_some_and(|s| s != &schema)
            {
                return Err(format!(
                    "{name}: an inline schema was given the name of an upstream schema"
                ));
            }
            set(&mut self.schemas, &name, schema);
        }
        Ok(())
    }

    /// typify #1011: a nullable named schema can generate duplicate types. Takes
    /// `nullable` off every such schema and puts it on each reference to it.
    fn move_nullability_to_uses(
        &mut self,
        operations: &mut [(String, String, Value)],
    ) -> Vec<String> {
        let mut names = Vec::new();
        for (name, schema) in self.schemas.iter_mut() {
            if let Value::Mapping(map) = schema
                && map
                    .shift_remove("nullable")
                    .is_some_and(|v| v.as_bool() == Some(true))
            {
                names.push(name.as_str().unwrap_or_default().to_string());
            }
        }
        if names.is_empty() {
            return names;
        }
        let targets: BTreeSet<String> = names
            .iter()
            .map(|n| format!("{SCHEMA_PREFIX}{n}"))
            .collect();
        for (_, schema) in self.schemas.iter_mut() {
            nullable_references(schema, &targets);
        }
        for (_, _, operation) in operations.iter_mut() {
            nullable_references(operation, &targets);
        }
        names
    }
}

fn nullable_references(node: &mut Value, targets: &BTreeSet<String>) {
    match node {
        Value::Mapping(map) => {
            let is_target = map.len() == 1
                && map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .is_some_and(|r| targets.contains(r));
            if is_target {
                let reference_value = map.get("$ref").cloned().unwrap_or(Value::Null);
                let name = reference_value
                    .as_str()
                    .and_then(|r| r.strip_prefix(SCHEMA_PREFIX))
                    .unwrap_or_default();
                *node = reference(name, true);
                return;
            }
            // `allOf: [$ref]` already sits in a schema that can carry `nullable`.
            let lone_target =
                map.get("allOf")
                    .and_then(Value::as_sequence)
                    .is_some_and(|members| {
                        members.len() == 1
                            && members[0]
                                .get("$ref")
                                .and_then(Value::as_str)
                                .is_some_and(|r| targets.contains(r))
                    });
            if lone_target {
                set(map, "nullable", Value::Bool(true));
                return;
            }
            for (_, value) in map.iter_mut() {
                nullable_references(value, targets);
            }
        }
        Value::Sequence(items) => items
            .iter_mut()
            .for_each(|v| nullable_references(v, targets)),
        _ => {}
    }
}

fn reference(name: &str, nullable: bool) -> Value {
    let mut target = Mapping::new();
    set(
        &mut target,
        "$ref",
        Value::String(format!("{SCHEMA_PREFIX}{name}")),
    );
    if !nullable {
        return Value::Mapping(target);
    }
    let mut out = Mapping::new();
    set(&mut out, "nullable", Value::Bool(true));
    set(
        &mut out,
        "allOf",
        Value::Sequence(vec![Value::Mapping(target)]),
    );
    Value::Mapping(out)
}

/// Our wording and our own facts survive a re-import: descriptions, summaries and
/// examples where the new node has none (or a placeholder), properties and parameters
/// that only we have (with their `required`).
fn carry_over(new: &mut Value, old: &Value, at: &str, report: &mut Vec<String>) {
    let (Value::Mapping(new_map), Value::Mapping(old_map)) = (&mut *new, old) else {
        if let (Value::Sequence(new_items), Value::Sequence(old_items)) = (new, old) {
            carry_over_sequence(new_items, old_items, at, report);
        }
        return;
    };
    for key in ["summary", "description", "example"] {
        let placeholder = new_map.get(key).and_then(Value::as_str) == Some(NEEDS_DESCRIPTION);
        if let Some(value) = old_map.get(key)
            && (placeholder || !new_map.contains_key(key))
        {
            set(new_map, key, value.clone());
        }
    }
    if let (Some(Value::Mapping(old_props)), Some(Value::Mapping(new_props))) =
        (old_map.get("properties"), new_map.get("properties"))
    {
        let old_required: BTreeSet<&str> = old_map
            .get("required")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let ours_only: Vec<(Value, Value)> = old_props
            .iter()
            .filter(|(k, _)| !new_props.contains_key(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (name, schema) in ours_only {
            let name_str = name.as_str().unwrap_or_default().to_string();
            report.push(format!("{at}: kept .{name_str}, which only we have"));
            if let Some(Value::Mapping(props)) = new_map.get_mut("properties") {
                props.insert(name.clone(), schema);
            }
            if old_required.contains(name_str.as_str()) {
                let required = new_map
                    .entry(Value::String("required".into()))
                    .or_insert_with(|| Value::Sequence(Vec::new()));
                if let Value::Sequence(list) = required {
                    list.push(name);
                }
            }
        }
    }
    for (key, value) in new_map.iter_mut() {
        if let Some(old_value) = old_map.get(key) {
            let key = key.as_str().unwrap_or_default();
            carry_over(value, old_value, &format!("{at}.{key}"), report);
        }
    }
}

/// Parameters pair up by (name, in), other lists by position; parameters only we have
/// are kept.
fn carry_over_sequence(new: &mut Vec<Value>, old: &[Value], at: &str, report: &mut Vec<String>) {
    let key = |v: &Value| -> Option<(String, String)> {
        Some((
            v.get("name")?.as_str()?.to_string(),
            v.get("in")?.as_str()?.to_string(),
        ))
    };
    let keyed = !new.is_empty() && new.iter().chain(old).all(|v| key(v).is_some());
    if !keyed {
        for (new_item, old_item) in new.iter_mut().zip(old) {
            carry_over(new_item, old_item, at, report);
        }
        return;
    }
    for new_item in new.iter_mut() {
        if let Some(old_item) = old.iter().find(|o| key(o) == key(new_item)) {
            carry_over(new_item, old_item, at, report);
        }
    }
    for old_item in old {
        if !new.iter().any(|n| key(n) == key(old_item)) {
            if let Some((name, location)) = key(old_item) {
                report.push(format!(
                    "{at}: kept {location} parameter `{name}`, which only we have"
                ));
            }
            new.push(old_item.clone());
        }
    }
}

/// Key order of the spec's style. `names` is true for maps whose keys are names
/// (properties, responses, media types), which keep their order.
fn canonical(node: Value, names: bool) -> Value {
    match node {
        Value::Mapping(map) => {
            let mut entries: Vec<(Value, Value)> = map
                .into_iter()
                .map(|(k, v)| {
                    let child_names = !names
                        && matches!(
                            k.as_str(),
                            Some("properties" | "responses" | "content" | "patternProperties")
                        );
                    (k, canonical(v, child_names))
                })
                .collect();
            if !names {
                entries.sort_by_key(|(k, v)| keyword_rank(k.as_str().unwrap_or_default(), v));
            }
            Value::Mapping(entries.into_iter().collect())
        }
        Value::Sequence(items) => {
            Value::Sequence(items.into_iter().map(|v| canonical(v, false)).collect())
        }
        other => other,
    }
}

fn keyword_rank(key: &str, value: &Value) -> usize {
    const ORDER: [&str; 37] = [
        "name",
        "in",
        "required?",
        "tags",
        "operationId",
        "x-speakeasy-name-override",
        "summary",
        "type",
        "format",
        "nullable",
        "deprecated",
        "description",
        "enum",
        "default",
        "minimum",
        "exclusiveMinimum",
        "maximum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "uniqueItems",
        "required",
        "schema",
        "content",
        "properties",
        "additionalProperties",
        "items",
        "allOf",
        "anyOf",
        "oneOf",
        "parameters",
        "requestBody",
        "responses",
        "$ref",
    ];
    // A parameter's `required: true` comes before its description; a schema's list after.
    let key = if key == "required" && value.is_bool() {
        "required?"
    } else {
        key
    };
    ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len())
}

fn find_placeholders(node: &Value, at: &str, out: &mut Vec<String>) {
    match node {
        Value::String(s) if s == NEEDS_DESCRIPTION => out.push(at.to_string()),
        Value::Mapping(map) => {
            for (key, value) in map {
                let key = key.as_str().unwrap_or_default();
                let child = if at.is_empty() {
                    key.to_string()
                } else {
                    format!("{at}.{key}")
                };
                find_placeholders(value, &child, out);
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                let label = item
                    .get("name")
                    .and_then(Value::as_str)
                    .map_or_else(|| i.to_string(), str::to_string);
                find_placeholders(item, &format!("{at}[{label}]"), out);
            }
        }
        _ => {}
    }
}

fn child_mapping<'m>(map: &'m mut Mapping, key: &str) -> &'m mut Mapping {
    let entry = map
        .entry(Value::String(key.to_string()))
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if !entry.is_mapping() {
        *entry = Value::Mapping(Mapping::new());
    }
    match entry {
        Value::Mapping(child) => child,
        _ => unreachable!("just made a mapping"),
    }
}

fn sort_mapping(map: &mut Mapping, rank: impl Fn(&str) -> usize) {
    let mut entries: Vec<(Value, Value)> = std::mem::take(map).into_iter().collect();
    entries.sort_by_key(|(k, _)| rank(k.as_str().unwrap_or_default()));
    map.extend(entries);
}

fn tags_of(operation: Option<&Value>) -> Vec<String> {
    operation
        .and_then(|op| op.get("tags"))
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

fn ensure_tag(root: &mut Mapping, tag: &str) {
    let tags = root
        .entry(Value::String("tags".into()))
        .or_insert_with(|| Value::Sequence(Vec::new()));
    if let Value::Sequence(list) = tags
        && !list
            .iter()
            .any(|t| t.get("name").and_then(Value::as_str) == Some(tag))
    {
        let mut entry = Mapping::new();
        set(&mut entry, "name", Value::String(tag.to_string()));
        set(&mut entry, "description", todo());
        list.push(Value::Mapping(entry));
    }
}

/// The status our spec lists for an upstream error status: itself when we have a shared
/// response for it, its range otherwise.
fn error_status(status: &str) -> String {
    if ERROR_RESPONSES.iter().any(|(code, _, _)| *code == status) {
        return status.to_string();
    }
    match status.chars().next() {
        Some(digit @ ('4' | '5')) => format!("{digit}XX"),
        _ => status.to_string(),
    }
}

fn error_response(status: &str) -> (String, String) {
    ERROR_RESPONSES
        .iter()
        .find(|(code, _, _)| *code == status)
        .map_or_else(
            || {
                (
                    format!("Status{}", pascal(status)),
                    NEEDS_DESCRIPTION.to_string(),
                )
            },
            |(_, name, description)| ((*name).to_string(), (*description).to_string()),
        )
}

/// `list` tagged `API Keys` -> `ListApiKeys`; `getWorkspace` -> `GetWorkspace`.
fn base_name(operation_id: &str, tag: Option<&str>) -> String {
    let base = pascal(operation_id);
    let one_word = !operation_id
        .chars()
        .any(|c| c.is_ascii_uppercase() || c == '_');
    match tag {
        Some(tag) if one_word => format!("{base}{}", pascal(tag)),
        _ => base,
    }
}

/// PascalCase of a camelCase, snake_case, kebab-case or spaced name (`API Keys` ->
/// `ApiKeys`, `rate_limit` -> `RateLimit`).
fn pascal(name: &str) -> String {
    let mut out = String::new();
    for word in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let all_caps = word.chars().all(|c| !c.is_ascii_lowercase());
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            if all_caps {
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            } else {
                out.extend(chars);
            }
        }
    }
    out
}

fn str_of(node: &Value, key: &str) -> String {
    node.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn todo() -> Value {
    Value::String(NEEDS_DESCRIPTION.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = r##"
openapi: 3.0.3
info: {title: t, version: '1'}
tags:
  - name: Analytics
    description: Reports.
paths: {}
components:
  responses:
    Unauthorized:
      description: Bad key.
      content:
        application/json:
          schema: {$ref: '#/components/schemas/ErrorResponse'}
  schemas:
    ErrorResponse: {type: object, properties: {error: {type: object}}}
"##;

    const UPSTREAM: &str = r##"
openapi: 3.1.0
info: {title: up, version: '9'}
paths:
  /things/{hash}:
    parameters:
      - {name: HTTP-Referer, in: header, schema: {type: string}}
      - {$ref: '#/components/parameters/Hash'}
    patch:
      operationId: updateThing
      tags: [Things]
      x-speakeasy-name-override: update
      description: Upstream words that must not be copied.
      parameters:
        - {name: X-OpenRouter-Title, in: header, schema: {type: string}}
        - {name: offset, in: query, schema: {type: [integer, 'null'], minimum: 0}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              description: Upstream words.
              properties:
                label: {type: string, examples: [x]}
                kind: {type: string, const: thing}
      responses:
        '200':
          description: Upstream words.
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties:
                  data:
                    type: object
                    required: [hash, owner, expires_at]
                    properties:
                      hash: {type: string}
                      expires_at: {type: [string, 'null'], format: date-time}
                      owner: {anyOf: [{$ref: '#/components/schemas/Owner'}, {type: 'null'}]}
        '401':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/UnauthorizedResponse'}
        '429':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/TooManyRequestsResponse'}
        '529':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/OverloadedResponse'}
components:
  parameters:
    Hash: {name: hash, in: path, required: true, schema: {type: string}}
  schemas:
    Owner:
      type: [object, 'null']
      description: Upstream words.
      required: [id]
      properties:
        id: {type: string}
    UnauthorizedResponse: {type: object, properties: {error: {type: object}}}
    TooManyRequestsResponse: {type: object, properties: {error: {type: object}, retry: {type: integer}}}
    OverloadedResponse: {type: object, properties: {error: {type: object}}}
"##;

    fn parse(text: &str) -> Value {
        serde_yaml_ng::from_str(text).expect("fixture parses")
    }

    fn import_fixture(ours: &str) -> (Value, Vec<String>) {
        let mut ours = parse(ours);
        let report =
            import(&mut ours, &parse(UPSTREAM), &["updateThing".to_string()]).expect("imports");
        (ours, report)
    }

    fn at<'v>(doc: &'v Value, path: &[&str]) -> &'v Value {
        path.iter().fold(doc, |node, key| {
            node.get(*key)
                .unwrap_or_else(|| panic!("no {key} in {}", to_yaml(node)))
        })
    }

    #[test]
    fn import_rewrites_the_operation_for_progenitor() {
        let (doc, report) = import_fixture(OURS);
        let op = at(&doc, &["paths", "/things/{hash}", "patch"]);
        assert_eq!(at(op, &["operationId"]), &parse("updateThing"));
        assert_eq!(at(op, &["tags"]), &parse("[Things]"));
        assert_eq!(at(op, &["x-speakeasy-name-override"]), &parse("update"));
        // Path-level parameters are hoisted; the app headers are not imported.
        let parameters = at(op, &["parameters"]);
        assert_eq!(
            parameters,
            &parse(&format!(
                "
- {{name: hash, in: path, required: true, description: '{NEEDS_DESCRIPTION}', schema: {{type: string}}}}
- {{name: offset, in: query, required: false, description: '{NEEDS_DESCRIPTION}',
    schema: {{type: integer, nullable: true, minimum: 0}}}}
"
            ))
        );
        // Inline bodies are named; const became a one-value enum; examples are gone.
        assert_eq!(
            at(
                op,
                &["requestBody", "content", "application/json", "schema"]
            ),
            &parse("{$ref: '#/components/schemas/UpdateThingRequest'}")
        );
        let schemas = at(&doc, &["components", "schemas"]);
        assert_eq!(
            at(schemas, &["UpdateThingRequest", "properties"]),
            &parse("{label: {type: string}, kind: {type: string, enum: [thing]}}")
        );
        assert_eq!(
            at(schemas, &["UpdateThingResponse", "properties", "data"]),
            &parse("{$ref: '#/components/schemas/UpdateThingResponseData'}")
        );
        // Null types and anyOf-with-null: nullable, and the named schema is not itself
        // nullable (typify #1011); the property is.
        let data = at(schemas, &["UpdateThingResponseData", "properties"]);
        assert_eq!(
            at(data, &["expires_at"]),
            &parse("{type: string, format: date-time, nullable: true}")
        );
        assert_eq!(
            at(data, &["owner"]),
            &parse("{nullable: true, allOf: [{$ref: '#/components/schemas/Owner'}]}")
        );
        assert_eq!(at(schemas, &["Owner", "type"]), &parse("object"));
        assert!(at(schemas, &["Owner"]).get("nullable").is_none());
        // Several error schemas: each status refers to our shared responses, 529 by range.
        assert_eq!(
            at(op, &["responses"]),
            &parse(&format!(
                "
'200':
  description: '{NEEDS_DESCRIPTION}'
  content:
    application/json:
      schema: {{$ref: '#/components/schemas/UpdateThingResponse'}}
'401': {{$ref: '#/components/responses/Unauthorized'}}
'429': {{$ref: '#/components/responses/TooManyRequests'}}
'5XX': {{$ref: '#/components/responses/ServerError'}}
"
            ))
        );
        let responses = at(&doc, &["components", "responses"]);
        assert_eq!(
            at(
                responses,
                &["TooManyRequests", "content", "application/json", "schema"]
            ),
            &parse("{$ref: '#/components/schemas/ErrorResponse'}")
        );
        assert!(responses.get("ServerError").is_some());
        for upstream_only in [
            "UnauthorizedResponse",
            "TooManyRequestsResponse",
            "OverloadedResponse",
        ] {
            assert!(
                schemas.get(upstream_only).is_none(),
                "{upstream_only} copied"
            );
        }
        // Upstream wording is not copied; what we owe is reported.
        let text = to_yaml(&doc);
        assert!(!text.contains("Upstream words"), "{text}");
        assert!(
            report.contains(&"needs a description: paths./things/{hash}.patch.summary".to_string())
        );
        assert!(report.contains(&"needs a description: tags[Things].description".to_string()));
        assert!(
            report
                .contains(&"needs a description: components.schemas.Owner.description".to_string())
        );
    }

    #[test]
    fn importing_twice_changes_nothing_and_keeps_our_words_and_facts() {
        let (first, _) = import_fixture(OURS);
        let once = to_yaml(&first);
        let (second, _) = import_fixture(&once);
        assert_eq!(to_yaml(&second), once);

        // Our descriptions, and a property and a parameter only we have, survive.
        let edited = once
            .replacen(
                &format!("summary: '{NEEDS_DESCRIPTION}'"),
                "summary: Change a thing",
                1,
            )
            .replace(
                "      required:\n        - id\n      properties:\n        id:\n          type: string\n",
                "      required:\n        - id\n        - since\n      properties:\n        id:\n          type: string\n          description: Our words.\n        since:\n          type: integer\n",
            );
        assert_ne!(edited, once, "the fixture edits must apply");
        let (third, report) = import_fixture(&edited);
        let op = at(&third, &["paths", "/things/{hash}", "patch"]);
        assert_eq!(at(op, &["summary"]), &parse("Change a thing"));
        let owner = at(&third, &["components", "schemas", "Owner"]);
        assert_eq!(
            at(owner, &["properties", "id", "description"]),
            &parse("Our words.")
        );
        assert_eq!(
            at(owner, &["properties", "since"]),
            &parse("{type: integer}")
        );
        assert!(
            at(owner, &["required"])
                .as_sequence()
                .is_some_and(|r| r.contains(&parse("since")))
        );
        assert!(
            report.iter().any(|l| l.contains("kept .since")),
            "{report:#?}"
        );
        let (fourth, _) = import_fixture(&to_yaml(&third));
        assert_eq!(to_yaml(&fourth), to_yaml(&third));
    }

    #[test]
    fn unknown_operations_are_refused() {
        let mut ours = parse(OURS);
        let err =
            import(&mut ours, &parse(UPSTREAM), &["nope".to_string()]).expect_err("unknown id");
        assert!(err.contains("nope"), "{err}");
    }

    #[test]
    fn names_come_from_operation_and_tag() {
        assert_eq!(base_name("list", Some("API Keys")), "ListApiKeys");
        assert_eq!(
            base_name("getWorkspace", Some("Workspaces")),
            "GetWorkspace"
        );
        assert_eq!(pascal("rate_limit"), "RateLimit");
    }
}
