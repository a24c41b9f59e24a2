//! Calls by name for the friendly commands built on the generated table (`guardrails`,
//! `models`, `byok`): one request, or every page of a list paged by `offset`, each
//! answer kept with its exact bytes so that JSON output is the API's.

use openrouter_analytics::WithRawBody;
use serde_json::Value;

use super::Context;
use super::view::{self, RawItem};
use crate::exit::{Failure, Operation};

/// The most pages followed before giving up on a server that never stops.
const MAX_PAGES: usize = 10_000;

/// Sends `group.method` with text arguments and an optional JSON body.
pub async fn send(
    ctx: &Context<'_>,
    label: &str,
    (group, method): (&str, &str),
    args: &[(String, String)],
    body: Option<Value>,
) -> Result<WithRawBody<Value>, Failure> {
    let mut call = ctx
        .client
        .operation(group, method)
        .map_err(|err| Failure::from_client(&err, Operation::Account, ctx.base_url))?;
    for (name, value) in args {
        call = call.arg(name.as_str(), value.as_str());
    }
    if let Some(body) = body {
        call = call.body_json(body);
    }
    if let Some(op) = openrouter_analytics::find_operation(group, method) {
        ctx.describe(op.http_method, op.path);
    }
    ctx.call(label, call.send_with_raw_body()).await
}

/// Every page of the list `group.method`: follows `offset` until an empty or short page,
/// or `total_count` items. Returns each item as decoded JSON and exactly as sent.
pub async fn all_pages(
    ctx: &Context<'_>,
    label: &str,
    operation: (&str, &str),
    args: &[(String, String)],
) -> Result<Vec<(Value, RawItem)>, Failure> {
    let mut items: Vec<(Value, RawItem)> = Vec::new();
    let mut first_page = None;
    for _ in 0..MAX_PAGES {
        let mut page_args = args.to_vec();
        if !items.is_empty() {
            page_args.push(("offset".to_string(), items.len().to_string()));
        }
        let page = send(ctx, label, operation, &page_args, None).await?;
        let raw = view::page_items([&page.raw_body[..]])
            .map_err(|err| Failure::other(format!("{label}: {err}")))?;
        let decoded = page.value["data"].as_array().cloned().unwrap_or_default();
        if decoded.len() != raw.len() {
            return Err(Failure::other(format!(
                "{label}: the page's items did not decode one for one"
            )));
        }
        let count = raw.len();
        if let Some(first) = raw.first()
            && items.len() >= count
            && items[items.len() - count].1.get() == first.get()
        {
            return Err(Failure::other(format!(
                "{label}: the server answered offset {} with the previous page again",
                items.len()
            )));
        }
        items.extend(decoded.into_iter().zip(raw));
        let total = page.value["total_count"].as_u64();
        let page_size = *first_page.get_or_insert(count);
        let done = count == 0
            || count < page_size
            || total.is_some_and(|total| items.len() as u64 >= total)
            || (total.is_none() && !page.value.get("data").is_some_and(Value::is_array));
        if done {
            return Ok(items);
        }
    }
    Err(Failure::other(format!(
        "{label}: still more pages after {MAX_PAGES}; giving up"
    )))
}
