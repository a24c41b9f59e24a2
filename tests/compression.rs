//! Compressed responses: the client asks for gzip, brotli, zstd and deflate, decodes
//! each transparently into the typed response, and still bounds what it reads of an
//! error body by its *decoded* size (a small compressed body can expand a thousandfold).

use std::io::Write;
use std::time::{Duration, Instant};

use openrouter_analytics::{Client, ErrorKind, MAX_BODY_SNIPPET, RetryConfig};
use openrouter_analytics_e2e::activity_body;
use openrouter_analytics_e2e::fault_server::{Fault, FaultServer, Reply};

const KEY: &str = "sk-or-v1-compression-suite-key";
/// Per-attempt timeout of the clients here.
const TIMEOUT: Duration = Duration::from_millis(500);

fn client(server: &FaultServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .timeout(TIMEOUT)
        .retry(RetryConfig::disabled())
        .build()
        .expect("valid config")
}

/// `body` encoded as `Content-Encoding: encoding` says.
fn encode(encoding: &str, body: &[u8]) -> Vec<u8> {
    match encoding {
        "gzip" => {
            let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            out.write_all(body).expect("gzip");
            out.finish().expect("gzip")
        }
        // HTTP's `deflate` is the zlib format (RFC 9110, 8.4.1.2).
        "deflate" => {
            let mut out =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            out.write_all(body).expect("deflate");
            out.finish().expect("deflate")
        }
        "br" => {
            let mut out = Vec::new();
            {
                let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                writer.write_all(body).expect("brotli");
            }
            out
        }
        "zstd" => zstd::encode_all(body, 3).expect("zstd"),
        other => panic!("no encoder for {other}"),
    }
}

fn compressed_json(status: u16, encoding: &str, json: &[u8]) -> Reply {
    Reply::new(status)
        .header("content-type", "application/json")
        .header("content-encoding", encoding)
        .body(encode(encoding, json))
}

#[tokio::test]
async fn requests_accept_gzip_brotli_zstd_and_deflate() {
    let server = FaultServer::always(Fault::Respond(Reply::json(200, &activity_body(1)))).await;
    client(&server)
        .analytics()
        .get_user_activity()
        .send()
        .await
        .expect("200");
    let received = server.received();
    let accepted = received[0]
        .header("accept-encoding")
        .expect("an Accept-Encoding header");
    let codings: Vec<&str> = accepted.split(',').map(str::trim).collect();
    for coding in ["gzip", "br", "zstd", "deflate"] {
        assert!(codings.contains(&coding), "{coding} not in {accepted:?}");
    }
}

#[tokio::test]
async fn every_encoding_decodes_into_the_typed_response() {
    let json = activity_body(500).to_string().into_bytes();
    for encoding in ["gzip", "br", "zstd", "deflate"] {
        let reply = compressed_json(200, encoding, &json);
        // The point of asking: the report travels at a fraction of its size.
        assert!(
            reply.body.len() * 5 < json.len(),
            "{encoding}: {} of {} bytes",
            reply.body.len(),
            json.len()
        );
        let server = FaultServer::always(Fault::Respond(reply)).await;
        let client = client(&server);
        let activity = client
            .analytics()
            .get_user_activity()
            .send()
            .await
            .unwrap_or_else(|err| panic!("{encoding}: {err}"));
        assert_eq!(activity.data.len(), 500, "{encoding}");
        assert_eq!(activity.data[499].endpoint_id, "ep-499", "{encoding}");
        assert_eq!(activity.data[3].usage, 0.015 * 4.0, "{encoding}");

        // The "raw" body is the JSON, decoded: what a caller passes on is never gzip.
        let with_raw = client
            .analytics()
            .get_user_activity()
            .send_with_raw_body()
            .await
            .unwrap_or_else(|err| panic!("{encoding}: {err}"));
        assert_eq!(&with_raw.raw_body[..], &json[..], "{encoding}");
        assert_eq!(with_raw.value.data.len(), 500);
    }
}

#[tokio::test]
async fn compressed_error_bodies_are_decoded_for_the_error() {
    let json = serde_json::json!({ "error": { "code": 429, "message": "slow down" } })
        .to_string()
        .into_bytes();
    for encoding in ["gzip", "br", "zstd", "deflate"] {
        let server =
            FaultServer::always(Fault::Respond(compressed_json(429, encoding, &json))).await;
        let err = client(&server)
            .analytics()
            .get_user_activity()
            .send()
            .await
            .expect_err("429");
        assert_eq!(err.kind(), ErrorKind::RateLimited, "{encoding}: {err}");
        assert_eq!(err.api_message(), Some("slow down"), "{encoding}");
    }
}

/// A compressed error body that starts with 1 MB of `x` (a few hundred compressed
/// bytes at most) followed by 96 KB of noise (about as long compressed), sent 512
/// compressed bytes at a time. The error-body cap counts decoded bytes, so the client has
/// what it keeps (64 KB) after the first piece or two and hangs up: well inside the
/// timeout, with most of the compressed body never sent. A cap on compressed bytes would
/// wait for 64 KB of them (over a hundred pieces, seconds); no cap would wait for all of
/// them; both would end in a timeout instead.
#[tokio::test]
async fn the_error_body_cap_counts_decoded_bytes() {
    let mut expanded = vec![b'x'; 1024 * 1024];
    // Noise that no encoder shrinks much: letters from a linear congruential generator.
    let mut state: u32 = 0x2545_f491;
    expanded.extend((0..96 * 1024).map(|_| {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        b'a' + (state >> 24) as u8 % 26
    }));
    // 500 is a status the API describes (the generated client reads its body), 502 is
    // not (this crate reads it); both must stop at the cap.
    for status in [500, 502] {
        for encoding in ["gzip", "br", "zstd"] {
            let reply = Reply::new(status)
                .header("content-type", "text/plain")
                .header("content-encoding", encoding)
                .body(encode(encoding, &expanded));
            let compressed = reply.body.len();
            let pieces = compressed.div_ceil(512);
            assert!(pieces >= 100, "{encoding}: {compressed} bytes compressed");
            let server = FaultServer::always(Fault::Drip {
                reply,
                chunk: 512,
                interval: Duration::from_millis(50),
            })
            .await;
            let started = Instant::now();
            let err = client(&server)
                .analytics()
                .get_user_activity()
                .send()
                .await
                .expect_err("error status");
            let elapsed = started.elapsed();
            let what = format!("{status} {encoding}");
            assert_eq!(err.kind(), ErrorKind::Server, "{what}: {err}");
            let snippet = err.body_snippet().expect("snippet");
            assert!(snippet.starts_with("xxxx"), "{what}: {snippet:.20}");
            assert!(snippet.len() <= MAX_BODY_SNIPPET, "{what}");
            assert!(elapsed < TIMEOUT, "{what}: took {elapsed:?}");
            assert!(
                server
                    .wait_until_no_connections(Duration::from_secs(3))
                    .await,
                "{what}: the client hung up"
            );
            let written = server.body_bytes_written();
            assert!(
                written < compressed / 2,
                "{what}: {written} of {compressed} compressed bytes were sent"
            );
        }
    }
}
