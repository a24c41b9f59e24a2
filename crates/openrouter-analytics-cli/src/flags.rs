//! Command-line flags made at run time from the client's table of operations
//! ([`openrouter_analytics::operations`], generated from the spec by `cargo xtask
//! generate`): one flag per path parameter, query parameter and top-level body field,
//! typed, validated and described as the spec says.
//!
//! The rules, the same for `openrouter api` and the friendly commands:
//! - names are the API's in kebab case (`limit_reset` -> `--limit-reset`); a name that
//!   `openrouter` already uses for a global option (`--format`, `--timeout`, ...) gets
//!   `field-` in front (`--field-format`);
//! - required parameters and fields are required (a required body field may also come in
//!   `--body`);
//! - values are checked before anything is sent (exit 2): numbers, whole numbers,
//!   `true|false` (a bare boolean flag means `true`), days `YYYY-MM-DD`, times (RFC 3339
//!   or a day, meaning its UTC midnight), UUIDs, and enums, whose values `--help` lists
//!   and `openrouter completions` completes;
//! - an array of scalars takes the flag repeated (`--allowed-models a/b --allowed-models
//!   c/d`); arrays of numbers, UUIDs or enum values may also be comma-separated;
//! - a field whose value is an object (or anything but a scalar) takes JSON text, and the
//!   whole body can be given with `--body JSON|@FILE`: the flags are merged into it and win;
//! - `--clear FIELD` (repeatable; FIELD is the flag's name without dashes) sends `null`
//!   for a nullable field, clearing it; clearing a field that is not nullable, or setting
//!   and clearing the same field, is a usage error;
//! - `--empty FIELD` (repeatable, the same way) sends `[]` for an array field, which a
//!   repeated flag cannot say; with a value or `--clear` for the same field it is a usage
//!   error.

use clap::builder::{PossibleValuesParser, TypedValueParser, ValueParser};
use clap::{Arg, ArgAction, ArgMatches, Command};
use openrouter_analytics::uuid::Uuid;
use openrouter_analytics::{FieldInfo, OperationInfo, ParameterInfo, ValueType};
use serde_json::Value;

use crate::parse::{RangeEnd, parse_time};

/// The id and long name of `--body`.
pub const BODY: &str = "body";
/// The id and long name of `--clear`.
pub const CLEAR: &str = "clear";
/// The id and long name of `--empty`.
pub const EMPTY: &str = "empty";
const PARAM_PREFIX: &str = "param:";
const FIELD_PREFIX: &str = "field:";

/// Long names that `openrouter` (or clap) already uses: a parameter or field of one of
/// these names gets the flag `--field-NAME` instead.
const RESERVED: &[&str] = &[
    "api-key",
    "base-url",
    "allow-insecure-http",
    "http-referer",
    "app-title",
    "app-categories",
    "timeout",
    "max-response-mb",
    "no-retries",
    "retry-initial-interval",
    "retry-max-interval",
    "retry-max-elapsed-time",
    "retry-max-attempts",
    "retry-jitter",
    "format",
    "csv-raw",
    "verbose",
    "progress",
    "wide",
    "help",
    "version",
    "yes",
    BODY,
    CLEAR,
    EMPTY,
];

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

/// The flag (without dashes) of a parameter or body field named `name` by the API.
pub fn flag_name(name: &str) -> String {
    let name = kebab(name);
    if RESERVED.contains(&name.as_str()) {
        format!("field-{name}")
    } else {
        name
    }
}

/// What a command takes from an operation's generated flags.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Required parameters (a path's, or a required query parameter such as a
    /// generation's id) are positional arguments (`keys update HASH`) rather than flags.
    pub positional: bool,
    /// Parameters and body fields (API names) the command does not offer.
    pub skip: &'static [&'static str],
    /// Offer `--body JSON|@FILE` for the whole body.
    pub body: bool,
}

/// Whether `parameter` is a positional argument rather than a flag: a required one,
/// when `options` make required ones positional.
pub fn positional(options: Options, parameter: &ParameterInfo) -> bool {
    options.positional && parameter.required
}

/// The body fields that get a flag: not skipped, not shadowed by a parameter's flag.
fn offered_fields(op: &OperationInfo, options: Options) -> impl Iterator<Item = &FieldInfo> {
    op.body_fields.iter().filter(move |field| {
        !options.skip.contains(&field.name)
            && !op
                .parameters
                .iter()
                .any(|p| flag_name(p.name) == flag_name(field.name))
    })
}

fn offered_parameters(
    op: &OperationInfo,
    options: Options,
) -> impl Iterator<Item = &ParameterInfo> {
    op.parameters
        .iter()
        .filter(move |p| !options.skip.contains(&p.name))
}

/// Adds the operation's flags to `command`.
pub fn augment(mut command: Command, op: &OperationInfo, options: Options) -> Command {
    let body_flag = options.body && op.has_body;
    for parameter in offered_parameters(op, options) {
        let help = described(parameter.description, || {
            format!("The `{}` {} parameter.", parameter.name, parameter.location)
        });
        let arg = Arg::new(format!("{PARAM_PREFIX}{}", parameter.name))
            .required(parameter.required)
            .help(help);
        // A positional one is named for what it is (`<HASH>`), not its type.
        command = command.arg(if positional(options, parameter) {
            typed(arg, parameter.value).value_name(parameter.name.to_uppercase())
        } else {
            typed(arg.long(flag_name(parameter.name)), parameter.value)
        });
    }
    for field in offered_fields(op, options) {
        let mut help = described(field.description, || {
            format!("The body's `{}` field.", field.name)
        });
        if field.nullable {
            help.push_str(&format!(
                " (`--clear {}` sends null.)",
                flag_name(field.name)
            ));
        }
        if matches!(field.value, ValueType::Array(_)) {
            help.push_str(&format!(
                " (`--empty {}` sends an empty list.)",
                flag_name(field.name)
            ));
        }
        let mut arg = Arg::new(format!("{FIELD_PREFIX}{}", field.name))
            .long(flag_name(field.name))
            .help(help);
        if field.required {
            arg = if body_flag {
                arg.required_unless_present(BODY)
            } else {
                arg.required(true)
            };
        }
        let mut arg = typed(arg, field.value);
        if field.secret {
            let scalar = match field.value {
                ValueType::Array(item) => *item,
                other => other,
            };
            arg = arg.value_parser(SecretValue(scalar));
        }
        command = command.arg(arg);
    }
    let clearable: Vec<String> = offered_fields(op, options)
        .filter(|field| field.nullable)
        .map(|field| flag_name(field.name))
        .collect();
    if !clearable.is_empty() {
        command = command.arg(
            Arg::new(CLEAR)
                .long(CLEAR)
                .value_name("FIELD")
                .action(ArgAction::Append)
                .value_parser(PossibleValuesParser::new(clearable))
                .help("Send null for this field, clearing it (repeat for more fields)."),
        );
    }
    let emptiable: Vec<String> = offered_fields(op, options)
        .filter(|field| matches!(field.value, ValueType::Array(_)))
        .map(|field| flag_name(field.name))
        .collect();
    if !emptiable.is_empty() {
        command = command.arg(
            Arg::new(EMPTY)
                .long(EMPTY)
                .value_name("FIELD")
                .action(ArgAction::Append)
                .value_parser(PossibleValuesParser::new(emptiable))
                .help("Send an empty list for this field (repeat for more fields)."),
        );
    }
    if body_flag {
        let mut help = "The request body: JSON text, @FILE to read it from a file, @- from \
                        stdin. Flags for its fields are merged into it and win."
            .to_owned();
        // The spec says the body is a form: the JSON object's fields go out as one.
        if op.form_body {
            help.push_str(" Its fields are sent form-encoded (application/x-www-form-urlencoded).");
        }
        command = command.arg(
            Arg::new(BODY)
                .long(BODY)
                .value_name("JSON|@FILE")
                .help(help),
        );
    }
    command
}

fn described(description: &str, fallback: impl FnOnce() -> String) -> String {
    let text = description.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() { fallback() } else { text }
}

/// Gives `arg` the value name, parser and arity of `value`.
fn typed(arg: Arg, value: ValueType) -> Arg {
    match value {
        ValueType::Array(item) => {
            let arg = scalar(arg, *item).action(ArgAction::Append);
            match item {
                ValueType::String | ValueType::Secret | ValueType::Json => arg,
                _ => arg.value_delimiter(','),
            }
        }
        ValueType::Boolean => scalar(arg, value)
            .num_args(0..=1)
            .default_missing_value("true"),
        other => scalar(arg, other),
    }
}

fn scalar(arg: Arg, value: ValueType) -> Arg {
    let (name, parser): (&str, ValueParser) = match value {
        ValueType::Integer => ("N", ValueParser::new(parse_integer)),
        ValueType::Number => ("NUMBER", ValueParser::new(parse_number)),
        ValueType::Boolean => (
            "true|false",
            ValueParser::new(
                PossibleValuesParser::new(["true", "false"])
                    .map(|text| Value::Bool(text == "true")),
            ),
        ),
        ValueType::Date => ("YYYY-MM-DD", ValueParser::new(parse_date)),
        ValueType::DateTime => ("TIME", ValueParser::new(parse_date_time)),
        ValueType::Uuid => ("UUID", ValueParser::new(parse_uuid)),
        ValueType::Enum(values) => (
            "VALUE",
            ValueParser::new(PossibleValuesParser::new(values.iter().copied()).map(Value::String)),
        ),
        ValueType::Json => ("JSON", ValueParser::new(parse_json)),
        ValueType::String | ValueType::Secret | ValueType::Array(_) => {
            ("TEXT", ValueParser::new(parse_text))
        }
        // `ValueType` may grow: a type this build does not know is taken as JSON.
        _ => ("JSON", ValueParser::new(parse_json)),
    };
    arg.value_name(name).value_parser(parser)
}

/// The parser of a field that holds a secret (a provider key, a destination's
/// credentials): its error never quotes the value, as clap's own errors do.
#[derive(Clone, Copy, Debug)]
struct SecretValue(ValueType);

impl TypedValueParser for SecretValue {
    type Value = Value;

    fn parse_ref(
        &self,
        command: &Command,
        arg: Option<&Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Value, clap::Error> {
        let fail = |why: &str| {
            let flag = arg
                .and_then(Arg::get_long)
                .map_or_else(|| "a flag".to_owned(), |long| format!("--{long}"));
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!(
                    "invalid value for {flag}: {why} (the value is not shown: it holds a secret)\n"
                ),
            )
            .with_cmd(command)
        };
        let text = value
            .to_str()
            .ok_or_else(|| fail("it is not valid UTF-8"))?;
        match self.0 {
            ValueType::String | ValueType::Secret => Ok(Value::String(text.to_owned())),
            _ => serde_json::from_str(text).map_err(|err| {
                // Only the kind and the place: a data error may quote the value.
                let what = match err.classify() {
                    serde_json::error::Category::Eof => "the JSON ends early",
                    _ => "it is not valid JSON",
                };
                fail(&format!(
                    "{what} (line {} column {})",
                    err.line(),
                    err.column()
                ))
            }),
        }
    }
}

fn parse_text(text: &str) -> Result<Value, String> {
    Ok(Value::String(text.to_owned()))
}

fn parse_integer(text: &str) -> Result<Value, String> {
    text.trim()
        .parse::<i64>()
        .map(Value::from)
        .map_err(|_| format!("{text:?} is not a whole number"))
}

fn parse_number(text: &str) -> Result<Value, String> {
    let value = crate::parse::parse_finite(text, "a number")?;
    serde_json::Number::from_f64(value)
        .map(Value::Number)
        .ok_or_else(|| format!("{text:?} is not a finite number"))
}

fn parse_date(text: &str) -> Result<Value, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map(|day| Value::String(day.format("%Y-%m-%d").to_string()))
        .map_err(|_| format!("{text:?} is not a day (YYYY-MM-DD)"))
}

fn parse_date_time(text: &str) -> Result<Value, String> {
    parse_time("the value", text, RangeEnd::Start)
        .map(|time| Value::String(time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)))
}

fn parse_uuid(text: &str) -> Result<Value, String> {
    text.trim()
        .parse::<Uuid>()
        .map(|id| Value::String(id.to_string()))
        .map_err(|_| format!("{text:?} is not a UUID (e.g. 0b3c9b5e-4f8a-4c1e-9d2e-7a6b5c4d3e2f)"))
}

fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|err| format!("not valid JSON: {err}"))
}

/// The values of an operation's generated flags, as given on the command line.
#[derive(Clone, Debug)]
pub struct FlagValues {
    /// The operation the flags are for.
    pub operation: &'static OperationInfo,
    /// Path and query parameters: (API name, text).
    pub args: Vec<(String, String)>,
    /// Body fields set by flags: (API name, JSON value).
    pub fields: Vec<(&'static str, Value)>,
    /// Body fields to send as `null` (API names).
    pub clear: Vec<&'static str>,
    /// Array body fields to send as `[]` (API names).
    pub empty: Vec<&'static str>,
    /// `--body` as given (JSON text or `@FILE`).
    pub body: Option<String>,
}

impl FlagValues {
    /// Reads the flags [`augment`] added.
    pub fn from_matches(
        op: &'static OperationInfo,
        options: Options,
        matches: &ArgMatches,
    ) -> Self {
        let args = offered_parameters(op, options)
            .filter_map(|parameter| {
                let id = format!("{PARAM_PREFIX}{}", parameter.name);
                let value = matches.try_get_one::<Value>(&id).ok().flatten()?;
                Some((parameter.name.to_string(), text_of(value)))
            })
            .collect();
        let fields = offered_fields(op, options)
            .filter_map(|field| {
                let id = format!("{FIELD_PREFIX}{}", field.name);
                let values: Vec<Value> = matches
                    .try_get_many::<Value>(&id)
                    .ok()
                    .flatten()?
                    .cloned()
                    .collect();
                let value = match field.value {
                    ValueType::Array(_) => Value::Array(values),
                    _ => values.into_iter().next()?,
                };
                Some((field.name, value))
            })
            .collect();
        let named = |id: &str| -> Vec<&'static str> {
            let given: Vec<&String> = matches
                .try_get_many::<String>(id)
                .ok()
                .flatten()
                .map(Iterator::collect)
                .unwrap_or_default();
            op.body_fields
                .iter()
                .filter(|field| given.iter().any(|name| **name == flag_name(field.name)))
                .map(|field| field.name)
                .collect()
        };
        let clear = named(CLEAR);
        let empty = named(EMPTY);
        let body = matches.try_get_one::<String>(BODY).ok().flatten().cloned();
        Self {
            operation: op,
            args,
            fields,
            clear,
            empty,
            body,
        }
    }

    /// The request body: `base` (from `--body`) with the flags' fields set in it (they
    /// win), the cleared fields set to `null` and the emptied ones to `[]`; `None` when
    /// nothing was given.
    ///
    /// # Errors
    /// A usage message when a field is given two of a value, `--clear` and `--empty`,
    /// or `base` is not an object while flags set fields.
    pub fn body_with(&self, base: Option<Value>) -> Result<Option<Value>, String> {
        if let Some(both) = self
            .clear
            .iter()
            .find(|name| self.fields.iter().any(|(field, _)| field == *name))
        {
            let flag = flag_name(both);
            return Err(format!(
                "--{flag} and --clear {flag}: a field is either set or cleared, not both"
            ));
        }
        for name in &self.empty {
            let flag = flag_name(name);
            if self.fields.iter().any(|(field, _)| field == name) {
                return Err(format!(
                    "--{flag} and --empty {flag}: a list is either given or empty, not both"
                ));
            }
            if self.clear.contains(name) {
                return Err(format!(
                    "--clear {flag} and --empty {flag}: a field is either null or empty, not both"
                ));
            }
        }
        if self.fields.is_empty() && self.clear.is_empty() && self.empty.is_empty() {
            return Ok(base);
        }
        let mut body = match base {
            None => serde_json::Map::new(),
            Some(Value::Object(map)) => map,
            Some(_) => {
                return Err(
                    "--body must be a JSON object when flags set body fields as well".into(),
                );
            }
        };
        for (name, value) in &self.fields {
            body.insert((*name).to_string(), value.clone());
        }
        for name in &self.clear {
            body.insert((*name).to_string(), Value::Null);
        }
        for name in &self.empty {
            body.insert((*name).to_string(), Value::Array(Vec::new()));
        }
        Ok(Some(Value::Object(body)))
    }

    /// The body from the flags alone (the friendly commands have no `--body`): an
    /// object, empty when no field was given.
    ///
    /// # Errors
    /// As [`FlagValues::body_with`].
    pub fn body(&self) -> Result<serde_json::Map<String, Value>, String> {
        match self.body_with(None)? {
            Some(Value::Object(map)) => Ok(map),
            _ => Ok(serde_json::Map::new()),
        }
    }
}

/// A parameter's value as the text the client's calls by name take.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The id and long name of `--columns`.
pub const COLUMNS: &str = "columns";

/// `--columns a,b,c` for a command that shows `op`'s answer: the spec's field names are
/// offered to shell completion. Any name is taken for a read (a field the spec does not
/// list yet may be in the answer; the render checks it), but for a call that writes only
/// the spec's names, so that a typo is a usage error before anything is sent: the answer
/// (a new key, shown once) must not be lost to it.
pub fn columns_arg(op: &'static OperationInfo) -> Arg {
    Arg::new(COLUMNS)
        .long(COLUMNS)
        .value_name("FIELD,...")
        .value_delimiter(',')
        .num_args(1)
        .action(ArgAction::Append)
        .value_parser(ColumnNames(op))
        .hide_possible_values(true)
        .help(
            "The fields -f table and -f csv show, in this order (a nested one as \
             parent.child); an unknown name is an error that lists them",
        )
}

/// `--columns` as given to the command that was run (the innermost subcommand), blank
/// names left out; `None` without the flag.
pub fn columns_given(matches: &ArgMatches) -> Option<Vec<String>> {
    let mut leaf = matches;
    while let Some((_, inner)) = leaf.subcommand() {
        leaf = inner;
    }
    leaf.try_get_many::<String>(COLUMNS)
        .ok()
        .flatten()
        .map(|names| names.filter(|name| !name.is_empty()).cloned().collect())
}

/// The value parser of [`columns_arg`].
#[derive(Clone)]
struct ColumnNames(&'static OperationInfo);

impl TypedValueParser for ColumnNames {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &Command,
        _arg: Option<&Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let name = value
            .to_str()
            .map(|name| name.trim().to_string())
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidUtf8))?;
        if self.0.writes && !name.is_empty() {
            crate::output::resource::check_known(self.0, std::slice::from_ref(&name)).map_err(
                |message| {
                    clap::Error::raw(clap::error::ErrorKind::ValueValidation, message + "\n")
                        .with_cmd(cmd)
                },
            )?;
        }
        Ok(name)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            crate::output::resource::column_names(self.0)
                .into_iter()
                .map(clap::builder::PossibleValue::new),
        ))
    }
}
