//! Aligned text tables for people: a header, rows, an optional rule and totals row.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use super::Out;
use crate::terminal;

/// How a column's cells line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Text: flush left.
    Left,
    /// Numbers: flush right.
    Right,
}

#[derive(Clone, Debug)]
enum Line {
    Cells(Vec<String>),
    Rule,
}

/// A table being built; [`Table::write`] prints it. Every header and cell goes through
/// [`sanitize`] as it is added, so widths are measured on what is printed.
#[derive(Clone, Debug)]
pub struct Table {
    headers: Vec<String>,
    align: Vec<Align>,
    /// 0: always shown; higher: left out sooner when the table is wider than the
    /// terminal.
    rank: Vec<u8>,
    lines: Vec<Line>,
}

impl Table {
    /// A table with these columns.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = (S, Align)>) -> Self {
        let (headers, align) = split_columns(columns);
        Self {
            rank: vec![0; headers.len()],
            headers,
            align,
            lines: Vec::new(),
        }
    }

    /// Lets the column `header` be left out when the table does not fit the terminal:
    /// the column of the highest rank goes first (`--wide` keeps them all).
    pub fn optional(mut self, header: &str, rank: u8) -> Self {
        if let Some(i) = self.headers.iter().position(|h| h == header) {
            self.rank[i] = rank;
        }
        self
    }

    /// Leaves out optional columns, least useful first, until the table is at most
    /// `width` columns wide (or only the columns that are always shown are left).
    pub fn fit(&mut self, width: usize) {
        loop {
            let widths = self.widths();
            let total = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
            if total <= width {
                return;
            }
            // The highest rank; of equal ranks, the rightmost.
            let Some((drop, _)) = self
                .rank
                .iter()
                .enumerate()
                .filter(|(_, rank)| **rank > 0)
                .max_by_key(|(i, rank)| (**rank, *i))
            else {
                return;
            };
            self.headers.remove(drop);
            self.align.remove(drop);
            self.rank.remove(drop);
            for line in &mut self.lines {
                if let Line::Cells(cells) = line
                    && drop < cells.len()
                {
                    cells.remove(drop);
                }
            }
        }
    }

    fn widths(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for line in &self.lines {
            if let Line::Cells(cells) = line {
                for (w, cell) in widths.iter_mut().zip(cells) {
                    *w = (*w).max(width(&sanitize(cell)));
                }
            }
        }
        widths
    }

    /// Adds a row; missing cells are blank, extra ones are dropped.
    pub fn row(&mut self, cells: Vec<String>) {
        let cells = cells.iter().map(|cell| sanitize(cell)).collect();
        self.lines.push(Line::Cells(cells));
    }

    /// Adds a line of dashes under every column (before a totals row).
    pub fn rule(&mut self) {
        self.lines.push(Line::Rule);
    }

    /// Prints the table: columns two spaces apart, no trailing spaces; fitted to the
    /// style's width first ([`super::Style::width`]) when it has optional columns.
    pub fn write(&self, out: &mut Out<'_>) -> io::Result<()> {
        if let Some(width) = out.style().width
            && self.rank.iter().any(|rank| *rank > 0)
        {
            let mut fitted = self.clone();
            fitted.fit(width);
            return fitted.write_all_columns(out);
        }
        self.write_all_columns(out)
    }

    fn write_all_columns(&self, out: &mut dyn Write) -> io::Result<()> {
        let widths = self.widths();
        let mut line = String::new();
        write_line(out, &mut line, &widths, &self.align, &self.headers)?;
        for row in &self.lines {
            match row {
                Line::Cells(cells) => write_line(out, &mut line, &widths, &self.align, cells)?,
                Line::Rule => write_rule(out, &mut line, &widths)?,
            }
        }
        Ok(())
    }
}

/// Columns as given: their headers made safe for a terminal, and their alignments.
fn split_columns<S: Into<String>>(
    columns: impl IntoIterator<Item = (S, Align)>,
) -> (Vec<String>, Vec<Align>) {
    columns
        .into_iter()
        .map(|(header, align)| (sanitize(&header.into()), align))
        .unzip()
}

/// A table too large to hold (100,000 activity rows): it keeps only its columns'
/// widths. The caller passes over its rows twice, [`Streamed::measure`] each, then
/// [`Streamed::write_row`] each; cells are borrowed where they can be and made
/// terminal-safe as they are measured and written, so no row is kept. No optional
/// columns: what is measured is what is printed.
pub struct Streamed {
    headers: Vec<String>,
    align: Vec<Align>,
    widths: Vec<usize>,
    line: String,
}

impl Streamed {
    /// A table with these columns.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = (S, Align)>) -> Self {
        let (headers, align) = split_columns(columns);
        Self {
            widths: headers.iter().map(|h| width(h)).collect(),
            headers,
            align,
            line: String::new(),
        }
    }

    /// Widens the columns to fit a row (missing cells are blank, extra ones dropped).
    pub fn measure<S: AsRef<str>>(&mut self, cells: &[S]) {
        for (w, cell) in self.widths.iter_mut().zip(cells) {
            *w = (*w).max(width(&terminal::safe(cell.as_ref())));
        }
    }

    /// Prints the header row.
    pub fn write_header(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write_line(
            out,
            &mut self.line,
            &self.widths,
            &self.align,
            &self.headers,
        )
    }

    /// Prints a row, padded to the widths measured.
    pub fn write_row<S: AsRef<str>>(&mut self, out: &mut dyn Write, cells: &[S]) -> io::Result<()> {
        let safe: Vec<std::borrow::Cow<'_, str>> = cells
            .iter()
            .map(|cell| terminal::safe(cell.as_ref()))
            .collect();
        write_line(out, &mut self.line, &self.widths, &self.align, &safe)
    }

    /// Prints a line of dashes under every column.
    pub fn write_rule(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write_rule(out, &mut self.line, &self.widths)
    }
}

/// One line: cells two spaces apart, each padded to its column's width, no trailing
/// spaces; missing cells are blank, extra ones dropped. `line` is reused between lines.
fn write_line<S: AsRef<str>>(
    out: &mut dyn Write,
    line: &mut String,
    widths: &[usize],
    align: &[Align],
    cells: &[S],
) -> io::Result<()> {
    line.clear();
    for (i, (w, align)) in widths.iter().zip(align).enumerate() {
        let cell = cells.get(i).map_or("", AsRef::as_ref);
        if i > 0 {
            line.push_str("  ");
        }
        let pad = w.saturating_sub(width(cell));
        match align {
            Align::Left => {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', pad));
            }
            Align::Right => {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(cell);
            }
        }
    }
    writeln!(out, "{}", line.trim_end())
}

/// A line of dashes under every column.
fn write_rule(out: &mut dyn Write, line: &mut String, widths: &[usize]) -> io::Result<()> {
    let dashes: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    let align = vec![Align::Left; widths.len()];
    write_line(out, line, widths, &align, &dashes)
}

/// Display width in terminal columns: a CJK character or an emoji takes two, a
/// combining mark none, so that names in any script line up (counting `char`s would
/// push every cell after a wide name out of its column).
fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// A cell as it may reach a terminal, on one line: controls (a newline in a model
/// name, an escape sequence) and bidi overrides are shown escaped ([`terminal::safe`]).
pub fn sanitize(text: &str) -> String {
    terminal::safe(text).into_owned()
}

/// `1234567` as `1,234,567` (any integer up to `i128`, so sums print exactly).
pub fn thousands(value: impl Into<i128>) -> String {
    let value = value.into();
    group_digits(&value.unsigned_abs().to_string(), value < 0)
}

/// `part / whole` as a percentage with one decimal, blank when `whole` is zero.
pub fn percent(part: f64, whole: f64) -> String {
    let share = part / whole * 100.0;
    if whole == 0.0 || !whole.is_finite() || !share.is_finite() {
        return String::new();
    }
    format!("{share:.1}%")
}

fn group_digits(digits: &str, negative: bool) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if negative {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Style;

    #[test]
    fn numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(-1234567), "-1,234,567");
        assert_eq!(thousands(i64::MIN), "-9,223,372,036,854,775,808");
        assert_eq!(
            thousands(i128::from(i64::MAX) * 3),
            "27,670,116,110,564,327,421"
        );
        assert_eq!(percent(1.0, 4.0), "25.0%");
        assert_eq!(percent(1.0, 0.0), "");
    }

    #[test]
    fn columns_align_and_lines_have_no_trailing_space() {
        let mut table = Table::new([("NAME", Align::Left), ("N", Align::Right)]);
        table.row(vec!["a".into(), "1".into()]);
        table.row(vec!["long\nname".into(), "1,000".into()]);
        table.rule();
        table.row(vec!["TOTAL".into()]);
        let mut out = Vec::new();
        table
            .write(&mut Out::new(Style::for_tests(), &mut out))
            .expect("write");
        let text = String::from_utf8(out).expect("utf8");
        assert_eq!(
            text,
            "NAME            N\n\
             a               1\n\
             long\\nname  1,000\n\
             ----------  -----\n\
             TOTAL\n"
        );
    }

    #[test]
    fn escapes_and_bidi_overrides_are_shown_escaped_and_measured_as_shown() {
        let mut table = Table::new([("NAME", Align::Left), ("N", Align::Right)]);
        table.row(vec!["\u{202e}gpj.exe".into(), "1".into()]);
        table.row(vec!["\x1b[31mred\x1b]0;title\x07".into(), "22".into()]);
        table.row(vec!["plain".into(), "333".into()]);
        let mut out = Vec::new();
        table
            .write(&mut Out::new(Style::for_tests(), &mut out))
            .expect("write");
        let text = String::from_utf8(out).expect("utf8");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{text}"
        );
        assert!(text.contains("<U+202E>gpj.exe"), "{text}");
        assert!(text.contains("\\x1b[31mred"), "{text}");
        // Every line is as wide as the widest, so the numbers stay in their column.
        let widths: Vec<usize> = text.lines().map(width).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "{text}");
    }

    #[test]
    fn optional_columns_go_least_useful_first_until_the_table_fits() {
        let mut table = Table::new([
            ("NAME", Align::Left),
            ("A", Align::Left),
            ("B", Align::Left),
            ("TOTAL", Align::Right),
        ])
        .optional("A", 2)
        .optional("B", 1);
        table.row(vec![
            "n".into(),
            "aaaaaaaaaa".into(),
            "bbbbbbbbbb".into(),
            "$1.00".into(),
        ]);
        let mut wide = table.clone();
        wide.fit(40);
        assert_eq!(wide.headers, ["NAME", "A", "B", "TOTAL"]);
        let mut narrower = table.clone();
        narrower.fit(30);
        assert_eq!(narrower.headers, ["NAME", "B", "TOTAL"]);
        let mut narrowest = table.clone();
        narrowest.fit(5);
        assert_eq!(
            narrowest.headers,
            ["NAME", "TOTAL"],
            "the others always stay"
        );
        let Line::Cells(cells) = &narrowest.lines[0] else {
            panic!("a row");
        };
        assert_eq!(cells, &["n", "$1.00"]);
    }

    #[test]
    fn a_streamed_table_prints_what_a_held_table_prints() {
        let columns = [
            ("NAME", Align::Left),
            ("N", Align::Right),
            ("NOTE", Align::Left),
        ];
        let rows: Vec<Vec<&str>> = vec![
            vec!["a", "1", "x"],
            vec!["long\nname \u{1b}[31m", "1,000"],
            vec!["研究チーム", "22", "bidi \u{202e}txt", "extra"],
        ];
        let mut held = Table::new(columns);
        for row in &rows {
            held.row(row.iter().map(|cell| cell.to_string()).collect());
        }
        held.rule();
        held.row(vec!["TOTAL".into(), "1,023".into()]);
        let mut expected = Vec::new();
        held.write(&mut Out::new(Style::for_tests(), &mut expected))
            .expect("write");

        let total = ["TOTAL", "1,023"];
        let mut streamed = Streamed::new(columns);
        for row in &rows {
            streamed.measure(row);
        }
        streamed.measure(&total);
        let mut out = Vec::new();
        streamed.write_header(&mut out).expect("header");
        for row in &rows {
            streamed.write_row(&mut out, row).expect("row");
        }
        streamed.write_rule(&mut out).expect("rule");
        streamed.write_row(&mut out, &total).expect("total");
        assert_eq!(
            String::from_utf8(out).expect("utf8"),
            String::from_utf8(expected).expect("utf8")
        );
    }

    #[test]
    fn wide_characters_take_two_columns() {
        let mut table = Table::new([("NAME", Align::Left), ("USD", Align::Right)]);
        table.row(vec!["研究チーム".into(), "$1.0000".into()]);
        table.row(vec!["bot 🤖".into(), "$12.0000".into()]);
        table.row(vec!["ascii".into(), "$0.5000".into()]);
        let mut out = Vec::new();
        table
            .write(&mut Out::new(Style::for_tests(), &mut out))
            .expect("write");
        let text = String::from_utf8(out).expect("utf8");
        // 研究チーム is five characters but ten columns wide; 🤖 is two.
        assert_eq!(
            text,
            "NAME             USD\n\
             研究チーム   $1.0000\n\
             bot 🤖      $12.0000\n\
             ascii        $0.5000\n"
        );
        for line in text.lines() {
            assert_eq!(width(line), 20, "{line:?}");
        }
    }
}
