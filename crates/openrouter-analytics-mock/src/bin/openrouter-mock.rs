//! `openrouter-mock`: a local stand-in for OpenRouter that serves the sample account
//! for every operation of the spec, in the spirit of stripe-mock. Try the SDK, the CLI
//! or your own code without a key or the network.
//!
//! A small hyper server rather than httpmock's standalone one: httpmock's cannot be
//! given our answers without its `remote` feature (a second HTTP client stack), while
//! hyper, hyper-util and tokio are already built for httpmock, so this costs nothing.

use std::convert::Infallible;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use openrouter_analytics_mock::{
    DEFAULT_PAGE_SIZE, Reply, SAMPLE_INFERENCE_KEY, SAMPLE_REVOKED_KEY, SampleAccount, SentRequest,
};
use tokio::net::TcpListener;

/// The default port, as stripe-mock's 12111 is Stripe's: easy to remember.
const DEFAULT_PORT: u16 = 4010;
/// Request bodies larger than this are refused (the API's bodies are a few hundred
/// bytes).
const MAX_BODY: usize = 1 << 20;

fn help() -> String {
    format!(
        "openrouter-mock: serve OpenRouter's account API for a realistic sample account on 127.0.0.1

Usage: openrouter-mock [--port PORT] [--page-size N] [--today YYYY-MM-DD]
       openrouter-mock [OPTIONS] run COMMAND [ARGS...]

Options:
  --port PORT      Port to listen on (default {DEFAULT_PORT}); 0 picks a free port.
  --page-size N    Items per page of the list operations when the request sends no
                   `limit` (default {DEFAULT_PAGE_SIZE}, the API's default).
  --today DATE     Serve the account as seen on DATE (YYYY-MM-DD): its 30 days of
                   activity end the day before (default: today, UTC, so the last
                   complete day is yesterday and runways and spend show). Give it
                   for answers that do not change with the date (tests). Run it
                   twice a month apart, each time with `openrouter sync --today
                   DATE` (the same day), to give the store more than 30 days of
                   history.
  -h, --help       Print this help.

run COMMAND [ARGS...]
                   Serve on a free port (unless --port is given), run COMMAND
                   with OPENROUTER_BASE_URL set to the mock and OPENROUTER_API_KEY
                   set to a mock key (whatever the environment held), then stop
                   and exit with COMMAND's exit code. The URL line goes to stderr
                   and requests are not logged, so COMMAND's output is its own.

On startup it prints the base URL to use, e.g.

  OPENROUTER_BASE_URL=http://127.0.0.1:{DEFAULT_PORT}

Every operation answers both at its bare path (/credits, /keys/HASH) and below
/api/v1 (/api/v1/credits), so either base URL works. Each request is logged to
stderr (method, path, status). Answers come from the sample account of the
openrouter-analytics-mock crate: the same every run; writes answer as OpenRouter
would but change nothing.

Keys: any bearer key is accepted as a management key. Without one, or with
{SAMPLE_REVOKED_KEY}, every operation answers 401; with
{SAMPLE_INFERENCE_KEY}
(an ordinary key) operations that need a management key answer 403.

Try it:
  openrouter-mock run openrouter credits
or, serving for other shells:
  openrouter-mock &
  OPENROUTER_BASE_URL=http://127.0.0.1:{DEFAULT_PORT} OPENROUTER_API_KEY=sk-or-v1-mock \\
    openrouter api credits get-credits
"
    )
}

/// The key `run` gives its command: any bearer key is a management key to the mock,
/// and a real key from the environment has no business going even to 127.0.0.1.
const RUN_KEY: &str = "sk-or-v1-mock";

struct Options {
    /// `None`: the default, or a free port for `run`.
    port: Option<u16>,
    page_size: usize,
    today: Option<openrouter_analytics::chrono::NaiveDate>,
    /// `run`'s command and its arguments; empty: serve until stopped.
    command: Vec<String>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        port: None,
        page_size: DEFAULT_PAGE_SIZE,
        today: None,
        command: Vec::new(),
    };
    while let Some(arg) = args.next() {
        if arg == "run" {
            options.command = args.collect();
            if options.command.is_empty() {
                return Err(
                    "run needs a command, e.g. `openrouter-mock run openrouter credits`".into(),
                );
            }
            break;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = |what: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value ({what})"))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => {
                let text = value("a port number")?;
                options.port =
                    Some(text.parse().map_err(|_| {
                        format!("--port: {text:?} is not a port number (0 to 65535)")
                    })?);
            }
            "--page-size" => {
                let text = value("a number of items")?;
                options.page_size = text
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--page-size: {text:?} is not a positive number"))?;
            }
            "--today" => {
                let text = value("a day, YYYY-MM-DD")?;
                options.today =
                    Some(text.parse().map_err(|_| {
                        format!("--today: {text:?} is not a day in YYYY-MM-DD form")
                    })?);
            }
            other => return Err(format!("unknown option {other:?}; see --help")),
        }
    }
    Ok(Some(options))
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{}", help());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("openrouter-mock: {message}");
            return ExitCode::from(2);
        }
    };
    // One thread is plenty for a local mock, and the machine's cores are for the tests.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("openrouter-mock: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(options)) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("openrouter-mock: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(options: Options) -> Result<ExitCode, String> {
    let running = !options.command.is_empty();
    let port = options
        .port
        .unwrap_or(if running { 0 } else { DEFAULT_PORT });
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|err| format!("cannot listen on 127.0.0.1:{port}: {err}"))?;
    let address = listener
        .local_addr()
        .map_err(|err| format!("cannot read the bound address: {err}"))?;
    let base_url = format!("http://{address}");
    if running {
        // The command's stdout is its own: the URL goes to stderr.
        eprintln!("openrouter-mock: OPENROUTER_BASE_URL={base_url}");
    } else {
        // stdout carries only this line, so scripts (and tests) can read the URL with
        // `--port 0`; it is flushed at once because stdout may be a pipe.
        let mut stdout = std::io::stdout();
        writeln!(stdout, "OPENROUTER_BASE_URL={base_url}")
            .and_then(|()| stdout.flush())
            .map_err(|err| format!("cannot write to stdout: {err}"))?;
        eprintln!(
            "openrouter-mock: serving the sample account on {base_url} (and below /api/v1); Ctrl-C stops"
        );
    }
    // Dated today by default: a newcomer's `credits`, `check` and exporter look at the
    // last days, which a fixed 2026 sample would leave empty.
    let today = options
        .today
        .unwrap_or_else(|| openrouter_analytics::chrono::Utc::now().date_naive());
    let account = Arc::new(
        SampleAccount::new()
            .with_page_size(options.page_size)
            .with_today(today),
    );
    let accepting = accept_loop(listener, account, !running);
    if !running {
        accepting.await;
        return Ok(ExitCode::SUCCESS);
    }
    let mut child = std::process::Command::new(&options.command[0])
        .args(&options.command[1..])
        .env("OPENROUTER_BASE_URL", &base_url)
        .env("OPENROUTER_API_KEY", RUN_KEY)
        .spawn()
        .map_err(|err| format!("cannot run {:?}: {err}", options.command[0]))?;
    // The child is waited for on the blocking pool while this thread serves it.
    tokio::spawn(accepting);
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .map_err(|err| format!("lost the command: {err}"))?
        .map_err(|err| format!("cannot wait for the command: {err}"))?;
    Ok(match status.code() {
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        // Ended by a signal: no code of its own to pass on.
        None => {
            eprintln!("openrouter-mock: the command was ended by a signal ({status})");
            ExitCode::FAILURE
        }
    })
}

/// Accepts and serves connections until the process ends; `log`: one line per request
/// on stderr.
async fn accept_loop(listener: TcpListener, account: Arc<SampleAccount>, log: bool) {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(connection) => connection,
            Err(err) => {
                // Running out of file descriptors, say: keep serving the others.
                eprintln!("openrouter-mock: accept failed: {err}");
                continue;
            }
        };
        let account = Arc::clone(&account);
        tokio::spawn(async move {
            let service = service_fn(move |request| handle(Arc::clone(&account), request, log));
            if let Err(err) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                eprintln!("openrouter-mock: connection: {err}");
            }
        });
    }
}

async fn handle(
    account: Arc<SampleAccount>,
    request: Request<Incoming>,
    log: bool,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let query_string = request.uri().query().map(str::to_string);
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = Limited::new(request.into_body(), MAX_BODY).collect().await;
    let reply = match body {
        Ok(body) => {
            // The real API lives below /api/v1; the mock answers there and at the root.
            let bare = path
                .strip_prefix("/api/v1")
                .filter(|rest| rest.starts_with('/'))
                .unwrap_or(&path);
            let mut sent = SentRequest::new(method.clone(), bare).with_body(body.to_bytes());
            for (name, value) in
                form_urlencoded::parse(query_string.as_deref().unwrap_or("").as_bytes())
            {
                sent = sent.with_query_param(name, value);
            }
            for (name, value) in headers {
                sent = sent.with_header(name, value);
            }
            account.answer(&sent)
        }
        Err(err) => Reply::error(413, format!("The request body could not be read: {err}")),
    };
    if log {
        let shown_query = query_string.map(|q| format!("?{q}")).unwrap_or_default();
        eprintln!(
            "{method} {path}{shown_query} -> {} ({:.1} ms)",
            reply.status(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    Ok(to_response(&reply))
}

fn to_response(reply: &Reply) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::copy_from_slice(reply.body())));
    *response.status_mut() =
        StatusCode::from_u16(reply.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in reply.headers() {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::try_from(name.as_str()),
            hyper::header::HeaderValue::try_from(value.as_str()),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}
