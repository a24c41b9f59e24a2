//! Maintainer tasks for the workspace, run as `cargo xtask <task>`.
//!
//! - `generate`: regenerate the low-level client crate, the client crate's typed layer
//!   (one call per operation), the typed httpmock helpers of the mock crate, and each
//!   library crate's public API snapshot (`public-api.txt`, see surface.rs), from
//!   `openapi/openrouter.yaml`.
//! - `check`: fail with a diff when the checked-in generated code, or a crate's public API
//!   snapshot, is stale.
//! - `drift --upstream FILE`: list every difference between our spec and an upstream
//!   OpenRouter document for the operations we cover.
//! - `import --upstream FILE OPERATION_ID...`: bring operations (and the schemas they
//!   reach) from an upstream OpenAPI 3.1 document into our spec, rewritten to 3.0.3.

mod cli_table;
mod codegen;
mod drift;
mod import;
mod nullable;
mod open_enums;
mod requests;
mod rewrite;
mod sdk;
mod spec;
mod surface;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  generate                 regenerate the generated crates from openapi/openrouter.yaml
  check                    exit 1 with a diff if the generated code is not what `generate` writes
  drift --upstream FILE    compare our spec with an upstream OpenAPI document (3.0 or 3.1, YAML or JSON)
  import --upstream FILE OPERATION_ID...
                           copy operations from an upstream document into openapi/openrouter.yaml
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("generate") if args.len() == 1 => codegen::generate(&root),
        Some("check") if args.len() == 1 => codegen::check(&root),
        Some("drift") => match parse_drift_args(&args[1..]) {
            Some(upstream) => drift::run(&root.join(spec::SPEC_PATH), &upstream),
            None => usage_error(),
        },
        Some("import") => match parse_import_args(&args[1..]) {
            Some((upstream, ids)) => import::run(&root, &upstream, &ids),
            None => usage_error(),
        },
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => usage_error(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn usage_error() -> Result<(), String> {
    Err(USAGE.trim_end().to_string())
}

fn parse_drift_args(args: &[String]) -> Option<PathBuf> {
    match args {
        [flag, file] if flag == "--upstream" => Some(PathBuf::from(file)),
        [arg] => arg.strip_prefix("--upstream=").map(PathBuf::from),
        _ => None,
    }
}

/// `--upstream FILE` (or `--upstream=FILE`) and at least one operationId, in any order.
fn parse_import_args(args: &[String]) -> Option<(PathBuf, Vec<String>)> {
    let mut upstream = None;
    let mut ids = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--upstream" {
            upstream = Some(PathBuf::from(rest.next()?));
        } else if let Some(file) = arg.strip_prefix("--upstream=") {
            upstream = Some(PathBuf::from(file));
        } else if arg.starts_with('-') {
            return None;
        } else {
            ids.push(arg.clone());
        }
    }
    if ids.is_empty() {
        return None;
    }
    Some((upstream?, ids))
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest_dir.to_path_buf())
}
