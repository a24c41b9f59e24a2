//! What every command shares on the command line: the global options, the help
//! headings and the exit-code table. A leaf of the module graph: the commands read it
//! and the command tree (`args`) flattens it in, without either importing the other.

use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, ValueEnum};

use crate::output::Format;
use crate::parse::parse_duration;

/// The exit-code table shown at the end of every `--help`.
macro_rules! exit_codes_help {
    () => {
        "\
Exit codes:
  0  success
  1  any other failure (an unreadable response, one over --max-response-mb, output that
     cannot be written, a dollar amount that is not a finite number or is beyond
     $1,000,000,000,000)
  2  usage error: unknown flag, missing or invalid value (e.g. a --date not in YYYY-MM-DD form)
  3  configuration error: no API key, an invalid --base-url (or a plain http:// one to a host
     that is not loopback, without --allow-insecure-http) or header value
  4  OpenRouter answered with an error status (401 bad key, 403 not a management key, 429, 5XX...)
  5  network failure: OpenRouter could not be reached (unknown host, TLS failure...),
     or did not answer within --timeout
  6  openrouter check: at least one rule was crossed
  7  openrouter check: no rule crossed, but at least one could not be judged (a figure it
     needs from OpenRouter is not a finite number, or a guardrail's spend cannot be told)

The API key is never printed, not in errors and not with -v; nor are the provider keys and
destination credentials you send, even when a server quotes them back."
    };
}

pub(crate) use exit_codes_help;

/// Shown at the end of every `--help`.
pub const EXIT_CODES_HELP: &str = exit_codes_help!();

const CONNECTION: &str = "Connection";
const RETRIES: &str = "Retries";
const OUTPUT: &str = "Output";

/// Options shared by every command; each can be given before or after the command name.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Management key for the Analytics API (never printed).
    #[arg(
        long,
        env = "OPENROUTER_API_KEY",
        hide_env_values = true,
        value_name = "KEY",
        global = true,
        help_heading = CONNECTION
    )]
    pub api_key: Option<String>,

    /// The API root requests go to.
    #[arg(
        long,
        help = "API root: https://, or plain http:// to 127.0.0.1, ::1 or localhost \
                [default: https://openrouter.ai/api/v1]",
        env = "OPENROUTER_BASE_URL",
        value_name = "URL",
        global = true,
        help_heading = CONNECTION
    )]
    pub base_url: Option<String>,

    /// Allow a plain http:// --base-url to a host that is not loopback. The key then
    /// crosses the network unencrypted: only for a trusted hop, e.g. a proxy on your
    /// private network.
    #[arg(
        long,
        env = "OPENROUTER_ALLOW_INSECURE_HTTP",
        value_parser = BoolishValueParser::new(),
        action = ArgAction::SetTrue,
        global = true,
        help_heading = CONNECTION
    )]
    pub allow_insecure_http: bool,

    /// Your app's URL, sent as the HTTP-Referer header for attribution.
    #[arg(
        long,
        env = "OPENROUTER_HTTP_REFERER",
        value_name = "URL",
        global = true,
        help_heading = CONNECTION
    )]
    pub http_referer: Option<String>,

    /// Your app's name, sent as the X-OpenRouter-Title header.
    #[arg(
        long,
        env = "OPENROUTER_APP_TITLE",
        value_name = "TITLE",
        global = true,
        help_heading = CONNECTION
    )]
    pub app_title: Option<String>,

    /// Your app's categories, comma-separated, sent as the X-OpenRouter-Categories header.
    #[arg(
        long,
        env = "OPENROUTER_APP_CATEGORIES",
        value_name = "LIST",
        value_delimiter = ',',
        global = true,
        help_heading = CONNECTION
    )]
    pub app_categories: Vec<String>,

    /// Limit on each attempt, e.g. 30s, 1500ms, 2m (a bare number is seconds) [default: 60s].
    #[arg(
        long,
        env = "OPENROUTER_TIMEOUT",
        value_name = "DURATION",
        value_parser = parse_duration,
        global = true,
        help_heading = CONNECTION
    )]
    pub timeout: Option<Duration>,

    /// Most megabytes (MiB) one successful response may have; a longer one fails (exit 1)
    /// rather than fill memory [default: 64].
    #[arg(
        long,
        env = "OPENROUTER_MAX_RESPONSE_MB",
        value_name = "MB",
        value_parser = clap::value_parser!(u64).range(1..=1024 * 1024),
        global = true,
        help_heading = CONNECTION
    )]
    pub max_response_mb: Option<u64>,

    /// Try each request once: no retries on connection errors, timeouts, 408, 429 or 5XX.
    #[arg(
        long,
        env = "OPENROUTER_NO_RETRIES",
        value_parser = BoolishValueParser::new(),
        action = ArgAction::SetTrue,
        global = true,
        help_heading = RETRIES
    )]
    pub no_retries: bool,

    /// First wait before a retry; later waits grow 1.5x [default: 500ms].
    #[arg(
        long,
        env = "OPENROUTER_RETRY_INITIAL_INTERVAL",
        value_name = "DURATION",
        value_parser = parse_duration,
        global = true,
        help_heading = RETRIES
    )]
    pub retry_initial_interval: Option<Duration>,

    /// Longest wait between two attempts [default: 60s].
    #[arg(
        long,
        env = "OPENROUTER_RETRY_MAX_INTERVAL",
        value_name = "DURATION",
        value_parser = parse_duration,
        global = true,
        help_heading = RETRIES
    )]
    pub retry_max_interval: Option<Duration>,

    /// Total time budget for a request and its retries [default: 2m].
    #[arg(
        long,
        env = "OPENROUTER_RETRY_MAX_ELAPSED_TIME",
        value_name = "DURATION",
        value_parser = parse_duration,
        global = true,
        help_heading = RETRIES
    )]
    pub retry_max_elapsed_time: Option<Duration>,

    /// Most attempts per request, the first included [default: no limit but the budget].
    #[arg(
        long,
        env = "OPENROUTER_RETRY_MAX_ATTEMPTS",
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..),
        global = true,
        help_heading = RETRIES
    )]
    pub retry_max_attempts: Option<u32>,

    /// Most random time added to each wait; 0 turns it off [default: 1s].
    #[arg(
        long,
        env = "OPENROUTER_RETRY_JITTER",
        value_name = "DURATION",
        value_parser = parse_duration,
        global = true,
        help_heading = RETRIES
    )]
    pub retry_jitter: Option<Duration>,

    /// Output format [default: table when stdout is a terminal, json otherwise].
    #[arg(
        short = 'f',
        long,
        env = "OPENROUTER_FORMAT",
        value_enum,
        global = true,
        help_heading = OUTPUT
    )]
    pub format: Option<Format>,

    /// CSV cells exactly as the API sent them. By default a text cell (a name, label,
    /// email, model, id) that starts with =, +, -, @, a tab or a carriage return gets a
    /// leading ' so that a spreadsheet shows it as text instead of running it as a
    /// formula; numbers are never changed.
    #[arg(
        long,
        env = "OPENROUTER_CSV_RAW",
        value_parser = BoolishValueParser::new(),
        action = ArgAction::SetTrue,
        global = true,
        help_heading = OUTPUT
    )]
    pub csv_raw: bool,

    /// Log requests, responses and retries to stderr (the key is never logged).
    #[arg(short, long, action = ArgAction::Count, global = true, help_heading = OUTPUT)]
    pub verbose: u8,

    /// Tables show every column and whole ids and hashes, however wide the terminal
    /// [default: fit the terminal's width (COLUMNS, when set), leaving out the least
    /// useful columns].
    #[arg(long, env = "OPENROUTER_WIDE", value_parser = BoolishValueParser::new(),
          action = ArgAction::SetTrue, global = true, help_heading = OUTPUT)]
    pub wide: bool,

    /// Spinner on stderr while waiting for OpenRouter: auto shows it when stderr is a
    /// terminal and -v is off.
    #[arg(
        long,
        env = "OPENROUTER_PROGRESS",
        value_enum,
        default_value_t = Progress::Auto,
        global = true,
        help_heading = OUTPUT
    )]
    pub progress: Progress,
}

/// When to show the spinner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Progress {
    /// When stderr is a terminal and -v is off.
    Auto,
    /// Always, even when stderr is redirected.
    Always,
    /// Never.
    Never,
}

/// Help heading of the history-store flags.
pub const HISTORY: &str = "History";
