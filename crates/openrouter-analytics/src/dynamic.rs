//! Operations named at run time: every operation of the spec, found by its group and
//! method name, with parameters given as text and the body as JSON. This is what the
//! `openrouter api <group> <method>` command is built on; typed code should use the
//! typed calls (`client.api_keys().list()`) instead.
//!
//! The table of operations and the dispatch are generated with the typed layer
//! (`generated.rs`), so an operation added to the spec is reachable here too.

use std::collections::HashSet;
use std::fmt;

use openrouter_analytics_api as api;
use openrouter_analytics_api::ClientInfo as _;
use openrouter_analytics_api::ResponseValue;
use openrouter_analytics_api::types::ErrorResponse;
use serde::de::DeserializeOwned;

use crate::call::{Async, Call, CallOptions, Operation, WithRawBody, sealed};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::paging::{Fetched, Walk, first_repeated, follow};

/// One operation of the API, as the spec describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationInfo {
    /// The group, the spec's tag in snake case (`api_keys`): `client.<group>()`.
    pub group: &'static str,
    /// The method in snake case (`list`): `client.<group>().<method>()`.
    pub method: &'static str,
    /// The name used in logs and errors: the spec's `operationId` in snake case.
    pub operation_id: &'static str,
    /// The HTTP method (`GET`, `POST`, ...).
    pub http_method: &'static str,
    /// The path below the base URL, with `{parameters}`.
    pub path: &'static str,
    /// One line on what the operation does.
    pub summary: &'static str,
    /// What it does, at length (may be empty).
    pub description: &'static str,
    /// The path and query parameters.
    pub parameters: &'static [ParameterInfo],
    /// Whether the operation takes a request body.
    pub has_body: bool,
    /// Whether its request body goes out form-encoded
    /// (`application/x-www-form-urlencoded`, as the spec says) rather than as JSON.
    /// Called by name, the body is still given as a JSON object, whose top-level
    /// fields become the form's fields.
    ///
    /// ```
    /// let token = openrouter_analytics::find_operation("o_auth", "create_oauth_token").unwrap();
    /// assert!(token.form_body);
    /// ```
    pub form_body: bool,
    /// The top-level fields of the request body (JSON, or a form), in the spec's order
    /// (empty when the body is not an object the spec lists fields for).
    pub body_fields: &'static [FieldInfo],
    /// Whether it creates or changes something (a POST or PATCH that is not a read):
    /// such calls are not resent after an attempt that may have reached the server,
    /// unless [`Call::allow_retrying_writes`] says so.
    pub writes: bool,
    /// Whether the spec marks a string of its request body or answers as a secret
    /// (`format: password`, e.g. the key `api_keys.create` returns): its errors keep
    /// no part of the response body ([`Error::body_withheld`]).
    pub carries_secret: bool,
    /// For a list paged by `offset`, how its pages are read: such an operation called
    /// by name has [`Call::send_all_pages`] and [`Call::collect_all`], following the
    /// pages by the same rules as the typed call.
    ///
    /// ```
    /// let list = openrouter_analytics::find_operation("api_keys", "list").unwrap();
    /// assert_eq!(list.paging.and_then(|paging| paging.item_id), Some("hash"));
    /// assert!(openrouter_analytics::find_operation("api_keys", "get").unwrap().paging.is_none());
    /// ```
    pub paging: Option<PagingInfo>,
    /// What a successful answer holds, as the spec's 2xx JSON schema says: where its
    /// payload is (a list, or one object) and the fields that make its columns. `None`
    /// when the operation answers with no JSON body (a 204).
    ///
    /// ```
    /// use openrouter_analytics::{ColumnKind, Payload};
    /// let list = openrouter_analytics::find_operation("api_keys", "list").unwrap();
    /// let response = list.response.unwrap();
    /// assert_eq!(response.payload, Payload::List { items: "data" });
    /// let limit = response.column("limit").unwrap();
    /// assert_eq!(limit.kind, ColumnKind::Usd);
    /// ```
    pub response: Option<ResponseInfo>,
}

/// What a successful answer of an operation holds ([`OperationInfo::response`]): the
/// resource model that tools render tables, CSV and detail views from, derived by the
/// generator from the spec's 2xx JSON schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseInfo {
    /// Where the payload is in the body.
    pub payload: Payload,
    /// The scalar fields of the payload in the spec's order: for a list, those of an
    /// item; for an object, its fields. A nested object's scalar fields follow it,
    /// flattened one level as `parent.child`; arrays and deeper objects are one
    /// [`ColumnKind::Json`] column. Empty when the spec lists no fields (a union).
    pub columns: &'static [ColumnInfo],
}

impl ResponseInfo {
    /// The column named `name` (`limit`, `rate_limit.note`), if there is one.
    pub fn column(&self, name: &str) -> Option<&'static ColumnInfo> {
        self.columns.iter().find(|column| column.name == name)
    }
}

/// Where the payload of a successful answer is ([`ResponseInfo::payload`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload {
    /// A list: the array under this top-level field (`data`) holds one item per row;
    /// [`ColumnInfo::path`] starts at an item.
    List {
        /// The top-level field that holds the array.
        items: &'static str,
    },
    /// One object, shown as field/value pairs; [`ColumnInfo::path`] starts at the
    /// body's top level (`["data", "limit"]`, or `["key"]` for a field beside `data`).
    Object,
}

/// One column of a [`ResponseInfo`]: a scalar field of the payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ColumnInfo {
    /// The column's name: the field's name, `parent.child` for a field of a nested
    /// object (`rate_limit.note`).
    pub name: &'static str,
    /// Where the value is: the field names from a list item, or from the top of the
    /// body for an object ([`Payload`]).
    pub path: &'static [&'static str],
    /// What the value is, which decides how it is shown.
    pub kind: ColumnKind,
    /// Whether the spec requires the field (and its parent, for a nested one): an
    /// answer without it does not match the spec.
    pub required: bool,
    /// Whether it holds a secret (`format: password` or `x-openrouter-secret`), such
    /// as the key `api_keys.create` returns once.
    pub secret: bool,
    /// What it means (may be empty).
    pub description: &'static str,
}

/// What a [`ColumnInfo`] holds, as the spec says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnKind {
    /// US dollars: a number the spec marks `x-openrouter-unit: usd`.
    Usd,
    /// A point in time (`format: date-time`, or a string field named `*_at`).
    Time,
    /// A day (`format: date`).
    Date,
    /// A point in time as whole seconds since 1970-01-01 UTC: an integer the spec marks
    /// `x-openrouter-unit: unix-seconds` (a model's `created`).
    UnixSeconds,
    /// A whole number (a count).
    Integer,
    /// A number.
    Number,
    /// An identifier: `format: uuid`, or a string field named `id`, `hash` or `*_id`.
    Id,
    /// `true` or `false`.
    Boolean,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// Text.
    Text,
    /// An array, a deeper object or a union: shown as compact JSON.
    Json,
}

/// A successful answer read tolerantly ([`Call::send_tolerant`]): its exact bytes
/// (valid JSON), and how it does not match the spec, if it does not.
///
/// `Debug` shows the mismatch and only the length of the body, which may hold a
/// secret (the key `api_keys.create` returns) in clear.
#[non_exhaustive]
pub struct TolerantAnswer {
    /// The response body as the server sent it (after undoing any
    /// `Content-Encoding`).
    pub raw_body: bytes::Bytes,
    /// The typed decode error when the body does not match the operation's type:
    /// its `Display` names the first mismatch, scrubbed as every error is.
    pub mismatch: Option<Error>,
}

impl fmt::Debug for TolerantAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TolerantAnswer")
            .field("raw_body", &format_args!("<{} bytes>", self.raw_body.len()))
            .field("mismatch", &self.mismatch)
            .finish()
    }
}

/// Every page of a list read tolerantly ([`Call::send_all_pages_tolerant`]): each
/// page's exact bytes (valid JSON), and how the first page that does not match the spec
/// does not, if one does not.
///
/// Only the bytes are kept: each page was checked against the operation's type item by
/// item as it was read, never held decoded, so a list takes about the memory of its
/// JSON. Read the items from the bytes (e.g. with `serde_json` into borrowed
/// `&RawValue`s, or one at a time).
///
/// `Debug` shows the mismatch and only the length of each page.
///
/// ```no_run
/// # async fn run(client: openrouter_analytics::Client) -> openrouter_analytics::Result<()> {
/// let list = client.operation("guardrails", "list")?.send_all_pages_tolerant().await?;
/// if let Some(mismatch) = &list.mismatch {
///     eprintln!("warning: {mismatch}");
/// }
/// for page in &list.pages {
///     let page: serde_json::Value = serde_json::from_slice(page).unwrap_or_default();
///     println!("{} items", page["data"].as_array().map_or(0, Vec::len));
/// }
/// # Ok(())
/// # }
/// ```
#[non_exhaustive]
pub struct TolerantPages {
    /// Each page's body as the server sent it (after undoing any `Content-Encoding`),
    /// in order.
    pub pages: Vec<bytes::Bytes>,
    /// The decode error of the first page that does not match the operation's type
    /// (its `Display` names the first mismatch), scrubbed as every error is.
    pub mismatch: Option<Error>,
}

impl fmt::Debug for TolerantPages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lengths: Vec<_> = self
            .pages
            .iter()
            .map(|page| format!("<{} bytes>", page.len()))
            .collect();
        f.debug_struct("TolerantPages")
            .field("pages", &lengths)
            .field("mismatch", &self.mismatch)
            .finish()
    }
}

/// How the pages of a list paged by `offset` are read ([`OperationInfo::paging`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PagingInfo {
    /// The field that identifies an item of the list (`id`, or `hash` for API keys),
    /// when items have one: an item that comes twice is an error.
    pub item_id: Option<&'static str>,
    /// Whether each page says the length of the whole list (`total_count`).
    pub total_count: bool,
}

impl OperationInfo {
    /// The body fields that may be sent as `null` to clear them (the spec's optional
    /// `nullable` ones), as the API spells them; the typed call has a
    /// `clear_<field>()` setter for each, and their type is [`Nullable`](crate::Nullable).
    ///
    /// ```
    /// let update = openrouter_analytics::find_operation("api_keys", "update").unwrap();
    /// let clearable: Vec<&str> = update.nullable_body_fields().collect();
    /// assert!(clearable.contains(&"limit"));
    /// ```
    pub fn nullable_body_fields(&self) -> impl Iterator<Item = &'static str> {
        self.body_fields
            .iter()
            .filter(|field| field.nullable && !field.required)
            .map(|field| field.name)
    }
}

/// One path or query parameter of an [`OperationInfo`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParameterInfo {
    /// The parameter's name, as the API spells it.
    pub name: &'static str,
    /// `"path"` or `"query"`.
    pub location: &'static str,
    /// Whether the operation fails without it.
    pub required: bool,
    /// What it means.
    pub description: &'static str,
    /// The type of its value.
    pub value: ValueType,
}

/// One top-level field of an operation's JSON request body
/// ([`OperationInfo::body_fields`]).
///
/// ```
/// let create = openrouter_analytics::find_operation("api_keys", "create").unwrap();
/// let name = create.body_fields.iter().find(|f| f.name == "name").unwrap();
/// assert!(name.required);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldInfo {
    /// The field's name, as the API spells it (`limit_reset`).
    pub name: &'static str,
    /// Whether the body must have it.
    pub required: bool,
    /// Whether `null` is a value it takes (sent to clear it).
    pub nullable: bool,
    /// What it means (may be empty).
    pub description: &'static str,
    /// The type of its value.
    pub value: ValueType,
    /// Whether it holds a secret: a `format: password` string (a provider's key), or
    /// an object of credentials (an observability destination's `config`). Every
    /// string inside it is scrubbed from what the server sends back, and tools should
    /// never echo its value (the CLI's flag errors do not).
    pub secret: bool,
}

/// The type of a parameter's or body field's value, as the spec gives it.
///
/// ```
/// use openrouter_analytics::ValueType;
/// let update = openrouter_analytics::find_operation("api_keys", "update").unwrap();
/// let reset = update.body_fields.iter().find(|f| f.name == "limit_reset").unwrap();
/// assert!(matches!(reset.value, ValueType::Enum(values) if values.contains(&"monthly")));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueType {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A day, `YYYY-MM-DD`.
    Date,
    /// A time, RFC 3339.
    DateTime,
    /// A UUID.
    Uuid,
    /// Text that is a secret (`format: password`), e.g. a provider's API key.
    Secret,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// A list of values of the inner type.
    Array(&'static ValueType),
    /// Anything else (an object, a union): JSON.
    Json,
}
/// Every operation the client knows, in the spec's order.
pub fn operations() -> &'static [OperationInfo] {
    crate::generated::OPERATIONS
}

/// The operation `client.<group>().<method>()`, if there is one.
pub fn find_operation(group: &str, method: &str) -> Option<&'static OperationInfo> {
    operations()
        .iter()
        .find(|op| op.group == group && op.method == method)
}

/// The parameters of an operation called by name: text arguments and a JSON body,
/// checked against the operation's types before anything is sent.
///
/// `Debug` leaves the body out for an operation that
/// [carries a secret](OperationInfo::carries_secret): as JSON text it is no `Secret`.
#[derive(Clone)]
pub struct ByName {
    operation: &'static OperationInfo,
    args: Vec<(String, String)>,
    body: Option<serde_json::Value>,
}

impl fmt::Debug for ByName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("ByName");
        s.field("operation", &self.operation.operation_id)
            .field("args", &self.args);
        match &self.body {
            Some(_) if self.operation.carries_secret => s.field(
                "body",
                &"<withheld: the operation's body may carry a secret>",
            ),
            body => s.field("body", body),
        };
        s.finish()
    }
}

impl ByName {
    /// The operation this call will send.
    pub fn operation(&self) -> &'static OperationInfo {
        self.operation
    }
}

/// A call of an operation named at run time; from [`Client::operation`].
pub type CallByName<Mode = crate::call::Async> = Call<ByName, Mode>;

impl Client {
    /// A call of the operation `group`/`method` (snake case, as in
    /// `client.api_keys().list()`), for tools that take operations by name. The
    /// response is the API's JSON, decoded and checked by the operation's own type.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest), listing the
    /// known names, when there is no such operation.
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> openrouter_analytics::Result<()> {
    /// let keys = client
    ///     .operation("api_keys", "list")?
    ///     .arg("include_disabled", "true")
    ///     .send()
    ///     .await?;
    /// println!("{keys}");
    /// # Ok(())
    /// # }
    /// ```
    pub fn operation(&self, group: &str, method: &str) -> Result<CallByName> {
        Ok(Call::new(
            self.clone(),
            crate::call::Async,
            by_name(group, method)?,
        ))
    }
}

#[cfg(feature = "blocking")]
impl crate::blocking::Client {
    /// See [`Client::operation`](crate::Client::operation).
    ///
    /// # Errors
    /// As [`Client::operation`](crate::Client::operation).
    pub fn operation(
        &self,
        group: &str,
        method: &str,
    ) -> Result<CallByName<crate::blocking::Blocking>> {
        Ok(Call::new(
            self.as_async().clone(),
            self.mode(),
            by_name(group, method)?,
        ))
    }
}

fn by_name(group: &str, method: &str) -> Result<ByName> {
    let operation = find_operation(group, method).ok_or_else(|| {
        let known: Vec<String> = operations()
            .iter()
            .map(|op| format!("{}.{}", op.group, op.method))
            .collect();
        Error::invalid_request(format!(
            "there is no operation {group}.{method}; known: {}",
            known.join(", ")
        ))
    })?;
    Ok(ByName {
        operation,
        args: Vec::new(),
        body: None,
    })
}

impl<Mode> Call<ByName, Mode> {
    /// Sets a path or query parameter from text (`"true"`, `"42"`, `"daily"`); it is
    /// parsed as the parameter's type when the call is sent.
    pub fn arg(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.args.push((name.into(), value.into()));
        self
    }

    /// Sets the JSON request body. When the call is sent, the fields the spec knows are
    /// checked against the body's type (a wrong type or a missing required field fails
    /// before anything is sent); then the JSON goes out **as given**: a field the spec
    /// does not know is sent, never dropped, and an explicit `null` stays `null`.
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> openrouter_analytics::Result<()> {
    /// // Remove a key's limit: `{"limit": null}` is sent as written.
    /// let key = client
    ///     .operation("api_keys", "update")?
    ///     .arg("hash", "6f1c...e2")
    ///     .body_json(serde_json::json!({ "limit": null }))
    ///     .send()
    ///     .await?;
    /// # let _ = key;
    /// # Ok(())
    /// # }
    /// ```
    pub fn body_json(mut self, body: serde_json::Value) -> Self {
        self.params.body = Some(body);
        self
    }
}

impl ByName {
    /// The operation's paging, or the error of asking every page of an operation that
    /// has none.
    fn paging(&self) -> Result<PagingInfo> {
        let op = self.operation;
        op.paging.ok_or_else(|| {
            Error::invalid_request(format!(
                "{}.{} is not a list paged by offset: send() it for its one answer",
                op.group, op.method
            ))
            .with_operation(op.operation_id)
        })
    }

    /// The items of a page: its `data` list.
    fn items(output: &serde_json::Value) -> &[serde_json::Value] {
        output
            .get("data")
            .and_then(serde_json::Value::as_array)
            .map_or(&[], Vec::as_slice)
    }
}

/// An item's identity as the typed call spells it: text as is, a number as digits.
fn json_id(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

impl Walk for ByName {
    type Page = serde_json::Value;

    fn operation_name(&self) -> &'static str {
        self.operation.operation_id
    }

    fn offset(&self) -> u64 {
        self.args
            .iter()
            .rev()
            .find(|(name, _)| name == "offset")
            .and_then(|(_, value)| value.trim().parse().ok())
            .unwrap_or(0)
    }

    fn set_offset(&mut self, offset: u64) {
        self.args.retain(|(name, _)| name != "offset");
        self.args.push(("offset".to_owned(), offset.to_string()));
    }

    async fn fetch(
        &self,
        client: &Client,
        options: &CallOptions,
        seen: &mut HashSet<String>,
    ) -> Result<Fetched<serde_json::Value>> {
        let (value, raw_body) = crate::call::execute(client, self, options, true, None).await?;
        let page = crate::call::with_raw_body(self.operation.operation_id, value, raw_body)?;
        let items = Self::items(&page.value);
        let ids = self.id_field().map_or_else(Vec::new, |field| {
            items
                .iter()
                .filter_map(|item| item.get(field).and_then(json_id))
                .collect()
        });
        Ok(Fetched {
            len: items.len(),
            total: page
                .value
                .get("total_count")
                .and_then(serde_json::Value::as_u64),
            repeated: first_repeated(ids, seen),
            page,
            mismatch: None,
        })
    }
}

impl ByName {
    /// The field that identifies an item of the list, when items have one.
    fn id_field(&self) -> Option<&'static str> {
        self.operation.paging?.item_id
    }
}

/// A call by name whose pages are read tolerantly
/// ([`Call::send_all_pages_tolerant`]): each page's bytes are kept, undecoded, and
/// checked against the operation's types as they are read.
#[derive(Clone, Debug)]
struct Tolerant(ByName);

impl Walk for Tolerant {
    type Page = ();

    fn operation_name(&self) -> &'static str {
        self.0.operation.operation_id
    }

    fn offset(&self) -> u64 {
        self.0.offset()
    }

    fn set_offset(&mut self, offset: u64) {
        self.0.set_offset(offset);
    }

    async fn fetch(
        &self,
        client: &Client,
        options: &CallOptions,
        seen: &mut HashSet<String>,
    ) -> Result<Fetched<()>> {
        let call = &self.0;
        // A 2xx the spec does not describe fails in the retry loop, its body kept here.
        let mut undescribed = None;
        let (raw_body, mismatch) = match crate::call::execute_withheld(
            client,
            call,
            options,
            Some(&mut undescribed),
        )
        .await
        {
            Ok(withheld) => {
                match crate::generated::check_page_by_name(
                    call.operation.operation_id,
                    &withheld.raw_body,
                ) {
                    Some(Ok(checked)) => {
                        return Ok(Fetched {
                            page: WithRawBody {
                                value: (),
                                raw_body: withheld.raw_body,
                            },
                            len: checked.len,
                            total: checked.total,
                            repeated: first_repeated(checked.ids, seen),
                            mismatch: None,
                        });
                    }
                    Some(Err(source)) => {
                        let mismatch =
                            crate::call::mismatch(client, call, options, &withheld, source);
                        (withheld.raw_body, Some(mismatch))
                    }
                    None => (withheld.raw_body, None),
                }
            }
            Err(err) => match undescribed {
                Some(raw_body) => (raw_body, Some(err)),
                None => return Err(err),
            },
        };
        // Read as any JSON, as a call by name reads it: what the page still says.
        let mut ids = Vec::new();
        let field = call.id_field();
        let read = crate::check::facts(&raw_body, |item| {
            if let Some(field) = field {
                ids.extend(item.get(field).and_then(json_id));
            }
        });
        match (read, mismatch) {
            (Ok((len, total)), mismatch) => Ok(Fetched {
                page: WithRawBody {
                    value: (),
                    raw_body,
                },
                len,
                total,
                repeated: first_repeated(ids, seen),
                mismatch,
            }),
            // Not JSON at all: an error, tolerant or not.
            (Err(_), Some(mismatch)) => Err(mismatch),
            (Err(source), None) => {
                Err(
                    Error::decode(None, None, b"", source.to_string(), Some(Box::new(source)))
                        .with_operation(call.operation.operation_id),
                )
            }
        }
    }
}

impl<Mode> Call<ByName, Mode> {
    /// For an operation with [`paging`](OperationInfo::paging): the most pages
    /// [`send_all_pages`](Call::send_all_pages) follows, as the typed
    /// [`max_pages`](Call::max_pages).
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.options.max_pages = Some(pages.max(1));
        self
    }
}

impl Call<ByName, Async> {
    /// Every page of a list paged by `offset` (an operation with
    /// [`paging`](OperationInfo::paging)), each as JSON with its exact bytes: the one
    /// loop and rules of the typed [`send_all_pages`](Call::send_all_pages) (an item
    /// twice, a list short of its `total_count` or too many pages is an error, never
    /// part of the list as success).
    ///
    /// # Errors
    /// As the typed call's; [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest)
    /// for an operation that is not paged, before anything is sent.
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> openrouter_analytics::Result<()> {
    /// let pages = client.operation("guardrails", "list")?.send_all_pages().await?;
    /// for page in &pages {
    ///     std::io::Write::write_all(&mut std::io::stdout(), &page.raw_body).ok();
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_all_pages(self) -> Result<Vec<WithRawBody<serde_json::Value>>> {
        self.params.paging()?;
        follow(self).await.map(|(pages, _)| pages)
    }

    /// Sends the call and reads the answer tolerantly: a successful answer whose JSON
    /// does not match the operation's type (a field the spec requires is missing, a
    /// number where text should be) is not an error here. It comes back with its exact
    /// bytes and the typed decode error as [`TolerantAnswer::mismatch`], for tools that
    /// print what the server sent and warn. Typed calls, [`send`](Call::send) and
    /// [`send_with_raw_body`](Call::send_with_raw_body) stay strict.
    ///
    /// # Errors
    /// As [`send_with_raw_body`](Call::send_with_raw_body), except for the mismatch; a
    /// successful answer that is not JSON at all is still an error.
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> openrouter_analytics::Result<()> {
    /// let answer = client.operation("api_keys", "get_current_key")?.send_tolerant().await?;
    /// if let Some(mismatch) = &answer.mismatch {
    ///     eprintln!("warning: {mismatch}");
    /// }
    /// std::io::Write::write_all(&mut std::io::stdout(), &answer.raw_body).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_tolerant(self) -> Result<TolerantAnswer> {
        let mut undecoded = None;
        let result = crate::call::execute(
            &self.client,
            &self.params,
            &self.options,
            true,
            Some(&mut undecoded),
        )
        .await;
        match result {
            Ok((value, raw_body)) => {
                let checked = crate::call::with_raw_body(self.params.name(), value, raw_body)?;
                Ok(TolerantAnswer {
                    raw_body: checked.raw_body,
                    mismatch: None,
                })
            }
            Err(err) => match undecoded {
                Some(raw_body)
                    if serde_json::from_slice::<serde::de::IgnoredAny>(&raw_body).is_ok() =>
                {
                    Ok(TolerantAnswer {
                        raw_body,
                        mismatch: Some(err),
                    })
                }
                _ => Err(err),
            },
        }
    }

    /// Every page of a list paged by `offset`, read tolerantly: as
    /// [`send_all_pages`](Self::send_all_pages) (the same loop and rules: an item twice
    /// or a short list is still an error), except that a page whose JSON does not match
    /// the operation's type is kept as sent, and the first such decode error comes back
    /// as [`TolerantPages::mismatch`]. For tools that show what the server sent and warn;
    /// typed calls stay strict.
    ///
    /// Only the pages' bytes are kept ([`TolerantPages`]): each page is checked item by
    /// item as it is read, so the call takes about the memory of the list's JSON.
    ///
    /// # Errors
    /// As [`send_all_pages`](Self::send_all_pages), except for the mismatch; a page that
    /// is not JSON at all is still an error.
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> openrouter_analytics::Result<()> {
    /// let list = client.operation("byok", "list")?.send_all_pages_tolerant().await?;
    /// if let Some(mismatch) = &list.mismatch {
    ///     eprintln!("warning: {mismatch}");
    /// }
    /// for page in &list.pages {
    ///     std::io::Write::write_all(&mut std::io::stdout(), page).ok();
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_all_pages_tolerant(self) -> Result<TolerantPages> {
        self.params.paging()?;
        let Call {
            client,
            mode,
            params,
            options,
        } = self;
        let (pages, mismatch) = follow(Call {
            client,
            mode,
            params: Tolerant(params),
            options,
        })
        .await?;
        Ok(TolerantPages {
            pages: pages.into_iter().map(|page| page.raw_body).collect(),
            mismatch,
        })
    }

    /// Every item of a list paged by `offset`, as JSON, following the pages as
    /// [`send_all_pages`](Self::send_all_pages) does.
    ///
    /// # Errors
    /// As [`send_all_pages`](Self::send_all_pages).
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> openrouter_analytics::Result<()> {
    /// let keys = client.operation("api_keys", "list")?.collect_all().await?;
    /// println!("{} keys", keys.len());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn collect_all(self) -> Result<Vec<serde_json::Value>> {
        let pages = self.send_all_pages().await?;
        Ok(pages
            .into_iter()
            .flat_map(|page| match page.value {
                serde_json::Value::Object(mut fields) => match fields.remove("data") {
                    Some(serde_json::Value::Array(items)) => items,
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            })
            .collect())
    }
}

impl Operation for ByName {
    type Output = serde_json::Value;

    fn name(&self) -> &'static str {
        self.operation.operation_id
    }
}

impl sealed::Sender for ByName {
    fn is_write(&self) -> bool {
        self.operation.writes
    }

    fn carries_secret(&self) -> bool {
        self.operation.carries_secret
    }

    fn is_delete(&self) -> bool {
        self.operation.http_method == "DELETE"
    }

    fn add_secrets(&self, secrets: &mut crate::secrets::Secrets) {
        let Some(body) = &self.body else {
            return;
        };
        let mut secret_fields = self.operation.body_fields.iter().filter(|f| f.secret);
        if secret_fields.clone().next().is_none() && self.operation.carries_secret {
            // Secret somewhere the table does not say (a body that is no object with
            // listed fields): every string of the body counts.
            secrets.add_json(body);
        }
        for field in &mut secret_fields {
            secrets.add_fields(body, &[field.name]);
        }
    }

    fn validate(&self) -> Result<()> {
        crate::generated::validate_by_name(self.operation.operation_id, &self.args, &self.body)
    }

    async fn send_once(
        &self,
        api: &api::Client,
    ) -> Result<ResponseValue<serde_json::Value>, api::Error<ErrorResponse>> {
        // The typed body checks the known fields; the body goes out as given, so that
        // a field the spec does not know (yet) is sent rather than dropped.
        let with_body;
        let api = match &self.body {
            Some(body) => {
                let context = if self.operation.form_body {
                    let form = form_encode(body).map_err(api::Error::InvalidRequest)?;
                    api.inner().clone().with_form_body(form)
                } else {
                    let bytes = serde_json::to_vec(body)
                        .map_err(|err| api::Error::InvalidRequest(err.to_string()))?;
                    api.inner().clone().with_json_body(bytes)
                };
                with_body =
                    api::Client::new_with_client(api.baseurl(), api.client().clone(), context);
                &with_body
            }
            None => api,
        };
        crate::generated::send_by_name(self.operation.operation_id, &self.args, &self.body, api)
            .await
    }
}

/// Building an operation's parameters from text arguments and a JSON body: generated
/// for every operation, hand-written where the parameters are.
pub(crate) trait FromArgs: Sized {
    fn from_args(args: &[(String, String)], body: Option<serde_json::Value>) -> Result<Self>;
}

/// Parses one text argument as the parameter's type: as a JSON string first (text,
/// enums, dates), then as JSON (numbers, booleans, arrays).
pub(crate) fn parse_arg<T: DeserializeOwned>(name: &str, text: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .or_else(|_| serde_json::from_str(text))
        .map_err(|err| {
            Error::invalid_request(format!(
                "parameter {name}: {:?} is not a valid value: {err}",
                text.chars().take(60).collect::<String>()
            ))
        })
}

/// Parses the JSON body as the operation's body type.
pub(crate) fn parse_body<T: DeserializeOwned>(body: serde_json::Value) -> Result<T> {
    serde_json::from_value(body)
        .map_err(|err| Error::invalid_request(format!("the request body is not valid: {err}")))
}

/// An unknown parameter name, listing the known ones.
pub(crate) fn unknown_arg(operation: &str, name: &str, known: &[&str]) -> Error {
    Error::invalid_request(format!(
        "{operation} has no parameter {name:?}; its parameters: {}",
        if known.is_empty() {
            "none".to_owned()
        } else {
            known.join(", ")
        }
    ))
}

/// A body given to an operation that takes none.
pub(crate) fn unexpected_body(operation: &str) -> Error {
    Error::invalid_request(format!("{operation} takes no request body"))
}

/// Checks and sends one typed operation for a call by name, answering with its
/// response as JSON.
pub(crate) async fn send_as_json<P>(
    args: &[(String, String)],
    body: &Option<serde_json::Value>,
    api: &api::Client,
) -> Result<ResponseValue<serde_json::Value>, api::Error<ErrorResponse>>
where
    P: Operation + FromArgs,
    P::Output: serde::Serialize,
{
    let params = P::from_args(args, body.clone())
        .map_err(|err| api::Error::InvalidRequest(err.to_string()))?;
    let response = sealed::Sender::send_once(&params, api).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let value = serde_json::to_value(response.into_inner())
        .map_err(|err| api::Error::InvalidRequest(err.to_string()))?;
    Ok(ResponseValue::new(value, status, headers))
}

/// A JSON object as `application/x-www-form-urlencoded` text: one field per member,
/// text as is, numbers and booleans as JSON spells them, `null` left out. A list or an
/// object has no form spelling the spec defines, so it is refused before sending.
fn form_encode(body: &serde_json::Value) -> Result<String, String> {
    let serde_json::Value::Object(fields) = body else {
        return Err("a form-encoded request body must be a JSON object of fields".to_owned());
    };
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::String(text) => {
                form.append_pair(name, text);
            }
            serde_json::Value::Number(_) | serde_json::Value::Bool(_) => {
                form.append_pair(name, &value.to_string());
            }
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                return Err(format!(
                    "form field {name:?}: a list or an object cannot be form-encoded"
                ));
            }
        }
    }
    Ok(form.finish())
}

/// Checks one typed operation's arguments for a call by name.
pub(crate) fn validate_as<P: Operation + FromArgs>(
    args: &[(String, String)],
    body: &Option<serde_json::Value>,
) -> Result<()> {
    sealed::Sender::validate(&P::from_args(args, body.clone())?)
}
