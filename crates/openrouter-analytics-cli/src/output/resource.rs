//! Any operation's answer as a table or CSV, through the generated resource model
//! ([`openrouter_analytics::ResponseInfo`]) and the overrides of [`super::resources`].
//!
//! A list (`{"data": [...]}`) is one row per item; one object is field/value pairs in a
//! table and a header plus one row in CSV. Cells are read from the JSON as the server
//! sent it, so the reading is tolerant: a field the spec requires that is missing is an
//! empty cell (and one warning names it), a field the spec does not know is left out
//! unless `--columns` names it, and a value of another type than the spec's is shown
//! as sent. Dollars (`x-openrouter-unit: usd`) are `$1,234.57` in tables and the
//! number as sent in CSV; an amount too large to print exactly is an error
//! ([`Unprintable`]), as everywhere in this tool. Every cell from the network is made
//! terminal-safe ([`crate::terminal::safe`]) and CSV cells are written through
//! [`Sheet`], which keeps them from starting a spreadsheet formula.

use std::fmt;
use std::io;

use openrouter_analytics::{ColumnKind, OperationInfo, Payload};
use serde_json::Value;

use super::Out;
use super::money::{self, Unprintable};
use super::resources;
use super::sheet::{self, Sheet};
use super::table::{self, Align, Table};
use crate::terminal;

/// Why an answer could not be rendered.
#[derive(Debug)]
pub enum RenderError {
    /// `--columns` named a field that is neither in the spec nor in the answer.
    Usage(String),
    /// A dollar amount that cannot be printed exactly.
    Unprintable(Unprintable),
    /// Writing failed.
    Io(io::Error),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage(message) => f.write_str(message),
            Self::Unprintable(err) => err.fmt(f),
            Self::Io(err) => err.fmt(f),
        }
    }
}

impl From<io::Error> for RenderError {
    fn from(err: io::Error) -> Self {
        Self::Io(err)
    }
}

impl From<Unprintable> for RenderError {
    fn from(err: Unprintable) -> Self {
        Self::Unprintable(err)
    }
}

/// One column as shown.
#[derive(Clone, Debug)]
struct Column {
    /// The name `--columns` takes (`limit`, `rate_limit.note`).
    name: String,
    /// The path from a row (a list item, or the body's top for one object).
    path: Vec<String>,
    kind: ColumnKind,
    required: bool,
    /// The table's header.
    header: String,
}

/// The rows of an answer and its columns.
struct View<'a> {
    /// A list's items; for one object, the body.
    rows: Vec<&'a Value>,
    is_list: bool,
    columns: Vec<Column>,
}

/// The names `--columns` accepts for `op` that the spec knows (fields present in an
/// answer are accepted too): for shell completion and usage errors.
pub fn column_names(op: &OperationInfo) -> Vec<&'static str> {
    op.response
        .map(|response| response.columns.iter().map(|c| c.name).collect())
        .unwrap_or_default()
}

/// Checks `--columns` against the spec's columns only: for a call that writes, whose
/// answer must not be lost to a typo found afterwards.
pub fn check_known(op: &OperationInfo, wanted: &[String]) -> Result<(), String> {
    let known = column_names(op);
    match wanted.iter().find(|name| !known.contains(&name.as_str())) {
        None => Ok(()),
        Some(name) => Err(unknown_column(op, name, &known)),
    }
}

fn unknown_column(op: &OperationInfo, name: &str, known: &[&str]) -> String {
    format!(
        "--columns: {} has no column {:?}; its columns: {}",
        op_name(op),
        terminal::safe(name),
        if known.is_empty() {
            "none listed by the spec".to_string()
        } else {
            known.join(", ")
        }
    )
}

fn op_name(op: &OperationInfo) -> String {
    format!("{}.{}", op.group, op.method)
}

/// Writes `body` as a table; returns the warnings to print (at most one).
pub fn write_table(
    op: &OperationInfo,
    body: &Value,
    wanted: Option<&[String]>,
    out: &mut Out<'_>,
) -> Result<Vec<String>, RenderError> {
    let view = view(op, body, wanted)?;
    let warnings = missing_warning(&view);
    let overrides = resources::find(op.group, op.method);
    if view.is_list {
        let mut table = Table::new(view.columns.iter().map(|c| {
            let align = match c.kind {
                ColumnKind::Usd | ColumnKind::Integer | ColumnKind::Number => Align::Right,
                _ => Align::Left,
            };
            (c.header.clone(), align)
        }));
        if wanted.is_none()
            && let Some(o) = overrides
        {
            let ranked = o.optional.len();
            for (i, name) in o.optional.iter().enumerate() {
                if let Some(column) = view.columns.iter().find(|c| c.name == *name) {
                    let rank = u8::try_from(ranked - i).unwrap_or(u8::MAX);
                    table = table.optional(&table::sanitize(&column.header), rank);
                }
            }
        }
        for row in &view.rows {
            let cells = view
                .columns
                .iter()
                .map(|c| table_cell(get(row, &c.path), c.kind))
                .collect::<Result<Vec<_>, _>>()?;
            table.row(cells);
        }
        table.write(out)?;
    } else {
        let mut table = Table::new([("field", Align::Left), ("value", Align::Left)]);
        if let Some(row) = view.rows.first() {
            for c in &view.columns {
                let value = table_cell(get(row, &c.path), c.kind)?;
                table.row(vec![c.header.clone(), value]);
            }
        }
        table.write(out)?;
    }
    Ok(warnings)
}

/// Writes `body` as CSV: a header of the columns' names (as `--columns` takes them),
/// then one row per item (one row for one object); returns the warnings to print.
pub fn write_csv(
    op: &OperationInfo,
    body: &Value,
    wanted: Option<&[String]>,
    out: &mut Out<'_>,
) -> Result<Vec<String>, RenderError> {
    let view = view(op, body, wanted)?;
    let warnings = missing_warning(&view);
    // Rendered whole first: an unprintable amount fails before a partial document.
    let mut rows = Vec::with_capacity(view.rows.len());
    for row in &view.rows {
        rows.push(
            view.columns
                .iter()
                .map(|c| csv_cell(get(row, &c.path), c.kind))
                .collect::<Result<Vec<_>, _>>()?,
        );
    }
    let mut sheet = Sheet::new(
        out,
        view.columns.iter().map(|c| {
            let kind = match c.kind {
                ColumnKind::Usd | ColumnKind::Integer | ColumnKind::Number => sheet::Kind::Number,
                _ => sheet::Kind::Text,
            };
            (terminal::safe(&c.name).into_owned(), kind)
        }),
    )?;
    for row in rows {
        sheet.row(row)?;
    }
    sheet.finish()?;
    Ok(warnings)
}

/// The rows and chosen columns of an answer.
fn view<'a>(
    op: &OperationInfo,
    body: &'a Value,
    wanted: Option<&[String]>,
) -> Result<View<'a>, RenderError> {
    let response = op.response;
    let list_field = match response.map(|r| r.payload) {
        Some(Payload::List { items }) => Some(items),
        _ => None,
    };
    let (rows, is_list): (Vec<&Value>, bool) = match list_field {
        Some(items) => match body.get(items).and_then(Value::as_array) {
            Some(list) => (list.iter().collect(), true),
            // Not the list the spec says: shown as the object it is.
            None => (vec![body], false),
        },
        None => (vec![body], false),
    };
    let spec_columns: Vec<Column> = response
        .filter(|_| is_list == list_field.is_some())
        .map(|r| {
            r.columns
                .iter()
                .map(|c| Column {
                    name: c.name.to_string(),
                    path: c.path.iter().map(ToString::to_string).collect(),
                    kind: c.kind,
                    required: c.required,
                    header: c.name.to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let present = present_columns(&rows, is_list, &spec_columns);
    let overrides = resources::find(op.group, op.method);
    let header_of = |name: &str| {
        overrides
            .and_then(|o| o.headers.iter().find(|(field, _)| *field == name))
            .map_or_else(|| name.to_string(), |(_, header)| (*header).to_string())
    };
    let mut columns: Vec<Column> = match wanted {
        Some(names) => {
            let mut chosen = Vec::new();
            for name in names {
                let found = spec_columns
                    .iter()
                    .chain(&present)
                    .find(|c| c.name == *name)
                    .cloned();
                match found {
                    Some(column) => chosen.push(column),
                    None => {
                        let mut known: Vec<&str> =
                            spec_columns.iter().map(|c| c.name.as_str()).collect();
                        known.extend(present.iter().map(|c| c.name.as_str()));
                        return Err(RenderError::Usage(unknown_column(op, name, &known)));
                    }
                }
            }
            chosen
        }
        None if spec_columns.is_empty() => present,
        None => match overrides {
            Some(o) if is_list => o
                .columns
                .iter()
                .filter_map(|name| spec_columns.iter().find(|c| c.name == *name).cloned())
                .collect(),
            // A list's table leaves out arrays and nested objects; one object shows all.
            _ => spec_columns
                .into_iter()
                .filter(|c| !is_list || c.kind != ColumnKind::Json)
                .collect(),
        },
    };
    for column in &mut columns {
        column.header = header_of(&column.name);
    }
    Ok(View {
        rows,
        is_list,
        columns,
    })
}

/// Fields of the answer the spec does not list (every field, when it lists none), in
/// the order they first come: the top-level fields of each row, and for one object
/// with a `data` object, its fields (named without `data.`).
fn present_columns(rows: &[&Value], is_list: bool, known: &[Column]) -> Vec<Column> {
    let mut out: Vec<Column> = Vec::new();
    let mut add = |name: String, path: Vec<String>, value: &Value| {
        if known.iter().chain(out.iter()).any(|c| c.name == name) {
            return;
        }
        let kind = match value {
            Value::Bool(_) => ColumnKind::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => ColumnKind::Integer,
            Value::Number(_) => ColumnKind::Number,
            Value::String(_) | Value::Null => ColumnKind::Text,
            _ => ColumnKind::Json,
        };
        out.push(Column {
            header: name.clone(),
            name,
            path,
            kind,
            required: false,
        });
    };
    for row in rows {
        let Some(fields) = row.as_object() else {
            continue;
        };
        for (name, value) in fields {
            match value.as_object() {
                Some(data) if !is_list && name == "data" => {
                    for (inner, value) in data {
                        add(inner.clone(), vec![name.clone(), inner.clone()], value);
                    }
                }
                _ => add(name.clone(), vec![name.clone()], value),
            }
        }
    }
    out
}

/// One warning naming the required fields some rows lack, if any do.
fn missing_warning(view: &View<'_>) -> Vec<String> {
    let mut missing = Vec::new();
    for column in view.columns.iter().filter(|c| c.required) {
        let lacking = view
            .rows
            .iter()
            .filter(|row| lacks(row, &column.path))
            .count();
        if lacking > 0 {
            missing.push(if view.is_list {
                format!("{} ({lacking} of {} rows)", column.name, view.rows.len())
            } else {
                column.name.clone()
            });
        }
    }
    if missing.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "the answer lacks fields the spec requires, shown as empty cells: {}",
        missing.join(", ")
    )]
}

/// Whether an object on the way to `path` lacks its next field; a `null` on the way
/// (a nullable object that is not there) lacks nothing.
fn lacks(row: &Value, path: &[String]) -> bool {
    let mut value = row;
    for field in path {
        match value {
            Value::Null => return false,
            Value::Object(fields) => match fields.get(field) {
                Some(next) => value = next,
                None => return true,
            },
            _ => return false,
        }
    }
    false
}

/// The value at `path` in `row`; `None` when a field on the way is absent.
fn get<'a>(row: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(row, |value, field| value.get(field))
}

/// A cell of a table: dollars to the cent, counts with thousands separators, the rest
/// as sent (arrays and objects as compact JSON); the table makes it terminal-safe.
fn table_cell(value: Option<&Value>, kind: ColumnKind) -> Result<String, Unprintable> {
    let Some(value) = value else {
        return Ok(String::new());
    };
    Ok(match (kind, value) {
        (ColumnKind::Usd, Value::Number(n)) => match n.as_f64() {
            Some(amount) => money::usd(amount)?,
            None => n.to_string(),
        },
        (ColumnKind::Integer, Value::Number(n)) => match (n.as_i64(), n.as_u64()) {
            (Some(count), _) => table::thousands(count),
            (None, Some(count)) => table::thousands(count),
            _ => n.to_string(),
        },
        _ => super::cell(value),
    })
}

/// A cell of CSV: numbers in full precision, as sent; text made terminal-safe (the
/// sheet then keeps it from starting a formula).
fn csv_cell(value: Option<&Value>, kind: ColumnKind) -> Result<String, Unprintable> {
    let Some(value) = value else {
        return Ok(String::new());
    };
    if let (ColumnKind::Usd, Value::Number(n)) = (kind, value)
        && let Some(amount) = n.as_f64()
    {
        money::checked(amount)?;
    }
    Ok(terminal::safe(&super::cell(value)).into_owned())
}

#[cfg(test)]
mod tests {
    use openrouter_analytics::find_operation;
    use serde_json::json;

    use super::*;
    use crate::output::Style;

    fn op(group: &str, method: &str) -> &'static OperationInfo {
        find_operation(group, method).expect("an operation")
    }

    fn table(op: &OperationInfo, body: &Value, wanted: Option<&[String]>) -> (String, Vec<String>) {
        let mut out = Vec::new();
        let warnings = write_table(
            op,
            body,
            wanted,
            &mut Out::new(Style::for_tests(), &mut out),
        )
        .expect("rendered");
        (String::from_utf8(out).expect("UTF-8"), warnings)
    }

    #[test]
    fn money_is_cents_with_separators_in_tables_and_as_sent_in_csv() {
        let credits = op("credits", "get_credits");
        let body = json!({"data": {"total_credits": 1234.5678, "total_usage": -2.5}});
        let (text, warnings) = table(credits, &body, None);
        assert!(text.contains("credits  $1,234.57"), "{text}");
        assert!(text.contains("usage    -$2.50"), "{text}");
        assert!(warnings.is_empty());
        let mut out = Vec::new();
        write_csv(
            credits,
            &body,
            None,
            &mut Out::new(Style::for_tests(), &mut out),
        )
        .expect("csv");
        assert_eq!(
            String::from_utf8(out).expect("UTF-8"),
            "total_credits,total_usage\n1234.5678,-2.5\n"
        );
    }

    #[test]
    fn a_huge_amount_is_an_error_value_not_a_309_digit_cell() {
        let credits = op("credits", "get_credits");
        let body = json!({"data": {"total_credits": 1e308, "total_usage": 0}});
        let mut out = Vec::new();
        let err = write_table(
            credits,
            &body,
            None,
            &mut Out::new(Style::for_tests(), &mut out),
        )
        .expect_err("refused");
        assert!(matches!(err, RenderError::Unprintable(_)), "{err}");
        let err = write_csv(
            credits,
            &body,
            None,
            &mut Out::new(Style::for_tests(), &mut out),
        )
        .expect_err("refused");
        assert!(err.to_string().contains("1e308"), "{err}");
    }

    #[test]
    fn a_missing_required_field_is_an_empty_cell_and_one_warning() {
        let list = op("api_keys", "list");
        let body = json!({"data": [{"name": "a", "hash": "h1", "usage": 1.0}, {"name": "b"}]});
        let wanted: Vec<String> = ["name", "hash", "usage"].map(String::from).to_vec();
        let (text, warnings) = table(list, &body, Some(&wanted));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("hash (1 of 2 rows)"), "{warnings:?}");
        assert!(
            text.lines().nth(2).expect("row b").trim_end() == "b",
            "{text}"
        );
    }

    #[test]
    fn unknown_columns_are_usage_errors_listing_the_valid_ones() {
        let list = op("api_keys", "list");
        let body = json!({"data": [{"name": "a", "brand_new": 7}]});
        let wanted = vec!["brand_new".to_string()];
        let (text, _) = table(list, &body, Some(&wanted));
        assert!(text.contains("brand_new") && text.contains('7'), "{text}");
        let mut out = Vec::new();
        let err = write_table(
            list,
            &body,
            Some(&["nope".to_string()]),
            &mut Out::new(Style::for_tests(), &mut out),
        )
        .expect_err("unknown");
        let message = err.to_string();
        assert!(
            message.contains("\"nope\"") && message.contains("limit_remaining"),
            "{message}"
        );
        assert!(check_known(list, &["nope".to_string()]).is_err());
        assert!(check_known(list, &["hash".to_string()]).is_ok());
    }

    #[test]
    fn a_nested_field_is_a_dotted_row_of_the_object_view() {
        let key = op("api_keys", "get_current_key_metadata");
        let body =
            json!({"data": {"label": "x", "rate_limit": {"requests": 10, "interval": "10s"}}});
        let wanted: Vec<String> = ["label", "rate_limit.requests", "rate_limit.note"]
            .map(String::from)
            .to_vec();
        let (text, warnings) = table(key, &body, Some(&wanted));
        assert!(text.contains("rate_limit.requests  10"), "{text}");
        assert!(
            warnings.iter().any(|w| w.contains("rate_limit.note")),
            "{warnings:?}"
        );
        // A nullable object sent as `null` lacks none of its fields.
        let body = json!({"data": {"label": "x", "rate_limit": null}});
        let (_, warnings) = table(key, &body, Some(&wanted));
        assert!(warnings.is_empty(), "{warnings:?}");
    }
}
