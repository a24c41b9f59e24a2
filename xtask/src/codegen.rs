//! `cargo xtask generate` and `cargo xtask check`.
//!
//! Two files come from the spec: the low-level client
//! (`crates/openrouter-analytics-api/src/generated.rs`) and progenitor's typed httpmock
//! helpers for it (`crates/openrouter-analytics-mock/src/generated.rs`). Both go through
//! [`open_enums`] (open string enums, no `deny_unknown_fields`) and are formatted with
//! prettyplease, so the output does not depend on the toolchain.

use std::path::Path;

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;

use crate::spec::{SPEC_PATH, load_openapi};
use crate::{nullable, open_enums, requests};

/// Where the generated client lives, relative to the workspace root.
const CLIENT_OUTPUT: &str = "crates/openrouter-analytics-api/src/generated.rs";

/// Where the client crate's typed layer lives (see sdk.rs), relative to the workspace root.
const SDK_OUTPUT: &str = "crates/openrouter-analytics/src/generated.rs";

/// Where the generated httpmock helpers live, relative to the workspace root.
const MOCK_OUTPUT: &str = "crates/openrouter-analytics-mock/src/generated.rs";

/// The Rust path under which the mock helpers find the API types (`types::..`): the
/// generated crate, which `openrouter-analytics-mock` depends on.
const MOCK_TYPES_CRATE: &str = "openrouter_analytics_api";

/// The page of the docs whose table of operations is generated (between [`TABLE_START`]
/// and [`TABLE_END`]); the rest of it is written by hand.
pub(crate) const OPERATIONS_DOC: &str = "docs/operations.md";

const TABLE_START: &str =
    "<!-- operations: written by `cargo xtask generate` from the spec; do not edit -->\n";
const TABLE_END: &str = "<!-- end of operations -->\n";

/// `doc` with the text between the table's markers replaced by `table`.
fn with_operation_table(doc: &str, table: &str) -> Result<String, String> {
    let start = doc
        .find(TABLE_START)
        .ok_or_else(|| format!("{OPERATIONS_DOC}: the marker {TABLE_START:?} is missing"))?
        + TABLE_START.len();
    let end = doc[start..]
        .find(TABLE_END)
        .ok_or_else(|| format!("{OPERATIONS_DOC}: the marker {TABLE_END:?} is missing"))?
        + start;
    Ok(format!("{}{table}{}", &doc[..start], &doc[end..]))
}

/// One generated file: its path and its expected content.
pub(crate) struct Output {
    pub(crate) path: &'static str,
    pub(crate) content: String,
}

/// Writes every generated file from the spec.
pub fn generate(root: &Path) -> Result<(), String> {
    for output in crate::surface::with_snapshots(root, render_all(root)?)? {
        let path = root.join(output.path);
        let unchanged = std::fs::read_to_string(&path).is_ok_and(|old| old == output.content);
        if unchanged {
            println!("unchanged {}", output.path);
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|err| format!("{}: cannot create: {err}", dir.display()))?;
        }
        std::fs::write(&path, &output.content)
            .map_err(|err| format!("{}: cannot write: {err}", path.display()))?;
        println!("wrote {}", output.path);
    }
    Ok(())
}

/// Fails with a unified diff for every generated file that differs from what
/// `generate` would write.
pub fn check(root: &Path) -> Result<(), String> {
    let mut report = String::new();
    for output in crate::surface::with_snapshots(root, render_all(root)?)? {
        let path = root.join(output.path);
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        if on_disk != output.content {
            let diff = similar::TextDiff::from_lines(&on_disk, &output.content);
            report.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("{} (checked in)", output.path),
                        &format!("{} (from {SPEC_PATH} and the sources)", output.path),
                    )
                    .to_string(),
            );
        }
    }
    if report.is_empty() {
        println!("generated code is up to date with {SPEC_PATH}");
        Ok(())
    } else {
        Err(format!(
            "{report}\ngenerated code is stale: run `cargo xtask generate` and commit the result"
        ))
    }
}

fn render_all(root: &Path) -> Result<Vec<Output>, String> {
    let spec_path = root.join(SPEC_PATH);
    let spec = load_openapi(&spec_path)?;
    let located = |err: String| format!("{}: {err}", spec_path.display());
    let client = render_client(&spec).map_err(located)?;
    let sdk = crate::sdk::render(&spec, &client).map_err(located)?;
    let doc = std::fs::read_to_string(root.join(OPERATIONS_DOC))
        .map_err(|err| format!("{OPERATIONS_DOC}: cannot read: {err}"))?;
    Ok(vec![
        Output {
            path: CLIENT_OUTPUT,
            content: client,
        },
        Output {
            path: SDK_OUTPUT,
            content: with_header(&sdk.code),
        },
        Output {
            path: OPERATIONS_DOC,
            content: with_operation_table(&doc, &sdk.operation_table)?,
        },
        Output {
            path: MOCK_OUTPUT,
            content: render_mock(&spec).map_err(located)?,
        },
    ])
}

fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // Per-attempt headers, timeout and the recorded response head live here; see hooks.rs.
        .with_inner_type(quote!(crate::hooks::RequestContext))
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq")
        .with_derive("schemars::JsonSchema")
        // Secrets (`format: password`, e.g. a new key) get a type whose Debug redacts them.
        .with_conversion(
            schemars::schema::SchemaObject {
                instance_type: Some(schemars::schema::InstanceType::String.into()),
                format: Some("password".to_string()),
                ..Default::default()
            },
            "crate::Secret",
            std::iter::empty(),
        )
        // A secret that must not be empty (a provider key sent to BYOK) is the same type:
        // typify matches conversions on the whole schema, and a newtype checking the
        // length would print the secret in its Debug. OpenRouter rejects an empty one.
        .with_conversion(
            schemars::schema::SchemaObject {
                instance_type: Some(schemars::schema::InstanceType::String.into()),
                format: Some("password".to_string()),
                string: Some(Box::new(schemars::schema::StringValidation {
                    min_length: Some(1),
                    ..Default::default()
                })),
                ..Default::default()
            },
            "crate::Secret",
            std::iter::empty(),
        );
    settings
}

fn render_client(spec: &openapiv3::OpenAPI) -> Result<String, String> {
    let mut generator = Generator::new(&settings());
    let tokens = generator
        .generate_tokens(spec)
        .map_err(|err| format!("progenitor cannot generate a client: {err}"))?;
    format_file(tokens, Some(spec))
}

/// Typed `httpmock` helpers for every operation: a `When`/`Then` pair per operation
/// and a `MockServerExt` trait on `httpmock::MockServer`. A fresh generator with the
/// client's settings, so that type names are the ones the client crate exports.
fn render_mock(spec: &openapiv3::OpenAPI) -> Result<String, String> {
    let mut generator = Generator::new(&settings());
    let tokens = generator
        .httpmock(spec, MOCK_TYPES_CRATE)
        .map_err(|err| format!("progenitor cannot generate httpmock helpers: {err}"))?;
    format_file(tokens, None)
}

/// Parses, post-processes and formats generated code; `spec` is given for the client,
/// whose request types get [`nullable`] fields (the mock helpers only name them).
fn format_file(
    tokens: proc_macro2::TokenStream,
    spec: Option<&openapiv3::OpenAPI>,
) -> Result<String, String> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|err| format!("generated code does not parse: {err}"))?;
    open_enums::process(&mut file)?;
    if let Some(spec) = spec {
        nullable::process(&mut file, spec)?;
        requests::process(&mut file)?;
    }
    Ok(with_header(&prettyplease::unparse(&file)))
}

fn with_header(code: &str) -> String {
    format!(
        "// @generated by `cargo xtask generate` from {SPEC_PATH}.\n\
         // Do not edit by hand: change the spec or the generator settings in xtask/src/codegen.rs.\n\n\
         {code}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of the workspace's spec and generated code in a temporary root.
    fn scratch_root() -> tempfile::TempDir {
        let real_root = crate::workspace_root();
        let dir = tempfile::tempdir().expect("temp dir");
        for relative in [
            SPEC_PATH,
            CLIENT_OUTPUT,
            SDK_OUTPUT,
            MOCK_OUTPUT,
            OPERATIONS_DOC,
        ] {
            let target = dir.path().join(relative);
            std::fs::create_dir_all(target.parent().expect("has parent")).expect("mkdir");
            std::fs::copy(real_root.join(relative), target).expect("copy");
        }
        crate::surface::copy_library_crates(&real_root, dir.path());
        dir
    }

    #[test]
    fn the_operations_table_is_replaced_between_its_markers_only() {
        let doc = format!("intro\n{TABLE_START}| stale |\n{TABLE_END}outro\n");
        let out = with_operation_table(&doc, "| fresh |\n").expect("markers present");
        assert_eq!(
            out,
            format!("intro\n{TABLE_START}| fresh |\n{TABLE_END}outro\n")
        );
        let err = with_operation_table("no markers\n", "| x |\n").expect_err("no markers");
        assert!(err.contains("marker"), "{err}");
    }

    #[test]
    fn the_operations_doc_lists_every_operation_of_the_spec() {
        let root = crate::workspace_root();
        let doc =
            std::fs::read_to_string(root.join(OPERATIONS_DOC)).expect("the table of operations");
        let spec = load_openapi(&root.join(SPEC_PATH)).expect("spec");
        let table = &doc[doc.find(TABLE_START).expect("start")..];
        for (path, method, _) in spec.operations() {
            let http = format!("`{} {path}`", method.to_uppercase());
            assert!(
                table.contains(&http),
                "{http} is not in the table of operations"
            );
        }
    }

    #[test]
    fn generation_is_deterministic_and_matches_the_checked_in_code() {
        let root = crate::workspace_root();
        let first = render_all(&root).expect("renders");
        let second = render_all(&root).expect("renders again");
        let paths: Vec<&str> = first.iter().map(|output| output.path).collect();
        assert_eq!(
            paths,
            [CLIENT_OUTPUT, SDK_OUTPUT, OPERATIONS_DOC, MOCK_OUTPUT]
        );
        for (a, b) in first.iter().zip(&second) {
            assert_eq!(a.content, b.content, "{} is not deterministic", a.path);
            if a.path == OPERATIONS_DOC {
                continue;
            }
            assert!(
                a.content
                    .starts_with("// @generated by `cargo xtask generate`"),
                "{}",
                a.path
            );
        }
        assert!(check(&root).is_ok(), "checked-in code is stale");
    }

    #[test]
    fn the_mock_helpers_name_the_api_crates_types_and_a_hand_edit_fails_the_check() {
        let root = scratch_root();
        let mock_path = root.path().join(MOCK_OUTPUT);
        let generated = std::fs::read_to_string(&mock_path).expect("read mock");
        assert!(generated.contains("use openrouter_analytics_api::*;"));
        assert!(generated.contains("pub trait MockServerExt"));
        assert!(generated.contains("pub fn ok(self, value: &types::ActivityResponse) -> Self"));

        let edited = generated.replace("\"^/activity$\"", "\"^/activity/?$\"");
        assert_ne!(generated, edited, "the fixture edit must apply");
        std::fs::write(&mock_path, edited).expect("write mock");
        let err = check(root.path()).expect_err("a hand-edited mock file must fail");
        assert!(
            err.contains(&format!("{MOCK_OUTPUT} (checked in)")),
            "{err}"
        );
        assert!(!err.contains(CLIENT_OUTPUT), "{err}");
        assert!(
            err.contains(
                r#"+                    .path_matches(regex::Regex::new("^/activity$").unwrap()),"#
            ),
            "{err}"
        );

        std::fs::remove_file(&mock_path).expect("remove mock");
        let err = check(root.path()).expect_err("a missing mock file must fail");
        assert!(err.contains(MOCK_OUTPUT), "{err}");

        generate(root.path()).expect("generate");
        assert_eq!(
            std::fs::read_to_string(&mock_path).expect("read"),
            generated
        );
        assert!(check(root.path()).is_ok());
    }

    #[test]
    fn a_spec_change_reaches_both_the_client_and_its_mock_helpers() {
        let root = scratch_root();
        let spec_path = root.path().join(SPEC_PATH);
        let spec = std::fs::read_to_string(&spec_path).expect("read spec");
        let edited = spec.replace(
            "        - name: user_id\n          in: query\n          required: false",
            "        - name: user_id\n          in: query\n          required: true",
        );
        assert_ne!(spec, edited, "the fixture edit must apply");
        std::fs::write(&spec_path, edited).expect("write spec");

        let err = check(root.path()).expect_err("stale code must fail the check");
        assert!(
            err.contains(&format!("{CLIENT_OUTPUT} (checked in)")),
            "{err}"
        );
        assert!(
            err.contains(&format!("{MOCK_OUTPUT} (checked in)")),
            "{err}"
        );
        assert!(
            err.contains("-        pub fn user_id<'a, T>(self, value: T) -> Self"),
            "{err}"
        );
        assert!(
            err.contains("+        pub fn user_id(self, value: &str) -> Self {"),
            "{err}"
        );

        generate(root.path()).expect("generate");
        assert!(check(root.path()).is_ok());
    }

    #[test]
    fn check_fails_with_a_diff_when_the_spec_changed_but_code_was_not_regenerated() {
        let root = scratch_root();
        let spec_path = root.path().join(SPEC_PATH);
        let spec = std::fs::read_to_string(&spec_path).expect("read spec");
        let edited = spec.replace(
            "        reasoning_tokens:\n          type: integer",
            "        reasoning_tokens:\n          type: number",
        );
        assert_ne!(spec, edited, "the fixture edit must apply");
        std::fs::write(&spec_path, edited).expect("write spec");

        let err = check(root.path()).expect_err("stale code must fail the check");
        assert!(err.contains("-        pub reasoning_tokens: i64,"), "{err}");
        assert!(err.contains("+        pub reasoning_tokens: f64,"), "{err}");
        assert!(err.contains("cargo xtask generate"), "{err}");

        generate(root.path()).expect("generate");
        assert!(check(root.path()).is_ok());
    }

    /// A small spec: a component enum used in a query parameter and a response, an
    /// inline enum, and an object that forbids unknown fields.
    const OPEN_ENUM_FIXTURE: &str = r#"
openapi: 3.0.3
info: {title: fixture, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - name: size
          in: query
          schema: {$ref: '#/components/schemas/Size'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Size:
      type: string
      enum: [small, large]
    Thing:
      type: object
      additionalProperties: false
      required: [size, shape]
      properties:
        size: {$ref: '#/components/schemas/Size'}
        shape:
          type: string
          enum: [round, square]
"#;

    #[test]
    fn every_string_enum_of_a_spec_is_opened_and_no_object_denies_unknown_fields() {
        let spec: openapiv3::OpenAPI =
            serde_yaml_ng::from_str(OPEN_ENUM_FIXTURE).expect("fixture parses");
        // What progenitor emits before the open-enum pass: closed, `Copy` enums and an
        // object that rejects unknown fields.
        let raw = Generator::new(&settings())
            .generate_tokens(&spec)
            .expect("generates")
            .to_string();
        assert!(raw.contains("deny_unknown_fields"), "{raw}");
        assert!(raw.contains("Copy"), "{raw}");

        let client = render_client(&spec).expect("renders");
        for (name, values) in [
            ("Size", ["small", "large"]),
            ("ThingShape", ["round", "square"]),
        ] {
            assert!(client.contains(&format!("pub enum {name} {{")), "{client}");
            assert!(
                client.contains(&format!("impl ::std::convert::From<&str> for {name} {{")),
                "{name}: {client}"
            );
            assert!(
                !client.contains(&format!("TryFrom<&str> for {name}")),
                "{name} keeps typify's closed conversion: {client}"
            );
            for value in values {
                assert!(
                    client.contains(&format!("\"{value}\" => Self::")),
                    "{client}"
                );
            }
        }
        assert_eq!(
            client.matches("Unknown(::std::string::String),").count(),
            2,
            "{client}"
        );
        assert!(!client.contains("Copy"), "{client}");
        assert!(!client.contains("deny_unknown_fields"), "{client}");
        // The query parameter is serialized with serde, which the open enum implements.
        assert!(
            client.contains("impl ::serde::Serialize for Size {"),
            "{client}"
        );
        assert!(
            client.contains("QueryParam::new(\"size\", &size)"),
            "{client}"
        );
    }

    #[test]
    fn a_hand_edited_open_enum_fails_the_check() {
        let root = scratch_root();
        let client_path = root.path().join(CLIENT_OUTPUT);
        let generated = std::fs::read_to_string(&client_path).expect("read client");
        // A value added by hand to an open enum instead of to the spec.
        let edited = generated.replacen(
            "        ///`day`\n        Day,\n",
            "        ///`day`\n        Day,\n        Quarter,\n",
            1,
        );
        assert_ne!(generated, edited, "the fixture edit must apply");
        std::fs::write(&client_path, edited).expect("write client");
        let err = check(root.path()).expect_err("a hand-edited open enum must fail");
        assert!(
            err.contains(&format!("{CLIENT_OUTPUT} (checked in)")),
            "{err}"
        );
        assert!(err.contains("-        Quarter,"), "{err}");
        assert!(err.contains("cargo xtask generate"), "{err}");

        generate(root.path()).expect("generate");
        assert_eq!(
            std::fs::read_to_string(&client_path).expect("read"),
            generated
        );
        assert!(check(root.path()).is_ok());
    }

    #[test]
    fn a_secret_in_a_request_body_or_an_answer_is_a_secret_type() {
        let spec: openapiv3::OpenAPI =
            serde_yaml_ng::from_str(crate::sdk::tests::SECRET_FIXTURE).expect("fixture parses");
        let client = render_client(&spec).expect("renders");
        // `Secret`'s Debug redacts; the structs derive Debug over it.
        assert_eq!(
            client.matches("pub key: crate::Secret,").count(),
            1,
            "{client}"
        );
        assert!(client.contains("pub token: crate::Secret,"), "{client}");
        assert!(!client.contains("pub id: crate::Secret"), "{client}");
    }

    #[test]
    fn an_invalid_spec_is_reported_with_its_location() {
        let root = scratch_root();
        let spec_path = root.path().join(SPEC_PATH);
        std::fs::write(&spec_path, "openapi: 3.0.3\npaths: [not, a, map]\n").expect("write");
        let err = check(root.path()).expect_err("invalid spec must fail");
        assert!(err.contains("openapi/openrouter.yaml"), "{err}");
        assert!(err.contains("line"), "{err}");

        std::fs::write(
            &spec_path,
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        )
        .expect("write");
        let err = check(root.path()).expect_err("3.1 must be refused");
        assert!(err.contains("3.0.x"), "{err}");
    }

    #[test]
    fn an_operation_that_does_not_say_which_key_it_needs_is_refused() {
        let root = scratch_root();
        let spec_path = root.path().join(SPEC_PATH);
        let spec = std::fs::read_to_string(&spec_path).expect("read");
        let edited = spec.replacen(
            "Starts sending traces of a workspace's requests to a destination (at most\n        five per type). Needs a management key.",
            "Starts sending traces of a workspace's requests to a destination.",
            1,
        );
        assert_ne!(spec, edited, "the edit must apply");
        std::fs::write(&spec_path, edited).expect("write");
        let err = check(root.path()).expect_err("no key sentence");
        assert!(
            err.contains("POST /observability/destinations")
                && err.contains("must say which key it needs"),
            "{err}"
        );
    }
}
