//! `openrouter export`: the stored activity of a range as CSV, or as FOCUS 1.2 cost
//! and usage rows (the FinOps Open Cost and Usage Specification) for FinOps tools.
//!
//! `-f` is the global `--format` flag, whose values are table, json and csv; `focus`
//! is understood for this command only, by [`rewrite_format_arg`] turning
//! `-f focus` into the hidden `--focus` before clap parses the line.

use std::ffi::OsString;
use std::io::{self, Write};

use chrono::{Datelike, Duration, NaiveDate};
use clap::Args;
use openrouter_analytics_store::{ActivityRow, Query};

use crate::activity::rows_csv;
use crate::args::{Format, HISTORY};
use crate::exit::Failure;
use crate::history::{self, DbArgs};
use crate::output::sheet::{Column, Sheet, number, text};
use crate::output::{plain_number, write_json};
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

/// The FOCUS 1.2 columns written, in order: every column the specification requires
/// of a provider, those OpenRouter has no concept of left empty (null).
pub const FOCUS_COLUMNS: [&str; 41] = [
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingAccountType",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingCurrency",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "ServiceSubcategory",
    "SkuId",
    "SkuMeter",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
];

/// Runs `openrouter export`: rows to stdout, a gap warning on stderr.
pub fn run(args: &ExportArgs, format: Option<Format>, out: &mut dyn Write) -> Result<(), Failure> {
    let range = history::parse_range(&args.since, args.until.as_deref()).map_err(Failure::usage)?;
    let (mut store, until) = history::open_for_range(&args.db, range)?;
    let query = Query::new(range.since, until).workspaces(args.group_by.is_some());
    history::warn_gaps(&mut store, &query)?;
    let rows = store
        .rows(&query)
        .map_err(|err| history::store_failure(&err, None))?;
    let written = if args.focus {
        focus_csv(&rows, out)
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

/// One FOCUS row per stored row; the README's table says what fills each column.
fn focus_csv(rows: &[ActivityRow], out: &mut dyn Write) -> io::Result<()> {
    let mut csv = Sheet::new(out, FOCUS_COLUMNS.map(focus_column))?;
    for row in rows {
        let Ok(day) = NaiveDate::parse_from_str(&row.date, "%Y-%m-%d") else {
            continue;
        };
        let month_start = day.with_day(1).unwrap_or(day);
        let next_month = if month_start.month() == 12 {
            NaiveDate::from_ymd_opt(month_start.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(month_start.year(), month_start.month() + 1, 1)
        }
        .unwrap_or(day);
        let t = &row.totals;
        let tokens = t.prompt_tokens.saturating_add(t.completion_tokens);
        let cost = plain_number(t.usage);
        let unit_price = if tokens > 0 {
            plain_number(t.usage / tokens as f64)
        } else {
            String::new()
        };
        let workspace = row.workspace_id.clone().unwrap_or_default();
        let tags = serde_json::json!({
            "openrouter/model": row.model,
            "openrouter/provider": row.provider_name,
            "openrouter/requests": t.requests,
            "openrouter/byok_usage_inference": t.byok_usage_inference,
        })
        .to_string();
        let record: [String; 41] = [
            cost.clone(),
            "openrouter".into(),
            "OpenRouter".into(),
            "Account".into(),
            "USD".into(),
            midnight(next_month),
            midnight(month_start),
            "Usage".into(),
            String::new(),
            format!(
                "{} requests to {} served by {}",
                t.requests, row.model, row.provider_name
            ),
            "Usage-Based".into(),
            midnight(day + Duration::days(1)),
            midnight(day),
            tokens.to_string(),
            "Tokens".into(),
            cost.clone(),
            unit_price.clone(),
            cost.clone(),
            "OpenRouter".into(),
            cost,
            unit_price,
            "Standard".into(),
            "USD".into(),
            tokens.to_string(),
            "Tokens".into(),
            "OpenRouter".into(),
            row.provider_name.clone(),
            String::new(),
            String::new(),
            row.endpoint_id.clone(),
            row.model.clone(),
            "Model endpoint".into(),
            "AI and Machine Learning".into(),
            "OpenRouter".into(),
            "Generative AI".into(),
            row.model_permaslug.clone(),
            "Tokens".into(),
            row.endpoint_id.clone(),
            workspace.clone(),
            workspace,
            tags,
        ];
        csv.row(record)?;
    }
    csv.finish()
}

/// FOCUS's amounts and quantities are numbers; every other column (names, ids, dates,
/// the tags' JSON) is text, neutralised like any CSV text cell.
fn focus_column(name: &'static str) -> Column {
    const NUMBERS: [&str; 8] = [
        "BilledCost",
        "ConsumedQuantity",
        "ContractedCost",
        "ContractedUnitPrice",
        "EffectiveCost",
        "ListCost",
        "ListUnitPrice",
        "PricingQuantity",
    ];
    if NUMBERS.contains(&name) {
        number(name)
    } else {
        text(name)
    }
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
