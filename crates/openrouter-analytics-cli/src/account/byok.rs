//! `openrouter byok list`: the provider keys you brought (BYOK), as OpenRouter shows them
//! (masked labels; the secret itself is never sent back). A [`Verb`]: its filters come
//! from the spec.

use clap::Subcommand;
use openrouter_analytics::ops;

use super::examples;
use super::verb::{Kind, Verb, verb};
use crate::flags::Generated;
use crate::output::resources;

/// `openrouter byok ...`.
#[derive(Debug, Subcommand)]
pub enum ByokCommand {
    /// Every provider key (all pages): provider, name, masked label, state.
    #[command(after_help = examples(&["openrouter byok list", "openrouter byok list --provider openai -f csv"]))]
    List(Generated<ByokList>),
}

verb!(
    ByokList,
    Verb {
        op: ops::BYOK_LIST,
        kind: Kind::Paged(&resources::BYOK_LIST),
        label: "listing BYOK keys",
        id: "",
        check: None,
    }
);
