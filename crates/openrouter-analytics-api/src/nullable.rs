//! Hand-written: the type of every optional request-body field the spec marks
//! `nullable`, so that a body can leave such a field out, clear it with an explicit
//! `null`, or set it. The generator (`xtask/src/nullable.rs`) puts it there; no field
//! is written by hand.

use std::borrow::Cow;

/// An optional, nullable request-body field: left out, sent as `null` (which clears
/// the setting on the server), or sent with a value.
///
/// `Option<T>` cannot say this: serialized with `skip_serializing_if`, `None` would
/// mean "leave it out" and there would be no way to send `null`. Every optional
/// `nullable` field of a request body has this type; `Absent` is the default and is
/// left out of the JSON, `Null` is written as `null`.
///
/// ```
/// use openrouter_analytics_api::Nullable;
/// use openrouter_analytics_api::types::UpdateKeysRequest;
///
/// // Remove a key's spending limit, set a weekly reset, leave the rest unchanged.
/// let body = UpdateKeysRequest {
///     limit: Nullable::Null,
///     limit_reset: Nullable::Value("weekly".into()),
///     ..Default::default()
/// };
/// assert_eq!(
///     serde_json::to_string(&body).unwrap(),
///     r#"{"limit":null,"limit_reset":"weekly"}"#
/// );
///
/// // The same through the builder: a value converts on its own.
/// let body: UpdateKeysRequest = UpdateKeysRequest::builder()
///     .limit(25.0)
///     .limit_reset(Nullable::Null)
///     .try_into()
///     .unwrap();
/// assert_eq!(
///     serde_json::to_string(&body).unwrap(),
///     r#"{"limit":25.0,"limit_reset":null}"#
/// );
/// assert_eq!(serde_json::to_string(&UpdateKeysRequest::default()).unwrap(), "{}");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// Left out of the body: the server keeps what it has.
    #[default]
    Absent,
    /// Sent as `null`: the server clears the setting.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// `Some(value)` is a value to send and `None` leaves the field out (never `null`:
    /// say [`Nullable::Null`] for that).
    ///
    /// ```
    /// use openrouter_analytics_api::Nullable;
    ///
    /// assert_eq!(Nullable::from_option(Some(5)), Nullable::Value(5));
    /// assert_eq!(Nullable::<i32>::from_option(None), Nullable::Absent);
    /// ```
    pub fn from_option(value: Option<T>) -> Self {
        value.map_or(Self::Absent, Self::Value)
    }

    /// Whether the field is left out (what `skip_serializing_if` asks).
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the field is sent as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, if the field is sent with one.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value, if the field is sent with one, owned.
    pub fn into_value(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// `Value(f(value))`, keeping `Absent` and `Null`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(f(value)),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    /// A value to send.
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T: serde::Serialize> serde::Serialize for Nullable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => serializer.serialize_some(value),
            // `Absent` is skipped by the field's `skip_serializing_if`; written on its
            // own (outside a generated struct) it can only be `null`.
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nullable<T> {
    /// `null` is `Null`, anything else a value; a missing field is `Absent` through the
    /// field's `#[serde(default)]`.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Self::Value(value),
            None => Self::Null,
        })
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Nullable<T> {
    fn is_referenceable() -> bool {
        false
    }

    fn schema_name() -> String {
        format!("Nullable_{}", T::schema_name())
    }

    fn schema_id() -> Cow<'static, str> {
        Cow::Owned(format!("Nullable<{}>", T::schema_id()))
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        // On the wire it is `Option<T>`: the value or `null`.
        <Option<T>>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, Debug, Default, PartialEq)]
    struct Body {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        limit: Nullable<f64>,
    }

    #[test]
    fn absent_null_and_value_round_trip_as_three_different_bodies() {
        for (body, json) in [
            (Body::default(), "{}"),
            (
                Body {
                    limit: Nullable::Null,
                },
                r#"{"limit":null}"#,
            ),
            (
                Body {
                    limit: Nullable::Value(2.5),
                },
                r#"{"limit":2.5}"#,
            ),
        ] {
            assert_eq!(serde_json::to_string(&body).expect("serializes"), json);
            assert_eq!(
                serde_json::from_str::<Body>(json).expect("deserializes"),
                body
            );
        }
    }

    #[test]
    fn accessors_tell_the_three_states_apart() {
        let value = Nullable::from(3);
        assert_eq!(value.as_value(), Some(&3));
        assert_eq!(value.clone().map(|v| v * 2), Nullable::Value(6));
        assert!(Nullable::<i32>::Null.is_null());
        assert!(!Nullable::<i32>::Null.is_absent());
        assert!(Nullable::<i32>::default().is_absent());
        assert_eq!(Nullable::<i32>::Null.into_value(), None);
    }
}
