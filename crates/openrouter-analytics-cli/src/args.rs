//! The command line: commands, flags, their environment variables and help texts.

use clap::{Parser, Subcommand};

use crate::activity::ActivityArgs;
use crate::global::{EXIT_CODES_HELP, GlobalArgs, exit_codes_help};
use crate::query::QueryArgs;

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

/// The whole command line. Parse, complete and document from this.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    Cli::command()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        command().debug_assert();
    }
}
