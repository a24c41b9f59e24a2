//! Copied into a scratch copy of the workspace whose spec gained `GET /probe/echo`
//! (see xtask/tests/new_operation.rs): `openrouter api probe probe-echo` calls it.

use std::process::Command;

use httpmock::prelude::*;

#[test]
fn the_cli_reaches_the_new_operation() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/probe/echo")
            .query_param("text", "hi")
            .header("authorization", "Bearer sk-or-v1-probe-key");
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"data":{"ok":true}}"#);
    });
    let output = Command::new(env!("CARGO_BIN_EXE_openrouter"))
        .env_clear()
        .env("OPENROUTER_API_KEY", "sk-or-v1-probe-key")
        .args(["--base-url", &server.base_url()])
        .args(["api", "probe", "probe-echo", "--text", "hi"])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim_end(), r#"{"data":{"ok":true}}"#);
    mock.assert_calls(1);
}
