//! `openrouter api <group> <method>`'s flags, made at run time from the client's table of
//! operations (generated from the spec): a flag for every parameter and top-level body
//! field of every operation, typed and validated, arrays by repetition, `--body` merged
//! under the flags, `--clear` for nullable fields, `--empty` for arrays, required ones
//! required, and enum values completed by `openrouter completions`. Against local mock
//! servers only.

use std::process::Command;

use httpmock::prelude::*;
use openrouter_analytics::{ValueType, operations};
use serde_json::json;

mod common;

use common::{flag, run};

const KEY: &str = "sk-or-v1-api-flags-test-management-key-0123";

fn cli(server: &MockServer) -> Command {
    common::cli(&server.base_url(), KEY)
}

/// A server that fails every request: a usage error must not reach it.
fn refusing(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.any_request();
        then.status(500);
    })
}

#[test]
fn help_lists_a_flag_for_every_parameter_and_body_field_of_every_operation() {
    let mut checked = 0;
    for op in operations() {
        let out = run(common::bare().args(["api", &flag(op.group), &flag(op.method), "--help"]));
        assert_eq!(out.code, 0, "{}.{}: {}", op.group, op.method, out.stderr);
        let help = out.stdout;
        for name in op
            .parameters
            .iter()
            .map(|p| p.name)
            .chain(op.body_fields.iter().map(|f| f.name))
        {
            let long = format!("--{} ", flag(name));
            let positional_or_flag =
                help.contains(&long) || help.contains(&format!("--{}\n", flag(name)));
            assert!(
                positional_or_flag,
                "{}.{}: no --{} in\n{help}",
                op.group,
                op.method,
                flag(name)
            );
            checked += 1;
        }
        // A form body says so: its fields do not go out as JSON.
        assert_eq!(
            help.contains("form-encoded"),
            op.form_body,
            "{}.{}: {help}",
            op.group,
            op.method
        );
        // The operation's own words, and each field's description from the spec.
        if !op.summary.is_empty() {
            let first = op
                .summary
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                help.contains(&first),
                "{}.{}: {first:?}",
                op.group,
                op.method
            );
        }
        for field in op.body_fields.iter().filter(|f| !f.description.is_empty()) {
            let words = field
                .description
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                help.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .contains(&words),
                "{}.{}: the description of {} ({words:?})",
                op.group,
                op.method,
                field.name
            );
        }
        for field in op.body_fields {
            if let ValueType::Enum(values) = field.value {
                for value in values {
                    assert!(help.contains(value), "{}.{}: {value}", op.group, op.method);
                }
            }
        }
        assert_eq!(
            help.contains("--body "),
            op.has_body,
            "{}.{}",
            op.group,
            op.method
        );
    }
    assert!(checked > 40, "only {checked} flags checked");
}

#[test]
fn an_enum_value_outside_the_spec_is_a_usage_error_listing_the_allowed_values() {
    let server = MockServer::start();
    let any = refusing(&server);
    let out = run(cli(&server).args([
        "api",
        "api-keys",
        "update",
        "--hash",
        "aaa111",
        "--limit-reset",
        "yearly",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    for value in ["daily", "weekly", "monthly"] {
        assert!(out.stderr.contains(value), "{value}: {}", out.stderr);
    }
    for bad in [
        ["--limit", "ten"],
        ["--disabled", "maybe"],
        ["--limit", "NaN"],
    ] {
        let out = run(cli(&server)
            .args(["api", "api-keys", "update", "--hash", "aaa111"])
            .args(bad));
        assert_eq!(out.code, 2, "{bad:?}: {}", out.stderr);
    }
    let out = run(cli(&server).args([
        "api",
        "workspaces",
        "create",
        "--name",
        "n",
        "--slug",
        "s",
        "--io-logging-api-key-ids",
        "three",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    any.assert_calls(0);
}

#[test]
fn arrays_take_the_flag_repeated_and_typed_flags_build_the_body() {
    let server = MockServer::start();
    let created = server.mock(|when, then| {
        when.method(POST).path("/workspaces").json_body(json!({
            "name": "Research", "slug": "research",
            "io_logging_api_key_ids": [3, 4, 5],
            "io_logging_sampling_rate": 0.25,
            "is_observability_broadcast_enabled": true
        }));
        then.status(201).body(r#"{"data":{"id":"w"}}"#);
    });
    let out = run(cli(&server).args([
        "api",
        "workspaces",
        "create",
        "--name",
        "Research",
        "--slug",
        "research",
        "--io-logging-api-key-ids",
        "3",
        "--io-logging-api-key-ids",
        "4,5",
        "--io-logging-sampling-rate",
        "0.25",
        "--is-observability-broadcast-enabled",
    ]));
    // The answer is not a whole workspace: it is printed as sent, with a warning that
    // names the mismatch (tolerant reading, exit 0). What matters here is the request.
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "{\"data\":{\"id\":\"w\"}}\n");
    assert!(out.stderr.starts_with("warning: "), "{}", out.stderr);
    created.assert_calls(1);
}

#[test]
fn body_and_flags_merge_and_the_flags_win() {
    let server = MockServer::start();
    let updated = server.mock(|when, then| {
        when.method(PATCH)
            .path("/keys/aaa111")
            .json_body(json!({"name": "new", "disabled": true, "limit": 5.0}));
        then.status(200).body("{}");
    });
    let _ = run(cli(&server).args([
        "api",
        "api-keys",
        "update",
        "--hash",
        "aaa111",
        "--body",
        r#"{"name":"old","disabled":true}"#,
        "--name",
        "new",
        "--limit",
        "5",
    ]));
    updated.assert_calls(1);

    let any = refusing(&server);
    let out = run(cli(&server).args([
        "api", "api-keys", "update", "--hash", "aaa111", "--body", "[1,2]", "--name", "new",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.error_line().contains("JSON object"), "{}", out.stderr);
    any.assert_calls(0);
}

#[test]
fn required_parameters_and_fields_are_required_unless_the_body_has_them() {
    let server = MockServer::start();
    let any = refusing(&server);
    let out = run(cli(&server).args(["api", "api-keys", "update", "--name", "x"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--hash"), "{}", out.stderr);
    let out = run(cli(&server).args(["api", "workspaces", "create", "--slug", "s"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--name"), "{}", out.stderr);
    any.assert_calls(0);

    let server = MockServer::start();
    let created = server.mock(|when, then| {
        when.method(POST)
            .path("/workspaces")
            .json_body(json!({"name": "n", "slug": "from-flag"}));
        then.status(201).body("{}");
    });
    let _ = run(cli(&server).args([
        "api",
        "workspaces",
        "create",
        "--body",
        r#"{"name":"n","slug":"s"}"#,
        "--slug",
        "from-flag",
    ]));
    created.assert_calls(1);
}

#[test]
fn clear_takes_only_nullable_fields_and_not_with_the_same_field_set() {
    let server = MockServer::start();
    let any = refusing(&server);
    // `disabled` is not nullable: clap lists what can be cleared.
    let out = run(cli(&server).args([
        "api", "api-keys", "update", "--hash", "aaa111", "--clear", "disabled",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("limit") && out.stderr.contains("limit-reset"),
        "{}",
        out.stderr
    );
    let out = run(cli(&server).args([
        "api", "api-keys", "update", "--hash", "aaa111", "--limit", "5", "--clear", "limit",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.error_line().contains("not both"), "{}", out.stderr);
    any.assert_calls(0);
    let help = run(common::bare().args(["api", "api-keys", "update", "--help"])).ok();
    assert!(help.stdout.contains("--clear <FIELD>"), "{}", help.stdout);
    assert!(
        help.stdout.contains("`--clear limit-reset` sends null"),
        "{}",
        help.stdout
    );
}

#[test]
fn empty_sends_an_empty_list_for_array_fields_only_and_never_with_a_value_or_clear() {
    const GUARDRAIL: &str = "0b3c9b5e-4f8a-4c1e-9d2e-7a6b5c4d3e2f";
    // A repeated flag cannot say "no items": `--empty FIELD` can (`[]` allows nothing,
    // where `--clear` would send null, which removes the rule).
    let server = MockServer::start();
    let updated = server.mock(|when, then| {
        when.method(PATCH)
            .path("/guardrails/0b3c9b5e-4f8a-4c1e-9d2e-7a6b5c4d3e2f")
            .json_body(json!({
                "name": "strict",
                "allowed_models": [],
                "allowed_providers": ["openai"],
                "ignored_models": null
            }));
        then.status(200).body("{}");
    });
    let out = run(cli(&server).args([
        "api",
        "guardrails",
        "update",
        "--id",
        GUARDRAIL,
        "--name",
        "strict",
        "--empty",
        "allowed-models",
        "--allowed-providers",
        "openai",
        "--clear",
        "ignored-models",
    ]));
    updated.assert_calls(1);
    assert!(
        out.stderr.is_empty() || out.stderr.starts_with("warning: "),
        "{}",
        out.stderr
    );

    // `--body` gives the rest; `--empty` wins over the body's list as every flag does.
    let server = MockServer::start();
    let merged = server.mock(|when, then| {
        when.method(POST)
            .path("/guardrails")
            .json_body(json!({"name": "g", "allowed_models": []}));
        then.status(201).body("{}");
    });
    let _ = run(cli(&server).args([
        "api",
        "guardrails",
        "create",
        "--body",
        r#"{"name":"g","allowed_models":["openai/gpt-4o"]}"#,
        "--empty",
        "allowed-models",
    ]));
    merged.assert_calls(1);

    let server = MockServer::start();
    let any = refusing(&server);
    for (args, says) in [
        // Not an array: clap lists the fields that can be emptied.
        (vec!["--empty", "name"], "allowed-models"),
        (
            vec!["--empty", "allowed-models", "--allowed-models", "a/b"],
            "not both",
        ),
        (
            vec!["--empty", "allowed-models", "--clear", "allowed-models"],
            "not both",
        ),
    ] {
        let out = run(cli(&server)
            .args(["api", "guardrails", "update", "--id", GUARDRAIL])
            .args(&args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }
    any.assert_calls(0);
    let help = run(common::bare().args(["api", "guardrails", "update", "--help"])).ok();
    assert!(help.stdout.contains("--empty <FIELD>"), "{}", help.stdout);
    assert!(
        help.stdout
            .contains("`--empty allowed-models` sends an empty list"),
        "{}",
        help.stdout
    );
}

#[test]
fn completions_offer_the_spec_enum_values() {
    let out = run(common::bare().args(["completions", "bash"])).ok();
    assert!(
        out.stdout.contains("--limit-reset"),
        "the generated flags are in the script"
    );
    assert!(
        out.stdout.contains("daily weekly monthly"),
        "the enum's values are completed"
    );
}

#[test]
fn the_newer_byok_fields_are_flags_that_build_the_body() {
    let server = MockServer::start();
    let created = server.mock(|when, then| {
        when.method(POST).path("/byok").json_body(json!({
            "provider": "openai",
            "key": "sk-test-provider-key",
            "declared_region": "europe",
            "declared_zdr": true,
            "is_byok_only": true,
            "is_required": true
        }));
        then.status(201).body(r#"{"data":{"id":"k"}}"#);
    });
    let out = run(cli(&server).args([
        "api",
        "byok",
        "create",
        "--provider",
        "openai",
        "--key",
        "sk-test-provider-key",
        "--declared-region",
        "europe",
        "--declared-zdr",
        "--is-byok-only",
        "--is-required",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        !out.stdout.contains("sk-test-provider-key"),
        "{}",
        out.stdout
    );
    created.assert_calls(1);
}

#[test]
fn the_model_list_for_a_key_sends_sort_and_output_modalities() {
    let server = MockServer::start();
    let listed = server.mock(|when, then| {
        when.method(GET)
            .path("/models/user")
            .query_param("sort", "pricing-low-to-high")
            .query_param("output_modalities", "text,image");
        then.status(200).body(r#"{"data":[]}"#);
    });
    let out = run(cli(&server).args([
        "api",
        "models",
        "list-for-user",
        "--sort",
        "pricing-low-to-high",
        "--output-modalities",
        "text,image",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    listed.assert_calls(1);
}
