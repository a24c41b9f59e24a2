//! The account commands (`key`, `credits`, `keys`, `members`, `workspaces`, `generation`,
//! `guardrails`, `models`, `byok`) as data: [`COMMANDS`] names, for each, its words, its
//! help and examples, and the generated operation it is ([`Verb`]: flags from the spec,
//! answer shown through the operation's look in `output/resources.rs`) or the override it
//! runs. The modules beside it hold only what the API does not say: keys' sort, check and
//! secret-once words (`keys`), the budgets table and the credits' runway (`key`), assigning
//! guardrails by name (`guardrails`), models' sort (`models`).

mod guardrails;
mod key;
mod keys;
mod models;

use std::io::{self, Write};

use clap::{ArgMatches, Args, Command};
use openrouter_analytics::{ops, types};
use serde_json::Value;

use crate::exit::Failure;
use crate::output::{Out, Style};
use crate::verb::{self, Call, Context, Entry, Kind, Output, Runs, Verb, typed};

/// The help of each group of commands.
const GROUPS: &[(&str, &str)] = &[
    (
        "keys",
        "The account's API keys: spend per key; show, create, update or delete one.",
    ),
    (
        "workspaces",
        "Workspaces: list, show, budgets, members; create, update or delete one.",
    ),
    (
        "guardrails",
        "Guardrails (spend limits and model rules for keys and members): list, show, \
         create, update, delete, assign, unassign.",
    ),
    ("byok", "Your own provider keys (BYOK)."),
];

/// A command that is one generated operation.
const fn verb(
    words: &'static str,
    about: &'static str,
    examples: &'static [&'static str],
    verb: Verb,
) -> Entry<Plan> {
    Entry {
        words,
        about,
        examples,
        runs: Runs::Verb(verb),
    }
}

/// Every account command, in the order `--help` lists them.
pub static COMMANDS: &[Entry<Plan>] = &[
    verb(
        "key",
        "The API key in use: its limit, spend and budgets.\n\nLabel, management key or \
         not, limit and what is left of it, spend today, this week, this month and in \
         total, and the budgets that apply to it.",
        &[
            "openrouter key",
            "openrouter key -f json | jq .data.limit_remaining",
        ],
        Verb::new(
            ops::API_KEYS_GET_CURRENT_KEY_METADATA,
            Kind::One(Some(key::budgets)),
            "fetching the key",
        ),
    ),
    Entry {
        words: "credits",
        about: "Credits bought, credits used, the balance left and its runway.",
        examples: &["openrouter credits", "openrouter credits -f csv"],
        runs: Runs::Override {
            shows: Some(ops::CREDITS_GET_CREDITS),
            args: std::convert::identity,
            plan: |_| Ok(Plan::Credits),
        },
    },
    verb(
        "keys list",
        "Every API key with its limit and its spend today, this week, this month and in \
         total (all pages).",
        &[
            "openrouter keys list --sort usage",
            "openrouter keys list --include-disabled -f csv > keys.csv",
        ],
        Verb::new(ops::API_KEYS_LIST, Kind::List, "listing API keys").order(&keys::ORDER),
    ),
    verb(
        "keys show",
        "One API key, by its hash.",
        &["openrouter keys show 6f1c...e2"],
        Verb::new(ops::API_KEYS_GET, Kind::One(None), "fetching the key"),
    ),
    verb(
        "keys create",
        "Create an API key; its secret is printed once, on stdout, and never again.",
        &[
            "openrouter keys create --name ci --limit 25 --limit-reset monthly",
            "openrouter keys create --name temp --expires-at 2026-12-31 -f json | jq -r .key",
        ],
        Verb::new(ops::API_KEYS_CREATE, Kind::One(None), "creating the key")
            .check(keys::checked::<types::CreateKeysRequest>)
            .once(&keys::ONCE),
    ),
    verb(
        "keys update",
        "Rename, disable or re-enable an API key, or change its limit.",
        &[
            "openrouter keys update 6f1c...e2 --disabled true",
            "openrouter keys update 6f1c...e2 --limit 50 --limit-reset weekly",
        ],
        Verb::new(ops::API_KEYS_UPDATE, Kind::Update, "updating the key")
            .check(keys::checked::<types::UpdateKeysRequest>),
    ),
    verb(
        "keys delete",
        "Delete an API key (asks first on a terminal; --yes otherwise).",
        &["openrouter keys delete 6f1c...e2 --yes"],
        Verb::new(
            ops::API_KEYS_DELETE,
            Kind::Delete("API key"),
            "deleting the key",
        ),
    ),
    verb(
        "members",
        "The organization's members: id, name, email and role.",
        &[
            "openrouter members",
            "openrouter members -f csv > members.csv",
        ],
        Verb::new(
            ops::ORGANIZATION_LIST_MEMBERS,
            Kind::List,
            "listing members",
        ),
    ),
    verb(
        "workspaces list",
        "Every workspace (all pages).",
        &[
            "openrouter workspaces list",
            "openrouter workspaces list -f csv",
        ],
        Verb::new(ops::WORKSPACES_LIST, Kind::List, "listing workspaces"),
    ),
    verb(
        "workspaces show",
        "One workspace, by id or slug.",
        &["openrouter workspaces show research"],
        Verb::new(
            ops::WORKSPACES_GET,
            Kind::One(None),
            "fetching the workspace",
        ),
    ),
    verb(
        "workspaces budgets",
        "A workspace's spending budgets.",
        &["openrouter workspaces budgets research"],
        Verb::new(
            ops::WORKSPACES_LIST_BUDGETS,
            Kind::One(Some(byok_line)),
            "fetching budgets",
        ),
    ),
    verb(
        "workspaces members",
        "A workspace's members (all pages).",
        &["openrouter workspaces members research -f csv"],
        Verb::new(
            ops::WORKSPACES_LIST_MEMBERS,
            Kind::List,
            "listing workspace members",
        ),
    ),
    verb(
        "workspaces create",
        "Create a workspace.",
        &[
            "openrouter workspaces create --name Research --slug research",
            "openrouter workspaces create --name 研究 --slug kenkyu --default-text-model openai/gpt-4o",
        ],
        Verb::new(
            ops::WORKSPACES_CREATE,
            Kind::One(None),
            "creating the workspace",
        )
        .check(typed::<types::CreateWorkspaceRequest>),
    ),
    verb(
        "workspaces update",
        "Change a workspace's name, slug, description or settings.",
        &[
            "openrouter workspaces update research --description \"ML research\"",
            "openrouter workspaces update research --is-observability-broadcast-enabled false",
        ],
        Verb::new(
            ops::WORKSPACES_UPDATE,
            Kind::Update,
            "updating the workspace",
        )
        .check(typed::<types::UpdateWorkspaceRequest>),
    ),
    verb(
        "workspaces delete",
        "Delete a workspace (asks first on a terminal; --yes otherwise).",
        &["openrouter workspaces delete research --yes"],
        Verb::new(
            ops::WORKSPACES_DELETE,
            Kind::Delete("workspace"),
            "deleting the workspace",
        ),
    ),
    verb(
        "generation",
        "One request by its generation id: model, provider, tokens, cost, latency.",
        &["openrouter generation gen-1234567890-abcdef"],
        Verb::new(
            ops::GENERATIONS_GET_GENERATION,
            Kind::One(None),
            "fetching the generation",
        ),
    ),
    verb(
        "guardrails list",
        "Every guardrail (all pages): name, limit, reset, allowed models and providers.",
        &[
            "openrouter guardrails list",
            "openrouter guardrails list -f csv",
        ],
        Verb::new(ops::GUARDRAILS_LIST, Kind::Paged, "listing guardrails"),
    ),
    verb(
        "guardrails show",
        "One guardrail, by id.",
        &[
            "openrouter guardrails show 5b0e...",
            "openrouter guardrails show 5b0e... -f json",
        ],
        Verb::new(
            ops::GUARDRAILS_GET,
            Kind::One(None),
            "fetching the guardrail",
        ),
    ),
    verb(
        "guardrails create",
        "Create a guardrail.",
        &[
            "openrouter guardrails create --name interns --limit-usd 50 --allowed-models openai/gpt-4o-mini",
        ],
        Verb::new(
            ops::GUARDRAILS_CREATE,
            Kind::One(None),
            "creating the guardrail",
        ),
    ),
    verb(
        "guardrails update",
        "Change a guardrail; `--clear FIELD` removes a limit or a list.",
        &[
            "openrouter guardrails update 5b0e... --limit-usd 100",
            "openrouter guardrails update 5b0e... --clear limit-usd",
        ],
        Verb::new(
            ops::GUARDRAILS_UPDATE,
            Kind::Update,
            "updating the guardrail",
        ),
    ),
    verb(
        "guardrails delete",
        "Delete a guardrail (asks first on a terminal; --yes otherwise).",
        &["openrouter guardrails delete 5b0e... --yes"],
        Verb::new(
            ops::GUARDRAILS_DELETE,
            Kind::Delete("guardrail"),
            "deleting the guardrail",
        ),
    ),
    Entry {
        words: "guardrails assign",
        about: "Put keys and members under a guardrail, by name.",
        examples: &["openrouter guardrails assign 5b0e... --key ci-bot --member ada@example.com"],
        runs: Runs::Override {
            shows: None,
            args: guardrails::AssignArgs::augment_args,
            plan: |matches| guardrails::plan(matches, true),
        },
    },
    Entry {
        words: "guardrails unassign",
        about: "Take keys and members out from under a guardrail, by name.",
        examples: &["openrouter guardrails unassign 5b0e... --key ci-bot"],
        runs: Runs::Override {
            shows: None,
            args: guardrails::AssignArgs::augment_args,
            plan: |matches| guardrails::plan(matches, false),
        },
    },
    verb(
        "models",
        "Models and their prices per million tokens (prompt and completion).",
        &[
            "openrouter models --sort price",
            "openrouter models -f csv > prices.csv",
        ],
        Verb::new(ops::MODELS_LIST, Kind::List, "listing models").order(&models::ORDER),
    ),
    verb(
        "byok list",
        "Every provider key (all pages): provider, name, masked label, state.",
        &[
            "openrouter byok list",
            "openrouter byok list --provider openai -f csv",
        ],
        Verb::new(ops::BYOK_LIST, Kind::Paged, "listing BYOK keys"),
    ),
];

/// `workspaces budgets ID` in a table: whether BYOK spend counts against them (a field
/// beside the list, which the table's rows do not show).
fn byok_line(answer: &Value, out: &mut Out<'_>) -> io::Result<()> {
    match answer["include_byok_in_budgets"].as_bool() {
        Some(include) => writeln!(
            out,
            "BYOK spend counts against budgets: {}",
            if include { "yes" } else { "no" }
        ),
        None => Ok(()),
    }
}

/// The account command given: its entry, and the flags of its command.
#[derive(Clone, Debug)]
pub struct AccountCommand {
    entry: &'static Entry<Plan>,
    matches: ArgMatches,
}

impl clap::Subcommand for AccountCommand {
    fn augment_subcommands(command: Command) -> Command {
        verb::augment(command, GROUPS, COMMANDS)
    }

    fn augment_subcommands_for_update(command: Command) -> Command {
        Self::augment_subcommands(command)
    }

    fn has_subcommand(name: &str) -> bool {
        verb::starts(COMMANDS, name)
    }
}

impl clap::FromArgMatches for AccountCommand {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let (entry, matches) = verb::find(COMMANDS, matches)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidSubcommand))?;
        Ok(Self { entry, matches })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// A checked account command line: a [`Call`] of a verb or one of the overrides.
#[derive(Debug)]
pub enum Plan {
    /// A verb that is one generated operation.
    Call(Call),
    /// `openrouter credits`.
    Credits,
    /// `openrouter guardrails assign|unassign`.
    Assign(guardrails::Assign),
}

impl From<Call> for Plan {
    fn from(call: Call) -> Self {
        Self::Call(call)
    }
}

impl Plan {
    /// Checks the flags; the error is a one-line usage message.
    pub fn new(command: &AccountCommand) -> Result<Self, String> {
        command.entry.plan(&command.matches)
    }

    async fn execute(&self, ctx: &Context<'_>, style: Style<'_>) -> Result<Output, Failure> {
        match self {
            Self::Call(call) => call.execute(ctx, style).await,
            Self::Credits => key::credits(ctx, style).await,
            Self::Assign(plan) => guardrails::assign_all(ctx, plan, style).await,
        }
    }
}

/// Runs an account command: asks before a deletion on a terminal, sends, and returns
/// what `main` prints.
pub fn run(
    plan: &Plan,
    ctx: &Context<'_>,
    runtime: &tokio::runtime::Runtime,
    style: Style<'_>,
) -> Result<Output, Failure> {
    if let Plan::Call(call) = plan
        && let Some(question) = call.question()
    {
        verb::ask(&question)?;
    }
    runtime.block_on(plan.execute(ctx, style))
}

#[cfg(test)]
mod tests {
    use clap::FromArgMatches;

    use super::*;
    use crate::output::resource;

    /// The plan of `openrouter WORDS...`, or the usage error.
    fn plan(words: &[&str]) -> Result<Plan, String> {
        let matches = crate::args::command()
            .try_get_matches_from(std::iter::once("openrouter").chain(words.iter().copied()))
            .map_err(|err| err.to_string())?;
        let command = AccountCommand::from_arg_matches(&matches).map_err(|e| e.to_string())?;
        Plan::new(&command)
    }

    /// The leaf command of an entry in the real command tree.
    fn leaf<'c>(command: &'c Command, words: &str) -> &'c Command {
        words.split(' ').fold(command, |command, word| {
            command
                .find_subcommand(word)
                .unwrap_or_else(|| panic!("`{words}`: no command `{word}`"))
        })
    }

    #[test]
    fn every_command_that_shows_a_resource_takes_columns_of_its_answer() {
        let command = crate::args::command();
        for entry in COMMANDS {
            let columns = leaf(&command, entry.words)
                .get_arguments()
                .find(|arg| arg.get_id() == crate::flags::COLUMNS);
            let Some(op) = entry.shows() else {
                assert!(columns.is_none(), "`{}` shows nothing", entry.words);
                continue;
            };
            let offered: Vec<String> = columns
                .unwrap_or_else(|| panic!("`{}` has no --columns", entry.words))
                .get_possible_values()
                .iter()
                .map(|value| value.get_name().to_string())
                .collect();
            assert_eq!(offered, resource::column_names(op), "{}", entry.words);
        }
        let shown = COMMANDS.iter().filter(|entry| entry.shows().is_some());
        assert_eq!(
            shown.count(),
            20,
            "keys/workspaces/guardrails delete and assign show none"
        );
    }

    #[test]
    fn every_command_line_finds_its_own_entry() {
        let command = crate::args::command();
        for entry in COMMANDS {
            // `--help` of each leaf is the entry's, and the words find the entry back.
            let leaf = leaf(&command, entry.words);
            assert_eq!(
                leaf.get_name(),
                entry.words.rsplit(' ').next().unwrap_or_default()
            );
            let about = leaf
                .get_about()
                .map(ToString::to_string)
                .unwrap_or_default();
            let first = entry.about.split("\n\n").next().unwrap_or_default();
            assert_eq!(about, first.trim_end_matches('.'), "{}", entry.words);
            let long = leaf.get_long_about().map(ToString::to_string);
            assert_eq!(long.is_some(), first != entry.about, "{}", entry.words);
            assert!(verb::starts(
                COMMANDS,
                entry.words.split(' ').next().unwrap_or_default()
            ));
        }
        let Ok(Plan::Call(_)) = plan(&["workspaces", "show", "research"]) else {
            panic!("a call");
        };
        assert!(matches!(plan(&["credits"]), Ok(Plan::Credits)));
        assert!(!verb::starts(COMMANDS, "activity"));
    }

    /// The words beside a secret shown once are there for every verb whose operation
    /// writes and carries one, and only for those.
    #[test]
    fn a_verb_that_creates_a_secret_says_it_is_shown_once() {
        for entry in COMMANDS {
            if let Runs::Verb(verb) = &entry.runs {
                let secret = verb.op.carries_secret && verb.op.writes;
                assert_eq!(verb.once.is_some(), secret, "{}", entry.words);
            }
        }
    }

    #[test]
    fn flags_become_a_checked_body_with_only_what_was_given() {
        let create = [
            "workspaces",
            "create",
            "--name",
            "研究",
            "--slug",
            "kenkyu",
            "--io-logging-api-key-ids",
            "1",
            "--io-logging-api-key-ids",
            "2",
            "--is-observability-broadcast-enabled",
            "false",
        ];
        let Ok(Plan::Call(call)) = plan(&create) else {
            panic!("a create plan");
        };
        assert_eq!(
            call.body().cloned().unwrap_or_default(),
            serde_json::json!({
                "name": "研究", "slug": "kenkyu", "io_logging_api_key_ids": [1, 2],
                "is_observability_broadcast_enabled": false
            })
        );
        let err = plan(&[
            "workspaces",
            "create",
            "--name",
            &"x".repeat(101),
            "--slug",
            "x",
        ])
        .expect_err("too long");
        assert!(err.contains("longer than 100"), "{err}");
        let err = plan(&["workspaces", "create", "--slug", "x"]).expect_err("--name is required");
        assert!(err.contains("--name"), "{err}");
        let err = plan(&["workspaces", "update", "w"]).expect_err("nothing to update");
        assert!(err.contains("openrouter workspaces update --help"), "{err}");
        let err = plan(&["keys", "create", "--name", " "]).expect_err("a blank name");
        assert!(err.contains("--name must not be empty"), "{err}");
    }

    /// A required query parameter is positional like a path's, and blank is refused.
    #[test]
    fn required_parameters_are_positional_and_not_blank() {
        assert!(matches!(plan(&["generation", "gen-1"]), Ok(Plan::Call(_))));
        let err = plan(&["generation", " "]).expect_err("blank");
        assert_eq!(err, "the id must not be empty");
        let err = plan(&["keys", "show", ""]).expect_err("blank");
        assert_eq!(err, "the hash must not be empty");
        let err = plan(&["keys", "list", "--sort", "size"]).expect_err("not a key");
        assert!(err.contains("usage"), "{err}");
    }
}
