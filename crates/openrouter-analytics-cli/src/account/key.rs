//! `openrouter key` (the key in use) and `openrouter credits`: the answers rendered
//! through the resource model, plus what the API does not say (the budgets' table, the
//! balance and the runway).

use std::io::{self, Write};

use chrono::Utc;
use openrouter_analytics::ops;
use openrouter_analytics::types::KeyBudget;
use openrouter_analytics_watch::{DailySpend, Runway};
use serde_json::Value;

use super::verb::{Kind, Verb, verb};
use super::view;
use super::{Context, Json, Output, by_name, show, show_answer};
use crate::exit::Failure;
use crate::output::money;
use crate::output::resource::Extra;
use crate::output::resources;
use crate::output::table::{Align, Table};
use crate::output::{Format, Out, Style};

verb!(
    /// `openrouter key`: the key's fields, then the budgets that apply to it.
    CurrentKey,
    Verb {
        op: ops::API_KEYS_GET_CURRENT_KEY_METADATA,
        kind: Kind::One(&resources::CURRENT_KEY, Some(budgets)),
        label: "fetching the key",
        id: "",
        check: None,
    }
);

/// A blank line, then [`budgets_table`].
fn budgets(answer: &Value, out: &mut Out<'_>) -> io::Result<()> {
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
            view::optional_time(budget.resets_at.as_ref(), ""),
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
    let mut output = if balance.is_none() {
        show_answer(style, op, &resources::CREDITS, &answer, &[])?
    } else {
        show(
            style,
            op,
            &resources::CREDITS,
            &answer.body,
            Json::Body(&answer.raw),
            extra,
            answer.warning.clone(),
        )?
    };
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
    Some(view::difference(
        credits["total_credits"].as_f64()?,
        credits["total_usage"].as_f64()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_balance_is_credits_minus_usage_without_float_noise() {
        let credits = serde_json::json!({"total_credits": 0.3, "total_usage": 0.1});
        assert_eq!(balance(&credits), Some(0.2));
        assert_eq!(balance(&serde_json::json!({"total_credits": 0.3})), None);
    }
}
