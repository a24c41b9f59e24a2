//! CSV that is safe to open in a spreadsheet.
//!
//! Anyone who can name an API key, a workspace or a model can make a cell start with
//! `=`, `+`, `-` or `@`; Excel, LibreOffice and Google Sheets run such a cell as a
//! formula (`=HYPERLINK(..)`, `+cmd|..`). Every CSV the tool writes goes through
//! [`Sheet`], which knows whether each column holds text or numbers: a text cell that
//! begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
//! (OWASP's advice), so the spreadsheet shows it as text. Number cells are written as
//! they are, so `-1.5` stays a number; a "number" cell that does not read back as a
//! finite number is treated as text. `--csv-raw` (or `OPENROUTER_CSV_RAW=1`) turns the
//! neutralising off for readers that are not spreadsheets.

use std::borrow::Cow;
use std::io::{self, Write};

use super::money::Unprintable;
use super::{Out, csv_error};

/// What a column holds, which decides whether its cells may start a formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Names, labels, emails, ids, dates: neutralised when they look like a formula.
    Text,
    /// Amounts and counts: written as they are, minus sign included.
    Number,
}

/// A column: its header and what it holds.
pub type Column = (&'static str, Kind);

/// A text column.
pub const fn text(name: &'static str) -> Column {
    (name, Kind::Text)
}

/// A number column.
pub const fn number(name: &'static str) -> Column {
    (name, Kind::Number)
}

/// A column of rows of type `T`: its header and kind, and how a row fills it. The
/// header and the cell are written side by side, so no list of headers has to stay in
/// line with a list of cells.
/// A money cell that cannot be printed ([`Unprintable`]) fails the document.
pub type Field<T> = (Column, fn(&T) -> Result<String, Unprintable>);

/// Writes a whole document: the fields' header, then one row per item.
pub fn write_rows<'a, T: 'a>(
    out: &mut Out<'_>,
    fields: &[Field<T>],
    items: impl IntoIterator<Item = &'a T>,
) -> io::Result<()> {
    let mut sheet = Sheet::new(out, fields.iter().map(|(column, _)| *column))?;
    for item in items {
        let cells = fields
            .iter()
            .map(|(_, cell)| cell(item))
            .collect::<Result<Vec<String>, Unprintable>>()?;
        sheet.row(cells)?;
    }
    sheet.finish()
}

/// A CSV document being written: RFC 4180 quoting, `\n` line ends, a header row, then
/// [`Sheet::row`]s whose cells are neutralised by their column's [`Kind`].
///
/// ```text
/// let mut csv = Sheet::new(out, [text("name"), number("usage")])?;
/// csv.row(["=HYPERLINK(\"http://evil\")", "-2.5"])?;   // '=HYPERLINK(..),-2.5
/// csv.finish()?;
/// ```
pub struct Sheet<'w> {
    writer: csv::Writer<&'w mut dyn Write>,
    kinds: Vec<Kind>,
    raw: bool,
}

impl<'w> Sheet<'w> {
    /// Starts a document with these columns and writes the header row (header cells
    /// are text: a query's column names come from the network); cells are neutralised
    /// unless `out`'s style is `--csv-raw`.
    pub fn new<S: AsRef<str>>(
        out: &'w mut Out<'_>,
        columns: impl IntoIterator<Item = (S, Kind)>,
    ) -> io::Result<Self> {
        let raw = out.style().csv_raw;
        Self::with_raw(out, columns, raw)
    }

    fn with_raw<S: AsRef<str>>(
        out: &'w mut dyn Write,
        columns: impl IntoIterator<Item = (S, Kind)>,
        raw: bool,
    ) -> io::Result<Self> {
        let writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(out);
        let mut names = Vec::new();
        let mut kinds = Vec::new();
        for (name, kind) in columns {
            names.push(name);
            kinds.push(kind);
        }
        let mut sheet = Self { writer, kinds, raw };
        let header = names.iter().map(|name| (Kind::Text, name.as_ref()));
        write_cells(&mut sheet.writer, sheet.raw, header)?;
        Ok(sheet)
    }

    /// Writes one row; a cell past the declared columns counts as text.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) -> io::Result<()> {
        let kinds = self
            .kinds
            .iter()
            .copied()
            .chain(std::iter::repeat(Kind::Text));
        let cells: Vec<S> = cells.into_iter().collect();
        write_cells(
            &mut self.writer,
            self.raw,
            kinds.zip(cells.iter().map(AsRef::as_ref)),
        )
    }

    /// Flushes what is buffered.
    pub fn finish(mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// Writes one record, each cell made [safe](safe_cell) unless `raw`.
fn write_cells<'c>(
    writer: &mut csv::Writer<&mut dyn Write>,
    raw: bool,
    cells: impl Iterator<Item = (Kind, &'c str)>,
) -> io::Result<()> {
    for (kind, value) in cells {
        let value = if raw {
            Cow::Borrowed(value)
        } else {
            safe_cell(kind, value)
        };
        writer.write_field(value.as_bytes()).map_err(csv_error)?;
    }
    writer
        .write_record(std::iter::empty::<&[u8]>())
        .map_err(csv_error)
}

/// A cell as a spreadsheet may safely read it: numbers as they are, text that would
/// start a formula with a leading `'`.
///
/// ```text
/// safe_cell(Kind::Text, "@SUM(1)")  == "'@SUM(1)"
/// safe_cell(Kind::Text, "-1+1")     == "'-1+1"
/// safe_cell(Kind::Number, "-1.5")   == "-1.5"
/// safe_cell(Kind::Number, "=1")     == "'=1"    (not a number, so text)
/// ```
pub fn safe_cell(kind: Kind, value: &str) -> Cow<'_, str> {
    let is_number = kind == Kind::Number && value.parse::<f64>().is_ok_and(f64::is_finite);
    if !is_number && value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(raw: bool) -> String {
        let mut out = Vec::new();
        let mut sheet = Sheet::with_raw(
            &mut out,
            [text("name"), number("usage"), text("@header")],
            raw,
        )
        .expect("header");
        for (name, usage) in [
            ("=HYPERLINK(\"http://evil\",\"x\")", "-1.5"),
            ("+cmd|' /C calc'!A0", "2"),
            ("@SUM(1)", "-0"),
            ("-1+1", "=1+1"),
            ("\tTab", "inf"),
            ("\rreturn", ""),
            ("plain, \"quoted\"", "3e2"),
        ] {
            sheet.row([name, usage, "-x"]).expect("row");
        }
        sheet.finish().expect("flush");
        String::from_utf8(out).expect("utf8")
    }

    #[test]
    fn text_that_starts_a_formula_gets_a_quote_numbers_stay_numbers() {
        assert_eq!(
            document(false),
            "name,usage,'@header\n\
             \"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",-1.5,'-x\n\
             '+cmd|' /C calc'!A0,2,'-x\n\
             '@SUM(1),-0,'-x\n\
             '-1+1,'=1+1,'-x\n\
             '\tTab,inf,'-x\n\
             \"'\rreturn\",,'-x\n\
             \"plain, \"\"quoted\"\"\",3e2,'-x\n"
        );
    }

    #[test]
    fn raw_writes_every_cell_as_it_is() {
        let raw = document(true);
        assert!(
            raw.starts_with("name,usage,@header\n\"=HYPERLINK("),
            "{raw}"
        );
        assert!(raw.contains("\n-1+1,=1+1,-x\n"), "{raw}");
        assert!(raw.contains("\n+cmd|' /C calc'!A0,2,-x\n"), "{raw}");
        assert!(raw.contains("\n@SUM(1),-0,-x\n"), "{raw}");
    }
}
