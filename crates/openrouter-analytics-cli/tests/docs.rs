//! Every `openrouter ...` command line of the documentation (README.md, ARCHITECTURE.md and
//! docs/*.md, in fenced blocks and in inline code) parses against the real command tree.
//!
//! The built binary is run with the line's arguments and `OPENROUTER_PARSE_ONLY` set, which
//! makes it stop once clap has parsed them (exit 0) or refused them (exit 2): a doc that
//! names a subcommand, a flag or a value that does not exist fails here. Synopses are
//! expanded first: an optional `[--flag VALUE]` is taken as given, every alternative of
//! `a|b|c` is tried, and a placeholder (`YYYY-MM-DD`, `USD`, `HASH`...) is replaced by a
//! value of its kind. A line that only names a command (`openrouter api`) is checked with
//! `--help` when it cannot run without more arguments, and so is a line cut short with `...`
//! (`openrouter api ... --body`): the part before it must exist.
//!
//! Also here: the README's test command is the one `.ci/run` runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Lines the docs show on purpose although this command tree does not have them, with why.
/// Each must still be in the docs and must still fail to parse (so the list cannot rot).
const HYPOTHETICAL: &[(&str, &str)] = &[(
    "api probe probe-echo --text hi",
    "docs/spec.md: what an operation added to the spec (GET /probe/echo) gives",
)];

/// Placeholders and the value each is checked with: first those that depend on the flag
/// before them, then by name alone. A placeholder not listed is passed on as written
/// (clap takes it where the flag wants any text).
const AFTER_FLAG: &[(&str, &str, &str)] = &[("--clear", "FIELD", "description")];
const PLACEHOLDERS: &[(&str, &str)] = &[
    ("YYYY-MM-DD", "2026-11-01"),
    ("YYYY-MM", "2026-11"),
    ("DAY", "2026-11-26"),
    ("TIME", "2026-12-01T00:00:00Z"),
    ("DURATION", "30s"),
    ("SECS", "30"),
    ("USD", "25"),
    ("PERCENT", "80"),
    ("DAYS", "14"),
    ("FACTOR", "3"),
    ("SCORE", "7"),
    ("N", "5"),
    ("ID", "00000000-0000-4000-8000-000000000001"),
    ("HASH", "a1b2c3d4e5f6"),
    ("NAME", "ci-bot"),
    ("NAME_OR_HASH", "ci-bot"),
    ("EMAIL_OR_ID", "ana@example.com"),
    ("TARGET", "history.db"),
    ("FILE", "out.html"),
    ("URL", "https://hooks.example.com/services/T0"),
    ("PROVIDER", "openai"),
    ("CATEGORY", "programming"),
    ("<group>", "credits"),
    ("<method>", "get-credits"),
    ("<command>", "activity"),
];

/// The fenced blocks whose lines are commands: shell, crontab lines, a systemd unit's
/// `ExecStart=`, transcripts.
const SHELL_FENCES: &[&str] = &["", "sh", "bash", "shell", "console", "cron", "ini", "text"];

/// One `openrouter` command line found in a doc.
#[derive(Debug, Clone, PartialEq)]
struct Found {
    /// The doc and line it is on.
    place: String,
    /// The words after `openrouter`, as written.
    args: Vec<String>,
}

/// What a command line becomes once its synopsis is expanded.
#[derive(Debug, PartialEq)]
struct Expanded {
    /// The argument lists to parse: the first alternatives, then one list per other
    /// alternative of each word.
    variants: Vec<Vec<String>>,
    /// Cut short with a bare `...`: the words before it name a command, checked with `--help`.
    prefix_only: bool,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// README.md, ARCHITECTURE.md and every docs/*.md, relative to the workspace root.
fn doc_files(root: &Path) -> Vec<String> {
    let mut files = vec!["README.md".to_string(), "ARCHITECTURE.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// Shell-like words: whitespace separates, quotes group (and are removed). Each word says
/// whether any of it was quoted, so that a quoted `|` is not a pipe.
fn words(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => word.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                quoted = true;
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    out.push((std::mem::take(&mut word), quoted));
                }
                quoted = false;
                in_word = false;
            }
            None => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push((word, quoted));
    }
    out
}

/// Where a shell command ends: a pipe, a list operator, a redirection or a comment.
fn ends_command(word: &str) -> bool {
    matches!(word, "|" | "||" | "&&" | ";" | "&")
        || word.starts_with('>')
        || word.starts_with("2>")
        || word.starts_with('#')
}

/// The argument lists of every `openrouter` invocation in one line of shell (or one span
/// of inline code): after a word `openrouter` (or a path ending in `/openrouter`), or after
/// `cargo run -p openrouter-analytics-cli --`, up to the end of the command.
fn invocations(text: &str) -> Vec<Vec<String>> {
    let words = words(text);
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (word, quoted) = &words[i];
        let start = if !quoted && (word == "openrouter" || word.ends_with("/openrouter")) {
            Some(i + 1)
        } else {
            let cargo = ["cargo", "run", "-p", "openrouter-analytics-cli", "--"];
            let here: Vec<&str> = words[i..]
                .iter()
                .take(cargo.len())
                .map(|(w, _)| w.as_str())
                .collect();
            (here == cargo).then_some(i + cargo.len())
        };
        let Some(start) = start else {
            i += 1;
            continue;
        };
        let mut end = start;
        // A quoted `|` or `#` is text, not the end of the command.
        while end < words.len() && (words[end].1 || !ends_command(&words[end].0)) {
            end += 1;
        }
        let args: Vec<String> = words[start..end].iter().map(|(w, _)| w.clone()).collect();
        // `openrouter` alone is the tool's name, not a command line.
        if !args.is_empty() {
            found.push(args);
        }
        i = end.max(i + 1);
    }
    found
}

/// The inline code spans of a paragraph: text between runs of the same number of backticks.
fn code_spans(text: &str) -> Vec<(usize, String)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
        let open = i;
        let body = i + run;
        let mut j = body;
        let mut close = None;
        while j < bytes.len() {
            if bytes[j] == b'`' {
                let n = bytes[j..].iter().take_while(|&&b| b == b'`').count();
                if n == run {
                    close = Some(j);
                    break;
                }
                j += n;
            } else {
                j += 1;
            }
        }
        match close {
            Some(close) => {
                spans.push((open, text[body..close].trim().replace("\\|", "|")));
                i = close + run;
            }
            None => i = body,
        }
    }
    spans
}

/// Every `openrouter` command line of one Markdown file: each line of a fenced block (with
/// `\` continuations joined) and each inline code span of a paragraph (spans may wrap).
fn find_commands(file: &str, markdown: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut push = |line: usize, text: &str| {
        for args in invocations(text) {
            found.push(Found {
                place: format!("{file}:{line}"),
                args,
            });
        }
    };
    let mut fenced = false;
    // Inside a fence of shell, a crontab or a unit file (not Rust, SQL, YAML...).
    let mut shell = false;
    let mut continued: Option<(usize, String)> = None;
    // The paragraph so far: its text (lines joined by spaces) and where each line starts.
    let mut paragraph = String::new();
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let mut flush = |paragraph: &mut String, starts: &mut Vec<(usize, usize)>| {
        for (offset, span) in code_spans(paragraph) {
            let line = starts
                .iter()
                .rev()
                .find(|(start, _)| *start <= offset)
                .map_or(0, |(_, line)| *line);
            push(line, &span);
        }
        paragraph.clear();
        starts.clear();
    };
    let mut fence_lines = Vec::new();
    for (index, line) in markdown.lines().enumerate() {
        let number = index + 1;
        if let Some(info) = line.trim_start().strip_prefix("```") {
            flush(&mut paragraph, &mut starts);
            fenced = !fenced;
            shell = fenced && SHELL_FENCES.contains(&info.trim());
            continue;
        }
        if fenced && !shell {
            continue;
        }
        if fenced {
            let (first, mut text) = continued.take().unwrap_or((number, String::new()));
            text.push_str(line.trim_end().trim_end_matches('\\'));
            text.push(' ');
            if line.trim_end().ends_with('\\') {
                continued = Some((first, text));
            } else {
                // A transcript's prompt is not part of the command.
                let text = text.trim_start().trim_start_matches("$ ").to_string();
                fence_lines.push((first, text));
            }
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut paragraph, &mut starts);
        } else {
            starts.push((paragraph.len(), number));
            paragraph.push_str(line);
            paragraph.push(' ');
        }
    }
    flush(&mut paragraph, &mut starts);
    for (line, text) in fence_lines {
        push(line, &text);
    }
    found.sort_by_key(|f| {
        f.place
            .rsplit(':')
            .next()
            .and_then(|n| n.parse::<usize>().ok())
    });
    found
}

fn is_placeholder(word: &str) -> bool {
    let upper = word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-');
    upper || (word.starts_with('<') && word.ends_with('>'))
}

fn substitute(word: &str, previous: Option<&str>) -> String {
    if !is_placeholder(word) {
        return word.to_string();
    }
    if let Some((_, _, value)) = AFTER_FLAG
        .iter()
        .find(|(flag, name, _)| Some(*flag) == previous && *name == word)
    {
        return value.to_string();
    }
    PLACEHOLDERS
        .iter()
        .find(|(name, _)| *name == word)
        .map_or_else(|| word.to_string(), |(_, value)| value.to_string())
}

/// A synopsis made into argument lists (see [`Expanded`]).
fn expand(args: &[String]) -> Expanded {
    let mut choices: Vec<Vec<String>> = Vec::new();
    let mut depth = 0usize;
    let mut prefix_only = false;
    let mut previous: Option<String> = None;
    for arg in args {
        let opens = arg.matches('[').count();
        let closes = arg.matches(']').count();
        let inside = depth + opens > 0;
        depth = (depth + opens).saturating_sub(closes);
        let word = arg.trim_end_matches("...").replace(['[', ']'], "");
        let word = word.trim_end_matches("...");
        if word.is_empty() || word == ".." {
            if !inside && (arg == "..." || arg == "..") {
                prefix_only = true;
                break;
            }
            continue;
        }
        let alternatives: Vec<String> = if word.contains('|') && !word.starts_with('-') {
            word.split('|')
                .map(|alt| substitute(alt, previous.as_deref()))
                .collect()
        } else if let Some((flag, values)) = word.split_once('=').filter(|_| word.contains('|')) {
            values
                .split('|')
                .map(|value| format!("{flag}={value}"))
                .collect()
        } else {
            vec![substitute(word, previous.as_deref())]
        };
        previous = Some(word.to_string());
        choices.push(alternatives);
    }
    let base: Vec<String> = choices.iter().map(|c| c[0].clone()).collect();
    let mut variants = vec![base.clone()];
    for (i, alternatives) in choices.iter().enumerate() {
        for alternative in &alternatives[1..] {
            let mut variant = base.clone();
            variant[i] = alternative.clone();
            variants.push(variant);
        }
    }
    Expanded {
        variants,
        prefix_only,
    }
}

/// Runs the binary on `args` in parse-only mode: `Err` with clap's message when it refuses.
fn parses(args: &[String]) -> Result<(), String> {
    let output = Command::new(env!("CARGO_BIN_EXE_openrouter"))
        .args(args)
        .env_clear()
        .env("OPENROUTER_PARSE_ONLY", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run openrouter");
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(stderr.lines().next().unwrap_or("(no message)").to_string())
    }
}

/// Checks one command line of a doc; `Err` says which argument list failed and why.
fn check(found: &Found) -> Result<usize, String> {
    let expanded = expand(&found.args);
    let names_only = found
        .args
        .iter()
        .all(|a| a.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !a.starts_with('-'));
    let mut checked = 0;
    for variant in &expanded.variants {
        let mut args = variant.clone();
        if expanded.prefix_only {
            args.push("--help".into());
        }
        let result = parses(&args).or_else(|err| {
            // Only names: the line names a command, which may need more to run.
            if names_only && !expanded.prefix_only {
                let mut help = variant.clone();
                help.push("--help".into());
                parses(&help).map_err(|_| err)
            } else {
                Err(err)
            }
        });
        result.map_err(|err| {
            format!(
                "{}: `openrouter {}` (checked as `openrouter {}`): {err}",
                found.place,
                found.args.join(" "),
                args.join(" ")
            )
        })?;
        checked += 1;
    }
    Ok(checked)
}

fn is_hypothetical(found: &Found) -> bool {
    let line = found.args.join(" ");
    HYPOTHETICAL.iter().any(|(text, _)| *text == line)
}

#[test]
fn every_openrouter_command_in_the_docs_parses() {
    let root = workspace_root();
    let mut failures = Vec::new();
    let (mut lines, mut runs) = (0, 0);
    let mut hypothetical_seen = Vec::new();
    for file in doc_files(&root) {
        let text =
            std::fs::read_to_string(root.join(&file)).unwrap_or_else(|err| panic!("{file}: {err}"));
        // An unclosed fence would turn the rest of the file into code (and hide its
        // inline commands from this test).
        let fences = text
            .lines()
            .filter(|line| line.trim_start().starts_with("```"))
            .count();
        assert!(fences % 2 == 0, "{file} has an unclosed ``` fence");
        for found in find_commands(&file, &text) {
            if is_hypothetical(&found) {
                hypothetical_seen.push(found.args.join(" "));
                continue;
            }
            lines += 1;
            match check(&found) {
                Ok(n) => runs += n,
                Err(err) => failures.push(err),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} command line(s) of the docs do not parse:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The extractor must keep finding the docs' commands (94 lines when this was written).
    assert!(lines >= 80, "only {lines} command lines found");
    for (text, why) in HYPOTHETICAL {
        assert!(
            hypothetical_seen.iter().any(|seen| seen == text),
            "`openrouter {text}` ({why}) is no longer in the docs: drop it from HYPOTHETICAL"
        );
    }
    eprintln!("{lines} command lines of the docs, {runs} argument lists parsed");
}

#[test]
fn the_hypothetical_commands_do_not_parse() {
    for (text, why) in HYPOTHETICAL {
        let args: Vec<String> = text.split(' ').map(String::from).collect();
        assert!(
            parses(&args).is_err(),
            "`openrouter {text}` ({why}) exists now: drop it from HYPOTHETICAL"
        );
    }
}

#[test]
fn the_extractor_finds_fenced_and_inline_commands() {
    let doc = "Run `openrouter keys list\n--sort usage` first; `openrouter-mock` and\n\
               `openrouter` are names.\n\n\
               | a | `openrouter keys list [--sort usage\\|name]` |\n\n\
               ```sh\n\
               $ openrouter activity --date 2026-11-01 | jq '.data[]'\n\
               OPENROUTER_API_KEY=\"$(cat k)\" /usr/local/bin/openrouter sync \\\n  --progress never 2>>log\n\
               cargo run -p openrouter-analytics-cli -- report   # writes a file\n\
               openrouter-mock --today 2026-11-26\n\
               ```\n";
    let found = find_commands("doc.md", doc);
    let lines: Vec<(String, String)> = found
        .iter()
        .map(|f| (f.place.clone(), f.args.join(" ")))
        .collect();
    let expected = [
        ("doc.md:1", "keys list --sort usage"),
        ("doc.md:5", "keys list [--sort usage|name]"),
        ("doc.md:8", "activity --date 2026-11-01"),
        ("doc.md:9", "sync --progress never"),
        ("doc.md:11", "report"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, a)| (p.to_string(), a.to_string()))
        .collect();
    assert_eq!(lines, expected);
}

#[test]
fn synopses_expand_to_every_alternative_with_placeholders_filled() {
    let args = |s: &str| -> Vec<String> { s.split(' ').map(String::from).collect() };
    let expanded = expand(&args(
        "keys update HASH [--limit USD] [--sort usage|name] [--clear FIELD]... [...]",
    ));
    assert!(!expanded.prefix_only);
    assert_eq!(
        expanded.variants,
        [
            args("keys update a1b2c3d4e5f6 --limit 25 --sort usage --clear description"),
            args("keys update a1b2c3d4e5f6 --limit 25 --sort name --clear description"),
        ]
    );
    let cut = expand(&args("api ... --body"));
    assert!(cut.prefix_only);
    assert_eq!(cut.variants, [args("api")]);
}

/// The check fails on a line that names a flag, a subcommand or a value that does not
/// exist, and on an alternative of a synopsis that does not.
#[test]
fn a_doc_line_that_names_what_does_not_exist_fails() {
    let doc = "Try `openrouter keys list --no-such-flag`, `openrouter activity -f yaml` and\n\
               `openrouter keys list [--sort usage\\|bogus]`.\n\n\
               ```sh\nopenrouter no-such-command --by model\nopenrouter api ... --body\n```\n\
               and `openrouter keys list --sort usage` works.\n";
    let found = find_commands("bad.md", doc);
    assert_eq!(found.len(), 6, "{found:?}");
    let results: Vec<Result<usize, String>> = found.iter().map(check).collect();
    for (found, result) in found.iter().zip(&results).take(4) {
        let err = result
            .as_ref()
            .expect_err(&format!("{found:?} must fail the check"));
        assert!(err.starts_with("bad.md:"), "{err}");
    }
    assert!(
        results[0].as_ref().unwrap_err().contains("--no-such-flag"),
        "{:?}",
        results[0]
    );
    // `openrouter api ... --body` is cut short: `openrouter api --help` exists. The last
    // line parses as written.
    assert_eq!(results[4], Ok(1));
    assert_eq!(results[5], Ok(1));
}

/// docs/cli.md lists every command `openrouter --help` shows (the other direction, that
/// every command the docs name exists, is the parse test above).
#[test]
fn every_command_of_the_tool_is_in_the_cli_page() {
    let cli_md = std::fs::read_to_string(workspace_root().join("docs/cli.md")).expect("cli.md");
    let output = Command::new(env!("CARGO_BIN_EXE_openrouter"))
        .arg("--help")
        .env_clear()
        .output()
        .expect("run openrouter --help");
    let help = String::from_utf8(output.stdout).expect("UTF-8 help");
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    assert!(commands.len() >= 19, "{help}");
    let missing: Vec<&&str> = commands
        .iter()
        .filter(|name| !cli_md.contains(&format!("`openrouter {name}")))
        .collect();
    assert!(missing.is_empty(), "docs/cli.md does not list {missing:?}");
}

/// The README gives newcomers the test command CI runs, word for word.
#[test]
fn the_readme_test_command_is_the_one_ci_runs() {
    let root = workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let ci = std::fs::read_to_string(root.join(".ci/run")).expect(".ci/run");
    let mut fenced = false;
    let mut command = None;
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if fenced && line.trim_start().starts_with("cargo test") {
            command = Some(line.split(" #").next().unwrap_or(line).trim().to_string());
            break;
        }
    }
    let command = command.expect("README.md has a fenced `cargo test ...` line");
    assert!(
        ci.lines().any(|line| line.trim() == command),
        "README.md says `{command}`, which .ci/run does not run"
    );
}

/// Every count of operations the README and the library page state is the spec's:
/// "N operations", "all N", "(N)" after "operation of the spec".
#[test]
fn the_docs_count_the_operations_there_are() {
    let root = workspace_root();
    let there_are = openrouter_analytics::operations().len();
    let mut counted = 0;
    for file in ["README.md", "docs/library.md"] {
        let text = std::fs::read_to_string(root.join(file)).expect(file);
        let words: Vec<&str> = text.split_whitespace().collect();
        for (i, word) in words.iter().enumerate() {
            let Ok(n) = word
                .trim_matches(|c: char| !c.is_ascii_digit())
                .parse::<usize>()
            else {
                continue;
            };
            if !word.chars().any(|c| c.is_ascii_digit()) || word.contains(['-', ':', '/']) {
                continue;
            }
            let next = words.get(i + 1).copied().unwrap_or("");
            let before = if i > 0 { words[i - 1] } else { "" };
            let names_operations = next.starts_with("operations")
                || before == "all"
                || (word.starts_with('(') && before == "spec");
            if names_operations {
                assert_eq!(n, there_are, "{file}: `{before} {word} {next}`");
                counted += 1;
            }
        }
    }
    assert!(counted >= 4, "found only {counted} counts to check");
}
