//! `openrouter models [--sort price|name]`: the models and their prices, per million
//! tokens, for cost estimates. The list's filters come from the spec (the generated
//! table); the API's own `sort` parameter is left to `openrouter api models list`.

use openrouter_analytics::ops;

use clap::{Args, ValueEnum};
use serde_json::Value;

use super::{Context, Output, by_name, examples, show_items};
use crate::exit::Failure;
use crate::flags::{Generated, Options, from_operation};
use crate::output::Style;
use crate::output::resource::price_per_million;
use crate::output::resources;

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
    pub async fn execute(&self, ctx: &Context<'_>, style: Style<'_>) -> Result<Output, Failure> {
        let mut list = by_name::items(ctx, "listing models", ops::MODELS_LIST, &self.args).await?;
        if let Some(sort) = self.sort {
            sort_models(&mut list.items, sort);
        }
        show_items(style, ops::MODELS_LIST, &resources::MODELS, list)
    }
}

/// A model's price per million tokens (`prompt` or `completion`); one that varies or
/// is missing sorts last.
fn price(model: &Value, which: &str) -> f64 {
    price_per_million(&model["pricing"][which]).unwrap_or(f64::INFINITY)
}

/// Sorts models (stable): by prompt then completion price, or by id.
fn sort_models<T>(rows: &mut [(Value, T)], sort: ModelSort) {
    rows.sort_by(|(a, _), (b, _)| match sort {
        ModelSort::Price => price(a, "prompt")
            .total_cmp(&price(b, "prompt"))
            .then(price(a, "completion").total_cmp(&price(b, "completion"))),
        ModelSort::Name => a["id"]
            .as_str()
            .unwrap_or_default()
            .cmp(b["id"].as_str().unwrap_or_default()),
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn prices_per_token_become_dollars_per_million_and_sort_cheapest_first() {
        assert_eq!(price_per_million(&json!("0.000003")), Some(3.0));
        assert_eq!(price_per_million(&json!("0.00000015")), Some(0.15));
        assert_eq!(price_per_million(&json!("0")), Some(0.0));
        assert_eq!(price_per_million(&json!("-1")), None);
        assert_eq!(price_per_million(&json!("n/a")), None);
        let model = |id: &str, prompt: &str| json!({"id": id, "pricing": {"prompt": prompt, "completion": "0"}});
        let mut rows = vec![
            (model("c", "-1"), ()),
            (model("b", "0.000003"), ()),
            (model("a", "0.0000003"), ()),
        ];
        sort_models(&mut rows, ModelSort::Price);
        let ids: Vec<&str> = rows.iter().filter_map(|(m, _)| m["id"].as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        sort_models(&mut rows, ModelSort::Name);
        let ids: Vec<&str> = rows.iter().filter_map(|(m, _)| m["id"].as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
    }
}
