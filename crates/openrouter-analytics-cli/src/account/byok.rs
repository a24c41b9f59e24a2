//! `openrouter byok list`: the provider keys you brought (BYOK), as OpenRouter shows them
//! (masked labels; the secret itself is never sent back). The list's filters come from
//! the spec (the generated table).

use openrouter_analytics::ops;
use std::io;

use clap::{Args, Subcommand};
use serde::Deserialize;

use super::{Context, Output, by_name, examples, view};
use crate::exit::Failure;
use crate::flags::{Generated, Options, from_operation};
use crate::output::cell;
use crate::output::sheet::{Field, number, text, write_rows};
use crate::output::table::{Align, Table};
use crate::output::{Format, Out, Style};

/// The CSV header of `byok list`: the API's field names (lists joined with `;`).
const CSV_FIELDS: [Field<ByokKey>; 10] = [
    (text("id"), |row| Ok(row.id.clone())),
    (text("provider"), |row| Ok(cell(&row.provider))),
    (text("name"), |row| Ok(row.name.clone().unwrap_or_default())),
    (text("label"), |row| Ok(row.label.clone())),
    (text("disabled"), |row| Ok(row.disabled.to_string())),
    (text("is_fallback"), |row| Ok(row.is_fallback.to_string())),
    (number("sort_order"), |row| {
        Ok(row.sort_order.map(|n| n.to_string()).unwrap_or_default())
    }),
    (text("allowed_models"), |row| {
        Ok(row.allowed_models.clone().unwrap_or_default().join(";"))
    }),
    (text("workspace_id"), |row| {
        Ok(row.workspace_id.clone().unwrap_or_default())
    }),
    (text("created_at"), |row| {
        Ok(row.created_at.clone().unwrap_or_default())
    }),
];

from_operation!(
    /// `byok list`'s flags: the list's filters (paging is done for you).
    ByokList,
    ops::BYOK_LIST,
    Options {
        positional_path: true,
        skip: &["offset", "limit"],
        body: false,
    }
);

/// `openrouter byok ...`.
#[derive(Debug, Subcommand)]
pub enum ByokCommand {
    /// Every provider key (all pages): provider, name, masked label, state.
    #[command(after_help = examples(&["openrouter byok list", "openrouter byok list --provider openai -f csv"]))]
    List(ListArgs),
}

/// `byok list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The generated filters.
    #[command(flatten)]
    pub flags: Generated<ByokList>,
}

/// A checked `byok` command line.
#[derive(Debug)]
pub enum Plan {
    /// `list`, with its filters.
    List(Vec<(String, String)>),
}

impl Plan {
    /// Checks the flags (clap did).
    pub fn new(command: &ByokCommand) -> Self {
        match command {
            ByokCommand::List(args) => Self::List(args.flags.args.clone()),
        }
    }

    /// Fetches every page and renders it.
    pub async fn execute(&self, ctx: &Context<'_>, style: Style) -> Result<Output, Failure> {
        let Self::List(args) = self;
        let items = by_name::every_item(ctx, "listing BYOK keys", ops::BYOK_LIST, args).await?;
        if style.format == Format::Json {
            return Output::render(style, |out| {
                view::write_list_json(out, items.into_iter().map(|(_, raw)| raw).collect())
            });
        }
        let rows = items
            .iter()
            .map(|(value, _)| {
                serde_json::from_value::<ByokKey>(value.clone()).map_err(|err| {
                    Failure::other(format!(
                        "a BYOK key in OpenRouter's answer is not readable: {err}"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Output::render(style, |out| match style.format {
            Format::Csv => byok_csv(&rows, out),
            _ => byok_table(&rows, out),
        })
    }
}

/// The fields of a provider key this tool shows (never a secret: the API sends a
/// masked label).
#[derive(Clone, Debug, Deserialize)]
struct ByokKey {
    id: String,
    provider: serde_json::Value,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    label: String,
    #[serde(default)]
    disabled: bool,
    #[serde(default)]
    is_fallback: bool,
    #[serde(default)]
    sort_order: Option<i64>,
    #[serde(default)]
    allowed_models: Option<Vec<String>>,
    #[serde(default)]
    workspace_id: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
}

fn byok_table(rows: &[ByokKey], out: &mut Out<'_>) -> io::Result<()> {
    let mut table = Table::new([
        ("PROVIDER", Align::Left),
        ("NAME", Align::Left),
        ("LABEL", Align::Left),
        ("ID", Align::Left),
        ("DISABLED", Align::Left),
        ("FALLBACK", Align::Left),
        ("MODELS", Align::Left),
        ("CREATED (UTC)", Align::Left),
    ])
    .optional("CREATED (UTC)", 1)
    .optional("MODELS", 2)
    .optional("FALLBACK", 3)
    .optional("ID", 4);
    for row in rows {
        table.row(vec![
            cell(&row.provider),
            row.name.clone().unwrap_or_default(),
            row.label.clone(),
            out.style().short_id(&row.id),
            view::yes_no(row.disabled),
            view::yes_no(row.is_fallback),
            match &row.allowed_models {
                Some(models) if !models.is_empty() => models.join(", "),
                _ => "any".into(),
            },
            row.created_at
                .as_deref()
                .map(view::time_text)
                .unwrap_or_default(),
        ]);
    }
    table.write(out)
}

fn byok_csv(rows: &[ByokKey], out: &mut Out<'_>) -> io::Result<()> {
    write_rows(out, &CSV_FIELDS, rows)
}
