//! How a verb's answer is rendered: JSON as sent, a table or CSV through the resource
//! model (the operation's look), into an [`Output`] that `main` prints once.

use std::io::{self, Write};

use openrouter_analytics::OperationInfo;

use super::After;
use super::call::{self, Answer};
use crate::exit::Failure;
use crate::output::list::write_list_json;
use crate::output::resource::{self, Extra, Layout};
use crate::output::{Format, Out, Style, write_raw_json};
use crate::printout::Printout;

/// The note on stderr when a retried DELETE found `what` gone.
pub fn already_gone_note(what: &str) -> String {
    format!(
        "note: {what} is gone: the first attempt to delete it lost its answer (the \
         connection broke, it timed out or OpenRouter failed), and the retry was told it \
         no longer exists, so that attempt most likely deleted it"
    )
}

/// A command's result: what goes to stdout, and notes for stderr; `main` prints it
/// through [`Output::printout`].
#[derive(Debug, Default)]
pub struct Output {
    /// Printed to stdout.
    stdout: Stdout,
    /// Printed to stderr after it, one line each.
    pub notes: Vec<String>,
}

/// What a friendly command prints on stdout.
#[derive(Debug)]
enum Stdout {
    /// Rendered already.
    Rendered(Vec<u8>),
    /// A list too large to render into memory first, rendered as it is written
    /// ([`PagedList::printout`]).
    Paged(PagedList),
}

impl Default for Stdout {
    fn default() -> Self {
        Self::Rendered(Vec::new())
    }
}

impl Output {
    /// What `main` prints: the rendered bytes (taken, not copied) or the paged list as
    /// it renders, then the notes.
    pub fn printout<'a>(&'a mut self, style: Style<'a>) -> Result<Printout<'a>, Failure> {
        let printout = match &mut self.stdout {
            Stdout::Rendered(bytes) => Printout::bytes(std::mem::take(bytes)),
            Stdout::Paged(paged) => paged.printout(style)?,
        };
        Ok(printout.with_notes(std::mem::take(&mut self.notes)))
    }

    /// Nothing on stdout (there is no answer to print) and the note that `what` was
    /// already gone.
    pub(crate) fn already_gone(what: &str) -> Self {
        Self {
            notes: vec![already_gone_note(what)],
            ..Self::default()
        }
    }

    /// Renders into a fresh buffer (writing to memory fails only on a formatting bug).
    pub(crate) fn render(
        style: Style<'_>,
        write: impl FnOnce(&mut Out<'_>) -> io::Result<()>,
    ) -> Result<Self, Failure> {
        let mut stdout = Vec::new();
        // Nothing reaches stdout when an amount could not be printed: that fails the
        // render like a write error.
        write(&mut Out::new(style, &mut stdout)).map_err(|err| Failure::output(&err))?;
        Ok(Self {
            stdout: Stdout::Rendered(stdout),
            ..Self::default()
        })
    }
}

/// What `-f json` prints: the API's body as sent, or a list's items as sent.
pub(crate) enum Json<'a> {
    /// One answer's body.
    Body(&'a [u8]),
    /// Every page's items, as one `{"data":[...]}`.
    Items(Vec<&'a serde_json::value::RawValue>),
}

/// A paged list in page order (`guardrails list`, `byok list`), kept as the pages were
/// sent, to be rendered as [`show`] does while it is written.
pub struct PagedList {
    op: &'static OperationInfo,
    label: &'static str,
    list: call::Pages,
}

// The operation and label only: the pages are the server's text.
impl std::fmt::Debug for PagedList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PagedList")
            .field("operation", &self.op.operation_id)
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

impl PagedList {
    /// The output that is `list`, answered by `op`; `label` names it in errors.
    pub(crate) fn output(
        op: &'static OperationInfo,
        label: &'static str,
        list: call::Pages,
    ) -> Output {
        Output {
            stdout: Stdout::Paged(Self { op, label, list }),
            ..Output::default()
        }
    }

    /// What `main` prints for the list: rendered as it is written
    /// ([`Printout::streamed`]; a table measures its cells and a CSV checks its rows
    /// before the first byte): JSON and CSV hold one row at a time besides the pages as
    /// sent, never a tree of the whole list or a second copy of the output. Its note:
    /// one warning at most.
    fn printout<'a>(&'a self, style: Style<'a>) -> Result<Printout<'a>, Failure> {
        let Self { op, label, list } = self;
        let items = list.items(label)?;
        Ok(Printout::streamed(move |out| {
            let warnings = match Layout::of(style.format) {
                None => write_list_json(out, &items)
                    .map(|()| Vec::new())
                    .map_err(|err| Failure::output(&err)),
                Some(layout) => resource::write_items(op, &items, layout, out)
                    .map_err(|err| Failure::output(&io::Error::from(err))),
            }?;
            Ok(match warnings.into_iter().next() {
                Some(warning) => vec![format!("warning: {warning}")],
                None => list.warning.iter().cloned().collect(),
            })
        }))
    }
}

/// Renders an answer through the resource model: JSON as sent, a table or CSV by the spec's
/// columns and the operation's look (plus `extra` computed values). The notes hold one
/// warning at most: the fields a table or CSV lacks, else the first mismatch with the spec.
pub(crate) fn show(
    style: Style<'_>,
    op: &OperationInfo,
    body: &serde_json::Value,
    json: Json<'_>,
    extra: &[Extra],
    mismatch: Option<String>,
) -> Result<Output, Failure> {
    let mut warnings = Vec::new();
    let mut output = Output::render(style, |out| {
        let Some(layout) = Layout::of(style.format) else {
            return match json {
                Json::Body(raw) => write_raw_json(out, raw),
                Json::Items(items) => write_list_json(out, &items),
            };
        };
        warnings = resource::write(op, body, extra, layout, out)?;
        Ok(())
    })?;
    output.notes = match warnings.into_iter().next() {
        Some(warning) => vec![format!("warning: {warning}")],
        None => mismatch.into_iter().collect(),
    };
    Ok(output)
}

/// [`show`] for one answer read by [`call::one`].
pub(crate) fn show_answer(
    style: Style<'_>,
    op: &OperationInfo,
    answer: &Answer,
    extra: &[Extra],
) -> Result<Output, Failure> {
    show(
        style,
        op,
        &answer.body,
        Json::Body(&answer.raw),
        extra,
        answer.warning.clone(),
    )
}

/// [`show`] for the items of a list read by [`call::items`].
pub(super) fn show_items(
    style: Style<'_>,
    op: &OperationInfo,
    list: call::Items,
) -> Result<Output, Failure> {
    let body = list.body();
    let raw = list.items.iter().map(|(_, raw)| &**raw).collect();
    show(style, op, &body, Json::Items(raw), &[], list.warning)
}

/// What a deletion prints: the API's body as JSON, else a line (or a CSV row) saying
/// it is gone; plus the warning when the answer does not match the spec.
pub(super) fn deleted(style: Style<'_>, what: &str, answer: &Answer) -> Result<Output, Failure> {
    let done = answer.body["deleted"].as_bool().unwrap_or(false);
    let what = crate::terminal::safe(what);
    let mut output = Output::render(style, |out| match style.format {
        Format::Json => write_raw_json(out, &answer.raw),
        Format::Csv => writeln!(out, "deleted\n{done}"),
        Format::Table if done => writeln!(out, "Deleted {what}."),
        Format::Table => writeln!(out, "OpenRouter did not delete {what}."),
    })?;
    output.notes.extend(answer.warning.clone());
    Ok(output)
}

/// [`show_answer`]; in a table, `after` then writes what the look's rows leave out
/// (`key`'s budgets, whether a workspace's budgets count BYOK spend).
pub(super) fn show_answer_then(
    style: Style<'_>,
    op: &OperationInfo,
    answer: &Answer,
    after: Option<After>,
) -> Result<Output, Failure> {
    // `--columns` shows the fields named, nothing after them.
    let Some(after) = after.filter(|_| style.format == Format::Table && style.columns.is_none())
    else {
        return show_answer(style, op, answer, &[]);
    };
    let mut warnings = Vec::new();
    let mut output = Output::render(style, |out| {
        warnings = resource::write(op, &answer.body, &[], Layout::Table, out)?;
        after(&answer.body, out)
    })?;
    output.notes = match warnings.into_iter().next() {
        Some(warning) => vec![format!("warning: {warning}")],
        None => answer.warning.iter().cloned().collect(),
    };
    Ok(output)
}
