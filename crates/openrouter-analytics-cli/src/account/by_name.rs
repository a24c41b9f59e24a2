//! Calls by name for the friendly commands built on the generated table (`guardrails`,
//! `models`, `byok`): one request, or every page of a list paged by `offset` through the
//! client's one paging loop, each answer kept with its exact bytes so that JSON output
//! is the API's.

use openrouter_analytics::{CallByName, OperationInfo, WithRawBody};
use serde_json::Value;

use super::Context;
use super::view::{self, RawItem};
use crate::exit::{Failure, Operation};

/// The call `group.method` with text arguments and an optional JSON body.
fn call(
    ctx: &Context<'_>,
    op: &'static OperationInfo,
    args: &[(String, String)],
    body: Option<Value>,
) -> Result<CallByName, Failure> {
    let mut call = ctx
        .client
        .operation(op.group, op.method)
        .map_err(|err| Failure::from_client(&err, Operation::Account, ctx.base_url))?;
    for (name, value) in args {
        call = call.arg(name.as_str(), value.as_str());
    }
    if let Some(body) = body {
        call = call.body_json(body);
    }
    ctx.describe(op.http_method, op.path);
    Ok(call)
}

/// Sends `group.method` with text arguments and an optional JSON body.
pub async fn send(
    ctx: &Context<'_>,
    label: &str,
    operation: &'static OperationInfo,
    args: &[(String, String)],
    body: Option<Value>,
) -> Result<WithRawBody<Value>, Failure> {
    let call = call(ctx, operation, args, body)?;
    ctx.call(label, call.send_with_raw_body()).await
}

/// Every item of the list `group.method`, paged by the client's `send_all_pages` (and
/// so failing, never cut short, on pages that do not add up): each item decoded and
/// exactly as sent.
pub async fn every_item(
    ctx: &Context<'_>,
    label: &str,
    operation: &'static OperationInfo,
    args: &[(String, String)],
) -> Result<Vec<(Value, RawItem)>, Failure> {
    let call = call(ctx, operation, args, None)?;
    let pages = ctx.call(label, call.send_all_pages()).await?;
    let raw = view::page_items(pages.iter().map(|page| &page.raw_body[..]))
        .map_err(|err| Failure::other(format!("{label}: {err}")))?;
    let decoded: Vec<Value> = pages
        .into_iter()
        .flat_map(|page| match page.value {
            Value::Object(mut fields) => match fields.remove("data") {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        })
        .collect();
    if decoded.len() != raw.len() {
        return Err(Failure::other(format!(
            "{label}: the pages' items did not decode one for one"
        )));
    }
    Ok(decoded.into_iter().zip(raw).collect())
}
