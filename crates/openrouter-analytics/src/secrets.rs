//! The secret values a call puts in its request, and the one step that scrubs them out
//! of whatever text comes back from the server before it reaches an [`Error`]'s
//! `Display`, `Debug`, accessors or a log line.
//!
//! A server (or a proxy, or something pretending to be OpenRouter) may quote the
//! request in its answer: `400 {"error":{"message":"invalid config: {...the body...}"}}`.
//! The client knows what it sent: the API key, per-call header values, and the body
//! fields the spec marks as secret (`format: password`, or an object of credentials
//! such as an observability destination's `config`). Each of them is replaced by
//! [`REDACTED`] wherever it shows up in server text, also in the escaped forms a JSON
//! encoder or a URL encoder gives it.
//!
//! [`Error`]: crate::Error

use std::borrow::Cow;

use serde_json::Value;

/// What a secret is replaced with.
pub(crate) const REDACTED: &str = "<redacted>";

/// Values shorter than this are not scrubbed: too short to be a credential, and
/// replacing every `us` or `t` in a message would garble it. (The API key and provider
/// keys are far longer.)
const MIN_SECRET_CHARS: usize = 4;

/// The secrets of one call, in every form they are looked for. `pub` in a private module,
/// as the sealed `Sender` trait that names it: nameable by this crate only.
#[derive(Clone, Debug, Default)]
pub struct Secrets {
    /// Longest first, so that an escaped form is replaced before a shorter form that it
    /// contains.
    needles: Vec<String>,
}

impl Secrets {
    /// Adds `value` (and its escaped forms).
    pub(crate) fn add(&mut self, value: &str) {
        if value.chars().count() < MIN_SECRET_CHARS {
            return;
        }
        let escaped = json_escaped(value);
        let forms = [
            value.to_owned(),
            ascii_escaped(&escaped),
            escaped.replace('/', "\\/"),
            json_escaped(&escaped),
            percent_encoded(value),
            // As a form body carries it (space as `+`, `~` escaped), which a token
            // endpoint may quote back.
            form_urlencoded::byte_serialize(value.as_bytes()).collect(),
            escaped,
        ];
        for form in forms {
            if !self.needles.contains(&form) {
                self.needles.push(form);
            }
        }
        self.needles
            .sort_by_key(|needle| std::cmp::Reverse(needle.len()));
    }

    /// Adds every string inside `value` (object keys are names, not secrets).
    pub(crate) fn add_json(&mut self, value: &Value) {
        match value {
            Value::String(text) => self.add(text),
            Value::Array(items) => items.iter().for_each(|item| self.add_json(item)),
            Value::Object(map) => map.values().for_each(|item| self.add_json(item)),
            _ => {}
        }
    }

    /// Adds the strings of the top-level `fields` of a JSON request body.
    pub(crate) fn add_fields(&mut self, body: &Value, fields: &[&str]) {
        for field in fields {
            if let Some(value) = body.get(field) {
                self.add_json(value);
            }
        }
    }

    /// Adds the strings of the `fields` of a typed request body (its builder, as the
    /// generated calls hold it), through its JSON form. A body that does not build
    /// yet adds nothing: the call fails validation before anything is sent, with a
    /// message that names the field rather than quoting its value.
    pub(crate) fn add_typed_fields<T, B>(&mut self, body: &B, fields: &[&str])
    where
        B: Clone,
        T: TryFrom<B> + serde::Serialize,
    {
        if let Ok(body) = T::try_from(body.clone())
            && let Ok(json) = serde_json::to_value(&body)
        {
            self.add_fields(&json, fields);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// Whether `text` holds a secret.
    pub(crate) fn found_in(&self, text: &str) -> bool {
        self.needles
            .iter()
            .any(|needle| text.contains(needle.as_str()))
    }

    /// `text` with every secret replaced by [`REDACTED`].
    pub(crate) fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut text = Cow::Borrowed(text);
        for needle in &self.needles {
            if text.contains(needle.as_str()) {
                text = Cow::Owned(text.replace(needle.as_str(), REDACTED));
            }
        }
        text
    }

    /// Scrubs `text` in place.
    pub(crate) fn scrub_string(&self, text: &mut String) {
        if let Cow::Owned(clean) = self.scrub(text) {
            *text = clean;
        }
    }

    /// Scrubs every string and object key inside `value`.
    pub(crate) fn scrub_json(&self, value: &mut Value) {
        match value {
            Value::String(text) => self.scrub_string(text),
            Value::Array(items) => items.iter_mut().for_each(|item| self.scrub_json(item)),
            Value::Object(map) => {
                if map.keys().any(|key| self.found_in(key)) {
                    *map = std::mem::take(map)
                        .into_iter()
                        .map(|(key, value)| (self.scrub(&key).into_owned(), value))
                        .collect();
                }
                map.values_mut().for_each(|item| self.scrub_json(item));
            }
            _ => {}
        }
    }

    /// `body` (a response body, raw bytes) with every secret replaced; decoded
    /// lossily only when it holds one.
    pub(crate) fn scrub_bytes<'a>(&self, body: &'a [u8]) -> Cow<'a, [u8]> {
        if self.is_empty() {
            return Cow::Borrowed(body);
        }
        let text = String::from_utf8_lossy(body);
        if !self.found_in(&text) {
            return Cow::Borrowed(body);
        }
        Cow::Owned(self.scrub(&text).into_owned().into_bytes())
    }
}

/// `text` as it appears inside a JSON string (serde_json's escaping: quotes,
/// backslashes and control characters).
fn json_escaped(text: &str) -> String {
    let quoted = Value::String(text.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

/// JSON-escaped text with every non-ASCII character as `\uXXXX` (lowercase hex, a
/// surrogate pair beyond the BMP), as Python's `json.dumps` writes it by default.
fn ascii_escaped(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    for c in escaped.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// `text` percent-encoded as in a query string or a form body: every byte but the
/// unreserved ones (RFC 3986) as `%XX`.
fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_secret_is_replaced_and_nothing_else() {
        let mut secrets = Secrets::default();
        secrets.add(r#"sk-"quoted"/päss\word"#);
        let raw = r#"sk-"quoted"/päss\word"#;
        let json = serde_json::json!({ "key": raw }).to_string();
        let twice = serde_json::json!({ "message": json }).to_string();
        let python = r#"{"key": "sk-\"quoted\"/p\u00e4ss\\word"}"#;
        let slashes = r#"{"key":"sk-\"quoted\"\/päss\\word"}"#;
        let form = "key=sk-%22quoted%22%2Fp%C3%A4ss%5Cword";
        for text in [raw, &json, &twice, python, slashes, form] {
            let clean = secrets.scrub(text);
            assert!(clean.contains(REDACTED), "{text} -> {clean}");
            assert!(!clean.contains("quoted"), "{text} -> {clean}");
        }
        assert_eq!(secrets.scrub("nothing to see"), "nothing to see");
    }

    #[test]
    fn a_secret_as_a_form_body_spells_it_is_replaced() {
        let mut secrets = Secrets::default();
        secrets.add("jwt a+b~c");
        let clean = secrets.scrub("subject_token=jwt+a%2Bb%7Ec&scope=inference");
        assert_eq!(clean, "subject_token=<redacted>&scope=inference");
    }

    #[test]
    fn short_values_are_left_alone_and_json_leaves_are_collected() {
        let mut secrets = Secrets::default();
        secrets.add_fields(
            &serde_json::json!({
                "name": "public-name",
                "config": {"secretKey": "sk-lf-123456", "region": "us", "nested": ["pk-lf-abcdef"]},
            }),
            &["config"],
        );
        let clean = secrets.scrub("public-name us sk-lf-123456 pk-lf-abcdef secretKey");
        assert_eq!(
            clean, "public-name us <redacted> <redacted> secretKey",
            "only the config's values go"
        );
        let mut metadata = serde_json::json!({"sk-lf-123456": ["raw: pk-lf-abcdef"]});
        secrets.scrub_json(&mut metadata);
        assert_eq!(
            metadata,
            serde_json::json!({"<redacted>": ["raw: <redacted>"]})
        );
        let bytes = secrets.scrub_bytes(b"echo sk-lf-123456 \xff");
        assert_eq!(&*bytes, "echo <redacted> \u{FFFD}".as_bytes());
    }
}
