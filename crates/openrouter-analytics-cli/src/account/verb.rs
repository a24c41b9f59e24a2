//! The account verbs that are exactly one generated operation rendered through a `Look`
//! (`keys show`, `workspaces list`, `guardrails delete`, ...), each described once as a
//! [`Verb`]: its flags, the positional id included, come from the spec
//! ([`Generated`]), and one [`Call`] plans and runs them all. What the API does not say
//! (sorting, name lookups, the secret-once rule) stays in the resource's module.

use std::io;

use clap::Args;
use openrouter_analytics::OperationInfo;
use serde_json::Value;

use super::{Context, Output, PagedList, by_name, confirm, delete, list, non_empty};
use super::{show_answer, show_answer_then};
use crate::exit::Failure;
use crate::flags::{FromOperation, Generated, Options};
use crate::output::resources::Look;
use crate::output::{Out, Style};

/// What a table shows after a look's rows (a field beside a list, a nested table).
pub type After = fn(&Value, &mut Out<'_>) -> io::Result<()>;

/// A body's check before it is sent; the error is a usage message.
pub type Check = fn(&Value) -> Result<(), String>;

/// What a verb does with its operation.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// Every page, shown through the look as one list.
    List(&'static Look),
    /// Every page, written through the look as it renders, in page order.
    Paged(&'static Look),
    /// One answer through the look; in a table, `After` adds what its rows leave out.
    One(&'static Look, Option<After>),
    /// One answer through the look; a body with nothing to change is a usage error
    /// that points to `openrouter <the command> --help`.
    Update(&'static Look, &'static str),
    /// Deletes the thing (this noun, then its id), asking first on a terminal.
    Delete(&'static str),
}

/// One verb, as data.
#[derive(Debug)]
pub struct Verb {
    /// The operation whose flags and answer the verb has.
    pub op: &'static OperationInfo,
    /// What it does with it.
    pub kind: Kind,
    /// The spinner's text and the errors' prefix (`fetching the key`).
    pub label: &'static str,
    /// What a blank path parameter is called in the usage error (`the key's hash`).
    pub id: &'static str,
    /// Checks the body before it is sent (what the spec types or does not state).
    pub check: Option<Check>,
}

impl Verb {
    /// Its generated flags: path parameters positional; a list's paging is done for
    /// you.
    pub const fn options(&self) -> Options {
        let paged = matches!(self.kind, Kind::List(_) | Kind::Paged(_));
        Options {
            positional_path: true,
            skip: if paged { &["offset", "limit"] } else { &[] },
            body: false,
        }
    }
}

/// A marker type for a [`Verb`]: `Generated<Self>` is then the verb's flags.
pub trait IsVerb: FromOperation {
    /// The verb.
    const VERB: &'static Verb;
}

/// Declares a marker type for a [`Verb`]: `verb!(KeysShow, Verb { .. })`.
macro_rules! verb {
    ($(#[$doc:meta])* $name:ident, $verb:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name;

        impl $crate::account::verb::IsVerb for $name {
            const VERB: &'static $crate::account::verb::Verb = &$verb;
        }

        impl $crate::flags::FromOperation for $name {
            const OPERATION: &'static openrouter_analytics::OperationInfo =
                <$name as $crate::account::verb::IsVerb>::VERB.op;
            const OPTIONS: $crate::flags::Options =
                <$name as $crate::account::verb::IsVerb>::VERB.options();
        }
    };
}
pub(crate) use verb;

/// A deletion's flags: the verb's, and `--yes`.
#[derive(Debug, Args)]
pub struct Deletion<V: IsVerb + Send + Sync + 'static> {
    /// The generated flags, the id first.
    #[command(flatten)]
    pub flags: Generated<V>,

    /// Delete without asking (needed when stdin is not a terminal).
    #[arg(short, long)]
    pub yes: bool,
}

/// The body `check`ed by decoding it as the typed request `T`, so that a bad value (a
/// wrong type, a name too long) is a usage error before anything is sent; it goes out
/// as the flags gave it.
pub fn typed<T: serde::de::DeserializeOwned>(body: &Value) -> Result<(), String> {
    T::deserialize(body)
        .map(drop)
        .map_err(|err| format!("invalid flag value: {err}"))
}

/// Whether `op` takes the parameter `name` in its path (the positional id).
fn in_path(op: &OperationInfo, name: &str) -> bool {
    op.parameters
        .iter()
        .any(|p| p.name == name && p.location == "path")
}

/// A checked verb: the operation's arguments and body, ready to send.
#[derive(Debug)]
pub struct Call {
    verb: &'static Verb,
    args: Vec<(String, String)>,
    body: Option<Value>,
    /// Whether a deletion must be confirmed on the terminal.
    ask: bool,
}

impl Call {
    /// Checks the flags of `verb`; the error is a one-line usage message.
    pub fn new(verb: &'static Verb, flags: &crate::flags::FlagValues) -> Result<Self, String> {
        Self::asking(verb, flags, false)
    }

    /// [`Call::new`] for a deletion with or without `--yes`.
    pub fn delete<V: IsVerb + Send + Sync + 'static>(args: &Deletion<V>) -> Result<Self, String> {
        Self::asking(V::VERB, &args.flags, args.yes)
    }

    /// The call of `verb` by its id alone (a verb whose id is not a path parameter).
    pub fn by_id(verb: &'static Verb, id: &str) -> Result<Self, String> {
        let args = vec![("id".to_string(), non_empty(id, verb.id)?)];
        Ok(Self {
            verb,
            args,
            body: None,
            ask: false,
        })
    }

    fn asking(
        verb: &'static Verb,
        flags: &crate::flags::FlagValues,
        yes: bool,
    ) -> Result<Self, String> {
        let mut args = flags.args.clone();
        for (name, value) in &mut args {
            if in_path(verb.op, name) {
                *value = non_empty(value, verb.id)?;
            }
        }
        let body = if verb.op.has_body {
            let fields = flags.body()?;
            if let Kind::Update(_, command) = verb.kind
                && fields.is_empty()
            {
                return Err(format!(
                    "nothing to update: give at least one flag to change (see `openrouter \
                     {command} --help`)"
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
        let mut call = Self {
            verb,
            args,
            body,
            ask: false,
        };
        if let Kind::Delete(_) = verb.kind {
            call.ask = confirm::check(yes, &call.what())?;
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
            .find(|(name, _)| in_path(self.verb.op, name));
        let id = id.map_or("", |(_, id)| id.as_str());
        format!("{noun} {id}")
    }

    /// The body to send, if the operation has one.
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
        match kind {
            Kind::List(look) => list(ctx, style, label, op, &self.args, look).await,
            Kind::Paged(look) => {
                let pages = by_name::list(ctx, label, op, &self.args).await?;
                Ok(PagedList::output(op, look, label, pages))
            }
            Kind::One(look, after) => {
                let answer = by_name::one(ctx, label, op, &self.args, self.body.clone()).await?;
                match after {
                    Some(after) => {
                        show_answer_then(style, op, look, &answer, |out| after(&answer.body, out))
                    }
                    None => show_answer(style, op, look, &answer, &[]),
                }
            }
            Kind::Update(look, _) => {
                let answer = by_name::one(ctx, label, op, &self.args, self.body.clone()).await?;
                show_answer(style, op, look, &answer, &[])
            }
            Kind::Delete(_) => delete(ctx, style, label, op, &self.args, &self.what()).await,
        }
    }
}
