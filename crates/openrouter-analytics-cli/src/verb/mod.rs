//! Friendly commands as data. Each is an [`Entry`]: its words (`keys show`), a line of
//! help, examples, and what it runs: a [`Verb`] (one generated operation, its answer shown
//! through the resource model and the operation's look) or an override (its own flags and
//! plan, for what the API does not say). [`augment`] builds their clap commands, a verb's
//! flags (its positional id too) from the spec through [`crate::flags`]; [`find`] reads
//! back which one was given; [`Call`] checks, confirms, sends and renders any verb.
//!
//! The table of entries and the overrides live in [`crate::account`]; this module knows
//! no operation by name.

pub mod call;
mod confirm;
mod render;

use std::io;

use clap::{Arg, ArgAction, ArgMatches, Command};
use openrouter_analytics::{ErrorKind, OperationInfo};
use serde_json::Value;

pub use call::Context;
pub use confirm::ask;
pub(crate) use render::show_answer;
pub use render::{Output, already_gone_note};

use crate::exit::{Failure, Operation};
use crate::flags::{self, FlagValues, Options};
use crate::global::EXIT_CODES_HELP;
use crate::output::list::RawItem;
use crate::output::{Out, Style};

/// What a table shows after a look's rows (a field beside a list, a nested table).
pub type After = fn(&Value, &mut Out<'_>) -> io::Result<()>;

/// A body's check before it is sent; the error is a usage message.
pub type Check = fn(&Value) -> Result<(), String>;

/// What a verb does with its operation.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// Every page, shown as one list (sorted, totalled).
    List,
    /// Every page, written as it renders, in page order.
    Paged,
    /// One answer; in a table, `After` adds what the look's rows leave out.
    One(Option<After>),
    /// One answer; a body with nothing to change is a usage error.
    Update,
    /// Deletes the thing (this noun, then its id), asking first on a terminal.
    Delete(&'static str),
}

/// `--sort KEY` for a list: the keys, and how to order the items by one.
#[derive(Debug)]
pub struct Order {
    /// The help of `--sort`.
    pub help: &'static str,
    /// The keys it takes.
    pub keys: &'static [&'static str],
    /// Orders the items (parsed, and as sent) by a key.
    pub sort: fn(&mut [(Value, RawItem)], &str),
}

/// The words of a verb whose answer holds a secret shown once (a new key).
#[derive(Debug)]
pub struct Once {
    /// The note on stderr beside the secret.
    pub note: &'static str,
    /// What to do when the answer could not be read (it may have been created).
    pub lost: &'static str,
}

/// One generated operation and how a friendly command shows it.
#[derive(Debug)]
pub struct Verb {
    /// The operation whose flags and answer the verb has.
    pub op: &'static OperationInfo,
    /// What it does with it.
    pub kind: Kind,
    /// The spinner's text and the errors' prefix (`fetching the key`).
    pub label: &'static str,
    /// Checks the body before it is sent (what the spec types or does not state).
    pub check: Option<Check>,
    /// `--sort`, for a list.
    pub order: Option<&'static Order>,
    /// For an operation whose answer holds a secret: what to say about it.
    pub once: Option<&'static Once>,
}

impl Verb {
    /// A verb with no check, order or secret.
    pub const fn new(op: &'static OperationInfo, kind: Kind, label: &'static str) -> Self {
        Self {
            op,
            kind,
            label,
            check: None,
            order: None,
            once: None,
        }
    }

    /// With a check of the body before it is sent.
    pub const fn check(mut self, check: Check) -> Self {
        self.check = Some(check);
        self
    }

    /// With `--sort`.
    pub const fn order(mut self, order: &'static Order) -> Self {
        self.order = Some(order);
        self
    }

    /// With the words about the secret its answer holds.
    pub const fn once(mut self, once: &'static Once) -> Self {
        self.once = Some(once);
        self
    }

    /// Its generated flags: required parameters positional; a list's paging is done for
    /// you, and `--sort` replaces the API's own `sort`.
    pub const fn options(&self) -> Options {
        let skip: &'static [&'static str] = match (self.order, self.kind) {
            (Some(_), _) => &["offset", "limit", "sort"],
            (None, Kind::List | Kind::Paged) => &["offset", "limit"],
            _ => &[],
        };
        Options {
            positional: true,
            skip,
            body: false,
        }
    }

    /// The operation whose answer it shows (its `--columns`): none for a deletion.
    pub fn shows(&self) -> Option<&'static OperationInfo> {
        (!matches!(self.kind, Kind::Delete(_))).then_some(self.op)
    }
}

/// One friendly command, as data.
#[derive(Debug)]
pub struct Entry<P: 'static> {
    /// Its words after `openrouter` (`keys show`).
    pub words: &'static str,
    /// Its help: the first line, then optionally a blank line and more.
    pub about: &'static str,
    /// Command lines for `--help`'s `Examples:`.
    pub examples: &'static [&'static str],
    /// What it runs.
    pub runs: Runs<P>,
}

/// What an [`Entry`] runs.
#[derive(Debug)]
pub enum Runs<P: 'static> {
    /// One generated operation.
    Verb(Verb),
    /// What the API does not say: its flags, and its plan checked from them.
    Override {
        /// The operation whose answer it shows (its `--columns`), if one.
        shows: Option<&'static OperationInfo>,
        /// Adds its flags.
        args: fn(Command) -> Command,
        /// Checks them; the error is a one-line usage message.
        plan: fn(&ArgMatches) -> Result<P, String>,
    },
}

impl<P: From<Call>> Entry<P> {
    /// The operation whose answer it shows, if one.
    pub fn shows(&self) -> Option<&'static OperationInfo> {
        match &self.runs {
            Runs::Verb(verb) => verb.shows(),
            Runs::Override { shows, .. } => *shows,
        }
    }

    /// Checks the flags its command was given.
    pub fn plan(&'static self, matches: &ArgMatches) -> Result<P, String> {
        match &self.runs {
            Runs::Verb(verb) => Call::new(verb, self.words, matches).map(P::from),
            Runs::Override { plan, .. } => plan(matches),
        }
    }

    /// Its clap command, named by its last word.
    fn command(&'static self) -> Command {
        let name = self.words.rsplit(' ').next().unwrap_or(self.words);
        let command = match &self.runs {
            Runs::Verb(verb) => with_verb_flags(Command::new(name), verb),
            Runs::Override { args, .. } => args(Command::new(name)),
        };
        // Set after the flags: a derived `Args` of an override brings its struct's doc as
        // the help. As clap's derive does: the first line without its period, the whole
        // text only for `--help` when there is more.
        let first = self.about.split("\n\n").next().unwrap_or(self.about);
        let command = command
            .about(first.strip_suffix('.').unwrap_or(first))
            .long_about((first != self.about).then_some(self.about))
            .after_help(examples(self.examples));
        match self.shows() {
            Some(op) => command.arg(flags::columns_arg(op)),
            None => command,
        }
    }
}

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

const YES: &str = "yes";
const SORT: &str = "sort";

fn with_verb_flags(command: Command, verb: &'static Verb) -> Command {
    let mut command = flags::augment(command, verb.op, verb.options());
    if let Kind::Delete(_) = verb.kind {
        command = command.arg(
            Arg::new(YES)
                .short('y')
                .long(YES)
                .action(ArgAction::SetTrue)
                .help("Delete without asking (needed when stdin is not a terminal)"),
        );
    }
    if let Some(order) = verb.order {
        command = command.arg(
            Arg::new(SORT)
                .long(SORT)
                .value_name("KEY")
                .value_parser(order.keys.to_vec())
                .help(order.help),
        );
    }
    command
}

/// Adds every entry's command to `command`, grouped by their first words; `groups`
/// gives a group's help (`keys`: `The account's API keys...`).
pub fn augment<P: From<Call>>(
    command: Command,
    groups: &[(&'static str, &'static str)],
    entries: &'static [Entry<P>],
) -> Command {
    entries.iter().fold(command, |command, entry| {
        let words: Vec<&'static str> = entry.words.split(' ').collect();
        insert(command, &words[..words.len() - 1], entry.command(), groups)
    })
}

fn insert(
    command: Command,
    path: &[&'static str],
    leaf: Command,
    groups: &[(&'static str, &'static str)],
) -> Command {
    let Some((first, rest)) = path.split_first() else {
        return command.subcommand(leaf);
    };
    let command = if command.find_subcommand(first).is_some() {
        command
    } else {
        let about = groups.iter().find(|(word, _)| word == first);
        let about = about.map_or("", |(_, about)| *about);
        command.subcommand(
            Command::new(*first)
                .about(about.strip_suffix('.').unwrap_or(about))
                .subcommand_required(true)
                .arg_required_else_help(true),
        )
    };
    command.mut_subcommand(*first, |group| insert(group, rest, leaf, groups))
}

/// The entry whose words `matches` holds as subcommands, and the matches of its own
/// command; `None` when they name no entry.
pub fn find<P>(
    entries: &'static [Entry<P>],
    matches: &ArgMatches,
) -> Option<(&'static Entry<P>, ArgMatches)> {
    let mut words = Vec::new();
    let mut leaf = matches;
    while let Some((name, inner)) = leaf.subcommand() {
        words.push(name);
        leaf = inner;
    }
    let words = words.join(" ");
    let entry = entries.iter().find(|entry| entry.words == words)?;
    Some((entry, leaf.clone()))
}

/// Whether `name` is the first word of an entry.
pub fn starts<P>(entries: &[Entry<P>], name: &str) -> bool {
    entries
        .iter()
        .any(|entry| entry.words.split(' ').next() == Some(name))
}

/// The body `check`ed by decoding it as the typed request `T`, so that a bad value (a
/// wrong type, a name too long) is a usage error before anything is sent; it goes out
/// as the flags gave it.
pub fn typed<T: serde::de::DeserializeOwned>(body: &Value) -> Result<(), String> {
    T::deserialize(body)
        .map(drop)
        .map_err(|err| format!("invalid flag value: {err}"))
}

/// `value` trimmed; blank is a usage error naming `what` (`the id`).
pub fn non_empty(value: &str, what: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        Err(format!("{what} must not be empty"))
    } else {
        Ok(value.to_string())
    }
}

/// Whether the parameter `name` is one of `verb`'s positional arguments (its id).
fn positional(verb: &Verb, name: &str) -> bool {
    let options = verb.options();
    verb.op
        .parameters
        .iter()
        .any(|p| p.name == name && flags::positional(options, p))
}

/// A checked verb: the operation's arguments and body, ready to send.
#[derive(Debug)]
pub struct Call {
    verb: &'static Verb,
    args: Vec<(String, String)>,
    body: Option<Value>,
    sort: Option<String>,
    /// Whether a deletion must be confirmed on the terminal.
    ask: bool,
}

impl Call {
    /// Checks the flags of `verb`, the command `words`; the error is a one-line usage
    /// message.
    pub fn new(
        verb: &'static Verb,
        words: &'static str,
        matches: &ArgMatches,
    ) -> Result<Self, String> {
        let mut flags = FlagValues::from_matches(verb.op, verb.options(), matches);
        let mut args = std::mem::take(&mut flags.args);
        for (name, value) in &mut args {
            if positional(verb, name) {
                *value = non_empty(value, &format!("the {name}"))?;
            }
        }
        let body = if verb.op.has_body {
            let fields = flags.body()?;
            if let Kind::Update = verb.kind
                && fields.is_empty()
            {
                return Err(format!(
                    "nothing to update: give at least one flag to change (see `openrouter \
                     {words} --help`)"
                ));
            }
            let body = Value::Object(fields);
            if let Some(check) = verb.check {
                check(&body)?;
            }
            Some(body)
        } else {
            None
        };
        let flag = |id: &str| matches.try_get_one::<bool>(id).ok().flatten().copied();
        let mut call = Self {
            verb,
            args,
            body,
            sort: matches.try_get_one::<String>(SORT).ok().flatten().cloned(),
            ask: false,
        };
        if let Kind::Delete(_) = verb.kind {
            call.ask = confirm::check(flag(YES).unwrap_or(false), &call.what())?;
        }
        Ok(call)
    }

    /// What a deletion deletes: `API key 6f1c...`.
    fn what(&self) -> String {
        let noun = match self.verb.kind {
            Kind::Delete(noun) => noun,
            _ => "",
        };
        let id = self
            .args
            .iter()
            .find(|(name, _)| positional(self.verb, name));
        format!("{noun} {}", id.map_or("", |(_, id)| id.as_str()))
    }

    /// The body to send, if the operation has one.
    #[cfg(test)]
    pub fn body(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// The confirmation question, when a deletion must be confirmed on the terminal.
    pub fn question(&self) -> Option<String> {
        self.ask.then(|| self.what())
    }

    /// Sends the request(s) and renders the answer.
    pub async fn execute(&self, ctx: &Context<'_>, style: Style<'_>) -> Result<Output, Failure> {
        let Verb {
            op, kind, label, ..
        } = *self.verb;
        let args = &self.args;
        match kind {
            Kind::List => {
                let mut list = call::items(ctx, label, op, args).await?;
                if let (Some(order), Some(key)) = (self.verb.order, &self.sort) {
                    (order.sort)(&mut list.items, key);
                }
                render::show_items(style, op, list)
            }
            Kind::Paged => {
                let pages = call::list(ctx, label, op, args).await?;
                Ok(render::PagedList::output(op, label, pages))
            }
            Kind::One(after) => {
                let answer = match self.verb.once {
                    Some(once) => self.answer_once(ctx, once).await?,
                    None => call::one(ctx, label, op, args, self.body.clone()).await?,
                };
                let mut output = render::show_answer_then(style, op, &answer, after)?;
                output
                    .notes
                    .extend(self.verb.once.map(|once| once.note.to_string()));
                Ok(output)
            }
            Kind::Update => {
                let answer = call::one(ctx, label, op, args, self.body.clone()).await?;
                render::show_answer_then(style, op, &answer, None)
            }
            Kind::Delete(_) => match call::one_or_error(ctx, label, op, args, None).await? {
                Ok(answer) => render::deleted(style, &self.what(), &answer),
                Err(err) if err.is_already_gone() => Ok(Output::already_gone(&self.what())),
                Err(err) => Err(Failure::from_client(&err, Operation::Account, ctx.base_url)),
            },
        }
    }

    /// The answer that holds a secret shown once, read tolerantly: one that lacks a field
    /// the spec requires still shows the secret; one that cannot be read says what to do
    /// without quoting it.
    async fn answer_once(&self, ctx: &Context<'_>, once: &Once) -> Result<call::Answer, Failure> {
        let Verb { op, label, .. } = *self.verb;
        let answer = call::one_or_error(ctx, label, op, &self.args, self.body.clone()).await?;
        answer.map_err(|err| {
            if err.kind() == ErrorKind::Decode {
                Failure::other(format!(
                    "{}: OpenRouter's answer could not be read, so its secret cannot be \
                     shown; {}",
                    op.operation_id, once.lost
                ))
            } else {
                Failure::from_client(&err, Operation::Account, ctx.base_url)
            }
        })
    }
}
