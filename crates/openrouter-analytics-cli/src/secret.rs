//! Keeping the API key out of everything the tool prints.

use std::borrow::Cow;
use std::sync::Arc;

/// Replaces the API key with `<redacted>` in text about to be printed.
///
/// The client never puts the key in errors or logs; this is the second line of
/// defence against a server that echoes it back in an error body.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    secret: Option<Arc<str>>,
}

impl Redactor {
    /// A redactor for this key (nothing to redact without one).
    pub fn new(key: Option<&str>) -> Self {
        let secret = key.map(str::trim).filter(|k| !k.is_empty()).map(Arc::from);
        Self { secret }
    }

    /// `text` with every occurrence of the key replaced.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match &self.secret {
            Some(secret) if text.contains(&**secret) => {
                Cow::Owned(text.replace(&**secret, "<redacted>"))
            }
            _ => Cow::Borrowed(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_every_occurrence_and_nothing_else() {
        let r = Redactor::new(Some(" sk-or-v1-abc "));
        assert_eq!(
            r.redact("Bearer sk-or-v1-abc and sk-or-v1-abc!"),
            "Bearer <redacted> and <redacted>!"
        );
        assert_eq!(r.redact("nothing here"), "nothing here");
        assert_eq!(Redactor::new(Some("  ")).redact("  x  "), "  x  ");
        assert_eq!(Redactor::new(None).redact("x"), "x");
    }
}
