//! Daily spend from the history store, for `forecast`, `check --db` and `exporter --db`:
//! the one path by which they read it. The store is opened read-only; the history
//! starts after the last day of the range no sync covered, so a gap is never read as
//! days of no spend.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use openrouter_analytics::parse_day;
use openrouter_analytics_store::{Dimension, Error, Query, Store, Summary};
use openrouter_analytics_watch::{KeyFigures, StoredSpend};

use crate::exit::Failure;
use crate::history::{self, DbArgs};

/// Days of the store read before the as-of day: the forecast's 28, the anomaly rule's
/// 28 before the day judged, and room for a month that starts earlier.
pub const STORE_DAYS: u64 = 62;

/// Opens the store named by `--db` / `OPENROUTER_DB` read-only; a store that is not
/// there or cannot be understood is a usage error (exit 2).
pub fn open(db: &DbArgs) -> Result<Store, Failure> {
    history::open_existing(db)
}

/// The first day read for a history ending on `as_of`: [`STORE_DAYS`] before it, or
/// `from` when that is earlier (a month's first day).
pub fn since(as_of: NaiveDate, from: NaiveDate) -> NaiveDate {
    as_of
        .checked_sub_days(Days::new(STORE_DAYS))
        .unwrap_or(as_of)
        .min(from)
}

/// A row's day (`None` for a date that is not one: the row is left out).
pub fn row_day(date: &str) -> Option<NaiveDate> {
    date.get(..10).and_then(|d| parse_day(d).ok())
}

/// The days `since..=as_of` the history covers: from after the last day no sync
/// covered (for each query's kind of rows) to `as_of`, or why `as_of` is not covered.
pub fn covered(
    store: &mut Store,
    queries: &[&Query],
    since: NaiveDate,
    as_of: NaiveDate,
) -> Result<Result<(NaiveDate, NaiveDate), String>, Error> {
    let mut last_missing: Option<NaiveDate> = None;
    for query in queries {
        if let Some(day) = store.missing_days(query)?.last() {
            last_missing = last_missing.max(Some(*day));
        }
    }
    Ok(match last_missing {
        Some(day) if day >= as_of => Err(format!(
            "the store has no data for {day}; run `openrouter sync` or give an earlier --date"
        )),
        Some(day) => Ok((day.succ_opt().unwrap_or(day), as_of)),
        None => Ok((since, as_of)),
    })
}

/// The account's spend per day of `query`'s range.
pub fn total(store: &mut Store, query: &Query) -> Result<Vec<(NaiveDate, f64)>, Error> {
    Ok(store
        .summarise(&query.clone().by(&[Dimension::Day]))?
        .into_iter()
        .filter_map(|s| Some((row_day(s.labels.first()?)?, s.totals.usage)))
        .collect())
}

/// The spend per day of each value of `dimension` (a model, a workspace's id).
pub fn by(
    store: &mut Store,
    query: &Query,
    dimension: Dimension,
) -> Result<BTreeMap<String, Vec<(NaiveDate, f64)>>, Error> {
    let summaries = store.summarise(&query.clone().by(&[Dimension::Day, dimension]))?;
    Ok(by_day(summaries))
}

fn by_day(summaries: Vec<Summary>) -> BTreeMap<String, Vec<(NaiveDate, f64)>> {
    let mut out: BTreeMap<String, Vec<(NaiveDate, f64)>> = BTreeMap::new();
    for s in summaries {
        if let (Some(day), Some(label)) =
            (s.labels.first().and_then(|d| row_day(d)), s.labels.get(1))
        {
            out.entry(label.clone())
                .or_default()
                .push((day, s.totals.usage));
        }
    }
    out
}

/// The spend a key's limit counts: BYOK spend too when the key says so.
pub fn key_spend(key: &KeyFigures, usage: f64, byok: f64) -> f64 {
    if key.include_byok_in_limit {
        usage + byok
    } else {
        usage
    }
}

/// One key's spend per day of `query`'s range, as its limit counts it.
pub fn of_key(
    store: &mut Store,
    query: &Query,
    key: &KeyFigures,
) -> Result<Vec<(NaiveDate, f64)>, Error> {
    Ok(store
        .rows(&query.clone().api_key_hash(key.hash.clone()))?
        .iter()
        .filter_map(|row| {
            let t = &row.totals;
            Some((
                row_day(&row.date)?,
                key_spend(key, t.usage, t.byok_usage_inference),
            ))
        })
        .collect())
}

/// Per key hash, its spend per day as its limit counts it.
pub type KeyActivity = BTreeMap<String, BTreeMap<NaiveDate, f64>>;

/// What `check --db` judges from: the account's (and with `models`, each model's)
/// spend up to `day`, and with `keys`, each key's, which the history then covers too.
pub fn for_check(
    store: &mut Store,
    day: NaiveDate,
    models: bool,
    keys: &[KeyFigures],
) -> Result<(StoredSpend, KeyActivity), Error> {
    let since = since(day, day);
    let account = Query::new(since, day);
    let per_key = account.clone().by(&[Dimension::Key]);
    let mut queries = vec![&account];
    if !keys.is_empty() {
        queries.push(&per_key);
    }
    let covered = covered(store, &queries, since, day)?;
    let mut stored = StoredSpend::new(covered, total(store, &account)?);
    if models {
        stored = stored.with_models(by(store, &account, Dimension::Model)?);
    }
    let mut key_activity = BTreeMap::new();
    for key in keys.iter().filter(|k| !k.disabled) {
        let mut days: BTreeMap<NaiveDate, f64> = BTreeMap::new();
        for (d, spend) in of_key(store, &account, key)? {
            *days.entry(d).or_insert(0.0) += spend;
        }
        key_activity.insert(key.hash.clone(), days);
    }
    Ok((stored, key_activity))
}

/// What `exporter --db` forecasts the month from on each refresh: the account's spend
/// up to the last day the store covers, at most `last_day`.
pub fn for_exporter(store: &mut Store, last_day: NaiveDate) -> Result<StoredSpend, Error> {
    let as_of = match store.covered_range()? {
        Some((_, last)) => last.min(last_day),
        None => {
            return Ok(StoredSpend::new(
                Err("the store has no data yet; run `openrouter sync`".into()),
                Vec::new(),
            ));
        }
    };
    let month_start = last_day.with_day0(0).unwrap_or(last_day);
    let since = since(as_of, month_start);
    let account = Query::new(since, as_of);
    let covered = covered(store, &[&account], since, as_of)?;
    Ok(StoredSpend::new(covered, total(store, &account)?))
}
