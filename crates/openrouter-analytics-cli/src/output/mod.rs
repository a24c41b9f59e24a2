//! Printing results: the three formats and the helpers the commands share.

pub mod money;
pub mod resource;
pub mod resources;
pub mod sheet;
pub mod table;

use std::io::{self, IsTerminal, Write};
use std::sync::OnceLock;

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

/// How wide tables may be: set once from `--wide` and the terminal.
static TABLE_WIDTH: OnceLock<Option<usize>> = OnceLock::new();

/// Decides how wide tables may be: unlimited with `--wide`, else `COLUMNS` when it is
/// set, else the terminal's width when stdout is a terminal (a table sent to a pipe or
/// a file keeps every column). Call once, before printing.
pub fn set_table_width(wide: bool) {
    let width = if wide {
        None
    } else {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|text| text.trim().parse::<usize>().ok())
            .filter(|width| *width > 0)
            .or_else(|| io::stdout().is_terminal().then(terminal_columns).flatten())
    };
    let _ = TABLE_WIDTH.set(width);
}

/// The most columns a table may take, if it is limited (see [`set_table_width`]).
pub fn table_width() -> Option<usize> {
    TABLE_WIDTH.get().copied().flatten()
}

/// Whether tables show everything (`--wide`, or no width limit): long ids are then
/// printed whole.
pub fn wide() -> bool {
    table_width().is_none()
}

/// A long id or hash as a table shows it: its first 12 characters and `…` when the
/// table is fitted to a terminal (enough to tell keys apart at a glance); whole with
/// `--wide`, in JSON and in CSV, which is where to copy one from.
pub fn short_id(id: &str) -> String {
    const SHOWN: usize = 12;
    if wide() || id.chars().count() <= SHOWN + 1 {
        id.to_string()
    } else {
        let mut short: String = id.chars().take(SHOWN).collect();
        short.push('…');
        short
    }
}

/// The width of the terminal on stdout, in columns.
#[cfg(unix)]
fn terminal_columns() -> Option<usize> {
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes one `winsize` through the pointer, which points to a
    // live, writable `winsize`; on failure it writes nothing and returns -1.
    let status = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
    (status == 0 && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

/// The width of the terminal on stdout, in columns (`COLUMNS` only, here).
#[cfg(not(unix))]
fn terminal_columns() -> Option<usize> {
    None
}
