//! `openrouter export`: the stored activity of a range as CSV, or as FOCUS 1.2 cost
//! and usage rows (the FinOps Open Cost and Usage Specification) for FinOps tools.
//!
//! `-f` is the global `--format` flag, whose values are table, json and csv; `focus`
//! is understood for this command only, by [`rewrite_format_arg`] turning
//! `-f focus` into the hidden `--focus` before clap parses the line.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{self, Write};

use chrono::{Datelike, Duration, NaiveDate};
use clap::Args;
use openrouter_analytics_store::{ActivityRow, Query};

use crate::activity::rows_csv;
use crate::exit::Failure;
use crate::global::HISTORY;
use crate::history::{self, DbArgs};
use crate::output::Format;
use crate::output::Out;
use crate::output::money;
use crate::output::sheet::{Field, number, text, write_rows};
use crate::output::write_json;
use crate::totals::GroupBy;

/// `openrouter export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The first UTC day to export.
    #[arg(long, value_name = "YYYY-MM-DD", help_heading = HISTORY)]
    pub since: String,

    /// The last day [default: the last day synced].
    #[arg(long, value_name = "YYYY-MM-DD", help_heading = HISTORY)]
    pub until: Option<String>,

    /// Export the rows split by workspace (stored by `sync --group-by workspace`);
    /// in FOCUS the workspace is the sub-account.
    #[arg(long, value_enum, value_name = "DIMENSION")]
    pub group_by: Option<GroupBy>,

    /// The history store to read.
    #[command(flatten, next_help_heading = HISTORY)]
    pub db: DbArgs,

    /// FOCUS 1.2 columns (what `-f focus` becomes).
    #[arg(long, hide = true)]
    pub focus: bool,
}

/// Turns `-f focus` / `--format focus` / `--format=focus` / `-ffocus` into a
/// `--focus` at the end when the command is `export`; any other command line is
/// returned unchanged.
pub fn rewrite_format_arg(args: Vec<OsString>) -> Vec<OsString> {
    if !args.iter().skip(1).any(|a| a == "export") {
        return args;
    }
    let mut out = Vec::with_capacity(args.len());
    let mut focus = false;
    let mut iter = args.into_iter().peekable();
    while let Some(arg) = iter.next() {
        let text = arg.to_string_lossy();
        if (text == "-f" || text == "--format")
            && iter
                .peek()
                .is_some_and(|next| next.eq_ignore_ascii_case("focus"))
        {
            iter.next();
            focus = true;
        } else if ["--format=focus", "-ffocus", "-f=focus"]
            .iter()
            .any(|form| text.eq_ignore_ascii_case(form))
        {
            focus = true;
        } else {
            out.push(arg);
        }
    }
    // After everything: the flag belongs to the `export` subcommand.
    if focus {
        out.push(OsString::from("--focus"));
    }
    out
}

/// Runs `openrouter export`: rows to stdout, a gap warning on stderr.
pub fn run(args: &ExportArgs, format: Option<Format>, out: &mut Out<'_>) -> Result<(), Failure> {
    let range = history::parse_range(&args.since, args.until.as_deref()).map_err(Failure::usage)?;
    let (mut store, until) = history::open_for_range(&args.db, range)?;
    let query = Query::new(range.since, until).workspaces(args.group_by.is_some());
    history::warn_gaps(&mut store, &query)?;
    let rows = store
        .rows(&query)
        .map_err(|err| history::store_failure(&err, None))?;
    let written = if args.focus {
        let names = store
            .workspace_names()
            .map_err(|err| history::store_failure(&err, None))?;
        focus_csv(&rows, &names, out)
    } else {
        match format {
            Some(Format::Json) => {
                let items: Vec<_> = rows.iter().map(history::item).collect();
                write_json(
                    out,
                    &openrouter_analytics::types::ActivityResponse { data: items },
                )
            }
            Some(Format::Table) => {
                return Err(Failure::usage(
                    "export writes csv, json or focus; for a table use `openrouter activity --since ...`",
                ));
            }
            _ => rows_csv(&rows.iter().map(history::item).collect::<Vec<_>>(), out),
        }
    };
    match written.and_then(|()| out.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => Err(Failure::output(&err)),
        _ => Ok(()),
    }
}

/// `YYYY-MM-DDT00:00:00Z`.
fn midnight(day: NaiveDate) -> String {
    format!("{}T00:00:00Z", day.format("%Y-%m-%d"))
}

/// A FOCUS Decimal: always with a fraction, so a reader that infers column types (the
/// FinOps Foundation's validator does) reads `1234.0` tokens as a decimal, not an integer.
fn decimal(value: f64) -> Result<String, money::Unprintable> {
    let text = money::plain(value)?;
    Ok(if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    })
}

/// One stored row and what its FOCUS cells are worked out from.
struct Charge<'a> {
    row: &'a ActivityRow,
    day: NaiveDate,
    /// The workspace's name, where a sync recorded it.
    workspace_name: Option<&'a str>,
}

impl Charge<'_> {
    /// Prompt + completion tokens: what OpenRouter prices (reasoning tokens are billed
    /// as completion tokens, cached ones as prompt tokens).
    fn tokens(&self) -> i64 {
        let t = &self.row.totals;
        t.prompt_tokens.saturating_add(t.completion_tokens)
    }

    fn cost(&self) -> Result<String, money::Unprintable> {
        decimal(self.row.totals.usage)
    }

    /// The usage over the tokens, a blend of the endpoint's prompt and completion
    /// prices; none for a row without tokens.
    fn unit_price(&self) -> Result<String, money::Unprintable> {
        let tokens = self.tokens();
        if tokens > 0 {
            decimal(self.row.totals.usage / tokens as f64)
        } else {
            Ok(String::new())
        }
    }

    fn quantity(&self) -> Result<String, money::Unprintable> {
        decimal(self.tokens() as f64)
    }

    fn month_start(&self) -> NaiveDate {
        self.day.with_day(1).unwrap_or(self.day)
    }

    fn next_month(&self) -> NaiveDate {
        let start = self.month_start();
        let (year, month) = if start.month() == 12 {
            (start.year() + 1, 1)
        } else {
            (start.year(), start.month() + 1)
        };
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(self.day)
    }

    fn workspace_id(&self) -> String {
        self.row.workspace_id.clone().unwrap_or_default()
    }

    /// The workspace's name; its id when no sync since schema version 2 recorded the
    /// name (FOCUS wants a name wherever there is a sub-account id).
    fn workspace_name(&self) -> String {
        match (&self.row.workspace_id, self.workspace_name) {
            (Some(_), Some(name)) if !name.is_empty() => name.to_string(),
            (id, _) => id.clone().unwrap_or_default(),
        }
    }
}

/// The FOCUS 1.2 columns written, in order, each beside how a row fills it: every
/// column the specification requires of a provider with the applicability criteria the
/// docs/history.md names, those OpenRouter has no concept of left empty (null). Its
/// table says why each is filled as it is.
fn focus_fields<'a>() -> [Field<Charge<'a>>; 47] {
    [
        (number("BilledCost"), |c| c.cost()),
        (text("BillingAccountId"), |_| Ok("openrouter".into())),
        (text("BillingAccountName"), |_| Ok("OpenRouter".into())),
        (text("BillingAccountType"), |_| Ok("Account".into())),
        (text("BillingCurrency"), |_| Ok("USD".into())),
        (text("BillingPeriodEnd"), |c| Ok(midnight(c.next_month()))),
        (text("BillingPeriodStart"), |c| {
            Ok(midnight(c.month_start()))
        }),
        (text("ChargeCategory"), |_| Ok("Usage".into())),
        (text("ChargeClass"), |_| Ok(String::new())),
        (text("ChargeDescription"), |c| {
            Ok(format!(
                "{} requests to {} served by {}",
                c.row.totals.requests, c.row.model, c.row.provider_name
            ))
        }),
        (text("ChargeFrequency"), |_| Ok("Usage-Based".into())),
        (text("ChargePeriodEnd"), |c| {
            Ok(midnight(c.day + Duration::days(1)))
        }),
        (text("ChargePeriodStart"), |c| Ok(midnight(c.day))),
        // No commitment discounts; present because the validator's usage rules read it.
        (text("CommitmentDiscountStatus"), |_| Ok(String::new())),
        (number("ConsumedQuantity"), |c| c.quantity()),
        (text("ConsumedUnit"), |_| Ok("Tokens".into())),
        (number("ContractedCost"), |c| c.cost()),
        (number("ContractedUnitPrice"), |c| c.unit_price()),
        (number("EffectiveCost"), |c| c.cost()),
        // Usage draws on prepaid credits and is never invoiced.
        (text("InvoiceId"), |_| Ok(String::new())),
        (text("InvoiceIssuerName"), |_| Ok("OpenRouter".into())),
        (number("ListCost"), |c| c.cost()),
        (number("ListUnitPrice"), |c| c.unit_price()),
        (text("PricingCategory"), |_| Ok("Standard".into())),
        (text("PricingCurrency"), |_| Ok("USD".into())),
        (number("PricingCurrencyContractedUnitPrice"), |c| {
            c.unit_price()
        }),
        (number("PricingCurrencyEffectiveCost"), |c| c.cost()),
        (number("PricingCurrencyListUnitPrice"), |c| c.unit_price()),
        (number("PricingQuantity"), |c| c.quantity()),
        (text("PricingUnit"), |_| Ok("Tokens".into())),
        (text("ProviderName"), |_| Ok("OpenRouter".into())),
        (text("PublisherName"), |c| Ok(c.row.provider_name.clone())),
        (text("RegionId"), |_| Ok(String::new())),
        (text("RegionName"), |_| Ok(String::new())),
        (text("ResourceId"), |c| Ok(c.row.endpoint_id.clone())),
        (text("ResourceName"), |c| Ok(c.row.model.clone())),
        (text("ResourceType"), |_| Ok("Model endpoint".into())),
        (text("ServiceCategory"), |_| {
            Ok("AI and Machine Learning".into())
        }),
        (text("ServiceName"), |_| Ok("OpenRouter".into())),
        (text("ServiceSubcategory"), |_| Ok("Generative AI".into())),
        (text("SkuId"), |c| Ok(c.row.model_permaslug.clone())),
        (text("SkuMeter"), |_| Ok("Tokens".into())),
        (text("SkuPriceDetails"), |c| {
            Ok(serde_json::json!({
                "x_Model": c.row.model_permaslug,
                "x_ServingProvider": c.row.provider_name,
                "x_PricedTokens": "prompt+completion",
            })
            .to_string())
        }),
        (text("SkuPriceId"), |c| Ok(c.row.endpoint_id.clone())),
        (text("SubAccountId"), |c| Ok(c.workspace_id())),
        (text("SubAccountName"), |c| Ok(c.workspace_name())),
        (text("Tags"), |c| {
            Ok({
                let t = &c.row.totals;
                serde_json::json!({
                    "openrouter/model": c.row.model,
                    "openrouter/provider": c.row.provider_name,
                    "openrouter/requests": t.requests,
                    "openrouter/byok_usage_inference": t.byok_usage_inference,
                })
                .to_string()
            })
        }),
    ]
}

/// One FOCUS row per stored row; `names` are the workspaces' names by id.
fn focus_csv(
    rows: &[ActivityRow],
    names: &BTreeMap<String, String>,
    out: &mut Out<'_>,
) -> io::Result<()> {
    let charges: Vec<Charge<'_>> = rows
        .iter()
        .filter_map(|row| {
            let day = NaiveDate::parse_from_str(&row.date, "%Y-%m-%d").ok()?;
            let workspace_name = row
                .workspace_id
                .as_ref()
                .and_then(|id| names.get(id))
                .map(String::as_str);
            Some(Charge {
                row,
                day,
                workspace_name,
            })
        })
        .collect();
    write_rows(out, &focus_fields(), &charges)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn focus_is_rewritten_for_export_only() {
        assert_eq!(
            rewrite_format_arg(os(&[
                "openrouter",
                "export",
                "--since",
                "2026-01-01",
                "-f",
                "focus"
            ])),
            os(&["openrouter", "export", "--since", "2026-01-01", "--focus"])
        );
        assert_eq!(
            rewrite_format_arg(os(&["openrouter", "--format=focus", "export"])),
            os(&["openrouter", "export", "--focus"])
        );
        let other = os(&["openrouter", "activity", "-f", "focus"]);
        assert_eq!(rewrite_format_arg(other.clone()), other);
        let csv = os(&["openrouter", "export", "-f", "csv"]);
        assert_eq!(rewrite_format_arg(csv.clone()), csv);
    }
}
