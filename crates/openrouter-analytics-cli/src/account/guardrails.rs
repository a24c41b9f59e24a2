//! `openrouter guardrails list|show|create|update|delete|assign|unassign`: spend limits
//! and model/provider rules for keys and members. The flags of `list`, `create` and
//! `update` come from the spec (the generated table); `assign`/`unassign` take keys and
//! members by name, as `activity --key/--user` does.

use openrouter_analytics::ops;
use std::io::Write;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::{
    Context, Output, PagedList, by_name, confirm, delete, examples, id_arg, non_empty, one, resolve,
};
use crate::exit::Failure;
use crate::flags::{Generated, Options, from_operation};
use crate::output::resources;
use crate::output::sheet::{Sheet, number, text};
use crate::output::{Format, Style};
use crate::output::{cell, write_raw_json};

from_operation!(
    /// `guardrails list`'s flags: the list's filters (paging is done for you).
    GuardrailsList,
    ops::GUARDRAILS_LIST,
    Options {
        positional_path: true,
        skip: &["offset", "limit"],
        body: false,
    }
);

from_operation!(
    /// `guardrails create`'s flags: the body fields of `guardrails.create`.
    GuardrailsCreate,
    ops::GUARDRAILS_CREATE,
    Options {
        positional_path: true,
        skip: &[],
        body: false,
    }
);

from_operation!(
    /// `guardrails update`'s flags: the id, then the body fields of `guardrails.update`.
    GuardrailsUpdate,
    ops::GUARDRAILS_UPDATE,
    Options {
        positional_path: true,
        skip: &[],
        body: false,
    }
);

/// `openrouter guardrails ...`.
#[derive(Debug, Subcommand)]
pub enum GuardrailsCommand {
    /// Every guardrail (all pages): name, limit, reset, allowed models and providers.
    #[command(after_help = examples(&["openrouter guardrails list", "openrouter guardrails list -f csv"]))]
    List(ListArgs),

    /// One guardrail, by id.
    #[command(after_help = examples(&["openrouter guardrails show 5b0e...", "openrouter guardrails show 5b0e... -f json"]))]
    Show(IdArg),

    /// Create a guardrail.
    #[command(after_help = examples(&[
        "openrouter guardrails create --name interns --limit-usd 50 --allowed-models openai/gpt-4o-mini",
    ]))]
    Create(CreateArgs),

    /// Change a guardrail; `--clear FIELD` removes a limit or a list.
    #[command(after_help = examples(&[
        "openrouter guardrails update 5b0e... --limit-usd 100",
        "openrouter guardrails update 5b0e... --clear limit-usd",
    ]))]
    Update(UpdateArgs),

    /// Delete a guardrail (asks first on a terminal; --yes otherwise).
    #[command(after_help = examples(&["openrouter guardrails delete 5b0e... --yes"]))]
    Delete(DeleteArgs),

    /// Put keys and members under a guardrail, by name.
    #[command(after_help = examples(&[
        "openrouter guardrails assign 5b0e... --key ci-bot --member ada@example.com",
    ]))]
    Assign(AssignArgs),

    /// Take keys and members out from under a guardrail, by name.
    #[command(after_help = examples(&["openrouter guardrails unassign 5b0e... --key ci-bot"]))]
    Unassign(AssignArgs),
}

/// `guardrails list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The generated filters.
    #[command(flatten)]
    pub flags: Generated<GuardrailsList>,
}

/// A guardrail, by id.
#[derive(Debug, Args)]
pub struct IdArg {
    /// The guardrail's id (the ID column of `openrouter guardrails list --wide`).
    pub id: String,
}

/// `guardrails create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The generated flags.
    #[command(flatten)]
    pub flags: Generated<GuardrailsCreate>,
}

/// `guardrails update ID`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The generated flags, the id first.
    #[command(flatten)]
    pub flags: Generated<GuardrailsUpdate>,
}

/// `guardrails delete ID`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The guardrail's id.
    pub id: String,

    /// Delete without asking (needed when stdin is not a terminal).
    #[arg(short, long)]
    pub yes: bool,
}

/// `guardrails assign|unassign ID`.
#[derive(Debug, Args)]
pub struct AssignArgs {
    /// The guardrail's id.
    pub id: String,

    /// An API key: its hash, or its name (looked up as `activity --key` does). Repeat
    /// for more.
    #[arg(long = "key", value_name = "NAME_OR_HASH")]
    pub keys: Vec<String>,

    /// A member: their email or id (looked up as `activity --user` does). Repeat for more.
    #[arg(long = "member", value_name = "EMAIL_OR_ID")]
    pub members: Vec<String>,
}

/// A checked guardrails command line.
#[derive(Debug)]
pub enum Plan {
    /// `list`, with its filters.
    List(Vec<(String, String)>),
    /// `show ID`.
    Show(String),
    /// `create`, its body.
    Create(Value),
    /// `update ID`.
    Update { id: String, body: Value },
    /// `delete ID`; `ask` when the terminal must confirm.
    Delete { id: String, ask: bool },
    /// `assign` (`assign: true`) or `unassign`.
    Assign {
        id: String,
        assign: bool,
        keys: Vec<String>,
        members: Vec<String>,
    },
}

fn non_empty_id(id: &str) -> Result<String, String> {
    non_empty(id, "the guardrail id")
}

impl Plan {
    /// Checks the flags; the error is a one-line usage message.
    pub fn new(command: &GuardrailsCommand) -> Result<Self, String> {
        Ok(match command {
            GuardrailsCommand::List(args) => Self::List(args.flags.args.clone()),
            GuardrailsCommand::Show(args) => Self::Show(non_empty_id(&args.id)?),
            GuardrailsCommand::Create(args) => Self::Create(Value::Object(args.flags.body()?)),
            GuardrailsCommand::Update(args) => {
                let body = args.flags.body()?;
                if body.is_empty() {
                    return Err("nothing to update: give at least one flag to change (see \
                                `openrouter guardrails update --help`)"
                        .into());
                }
                Self::Update {
                    id: non_empty_id(args.flags.arg("id").unwrap_or_default())?,
                    body: Value::Object(body),
                }
            }
            GuardrailsCommand::Delete(args) => {
                let id = non_empty_id(&args.id)?;
                let ask = confirm::check(args.yes, &format!("guardrail {id}"))?;
                Self::Delete { id, ask }
            }
            GuardrailsCommand::Assign(args) | GuardrailsCommand::Unassign(args) => {
                if args.keys.is_empty() && args.members.is_empty() {
                    return Err("name at least one --key or --member".into());
                }
                Self::Assign {
                    id: non_empty_id(&args.id)?,
                    assign: matches!(command, GuardrailsCommand::Assign(_)),
                    keys: args.keys.clone(),
                    members: args.members.clone(),
                }
            }
        })
    }

    /// The confirmation question, when a deletion must be confirmed on the terminal.
    pub fn question(&self) -> Option<String> {
        match self {
            Self::Delete { id, ask: true } => Some(format!("guardrail {id}")),
            _ => None,
        }
    }

    /// Sends the request(s) and renders the answer.
    pub async fn execute(&self, ctx: &Context<'_>, style: Style<'_>) -> Result<Output, Failure> {
        match self {
            Self::List(args) => {
                let list =
                    by_name::list(ctx, "listing guardrails", ops::GUARDRAILS_LIST, args).await?;
                Ok(PagedList::output(
                    ops::GUARDRAILS_LIST,
                    &resources::GUARDRAILS_LIST,
                    "listing guardrails",
                    list,
                ))
            }
            Self::Show(id) => {
                let (op, look) = (ops::GUARDRAILS_GET, &resources::GUARDRAIL);
                one(
                    ctx,
                    style,
                    "fetching the guardrail",
                    op,
                    &id_arg(id),
                    None,
                    look,
                )
                .await
            }
            Self::Create(body) => {
                let (op, look) = (ops::GUARDRAILS_CREATE, &resources::GUARDRAIL);
                let body = Some(body.clone());
                one(ctx, style, "creating the guardrail", op, &[], body, look).await
            }
            Self::Update { id, body } => {
                let (op, look) = (ops::GUARDRAILS_UPDATE, &resources::GUARDRAIL);
                let body = Some(body.clone());
                one(
                    ctx,
                    style,
                    "updating the guardrail",
                    op,
                    &id_arg(id),
                    body,
                    look,
                )
                .await
            }
            Self::Delete { id, .. } => {
                let what = format!("guardrail {id}");
                let op = ops::GUARDRAILS_DELETE;
                delete(ctx, style, "deleting the guardrail", op, &id_arg(id), &what).await
            }
            Self::Assign {
                id,
                assign,
                keys,
                members,
            } => assign_all(ctx, id, *assign, keys, members, style).await,
        }
    }
}

/// `assign`/`unassign`: looks every name up first (an unknown one sends nothing), then
/// one bulk request for the keys and one for the members.
async fn assign_all(
    ctx: &Context<'_>,
    id: &str,
    assign: bool,
    keys: &[String],
    members: &[String],
    style: Style<'_>,
) -> Result<Output, Failure> {
    let mut hashes = Vec::new();
    for key in keys {
        hashes.push(resolve::key_hash(ctx, key).await?);
    }
    let mut user_ids = Vec::new();
    for member in members {
        user_ids.push(resolve::user_id(ctx, member).await?);
    }
    let args = id_arg(id);
    let (verb, keys_method, members_method) = if assign {
        (
            "Assigned",
            ops::GUARDRAILS_BULK_ASSIGN_KEYS,
            ops::GUARDRAILS_BULK_ASSIGN_MEMBERS,
        )
    } else {
        (
            "Unassigned",
            ops::GUARDRAILS_BULK_UNASSIGN_KEYS,
            ops::GUARDRAILS_BULK_UNASSIGN_MEMBERS,
        )
    };
    let mut answers: Vec<(&str, by_name::Answer)> = Vec::new();
    if !hashes.is_empty() {
        let body = json!({ "key_hashes": hashes });
        let label = "assigning keys";
        answers.push((
            "keys",
            by_name::one(ctx, label, keys_method, &args, Some(body)).await?,
        ));
    }
    if !user_ids.is_empty() {
        let body = json!({ "member_user_ids": user_ids });
        let label = "assigning members";
        let sent = by_name::one(ctx, label, members_method, &args, Some(body)).await;
        match sent {
            Ok(answer) => answers.push(("members", answer)),
            // The keys' call went through: say so, or the user would think nothing changed.
            Err(mut failure) if !answers.is_empty() => {
                failure.message = format!(
                    "{} (the keys were already {} guardrail {id}; only the members failed)",
                    failure.message,
                    verb.to_lowercase() + if assign { " to" } else { " from" },
                );
                return Err(failure);
            }
            Err(failure) => return Err(failure),
        }
    }
    let mut output = Output::render(style, |out| match style.format {
        // One answer: the API's body; both: `{"keys": .., "members": ..}`, each as sent.
        Format::Json => match answers.as_slice() {
            [(_, only)] => write_raw_json(out, &only.raw),
            _ => {
                out.write_all(b"{")?;
                for (i, (what, answer)) in answers.iter().enumerate() {
                    if i > 0 {
                        out.write_all(b",")?;
                    }
                    write!(out, "\"{what}\":")?;
                    out.write_all(&answer.raw)?;
                }
                out.write_all(b"}\n")
            }
        },
        Format::Csv => {
            let mut csv = Sheet::new(out, [text("what"), number("count")])?;
            for (what, answer) in &answers {
                csv.row([*what, &count(&answer.body)])?;
            }
            csv.finish()
        }
        Format::Table => {
            for (what, answer) in &answers {
                writeln!(
                    out,
                    "{verb} {} {what} (guardrail {}).",
                    crate::terminal::safe(&count(&answer.body)),
                    crate::terminal::safe(id)
                )?;
            }
            Ok(())
        }
    })?;
    // One warning at most, as everywhere else.
    output
        .notes
        .extend(answers.into_iter().find_map(|(_, answer)| answer.warning));
    Ok(output)
}

/// The count a bulk answer reports (`assigned_count`, `unassigned_count`, ...).
fn count(answer: &Value) -> String {
    answer
        .as_object()
        .and_then(|fields| {
            fields
                .iter()
                .find(|(name, _)| name.ends_with("_count"))
                .map(|(_, value)| cell(value))
        })
        .unwrap_or_default()
}
