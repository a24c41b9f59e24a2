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
//! 6 a rule of `openrouter check` crossed, 7 a rule of `openrouter check` that could not
//! be judged (and none crossed).
//!
//! Modules: [`args`] (the command line), [`parse`] (flag values), [`setup`] (the
//! client), [`activity`], [`meta`] and [`query`] (the commands), [`account`] (key,
//! credits, keys, members, workspaces, generation: a table of [`verb`]s, the engine that
//! runs them), [`resolve`] (`activity --key/--user`), [`api`] (any operation
//! by name, built from the spec's table of operations), [`totals`] (totals and
//! summaries), [`report`] and [`svg`] (the HTML report and its charts),
//! [`check`] (alert rules) and [`exporter`] (Prometheus metrics),
//! [`completions`] (shell completion scripts), [`buckets`] (query time columns), [`output`] (formats; CSV cells safe for spreadsheets, printable dollar amounts), [`printout`] (what a command returns for `main` to print), [`terminal`] (network text made safe for a terminal), [`progress`] (the spinner), [`logging`] (`-v`),
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
mod forecast;
mod global;
mod history;
mod logging;
mod meta;
mod output;
mod parse;
mod printout;
mod progress;
mod query;
mod report;
mod resolve;
mod secret;
mod setup;
mod stored;
mod svg;
mod terminal;
#[cfg(test)]
mod test_alloc;
mod totals;
mod verb;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::FromArgMatches;
use openrouter_analytics::Client;

use crate::args::{AnalyticsCommand, Cli, Command};
use crate::exit::{Failure, Operation, code, one_line};
use crate::export::ExportArgs;
use crate::global::{GlobalArgs, Progress as ProgressMode};
use crate::history::SyncArgs;
use crate::printout::Printout;
use crate::progress::{Progress, with_progress};
use crate::secret::Redactor;

/// Set (to anything), the binary stops once its command line has parsed: exit 0, or clap's
/// usage error and exit 2. Not documented for users: it exists so that a test can check
/// every `openrouter ...` line of the docs against the real command tree.
const PARSE_ONLY: &str = "OPENROUTER_PARSE_ONLY";

fn main() -> ExitCode {
    // clap prints its own usage errors and exits with 2 (0 for --help and --version).
    // `export -f focus`: a format only that command has (see export.rs).
    let matches =
        args::command().get_matches_from(export::rewrite_format_arg(std::env::args_os().collect()));
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    let columns = flags::columns_given(&matches);
    // Hidden, for the documentation's test (tests/docs.rs): the command line parsed, so
    // every subcommand and flag it names exists and every value was accepted; run nothing.
    if std::env::var_os(PARSE_ONLY).is_some() {
        return ExitCode::from(code::SUCCESS);
    }
    let redactor = Redactor::new(cli.global.api_key.as_deref());
    match run(&cli, columns.as_deref(), &redactor) {
        Ok(()) => ExitCode::from(code::SUCCESS),
        Err(failure) => {
            let line = terminal::safe(&one_line(&redactor.redact(&failure.message))).into_owned();
            let _ = writeln!(io::stderr().lock(), "error: {line}");
            ExitCode::from(failure.code)
        }
    }
}

/// A command line whose flags have been checked (usage errors, exit 2, come before any
/// configuration or network).
enum Plan<'a> {
    Completions(clap_complete::Shell),
    Activity(activity::Plan),
    Meta,
    Query(query::Plan),
    Api(api::Plan),
    Account(account::Plan),
    Report(report::Plan),
    Check(check::Plan),
    Forecast(forecast::Plan),
    Exporter(exporter::Plan),
    Sync(&'a SyncArgs),
    Export(&'a ExportArgs),
}

impl<'a> Plan<'a> {
    fn new(command: &'a Command, global: &GlobalArgs) -> Result<Self, String> {
        Ok(match command {
            Command::Completions(args) => Self::Completions(args.shell),
            Command::Activity(args) => Self::Activity(activity::Plan::new(args)?),
            Command::Analytics(AnalyticsCommand::Meta) => Self::Meta,
            Command::Analytics(AnalyticsCommand::Query(args)) => {
                Self::Query(query::Plan::new(args)?)
            }
            Command::Api(args) => Self::Api(api::Plan::new(args)?),
            Command::Account(command) => Self::Account(account::Plan::new(command)?),
            Command::Report(args) => Self::Report(report::Plan::new(args)?),
            Command::Check(args) => Self::Check(check::Plan::new(args, global)?),
            Command::Forecast(args) => Self::Forecast(forecast::Plan::new(args)?),
            Command::Exporter(args) => Self::Exporter(exporter::Plan::new(args)?),
            Command::Sync(args) => Self::Sync(args),
            Command::Export(args) => Self::Export(args),
        })
    }
}

/// parse -> call -> render -> print: each command's plan is made from its flags, the
/// call goes through one [`Session`], and the command returns a [`Printout`] that this
/// function writes, once, to the stdout only it opens: rendered in memory already, or,
/// for answers that can be tens of MB (`activity`, `api`, the paged lists), rendered as
/// written by a render that checks everything before its first byte. Either way all of
/// it or none of it is printed.
fn run(cli: &Cli, columns: Option<&[String]>, redactor: &Redactor) -> Result<(), Failure> {
    let global = &cli.global;
    let plan = Plan::new(&cli.command, global).map_err(Failure::usage)?;
    let style =
        output::Style::for_stdout(global.format, global.wide, global.csv_raw).with_columns(columns);
    let format = style.format;
    // What the account commands' printout reads from (a paged list, kept as sent).
    let mut account_output: verb::Output;
    let printout = match plan {
        // No key and no network.
        Plan::Completions(shell) => Printout::render(style, |out| {
            completions::print(shell, args::command(), out).map_err(|err| Failure::output(&err))
        })?,
        Plan::Export(args) => Printout::render(style, |out| export::run(args, global.format, out))?,
        Plan::Activity(plan) if plan.is_history() => {
            Printout::render(style, |out| plan.print_history(format, out))?
        }
        // OpenRouter.
        Plan::Activity(mut plan) => {
            let session = Session::start(global, redactor)?;
            // `--key/--user` name a key or a person; find the hash or id first.
            session.runtime.block_on(plan.resolve(&session.context()))?;
            tracing::debug!("{}", plan.describe(&session.base_url));
            let mut fetched = session.call(
                Operation::Activity,
                "fetching activity",
                plan.fetch_for(&session.client, format),
            )?;
            tracing::debug!("activity received: {}", fetched.describe());
            // A 100,000-row report is tens of MB: written as it renders, never held a
            // second time; its render checks every amount before its first byte.
            Printout::streamed(move |out| {
                plan.print_fetched(&mut fetched, format, out)
                    .map(|()| Vec::new())
                    .map_err(|err| Failure::output(&err))
            })
        }
        Plan::Meta => {
            let session = Session::start(global, redactor)?;
            tracing::debug!("{}", meta::describe(&session.base_url));
            let response = session.call(
                Operation::Meta,
                "fetching the query vocabulary",
                meta::fetch(&session.client),
            )?;
            Printout::render(style, |out| {
                meta::print(&response.value, &response.raw_body, format, out)
                    .map_err(|err| Failure::output(&err))
            })?
        }
        Plan::Query(plan) => {
            let session = Session::start(global, redactor)?;
            tracing::debug!("{}", plan.describe(&session.base_url));
            let response = session.call(
                Operation::Query,
                "running the query",
                plan.fetch(&session.client),
            )?;
            for warning in &response.value.data.warnings {
                let warning = terminal::safe(&one_line(&redactor.redact(warning))).into_owned();
                let _ = writeln!(io::stderr().lock(), "warning: {warning}");
            }
            Printout::render(style, |out| {
                plan.print(&response.value, &response.raw_body, format, out)
                    .map_err(|err| Failure::output(&err))
            })?
        }
        Plan::Api(plan) => {
            let session = Session::start(global, redactor)?;
            tracing::debug!("{}", plan.describe(&session.base_url));
            let result = session.runtime.block_on(with_progress(
                session.progress.as_ref(),
                "waiting for OpenRouter",
                plan.fetch(&session.client),
            ));
            match result {
                Ok(answer) => {
                    // `-f` as given: with none, the answer is JSON even on a terminal.
                    let format = global.format;
                    // Every page of a list can be tens of MB: written as it renders,
                    // never held a second time; the render fails only before its first
                    // byte.
                    Printout::streamed(move |out| {
                        let warnings =
                            api::print(&plan, &answer, format, out).map_err(|err| match err {
                                api::PrintError::Usage(message) => Failure::usage(message),
                                api::PrintError::Output(err) => Failure::output(&err),
                            })?;
                        Ok(warnings
                            .iter()
                            .map(|warning| {
                                format!("warning: {}", one_line(&redactor.redact(warning)))
                            })
                            .collect())
                    })
                }
                // `api <group> delete...`: a retried DELETE found the thing gone, most
                // likely because the attempt whose answer was lost deleted it.
                Err(err) if err.is_already_gone() => {
                    Printout::nothing().with_notes([verb::already_gone_note("the resource")])
                }
                Err(err) => {
                    return Err(Failure::from_client(
                        &err,
                        Operation::Api,
                        &session.base_url,
                    ));
                }
            }
        }
        Plan::Report(plan) => {
            let fetched = match plan.history() {
                // `report --since`: the history store answers; no key, no network.
                Some((range, db)) => report::history_report::fetch(*range, db)?,
                None => {
                    let session = Session::start(global, redactor)?;
                    tracing::debug!("{}", plan.describe(&session.base_url));
                    // Only the activity request can fail the report.
                    session.call(
                        Operation::Activity,
                        "fetching activity, credits and keys",
                        plan.fetch(&session.client, redactor),
                    )?
                }
            };
            let now = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
            let mut line = String::new();
            let printout = Printout::render(style, |out| {
                line = plan
                    .write(&fetched, &now, redactor, out)
                    .map_err(|err| Failure::output(&err))?;
                Ok(())
            })?;
            // Where the report went and its totals, on stderr once the page is out.
            printout.with_notes(redactor.redact(&line).lines().map(str::to_string))
        }
        Plan::Account(plan) => {
            let session = Session::start(global, redactor)?;
            account_output = account::run(&plan, &session.context(), &session.runtime, style)?;
            account_output.printout(style)?
        }
        Plan::Check(plan) if check::offline(&plan) => {
            // Every rule judged from the store: no key, no request to OpenRouter (a
            // runtime only for the webhook).
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|err| Failure::other(format!("cannot start the runtime: {err}")))?;
            check::run(&plan, None, global, &runtime, style)?
        }
        Plan::Check(plan) => {
            let session = Session::start(global, redactor)?;
            check::run(
                &plan,
                Some(&session.context()),
                global,
                &session.runtime,
                style,
            )?
        }
        Plan::Forecast(plan) if forecast::offline(&plan) => {
            forecast::run(&plan, None, None, style)?
        }
        Plan::Forecast(plan) => {
            let session = Session::start(global, redactor)?;
            forecast::run(
                &plan,
                Some(&session.context()),
                Some(&session.runtime),
                style,
            )?
        }
        Plan::Exporter(plan) => {
            let session = Session::start(global, redactor)?;
            exporter::run(&plan, &session.client, &session.runtime, redactor)?;
            Printout::nothing()
        }
        Plan::Sync(args) => {
            let session = Session::start(global, redactor)?;
            let progress = session.progress.is_some();
            history::sync(args, &session.client, &session.runtime, progress)?;
            Printout::nothing()
        }
    };
    printout.write(style, &mut io::stdout().lock())
}

/// What a command that calls OpenRouter needs: the client (from the global options),
/// the spinner, `-v` logging and a runtime.
struct Session {
    client: Client,
    progress: Option<Progress>,
    base_url: String,
    runtime: tokio::runtime::Runtime,
}

impl Session {
    /// Builds the client (configuration errors, exit 3) and starts logging.
    fn start(global: &GlobalArgs, redactor: &Redactor) -> Result<Self, Failure> {
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
        Ok(Self {
            client,
            progress,
            base_url,
            runtime,
        })
    }

    fn context(&self) -> verb::Context<'_> {
        verb::Context {
            client: &self.client,
            progress: self.progress.as_ref(),
            base_url: &self.base_url,
        }
    }

    /// Runs one call with the spinner, mapping its error to the exit code and message
    /// of `operation`.
    fn call<T>(
        &self,
        operation: Operation,
        waiting: &str,
        call: impl Future<Output = Result<T, openrouter_analytics::Error>>,
    ) -> Result<T, Failure> {
        self.runtime
            .block_on(with_progress(self.progress.as_ref(), waiting, call))
            .map_err(|err| Failure::from_client(&err, operation, &self.base_url))
    }
}
