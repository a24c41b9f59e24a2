//! `--clear FIELD`: the one command-line form for sending a request-body field as
//! `null`, which clears the setting on the server (a key's limit, a workspace's
//! description...). FIELD is the field's flag name without the leading dashes
//! (`--clear limit-reset`); the flag is repeatable.
//!
//! Which fields can be cleared comes from the spec (the operation's optional
//! `nullable` body fields, [`OperationInfo::nullable_body_fields`]), never from a list
//! written here. Naming another field, or both setting and clearing one, is a usage
//! error (exit 2) that lists the clearable fields.

use std::collections::BTreeSet;

use clap::Args;
use openrouter_analytics::{Nullable, OperationInfo, find_operation};

use crate::api::kebab;

/// The `--clear` flag, for commands whose request body has nullable fields.
#[derive(Debug, Default, Args)]
pub struct ClearArgs {
    /// Send FIELD as null, which removes that setting (repeatable; FIELD is the flag's
    /// name without dashes, e.g. --clear limit-reset).
    #[arg(long = "clear", value_name = "FIELD")]
    pub clear: Vec<String>,
}

/// The fields `--clear` named, checked, as the API spells them (`limit_reset`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Cleared(BTreeSet<&'static str>);

impl Cleared {
    /// Checks `--clear` against the operation `group`/`method`'s clearable fields and
    /// against `given`, the body fields (API names) whose flags were also given.
    pub fn check(
        args: &ClearArgs,
        group: &str,
        method: &str,
        given: &[&str],
    ) -> Result<Self, String> {
        let operation = find_operation(group, method)
            .ok_or_else(|| format!("internal: no operation {group}.{method}"))?;
        Self::check_against(args, operation, given)
    }

    fn check_against(
        args: &ClearArgs,
        operation: &OperationInfo,
        given: &[&str],
    ) -> Result<Self, String> {
        let clearable = operation.nullable_body_fields;
        let list = || {
            if clearable.is_empty() {
                "none".to_string()
            } else {
                clearable
                    .iter()
                    .map(|name| kebab(name))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let mut out = BTreeSet::new();
        for name in &args.clear {
            let wanted = name.trim().trim_start_matches("--");
            let Some(field) = clearable
                .iter()
                .find(|field| kebab(field) == wanted || **field == wanted)
            else {
                return Err(format!(
                    "--clear {name}: not a field that can be cleared; clearable: {}",
                    list()
                ));
            };
            if given.contains(field) {
                return Err(format!(
                    "--{0} and --clear {0}: a field cannot be both set and cleared \
                     (clearable: {1})",
                    kebab(field),
                    list()
                ));
            }
            out.insert(*field);
        }
        Ok(Self(out))
    }

    /// Whether `field` (the API's name) is cleared.
    pub fn contains(&self, field: &str) -> bool {
        self.0.contains(field)
    }

    /// The cleared fields, as the API spells them.
    pub fn fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().copied()
    }

    /// The field's body value: `null` when cleared, else the flag's value or absent.
    pub fn nullable<T>(&self, field: &str, value: Option<T>) -> Nullable<T> {
        match value {
            None if self.contains(field) => Nullable::Null,
            value => Nullable::from_option(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clear(names: &[&str]) -> ClearArgs {
        ClearArgs {
            clear: names.iter().map(|name| name.to_string()).collect(),
        }
    }

    #[test]
    fn clearable_fields_come_from_the_spec_and_take_their_flag_names() {
        let cleared = Cleared::check(&clear(&["limit", "limit-reset"]), "api_keys", "update", &[])
            .expect("both are nullable in the spec");
        assert_eq!(
            cleared.fields().collect::<Vec<_>>(),
            ["limit", "limit_reset"]
        );
        assert_eq!(cleared.nullable::<f64>("limit", None), Nullable::Null);
        assert_eq!(cleared.nullable("limit", Some(2.0)), Nullable::Value(2.0));
        assert_eq!(cleared.nullable::<bool>("disabled", None), Nullable::Absent);
    }

    #[test]
    fn a_field_that_is_not_nullable_or_also_set_is_refused_with_the_list() {
        let err = Cleared::check(&clear(&["name"]), "api_keys", "update", &[])
            .expect_err("name is not nullable");
        assert!(err.contains("--clear name"), "{err}");
        assert!(err.contains("clearable: limit, limit-reset"), "{err}");

        let err = Cleared::check(&clear(&["limit"]), "api_keys", "update", &["limit"])
            .expect_err("both set and cleared");
        assert!(err.contains("--limit and --clear limit"), "{err}");
    }
}
