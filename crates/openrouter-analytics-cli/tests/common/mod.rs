//! What the CLI's end-to-end suites share: the built binary with a clean environment,
//! pointed at a local server, and what it printed.

// Each suite uses a different part of this module.
#![allow(dead_code)]

use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Where every API key the suites use starts; none may reach stderr.
const KEY_PREFIX: &str = "sk-or-v1-";

/// The binary with none of the caller's OpenRouter settings (every `OPENROUTER_*`
/// variable, `RUST_LOG` and `COLUMNS` removed) and no stdin, so never a terminal.
pub fn bare() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_openrouter"));
    for (var, _) in std::env::vars() {
        if var.starts_with("OPENROUTER_") || var == "RUST_LOG" || var == "COLUMNS" {
            cmd.env_remove(var);
        }
    }
    cmd.stdin(Stdio::null());
    cmd
}

/// The binary pointed at `base_url` with `key` in the environment, and fast retries
/// (5 ms, then 10 ms, no jitter, 10 s in all).
pub fn cli(base_url: &str, key: &str) -> Command {
    let mut cmd = bare();
    cmd.env("OPENROUTER_API_KEY", key)
        .args(["--base-url", base_url])
        .args([
            "--retry-initial-interval",
            "5ms",
            "--retry-max-interval",
            "10ms",
        ])
        .args(["--retry-jitter", "0", "--retry-max-elapsed-time", "10s"]);
    cmd
}

/// What one run of the binary printed, and its exit code.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("the binary runs");
    Run {
        code: status.code().expect("exited, not killed"),
        stdout: String::from_utf8(stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(stderr).expect("utf-8 stderr"),
    }
}

impl Run {
    /// Exit 0, and no key on stderr.
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        assert!(
            !self.stderr.contains(KEY_PREFIX),
            "a key on stderr: {}",
            self.stderr
        );
        self
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).expect("stdout is JSON")
    }

    /// The CSV on stdout: its header and rows.
    pub fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut reader = csv::Reader::from_reader(self.stdout.as_bytes());
        let header = reader
            .headers()
            .expect("header")
            .iter()
            .map(String::from)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.expect("record").iter().map(String::from).collect())
            .collect();
        (header, rows)
    }

    /// The error line: exactly one line on stderr, starting with `error: `.
    pub fn error_line(&self) -> &str {
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line expected: {:?}", self.stderr);
        assert!(lines[0].starts_with("error: "), "{}", self.stderr);
        assert!(self.stdout.is_empty(), "nothing on stdout: {}", self.stdout);
        lines[0]
    }

    /// The value after `label` in a label/value listing.
    pub fn field(&self, label: &str) -> String {
        self.stdout
            .lines()
            .find_map(|line| {
                let rest = line.strip_prefix(label)?;
                rest.starts_with("  ").then(|| rest.trim().to_string())
            })
            .unwrap_or_else(|| panic!("no {label:?} in {}", self.stdout))
    }
}

/// How the CLI names a flag: the API's name in kebab case, `field-` in front of a name
/// the CLI uses for a global option.
pub fn flag(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c == '_' {
            out.push('-');
        } else if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    let reserved = [
        "api-key",
        "base-url",
        "allow-insecure-http",
        "http-referer",
        "app-title",
        "app-categories",
        "timeout",
        "max-response-mb",
        "no-retries",
        "retry-initial-interval",
        "retry-max-interval",
        "retry-max-elapsed-time",
        "retry-max-attempts",
        "retry-jitter",
        "format",
        "verbose",
        "progress",
        "help",
        "version",
        "yes",
        "body",
        "clear",
        "wide",
        "csv-raw",
    ];
    if reserved.contains(&out.as_str()) {
        format!("field-{out}")
    } else {
        out
    }
}
