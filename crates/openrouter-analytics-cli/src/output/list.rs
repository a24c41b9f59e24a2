//! A list that came in several pages: its items as sent, and the one
//! `{"data":[...]}` that JSON output makes of them.

use std::io::{self, Write};

use serde_json::value::RawValue;

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
    use super::*;

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
