//! `openrouter api <group> <method>` end to end for every operation of the spec: the
//! built binary calls the mock crate's sample account with the sample's example
//! request (parameters as flags, the body as `--body`), exits 0 and prints the API's
//! JSON, and the operation's own mock saw exactly that request.

mod common;

use common::{cli, flag, run};
use openrouter_analytics::operations;
use openrouter_analytics_mock::{Endpoint, MockOpenRouter, SampleAccount};

/// `api_keys` -> `api-keys`, `get_key` -> `get-key`.
fn kebab(name: &str) -> String {
    name.replace('_', "-")
}

/// The fields of an `application/x-www-form-urlencoded` body, decoded.
fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ascii");
                    out.push(u8::from_str_radix(hex, 16).expect("a %XX escape"));
                    i += 2;
                }
                byte => out.push(byte),
            }
            i += 1;
        }
        String::from_utf8(out).expect("utf-8")
    }
    let text = std::str::from_utf8(body).expect("a form is ASCII");
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

#[test]
fn every_operation_runs_through_openrouter_api_against_the_sample_account() {
    let server = MockOpenRouter::start();
    let sample = server.sample_account();
    let account = SampleAccount::new();
    let mut called = 0;
    let mut failures = Vec::new();
    for op in operations() {
        let example = account
            .example_call(op.operation_id)
            .unwrap_or_else(|| panic!("{}: the sample has no example call", op.operation_id));
        let mut command = cli(&server.base_url(), "sk-or-v1-cli-every-operation");
        command.args(["api", &kebab(op.group), &kebab(op.method)]);
        for (name, value) in &example.args {
            command.arg(format!("--{}", flag(name))).arg(value);
        }
        if let Some(body) = &example.body {
            command.arg("--body").arg(body.to_string());
        }
        let out = run(&mut command);
        if out.code != 0 {
            failures.push(format!(
                "openrouter api {} {}: exit {}: {}",
                op.group, op.method, out.code, out.stderr
            ));
            continue;
        }
        if !out.stdout.trim().is_empty() {
            let _: serde_json::Value = serde_json::from_str(&out.stdout)
                .unwrap_or_else(|err| panic!("{}: stdout is not JSON ({err})", op.operation_id));
        }
        let mock = sample
            .endpoint(Endpoint::from(op))
            .unwrap_or_else(|| panic!("{}: a mock per operation", op.operation_id));
        mock.assert_calls(1);
        let request = mock.last_request().expect("one request");
        assert_eq!(request.method(), op.http_method, "{}", op.operation_id);
        if let Some(body) = &example.body
            && op.form_body
        {
            // A form-encoded operation: each field as text, under the form's type.
            assert_eq!(
                request.header("content-type"),
                Some("application/x-www-form-urlencoded"),
                "{}",
                op.operation_id
            );
            let sent = form_fields(request.body());
            for (name, value) in body.as_object().expect("an object body") {
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                assert!(
                    sent.contains(&(name.clone(), text)),
                    "{}: {name} as given in {sent:?}",
                    op.operation_id
                );
            }
        } else if let Some(body) = &example.body {
            let sent: serde_json::Value =
                serde_json::from_slice(request.body()).expect("a JSON body");
            // Every field arrives as given, an explicit `null` (clear the field) included.
            let given = body.as_object().expect("an object body");
            for (name, value) in given {
                assert_eq!(
                    sent.get(name),
                    Some(value),
                    "{}: {name} as given",
                    op.operation_id
                );
            }
        }
        called += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(called, operations().len());
    assert_eq!(sample.calls(), called);
}
