//! The two databases behind one small interface: statements with `$1`-style
//! parameters (SQLite reads `$1` as a parameter too), a handful of value types, and
//! explicit `BEGIN`/`COMMIT`, so that every statement of the store is written once.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio_postgres::types::ToSql;

use crate::error::Error;
use crate::target::Target;

/// A parameter or a column value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val {
    /// A text NULL.
    Null,
    /// A floating-point NULL (PostgreSQL types its parameters).
    NullReal,
    Int(i64),
    Real(f64),
    Text(String),
    /// A PostgreSQL `text[]` (one column of many rows).
    TextArray(Vec<String>),
    /// A PostgreSQL `float8[]`.
    RealArray(Vec<f64>),
    /// A PostgreSQL `int8[]`.
    IntArray(Vec<i64>),
}

impl Val {
    pub(crate) fn text(&self) -> String {
        match self {
            Val::Text(s) => s.clone(),
            Val::Int(i) => i.to_string(),
            Val::Real(r) => r.to_string(),
            Val::Null
            | Val::NullReal
            | Val::TextArray(_)
            | Val::RealArray(_)
            | Val::IntArray(_) => String::new(),
        }
    }

    pub(crate) fn int(&self) -> i64 {
        match self {
            Val::Int(i) => *i,
            Val::Real(r) => *r as i64,
            Val::Text(s) => s.parse().unwrap_or(0),
            _ => 0,
        }
    }

    pub(crate) fn real(&self) -> f64 {
        match self {
            Val::Int(i) => *i as f64,
            Val::Real(r) => *r,
            Val::Text(s) => s.parse().unwrap_or(0.0),
            _ => 0.0,
        }
    }

    pub(crate) fn opt_real(&self) -> Option<f64> {
        match self {
            Val::Null | Val::NullReal => None,
            other => Some(other.real()),
        }
    }

    pub(crate) fn opt_text(&self) -> Option<String> {
        match self {
            Val::Null | Val::NullReal => None,
            other => Some(other.text()),
        }
    }
}

impl From<&str> for Val {
    fn from(value: &str) -> Self {
        Val::Text(value.to_string())
    }
}
impl From<String> for Val {
    fn from(value: String) -> Self {
        Val::Text(value)
    }
}
impl From<i64> for Val {
    fn from(value: i64) -> Self {
        Val::Int(value)
    }
}
impl From<f64> for Val {
    fn from(value: f64) -> Self {
        Val::Real(value)
    }
}
impl From<Option<f64>> for Val {
    fn from(value: Option<f64>) -> Self {
        value.map_or(Val::NullReal, Val::Real)
    }
}
impl From<Option<String>> for Val {
    fn from(value: Option<String>) -> Self {
        value.map_or(Val::Null, Val::Text)
    }
}

/// How a store is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// Read and write, creating a SQLite file that is not there yet.
    Create,
    /// Read and write an existing store (a migration, for a reading command).
    Write,
    /// Read only: SQLite's `SQLITE_OPEN_READ_ONLY`, PostgreSQL's read-only transactions.
    Read,
}

/// An open connection to either database.
pub(crate) enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(Box<Pg>),
}

/// A PostgreSQL connection driven by a runtime of its own, so that every call can be
/// given up after the timeout: the connection is then closed (the server discards its
/// transaction) and the store's later calls fail at once.
pub(crate) struct Pg {
    runtime: Option<tokio::runtime::Runtime>,
    client: Option<Arc<tokio_postgres::Client>>,
    connection: Option<tokio::task::JoinHandle<()>>,
    timeout: Duration,
    /// A `COMMIT` is under way: a timeout then leaves the outcome unknown.
    committing: bool,
}

/// Why a PostgreSQL call failed.
enum PgFailure {
    Driver(tokio_postgres::Error),
    Timeout,
    Closed,
}

impl Conn {
    /// Connects; a SQLite file is opened as `access` says, not yet checked. Every wait
    /// (connecting, a statement, a lock held by another sync) ends after `timeout`.
    pub(crate) fn connect(
        target: &Target,
        access: Access,
        timeout: Duration,
    ) -> Result<Self, Error> {
        match target {
            Target::Sqlite(path) => {
                let conn =
                    open_sqlite(path, access).map_err(|err| Error::database(target, &err))?;
                conn.busy_timeout(timeout)
                    .map_err(|err| Error::database(target, &err))?;
                Ok(Conn::Sqlite(conn))
            }
            Target::Postgres(url) => {
                let mut config: tokio_postgres::Config =
                    url.parse().map_err(|err| Error::database(target, &err))?;
                if config.get_ssl_mode() == tokio_postgres::config::SslMode::Require {
                    return Err(Error::BadTarget(
                        "sslmode=require asks for TLS, which this build does not include: \
                         connect over a local socket, an SSH tunnel or a private network \
                         with sslmode=disable (or prefer)"
                            .into(),
                    ));
                }
                bound_waits(&mut config, timeout);
                let mut pg = Pg::connect(target, &config, timeout)?;
                // The server's own bounds: a statement (a lock wait included), and a
                // transaction left idle by a client that stopped.
                let ms = timeout.as_millis().max(1);
                let mut settings = format!(
                    "SET statement_timeout = {ms}; SET idle_in_transaction_session_timeout = {ms};"
                );
                if access == Access::Read {
                    settings.push_str(" SET default_transaction_read_only = on;");
                }
                pg.batch(target, &settings)?;
                Ok(Conn::Postgres(Box::new(pg)))
            }
        }
    }

    /// Several statements without parameters.
    pub(crate) fn batch(&mut self, target: &Target, sql: &str) -> Result<(), Error> {
        match self {
            Conn::Sqlite(c) => c
                .execute_batch(sql)
                .map_err(|err| Error::database(target, &err)),
            Conn::Postgres(pg) => pg.batch(target, sql),
        }
    }

    /// One statement with parameters; the number of rows it changed.
    pub(crate) fn execute(
        &mut self,
        target: &Target,
        sql: &str,
        params: &[Val],
    ) -> Result<u64, Error> {
        match self {
            Conn::Sqlite(c) => {
                let mut statement = c
                    .prepare_cached(sql)
                    .map_err(|err| Error::database(target, &err))?;
                let changed = statement
                    .execute(rusqlite::params_from_iter(params.iter().map(sqlite_value)))
                    .map_err(|err| Error::database(target, &err))?;
                Ok(changed as u64)
            }
            Conn::Postgres(pg) => {
                let boxed = pg_params(params);
                let refs: Vec<&(dyn ToSql + Sync)> = boxed.iter().map(|b| b.as_ref()).collect();
                let refs = refs.as_slice();
                pg.run(
                    target,
                    |client| async move { client.execute(sql, refs).await },
                )
            }
        }
    }

    /// The rows of a query, each as its column values.
    pub(crate) fn query(
        &mut self,
        target: &Target,
        sql: &str,
        params: &[Val],
    ) -> Result<Vec<Vec<Val>>, Error> {
        match self {
            Conn::Sqlite(c) => {
                let mut statement = c
                    .prepare_cached(sql)
                    .map_err(|err| Error::database(target, &err))?;
                let columns = statement.column_count();
                let mut rows = statement
                    .query(rusqlite::params_from_iter(params.iter().map(sqlite_value)))
                    .map_err(|err| Error::database(target, &err))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next().map_err(|err| Error::database(target, &err))? {
                    let mut values = Vec::with_capacity(columns);
                    for i in 0..columns {
                        use rusqlite::types::ValueRef;
                        let value = row
                            .get_ref(i)
                            .map_err(|err| Error::database(target, &err))?;
                        values.push(match value {
                            ValueRef::Null => Val::Null,
                            ValueRef::Integer(i) => Val::Int(i),
                            ValueRef::Real(r) => Val::Real(r),
                            ValueRef::Text(t) | ValueRef::Blob(t) => {
                                Val::Text(String::from_utf8_lossy(t).into_owned())
                            }
                        });
                    }
                    out.push(values);
                }
                Ok(out)
            }
            Conn::Postgres(pg) => {
                use tokio_postgres::types::Type;
                let boxed = pg_params(params);
                let refs: Vec<&(dyn ToSql + Sync)> = boxed.iter().map(|b| b.as_ref()).collect();
                let refs = refs.as_slice();
                let rows = pg.run(
                    target,
                    |client| async move { client.query(sql, refs).await },
                )?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let mut values = Vec::with_capacity(row.len());
                    for (i, column) in row.columns().iter().enumerate() {
                        let t = column.type_();
                        let value = if *t == Type::INT8 {
                            row.try_get::<_, Option<i64>>(i).map(|v| v.map(Val::Int))
                        } else if *t == Type::INT4 {
                            row.try_get::<_, Option<i32>>(i)
                                .map(|v| v.map(|v| Val::Int(v.into())))
                        } else if *t == Type::FLOAT8 {
                            row.try_get::<_, Option<f64>>(i).map(|v| v.map(Val::Real))
                        } else if *t == Type::BOOL {
                            row.try_get::<_, Option<bool>>(i)
                                .map(|v| v.map(|v| Val::Int(v.into())))
                        } else {
                            row.try_get::<_, Option<String>>(i)
                                .map(|v| v.map(Val::Text))
                        };
                        values.push(
                            value
                                .map_err(|err| Error::database(target, &err))?
                                .unwrap_or(Val::Null),
                        );
                    }
                    out.push(values);
                }
                Ok(out)
            }
        }
    }

    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self, Conn::Postgres(_))
    }

    /// Starts the one write transaction of a run (or of a migration). SQLite takes
    /// the write lock at once (a second writer waits up to the timeout);
    /// PostgreSQL takes the store's advisory lock, held until commit or rollback.
    pub(crate) fn begin_write(&mut self, target: &Target) -> Result<(), Error> {
        match self {
            Conn::Sqlite(_) => self.batch(target, "BEGIN IMMEDIATE"),
            Conn::Postgres(_) => {
                self.batch(target, "BEGIN")?;
                self.batch(target, "SELECT pg_advisory_xact_lock(7135031482231530118)")
            }
        }
    }

    pub(crate) fn commit(&mut self, target: &Target) -> Result<(), Error> {
        match self {
            Conn::Postgres(pg) => {
                pg.committing = true;
                let result = pg.batch(target, "COMMIT");
                pg.committing = false;
                result
            }
            Conn::Sqlite(_) => self.batch(target, "COMMIT"),
        }
    }

    /// Ends a failed transaction; a failure here is ignored (the connection is
    /// dropped with it and the database discards the transaction).
    pub(crate) fn rollback(&mut self, target: &Target) {
        let _ = self.batch(target, "ROLLBACK");
    }
}

/// Opens a SQLite file. Read-only: a store in WAL mode needs its `-shm` file, which a
/// reader who may not write the directory cannot create when no writer is there; the
/// file is then read as immutable (no writer has a journal open: there is no `-wal`).
fn open_sqlite(path: &Path, access: Access) -> Result<rusqlite::Connection, rusqlite::Error> {
    use rusqlite::OpenFlags;
    let base = OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let flags = match access {
        Access::Create => base | OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        Access::Write => base | OpenFlags::SQLITE_OPEN_READ_WRITE,
        Access::Read => base | OpenFlags::SQLITE_OPEN_READ_ONLY,
    };
    let conn = rusqlite::Connection::open_with_flags(path, flags)?;
    if access != Access::Read {
        return Ok(conn);
    }
    let probe = conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()));
    let wal = {
        let mut name = path.as_os_str().to_owned();
        name.push("-wal");
        std::path::PathBuf::from(name)
    };
    match (probe, path.to_str()) {
        (Ok(()), _) => Ok(conn),
        (Err(err), Some(text)) if !wal.exists() => {
            drop(conn);
            let uri = format!("file:{}?immutable=1", uri_escape(text));
            rusqlite::Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)
                .and_then(|c| {
                    c.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
                    Ok(c)
                })
                .map_err(|_| err)
        }
        (Err(err), _) => Err(err),
    }
}

/// A path as the path of a `file:` URI.
fn uri_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Bounds the socket's waits: connecting, unacknowledged data, and a silent peer
/// (keepalive), unless the URL set them itself.
fn bound_waits(config: &mut tokio_postgres::Config, timeout: Duration) {
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(timeout);
    }
    if config.get_tcp_user_timeout().is_none() {
        config.tcp_user_timeout(timeout);
    }
    // The driver's default idle time is two hours.
    if config.get_keepalives_idle() >= Duration::from_secs(3600) {
        let idle = timeout.clamp(Duration::from_secs(1), Duration::from_secs(60));
        config.keepalives_idle(idle);
        if config.get_keepalives_interval().is_none() {
            config.keepalives_interval((idle / 3).max(Duration::from_secs(1)));
        }
        if config.get_keepalives_retries().is_none() {
            config.keepalives_retries(3);
        }
    }
}

impl Pg {
    fn connect(
        target: &Target,
        config: &tokio_postgres::Config,
        timeout: Duration,
    ) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| Error::Database(format!("{target}: cannot start the driver: {err}")))?;
        let connected = on_thread(target, || {
            runtime.block_on(async {
                tokio::time::timeout(timeout, config.connect(tokio_postgres::NoTls)).await
            })
        })?;
        // A runtime is only ever shut down in the background: dropping one waits,
        // which panics inside the caller's async code.
        let (client, connection) = match connected {
            Ok(Ok(pair)) => pair,
            Ok(Err(err)) => {
                runtime.shutdown_background();
                return Err(Error::database(target, &err));
            }
            Err(_) => {
                runtime.shutdown_background();
                return Err(Error::Database(format!(
                    "{target}: no answer within {} while connecting",
                    seconds(timeout)
                )));
            }
        };
        let connection = runtime.spawn(async move {
            let _ = connection.await;
        });
        Ok(Pg {
            runtime: Some(runtime),
            client: Some(Arc::new(client)),
            connection: Some(connection),
            timeout,
            committing: false,
        })
    }

    fn batch(&mut self, target: &Target, sql: &str) -> Result<(), Error> {
        self.run(
            target,
            |client| async move { client.batch_execute(sql).await },
        )
    }

    /// Runs one call, giving it up after the timeout.
    fn run<T: Send, F>(
        &mut self,
        target: &Target,
        call: impl FnOnce(Arc<tokio_postgres::Client>) -> F + Send,
    ) -> Result<T, Error>
    where
        F: Future<Output = Result<T, tokio_postgres::Error>>,
    {
        let outcome = match (&self.runtime, &self.client) {
            (Some(runtime), Some(client)) => {
                let client = Arc::clone(client);
                let timeout = self.timeout;
                on_thread(target, move || {
                    runtime.block_on(async move {
                        match tokio::time::timeout(timeout, call(client)).await {
                            Ok(Ok(value)) => Ok(value),
                            Ok(Err(err)) => Err(PgFailure::Driver(err)),
                            Err(_) => Err(PgFailure::Timeout),
                        }
                    })
                })?
            }
            _ => Err(PgFailure::Closed),
        };
        match outcome {
            Ok(value) => Ok(value),
            Err(PgFailure::Driver(err)) => Err(Error::database(target, &err)),
            Err(PgFailure::Timeout) => {
                self.close_now();
                let outcome = if self.committing {
                    "the run's commit had been sent: once the server answers again, the \
                     run is stored whole or not at all"
                } else {
                    "the server discards its open transaction"
                };
                Err(Error::Database(format!(
                    "{target}: the database did not answer within {}; the connection was \
                     closed, so {outcome}",
                    seconds(self.timeout)
                )))
            }
            Err(PgFailure::Closed) => Err(Error::Database(format!(
                "{target}: the connection was closed after an earlier timeout"
            ))),
        }
    }

    /// Drops the connection without a word to the server (which may not be
    /// answering): its socket closes.
    fn close_now(&mut self) {
        self.client = None;
        if let Some(connection) = self.connection.take() {
            connection.abort();
        }
        if let Some(runtime) = self.runtime.take() {
            // Drops the connection's task, and so its socket, without waiting for it.
            runtime.shutdown_background();
        }
    }
}

impl Drop for Pg {
    /// Says goodbye to the server (for at most a second), then closes.
    fn drop(&mut self) {
        self.client = None;
        if let (Some(runtime), Some(connection)) = (&self.runtime, self.connection.take()) {
            let _ = std::thread::scope(|scope| {
                scope
                    .spawn(|| {
                        runtime.block_on(async {
                            let _ = tokio::time::timeout(Duration::from_secs(1), connection).await;
                        })
                    })
                    .join()
            });
        }
        self.close_now();
    }
}

/// `2 s`, `0.5 s`.
fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}

/// Runs a driver call on a thread of its own: the driver's runtime cannot run on a
/// thread that is already inside an async runtime (as `Store::sync`'s caller is).
fn on_thread<T: Send>(target: &Target, f: impl FnOnce() -> T + Send) -> Result<T, Error> {
    std::thread::scope(|scope| scope.spawn(f).join()).map_err(|_| {
        Error::Database(format!(
            "{target}: the database call failed (its thread panicked)"
        ))
    })
}

fn sqlite_value(value: &Val) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    match value {
        // Arrays are only ever sent to PostgreSQL.
        Val::Null | Val::NullReal | Val::TextArray(_) | Val::RealArray(_) | Val::IntArray(_) => {
            Value::Null
        }
        Val::Int(i) => Value::Integer(*i),
        Val::Real(r) => Value::Real(*r),
        Val::Text(s) => Value::Text(s.clone()),
    }
}

fn pg_params(params: &[Val]) -> Vec<Box<dyn ToSql + Sync>> {
    params
        .iter()
        .map(|value| -> Box<dyn ToSql + Sync> {
            match value {
                Val::Null => Box::new(Option::<String>::None),
                Val::NullReal => Box::new(Option::<f64>::None),
                Val::Int(i) => Box::new(*i),
                Val::Real(r) => Box::new(*r),
                Val::Text(s) => Box::new(s.clone()),
                Val::TextArray(v) => Box::new(v.clone()),
                Val::RealArray(v) => Box::new(v.clone()),
                Val::IntArray(v) => Box::new(v.clone()),
            }
        })
        .collect()
}
