//! The CLI's modules import one another one way only: this test reads every file under
//! `src/`, builds the graph of `crate::` references and fails on any cycle, printing it
//! with a file that shows each step.
//!
//! The rules of the graph:
//! - A node is a top-level module: `src/foo.rs`, or a directory `src/foo/` with all its
//!   files. A directory is one command family or one layer (`account/`, `output/`,
//!   `report/`) whose files share private helpers through `super::`: the parent
//!   (`mod.rs`) declares its children and a child uses its parent's items, which is
//!   Rust's ordinary shape and not a layering problem. Graphing each file would also
//!   need name resolution of relative paths (`super::x`, a sibling named after
//!   `use super::{..}`), which a text scan cannot do honestly; `crate::` paths it can.
//! - `foo` depends on `bar` when code of `foo` names `crate::bar` (or `$crate::bar`):
//!   in a `use`, a path, an attribute or a macro's input; comments and string literals
//!   do not count.
//! - Items under `#[cfg(test)]` are left out: a unit test may build the whole command
//!   tree to check a flag, which is not a dependency of the shipped program.
//!
//! And one layering rule on top: `output/` names no other module but `terminal` (the
//! leaf that makes network text safe for a terminal), so no command and not the command
//! tree can ever be imported by the code that renders.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

/// Each node, and for each module it names the first file that shows it.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read a source directory")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    let mut files = Vec::new();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

/// `text` with comments, string literals and char literals blanked out (each replaced
/// by a space), so that only code is left to scan.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if (c == 'r' || (c == 'b' && at(i + 1) == 'r'))
            && !at(i.wrapping_sub(1)).is_alphanumeric()
            && {
                let start = if c == 'b' { i + 2 } else { i + 1 };
                let mut j = start;
                while at(j) == '#' {
                    j += 1;
                }
                at(j) == '"'
            }
        {
            // A raw string: r"..", r#".."#, br"..".
            let mut j = if c == 'b' { i + 2 } else { i + 1 };
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (1..=hashes).all(|k| at(j + k) == '#') {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push(' ');
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push(' ');
        } else if c == '\'' && (at(i + 1) == '\\' || at(i + 2) == '\'') {
            // A char literal ('x', '\n', '\u{1F600}'); a lifetime ('a) has no closing quote.
            i += 1;
            if at(i) == '\\' {
                i += 1;
            }
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push(' ');
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `code` without the items marked `#[cfg(test)]`: from the attribute to the end of the
/// item (its `;`, or the `}` that closes its first `{`).
fn without_test_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(found) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..found]);
        let item = &rest[found..];
        let mut depth = 0usize;
        let mut end = item.len();
        for (i, c) in item.char_indices().skip("#[cfg(test)]".len()) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// The top-level modules that `code` names as `crate::name` or `crate::{a, b::c}`.
fn crate_references(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate") {
        let before = code.len() - rest.len() + at;
        let after = &rest[at + "crate".len()..];
        rest = after;
        let joined = code[..before]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let Some(path) = after.trim_start().strip_prefix("::") else {
            continue;
        };
        if joined {
            continue;
        }
        let path = path.trim_start();
        if let Some(list) = path.strip_prefix('{') {
            // Each name at the start of the list or after a comma at depth one.
            let mut depth = 1;
            let mut at_start = true;
            for (i, c) in list.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => at_start = true,
                    c if at_start && (c.is_alphanumeric() || c == '_') => {
                        found.insert(ident(&list[i..]));
                        at_start = false;
                    }
                    c if c.is_whitespace() => {}
                    _ => at_start = false,
                }
            }
        } else {
            let name = ident(path);
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// The crate's module graph, from the files under `src`.
fn module_graph(src: &Path) -> Graph {
    let mut graph = Graph::new();
    for path in rust_files(src) {
        let relative = path.strip_prefix(src).expect("a file under src/");
        let first = relative.components().next().expect("a file name");
        let node = Path::new(first.as_os_str())
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).expect("read a source file");
        let code = without_test_items(&code_only(&text));
        let edges = graph.entry(node.clone()).or_default();
        for target in crate_references(&code) {
            if target != node {
                edges
                    .entry(target)
                    .or_insert_with(|| format!("src/{}", relative.display()));
            }
        }
    }
    graph
}

/// The strongly connected groups of more than one module (Tarjan's algorithm).
fn circles(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, node: &'g str) {
        let n = s.index.len();
        s.index.insert(node, n);
        s.low.insert(node, n);
        s.stack.push(node);
        s.on_stack.insert(node);
        let graph = s.graph;
        for next in graph.get(node).into_iter().flat_map(|edges| edges.keys()) {
            let next = next.as_str();
            if !graph.contains_key(next) {
                continue;
            }
            if !s.index.contains_key(next) {
                visit(s, next);
                let low = s.low[node].min(s.low[next]);
                s.low.insert(node, low);
            } else if s.on_stack.contains(next) {
                let low = s.low[node].min(s.index[next]);
                s.low.insert(node, low);
            }
        }
        if s.low[node] == s.index[node] {
            let mut group = Vec::new();
            while let Some(top) = s.stack.pop() {
                s.on_stack.remove(top);
                group.push(top.to_string());
                if top == node {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                s.found.push(group);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.found
}

/// The shortest cycle through `start`: the modules in order, `start` first.
fn cycle_through(graph: &Graph, start: &str) -> Option<Vec<String>> {
    let mut came_from: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = VecDeque::from([start.to_string()]);
    while let Some(node) = queue.pop_front() {
        for next in graph.get(&node).into_iter().flat_map(|edges| edges.keys()) {
            if next == start {
                let mut path = vec![node.clone()];
                while let Some(previous) = came_from.get(path.last().expect("non-empty")) {
                    path.push(previous.clone());
                }
                path.reverse();
                return Some(path);
            }
            if next != start && !came_from.contains_key(next) {
                came_from.insert(next.clone(), node.clone());
                queue.push_back(next.clone());
            }
        }
    }
    None
}

/// Each circle as its modules and one cycle through it, step by step with the file
/// that makes each step.
fn describe(graph: &Graph) -> Vec<String> {
    circles(graph)
        .into_iter()
        .map(|group| {
            let cycle = cycle_through(graph, &group[0]).expect("a circle has a cycle");
            let steps: Vec<String> = cycle
                .iter()
                .zip(cycle.iter().cycle().skip(1))
                .map(|(from, to)| format!("{from} -> {to} ({})", graph[from][to]))
                .collect();
            format!(
                "circle of {} modules: {}\n    one cycle: {}",
                group.len(),
                group.join(", "),
                steps.join(", ")
            )
        })
        .collect()
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn the_cli_modules_import_each_other_without_cycles() {
    let graph = module_graph(&src());
    assert!(
        graph.len() > 20
            && ["main", "output", "args", "account"]
                .iter()
                .all(|m| graph.contains_key(*m)),
        "the graph should hold the crate's modules: {:?}",
        graph.keys()
    );
    let found = describe(&graph);
    assert!(
        found.is_empty(),
        "the CLI's modules import each other in a circle (`a -> b (file)`: that file of \
         `a` names crate::b):\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn output_names_no_command_and_not_the_command_tree() {
    let graph = module_graph(&src());
    let named: Vec<&String> = graph["output"]
        .keys()
        .filter(|module| *module != "terminal")
        .collect();
    assert!(
        named.is_empty(),
        "output/ should depend on nothing but `terminal`; it names {named:?} ({:?})",
        graph["output"]
    );
}

/// `verb/` is the engine of the friendly commands: it knows no command and no operation
/// by name (the table of them is `account/`), so a verb is data, never a code path.
#[test]
fn the_verb_engine_names_no_command_and_no_operation() {
    let graph = module_graph(&src());
    let commands = [
        "account", "activity", "api", "check", "forecast", "report", "resolve",
    ];
    let named: Vec<&String> = graph["verb"]
        .keys()
        .filter(|module| commands.contains(&module.as_str()))
        .collect();
    assert!(named.is_empty(), "verb/ names the commands {named:?}");
    for file in rust_files(&src().join("verb")) {
        let code = without_test_items(&code_only(
            &std::fs::read_to_string(&file).expect("read a source file"),
        ));
        assert!(
            !code.contains("ops::"),
            "{} names an operation (`ops::`): a verb's operation belongs in its entry",
            file.display()
        );
    }
}

/// A command returns what it prints (a `Printout`); only `main` opens stdout, in one
/// place (asking whether it is a terminal is not writing to it).
#[test]
fn only_main_writes_to_stdout() {
    let root = src();
    let mut writers = Vec::new();
    for file in rust_files(&root) {
        if file == root.join("main.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable");
        let code: String = without_test_items(&code_only(&text))
            .split_whitespace()
            .collect();
        let opened = code.matches("stdout()").count();
        let asked = code.matches("stdout().is_terminal()").count();
        if opened > asked {
            writers.push(file.display().to_string());
        }
    }
    assert!(
        writers.is_empty(),
        "stdout opened outside main.rs: {writers:?}"
    );
    // And main opens it once: every command returns a printout, written in one place.
    let main = std::fs::read_to_string(root.join("main.rs")).expect("readable");
    let code: String = without_test_items(&code_only(&main))
        .split_whitespace()
        .collect();
    let opened = code.matches("stdout()").count() - code.matches("stdout().is_terminal()").count();
    assert_eq!(opened, 1, "main.rs opens stdout {opened} times");
}

/// The checker itself, on made-up input: references are found in code only, test
/// items are left out, and a circle is found and named while a chain is not.
#[test]
fn the_check_finds_a_circle_and_not_a_chain() {
    let code = code_only(
        "use crate::{output::Format, global, report::{a, b}};\n\
         // use crate::commented;\n\
         /* crate::blocked */ let s = \"crate::quoted\"; let r = r#\"crate::raw\"#;\n\
         let c = '\"'; fn f<'a>(x: &'a str) { crate::exit::code(); }\n\
         #[arg(help_heading = crate::parse::HEADING)] struct A;\n\
         macro_rules! m { () => { $crate::flags::X } }\n\
         #[cfg(test)]\nmod tests { use crate::args::Cli; }\n\
         #[cfg(test)]\nmod test_alloc;\n\
         fn g() { my_crate::nothing(); }",
    );
    let refs = crate_references(&without_test_items(&code));
    assert_eq!(
        refs.into_iter().collect::<Vec<_>>(),
        ["exit", "flags", "global", "output", "parse", "report"]
    );

    let graph = |edges: &[(&str, &str)]| {
        let mut graph = Graph::new();
        for (from, to) in edges {
            graph.entry(to.to_string()).or_default();
            graph
                .entry(from.to_string())
                .or_default()
                .insert(to.to_string(), format!("src/{from}.rs"));
        }
        graph
    };
    let circle = graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e")]);
    assert_eq!(circles(&circle), [vec!["a", "b", "c"]]);
    assert_eq!(
        describe(&circle),
        [
            "circle of 3 modules: a, b, c\n    one cycle: a -> b (src/a.rs), \
          b -> c (src/b.rs), c -> a (src/c.rs)"
        ]
    );
    let chain = graph(&[("a", "b"), ("b", "c"), ("a", "c")]);
    assert!(circles(&chain).is_empty());
}
