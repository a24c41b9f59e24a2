//! A real PostgreSQL server for the tests: Debian's `postgresql` package, started in a
//! temporary directory as an unprivileged user (initdb refuses root), listening on
//! 127.0.0.1 on a free port only, with password authentication over TCP. One server per
//! test binary; it stops when the test process ends (a watcher shell holds the server's
//! lifetime to a pipe from this process).
//!
//! Without the package the tests that need it are skipped with a loud message; under
//! `CI=true` they fail instead.

#![allow(dead_code)]

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The superuser's password (tests check it is never printed).
pub const PASSWORD: &str = "pg-Secret-7e1f";

pub struct PgServer {
    pub port: u16,
    _dir: tempfile::TempDir,
    _watcher: Mutex<Child>,
}

impl PgServer {
    /// A URL to a new, empty database on this server.
    pub fn create_database(&self) -> String {
        let name = format!(
            "store_test_{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::SeqCst)
        );
        let mut client = admin(self.port).expect("admin connection");
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        format!(
            "postgres://postgres:{PASSWORD}@127.0.0.1:{}/{name}",
            self.port
        )
    }

    /// The server's processes: the postmaster (from its pid file) and its children.
    fn pids(&self) -> Vec<u32> {
        let pid_file = self._dir.path().join("data").join("postmaster.pid");
        let text = std::fs::read_to_string(pid_file).expect("postmaster.pid");
        let postmaster: u32 = text
            .lines()
            .next()
            .and_then(|l| l.trim().parse().ok())
            .expect("a pid");
        let mut pids = vec![postmaster];
        for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            // `pid (comm) state ppid ...`; comm may hold spaces, so read after the ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if ppid == Some(postmaster) {
                pids.push(pid);
            }
        }
        pids
    }

    /// Stops every process of this server (SIGSTOP), until the guard is dropped
    /// (SIGCONT), or at the latest after two minutes, so that no test can hang.
    pub fn stop(&self) -> Stopped {
        let pids = self.pids();
        signal("-STOP", &pids);
        let resumed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let watchdog = {
            let (pids, resumed) = (pids.clone(), resumed.clone());
            std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(120);
                while Instant::now() < deadline && !resumed.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(100));
                }
                if !resumed.swap(true, Ordering::SeqCst) {
                    signal("-CONT", &pids);
                }
            })
        };
        Stopped {
            pids,
            resumed,
            _watchdog: watchdog,
        }
    }
}

/// A server stopped by [`PgServer::stop`]; dropping it resumes the server.
pub struct Stopped {
    pids: Vec<u32>,
    resumed: std::sync::Arc<std::sync::atomic::AtomicBool>,
    _watchdog: std::thread::JoinHandle<()>,
}

impl Drop for Stopped {
    fn drop(&mut self) {
        if !self.resumed.swap(true, Ordering::SeqCst) {
            signal("-CONT", &self.pids);
        }
    }
}

/// Sends `signal` to these processes (this test's own server), by id.
fn signal(signal: &str, pids: &[u32]) {
    let mut kill = Command::new("kill");
    kill.arg(signal).arg("--");
    for pid in pids {
        kill.arg(pid.to_string());
    }
    // A child that has just exited is no longer there: not an error.
    let _ = kill.stderr(Stdio::null()).status();
}

static SERVER: OnceLock<Option<PgServer>> = OnceLock::new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

fn bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists() && p.join("postgres").exists())
        .collect();
    dirs.sort();
    dirs.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `cmd` as the unprivileged `user` when running as root.
fn as_user(user: Option<&str>, program: &Path) -> Command {
    match user {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.arg("-u").arg(user).arg("--").arg(program);
            c
        }
        None => Command::new(program),
    }
}

fn start() -> Result<PgServer, String> {
    let bin = bin_dir().ok_or("no PostgreSQL server (apt-get install postgresql)")?;
    let user = if is_root() {
        let exists = |u: &str| {
            Command::new("id")
                .arg(u)
                .output()
                .is_ok_and(|o| o.status.success())
        };
        Some(if exists("postgres") {
            "postgres"
        } else {
            "nobody"
        })
    } else {
        None
    };
    let dir = tempfile::Builder::new()
        .prefix("openrouter-pg-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let data = dir.path().join("data");
    let pwfile = dir.path().join("pw");
    std::fs::write(&pwfile, PASSWORD).map_err(|e| e.to_string())?;
    if let Some(user) = user {
        let status = Command::new("chown")
            .arg("-R")
            .arg(user)
            .arg(dir.path())
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err("chown of the data directory failed".into());
        }
    }
    let out = as_user(user, &bin.join("initdb"))
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        ])
        .arg(format!("--pwfile={}", pwfile.display()))
        .output()
        .map_err(|e| format!("initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    // The watcher: starts the server, waits for its stdin (this process) to close,
    // then stops the server (fast shutdown), waits for it and removes the whole
    // temporary directory (the server lives in a static, so `dir` is never dropped).
    let script = "\"$0\" -D \"$1\" -p \"$2\" -k \"$1\" -h 127.0.0.1 -c fsync=off -c max_connections=60 \
                  >\"$1/log\" 2>&1 & pid=$!; read _ignored; kill -INT $pid; wait $pid; rm -rf \"${1%/data}\"";
    let mut watcher = as_user(user, Path::new("/bin/sh"))
        .arg("-c")
        .arg(script)
        .arg(bin.join("postgres"))
        .arg(&data)
        .arg(port.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting postgres: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if admin(port).is_ok() {
            break;
        }
        if Instant::now() > deadline {
            let log = std::fs::read_to_string(data.join("log")).unwrap_or_default();
            let _ = watcher.stdin.take().map(|mut s| s.write_all(b"\n"));
            return Err(format!("postgres did not start: {log}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(PgServer {
        port,
        _dir: dir,
        _watcher: Mutex::new(watcher),
    })
}

fn admin(port: u16) -> Result<postgres::Client, postgres::Error> {
    postgres::Config::new()
        .host("127.0.0.1")
        .port(port)
        .user("postgres")
        .password(PASSWORD)
        .dbname("postgres")
        .connect(postgres::NoTls)
}

/// The shared server, or `None` (after a loud message) when there is none; panics
/// under `CI=true`.
pub fn server() -> Option<&'static PgServer> {
    SERVER.get_or_init(|| started(start())).as_ref()
}

/// A server of the caller's own (for a test that stops it), or `None` as [`server`].
pub fn dedicated() -> Option<PgServer> {
    started(start())
}

fn started(server: Result<PgServer, String>) -> Option<PgServer> {
    match server {
        Ok(server) => Some(server),
        Err(why) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true and the PostgreSQL tests cannot run: {why}");
            }
            eprintln!(
                "\n*** SKIPPING the PostgreSQL half of these tests: {why} ***\n\
                 *** (install Debian's postgresql package; under CI=true this fails) ***\n"
            );
            None
        }
    }
}

/// A URL to a new, empty database on the shared server.
pub fn fresh_database() -> Option<String> {
    Some(server()?.create_database())
}

/// Runs `sql` on the database of `url` (for tests that look underneath the store).
pub fn execute(url: &str, sql: &str) {
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    client.batch_execute(sql).expect("sql");
}
