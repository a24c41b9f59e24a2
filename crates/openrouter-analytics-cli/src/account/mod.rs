//! The account commands: the key in use (`key`), `credits`, API keys (`keys`),
//! organization `members`, `workspaces`, one `generation`, `guardrails`, `models` and
//! `byok`, plus the name lookups behind `activity --key` and `--user` ([`resolve`]).
//!
//! Each is a generated operation (named by its handle in `ops`) read tolerantly by name
//! ([`by_name`]) and rendered through the resource model with a `Look`; the code here
//! is only what the API does not say. Each command is a [`Plan`] checked before
//! anything is sent; [`run`] asks before a deletion, sends, and prints. JSON output is
//! the API's body byte for byte, or for a list that came in pages, `{"data":[...]}`
//! with every page's items as sent.

mod by_name;
mod byok;
mod confirm;
mod guardrails;
mod key;
mod keys;
mod models;
pub mod resolve;
mod verb;
pub(crate) mod view;
mod workspaces;

use std::future::Future;
use std::io::{self, Write};

use clap::{Args, Subcommand};
use openrouter_analytics::{Client, Error, OperationInfo, ops};

use crate::exit::{Failure, Operation};
use crate::flags::Generated;
use crate::global::EXIT_CODES_HELP;
use crate::output::resource::{self, Extra};
use crate::output::resources::{self, Look};
use crate::output::{Format, Out, Style, write_raw_json};
use crate::printout::Printout;
use crate::progress::{Progress, with_progress};
use verb::{Call, IsVerb, Kind, Verb, verb};

/// `Examples:` then the exit-code table, for a command's `--help`.
fn examples(lines: &[&str]) -> String {
    let mut text = String::from("Examples:\n");
    for line in lines {
        text.push_str("  ");
        text.push_str(line);
        text.push('\n');
    }
    text.push('\n');
    text.push_str(EXIT_CODES_HELP);
    text
}

/// The account commands, flattened into `openrouter`'s top level.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// The API key in use: its limit, spend and budgets.
    ///
    /// Label, management key or not, limit and what is left of it, spend today, this
    /// week, this month and in total, and the budgets that apply to it.
    #[command(after_help = examples(&["openrouter key", "openrouter key -f json | jq .data.limit_remaining"]))]
    Key(Generated<key::CurrentKey>),

    /// Credits bought, credits used, and the balance left.
    #[command(after_help = examples(&["openrouter credits", "openrouter credits -f csv"]))]
    Credits,

    /// The account's API keys: spend per key; show, create, update or delete one.
    #[command(subcommand)]
    Keys(keys::KeysCommand),

    /// The organization's members: id, name, email and role.
    #[command(after_help = examples(&["openrouter members", "openrouter members -f csv > members.csv"]))]
    Members(Generated<Members>),

    /// Workspaces: list, show, budgets, members; create, update or delete one.
    #[command(subcommand)]
    Workspaces(workspaces::WorkspacesCommand),

    /// One request by its generation id: model, provider, tokens, cost, latency.
    #[command(after_help = examples(&["openrouter generation gen-1234567890-abcdef"]))]
    Generation(GenerationArgs),

    /// Guardrails (spend limits and model rules for keys and members): list, show,
    /// create, update, delete, assign, unassign.
    #[command(subcommand)]
    Guardrails(guardrails::GuardrailsCommand),

    /// Models and their prices per million tokens (prompt and completion).
    Models(models::ModelsArgs),

    /// Your own provider keys (BYOK).
    #[command(subcommand)]
    Byok(byok::ByokCommand),
}

/// The operation whose answer each account command shows, by the command's words: its
/// `--columns` takes that answer's fields (and completes the spec's names). A test runs
/// each of them with `--columns` against the mock.
pub const SHOWS: &[(&str, &OperationInfo)] = &[
    ("key", ops::API_KEYS_GET_CURRENT_KEY_METADATA),
    ("credits", ops::CREDITS_GET_CREDITS),
    ("keys list", ops::API_KEYS_LIST),
    ("keys show", ops::API_KEYS_GET),
    ("keys create", ops::API_KEYS_CREATE),
    ("keys update", ops::API_KEYS_UPDATE),
    ("members", ops::ORGANIZATION_LIST_MEMBERS),
    ("workspaces list", ops::WORKSPACES_LIST),
    ("workspaces show", ops::WORKSPACES_GET),
    ("workspaces budgets", ops::WORKSPACES_LIST_BUDGETS),
    ("workspaces members", ops::WORKSPACES_LIST_MEMBERS),
    ("workspaces create", ops::WORKSPACES_CREATE),
    ("workspaces update", ops::WORKSPACES_UPDATE),
    ("generation", ops::GENERATIONS_GET_GENERATION),
    ("guardrails list", ops::GUARDRAILS_LIST),
    ("guardrails show", ops::GUARDRAILS_GET),
    ("guardrails create", ops::GUARDRAILS_CREATE),
    ("guardrails update", ops::GUARDRAILS_UPDATE),
    ("models", ops::MODELS_LIST),
    ("byok list", ops::BYOK_LIST),
];

/// `command` (the whole command line) with `--columns` on each command of [`SHOWS`].
pub fn with_columns(command: clap::Command) -> clap::Command {
    SHOWS.iter().fold(command, |command, (words, op)| {
        add_columns(command, &words.split(' ').collect::<Vec<_>>(), op)
    })
}

fn add_columns(
    command: clap::Command,
    words: &[&str],
    op: &'static OperationInfo,
) -> clap::Command {
    match words.split_first() {
        None => command.arg(crate::flags::columns_arg(op)),
        // A word that names no command adds nothing (the test finds it), never a panic.
        Some((first, rest)) if command.find_subcommand(first).is_some() => {
            command.mut_subcommand(*first, |inner| add_columns(inner, rest, op))
        }
        Some(_) => command,
    }
}

/// `openrouter generation`.
#[derive(Debug, Args)]
pub struct GenerationArgs {
    /// The generation's id (the `id` of a completion response, e.g. gen-...).
    pub id: String,
}

verb!(
    Members,
    Verb {
        op: ops::ORGANIZATION_LIST_MEMBERS,
        kind: Kind::List(&resources::MEMBERS),
        label: "listing members",
        id: "",
        check: None,
    }
);

/// `generation ID`: its id is a query parameter, so not positional by the spec.
const GENERATION: &Verb = &Verb {
    op: ops::GENERATIONS_GET_GENERATION,
    kind: Kind::One(&resources::GENERATION, None),
    label: "fetching the generation",
    id: "the generation id",
    check: None,
};

/// A checked account command line: a [`Verb`] or one of the overrides.
#[derive(Debug)]
pub enum Plan {
    /// A verb that is one generated operation.
    Call(verb::Call),
    /// `openrouter credits`.
    Credits,
    /// `openrouter keys list`: its query, and the order asked for.
    KeysList(Vec<(String, String)>, Option<keys::KeySort>),
    /// `openrouter keys create`.
    KeysCreate(verb::Call),
    /// `openrouter guardrails assign|unassign`.
    Assign(guardrails::Assign),
    /// `openrouter models`.
    Models(models::Plan),
}

impl Plan {
    /// Checks the flags; the error is a one-line usage message.
    pub fn new(command: &AccountCommand) -> Result<Self, String> {
        Ok(match command {
            AccountCommand::Key(flags) => Self::Call(Call::new(key::CurrentKey::VERB, flags)?),
            AccountCommand::Credits => Self::Credits,
            AccountCommand::Keys(command) => keys::plan(command)?,
            AccountCommand::Members(flags) => Self::Call(Call::new(Members::VERB, flags)?),
            AccountCommand::Workspaces(command) => workspaces::plan(command)?,
            AccountCommand::Generation(args) => Self::Call(Call::by_id(GENERATION, &args.id)?),
            AccountCommand::Guardrails(command) => guardrails::plan(command)?,
            AccountCommand::Models(args) => Self::Models(models::Plan::new(args)),
            AccountCommand::Byok(byok::ByokCommand::List(flags)) => {
                Self::Call(Call::new(byok::ByokList::VERB, flags)?)
            }
        })
    }

    async fn execute(&self, ctx: &Context<'_>, style: Style<'_>) -> Result<Output, Failure> {
        match self {
            Self::Call(call) => call.execute(ctx, style).await,
            Self::Credits => key::credits(ctx, style).await,
            Self::KeysList(args, sort) => keys::list(ctx, style, args, *sort).await,
            Self::KeysCreate(call) => keys::create(ctx, call, style).await,
            Self::Assign(plan) => guardrails::assign_all(ctx, plan, style).await,
            Self::Models(plan) => plan.execute(ctx, style).await,
        }
    }
}

/// What a command needs to send its requests.
pub struct Context<'a> {
    /// The client, built from the global options.
    pub client: &'a Client,
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
        work: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Failure> {
        with_progress(self.progress, label, work)
            .await
            .map_err(|err| Failure::from_client(&err, Operation::Account, self.base_url))
    }
}

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

/// What an account command prints on stdout.
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
    fn already_gone(what: &str) -> Self {
        Self {
            notes: vec![already_gone_note(what)],
            ..Self::default()
        }
    }

    /// Renders into a fresh buffer (writing to memory fails only on a formatting bug).
    fn render(
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
    look: &'static Look,
    label: &'static str,
    list: by_name::Pages,
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
    /// The output that is `list`, answered by `op`, shown through `look`; `label` names
    /// it in errors.
    pub(crate) fn output(
        op: &'static OperationInfo,
        look: &'static Look,
        label: &'static str,
        list: by_name::Pages,
    ) -> Output {
        Output {
            stdout: Stdout::Paged(Self {
                op,
                look,
                label,
                list,
            }),
            ..Output::default()
        }
    }

    /// What `main` prints for the list: rendered as it is written, checked by a first
    /// render ([`Printout::checked`]): JSON and CSV hold one row at a time besides the
    /// pages as sent, never a tree of the whole list or a second copy of the output.
    /// Its note: one warning at most.
    fn printout<'a>(&'a self, style: Style<'a>) -> Result<Printout<'a>, Failure> {
        let Self {
            op,
            look,
            label,
            list,
        } = self;
        let items = list.items(label)?;
        Ok(Printout::checked(move |out| {
            let warnings = match style.format {
                Format::Json => view::write_list_json(out, &items)
                    .map(|()| Vec::new())
                    .map_err(|err| Failure::output(&err)),
                Format::Csv => resource::write_look_csv_items(op, look, &items, out)
                    .map_err(|err| Failure::output(&io::Error::from(err))),
                Format::Table => resource::write_look_table_items(op, look, &items, out)
                    .map_err(|err| Failure::output(&io::Error::from(err))),
            }?;
            Ok(match warnings.into_iter().next() {
                Some(warning) => vec![format!("warning: {warning}")],
                None => list.warning.iter().cloned().collect(),
            })
        }))
    }
}

/// Renders an answer through the resource model: JSON as sent, a table or CSV by the
/// spec's columns and `look` (plus `extra` computed values). The notes hold one warning
/// at most: the fields a table or CSV lacks, else the first mismatch with the spec.
pub(crate) fn show(
    style: Style<'_>,
    op: &OperationInfo,
    look: &Look,
    body: &serde_json::Value,
    json: Json<'_>,
    extra: &[Extra],
    mismatch: Option<String>,
) -> Result<Output, Failure> {
    let mut warnings = Vec::new();
    let mut output = Output::render(style, |out| {
        let rendered = match style.format {
            Format::Json => {
                return match json {
                    Json::Body(raw) => write_raw_json(out, raw),
                    Json::Items(items) => view::write_list_json(out, &items),
                };
            }
            Format::Csv => resource::write_look_csv(op, look, body, extra, out),
            Format::Table => resource::write_look_table(op, look, body, extra, out),
        };
        warnings = rendered?;
        Ok(())
    })?;
    output.notes = match warnings.into_iter().next() {
        Some(warning) => vec![format!("warning: {warning}")],
        None => mismatch.into_iter().collect(),
    };
    Ok(output)
}

/// [`show`] for one answer read by [`by_name::one`].
pub(crate) fn show_answer(
    style: Style<'_>,
    op: &OperationInfo,
    look: &Look,
    answer: &by_name::Answer,
    extra: &[Extra],
) -> Result<Output, Failure> {
    show(
        style,
        op,
        look,
        &answer.body,
        Json::Body(&answer.raw),
        extra,
        answer.warning.clone(),
    )
}

/// `value` trimmed; blank is a usage error naming `what` (`the workspace id`).
fn non_empty(value: &str, what: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        Err(format!("{what} must not be empty"))
    } else {
        Ok(value.to_string())
    }
}

/// The arguments of an operation on one thing: its `id`.
fn id_arg(id: &str) -> Vec<(String, String)> {
    vec![("id".to_string(), id.to_string())]
}

/// Every item of the list `op` answers (all pages), shown through `look`.
async fn list(
    ctx: &Context<'_>,
    style: Style<'_>,
    label: &str,
    op: &'static OperationInfo,
    args: &[(String, String)],
    look: &Look,
) -> Result<Output, Failure> {
    let list = by_name::items(ctx, label, op, args).await?;
    show_items(style, op, look, list)
}

/// [`show`] for the items of a list read by [`by_name::items`].
fn show_items(
    style: Style<'_>,
    op: &OperationInfo,
    look: &Look,
    list: by_name::Items,
) -> Result<Output, Failure> {
    let body = list.body();
    let raw = list.items.iter().map(|(_, raw)| &**raw).collect();
    show(style, op, look, &body, Json::Items(raw), &[], list.warning)
}

/// Deletes `what` by `op`: the answer as [`deleted`] prints it, or, when a retry found
/// it gone after an attempt whose answer was lost, nothing and a note.
async fn delete(
    ctx: &Context<'_>,
    style: Style<'_>,
    label: &str,
    op: &'static OperationInfo,
    args: &[(String, String)],
    what: &str,
) -> Result<Output, Failure> {
    match by_name::one_or_error(ctx, label, op, args, None).await? {
        Ok(answer) => {
            let done = answer.body["deleted"].as_bool().unwrap_or(false);
            let mut output = deleted(what, done, &answer.raw, style)?;
            output.notes.extend(answer.warning);
            Ok(output)
        }
        Err(err) if err.is_already_gone() => Ok(Output::already_gone(what)),
        Err(err) => Err(Failure::from_client(&err, Operation::Account, ctx.base_url)),
    }
}

/// What a deletion prints: the API's body as JSON, else a line (or a CSV row) saying
/// it is gone.
fn deleted(what: &str, done: bool, raw: &[u8], style: Style<'_>) -> Result<Output, Failure> {
    Output::render(style, |out| match style.format {
        Format::Json => write_raw_json(out, raw),
        Format::Csv => writeln!(out, "deleted\n{done}"),
        Format::Table if done => writeln!(out, "Deleted {}.", crate::terminal::safe(what)),
        Format::Table => writeln!(
            out,
            "OpenRouter did not delete {}.",
            crate::terminal::safe(what)
        ),
    })
}

/// [`show_answer`]; in a table, `after` then writes what the look's rows leave out
/// (`key`'s budgets, whether a workspace's budgets count BYOK spend).
fn show_answer_then(
    style: Style<'_>,
    op: &OperationInfo,
    look: &Look,
    answer: &by_name::Answer,
    after: impl FnOnce(&mut Out<'_>) -> io::Result<()>,
) -> Result<Output, Failure> {
    // `--columns` shows the fields named, nothing after them.
    if style.format != Format::Table || style.columns.is_some() {
        return show_answer(style, op, look, answer, &[]);
    }
    let mut warnings = Vec::new();
    let mut output = Output::render(style, |out| {
        warnings = resource::write_look_table(op, look, &answer.body, &[], out)?;
        after(out)
    })?;
    output.notes = match warnings.into_iter().next() {
        Some(warning) => vec![format!("warning: {warning}")],
        None => answer.warning.iter().cloned().collect(),
    };
    Ok(output)
}

/// Runs an account command: asks before a deletion on a terminal, sends, and returns
/// what `main` prints.
pub fn run(
    plan: &Plan,
    ctx: &Context<'_>,
    runtime: &tokio::runtime::Runtime,
    style: Style<'_>,
) -> Result<Output, Failure> {
    if let Plan::Call(call) = plan
        && let Some(question) = call.question()
    {
        confirm::ask(&question)?;
    }
    runtime.block_on(plan.execute(ctx, style))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word in `SHOWS` that names no command would add nothing, silently.
    #[test]
    fn every_command_that_shows_a_resource_takes_columns_of_its_answer() {
        let command = crate::args::command();
        for (words, op) in SHOWS {
            let mut leaf = &command;
            for word in words.split(' ') {
                leaf = leaf
                    .find_subcommand(word)
                    .unwrap_or_else(|| panic!("`{words}`: no command `{word}`"));
            }
            let columns = leaf
                .get_arguments()
                .find(|arg| arg.get_id() == crate::flags::COLUMNS)
                .unwrap_or_else(|| panic!("`{words}` has no --columns"));
            let offered: Vec<String> = columns
                .get_possible_values()
                .iter()
                .map(|value| value.get_name().to_string())
                .collect();
            assert_eq!(offered, resource::column_names(op), "{words}");
        }
        // Commands that show no resource take no --columns.
        for words in [["keys", "delete"], ["guardrails", "assign"]] {
            let leaf = command
                .find_subcommand(words[0])
                .and_then(|c| c.find_subcommand(words[1]))
                .expect("the command");
            assert!(
                leaf.get_arguments()
                    .all(|arg| arg.get_id() != crate::flags::COLUMNS),
                "{words:?}"
            );
        }
    }
}
