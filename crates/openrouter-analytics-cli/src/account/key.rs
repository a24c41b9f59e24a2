//! What the API does not say about the key in use and the credits: the table of the
//! budgets that apply to the key (`openrouter key`), and the balance and its runway
//! (`openrouter credits`).

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use openrouter_analytics::ops;
use openrouter_analytics::types::KeyBudget;
use openrouter_analytics_watch::{DailySpend, Runway};
use serde_json::Value;

use crate::exit::Failure;
use crate::output::money;
use crate::output::resource::Extra;
use crate::output::table::{Align, Table};
use crate::output::{Format, Out, Style};
use crate::verb::call as by_name;
use crate::verb::{Context, Output, show_answer};

/// A blank line, then [`budgets_table`].
pub fn budgets(answer: &Value, out: &mut Out<'_>) -> io::Result<()> {
    writeln!(out)?;
    budgets_table(&answer["data"]["budgets"], out)
}

/// The budgets that apply to the key, one row each, or a line saying there are none
/// (or that they could not be read).
fn budgets_table(budgets: &Value, out: &mut Out<'_>) -> io::Result<()> {
    let budgets: Vec<KeyBudget> = match serde_json::from_value(budgets.clone()) {
        Ok(budgets) => budgets,
        Err(_) if budgets.is_null() => Vec::new(),
        Err(_) => return writeln!(out, "Budgets: not as the spec says; see -f json"),
    };
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
            optional_time(budget.resets_at.as_ref(), ""),
        ]);
    }
    table.write(out)
}

/// `openrouter credits`: the balance, and its runway at the last 7 completed days'
/// mean spend (from `GET /activity`; if that fails the runway is left out with a note).
pub async fn credits(ctx: &Context<'_>, style: Style<'_>) -> Result<Output, Failure> {
    let op = ops::CREDITS_GET_CREDITS;
    let answer = by_name::one(ctx, "fetching credits", op, &[], None).await?;
    let mut notes = Vec::new();
    let balance = balance(&answer.body["data"]);
    let runway = match (style.format, balance) {
        (Format::Json, _) => None,
        (_, None) => {
            notes.push("note: no balance or runway: the answer lacks the credits or usage".into());
            None
        }
        (_, Some(balance)) => {
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
            match activity {
                Ok(activity) => Some(Runway::new(
                    balance,
                    &DailySpend::from_activity(&activity.data),
                    yesterday,
                )),
                Err(failure) => {
                    notes.push(format!("note: no runway: {}", failure.message));
                    None
                }
            }
        }
    };
    let extra =
        extras(balance, runway.as_ref()).map_err(|err| Failure::output(&io::Error::other(err)))?;
    let extra: &[Extra] = match style.format {
        // The table shows the runway only when there is one.
        Format::Table => &extra[..if runway.is_some() { 3 } else { 1 }],
        _ => &extra,
    };
    // Without a balance there is no runway either: the answer's fields alone.
    let extra = if balance.is_some() { extra } else { &[] };
    let mut output = show_answer(style, op, &answer, extra)?;
    output.notes.extend(notes);
    Ok(output)
}

/// The balance, the mean daily spend and the runway, as the table and CSV show them.
fn extras(balance: Option<f64>, runway: Option<&Runway>) -> Result<Vec<Extra>, money::Unprintable> {
    let (mean_table, mean_csv, days_table, days_csv) = match runway {
        Some(runway) => (
            format!(
                "{} (the 7 days to {})",
                money::usd(runway.mean_daily_spend_usd)?,
                runway.window_end
            ),
            money::plain(runway.mean_daily_spend_usd)?,
            runway.describe(),
            if runway.days.is_infinite() {
                "inf".to_string()
            } else {
                format!("{:.2}", runway.days)
            },
        ),
        None => Default::default(),
    };
    Ok(vec![
        Extra {
            name: "balance",
            label: "Balance",
            table: balance.map(money::usd).transpose()?.unwrap_or_default(),
            csv: balance.map(money::plain).transpose()?.unwrap_or_default(),
        },
        Extra {
            name: "mean_daily_spend_7d",
            label: "Mean daily spend",
            table: mean_table,
            csv: mean_csv,
        },
        Extra {
            name: "runway_days",
            label: "Runway",
            table: days_table,
            csv: days_csv,
        },
    ])
}

/// What is left: credits bought minus credits used, when the answer has both.
fn balance(credits: &Value) -> Option<f64> {
    Some(difference(
        credits["total_credits"].as_f64()?,
        credits["total_usage"].as_f64()?,
    ))
}

/// `a - b` in dollars without binary floating-point noise (`0.3 - 0.1` is not
/// `0.19999999999999998` here), so that a balance prints as the figures it came from.
pub fn difference(a: f64, b: f64) -> f64 {
    let rounded = ((a - b) * 1e10).round() / 1e10;
    if rounded.is_finite() { rounded } else { a - b }
}

/// A moment for a table: `2026-11-01 12:34` (UTC, as the column header says).
pub fn time(value: &DateTime<Utc>) -> String {
    value.format("%Y-%m-%d %H:%M").to_string()
}

/// An optional moment: `when_none` (e.g. `never`) when there is none.
pub fn optional_time(value: Option<&DateTime<Utc>>, when_none: &str) -> String {
    value.map(time).unwrap_or_else(|| when_none.into())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_balance_is_credits_minus_usage_without_float_noise() {
        let credits = serde_json::json!({"total_credits": 0.3, "total_usage": 0.1});
        assert_eq!(balance(&credits), Some(0.2));
        assert_eq!(balance(&serde_json::json!({"total_credits": 0.3})), None);
    }

    #[test]
    fn balances_without_float_noise() {
        assert_eq!(difference(0.3, 0.1), 0.2);
        assert_eq!(difference(10.0, 12.5), -2.5);
        assert_eq!(
            money::usd(difference(100.0, 42.13)).expect("printable"),
            "$57.87"
        );
    }

    #[test]
    fn times_are_short_utc() {
        let t = Utc
            .with_ymd_and_hms(2026, 11, 1, 12, 34, 56)
            .single()
            .expect("time");
        assert_eq!(time(&t), "2026-11-01 12:34");
        assert_eq!(optional_time(None, "never"), "never");
        assert_eq!(optional_time(Some(&t), "never"), "2026-11-01 12:34");
    }
}
