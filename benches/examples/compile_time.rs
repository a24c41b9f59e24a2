//! Cold release build time of the client crate against a bare reqwest + serde program,
//! side by side (see BENCHMARKS.md, "Compile time").
//!
//! `cargo run --release -p openrouter-analytics-benches --example compile_time -- ROOT...`
//!
//! For each workspace ROOT (e.g. this checkout, and a `git worktree` of an older commit
//! for a "before" figure), it writes two tiny programs in a scratch directory and builds
//! each from nothing (a fresh target directory, `cargo build --release --offline`):
//! - `baseline`: one GET with reqwest (the workspace's reqwest features, read from ROOT's
//!   Cargo.toml) decoded with serde_json into a derived struct;
//! - `client`: the same call through `openrouter-analytics` from ROOT.
//!
//! The two builds alternate, `--rounds N` times (default 1). Printed: wall time and CPU
//! time (user + system of the build's processes, from `/proc/self/stat`), and their
//! ratios. CPU time is the steadier figure on a shared machine: other load stretches
//! wall time far more than it changes the work done. Registries must already hold the
//! sources (`cargo fetch` once).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let mut roots = Vec::new();
    let mut rounds = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--rounds" {
            rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
        } else {
            roots.push(PathBuf::from(arg));
        }
    }
    if roots.is_empty() {
        eprintln!("usage: compile_time [--rounds N] WORKSPACE_ROOT...");
        std::process::exit(2);
    }
    println!(
        "| workspace | baseline wall (s) | client wall (s) | wall ratio | baseline CPU (s) | client CPU (s) | **CPU ratio** |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for root in &roots {
        let root = root.canonicalize().expect("workspace root exists");
        let reqwest = workspace_reqwest_line(&root);
        let scratch = std::env::temp_dir().join(format!("compile-time-{}", std::process::id()));
        let baseline = write_program(
            &scratch.join("baseline"),
            &baseline_manifest(&reqwest),
            BASELINE,
        );
        let client = write_program(&scratch.join("client"), &client_manifest(&root), CLIENT);
        let (mut base_wall, mut client_wall) = (Vec::new(), Vec::new());
        let (mut base_cpu, mut client_cpu) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let (wall, cpu) = cold_build(&baseline);
            base_wall.push(wall);
            base_cpu.push(cpu);
            let (wall, cpu) = cold_build(&client);
            client_wall.push(wall);
            client_cpu.push(cpu);
        }
        let (bw, cw) = (median(&mut base_wall), median(&mut client_wall));
        let (bc, cc) = (median(&mut base_cpu), median(&mut client_cpu));
        println!(
            "| {} | {:.1} | {:.1} | {:.2}x | {:.1} | {:.1} | **{:.2}x** |",
            root.display(),
            bw.as_secs_f64(),
            cw.as_secs_f64(),
            cw.as_secs_f64() / bw.as_secs_f64(),
            bc.as_secs_f64(),
            cc.as_secs_f64(),
            cc.as_secs_f64() / bc.as_secs_f64()
        );
        let _ = std::fs::remove_dir_all(&scratch);
    }
}

/// The `reqwest = ...` line of the workspace's `[workspace.dependencies]`, so that the
/// baseline builds the same reqwest the client does.
fn workspace_reqwest_line(root: &Path) -> String {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("read Cargo.toml");
    manifest
        .lines()
        .find(|line| line.starts_with("reqwest = "))
        .expect("the workspace pins reqwest")
        .to_string()
}

fn baseline_manifest(reqwest: &str) -> String {
    format!(
        "[package]\nname = \"baseline\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
         [dependencies]\n{reqwest}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"rt\"] }}\n\n[workspace]\n"
    )
}

fn client_manifest(root: &Path) -> String {
    format!(
        "[package]\nname = \"client\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
         [dependencies]\nopenrouter-analytics = {{ path = \"{}\" }}\n\
         tokio = {{ version = \"1\", features = [\"rt\"] }}\n\n[workspace]\n",
        root.join("crates/openrouter-analytics").display()
    )
}

const BASELINE: &str = r#"
#[derive(serde::Deserialize)]
struct Row { model: String, usage: f64 }
#[derive(serde::Deserialize)]
struct Activity { data: Vec<Row> }

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let result = runtime.block_on(async {
        let response = reqwest::Client::new()
            .get("http://127.0.0.1:9/activity")
            .bearer_auth("sk-or-v1-x")
            .send()
            .await?;
        response.json::<Activity>().await
    });
    if let Ok(activity) = result {
        for row in activity.data { println!("{} {}", row.model, row.usage); }
    }
}
"#;

const CLIENT: &str = r#"
fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let client = openrouter_analytics::Client::builder()
        .api_key("sk-or-v1-x")
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    if let Ok(activity) = runtime.block_on(client.analytics().get_user_activity().send()) {
        for row in activity.data { println!("{} {}", row.model, row.usage); }
    }
}
"#;

fn write_program(dir: &Path, manifest: &str, main: &str) -> PathBuf {
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write manifest");
    std::fs::write(dir.join("src/main.rs"), main).expect("write main");
    dir.to_path_buf()
}

/// CPU time (user + system) of this process's waited-for children so far: fields 16
/// and 17 of `/proc/self/stat`, in clock ticks (100 a second on Linux).
fn children_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat (Linux)");
    // The command name (field 2) may hold spaces; the fields after it start past ')'.
    let after_name = &stat[stat.rfind(')').expect("stat has the name in parentheses") + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Field 3 is fields[0] here, so fields 16 and 17 are fields[13] and fields[14].
    let ticks: u64 =
        fields[13].parse::<u64>().expect("cutime") + fields[14].parse::<u64>().expect("cstime");
    Duration::from_millis(ticks * 10)
}

/// One build from nothing: a fresh target directory each time. Wall and CPU time.
fn cold_build(dir: &Path) -> (Duration, Duration) {
    let target = dir.join("target");
    let _ = std::fs::remove_dir_all(&target);
    // Resolve (and lock) first, outside the timing.
    let status = Command::new("cargo")
        .arg("generate-lockfile")
        .arg("--offline")
        .current_dir(dir)
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "cargo generate-lockfile failed in {}",
        dir.display()
    );
    let cpu_before = children_cpu();
    let started = Instant::now();
    let status = Command::new("cargo")
        .args(["build", "--release", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .current_dir(dir)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the build failed in {}", dir.display());
    (started.elapsed(), children_cpu().saturating_sub(cpu_before))
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}
