//! `openrouter api <group> <method> [--<parameter> VALUE ...] [--body JSON|@FILE]`:
//! every operation of the spec, with its parameters as flags, printing the API's JSON.
//!
//! The commands are built at run time from the client's table of operations
//! ([`openrouter_analytics::operations`], generated from the spec), so an operation
//! added to the spec is here after `cargo xtask generate`, with no code of its own.
//!
//! A list paged by `offset` answers the one page asked for; with `--all-pages` it is
//! read through the client's paging loop (`send_all_pages_tolerant`) and printed whole.
//!
//! The answer is printed as the server sent it (JSON), or with `-f table` / `-f csv`
//! rendered through the generated resource model ([`crate::output::resource`]), with
//! `--columns` picking the fields. The reading is tolerant: a successful answer that
//! does not match the spec is still printed, with one warning naming the mismatch.

use std::io::{self, Read};

use clap::{ArgMatches, Command};
use openrouter_analytics::{
    Client, Error, OperationInfo, TolerantAnswer, TolerantPages, operations,
};

use crate::flags::{self, FlagValues, Options, kebab};
use crate::output::list;
use crate::output::resource::{self, Layout, RenderError};
use crate::output::{Format, Out, write_raw_json};

/// The flag of a paged operation's command that asks for every page.
const ALL_PAGES: &str = "all-pages";

/// How `openrouter api` offers an operation's flags: every parameter as a flag, every
/// body field as a flag, and `--body` for the whole body.
const API_OPTIONS: Options = Options {
    positional: false,
    skip: &[],
    body: true,
};

/// `openrouter api ...`, as parsed: which operation, its arguments and its body.
#[derive(Debug, Clone)]
pub struct ApiArgs {
    /// The operation named by `<group> <method>`, and its flags' values.
    pub flags: FlagValues,
    /// `--all-pages` (paged operations only): every page, through the client's loop.
    pub all_pages: bool,
}

fn group_command(group: &str) -> Command {
    let mut command = Command::new(kebab(group))
        .about(format!("The {group} operations."))
        .subcommand_required(true)
        .arg_required_else_help(true);
    for op in operations().iter().filter(|op| op.group == group) {
        command = command.subcommand(operation_command(op));
    }
    command
}

/// One operation's command: its summary and description, then a flag per parameter and
/// top-level body field.
pub fn operation_command(op: &'static OperationInfo) -> Command {
    let about = if op.summary.is_empty() {
        format!("{} {}", op.http_method, op.path)
    } else {
        format!("{} ({} {})", op.summary, op.http_method, op.path)
    };
    let mut command = Command::new(kebab(op.method)).about(about.clone());
    let description = op.description.trim();
    if !description.is_empty() {
        command = command.long_about(format!("{about}\n\n{description}"));
    }
    let command = flags::augment(command, op, API_OPTIONS).arg(flags::columns_arg(op));
    if op.paging.is_none() {
        return command;
    }
    command.arg(
        clap::Arg::new(ALL_PAGES)
            .long(ALL_PAGES)
            .action(clap::ArgAction::SetTrue)
            .help(
                "Every page from --offset on, printed as one {\"data\":[...]} with each item \
                 as sent; pages that do not add up (an item twice, fewer items than \
                 total_count) print nothing and exit 1",
            ),
    )
}

impl clap::Args for ApiArgs {
    fn augment_args(command: Command) -> Command {
        let mut groups: Vec<&str> = Vec::new();
        for op in operations() {
            if !groups.contains(&op.group) {
                groups.push(op.group);
            }
        }
        groups
            .into_iter()
            .fold(command, |command, group| {
                command.subcommand(group_command(group))
            })
            .subcommand_required(true)
            .arg_required_else_help(true)
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

impl clap::FromArgMatches for ApiArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let missing = || clap::Error::new(clap::error::ErrorKind::MissingSubcommand);
        let (group, group_matches) = matches.subcommand().ok_or_else(missing)?;
        let (method, method_matches) = group_matches.subcommand().ok_or_else(missing)?;
        let operation = operations()
            .iter()
            .find(|op| kebab(op.group) == group && kebab(op.method) == method)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidSubcommand))?;
        let all_pages = operation.paging.is_some()
            && method_matches
                .try_get_one::<bool>(ALL_PAGES)
                .ok()
                .flatten()
                .copied()
                .unwrap_or(false);
        Ok(Self {
            flags: FlagValues::from_matches(operation, API_OPTIONS, method_matches),
            all_pages,
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// A checked `openrouter api` command line: the body is read and parsed up front, so a
/// bad one is a usage error before anything is sent.
#[derive(Debug)]
pub struct Plan {
    args: ApiArgs,
    body: Option<serde_json::Value>,
}

impl Plan {
    /// Reads and parses `--body`, and merges the flags' body fields into it.
    pub fn new(args: &ApiArgs) -> Result<Self, String> {
        let base = match args.flags.body.as_deref() {
            None => None,
            Some(text) => Some(parse_body(text)?),
        };
        let body = args.flags.body_with(base)?;
        Ok(Self {
            args: args.clone(),
            body,
        })
    }

    /// What the request looks like, for `-v`.
    pub fn describe(&self, base_url: &str) -> String {
        let op = self.args.flags.operation;
        format!(
            "{} {}{} ({}.{})",
            op.http_method,
            base_url.trim_end_matches('/'),
            op.path,
            op.group,
            op.method
        )
    }

    /// Sends the request, or with `--all-pages` one request per page.
    pub async fn fetch(&self, client: &Client) -> Result<Answer, Error> {
        let op = self.args.flags.operation;
        let call =
            crate::verb::call::by_name(client, op, &self.args.flags.args, self.body.clone())?;
        if self.args.all_pages {
            call.send_all_pages_tolerant().await.map(Answer::Pages)
        } else {
            call.send_tolerant().await.map(Answer::One)
        }
    }

    /// The operation this plan calls.
    pub fn operation(&self) -> &'static OperationInfo {
        self.args.flags.operation
    }
}

/// What `openrouter api` got: one answer, or every page of a list.
#[derive(Debug)]
pub enum Answer {
    /// The one answer, read tolerantly: it may not match the spec.
    One(TolerantAnswer),
    /// `--all-pages`: every page, in order, read tolerantly as [`One`](Self::One) is.
    Pages(TolerantPages),
}

/// Why `openrouter api` printed nothing.
#[derive(Debug)]
pub enum PrintError {
    /// `--columns` named no field of the operation or its answer (exit 2).
    Usage(String),
    /// The answer cannot be rendered, or writing failed.
    Output(io::Error),
}

/// Prints the answer: with `-f json` (or no `-f`) as the API sent it, every page as
/// one `{"data":[...]}` of the items as sent; with `-f table` or `-f csv` through the
/// resource model. Returns the warnings for stderr: the first mismatch with the spec,
/// or the required fields a table or CSV lacks. Fails only before its first byte (a
/// table measures every cell, CSV checks every row, before writing), so `main` can
/// write it as it renders ([`crate::printout::Printout::streamed`]) instead of holding
/// the whole output.
pub fn print(
    plan: &Plan,
    answer: &Answer,
    format: Option<Format>,
    out: &mut Out<'_>,
) -> Result<Vec<String>, PrintError> {
    let mut warnings = Vec::new();
    let op = plan.operation();
    let layout = format.and_then(Layout::of);
    let rendered = match (answer, layout) {
        (Answer::One(response), Some(_))
            if response.raw_body.iter().all(u8::is_ascii_whitespace) =>
        {
            // A 204: nothing to show.
            Ok(Vec::new())
        }
        (Answer::One(response), Some(layout)) => {
            if let Some(mismatch) = &response.mismatch {
                warnings.push(mismatch_warning(mismatch));
            }
            let body: serde_json::Value = serde_json::from_slice(&response.raw_body)
                .map_err(|err| PrintError::Output(io::Error::other(err)))?;
            resource::write(op, &body, &[], layout, out)
        }
        (Answer::One(response), None) => {
            if let Some(mismatch) = &response.mismatch {
                warnings.push(mismatch_warning(mismatch));
            }
            write_raw_json(out, &response.raw_body).map_err(PrintError::Output)?;
            Ok(Vec::new())
        }
        (Answer::Pages(answer), layout) => {
            if let Some(mismatch) = &answer.mismatch {
                warnings.push(mismatch_warning(mismatch));
            }
            let items = list::page_items(answer.pages.iter().map(|page| &page[..]))
                .map_err(|err| PrintError::Output(io::Error::other(err)))?;
            match layout {
                // From the items as the pages hold them, each parsed only for its row: a
                // list of tens of MB never becomes one tree of values.
                Some(layout) => resource::write_items(op, &items, layout, out),
                None => {
                    list::write_list_json(out, &items).map_err(PrintError::Output)?;
                    Ok(Vec::new())
                }
            }
        }
    };
    let rendered = rendered.map_err(|err| match err {
        RenderError::Usage(message) => PrintError::Usage(message),
        RenderError::Unprintable(err) => PrintError::Output(io::Error::other(err)),
        RenderError::Io(err) => PrintError::Output(err),
    })?;
    // The fields a table lacks say more than the decode error's first one.
    if !rendered.is_empty() {
        warnings = rendered;
    }
    Ok(warnings)
}

/// The warning for an answer that does not match the spec.
fn mismatch_warning(mismatch: &Error) -> String {
    format!("the answer does not match the spec, shown as sent: {mismatch}")
}

fn parse_body(text: &str) -> Result<serde_json::Value, String> {
    let (source, json) = match text.strip_prefix('@') {
        Some("-") => {
            let mut json = String::new();
            io::stdin()
                .read_to_string(&mut json)
                .map_err(|err| format!("--body @-: cannot read stdin: {err}"))?;
            ("stdin".to_string(), json)
        }
        Some(path) => (
            path.to_string(),
            std::fs::read_to_string(path)
                .map_err(|err| format!("--body @{path}: cannot read the file: {err}"))?,
        ),
        None => ("--body".to_string(), text.to_string()),
    };
    serde_json::from_str(&json).map_err(|err| format!("{source} is not valid JSON: {err}"))
}

#[cfg(test)]
mod tests {
    use clap::Args;

    use super::*;

    /// Every parameter and top-level body field of every operation of the table has a
    /// flag (or, for a body field shadowed by a parameter of the same name, the
    /// parameter's), and `--body` exactly where there is a body.
    #[test]
    fn every_operation_of_the_spec_has_a_command_with_a_flag_for_every_input() {
        let command = ApiArgs::augment_args(Command::new("api"));
        let mut fields = 0;
        for op in operations() {
            let group = command
                .find_subcommand(kebab(op.group))
                .unwrap_or_else(|| panic!("no group command for {}", op.group));
            let method = group
                .find_subcommand(kebab(op.method))
                .unwrap_or_else(|| panic!("no command for {}.{}", op.group, op.method));
            let longs: Vec<&str> = method
                .get_arguments()
                .filter_map(|a| a.get_long())
                .collect();
            for name in op
                .parameters
                .iter()
                .map(|p| p.name)
                .chain(op.body_fields.iter().map(|f| f.name))
            {
                let long = flags::flag_name(name);
                assert!(
                    longs.contains(&long.as_str()),
                    "{}.{} lacks --{long}",
                    op.group,
                    op.method
                );
            }
            fields += op.body_fields.len();
            assert_eq!(
                method
                    .get_arguments()
                    .any(|arg| arg.get_id() == flags::BODY),
                op.has_body
            );
        }
        assert!(fields > 10, "the table lists body fields");
    }

    #[test]
    fn a_body_that_is_not_json_is_a_usage_error_naming_its_source() {
        let err = parse_body("{not json").expect_err("invalid");
        assert!(err.starts_with("--body is not valid JSON"), "{err}");
        let err = parse_body("@/nonexistent/body.json").expect_err("missing file");
        assert!(err.contains("cannot read the file"), "{err}");
        assert_eq!(
            parse_body(r#"{"metrics":["request_count"]}"#).expect("valid")["metrics"][0],
            "request_count"
        );
    }
}
