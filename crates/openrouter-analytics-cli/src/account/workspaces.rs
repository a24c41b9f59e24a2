//! `openrouter workspaces list|show|budgets|members|create|update|delete`.

use std::io::{self, Write};

use clap::{Args, Subcommand};
use openrouter_analytics::types::{self, Workspace, WorkspaceBudget, WorkspaceMember};
use serde_json::{Map, Value};

use super::keys::deleted;
use super::view::{self, write_fields};
use super::{Context, Output, confirm, examples};
use crate::args::Format;
use crate::clear::{ClearArgs, Cleared};
use crate::exit::Failure;
use crate::output::sheet::{Column, Sheet, number, text};
use crate::output::table::{Align, Table, usd};
use crate::output::{plain_number, write_raw_json};

/// The CSV header of `list`, `show`, `create` and `update`: the API's field names.
pub const CSV_FIELDS: [Column; 14] = [
    text("id"),
    text("slug"),
    text("name"),
    text("description"),
    text("created_at"),
    text("updated_at"),
    text("created_by"),
    text("default_text_model"),
    text("default_image_model"),
    text("default_provider_sort"),
    number("io_logging_sampling_rate"),
    text("is_data_discount_logging_enabled"),
    text("is_observability_broadcast_enabled"),
    text("is_observability_io_logging_enabled"),
];

/// The CSV header of `budgets`.
pub const BUDGET_CSV_FIELDS: [Column; 6] = [
    text("id"),
    text("workspace_id"),
    number("limit_usd"),
    text("reset_interval"),
    text("created_at"),
    text("updated_at"),
];

/// The CSV header of `members`.
pub const MEMBER_CSV_FIELDS: [Column; 5] = [
    text("id"),
    text("user_id"),
    text("role"),
    text("created_at"),
    text("workspace_id"),
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

/// The settings a workspace's create and update bodies share, as the API names them.
#[derive(Debug, Args)]
pub struct Settings {
    /// What the workspace is for (up to 500 characters).
    #[arg(long)]
    pub description: Option<String>,

    /// The model requests get when they name none.
    #[arg(long, value_name = "MODEL")]
    pub default_text_model: Option<String>,

    /// The image model requests get when they name none.
    #[arg(long, value_name = "MODEL")]
    pub default_image_model: Option<String>,

    /// How providers are ordered by default (e.g. price, throughput, latency).
    #[arg(long, value_name = "SORT")]
    pub default_provider_sort: Option<String>,

    /// The API keys (numeric ids, comma-separated) whose prompts and completions are logged.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub io_logging_api_key_ids: Option<Vec<i64>>,

    /// Server tools requests in this workspace may not use (comma-separated, e.g.
    /// openrouter:web_search,openrouter:bash).
    #[arg(long, value_name = "TOOLS", value_delimiter = ',')]
    pub disabled_server_tools: Option<Vec<String>>,

    /// The share of requests whose prompts and completions are logged, 0 to 1.
    #[arg(long, value_name = "RATE", value_parser = crate::parse::parse_rate)]
    pub io_logging_sampling_rate: Option<f64>,

    /// Log data for the data discount.
    #[arg(long, value_name = "true|false")]
    pub is_data_discount_logging_enabled: Option<bool>,

    /// Broadcast traces to your observability integrations.
    #[arg(long, value_name = "true|false")]
    pub is_observability_broadcast_enabled: Option<bool>,

    /// Include prompts and completions in what is broadcast.
    #[arg(long, value_name = "true|false")]
    pub is_observability_io_logging_enabled: Option<bool>,
}

/// `openrouter workspaces create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The workspace's name (up to 100 characters).
    #[arg(long)]
    pub name: String,

    /// Its slug, the short name in URLs (up to 50 characters).
    #[arg(long)]
    pub slug: String,

    /// Everything else.
    #[command(flatten)]
    pub settings: Settings,
}

/// `openrouter workspaces update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The workspace's id or slug.
    pub id: String,

    /// A new name.
    #[arg(long)]
    pub name: Option<String>,

    /// A new slug.
    #[arg(long)]
    pub slug: Option<String>,

    /// Everything else.
    #[command(flatten)]
    pub settings: Settings,

    /// `--clear description`, `--clear default-text-model`...: remove a setting.
    #[command(flatten)]
    pub clear: ClearArgs,
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

impl Settings {
    /// The flags that were given, as body fields.
    fn fields(&self, body: &mut Map<String, Value>) {
        let mut set = |name: &str, value: Option<Value>| {
            if let Some(value) = value {
                body.insert(name.into(), value);
            }
        };
        set("description", self.description.clone().map(Value::from));
        set(
            "default_text_model",
            self.default_text_model.clone().map(Value::from),
        );
        set(
            "default_image_model",
            self.default_image_model.clone().map(Value::from),
        );
        set(
            "default_provider_sort",
            self.default_provider_sort.clone().map(Value::from),
        );
        set(
            "disabled_server_tools",
            self.disabled_server_tools.clone().map(Value::from),
        );
        set(
            "io_logging_api_key_ids",
            self.io_logging_api_key_ids.clone().map(Value::from),
        );
        set(
            "io_logging_sampling_rate",
            self.io_logging_sampling_rate.map(Value::from),
        );
        set(
            "is_data_discount_logging_enabled",
            self.is_data_discount_logging_enabled.map(Value::from),
        );
        set(
            "is_observability_broadcast_enabled",
            self.is_observability_broadcast_enabled.map(Value::from),
        );
        set(
            "is_observability_io_logging_enabled",
            self.is_observability_io_logging_enabled.map(Value::from),
        );
    }
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
            WorkspacesCommand::Create(args) => {
                let mut fields = Map::new();
                fields.insert("name".into(), args.name.clone().into());
                fields.insert("slug".into(), args.slug.clone().into());
                args.settings.fields(&mut fields);
                Self::Create(body(fields)?)
            }
            WorkspacesCommand::Update(args) => {
                let mut fields = Map::new();
                if let Some(name) = &args.name {
                    fields.insert("name".into(), name.clone().into());
                }
                if let Some(slug) = &args.slug {
                    fields.insert("slug".into(), slug.clone().into());
                }
                args.settings.fields(&mut fields);
                let given: Vec<&str> = fields.keys().map(String::as_str).collect();
                let cleared = Cleared::check(&args.clear, "workspaces", "update", &given)?;
                for field in cleared.fields() {
                    fields.insert(field.into(), Value::Null);
                }
                if fields.is_empty() {
                    return Err("nothing to update: give at least one flag to change (see \
                                `openrouter workspaces update --help`)"
                        .into());
                }
                Self::Update {
                    id: non_empty_id(&args.id)?,
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
    pub async fn execute(&self, ctx: &Context<'_>, format: Format) -> Result<Output, Failure> {
        let api = ctx.client.workspaces();
        match self {
            Self::List => {
                ctx.describe("GET", "/workspaces (every page)");
                let pages = ctx
                    .call("listing workspaces", api.list().send_all_pages())
                    .await?;
                if format == Format::Json {
                    return list_json(pages.iter().map(|p| &p.raw_body[..]), "workspaces");
                }
                let all: Vec<Workspace> =
                    pages.into_iter().flat_map(|page| page.value.data).collect();
                Output::render(|out| match format {
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
                single(&response.value.data, &response.raw_body, format)
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
                Output::render(|out| match format {
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
                if format == Format::Json {
                    return list_json(pages.iter().map(|p| &p.raw_body[..]), "workspace members");
                }
                let all: Vec<WorkspaceMember> =
                    pages.into_iter().flat_map(|page| page.value.data).collect();
                Output::render(|out| match format {
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
                single(&response.value.data, &response.raw_body, format)
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
                single(&response.value.data, &response.raw_body, format)
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
                        deleted(&what, response.value.deleted, &response.raw_body, format)
                    }
                    None => Ok(Output::already_gone(&what)),
                }
            }
        }
    }
}

fn list_json<'a>(pages: impl Iterator<Item = &'a [u8]>, what: &str) -> Result<Output, Failure> {
    let items =
        view::page_items(pages).map_err(|err| Failure::other(format!("listing {what}: {err}")))?;
    Output::render(|out| view::write_list_json(out, items))
}

fn workspaces_table(workspaces: &[Workspace], out: &mut dyn Write) -> io::Result<()> {
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

fn csv_record(w: &Workspace) -> [String; 14] {
    [
        w.id.to_string(),
        w.slug.clone(),
        w.name.clone(),
        w.description.clone().unwrap_or_default(),
        w.created_at.clone(),
        w.updated_at.clone().unwrap_or_default(),
        w.created_by.clone().unwrap_or_default(),
        w.default_text_model.clone().unwrap_or_default(),
        w.default_image_model.clone().unwrap_or_default(),
        w.default_provider_sort.clone().unwrap_or_default(),
        plain_number(w.io_logging_sampling_rate),
        w.is_data_discount_logging_enabled.to_string(),
        w.is_observability_broadcast_enabled.to_string(),
        w.is_observability_io_logging_enabled.to_string(),
    ]
}

fn workspaces_csv(workspaces: &[Workspace], out: &mut dyn Write) -> io::Result<()> {
    let mut csv = Sheet::new(out, CSV_FIELDS)?;
    for w in workspaces {
        csv.row(csv_record(w))?;
    }
    csv.finish()
}

/// One workspace, in `format`; JSON is the API's body as sent.
fn single(w: &Workspace, raw: &[u8], format: Format) -> Result<Output, Failure> {
    Output::render(|out| match format {
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
                        plain_number(w.io_logging_sampling_rate),
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
    out: &mut dyn Write,
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
            usd(budget.limit_usd),
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

fn budgets_csv(budgets: &[WorkspaceBudget], out: &mut dyn Write) -> io::Result<()> {
    let mut csv = Sheet::new(out, BUDGET_CSV_FIELDS)?;
    for budget in budgets {
        csv.row([
            budget.id.to_string(),
            budget.workspace_id.to_string(),
            plain_number(budget.limit_usd),
            budget
                .reset_interval
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            budget.created_at.clone(),
            budget.updated_at.clone(),
        ])?;
    }
    csv.finish()
}

fn members_table(members: &[WorkspaceMember], out: &mut dyn Write) -> io::Result<()> {
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

fn members_csv(members: &[WorkspaceMember], out: &mut dyn Write) -> io::Result<()> {
    let mut csv = Sheet::new(out, MEMBER_CSV_FIELDS)?;
    for member in members {
        csv.row([
            member.id.to_string(),
            member.user_id.clone(),
            member.role.to_string(),
            member.created_at.clone(),
            member.workspace_id.to_string(),
        ])?;
    }
    csv.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_become_a_checked_body_with_only_what_was_given() {
        let mut fields = Map::new();
        fields.insert("name".into(), "研究".into());
        fields.insert("slug".into(), "kenkyu".into());
        let settings = Settings {
            description: None,
            default_text_model: Some("openai/gpt-4o".into()),
            default_image_model: None,
            default_provider_sort: None,
            disabled_server_tools: None,
            io_logging_api_key_ids: Some(vec![1, 2]),
            io_logging_sampling_rate: Some(0.5),
            is_data_discount_logging_enabled: None,
            is_observability_broadcast_enabled: Some(false),
            is_observability_io_logging_enabled: None,
        };
        settings.fields(&mut fields);
        let request: types::CreateWorkspaceRequest = body(fields).expect("valid");
        let sent = serde_json::to_value(&request).expect("json");
        assert_eq!(
            sent,
            serde_json::json!({
                "name": "研究", "slug": "kenkyu", "default_text_model": "openai/gpt-4o",
                "io_logging_api_key_ids": [1, 2], "io_logging_sampling_rate": 0.5,
                "is_observability_broadcast_enabled": false
            })
        );

        let mut too_long = Map::new();
        too_long.insert("name".into(), "x".repeat(101).into());
        too_long.insert("slug".into(), "x".into());
        let err = body::<types::CreateWorkspaceRequest>(too_long).expect_err("too long");
        assert!(err.contains("longer than 100"), "{err}");
    }
}
