//! `openrouter api <group> <method> [--<parameter> VALUE ...] [--body JSON|@FILE]`:
//! every operation of the spec, with its parameters as flags, printing the API's JSON.
//!
//! The commands are built at run time from the client's table of operations
//! ([`openrouter_analytics::operations`], generated from the spec), so an operation
//! added to the spec is here after `cargo xtask generate`, with no code of its own.

use std::io::{self, Read, Write};

use clap::{Arg, ArgMatches, Command};
use openrouter_analytics::{Client, Error, OperationInfo, WithRawBody, operations};

use crate::output::write_raw_json;

/// The argument id of `--body`; parameter ids are prefixed so they cannot clash with it.
const BODY: &str = "body";
const PARAM_PREFIX: &str = "param:";

/// `openrouter api ...`, as parsed: which operation, its arguments and its body.
#[derive(Debug, Clone)]
pub struct ApiArgs {
    /// The operation named by `<group> <method>`.
    pub operation: &'static OperationInfo,
    /// `(parameter name as the API spells it, value)`.
    pub args: Vec<(String, String)>,
    /// `--body`: JSON text, or `@FILE` (`@-` for stdin).
    pub body: Option<String>,
}

/// `api_keys` -> `api-keys`, `getKey` -> `get-key`: how names look on a command line.
pub fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c == '_' {
            out.push('-');
        } else if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
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

fn operation_command(op: &OperationInfo) -> Command {
    let about = if op.summary.is_empty() {
        format!("{} {}", op.http_method, op.path)
    } else {
        format!("{} ({} {})", op.summary, op.http_method, op.path)
    };
    let mut command = Command::new(kebab(op.method)).about(about);
    for parameter in op.parameters {
        let help = if parameter.description.is_empty() {
            format!("The `{}` {} parameter.", parameter.name, parameter.location)
        } else {
            parameter
                .description
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        command = command.arg(
            Arg::new(format!("{PARAM_PREFIX}{}", parameter.name))
                .long(kebab(parameter.name))
                .value_name("VALUE")
                .required(parameter.required)
                .help(help),
        );
    }
    if op.has_body {
        command = command.arg(
            Arg::new(BODY)
                .long(BODY)
                .value_name("JSON|@FILE")
                .help("The request body: JSON text, @FILE to read it from a file, @- from stdin."),
        );
    }
    command
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
        let args = operation
            .parameters
            .iter()
            .filter_map(|parameter| {
                let id = format!("{PARAM_PREFIX}{}", parameter.name);
                let value = method_matches.get_one::<String>(&id)?;
                Some((parameter.name.to_string(), value.clone()))
            })
            .collect();
        let body = if operation.has_body {
            method_matches.get_one::<String>(BODY).cloned()
        } else {
            None
        };
        Ok(Self {
            operation,
            args,
            body,
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
    /// Reads and parses `--body`.
    pub fn new(args: &ApiArgs) -> Result<Self, String> {
        let body = match args.body.as_deref() {
            None => None,
            Some(text) => Some(parse_body(text)?),
        };
        Ok(Self {
            args: args.clone(),
            body,
        })
    }

    /// What the request looks like, for `-v`.
    pub fn describe(&self, base_url: &str) -> String {
        let op = self.args.operation;
        format!(
            "{} {}{} ({}.{})",
            op.http_method,
            base_url.trim_end_matches('/'),
            op.path,
            op.group,
            op.method
        )
    }

    /// Sends the request.
    pub async fn fetch(&self, client: &Client) -> Result<WithRawBody<serde_json::Value>, Error> {
        let op = self.args.operation;
        let mut call = client.operation(op.group, op.method)?;
        for (name, value) in &self.args.args {
            call = call.arg(name.as_str(), value.as_str());
        }
        if let Some(body) = &self.body {
            call = call.body_json(body.clone());
        }
        call.send_with_raw_body().await
    }
}

/// Prints the API's answer as it sent it.
pub fn print(raw: &[u8], out: &mut dyn Write) -> io::Result<()> {
    write_raw_json(out, raw)
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

    #[test]
    fn names_become_kebab_case() {
        assert_eq!(kebab("api_keys"), "api-keys");
        assert_eq!(kebab("get_user_activity"), "get-user-activity");
        assert_eq!(kebab("probeEcho"), "probe-echo");
        assert_eq!(kebab("text"), "text");
    }

    #[test]
    fn every_operation_of_the_spec_has_a_command() {
        let command = ApiArgs::augment_args(Command::new("api"));
        for op in operations() {
            let group = command
                .find_subcommand(kebab(op.group))
                .unwrap_or_else(|| panic!("no group command for {}", op.group));
            let method = group
                .find_subcommand(kebab(op.method))
                .unwrap_or_else(|| panic!("no command for {}.{}", op.group, op.method));
            for parameter in op.parameters {
                let long = kebab(parameter.name);
                assert!(
                    method
                        .get_arguments()
                        .any(|arg| arg.get_long() == Some(long.as_str())),
                    "{}.{} lacks --{long}",
                    op.group,
                    op.method
                );
            }
            assert_eq!(
                method.get_arguments().any(|arg| arg.get_id() == BODY),
                op.has_body
            );
        }
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
