//! Hand-written: the type of secret strings in answers (the spec marks them
//! `format: password`, and the generator maps that schema here), so that a new API
//! key's secret never shows in `Debug` output or logs.

use std::fmt;

/// A secret string, such as the key `POST /keys` returns once. `Debug` shows
/// `Secret(<redacted>)`; read it with [`expose_secret`](Self::expose_secret).
/// Serializes as the plain string, so passing an answer on keeps it.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret itself; take care where it goes.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// The secret itself, owned.
    pub fn into_secret(self) -> String {
        self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret_but_json_keeps_it() {
        let secret = Secret::from("sk-or-v1-new-key-secret");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{secret:#?}"), "Secret(<redacted>)");
        let json = serde_json::to_string(&secret).expect("serializes");
        assert_eq!(json, r#""sk-or-v1-new-key-secret""#);
        let back: Secret = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back.expose_secret(), "sk-or-v1-new-key-secret");
    }
}
