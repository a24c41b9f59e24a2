//! What the table of operations (`OperationInfo`, in the client crate's `generated.rs`)
//! says about each value an operation takes, read from the spec: the type of every path
//! and query parameter, and the top-level fields of the JSON request body with their
//! type, enum values, whether they are required or nullable, and their descriptions.
//!
//! The `openrouter` command line builds its flags from this at run time (`openrouter api`
//! and the friendly commands), so a field, an enum value or a description added to the
//! spec reaches `--help`, validation and shell completion with no code of its own.

use openapiv3::{
    OpenAPI, ParameterData, ParameterSchemaOrContent, ReferenceOr, RequestBody, Schema, SchemaKind,
    StringFormat, StringType, Type, VariantOrUnknownOrEmpty,
};
use proc_macro2::TokenStream;
use quote::quote;

/// One top-level field of an operation's JSON request body.
pub struct FieldSpec {
    name: String,
    required: bool,
    nullable: bool,
    description: String,
    value: TokenStream,
    /// It holds a secret: it is `format: password`, or holds such a string, or is
    /// marked [`SECRET_FIELD`](crate::sdk::SECRET_FIELD).
    secret: bool,
}

impl FieldSpec {
    /// The field's name, as the API spells it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether it can be sent as `null` to clear it: optional and nullable.
    pub fn clearable(&self) -> bool {
        self.nullable && !self.required
    }

    /// Whether the field holds a secret (every string inside it is one).
    pub fn secret(&self) -> bool {
        self.secret
    }
}

/// How deep `$ref`s and `allOf` wrappers are followed before a value is called JSON.
const MAX_DEPTH: usize = 8;

/// A parameter's value type, as a `ValueType` expression.
pub fn parameter_value(spec: &OpenAPI, data: &ParameterData) -> TokenStream {
    match &data.format {
        ParameterSchemaOrContent::Schema(schema) => value_of(spec, schema, 0).0,
        ParameterSchemaOrContent::Content(_) => quote!(ValueType::Json),
    }
}

/// The media type of a form-encoded request body.
const FORM: &str = "application/x-www-form-urlencoded";

/// Whether an operation's request body is form-encoded (its only media type is
/// [`FORM`]), so that calls by name encode their fields that way too.
pub fn body_is_form(body: Option<&ReferenceOr<RequestBody>>) -> bool {
    match body {
        Some(ReferenceOr::Item(body)) => {
            body.content.contains_key(FORM) && !body.content.contains_key("application/json")
        }
        _ => false,
    }
}

/// The top-level fields of the operation's JSON or form body, in the spec's order; none when the
/// body is not an object with `properties` (it is then given whole, with `--body`).
pub fn body_fields(
    spec: &OpenAPI,
    body: Option<&ReferenceOr<RequestBody>>,
) -> Result<Vec<FieldSpec>, String> {
    let Some(body) = body else {
        return Ok(Vec::new());
    };
    let body = match body {
        ReferenceOr::Item(body) => body,
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/requestBodies/")
                .ok_or_else(|| format!("request body reference {reference} is not supported"))?;
            match spec
                .components
                .as_ref()
                .and_then(|c| c.request_bodies.get(name))
            {
                Some(ReferenceOr::Item(body)) => body,
                _ => {
                    return Err(format!(
                        "request body reference {reference} does not resolve"
                    ));
                }
            }
        }
    };
    let Some(schema) = body
        .content
        .get("application/json")
        .or_else(|| body.content.get(FORM))
        .and_then(|media| media.schema.as_ref())
    else {
        return Ok(Vec::new());
    };
    let Some(schema) = resolve(spec, schema, 0) else {
        return Err("the request body's schema reference does not resolve".into());
    };
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Ok(Vec::new());
    };
    let components = serde_json::to_value(&spec.components).unwrap_or_default();
    let mut fields = Vec::new();
    for (name, property) in &object.properties {
        let secret = crate::sdk::holds_secret(
            &serde_json::to_value(property).unwrap_or_default(),
            &components,
            &mut std::collections::BTreeSet::new(),
        );
        let (value, nullable, description) = match property {
            ReferenceOr::Item(schema) => {
                let (value, nullable) = value_of_schema(spec, schema, 0);
                (value, nullable, schema.schema_data.description.clone())
            }
            ReferenceOr::Reference { reference } => {
                let reference = ReferenceOr::<Schema>::Reference {
                    reference: reference.clone(),
                };
                let (value, nullable) = value_of(spec, &reference, 0);
                let description = resolve(spec, &reference, 0)
                    .and_then(|schema| schema.schema_data.description.clone());
                (value, nullable, description)
            }
        };
        fields.push(FieldSpec {
            name: name.clone(),
            required: object.required.contains(name),
            nullable,
            description: one_paragraph(description.as_deref().unwrap_or_default()),
            value,
            secret,
        });
    }
    Ok(fields)
}

/// A `FieldInfo { .. }` expression.
pub fn emit_field(field: &FieldSpec) -> TokenStream {
    let FieldSpec {
        name,
        required,
        nullable,
        description,
        value,
        secret,
    } = field;
    quote! {
        FieldInfo {
            name: #name,
            required: #required,
            nullable: #nullable,
            description: #description,
            value: #value,
            secret: #secret,
        },
    }
}

/// Descriptions are shown in `--help`, one paragraph each.
fn one_paragraph(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn resolve<'a>(
    spec: &'a OpenAPI,
    schema: &'a ReferenceOr<Schema>,
    depth: usize,
) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } if depth < MAX_DEPTH => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            let next = spec.components.as_ref()?.schemas.get(name)?;
            resolve(spec, next, depth + 1)
        }
        ReferenceOr::Reference { .. } => None,
    }
}

/// The value type of a schema, and whether it is nullable.
fn value_of(spec: &OpenAPI, schema: &ReferenceOr<Schema>, depth: usize) -> (TokenStream, bool) {
    match resolve(spec, schema, depth) {
        Some(schema) => value_of_schema(spec, schema, depth + 1),
        None => (quote!(ValueType::Json), false),
    }
}

fn value_of_schema(spec: &OpenAPI, schema: &Schema, depth: usize) -> (TokenStream, bool) {
    let nullable = schema.schema_data.nullable;
    let value = match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            let values = enum_values(string);
            if !values.is_empty() {
                quote!(ValueType::Enum(&[#(#values),*]))
            } else {
                match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => quote!(ValueType::Date),
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
                        quote!(ValueType::DateTime)
                    }
                    VariantOrUnknownOrEmpty::Item(StringFormat::Password) => {
                        quote!(ValueType::Secret)
                    }
                    VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => {
                        quote!(ValueType::Uuid)
                    }
                    _ => quote!(ValueType::String),
                }
            }
        }
        SchemaKind::Type(Type::Number(_)) => quote!(ValueType::Number),
        SchemaKind::Type(Type::Integer(_)) => quote!(ValueType::Integer),
        SchemaKind::Type(Type::Boolean(_)) => quote!(ValueType::Boolean),
        SchemaKind::Type(Type::Array(array)) => {
            let item = match &array.items {
                Some(ReferenceOr::Item(item)) => value_of_schema(spec, item, depth + 1).0,
                Some(ReferenceOr::Reference { reference }) => {
                    let reference = ReferenceOr::<Schema>::Reference {
                        reference: reference.clone(),
                    };
                    value_of(spec, &reference, depth + 1).0
                }
                None => quote!(ValueType::Json),
            };
            // An array of arrays is JSON at the flag level.
            if item.to_string().contains("Array") {
                quote!(ValueType::Json)
            } else {
                quote!(ValueType::Array(&#item))
            }
        }
        // `allOf: [$ref]` (how 3.0 documents make a referenced schema nullable).
        SchemaKind::AllOf { all_of } if all_of.len() == 1 && depth < MAX_DEPTH => {
            let (value, inner_nullable) = value_of(spec, &all_of[0], depth + 1);
            return (value, nullable || inner_nullable);
        }
        _ => quote!(ValueType::Json),
    };
    (value, nullable)
}

/// The extension that states a number's unit in a response schema: `usd` for amounts
/// of US dollars (balances, limits, spend), so that tools show them as money;
/// `unix-seconds` for an integer that is a time (seconds since 1970 UTC), so that
/// tools show it as one.
pub const UNIT: &str = "x-openrouter-unit";

/// What an operation's successful answer holds: the resource model a table, a CSV and
/// a detail view are rendered from (`ResponseInfo` in the client crate).
#[derive(Debug)]
pub struct ResponseSpec {
    /// For a list, the top-level field that holds its items (`data`); `None` for one
    /// object.
    list_items: Option<String>,
    columns: Vec<ColumnSpec>,
}

impl ResponseSpec {
    /// The columns' names, in order.
    #[cfg(test)]
    pub fn column_names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }
}

/// One column of a [`ResponseSpec`].
#[derive(Debug)]
struct ColumnSpec {
    name: String,
    path: Vec<String>,
    /// A `ColumnKind` expression.
    kind: TokenStream,
    required: bool,
    secret: bool,
    description: String,
}

/// The resource model of an operation's successful answer: the first 2xx response
/// with a JSON schema. `None` when it has none (a 204).
///
/// - A top-level `data` array makes a list (the columns are an item's fields); a `data`
///   object makes one object (its fields, then the scalar fields beside `data`, such as
///   the new key of `POST /keys`); with no `data`, the top level is the object.
/// - Columns are the scalar fields in the spec's order. A nested object's scalar fields
///   are flattened one level as `parent.child` (`rate_limit.note`): they are few, a
///   table can show them, and a missing one can be named; arrays, maps, unions and
///   anything deeper are one JSON column.
pub fn response(
    spec: &OpenAPI,
    responses: &openapiv3::Responses,
) -> Result<Option<ResponseSpec>, String> {
    let success = responses.responses.iter().find(|(status, _)| match status {
        openapiv3::StatusCode::Code(code) => (200..300).contains(code),
        openapiv3::StatusCode::Range(range) => *range == 2,
    });
    let Some((_, response)) = success else {
        return Ok(None);
    };
    let response = match response {
        ReferenceOr::Item(response) => response,
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/responses/")
                .ok_or_else(|| format!("response reference {reference} is not supported"))?;
            match spec.components.as_ref().and_then(|c| c.responses.get(name)) {
                Some(ReferenceOr::Item(response)) => response,
                _ => return Err(format!("response reference {reference} does not resolve")),
            }
        }
    };
    let Some(schema) = response
        .content
        .get("application/json")
        .and_then(|media| media.schema.as_ref())
    else {
        return Ok(None);
    };
    let root = resolve(spec, schema, 0)
        .ok_or_else(|| "the response's schema reference does not resolve".to_string())?;
    let components = serde_json::to_value(&spec.components).unwrap_or_default();
    let top = properties(spec, root, 0);
    let data = top
        .iter()
        .find(|(name, _, _)| name == "data")
        .map(|(_, schema, required)| (schema, *required));
    let mut columns = Vec::new();
    let list_items = match data {
        Some((data, _)) if is_array(spec, data) => {
            let items = match resolve(spec, data, 0).map(|s| &s.schema_kind) {
                Some(SchemaKind::Type(Type::Array(array))) => array.items.clone(),
                _ => None,
            };
            if let Some(items) = items {
                let items = items.unbox();
                if let Some(item) = resolve(spec, &items, 0) {
                    add_columns(spec, &components, item, &[], "", true, 0, &mut columns)?;
                }
            }
            Some("data".to_string())
        }
        Some((data, data_required)) => {
            if let Some(object) = resolve(spec, data, 0) {
                let path = ["data".to_string()];
                add_columns(
                    spec,
                    &components,
                    object,
                    &path,
                    "",
                    data_required,
                    0,
                    &mut columns,
                )?;
            }
            // The scalar fields beside `data` (a new key, a setting of the answer).
            let mut beside = Vec::new();
            add_columns(spec, &components, root, &[], "", true, 1, &mut beside)?;
            beside.retain(|column| {
                column.path.len() == 1
                    && column.path[0] != "data"
                    && !columns.iter().any(|c: &ColumnSpec| c.name == column.name)
            });
            columns.extend(beside);
            None
        }
        None => {
            add_columns(spec, &components, root, &[], "", true, 0, &mut columns)?;
            None
        }
    };
    Ok(Some(ResponseSpec {
        list_items,
        columns,
    }))
}

/// A `Some(ResponseInfo { .. })` or `None` expression.
pub fn emit_response(response: Option<&ResponseSpec>) -> TokenStream {
    let Some(response) = response else {
        return quote!(None);
    };
    let payload = match &response.list_items {
        Some(items) => quote!(Payload::List { items: #items }),
        None => quote!(Payload::Object),
    };
    let columns = response.columns.iter().map(|column| {
        let ColumnSpec {
            name,
            path,
            kind,
            required,
            secret,
            description,
        } = column;
        quote! {
            ColumnInfo {
                name: #name,
                path: &[#(#path),*],
                kind: #kind,
                required: #required,
                secret: #secret,
                description: #description,
            },
        }
    });
    quote!(Some(ResponseInfo { payload: #payload, columns: &[#(#columns)*] }))
}

/// The properties of an object schema (merging `allOf` parts), each with whether it is
/// required, in the spec's order.
fn properties(
    spec: &OpenAPI,
    schema: &Schema,
    depth: usize,
) -> Vec<(String, ReferenceOr<Schema>, bool)> {
    let mut out: Vec<(String, ReferenceOr<Schema>, bool)> = Vec::new();
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            for (name, property) in &object.properties {
                out.push((
                    name.clone(),
                    property.clone().unbox(),
                    object.required.contains(name),
                ));
            }
        }
        SchemaKind::AllOf { all_of } if depth < MAX_DEPTH => {
            for part in all_of {
                if let Some(part) = resolve(spec, part, depth + 1) {
                    for entry in properties(spec, part, depth + 1) {
                        if !out.iter().any(|(name, _, _)| *name == entry.0) {
                            out.push(entry);
                        }
                    }
                }
            }
        }
        _ => {}
    }
    out
}

fn is_array(spec: &OpenAPI, schema: &ReferenceOr<Schema>) -> bool {
    matches!(
        resolve(spec, schema, 0).map(|s| &s.schema_kind),
        Some(SchemaKind::Type(Type::Array(_)))
    )
}

/// A schema as it is meant: through `$ref`s and a one-part `allOf` (how 3.0 documents
/// make a referenced schema nullable).
fn unwrap<'a>(spec: &'a OpenAPI, schema: &'a Schema, depth: usize) -> &'a Schema {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if all_of.len() == 1 && depth < MAX_DEPTH => {
            match resolve(spec, &all_of[0], depth + 1) {
                Some(inner) => unwrap(spec, inner, depth + 1),
                None => schema,
            }
        }
        _ => schema,
    }
}

/// Adds the columns of `object`'s properties: `path` leads to it, `prefix` names its
/// fields (`rate_limit.`), `required` says whether `object` itself is required, and
/// `level` how many objects deep it is (nested objects are flattened one level).
#[allow(clippy::too_many_arguments)]
fn add_columns(
    spec: &OpenAPI,
    components: &serde_json::Value,
    object: &Schema,
    path: &[String],
    prefix: &str,
    required: bool,
    level: usize,
    out: &mut Vec<ColumnSpec>,
) -> Result<(), String> {
    for (name, property, field_required) in properties(spec, object, 0) {
        let property = &property;
        let Some(outer) = resolve(spec, property, 0) else {
            continue;
        };
        let schema = unwrap(spec, outer, 0);
        let mut field_path = path.to_vec();
        field_path.push(name.clone());
        let column_name = format!("{prefix}{name}");
        let required = required && field_required;
        let is_object = matches!(&schema.schema_kind, SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty());
        if is_object && level == 0 {
            let nested = format!("{column_name}.");
            add_columns(
                spec,
                components,
                schema,
                &field_path,
                &nested,
                required,
                level + 1,
                out,
            )?;
            continue;
        }
        let unit = [outer, schema]
            .into_iter()
            .chain(match property {
                ReferenceOr::Item(item) => Some(item),
                ReferenceOr::Reference { .. } => None,
            })
            .find_map(|s| s.schema_data.extensions.get(UNIT));
        let kind =
            column_kind(schema, &name, unit).map_err(|err| format!("{column_name}: {err}"))?;
        let secret = crate::sdk::holds_secret(
            &serde_json::to_value(property).unwrap_or_default(),
            components,
            &mut std::collections::BTreeSet::new(),
        );
        let description = outer
            .schema_data
            .description
            .as_deref()
            .or(schema.schema_data.description.as_deref())
            .unwrap_or_default();
        out.push(ColumnSpec {
            name: column_name,
            path: field_path,
            kind,
            required,
            secret,
            description: one_paragraph(description),
        });
    }
    Ok(())
}

/// The `ColumnKind` of a field's schema.
fn column_kind(
    schema: &Schema,
    name: &str,
    unit: Option<&serde_json::Value>,
) -> Result<TokenStream, String> {
    if let Some(unit) = unit {
        return match (unit.as_str(), &schema.schema_kind) {
            (Some("usd"), SchemaKind::Type(Type::Number(_) | Type::Integer(_))) => {
                Ok(quote!(ColumnKind::Usd))
            }
            (Some("usd"), _) => Err(format!("{UNIT}: usd is for numbers")),
            (Some("unix-seconds"), SchemaKind::Type(Type::Integer(_))) => {
                Ok(quote!(ColumnKind::UnixSeconds))
            }
            (Some("unix-seconds"), _) => Err(format!("{UNIT}: unix-seconds is for integers")),
            _ => Err(format!(
                "{UNIT}: {unit} is not a known unit (usd, unix-seconds)"
            )),
        };
    }
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            let values = enum_values(string);
            if !values.is_empty() {
                quote!(ColumnKind::Enum(&[#(#values),*]))
            } else {
                match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => quote!(ColumnKind::Date),
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
                        quote!(ColumnKind::Time)
                    }
                    VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => {
                        quote!(ColumnKind::Id)
                    }
                    _ if name == "id" || name == "hash" || name.ends_with("_id") => {
                        quote!(ColumnKind::Id)
                    }
                    // `created_at`, `last_used_at`: times the spec gives no format.
                    _ if name.ends_with("_at") => quote!(ColumnKind::Time),
                    _ => quote!(ColumnKind::Text),
                }
            }
        }
        SchemaKind::Type(Type::Number(_)) => quote!(ColumnKind::Number),
        SchemaKind::Type(Type::Integer(_)) => quote!(ColumnKind::Integer),
        SchemaKind::Type(Type::Boolean(_)) => quote!(ColumnKind::Boolean),
        _ => quote!(ColumnKind::Json),
    })
}

/// A string schema's enumerated values (a `null` among them is not a value).
fn enum_values(string: &StringType) -> Vec<&str> {
    string
        .enumeration
        .iter()
        .filter_map(|value| value.as_deref())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> serde_yaml_ng::Value {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/openrouter.yaml");
        let text = std::fs::read_to_string(path).expect("the spec");
        serde_yaml_ng::from_str(&text).expect("YAML")
    }

    fn model(spec: &serde_yaml_ng::Value, path: &str, method: &str) -> ResponseSpec {
        let openapi: OpenAPI = serde_yaml_ng::from_value(spec.clone()).expect("OpenAPI");
        let Some(ReferenceOr::Item(item)) = openapi.paths.paths.get(path) else {
            panic!("no {path}");
        };
        let op = item
            .iter()
            .find(|(m, _)| *m == method)
            .map(|(_, op)| op)
            .expect("the operation");
        response(&openapi, &op.responses)
            .expect("derived")
            .expect("a JSON answer")
    }

    fn kind(model: &ResponseSpec, name: &str) -> String {
        let column = model.columns.iter().find(|c| c.name == name);
        column
            .unwrap_or_else(|| panic!("no column {name}: {:?}", model.column_names()))
            .kind
            .to_string()
    }

    #[test]
    fn lists_objects_units_nesting_and_secrets_come_from_the_spec() {
        let spec = spec();
        let list = model(&spec, "/keys", "get");
        assert_eq!(list.list_items.as_deref(), Some("data"));
        assert!(kind(&list, "limit").contains("Usd"));
        assert!(kind(&list, "hash").contains("Id"));
        assert!(kind(&list, "disabled").contains("Boolean"));
        assert!(kind(&list, "created_at").contains("Time"));

        let key = model(&spec, "/key", "get");
        assert!(key.list_items.is_none());
        let names = key.column_names();
        // A nested object is flattened one level, in place.
        let at = |name: &str| names.iter().position(|n| *n == name).expect(name);
        assert!(at("rate_limit.note") > at("limit_reset"));
        let note = key
            .columns
            .iter()
            .find(|c| c.name == "rate_limit.note")
            .expect("note");
        assert_eq!(note.path, ["data", "rate_limit", "note"]);

        // The new key of `POST /keys` sits beside `data`: a secret column.
        let created = model(&spec, "/keys", "post");
        let secret = created
            .columns
            .iter()
            .find(|c| c.name == "key")
            .expect("key");
        assert!(secret.secret && secret.path == ["key"]);
        assert!(!created.columns.iter().any(|c| c.name == "data"));
    }

    /// A field added to a response schema is a column, with its unit, and no code.
    #[test]
    fn a_field_added_to_a_response_appears_in_the_columns() {
        let mut spec = spec();
        let before = model(&spec, "/keys", "get");
        assert!(!before.column_names().contains(&"forecast_spend"));
        let properties = &mut spec["components"]["schemas"]["ApiKey"]["properties"];
        let added: serde_yaml_ng::Value = serde_yaml_ng::from_str(
            "type: number\nx-openrouter-unit: usd\ndescription: Spend expected this month.",
        )
        .expect("YAML");
        properties
            .as_mapping_mut()
            .expect("properties")
            .insert("forecast_spend".into(), added);
        let after = model(&spec, "/keys", "get");
        assert_eq!(after.columns.len(), before.columns.len() + 1);
        assert!(kind(&after, "forecast_spend").contains("Usd"));
    }

    /// Unix seconds are a time only on an integer.
    #[test]
    fn unix_seconds_mark_an_integer_as_a_time() {
        let mut spec = spec();
        let properties = &mut spec["components"]["schemas"]["ApiKey"]["properties"];
        let added: serde_yaml_ng::Value =
            serde_yaml_ng::from_str("type: integer\nx-openrouter-unit: unix-seconds")
                .expect("YAML");
        properties
            .as_mapping_mut()
            .expect("properties")
            .insert("rotated".into(), added);
        assert!(kind(&model(&spec, "/keys", "get"), "rotated").contains("UnixSeconds"));
        spec["components"]["schemas"]["ApiKey"]["properties"]["rotated"]["type"] = "string".into();
        let openapi: OpenAPI = serde_yaml_ng::from_value(spec).expect("OpenAPI");
        let Some(ReferenceOr::Item(item)) = openapi.paths.paths.get("/keys") else {
            panic!("no /keys");
        };
        let op = item.get.as_ref().expect("GET /keys");
        let err = response(&openapi, &op.responses).expect_err("refused");
        assert!(err.contains("unix-seconds is for integers"), "{err}");
    }

    #[test]
    fn an_unknown_unit_is_refused() {
        let mut spec = spec();
        spec["components"]["schemas"]["ApiKey"]["properties"]["usage"]["x-openrouter-unit"] =
            "eur".into();
        let openapi: OpenAPI = serde_yaml_ng::from_value(spec).expect("OpenAPI");
        let Some(ReferenceOr::Item(item)) = openapi.paths.paths.get("/keys") else {
            panic!("no /keys");
        };
        let op = item.get.as_ref().expect("GET /keys");
        let err = response(&openapi, &op.responses).expect_err("refused");
        assert!(err.contains("eur"), "{err}");
    }

    #[test]
    fn a_form_body_is_read_for_its_fields_and_marked_as_a_form() {
        let openapi: OpenAPI = serde_yaml_ng::from_value(spec()).expect("OpenAPI");
        let body_of = |path: &str| {
            let Some(ReferenceOr::Item(item)) = openapi.paths.paths.get(path) else {
                panic!("no {path}");
            };
            item.post.as_ref().expect("a POST").request_body.clone()
        };
        let token = body_of("/oauth/token");
        assert!(body_is_form(token.as_ref()));
        let fields = body_fields(&openapi, token.as_ref()).expect("fields");
        let secret: Vec<&str> = fields
            .iter()
            .filter(|f| f.secret())
            .map(|f| f.name())
            .collect();
        assert_eq!(secret, ["subject_token"]);
        assert!(fields.iter().any(|f| f.name() == "federation_policy_id"));
        // A JSON body is not a form.
        assert!(!body_is_form(body_of("/keys").as_ref()));
    }
}
