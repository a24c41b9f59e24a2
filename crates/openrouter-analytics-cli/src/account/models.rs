//! `openrouter models [--sort price|name]`: the models and their prices, per million
//! tokens, for cost estimates. The list's filters come from the spec (the generated
//! table); the API's own `sort` parameter is left to `openrouter api models list`.

use openrouter_analytics::ops;
use std::cmp::Ordering;
use std::io;

use clap::{Args, ValueEnum};
use serde::Deserialize;

use super::{Context, Output, by_name, examples, view};
use crate::exit::Failure;
use crate::flags::{Generated, Options, from_operation};
use crate::output::money;
use crate::output::sheet::{Sheet, number, text};
use crate::output::table::{Align, Table, thousands};
use crate::output::{Format, Out, Style};

from_operation!(
    /// `models`' flags: the list's filters (paging is done for you).
    ModelsList,
    ops::MODELS_LIST,
    Options {
        positional_path: true,
        skip: &["offset", "limit", "sort"],
        body: false,
    }
);

/// `openrouter models`.
#[derive(Debug, Args)]
#[command(after_help = examples(&[
    "openrouter models --sort price",
    "openrouter models -f csv > prices.csv",
]))]
pub struct ModelsArgs {
    /// Order: price (prompt price, then completion price, cheapest first) or name
    /// [default: the API's order].
    #[arg(long, value_enum, value_name = "KEY")]
    pub sort: Option<ModelSort>,

    /// The generated filters.
    #[command(flatten)]
    pub flags: Generated<ModelsList>,
}

/// What `models --sort` orders by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelSort {
    /// Prompt price, then completion price, cheapest first.
    Price,
    /// Model id, A to Z.
    Name,
}

/// A checked `models` command line.
#[derive(Debug)]
pub struct Plan {
    args: Vec<(String, String)>,
    sort: Option<ModelSort>,
}

impl Plan {
    /// Checks the flags (clap did).
    pub fn new(args: &ModelsArgs) -> Self {
        Self {
            args: args.flags.args.clone(),
            sort: args.sort,
        }
    }

    /// Fetches every page and renders the price table.
    pub async fn execute(&self, ctx: &Context<'_>, style: Style) -> Result<Output, Failure> {
        let items =
            by_name::every_item(ctx, "listing models", ops::MODELS_LIST, &self.args).await?;
        let mut rows = items
            .into_iter()
            .map(|(value, raw)| {
                serde_json::from_value::<ModelRow>(value)
                    .map(|row| (row, raw))
                    .map_err(|err| {
                        Failure::other(format!(
                            "a model in OpenRouter's answer is not readable: {err}"
                        ))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(sort) = self.sort {
            sort_models(&mut rows, sort);
        }
        Output::render(style, |out| match style.format {
            Format::Json => {
                view::write_list_json(out, rows.into_iter().map(|(_, raw)| raw).collect())
            }
            Format::Csv => models_csv(rows.iter().map(|(row, _)| row), out),
            Format::Table => models_table(rows.iter().map(|(row, _)| row), out),
        })
    }
}

/// The fields of a model this tool shows.
#[derive(Clone, Debug, Deserialize)]
pub struct ModelRow {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    context_length: Option<i64>,
    pricing: Pricing,
}

/// A model's prices: US dollars per token, as decimal text.
#[derive(Clone, Debug, Deserialize)]
struct Pricing {
    prompt: String,
    completion: String,
}

/// Dollars per million tokens, from the API's dollars per token; `None` for a price that
/// is not a number or is negative (a router's "depends on the model it picks").
fn per_million(per_token: &str) -> Option<f64> {
    let value: f64 = per_token.trim().parse().ok()?;
    (value.is_finite() && value >= 0.0).then(|| ((value * 1e6) * 1e6).round() / 1e6)
}

fn price_cell(per_token: &str) -> Result<String, money::Unprintable> {
    per_million(per_token).map_or_else(|| Ok("varies".into()), money::price)
}

/// Sorts models (stable); prices that vary sort last.
fn sort_models<T>(rows: &mut [(ModelRow, T)], sort: ModelSort) {
    let price = |row: &ModelRow| {
        (
            per_million(&row.pricing.prompt).unwrap_or(f64::INFINITY),
            per_million(&row.pricing.completion).unwrap_or(f64::INFINITY),
        )
    };
    rows.sort_by(|(a, _), (b, _)| match sort {
        ModelSort::Price => {
            let (a, b) = (price(a), price(b));
            a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
        }
        ModelSort::Name => a.id.cmp(&b.id).then(Ordering::Equal),
    });
}

fn models_table<'a>(rows: impl Iterator<Item = &'a ModelRow>, out: &mut Out<'_>) -> io::Result<()> {
    let mut table = Table::new([
        ("MODEL", Align::Left),
        ("PROMPT (USD/M)", Align::Right),
        ("COMPLETION (USD/M)", Align::Right),
        ("CONTEXT", Align::Right),
        ("NAME", Align::Left),
    ])
    .optional("NAME", 2)
    .optional("CONTEXT", 1);
    for row in rows {
        table.row(vec![
            row.id.clone(),
            price_cell(&row.pricing.prompt)?,
            price_cell(&row.pricing.completion)?,
            row.context_length.map(thousands).unwrap_or_default(),
            row.name.clone(),
        ]);
    }
    table.write(out)
}

/// CSV keeps the API's prices exactly as sent (dollars per token) beside the per-million
/// figures.
fn models_csv<'a>(rows: impl Iterator<Item = &'a ModelRow>, out: &mut Out<'_>) -> io::Result<()> {
    let mut csv = Sheet::new(
        out,
        [
            text("id"),
            text("name"),
            number("context_length"),
            number("prompt"),
            number("completion"),
            number("prompt_per_million"),
            number("completion_per_million"),
        ],
    )?;
    for row in rows {
        let million = |text: &str| per_million(text).map(|v| v.to_string()).unwrap_or_default();
        csv.row([
            row.id.clone(),
            row.name.clone(),
            row.context_length
                .map(|n| n.to_string())
                .unwrap_or_default(),
            row.pricing.prompt.clone(),
            row.pricing.completion.clone(),
            million(&row.pricing.prompt),
            million(&row.pricing.completion),
        ])?;
    }
    csv.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_per_token_become_dollars_per_million() {
        assert_eq!(per_million("0.000003"), Some(3.0));
        assert_eq!(per_million("0.00000015"), Some(0.15));
        assert_eq!(per_million("0"), Some(0.0));
        assert_eq!(per_million("-1"), None);
        assert_eq!(per_million("n/a"), None);
        assert_eq!(price_cell("0.0000025").expect("printable"), "$2.50");
        assert_eq!(price_cell("-1").expect("printable"), "varies");
    }
}
