//! Every page of a list: the operations paged by `offset` (keys, organization members,
//! workspaces, guardrails, models...) get [`Call::send_all_pages`] and
//! [`Call::collect_all`], generated from the spec like the calls themselves. Called by
//! name ([`Client::operation`](crate::Client::operation)), the same operations page
//! through the same loop ([`follow`]), so a list is never read by looser rules.

use std::collections::HashSet;

use crate::call::{Async, Call, Operation, WithRawBody, execute, with_raw_body};
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

/// What the one paging loop ([`follow`]) reads of a call and its pages: the typed
/// [`Paged`] operations know it statically, a call by name from its
/// [`PagingInfo`](crate::PagingInfo).
pub(crate) trait Walk: Operation {
    /// The offset this call asks for (0 when unset).
    fn offset(&self) -> u64;

    /// Asks for the page starting at `offset`.
    fn set_offset(&mut self, offset: u64);

    /// How many items the page holds.
    fn page_len(&self, output: &Self::Output) -> usize;

    /// The length of the whole list, when the page says.
    fn total_count(&self, output: &Self::Output) -> Option<u64>;

    /// For a tolerant walk: a page that did not decode as the operation's type, read
    /// as the output anyway (only calls by name, whose output is any JSON, can).
    fn tolerate(&self, _raw_body: &[u8]) -> Option<Self::Output> {
        None
    }

    /// Adds the ids of the page's items (those that have one) to `seen`, stopping at the
    /// first that was there already, which it returns.
    fn repeated_id(&self, output: &Self::Output, seen: &mut HashSet<String>) -> Option<String>;
}

impl<Op: Paged> Walk for Op {
    fn offset(&self) -> u64 {
        sealed::Pages::offset(self)
    }

    fn set_offset(&mut self, offset: u64) {
        sealed::Pages::set_offset(self, offset);
    }

    fn page_len(&self, output: &Op::Output) -> usize {
        Op::page(output).len()
    }

    fn total_count(&self, output: &Op::Output) -> Option<u64> {
        <Op as sealed::Pages>::total_count(output)
    }

    fn repeated_id(&self, output: &Op::Output, seen: &mut HashSet<String>) -> Option<String> {
        Op::page(output)
            .iter()
            .filter_map(Op::item_id)
            .find_map(|id| seen.replace(id))
    }
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
        follow(self).await
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
/// name: sends the call once per page from its offset onwards (each page retried as the
/// call is) and returns every page with its exact bytes, or an error, never part of the
/// list as if it were all. The rules are [`Call::send_all_pages`]'s.
pub(crate) async fn follow<Op: Walk>(
    call: Call<Op, Async>,
) -> Result<Vec<WithRawBody<Op::Output>>> {
    follow_tolerating(call, None).await
}

/// [`follow`], where a page that does not match the operation's type but that
/// [`Walk::tolerate`] reads is kept, and the first such decode error is put in
/// `mismatch` (with `None`, every page must decode: the typed rules).
pub(crate) async fn follow_tolerating<Op: Walk>(
    call: Call<Op, Async>,
    mut mismatch: Option<&mut Option<Error>>,
) -> Result<Vec<WithRawBody<Op::Output>>> {
    let Call {
        client,
        mut params,
        options,
        ..
    } = call;
    let name = params.name();
    let max_pages = options.max_pages.unwrap_or(DEFAULT_MAX_PAGES);
    let fail = |message: String| Error::incomplete_list(message).with_operation(name);
    let mut pages: Vec<WithRawBody<Op::Output>> = Vec::new();
    let mut ids: HashSet<String> = HashSet::new();
    // `total_count` counts the whole list; a call that starts at an offset has the
    // items before it already.
    let start = params.offset();
    let mut delivered = 0u64;
    loop {
        let offset = params.offset();
        let mut undecoded = None;
        let tolerant = mismatch.is_some();
        let sent = execute(
            &client,
            &params,
            &options,
            true,
            tolerant.then_some(&mut undecoded),
        )
        .await;
        let page = match sent {
            Ok((value, raw_body)) => with_raw_body(name, value, raw_body)?,
            Err(err) => match (undecoded, mismatch.as_deref_mut()) {
                (Some(raw_body), Some(first)) => match params.tolerate(&raw_body) {
                    Some(value) => {
                        first.get_or_insert(err);
                        WithRawBody { value, raw_body }
                    }
                    None => return Err(err),
                },
                _ => return Err(err),
            },
        };
        if let Some(id) = params.repeated_id(&page.value, &mut ids) {
            let id: String = id.chars().take(MAX_ID_IN_ERROR).collect();
            return Err(fail(format!(
                "item {id:?} came twice (at offset {offset}, after {delivered} \
                 items): the server ignores offset, or the list changed meanwhile"
            )));
        }
        let count = params.page_len(&page.value);
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
        let total = params.total_count(&page.value);
        delivered = delivered.saturating_add(u64::try_from(count).unwrap_or(u64::MAX));
        let reached = start.saturating_add(delivered);
        pages.push(page);
        if count == 0 {
            return match total {
                Some(total) if reached < total => Err(fail(format!(
                    "the list ended after {reached} of the {total} items its \
                     total_count announced"
                ))),
                _ => Ok(pages),
            };
        }
        if total.is_some_and(|total| reached >= total) {
            return Ok(pages);
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
