//! The store's one error type.

use std::fmt;

use crate::target::Target;

/// What went wrong with a store or a sync. Never contains a database password or an
/// API key.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The location could not be understood (or names something unsupported).
    BadTarget(String),
    /// Reading commands only: there is no store at this location yet.
    NoStore(String),
    /// The file exists and is not a SQLite database; it was not changed.
    NotAStore(String),
    /// Not a regular file (a FIFO, a device, a socket): refused without opening it.
    NotAFile(String),
    /// [`Store::sync`](crate::Store::sync) on a store opened for reading.
    ReadOnly(String),
    /// OpenRouter's answer cannot be stored as it is (e.g. two different rows for the
    /// same day and endpoint); nothing of it was stored.
    BadAnswer(String),
    /// A database that belongs to another program; it was not changed.
    ForeignDatabase(String),
    /// The store was written by a newer version of this crate.
    SchemaTooNew {
        /// Where the store is.
        target: String,
        /// The schema version found.
        found: i64,
        /// The newest version this crate knows.
        supported: i64,
    },
    /// The database refused or failed a statement, or could not be reached.
    Database(String),
    /// A file-system failure (e.g. creating the store's directory).
    Io(String),
    /// OpenRouter did not answer as needed; the store has only the run's log entry.
    Fetch(openrouter_analytics::Error),
}

impl Error {
    /// A driver's error with its causes (PostgreSQL's own message is a cause of the
    /// driver's terse "db error"), the password removed.
    pub(crate) fn database(target: &Target, err: &(dyn std::error::Error + 'static)) -> Self {
        let mut text = err.to_string();
        let mut source = err.source();
        while let Some(cause) = source {
            let cause_text = cause.to_string();
            if !text.contains(&cause_text) {
                text.push_str(": ");
                text.push_str(&cause_text);
            }
            source = cause.source();
        }
        Error::Database(format!("{target}: {}", target.redact(&text)))
    }

    /// The OpenRouter error behind a failed sync, if that is what failed.
    pub fn fetch_error(&self) -> Option<&openrouter_analytics::Error> {
        match self {
            Error::Fetch(err) => Some(err),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadTarget(message) => f.write_str(message),
            Error::NoStore(target) => write!(
                f,
                "no history store at {target}: run `openrouter sync` first (or give --db)"
            ),
            Error::NotAStore(target) => write!(
                f,
                "{target} is not a history store (not a SQLite database); it was left untouched"
            ),
            Error::NotAFile(target) => write!(
                f,
                "{target} is not a regular file (a FIFO, a device or a socket?): a history store \
                 is a file; it was left untouched"
            ),
            Error::ReadOnly(target) => write!(
                f,
                "{target} was opened for reading only; open it to write (Store::open) to sync"
            ),
            Error::BadAnswer(message) => write!(f, "{message}; nothing of this run was stored"),
            Error::ForeignDatabase(target) => write!(
                f,
                "{target} is a database of another program, not a history store; it was left untouched"
            ),
            Error::SchemaTooNew {
                target,
                found,
                supported,
            } => write!(
                f,
                "{target} was written by a newer openrouter (store schema version {found}; \
                 this one knows up to {supported}): upgrade openrouter to read it"
            ),
            Error::Database(message) => write!(f, "store: {message}"),
            Error::Io(message) => f.write_str(message),
            Error::Fetch(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Fetch(err) => Some(err),
            _ => None,
        }
    }
}
