//! Formatting shared by the account commands: a balance, times, and the
//! `{"data":[...]}` of a list that came in several pages.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use serde_json::value::RawValue;

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

/// One list item exactly as the API sent it.
pub type RawItem = Box<RawValue>;

/// The items of every page, each exactly as its page's body holds it (fields this tool
/// does not know, and the API's field order, survive), in page order. Borrowed from
/// the pages: a 92 MB page is not copied item by item.
pub fn page_items<'a>(
    pages: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<&'a RawValue>, String> {
    #[derive(serde::Deserialize)]
    struct Page<'p> {
        #[serde(borrow)]
        data: Vec<&'p RawValue>,
    }
    let mut items = Vec::new();
    for (number, page) in pages.into_iter().enumerate() {
        let page: Page<'a> = serde_json::from_slice(page)
            .map_err(|err| format!("page {} has no `data` list: {err}", number + 1))?;
        items.extend(page.data);
    }
    Ok(items)
}

/// `{"data":[...]}`: a whole list as one JSON document, its items spliced in as sent.
pub fn write_list_json(out: &mut dyn Write, items: &[&RawValue]) -> io::Result<()> {
    out.write_all(b"{\"data\":[")?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(item.get().as_bytes())?;
    }
    out.write_all(b"]}\n")
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::output::money;

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

    #[test]
    fn pages_are_joined_keeping_unknown_fields_and_the_apis_field_order() {
        // `zeta` before `alpha`: a JSON map would sort them.
        let first = br#"{"data":[{"zeta":1,"new_field":{"x":[1,2]},"alpha":"a"}],"total_count":2}"#;
        let second = br#"{"data":[{"id":2}],"total_count":2}"#;
        let items = page_items([&first[..], &second[..]]).expect("pages");
        let texts: Vec<&str> = items.iter().map(|item| item.get()).collect();
        assert_eq!(
            texts,
            [
                r#"{"zeta":1,"new_field":{"x":[1,2]},"alpha":"a"}"#,
                r#"{"id":2}"#
            ]
        );
        let err = page_items([&b"{\"items\":[]}"[..]]).expect_err("no data");
        assert!(err.contains("page 1"), "{err}");
        let mut out = Vec::new();
        write_list_json(&mut out, &items).expect("write");
        assert_eq!(
            String::from_utf8(out).expect("utf8"),
            "{\"data\":[{\"zeta\":1,\"new_field\":{\"x\":[1,2]},\"alpha\":\"a\"},{\"id\":2}]}\n"
        );
    }
}
