//! `openrouter key` (the key in use) and `openrouter credits`.

use std::io::{self, Write};

use openrouter_analytics::types::{GetCreditsResponseData, GetCurrentKeyResponseData, KeyBudget};

use super::view::{self, write_fields};
use super::{Context, Output};
use crate::args::Format;
use crate::exit::Failure;
use crate::output::table::{Align, Table, usd};
use crate::output::{csv_error, csv_writer, plain_number, write_raw_json};

/// The CSV header of `openrouter key`: the API's field names (budgets are in the table
/// and the JSON, being a list of their own).
pub const KEY_CSV_FIELDS: [&str; 12] = [
    "label",
    "is_management_key",
    "limit",
    "limit_remaining",
    "limit_reset",
    "usage_daily",
    "usage_weekly",
    "usage_monthly",
    "usage",
    "byok_usage",
    "expires_at",
    "workspace_id",
];

/// `openrouter key`.
pub async fn current(ctx: &Context<'_>, format: Format) -> Result<Output, Failure> {
    ctx.describe("GET", "/key");
    let response = ctx
        .call(
            "fetching the key",
            ctx.client
                .api_keys()
                .get_current_key_metadata()
                .send_with_raw_body(),
        )
        .await?;
    let key = &response.value.data;
    Output::render(|out| match format {
        Format::Json => write_raw_json(out, &response.raw_body),
        Format::Csv => key_csv(key, out),
        Format::Table => key_table(key, out),
    })
}

fn key_table(key: &GetCurrentKeyResponseData, out: &mut dyn Write) -> io::Result<()> {
    let mut fields = vec![
        ("Label", key.label.clone()),
        ("Management key", view::yes_no(key.is_management_key)),
        (
            "Limit",
            limit_with_reset(key.limit, key.limit_reset.as_deref()),
        ),
        ("Remaining", view::optional_usd(key.limit_remaining)),
        ("Usage today", usd(key.usage_daily)),
        ("Usage this week", usd(key.usage_weekly)),
        ("Usage this month", usd(key.usage_monthly)),
        ("Usage total", usd(key.usage)),
    ];
    if key.byok_usage != 0.0 {
        fields.push(("BYOK usage total", usd(key.byok_usage)));
    }
    fields.push((
        "Expires (UTC)",
        view::optional_time(key.expires_at.as_ref(), "never"),
    ));
    write_fields(out, &fields)?;
    writeln!(out)?;
    budgets_table(&key.budgets, out)
}

/// A limit and how often it resets: `$25.0000 (monthly)`.
pub fn limit_with_reset(limit: Option<f64>, reset: Option<&str>) -> String {
    match (limit, reset) {
        (Some(_), Some(reset)) if !reset.is_empty() => {
            format!("{} ({reset})", view::limit(limit))
        }
        _ => view::limit(limit),
    }
}

/// The budgets that apply to the key, one row each, or a line saying there are none.
fn budgets_table(budgets: &[KeyBudget], out: &mut dyn Write) -> io::Result<()> {
    if budgets.is_empty() {
        return writeln!(out, "Budgets: none");
    }
    writeln!(out, "Budgets ({})", budgets.len())?;
    let mut table = Table::new([
        ("SCOPE", Align::Left),
        ("LIMIT (USD)", Align::Right),
        ("SPENT (USD)", Align::Right),
        ("REMAINING (USD)", Align::Right),
        ("RESETS", Align::Left),
        ("NEXT RESET (UTC)", Align::Left),
    ]);
    for budget in budgets {
        table.row(vec![
            budget.scope.to_string(),
            usd(budget.limit_usd),
            usd(budget.spend_usd),
            usd(budget.remaining_usd),
            budget
                .reset_interval
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_else(|| "never".into()),
            view::optional_time(budget.resets_at.as_ref(), ""),
        ]);
    }
    table.write(out)
}

fn key_csv(key: &GetCurrentKeyResponseData, out: &mut dyn Write) -> io::Result<()> {
    let mut csv = csv_writer(out);
    csv.write_record(KEY_CSV_FIELDS).map_err(csv_error)?;
    csv.write_record([
        key.label.clone(),
        key.is_management_key.to_string(),
        key.limit.map(plain_number).unwrap_or_default(),
        key.limit_remaining.map(plain_number).unwrap_or_default(),
        key.limit_reset.clone().unwrap_or_default(),
        plain_number(key.usage_daily),
        plain_number(key.usage_weekly),
        plain_number(key.usage_monthly),
        plain_number(key.usage),
        plain_number(key.byok_usage),
        view::csv_time(key.expires_at.as_ref()),
        key.workspace_id.clone().unwrap_or_default(),
    ])
    .map_err(csv_error)?;
    csv.flush()
}

/// `openrouter credits`.
pub async fn credits(ctx: &Context<'_>, format: Format) -> Result<Output, Failure> {
    ctx.describe("GET", "/credits");
    let response = ctx
        .call(
            "fetching credits",
            ctx.client.credits().get_credits().send_with_raw_body(),
        )
        .await?;
    let credits = &response.value.data;
    Output::render(|out| match format {
        Format::Json => write_raw_json(out, &response.raw_body),
        Format::Csv => credits_csv(credits, out),
        Format::Table => write_fields(
            out,
            &[
                ("Total credits", usd(credits.total_credits)),
                ("Total usage", usd(credits.total_usage)),
                ("Balance", usd(balance(credits))),
            ],
        ),
    })
}

/// What is left: credits bought minus credits used.
fn balance(credits: &GetCreditsResponseData) -> f64 {
    view::difference(credits.total_credits, credits.total_usage)
}

fn credits_csv(credits: &GetCreditsResponseData, out: &mut dyn Write) -> io::Result<()> {
    let mut csv = csv_writer(out);
    csv.write_record(["total_credits", "total_usage", "balance"])
        .map_err(csv_error)?;
    csv.write_record([
        plain_number(credits.total_credits),
        plain_number(credits.total_usage),
        plain_number(balance(credits)),
    ])
    .map_err(csv_error)?;
    csv.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_say_when_they_reset() {
        assert_eq!(
            limit_with_reset(Some(25.0), Some("monthly")),
            "$25.00 (monthly)"
        );
        assert_eq!(limit_with_reset(Some(25.0), None), "$25.00");
        assert_eq!(limit_with_reset(None, Some("monthly")), "none");
    }

    #[test]
    fn the_balance_is_credits_minus_usage_without_float_noise() {
        let credits = GetCreditsResponseData {
            total_credits: 0.3,
            total_usage: 0.1,
        };
        assert_eq!(balance(&credits), 0.2);
    }
}
