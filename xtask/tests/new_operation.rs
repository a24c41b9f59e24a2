//! The promise of the project, tested end to end: an operation added to the spec and
//! regenerated is callable by users with no hand-written code per operation.
//!
//! A scratch copy of the workspace gets `GET /probe/echo` (tag `Probe`, operationId
//! `probeEcho`) in its spec; `cargo xtask generate` runs there; then the copy builds and
//! runs two test files from `new_operation/`: the typed call, async and blocking,
//! against a local server answering 503 then 200 (mocked with `MockOpenRouter`, which
//! knows the new operation too), and `openrouter api probe probe-echo --text hi`. The
//! copy's `ApiKey` also gains a field, which `openrouter api api-keys list --columns`
//! and `openrouter keys list -f csv` then show with no CLI change.
//!
//! The copy builds in a target directory of its own (`<target>/new-operation`): sharing
//! the workspace's would let the copy's binaries (`openrouter`) replace the real ones.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// Where the copy builds: beside the target directory this test was built in
/// (`<target>/debug/deps/<test binary>`), kept between runs so that only the first
/// one builds the dependencies.
fn copy_target_dir() -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => std::env::current_exe()
            .expect("test binary path")
            .ancestors()
            .nth(3)
            .expect("<target>/<profile>/deps/<binary>")
            .to_path_buf(),
    };
    target.join("new-operation")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let name = entry.file_name();
        if matches!(name.to_str(), Some("target" | ".git" | "fuzz")) {
            continue;
        }
        let (source, dest) = (entry.path(), to.join(&name));
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&source, &dest);
        } else {
            std::fs::copy(&source, &dest).expect("copy file");
        }
    }
}

fn edit(path: &Path, edit: impl FnOnce(String) -> String) {
    let before = std::fs::read_to_string(path).expect("read");
    let after = edit(before.clone());
    assert_ne!(before, after, "the edit of {} must apply", path.display());
    std::fs::write(path, after).expect("write");
}

fn cargo(root: &Path, args: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", copy_target_dir())
        .env_remove("CARGO_MAKEFLAGS")
        .args(args)
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "cargo {} failed in the copy",
        args.join(" ")
    );
}

#[test]
fn an_operation_added_to_the_spec_is_callable_after_generate() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/new_operation");
    let scratch = tempfile::tempdir().expect("temp dir");
    let root = scratch.path();
    copy_tree(&workspace_root(), root);

    let probe = std::fs::read_to_string(here.join("probe_path.yaml")).expect("fixture");
    edit(&root.join("openapi/openrouter.yaml"), |spec| {
        spec.replacen("\npaths:\n", &format!("\npaths:\n{probe}"), 1)
    });
    // A field a response gains: a column of `openrouter api ... --columns` and of the
    // friendly `keys list -f csv`, with no CLI change (issue 24).
    edit(&root.join("openapi/openrouter.yaml"), |spec| {
        let key = spec
            .find("description: An API key (never its secret).")
            .expect("the ApiKey schema");
        let properties = key
            + spec[key..]
                .find("\n      properties:\n")
                .expect("its properties")
            + "\n      properties:\n".len();
        format!(
            "{}        probe_score:\n          type: number\n          x-openrouter-unit: usd\n          \
             description: A field the spec gained.\n{}",
            &spec[..properties],
            &spec[properties..]
        )
    });
    // The mock's sample account builds its keys as struct literals: the one place
    // (not the CLI) that names every field.
    edit(
        &root.join("crates/openrouter-analytics-mock/src/sample.rs"),
        |text| {
            text.replacen(
                "    ApiKey {\n",
                "    ApiKey {\n        probe_score: None,\n",
                1,
            )
        },
    );
    cargo(root, &["run", "--quiet", "-p", "xtask", "--", "generate"]);
    let typed_layer =
        std::fs::read_to_string(root.join("crates/openrouter-analytics/src/generated.rs"))
            .expect("typed layer");
    assert!(
        typed_layer.contains("pub fn probe(&self) -> Probe"),
        "no probe group"
    );
    assert!(
        typed_layer.contains("pub fn probe_echo(&self)"),
        "no probe_echo call"
    );
    let mocks =
        std::fs::read_to_string(root.join("crates/openrouter-analytics-mock/src/generated.rs"))
            .expect("mock helpers");
    assert!(
        mocks.contains("fn probe_echo"),
        "no typed mock helper for probe_echo"
    );

    std::fs::copy(here.join("probe_e2e.rs"), root.join("tests/probe.rs")).expect("copy test");
    edit(&root.join("tests/Cargo.toml"), |text| {
        format!("{text}\n[[test]]\nname = \"probe\"\npath = \"probe.rs\"\n")
    });
    std::fs::copy(
        here.join("probe_cli.rs"),
        root.join("crates/openrouter-analytics-cli/tests/probe_cli.rs"),
    )
    .expect("copy CLI test");

    cargo(
        root,
        &["test", "-p", "openrouter-analytics-e2e", "--test", "probe"],
    );
    cargo(
        root,
        &[
            "test",
            "-p",
            "openrouter-analytics-cli",
            "--test",
            "probe_cli",
        ],
    );
}
