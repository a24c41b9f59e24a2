//! `openrouter guardrails list|show|create|update|delete|assign|unassign`: spend limits
//! and model/provider rules for keys and members. All but `assign`/`unassign` are
//! [`Verb`]s, their flags from the spec; those two take keys and members by name, as
//! `activity --key/--user` does.

use openrouter_analytics::ops;
use std::io::Write;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::verb::{Call, Deletion, IsVerb, Kind, Verb, verb};
use super::{Context, Output, Plan, by_name, examples, id_arg, non_empty, resolve};
use crate::exit::Failure;
use crate::flags::Generated;
use crate::output::resources;
use crate::output::sheet::{Sheet, number, text};
use crate::output::{Format, Style};
use crate::output::{cell, write_raw_json};

/// `openrouter guardrails ...`.
#[derive(Debug, Subcommand)]
pub enum GuardrailsCommand {
    /// Every guardrail (all pages): name, limit, reset, allowed models and providers.
    #[command(after_help = examples(&["openrouter guardrails list", "openrouter guardrails list -f csv"]))]
    List(Generated<GuardrailsList>),

    /// One guardrail, by id.
    #[command(after_help = examples(&["openrouter guardrails show 5b0e...", "openrouter guardrails show 5b0e... -f json"]))]
    Show(Generated<GuardrailsShow>),

    /// Create a guardrail.
    #[command(after_help = examples(&[
        "openrouter guardrails create --name interns --limit-usd 50 --allowed-models openai/gpt-4o-mini",
    ]))]
    Create(Generated<GuardrailsCreate>),

    /// Change a guardrail; `--clear FIELD` removes a limit or a list.
    #[command(after_help = examples(&[
        "openrouter guardrails update 5b0e... --limit-usd 100",
        "openrouter guardrails update 5b0e... --clear limit-usd",
    ]))]
    Update(Generated<GuardrailsUpdate>),

    /// Delete a guardrail (asks first on a terminal; --yes otherwise).
    #[command(after_help = examples(&["openrouter guardrails delete 5b0e... --yes"]))]
    Delete(Deletion<GuardrailsDelete>),

    /// Put keys and members under a guardrail, by name.
    #[command(after_help = examples(&[
        "openrouter guardrails assign 5b0e... --key ci-bot --member ada@example.com",
    ]))]
    Assign(AssignArgs),

    /// Take keys and members out from under a guardrail, by name.
    #[command(after_help = examples(&["openrouter guardrails unassign 5b0e... --key ci-bot"]))]
    Unassign(AssignArgs),
}

/// What a blank id is called in the usage error.
const ID: &str = "the guardrail id";

verb!(
    GuardrailsList,
    Verb {
        op: ops::GUARDRAILS_LIST,
        kind: Kind::Paged(&resources::GUARDRAILS_LIST),
        label: "listing guardrails",
        id: ID,
        check: None,
    }
);

verb!(
    GuardrailsShow,
    Verb {
        op: ops::GUARDRAILS_GET,
        kind: Kind::One(&resources::GUARDRAIL, None),
        label: "fetching the guardrail",
        id: ID,
        check: None,
    }
);

verb!(
    GuardrailsCreate,
    Verb {
        op: ops::GUARDRAILS_CREATE,
        kind: Kind::One(&resources::GUARDRAIL, None),
        label: "creating the guardrail",
        id: ID,
        check: None,
    }
);

verb!(
    GuardrailsUpdate,
    Verb {
        op: ops::GUARDRAILS_UPDATE,
        kind: Kind::Update(&resources::GUARDRAIL, "guardrails update"),
        label: "updating the guardrail",
        id: ID,
        check: None,
    }
);

verb!(
    GuardrailsDelete,
    Verb {
        op: ops::GUARDRAILS_DELETE,
        kind: Kind::Delete("guardrail"),
        label: "deleting the guardrail",
        id: ID,
        check: None,
    }
);

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

/// `guardrails assign|unassign`, checked.
#[derive(Debug)]
pub struct Assign {
    id: String,
    assign: bool,
    keys: Vec<String>,
    members: Vec<String>,
}

/// Checks a guardrails command line; the error is a one-line usage message.
pub fn plan(command: &GuardrailsCommand) -> Result<Plan, String> {
    Ok(Plan::Call(match command {
        GuardrailsCommand::List(flags) => Call::new(GuardrailsList::VERB, flags)?,
        GuardrailsCommand::Show(flags) => Call::new(GuardrailsShow::VERB, flags)?,
        GuardrailsCommand::Create(flags) => Call::new(GuardrailsCreate::VERB, flags)?,
        GuardrailsCommand::Update(flags) => Call::new(GuardrailsUpdate::VERB, flags)?,
        GuardrailsCommand::Delete(args) => Call::delete(args)?,
        GuardrailsCommand::Assign(args) | GuardrailsCommand::Unassign(args) => {
            if args.keys.is_empty() && args.members.is_empty() {
                return Err("name at least one --key or --member".into());
            }
            return Ok(Plan::Assign(Assign {
                id: non_empty(&args.id, ID)?,
                assign: matches!(command, GuardrailsCommand::Assign(_)),
                keys: args.keys.clone(),
                members: args.members.clone(),
            }));
        }
    }))
}

/// `assign`/`unassign`: looks every name up first (an unknown one sends nothing), then
/// one bulk request for the keys and one for the members.
pub async fn assign_all(
    ctx: &Context<'_>,
    plan: &Assign,
    style: Style<'_>,
) -> Result<Output, Failure> {
    let Assign {
        id,
        assign,
        keys,
        members,
    } = plan;
    let (id, assign) = (id.as_str(), *assign);
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
