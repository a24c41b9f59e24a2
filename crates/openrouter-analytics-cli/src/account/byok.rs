//! `openrouter byok list`: the provider keys you brought (BYOK), as OpenRouter shows them
//! (masked labels; the secret itself is never sent back). The list's filters come from
//! the spec (the generated table).

use openrouter_analytics::ops;

use clap::{Args, Subcommand};

use super::{Context, Output, PagedList, by_name, examples};
use crate::exit::Failure;
use crate::flags::{Generated, Options, from_operation};
use crate::output::resources;

from_operation!(
    /// `byok list`'s flags: the list's filters (paging is done for you).
    ByokList,
    ops::BYOK_LIST,
    Options {
        positional_path: true,
        skip: &["offset", "limit"],
        body: false,
    }
);

/// `openrouter byok ...`.
#[derive(Debug, Subcommand)]
pub enum ByokCommand {
    /// Every provider key (all pages): provider, name, masked label, state.
    #[command(after_help = examples(&["openrouter byok list", "openrouter byok list --provider openai -f csv"]))]
    List(ListArgs),
}

/// `byok list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The generated filters.
    #[command(flatten)]
    pub flags: Generated<ByokList>,
}

/// A checked `byok` command line.
#[derive(Debug)]
pub enum Plan {
    /// `list`, with its filters.
    List(Vec<(String, String)>),
}

impl Plan {
    /// Checks the flags (clap did).
    pub fn new(command: &ByokCommand) -> Self {
        match command {
            ByokCommand::List(args) => Self::List(args.flags.args.clone()),
        }
    }

    /// Fetches every page, to be written as it renders (in the style `run` is given).
    pub async fn execute(&self, ctx: &Context<'_>) -> Result<Output, Failure> {
        let Self::List(args) = self;
        let list = by_name::list(ctx, "listing BYOK keys", ops::BYOK_LIST, args).await?;
        Ok(PagedList::output(
            ops::BYOK_LIST,
            &resources::BYOK_LIST,
            "listing BYOK keys",
            list,
        ))
    }
}
