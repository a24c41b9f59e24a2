//! `cargo xtask drift --upstream FILE`: how far our spec has drifted from OpenRouter's.
//!
//! Both documents are read as untyped trees so that the upstream one may be OpenAPI 3.0
//! or 3.1. For every operation in our spec the upstream operation with the same method
//! and path is compared: parameters (name, location, required, type, enum) and the JSON
//! schemas of the request body and the 200 response (property names, types, formats,
//! nullability, required sets, enums, array items and unions) and the response
//! statuses. Descriptions and examples are wording, not facts, and are ignored.
//!
//! The rewrites `cargo xtask import` makes are no drift: `type: [T, "null"]` equals
//! `nullable: true`; `const: x` equals `enum: [x]`; `anyOf: [$ref, {type: null}]` equals
//! `allOf: [$ref]` + `nullable`; an open enum (`x-` marked, or `anyOf: [enum, {type:
//! string}]`) equals the closed one; error statuses are compared, not their schemas (ours
//! all share `ErrorResponse`), and our `4XX`/`5XX` covers the upstream statuses it took in;
//! a path matches whatever its parameters are called (`/keys/{id}` is `/keys/{hash}`);
//! the app attribution headers, which our client sends on every request, are ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::spec::load_value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Schemas nest far less than this; the bound stops reference cycles.
const MAX_DEPTH: usize = 32;

pub fn run(ours_path: &Path, upstream_path: &Path) -> Result<(), String> {
    let ours = load_value(ours_path)?;
    let upstream = as_imported(&load_value(upstream_path)?)?;
    let differences = compare_documents(&ours, &upstream);
    for line in &differences {
        println!("{line}");
    }
    if differences.is_empty() {
        println!("no drift: every operation in our spec matches upstream");
        Ok(())
    } else {
        Err(format!(
            "{} difference(s) between {} and {}",
            differences.len(),
            ours_path.display(),
            upstream_path.display()
        ))
    }
}

/// The upstream document with every schema rewritten as `cargo xtask import` rewrites
/// it ([`crate::rewrite::schema`]), so that drift and the import read upstream one way:
/// whatever the import turns a schema into is, by definition, no drift.
pub fn as_imported(upstream: &Value) -> Result<Value, String> {
    fn walk(node: &mut serde_yaml_ng::Value, schema_here: bool) {
        if schema_here {
            *node = crate::rewrite::schema(node);
            return;
        }
        match node {
            serde_yaml_ng::Value::Mapping(map) => {
                for (key, value) in map.iter_mut() {
                    walk(value, key.as_str() == Some("schema"));
                }
            }
            serde_yaml_ng::Value::Sequence(items) => {
                items.iter_mut().for_each(|item| walk(item, false));
            }
            _ => {}
        }
    }
    let mut doc: serde_yaml_ng::Value =
        serde_yaml_ng::to_value(upstream).map_err(|err| format!("upstream document: {err}"))?;
    if let Some(paths) = doc.get_mut("paths") {
        walk(paths, false);
    }
    if let Some(serde_yaml_ng::Value::Mapping(schemas)) =
        doc.get_mut("components").and_then(|c| c.get_mut("schemas"))
    {
        for (_, schema) in schemas.iter_mut() {
            *schema = crate::rewrite::schema(schema);
        }
    }
    serde_json::to_value(&doc).map_err(|err| format!("upstream document: {err}"))
}

/// Every difference, one line each, in the order of our spec's paths.
pub fn compare_documents(ours: &Value, upstream: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(paths) = ours.get("paths").and_then(Value::as_object) else {
        out.push("our spec has no `paths`".to_string());
        return out;
    };
    for (path, item) in paths {
        let item = Doc(ours).resolve(item);
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let label = format!("{} {path}", method.to_uppercase());
            let upstream_path = matching_path(upstream, path);
            let upstream_item = upstream_path
                .as_deref()
                .and_then(|p| upstream.get("paths")?.get(p))
                .map(|item| Doc(upstream).resolve(item));
            let Some(upstream_operation) = upstream_item.and_then(|item| item.get(method)) else {
                out.push(format!("{label}: operation missing upstream"));
                continue;
            };
            let ours_op = Operation {
                doc: Doc(ours),
                item,
                operation,
                path_names: template_names(path),
            };
            let upstream_op = Operation {
                doc: Doc(upstream),
                item: upstream_item.unwrap_or(&Value::Null),
                operation: upstream_operation,
                path_names: template_names(upstream_path.as_deref().unwrap_or(path)),
            };
            compare_operations(&label, &ours_op, &upstream_op, &mut out);
        }
    }
    out
}

/// The upstream path that is `path` up to the names of its parameters.
fn matching_path(upstream: &Value, path: &str) -> Option<String> {
    let paths = upstream.get("paths")?.as_object()?;
    if paths.contains_key(path) {
        return Some(path.to_string());
    }
    let shape = template_shape(path);
    paths
        .keys()
        .find(|candidate| template_shape(candidate) == shape)
        .cloned()
}

/// `/workspaces/{id}/budgets/{interval}` -> `/workspaces/{}/budgets/{}`.
fn template_shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push('{');
            }
            '}' => {
                in_name = false;
                out.push('}');
            }
            _ if in_name => {}
            _ => out.push(c),
        }
    }
    out
}

/// The parameter names of a path template, in order.
fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// Header parameters our client sets on every request, never per operation.
const APP_HEADERS: [&str; 3] = [
    "http-referer",
    "x-openrouter-title",
    "x-openrouter-categories",
];

#[derive(Clone, Copy)]
struct Doc<'a>(&'a Value);

impl<'a> Doc<'a> {
    /// Follows local `$ref`s (`#/a/b`) until a node without one.
    fn resolve(self, mut node: &'a Value) -> &'a Value {
        for _ in 0..MAX_DEPTH {
            let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
                return node;
            };
            let Some(pointer) = reference.strip_prefix('#') else {
                return node;
            };
            match self.0.pointer(pointer) {
                Some(target) => node = target,
                None => return node,
            }
        }
        node
    }
}

struct Operation<'a> {
    doc: Doc<'a>,
    item: &'a Value,
    operation: &'a Value,
    /// The path's parameter names in order; path parameters are keyed by position.
    path_names: Vec<String>,
}

impl<'a> Operation<'a> {
    /// Parameters keyed by (location, name); operation-level ones override path-level.
    fn parameters(&self) -> BTreeMap<(String, String), &'a Value> {
        let mut out = BTreeMap::new();
        for list in [
            self.item.get("parameters"),
            self.operation.get("parameters"),
        ] {
            for parameter in list.and_then(Value::as_array).into_iter().flatten() {
                let parameter = self.doc.resolve(parameter);
                let mut name = str_field(parameter, "name");
                let location = str_field(parameter, "in");
                if location == "header" && APP_HEADERS.contains(&name.to_ascii_lowercase().as_str())
                {
                    continue;
                }
                if location == "path"
                    && let Some(position) = self.path_names.iter().position(|n| *n == name)
                {
                    name = format!("#{}", position + 1);
                }
                out.insert((location, name), parameter);
            }
        }
        out
    }

    fn request_schema(&self) -> Option<&'a Value> {
        let body = self.doc.resolve(self.operation.get("requestBody")?);
        json_schema(self.doc, body)
    }

    /// The schema of the first success (2XX) response.
    fn ok_response_schema(&self) -> Option<&'a Value> {
        self.ok_response().and_then(|(_, schema)| schema)
    }

    /// The first success status and its JSON schema.
    fn ok_response(&self) -> Option<(&'a str, Option<&'a Value>)> {
        let (status, response) = self
            .operation
            .get("responses")?
            .as_object()?
            .iter()
            .find(|(status, _)| status.starts_with('2'))?;
        Some((
            status.as_str(),
            json_schema(self.doc, self.doc.resolve(response)),
        ))
    }

    fn statuses(&self) -> BTreeSet<String> {
        self.operation
            .get("responses")
            .and_then(Value::as_object)
            .map(|r| r.keys().map(|k| k.to_ascii_uppercase()).collect())
            .unwrap_or_default()
    }
}

fn json_schema<'a>(doc: Doc<'a>, holder: &'a Value) -> Option<&'a Value> {
    let content = holder.get("content")?;
    let media = content
        .get("application/json")
        .or_else(|| content.as_object()?.values().next())?;
    media.get("schema").map(|schema| doc.resolve(schema))
}

fn parameter_schema<'a>(doc: Doc<'a>, parameter: &'a Value) -> &'a Value {
    parameter
        .get("schema")
        .map_or(&Value::Null, |schema| doc.resolve(schema))
}

fn str_field(node: &Value, key: &str) -> String {
    node.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn compare_operations(label: &str, ours: &Operation, upstream: &Operation, out: &mut Vec<String>) {
    let ours_params = ours.parameters();
    let upstream_params = upstream.parameters();
    let shown = |op: &Operation, location: &str, name: &str| -> String {
        match name.strip_prefix('#').and_then(|n| n.parse::<usize>().ok()) {
            Some(position) if location == "path" => op
                .path_names
                .get(position - 1)
                .cloned()
                .unwrap_or_else(|| name.to_string()),
            _ => name.to_string(),
        }
    };
    for ((location, name), ours_param) in &ours_params {
        let at = format!(
            "{label}: {location} parameter `{}`",
            shown(ours, location, name)
        );
        let Some(upstream_param) = upstream_params.get(&(location.clone(), name.clone())) else {
            out.push(format!("{at}: only in ours"));
            continue;
        };
        let required = |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(false);
        if required(ours_param) != required(upstream_param) {
            out.push(format!(
                "{at}: required is {} in ours, {} upstream",
                required(ours_param),
                required(upstream_param)
            ));
        }
        compare_schemas(
            &at,
            (ours.doc, parameter_schema(ours.doc, ours_param)),
            (upstream.doc, parameter_schema(upstream.doc, upstream_param)),
            0,
            out,
        );
    }
    for (location, name) in upstream_params.keys() {
        if !ours_params.contains_key(&(location.clone(), name.clone())) {
            out.push(format!(
                "{label}: {location} parameter `{}`: only upstream",
                shown(upstream, location, name)
            ));
        }
    }

    compare_statuses(label, &ours.statuses(), &upstream.statuses(), out);

    let ok_label = format!(
        "{} response",
        ours.ok_response()
            .or_else(|| upstream.ok_response())
            .map_or("200", |(status, _)| status)
    );
    for (what, ours_schema, upstream_schema) in [
        (
            "request body",
            ours.request_schema(),
            upstream.request_schema(),
        ),
        (
            ok_label.as_str(),
            ours.ok_response_schema(),
            upstream.ok_response_schema(),
        ),
    ] {
        let at = format!("{label}: {what}");
        match (ours_schema, upstream_schema) {
            (Some(a), Some(b)) => compare_schemas(&at, (ours.doc, a), (upstream.doc, b), 0, out),
            (Some(_), None) => out.push(format!("{at}: only in ours")),
            (None, Some(_)) => out.push(format!("{at}: only upstream")),
            (None, None) => {}
        }
    }
}

/// Which statuses are answered. Error bodies are not compared: ours all share one
/// schema. Our range (`5XX`) stands for the upstream statuses in it that we do not list.
fn compare_statuses(
    label: &str,
    ours: &BTreeSet<String>,
    upstream: &BTreeSet<String>,
    out: &mut Vec<String>,
) {
    let range_of = |status: &str| format!("{}XX", &status[..1.min(status.len())]);
    for status in upstream {
        if !ours.contains(status) && !ours.contains(&range_of(status)) {
            out.push(format!("{label}: response {status}: only upstream"));
        }
    }
    for status in ours {
        let covered = if status.ends_with("XX") {
            upstream
                .iter()
                .any(|s| s == status || (range_of(s) == *status && !ours.contains(s)))
        } else {
            upstream.contains(status)
        };
        if !covered {
            out.push(format!("{label}: response {status}: only in ours"));
        }
    }
}

/// The facts of one schema node, with 3.0 and 3.1 spellings of nullability unified.
#[derive(Default)]
struct Shape<'a> {
    types: BTreeSet<String>,
    nullable: bool,
    format: Option<String>,
    enum_values: Option<BTreeSet<String>>,
    properties: BTreeMap<String, &'a Value>,
    required: BTreeSet<String>,
    items: Option<&'a Value>,
    variants: Vec<&'a Value>,
}

impl<'a> Shape<'a> {
    fn of(doc: Doc<'a>, node: &'a Value) -> Self {
        let node = doc.resolve(node);
        let mut shape = Shape::default();
        match node.get("type") {
            Some(Value::String(t)) => {
                shape.types.insert(t.clone());
            }
            Some(Value::Array(list)) => {
                shape
                    .types
                    .extend(list.iter().filter_map(Value::as_str).map(str::to_string));
            }
            _ => {}
        }
        shape.nullable = shape.types.remove("null")
            || node.get("nullable").and_then(Value::as_bool) == Some(true);
        shape.format = node
            .get("format")
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(values) = node.get("enum").and_then(Value::as_array) {
            let mut set = BTreeSet::new();
            for value in values {
                if value.is_null() {
                    shape.nullable = true;
                } else {
                    set.insert(
                        value
                            .as_str()
                            .map_or_else(|| value.to_string(), str::to_string),
                    );
                }
            }
            shape.enum_values = Some(set);
        }
        if let Some(value) = node.get("const") {
            let mut set = BTreeSet::new();
            if value.is_null() {
                shape.nullable = true;
            } else {
                set.insert(
                    value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_string),
                );
            }
            shape.enum_values = Some(set);
        }
        if let Some(properties) = node.get("properties").and_then(Value::as_object) {
            shape.properties = properties.iter().map(|(k, v)| (k.clone(), v)).collect();
        }
        if let Some(required) = node.get("required").and_then(Value::as_array) {
            shape.required = required
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
        }
        shape.items = node.get("items");
        for key in ["anyOf", "oneOf"] {
            for variant in node
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let resolved = doc.resolve(variant);
                // `anyOf: [X, {type: null}]` is 3.1's way of saying "nullable X".
                if resolved.get("type").and_then(Value::as_str) == Some("null") {
                    shape.nullable = true;
                } else {
                    shape.variants.push(resolved);
                }
            }
        }
        // An open enum spelled `anyOf: [{enum: [..]}, {type: string}]` is the enum.
        if shape.variants.len() == 2 && shape.types.is_empty() {
            let is_enum = |v: &Value| v.get("enum").is_some();
            let is_plain_string = |v: &Value| {
                v.get("enum").is_none()
                    && v.get("format").is_none()
                    && v.get("type").and_then(Value::as_str) == Some("string")
            };
            let (a, b) = (shape.variants[0], shape.variants[1]);
            if is_enum(a) && is_plain_string(b) {
                shape.variants = vec![a];
            } else if is_enum(b) && is_plain_string(a) {
                shape.variants = vec![b];
            }
        }
        // `allOf` members all hold: their facts add up.
        for member in node
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let inner = Shape::of(doc, member);
            shape.types.extend(inner.types);
            shape.nullable |= inner.nullable;
            shape.format = shape.format.or(inner.format);
            shape.enum_values = shape.enum_values.or(inner.enum_values);
            shape.properties.extend(inner.properties);
            shape.required.extend(inner.required);
            shape.items = shape.items.or(inner.items);
            shape.variants.extend(inner.variants);
        }
        // A lone non-null variant is the same fact as the variant itself.
        if shape.variants.len() == 1 && shape.types.is_empty() {
            let inner = Shape::of(doc, shape.variants[0]);
            return Shape {
                nullable: shape.nullable || inner.nullable,
                ..inner
            };
        }
        if shape.types.is_empty() {
            if !shape.properties.is_empty() {
                shape.types.insert("object".to_string());
            } else if shape.items.is_some() {
                shape.types.insert("array".to_string());
            }
        }
        shape
    }
}

fn compare_schemas(
    at: &str,
    (ours_doc, ours): (Doc, &Value),
    (upstream_doc, upstream): (Doc, &Value),
    depth: usize,
    out: &mut Vec<String>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let a = Shape::of(ours_doc, ours);
    let b = Shape::of(upstream_doc, upstream);
    if a.types != b.types {
        out.push(format!(
            "{at}: type is {} in ours, {} upstream",
            join(&a.types),
            join(&b.types)
        ));
    }
    // `format: password` is how our spec marks a secret string (the generator gives it a
    // type whose Debug redacts it); upstream's plain string is the same fact.
    let secret_marker = a.format.as_deref() == Some("password") && b.format.is_none();
    if a.format != b.format && !secret_marker {
        out.push(format!(
            "{at}: format is {} in ours, {} upstream",
            a.format.as_deref().unwrap_or("(none)"),
            b.format.as_deref().unwrap_or("(none)")
        ));
    }
    if a.nullable != b.nullable {
        out.push(format!(
            "{at}: nullable is {} in ours, {} upstream",
            a.nullable, b.nullable
        ));
    }
    if a.enum_values != b.enum_values {
        let show = |e: &Option<BTreeSet<String>>| {
            e.as_ref()
                .map_or_else(|| "(none)".to_string(), |set| format!("[{}]", join(set)))
        };
        out.push(format!(
            "{at}: enum is {} in ours, {} upstream",
            show(&a.enum_values),
            show(&b.enum_values)
        ));
    }

    for (name, ours_prop) in &a.properties {
        let prop_at = format!("{at}: .{name}");
        match b.properties.get(name) {
            Some(upstream_prop) => {
                let (in_a, in_b) = (a.required.contains(name), b.required.contains(name));
                if in_a != in_b {
                    out.push(format!(
                        "{prop_at}: {} in ours, {} upstream",
                        required_word(in_a),
                        required_word(in_b)
                    ));
                }
                compare_schemas(
                    &prop_at,
                    (ours_doc, ours_prop),
                    (upstream_doc, upstream_prop),
                    depth + 1,
                    out,
                );
            }
            None => out.push(format!(
                "{prop_at}: only in ours ({})",
                required_word(a.required.contains(name))
            )),
        }
    }
    for name in b.properties.keys() {
        if !a.properties.contains_key(name) {
            out.push(format!(
                "{at}: .{name}: only upstream ({})",
                required_word(b.required.contains(name))
            ));
        }
    }

    match (a.items, b.items) {
        (Some(x), Some(y)) => compare_schemas(
            &format!("{at}[]"),
            (ours_doc, x),
            (upstream_doc, y),
            depth + 1,
            out,
        ),
        (Some(_), None) => out.push(format!("{at}: array items only in ours")),
        (None, Some(_)) => out.push(format!("{at}: array items only upstream")),
        (None, None) => {}
    }

    let sigs = |doc: Doc, variants: &[&Value]| -> BTreeSet<String> {
        variants.iter().map(|v| signature(doc, v, depth)).collect()
    };
    let (va, vb) = (sigs(ours_doc, &a.variants), sigs(upstream_doc, &b.variants));
    if va != vb {
        out.push(format!(
            "{at}: union is [{}] in ours, [{}] upstream",
            join(&va),
            join(&vb)
        ));
    }
}

/// A compact, order-independent rendering of a schema's facts, used to compare the
/// variants of unions whose order carries no meaning.
fn signature(doc: Doc, node: &Value, depth: usize) -> String {
    if depth > MAX_DEPTH {
        return "...".to_string();
    }
    let shape = Shape::of(doc, node);
    let mut s = join(&shape.types);
    if let Some(format) = &shape.format {
        s.push_str(&format!("({format})"));
    }
    if shape.nullable {
        s.push('?');
    }
    if let Some(values) = &shape.enum_values {
        s.push_str(&format!("[{}]", join(values)));
    }
    if !shape.properties.is_empty() {
        let fields: Vec<String> = shape
            .properties
            .iter()
            .map(|(name, prop)| {
                let mark = if shape.required.contains(name) {
                    ""
                } else {
                    "?"
                };
                format!("{name}{mark}: {}", signature(doc, prop, depth + 1))
            })
            .collect();
        s.push_str(&format!("{{{}}}", fields.join(", ")));
    }
    if let Some(items) = shape.items {
        s.push_str(&format!("<{}>", signature(doc, items, depth + 1)));
    }
    if !shape.variants.is_empty() {
        let variants: BTreeSet<String> = shape
            .variants
            .iter()
            .map(|v| signature(doc, v, depth + 1))
            .collect();
        s.push_str(&format!("({})", join(&variants)));
    }
    s
}

fn required_word(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

fn join(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        "(none)".to_string()
    } else {
        set.iter().cloned().collect::<Vec<_>>().join("|")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small OpenAPI 3.0 document in our style: one operation, `$ref`ed schemas.
    const OURS: &str = r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    post:
      operationId: makeThing
      parameters:
        - {name: kind, in: query, required: false, schema: {$ref: '#/components/schemas/Kind'}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Kind: {type: string, enum: [a, b]}
    Thing:
      type: object
      required: [id, cost]
      properties:
        id: {type: string}
        cost: {type: number, format: double}
        note: {type: string, nullable: true}
        secret: {type: string, format: password}
        value:
          oneOf:
            - {type: string}
            - {type: array, items: {type: number, format: double}}
"##;

    /// The same facts as OURS, spelled the OpenAPI 3.1 way, inline and in another order.
    const UPSTREAM_SAME: &str = r##"{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "2"},
  "paths": {"/things": {"post": {
    "operationId": "makeThing",
    "parameters": [{"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["b", "a"]}}],
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
  }}},
  "components": {"schemas": {"Thing": {
    "type": "object",
    "required": ["cost", "id"],
    "properties": {
      "cost": {"type": "number", "format": "double", "description": "words differ"},
      "id": {"type": "string"},
      "note": {"type": ["string", "null"]},
      "secret": {"type": "string"},
      "value": {"anyOf": [{"type": "array", "items": {"type": "number", "format": "double"}}, {"type": "string"}]}
    }
  }}}
}"##;

    struct Fixture {
        _dir: tempfile::TempDir,
        ours: std::path::PathBuf,
        upstream: std::path::PathBuf,
    }

    fn fixture(upstream_name: &str, upstream: &str) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let ours = dir.path().join("ours.yaml");
        let upstream_path = dir.path().join(upstream_name);
        std::fs::write(&ours, OURS).expect("write ours");
        std::fs::write(&upstream_path, upstream).expect("write upstream");
        Fixture {
            _dir: dir,
            ours,
            upstream: upstream_path,
        }
    }

    fn differences(upstream_name: &str, upstream: &str) -> Vec<String> {
        let f = fixture(upstream_name, upstream);
        let ours = load_value(&f.ours).expect("ours parses");
        let theirs = load_value(&f.upstream).expect("upstream parses");
        compare_documents(&ours, &theirs)
    }

    #[test]
    fn same_facts_in_3_1_json_spelling_report_no_drift() {
        assert_eq!(differences("up.json", UPSTREAM_SAME), Vec::<String>::new());
        let f = fixture("up.json", UPSTREAM_SAME);
        assert!(run(&f.ours, &f.upstream).is_ok());
    }

    /// `format: password` marks a secret in our spec; upstream's plain string is the
    /// same fact (covered by the test above), but another format upstream is not.
    #[test]
    fn the_secret_marker_is_equal_to_a_plain_string_only() {
        let changed = UPSTREAM_SAME.replace(
            r#""secret": {"type": "string"}"#,
            r#""secret": {"type": "string", "format": "byte"}"#,
        );
        assert_ne!(changed, UPSTREAM_SAME, "the fixture edit must apply");
        let lines = differences("up.json", &changed);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines
                .iter()
                .all(|l| l.contains(".secret: format is password in ours, byte upstream"))
        );
    }

    #[test]
    fn each_changed_fact_is_one_line_and_fails_the_run() {
        let changed = UPSTREAM_SAME
            .replace(r#""enum": ["b", "a"]"#, r#""enum": ["a", "b", "c"]"#)
            .replace(
                r#""format": "double", "description""#,
                r#""format": "float", "description""#,
            )
            .replace(r#"["string", "null"]"#, r#""string""#)
            .replace(r#""required": ["cost", "id"]"#, r#""required": ["cost"]"#)
            .replace(
                r#""id": {"type": "string"},"#,
                r#""id": {"type": "string"}, "extra": {"type": "integer"},"#,
            )
            .replace(
                r#""in": "query", "schema""#,
                r#""in": "query", "required": true, "schema""#,
            );
        let lines = differences("up.json", &changed);
        let expected = [
            "POST /things: query parameter `kind`: required is false in ours, true upstream",
            "POST /things: query parameter `kind`: enum is [a|b] in ours, [a|b|c] upstream",
            "POST /things: request body: .cost: format is double in ours, float upstream",
            "POST /things: request body: .id: required in ours, optional upstream",
            "POST /things: request body: .note: nullable is true in ours, false upstream",
            "POST /things: request body: .extra: only upstream (optional)",
        ];
        for line in expected {
            assert!(
                lines.iter().any(|l| l == line),
                "missing {line:?} in {lines:#?}"
            );
        }
        // Request and response share the schema, so body facts appear twice, once each.
        assert_eq!(lines.len(), 2 + 2 * 4, "{lines:#?}");
        let f = fixture("up.json", &changed);
        assert!(run(&f.ours, &f.upstream).is_err());
    }

    #[test]
    fn missing_operation_parameter_and_union_change_are_reported() {
        let yaml_upstream = r##"
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /things:
    post:
      parameters:
        - {name: page, in: query, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [id, cost]
              properties:
                id: {type: string}
                cost: {type: number, format: double}
                note: {type: [string, 'null']}
                value: {anyOf: [{type: string}, {type: number}]}
      responses:
        '201': {description: created}
"##;
        let lines = differences("up.yaml", yaml_upstream);
        assert!(lines.contains(&"POST /things: query parameter `kind`: only in ours".to_string()));
        assert!(lines.contains(&"POST /things: query parameter `page`: only upstream".to_string()));
        assert!(lines.contains(&"POST /things: 200 response: only in ours".to_string()));
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("POST /things: request body: .value: union is")),
            "{lines:#?}"
        );

        let no_path = r#"{"openapi": "3.1.0", "paths": {}}"#;
        assert_eq!(
            differences("up.json", no_path),
            vec!["POST /things: operation missing upstream".to_string()]
        );
    }

    #[test]
    fn unreadable_upstream_is_an_error_naming_the_file() {
        let f = fixture("up.json", "{ not json");
        let err = run(&f.ours, &f.upstream).expect_err("bad JSON must fail");
        assert!(err.contains("up.json"), "{err}");
    }
}

#[cfg(test)]
mod rewrite_equivalence_tests {
    use super::*;

    /// Our 3.0.3 spelling, as `cargo xtask import` writes it.
    const OURS: &str = r##"
openapi: 3.0.3
paths:
  /keys/{id}:
    delete:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: offset, in: query, schema: {type: integer, nullable: true}}
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Deleted'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
        '5XX': {$ref: '#/components/responses/ServerError'}
components:
  responses:
    Unauthorized: {content: {application/json: {schema: {$ref: '#/components/schemas/ErrorResponse'}}}}
    NotFound: {content: {application/json: {schema: {$ref: '#/components/schemas/ErrorResponse'}}}}
    ServerError: {content: {application/json: {schema: {$ref: '#/components/schemas/ErrorResponse'}}}}
  schemas:
    ErrorResponse: {type: object, properties: {error: {type: object}}}
    Owner: {type: object, required: [id], properties: {id: {type: string}}}
    Tier: {type: string, enum: [standard, flex]}
    Deleted:
      type: object
      required: [deleted, owner, tier]
      properties:
        deleted: {type: boolean, enum: [true]}
        owner: {nullable: true, allOf: [{$ref: '#/components/schemas/Owner'}]}
        tier: {$ref: '#/components/schemas/Tier'}
"##;

    /// The same facts the 3.1 way: other path parameter name, type lists, const,
    /// anyOf with null, an open enum, one error schema per status, 529 and 500.
    const UPSTREAM: &str = r##"
openapi: 3.1.0
paths:
  /keys/{hash}:
    parameters:
      - {name: HTTP-Referer, in: header, schema: {type: string}}
    delete:
      parameters:
        - {name: hash, in: path, required: true, schema: {type: string}}
        - {name: offset, in: query, schema: {type: [integer, 'null']}}
        - {name: X-OpenRouter-Title, in: header, schema: {type: string}}
      responses:
        '200':
          content:
            application/json:
              schema:
                type: object
                required: [deleted, owner, tier]
                properties:
                  deleted: {type: boolean, const: true}
                  owner: {anyOf: [{$ref: '#/components/schemas/Owner'}, {type: 'null'}]}
                  tier:
                    anyOf:
                      - {type: string, enum: [standard, flex], x-speakeasy-unknown-values: allow}
                      - {type: string}
        '401': {content: {application/json: {schema: {$ref: '#/components/schemas/UnauthorizedResponse'}}}}
        '404': {content: {application/json: {schema: {$ref: '#/components/schemas/NotFoundResponse'}}}}
        '500': {content: {application/json: {schema: {$ref: '#/components/schemas/InternalServerResponse'}}}}
        '529': {content: {application/json: {schema: {$ref: '#/components/schemas/OverloadedResponse'}}}}
components:
  schemas:
    Owner: {type: [object, 'null'], required: [id], properties: {id: {type: string}}}
    UnauthorizedResponse: {type: object, properties: {error: {type: object}, a: {type: string}}}
    NotFoundResponse: {type: object, properties: {error: {type: object}, b: {type: string}}}
    InternalServerResponse: {type: object, properties: {error: {type: object}}}
    OverloadedResponse: {type: object, properties: {error: {type: object}}}
"##;

    fn parse(text: &str) -> Value {
        serde_yaml_ng::from_str(text).expect("fixture parses")
    }

    #[test]
    fn drift_reads_upstream_as_the_import_rewrites_it() {
        let upstream = parse(
            r#"
paths:
  /e:
    get:
      parameters:
        - {name: keep, in: query, required: true, schema: {anyOf: [{type: string, enum: ['true', 'false']}, {type: boolean}]}}
      responses:
        '200': {content: {application/json: {schema: {type: object, properties: {status: {type: integer, enum: [0, -1]}}}}}}
"#,
        );
        let ours = parse(
            r#"
paths:
  /e:
    get:
      parameters:
        - {name: keep, in: query, required: true, schema: {type: boolean}}
      responses:
        '200': {content: {application/json: {schema: {type: object, properties: {status: {type: integer}}}}}}
"#,
        );
        let raw = compare_documents(&ours, &upstream);
        assert!(raw.iter().any(|l| l.contains("`keep`")), "{raw:?}");
        assert!(raw.iter().any(|l| l.contains(".status")), "{raw:?}");
        let imported = as_imported(&upstream).expect("rewrites");
        assert_eq!(compare_documents(&ours, &imported), Vec::<String>::new());
    }

    #[test]
    fn import_rewrites_are_not_drift() {
        assert_eq!(
            compare_documents(&parse(OURS), &parse(UPSTREAM)),
            Vec::<String>::new()
        );
    }

    #[test]
    fn real_differences_still_show_through_the_rewrites() {
        let upstream = UPSTREAM
            .replace("const: true", "const: false")
            .replace("'404': {content", "'409': {content")
            .replace("[standard, flex]", "[standard, flex, ultrafast]")
            .replace("{type: [integer, 'null']}", "{type: integer}");
        let lines = compare_documents(&parse(OURS), &parse(&upstream));
        let expected = [
            "DELETE /keys/{id}: query parameter `offset`: nullable is true in ours, false upstream",
            "DELETE /keys/{id}: response 409: only upstream",
            "DELETE /keys/{id}: response 404: only in ours",
            "DELETE /keys/{id}: 200 response: .deleted: enum is [true] in ours, [false] upstream",
        ];
        for line in expected {
            assert!(
                lines.iter().any(|l| l == line),
                "missing {line:?} in {lines:#?}"
            );
        }
        assert!(
            lines
                .iter()
                .any(|l| l.contains(".tier") && l.contains("ultrafast")),
            "{lines:#?}"
        );
        assert_eq!(lines.len(), expected.len() + 1, "{lines:#?}");
    }

    #[test]
    fn a_range_stands_only_for_statuses_it_took_in() {
        let ours: BTreeSet<String> = ["200", "5XX"].map(String::from).into();
        let upstream: BTreeSet<String> = ["200"].map(String::from).into();
        let mut out = Vec::new();
        compare_statuses("X", &ours, &upstream, &mut out);
        assert_eq!(out, vec!["X: response 5XX: only in ours".to_string()]);
    }
}
