//! Printing results: the three formats and the helpers the commands share.

pub mod money;
pub mod sheet;
pub mod table;

use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use crate::args::Format;

/// The format to print in: the one asked for, else `table` on a terminal and `json`
/// when stdout is a pipe or a file.
pub fn resolve_format(requested: Option<Format>) -> Format {
    requested.unwrap_or_else(|| {
        if io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Json
        }
    })
}

/// Pretty-printed JSON and a final newline.
pub fn write_json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)
}

/// A response body exactly as OpenRouter sent it, ending with a newline.
pub fn write_raw_json(out: &mut dyn Write, raw: &[u8]) -> io::Result<()> {
    out.write_all(raw)?;
    if raw.last() != Some(&b'\n') {
        writeln!(out)?;
    }
    Ok(())
}

/// Turns a CSV error into an I/O error, keeping a broken pipe recognisable.
pub fn csv_error(err: csv::Error) -> io::Error {
    match err.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// A JSON value as a table or CSV cell: strings bare, `null` blank, the rest as JSON.
pub fn cell(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A dollar amount as it goes into CSV: the shortest text that reads back as the same
/// number, never in exponent form. An amount that is not
/// [printable](money::printable) shows as `?` and fails the command ([`money::check`]).
pub fn plain_number(value: f64) -> String {
    if !money::printable(value) {
        return "?".into();
    }
    value.to_string()
}
