//! Keep OpenRouter spend history past the API's 30-day window.
//!
//! OpenRouter's `GET /activity` answers for the last 30 completed UTC days only. A
//! [`Store`] keeps what each [`Store::sync`] fetched, in an embedded SQLite file (the
//! default; nothing to install) or a PostgreSQL database (shared by a team, read by
//! Grafana or any SQL tool), and answers for any range:
//!
//! - activity rows per day and model endpoint (and per workspace), upserted, so
//!   overlapping windows merge and a rerun changes nothing;
//! - spend per API key per day (from `GET /activity?api_key_hash=` per key, a few keys
//!   at a time), for chargeback after the window has closed;
//! - a snapshot per run of the credits, every key's usage and limits and the
//!   workspace budgets;
//! - a log of runs, failed ones included.
//!
//! Each sync writes in one transaction: a sync killed at any moment leaves the store as
//! it was, and a failed fetch writes only its log entry. Two syncs at once take turns.
//! Every wait for the database is bounded ([`OpenOptions::timeout`]). The covered days
//! are the window the sync asked for, never read from the rows: rows dated outside it
//! are dropped and counted, and two different rows for the same day and endpoint fail
//! the run. The API key is never stored; a database password is never shown.
//!
//! ```no_run
//! use openrouter_analytics::Client;
//! use openrouter_analytics_store::{Dimension, Query, Store, SyncOptions, Target};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?;
//! let mut store = Store::open(&Target::resolve(None)?)?;
//! let summary = store.sync(&client, &SyncOptions::default()).await?;
//! println!("{summary}");
//!
//! let since = "2026-01-01".parse()?;
//! let until = "2026-03-31".parse()?;
//! for row in store.summarise(&Query::new(since, until).by(&[Dimension::Month, Dimension::Model]))? {
//!     println!("{:?} {:.2}", row.labels, row.totals.usage);
//! }
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod backend;
mod error;
mod query;
mod schema;
mod sync;
mod target;

use std::fs;
use std::io::Read;
use std::time::Duration;

use backend::{Access, Conn, Val};

pub use error::Error;
pub use query::{
    ActivityRow, BudgetSnapshot, CreditSnapshot, Dimension, KeySnapshot, Query, Run, Summary,
    Totals,
};
pub use schema::SCHEMA_VERSION;
pub use sync::{SyncOptions, SyncSummary};
pub use target::{DB_ENV, Target};

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// How long a store waits for its database by default: to connect, for a statement
/// (a lock held by another sync included), for a silent network peer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How a store is opened: [`Store::open_with`], [`Store::open_existing_with`].
///
/// ```
/// use std::time::Duration;
/// use openrouter_analytics_store::OpenOptions;
///
/// let options = OpenOptions::default().timeout(Duration::from_secs(5));
/// assert_eq!(options.get_timeout(), Duration::from_secs(5));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OpenOptions {
    timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

impl OpenOptions {
    /// How long any wait for the database may last (default [`DEFAULT_TIMEOUT`]; at
    /// least a millisecond). PostgreSQL: connecting, each statement (client and server
    /// side), TCP keepalive and unacknowledged data; SQLite: the wait for another
    /// writer's lock. A call that runs out fails with [`Error::Database`], the
    /// connection is closed and the run's transaction discarded.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The timeout.
    pub fn get_timeout(&self) -> Duration {
        self.timeout
    }
}

/// An open history store.
pub struct Store {
    conn: Conn,
    target: Target,
    read_only: bool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("target", &self.target)
            .field("read_only", &self.read_only)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the store at `target` to write it, creating it (and its directory) when
    /// there is none yet, and brings its schema up to date; waits are bounded by
    /// [`DEFAULT_TIMEOUT`].
    ///
    /// A file that is not a SQLite database, anything that is not a regular file (a
    /// FIFO, a device), a database of another program and a store written by a newer
    /// version are refused at once with a clear [`Error`] and left as they were.
    ///
    /// ```no_run
    /// use openrouter_analytics_store::{Store, Target};
    ///
    /// let store = Store::open(&"sqlite:/tmp/history.db".parse::<Target>()?)?;
    /// # Ok::<(), openrouter_analytics_store::Error>(())
    /// ```
    pub fn open(target: &Target) -> Result<Self, Error> {
        Self::open_with(target, &OpenOptions::default())
    }

    /// [`Store::open`] with options (the timeout).
    pub fn open_with(target: &Target, options: &OpenOptions) -> Result<Self, Error> {
        if let Target::Sqlite(path) = target {
            check_sqlite_file(target, path)?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs::create_dir_all(dir).map_err(|err| {
                    Error::Io(format!(
                        "cannot create the store's directory {}: {err}",
                        dir.display()
                    ))
                })?;
            }
        }
        let mut store = Store {
            conn: Conn::connect(target, Access::Create, options.timeout)?,
            target: target.clone(),
            read_only: false,
        };
        store.migrate()?;
        Ok(store)
    }

    /// Opens an existing store to read it, read-only (SQLite's
    /// `SQLITE_OPEN_READ_ONLY`, PostgreSQL's read-only transactions), so a store the
    /// user may read but not write serves; [`Store::sync`] on it is refused. A SQLite
    /// file that does not exist is [`Error::NoStore`] (nothing is created), and so is a
    /// PostgreSQL database without the store's tables. A store written by an older
    /// version is upgraded first, which needs write access once.
    pub fn open_existing(target: &Target) -> Result<Self, Error> {
        Self::open_existing_with(target, &OpenOptions::default())
    }

    /// [`Store::open_existing`] with options (the timeout).
    pub fn open_existing_with(target: &Target, options: &OpenOptions) -> Result<Self, Error> {
        if let Target::Sqlite(path) = target
            && !check_sqlite_file(target, path)?
        {
            return Err(Error::NoStore(target.to_string()));
        }
        let mut store = Store {
            conn: Conn::connect(target, Access::Read, options.timeout)?,
            target: target.clone(),
            read_only: true,
        };
        match store.schema_version()? {
            None => Err(Error::NoStore(target.to_string())),
            Some(found) if found > SCHEMA_VERSION => Err(Error::SchemaTooNew {
                target: target.to_string(),
                found,
                supported: SCHEMA_VERSION,
            }),
            Some(SCHEMA_VERSION) => Ok(store),
            Some(found) => {
                // The one write a reading command may make: the upgrade, on a
                // connection of its own.
                drop(store);
                let mut writer = Store {
                    conn: Conn::connect(target, Access::Write, options.timeout)?,
                    target: target.clone(),
                    read_only: false,
                };
                writer.migrate().map_err(|err| {
                    Error::Database(format!(
                        "{target} has store schema version {found} and this openrouter reads \
                         version {SCHEMA_VERSION}; upgrading it needs write access once \
                         (run `openrouter sync`): {err}"
                    ))
                })?;
                drop(writer);
                Ok(Store {
                    conn: Conn::connect(target, Access::Read, options.timeout)?,
                    target: target.clone(),
                    read_only: true,
                })
            }
        }
    }

    /// Where this store is.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The schema version the store has, `None` for an empty database; a database
    /// with other tables but not the store's is [`Error::ForeignDatabase`].
    fn schema_version(&mut self) -> Result<Option<i64>, Error> {
        let tables = self.existing_tables()?;
        if !tables.iter().any(|t| t == "openrouter_store_meta") {
            let ours = tables.iter().any(|t| schema::TABLES.contains(&t.as_str()));
            // SQLite: any table at all means the file is another program's; PostgreSQL
            // databases are shared, so only tables with our names are in the way.
            let foreign = ours || (!self.conn.is_postgres() && !tables.is_empty());
            return if foreign {
                Err(Error::ForeignDatabase(self.target.to_string()))
            } else {
                Ok(None)
            };
        }
        let rows = self.conn.query(
            &self.target,
            "SELECT key, value FROM openrouter_store_meta",
            &[],
        )?;
        let get = |name: &str| {
            rows.iter()
                .find(|r| r.first().map(Val::text).as_deref() == Some(name))
                .and_then(|r| r.get(1).map(Val::text))
        };
        if get("application").as_deref() != Some(schema::APPLICATION) {
            return Err(Error::ForeignDatabase(self.target.to_string()));
        }
        let version = get("schema_version")
            .and_then(|v| v.parse::<i64>().ok())
            .ok_or_else(|| Error::ForeignDatabase(self.target.to_string()))?;
        Ok(Some(version))
    }

    fn existing_tables(&mut self) -> Result<Vec<String>, Error> {
        let sql = if self.conn.is_postgres() {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema()"
        } else {
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
        };
        Ok(self
            .conn
            .query(&self.target, sql, &[])?
            .into_iter()
            .filter_map(|r| r.first().map(Val::text))
            .collect())
    }

    /// Applies the migrations the store lacks, in one transaction under the write
    /// lock (two first opens at once: the second finds the work done).
    fn migrate(&mut self) -> Result<(), Error> {
        let current = self.schema_version()?;
        if let Some(found) = current {
            if found > SCHEMA_VERSION {
                return Err(Error::SchemaTooNew {
                    target: self.target.to_string(),
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
            if found == SCHEMA_VERSION {
                return Ok(());
            }
        }
        self.conn.begin_write(&self.target)?;
        let result = self.migrate_locked();
        match result {
            Ok(()) => self.conn.commit(&self.target),
            Err(err) => {
                self.conn.rollback(&self.target);
                Err(err)
            }
        }?;
        if let Conn::Sqlite(_) = self.conn {
            // Readers do not wait for a sync's transaction, nor it for them.
            self.conn
                .query(&self.target, "PRAGMA journal_mode = WAL", &[])?;
        }
        Ok(())
    }

    fn migrate_locked(&mut self) -> Result<(), Error> {
        let found = self.schema_version()?;
        if found.is_some_and(|v| v > SCHEMA_VERSION) {
            return Err(Error::SchemaTooNew {
                target: self.target.to_string(),
                found: found.unwrap_or_default(),
                supported: SCHEMA_VERSION,
            });
        }
        let from = match found {
            Some(v) => v,
            None => {
                self.conn.batch(
                    &self.target,
                    "CREATE TABLE openrouter_store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                )?;
                self.conn.execute(
                    &self.target,
                    "INSERT INTO openrouter_store_meta (key, value) VALUES ('application', $1), ('schema_version', '0')",
                    &[schema::APPLICATION.into()],
                )?;
                0
            }
        };
        for (index, migration) in schema::MIGRATIONS.iter().enumerate() {
            let version = index as i64 + 1;
            if version <= from {
                continue;
            }
            let postgres = schema::postgres_migration(version).filter(|_| self.conn.is_postgres());
            let sql = postgres.as_deref().unwrap_or(migration);
            if !sql.trim().is_empty() {
                self.conn.batch(&self.target, sql)?;
            }
            if version == 4 {
                for (raw, group) in schema::DAILY {
                    self.rebuild_daily(raw, group, None)?;
                }
            }
            if version == 7 {
                for (raw, group) in schema::DAILY {
                    self.rebuild_monthly(raw, group, None)?;
                }
            }
            self.conn.execute(
                &self.target,
                "UPDATE openrouter_store_meta SET value = $1 WHERE key = 'schema_version'",
                &[version.to_string().into()],
            )?;
        }
        Ok(())
    }
}

/// Refuses, without changing it, a file that is not a SQLite database, and at once
/// anything that is not a regular file (opening a FIFO would wait for a writer
/// forever). A missing or empty file is fine: it becomes a new store. Whether the file
/// exists.
fn check_sqlite_file(target: &Target, path: &std::path::Path) -> Result<bool, Error> {
    // `metadata` does not open the file (nor block on a FIFO).
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(err) => return Err(Error::Io(format!("{target}: {err}"))),
    };
    if metadata.is_dir() {
        return Err(Error::NotAStore(target.to_string()));
    }
    if !metadata.is_file() {
        return Err(Error::NotAFile(target.to_string()));
    }
    let mut file = fs::File::open(path).map_err(|err| Error::Io(format!("{target}: {err}")))?;
    let mut header = [0u8; 16];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(err) => return Err(Error::Io(format!("{target}: {err}"))),
        }
    }
    if read == 0 || &header == SQLITE_HEADER {
        Ok(true)
    } else {
        Err(Error::NotAStore(target.to_string()))
    }
}
