//! `openrouter export`: the stored activity of a range as CSV, or as FOCUS 1.2 cost
//! and usage rows (the FinOps Open Cost and Usage Specification) for FinOps tools;
//! with `--by`, its sums by the same keys as `activity --by`, read from the store's
//! monthly and daily sums rather than its rows.
//!
//! `-f` is the global `--format` flag, whose values are table, json and csv; `focus`
//! is understood for this command only, by [`rewrite_format_arg`] turning
//! `-f focus` into the hidden `--focus` before clap parses the line.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{self, Write};

use chrono::{Datelike, Duration, Months, NaiveDate};
use clap::Args;
use openrouter_analytics_store::{ActivityRow, Dimension, Query, Summary, Totals};

use crate::activity::{checked_by, rows_csv, summary_csv, summary_json};
use crate::exit::Failure;
use crate::global::HISTORY;
use crate::history::{self, DbArgs};
use crate::output::Format;
use crate::output::Out;
use crate::output::money;
use crate::output::sheet::{Field, number, text, write_rows};
use crate::output::write_json;
use crate::totals::{GroupBy, SummaryKey};

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

    /// Export sums instead of rows: one per model, provider, date, month, workspace or
    /// key, as `activity --by` (comma-separate to combine, e.g. month,model). With
    /// `-f focus` each sum is one charge over its day or month, per provider (the month
    /// and the provider are added when not given).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KEY", help_heading = HISTORY)]
    pub by: Vec<SummaryKey>,

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

/// Runs `openrouter export`: rows (or with `--by`, sums) to stdout, a gap warning on
/// stderr.
pub fn run(args: &ExportArgs, format: Option<Format>, out: &mut Out<'_>) -> Result<(), Failure> {
    let range = history::parse_range(&args.since, args.until.as_deref()).map_err(Failure::usage)?;
    let by = checked_by(&args.by, args.group_by).map_err(Failure::usage)?;
    if matches!(format, Some(Format::Table)) && !args.focus {
        return Err(Failure::usage(
            "export writes csv, json or focus; for a table use `openrouter activity --since ...`",
        ));
    }
    let (mut store, until) = history::open_for_range(&args.db, range)?;
    let mut query = Query::new(range.since, until).workspaces(args.group_by.is_some());
    // A FOCUS charge never spans two billing periods (months) and always names its
    // publisher (the serving provider): without a day or month key, or without the
    // provider, the sums are by those too.
    let mut dimensions: Vec<Dimension> = by.iter().map(|k| history::dimension(*k)).collect();
    if args.focus && !by.is_empty() {
        if !by
            .iter()
            .any(|k| matches!(k, SummaryKey::Date | SummaryKey::Month))
        {
            dimensions.push(Dimension::Month);
        }
        if !by.contains(&SummaryKey::Provider) {
            dimensions.push(Dimension::Provider);
        }
    }
    query = query.by(&dimensions);
    history::warn_gaps(&mut store, &query)?;
    let fail = |err: openrouter_analytics_store::Error| history::store_failure(&err, None);
    let names = if args.focus {
        store.workspace_names().map_err(fail)?
    } else {
        BTreeMap::new()
    };
    let written = if by.is_empty() {
        let rows = store.rows(&query).map_err(fail)?;
        if args.focus {
            focus_csv(&row_charges(&rows, &names)?, out)
        } else if let Some(Format::Json) = format {
            let items: Vec<_> = rows.iter().map(history::item).collect();
            write_json(
                out,
                &openrouter_analytics::types::ActivityResponse { data: items },
            )
        } else {
            rows_csv(&rows.iter().map(history::item).collect::<Vec<_>>(), out)
        }
    } else {
        let sums = store.summarise(&query).map_err(fail)?;
        if args.focus {
            let period = (range.since, until);
            focus_csv(&sum_charges(&sums, &dimensions, period, &names)?, out)
        } else {
            let groups: Vec<_> = sums.iter().map(history::group).collect();
            match format {
                Some(Format::Json) => summary_json(&groups, &by, out),
                _ => summary_csv(&groups, &by, out),
            }
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

/// One FOCUS charge and what its cells are worked out from: a stored row (one day of
/// one endpoint), or a sum of the store's over its labels. What a sum is not grouped
/// by is empty.
struct Charge<'a> {
    totals: &'a Totals,
    model: &'a str,
    model_permaslug: &'a str,
    endpoint_id: &'a str,
    provider_name: &'a str,
    workspace_id: Option<&'a str>,
    /// The API key's name (sums by key only).
    key: Option<&'a str>,
    /// The first day charged.
    day: NaiveDate,
    /// The day after the last one charged.
    end: NaiveDate,
    /// The workspace's name, where a sync recorded it.
    workspace_name: Option<&'a str>,
}

/// A day the store holds, `YYYY-MM-DD`; anything else fails the export rather than
/// leaving its charge out of it.
fn stored_day(text: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| Failure::other(format!("the store holds the day {text:?}, not YYYY-MM-DD")))
}

/// One charge per stored row; `names` are the workspaces' names by id.
fn row_charges<'a>(
    rows: &'a [ActivityRow],
    names: &'a BTreeMap<String, String>,
) -> Result<Vec<Charge<'a>>, Failure> {
    rows.iter()
        .map(|row| {
            let day = stored_day(&row.date)?;
            let workspace_id = row.workspace_id.as_deref();
            Ok(Charge {
                totals: &row.totals,
                model: &row.model,
                model_permaslug: &row.model_permaslug,
                endpoint_id: &row.endpoint_id,
                provider_name: &row.provider_name,
                workspace_id,
                key: None,
                day,
                end: day + Duration::days(1),
                workspace_name: workspace_id
                    .and_then(|id| names.get(id))
                    .map(String::as_str),
            })
        })
        .collect()
}

/// One charge per sum, labelled by `dimensions` (a day or a month among them): over its
/// day, or over its month within `range` (first and last day).
fn sum_charges<'a>(
    sums: &'a [Summary],
    dimensions: &[Dimension],
    range: (NaiveDate, NaiveDate),
    names: &'a BTreeMap<String, String>,
) -> Result<Vec<Charge<'a>>, Failure> {
    sums.iter()
        .map(|sum| {
            let label = |wanted: Dimension| {
                dimensions
                    .iter()
                    .position(|d| *d == wanted)
                    .and_then(|i| sum.labels.get(i))
                    .map(String::as_str)
            };
            let (day, end) = match (label(Dimension::Day), label(Dimension::Month)) {
                (Some(day), _) => {
                    let day = stored_day(day)?;
                    (day, day + Duration::days(1))
                }
                (None, Some(month)) => {
                    let start = stored_day(&format!("{month}-01"))?;
                    let end = next_month(start).min(range.1 + Duration::days(1));
                    (start.max(range.0), end)
                }
                // `run` adds the month to a FOCUS export's keys when neither is given.
                (None, None) => {
                    return Err(Failure::other("a FOCUS charge needs its day or month"));
                }
            };
            let workspace_id = label(Dimension::Workspace);
            let model = label(Dimension::Model).unwrap_or_default();
            Ok(Charge {
                totals: &sum.totals,
                model,
                // The sums keep the model's slug, not its permanent one.
                model_permaslug: model,
                endpoint_id: "",
                provider_name: label(Dimension::Provider).unwrap_or_default(),
                workspace_id,
                key: label(Dimension::Key),
                day,
                end,
                workspace_name: workspace_id
                    .and_then(|id| names.get(id))
                    .map(String::as_str),
            })
        })
        .collect()
}

/// The first day of the month after `day`'s.
fn next_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1)
        .and_then(|start| start.checked_add_months(Months::new(1)))
        .unwrap_or(day)
}

impl Charge<'_> {
    /// Prompt + completion tokens: what OpenRouter prices (reasoning tokens are billed
    /// as completion tokens, cached ones as prompt tokens).
    fn tokens(&self) -> i64 {
        let t = self.totals;
        t.prompt_tokens.saturating_add(t.completion_tokens)
    }

    fn cost(&self) -> Result<String, money::Unprintable> {
        decimal(self.totals.usage)
    }

    /// The usage over the tokens, a blend of the endpoint's prompt and completion
    /// prices; none for a row without tokens.
    fn unit_price(&self) -> Result<String, money::Unprintable> {
        let tokens = self.tokens();
        if tokens > 0 {
            decimal(self.totals.usage / tokens as f64)
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
        next_month(self.day)
    }

    /// What the charge is for, in words: the models and providers it sums when it is
    /// not one's.
    fn description(&self) -> String {
        let or = |text: &str, all: &str| {
            if text.is_empty() {
                all.to_string()
            } else {
                text.to_string()
            }
        };
        let mut out = format!(
            "{} requests to {} served by {}",
            self.totals.requests,
            or(self.model, "all models"),
            or(self.provider_name, "all providers")
        );
        if let Some(key) = self.key {
            out.push_str(&format!(" with the API key {key}"));
        }
        out
    }

    fn workspace_id(&self) -> String {
        self.workspace_id.unwrap_or_default().to_string()
    }

    /// The workspace's name; its id when no sync since schema version 2 recorded the
    /// name (FOCUS wants a name wherever there is a sub-account id).
    fn workspace_name(&self) -> String {
        match (self.workspace_id, self.workspace_name) {
            (Some(_), Some(name)) if !name.is_empty() => name.to_string(),
            (id, _) => id.unwrap_or_default().to_string(),
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
        (text("ChargeDescription"), |c| Ok(c.description())),
        (text("ChargeFrequency"), |_| Ok("Usage-Based".into())),
        (text("ChargePeriodEnd"), |c| Ok(midnight(c.end))),
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
        (text("PublisherName"), |c| Ok(c.provider_name.to_string())),
        (text("RegionId"), |_| Ok(String::new())),
        (text("RegionName"), |_| Ok(String::new())),
        (text("ResourceId"), |c| Ok(c.endpoint_id.to_string())),
        (text("ResourceName"), |c| Ok(c.model.to_string())),
        (text("ResourceType"), |_| Ok("Model endpoint".into())),
        (text("ServiceCategory"), |_| {
            Ok("AI and Machine Learning".into())
        }),
        (text("ServiceName"), |_| Ok("OpenRouter".into())),
        (text("ServiceSubcategory"), |_| Ok("Generative AI".into())),
        (text("SkuId"), |c| Ok(c.model_permaslug.to_string())),
        // A SKU's meter, so none where there is no SKU (a sum over models).
        (text("SkuMeter"), |c| {
            Ok(if c.model_permaslug.is_empty() {
                String::new()
            } else {
                "Tokens".into()
            })
        }),
        // A price's details, so none where there is no price id (a sum's charge).
        (text("SkuPriceDetails"), |c| {
            if c.endpoint_id.is_empty() {
                return Ok(String::new());
            }
            Ok(serde_json::json!({
                "x_Model": c.model_permaslug,
                "x_ServingProvider": c.provider_name,
                "x_PricedTokens": "prompt+completion",
            })
            .to_string())
        }),
        (text("SkuPriceId"), |c| Ok(c.endpoint_id.to_string())),
        (text("SubAccountId"), |c| Ok(c.workspace_id())),
        (text("SubAccountName"), |c| Ok(c.workspace_name())),
        (text("Tags"), |c| {
            let t = c.totals;
            let mut tags = serde_json::json!({
                "openrouter/model": c.model,
                "openrouter/provider": c.provider_name,
                "openrouter/requests": t.requests,
                "openrouter/byok_usage_inference": t.byok_usage_inference,
            });
            if let (Some(key), Some(map)) = (c.key, tags.as_object_mut()) {
                map.insert("openrouter/api_key".into(), key.into());
            }
            Ok(tags.to_string())
        }),
    ]
}

/// One FOCUS row per charge.
fn focus_csv(charges: &[Charge<'_>], out: &mut Out<'_>) -> io::Result<()> {
    write_rows(out, &focus_fields(), charges)
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
