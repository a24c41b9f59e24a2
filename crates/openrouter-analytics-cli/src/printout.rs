//! What a command hands `main` to print: its stdout (rendered already, or rendered as
//! it is written), notes for stderr after it, and how the command ends. Commands
//! return one; `main` writes it, once ([`Printout::write`]), to the stdout it opened.

use std::io::{self, Write};

use crate::exit::Failure;
use crate::output::{self, Out, Style};
use crate::terminal;

/// A render, run once, that returns the notes it found (one warning at most, as
/// everywhere).
type RenderOnce<'a> = Box<dyn FnOnce(&mut Out<'_>) -> Result<Vec<String>, Failure> + 'a>;

/// A command's result, to be printed by `main`.
#[must_use = "a printout prints nothing until main writes it"]
pub struct Printout<'a> {
    stdout: Stdout<'a>,
    notes: Vec<String>,
    end: Result<(), Failure>,
}

/// How the stdout part is written.
enum Stdout<'a> {
    /// Rendered in memory already: written as is.
    Rendered(Vec<u8>),
    /// Too large to hold twice: rendered as it is written, by a render that fails only
    /// before its first byte ([`output::write_streamed`]).
    Streamed(RenderOnce<'a>),
}

impl std::fmt::Debug for Printout<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let stdout = match &self.stdout {
            Stdout::Rendered(bytes) => format!("{} bytes", bytes.len()),
            Stdout::Streamed(_) => "streamed".to_string(),
        };
        f.debug_struct("Printout")
            .field("stdout", &stdout)
            .field("notes", &self.notes.len())
            .field("end", &self.end)
            .finish()
    }
}

impl<'a> Printout<'a> {
    /// Nothing on stdout.
    pub fn nothing() -> Self {
        Self::bytes(Vec::new())
    }

    /// Output rendered already.
    pub fn bytes(bytes: Vec<u8>) -> Self {
        Self {
            stdout: Stdout::Rendered(bytes),
            notes: Vec::new(),
            end: Ok(()),
        }
    }

    /// Renders into memory now: a render that fails (an amount that cannot be printed)
    /// fails the command before anything is printed. For outputs of a few pages.
    pub fn render(
        style: Style<'_>,
        render: impl FnOnce(&mut Out<'_>) -> Result<(), Failure>,
    ) -> Result<Self, Failure> {
        let mut bytes = Vec::new();
        render(&mut Out::new(style, &mut bytes))?;
        Ok(Self::bytes(bytes))
    }

    /// Rendered when written, as it is written; `render` must fail only before its
    /// first byte (see [`output::write_streamed`]).
    pub fn streamed(
        render: impl FnOnce(&mut Out<'_>) -> Result<Vec<String>, Failure> + 'a,
    ) -> Self {
        Self::with_stdout(Stdout::Streamed(Box::new(render)))
    }

    fn with_stdout(stdout: Stdout<'a>) -> Self {
        Self {
            stdout,
            notes: Vec::new(),
            end: Ok(()),
        }
    }

    /// Adds notes for stderr, printed after stdout, one line each.
    pub fn with_notes(mut self, notes: impl IntoIterator<Item = String>) -> Self {
        self.notes.extend(notes);
        self
    }

    /// How the command ends once its output is printed: a `check` whose rules were
    /// crossed prints its table, then exits with their code.
    pub fn ending(mut self, end: Result<(), Failure>) -> Self {
        self.end = end;
        self
    }

    /// Prints: stdout first (all or nothing; a reader that closed the pipe is not a
    /// failure), then the notes on stderr, made safe for a terminal; then ends as the
    /// command said.
    pub fn write(self, style: Style<'_>, stdout: &mut dyn Write) -> Result<(), Failure> {
        let found = match self.stdout {
            Stdout::Rendered(bytes) => {
                output::write_bytes(stdout, &bytes).map_err(|err| Failure::output(&err))?;
                Vec::new()
            }
            Stdout::Streamed(render) => {
                output::write_streamed(style, stdout, render, Failure::output)?
            }
        };
        let mut stderr = io::stderr().lock();
        for note in self.notes.iter().chain(&found) {
            let _ = writeln!(stderr, "{}", terminal::safe(note));
        }
        self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_prints_its_bytes_once_and_then_ends_as_told() {
        let style = Style::for_tests();
        let rendered = Printout::render(style, |out| {
            out.write_all(b"rendered\n")
                .map_err(|err| Failure::output(&err))
        })
        .expect("rendered");
        let streamed = Printout::streamed(|out| {
            out.write_all(b"streamed\n")
                .map_err(|err| Failure::output(&err))?;
            Ok(vec!["a note".to_string()])
        });
        for (printout, expected) in [(rendered, "rendered\n"), (streamed, "streamed\n")] {
            let mut stdout = Vec::new();
            printout.write(style, &mut stdout).expect("written");
            assert_eq!(String::from_utf8(stdout).expect("utf8"), expected);
        }
        let mut stdout = Vec::new();
        let failed = Printout::bytes(b"the table\n".to_vec())
            .ending(Err(Failure::other("2 of 3 checks crossed")))
            .write(style, &mut stdout)
            .expect_err("ends as told");
        assert_eq!(stdout, b"the table\n", "printed before the end");
        assert!(failed.message.contains("crossed"), "{}", failed.message);
    }

    #[test]
    fn a_render_that_fails_prints_nothing_and_is_the_failure() {
        let style = Style::for_tests();
        for printout in [
            Printout::streamed(|_out| Err(Failure::other("cannot print $1e308"))),
            Printout::render(style, |_out| Err(Failure::other("cannot print $1e308")))
                .unwrap_or_else(|failure| Printout::nothing().ending(Err(failure))),
        ] {
            let mut stdout = Vec::new();
            let failed = printout
                .write(style, &mut stdout)
                .expect_err("the render's failure");
            assert!(stdout.is_empty(), "{} bytes", stdout.len());
            assert!(failed.message.contains("1e308"), "{}", failed.message);
        }
    }
}
