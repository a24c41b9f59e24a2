//! Post-processing of progenitor's request building, for the cost of a call (issue 26:
//! per call within 1.05x of bare reqwest). What goes on the wire is unchanged.
//!
//! - **An optional query parameter is added only when it is set.** progenitor calls
//!   reqwest's `.query()` for every query parameter, set or not; an unset one adds nothing
//!   to the URL, but each call re-opens and re-closes the URL's query (about 500
//!   instructions; `get_user_activity` has five optional parameters). The chain keeps its
//!   other calls, and `if param.is_some() { request = request.query(...) }` follows it.
//! - **No `api-version` header.** progenitor puts the document's version in an
//!   `api-version` header on every request; it is no part of OpenRouter's API. The
//!   statement that appends it is dropped (the hook used to remove it again), and so is
//!   the header map when nothing else goes in it.
//!
//! Both are recognised by shape (a builder field typed `Result<Option<_>, String>`, a
//! `.query(&progenitor_client::QueryParam::new("name", &name))` call, a statement that
//! names `"api-version"`); a `send` whose request is not built the way this expects is an
//! error, not a silently slower call.

use std::collections::{HashMap, HashSet};

use quote::quote;
use syn::{Expr, Ident, ImplItem, Item, Stmt, Type};

/// Rewrites every builder's `send` in `file`, recursing into modules.
pub fn process(file: &mut syn::File) -> Result<(), String> {
    process_items(&mut file.items)
}

fn process_items(items: &mut [Item]) -> Result<(), String> {
    let optional = optional_fields(items);
    for item in items.iter_mut() {
        match item {
            Item::Mod(module) => {
                if let Some((_, content)) = &mut module.content {
                    process_items(content)?;
                }
            }
            Item::Impl(block) => {
                let Some(name) = self_name(&block.self_ty) else {
                    continue;
                };
                let Some(fields) = optional.get(&name) else {
                    continue;
                };
                for member in &mut block.items {
                    if let ImplItem::Fn(function) = member
                        && function.sig.ident == "send"
                    {
                        let context = format!("{name}::send");
                        function.block.stmts =
                            rewrite_send(std::mem::take(&mut function.block.stmts), fields)
                                .map_err(|err| format!("{context}: {err}"))?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// For each struct of `items`, its fields typed `Result<Option<_>, _>`: a builder's
/// optional parameters.
fn optional_fields(items: &[Item]) -> HashMap<String, HashSet<String>> {
    let mut out = HashMap::new();
    for item in items {
        let Item::Struct(item) = item else {
            continue;
        };
        let fields = item
            .fields
            .iter()
            .filter(|field| is_result_of_option(&field.ty))
            .filter_map(|field| field.ident.as_ref().map(Ident::to_string))
            .collect();
        out.insert(item.ident.to_string(), fields);
    }
    out
}

fn is_result_of_option(ty: &Type) -> bool {
    let Some(result) = last_segment(ty).filter(|s| s.ident == "Result") else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(args) = &result.arguments else {
        return false;
    };
    matches!(
        args.args.first(),
        Some(syn::GenericArgument::Type(inner))
            if last_segment(inner).is_some_and(|s| s.ident == "Option")
    )
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(path) => path.path.segments.last(),
        _ => None,
    }
}

fn self_name(ty: &Type) -> Option<String> {
    last_segment(ty).map(|s| s.ident.to_string())
}

/// The statements of one `send`, rewritten.
fn rewrite_send(stmts: Vec<Stmt>, optional: &HashSet<String>) -> Result<Vec<Stmt>, String> {
    // With `api-version` gone, the header map is often left empty: then it is not made
    // (an allocation) nor merged into the request.
    let header_map_used = stmts.iter().any(|stmt| {
        mentions(stmt, "header_map")
            && !names_api_version(stmt)
            && !declares(stmt, "header_map")
            && request_chain(stmt).is_none()
    });
    let mut out = Vec::with_capacity(stmts.len() + 4);
    let mut built = false;
    for stmt in stmts {
        if names_api_version(&stmt) || (!header_map_used && declares(&stmt, "header_map")) {
            continue;
        }
        match request_chain(&stmt) {
            Some(chain) if !built => {
                built = true;
                let mut later = Vec::new();
                let mut chain = without_optional_queries(chain.clone(), optional, &mut later)?;
                if !header_map_used {
                    chain = without_call(chain, "headers", "header_map");
                }
                let ifs = later.iter().map(|(name, field)| {
                    quote! {
                        if #field.is_some() {
                            request = request.query(
                                &progenitor_client::QueryParam::new(#name, &#field),
                            );
                        }
                    }
                });
                let first = if later.is_empty() {
                    quote!(let request = #chain;)
                } else {
                    quote!(let mut request = #chain;)
                };
                let block: syn::Block = syn::parse2(quote! {{
                    #first
                    #(#ifs)*
                    #[allow(unused_mut)]
                    let mut request = request.build()?;
                }})
                .map_err(|err| format!("the rewritten request does not parse: {err}"))?;
                out.extend(block.stmts);
            }
            _ => out.push(stmt),
        }
    }
    if built {
        Ok(out)
    } else {
        Err("no `let mut request = ....build()?;` statement".to_string())
    }
}

/// Whether `stmt` names `ident` anywhere.
fn mentions(stmt: &Stmt, ident: &str) -> bool {
    quote!(#stmt)
        .into_iter()
        .flat_map(flatten)
        .any(|token| matches!(token, proc_macro2::TokenTree::Ident(i) if i == ident))
}

fn flatten(token: proc_macro2::TokenTree) -> Vec<proc_macro2::TokenTree> {
    match token {
        proc_macro2::TokenTree::Group(group) => {
            group.stream().into_iter().flat_map(flatten).collect()
        }
        other => vec![other],
    }
}

/// Whether `stmt` is `let [mut] ident = ...;`.
fn declares(stmt: &Stmt, ident: &str) -> bool {
    matches!(stmt, Stmt::Local(local)
        if matches!(&local.pat, syn::Pat::Ident(pat) if pat.ident == ident))
}

/// `chain` without its `.method(arg)` call whose one argument is the name `arg`.
fn without_call(chain: Expr, method: &str, arg: &str) -> Expr {
    match chain {
        Expr::MethodCall(mut call) => {
            let receiver = without_call(*call.receiver, method, arg);
            let is_it = call.method == method
                && matches!(&call.args.iter().collect::<Vec<_>>()[..],
                    [Expr::Path(path)] if path.path.is_ident(arg));
            if is_it {
                return receiver;
            }
            call.receiver = Box::new(receiver);
            Expr::MethodCall(call)
        }
        Expr::Try(mut tried) => {
            tried.expr = Box::new(without_call(*tried.expr, method, arg));
            Expr::Try(tried)
        }
        other => other,
    }
}

/// Whether `stmt` is the one that appends the `api-version` header.
fn names_api_version(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Expr(..)) && quote!(#stmt).to_string().contains("\"api-version\"")
}

/// In `let mut request = CHAIN.build()?;`, the chain before `.build()`.
fn request_chain(stmt: &Stmt) -> Option<&Expr> {
    let Stmt::Local(local) = stmt else {
        return None;
    };
    let syn::Pat::Ident(pat) = &local.pat else {
        return None;
    };
    if pat.ident != "request" {
        return None;
    }
    let Expr::Try(tried) = &*local.init.as_ref()?.expr else {
        return None;
    };
    match &*tried.expr {
        Expr::MethodCall(call) if call.method == "build" && call.args.is_empty() => {
            Some(&call.receiver)
        }
        _ => None,
    }
}

/// `chain` without its `.query(...)` calls for optional parameters; each one removed is
/// pushed to `removed` as `(name, field)`, in order.
fn without_optional_queries(
    chain: Expr,
    optional: &HashSet<String>,
    removed: &mut Vec<(syn::LitStr, Ident)>,
) -> Result<Expr, String> {
    match chain {
        Expr::MethodCall(mut call) => {
            let receiver = without_optional_queries(*call.receiver, optional, removed)?;
            if call.method == "query"
                && let Some((name, field)) = query_param(&call.args)
                && optional.contains(&field.to_string())
            {
                removed.push((name, field));
                return Ok(receiver);
            }
            call.receiver = Box::new(receiver);
            Ok(Expr::MethodCall(call))
        }
        Expr::Try(mut tried) => {
            tried.expr = Box::new(without_optional_queries(*tried.expr, optional, removed)?);
            Ok(Expr::Try(tried))
        }
        other => Ok(other),
    }
}

/// `("name", field)` from `&progenitor_client::QueryParam::new("name", &field)`.
fn query_param(
    args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
) -> Option<(syn::LitStr, Ident)> {
    let [Expr::Reference(reference)] = args.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let Expr::Call(call) = &*reference.expr else {
        return None;
    };
    let Expr::Path(func) = &*call.func else {
        return None;
    };
    let segments: Vec<String> = func
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    if !segments.ends_with(&["QueryParam".to_string(), "new".to_string()]) {
        return None;
    }
    let [name, value] = call.args.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(name),
        ..
    }) = name
    else {
        return None;
    };
    let Expr::Reference(value) = value else {
        return None;
    };
    let Expr::Path(value) = &*value.expr else {
        return None;
    };
    Some((name.clone(), value.path.get_ident()?.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A builder and its `send` in the shape progenitor 0.15 writes them.
    const GENERATED: &str = r#"
        pub struct GetThing<'a> {
            client: &'a super::Client,
            id: Result<::std::string::String, String>,
            date: Result<Option<::std::string::String>, String>,
            limit: Result<Option<u64>, String>,
        }
        impl<'a> GetThing<'a> {
            pub async fn send(self) -> Result<(), Error<()>> {
                let Self { client, id, date, limit } = self;
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                header_map
                    .append(
                        ::reqwest::header::HeaderName::from_static("api-version"),
                        ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                    );
                #[allow(unused_mut)]
                let mut request = client
                    .client
                    .get(url)
                    .header(::reqwest::header::ACCEPT, value)
                    .query(&progenitor_client::QueryParam::new("id", &id))
                    .query(&progenitor_client::QueryParam::new("date", &date))
                    .query(&progenitor_client::QueryParam::new("limit", &limit))
                    .headers(header_map)
                    .build()?;
                client.pre(&mut request, &info).await?;
                Ok(())
            }
        }
    "#;

    fn rewritten(code: &str) -> Result<String, String> {
        let mut file: syn::File = syn::parse_str(code).expect("parses");
        process(&mut file)?;
        Ok(prettyplease::unparse(&file))
    }

    #[test]
    fn optional_queries_are_added_only_when_set_and_required_ones_always() {
        let code = rewritten(GENERATED).expect("rewritten");
        let compact: String = code.split_whitespace().collect();
        assert!(
            compact.contains(".query(&progenitor_client::QueryParam::new(\"id\",&id));"),
            "{code}"
        );
        for name in ["date", "limit"] {
            assert!(
                compact.contains(&format!(
                    "if{name}.is_some(){{request=request.query(&progenitor_client::QueryParam::new(\"{name}\",&{name}));}}"
                )),
                "{name}: {code}"
            );
        }
        assert!(
            compact.contains("letmutrequest=request.build()?;client.pre"),
            "{code}"
        );
        // The date is still added before the limit, as the spec lists them.
        let date = compact.find("ifdate.is_some").expect("date");
        let limit = compact.find("iflimit.is_some").expect("limit");
        assert!(date < limit, "{code}");
    }

    #[test]
    fn the_api_version_header_is_not_added_nor_an_empty_header_map() {
        let code = rewritten(GENERATED).expect("rewritten");
        assert!(!code.contains("api-version"), "{code}");
        assert!(!code.contains("header_map"), "{code}");
        // A header parameter still goes through the map.
        let with_header = GENERATED.replace(
            "#[allow(unused_mut)]",
            "header_map.append(\"x-thing\", value);\n#[allow(unused_mut)]",
        );
        let code = rewritten(&with_header).expect("rewritten");
        assert!(!code.contains("api-version"), "{code}");
        assert!(code.contains("HeaderMap::with_capacity"), "{code}");
        assert!(code.contains(".headers(header_map)"), "{code}");
    }

    #[test]
    fn a_send_built_another_way_is_an_error() {
        let other = GENERATED.replace(".build()?;", ".build().unwrap();");
        let err = rewritten(&other).expect_err("not recognised");
        assert!(err.contains("GetThing::send"), "{err}");
    }
}
