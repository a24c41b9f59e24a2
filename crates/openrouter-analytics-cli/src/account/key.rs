//! `openrouter key` (the key in use) and `openrouter credits`.

use std::io::{self, Write};

use chrono::Utc;
use openrouter_analytics::types::{GetCreditsResponseData, GetCurrentKeyResponseData, KeyBudget};
use openrouter_analytics_watch::{DailySpend, Runway};

use super::view::{self, write_fields};
use super::{Context, Output};
use crate::exit::Failure;
use crate::output::money;
use crate::output::sheet::{Field, Sheet, number, text, write_rows};
use crate::output::table::{Align, Table};
use crate::output::write_raw_json;
use crate::output::{Format, Out, Style};

/// The CSV header of `openrouter key`: the API's field names (budgets are in the table
/// and the JSON, being a list of their own).
const KEY_CSV_FIELDS: [Field<GetCurrentKeyResponseData>; 12] = [
    (text("label"), |key| Ok(key.label.clone())),
    (text("is_management_key"), |key| {
        Ok(key.is_management_key.to_string())
    }),
    (number("limit"), |key| money::plain_or_blank(key.limit)),
    (number("limit_remaining"), |key| {
        money::plain_or_blank(key.limit_remaining)
    }),
    (text("limit_reset"), |key| {
        Ok(key.limit_reset.clone().unwrap_or_default())
    }),
    (number("usage_daily"), |key| money::plain(key.usage_daily)),
    (number("usage_weekly"), |key| money::plain(key.usage_weekly)),
    (number("usage_monthly"), |key| {
        money::plain(key.usage_monthly)
    }),
    (number("usage"), |key| money::plain(key.usage)),
    (number("byok_usage"), |key| money::plain(key.byok_usage)),
    (text("expires_at"), |key| {
        Ok(view::csv_time(key.expires_at.as_ref()))
    }),
    (text("workspace_id"), |key| {
        Ok(key.workspace_id.clone().unwrap_or_default())
    }),
];

/// `openrouter key`.
pub async fn current(ctx: &Context<'_>, style: Style) -> Result<Output, Failure> {
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
    Output::render(style, |out| match style.format {
        Format::Json => write_raw_json(out, &response.raw_body),
        Format::Csv => key_csv(key, out),
        Format::Table => key_table(key, out),
    })
}

fn key_table(key: &GetCurrentKeyResponseData, out: &mut Out<'_>) -> io::Result<()> {
    let mut fields = vec![
        ("Label", key.label.clone()),
        ("Management key", view::yes_no(key.is_management_key)),
        (
            "Limit",
            limit_with_reset(key.limit, key.limit_reset.as_deref())?,
        ),
        ("Remaining", view::optional_usd(key.limit_remaining)?),
        ("Usage today", money::usd(key.usage_daily)?),
        ("Usage this week", money::usd(key.usage_weekly)?),
        ("Usage this month", money::usd(key.usage_monthly)?),
        ("Usage total", money::usd(key.usage)?),
    ];
    if key.byok_usage != 0.0 {
        fields.push(("BYOK usage total", money::usd(key.byok_usage)?));
    }
    fields.push((
        "Expires (UTC)",
        view::optional_time(key.expires_at.as_ref(), "never"),
    ));
    write_fields(out, &fields)?;
    writeln!(out)?;
    budgets_table(&key.budgets, out)
}

/// A limit and how often it resets: `$25.00 (monthly)`.
pub fn limit_with_reset(
    limit: Option<f64>,
    reset: Option<&str>,
) -> Result<String, money::Unprintable> {
    Ok(match (limit, reset) {
        (Some(_), Some(reset)) if !reset.is_empty() => {
            format!("{} ({reset})", view::limit(limit)?)
        }
        _ => view::limit(limit)?,
    })
}

/// The budgets that apply to the key, one row each, or a line saying there are none.
fn budgets_table(budgets: &[KeyBudget], out: &mut Out<'_>) -> io::Result<()> {
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
            money::usd(budget.limit_usd)?,
            money::usd(budget.spend_usd)?,
            money::usd(budget.remaining_usd)?,
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

fn key_csv(key: &GetCurrentKeyResponseData, out: &mut Out<'_>) -> io::Result<()> {
    write_rows(out, &KEY_CSV_FIELDS, [key])
}

/// `openrouter credits`: the balance, and its runway at the last 7 completed days'
/// mean spend (from `GET /activity`; if that fails the runway is left out with a note).
pub async fn credits(ctx: &Context<'_>, style: Style) -> Result<Output, Failure> {
    ctx.describe("GET", "/credits");
    let response = ctx
        .call(
            "fetching credits",
            ctx.client.credits().get_credits().send_with_raw_body(),
        )
        .await?;
    let credits = &response.value.data;
    ctx.describe("GET", "/activity");
    let activity = ctx
        .call(
            "fetching activity for the runway",
            ctx.client.analytics().get_user_activity().send(),
        )
        .await;
    let yesterday = Utc::now()
        .date_naive()
        .pred_opt()
        .unwrap_or_else(|| Utc::now().date_naive());
    let mut notes = Vec::new();
    let runway = match activity {
        Ok(activity) => Some(Runway::new(
            balance(credits),
            &DailySpend::from_activity(&activity.data),
            yesterday,
        )),
        Err(failure) => {
            notes.push(format!("note: no runway: {}", failure.message));
            None
        }
    };
    let mut output = Output::render(style, |out| match style.format {
        Format::Json => write_raw_json(out, &response.raw_body),
        Format::Csv => credits_csv(credits, runway.as_ref(), out),
        Format::Table => {
            let mut fields = vec![
                ("Total credits", money::usd(credits.total_credits)?),
                ("Total usage", money::usd(credits.total_usage)?),
                ("Balance", money::usd(balance(credits))?),
            ];
            if let Some(runway) = &runway {
                fields.push((
                    "Mean daily spend",
                    format!(
                        "{} (the 7 days to {})",
                        money::usd(runway.mean_daily_spend_usd)?,
                        runway.window_end
                    ),
                ));
                fields.push(("Runway", runway.describe()));
            }
            write_fields(out, &fields)
        }
    })?;
    output.notes = notes;
    Ok(output)
}

/// What is left: credits bought minus credits used.
fn balance(credits: &GetCreditsResponseData) -> f64 {
    view::difference(credits.total_credits, credits.total_usage)
}

fn credits_csv(
    credits: &GetCreditsResponseData,
    runway: Option<&Runway>,
    out: &mut Out<'_>,
) -> io::Result<()> {
    let mut csv = Sheet::new(
        out,
        [
            number("total_credits"),
            number("total_usage"),
            number("balance"),
            number("mean_daily_spend_7d"),
            number("runway_days"),
        ],
    )?;
    let (mean, days) = match runway {
        Some(runway) if runway.days.is_infinite() => (
            money::plain(runway.mean_daily_spend_usd)?,
            "inf".to_string(),
        ),
        Some(runway) => (
            money::plain(runway.mean_daily_spend_usd)?,
            format!("{:.2}", runway.days),
        ),
        None => (String::new(), String::new()),
    };
    csv.row([
        money::plain(credits.total_credits)?,
        money::plain(credits.total_usage)?,
        money::plain(balance(credits))?,
        mean,
        days,
    ])?;
    csv.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_say_when_they_reset() {
        assert_eq!(
            limit_with_reset(Some(25.0), Some("monthly")).expect("printable"),
            "$25.00 (monthly)"
        );
        assert_eq!(
            limit_with_reset(Some(25.0), None).expect("printable"),
            "$25.00"
        );
        assert_eq!(
            limit_with_reset(None, Some("monthly")).expect("printable"),
            "none"
        );
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
