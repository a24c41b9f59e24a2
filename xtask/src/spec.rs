//! Reading OpenAPI documents from disk.

use std::path::Path;

/// Our spec, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/openrouter.yaml";

/// Reads and parses our spec as OpenAPI 3.0, naming the file (and line, where the
/// parser knows it) in every error.
pub fn load_openapi(path: &Path) -> Result<openapiv3::OpenAPI, String> {
    let text = read(path)?;
    let spec: openapiv3::OpenAPI = serde_yaml_ng::from_str(&text).map_err(|err| {
        format!(
            "{}: not a valid OpenAPI 3.0 document: {err}",
            path.display()
        )
    })?;
    if !spec.openapi.starts_with("3.0.") {
        return Err(format!(
            "{}: `openapi: {}` is not supported; progenitor reads OpenAPI 3.0.x only",
            path.display(),
            spec.openapi
        ));
    }
    Ok(spec)
}

/// Reads any YAML or JSON document as an untyped tree (used for documents that are
/// not OpenAPI 3.0, such as upstream's 3.1 spec).
pub fn load_value(path: &Path) -> Result<serde_json::Value, String> {
    let text = read(path)?;
    let is_json = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
    if is_json {
        serde_json::from_str(&text)
            .map_err(|err| format!("{}: invalid JSON: {err}", path.display()))
    } else {
        serde_yaml_ng::from_str(&text)
            .map_err(|err| format!("{}: invalid YAML: {err}", path.display()))
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|err| format!("{}: cannot read: {err}", path.display()))
}
