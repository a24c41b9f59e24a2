//! `openrouter workspaces list|show|budgets|members|create|update|delete`: the answers
//! rendered through the resource model; the flags of `create` and `update` come from
//! the spec (the generated table).

use std::io::Write;

use clap::{Args, Subcommand};
use openrouter_analytics::{ops, types};
use serde_json::Value;

use super::{
    Context, Output, by_name, checked_body, confirm, delete, examples, id_arg, list, non_empty,
    one, show_answer_then,
};
use crate::exit::Failure;
use crate::flags::{Generated, Options, from_operation};
use crate::output::Style;
use crate::output::resources;

/// `openrouter workspaces ...`.
#[derive(Debug, Subcommand)]
pub enum WorkspacesCommand {
    /// Every workspace (all pages).
    #[command(after_help = examples(&["openrouter workspaces list", "openrouter workspaces list -f csv"]))]
    List,

    /// One workspace, by id or slug.
    #[command(after_help = examples(&["openrouter workspaces show research"]))]
    Show(IdArg),

    /// A workspace's spending budgets.
    #[command(after_help = examples(&["openrouter workspaces budgets research"]))]
    Budgets(IdArg),

    /// A workspace's members (all pages).
    #[command(after_help = examples(&["openrouter workspaces members research -f csv"]))]
    Members(IdArg),

    /// Create a workspace.
    #[command(after_help = examples(&[
        "openrouter workspaces create --name Research --slug research",
        "openrouter workspaces create --name 研究 --slug kenkyu --default-text-model openai/gpt-4o",
    ]))]
    Create(CreateArgs),

    /// Change a workspace's name, slug, description or settings.
    #[command(after_help = examples(&[
        "openrouter workspaces update research --description \"ML research\"",
        "openrouter workspaces update research --is-observability-broadcast-enabled false",
    ]))]
    Update(UpdateArgs),

    /// Delete a workspace (asks first on a terminal; --yes otherwise).
    #[command(after_help = examples(&["openrouter workspaces delete research --yes"]))]
    Delete(DeleteArgs),
}

/// A workspace, by id or slug.
#[derive(Debug, Args)]
pub struct IdArg {
    /// The workspace's id (a UUID) or slug.
    pub id: String,
}

from_operation!(
    /// `workspaces create`'s flags: the body fields of `workspaces.create`.
    WorkspacesCreate,
    ops::WORKSPACES_CREATE,
    Options {
        positional_path: true,
        skip: &[],
        body: false,
    }
);

from_operation!(
    /// `workspaces update`'s flags: the id, then the body fields of `workspaces.update`.
    WorkspacesUpdate,
    ops::WORKSPACES_UPDATE,
    Options {
        positional_path: true,
        skip: &[],
        body: false,
    }
);

/// `openrouter workspaces create`: a flag per body field of the operation (from the spec).
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The generated flags.
    #[command(flatten)]
    pub flags: Generated<WorkspacesCreate>,
}

/// `openrouter workspaces update ID`: a flag per body field of the operation (from the
/// spec), and `--clear FIELD` for the nullable ones.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The generated flags, the id first.
    #[command(flatten)]
    pub flags: Generated<WorkspacesUpdate>,
}

from_operation!(
    /// `workspaces delete`'s flags: the id, then the query parameters of
    /// `workspaces.delete` (`--confirm-default-workspace-deletion`).
    WorkspacesDelete,
    ops::WORKSPACES_DELETE,
    Options {
        positional_path: true,
        skip: &[],
        body: false,
    }
);

/// `openrouter workspaces delete ID`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The generated flags, the id first.
    #[command(flatten)]
    pub flags: Generated<WorkspacesDelete>,

    /// Delete without asking (needed when stdin is not a terminal).
    #[arg(short, long)]
    pub yes: bool,
}

/// A checked workspaces command line.
#[derive(Debug)]
pub enum Plan {
    /// `list`.
    List,
    /// `show ID`.
    Show(String),
    /// `budgets ID`.
    Budgets(String),
    /// `members ID`.
    Members(String),
    /// `create`, its body checked against the spec's type.
    Create(Value),
    /// `update ID`, its body checked against the spec's type.
    Update { id: String, body: Value },
    /// `delete ID`; `ask` when the terminal must confirm; `args` are the operation's
    /// parameters as given (the id, and whether deleting the default one is confirmed).
    Delete {
        id: String,
        ask: bool,
        args: Vec<(String, String)>,
    },
}

fn non_empty_id(id: &str) -> Result<String, String> {
    non_empty(id, "the workspace id")
}

impl Plan {
    /// Checks the flags; the error is a one-line usage message.
    pub fn new(command: &WorkspacesCommand) -> Result<Self, String> {
        Ok(match command {
            WorkspacesCommand::List => Self::List,
            WorkspacesCommand::Show(args) => Self::Show(non_empty_id(&args.id)?),
            WorkspacesCommand::Budgets(args) => Self::Budgets(non_empty_id(&args.id)?),
            WorkspacesCommand::Members(args) => Self::Members(non_empty_id(&args.id)?),
            WorkspacesCommand::Create(args) => Self::Create(checked_body::<
                types::CreateWorkspaceRequest,
            >(args.flags.body()?)?),
            WorkspacesCommand::Update(args) => {
                let fields = args.flags.body()?;
                if fields.is_empty() {
                    return Err("nothing to update: give at least one flag to change (see \
                                `openrouter workspaces update --help`)"
                        .into());
                }
                Self::Update {
                    id: non_empty_id(args.flags.arg("id").unwrap_or_default())?,
                    body: checked_body::<types::UpdateWorkspaceRequest>(fields)?,
                }
            }
            WorkspacesCommand::Delete(args) => {
                let id = non_empty_id(args.flags.arg("id").unwrap_or_default())?;
                let ask = confirm::check(args.yes, &format!("workspace {id}"))?;
                let mut params = args.flags.args.clone();
                for (name, value) in &mut params {
                    if name == "id" {
                        value.clone_from(&id);
                    }
                }
                Self::Delete {
                    id,
                    ask,
                    args: params,
                }
            }
        })
    }

    /// The confirmation question, when a deletion must be confirmed on the terminal.
    pub fn question(&self) -> Option<String> {
        match self {
            Self::Delete { id, ask: true, .. } => Some(format!("workspace {id}")),
            _ => None,
        }
    }

    /// Sends the request(s) and renders the answer.
    pub async fn execute(&self, ctx: &Context<'_>, style: Style<'_>) -> Result<Output, Failure> {
        let workspace = &resources::WORKSPACE;
        match self {
            Self::List => {
                let (op, look) = (ops::WORKSPACES_LIST, &resources::WORKSPACES);
                list(ctx, style, "listing workspaces", op, &[], look).await
            }
            Self::Show(id) => {
                let (op, label) = (ops::WORKSPACES_GET, "fetching the workspace");
                one(ctx, style, label, op, &id_arg(id), None, workspace).await
            }
            Self::Budgets(id) => budgets(ctx, style, &id_arg(id)).await,
            Self::Members(id) => {
                let (op, look) = (ops::WORKSPACES_LIST_MEMBERS, &resources::WORKSPACE_MEMBERS);
                let label = "listing workspace members";
                list(ctx, style, label, op, &id_arg(id), look).await
            }
            Self::Create(body) => {
                let (op, label) = (ops::WORKSPACES_CREATE, "creating the workspace");
                one(ctx, style, label, op, &[], Some(body.clone()), workspace).await
            }
            Self::Update { id, body } => {
                let (op, label, args) =
                    (ops::WORKSPACES_UPDATE, "updating the workspace", id_arg(id));
                one(ctx, style, label, op, &args, Some(body.clone()), workspace).await
            }
            Self::Delete { id, args, .. } => {
                let op = ops::WORKSPACES_DELETE;
                let what = format!("workspace {id}");
                delete(ctx, style, "deleting the workspace", op, args, &what).await
            }
        }
    }
}

/// `budgets ID`: the budgets' table, then whether BYOK spend counts against them (a
/// field beside the list, which the table's rows do not show).
async fn budgets(
    ctx: &Context<'_>,
    style: Style<'_>,
    args: &[(String, String)],
) -> Result<Output, Failure> {
    let op = ops::WORKSPACES_LIST_BUDGETS;
    let look = &resources::WORKSPACE_BUDGETS;
    let answer = by_name::one(ctx, "fetching budgets", op, args, None).await?;
    let byok = answer.body["include_byok_in_budgets"].as_bool();
    show_answer_then(style, op, look, &answer, |out| match byok {
        Some(include) => writeln!(
            out,
            "BYOK spend counts against budgets: {}",
            if include { "yes" } else { "no" }
        ),
        None => Ok(()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, clap::Parser)]
    struct Line {
        #[command(subcommand)]
        command: WorkspacesCommand,
    }

    fn plan(args: &[&str]) -> Result<Plan, String> {
        use clap::Parser;
        let line = Line::try_parse_from(std::iter::once("workspaces").chain(args.iter().copied()))
            .map_err(|err| err.to_string())?;
        Plan::new(&line.command)
    }

    #[test]
    fn flags_become_a_checked_body_with_only_what_was_given() {
        let Ok(Plan::Create(sent)) = plan(&[
            "create",
            "--name",
            "研究",
            "--slug",
            "kenkyu",
            "--default-text-model",
            "openai/gpt-4o",
            "--io-logging-api-key-ids",
            "1",
            "--io-logging-api-key-ids",
            "2",
            "--io-logging-sampling-rate",
            "0.5",
            "--is-observability-broadcast-enabled",
            "false",
        ]) else {
            panic!("a create plan");
        };
        assert_eq!(
            sent,
            serde_json::json!({
                "name": "研究", "slug": "kenkyu", "default_text_model": "openai/gpt-4o",
                "io_logging_api_key_ids": [1, 2], "io_logging_sampling_rate": 0.5,
                "is_observability_broadcast_enabled": false
            })
        );
        let err =
            plan(&["create", "--name", &"x".repeat(101), "--slug", "x"]).expect_err("too long");
        assert!(err.contains("longer than 100"), "{err}");
        let err = plan(&["create", "--slug", "x"]).expect_err("--name is required");
        assert!(err.contains("--name"), "{err}");
        let err =
            plan(&["update", "w", "--io-logging-sampling-rate", "half"]).expect_err("a number");
        assert!(err.contains("not a number"), "{err}");
    }
}
