//! `openrouter analytics meta`: what an analytics query may name.

use std::io::{self, Write};

use openrouter_analytics::types::AnalyticsMetaResponse;
use openrouter_analytics::{Client, Error, WithRawBody};

use crate::output::Format;
use crate::output::Out;
use crate::output::sheet::{Column, Sheet, text};
use crate::output::table::{Align, Table};
use crate::output::write_raw_json;

/// The CSV header: one row per metric, dimension, operator or granularity.
pub const CSV_FIELDS: [Column; 6] = [
    text("kind"),
    text("name"),
    text("display_label"),
    text("display_format"),
    text("is_rate"),
    text("value_type"),
];

/// What the request looks like, for `-v`.
pub fn describe(base_url: &str) -> String {
    format!("GET {}/analytics/meta", base_url.trim_end_matches('/'))
}

/// Sends the request.
pub async fn fetch(client: &Client) -> Result<WithRawBody<AnalyticsMetaResponse>, Error> {
    client
        .analytics()
        .get_analytics_meta()
        .send_with_raw_body()
        .await
}

/// Prints the vocabulary in `format`; JSON is `raw`, the body as OpenRouter sent it.
pub fn print(
    response: &AnalyticsMetaResponse,
    raw: &[u8],
    format: Format,
    out: &mut Out<'_>,
) -> io::Result<()> {
    match format {
        Format::Json => write_raw_json(out, raw),
        Format::Csv => csv(response, out),
        Format::Table => table(response, out),
    }
}

/// One CSV row per item; columns that do not apply to the kind are blank.
fn csv(response: &AnalyticsMetaResponse, out: &mut Out<'_>) -> io::Result<()> {
    let meta = &response.data;
    let mut rows: Vec<[String; 6]> = Vec::new();
    for m in &meta.metrics {
        rows.push([
            "metric".into(),
            m.name.clone(),
            m.display_label.clone(),
            m.display_format.to_string(),
            m.is_rate.to_string(),
            String::new(),
        ]);
    }
    for d in &meta.dimensions {
        rows.push([
            "dimension".into(),
            d.name.clone(),
            d.display_label.clone(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    for o in &meta.operators {
        rows.push([
            "operator".into(),
            o.name.to_string(),
            String::new(),
            String::new(),
            String::new(),
            o.value_type.to_string(),
        ]);
    }
    for g in &meta.granularities {
        rows.push([
            "granularity".into(),
            g.name.to_string(),
            g.display_label.clone(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    let mut csv = Sheet::new(out, CSV_FIELDS)?;
    for row in rows {
        csv.row(row)?;
    }
    csv.finish()
}

/// Four small tables, one per section, each under a title.
fn table(response: &AnalyticsMetaResponse, out: &mut Out<'_>) -> io::Result<()> {
    let meta = &response.data;

    writeln!(out, "Metrics ({})", meta.metrics.len())?;
    let mut metrics = Table::new([
        ("NAME", Align::Left),
        ("LABEL", Align::Left),
        ("FORMAT", Align::Left),
        ("RATE", Align::Left),
    ]);
    for m in &meta.metrics {
        metrics.row(vec![
            m.name.clone(),
            m.display_label.clone(),
            m.display_format.to_string(),
            if m.is_rate { "yes" } else { "no" }.into(),
        ]);
    }
    metrics.write(out)?;

    writeln!(out, "\nDimensions ({})", meta.dimensions.len())?;
    let mut dimensions = Table::new([("NAME", Align::Left), ("LABEL", Align::Left)]);
    for d in &meta.dimensions {
        dimensions.row(vec![d.name.clone(), d.display_label.clone()]);
    }
    dimensions.write(out)?;

    writeln!(out, "\nFilter operators ({})", meta.operators.len())?;
    let mut operators = Table::new([("NAME", Align::Left), ("VALUE", Align::Left)]);
    for o in &meta.operators {
        operators.row(vec![o.name.to_string(), o.value_type.to_string()]);
    }
    operators.write(out)?;

    writeln!(out, "\nGranularities ({})", meta.granularities.len())?;
    let mut granularities = Table::new([("NAME", Align::Left), ("LABEL", Align::Left)]);
    for g in &meta.granularities {
        granularities.row(vec![g.name.to_string(), g.display_label.clone()]);
    }
    granularities.write(out)
}
