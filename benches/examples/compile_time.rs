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
//! The two builds alternate, `--rounds N` times (default 1), and the ratio of their wall
//! times is printed; registries must already hold the sources (`cargo fetch` once).

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
    println!("| workspace | baseline (s) | client (s) | client / baseline |");
    println!("| --- | ---: | ---: | ---: |");
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
        let (mut base_times, mut client_times) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            base_times.push(cold_build(&baseline));
            client_times.push(cold_build(&client));
        }
        let (b, c) = (median(&mut base_times), median(&mut client_times));
        println!(
            "| {} | {:.1} | {:.1} | **{:.2}x** |",
            root.display(),
            b.as_secs_f64(),
            c.as_secs_f64(),
            c.as_secs_f64() / b.as_secs_f64()
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

/// One build from nothing: a fresh target directory each time.
fn cold_build(dir: &Path) -> Duration {
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
    let started = Instant::now();
    let status = Command::new("cargo")
        .args(["build", "--release", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .current_dir(dir)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the build failed in {}", dir.display());
    started.elapsed()
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}
