//! Where a store lives: a SQLite file or a PostgreSQL database, and how to name it
//! without its password.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::error::Error;

/// The environment variable that names the store when `--db` is not given.
pub const DB_ENV: &str = "OPENROUTER_DB";

/// Where a store lives.
///
/// Parsed from a file path, `sqlite:PATH` or a `postgres://` / `postgresql://` URL.
/// Its [`Display`](fmt::Display) never shows a password.
///
/// ```
/// use openrouter_analytics_store::Target;
///
/// let target: Target = "postgres://grafana:s3cret@127.0.0.1/spend".parse()?;
/// assert_eq!(target.to_string(), "postgres://grafana:***@127.0.0.1/spend");
/// let file: Target = "sqlite:/tmp/history.db".parse()?;
/// assert_eq!(file, Target::Sqlite("/tmp/history.db".into()));
/// # Ok::<(), openrouter_analytics_store::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// A SQLite file (created on first sync).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl Target {
    /// The default store: `history.db` in the platform's data directory
    /// (`$XDG_DATA_HOME/openrouter`, else `~/.local/share/openrouter`; on macOS
    /// `~/Library/Application Support/openrouter`; on Windows `%APPDATA%\openrouter`).
    /// `None` when no home directory is known.
    pub fn default_path() -> Option<PathBuf> {
        let env = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let dir = if cfg!(windows) {
            env("APPDATA")
        } else if cfg!(target_os = "macos") {
            env("HOME").map(|h| h.join("Library").join("Application Support"))
        } else {
            env("XDG_DATA_HOME").or_else(|| env("HOME").map(|h| h.join(".local").join("share")))
        }?;
        Some(dir.join("openrouter").join("history.db"))
    }

    /// The store named by `explicit` (a `--db` value), else by `OPENROUTER_DB`, else
    /// the [default path](Target::default_path).
    ///
    /// ```
    /// use openrouter_analytics_store::Target;
    ///
    /// let target = Target::resolve(Some("sqlite:spend.db"))?;
    /// assert_eq!(target, Target::Sqlite("spend.db".into()));
    /// # Ok::<(), openrouter_analytics_store::Error>(())
    /// ```
    pub fn resolve(explicit: Option<&str>) -> Result<Self, Error> {
        if let Some(text) = explicit {
            return text.parse();
        }
        if let Some(text) = std::env::var(DB_ENV).ok().filter(|v| !v.trim().is_empty()) {
            return text.parse();
        }
        Target::default_path().map(Target::Sqlite).ok_or_else(|| {
            Error::BadTarget(format!(
                "no home directory to keep the store in: give --db PATH or set {DB_ENV}"
            ))
        })
    }

    /// The SQLite file, if this is one.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Target::Sqlite(path) => Some(path),
            Target::Postgres(_) => None,
        }
    }

    /// The password in the URL, if any, to remove from any text shown.
    pub(crate) fn password(&self) -> Option<String> {
        let Target::Postgres(url) = self else {
            return None;
        };
        let config: postgres::Config = url.parse().ok()?;
        let password = config.get_password()?;
        let password = String::from_utf8_lossy(password).into_owned();
        (!password.is_empty()).then_some(password)
    }

    /// `text` with the password (as written and as URL-decoded) replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        if let Target::Postgres(url) = self {
            if let Some(raw) = raw_password(url).filter(|p| !p.is_empty()) {
                out = out.replace(raw, "***");
            }
            if let Some(password) = self.password() {
                out = out.replace(&password, "***");
            }
        }
        out
    }
}

/// The password as written in a URL's user-info (still percent-encoded).
fn raw_password(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let userinfo = authority.rsplit_once('@')?.0;
    Some(userinfo.split_once(':')?.1)
}

impl FromStr for Target {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::BadTarget("the store's location is empty".into()));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            let target = Target::Postgres(text.to_string());
            return match text.parse::<postgres::Config>() {
                Ok(_) => Ok(target),
                Err(err) => Err(Error::BadTarget(format!(
                    "{target} is not a PostgreSQL URL: {}",
                    target.redact(&err.to_string())
                ))),
            };
        }
        let path = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"));
        match path {
            Some("") => Err(Error::BadTarget("sqlite: needs a file path".into())),
            Some(path) => Ok(Target::Sqlite(PathBuf::from(path))),
            None if text.contains("://") => Err(Error::BadTarget(format!(
                "{}: not a store location (a file path, sqlite:PATH or postgres://...)",
                text.split("://").next().unwrap_or_default()
            ))),
            None => Ok(Target::Sqlite(PathBuf::from(text))),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Sqlite(path) => write!(f, "{}", path.display()),
            Target::Postgres(url) => f.write_str(&self.redact(url)),
        }
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Target::Postgres(_) => f.debug_tuple("Postgres").field(&self.to_string()).finish(),
        }
    }
}
