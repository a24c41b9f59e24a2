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
use std::io::{self, Write};

use openrouter_analytics::{ColumnKind, OperationInfo, Payload, ResponseInfo};
use serde_json::Value;
use serde_json::value::RawValue;

use super::money::{self, Unprintable};
use super::resources::{self, Look};
use super::sheet::{self, Sheet};
use super::table::{self, Align, Table};
use super::{Format, Out};
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

/// For renders that write through `io::Result`: an unprintable amount stays
/// recognisable ([`crate::exit::Failure::output`] finds it).
impl From<RenderError> for io::Error {
    fn from(err: RenderError) -> Self {
        match err {
            RenderError::Io(err) => err,
            RenderError::Unprintable(err) => io::Error::other(err),
            RenderError::Usage(message) => io::Error::other(Unusable(message)),
        }
    }
}

/// A [`RenderError::Usage`] carried through `io::Result`: still a usage error (exit 2)
/// where [`crate::exit::Failure::output`] finds it.
#[derive(Debug)]
pub struct Unusable(pub String);

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unusable {}

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

/// The spec's columns of an answer, in its order, each headed by its name.
fn spec_columns(response: Option<ResponseInfo>) -> Vec<Column> {
    response
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
        .unwrap_or_default()
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

/// Which of the two a table-or-CSV render writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A table: a list as rows, one object as `label  value` lines (a look's) or
    /// field/value pairs.
    Table,
    /// CSV: a header of the columns' names (as `--columns` takes them), then one row per
    /// item (one row for one object).
    Csv,
}

impl Layout {
    /// The layout of an output format; `None` for JSON, which is printed as sent.
    pub fn of(format: Format) -> Option<Self> {
        match format {
            Format::Table => Some(Self::Table),
            Format::Csv => Some(Self::Csv),
            Format::Json => None,
        }
    }
}

/// Writes `body` as a table or CSV, through the operation's look if it has one (its
/// columns, then in CSV every other field the spec lists, then `extra`), else every
/// column the spec lists; `--columns` (in the style) picks the fields. Returns the
/// warnings to print (at most one).
pub fn write(
    op: &OperationInfo,
    body: &Value,
    extra: &[Extra],
    layout: Layout,
    out: &mut Out<'_>,
) -> Result<Vec<String>, RenderError> {
    let (rows, is_list) = payload(op, body);
    render(op, &Rows::Values(&rows), is_list, extra, layout, out)
}

/// [`write()`] of a list's items as sent (every page of a list): each item is parsed only
/// while its row is made, checked or written, so a list of tens of MB never becomes one
/// tree of values (about ten times its text); a table holds its cells.
pub fn write_items(
    op: &OperationInfo,
    items: &[&RawValue],
    layout: Layout,
    out: &mut Out<'_>,
) -> Result<Vec<String>, RenderError> {
    if !lists_data(op) {
        return write(op, &items_body(items)?, &[], layout, out);
    }
    render(op, &Rows::Raw(items), true, &[], layout, out)
}

/// The one place that picks how an answer is shown: through the operation's look, or
/// (none) the spec's columns.
fn render(
    op: &OperationInfo,
    rows: &Rows<'_>,
    is_list: bool,
    extra: &[Extra],
    layout: Layout,
    out: &mut Out<'_>,
) -> Result<Vec<String>, RenderError> {
    match (resources::look_of(op), layout) {
        (Some(look), Layout::Table) => look_table(op, look, rows, is_list, extra, out),
        (Some(look), Layout::Csv) => look_csv(op, look, rows, is_list, extra, out),
        (None, Layout::Table) => table_of(op, rows, is_list, out),
        (None, Layout::Csv) => csv_of(op, rows, is_list, out),
    }
}

/// The plain table of [`write()`] and [`write_items`]: every cell is made (and an
/// amount that cannot be printed fails) before the table is measured and written.
fn table_of(
    op: &OperationInfo,
    rows: &Rows<'_>,
    is_list: bool,
    out: &mut Out<'_>,
) -> Result<Vec<String>, RenderError> {
    let columns = chosen_columns(op, rows, is_list, out.style().columns)?;
    let mut lacking = Lacking::new(&columns);
    if is_list {
        let mut table = Table::new(columns.iter().map(|c| {
            let align = match c.kind {
                ColumnKind::Usd | ColumnKind::Integer | ColumnKind::Number => Align::Right,
                _ => Align::Left,
            };
            (c.header.clone(), align)
        }));
        rows.each(|row| {
            lacking.count(row);
            let cells = columns
                .iter()
                .map(|c| table_cell(get(row, &c.path), c.kind))
                .collect::<Result<Vec<_>, _>>()?;
            table.row(cells);
            Ok(())
        })?;
        table.write(out)?;
    } else {
        // One object: its one row as field/value pairs.
        let mut table = Table::new([("field", Align::Left), ("value", Align::Left)]);
        rows.each(|row| {
            lacking.count(row);
            for c in &columns {
                let value = table_cell(get(row, &c.path), c.kind)?;
                table.row(vec![c.header.clone(), value]);
            }
            Ok(())
        })?;
        table.write(out)?;
    }
    Ok(lacking.warning(is_list))
}

/// The plain CSV of [`write()`] and [`write_items`]. A first pass checks every row (for
/// items, parsing each and dropping it), so an amount that cannot be printed, or an
/// item that cannot be read, fails before the header; the second pass writes the rows
/// one at a time. Nothing holds every row's cells.
fn csv_of(
    op: &OperationInfo,
    rows: &Rows<'_>,
    is_list: bool,
    out: &mut Out<'_>,
) -> Result<Vec<String>, RenderError> {
    let columns = chosen_columns(op, rows, is_list, out.style().columns)?;
    // Only a dollar cell can fail (see `csv_cell_as`).
    let dollars: Vec<&Column> = columns
        .iter()
        .filter(|c| c.kind == ColumnKind::Usd)
        .collect();
    rows.each(|row| {
        for c in &dollars {
            csv_cell(get(row, &c.path), c.kind)?;
        }
        Ok(())
    })?;
    let mut lacking = Lacking::new(&columns);
    let mut sheet = Sheet::new(
        out,
        columns.iter().map(|c| {
            let kind = match c.kind {
                ColumnKind::Usd
                | ColumnKind::Integer
                | ColumnKind::Number
                | ColumnKind::UnixSeconds => sheet::Kind::Number,
                _ => sheet::Kind::Text,
            };
            (terminal::safe(&c.name).into_owned(), kind)
        }),
    )?;
    let mut cells = Vec::with_capacity(columns.len());
    rows.each(|row| {
        lacking.count(row);
        cells.clear();
        for c in &columns {
            cells.push(csv_cell(get(row, &c.path), c.kind)?);
        }
        sheet.row(&cells)?;
        Ok(())
    })?;
    sheet.finish()?;
    Ok(lacking.warning(is_list))
}

/// The rows of an answer (a list's items; for one object, the body) and whether they
/// are a list's.
fn payload<'a>(op: &OperationInfo, body: &'a Value) -> (Vec<&'a Value>, bool) {
    let list_field = match op.response.map(|r| r.payload) {
        Some(Payload::List { items }) => Some(items),
        _ => None,
    };
    match list_field.and_then(|items| body.get(items)?.as_array()) {
        Some(list) => (list.iter().collect(), true),
        // Not the list the spec says (or no list): shown as the object it is.
        None => (vec![body], false),
    }
}

/// The columns a plain table or CSV of `rows` shows (an operation with no look):
/// `--columns`' choice, else the spec's. The fields the spec does not list are read from
/// every row only when they may be shown (`--columns`, or a spec that lists no field).
fn chosen_columns(
    op: &OperationInfo,
    rows: &Rows<'_>,
    is_list: bool,
    wanted: Option<&[String]>,
) -> Result<Vec<Column>, RenderError> {
    let response = op.response;
    let lists = matches!(response.map(|r| r.payload), Some(Payload::List { .. }));
    let spec_columns = spec_columns(response.filter(|_| is_list == lists));
    Ok(match wanted {
        Some(names) => {
            let present = present_columns(rows, is_list, &spec_columns)?;
            pick(op, names, &spec_columns, &present, &[])?
        }
        None if spec_columns.is_empty() => present_columns(rows, is_list, &spec_columns)?,
        // A list's table leaves out arrays and nested objects; one object shows all.
        None => spec_columns
            .into_iter()
            .filter(|c| !is_list || c.kind != ColumnKind::Json)
            .collect(),
    })
}

/// The columns `--columns` names, in its order, from the spec's and then the answer's
/// (`present`); a name of one of `extra` is taken and left to the caller. An unknown
/// name is a usage error listing the names there are.
fn pick(
    op: &OperationInfo,
    names: &[String],
    spec: &[Column],
    present: &[Column],
    extra: &[Extra],
) -> Result<Vec<Column>, RenderError> {
    let mut chosen = Vec::with_capacity(names.len());
    for name in names {
        if extra.iter().any(|e| e.name == name) {
            continue;
        }
        match spec.iter().chain(present).find(|c| c.name == *name) {
            Some(column) => chosen.push(column.clone()),
            None => {
                let known: Vec<&str> = spec
                    .iter()
                    .chain(present)
                    .map(|c| c.name.as_str())
                    .chain(extra.iter().map(|e| e.name))
                    .collect();
                return Err(RenderError::Usage(unknown_column(op, name, &known)));
            }
        }
    }
    Ok(chosen)
}

/// Fields of the answer the spec does not list (every field, when it lists none), in
/// the order they first come: the top-level fields of each row, and for one object
/// with a `data` object, its fields (named without `data.`).
fn present_columns(
    rows: &Rows<'_>,
    is_list: bool,
    known: &[Column],
) -> Result<Vec<Column>, RenderError> {
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
    rows.each(|row| {
        let Some(fields) = row.as_object() else {
            return Ok(());
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
        Ok(())
    })?;
    Ok(out)
}

/// How many rows lack each required column, counted row by row.
struct Lacking<'c> {
    columns: &'c [Column],
    counts: Vec<usize>,
    rows: usize,
}

impl<'c> Lacking<'c> {
    fn new(columns: &'c [Column]) -> Self {
        Self {
            columns,
            counts: vec![0; columns.len()],
            rows: 0,
        }
    }

    fn count(&mut self, row: &Value) {
        self.rows += 1;
        for (column, count) in self.columns.iter().zip(&mut self.counts) {
            if column.required && lacks(row, &column.path) {
                *count += 1;
            }
        }
    }

    /// One warning naming the required fields some rows lack, if any do.
    fn warning(&self, is_list: bool) -> Vec<String> {
        let mut missing = Vec::new();
        for (column, &lacking) in self.columns.iter().zip(&self.counts) {
            if lacking > 0 {
                missing.push(if is_list {
                    format!("{} ({lacking} of {} rows)", column.name, self.rows)
                } else {
                    column.name.clone()
                });
            }
        }
        missing_text(missing)
    }
}

/// The one warning for the fields named in `missing`, or none.
fn missing_text(missing: Vec<String>) -> Vec<String> {
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
        (ColumnKind::UnixSeconds, Value::Number(n)) => n
            .as_i64()
            .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
            .map_or_else(
                || n.to_string(),
                |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ),
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
    csv_cell_as(value, kind, false)
}

/// [`csv_cell`]; with `raw` (`--csv-raw`), text exactly as sent.
fn csv_cell_as(value: Option<&Value>, kind: ColumnKind, raw: bool) -> Result<String, Unprintable> {
    let Some(value) = value else {
        return Ok(String::new());
    };
    if let (ColumnKind::Usd, Value::Number(n)) = (kind, value)
        && let Some(amount) = n.as_f64()
    {
        money::checked(amount)?;
    }
    let cell = super::cell(value);
    Ok(if raw {
        cell
    } else {
        terminal::safe(&cell).into_owned()
    })
}

/// A value a command computes beside the answer (a balance, a runway): a row of the
/// detail view and a column of the CSV after the answer's.
#[derive(Clone, Debug)]
pub struct Extra {
    /// The CSV column.
    pub name: &'static str,
    /// The detail view's label.
    pub label: &'static str,
    /// As a table shows it.
    pub table: String,
    /// As CSV holds it.
    pub csv: String,
}

/// Columns chosen by `--columns`, headed as the look heads them where it names them.
fn with_look_headers(look: &Look, columns: Vec<Column>) -> Vec<Column> {
    columns
        .into_iter()
        .map(
            |column| match look.fields.iter().find(|(name, _)| *name == column.name) {
                Some((_, header)) => Column {
                    header: (*header).to_string(),
                    ..column
                },
                None => column,
            },
        )
        .collect()
}

/// The look's columns that the spec has, with the look's headers.
fn look_columns(look: &Look, spec: &[Column]) -> Vec<Column> {
    look.fields
        .iter()
        .filter_map(|(name, header)| {
            spec.iter().find(|c| c.name == *name).map(|c| Column {
                header: (*header).to_string(),
                ..c.clone()
            })
        })
        .collect()
}

/// A cell as a look shows it: `yes`/`no`, times as `2026-11-01 12:34` (UTC), a `null`
/// as the look says, dollars to the cent, a suffix in parentheses.
fn look_cell(
    look: &Look,
    column: &Column,
    row: &Value,
    spec: &[Column],
    out: &Out<'_>,
) -> Result<String, Unprintable> {
    let value = get(row, &column.path);
    let name = column.name.as_str();
    if look.per_million.contains(&name) {
        let price = value.and_then(price_per_million);
        return price.map_or_else(|| Ok("varies".into()), money::price);
    }
    if let Some(number) = value.and_then(Value::as_f64) {
        if look.prices.contains(&name) {
            return money::price(number);
        }
        if let Some((_, unit)) = look.units.iter().find(|(field, _)| *field == name)
            && number.is_finite()
        {
            // Within i64 for any duration a server sends; `as` saturates beyond.
            return Ok(format!(
                "{} {unit}",
                table::thousands(number.round() as i64)
            ));
        }
    }
    let mut cell = match value {
        Some(Value::Null) => look
            .null_as
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, text)| (*text).to_string())
            .unwrap_or_default(),
        Some(Value::Array(items)) if items.is_empty() => look
            .null_as
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, text)| (*text).to_string())
            .unwrap_or_default(),
        // A list of names (a guardrail's models) as `a, b`.
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Bool(yes)) => if *yes { "yes" } else { "no" }.to_string(),
        Some(Value::String(text)) if column.kind == ColumnKind::Time => short_time(text),
        Some(Value::String(text)) if look.short.contains(&name) => out.style().short_id(text),
        other => table_cell(other, column.kind)?,
    };
    if let Some((_, after)) = look.suffix.iter().find(|(field, _)| *field == name)
        && matches!(value, Some(v) if !v.is_null())
        && let Some(after) = spec.iter().find(|c| c.name == *after)
        && let Some(Value::String(text)) = get(row, &after.path)
        && !text.is_empty()
    {
        cell = format!("{cell} ({text})");
    }
    Ok(cell)
}

/// Dollars per million tokens, from a price in dollars per token (decimal text or a
/// number); `None` for a price that is not a number or is negative (a router's
/// "depends on the model it picks").
pub fn price_per_million(per_token: &Value) -> Option<f64> {
    let value = match per_token {
        Value::String(text) => text.trim().parse().ok()?,
        other => other.as_f64()?,
    };
    let value: f64 = value;
    (value.is_finite() && value >= 0.0).then(|| ((value * 1e6) * 1e6).round() / 1e6)
}

/// `2026-11-01T12:34:56Z` as `2026-11-01 12:34` (UTC); text that is no RFC 3339 time
/// as sent.
fn short_time(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| text.to_string())
}

/// A look's table: a list as rows (and a `TOTAL` row), one object as `label  value`
/// lines, then the extras. Every cell is made (and an amount that cannot be printed
/// fails) before the table is measured and written; it holds the cells, not the rows.
/// Returns the warnings (at most one).
fn look_table(
    op: &OperationInfo,
    look: &Look,
    rows: &Rows<'_>,
    is_list: bool,
    extra: &[Extra],
    out: &mut Out<'_>,
) -> Result<Vec<String>, RenderError> {
    let spec = spec_columns(op.response);
    let wanted = out.style().columns;
    let slots = match wanted {
        None => look_columns(look, &spec)
            .into_iter()
            .map(Slot::Field)
            .chain(extra.iter().map(Slot::Extra))
            .collect(),
        Some(names) => {
            let present = present_columns(rows, is_list, &spec)?;
            let picked = with_look_headers(look, pick(op, names, &spec, &present, extra)?);
            in_named_order(names, picked, extra)
        }
    };
    let columns = fields(&slots);
    let mut lacking = Lacking::new(&columns);
    if !is_list {
        // One object is one row (the body): its fields and the extras, in the slots'
        // order (`--columns` may put an extra first).
        let mut lines = Vec::new();
        rows.each(|row| {
            lacking.count(row);
            for slot in &slots {
                match slot {
                    Slot::Field(column) => {
                        let cell = look_cell(look, column, row, &spec, out)?;
                        lines.push((column.header.clone(), cell));
                    }
                    Slot::Extra(e) => lines.push((e.label.to_string(), e.table.clone())),
                    Slot::PerMillion(_) => {}
                }
            }
            Ok(())
        })?;
        write_lines(out, &lines)?;
        return Ok(lacking.warning(is_list));
    }
    let mut table = Table::new(columns.iter().map(|c| {
        let align = match c.kind {
            ColumnKind::Usd | ColumnKind::Integer | ColumnKind::Number => Align::Right,
            _ => Align::Left,
        };
        (c.header.clone(), align)
    }));
    // Columns asked for by name are never left out to fit.
    let optional = if wanted.is_some() {
        &[][..]
    } else {
        look.optional
    };
    let ranked = optional.len();
    for (i, name) in optional.iter().enumerate() {
        if let Some(column) = columns.iter().find(|c| c.name == *name) {
            let rank = u8::try_from(ranked - i).unwrap_or(u8::MAX);
            table = table.optional(&table::sanitize(&column.header), rank);
        }
    }
    let mut sums = vec![0.0_f64; columns.len()];
    let mut missing_sums = 0;
    rows.each(|row| {
        lacking.count(row);
        let mut cells = Vec::with_capacity(columns.len());
        for (i, column) in columns.iter().enumerate() {
            if look.totals.contains(&column.name.as_str()) {
                match get(row, &column.path).and_then(Value::as_f64) {
                    Some(value) => sums[i] += value,
                    None => missing_sums += 1,
                }
            }
            cells.push(look_cell(look, column, row, &spec, out)?);
        }
        table.row(cells);
        Ok(())
    })?;
    let mut warnings = lacking.warning(is_list);
    if !look.totals.is_empty() {
        table.rule();
        let mut total = Vec::with_capacity(columns.len());
        // The label goes in the first column that holds no sum (`--columns` may put a
        // summed one first).
        let label_at = columns
            .iter()
            .position(|c| !look.totals.contains(&c.name.as_str()));
        for (i, column) in columns.iter().enumerate() {
            total.push(if Some(i) == label_at {
                "TOTAL".to_string()
            } else if look.totals.contains(&column.name.as_str()) {
                // Rounded past float noise, so a sum prints as the figures it came from.
                let sum = (sums[i] * 1e10).round() / 1e10;
                table_cell(Some(&Value::from(sum)), column.kind)?
            } else {
                String::new()
            });
        }
        table.row(total);
        if missing_sums > 0 && warnings.is_empty() {
            warnings.push(format!(
                "the totals leave out {missing_sums} values the answer lacks"
            ));
        }
    }
    table.write(out)?;
    Ok(warnings)
}

/// `label  value` lines, the values lined up after the widest label.
fn write_lines(out: &mut Out<'_>, lines: &[(String, String)]) -> io::Result<()> {
    use unicode_width::UnicodeWidthStr;
    let width = lines
        .iter()
        .map(|(label, _)| label.width())
        .max()
        .unwrap_or(0);
    for (label, value) in lines {
        let pad = width.saturating_sub(label.width());
        let line = format!("{label}{}  {}", " ".repeat(pad), table::sanitize(value));
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Whether `op`'s answer is the `{"data": [...]}` list that paged items make up.
fn lists_data(op: &OperationInfo) -> bool {
    matches!(
        op.response.map(|r| r.payload),
        Some(Payload::List { items: "data" })
    )
}

/// The items as one `{"data": [...]}` answer, each parsed.
fn items_body(items: &[&RawValue]) -> Result<Value, RenderError> {
    let rows = items
        .iter()
        .map(|item| parse_item(item))
        .collect::<Result<Vec<Value>, _>>()?;
    let mut body = serde_json::Map::new();
    body.insert("data".to_string(), Value::Array(rows));
    Ok(Value::Object(body))
}

fn parse_item(item: &RawValue) -> Result<Value, RenderError> {
    serde_json::from_str(item.get()).map_err(|err| RenderError::Io(io::Error::other(err)))
}

/// The rows of a render: parsed already, or items as sent, parsed one at a time.
enum Rows<'a> {
    Values(&'a [&'a Value]),
    Raw(&'a [&'a RawValue]),
}

impl Rows<'_> {
    /// Calls `each` with every row in order.
    fn each(
        &self,
        mut each: impl FnMut(&Value) -> Result<(), RenderError>,
    ) -> Result<(), RenderError> {
        match self {
            Self::Values(rows) => rows.iter().try_for_each(|row| each(row)),
            Self::Raw(items) => items.iter().try_for_each(|item| each(&parse_item(item)?)),
        }
    }
}

/// A look's CSV: the look's columns first, then every other scalar field the spec lists
/// (so a field new in the spec is a column here with no change), then the extras; one
/// row per item, one row for an object. Rows are written as they are rendered: the
/// caller keeps a failed render from reaching stdout (a buffer, or a check first).
fn look_csv(
    op: &OperationInfo,
    look: &Look,
    rows: &Rows<'_>,
    is_list: bool,
    extra: &[Extra],
    out: &mut Out<'_>,
) -> Result<Vec<String>, RenderError> {
    let spec = &spec_columns(op.response);
    let mut slots = match out.style().columns {
        Some(names) => {
            let present = present_columns(rows, is_list, spec)?;
            let picked = pick(op, names, spec, &present, extra)?;
            in_named_order(names, picked, extra)
        }
        None => {
            let mut columns = look_columns(look, spec);
            for column in spec {
                if column.kind != ColumnKind::Json && !columns.iter().any(|c| c.name == column.name)
                {
                    columns.push(column.clone());
                }
            }
            let columns = columns.into_iter().map(Slot::Field);
            let per_million = look.per_million.iter().map(|name| Slot::PerMillion(name));
            columns
                .chain(per_million)
                .chain(extra.iter().map(Slot::Extra))
                .collect()
        }
    };
    // A secret (the new key of `keys create`) is the last column, unless `--columns`
    // says where.
    let secret = |slot: &Slot<'_>| match slot {
        Slot::Field(c) => op
            .response
            .and_then(|r| r.column(&c.name))
            .is_some_and(|info| info.secret),
        _ => false,
    };
    if out.style().columns.is_none() {
        slots.sort_by_key(secret);
    }
    let raw = out.style().csv_raw;
    let number = |kind: ColumnKind| match kind {
        ColumnKind::Usd | ColumnKind::Integer | ColumnKind::Number | ColumnKind::UnixSeconds => {
            sheet::Kind::Number
        }
        _ => sheet::Kind::Text,
    };
    let header = slots.iter().map(|slot| match slot {
        Slot::Field(c) => (terminal::safe(&c.name).into_owned(), number(c.kind)),
        Slot::PerMillion(name) => (format!("{name}_per_million"), sheet::Kind::Number),
        Slot::Extra(e) => (e.name.to_string(), sheet::Kind::Number),
    });
    let columns = fields(&slots);
    // A first pass over every row (for items, parsing each and dropping it): a dollar
    // amount that cannot be printed, or an item that cannot be read, fails before the
    // header.
    rows.each(|row| {
        for c in columns.iter().filter(|c| c.kind == ColumnKind::Usd) {
            csv_cell_as(get(row, &c.path), c.kind, raw)?;
        }
        Ok(())
    })?;
    let mut lacking = Lacking::new(&columns);
    let mut sheet = Sheet::new(out, header)?;
    let mut cells = Vec::new();
    rows.each(|row| {
        lacking.count(row);
        cells.clear();
        for slot in &slots {
            cells.push(match slot {
                Slot::Field(c) => csv_cell_as(get(row, &c.path), c.kind, raw)?,
                Slot::PerMillion(name) => spec
                    .iter()
                    .find(|c| c.name == *name)
                    .and_then(|c| get(row, &c.path))
                    .and_then(price_per_million)
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
                Slot::Extra(e) => e.csv.clone(),
            });
        }
        sheet.row(&cells)?;
        Ok(())
    })?;
    sheet.finish()?;
    Ok(lacking.warning(is_list))
}

/// One column of a look's CSV or one line of its detail view.
enum Slot<'e> {
    /// A field of the answer.
    Field(Column),
    /// A price per token shown per million tokens (CSV only).
    PerMillion(&'static str),
    /// A value the command computed.
    Extra(&'e Extra),
}

/// The fields among `slots`, in order.
fn fields(slots: &[Slot<'_>]) -> Vec<Column> {
    slots
        .iter()
        .filter_map(|slot| match slot {
            Slot::Field(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

/// `--columns`' names in order: each a picked field or a named extra.
fn in_named_order<'e>(names: &[String], picked: Vec<Column>, extra: &'e [Extra]) -> Vec<Slot<'e>> {
    let mut picked = picked.into_iter();
    names
        .iter()
        .filter_map(|name| match extra.iter().find(|e| e.name == name) {
            Some(e) => Some(Slot::Extra(e)),
            None => picked.next().map(Slot::Field),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use openrouter_analytics::ops;
    use serde_json::json;

    use super::*;
    use crate::output::Style;
    use crate::output::list::page_items;

    /// The test style with `--columns` as given.
    fn picking(columns: Option<&[String]>) -> Style<'_> {
        Style {
            columns,
            ..Style::for_tests()
        }
    }

    fn table(op: &OperationInfo, body: &Value, wanted: Option<&[String]>) -> (String, Vec<String>) {
        let mut out = Vec::new();
        let warnings = write(
            op,
            body,
            &[],
            Layout::Table,
            &mut Out::new(picking(wanted), &mut out),
        )
        .expect("rendered");
        (String::from_utf8(out).expect("UTF-8"), warnings)
    }

    fn csv(op: &OperationInfo, body: &Value, wanted: Option<&[String]>) -> String {
        let mut out = Vec::new();
        write(
            op,
            body,
            &[],
            Layout::Csv,
            &mut Out::new(picking(wanted), &mut out),
        )
        .expect("csv");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn money_is_cents_with_separators_in_tables_and_as_sent_in_csv() {
        let credits = ops::CREDITS_GET_CREDITS;
        let body = json!({"data": {"total_credits": 1234.5678, "total_usage": -2.5}});
        let (text, warnings) = table(credits, &body, None);
        assert!(text.contains("credits  $1,234.57"), "{text}");
        assert!(text.contains("usage    -$2.50"), "{text}");
        assert!(warnings.is_empty());
        assert_eq!(
            csv(credits, &body, None),
            "total_credits,total_usage\n1234.5678,-2.5\n"
        );
    }

    #[test]
    fn a_huge_amount_is_an_error_value_not_a_309_digit_cell() {
        let credits = ops::CREDITS_GET_CREDITS;
        let body = json!({"data": {"total_credits": 1e308, "total_usage": 0}});
        let mut out = Vec::new();
        let err = write(
            credits,
            &body,
            &[],
            Layout::Table,
            &mut Out::new(Style::for_tests(), &mut out),
        )
        .expect_err("refused");
        assert!(matches!(err, RenderError::Unprintable(_)), "{err}");
        let err = write(
            credits,
            &body,
            &[],
            Layout::Csv,
            &mut Out::new(Style::for_tests(), &mut out),
        )
        .expect_err("refused");
        assert!(err.to_string().contains("1e308"), "{err}");
    }

    #[test]
    fn a_missing_required_field_is_an_empty_cell_and_one_warning() {
        let list = ops::API_KEYS_LIST;
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
        let list = ops::API_KEYS_LIST;
        let body = json!({"data": [{"name": "a", "brand_new": 7}]});
        let wanted = vec!["brand_new".to_string()];
        let (text, _) = table(list, &body, Some(&wanted));
        assert!(text.contains("brand_new") && text.contains('7'), "{text}");
        let mut out = Vec::new();
        let nope = ["nope".to_string()];
        let err = write(
            list,
            &body,
            &[],
            Layout::Table,
            &mut Out::new(picking(Some(&nope)), &mut out),
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
    fn unix_seconds_are_rfc_3339_utc_in_tables_and_the_number_in_csv() {
        let models = ops::MODELS_LIST;
        let body =
            json!({"data": [{"id": "a/b", "created": 1715558400}, {"id": "c", "created": "soon"}]});
        let wanted: Vec<String> = ["id", "created"].map(String::from).to_vec();
        let (text, _) = table(models, &body, Some(&wanted));
        assert!(
            text.lines()
                .any(|line| line.starts_with("a/b ") && line.ends_with(" 2024-05-13T00:00:00Z")),
            "{text}"
        );
        assert!(
            text.contains("soon"),
            "another type is shown as sent: {text}"
        );
        assert_eq!(
            csv(models, &body, Some(&wanted)),
            "id,created\na/b,1715558400\nc,soon\n"
        );
    }

    #[test]
    fn a_nested_field_is_a_dotted_row_of_the_object_view() {
        let key = ops::API_KEYS_GET_CURRENT_KEY_METADATA;
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

    /// An API key as `GET /keys` lists it, made odd as a hostile or older server may:
    /// required fields missing, fields the spec does not know (one only near the end,
    /// one an object), markup, ESC, a bidi override and a formula in its text.
    fn odd_key(n: usize) -> Value {
        let mut key = json!({
            "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_monthly": 0.0,
            "byok_usage_weekly": 0.0, "created_at": "2025-06-01T08:00:00Z",
            "creator_user_id": format!("user-{n}"), "disabled": false, "expires_at": null,
            "hash": format!("hash-{n:06}"), "include_byok_in_limit": false,
            "label": "sk-or-v1-abc...", "limit": 100.0, "limit_remaining": 99.5,
            "limit_reset": null, "name": format!("key {n}"), "updated_at": null,
            "usage": n as f64 * 1.25, "usage_daily": 0.0, "usage_monthly": 1.5,
            "usage_weekly": 0.0, "workspace_id": "0b3c9b5e-4f8a-4c1e-9d2e-7a6b5c4d3e2f",
            "external_user": null, "last_used_at": null
        });
        let fields = key.as_object_mut().expect("an object");
        if n % 7 == 3 {
            fields.remove("creator_user_id");
        }
        if n % 11 == 5 {
            fields.remove("usage");
        }
        match n {
            2 => key["usage_monthly"] = json!("NaN"),
            4 => key["name"] = json!("\u{1b}[31mred\u{1b}[0m \u{202e}gpj.exe <b>x</b>,\"q\"\nline"),
            9 => key["label"] = json!("=cmd|' /C calc'!A0"),
            12 => key["disabled"] = json!("maybe"),
            40 => key["brand_new"] = json!({"nested": [1, 2]}),
            41 => key["late_field"] = json!(7),
            42 => key["late_field"] = json!("<script>x</script>"),
            _ => {}
        }
        key
    }

    /// `keys` as pages of 20, each a body as a server sends it.
    fn pages_of(keys: &[Value]) -> Vec<String> {
        keys.chunks(20)
            .map(|page| json!({ "data": page }).to_string())
            .collect()
    }

    /// What a render printed and its warnings, or its error as text.
    type Rendered = Result<(String, Vec<String>), String>;

    fn rendered(
        style: Style<'_>,
        render: impl FnOnce(&mut Out<'_>) -> Result<Vec<String>, RenderError>,
    ) -> Rendered {
        let mut out = Vec::new();
        let warnings = render(&mut Out::new(style, &mut out)).map_err(|err| err.to_string())?;
        Ok((String::from_utf8(out).expect("UTF-8"), warnings))
    }

    /// Every page's items rendered one at a time print the very bytes (and warnings,
    /// and errors) of the same items parsed into one `{"data": [...]}` tree.
    #[test]
    fn items_render_as_the_tree_of_the_same_list_does() {
        let list = ops::API_KEYS_LIST;
        let keys: Vec<Value> = (0..43).map(odd_key).collect();
        let pages = pages_of(&keys);
        let items = page_items(pages.iter().map(String::as_bytes)).expect("items");
        let tree = json!({ "data": keys });
        let names = |list: &str| list.split(',').map(String::from).collect::<Vec<_>>();
        let choices = [
            None,
            Some(names(
                "name,late_field,brand_new,creator_user_id,usage,disabled",
            )),
            Some(names("hash,label,usage_monthly")),
            Some(names("name,nope")),
        ];
        for wanted in &choices {
            for width in [None, Some(60), Some(20)] {
                let wanted = wanted.as_deref();
                let style = Style {
                    width,
                    ..picking(wanted)
                };
                let case = format!("{wanted:?} at {width:?}");
                let table = rendered(style, |out| write_items(list, &items, Layout::Table, out));
                let csv = rendered(style, |out| write_items(list, &items, Layout::Csv, out));
                assert_eq!(
                    table,
                    rendered(style, |out| write(list, &tree, &[], Layout::Table, out)),
                    "{case}"
                );
                assert_eq!(
                    csv,
                    rendered(style, |out| write(list, &tree, &[], Layout::Csv, out)),
                    "{case}"
                );
                if let (Ok((table, _)), Ok((csv, _))) = (&table, &csv) {
                    // A header, a line per item, the rule and the totals.
                    assert_eq!(table.lines().count(), 46, "{case}: {table}");
                    assert!(csv.lines().count() >= 44, "{case}: {csv}");
                }
            }
        }
    }

    /// An amount that cannot be printed in the last item fails the items' CSV and table
    /// before their first byte, though every row before it rendered.
    #[test]
    fn an_absurd_last_amount_fails_the_items_before_a_byte() {
        let list = ops::API_KEYS_LIST;
        let mut keys: Vec<Value> = (0..60).map(odd_key).collect();
        keys[59]["usage"] = json!(1e308);
        let pages = pages_of(&keys);
        let items = page_items(pages.iter().map(String::as_bytes)).expect("items");
        let mut out = Vec::new();
        let err = write_items(
            list,
            &items,
            Layout::Csv,
            &mut Out::new(Style::for_tests(), &mut out),
        )
        .expect_err("refused");
        assert!(matches!(err, RenderError::Unprintable(_)), "{err}");
        assert!(out.is_empty(), "{} bytes", out.len());
        let err = write_items(
            list,
            &items,
            Layout::Table,
            &mut Out::new(Style::for_tests(), &mut out),
        )
        .expect_err("refused");
        assert!(err.to_string().contains("1e308"), "{err}");
        assert!(out.is_empty(), "{} bytes", out.len());
    }

    /// A list's CSV from its items holds one parsed item at a time: its peak heap is a
    /// small part of the text (the pages themselves are the caller's), where a tree of
    /// the list is several times the text.
    #[test]
    fn the_items_csv_never_holds_a_tree_of_the_list() {
        let list = ops::API_KEYS_LIST;
        let keys: Vec<Value> = (0..4000).map(odd_key).collect();
        let pages = pages_of(&keys);
        drop(keys);
        let text: usize = pages.iter().map(String::len).sum();
        let wanted: Vec<String> = ["name", "late_field", "usage"].map(String::from).to_vec();
        for wanted in [None, Some(&wanted[..])] {
            let (written, peak) = crate::test_alloc::peak(|| {
                let items = page_items(pages.iter().map(String::as_bytes)).expect("items");
                let mut sink = io::sink();
                write_items(
                    list,
                    &items,
                    Layout::Csv,
                    &mut Out::new(picking(wanted), &mut sink),
                )
                .map(|_| items.len())
            });
            assert_eq!(written.expect("written"), 4000);
            assert!(
                peak * 10 < text,
                "{wanted:?}: a peak of {peak} bytes for {text} bytes of pages"
            );
        }
        // What the list cost as one tree of values, as it was rendered before.
        let (tree, peak) = crate::test_alloc::peak(|| {
            let items = page_items(pages.iter().map(String::as_bytes)).expect("items");
            items
                .iter()
                .map(|item| parse_item(item))
                .collect::<Result<Vec<Value>, _>>()
                .expect("parsed")
        });
        assert_eq!(tree.len(), 4000);
        assert!(peak > 3 * text, "the tree: {peak} bytes for {text}");
    }
}
