//! The two databases behind one small interface: statements with `$1`-style
//! parameters (SQLite reads `$1` as a parameter too), a handful of value types, and
//! explicit `BEGIN`/`COMMIT`, so that every statement of the store is written once.

use std::time::Duration;

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
}

impl Val {
    pub(crate) fn text(&self) -> String {
        match self {
            Val::Text(s) => s.clone(),
            Val::Int(i) => i.to_string(),
            Val::Real(r) => r.to_string(),
            Val::Null | Val::NullReal => String::new(),
        }
    }

    pub(crate) fn int(&self) -> i64 {
        match self {
            Val::Int(i) => *i,
            Val::Real(r) => *r as i64,
            Val::Text(s) => s.parse().unwrap_or(0),
            Val::Null | Val::NullReal => 0,
        }
    }

    pub(crate) fn real(&self) -> f64 {
        match self {
            Val::Int(i) => *i as f64,
            Val::Real(r) => *r,
            Val::Text(s) => s.parse().unwrap_or(0.0),
            Val::Null | Val::NullReal => 0.0,
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

/// How long a second writer waits for the first one's transaction (SQLite).
const BUSY_TIMEOUT: Duration = Duration::from_secs(120);

/// An open connection to either database.
pub(crate) enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::Client>),
}

impl Conn {
    /// Connects; a SQLite file is opened (and created when `create`), not yet checked.
    pub(crate) fn connect(target: &Target, create: bool) -> Result<Self, Error> {
        match target {
            Target::Sqlite(path) => {
                use rusqlite::OpenFlags;
                let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                if create {
                    flags |= OpenFlags::SQLITE_OPEN_CREATE;
                }
                let conn = rusqlite::Connection::open_with_flags(path, flags)
                    .map_err(|err| Error::database(target, &err))?;
                conn.busy_timeout(BUSY_TIMEOUT)
                    .map_err(|err| Error::database(target, &err))?;
                Ok(Conn::Sqlite(conn))
            }
            Target::Postgres(url) => {
                let config: postgres::Config =
                    url.parse().map_err(|err| Error::database(target, &err))?;
                if config.get_ssl_mode() == postgres::config::SslMode::Require {
                    return Err(Error::BadTarget(
                        "sslmode=require asks for TLS, which this build does not include: \
                         connect over a local socket, an SSH tunnel or a private network \
                         with sslmode=disable (or prefer)"
                            .into(),
                    ));
                }
                let client = off_runtime(target, || config.connect(postgres::NoTls))?
                    .map_err(|err| Error::database(target, &err))?;
                Ok(Conn::Postgres(Box::new(client)))
            }
        }
    }

    /// Several statements without parameters.
    pub(crate) fn batch(&mut self, target: &Target, sql: &str) -> Result<(), Error> {
        match self {
            Conn::Sqlite(c) => c
                .execute_batch(sql)
                .map_err(|err| Error::database(target, &err)),
            Conn::Postgres(c) => off_runtime(target, || c.batch_execute(sql))?
                .map_err(|err| Error::database(target, &err)),
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
            Conn::Postgres(c) => {
                let boxed = pg_params(params);
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    boxed.iter().map(|b| b.as_ref()).collect();
                off_runtime(target, || c.execute(sql, &refs))?
                    .map_err(|err| Error::database(target, &err))
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
            Conn::Postgres(c) => {
                use postgres::types::Type;
                let boxed = pg_params(params);
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    boxed.iter().map(|b| b.as_ref()).collect();
                let rows = off_runtime(target, || c.query(sql, &refs))?
                    .map_err(|err| Error::database(target, &err))?;
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
    /// the write lock at once (a second writer waits up to [`BUSY_TIMEOUT`]);
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
        self.batch(target, "COMMIT")
    }

    /// Ends a failed transaction; a failure here is ignored (the connection is
    /// dropped with it and the database discards the transaction).
    pub(crate) fn rollback(&mut self, target: &Target) {
        let _ = self.batch(target, "ROLLBACK");
    }
}

/// Runs a call of the synchronous PostgreSQL driver on a thread of its own: the
/// driver runs a runtime of its own, which cannot start on a thread that is already
/// inside an async runtime (as `Store::sync`'s caller is).
fn off_runtime<T: Send>(target: &Target, f: impl FnOnce() -> T + Send) -> Result<T, Error> {
    std::thread::scope(|scope| scope.spawn(f).join()).map_err(|_| {
        Error::Database(format!(
            "{target}: the database call failed (its thread panicked)"
        ))
    })
}

fn sqlite_value(value: &Val) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    match value {
        Val::Null | Val::NullReal => Value::Null,
        Val::Int(i) => Value::Integer(*i),
        Val::Real(r) => Value::Real(*r),
        Val::Text(s) => Value::Text(s.clone()),
    }
}

fn pg_params(params: &[Val]) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    params
        .iter()
        .map(|value| -> Box<dyn postgres::types::ToSql + Sync> {
            match value {
                Val::Null => Box::new(Option::<String>::None),
                Val::NullReal => Box::new(Option::<f64>::None),
                Val::Int(i) => Box::new(*i),
                Val::Real(r) => Box::new(*r),
                Val::Text(s) => Box::new(s.clone()),
            }
        })
        .collect()
}
