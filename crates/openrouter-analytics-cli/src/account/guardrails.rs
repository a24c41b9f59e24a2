//! `openrouter guardrails assign|unassign`: keys and members put under a guardrail (or
//! taken out) by name, as `activity --key/--user` takes them: the one guardrail
//! command that is not a single operation.

use std::io::Write;

use clap::{ArgMatches, Args, FromArgMatches};
use openrouter_analytics::ops;
use serde_json::{Value, json};

use super::Plan;
use crate::exit::Failure;
use crate::output::sheet::{Sheet, number, text};
use crate::output::{Format, Style};
use crate::output::{cell, write_raw_json};
use crate::resolve;
use crate::verb::{Context, Output, call as by_name, non_empty};

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

/// Checks `assign` (or `unassign`)'s flags; the error is a one-line usage message.
pub fn plan(matches: &ArgMatches, assign: bool) -> Result<Plan, String> {
    let args = AssignArgs::from_arg_matches(matches).map_err(|err| err.to_string())?;
    if args.keys.is_empty() && args.members.is_empty() {
        return Err("name at least one --key or --member".into());
    }
    Ok(Plan::Assign(Assign {
        id: non_empty(&args.id, "the guardrail id")?,
        assign,
        keys: args.keys,
        members: args.members,
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
    let args = [("id".to_string(), id.to_string())];
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
