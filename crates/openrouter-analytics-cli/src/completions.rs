//! `openrouter completions SHELL`: the shell completion script, from the same command
//! definition that parses the command line, so it never falls behind a new flag.

use std::io::{self, Write};

use clap::Args;
use clap_complete::Shell;

/// `openrouter completions`.
#[derive(Debug, Args)]
#[command(after_help = "Install, e.g.:\n  \
    bash:       openrouter completions bash > ~/.local/share/bash-completion/completions/openrouter\n  \
    zsh:        openrouter completions zsh > \"${fpath[1]}/_openrouter\"\n  \
    fish:       openrouter completions fish > ~/.config/fish/completions/openrouter.fish\n  \
    powershell: openrouter completions powershell >> $PROFILE")]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Writes the completion script for `shell` to `out`. `command` is the whole command
/// tree (`Cli::command()`), handed down by `main` so that this module need not import
/// the tree that names it.
pub fn print(shell: Shell, mut command: clap::Command, out: &mut dyn Write) -> io::Result<()> {
    let name = command.get_name().to_string();
    clap_complete::generate(shell, &mut command, name, out);
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_naming_the_commands() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell] {
            let mut out = Vec::new();
            print(shell, crate::args::command(), &mut out).expect("generate");
            let script = String::from_utf8(out).expect("utf-8");
            assert!(script.contains("openrouter"), "{shell}");
            for command in ["activity", "report", "completions"] {
                assert!(script.contains(command), "{shell}: {command}");
            }
        }
    }
}
