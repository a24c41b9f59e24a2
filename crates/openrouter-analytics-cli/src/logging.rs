//! `-v`: the client's and the tool's `tracing` events, as text on stderr.

use std::io::{self, Write};

use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

use crate::secret::Redactor;
use crate::terminal;

/// The `tracing` targets of the tool and the client crate.
fn our_targets() -> Targets {
    Targets::new()
        .with_target("openrouter", Level::DEBUG)
        .with_target("openrouter_analytics", Level::DEBUG)
}

/// Installs the global subscriber, a stderr log, when `verbose`; otherwise does
/// nothing.
pub fn init(verbose: bool, redactor: &Redactor) {
    if !verbose {
        return;
    }
    let log = fmt::layer()
        .with_writer(StderrLines {
            redactor: redactor.clone(),
        })
        .with_filter(our_targets());
    // Fails only when a subscriber is already set, which this binary never does.
    let _ = tracing_subscriber::registry().with(log).try_init();
}

/// Hands the log one line buffer per event, written out redacted when dropped.
#[derive(Clone, Debug)]
struct StderrLines {
    redactor: Redactor,
}

impl<'a> MakeWriter<'a> for StderrLines {
    type Writer = RedactedLine;

    fn make_writer(&'a self) -> Self::Writer {
        RedactedLine {
            redactor: self.redactor.clone(),
            buffer: Vec::new(),
        }
    }
}

/// One log event's text, kept whole so that the key cannot straddle two writes, and
/// written as one terminal-safe line: an error message or body from the network may
/// hold escape sequences, bidi overrides or newlines (which would forge log lines).
struct RedactedLine {
    redactor: Redactor,
    buffer: Vec<u8>,
}

impl Write for RedactedLine {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactedLine {
    fn drop(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.buffer);
        let _ = io::stderr()
            .lock()
            .write_all(safe_line(&self.redactor, &text).as_bytes());
    }
}

/// An event's text as it reaches stderr: redacted, every control and bidi character
/// escaped visibly, and one final newline.
fn safe_line(redactor: &Redactor, text: &str) -> String {
    let redacted = redactor.redact(text);
    let body = redacted.strip_suffix('\n').unwrap_or(&redacted);
    let mut line = terminal::safe(body).into_owned();
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_one_line_without_escapes_bidi_or_the_key() {
        let redactor = Redactor::new(Some("sk-or-v1-logging-test-key"));
        let line = safe_line(
            &redactor,
            "WARN retrying: bad \x1b[31mRED\x1b[0m \u{202e}evil\nforged line sk-or-v1-logging-test-key\n",
        );
        assert_eq!(line.matches('\n').count(), 1, "{line}");
        assert!(line.ends_with('\n'));
        assert!(
            !line.contains('\u{1b}') && !line.contains('\u{202e}'),
            "{line}"
        );
        assert!(!line.contains("sk-or-v1-logging-test-key"), "{line}");
        assert!(line.contains("bad \\x1b[31mRED"), "{line}");
    }
}
