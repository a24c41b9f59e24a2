//! Post-processing of progenitor's output so that the SDK decodes answers from a newer API.
//!
//! OpenRouter adds values to its enums (display formats, operators, granularities...) and
//! fields to its objects without a new API version; its own document marks those enums
//! open. typify emits closed enums, so one new value would make a whole response fail to
//! decode. This pass rewrites the parsed output before it is formatted:
//!
//! - **Every string enum becomes open**: the known values stay variants with the names
//!   typify gave them (`AnalyticsGranularity::Day` keeps compiling), and an extra
//!   `Unknown(String)` variant keeps any other value exactly as sent. Request enums are
//!   opened too (one rule for every enum), so a caller can send a value this SDK does not
//!   list yet. The enum gets hand-rolled string impls instead of typify's: `Serialize` /
//!   `Deserialize` as a plain string, `Display`, an infallible `FromStr`, `From<&str>` /
//!   `From<String>` (which also gives progenitor's `TryInto` setters an infallible
//!   conversion), `From<Enum> for String`, `as_str()`, and a `schemars::JsonSchema` impl
//!   when typify derived one. typify's `Display`, `FromStr` and `TryFrom` impls for the
//!   enum are removed, because they would conflict.
//! - **No `deny_unknown_fields`**: the attribute (typify adds it for
//!   `additionalProperties: false`) is stripped, so unknown fields are always ignored.
//!
//! Why a pass over the token stream rather than typify's `with_replacement`: a replacement
//! type must be named by a path that resolves both in the client crate and in the mock
//! crate's helpers, and inline enums would first have to be hoisted into named components.
//! Rewriting the output keeps every enum where typify put it (`types::Name`), covers inline
//! enums for free, and leaves the result in the same generated file that `cargo xtask check`
//! already compares.
//!
//! A typify string enum is recognised by its shape: every variant a unit variant, no
//! container-level `tag`/`content`/`untagged`, and derived serde impls. Anything unexpected
//! on such an enum (a discriminant, an unknown serde attribute, a known value named
//! `Unknown`) is an error rather than a silently closed enum.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{Attribute, Fields, Ident, Item, ItemEnum, LitStr, Meta, Path, Token};

/// The name of the variant that keeps values the spec does not list.
const UNKNOWN_VARIANT: &str = "Unknown";
/// Its name in an enum that lists a value named `Unknown` (such as quantization's
/// `unknown`).
const OTHER_VARIANT: &str = "Other";

/// Opens every string enum and strips `deny_unknown_fields`, recursing into modules.
pub fn process(file: &mut syn::File) -> Result<(), String> {
    process_items(&mut file.items)
}

fn process_items(items: &mut Vec<Item>) -> Result<(), String> {
    let mut opened = Vec::new();
    // `(item, written here)`: only typify's own impls are candidates for removal.
    let mut rewritten: Vec<(Item, bool)> = Vec::with_capacity(items.len());
    for mut item in std::mem::take(items) {
        strip_deny_unknown_fields(&mut item);
        match item {
            Item::Enum(item_enum) => match StringEnum::recognise(&item_enum)? {
                Some(string_enum) => {
                    rewritten.extend(string_enum.render()?.into_iter().map(|item| (item, true)));
                    opened.push(string_enum.name.to_string());
                }
                None => rewritten.push((Item::Enum(item_enum), false)),
            },
            Item::Mod(mut module) => {
                if let Some((_, content)) = &mut module.content {
                    process_items(content)?;
                }
                rewritten.push((Item::Mod(module), false));
            }
            other => rewritten.push((other, false)),
        }
    }
    // typify's string conversions for an opened enum would conflict with the open ones.
    *items = rewritten
        .into_iter()
        .filter(|(item, ours)| *ours || !is_replaced_impl(item, &opened))
        .map(|(item, _)| item)
        .collect();
    Ok(())
}

/// Whether `item` is typify's `Display`, `FromStr` or `TryFrom<..>` impl for one of the
/// enums in `opened`.
fn is_replaced_impl(item: &Item, opened: &[String]) -> bool {
    let Item::Impl(item_impl) = item else {
        return false;
    };
    let Some((_, trait_path, _)) = &item_impl.trait_ else {
        return false;
    };
    let syn::Type::Path(self_ty) = item_impl.self_ty.as_ref() else {
        return false;
    };
    let self_name = last_ident(&self_ty.path);
    let trait_name = last_ident(trait_path);
    self_name.is_some_and(|name| opened.contains(&name))
        && trait_name.is_some_and(|name| matches!(name.as_str(), "Display" | "FromStr" | "TryFrom"))
}

fn last_ident(path: &Path) -> Option<String> {
    path.segments
        .last()
        .map(|segment| segment.ident.to_string())
}

/// Removes `deny_unknown_fields` from the `#[serde(..)]` attributes of a struct or enum
/// (and of the variants of an enum), dropping an attribute left empty.
fn strip_deny_unknown_fields(item: &mut Item) {
    match item {
        Item::Struct(item_struct) => strip_from_attrs(&mut item_struct.attrs),
        Item::Enum(item_enum) => {
            strip_from_attrs(&mut item_enum.attrs);
            for variant in &mut item_enum.variants {
                strip_from_attrs(&mut variant.attrs);
            }
        }
        _ => {}
    }
}

fn strip_from_attrs(attrs: &mut Vec<Attribute>) {
    let mut kept = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        if !attr.path().is_ident("serde") {
            kept.push(attr);
            continue;
        }
        let Ok(metas) = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        else {
            kept.push(attr);
            continue;
        };
        let before = metas.len();
        let remaining: Punctuated<Meta, Token![,]> = metas
            .into_iter()
            .filter(|meta| !meta.path().is_ident("deny_unknown_fields"))
            .collect();
        if remaining.len() == before {
            kept.push(attr);
        } else if !remaining.is_empty() {
            kept.push(syn::parse_quote!(#[serde(#remaining)]));
        }
    }
    *attrs = kept;
}

/// A typify string enum: its name, attributes and known values.
struct StringEnum {
    name: Ident,
    vis: syn::Visibility,
    /// Doc comments and other attributes that are not `derive` or `serde`.
    attrs: Vec<Attribute>,
    /// The derives to keep (typify's, without `Copy` and the ones implemented here).
    derives: Vec<Path>,
    json_schema: bool,
    /// `(variant, value on the wire)`, in the spec's order.
    variants: Vec<(Ident, String)>,
    /// The variant that keeps values not listed: `Unknown`, or `Other` when a listed
    /// value already has that name.
    open_variant: &'static str,
}

impl StringEnum {
    /// `Some` when `item` is a string enum typify emitted; an error when it looks like one
    /// but carries something this pass would lose.
    fn recognise(item: &ItemEnum) -> Result<Option<Self>, String> {
        let name = &item.ident;
        let all_unit = !item.variants.is_empty()
            && item
                .variants
                .iter()
                .all(|variant| matches!(variant.fields, Fields::Unit));
        if !all_unit || container_is_tagged(&item.attrs)? {
            return Ok(None);
        }
        let mut derives = Vec::new();
        let mut has_serde = false;
        let mut json_schema = false;
        let mut attrs = Vec::new();
        for attr in &item.attrs {
            if attr.path().is_ident("derive") {
                let paths = attr
                    .parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
                    .map_err(|err| format!("enum {name}: unreadable derive: {err}"))?;
                for path in paths {
                    match last_ident(&path).as_deref() {
                        Some("Serialize" | "Deserialize") => has_serde = true,
                        Some("JsonSchema") => json_schema = true,
                        Some("Copy") => {}
                        _ => derives.push(path),
                    }
                }
            } else if !attr.path().is_ident("serde") {
                attrs.push(attr.clone());
            }
        }
        if !has_serde {
            return Ok(None);
        }
        let mut variants = Vec::new();
        for variant in &item.variants {
            if variant.discriminant.is_some() {
                return Err(format!(
                    "enum {name}: variant {} has a discriminant; cannot open it",
                    variant.ident
                ));
            }
            let value = wire_value(name, variant)?;
            variants.push((variant.ident.clone(), value));
        }
        let named = |wanted: &str| variants.iter().any(|(ident, _)| ident == wanted);
        let open_variant = match (named(UNKNOWN_VARIANT), named(OTHER_VARIANT)) {
            (false, _) => UNKNOWN_VARIANT,
            (true, false) => OTHER_VARIANT,
            (true, true) => {
                return Err(format!(
                    "enum {name}: known values are named `{UNKNOWN_VARIANT}` and \
                     `{OTHER_VARIANT}`, which the open enum needs for values it does not know"
                ));
            }
        };
        Ok(Some(Self {
            name: name.clone(),
            vis: item.vis.clone(),
            attrs,
            derives,
            json_schema,
            variants,
            open_variant,
        }))
    }

    fn render(&self) -> Result<Vec<Item>, String> {
        let Self {
            name,
            vis,
            attrs,
            derives,
            variants,
            ..
        } = self;
        let open_variant = self.open_variant;
        let unknown = Ident::new(open_variant, Span::call_site());
        let idents: Vec<&Ident> = variants.iter().map(|(ident, _)| ident).collect();
        let values: Vec<LitStr> = variants
            .iter()
            .map(|(_, value)| LitStr::new(value, Span::call_site()))
            .collect();
        let variant_docs: Vec<String> = variants
            .iter()
            .map(|(_, value)| format!("`{value}`"))
            .collect();
        // Several doc lines rather than one long one, for people reading the generated file.
        let open_doc = [
            " Open enum: a value not listed here is kept, exactly as sent, in".to_string(),
            format!(" [`{name}::{open_variant}`]. Parsing, `From` and deserializing always pick"),
            " the named variant for a listed value, so compare with the named variants (or"
                .to_string(),
            format!(" `as_str()`) rather than building `{open_variant}` from a listed value."),
        ];
        let is_known_doc =
            format!(" Whether this is one of the listed values (not `{open_variant}`).");
        let visitor = format_ident!("{name}Visitor");
        let expecting = format!("a string ({name})");
        let json_schema = self.json_schema.then(|| {
            let schema_name = name.to_string();
            quote! {
                impl schemars::JsonSchema for #name {
                    fn schema_name() -> ::std::string::String {
                        #schema_name.to_owned()
                    }
                    fn json_schema(
                        _: &mut schemars::r#gen::SchemaGenerator,
                    ) -> schemars::schema::Schema {
                        // Any string: the listed values, or one a newer API sends.
                        let known = schemars::schema::SchemaObject {
                            instance_type: ::std::option::Option::Some(
                                schemars::schema::InstanceType::String.into(),
                            ),
                            enum_values: ::std::option::Option::Some(::std::vec![
                                #( ::serde_json::Value::String(#values.to_owned()) ),*
                            ]),
                            ..::std::default::Default::default()
                        };
                        let other = schemars::schema::SchemaObject {
                            instance_type: ::std::option::Option::Some(
                                schemars::schema::InstanceType::String.into(),
                            ),
                            ..::std::default::Default::default()
                        };
                        schemars::schema::SchemaObject {
                            subschemas: ::std::option::Option::Some(::std::boxed::Box::new(
                                schemars::schema::SubschemaValidation {
                                    any_of: ::std::option::Option::Some(::std::vec![
                                        known.into(),
                                        other.into(),
                                    ]),
                                    ..::std::default::Default::default()
                                },
                            )),
                            ..::std::default::Default::default()
                        }
                        .into()
                    }
                }
            }
        });
        let tokens: TokenStream = quote! {
            #( #attrs )*
            #[doc = ""]
            #( #[doc = #open_doc] )*
            #[derive( #( #derives ),* )]
            #vis enum #name {
                #(
                    #[doc = #variant_docs]
                    #idents,
                )*
                /// A value this SDK does not list, kept exactly as sent.
                #unknown(::std::string::String),
            }
            impl #name {
                /// The value as it appears on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#idents => #values, )*
                        Self::#unknown(value) => value.as_str(),
                    }
                }
                #[doc = #is_known_doc]
                pub fn is_known(&self) -> bool {
                    !matches!(self, Self::#unknown(_))
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #( #values => Self::#idents, )*
                        _ => Self::#unknown(value.to_owned()),
                    }
                }
            }
            impl ::std::convert::From<::std::string::String> for #name {
                fn from(value: ::std::string::String) -> Self {
                    match value.as_str() {
                        #( #values => Self::#idents, )*
                        _ => Self::#unknown(value),
                    }
                }
            }
            impl ::std::convert::From<#name> for ::std::string::String {
                fn from(value: #name) -> Self {
                    match value {
                        #name::#unknown(value) => value,
                        known => known.as_str().to_owned(),
                    }
                }
            }
            impl ::std::str::FromStr for #name {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    ::std::result::Result::Ok(Self::from(value))
                }
            }
            impl ::serde::Serialize for #name {
                fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
                where
                    S: ::serde::Serializer,
                {
                    serializer.serialize_str(self.as_str())
                }
            }
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                {
                    // A visitor rather than `String::deserialize`: a listed value borrowed
                    // from the input needs no allocation.
                    struct #visitor;
                    impl<'de> ::serde::de::Visitor<'de> for #visitor {
                        type Value = #name;
                        fn expecting(
                            &self,
                            f: &mut ::std::fmt::Formatter<'_>,
                        ) -> ::std::fmt::Result {
                            f.write_str(#expecting)
                        }
                        fn visit_str<E>(self, value: &str) -> ::std::result::Result<#name, E>
                        where
                            E: ::serde::de::Error,
                        {
                            ::std::result::Result::Ok(#name::from(value))
                        }
                        fn visit_string<E>(
                            self,
                            value: ::std::string::String,
                        ) -> ::std::result::Result<#name, E>
                        where
                            E: ::serde::de::Error,
                        {
                            ::std::result::Result::Ok(#name::from(value))
                        }
                    }
                    deserializer.deserialize_str(#visitor)
                }
            }
            #json_schema
        };
        let file: syn::File = syn::parse2(tokens)
            .map_err(|err| format!("enum {name}: the open enum does not parse: {err}"))?;
        Ok(file.items)
    }
}

/// Whether the container's serde attributes make it something other than a plain string
/// (`tag`, `content`, `untagged`).
fn container_is_tagged(attrs: &[Attribute]) -> Result<bool, String> {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let metas = attr
            .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            .map_err(|err| format!("unreadable serde attribute: {err}"))?;
        if metas.iter().any(|meta| {
            ["tag", "content", "untagged"]
                .iter()
                .any(|key| meta.path().is_ident(key))
        }) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The value a unit variant stands for: its `#[serde(rename = "..")]`, else its name.
fn wire_value(enum_name: &Ident, variant: &syn::Variant) -> Result<String, String> {
    let mut value = variant.ident.to_string();
    for attr in variant
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
    {
        let metas = attr
            .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            .map_err(|err| format!("enum {enum_name}: unreadable serde attribute: {err}"))?;
        for meta in metas {
            match meta {
                Meta::NameValue(pair) if pair.path.is_ident("rename") => {
                    let syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(lit),
                        ..
                    }) = pair.value
                    else {
                        return Err(format!(
                            "enum {enum_name}: variant {} is renamed to a non-string",
                            variant.ident
                        ));
                    };
                    value = lit.value();
                }
                other => {
                    return Err(format!(
                        "enum {enum_name}: variant {} has serde attribute `{}`, which the open \
                         enum would lose",
                        variant.ident,
                        quote!(#other)
                    ));
                }
            }
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn processed(source: &str) -> Result<String, String> {
        let mut file: syn::File = syn::parse_str(source).expect("fixture parses");
        process(&mut file)?;
        Ok(prettyplease::unparse(&file))
    }

    #[test]
    fn a_typify_string_enum_is_opened_and_its_closed_conversions_removed() {
        let out = processed(
            r#"
            pub mod types {
                ///The size of a time bucket.
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd, schemars::JsonSchema)]
                pub enum Granularity {
                    #[serde(rename = "day")]
                    Day,
                    Week,
                }
                impl ::std::fmt::Display for Granularity { fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { todo!() } }
                impl ::std::str::FromStr for Granularity { type Err = (); fn from_str(value: &str) -> Result<Self, ()> { todo!() } }
                impl ::std::convert::TryFrom<&str> for Granularity { type Error = (); fn try_from(value: &str) -> Result<Self, ()> { todo!() } }
                impl ::std::default::Default for Granularity { fn default() -> Self { Self::Day } }
                impl ::std::fmt::Display for Other { fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { todo!() } }
            }
            "#,
        )
        .expect("processes");
        assert!(out.contains("Unknown(::std::string::String),"), "{out}");
        assert!(out.contains("\"day\" => Self::Day,"), "{out}");
        assert!(out.contains("\"Week\" => Self::Week,"), "{out}");
        assert!(!out.contains("Copy"), "{out}");
        assert!(!out.contains("TryFrom"), "{out}");
        assert!(!out.contains("type Err = ();"), "{out}");
        assert!(
            out.contains("type Err = ::std::convert::Infallible;"),
            "{out}"
        );
        assert!(
            out.contains("impl schemars::JsonSchema for Granularity"),
            "{out}"
        );
        assert!(out.contains("///The size of a time bucket."), "{out}");
        // Impls of other traits, and of other types, stay.
        assert!(
            out.contains("impl ::std::default::Default for Granularity"),
            "{out}"
        );
        assert!(out.contains("impl ::std::fmt::Display for Other"), "{out}");
    }

    #[test]
    fn tagged_enums_and_data_enums_are_left_alone() {
        let source = r#"
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy)]
            #[serde(tag = "type")]
            pub enum Tagged { A, B }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
            #[serde(untagged)]
            pub enum Scalar { String(::std::string::String), Double(f64) }
        "#;
        let out = processed(source).expect("processes");
        assert!(!out.contains("Unknown"), "{out}");
        assert!(out.contains("Copy"), "{out}");
    }

    #[test]
    fn deny_unknown_fields_is_stripped_and_other_serde_options_kept() {
        let out = processed(
            r#"
            #[derive(::serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            pub struct Closed { a: i64 }
            #[derive(::serde::Deserialize)]
            #[serde(deny_unknown_fields, rename_all = "snake_case")]
            pub struct Renamed { a: i64 }
            "#,
        )
        .expect("processes");
        assert!(!out.contains("deny_unknown_fields"), "{out}");
        assert!(
            out.contains("#[serde(rename_all = \"snake_case\")]"),
            "{out}"
        );
    }

    #[test]
    fn a_listed_unknown_value_moves_the_open_variant_to_other() {
        let out = processed(
            r#"
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub enum Quantization {
                #[serde(rename = "fp8")]
                Fp8,
                #[serde(rename = "unknown")]
                Unknown,
            }
            "#,
        )
        .expect("processes");
        assert!(out.contains("Other(::std::string::String),"), "{out}");
        assert!(out.contains("\"unknown\" => Self::Unknown"), "{out}");
        assert!(out.contains("_ => Self::Other(value.to_owned())"), "{out}");
    }

    #[test]
    fn what_the_open_enum_would_lose_is_an_error() {
        let err = processed(
            r#"
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub enum Status { Known, Unknown, Other }
            "#,
        )
        .expect_err("known `Unknown` and `Other` collide");
        assert!(err.contains("enum Status"), "{err}");

        let err = processed(
            r#"
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub enum Status { #[serde(alias = "ok")] Fine }
            "#,
        )
        .expect_err("an alias would be lost");
        assert!(err.contains("alias"), "{err}");
    }
}
