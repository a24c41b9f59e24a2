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
/// Its [`Display`](fmt::Display) never shows a password (the user-info's or a
/// `password=` parameter's). A URL that does not parse is refused without showing any
/// of it, and libpq's `host=... password=...` form is refused rather than taken for a
/// file name.
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

    /// `text` with the password (as written and as decoded, from the user-info and from
    /// a `password=` parameter) replaced by `***`: for the driver's messages.
    pub fn redact(&self, text: &str) -> String {
        let Target::Postgres(url) = self else {
            return text.to_string();
        };
        let Ok(parts) = PgUrl::split(url) else {
            return text.to_string();
        };
        let mut secrets: Vec<String> = Vec::new();
        for raw in parts.passwords() {
            secrets.push(raw.to_string());
            secrets.push(decode(raw));
        }
        // The longest first, so that a password containing another is hidden whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let mut out = text.to_string();
        for secret in secrets.iter().filter(|s| !s.is_empty()) {
            out = out.replace(secret.as_str(), "***");
        }
        out
    }
}

/// The parameters the driver knows after `?` in a URL (any other is refused).
const URL_PARAMETERS: &[&str] = &[
    "user",
    "password",
    "dbname",
    "options",
    "application_name",
    "sslmode",
    "sslnegotiation",
    "host",
    "hostaddr",
    "port",
    "connect_timeout",
    "tcp_user_timeout",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_retries",
    "target_session_attrs",
    "channel_binding",
    "load_balance_hosts",
];

/// libpq's connection keywords, to recognise its `key=value` form.
const LIBPQ_KEYWORDS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "passfile",
    "sslmode",
    "connect_timeout",
    "application_name",
    "options",
    "service",
    "target_session_attrs",
];

/// A `postgres://` URL cut at its delimiters, every part as written. Only URLs whose
/// parts are unambiguous are accepted: the driver takes the user-info up to the first
/// `@` anywhere, so an `@` (or a `/`, `?`, `#`) left unencoded in a password would
/// move part of it into the host, the database name or the parameters, which are
/// shown. Such a URL is refused instead, without showing any of it.
struct PgUrl<'a> {
    scheme: &'a str,
    user: Option<&'a str>,
    password: Option<&'a str>,
    hosts: &'a str,
    path: Option<&'a str>,
    params: Vec<(&'a str, &'a str)>,
}

impl<'a> PgUrl<'a> {
    /// The parts, or why the URL is refused (fixed text, nothing of the URL).
    fn split(url: &'a str) -> Result<Self, &'static str> {
        let (scheme, rest) = ["postgres://", "postgresql://"]
            .iter()
            .find_map(|s| url.strip_prefix(s).map(|rest| (*s, rest)))
            .ok_or("it does not start with postgres:// or postgresql://")?;
        if rest.contains('#') {
            return Err("a `#` (in the password?) must be written %23");
        }
        if !percent_escapes_valid(rest) {
            return Err("a `%` (in the password?) must be written %25");
        }
        if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("it contains spaces or control characters (percent-encode them)");
        }
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.matches('@').count() > 1 || tail.contains('@') {
            return Err(
                "an `@`, `/` or `?` in the user name or the password must be \
                        percent-encoded (%40, %2F, %3F)",
            );
        }
        let (userinfo, hosts) = match authority.split_once('@') {
            Some((userinfo, hosts)) => (Some(userinfo), hosts),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            Some(info) => match info.split_once(':') {
                Some((user, password)) => (Some(user), Some(password)),
                None => (Some(info), None),
            },
            None => (None, None),
        };
        let (path, query) = match tail.strip_prefix('/') {
            Some(after) => match after.split_once('?') {
                Some((path, query)) => (Some(path), Some(query)),
                None => (Some(after), None),
            },
            None => (None, tail.strip_prefix('?')),
        };
        let mut params = Vec::new();
        for pair in query.into_iter().flat_map(|q| q.split('&')) {
            let (key, value) = pair
                .split_once('=')
                .ok_or("each parameter after `?` must be NAME=VALUE")?;
            if !URL_PARAMETERS.contains(&decode(key).as_str()) {
                return Err("a parameter after `?` is not one the PostgreSQL driver knows");
            }
            params.push((key, value));
        }
        Ok(PgUrl {
            scheme,
            user,
            password,
            hosts,
            path,
            params,
        })
    }

    /// Every password given, as written: the user-info's and any `password=`.
    fn passwords(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.password.into_iter().chain(
            self.params
                .iter()
                .filter(|(key, _)| decode(key) == "password")
                .map(|(_, value)| *value),
        )
    }

    /// The URL with every password replaced by `***`.
    fn masked(&self) -> String {
        let mut out = self.scheme.to_string();
        if let Some(user) = self.user {
            out.push_str(user);
            if self.password.is_some() {
                out.push_str(":***");
            }
            out.push('@');
        }
        out.push_str(self.hosts);
        if let Some(path) = self.path {
            out.push('/');
            out.push_str(path);
        }
        for (i, (key, value)) in self.params.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(key);
            out.push('=');
            out.push_str(if decode(key) == "password" {
                "***"
            } else {
                value
            });
        }
        out
    }
}

/// Every `%` starts a two-digit hex escape.
fn percent_escapes_valid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(i, b)| {
        *b != b'%'
            || (bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

/// Percent-decoded (invalid UTF-8 replaced), as the driver reads a part.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |j: usize| bytes.get(j).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether `text` is in libpq's `keyword=value` form (`host=... user=...`): a word
/// starting with one of its keywords followed by `=`.
fn looks_like_libpq(text: &str) -> bool {
    let starts: Vec<usize> = text
        .char_indices()
        .filter(|(i, _)| {
            *i == 0
                || text[..*i]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_whitespace)
        })
        .map(|(i, _)| i)
        .collect();
    starts.into_iter().any(|i| {
        let word = &text[i..];
        LIBPQ_KEYWORDS.iter().any(|key| {
            word.get(..key.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(key))
                && word[key.len()..].trim_start().starts_with('=')
        })
    })
}

impl FromStr for Target {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::BadTarget("the store's location is empty".into()));
        }
        let lower = text.get(..13).unwrap_or(text).to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return parse_postgres(text);
        }
        let path = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"));
        match path {
            Some("") => Err(Error::BadTarget("sqlite: needs a file path".into())),
            Some(path) => Ok(Target::Sqlite(PathBuf::from(path))),
            None if text.contains("://") => Err(Error::BadTarget(
                "the store's location is not a file path, sqlite:PATH or postgres://... \
                 (its scheme is not one of these)"
                    .into(),
            )),
            // Never a file of that name: it would hold the password in its name.
            None if looks_like_libpq(text) => Err(Error::BadTarget(
                "the store's location looks like a libpq key=value connection string, which \
                 is not supported: give postgres://USER:PASSWORD@HOST:PORT/DB instead \
                 (percent-encode special characters), or sqlite:PATH for a file whose name \
                 has a `=`"
                    .into(),
            )),
            None => Ok(Target::Sqlite(PathBuf::from(text))),
        }
    }
}

/// A `postgres://` URL, checked by [`PgUrl::split`] and by the driver; an error shows
/// nothing of it but the name of a known parameter with a bad value.
fn parse_postgres(text: &str) -> Result<Target, Error> {
    let refused = |why: &str| {
        Error::BadTarget(format!(
            "the store's postgres:// URL does not parse (not shown: it may hold a password): {why}"
        ))
    };
    if !text.starts_with("postgres://") && !text.starts_with("postgresql://") {
        return Err(refused("write the scheme in lower case (postgres://)"));
    }
    PgUrl::split(text).map_err(refused)?;
    match text.parse::<tokio_postgres::Config>() {
        Ok(_) => Ok(Target::Postgres(text.to_string())),
        Err(err) => {
            // The driver's messages name the option, e.g. "invalid value for option
            // `sslmode`"; only a known option's name is repeated.
            let mut message = err.to_string();
            let mut source = std::error::Error::source(&err);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            let option = URL_PARAMETERS
                .iter()
                .find(|p| message.contains(&format!("`{p}`")));
            Err(refused(&match option {
                Some(option) => format!("invalid value for {option}"),
                None => "the PostgreSQL driver refused it (check the host, the port and \
                         the parameters)"
                    .to_string(),
            }))
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Sqlite(path) => write!(f, "{}", path.display()),
            // Checked when parsed; should that fail, nothing of it is shown.
            Target::Postgres(url) => match PgUrl::split(url) {
                Ok(parts) => f.write_str(&parts.masked()),
                Err(_) => f.write_str("postgres://***"),
            },
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every run of 4 characters of `secret`: none may be shown.
    fn assert_hidden(text: &str, secret: &str) {
        let chars: Vec<char> = secret.chars().collect();
        for window in chars.windows(4) {
            let part: String = window.iter().collect();
            assert!(
                !text.contains(&part),
                "{part:?} of the password in {text:?}"
            );
        }
    }

    #[test]
    fn a_url_with_unencoded_delimiters_in_the_password_is_refused_unseen() {
        let secret = "p@ss/w#rd?x:y%z";
        for url in [
            format!("postgres://app:{secret}@host/db"),
            "postgres://app:p@ss@host/db".to_string(),
            "postgres://app:pa/ss@host/db".to_string(),
            "postgres://app:pa?ss=1@host/db".to_string(),
            "postgres://app:pa%zz@host/db".to_string(),
            "postgres://app:1234/db?sslmode=disable@host".to_string(),
        ] {
            let err = url.parse::<Target>().expect_err(&url);
            let text = format!("{err} {err:?}");
            assert!(matches!(err, Error::BadTarget(_)), "{text}");
            assert!(text.contains("does not parse"), "{text}");
            assert_hidden(&text, &url["postgres://app:".len()..]);
        }
    }

    #[test]
    fn a_password_parameter_is_masked_like_the_user_info() {
        let target: Target =
            "postgres://app@db.internal:5433/hist?sslmode=disable&password=Hq7-Zx9-Vw"
                .parse()
                .expect("url");
        assert_eq!(
            target.to_string(),
            "postgres://app@db.internal:5433/hist?sslmode=disable&password=***"
        );
        assert_hidden(&format!("{target:?}"), "Hq7-Zx9-Vw");
        assert_eq!(
            target.redact("auth failed for Hq7-Zx9-Vw"),
            "auth failed for ***"
        );
        // Encoded in the parameter: hidden as written and as decoded.
        let target: Target = "postgres://app@h/d?password=a%2Fb-Secret"
            .parse()
            .expect("url");
        assert!(target.to_string().ends_with("password=***"), "{target}");
        assert_eq!(target.redact("x a/b-Secret a%2Fb-Secret"), "x *** ***");
        // The user-info's, encoded.
        let target: Target = "postgresql://alice:p%40ss-w0rd@127.0.0.1:1/db"
            .parse()
            .expect("url");
        assert_eq!(target.to_string(), "postgresql://alice:***@127.0.0.1:1/db");
    }

    #[test]
    fn a_bad_parameter_value_is_named_without_the_url() {
        let err = "postgres://app@host/db?password=Hq7-Zx9-Vw&sslmode=bogus"
            .parse::<Target>()
            .expect_err("bogus sslmode");
        let text = err.to_string();
        assert!(text.contains("sslmode"), "{text}");
        assert_hidden(&text, "Hq7-Zx9-Vw");
        assert!(!text.contains("bogus"), "{text}");
        let err = "postgres://app@host/db?zq_opt=Hq7-Zx9-Vw"
            .parse::<Target>()
            .expect_err("unknown parameter");
        assert_hidden(&err.to_string(), "Hq7-Zx9-Vw");
        assert_hidden(&err.to_string(), "zq_opt");
    }

    #[test]
    fn the_libpq_form_is_refused_not_taken_for_a_file_name() {
        for text in [
            "host=127.0.0.1 user=app password=Kv-Secret-9 dbname=hist",
            "dbname=hist password=Kv-Secret-9",
            "  host = 127.0.0.1 port=5432",
            "password='Kv-Secret-9'",
        ] {
            let err = text.parse::<Target>().expect_err(text);
            let mut message = err.to_string();
            let mut source = std::error::Error::source(&err);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            assert!(matches!(err, Error::BadTarget(_)), "{message}");
            assert!(message.contains("postgres://"), "{message}");
            assert_hidden(&message, "Kv-Secret-9");
        }
        // File names that merely contain `=` are still files; `sqlite:` says so outright.
        assert_eq!(
            "/data/a=b/history.db".parse::<Target>().expect("path"),
            Target::Sqlite("/data/a=b/history.db".into())
        );
        assert_eq!(
            "sqlite:host=x.db".parse::<Target>().expect("path"),
            Target::Sqlite("host=x.db".into())
        );
    }

    #[test]
    fn ordinary_urls_parse_and_show_everything_but_the_password() {
        for (url, shown) in [
            ("postgres://h/d", "postgres://h/d"),
            ("postgres://u@h", "postgres://u@h"),
            (
                "postgres://u:pw@[::1]:5432,h2:5433/d?connect_timeout=5",
                "postgres://u:***@[::1]:5432,h2:5433/d?connect_timeout=5",
            ),
            (
                "postgres://u:pw@%2Fvar%2Frun%2Fpostgresql/d",
                "postgres://u:***@%2Fvar%2Frun%2Fpostgresql/d",
            ),
        ] {
            let target: Target = url.parse().expect(url);
            assert_eq!(target.to_string(), shown);
        }
    }
}
