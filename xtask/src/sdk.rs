//! The client crate's typed layer (`crates/openrouter-analytics/src/generated.rs`):
//! for every operation of the spec, `client.<group>().<method>()` on the async and
//! the blocking client, a parameter type with one setter per parameter, and the
//! `Operation` impl that sends it through progenitor's builder.
//!
//! Two inputs: the spec, for what the API calls things (tags, SDK method names,
//! descriptions, parameter names), and progenitor's generated client, parsed with
//! `syn`, for the Rust types of each parameter, body and response. Reading the types
//! from progenitor's output rather than recomputing them keeps the two layers in step
//! whatever typify decides.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToKebabCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use openapiv3::{OpenAPI, Parameter, ReferenceOr};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

/// Sugar written by hand in `crates/openrouter-analytics/src/sugar.rs`, which the
/// generated layer must leave room for. Declared on the operation in the spec:
/// `x-openrouter-hand-written: {setters: [date], validate: true, params: false}`.
#[derive(Default)]
struct HandWritten {
    /// Setters written by hand (they take a friendlier type), so not generated.
    setters: Vec<String>,
    /// `Validate` is implemented by hand (extra checks before sending).
    validate: bool,
    /// The whole parameter type is written by hand (it lives in `crate::sugar`); only
    /// the accessor, the alias and the by-name dispatch are generated.
    params: bool,
}

impl HandWritten {
    /// Reads the extension's value; an unknown key or a wrong type is an error, so a
    /// misspelt key cannot silently generate a setter that the sugar also defines.
    fn from_value(value: &serde_json::Value) -> Result<Self, String> {
        let map = value.as_object().ok_or("expected a mapping")?;
        let mut out = Self::default();
        for (key, value) in map {
            match key.as_str() {
                "setters" => {
                    out.setters = value
                        .as_array()
                        .and_then(|names| {
                            names
                                .iter()
                                .map(|n| n.as_str().map(str::to_string))
                                .collect()
                        })
                        .ok_or("`setters` must be a list of names")?;
                }
                "validate" => {
                    out.validate = value.as_bool().ok_or("`validate` must be a boolean")?
                }
                "params" => out.params = value.as_bool().ok_or("`params` must be a boolean")?,
                other => return Err(format!("unknown key `{other}`")),
            }
        }
        Ok(out)
    }
}

/// The spec extension declaring hand-written sugar for an operation.
const HAND_WRITTEN: &str = "x-openrouter-hand-written";

/// The spec extension marking a POST that only reads (safe to send again, e.g.
/// `queryAnalytics`), unlike every other POST and PATCH, which create or change
/// something and are not resent after an attempt that may have reached the server.
const READ_ONLY: &str = "x-openrouter-read-only";

/// The spec extension marking an operation whose request body carries credentials in a
/// free-form object the spec cannot mark `format: password` (an observability
/// destination's `config`): like an operation with a secret string, its errors keep no
/// part of a response body.
const CARRIES_SECRET: &str = "x-openrouter-carries-secret";

/// The spec extension marking a request body field whose value holds credentials the
/// spec cannot mark `format: password` (an object of them, such as a destination's
/// `config`): every string inside it is a secret, scrubbed from any text the server
/// sends back, and the CLI never echoes the flag's value.
pub(crate) const SECRET_FIELD: &str = "x-openrouter-secret";

/// Names every call already has, which a parameter or body field must not shadow: the
/// options of the hand-written `Call` type (`call.rs`) and the body setters this
/// generator adds to every call. This is knowledge about our own `Call`, not about any
/// operation, so it lives here rather than in the spec; a test checks it against the
/// `pub fn`s of `call.rs` and `blocking.rs` so that it cannot fall behind.
const CALL_METHODS: &[&str] = &[
    "retry",
    "no_retries",
    "timeout",
    "http_referer",
    "app_title",
    "app_categories",
    "header",
    "send",
    "send_with_raw_body",
    "body",
    "body_map",
    "allow_retrying_writes",
    "send_all_pages",
    "collect_all",
    "max_pages",
    "send_tolerant",
    "send_all_pages_tolerant",
    "send_raw_body",
];

/// The operations of the spec, in its order, with what progenitor made of them.
struct Operation {
    snake_id: String,
    group: String,
    method: String,
    http_method: String,
    path: String,
    summary: String,
    description: String,
    parameters: Vec<Param>,
    body: Option<Body>,
    output: syn::Type,
    hand: Option<HandWritten>,
    /// Creates or changes something: not resent after it may have reached the server.
    writes: bool,
    /// Its request body or an answer holds a string the spec marks as a secret
    /// (`format: password`): errors keep no part of its bodies.
    carries_secret: bool,
    /// A `DELETE`: a 404 after an attempt that may have been applied means "already
    /// gone".
    deletes: bool,
    /// Its request body is `application/x-www-form-urlencoded` rather than JSON.
    form_body: bool,
    /// Its error responses use a schema other than `ErrorResponse` (the OAuth shape):
    /// the typed call turns them into `ErrorResponse` through the one error mapping.
    other_error: bool,
    /// For a list paged by `offset`: its shape.
    paged: Option<PageShape>,
    /// For an answer that is a list `{data: [T], ...}`, paged or not: `T`, for checking
    /// the answer item by item (`crate::check::Listed`).
    listed: Option<syn::Type>,
    /// The top-level fields of the JSON body, for the table of operations.
    body_fields: Vec<crate::cli_table::FieldSpec>,
    /// What a successful answer holds: the resource model of the table of operations.
    response: Option<crate::cli_table::ResponseSpec>,
}

/// What paging needs to know of a list answer `{data: [T], ...}`.
struct PageShape {
    /// `T`.
    item: syn::Type,
    /// Whether `data` is a newtype around the `Vec<T>` (a named array schema).
    newtype: bool,
    /// Whether the answer carries `total_count`.
    has_total: bool,
    /// The item's identity: its `id` or else its `hash` field, and whether that field
    /// is optional.
    identity: Option<(String, bool)>,
}

struct Param {
    name: String,
    field: String,
    location: String,
    required: bool,
    description: String,
    ty: syn::Type,
    /// Its `ValueType`, for the table of operations.
    value: TokenStream,
}

struct Body {
    /// `types::X`
    ty: syn::Type,
    /// `types::builder::X`
    builder: syn::Type,
    /// The body's fields, from typify's builder: name and value type.
    fields: Vec<(String, syn::Type)>,
}

/// What progenitor generated for one operation.
struct Builder {
    fields: BTreeMap<String, syn::Type>,
    output: syn::Type,
    error: syn::Type,
}

/// Renders the typed layer from the spec and the generated client's source.
pub fn render(spec: &OpenAPI, generated_client: &str) -> Result<Rendered, String> {
    let file = syn::parse_file(generated_client)
        .map_err(|err| format!("the generated client does not parse: {err}"))?;
    let builders = builders(&file)?;
    let body_fields = body_builder_fields(&file);
    let type_fields = type_fields(&file);
    let operations = operations(spec, &builders, &body_fields, &type_fields)?;
    let tags = tag_descriptions(spec);
    let tokens = emit(&operations, &tags);
    let file: syn::File =
        syn::parse2(tokens).map_err(|err| format!("the typed layer does not parse: {err}"))?;
    Ok(Rendered {
        code: prettyplease::unparse(&file),
        operation_table: operation_table(&operations)?,
    })
}

/// What [`render`] makes of the spec.
pub struct Rendered {
    /// The client crate's typed layer.
    pub code: String,
    /// The table of operations of `docs/operations.md` (Markdown rows, one per operation).
    pub operation_table: String,
}

/// The table of operations (`docs/operations.md`): the client call, the CLI command, the HTTP
/// operation, the key it needs (from its description, which must say) and how it
/// behaves (pages, writes, carries a secret).
fn operation_table(operations: &[Operation]) -> Result<String, String> {
    let mut out = String::from(
        "| client call | `openrouter api ...` | HTTP | key | notes |\n| --- | --- | --- | --- | --- |\n",
    );
    for op in operations {
        let key = if op.description.contains("Needs a management key") {
            "management"
        } else if op.description.contains("Works with any API key") {
            "any"
        } else {
            return Err(format!(
                "{} {}: the description must say which key it needs \
                 (\"Needs a management key.\" or \"Works with any API key.\")",
                op.http_method, op.path
            ));
        };
        let mut notes = Vec::new();
        if op.paged.is_some() {
            notes.push("pages");
        }
        if op.writes {
            notes.push("write");
        }
        if op.carries_secret {
            notes.push("secret");
        }
        out.push_str(&format!(
            "| `{}().{}()` | `{} {}` | `{} {}` | {key} | {} |\n",
            op.group,
            op.method,
            op.group.to_kebab_case(),
            op.method.to_kebab_case(),
            op.http_method,
            op.path,
            notes.join(", "),
        ));
    }
    Ok(out)
}

/// progenitor's `pub mod builder`: each operation's builder struct (its fields) and
/// the type its `send` returns.
fn builders(file: &syn::File) -> Result<BTreeMap<String, Builder>, String> {
    let module = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .ok_or("the generated client has no `builder` module (is the interface style Builder?)")?;
    let mut fields = BTreeMap::new();
    let mut sends = BTreeMap::new();
    for item in &module.1 {
        match item {
            syn::Item::Struct(s) => {
                let named: BTreeMap<String, syn::Type> = s
                    .fields
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), f.ty.clone())))
                    .filter(|(name, _)| name != "client")
                    .collect();
                fields.insert(s.ident.to_string(), named);
            }
            syn::Item::Impl(i) => {
                let Some(name) = type_name(&i.self_ty) else {
                    continue;
                };
                for item in &i.items {
                    if let syn::ImplItem::Fn(f) = item
                        && f.sig.ident == "send"
                        && let syn::ReturnType::Type(_, ty) = &f.sig.output
                    {
                        sends.insert(name.clone(), (**ty).clone());
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for (name, fields) in fields {
        let Some(result) = sends.remove(&name) else {
            continue;
        };
        let [ok, err] = generic_args(&result)[..] else {
            return Err(format!("builder {name}: `send` does not return a Result"));
        };
        let output = generic_args(ok)
            .first()
            .map(|ty| (*ty).clone())
            .ok_or_else(|| format!("builder {name}: `send` does not return a ResponseValue"))?;
        let error = generic_args(err)
            .first()
            .map(|ty| (*ty).clone())
            .ok_or_else(|| format!("builder {name}: `send` has no error type"))?;
        out.insert(
            name,
            Builder {
                fields,
                output,
                error,
            },
        );
    }
    Ok(out)
}

/// typify's `types::builder` structs: the fields of each (for body field setters).
fn body_builder_fields(file: &syn::File) -> BTreeMap<String, Vec<(String, syn::Type)>> {
    let types = file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
        _ => None,
    });
    let builder = types.and_then(|(_, items)| {
        items.iter().find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
    });
    let mut out = BTreeMap::new();
    for item in builder
        .map(|(_, items)| items.as_slice())
        .unwrap_or_default()
    {
        if let syn::Item::Struct(s) = item {
            let fields = s
                .fields
                .iter()
                .filter_map(|f| {
                    let result = generic_args(&f.ty);
                    Some((f.ident.as_ref()?.to_string(), (*result.first()?).clone()))
                })
                .map(|(name, ty)| (name, in_types_module(&ty)))
                .collect();
            out.insert(s.ident.to_string(), fields);
        }
    }
    out
}

/// The fields of each struct in progenitor's `types` module (for paged responses); a
/// newtype (`struct X(pub Vec<T>)`, a named array schema) has the one field `0`.
fn type_fields(file: &syn::File) -> BTreeMap<String, Vec<(String, syn::Type)>> {
    let types = file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
        _ => None,
    });
    let mut out = BTreeMap::new();
    for item in types.map(|(_, items)| items.as_slice()).unwrap_or_default() {
        if let syn::Item::Struct(s) = item {
            let fields = match &s.fields {
                syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => fields
                    .unnamed
                    .iter()
                    .map(|f| ("0".to_string(), prelude_names(&f.ty)))
                    .collect(),
                fields => fields
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), prelude_names(&f.ty))))
                    .collect(),
            };
            out.insert(s.ident.to_string(), fields);
        }
    }
    out
}

/// The shape of a list answer `{data: [T], ...}`: `T`, whether `total_count` is
/// there, and which field of `T` identifies an item (`id`, else `hash`).
fn page_shape(
    output: &syn::Type,
    type_fields: &BTreeMap<String, Vec<(String, syn::Type)>>,
) -> Option<PageShape> {
    let fields = type_fields.get(&type_name(output)?)?;
    let data = fields.iter().find(|(name, _)| name == "data")?;
    // `data: Vec<T>`, or `data: X` where `X` is a named array schema (`X(pub Vec<T>)`).
    let (list, newtype) = if is_named(&data.1, "Vec") {
        (&data.1, false)
    } else {
        match type_fields.get(&type_name(&data.1)?)?.as_slice() {
            [(field, inner)] if field == "0" && is_named(inner, "Vec") => (inner, true),
            _ => return None,
        }
    };
    let item = *generic_args(list).first()?;
    let identity = type_name(item)
        .and_then(|name| type_fields.get(&name))
        .and_then(|item_fields| {
            ["id", "hash"].iter().find_map(|wanted| {
                item_fields
                    .iter()
                    .find(|(name, _)| name == wanted)
                    .map(|(name, ty)| (name.clone(), is_named(ty, "Option")))
            })
        });
    let item = prelude_names(&seen_from_client(item));
    Some(PageShape {
        item,
        newtype,
        has_total: fields.iter().any(|(name, _)| name == "total_count"),
        identity,
    })
}

/// Whether `value` (part of the spec, as JSON) holds a schema with `format: password`
/// or [`SECRET_FIELD`], following `$ref`s into `components` (each once, so that cycles
/// end).
pub(crate) fn holds_secret(
    value: &serde_json::Value,
    components: &serde_json::Value,
    seen: &mut BTreeSet<String>,
) -> bool {
    match value {
        serde_json::Value::Object(map) => {
            if map.get("format").and_then(|f| f.as_str()) == Some("password")
                || map.get(SECRET_FIELD) == Some(&serde_json::Value::Bool(true))
            {
                return true;
            }
            if let Some(reference) = map.get("$ref").and_then(|r| r.as_str())
                && seen.insert(reference.to_string())
                && let Some(pointer) = reference.strip_prefix("#/components")
                && let Some(target) = components.pointer(pointer)
                && holds_secret(target, components, seen)
            {
                return true;
            }
            map.iter()
                .filter(|(key, _)| !matches!(key.as_str(), "example" | "examples" | "default"))
                .any(|(_, value)| holds_secret(value, components, seen))
        }
        serde_json::Value::Array(items) => items
            .iter()
            .any(|value| holds_secret(value, components, seen)),
        _ => false,
    }
}

/// Whether an operation's request body or any of its answers holds a secret string, or
/// the spec says it carries credentials ([`CARRIES_SECRET`]).
fn carries_secret(op: &openapiv3::Operation, components: &serde_json::Value) -> bool {
    if op.extensions.get(CARRIES_SECRET) == Some(&serde_json::Value::Bool(true)) {
        return true;
    }
    let parts = [
        serde_json::to_value(&op.request_body).unwrap_or_default(),
        serde_json::to_value(&op.responses).unwrap_or_default(),
    ];
    parts
        .iter()
        .any(|part| holds_secret(part, components, &mut BTreeSet::new()))
}

/// Sibling types are named bare inside `types`; seen from our crate, `types::X`. The
/// arguments of `Option<..>` (a nullable item) and `Vec<..>` are qualified the same way.
fn seen_from_client(ty: &syn::Type) -> syn::Type {
    let syn::Type::Path(p) = ty else {
        return ty.clone();
    };
    if p.qself.is_some() {
        return ty.clone();
    }
    let mut p = p.clone();
    let Some(last) = p.path.segments.last_mut() else {
        return ty.clone();
    };
    let wrapper = matches!(last.ident.to_string().as_str(), "Option" | "Vec" | "Box");
    if let syn::PathArguments::AngleBracketed(args) = &mut last.arguments {
        for arg in &mut args.args {
            if let syn::GenericArgument::Type(inner) = arg {
                *inner = seen_from_client(inner);
            }
        }
    }
    let bare = p.path.leading_colon.is_none() && p.path.segments.len() == 1;
    let builtin = matches!(
        last_ident_text(&p.path).as_str(),
        "String" | "bool" | "i64" | "u64" | "i32" | "f64" | "f32" | "Value"
    );
    if bare && !wrapper && !builtin {
        return syn::parse_str(&format!("types::{}", quote!(#p))).unwrap_or_else(|_| ty.clone());
    }
    syn::Type::Path(p)
}

fn last_ident_text(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// typify's builder fields name sibling types as `super::X`; seen from our crate they
/// are `types::X`.
fn in_types_module(ty: &syn::Type) -> syn::Type {
    // `crate::Secret` (a secret body field) is the API crate's, `api::Secret` from here.
    let text = quote!(#ty)
        .to_string()
        .replace("super ::", "types ::")
        .replace("crate :: Secret", "api :: Secret");
    syn::parse_str(&text).map_or_else(|_| ty.clone(), |ty| prelude_names(&ty))
}

/// `::std::string::String` -> `String` (and `Vec`, `Option`): the prelude's names read
/// better in docs and signatures.
fn prelude_names(ty: &syn::Type) -> syn::Type {
    let text = quote!(#ty)
        .to_string()
        .replace(":: std :: string :: String", "String")
        .replace(":: std :: vec :: Vec", "Vec")
        .replace(":: std :: option :: Option", "Option");
    syn::parse_str(&text).unwrap_or_else(|_| ty.clone())
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The type arguments of the last path segment: `Result<A, B>` -> `[A, B]`.
fn generic_args(ty: &syn::Type) -> Vec<&syn::Type> {
    let syn::Type::Path(p) = ty else {
        return Vec::new();
    };
    let Some(last) = p.path.segments.last() else {
        return Vec::new();
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|arg| match arg {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        })
        .collect()
}

fn is_named(ty: &syn::Type, name: &str) -> bool {
    type_name(ty).as_deref() == Some(name)
}

fn operations(
    spec: &OpenAPI,
    builders: &BTreeMap<String, Builder>,
    body_fields: &BTreeMap<String, Vec<(String, syn::Type)>>,
    type_fields: &BTreeMap<String, Vec<(String, syn::Type)>>,
) -> Result<Vec<Operation>, String> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let components = serde_json::to_value(&spec.components).unwrap_or_default();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            return Err(format!("{path}: path references are not supported"));
        };
        for (http_method, op) in item.iter() {
            let where_ = format!("{} {path}", http_method.to_uppercase());
            let operation_id = op
                .operation_id
                .clone()
                .ok_or_else(|| format!("{where_}: no operationId"))?;
            let snake_id = operation_id.to_snake_case();
            let group = op
                .tags
                .first()
                .ok_or_else(|| format!("{where_}: no tag (the tag names its group)"))?
                .to_snake_case();
            let method = op
                .extensions
                .get("x-speakeasy-name-override")
                .and_then(|v| v.as_str())
                .unwrap_or(&operation_id)
                .to_snake_case();
            if !seen.insert((group.clone(), method.clone())) {
                return Err(format!(
                    "{where_}: a second operation named {group}.{method}"
                ));
            }
            let builder_name = operation_id.to_upper_camel_case();
            let builder = builders.get(&builder_name).ok_or_else(|| {
                format!("{where_}: progenitor generated no builder {builder_name}")
            })?;
            let other_error = !is_named(&builder.error, "ErrorResponse");
            if is_named(&builder.output, "ByteStream") {
                return Err(format!("{where_}: its success response is not JSON"));
            }
            let hand: Option<HandWritten> = op
                .extensions
                .get(HAND_WRITTEN)
                .map(HandWritten::from_value)
                .transpose()
                .map_err(|err| format!("{where_}: {HAND_WRITTEN}: {err}"))?;
            let mut parameters = Vec::new();
            for parameter in item.parameters.iter().chain(&op.parameters) {
                let parameter = resolve_parameter(spec, parameter)
                    .ok_or_else(|| format!("{where_}: a parameter reference does not resolve"))?;
                let (location, data) = match parameter {
                    Parameter::Query { parameter_data, .. } => ("query", parameter_data),
                    Parameter::Path { parameter_data, .. } => ("path", parameter_data),
                    Parameter::Header { parameter_data, .. } => ("header", parameter_data),
                    Parameter::Cookie { parameter_data, .. } => ("cookie", parameter_data),
                };
                let field = data.name.to_snake_case();
                let slot = builder.fields.get(&field).ok_or_else(|| {
                    format!("{where_}: progenitor's builder has no field {field}")
                })?;
                let ty = unwrap_slot(slot)
                    .ok_or_else(|| format!("{where_}: unexpected builder field type"))?;
                if CALL_METHODS.contains(&field.as_str()) {
                    return Err(format!(
                        "{where_}: parameter {field} would shadow a call option of that name"
                    ));
                }
                parameters.push(Param {
                    name: data.name.clone(),
                    field,
                    location: location.to_string(),
                    required: data.required,
                    description: data.description.clone().unwrap_or_default(),
                    ty,
                    value: crate::cli_table::parameter_value(spec, data),
                });
            }
            let body = match builder.fields.get("body") {
                Some(slot) if op.request_body.is_some() => {
                    let builder_ty = generic_args(slot)
                        .first()
                        .map(|ty| (*ty).clone())
                        .ok_or_else(|| format!("{where_}: unexpected body field type"))?;
                    let name = type_name(&builder_ty).unwrap_or_default();
                    let ty: syn::Type = syn::parse_str(&format!("types::{name}"))
                        .map_err(|err| format!("{where_}: {err}"))?;
                    let fields = body_fields.get(&name).cloned().unwrap_or_default();
                    Some(Body {
                        ty,
                        builder: builder_ty,
                        fields,
                    })
                }
                _ => None,
            };
            if let Some(body) = &body {
                check_clear_setters(&where_, body, &parameters)?;
            }
            let read_only = match op.extensions.get(READ_ONLY) {
                None => false,
                Some(serde_json::Value::Bool(flag)) => *flag,
                Some(_) => return Err(format!("{where_}: {READ_ONLY} must be true or false")),
            };
            if read_only && http_method != "post" {
                return Err(format!(
                    "{where_}: {READ_ONLY} is for POSTs; other methods say it by their method"
                ));
            }
            let writes = matches!(http_method, "post" | "patch") && !read_only;
            let listed = page_shape(&builder.output, type_fields);
            let listed_item = listed.as_ref().map(|shape| shape.item.clone());
            let paged = listed.filter(|_| parameters.iter().any(|p| p.name == "offset"));
            let body_fields = crate::cli_table::body_fields(spec, op.request_body.as_ref())
                .map_err(|err| format!("{where_}: {err}"))?;
            check_clearable_fields_agree(&where_, body.as_ref(), &body_fields)?;
            let response = crate::cli_table::response(spec, &op.responses)
                .map_err(|err| format!("{where_}: {err}"))?;
            out.push(Operation {
                body_fields,
                response,
                writes,
                carries_secret: carries_secret(op, &components),
                deletes: http_method == "delete",
                form_body: crate::cli_table::body_is_form(op.request_body.as_ref()),
                other_error,
                paged,
                listed: listed_item,
                snake_id,
                group,
                method,
                http_method: http_method.to_uppercase(),
                path: path.clone(),
                summary: op.summary.clone().unwrap_or_default(),
                description: op.description.clone().unwrap_or_default(),
                parameters,
                body,
                output: builder.output.clone(),
                hand,
            });
        }
    }
    Ok(out)
}

fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    parameter: &'a ReferenceOr<Parameter>,
) -> Option<&'a Parameter> {
    match parameter {
        ReferenceOr::Item(parameter) => Some(parameter),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            match spec.components.as_ref()?.parameters.get(name)? {
                ReferenceOr::Item(parameter) => Some(parameter),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

/// A builder field `Result<Option<T>, String>` or `Result<T, String>` -> `T`.
fn unwrap_slot(slot: &syn::Type) -> Option<syn::Type> {
    let inner = *generic_args(slot).first()?;
    if is_named(inner, "Option") {
        generic_args(inner).first().map(|ty| prelude_names(ty))
    } else {
        Some(prelude_names(inner))
    }
}

fn tag_descriptions(spec: &OpenAPI) -> BTreeMap<String, String> {
    spec.tags
        .iter()
        .map(|tag| {
            (
                tag.name.to_snake_case(),
                tag.description.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn ident(name: &str) -> Ident {
    // Every name here comes from snake- or camel-casing the spec's names; a keyword
    // becomes a raw identifier.
    if syn::parse_str::<Ident>(name).is_ok() {
        Ident::new(name, Span::call_site())
    } else {
        Ident::new_raw(name, Span::call_site())
    }
}

fn doc(text: &str) -> TokenStream {
    let lines: Vec<TokenStream> = text
        .trim()
        .lines()
        .map(|line| {
            let line = format!(" {}", line.trim_end());
            quote!(#[doc = #line])
        })
        .collect();
    quote!(#(#lines)*)
}

/// `fn name(&self) -> bool { true }` where `on`, else nothing (the trait's default
/// is `false`).
fn flag_method(name: &str, on: bool) -> TokenStream {
    if !on {
        return quote!();
    }
    let name = ident(name);
    quote! {
        fn #name(&self) -> bool {
            true
        }
    }
}

fn emit(operations: &[Operation], tags: &BTreeMap<String, String>) -> TokenStream {
    let mut groups: Vec<&str> = Vec::new();
    for op in operations {
        if !groups.contains(&op.group.as_str()) {
            groups.push(&op.group);
        }
    }
    let group_items = groups.iter().map(|group| {
        let ops: Vec<&Operation> = operations.iter().filter(|op| op.group == *group).collect();
        emit_group(
            group,
            tags.get(*group).map(String::as_str).unwrap_or(""),
            &ops,
        )
    });
    let table = operations.iter().map(emit_info);
    let handles = emit_handles(operations);
    let send_arms = operations.iter().map(|op| {
        let id = &op.snake_id;
        let params = params_path(op);
        quote!(#id => send_as_json::<#params>(args, body, api).await,)
    });
    let check_page_arms = operations.iter().filter(|op| op.paged.is_some()).map(|op| {
        let id = &op.snake_id;
        let params = params_path(op);
        quote!(#id => Some(crate::paging::check_page::<#params>(raw)),)
    });
    let validate_arms = operations.iter().map(|op| {
        let id = &op.snake_id;
        let params = params_path(op);
        quote!(#id => validate_as::<#params>(args, body),)
    });
    quote! {
        //! The typed layer: one group per tag, one call per operation.
        use openrouter_analytics_api as api;
        use openrouter_analytics_api::ResponseValue;
        use openrouter_analytics_api::types;
        use openrouter_analytics_api::types::ErrorResponse;

        use crate::call::{Async, Call, Operation, sealed};
        use crate::client::Client;
        use crate::dynamic::{
            ColumnInfo, ColumnKind, FieldInfo, FromArgs, OperationInfo, PagingInfo, ParameterInfo, Payload,
            ResponseInfo, ValueType, parse_arg, parse_body,
            send_as_json, unexpected_body, unknown_arg, validate_as,
        };
        use crate::error::{Error, Result};

        #(#group_items)*

        /// Every operation, in the spec's order.
        pub(crate) static OPERATIONS: &[OperationInfo] = &[#(#table)*];

        #handles

        /// Sends the operation `operation_id` with text arguments and a JSON body.
        pub(crate) async fn send_by_name(
            operation_id: &str,
            args: &[(String, String)],
            body: &Option<serde_json::Value>,
            api: &api::Client,
        ) -> std::result::Result<ResponseValue<serde_json::Value>, api::Error<ErrorResponse>> {
            match operation_id {
                #(#send_arms)*
                other => Err(api::Error::InvalidRequest(format!("unknown operation {other}"))),
            }
        }

        /// Checks a page of the list `operation_id` against its types as it is read:
        /// its length, `total_count` and items' ids, or the first mismatch. `None` for an
        /// operation that is not a list paged by offset.
        pub(crate) fn check_page_by_name(
            operation_id: &str,
            raw: &[u8],
        ) -> Option<std::result::Result<crate::paging::CheckedPage, serde_json::Error>> {
            match operation_id {
                #(#check_page_arms)*
                _ => None,
            }
        }

        /// Checks text arguments and a JSON body for the operation `operation_id`.
        pub(crate) fn validate_by_name(
            operation_id: &str,
            args: &[(String, String)],
            body: &Option<serde_json::Value>,
        ) -> Result<()> {
            match operation_id {
                #(#validate_arms)*
                other => Err(Error::invalid_request(format!("unknown operation {other}"))),
            }
        }
    }
}

/// The name of an operation's handle in `ops`: `API_KEYS_CREATE` for
/// `client.api_keys().create()`.
fn handle_name(op: &Operation) -> String {
    format!("{}_{}", op.group, op.method.to_snake_case()).to_shouty_snake_case()
}

/// `pub mod ops`: one constant per operation, pointing into the table, so that code
/// naming an operation (a CLI override, a test) names a constant the compiler checks
/// rather than a string a typo breaks at run time.
fn emit_handles(operations: &[Operation]) -> TokenStream {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut items = Vec::new();
    for (index, op) in operations.iter().enumerate() {
        let name = handle_name(op);
        let this = format!("{}.{}", op.group, op.method);
        if let Some(other) = seen.insert(name.clone(), this.clone()) {
            let message = format!("operations {other} and {this} share the handle ops::{name}");
            items.push(quote!(compile_error!(#message);));
            continue;
        }
        let ident = format_ident!("{}", name);
        let docs = doc(&format!(
            "`client.{}().{}()`: {} {}",
            op.group, op.method, op.http_method, op.path
        ));
        items.push(quote! {
            #docs
            pub const #ident: &OperationInfo = &super::OPERATIONS[#index];
        });
    }
    quote! {
        /// Every operation of the table by name, checked by the compiler:
        /// `ops::API_KEYS_CREATE` is the entry of `client.api_keys().create()`.
        pub mod ops {
            use crate::dynamic::OperationInfo;

            #(#items)*
        }
    }
}

fn params_name(op: &Operation) -> Ident {
    format_ident!("{}Params", op.method.to_upper_camel_case())
}

fn params_path(op: &Operation) -> TokenStream {
    let module = ident(&op.group);
    let params = params_name(op);
    quote!(#module::#params)
}

fn emit_info(op: &Operation) -> TokenStream {
    let (group, method, id, http, path, summary) = (
        &op.group,
        &op.method,
        &op.snake_id,
        &op.http_method,
        &op.path,
        op.summary.trim(),
    );
    let has_body = op.body.is_some();
    let writes = op.writes;
    let carries_secret = op.carries_secret;
    let form_body = op.form_body;
    let params = op.parameters.iter().map(|p| {
        let (name, location, required, value) = (&p.name, &p.location, p.required, &p.value);
        let description = p.description.split_whitespace().collect::<Vec<_>>().join(" ");
        quote!(ParameterInfo { name: #name, location: #location, required: #required, description: #description, value: #value },)
    });
    let description = op.description.trim();
    let body_fields = op.body_fields.iter().map(crate::cli_table::emit_field);
    let response = crate::cli_table::emit_response(op.response.as_ref());
    // What a call by name needs to page as the typed call does.
    let paging = match &op.paged {
        Some(shape) => {
            let item_id = match &shape.identity {
                Some((field, _)) => quote!(Some(#field)),
                None => quote!(None),
            };
            let total_count = shape.has_total;
            quote!(Some(PagingInfo { item_id: #item_id, total_count: #total_count }))
        }
        None => quote!(None),
    };
    quote! {
        OperationInfo {
            group: #group,
            method: #method,
            operation_id: #id,
            http_method: #http,
            path: #path,
            summary: #summary,
            description: #description,
            parameters: &[#(#params)*],
            has_body: #has_body,
            form_body: #form_body,
            body_fields: &[#(#body_fields)*],
            writes: #writes,
            carries_secret: #carries_secret,
            paging: #paging,
            response: #response,
        },
    }
}

fn emit_group(group: &str, description: &str, ops: &[&Operation]) -> TokenStream {
    let struct_name = format_ident!("{}", group.to_upper_camel_case());
    let module = ident(group);
    let accessor = ident(group);
    let struct_doc = doc(&format!(
        "The {group} operations of a client: `client.{group}()`.\n\n{description}"
    ));
    let methods = ops.iter().map(|op| {
        let method = ident(&op.method);
        let alias = format_ident!("{}", op.method.to_upper_camel_case());
        let docs = doc(&operation_doc(op));
        quote! {
            #docs
            pub fn #method(&self) -> #module::#alias<Mode> {
                Call::new(self.client.clone(), self.mode.clone(), Default::default())
            }
        }
    });
    let accessor_doc = doc(&format!("The {group} operations."));
    let module_doc = doc(&format!(
        "Calls and parameters of the {group} operations (see [`{struct_name}`])."
    ));
    let items = ops.iter().map(|op| emit_operation(op));
    quote! {
        #struct_doc
        #[derive(Clone, Debug)]
        pub struct #struct_name<Mode = Async> {
            client: Client,
            mode: Mode,
        }

        impl<Mode: Clone> #struct_name<Mode> {
            #(#methods)*
        }

        impl Client {
            #accessor_doc
            pub fn #accessor(&self) -> #struct_name {
                #struct_name { client: self.clone(), mode: Async }
            }
        }

        #[cfg(feature = "blocking")]
        impl crate::blocking::Client {
            #accessor_doc
            pub fn #accessor(&self) -> #struct_name<crate::blocking::Blocking> {
                #struct_name { client: self.as_async().clone(), mode: self.mode() }
            }
        }

        #module_doc
        pub mod #module {
            #[allow(unused_imports)]
            use super::*;

            #(#items)*
        }
    }
}

fn operation_doc(op: &Operation) -> String {
    let mut text = format!("`{} {}`", op.http_method, op.path);
    if !op.summary.trim().is_empty() {
        text.push_str(": ");
        text.push_str(op.summary.trim());
    }
    if !op.description.trim().is_empty() {
        text.push_str("\n\n");
        text.push_str(op.description.trim());
    }
    text
}

fn emit_operation(op: &Operation) -> TokenStream {
    let params = params_name(op);
    let alias = format_ident!("{}", op.method.to_upper_camel_case());
    let alias_doc = doc(&format!(
        "A call of `{} {}`; from `client.{}().{}()`.",
        op.http_method, op.path, op.group, op.method
    ));
    if op.hand.as_ref().is_some_and(|hand| hand.params) {
        return quote! {
            pub use crate::sugar::#params;

            #alias_doc
            pub type #alias<Mode = Async> = Call<#params, Mode>;
        };
    }
    let id = &op.snake_id;
    let progenitor_method = ident(&op.snake_id);
    let output = &op.output;
    let hand_setters: Vec<&str> = op
        .hand
        .iter()
        .flat_map(|hand| hand.setters.iter().map(String::as_str))
        .collect();

    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut sends = Vec::new();
    let mut required = Vec::new();
    let mut from_args = Vec::new();
    let mut known = Vec::new();
    for p in &op.parameters {
        let field = ident(&p.field);
        let ty = &p.ty;
        let name = &p.name;
        let field_doc = doc(&format!("`{}` ({} parameter)", p.name, p.location));
        fields.push(quote!(#field_doc pub(crate) #field: Option<#ty>,));
        if !hand_setters.contains(&p.field.as_str()) {
            let text = if p.description.trim().is_empty() {
                format!("Sets the `{}` {} parameter.", p.name, p.location)
            } else {
                p.description.trim().to_string()
            };
            let text = if p.required {
                format!("{text}\n\nRequired: sending without it fails before anything is sent.")
            } else {
                text
            };
            let setter_doc = doc(&text);
            // `TryInto`, as progenitor's builders take: constrained strings are
            // newtypes that only `TryFrom<&str>`. A failed conversion is reported when
            // the call is sent, before anything goes out.
            setters.push(quote! {
                #setter_doc
                pub fn #field<V>(mut self, value: V) -> Self
                where
                    V: TryInto<#ty>,
                    V::Error: std::fmt::Display,
                {
                    match value.try_into() {
                        Ok(value) => self.params.#field = Some(value),
                        Err(err) => {
                            self.params.invalid.get_or_insert(format!("{}: {err}", #name));
                        }
                    }
                    self
                }
            });
        }
        sends.push(quote! {
            if let Some(value) = &self.#field {
                request = request.#field(value.clone());
            }
        });
        if p.required {
            required.push(quote! {
                if self.#field.is_none() {
                    return Err(Error::invalid_request(format!(
                        "{} needs the parameter {}", #id, #name
                    )));
                }
            });
        }
        from_args.push(quote!(#name => params.#field = Some(parse_arg(name, value)?),));
        known.push(name.clone());
    }
    let mut body_field = quote!();
    let mut body_arg = quote!(if body.is_some() {
        return Err(unexpected_body(#id));
    });
    if let Some(body) = &op.body {
        let (ty, builder) = (&body.ty, &body.builder);
        body_field = quote!(
            /// The request body, built up field by field.
            pub(crate) body: #builder,
        );
        setters.push(quote! {
            /// Sets the whole request body.
            pub fn body(mut self, body: #ty) -> Self {
                self.params.body = body.into();
                self
            }

            /// Edits the request body with its builder, e.g. `.body_map(|b| b.name("x"))`.
            pub fn body_map(
                mut self,
                edit: impl FnOnce(#builder) -> #builder,
            ) -> Self {
                self.params.body = edit(self.params.body);
                self
            }
        });
        let param_names: BTreeSet<&str> = op.parameters.iter().map(|p| p.field.as_str()).collect();
        for (name, ty) in &body.fields {
            if param_names.contains(name.as_str())
                || CALL_METHODS.contains(&name.as_str())
                || hand_setters.contains(&name.as_str())
            {
                continue;
            }
            if let Some(nullable) = nullable_setters(name, ty) {
                setters.push(nullable);
                continue;
            }
            let field = ident(name);
            let setter_doc = doc(&format!("Sets the body's `{name}` field."));
            // An optional field takes the value itself (`.name("x")`, not
            // `Some(..)`): the builder leaves unset fields out of the JSON anyway.
            let (value_ty, wrap) = if is_named(ty, "Option") {
                let inner = generic_args(ty).first().map(|inner| (*inner).clone());
                (inner.unwrap_or_else(|| ty.clone()), quote!(Some(value)))
            } else {
                (ty.clone(), quote!(value))
            };
            setters.push(quote! {
                #setter_doc
                pub fn #field<V>(mut self, value: V) -> Self
                where
                    V: TryInto<#value_ty>,
                    V::Error: std::fmt::Display,
                {
                    match value.try_into() {
                        Ok(value) => self.params.body = self.params.body.#field(#wrap),
                        Err(err) => {
                            self.params.invalid.get_or_insert(format!("{}: {err}", #name));
                        }
                    }
                    self
                }
            });
        }
        sends.push(quote!(request = request.body(self.body.clone());));
        body_arg = quote! {
            if let Some(body) = body {
                params.body = parse_body::<#ty>(body)?.into();
            }
        };
    }
    let validate_impl = if op.hand.as_ref().is_some_and(|hand| hand.validate) {
        quote!()
    } else {
        // By its path: an operation may be called `validate`, whose call type is `Validate`.
        quote!(impl crate::call::Validate for #params {})
    };
    let is_write = flag_method("is_write", op.writes);
    let carries_secret = flag_method("carries_secret", op.carries_secret);
    let is_delete = flag_method("is_delete", op.deletes);
    // An error schema of another shape goes through the one error mapping.
    let unify_error = if op.other_error {
        quote!(.map_err(crate::call::unify_error))
    } else {
        quote!()
    };
    let secret_fields: Vec<&str> = op
        .body_fields
        .iter()
        .filter(|field| field.secret())
        .map(|field| field.name())
        .collect();
    let add_secrets = match &op.body {
        Some(Body { ty, .. }) if !secret_fields.is_empty() => quote! {
            fn add_secrets(&self, secrets: &mut crate::secrets::Secrets) {
                secrets.add_typed_fields::<#ty, _>(&self.body, &[#(#secret_fields),*]);
            }
        },
        _ => quote!(),
    };
    let listed_impl = match &op.listed {
        Some(item) => quote! {
            impl crate::check::Listed for #params {
                type Item = #item;
            }
        },
        None => quote!(),
    };
    let paged_impl = match &op.paged {
        Some(PageShape {
            item,
            newtype,
            has_total,
            identity,
        }) => {
            let data = if *newtype {
                quote!(output.data.0)
            } else {
                quote!(output.data)
            };
            let item_id = match identity {
                Some((field, optional)) => {
                    let field = ident(field);
                    if *optional {
                        quote!(item.#field.as_ref().map(|id| id.to_string()))
                    } else {
                        quote!(Some(item.#field.to_string()))
                    }
                }
                None => quote!({
                    let _ = item;
                    None
                }),
            };
            let total = if *has_total {
                quote!(u64::try_from(output.total_count).ok())
            } else {
                quote!({
                    let _ = output;
                    None
                })
            };
            quote! {
                impl crate::paging::Paged for #params {
                    type Item = #item;
                }

                // The offset's type follows the spec (`u64` today): convert whatever it is.
                #[allow(clippy::useless_conversion)]
                impl crate::paging::sealed::Pages for #params {
                    fn offset(&self) -> u64 {
                        self.offset.and_then(|offset| u64::try_from(offset).ok()).unwrap_or(0)
                    }

                    fn set_offset(&mut self, offset: u64) {
                        self.offset = TryFrom::try_from(offset).ok();
                    }

                    fn into_items(output: #output) -> Vec<#item> {
                        #data
                    }

                    fn total_count(output: &#output) -> Option<u64> {
                        #total
                    }

                    fn item_id(item: &#item) -> Option<String> {
                        #item_id
                    }

                    fn page(output: &#output) -> &[#item] {
                        &#data
                    }
                }
            }
        }
        None => quote!(),
    };
    let params_doc = doc(&format!(
        "Parameters of `{} {}` (`{}`).",
        op.http_method, op.path, op.snake_id
    ));
    let parse_args = if from_args.is_empty() {
        quote! {
            if let Some((name, _)) = args.first() {
                return Err(unknown_arg(#id, name, &[]));
            }
        }
    } else {
        quote! {
            for (name, value) in args {
                match name.as_str() {
                    #(#from_args)*
                    other => return Err(unknown_arg(#id, other, &[#(#known),*])),
                }
            }
        }
    };
    quote! {
        #params_doc
        #[derive(Clone, Debug, Default)]
        pub struct #params {
            #(#fields)*
            #body_field
            /// The first parameter value that did not convert to its type.
            pub(crate) invalid: Option<String>,
        }

        #alias_doc
        pub type #alias<Mode = Async> = Call<#params, Mode>;

        impl<Mode> Call<#params, Mode> {
            #(#setters)*
        }

        impl Operation for #params {
            type Output = #output;

            fn name(&self) -> &'static str {
                #id
            }
        }

        #validate_impl

        #listed_impl
        #paged_impl

        impl sealed::Sender for #params {
            #is_write

            #carries_secret

            #is_delete

            #add_secrets

            fn validate(&self) -> Result<()> {
                if let Some(invalid) = &self.invalid {
                    return Err(Error::invalid_request(format!("{}: parameter {invalid}", #id)));
                }
                #(#required)*
                crate::call::Validate::validate(self)
            }

            // Parameters of every type are cloned alike; some are `Copy`.
            #[allow(clippy::clone_on_copy)]
            async fn send_once(
                &self,
                api: &api::Client,
            ) -> std::result::Result<ResponseValue<#output>, api::Error<ErrorResponse>> {
                #[allow(unused_mut)]
                let mut request = api.#progenitor_method();
                #(#sends)*
                request.send().await #unify_error
            }
        }

        impl FromArgs for #params {
            fn from_args(
                args: &[(String, String)],
                body: Option<serde_json::Value>,
            ) -> Result<Self> {
                #[allow(unused_mut)]
                let mut params = Self::default();
                #parse_args
                #body_arg
                Ok(params)
            }
        }
    }
}

// --- Nullable body fields (issue 16): see xtask/src/nullable.rs. ---

/// The inner type of a `Nullable<T>` body field, if it is one.
fn nullable_inner(ty: &syn::Type) -> Option<syn::Type> {
    if !is_named(ty, "Nullable") {
        return None;
    }
    generic_args(ty).first().map(|inner| (*inner).clone())
}

/// The fields with a `clear_<field>()` setter (progenitor's `Nullable<T>` body fields)
/// must be the ones the operation table calls clearable (optional and nullable in the
/// spec), which `OperationInfo::nullable_body_fields` and the CLI's `--clear` read.
fn check_clearable_fields_agree(
    where_: &str,
    body: Option<&Body>,
    table: &[crate::cli_table::FieldSpec],
) -> Result<(), String> {
    let typed: BTreeSet<&str> = body
        .iter()
        .flat_map(|body| &body.fields)
        .filter(|(_, ty)| nullable_inner(ty).is_some())
        .map(|(name, _)| name.as_str())
        .collect();
    let listed: BTreeSet<&str> = table
        .iter()
        .filter(|field| field.clearable())
        .map(|field| field.name())
        .collect();
    if typed == listed {
        Ok(())
    } else {
        Err(format!(
            "{where_}: the body fields typed Nullable ({typed:?}) differ from the optional \
             nullable fields of the operation table ({listed:?})"
        ))
    }
}

/// A `clear_<field>()` setter must not take the name of a parameter, a body field or a
/// call option.
fn check_clear_setters(where_: &str, body: &Body, parameters: &[Param]) -> Result<(), String> {
    for (name, ty) in &body.fields {
        if nullable_inner(ty).is_none() {
            continue;
        }
        let clear = format!("clear_{name}");
        if CALL_METHODS.contains(&clear.as_str())
            || parameters.iter().any(|p| p.field == clear)
            || body.fields.iter().any(|(other, _)| *other == clear)
        {
            return Err(format!(
                "{where_}: the setter {clear}() for the nullable body field {name} would \
                 clash with a parameter, body field or call option of that name"
            ));
        }
    }
    Ok(())
}

/// For a `Nullable<T>` body field: a setter that sends a value and `clear_<field>()`,
/// which sends `null`.
fn nullable_setters(name: &str, ty: &syn::Type) -> Option<TokenStream> {
    let value_ty = nullable_inner(ty)?;
    let field = ident(name);
    let clear = format_ident!("clear_{}", name);
    let setter_doc = doc(&format!(
        "Sets the body's `{name}` field. It can also be sent as `null`, which clears it: \
         see [`clear_{name}`](Self::clear_{name})."
    ));
    let clear_doc = doc(&format!(
        "Sends the body's `{name}` field as `null`, which clears the setting on the \
         server (leaving the field out keeps it unchanged)."
    ));
    Some(quote! {
        #setter_doc
        pub fn #field<V>(mut self, value: V) -> Self
        where
            V: TryInto<#value_ty>,
            V::Error: std::fmt::Display,
        {
            match value.try_into() {
                Ok(value) => {
                    self.params.body = self.params.body.#field(api::Nullable::Value(value));
                }
                Err(err) => {
                    self.params.invalid.get_or_insert(format!("{}: {err}", #name));
                }
            }
            self
        }

        #clear_doc
        pub fn #clear(mut self) -> Self {
            self.params.body = self.params.body.#field(api::Nullable::<#value_ty>::Null);
            self
        }
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A secret in a request body, one in an answer reached through a shared response
    /// and two schema references, and operations without any.
    pub(crate) const SECRET_FIXTURE: &str = r#"
openapi: 3.0.3
info: {title: fixture, version: '1'}
tags: [{name: Keys}]
paths:
  /provider-keys:
    post:
      tags: [Keys]
      operationId: addProviderKey
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ProviderKeyRequest'}
      responses:
        '201':
          description: added
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Plain'}
  /tokens:
    post:
      tags: [Keys]
      operationId: exchangeToken
      responses:
        '200': {$ref: '#/components/responses/Token'}
    delete:
      tags: [Keys]
      operationId: deleteToken
      responses:
        '200':
          description: deleted
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Plain'}
  /plain:
    get:
      tags: [Keys]
      operationId: getPlain
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Plain'
              example: {format: password}
components:
  responses:
    Token:
      description: a token
      content:
        application/json:
          schema: {$ref: '#/components/schemas/TokenResponse'}
  schemas:
    ProviderKeyRequest:
      type: object
      required: [provider, key]
      properties:
        provider: {type: string}
        key: {type: string, format: password}
    TokenResponse:
      type: object
      required: [data]
      properties:
        data:
          type: array
          items: {$ref: '#/components/schemas/TokenData'}
    TokenData:
      type: object
      required: [token]
      properties:
        token: {type: string, format: password}
    Plain:
      type: object
      required: [id]
      properties:
        id: {type: string}
        same: {$ref: '#/components/schemas/Plain'}
"#;

    fn secret_operations(spec: &OpenAPI) -> Vec<String> {
        let components = serde_json::to_value(&spec.components).expect("components");
        spec.operations()
            .filter(|(_, _, op)| carries_secret(op, &components))
            .filter_map(|(_, _, op)| op.operation_id.clone())
            .collect()
    }

    #[test]
    fn secrets_are_found_in_request_bodies_and_answers_through_references() {
        let spec: OpenAPI = serde_yaml_ng::from_str(SECRET_FIXTURE).expect("fixture parses");
        // The example that looks like a schema does not count; the cycle ends.
        assert_eq!(
            secret_operations(&spec),
            ["addProviderKey", "exchangeToken"]
        );
    }

    #[test]
    fn in_our_spec_the_key_creating_operations_carry_secrets() {
        let spec = crate::spec::load_openapi(&crate::workspace_root().join(crate::spec::SPEC_PATH))
            .expect("our spec");
        let mut found = secret_operations(&spec);
        found.sort();
        assert_eq!(
            found,
            [
                "createBYOKKey",
                "createKeys",
                // The subject token it sends and the access token it answers.
                "createOauthToken",
                "createObservabilityDestination",
                "exchangeAuthCodeForAPIKey",
                "storeInternVaultSecret",
                "storeVaultSecret",
                "updateBYOKKey",
                "updateObservabilityDestination"
            ]
        );
    }
}

#[cfg(test)]
mod call_methods_tests {
    use super::CALL_METHODS;

    /// The `pub fn` names of every `impl .. Call<..>` block in a source file.
    fn call_methods_in(source: &str) -> Vec<String> {
        let file = syn::parse_file(source).expect("the client's source parses");
        let mut names = Vec::new();
        for item in file.items {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            let syn::Type::Path(self_ty) = block.self_ty.as_ref() else {
                continue;
            };
            if self_ty.path.segments.last().map(|s| s.ident.to_string()) != Some("Call".into())
                || block.trait_.is_some()
            {
                continue;
            }
            for inner in block.items {
                if let syn::ImplItem::Fn(method) = inner
                    && matches!(method.vis, syn::Visibility::Public(_))
                {
                    names.push(method.sig.ident.to_string());
                }
            }
        }
        names
    }

    #[test]
    fn the_hand_written_extension_is_read_strictly() {
        let hand = super::HandWritten::from_value(&serde_json::json!({
            "setters": ["date"], "validate": true
        }))
        .expect("valid");
        assert_eq!(hand.setters, ["date"]);
        assert!(hand.validate && !hand.params);
        let err = super::HandWritten::from_value(&serde_json::json!({"setter": ["date"]}))
            .err()
            .expect("a misspelt key is refused");
        assert!(err.contains("setter"), "{err}");
        assert!(super::HandWritten::from_value(&serde_json::json!({"validate": "yes"})).is_err());
    }

    /// CALL_METHODS is generator knowledge about the hand-written `Call`; this keeps it
    /// from falling behind when `Call` gains an option.
    #[test]
    fn every_public_method_of_call_is_reserved() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../crates/openrouter-analytics/src");
        let mut found = Vec::new();
        for file in ["call.rs", "blocking.rs", "paging.rs"] {
            let source = std::fs::read_to_string(src.join(file)).expect("source readable");
            found.extend(call_methods_in(&source));
        }
        assert!(found.len() >= 12, "found only {found:?}");
        for name in &found {
            assert!(
                CALL_METHODS.contains(&name.as_str()),
                "Call::{name} is not in CALL_METHODS, so a parameter of that name would shadow it"
            );
        }
    }
}
