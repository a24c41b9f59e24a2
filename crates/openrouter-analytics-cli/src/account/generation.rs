//! `openrouter generation ID`: one request's model, provider, tokens, cost and latency.

use std::io;

use clap::Args;
use openrouter_analytics::types::GenerationResponseData;

use super::view::{self, write_fields};
use super::{Context, Output};
use crate::exit::Failure;
use crate::output::money;
use crate::output::sheet::{Field, number, text, write_rows};
use crate::output::table::thousands;
use crate::output::write_raw_json;
use crate::output::{Format, Out, Style};

/// The CSV header: the API's field names.
const CSV_FIELDS: [Field<GenerationResponseData>; 15] = [
    (text("id"), |g| Ok(g.id.clone())),
    (text("created_at"), |g| Ok(g.created_at.clone())),
    (text("model"), |g| Ok(g.model.clone())),
    (text("provider_name"), |g| {
        Ok(g.provider_name.clone().unwrap_or_default())
    }),
    (number("tokens_prompt"), |g| {
        Ok(g.tokens_prompt.map(|n| n.to_string()).unwrap_or_default())
    }),
    (number("tokens_completion"), |g| {
        Ok(g.tokens_completion
            .map(|n| n.to_string())
            .unwrap_or_default())
    }),
    (number("native_tokens_reasoning"), |g| {
        Ok(g.native_tokens_reasoning
            .map(|n| n.to_string())
            .unwrap_or_default())
    }),
    (number("native_tokens_cached"), |g| {
        Ok(g.native_tokens_cached
            .map(|n| n.to_string())
            .unwrap_or_default())
    }),
    (number("total_cost"), |g| money::plain(g.total_cost)),
    (number("usage"), |g| money::plain(g.usage)),
    (text("is_byok"), |g| Ok(g.is_byok.to_string())),
    (number("latency"), |g| money::plain_or_blank(g.latency)),
    (number("generation_time"), |g| {
        money::plain_or_blank(g.generation_time)
    }),
    (text("finish_reason"), |g| {
        Ok(g.finish_reason.clone().unwrap_or_default())
    }),
    (text("streamed"), |g| {
        Ok(g.streamed.map(|s| s.to_string()).unwrap_or_default())
    }),
];

/// `openrouter generation`.
#[derive(Debug, Args)]
pub struct GenerationArgs {
    /// The generation's id (the `id` of a completion response, e.g. gen-...).
    pub id: String,
}

/// Checks the id.
pub fn check(args: &GenerationArgs) -> Result<String, String> {
    let id = args.id.trim();
    if id.is_empty() {
        Err("the generation id must not be empty".into())
    } else {
        Ok(id.to_string())
    }
}

/// `openrouter generation ID`.
pub async fn show(ctx: &Context<'_>, id: &str, style: Style) -> Result<Output, Failure> {
    ctx.describe("GET", &format!("/generation?id={id}"));
    let response = ctx
        .call(
            "fetching the generation",
            ctx.client
                .generations()
                .get_generation()
                .id(id)
                .send_with_raw_body(),
        )
        .await?;
    let generation = &response.value.data;
    Output::render(style, |out| match style.format {
        Format::Json => write_raw_json(out, &response.raw_body),
        Format::Csv => generation_csv(generation, out),
        Format::Table => write_fields(out, &fields(generation)?),
    })
}

/// Milliseconds for people: `1,234 ms`; blank when the API does not say.
pub fn millis(value: Option<f64>) -> String {
    match value {
        Some(ms) if ms.is_finite() => format!("{} ms", thousands(ms.round() as i64)),
        _ => String::new(),
    }
}

/// A token count, blank when the API does not say.
fn tokens(value: Option<i64>) -> String {
    value.map(thousands).unwrap_or_default()
}

fn fields(g: &GenerationResponseData) -> Result<Vec<(&'static str, String)>, money::Unprintable> {
    let mut fields = vec![
        ("ID", g.id.clone()),
        ("Created (UTC)", view::time_text(&g.created_at)),
        ("Model", g.model.clone()),
        ("Provider", g.provider_name.clone().unwrap_or_default()),
        ("Prompt tokens", tokens(g.tokens_prompt)),
        ("Completion tokens", tokens(g.tokens_completion)),
    ];
    if let Some(reasoning) = g.native_tokens_reasoning.filter(|&n| n != 0) {
        fields.push(("Reasoning tokens", thousands(reasoning)));
    }
    if let Some(cached) = g.native_tokens_cached.filter(|&n| n != 0) {
        fields.push(("Cached tokens", thousands(cached)));
    }
    fields.extend([
        ("Cost", money::price(g.total_cost)?),
        ("BYOK", view::yes_no(g.is_byok)),
        ("Latency", millis(g.latency)),
        ("Generation time", millis(g.generation_time)),
        ("Finish reason", g.finish_reason.clone().unwrap_or_default()),
        ("Streamed", g.streamed.map(view::yes_no).unwrap_or_default()),
    ]);
    Ok(fields)
}

fn generation_csv(g: &GenerationResponseData, out: &mut Out<'_>) -> io::Result<()> {
    write_rows(out, &CSV_FIELDS, [g])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_are_grouped_and_rounded() {
        assert_eq!(millis(Some(1234.4)), "1,234 ms");
        assert_eq!(millis(Some(0.6)), "1 ms");
        assert_eq!(millis(None), "");
        assert_eq!(millis(Some(f64::NAN)), "");
        assert_eq!(tokens(Some(12345)), "12,345");
        assert_eq!(tokens(None), "");
    }
}
