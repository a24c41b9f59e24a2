//! The command line: commands, flags, their environment variables and help texts.

use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::activity::ActivityArgs;
use crate::parse::parse_duration;
use crate::query::QueryArgs;

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

/// Shown at the end of every `--help`.
pub const EXIT_CODES_HELP: &str = exit_codes_help!();

const CONNECTION: &str = "Connection";
const RETRIES: &str = "Retries";
const OUTPUT: &str = "Output";

/// `openrouter`: where your OpenRouter money and tokens went.
#[derive(Debug, Parser)]
#[command(
    name = "openrouter",
    version,
    about = "See where your OpenRouter spend, requests and tokens went (needs a management key).",
    long_about = "See where your OpenRouter spend, requests and tokens went.\n\n\
        Every command calls OpenRouter's API with a management key: create one at \
        https://openrouter.ai/settings/management-keys and put it in OPENROUTER_API_KEY.\n\n\
        Start with `openrouter activity --by model`.",
    after_help = EXIT_CODES_HELP,
    propagate_version = true
)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

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

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people, costs in USD, with a totals row.
    Table,
    /// The API's response as JSON (summaries when --by is given), for jq and scripts.
    Json,
    /// A header row, then one row per item.
    Csv,
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

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Daily spend, requests and tokens per model endpoint over the last 30 completed UTC days.
    #[command(after_help = EXIT_CODES_HELP)]
    Activity(ActivityArgs),

    /// Flexible analytics: list what can be queried, or run a query.
    #[command(subcommand)]
    Analytics(AnalyticsCommand),

    /// Any operation of the API, by group and method, printing its JSON answer.
    #[command(
        after_help = concat!(
            "Examples:\n",
            "  openrouter api analytics get-user-activity --date 2026-11-01\n",
            "  openrouter api analytics query-analytics --body @query.json\n\n",
            exit_codes_help!()
        )
    )]
    Api(crate::api::ApiArgs),

    /// The account commands: key, credits, keys, members, workspaces, generation.
    #[command(flatten)]
    Account(crate::account::AccountCommand),

    /// Write an HTML report of the period: totals, credits, charts of daily spend by
    /// model, spend by provider and tokens by day, top models and spend per key.
    #[command(
        after_help = concat!(
            "The page opens offline: no script, nothing loaded from anywhere, and no API key in it.\n\n",
            "Examples:\n",
            "  openrouter report\n",
            "  openrouter report -o - --api-key-hash 4f2a... > key.html\n\n",
            exit_codes_help!()
        )
    )]
    Report(crate::report::ReportArgs),

    /// Check alert rules (balance, runway, key limits, daily spend, spikes, budgets)
    /// for cron and CI: exit 6 when one is crossed.
    #[command(
        after_help = concat!(
            "Examples:\n",
            "  openrouter check --balance-below 20 --runway-below 14\n",
            "  openrouter check --key-usage-above 80 --key ci-bot --spike 3 --by model\n",
            "  openrouter check --rules rules.toml --webhook \"$SLACK_WEBHOOK_URL\"\n\n",
            exit_codes_help!()
        )
    )]
    Check(crate::check::CheckArgs),

    /// Project the month's spend: to date, the month-end total and a p10-p90 band, for
    /// the account or each model, from the last 30 days of activity.
    #[command(
        after_help = concat!(
            "Examples:\n",
            "  openrouter forecast\n",
            "  openrouter forecast --by model -f csv\n",
            "  openrouter forecast --date 2026-11-10    # as it looked on the 10th\n\n",
            exit_codes_help!()
        )
    )]
    Forecast(crate::forecast::ForecastArgs),

    /// Serve Prometheus metrics of the account (credits, runway, keys, budgets, spend
    /// per model) at /metrics, refreshed on an interval, until SIGTERM or Ctrl-C.
    #[command(
        after_help = concat!(
            "Examples:\n",
            "  openrouter exporter\n",
            "  openrouter exporter --listen 0.0.0.0:9464 --interval 5m\n\n",
            exit_codes_help!()
        )
    )]
    Exporter(crate::exporter::ExporterArgs),

    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(crate::completions::CompletionsArgs),

    /// Keep history past the 30-day window: fetch the activity, per-key spend, credits,
    /// keys and budgets into the history store (SQLite file or PostgreSQL), one
    /// transaction per run. Run it daily, e.g. from cron.
    #[command(
        after_help = concat!(
            "Examples:\n",
            "  openrouter sync\n",
            "  openrouter sync --db postgres://openrouter@db.internal/spend --group-by workspace\n",
            "  17 6 * * *  openrouter sync --progress never   # crontab: every day at 06:17\n\n",
            exit_codes_help!()
        )
    )]
    Sync(crate::history::SyncArgs),

    /// Write the stored activity of a range as CSV or as FOCUS 1.2 cost and usage rows
    /// (`-f focus`) for FinOps tools.
    #[command(
        after_help = concat!(
            "Examples:\n",
            "  openrouter export --since 2026-01-01 --until 2026-03-31 -f csv > q1.csv\n",
            "  openrouter export --since 2026-01-01 -f focus > focus.csv\n\n",
            exit_codes_help!()
        )
    )]
    Export(crate::export::ExportArgs),
}

/// `openrouter analytics ...`.
#[derive(Debug, Subcommand)]
pub enum AnalyticsCommand {
    /// The metrics, dimensions, filter operators and granularities a query accepts.
    #[command(after_help = EXIT_CODES_HELP)]
    Meta,

    /// Aggregate metrics over a time range, grouped by up to two dimensions.
    #[command(
        after_help = concat!(
            "Examples:\n",
            "  openrouter analytics query -m request_count -d model --from 2026-11-01 --to 2026-11-07\n",
            "  openrouter analytics query -m request_count --filter provider:in:OpenAI,Azure -g day\n\n",
            exit_codes_help!()
        )
    )]
    Query(QueryArgs),
}

/// Help heading of the history-store flags.
pub const HISTORY: &str = "History";

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
