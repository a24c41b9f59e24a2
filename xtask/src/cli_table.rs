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
    StringFormat, Type, VariantOrUnknownOrEmpty,
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

/// The top-level fields of the operation's JSON body, in the spec's order; none when the
/// body is not a JSON object with `properties` (it is then given whole, with `--body`).
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
            let values: Vec<&str> = string
                .enumeration
                .iter()
                .filter_map(|value| value.as_deref())
                .collect();
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
