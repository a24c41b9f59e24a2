//! `openrouter`: see where your OpenRouter money and tokens went, from the command line.
//!
//! ```text
//! $ export OPENROUTER_API_KEY=sk-or-v1-...   # a management key
//! $ openrouter activity --by model
//! $ openrouter activity --date 2026-11-01 --format csv > day.csv
//! $ openrouter analytics meta
//! $ openrouter analytics query -m request_count -d model --from 2026-11-01 --to 2026-11-07
//! $ openrouter api analytics get-user-activity --date 2026-11-01
//! $ openrouter keys list --sort usage
//! $ openrouter activity --key ci-bot --by model
//! ```
//!
//! Built on the `openrouter-analytics` client crate. Results go to stdout as an aligned
//! table (the default on a terminal), JSON (the default when stdout is a pipe or a
//! file) or CSV; everything else (errors, `-v` logs, the spinner) goes to stderr, and the
//! API key is never printed. Exit codes: 0 success, 1 other failure, 2 usage error,
//! 3 configuration error (no key), 4 error status from OpenRouter, 5 network failure.
//!
//! Modules: [`args`] (the command line), [`parse`] (flag values), [`setup`] (the
//! client), [`activity`], [`meta`] and [`query`] (the commands), [`account`] (key,
//! credits, keys, members, workspaces, generation, and `activity --key/--user`), [`api`] (any operation
//! by name, built from the spec's table of operations), [`report`] (totals and
//! summaries), [`html_report`] and [`svg`] (the HTML report and its charts),
//! [`completions`] (shell completion scripts), [`buckets`] (query time columns), [`output`] (formats), [`progress`] (the spinner), [`logging`] (`-v`),
//! [`secret`] (redaction) and [`exit`] (exit codes and error lines).

mod account;
mod activity;
mod api;
mod args;
mod buckets;
mod completions;
mod exit;
mod flags;
mod html_report;
mod logging;
mod meta;
mod output;
mod parse;
mod progress;
mod query;
mod report;
mod secret;
mod setup;
mod svg;
mod terminal;
#[cfg(test)]
mod test_alloc;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use openrouter_analytics::WithRawBody;

use crate::args::{AnalyticsCommand, Cli, Command, Progress as ProgressMode};
use crate::exit::{Failure, Operation, code, one_line};
use crate::progress::{Progress, with_progress};
use crate::secret::Redactor;

fn main() -> ExitCode {
    // clap prints its own usage errors and exits with 2 (0 for --help and --version).
    let cli = Cli::parse();
    let redactor = Redactor::new(cli.global.api_key.as_deref());
    match run(cli, &redactor) {
        Ok(()) => ExitCode::from(code::SUCCESS),
        Err(failure) => {
            let line = terminal::safe(&one_line(&redactor.redact(&failure.message))).into_owned();
            let _ = writeln!(io::stderr().lock(), "error: {line}");
            ExitCode::from(failure.code)
        }
    }
}

/// A command line whose flags have been checked.
enum Plan {
    Activity(activity::Plan),
    Meta,
    Query(query::Plan),
    Api(api::Plan),
    Account(account::Plan),
    Report(html_report::Plan),
}

/// A response, ready to print.
enum Response {
    Activity(WithRawBody<openrouter_analytics::types::ActivityResponse>),
    Meta(WithRawBody<openrouter_analytics::types::AnalyticsMetaResponse>),
    Query(WithRawBody<openrouter_analytics::types::AnalyticsQueryResponse>),
    Api(WithRawBody<serde_json::Value>),
    /// Already printed: the account commands print their own output.
    Printed,
    Report(Box<html_report::Fetched>),
}

fn run(cli: Cli, redactor: &Redactor) -> Result<(), Failure> {
    let global = &cli.global;
    // Needs no key and no network: print and stop.
    if let Command::Completions(args) = &cli.command {
        let stdout = io::stdout();
        return match completions::print(args.shell, &mut stdout.lock()) {
            Err(err) if err.kind() != io::ErrorKind::BrokenPipe => Err(Failure::output(&err)),
            _ => Ok(()),
        };
    }
    // Usage first (exit 2), then configuration (exit 3), then the network.
    let mut plan = match &cli.command {
        Command::Activity(args) => {
            Plan::Activity(activity::Plan::new(args).map_err(Failure::usage)?)
        }
        Command::Analytics(AnalyticsCommand::Meta) => Plan::Meta,
        Command::Analytics(AnalyticsCommand::Query(args)) => {
            Plan::Query(query::Plan::new(args).map_err(Failure::usage)?)
        }
        Command::Api(args) => Plan::Api(api::Plan::new(args).map_err(Failure::usage)?),
        Command::Account(command) => {
            Plan::Account(account::Plan::new(command).map_err(Failure::usage)?)
        }
        Command::Report(args) => {
            Plan::Report(html_report::Plan::new(args).map_err(Failure::usage)?)
        }
        Command::Completions(_) => return Ok(()),
    };
    let format = output::resolve_format(global.format);
    output::set_table_width(global.wide);
    let verbose = global.verbose > 0;
    let progress = match global.progress {
        ProgressMode::Always => true,
        ProgressMode::Never => false,
        ProgressMode::Auto => !verbose && io::stderr().is_terminal(),
    }
    .then(|| Progress::new(redactor.clone()));
    // The spinner hears of attempts and retries through the client's observer.
    let client = setup::build_client(global, progress.as_ref())?;
    let base_url = client.base_url().to_string();
    logging::init(verbose, redactor);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| Failure::other(format!("cannot start the async runtime: {err}")))?;
    let ctx = account::Context {
        client: &client,
        progress: progress.as_ref(),
        base_url: &base_url,
    };
    // `activity --key/--user` name a key or a person; find the hash or id first.
    if let Plan::Activity(plan) = &mut plan {
        runtime.block_on(plan.resolve(&ctx))?;
    }
    if let Plan::Account(plan) = &plan {
        return account::run(plan, &ctx, &runtime, format);
    }
    let (operation, result) = runtime.block_on(async {
        let progress = progress.as_ref();
        match &plan {
            Plan::Activity(plan) => {
                tracing::debug!("{}", plan.describe(&base_url));
                let result =
                    with_progress(progress, "fetching activity", plan.fetch(&client)).await;
                (Operation::Activity, result.map(Response::Activity))
            }
            Plan::Meta => {
                tracing::debug!("{}", meta::describe(&base_url));
                let result = with_progress(
                    progress,
                    "fetching the query vocabulary",
                    meta::fetch(&client),
                )
                .await;
                (Operation::Meta, result.map(Response::Meta))
            }
            Plan::Query(plan) => {
                tracing::debug!("{}", plan.describe(&base_url));
                let result =
                    with_progress(progress, "running the query", plan.fetch(&client)).await;
                (Operation::Query, result.map(Response::Query))
            }
            Plan::Api(plan) => {
                tracing::debug!("{}", plan.describe(&base_url));
                let result =
                    with_progress(progress, "waiting for OpenRouter", plan.fetch(&client)).await;
                (Operation::Api, result.map(Response::Api))
            }
            // Sent and printed by `account::run` above.
            Plan::Account(_) => (Operation::Account, Ok(Response::Printed)),
            Plan::Report(plan) => {
                tracing::debug!("{}", plan.describe(&base_url));
                let result = with_progress(
                    progress,
                    "fetching activity, credits and keys",
                    plan.fetch(&client, redactor),
                )
                .await;
                // Only the activity request can fail the report.
                (
                    Operation::Activity,
                    result.map(|fetched| Response::Report(Box::new(fetched))),
                )
            }
        }
    });
    let response = result.map_err(|err| Failure::from_client(&err, operation, &base_url))?;

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    // Where the report went and its totals, for stderr once the page is out.
    let mut report_line: Option<String> = None;
    let printed = match (&plan, response) {
        (Plan::Activity(plan), Response::Activity(response)) => {
            tracing::debug!(rows = response.value.data.len(), "activity received");
            plan.print(response.value, &response.raw_body, format, &mut out)
        }
        (Plan::Meta, Response::Meta(response)) => {
            meta::print(&response.value, &response.raw_body, format, &mut out)
        }
        (Plan::Query(plan), Response::Query(response)) => {
            for warning in &response.value.data.warnings {
                let _ = writeln!(io::stderr().lock(), "warning: {}", one_line(warning));
            }
            plan.print(&response.value, &response.raw_body, format, &mut out)
        }
        (Plan::Api(_), Response::Api(response)) => api::print(&response.raw_body, &mut out),
        (Plan::Report(plan), Response::Report(fetched)) => {
            let now = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
            plan.write(&fetched, &now, redactor, &mut out)
                .map(|summary| report_line = Some(summary))
        }
        _ => Ok(()),
    };
    match printed.and_then(|()| out.flush()) {
        Ok(()) => {
            if let Some(line) = report_line {
                let _ = writeln!(io::stderr().lock(), "{}", redactor.redact(&line));
            }
            Ok(())
        }
        // `openrouter activity | head`: the reader has all it wanted.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(err) => Err(Failure::output(&err)),
    }
}
