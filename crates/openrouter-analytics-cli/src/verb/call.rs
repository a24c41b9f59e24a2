//! Calls by name for the friendly commands built on the generated table (every
//! verb, and the name lookups): one request, or every page of a list
//! paged by `offset` through the client's one paging loop, each answer kept with its
//! exact bytes so that JSON output is the API's, and read tolerantly: an answer that
//! does not match the spec is shown with a warning, not refused.

use openrouter_analytics::{CallByName, OperationInfo, TolerantAnswer};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::exit::{Failure, Operation};
use crate::output::list::{RawItem, page_items};
use crate::progress::{Progress, with_progress};

/// What a command needs to send its requests.
pub struct Context<'a> {
    /// The client, built from the global options.
    pub client: &'a openrouter_analytics::Client,
    /// The spinner, when there is one.
    pub progress: Option<&'a Progress>,
    /// The API root, for `-v` and error messages.
    pub base_url: &'a str,
}

impl Context<'_> {
    /// Logs the request for `-v`, e.g. `GET https://openrouter.ai/api/v1/keys`.
    pub fn describe(&self, method: &str, path: &str) {
        tracing::debug!("{method} {}{path}", self.base_url.trim_end_matches('/'));
    }

    /// Runs one request (or one series of pages) under the spinner, turning a client
    /// error into the failure line and exit code every command uses.
    pub async fn call<T>(
        &self,
        label: &str,
        work: impl std::future::Future<Output = Result<T, openrouter_analytics::Error>>,
    ) -> Result<T, Failure> {
        with_progress(self.progress, label, work)
            .await
            .map_err(|err| Failure::from_client(&err, Operation::Account, self.base_url))
    }
}

/// The call of `op` by name with text arguments and an optional JSON body: how every
/// friendly command and `openrouter api` build their requests.
pub fn by_name(
    client: &openrouter_analytics::Client,
    op: &OperationInfo,
    args: &[(String, String)],
    body: Option<Value>,
) -> Result<CallByName, openrouter_analytics::Error> {
    let mut call = client.operation(op.group, op.method)?;
    for (name, value) in args {
        call = call.arg(name.as_str(), value.as_str());
    }
    if let Some(body) = body {
        call = call.body_json(body);
    }
    Ok(call)
}

/// [`by_name`], logged for `-v`.
fn call(
    ctx: &Context<'_>,
    op: &'static OperationInfo,
    args: &[(String, String)],
    body: Option<Value>,
) -> Result<CallByName, Failure> {
    let call = by_name(ctx.client, op, args, body)
        .map_err(|err| Failure::from_client(&err, Operation::Account, ctx.base_url))?;
    ctx.describe(op.http_method, &request_path(op, args));
    Ok(call)
}

/// `op`'s path with its path parameters filled in and the others as its query, for `-v`.
fn request_path(op: &OperationInfo, args: &[(String, String)]) -> String {
    let mut path = op.path.to_string();
    let mut query = Vec::new();
    for (name, value) in args {
        let in_path = op
            .parameters
            .iter()
            .any(|p| p.name == name && p.location == "path");
        if in_path {
            path = path.replace(&format!("{{{name}}}"), value);
        } else {
            query.push(format!("{name}={value}"));
        }
    }
    if !query.is_empty() {
        path.push('?');
        path.push_str(&query.join("&"));
    }
    path
}

/// One answer read tolerantly: as sent, parsed, and the warning when it does not match
/// the spec.
pub struct Answer {
    /// The body as the server sent it.
    pub raw: openrouter_analytics::Bytes,
    /// The body parsed (`null` for an empty one).
    pub body: Value,
    /// `warning: ...` naming the first mismatch with the spec, if any.
    pub warning: Option<String>,
}

/// The warning for an answer that does not match the spec.
fn mismatch_warning(mismatch: &openrouter_analytics::Error) -> String {
    format!("warning: the answer does not match the spec, shown as sent: {mismatch}")
}

/// Sends `op` and reads its answer tolerantly: a successful answer that does not match
/// the spec is shown with a warning, not refused (the typed library stays strict).
pub async fn one(
    ctx: &Context<'_>,
    label: &str,
    op: &'static OperationInfo,
    args: &[(String, String)],
    body: Option<Value>,
) -> Result<Answer, Failure> {
    let call = call(ctx, op, args, body)?;
    let answer = ctx.call(label, call.send_tolerant()).await?;
    parse(label, answer)
}

/// Like [`one`], leaving the client's error to the caller (`keys create` words its
/// own, since that answer holds a secret).
pub async fn one_or_error(
    ctx: &Context<'_>,
    label: &str,
    op: &'static OperationInfo,
    args: &[(String, String)],
    body: Option<Value>,
) -> Result<Result<Answer, openrouter_analytics::Error>, Failure> {
    let call = call(ctx, op, args, body)?;
    match with_progress(ctx.progress, label, call.send_tolerant()).await {
        Ok(answer) => parse(label, answer).map(Ok),
        Err(err) => Ok(Err(err)),
    }
}

fn parse(label: &str, answer: TolerantAnswer) -> Result<Answer, Failure> {
    let body = if answer.raw_body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(&answer.raw_body)
            .map_err(|err| Failure::other(format!("{label}: {err}")))?
    };
    Ok(Answer {
        warning: answer.mismatch.as_ref().map(mismatch_warning),
        raw: answer.raw_body,
        body,
    })
}

/// Every item of a paged list read tolerantly, each parsed and exactly as sent, and the
/// warning when a page does not match the spec. The pages are followed by the client's
/// one paging loop: a list that does not add up is still an error.
pub struct Items {
    /// Each item, parsed and as sent, in page order.
    pub items: Vec<(Value, RawItem)>,
    /// `warning: ...` naming the first mismatch with the spec, if any.
    pub warning: Option<String>,
}

impl Items {
    /// The items as one list answer, `{"data": [...]}`, for the renderer.
    pub fn body(&self) -> Value {
        serde_json::json!({ "data": self.items.iter().map(|(item, _)| item).collect::<Vec<_>>() })
    }
}

/// See [`Items`].
pub async fn items(
    ctx: &Context<'_>,
    label: &str,
    op: &'static OperationInfo,
    args: &[(String, String)],
) -> Result<Items, Failure> {
    let list = list(ctx, label, op, args).await?;
    let raw = list.items(label)?;
    let parsed = raw
        .iter()
        .map(|item| serde_json::from_str(item.get()))
        .collect::<Result<Vec<Value>, _>>()
        .map_err(|err| Failure::other(format!("{label}: {err}")))?;
    Ok(Items {
        items: parsed
            .into_iter()
            .zip(raw.into_iter().map(ToOwned::to_owned))
            .collect(),
        warning: list.warning,
    })
}

/// Every page of a paged list, read tolerantly, kept only as sent: for lists shown in
/// page order, whose rows are parsed one at a time as they are rendered
/// ([`Pages::items`]). Each item has been parsed once here, so a list that is not JSON
/// fails before anything is shown, as [`items`] does.
pub struct Pages {
    /// Each page's body as the server sent it.
    pages: Vec<openrouter_analytics::Bytes>,
    /// `warning: ...` naming the first mismatch with the spec, if any.
    pub warning: Option<String>,
}

impl Pages {
    /// Every page's items, as sent, borrowed from the pages.
    pub fn items(&self, label: &str) -> Result<Vec<&RawValue>, Failure> {
        page_items(self.pages.iter().map(|page| &page[..]))
            .map_err(|err| Failure::other(format!("{label}: {err}")))
    }
}

/// See [`Pages`].
pub async fn list(
    ctx: &Context<'_>,
    label: &str,
    op: &'static OperationInfo,
    args: &[(String, String)],
) -> Result<Pages, Failure> {
    let call = call(ctx, op, args, None)?;
    let answer = ctx.call(label, call.send_all_pages_tolerant()).await?;
    let pages = Pages {
        pages: answer.pages,
        warning: answer.mismatch.as_ref().map(mismatch_warning),
    };
    for item in pages.items(label)? {
        // Parsed and dropped: the same errors as a whole parse, one item's memory.
        serde_json::from_str::<Value>(item.get())
            .map_err(|err| Failure::other(format!("{label}: {err}")))?;
    }
    Ok(pages)
}
