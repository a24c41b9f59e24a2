//! Every page of a list: the operations paged by `offset` (keys, organization members,
//! workspaces, guardrails, models...) get [`Call::send_all_pages`] and
//! [`Call::collect_all`], generated from the spec like the calls themselves. Called by
//! name ([`Client::operation`](crate::Client::operation)), the same operations page
//! through the same loop ([`follow`]), so a list is never read by looser rules.

use std::collections::HashSet;
use std::future::Future;

use crate::call::{Async, Call, CallOptions, Operation, WithRawBody, execute, with_raw_body};
use crate::client::Client;
use crate::error::{Error, Result};

/// An operation whose answer is one page of a list, paged by its `offset` parameter.
///
/// Implemented by the generated parameter types of such operations; the bound of the
/// all-pages methods.
pub trait Paged: Operation + sealed::Pages {
    /// One item of the list, e.g. one API key.
    type Item: Send + 'static;
}

pub(crate) mod sealed {
    /// The crate-private half of [`Paged`](super::Paged): reading and moving pages.
    pub trait Pages {
        /// The offset this call asks for (0 when unset).
        fn offset(&self) -> u64;

        /// Asks for the page starting at `offset`.
        fn set_offset(&mut self, offset: u64);

        /// The page's items.
        fn page(
            output: &<Self as crate::call::Operation>::Output,
        ) -> &[<Self as super::Paged>::Item]
        where
            Self: super::Paged;

        /// Moves the items out of a page.
        fn into_items(
            output: <Self as crate::call::Operation>::Output,
        ) -> Vec<<Self as super::Paged>::Item>
        where
            Self: super::Paged;

        /// The length of the whole list, when the answer says.
        fn total_count(output: &<Self as crate::call::Operation>::Output) -> Option<u64>
        where
            Self: crate::call::Operation;

        /// What identifies an item (its `id`, else its `hash`), when the spec gives
        /// items one.
        fn item_id(item: &<Self as super::Paged>::Item) -> Option<String>
        where
            Self: super::Paged;
    }
}

/// The most pages one `send_all_pages` follows unless the call says otherwise
/// ([`Call::max_pages`]): a server that keeps answering new items must not make a call
/// loop forever. Reaching it is an error.
pub const DEFAULT_MAX_PAGES: usize = 10_000;

impl<Op: Paged, Mode> Call<Op, Mode> {
    /// The most pages [`send_all_pages`](Call::send_all_pages) and
    /// [`collect_all`](Call::collect_all) follow before giving up with an error
    /// (default [`DEFAULT_MAX_PAGES`]; at least 1). Bounds the memory a list that never
    /// ends can take; a list that needs more pages fails rather than come back cut.
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> openrouter_analytics::Result<()> {
    /// let keys = client.api_keys().list().max_pages(50).collect_all().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.options.max_pages = Some(pages.max(1));
        self
    }
}

/// Most characters of an item's id quoted in an error.
const MAX_ID_IN_ERROR: usize = 80;

/// What the one paging loop ([`follow`]) does with a call and its pages: the typed
/// [`Paged`] operations decode each page as their type; a call by name as JSON
/// ([`ByName`](crate::ByName)), or, read tolerantly, not at all (its bytes are kept
/// and checked as they are read).
pub(crate) trait Walk: Send + Sync + 'static {
    /// What is kept of a page beside its bytes.
    type Page: Send + 'static;

    /// The operation's name, for errors.
    fn operation_name(&self) -> &'static str;

    /// The offset this call asks for (0 when unset).
    fn offset(&self) -> u64;

    /// Asks for the page starting at `offset`.
    fn set_offset(&mut self, offset: u64);

    /// Sends the call for one page (retried as the call is) and reads the page: its
    /// items' ids go into `seen`.
    fn fetch(
        &self,
        client: &Client,
        options: &CallOptions,
        seen: &mut HashSet<String>,
    ) -> impl Future<Output = Result<Fetched<Self::Page>>> + Send;
}

/// One page as [`Walk::fetch`] read it.
pub(crate) struct Fetched<P> {
    /// The page, with its bytes.
    pub(crate) page: WithRawBody<P>,
    /// How many items it holds.
    pub(crate) len: usize,
    /// The length of the whole list, when the page says.
    pub(crate) total: Option<u64>,
    /// The first id of the page that was in `seen` already (an item twice).
    pub(crate) repeated: Option<String>,
    /// For a tolerant walk: how the page does not match the operation's type.
    pub(crate) mismatch: Option<Error>,
}

/// Adds `ids` to `seen`, returning the first that was there already.
pub(crate) fn first_repeated(
    ids: impl IntoIterator<Item = String>,
    seen: &mut HashSet<String>,
) -> Option<String> {
    ids.into_iter().find_map(|id| seen.replace(id))
}

impl<Op: Paged> Walk for Op {
    type Page = Op::Output;

    fn operation_name(&self) -> &'static str {
        Operation::name(self)
    }

    fn offset(&self) -> u64 {
        sealed::Pages::offset(self)
    }

    fn set_offset(&mut self, offset: u64) {
        sealed::Pages::set_offset(self, offset);
    }

    async fn fetch(
        &self,
        client: &Client,
        options: &CallOptions,
        seen: &mut HashSet<String>,
    ) -> Result<Fetched<Op::Output>> {
        let (value, raw_body) = execute(client, self, options, true, None).await?;
        let page = with_raw_body(Operation::name(self), value, raw_body)?;
        let items = Op::page(&page.value);
        Ok(Fetched {
            len: items.len(),
            total: <Op as sealed::Pages>::total_count(&page.value),
            repeated: first_repeated(items.iter().filter_map(Op::item_id), seen),
            page,
            mismatch: None,
        })
    }
}

/// A page of a typed list checked as it is read ([`check_page`]).
pub(crate) struct CheckedPage {
    /// How many items it holds.
    pub(crate) len: usize,
    /// The length of the whole list, when the page says.
    pub(crate) total: Option<u64>,
    /// Its items' ids, in order (those that have one).
    pub(crate) ids: Vec<String>,
}

/// A page of the typed list `P` checked as it is read ([`crate::check`]), or the first
/// mismatch with `P`'s types. For calls by name read tolerantly.
pub(crate) fn check_page<P: Paged>(
    raw: &[u8],
) -> std::result::Result<CheckedPage, serde_json::Error>
where
    P::Output: serde::de::DeserializeOwned,
    P::Item: serde::de::DeserializeOwned,
{
    let mut ids = Vec::new();
    let (len, answer) = crate::check::list::<P::Output, P::Item>(raw, |item| {
        ids.extend(P::item_id(item));
    })?;
    Ok(CheckedPage {
        len,
        total: <P as sealed::Pages>::total_count(&answer),
        ids,
    })
}

impl<Op: Paged> Call<Op, Async> {
    /// Sends the call once per page, from its offset (0 unless set) onwards, and
    /// returns every page, decoded and with its exact bytes (for passing the API's
    /// JSON on). Each page is retried as the call is.
    ///
    /// Where the answer has `total_count`, pages are followed until the list's end by
    /// that count (the starting offset plus the items that came) or an empty page; without it, until a page is empty. A short page
    /// does not end the list (a server may cut a page short and still have more).
    ///
    /// # Errors
    /// The first failing page's error, as [`send`](Call::send). Never a part of the
    /// list as success: [`ErrorKind::Decode`](crate::ErrorKind::Decode) when an item
    /// comes twice (by its `id` or `hash`: a server that ignores `offset`), a page
    /// repeats the previous one byte for byte, the list ends with fewer items than its
    /// `total_count`, or [`max_pages`](Call::max_pages) pages (10,000 unless set)
    /// were not enough. Paging stops at the first
    /// such page, so memory holds at most the pages up to it and one id per item.
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> openrouter_analytics::Result<()> {
    /// let pages = client.api_keys().list().send_all_pages().await?;
    /// let keys: usize = pages.iter().map(|page| page.value.data.len()).sum();
    /// println!("{keys} keys in {} pages", pages.len());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_all_pages(self) -> Result<Vec<WithRawBody<Op::Output>>> {
        follow(self).await.map(|(pages, _)| pages)
    }

    /// Every item of the list, following pages as
    /// [`send_all_pages`](Self::send_all_pages) does.
    ///
    /// # Errors
    /// As [`send_all_pages`](Self::send_all_pages).
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_analytics::Client) -> openrouter_analytics::Result<()> {
    /// for member in client.organization().list_members().collect_all().await? {
    ///     println!("{} <{}>", member.id, member.email);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn collect_all(self) -> Result<Vec<Op::Item>> {
        let pages = self.send_all_pages().await?;
        Ok(pages
            .into_iter()
            .flat_map(|page| Op::into_items(page.value))
            .collect())
    }
}

/// The one paging loop, behind every `send_all_pages` and `collect_all`, typed or by
/// name, strict or tolerant: sends the call once per page from its offset onwards
/// (each page retried as the call is) and returns every page with its exact bytes, or
/// an error, never part of the list as if it were all. The rules are
/// [`Call::send_all_pages`]'s. A tolerant walk's pages may not match the operation's
/// type: the first mismatch comes back beside the pages.
pub(crate) async fn follow<Op: Walk>(
    call: Call<Op, Async>,
) -> Result<(Vec<WithRawBody<Op::Page>>, Option<Error>)> {
    let Call {
        client,
        mut params,
        options,
        ..
    } = call;
    let name = params.operation_name();
    let max_pages = options.max_pages.unwrap_or(DEFAULT_MAX_PAGES);
    let fail = |message: String| Error::incomplete_list(message).with_operation(name);
    let mut pages: Vec<WithRawBody<Op::Page>> = Vec::new();
    let mut mismatch = None;
    let mut ids: HashSet<String> = HashSet::new();
    // `total_count` counts the whole list; a call that starts at an offset has the
    // items before it already.
    let start = params.offset();
    let mut delivered = 0u64;
    loop {
        let offset = params.offset();
        let Fetched {
            page,
            len: count,
            total,
            repeated,
            mismatch: page_mismatch,
        } = params.fetch(&client, &options, &mut ids).await?;
        if let Some(err) = page_mismatch {
            mismatch.get_or_insert(err);
        }
        if let Some(id) = repeated {
            let id: String = id.chars().take(MAX_ID_IN_ERROR).collect();
            return Err(fail(format!(
                "item {id:?} came twice (at offset {offset}, after {delivered} \
                 items): the server ignores offset, or the list changed meanwhile"
            )));
        }
        // Items without an id: a page equal to the one before is the sign.
        if count > 0
            && pages
                .last()
                .is_some_and(|previous| previous.raw_body == page.raw_body)
        {
            return Err(fail(format!(
                "the server answered offset {offset} with the previous page again"
            )));
        }
        delivered = delivered.saturating_add(u64::try_from(count).unwrap_or(u64::MAX));
        let reached = start.saturating_add(delivered);
        pages.push(page);
        if count == 0 {
            return match total {
                Some(total) if reached < total => Err(fail(format!(
                    "the list ended after {reached} of the {total} items its \
                     total_count announced"
                ))),
                _ => Ok((pages, mismatch)),
            };
        }
        if total.is_some_and(|total| reached >= total) {
            return Ok((pages, mismatch));
        }
        if pages.len() >= max_pages {
            return Err(fail(format!(
                "the list did not end within {max_pages} pages ({delivered} items; \
                 Call::max_pages raises the limit)"
            )));
        }
        params.set_offset(offset.saturating_add(u64::try_from(count).unwrap_or(u64::MAX)));
    }
}
