//! `-v`: the client's and the tool's `tracing` events, as text on stderr.

use std::io::{self, Write};

use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

use crate::secret::Redactor;

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

/// One log event's text, kept whole so that the key cannot straddle two writes.
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
        let text = self.redactor.redact(&text);
        let _ = io::stderr().lock().write_all(text.as_bytes());
    }
}
