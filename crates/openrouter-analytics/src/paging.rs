//! Every page of a list: the operations paged by `offset` (keys, organization members,
//! workspaces, workspace members) get [`Call::send_all_pages`] and
//! [`Call::collect_all`], generated from the spec like the calls themselves.

use bytes::Bytes;

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
        fn page_items(output: &<Self as crate::call::Operation>::Output) -> usize
        where
            Self: crate::call::Operation;

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
    }
}

/// The most pages one `send_all_pages` follows: a server that ignores `offset` must
/// not make a call loop forever.
const MAX_PAGES: usize = 10_000;

impl<Op: Paged> Call<Op, Async> {
    /// Sends the call once per page, from its offset (0 unless set) onwards, until a
    /// page is empty, shorter than the pages before it, or the answer's `total_count`
    /// is reached. Each page is retried as the call is. Returns every page, decoded
    /// and with its exact bytes (for passing the API's JSON on).
    ///
    /// # Errors
    /// The first page's error, as [`send`](Call::send); also
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) when a server answers the same
    /// page again instead of moving on.
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
        let Call {
            client,
            mut params,
            options,
            ..
        } = self;
        let name = params.name();
        let mut pages: Vec<WithRawBody<Op::Output>> = Vec::new();
        let (mut seen, mut largest) = (0u64, 0usize);
        let mut previous: Option<Bytes> = None;
        loop {
            let (value, raw_body) = execute(&client, &params, &options, true).await?;
            let page = with_raw_body(name, value, raw_body)?;
            if previous.as_ref() == Some(&page.raw_body) {
                return Err(Error::decode(
                    None,
                    None,
                    &page.raw_body,
                    format!(
                        "the server answered offset {} with the previous page again",
                        params.offset()
                    ),
                    None,
                )
                .with_operation(name));
            }
            let count = Op::page_items(&page.value);
            let total = Op::total_count(&page.value);
            seen += u64::try_from(count).unwrap_or(u64::MAX);
            let short = count == 0 || count < largest;
            largest = largest.max(count);
            previous = Some(page.raw_body.clone());
            pages.push(page);
            let done = short || total.is_some_and(|total| seen >= total);
            if done || pages.len() >= MAX_PAGES {
                return Ok(pages);
            }
            let next = params
                .offset()
                .saturating_add(u64::try_from(count).unwrap_or(u64::MAX));
            params.set_offset(next);
        }
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
