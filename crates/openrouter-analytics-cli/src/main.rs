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
//! 3 configuration error (no key), 4 error status from OpenRouter, 5 network failure,
//! 6 a rule of `openrouter check` crossed.
//!
//! Modules: [`args`] (the command line), [`parse`] (flag values), [`setup`] (the
//! client), [`activity`], [`meta`] and [`query`] (the commands), [`account`] (key,
//! credits, keys, members, workspaces, generation, and `activity --key/--user`), [`api`] (any operation
//! by name, built from the spec's table of operations), [`report`] (totals and
//! summaries), [`html_report`] and [`svg`] (the HTML report and its charts),
//! [`check`] (alert rules) and [`exporter`] (Prometheus metrics),
//! [`completions`] (shell completion scripts), [`buckets`] (query time columns), [`output`] (formats; CSV cells safe for spreadsheets, printable dollar amounts), [`terminal`] (network text made safe for a terminal), [`progress`] (the spinner), [`logging`] (`-v`),
//! [`secret`] (redaction) and [`exit`] (exit codes and error lines).

mod account;
mod activity;
mod api;
mod args;
mod buckets;
mod check;
mod completions;
mod exit;
mod export;
mod exporter;
mod flags;
mod history;
mod history_report;
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

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use openrouter_analytics::WithRawBody;

use crate::args::{AnalyticsCommand, Cli, Command, Progress as ProgressMode};
use crate::exit::{Failure, Operation, code, one_line};
use crate::progress::{Progress, with_progress};
use crate::secret::Redactor;

fn main() -> ExitCode {
    // clap prints its own usage errors and exits with 2 (0 for --help and --version).
    // `export -f focus`: a format only that command has (see export.rs).
    let cli = Cli::parse_from(export::rewrite_format_arg(std::env::args_os().collect()));
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
    Check(check::Plan),
    Exporter(exporter::Plan),
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
        Command::Check(args) => {
            Plan::Check(check::Plan::new(args, global).map_err(Failure::usage)?)
        }
        Command::Exporter(args) => {
            Plan::Exporter(exporter::Plan::new(args).map_err(Failure::usage)?)
        }
        Command::Completions(_) => return Ok(()),
        // Needs the client: run once it is built, below.
        Command::Sync(_) => Plan::Meta,
        // Reads the store only: no key, no network.
        Command::Export(args) => {
            return write_rendered(|out| export::run(args, global.format, out));
        }
    };
    // `--since`: the history store answers; no key, no network.
    if let Plan::Activity(plan) = &plan
        && plan.is_history()
    {
        let format = output::resolve_format(global.format);
        return write_rendered(|out| plan.print_history(format, out));
    }
    if let Plan::Report(plan) = &plan
        && let Some((range, db)) = plan.history()
    {
        let fetched = history_report::fetch(*range, db)?;
        let now = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
        let line = write_rendered(|out| {
            plan.write(&fetched, &now, redactor, out)
                .map_err(|err| Failure::output(&err))
        })?;
        let mut stderr = io::stderr().lock();
        for line in redactor.redact(&line).lines() {
            let _ = writeln!(stderr, "{}", terminal::safe(line));
        }
        return Ok(());
    }
    let format = output::resolve_format(global.format);
    output::sheet::set_raw(global.csv_raw);
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
    if let Plan::Check(plan) = &plan {
        return check::run(plan, &ctx, global, &runtime, format);
    }
    if let Plan::Exporter(plan) = &plan {
        return exporter::run(plan, &client, &runtime, redactor);
    }
    if let Command::Sync(args) = &cli.command {
        return history::sync(args, &client, &runtime, progress.is_some());
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
            // Sent and printed by `account::run`, `check::run`, `exporter::run` above.
            Plan::Account(_) | Plan::Check(_) | Plan::Exporter(_) => {
                (Operation::Account, Ok(Response::Printed))
            }
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
    let response = match result {
        Ok(response) => response,
        // `api <group> delete...`: a retried DELETE found the thing gone, most likely
        // because the attempt whose answer was lost deleted it. No answer to print.
        Err(err) if err.is_already_gone() => {
            let _ = writeln!(
                io::stderr().lock(),
                "{}",
                account::already_gone_note("the resource")
            );
            return Ok(());
        }
        Err(err) => return Err(Failure::from_client(&err, operation, &base_url)),
    };

    // Rendered in memory first: nothing reaches stdout when an amount in the answer
    // cannot be printed (`output::money`).
    let mut out: Vec<u8> = Vec::new();
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
                let warning = terminal::safe(&one_line(&redactor.redact(warning))).into_owned();
                let _ = writeln!(io::stderr().lock(), "warning: {warning}");
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
    let written = printed
        .and_then(|()| output::money::check())
        .and_then(|()| {
            let mut stdout = io::stdout().lock();
            stdout.write_all(&out).and_then(|()| stdout.flush())
        });
    match written {
        Ok(()) => {
            if let Some(line) = report_line {
                let mut stderr = io::stderr().lock();
                for line in redactor.redact(&line).lines() {
                    let _ = writeln!(stderr, "{}", terminal::safe(line));
                }
            }
            Ok(())
        }
        // `openrouter activity | head`: the reader has all it wanted.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(err) => Err(Failure::output(&err)),
    }
}

/// Renders into memory, then writes to stdout only if rendering succeeded and every
/// amount could be printed (`output::money`), as the commands that call OpenRouter do:
/// a failure never leaves part of a table behind. A reader that closed the pipe
/// (`| head`) is not a failure.
fn write_rendered<T>(
    render: impl FnOnce(&mut Vec<u8>) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let mut out: Vec<u8> = Vec::new();
    let rendered = render(&mut out)?;
    let written = output::money::check().and_then(|()| {
        let mut stdout = io::stdout().lock();
        stdout.write_all(&out).and_then(|()| stdout.flush())
    });
    match written {
        Ok(()) => Ok(rendered),
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(rendered),
        Err(err) => Err(Failure::output(&err)),
    }
}
