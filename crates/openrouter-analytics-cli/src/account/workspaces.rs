//! `openrouter workspaces list|show|budgets|members|create|update|delete`.

use std::io::{self, Write};

use clap::{Args, Subcommand};
use openrouter_analytics::ops;
use openrouter_analytics::types::{self, Workspace, WorkspaceBudget, WorkspaceMember};
use serde_json::{Map, Value};

use super::keys::deleted;
use super::view::{self, write_fields};
use super::{Context, Output, confirm, examples};
use crate::exit::Failure;
use crate::flags::{Generated, Options, from_operation};
use crate::output::money;
use crate::output::sheet::{Field, number, text, write_rows};
use crate::output::table::{Align, Table};
use crate::output::write_raw_json;
use crate::output::{Format, Out, Style};

/// The CSV header of `list`, `show`, `create` and `update`: the API's field names.
const CSV_FIELDS: [Field<Workspace>; 14] = [
    (text("id"), |w| Ok(w.id.to_string())),
    (text("slug"), |w| Ok(w.slug.clone())),
    (text("name"), |w| Ok(w.name.clone())),
    (text("description"), |w| {
        Ok(w.description.clone().unwrap_or_default())
    }),
    (text("created_at"), |w| Ok(w.created_at.clone())),
    (text("updated_at"), |w| {
        Ok(w.updated_at.clone().unwrap_or_default())
    }),
    (text("created_by"), |w| {
        Ok(w.created_by.clone().unwrap_or_default())
    }),
    (text("default_text_model"), |w| {
        Ok(w.default_text_model.clone().unwrap_or_default())
    }),
    (text("default_image_model"), |w| {
        Ok(w.default_image_model.clone().unwrap_or_default())
    }),
    (text("default_provider_sort"), |w| {
        Ok(w.default_provider_sort.clone().unwrap_or_default())
    }),
    (number("io_logging_sampling_rate"), |w| {
        money::plain(w.io_logging_sampling_rate)
    }),
    (text("is_data_discount_logging_enabled"), |w| {
        Ok(w.is_data_discount_logging_enabled.to_string())
    }),
    (text("is_observability_broadcast_enabled"), |w| {
        Ok(w.is_observability_broadcast_enabled.to_string())
    }),
    (text("is_observability_io_logging_enabled"), |w| {
        Ok(w.is_observability_io_logging_enabled.to_string())
    }),
];

/// The CSV header of `budgets`.
const BUDGET_CSV_FIELDS: [Field<WorkspaceBudget>; 6] = [
    (text("id"), |budget| Ok(budget.id.to_string())),
    (text("workspace_id"), |budget| {
        Ok(budget.workspace_id.to_string())
    }),
    (number("limit_usd"), |budget| money::plain(budget.limit_usd)),
    (text("reset_interval"), |budget| {
        Ok(budget
            .reset_interval
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default())
    }),
    (text("created_at"), |budget| Ok(budget.created_at.clone())),
    (text("updated_at"), |budget| Ok(budget.updated_at.clone())),
];

/// The CSV header of `members`.
const MEMBER_CSV_FIELDS: [Field<WorkspaceMember>; 5] = [
    (text("id"), |member| Ok(member.id.to_string())),
    (text("user_id"), |member| Ok(member.user_id.clone())),
    (text("role"), |member| Ok(member.role.to_string())),
    (text("created_at"), |member| Ok(member.created_at.clone())),
    (text("workspace_id"), |member| {
        Ok(member.workspace_id.to_string())
    }),
];

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

/// `openrouter workspaces delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The workspace's id or slug.
    pub id: String,

    /// Needed to delete the account's default workspace, which also turns off the
    /// account's inference keys outside any workspace (ignored for other workspaces).
    #[arg(long)]
    pub confirm_default_workspace_deletion: bool,

    /// Delete without asking (needed when stdin is not a terminal).
    #[arg(short, long)]
    pub yes: bool,
}

/// The body the flags describe, checked against the spec's limits (lengths, types)
/// by decoding it as the typed request, so that a bad value is a usage error before
/// anything is sent.
fn body<T: serde::de::DeserializeOwned>(fields: Map<String, Value>) -> Result<T, String> {
    serde_json::from_value(Value::Object(fields))
        .map_err(|err| format!("invalid flag value: {err}"))
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
    /// `create`.
    Create(types::CreateWorkspaceRequest),
    /// `update ID`.
    Update {
        id: String,
        body: types::UpdateWorkspaceRequest,
    },
    /// `delete ID`; `ask` when the terminal must confirm; `confirm_default` sends
    /// `confirm_default_workspace_deletion=true`.
    Delete {
        id: String,
        ask: bool,
        confirm_default: bool,
    },
}

fn non_empty_id(id: &str) -> Result<String, String> {
    let id = id.trim();
    if id.is_empty() {
        Err("the workspace id must not be empty".into())
    } else {
        Ok(id.to_string())
    }
}

impl Plan {
    /// Checks the flags; the error is a one-line usage message.
    pub fn new(command: &WorkspacesCommand) -> Result<Self, String> {
        Ok(match command {
            WorkspacesCommand::List => Self::List,
            WorkspacesCommand::Show(args) => Self::Show(non_empty_id(&args.id)?),
            WorkspacesCommand::Budgets(args) => Self::Budgets(non_empty_id(&args.id)?),
            WorkspacesCommand::Members(args) => Self::Members(non_empty_id(&args.id)?),
            WorkspacesCommand::Create(args) => Self::Create(body(args.flags.body()?)?),
            WorkspacesCommand::Update(args) => {
                let fields = args.flags.body()?;
                if fields.is_empty() {
                    return Err("nothing to update: give at least one flag to change (see \
                                `openrouter workspaces update --help`)"
                        .into());
                }
                Self::Update {
                    id: non_empty_id(args.flags.arg("id").unwrap_or_default())?,
                    body: body(fields)?,
                }
            }
            WorkspacesCommand::Delete(args) => {
                let id = non_empty_id(&args.id)?;
                let ask = confirm::check(args.yes, &format!("workspace {id}"))?;
                Self::Delete {
                    id,
                    ask,
                    confirm_default: args.confirm_default_workspace_deletion,
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
    pub async fn execute(&self, ctx: &Context<'_>, style: Style) -> Result<Output, Failure> {
        let api = ctx.client.workspaces();
        match self {
            Self::List => {
                ctx.describe("GET", "/workspaces (every page)");
                let pages = ctx
                    .call("listing workspaces", api.list().send_all_pages())
                    .await?;
                if style.format == Format::Json {
                    return list_json(pages.iter().map(|p| &p.raw_body[..]), "workspaces", style);
                }
                let all: Vec<Workspace> =
                    pages.into_iter().flat_map(|page| page.value.data).collect();
                Output::render(style, |out| match style.format {
                    Format::Csv => workspaces_csv(&all, out),
                    _ => workspaces_table(&all, out),
                })
            }
            Self::Show(id) => {
                ctx.describe("GET", &format!("/workspaces/{id}"));
                let response = ctx
                    .call(
                        "fetching the workspace",
                        api.get().id(id.as_str()).send_with_raw_body(),
                    )
                    .await?;
                single(&response.value.data, &response.raw_body, style)
            }
            Self::Budgets(id) => {
                ctx.describe("GET", &format!("/workspaces/{id}/budgets"));
                let response = ctx
                    .call(
                        "fetching budgets",
                        api.list_budgets().id(id.as_str()).send_with_raw_body(),
                    )
                    .await?;
                let budgets = &response.value;
                Output::render(style, |out| match style.format {
                    Format::Json => write_raw_json(out, &response.raw_body),
                    Format::Csv => budgets_csv(&budgets.data, out),
                    Format::Table => {
                        budgets_table(&budgets.data, budgets.include_byok_in_budgets, out)
                    }
                })
            }
            Self::Members(id) => {
                ctx.describe("GET", &format!("/workspaces/{id}/members (every page)"));
                let pages = ctx
                    .call(
                        "listing workspace members",
                        api.list_members().id(id.as_str()).send_all_pages(),
                    )
                    .await?;
                if style.format == Format::Json {
                    return list_json(
                        pages.iter().map(|p| &p.raw_body[..]),
                        "workspace members",
                        style,
                    );
                }
                let all: Vec<WorkspaceMember> =
                    pages.into_iter().flat_map(|page| page.value.data).collect();
                Output::render(style, |out| match style.format {
                    Format::Csv => members_csv(&all, out),
                    _ => members_table(&all, out),
                })
            }
            Self::Create(body) => {
                ctx.describe("POST", "/workspaces");
                let response = ctx
                    .call(
                        "creating the workspace",
                        api.create().body(body.clone()).send_with_raw_body(),
                    )
                    .await?;
                single(&response.value.data, &response.raw_body, style)
            }
            Self::Update { id, body } => {
                ctx.describe("PATCH", &format!("/workspaces/{id}"));
                let response = ctx
                    .call(
                        "updating the workspace",
                        api.update()
                            .id(id.as_str())
                            .body(body.clone())
                            .send_with_raw_body(),
                    )
                    .await?;
                single(&response.value.data, &response.raw_body, style)
            }
            Self::Delete {
                id,
                confirm_default,
                ..
            } => {
                let mut call = api.delete().id(id.as_str());
                if *confirm_default {
                    call = call.confirm_default_workspace_deletion(true);
                    ctx.describe(
                        "DELETE",
                        &format!("/workspaces/{id}?confirm_default_workspace_deletion=true"),
                    );
                } else {
                    ctx.describe("DELETE", &format!("/workspaces/{id}"));
                }
                let what = format!("workspace {id}");
                let response = ctx
                    .delete("deleting the workspace", call.send_with_raw_body())
                    .await?;
                match response {
                    Some(response) => {
                        deleted(&what, response.value.deleted, &response.raw_body, style)
                    }
                    None => Ok(Output::already_gone(&what)),
                }
            }
        }
    }
}

fn list_json<'a>(
    pages: impl Iterator<Item = &'a [u8]>,
    what: &str,
    style: Style,
) -> Result<Output, Failure> {
    let items =
        view::page_items(pages).map_err(|err| Failure::other(format!("listing {what}: {err}")))?;
    Output::render(style, |out| view::write_list_json(out, &items))
}

fn workspaces_table(workspaces: &[Workspace], out: &mut Out<'_>) -> io::Result<()> {
    let mut table = Table::new([
        ("ID", Align::Left),
        ("SLUG", Align::Left),
        ("NAME", Align::Left),
        ("CREATED (UTC)", Align::Left),
        ("DESCRIPTION", Align::Left),
    ]);
    for w in workspaces {
        table.row(vec![
            w.id.to_string(),
            w.slug.clone(),
            w.name.clone(),
            view::time_text(&w.created_at),
            w.description.clone().unwrap_or_default(),
        ]);
    }
    table.write(out)
}

fn workspaces_csv(workspaces: &[Workspace], out: &mut Out<'_>) -> io::Result<()> {
    write_rows(out, &CSV_FIELDS, workspaces)
}

/// One workspace, in `format`; JSON is the API's body as sent.
fn single(w: &Workspace, raw: &[u8], style: Style) -> Result<Output, Failure> {
    Output::render(style, |out| match style.format {
        Format::Json => write_raw_json(out, raw),
        Format::Csv => workspaces_csv(std::slice::from_ref(w), out),
        Format::Table => {
            let optional = |value: &Option<String>| value.clone().unwrap_or_default();
            write_fields(
                out,
                &[
                    ("ID", w.id.to_string()),
                    ("Slug", w.slug.clone()),
                    ("Name", w.name.clone()),
                    ("Description", optional(&w.description)),
                    ("Created (UTC)", view::time_text(&w.created_at)),
                    (
                        "Updated (UTC)",
                        w.updated_at
                            .as_deref()
                            .map(view::time_text)
                            .unwrap_or_default(),
                    ),
                    ("Created by", optional(&w.created_by)),
                    ("Default text model", optional(&w.default_text_model)),
                    ("Default image model", optional(&w.default_image_model)),
                    ("Default provider sort", optional(&w.default_provider_sort)),
                    (
                        "BYOK in budgets",
                        w.include_byok_in_budgets
                            .map(view::yes_no)
                            .unwrap_or_default(),
                    ),
                    (
                        "I/O logging sample rate",
                        money::plain(w.io_logging_sampling_rate)?,
                    ),
                    (
                        "Data discount logging",
                        view::yes_no(w.is_data_discount_logging_enabled),
                    ),
                    (
                        "Observability broadcast",
                        view::yes_no(w.is_observability_broadcast_enabled),
                    ),
                    (
                        "Observability I/O logging",
                        view::yes_no(w.is_observability_io_logging_enabled),
                    ),
                ],
            )
        }
    })
}

/// How often a budget resets; one without an interval never does.
fn resets(budget: &WorkspaceBudget) -> String {
    budget
        .reset_interval
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_else(|| "never".into())
}

fn budgets_table(
    budgets: &[WorkspaceBudget],
    include_byok: Option<bool>,
    out: &mut Out<'_>,
) -> io::Result<()> {
    let mut table = Table::new([
        ("RESETS", Align::Left),
        ("LIMIT (USD)", Align::Right),
        ("BUDGET ID", Align::Left),
        ("UPDATED (UTC)", Align::Left),
    ]);
    for budget in budgets {
        table.row(vec![
            resets(budget),
            money::usd(budget.limit_usd)?,
            budget.id.to_string(),
            view::time_text(&budget.updated_at),
        ]);
    }
    table.write(out)?;
    if let Some(include) = include_byok {
        writeln!(
            out,
            "BYOK spend counts against budgets: {}",
            view::yes_no(include)
        )?;
    }
    Ok(())
}

fn budgets_csv(budgets: &[WorkspaceBudget], out: &mut Out<'_>) -> io::Result<()> {
    write_rows(out, &BUDGET_CSV_FIELDS, budgets)
}

fn members_table(members: &[WorkspaceMember], out: &mut Out<'_>) -> io::Result<()> {
    let mut table = Table::new([
        ("USER ID", Align::Left),
        ("ROLE", Align::Left),
        ("ADDED (UTC)", Align::Left),
    ]);
    for member in members {
        table.row(vec![
            member.user_id.clone(),
            member.role.to_string(),
            view::time_text(&member.created_at),
        ]);
    }
    table.write(out)
}

fn members_csv(members: &[WorkspaceMember], out: &mut Out<'_>) -> io::Result<()> {
    write_rows(out, &MEMBER_CSV_FIELDS, members)
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
        let Ok(Plan::Create(request)) = plan(&[
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
        let sent = serde_json::to_value(&request).expect("json");
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
