//! Post-processing of progenitor's output so that a request body can send `null`.
//!
//! typify gives an optional `nullable` property the type `Option<T>` with
//! `skip_serializing_if = "Option::is_none"`: `None` is left out, so a body can never
//! say `{"limit": null}`, and a PATCH cannot clear a setting. This pass finds, from the
//! spec, every property of a request body (and of the objects it contains) that is
//! optional and `nullable`, and rewrites the generated code for it:
//!
//! - the struct field becomes `crate::Nullable<T>` (absent, `null`, or a value) with
//!   `#[serde(default, skip_serializing_if = "crate::Nullable::is_absent")]`, so a
//!   missing field decodes as `Absent` and only `Absent` is left out;
//! - typify's builder for the struct stores a `Nullable<T>` and its setter takes
//!   anything that converts into one (a value, or `Nullable::Null`).
//!
//! Required nullable properties keep `Option<T>` (typify writes `None` as `null` for
//! them: they cannot be left out). Response types are not touched, so answers decode as
//! before; a schema reached from both a request body and a response gets the request's
//! form, which decodes every answer the `Option` did.
//!
//! The client crate's typed layer (`sdk.rs`) reads the new field types from the output
//! and generates a value setter and a `clear_<field>()` setter for each.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use syn::punctuated::Punctuated;
use syn::{Item, Meta, Token};

/// The path of the hand-written type, as the generated code names it.
const NULLABLE: &str = "crate::Nullable";

/// The Rust struct name (typify's) -> the snake-case fields to rewrite.
pub type Targets = BTreeMap<String, BTreeSet<String>>;

/// Rewrites every optional nullable request-body field of the generated client.
pub fn process(file: &mut syn::File, spec: &OpenAPI) -> Result<(), String> {
    let targets = targets(spec)?;
    if targets.is_empty() {
        return Ok(());
    }
    let types =
        module_mut(&mut file.items, "types").ok_or("the generated client has no `types` module")?;
    let mut done: BTreeSet<(String, String)> = BTreeSet::new();
    for item in types.iter_mut() {
        if let Item::Struct(s) = item
            && let Some(fields) = targets.get(&s.ident.to_string())
        {
            for field in s.fields.iter_mut() {
                let Some(name) = field.ident.as_ref().map(ToString::to_string) else {
                    continue;
                };
                if !fields.contains(&name) {
                    continue;
                }
                field.ty = nullable_of_option(&field.ty)
                    .ok_or_else(|| format!("{}.{name}: expected an `Option<T>` field", s.ident))?;
                rewrite_serde_attrs(&mut field.attrs);
                done.insert((s.ident.to_string(), name));
            }
        }
    }
    for (name, fields) in &targets {
        for field in fields {
            if !done.contains(&(name.clone(), field.clone())) {
                return Err(format!(
                    "nullable body field {name}.{field}: progenitor generated no such field"
                ));
            }
        }
    }
    let builder =
        module_mut(types, "builder").ok_or("the generated client has no `types::builder`")?;
    for item in builder.iter_mut() {
        match item {
            Item::Struct(s) => {
                let Some(fields) = targets.get(&s.ident.to_string()) else {
                    continue;
                };
                for field in s.fields.iter_mut() {
                    if field
                        .ident
                        .as_ref()
                        .is_some_and(|ident| fields.contains(&ident.to_string()))
                    {
                        // `Result<Option<T>, String>` -> `Result<Nullable<T>, String>`.
                        replace_first_option(&mut field.ty)
                            .then_some(())
                            .ok_or_else(|| format!("builder {}: unexpected field type", s.ident))?;
                    }
                }
            }
            Item::Impl(i) if i.trait_.is_none() => {
                let Some(fields) = type_name(&i.self_ty).and_then(|name| targets.get(&name)) else {
                    continue;
                };
                for item in &mut i.items {
                    if let syn::ImplItem::Fn(f) = item
                        && fields.contains(&f.sig.ident.to_string())
                    {
                        // `T: TryInto<Option<X>>` -> `T: TryInto<Nullable<X>>`.
                        let replaced = f.sig.generics.where_clause.as_mut().is_some_and(|clause| {
                            clause.predicates.iter_mut().any(|predicate| {
                                let syn::WherePredicate::Type(predicate) = predicate else {
                                    return false;
                                };
                                predicate.bounds.iter_mut().any(|bound| {
                                    let syn::TypeParamBound::Trait(bound) = bound else {
                                        return false;
                                    };
                                    let Some(last) = bound.path.segments.last_mut() else {
                                        return false;
                                    };
                                    let syn::PathArguments::AngleBracketed(args) =
                                        &mut last.arguments
                                    else {
                                        return false;
                                    };
                                    args.args.iter_mut().any(|arg| match arg {
                                        syn::GenericArgument::Type(ty) => replace_first_option(ty),
                                        _ => false,
                                    })
                                })
                            })
                        });
                        if !replaced {
                            return Err(format!(
                                "builder {}::{}: unexpected setter signature",
                                type_name(&i.self_ty).unwrap_or_default(),
                                f.sig.ident
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Every optional nullable property reachable from a request body, by typify's struct
/// name and field name.
pub fn targets(spec: &OpenAPI) -> Result<Targets, String> {
    let mut out = Targets::new();
    let mut seen = BTreeSet::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let Some(body) = &op.request_body else {
                continue;
            };
            let ReferenceOr::Item(body) = body else {
                return Err(format!(
                    "{} {path}: request body references are not supported",
                    method.to_uppercase()
                ));
            };
            for media in body.content.values() {
                match &media.schema {
                    Some(ReferenceOr::Reference { reference }) => {
                        walk_reference(spec, reference, &mut out, &mut seen)?;
                    }
                    Some(ReferenceOr::Item(_)) => {
                        return Err(format!(
                            "{} {path}: name the request body's schema in components (an \
                             inline body schema is not supported)",
                            method.to_uppercase()
                        ));
                    }
                    None => {}
                }
            }
        }
    }
    Ok(out)
}

fn walk_reference(
    spec: &OpenAPI,
    reference: &str,
    out: &mut Targets,
    seen: &mut BTreeSet<String>,
) -> Result<(), String> {
    let name = reference
        .strip_prefix("#/components/schemas/")
        .ok_or_else(|| format!("{reference}: only component schema references are supported"))?;
    if !seen.insert(name.to_string()) {
        return Ok(());
    }
    let schema = spec
        .components
        .as_ref()
        .and_then(|components| components.schemas.get(name))
        .ok_or_else(|| format!("{reference}: no such schema"))?;
    match schema {
        ReferenceOr::Reference { reference } => walk_reference(spec, reference, out, seen),
        ReferenceOr::Item(schema) => {
            walk_schema(spec, &name.to_upper_camel_case(), schema, out, seen)
        }
    }
}

/// `rust_name` is what typify calls the struct of `schema`, if it is an object.
fn walk_schema(
    spec: &OpenAPI,
    rust_name: &str,
    schema: &Schema,
    out: &mut Targets,
    seen: &mut BTreeSet<String>,
) -> Result<(), String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            for (property, child) in &object.properties {
                let child_name = format!("{rust_name}{}", property.to_upper_camel_case());
                match child {
                    ReferenceOr::Reference { reference } => {
                        walk_reference(spec, reference, out, seen)?;
                    }
                    ReferenceOr::Item(child) => {
                        if child.schema_data.nullable && !object.required.contains(property) {
                            out.entry(rust_name.to_string())
                                .or_default()
                                .insert(property.to_snake_case());
                        }
                        walk_schema(spec, &child_name, child, out, seen)?;
                    }
                }
            }
        }
        SchemaKind::Type(Type::Array(array)) => match &array.items {
            Some(ReferenceOr::Reference { reference }) => {
                walk_reference(spec, reference, out, seen)?;
            }
            Some(ReferenceOr::Item(items)) => {
                walk_schema(spec, &format!("{rust_name}Item"), items, out, seen)?;
            }
            None => {}
        },
        SchemaKind::AllOf { all_of }
        | SchemaKind::AnyOf { any_of: all_of }
        | SchemaKind::OneOf { one_of: all_of } => {
            for member in all_of {
                if let ReferenceOr::Reference { reference } = member {
                    walk_reference(spec, reference, out, seen)?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn module_mut<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut Vec<Item>> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `Option<X>` (any path to it) -> `crate::Nullable<X>`.
fn nullable_of_option(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let inner = args.args.first()?;
    syn::parse_str(&format!("{NULLABLE}<{}>", quote::quote!(#inner))).ok()
}

/// Replaces the outermost `Option<X>` among `ty` and its first generic argument (for
/// `Result<Option<X>, String>`) with `crate::Nullable<X>`.
fn replace_first_option(ty: &mut syn::Type) -> bool {
    if let Some(nullable) = nullable_of_option(ty) {
        *ty = nullable;
        return true;
    }
    let syn::Type::Path(p) = ty else {
        return false;
    };
    let Some(last) = p.path.segments.last_mut() else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else {
        return false;
    };
    match args.args.first_mut() {
        Some(syn::GenericArgument::Type(inner)) => match nullable_of_option(inner) {
            Some(nullable) => {
                *inner = nullable;
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// Drops `default` and `skip_serializing_if` from the field's serde attributes (keeping
/// any other, e.g. `rename`) and adds the `Nullable` pair.
fn rewrite_serde_attrs(attrs: &mut Vec<syn::Attribute>) {
    let mut kept_metas: Vec<Meta> = Vec::new();
    attrs.retain(|attr| {
        if !attr.path().is_ident("serde") {
            return true;
        }
        if let Ok(metas) = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) {
            kept_metas.extend(metas.into_iter().filter(|meta| {
                !meta.path().is_ident("default") && !meta.path().is_ident("skip_serializing_if")
            }));
            false
        } else {
            true
        }
    });
    let skip = format!("{NULLABLE}::is_absent");
    attrs.push(syn::parse_quote!(#[serde(default, skip_serializing_if = #skip #(, #kept_metas)*)]));
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = r#"
openapi: 3.0.3
info: {title: fixture, version: '1'}
paths:
  /things/{id}:
    patch:
      operationId: updateThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/UpdateThing'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    UpdateThing:
      type: object
      required: [must]
      properties:
        limit: {type: number, format: double, nullable: true}
        name: {type: string}
        must: {type: string, nullable: true}
        inner:
          type: object
          properties:
            note: {type: string, nullable: true}
    Thing:
      type: object
      required: [limit]
      properties:
        limit: {type: number, format: double, nullable: true}
        other: {type: string, nullable: true}
"#;

    fn spec() -> OpenAPI {
        serde_yaml_ng::from_str(FIXTURE).expect("fixture parses")
    }

    #[test]
    fn only_optional_nullable_request_fields_are_targets() {
        let targets = targets(&spec()).expect("targets");
        let expected: Targets = [
            (
                "UpdateThing".to_string(),
                BTreeSet::from(["limit".to_string()]),
            ),
            (
                "UpdateThingInner".to_string(),
                BTreeSet::from(["note".to_string()]),
            ),
        ]
        .into_iter()
        .collect();
        assert_eq!(targets, expected);
    }

    #[test]
    fn the_generated_struct_and_builder_use_nullable_and_responses_keep_option() {
        let spec = spec();
        let mut settings = progenitor::GenerationSettings::new();
        settings.with_interface(progenitor::InterfaceStyle::Builder);
        let tokens = progenitor::Generator::new(&settings)
            .generate_tokens(&spec)
            .expect("generates");
        let mut file: syn::File = syn::parse2(tokens).expect("parses");
        process(&mut file, &spec).expect("rewrites");
        let code = prettyplease::unparse(&file);
        let compact: String = code.split_whitespace().collect();
        assert!(
            compact.contains(
                "#[serde(default,skip_serializing_if=\"crate::Nullable::is_absent\")]publimit:crate::Nullable<f64>"
            ),
            "{code}"
        );
        assert!(compact.contains("pubnote:crate::Nullable<"), "{code}");
        // Required nullable and response fields stay `Option`.
        assert!(compact.contains("pubmust:::std::option::Option<"), "{code}");
        assert!(
            compact.contains("pubother:::std::option::Option<"),
            "{code}"
        );
        // The builder stores and accepts a `Nullable`.
        assert!(
            compact.contains(
                "limit:::std::result::Result<crate::Nullable<f64>,::std::string::String>"
            ),
            "{code}"
        );
        assert!(
            compact.contains("T:::std::convert::TryInto<crate::Nullable<f64>>"),
            "{code}"
        );
    }

    #[test]
    fn a_target_progenitor_did_not_generate_is_an_error() {
        let spec = spec();
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct UpdateThing { pub name: Option<String> }
                pub mod builder {}
            }
        };
        let err = process(&mut file, &spec).expect_err("missing field");
        assert!(err.contains("UpdateThing.limit"), "{err}");
    }
}
