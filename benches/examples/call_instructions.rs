//! N sequential `get_user_activity` calls through the client, or the same request with
//! bare reqwest, against the benches' loopback server: a fixed workload to run under
//! `valgrind --tool=callgrind`, whose instruction counts (unlike wall time) repeat
//! exactly, to see where the client's per-call cost goes. See BENCHMARKS.md.
//!
//! `cargo build --release -p openrouter-analytics-benches --example call_instructions`
//! then `valgrind --tool=callgrind target/release/examples/call_instructions client 2000`
//! (or `bare 2000`). A third argument, `gzip`, `br` or `zstd`, makes the server send the
//! body encoded that way, to count what decoding it costs.

use std::time::Duration;

use openrouter_analytics::types::ActivityResponse;
use openrouter_analytics::{Client, DEFAULT_USER_AGENT};
use openrouter_analytics_benches::{
    KEY, LoopbackServer, activity_body, encode, http_response, http_response_encoded,
};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, USER_AGENT};

fn main() {
    let mut args = std::env::args().skip(1);
    let variant = args.next().unwrap_or_default();
    let calls: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let encoding = args.next();
    if !matches!(variant.as_str(), "client" | "bare")
        || calls == 0
        || !matches!(encoding.as_deref(), None | Some("gzip" | "br" | "zstd"))
    {
        eprintln!("usage: call_instructions client|bare CALLS [gzip|br|zstd]");
        std::process::exit(2);
    }
    let body = activity_body(3);
    let response = match encoding.as_deref() {
        Some(encoding) => http_response_encoded(
            200,
            "OK",
            encoding,
            &encode(encoding, &body).expect("a known encoding"),
        ),
        None => http_response(200, "OK", &body),
    };
    let server = LoopbackServer::fixed(response);
    let base_url = server.base_url();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&base_url)
        .build()
        .expect("client");
    // The bare baseline, as in the `calls` bench.
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client");
    let url = format!("{base_url}/activity");
    let mut auth = HeaderValue::from_str(&format!("Bearer {KEY}")).expect("header");
    auth.set_sensitive(true);
    runtime.block_on(async {
        for _ in 0..calls {
            let response: ActivityResponse = if variant == "client" {
                client
                    .analytics()
                    .get_user_activity()
                    .send()
                    .await
                    .expect("client call")
            } else {
                let response = http
                    .get(&url)
                    .header(AUTHORIZATION, auth.clone())
                    .header(USER_AGENT, DEFAULT_USER_AGENT)
                    .header(ACCEPT, "application/json")
                    .timeout(Duration::from_secs(60))
                    .send()
                    .await
                    .expect("bare call");
                let body = response.bytes().await.expect("bare body");
                serde_json::from_slice(&body).expect("bare decode")
            };
            std::hint::black_box(response);
        }
    });
}
