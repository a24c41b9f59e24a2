//! Reading OpenAPI documents from disk.

use std::path::Path;

/// Our spec, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/openrouter.yaml";

/// Reads and parses our spec as OpenAPI 3.0, naming the file (and line, where the
/// parser knows it) in every error.
pub fn load_openapi(path: &Path) -> Result<openapiv3::OpenAPI, String> {
    let text = read(path)?;
    let spec: openapiv3::OpenAPI = serde_yaml_ng::from_str(&text).map_err(|err| {
        format!(
            "{}: not a valid OpenAPI 3.0 document: {err}",
            path.display()
        )
    })?;
    if !spec.openapi.starts_with("3.0.") {
        return Err(format!(
            "{}: `openapi: {}` is not supported; progenitor reads OpenAPI 3.0.x only",
            path.display(),
            spec.openapi
        ));
    }
    Ok(spec)
}

/// Reads any YAML or JSON document as an untyped tree (used for documents that are
/// not OpenAPI 3.0, such as upstream's 3.1 spec).
pub fn load_value(path: &Path) -> Result<serde_json::Value, String> {
    let text = read(path)?;
    let is_json = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
    if is_json {
        serde_json::from_str(&text)
            .map_err(|err| format!("{}: invalid JSON: {err}", path.display()))
    } else {
        serde_yaml_ng::from_str(&text)
            .map_err(|err| format!("{}: invalid YAML: {err}", path.display()))
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|err| format!("{}: cannot read: {err}", path.display()))
}

/// Reads any YAML or JSON document keeping the order of every mapping, for tasks that
/// write a document back (JSON is read as YAML, of which it is a subset).
pub fn load_ordered(path: &Path) -> Result<serde_yaml_ng::Value, String> {
    let text = read(path)?;
    serde_yaml_ng::from_str(&text).map_err(|err| format!("{}: invalid YAML: {err}", path.display()))
}

/// Longest line a folded (`>-`) string is wrapped to.
const WRAP_WIDTH: usize = 82;

/// A one-line string that would end past this column is folded instead.
const FOLD_AFTER: usize = 100;

/// Renders a YAML tree in the style of our hand-maintained spec: block style, two spaces
/// per level, sequences indented under their key, strings plain where YAML 1.1 and 1.2
/// readers alike read them back as the same string, single-quoted otherwise, long one-line prose folded (`>-`).
/// The output is a function of the tree alone, so writing a document twice gives the
/// same bytes.
pub fn to_yaml(value: &serde_yaml_ng::Value) -> String {
    let mut out = String::new();
    match value {
        serde_yaml_ng::Value::Mapping(map) if !map.is_empty() => emit_mapping(map, 0, &mut out),
        serde_yaml_ng::Value::Sequence(seq) if !seq.is_empty() => emit_sequence(seq, 0, &mut out),
        other => {
            out.push_str(&scalar(other, 0, 0));
            out.push('\n');
        }
    }
    out
}

fn emit_mapping(map: &serde_yaml_ng::Mapping, indent: usize, out: &mut String) {
    for (key, value) in map {
        out.push_str(&" ".repeat(indent));
        let key = scalar(key, indent, usize::MAX);
        out.push_str(&key);
        out.push(':');
        emit_child(value, indent, indent + key.len() + 2, out);
    }
}

fn emit_sequence(seq: &[serde_yaml_ng::Value], indent: usize, out: &mut String) {
    for item in seq {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            serde_yaml_ng::Value::Mapping(map) if !map.is_empty() => {
                // The first entry shares the dash's line; the rest align under it.
                let mut first = String::new();
                emit_mapping(map, indent + 2, &mut first);
                out.push(' ');
                out.push_str(first.trim_start_matches(' '));
            }
            _ => emit_child(item, indent, indent + 2, out),
        }
    }
}

/// Writes what follows `key:` or `-`: a nested block or ` scalar` and the newline.
fn emit_child(value: &serde_yaml_ng::Value, indent: usize, column: usize, out: &mut String) {
    match value {
        serde_yaml_ng::Value::Mapping(map) if !map.is_empty() => {
            out.push('\n');
            emit_mapping(map, indent + 2, out);
        }
        serde_yaml_ng::Value::Sequence(seq) if !seq.is_empty() => {
            out.push('\n');
            emit_sequence(seq, indent + 2, out);
        }
        serde_yaml_ng::Value::Tagged(tagged) => {
            out.push_str(&format!(" {}", tagged.tag));
            emit_child(&tagged.value, indent, column, out);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other, indent, column));
            out.push('\n');
        }
    }
}

/// One scalar (or empty collection). `indent` is the enclosing block's indentation,
/// `column` where the scalar would start; a string too long for one line is folded.
fn scalar(value: &serde_yaml_ng::Value, indent: usize, column: usize) -> String {
    match value {
        serde_yaml_ng::Value::Null => "null".to_string(),
        serde_yaml_ng::Value::Bool(b) => b.to_string(),
        serde_yaml_ng::Value::Number(n) => n.to_string(),
        serde_yaml_ng::Value::String(s) => string_scalar(s, indent, column),
        serde_yaml_ng::Value::Sequence(_) => "[]".to_string(),
        serde_yaml_ng::Value::Mapping(_) => "{}".to_string(),
        serde_yaml_ng::Value::Tagged(tagged) => {
            format!("{} {}", tagged.tag, scalar(&tagged.value, indent, column))
        }
    }
}

fn string_scalar(s: &str, indent: usize, column: usize) -> String {
    let foldable = !s.contains('\n')
        && !s.contains("  ")
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && s.chars().all(|c| !c.is_control());
    if column != usize::MAX && foldable && column.saturating_add(s.len()) > FOLD_AFTER {
        let pad = " ".repeat(indent + 2);
        let mut text = String::from(">-");
        let mut line = String::new();
        for word in s.split(' ') {
            if !line.is_empty() && pad.len() + line.len() + 1 + word.len() > WRAP_WIDTH {
                text.push('\n');
                text.push_str(&pad);
                text.push_str(&line);
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        text.push('\n');
        text.push_str(&pad);
        text.push_str(&line);
        return text;
    }
    if is_plain_safe(s) {
        s.to_string()
    } else if s.chars().all(|c| !c.is_control()) {
        format!("'{}'", s.replace('\'', "''"))
    } else {
        // JSON's escapes are valid in YAML's double-quoted style.
        serde_json::Value::String(s.to_string()).to_string()
    }
}

/// Whether `s` can be written unquoted and still read back as this exact string.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    // Anything starting with a digit is quoted (numbers, dates, times, YAML 1.1's
    // `1_000`, `0x1f`, `1:30` and `1.2.3` floats), even where YAML 1.2 reads a string.
    if first.is_ascii_digit()
        || yaml_1_1_word(s)
        || "-?:,[]{}#&*!|>'\"%@`.+=<~ ".contains(first)
        || s.ends_with(' ')
        || s.ends_with(':')
        || s.contains(": ")
        || s.contains(" #")
        || s.chars().any(|c| c.is_control())
    {
        return false;
    }
    matches!(
        serde_yaml_ng::from_str::<serde_yaml_ng::Value>(s),
        Ok(serde_yaml_ng::Value::String(back)) if back == s
    )
}

/// The words YAML 1.1 readers (PyYAML, many OpenAPI tools) resolve to a boolean or null
/// where YAML 1.2 reads a string (`NO` the country is `false` to them); matched in any
/// case, beyond what either version resolves, so no reader disagrees.
fn yaml_1_1_word(s: &str) -> bool {
    const WORDS: [&str; 10] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    ];
    WORDS.iter().any(|word| s.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_rendering_round_trips_and_is_stable() {
        let text = r#"
a:
  - name: x
    in: query
    required: true
  - plain
b:
  '200':
    $ref: '#/components/x'
  date: '2026-11-01'
  yes_word: 'true'
  colon: 'a: b'
  empty_list: []
  empty_map: {}
  n: 1.5
  long: one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen
"#;
        let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).expect("parses");
        let rendered = to_yaml(&value);
        let back: serde_yaml_ng::Value = serde_yaml_ng::from_str(&rendered).expect("reparses");
        assert_eq!(back, value, "{rendered}");
        assert_eq!(to_yaml(&back), rendered);
        assert!(
            rendered.contains("  - name: x\n    in: query\n"),
            "{rendered}"
        );
        assert!(rendered.contains("'200':"), "{rendered}");
        assert!(rendered.contains("yes_word: 'true'"), "{rendered}");
        assert!(rendered.contains("long: >-\n    one two"), "{rendered}");
    }

    #[test]
    fn our_spec_renders_to_the_same_document() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(SPEC_PATH);
        let value = load_ordered(&path).expect("our spec parses");
        let rendered = to_yaml(&value);
        if let Ok(dump) = std::env::var("XTASK_DUMP_RENDERED") {
            std::fs::write(dump, &rendered).expect("dump");
        }
        // Same facts, and a fixed point: a second rendering changes nothing. (Byte for
        // byte the same as the hand-written file too, when written in the same style.)
        let back: serde_yaml_ng::Value = serde_yaml_ng::from_str(&rendered).expect("reparses");
        assert_eq!(back, value);
        assert_eq!(to_yaml(&back), rendered);
    }

    #[test]
    fn words_and_numbers_some_yaml_reads_as_non_strings_are_quoted() {
        let mut map = serde_yaml_ng::Mapping::new();
        for word in AMBIGUOUS {
            map.insert((*word).into(), (*word).into());
        }
        let rendered = to_yaml(&serde_yaml_ng::Value::Mapping(map.clone()));
        for word in AMBIGUOUS {
            let quoted = format!("'{word}': '{word}'\n");
            assert!(rendered.contains(&quoted), "{word}: {rendered}");
        }
        let back: serde_yaml_ng::Value = serde_yaml_ng::from_str(&rendered).expect("reparses");
        assert_eq!(back, serde_yaml_ng::Value::Mapping(map));
        // Ordinary words stay plain.
        let plain = to_yaml(&serde_yaml_ng::Value::String("NOK".into()));
        assert_eq!(plain, "NOK\n");
    }

    /// Strings a YAML 1.1 reader resolves otherwise (booleans, null, numbers, dates,
    /// sexagesimals, merge and value keys), and some YAML 1.2 does.
    const AMBIGUOUS: &[&str] = &[
        "NO",
        "no",
        "No",
        "yes",
        "Yes",
        "YES",
        "y",
        "Y",
        "n",
        "N",
        "on",
        "On",
        "ON",
        "off",
        "OFF",
        "true",
        "False",
        "null",
        "NULL",
        "~",
        "1",
        "1.5",
        "1.2.3",
        "1_000",
        "0x1F",
        "0o17",
        "017",
        "1:30",
        "190:20:30",
        "1e3",
        "2026-01-01",
        ".5",
        ".inf",
        ".NaN",
        "+1",
        "-1",
        "<<",
        "=",
    ];

    /// The Python of the project's tool environment (see `.ci/run`), else `python3`, if
    /// it has PyYAML: a YAML 1.1 reader, the one most tools around OpenAPI use.
    fn pyyaml() -> Option<std::path::PathBuf> {
        let venv = std::env::var_os("OPENROUTER_PY_TOOLS")
            .map(std::path::PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .map(|home| Path::new(&home).join(".cache/openrouter-ci/py-tools"))
            });
        let candidates = venv
            .map(|dir| dir.join("bin/python"))
            .into_iter()
            .chain([std::path::PathBuf::from("python3")]);
        for python in candidates {
            let ok = std::process::Command::new(&python)
                .args(["-c", "import yaml"])
                .output()
                .is_ok_and(|out| out.status.success());
            if ok {
                return Some(python);
            }
        }
        let why = "no Python with PyYAML (the YAML 1.1 reader)";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true and the YAML 1.1 comparison cannot run: {why}");
        }
        eprintln!(
            "\n*** SKIPPING the YAML 1.1 reader's half of this test: {why} ***\n\
             *** (`.ci/run` installs it; under CI=true this fails) ***\n"
        );
        None
    }

    /// `text` as PyYAML's safe loader reads it, as JSON (a value JSON has no form for,
    /// such as a date, fails the load).
    fn read_with_pyyaml(python: &Path, text: &str) -> serde_json::Value {
        use std::io::Write;
        let mut child = std::process::Command::new(python)
            .args([
                "-c",
                "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("python starts");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write yaml");
        let out = child.wait_with_output().expect("python runs");
        assert!(
            out.status.success(),
            "PyYAML cannot read it: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    }

    #[test]
    fn yaml_1_1_and_1_2_readers_read_our_spec_and_our_rendering_the_same() {
        let Some(python) = pyyaml() else { return };
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(SPEC_PATH);
        let text = std::fs::read_to_string(&path).expect("spec");
        // serde_yaml_ng resolves scalars by YAML 1.2's core schema.
        let yaml_1_2: serde_json::Value = serde_yaml_ng::from_str(&text).expect("1.2 reads it");
        let yaml_1_1 = read_with_pyyaml(&python, &text);
        if yaml_1_1 != yaml_1_2 {
            let a = serde_json::to_string_pretty(&yaml_1_2).expect("json");
            let b = serde_json::to_string_pretty(&yaml_1_1).expect("json");
            let diff = similar::TextDiff::from_lines(&a, &b);
            panic!(
                "{SPEC_PATH}: YAML 1.2 (-) and 1.1 (+) readers disagree:\n{}",
                diff.unified_diff().context_radius(2)
            );
        }

        // What the import writes: every ambiguous word, as key, value and list item.
        let mut map = serde_yaml_ng::Mapping::new();
        for word in AMBIGUOUS {
            map.insert((*word).into(), (*word).into());
        }
        map.insert(
            "enum".into(),
            serde_yaml_ng::Value::Sequence(AMBIGUOUS.iter().map(|w| (*w).into()).collect()),
        );
        let rendered = to_yaml(&serde_yaml_ng::Value::Mapping(map));
        let yaml_1_2: serde_json::Value = serde_yaml_ng::from_str(&rendered).expect("1.2 reads it");
        assert_eq!(read_with_pyyaml(&python, &rendered), yaml_1_2, "{rendered}");
    }
}
