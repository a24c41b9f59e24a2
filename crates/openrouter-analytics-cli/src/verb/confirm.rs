//! Asking before a deletion: on a terminal the user types `y`; without one, `--yes` is
//! the only way, so that a script never deletes by accident.

use std::io::{self, BufRead, IsTerminal, Write};

use crate::exit::Failure;

/// Whether a deletion may go ahead: `Ok(true)` when it needs a question on the
/// terminal, `Ok(false)` when `--yes` answered it, and a usage error when stdin is not
/// a terminal and there is no `--yes` (checked before anything is sent).
pub fn check(yes: bool, what: &str) -> Result<bool, String> {
    if yes {
        return Ok(false);
    }
    if io::stdin().is_terminal() {
        return Ok(true);
    }
    Err(format!(
        "refusing to delete {what} without confirmation: stdin is not a terminal, so \
         nobody can be asked; pass --yes to delete it"
    ))
}

/// Asks `Delete {what}? [y/N]` on stderr and reads the answer from stdin; anything but
/// yes leaves it alone (exit 1, nothing sent).
pub fn ask(what: &str) -> Result<(), Failure> {
    {
        let mut stderr = io::stderr().lock();
        let what = crate::terminal::safe(what);
        let _ = write!(stderr, "Delete {what}? This cannot be undone. [y/N] ");
        let _ = stderr.flush();
    }
    let mut answer = String::new();
    io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|err| Failure::other(format!("cannot read the answer: {err}")))?;
    if is_yes(&answer) {
        Ok(())
    } else {
        Err(Failure::other(format!("{what} was not deleted")))
    }
}

/// `y` or `yes` in any case, surrounding blanks ignored.
fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_yes_means_yes() {
        for yes in ["y", "Y", "yes", " YES \n", "y\r\n"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in ["", "\n", "n", "no", "yess", "ok", "y y"] {
            assert!(!is_yes(no), "{no:?}");
        }
    }

    #[test]
    fn yes_needs_no_question() {
        assert_eq!(check(true, "API key abc"), Ok(false));
    }
}
