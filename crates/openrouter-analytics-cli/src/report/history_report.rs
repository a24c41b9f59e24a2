//! `openrouter report --since ...`: the report page made from the history store, with
//! three sections the 30-day page cannot have: month-over-month spend stacked by
//! model, spend per key per month, and the credit balance over time from the
//! snapshots each sync took.

use std::fmt::Write as _;

use openrouter_analytics::types::GetCreditsResponseData;
use openrouter_analytics_store::{Dimension, Query, Store};

use super::{Fetched, TOP_MODELS, usd};
use crate::exit::Failure;
use crate::history::{self, store_failure};
use crate::svg::{self, Frame, OTHER_COLOUR, PALETTE, Series, escape};

/// Reads everything the page needs from the store.
pub fn fetch(range: history::Range, db: &history::DbArgs) -> Result<Fetched, Failure> {
    let (mut store, until) = history::open_for_range(db, range)?;
    let query = Query::new(range.since, until);
    history::warn_gaps(&mut store, &query)?;
    let fail = |err: openrouter_analytics_store::Error| store_failure(&err, None);
    // The page groups by day, model and provider only, so it reads the daily sums the
    // sync keeps (a few hundred rows a day) rather than every raw row of the range.
    let activity = store
        .summarise(
            &query
                .clone()
                .by(&[Dimension::Day, Dimension::Model, Dimension::Provider]),
        )
        .map_err(fail)?
        .iter()
        .map(history::daily_item)
        .collect();
    let balances = store.credit_history(&query).map_err(fail)?;
    let credits = balances
        .last()
        .map(|c| GetCreditsResponseData {
            total_credits: c.total_credits,
            total_usage: c.total_usage,
        })
        .ok_or_else(|| "no sync in this range took a credit snapshot".to_string());
    let sections = sections(&mut store, &query)?;
    Ok(Fetched {
        activity,
        credits,
        keys: Err("the store keeps per-key spend by month: see \"Spend per key per month\"".into()),
        history_sections: Some(sections),
    })
}

/// Puts the history sections before the page's closing note.
pub fn insert(page: &mut String, sections: &str) {
    let marker = "<p class=\"note\">Made by";
    match page.find(marker) {
        Some(at) => page.insert_str(at, sections),
        None => page.push_str(sections),
    }
}

fn sections(store: &mut Store, query: &Query) -> Result<String, Failure> {
    let fail = |err: openrouter_analytics_store::Error| store_failure(&err, None);
    let by_month_model = store
        .summarise(&query.clone().by(&[Dimension::Month, Dimension::Model]))
        .map_err(fail)?;
    let by_model = store
        .summarise(&query.clone().by(&[Dimension::Model]))
        .map_err(fail)?;
    let by_month_key = store
        .summarise(&query.clone().by(&[Dimension::Month, Dimension::Key]))
        .map_err(fail)?;
    let balances = store.credit_history(query).map_err(fail)?;

    let mut page = String::new();
    // Month over month, stacked by the top models.
    let mut ranked: Vec<_> = by_model.iter().collect();
    ranked.sort_by(|a, b| b.totals.usage.total_cmp(&a.totals.usage));
    let top: Vec<String> = ranked
        .iter()
        .take(TOP_MODELS)
        .map(|g| g.labels[0].clone())
        .collect();
    let months: Vec<String> = {
        let mut m: Vec<String> = by_month_model.iter().map(|g| g.labels[0].clone()).collect();
        m.dedup();
        m
    };
    let mut series: Vec<Series> = top
        .iter()
        .enumerate()
        .map(|(i, name)| Series {
            name: name.clone(),
            colour: PALETTE[i % PALETTE.len()],
            values: vec![0.0; months.len()],
            dash: None,
        })
        .collect();
    let mut other = vec![0.0; months.len()];
    for group in &by_month_model {
        let Some(m) = months.iter().position(|m| *m == group.labels[0]) else {
            continue;
        };
        match top.iter().position(|t| *t == group.labels[1]) {
            Some(s) => series[s].values[m] += group.totals.usage,
            None => other[m] += group.totals.usage,
        }
    }
    if ranked.len() > top.len() {
        series.push(Series {
            name: "other".into(),
            colour: OTHER_COLOUR,
            values: other,
            dash: None,
        });
    }
    page.push_str("<section id=\"monthly\">\n<h2>Month over month</h2>\n");
    page.push_str(&svg::stacked_bars(
        "monthly-chart",
        &Frame {
            title: "Spend per month, by model",
            x_label: "Month (UTC)",
            y_label: "Spend (USD)",
            format: &usd,
        },
        &months,
        &series,
    )?);
    page.push_str("</section>\n");

    // Spend per key per month, as a table: keys down, months across.
    page.push_str("<section id=\"key-months\">\n<h2>Spend per key per month</h2>\n");
    let mut keys: Vec<String> = by_month_key.iter().map(|g| g.labels[1].clone()).collect();
    keys.sort();
    keys.dedup();
    let key_months: Vec<String> = {
        let mut m: Vec<String> = by_month_key.iter().map(|g| g.labels[0].clone()).collect();
        m.dedup();
        m
    };
    if keys.is_empty() {
        page.push_str("<p class=\"refused\">No per-key activity stored for this range.</p>\n");
    } else {
        page.push_str("<table><thead><tr><th>Key</th>");
        for m in &key_months {
            let _ = write!(page, "<th class=\"num\">{}</th>", escape(m));
        }
        page.push_str("</tr></thead><tbody>\n");
        for key in &keys {
            let _ = write!(page, "<tr><td>{}</td>", escape(key));
            for m in &key_months {
                let spend = by_month_key
                    .iter()
                    .find(|g| g.labels[0] == *m && g.labels[1] == *key)
                    .map_or(0.0, |g| g.totals.usage);
                let _ = write!(page, "<td class=\"num\">{}</td>", escape(&usd(spend)?));
            }
            page.push_str("</tr>\n");
        }
        page.push_str("</tbody></table>\n");
    }
    page.push_str("</section>\n");

    // The balance at each sync.
    page.push_str("<section id=\"balance\">\n<h2>Credit balance over time</h2>\n");
    let times: Vec<String> = balances
        .iter()
        .map(|b| {
            b.taken_at
                .get(..16)
                .unwrap_or(&b.taken_at)
                .replace('T', " ")
        })
        .collect();
    let balance = Series {
        name: "balance".into(),
        colour: PALETTE[4],
        values: balances
            .iter()
            .map(|b| b.total_credits - b.total_usage)
            .collect(),
        dash: None,
    };
    page.push_str(&svg::lines(
        "balance-chart",
        &Frame {
            title: "Credit balance at each sync",
            x_label: "Sync (UTC)",
            y_label: "Balance (USD)",
            format: &usd,
        },
        &times,
        &[balance],
    )?);
    page.push_str("</section>\n");
    Ok(page)
}
