//! Peak memory of the `openrouter` binary printing large answers, as a ratio to the
//! answer's body (issue 26's output budgets; BENCHMARKS.md, section 7).
//!
//! A server on 127.0.0.1 (in this process) answers a 100,000-row `/activity` report
//! (~34 MB, the compression bench's "noisy" rows) and ~92 MB single pages of guardrails
//! and BYOK keys. The release binary runs as a child for each command, its stdout read
//! through a pipe (so tables are never cut to a terminal's width) and counted; its peak
//! RSS is `ru_maxrss` from `wait4`. With `BASELINE_OPENROUTER=/path/to/openrouter`, that
//! binary runs the same commands in the same run, alternating with the one under test,
//! and both must print the same bytes.
//!
//! ```sh
//! cargo build --release -p openrouter-analytics-cli
//! BASELINE_OPENROUTER=/path/to/main/openrouter \
//!     cargo bench -p openrouter-analytics-benches --bench cli_memory
//! ```
//!
//! `OPENROUTER_BIN` names the binary under test (default: `openrouter` beside the bench's
//! own directory, i.e. `target/release/openrouter`); `CLI_MEMORY_RUNS` the runs of each
//! command per binary (default 3).

use std::collections::hash_map::DefaultHasher;
use std::hash::Hasher;
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use openrouter_analytics::Client;

use openrouter_analytics_benches::{
    KEY, LoopbackServer, heap, http_response, machine_summary, median, noisy_activity_body,
};

/// Counts the heap for the in-process part (where the memory of a listed page goes).
#[global_allocator]
static HEAP: heap::Counting = heap::Counting;

/// Runs of each command per binary; the figure is the median. `CLI_MEMORY_RUNS`
/// sets more, for times steadier than three runs give on a shared machine (the RSS
/// figures repeat to the 0.1 MB anyway).
const RUNS: usize = 3;
/// The guardrails and BYOK pages are at least this long.
const PAGE_BYTES: usize = 92_000_000;
const ACTIVITY_ROWS: usize = 100_000;

/// Set on the bench binary run as the wrapper of one CLI run (see [`measure`]): the
/// file to write the CLI's peak RSS (KiB) to.
const WRAP: &str = "CLI_MEMORY_RSS_FILE";

fn main() {
    if let Some(file) = std::env::var_os(WRAP) {
        wrap(Path::new(&file));
    }
    // `cargo test --benches` runs harness-less benches too: measure only under
    // `cargo bench`, which passes `--bench`.
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("cli_memory: measured only under `cargo bench`");
        return;
    }
    let under_test = std::env::var_os("OPENROUTER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(default_binary);
    let baseline = std::env::var_os("BASELINE_OPENROUTER").map(PathBuf::from);
    let runs = match std::env::var("CLI_MEMORY_RUNS") {
        Ok(text) => match text.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => panic!("CLI_MEMORY_RUNS must be a positive count, not {text:?}"),
        },
        Err(_) => RUNS,
    };
    for binary in std::iter::once(&under_test).chain(baseline.as_ref()) {
        assert!(
            binary.is_file(),
            "no binary at {}: build it first (cargo build --release -p openrouter-analytics-cli)",
            binary.display()
        );
    }

    let activity = noisy_activity_body(ACTIVITY_ROWS);
    let guardrails = list_page(PAGE_BYTES, guardrail);
    let byok = list_page(PAGE_BYTES, byok_key);
    let bodies = [
        ("activity", &activity),
        ("guardrails", &guardrails),
        ("byok", &byok),
    ];
    let servers: Vec<(&str, usize, LoopbackServer)> = bodies
        .iter()
        .map(|(name, body)| {
            let server = LoopbackServer::fixed(http_response(200, "OK", body));
            (*name, body.len(), server)
        })
        .collect();
    let server = |name: &str| {
        servers
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, len, server)| (*len, server.base_url()))
            .expect("a server per body")
    };
    drop(activity);
    drop(guardrails);
    drop(byok);

    // The last field: whether both binaries must print the same bytes (`api`'s tables
    // and CSV show an operation through its look since issue 24, as `guardrails list`
    // does; before, they showed the spec's columns).
    let cases: [(&str, &str, &[&str], bool); 7] = [
        (
            "activity -f json",
            "activity",
            &["activity", "-f", "json"],
            true,
        ),
        (
            "activity -f table",
            "activity",
            &["activity", "-f", "table"],
            true,
        ),
        (
            "activity -f csv",
            "activity",
            &["activity", "-f", "csv"],
            true,
        ),
        (
            "guardrails list -f csv",
            "guardrails",
            &["guardrails", "list", "-f", "csv"],
            true,
        ),
        (
            "byok list -f csv",
            "byok",
            &["byok", "list", "-f", "csv"],
            true,
        ),
        (
            "guardrails list -f json",
            "guardrails",
            &["guardrails", "list", "-f", "json"],
            true,
        ),
        (
            "api guardrails list --all-pages -f csv",
            "guardrails",
            &["api", "guardrails", "list", "--all-pages", "-f", "csv"],
            false,
        ),
    ];

    println!("{}", machine_summary());
    println!("under test: {}", under_test.display());
    if let Some(baseline) = &baseline {
        println!("baseline:   {}", baseline.display());
    }
    let mut lines = Vec::new();
    for (label, body_name, args, same_output) in cases {
        let (body_len, base_url) = server(body_name);
        let mut new_runs = Vec::new();
        let mut old_runs = Vec::new();
        for _ in 0..runs {
            new_runs.push(measure(&under_test, &base_url, args));
            if let Some(baseline) = &baseline {
                old_runs.push(measure(baseline, &base_url, args));
            }
        }
        let new = Summary::of(&new_runs);
        let old = (!old_runs.is_empty()).then(|| Summary::of(&old_runs));
        if let Some(old) = old.as_ref().filter(|_| same_output) {
            assert_eq!(
                (old.output_len, old.output_hash),
                (new.output_len, new.output_hash),
                "{label}: the two binaries printed different output"
            );
        }
        eprintln!(
            "{label}: new {:.1} MB in {:.2} s{}",
            mb(new.peak_rss),
            new.seconds,
            old.as_ref()
                .map(|o| format!(", baseline {:.1} MB in {:.2} s", mb(o.peak_rss), o.seconds))
                .unwrap_or_default()
        );
        lines.push((label, body_len, old, new));
    }

    // Where a listed page's memory goes, in this process: the library's tolerant paging
    // call by name (what `guardrails list` and `byok list` use) and its parts.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut parts = Vec::new();
    for name in ["guardrails", "byok"] {
        let (body_len, base_url) = server(name);
        let client = Client::builder()
            .api_key(KEY)
            .base_url(base_url)
            .max_response_bytes(1 << 30)
            .build()
            .expect("client");
        let (pages, call_peak) = heap::peak_during(|| {
            runtime
                .block_on(
                    client
                        .operation(name, "list")
                        .expect("a list operation")
                        .send_all_pages_tolerant(),
                )
                .expect("the list")
        });
        let raw = pages.pages[0].clone();
        drop(pages);
        let (value, value_peak) = heap::peak_during(|| {
            serde_json::from_slice::<serde_json::Value>(&raw[..]).expect("JSON")
        });
        drop(value);
        parts.push((name, body_len, call_peak, value_peak));
    }

    println!();
    println!(
        "| list | body | `send_all_pages_tolerant` peak heap | **/ body** | `Value` of the page alone | / body |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (name, body_len, call_peak, value_peak) in parts {
        let ratio = |bytes: usize| bytes as f64 / body_len as f64;
        println!(
            "| `{name} list` | {:.1} MB | {:.1} MB | **{:.2}x** | {:.1} MB | {:.2}x |",
            mb(body_len as u64),
            mb(call_peak as u64),
            ratio(call_peak),
            mb(value_peak as u64),
            ratio(value_peak),
        );
    }

    println!();
    println!(
        "| command | body | output | baseline peak RSS | **/ body** | new peak RSS | **/ body** | new / baseline | time new / baseline |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (label, body_len, old, new) in lines {
        let ratio = |rss: u64| rss as f64 / body_len as f64;
        let (old_rss, old_ratio, versus, time) = match &old {
            Some(old) => (
                format!("{:.1} MB", mb(old.peak_rss)),
                format!("{:.2}x", ratio(old.peak_rss)),
                format!("{:.2}", new.peak_rss as f64 / old.peak_rss as f64),
                format!("{:.2}", new.seconds / old.seconds),
            ),
            None => ("-".into(), "-".into(), "-".into(), "-".into()),
        };
        println!(
            "| `{label}` | {:.1} MB | {:.1} MB | {old_rss} | {old_ratio} | {:.1} MB | **{:.2}x** | {versus} | {time} |",
            mb(body_len as u64),
            mb(new.output_len),
            mb(new.peak_rss),
            ratio(new.peak_rss),
        );
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// `target/release/openrouter`: the bench runs from `target/release/deps/`.
fn default_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the bench's own path");
    exe.parent()
        .and_then(Path::parent)
        .map(|release| release.join("openrouter"))
        .expect("the bench runs from target/<profile>/deps")
}

/// One run of the binary.
struct Run {
    peak_rss: u64,
    seconds: f64,
    output_len: u64,
    output_hash: u64,
}

/// The medians of a command's runs (the output of the last).
struct Summary {
    peak_rss: u64,
    seconds: f64,
    output_len: u64,
    output_hash: u64,
}

impl Summary {
    fn of(runs: &[Run]) -> Self {
        let rss: Vec<f64> = runs.iter().map(|r| r.peak_rss as f64).collect();
        let seconds: Vec<f64> = runs.iter().map(|r| r.seconds).collect();
        let last = runs.last().expect("at least one run");
        Self {
            peak_rss: median(&rss) as u64,
            seconds: median(&seconds),
            output_len: last.output_len,
            output_hash: last.output_hash,
        }
    }
}

/// Runs `binary args` against `base_url`, reading its stdout through a pipe, and
/// returns its peak RSS, wall time and output.
///
/// The CLI is started by a fresh run of this bench binary ([`wrap`]): a child's
/// `ru_maxrss` starts from the high-water mark of the process that started it (Linux
/// records it at `exec`), and this process holds the three bodies for its servers.
fn measure(binary: &Path, base_url: &str, args: &[&str]) -> Run {
    let rss_file = std::env::temp_dir().join(format!("cli-memory-rss-{}", std::process::id()));
    let _ = std::fs::remove_file(&rss_file);
    let mut command = Command::new(std::env::current_exe().expect("the bench's own path"));
    for (var, _) in std::env::vars() {
        if var.starts_with("OPENROUTER_") || var == "RUST_LOG" || var == "COLUMNS" {
            command.env_remove(var);
        }
    }
    command
        .env(WRAP, &rss_file)
        .env("OPENROUTER_API_KEY", KEY)
        .arg(binary)
        .args(["--base-url", base_url, "--max-response-mb", "1024"])
        .args(["--progress", "never", "--wide"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("the wrapper starts");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let reader = std::thread::spawn(move || {
        let mut hasher = DefaultHasher::new();
        let mut len = 0_u64;
        let mut buf = vec![0_u8; 1 << 16];
        loop {
            match stdout.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    hasher.write(&buf[..n]);
                    len += n as u64;
                }
            }
        }
        (len, hasher.finish())
    });
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let status = child.wait().expect("the wrapper ends");
    let seconds = started.elapsed().as_secs_f64();
    let (output_len, output_hash) = reader.join().expect("stdout reader");
    let stderr = errors.join().expect("stderr reader");
    assert!(
        status.success(),
        "{} {}: {status}, stderr: {stderr}",
        binary.display(),
        args.join(" ")
    );
    let _ = std::io::stderr().write_all(stderr.as_bytes());
    let kib: u64 = std::fs::read_to_string(&rss_file)
        .expect("the wrapper wrote the peak RSS")
        .trim()
        .parse()
        .expect("KiB");
    let _ = std::fs::remove_file(&rss_file);
    Run {
        peak_rss: kib * 1024,
        seconds,
        output_len,
        output_hash,
    }
}

/// The wrapper: runs its arguments as a child with this process's stdio, writes the
/// child's `ru_maxrss` (KiB, from `wait4`) to `rss_file` and exits as the child did.
/// A fresh process, so the child's figure starts from this one's few MB.
fn wrap(rss_file: &Path) -> ! {
    let mut args = std::env::args_os().skip(1);
    let program = args.next().expect("the program to run");
    let child = Command::new(program)
        .args(args)
        .spawn()
        .expect("the program starts");
    let pid = libc::pid_t::try_from(child.id()).expect("a pid fits pid_t");
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing its status and usage into live locals;
    // `child` is not waited for through std afterwards.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    std::fs::write(rss_file, usage.ru_maxrss.to_string()).expect("writing the peak RSS");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        101
    };
    std::process::exit(code)
}

/// `{"data":[...],"total_count":N}` with items from `item(n)` until the body is at least
/// `bytes` long (one page: the CLI's paging loop stops at `total_count`).
fn list_page(bytes: usize, item: fn(&mut Vec<u8>, usize)) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes + 4096);
    out.extend_from_slice(br#"{"data":["#);
    let mut n = 0;
    while out.len() < bytes {
        if n > 0 {
            out.push(b',');
        }
        item(&mut out, n);
        n += 1;
    }
    write!(out, r#"],"total_count":{n}}}"#).expect("writing to a Vec cannot fail");
    out
}

/// A guardrail shaped like the mock's sample ones (`sample_catalog.json`), every
/// field the spec lists, with ids, names and budgets that vary.
fn guardrail(out: &mut Vec<u8>, n: usize) {
    let limit = if n.is_multiple_of(3) {
        "null".to_string()
    } else {
        format!("{:?}", 25.0 * (n % 40 + 1) as f64)
    };
    let models = if n.is_multiple_of(2) {
        "null".to_string()
    } else {
        format!(
            r#"["anthropic/claude-sonnet-4","openai/gpt-5-mini","vendor/model-{}"]"#,
            n % 60
        )
    };
    write!(
        out,
        r#"{{"created_at":"2026-02-03T09:14:27.512Z","id":"{n:08x}-4a1b-4d3c-9e7f-5b2a8c1d6e90","include_byok_in_budgets":{},"name":"Guardrail {n} of the platform team","workspace_id":"5f8e2c1a-9b3d-4e7f-a6c2-{:012x}","description":"Budget and model limits for the keys of team {}.","limit_usd":{limit},"reset_interval":"monthly","allowed_providers":["anthropic","openai"],"ignored_providers":null,"allowed_models":{models},"ignored_models":null,"enforce_zdr":{},"updated_at":"2026-11-0{}T12:00:00.000Z","allowed_data_regions":null}}"#,
        n.is_multiple_of(2),
        n % 97,
        n % 50,
        n.is_multiple_of(5),
        1 + n % 9,
    )
    .expect("writing to a Vec cannot fail");
}

/// A BYOK key shaped like the mock's sample ones.
fn byok_key(out: &mut Vec<u8>, n: usize) {
    let providers = ["amazon-bedrock", "openai", "anthropic", "google-vertex"];
    write!(
        out,
        r#"{{"allowed_api_key_hashes":["{:064x}"],"allowed_models":["anthropic/claude-sonnet-4"],"allowed_user_ids":null,"created_at":"2026-11-14T09:12:40.000Z","disabled":{},"id":"f3a4b5c6-0001-4d7e-8f90-{n:012x}","is_fallback":{},"label":"AKIA...{:04X}","provider":"{}","sort_order":{},"workspace_id":"b7c1e9d4-2a6f-4c8b-9e3d-7f5a1c2b8e60","name":"Provider key {n}","declared_region":"us","declared_zdr":{},"is_byok_only":false,"is_required":{}}}"#,
        (n as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834),
        n.is_multiple_of(7),
        n.is_multiple_of(2),
        n % 65_536,
        providers[n % providers.len()],
        n % 10,
        n.is_multiple_of(3),
        n.is_multiple_of(4),
    )
    .expect("writing to a Vec cannot fail");
}
