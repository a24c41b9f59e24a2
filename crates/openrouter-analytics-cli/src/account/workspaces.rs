//! `openrouter workspaces list|show|budgets|members|create|update|delete`: each a
//! [`Verb`], its flags from the spec; `budgets` adds whether BYOK spend counts.

use std::io::{self, Write};

use clap::Subcommand;
use openrouter_analytics::{ops, types};
use serde_json::Value;

use super::verb::{Call, Deletion, IsVerb, Kind, Verb, typed, verb};
use super::{Plan, examples};
use crate::flags::Generated;
use crate::output::{Out, resources};

/// `openrouter workspaces ...`.
#[derive(Debug, Subcommand)]
pub enum WorkspacesCommand {
    /// Every workspace (all pages).
    #[command(after_help = examples(&["openrouter workspaces list", "openrouter workspaces list -f csv"]))]
    List(Generated<WorkspacesList>),

    /// One workspace, by id or slug.
    #[command(after_help = examples(&["openrouter workspaces show research"]))]
    Show(Generated<WorkspacesShow>),

    /// A workspace's spending budgets.
    #[command(after_help = examples(&["openrouter workspaces budgets research"]))]
    Budgets(Generated<WorkspacesBudgets>),

    /// A workspace's members (all pages).
    #[command(after_help = examples(&["openrouter workspaces members research -f csv"]))]
    Members(Generated<WorkspacesMembers>),

    /// Create a workspace.
    #[command(after_help = examples(&[
        "openrouter workspaces create --name Research --slug research",
        "openrouter workspaces create --name 研究 --slug kenkyu --default-text-model openai/gpt-4o",
    ]))]
    Create(Generated<WorkspacesCreate>),

    /// Change a workspace's name, slug, description or settings.
    #[command(after_help = examples(&[
        "openrouter workspaces update research --description \"ML research\"",
        "openrouter workspaces update research --is-observability-broadcast-enabled false",
    ]))]
    Update(Generated<WorkspacesUpdate>),

    /// Delete a workspace (asks first on a terminal; --yes otherwise).
    #[command(after_help = examples(&["openrouter workspaces delete research --yes"]))]
    Delete(Deletion<WorkspacesDelete>),
}

/// What a blank id is called in the usage error.
const ID: &str = "the workspace id";

verb!(
    WorkspacesList,
    Verb {
        op: ops::WORKSPACES_LIST,
        kind: Kind::List(&resources::WORKSPACES),
        label: "listing workspaces",
        id: ID,
        check: None,
    }
);

verb!(
    WorkspacesShow,
    Verb {
        op: ops::WORKSPACES_GET,
        kind: Kind::One(&resources::WORKSPACE, None),
        label: "fetching the workspace",
        id: ID,
        check: None,
    }
);

verb!(
    WorkspacesBudgets,
    Verb {
        op: ops::WORKSPACES_LIST_BUDGETS,
        kind: Kind::One(&resources::WORKSPACE_BUDGETS, Some(byok_line)),
        label: "fetching budgets",
        id: ID,
        check: None,
    }
);

verb!(
    WorkspacesMembers,
    Verb {
        op: ops::WORKSPACES_LIST_MEMBERS,
        kind: Kind::List(&resources::WORKSPACE_MEMBERS),
        label: "listing workspace members",
        id: ID,
        check: None,
    }
);

verb!(
    WorkspacesCreate,
    Verb {
        op: ops::WORKSPACES_CREATE,
        kind: Kind::One(&resources::WORKSPACE, None),
        label: "creating the workspace",
        id: ID,
        check: Some(typed::<types::CreateWorkspaceRequest>),
    }
);

verb!(
    WorkspacesUpdate,
    Verb {
        op: ops::WORKSPACES_UPDATE,
        kind: Kind::Update(&resources::WORKSPACE, "workspaces update"),
        label: "updating the workspace",
        id: ID,
        check: Some(typed::<types::UpdateWorkspaceRequest>),
    }
);

verb!(
    WorkspacesDelete,
    Verb {
        op: ops::WORKSPACES_DELETE,
        kind: Kind::Delete("workspace"),
        label: "deleting the workspace",
        id: ID,
        check: None,
    }
);

/// Checks a workspaces command line; the error is a one-line usage message.
pub fn plan(command: &WorkspacesCommand) -> Result<Plan, String> {
    Ok(Plan::Call(match command {
        WorkspacesCommand::List(flags) => Call::new(WorkspacesList::VERB, flags)?,
        WorkspacesCommand::Show(flags) => Call::new(WorkspacesShow::VERB, flags)?,
        WorkspacesCommand::Budgets(flags) => Call::new(WorkspacesBudgets::VERB, flags)?,
        WorkspacesCommand::Members(flags) => Call::new(WorkspacesMembers::VERB, flags)?,
        WorkspacesCommand::Create(flags) => Call::new(WorkspacesCreate::VERB, flags)?,
        WorkspacesCommand::Update(flags) => Call::new(WorkspacesUpdate::VERB, flags)?,
        WorkspacesCommand::Delete(args) => Call::delete(args)?,
    }))
}

/// `budgets ID` in a table: whether BYOK spend counts against them (a field beside
/// the list, which the table's rows do not show).
fn byok_line(answer: &Value, out: &mut Out<'_>) -> io::Result<()> {
    match answer["include_byok_in_budgets"].as_bool() {
        Some(include) => writeln!(
            out,
            "BYOK spend counts against budgets: {}",
            if include { "yes" } else { "no" }
        ),
        None => Ok(()),
    }
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
        super::plan(&line.command)
    }

    #[test]
    fn flags_become_a_checked_body_with_only_what_was_given() {
        let Ok(Plan::Call(call)) = plan(&[
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
            call.body().cloned().unwrap_or_default(),
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
