//! Printing results: the three formats and the helpers the commands share.

pub mod list;
pub mod money;
pub mod resource;
pub mod resources;
pub mod sheet;
pub mod table;

use std::io::{self, IsTerminal, Write};

use clap::ValueEnum;
use serde::Serialize;

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people, costs in USD, with a totals row.
    Table,
    /// The API's response as JSON (summaries when --by is given), for jq and scripts.
    Json,
    /// A header row, then one row per item.
    Csv,
}

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

/// Writes output rendered already, and flushes; a reader that closed the pipe (`| head`)
/// is not a failure.
pub fn write_bytes(writer: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
    let mut target = ClosedPipeOk::new(writer);
    target.write_all(bytes).and_then(|()| target.flush())
}

/// Renders once, straight into `writer` through a small buffer, for a render that finds
/// every failure before its first byte: it checks the amounts it will print first, or
/// measures every row before it writes one ([`table::Streamed`]). Output stays all or
/// nothing without holding a second, whole copy of it in memory (a 34 MB report stays
/// 34 MB, not 68), at the cost of one render. A render that fails after it began to
/// write breaks that promise: debug builds (the tests) panic, and what it left in the
/// buffer is dropped, not written.
/// A reader that closed the pipe (`| head`) is not a failure: the rest is dropped.
pub fn write_streamed<T, E>(
    style: Style<'_>,
    writer: &mut dyn Write,
    render: impl FnOnce(&mut Out<'_>) -> Result<T, E>,
    io_failure: impl Fn(&io::Error) -> E,
) -> Result<T, E> {
    let mut target = Counted {
        inner: io::BufWriter::with_capacity(64 * 1024, ClosedPipeOk::new(writer)),
        written: 0,
    };
    match render(&mut Out::new(style, &mut target)) {
        Ok(rendered) => {
            target.inner.flush().map_err(|err| io_failure(&err))?;
            Ok(rendered)
        }
        Err(err) => {
            debug_assert_eq!(
                target.written, 0,
                "a streamed render failed after it had begun to write"
            );
            // Not flushed on drop: whatever is still buffered goes nowhere.
            let _unwritten = target.inner.into_parts();
            Err(err)
        }
    }
}

/// A writer that counts the bytes it was given.
struct Counted<W> {
    inner: W,
    written: usize,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n;
        Ok(n)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf)?;
        self.written += buf.len();
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A writer whose reader may leave: after a broken pipe, every write "succeeds" and
/// goes nowhere, so a render to `| head` finishes as if it had been read.
struct ClosedPipeOk<'w> {
    inner: &'w mut dyn Write,
    closed: bool,
}

impl<'w> ClosedPipeOk<'w> {
    fn new(inner: &'w mut dyn Write) -> Self {
        Self {
            inner,
            closed: false,
        }
    }

    fn tolerate<T>(&mut self, result: io::Result<T>, done: T) -> io::Result<T> {
        match result {
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(done)
            }
            other => other,
        }
    }
}

impl Write for ClosedPipeOk<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.tolerate(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.tolerate(result, ())
    }
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

/// How a command renders: the format and the options that shape it. Made once by
/// `main` from the flags and the terminal, and passed down inside each [`Out`]: no
/// render reads a global, so two renders with different options never meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style<'a> {
    /// Table, JSON or CSV.
    pub format: Format,
    /// The most columns a table may take; `None`: no limit (`--wide`, or stdout is not
    /// a terminal), and long ids are printed whole.
    pub width: Option<usize>,
    /// `--csv-raw`: CSV cells exactly as they are (see [`sheet`]).
    pub csv_raw: bool,
    /// `--columns a,b,c`: the fields a table or CSV shows, in this order, instead of
    /// the command's own choice; `None` without the flag.
    pub columns: Option<&'a [String]>,
}

impl<'a> Style<'a> {
    /// The style the flags ask for on this process's stdout: the format
    /// ([`resolve_format`]), and a table width that is unlimited with `--wide`, else
    /// `COLUMNS` when it is set, else the terminal's width when stdout is a terminal (a
    /// table sent to a pipe or a file keeps every column).
    pub fn for_stdout(format: Option<Format>, wide: bool, csv_raw: bool) -> Self {
        let width = if wide {
            None
        } else {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|text| text.trim().parse::<usize>().ok())
                .filter(|width| *width > 0)
                .or_else(|| io::stdout().is_terminal().then(terminal_columns).flatten())
        };
        Self {
            format: resolve_format(format),
            width,
            csv_raw,
            columns: None,
        }
    }

    /// This style showing `columns` (`--columns`), when given.
    pub fn with_columns(self, columns: Option<&'a [String]>) -> Self {
        Self { columns, ..self }
    }

    /// A table of unlimited width with neutralised CSV: what a render to a pipe looks
    /// like, for unit tests.
    #[cfg(test)]
    pub fn for_tests() -> Self {
        Self {
            format: Format::Table,
            width: None,
            csv_raw: false,
            columns: None,
        }
    }

    /// Whether tables show everything (`--wide`, or no width limit): long ids are then
    /// printed whole.
    pub fn wide(&self) -> bool {
        self.width.is_none()
    }

    /// A long id or hash as a table shows it: its first 12 characters and `…` when the
    /// table is fitted to a terminal (enough to tell keys apart at a glance); whole with
    /// `--wide`, in JSON and in CSV, which is where to copy one from.
    pub fn short_id(&self, id: &str) -> String {
        const SHOWN: usize = 12;
        if self.wide() || id.chars().count() <= SHOWN + 1 {
            id.to_string()
        } else {
            let mut short: String = id.chars().take(SHOWN).collect();
            short.push('…');
            short
        }
    }
}

/// Where a command renders to: a writer (main's buffer or stdout, one per run) and the
/// [`Style`] to render in. Tables ([`table::Table::write`]) and CSV ([`sheet::Sheet`])
/// take their options from it.
pub struct Out<'w> {
    style: Style<'w>,
    writer: &'w mut dyn Write,
}

impl<'w> Out<'w> {
    /// Renders to `writer` in `style`.
    pub fn new(style: Style<'w>, writer: &'w mut dyn Write) -> Self {
        Self { style, writer }
    }

    /// The style to render in.
    pub fn style(&self) -> Style<'w> {
        self.style
    }
}

impl Write for Out<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
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

#[cfg(test)]
mod tests {
    use super::sheet::{Sheet, number, text};
    use super::table::{Align, Table};
    use super::*;

    /// A narrow table with an optional column, a long id, and a CSV with a formula-like
    /// name, rendered in `style`.
    fn render(style: Style<'_>) -> (String, String) {
        let id = "0123456789abcdef0123";
        let mut table =
            Table::new([("ID", Align::Left), ("NOTE", Align::Left)]).optional("NOTE", 1);
        let mut out = Vec::new();
        let mut target = Out::new(style, &mut out);
        table.row(vec![
            target.style().short_id(id),
            "a long optional note".into(),
        ]);
        table.write(&mut target).expect("table");
        let mut csv = Vec::new();
        let mut target = Out::new(style, &mut csv);
        let mut sheet = Sheet::new(&mut target, [text("name"), number("usage")]).expect("header");
        sheet.row(["=1+1", "-2"]).expect("row");
        sheet.finish().expect("flush");
        (
            String::from_utf8(out).expect("utf8"),
            String::from_utf8(csv).expect("utf8"),
        )
    }

    /// A writer that records what reached it, or refuses like a closed pipe.
    struct Recorder {
        written: Vec<u8>,
        broken: bool,
    }

    impl Recorder {
        /// A target; `broken`: its reader has left (every write is a broken pipe).
        fn new(broken: bool) -> Self {
            Self {
                written: Vec::new(),
                broken,
            }
        }
    }

    impl Write for Recorder {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.broken {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_streamed_render_writes_once_and_byte_for_byte() {
        let body: Vec<u8> = (0..300_000u32).flat_map(|n| n.to_le_bytes()).collect();
        let mut target = Recorder::new(false);
        let mut runs = 0;
        let rendered = write_streamed(
            Style::for_tests(),
            &mut target,
            |out| {
                runs += 1;
                write_raw_json(out, &body).map(|()| "done")
            },
            |err| io::Error::new(err.kind(), err.to_string()),
        )
        .expect("written");
        assert_eq!((rendered, runs), ("done", 1));
        assert_eq!(target.written.len(), body.len() + 1);
        assert!(target.written.starts_with(&body) && target.written.ends_with(b"\n"));
    }

    #[test]
    fn a_streamed_render_that_fails_first_writes_nothing() {
        let mut target = Recorder::new(false);
        let result = write_streamed(
            Style::for_tests(),
            &mut target,
            |_out| Err::<(), _>(io::Error::other("an amount that cannot be printed")),
            |err| io::Error::new(err.kind(), err.to_string()),
        );
        assert!(result.is_err());
        assert!(target.written.is_empty());
    }

    #[test]
    #[should_panic(expected = "after it had begun to write")]
    fn a_streamed_render_that_fails_after_writing_is_caught_in_tests() {
        let mut target = Recorder::new(false);
        let _ = write_streamed(
            Style::for_tests(),
            &mut target,
            |out| {
                out.write_all(b"a row\n")?;
                Err::<(), _>(io::Error::other("too late"))
            },
            |err| io::Error::new(err.kind(), err.to_string()),
        );
    }

    #[test]
    fn a_reader_that_left_is_not_a_failure() {
        let mut target = Recorder::new(true);
        let rendered = write_streamed(
            Style::for_tests(),
            &mut target,
            |out| {
                for _ in 0..10_000 {
                    out.write_all(b"a row of a long table\n")?;
                }
                Ok::<_, io::Error>(7)
            },
            |err| io::Error::new(err.kind(), err.to_string()),
        )
        .expect("a closed pipe is fine");
        assert_eq!(rendered, 7);
    }

    #[test]
    fn two_renders_with_different_styles_do_not_meet() {
        let narrow = Style {
            format: Format::Table,
            width: Some(20),
            csv_raw: false,
            columns: None,
        };
        let wide_raw = Style {
            format: Format::Table,
            width: None,
            csv_raw: true,
            columns: None,
        };
        // Interleaved in one process, in both orders: no render leaves a setting behind.
        let first_narrow = render(narrow);
        let first_wide = render(wide_raw);
        let second_narrow = render(narrow);
        let second_wide = render(wide_raw);
        assert_eq!(first_narrow, second_narrow);
        assert_eq!(first_wide, second_wide);
        assert_eq!(first_narrow.0, "ID\n0123456789ab…\n");
        assert_eq!(first_narrow.1, "name,usage\n'=1+1,-2\n");
        assert_eq!(
            first_wide.0,
            "ID                    NOTE\n0123456789abcdef0123  a long optional note\n"
        );
        assert_eq!(first_wide.1, "name,usage\n=1+1,-2\n");
    }
}
