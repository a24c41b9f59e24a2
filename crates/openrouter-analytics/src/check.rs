//! Checking a list answer (`{"data": [...], ...}`) against its type as it is read,
//! without keeping the decoded answer: each item is decoded as the item type, looked
//! at and dropped, and the fields beside the list (a count, small) are decoded as the
//! answer's type with an empty list. A 100,000-row report or a 90 MB page is checked
//! in the memory of its bytes and one item, where decoding it whole takes several
//! times its size ([`Call::send_raw_body`](crate::Call::send_raw_body), and the
//! tolerant paging of calls by name).
//!
//! The errors are a whole decode's: the first item that does not match, at its line
//! and column in the body.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};
use serde_json::{Map, Value};

use crate::call::Operation;

/// The field that holds a list answer's items.
pub(crate) const ITEMS: &str = "data";

/// An operation whose answer is a list of items under `data` (`{"data": [...], ...}`),
/// such as the activity report or a page of API keys: its answer can be checked item
/// by item as it is read, without keeping it decoded
/// ([`send_raw_body`](crate::Call::send_raw_body)).
///
/// Implemented by the generated parameter types of such operations.
///
/// ```
/// fn rows_of<Op: openrouter_analytics::Listed>() {}
/// rows_of::<openrouter_analytics::analytics::GetUserActivityParams>();
/// ```
pub trait Listed: Operation {
    /// One item of the list, e.g. one row of activity.
    type Item: DeserializeOwned + Send + 'static;
}

/// Reads `raw` as a list answer of type `Answer` whose items are `Item`: every item is
/// decoded, handed to `each` and dropped. Returns how many items there were and the
/// answer decoded with an empty list (its other fields: `total_count`...).
pub(crate) fn list<Answer, Item>(
    raw: &[u8],
    mut each: impl FnMut(&Item),
) -> Result<(usize, Answer), serde_json::Error>
where
    Answer: DeserializeOwned,
    Item: DeserializeOwned,
{
    let known = struct_fields::<Answer>();
    let mut deserializer = serde_json::Deserializer::from_slice(raw);
    let (count, rest) = deserializer.deserialize_map(Envelope {
        known,
        items: Typed::<Item, _> {
            each: &mut each,
            item: PhantomData,
        },
    })?;
    deserializer.end()?;
    let answer = Answer::deserialize(Value::Object(rest))?;
    Ok((count, answer))
}

/// What a page that does not match its type still says, read leniently as a call by
/// name reads any JSON: the items of its `data` list if it has one (each handed to
/// `each` as JSON, then dropped), and its `total_count` if that is a whole number.
///
/// # Errors
/// Only when `raw` is not JSON at all.
pub(crate) fn facts(
    raw: &[u8],
    mut each: impl FnMut(&Value),
) -> Result<(usize, Option<u64>), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(raw);
    let facts = deserializer.deserialize_any(Lenient {
        items: Untyped { each: &mut each },
    })?;
    deserializer.end()?;
    Ok(facts)
}

/// The fields of a struct type, as its `Deserialize` names them (empty for any other
/// type): fields of an answer the type does not know are skipped, not kept.
fn struct_fields<T: DeserializeOwned>() -> Option<&'static [&'static str]> {
    struct Probe(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl fmt::Display for Stop {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("probe")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> Deserializer<'de> for &mut Probe {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut probe = Probe(None);
    let _ = T::deserialize(&mut probe);
    probe.0
}

/// The top level of a list answer: the list through `items`, the fields `known` (all,
/// when `None`) kept as JSON, the rest skipped.
struct Envelope<S> {
    known: Option<&'static [&'static str]>,
    items: S,
}

impl<'de, S: ListSeed<'de>> Visitor<'de> for Envelope<S> {
    type Value = (usize, Map<String, Value>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut rest = Map::new();
        let mut count = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == ITEMS {
                if count.is_some() {
                    return Err(de::Error::duplicate_field(ITEMS));
                }
                count = Some(map.next_value_seed(self.items.by_ref())?);
                rest.insert(key, Value::Array(Vec::new()));
            } else if self.known.is_none_or(|known| known.contains(&key.as_str())) {
                let value = map.next_value::<Value>()?;
                rest.insert(key, value);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok((count.unwrap_or(0), rest))
    }
}

/// How the list's items are read: a seed that counts them.
trait ListSeed<'de> {
    type Seed<'a>: DeserializeSeed<'de, Value = usize>
    where
        Self: 'a;
    fn by_ref(&mut self) -> Self::Seed<'_>;
}

/// Items decoded as `Item`, one at a time.
struct Typed<'f, Item, F> {
    each: &'f mut F,
    item: PhantomData<fn() -> Item>,
}

impl<'de, Item: DeserializeOwned, F: FnMut(&Item)> ListSeed<'de> for Typed<'_, Item, F> {
    type Seed<'a>
        = Typed<'a, Item, F>
    where
        Self: 'a;
    fn by_ref(&mut self) -> Typed<'_, Item, F> {
        Typed {
            each: self.each,
            item: PhantomData,
        }
    }
}

impl<'de, Item: DeserializeOwned, F: FnMut(&Item)> DeserializeSeed<'de> for Typed<'_, Item, F> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, Item: DeserializeOwned, F: FnMut(&Item)> Visitor<'de> for Typed<'_, Item, F> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut count = 0usize;
        while let Some(item) = seq.next_element::<Item>()? {
            (self.each)(&item);
            count = count.saturating_add(1);
        }
        Ok(count)
    }
}

/// Items read as any JSON, one at a time; a `data` that is no list holds none.
struct Untyped<'f, F> {
    each: &'f mut F,
}

impl<'de, F: FnMut(&Value)> ListSeed<'de> for Untyped<'_, F> {
    type Seed<'a>
        = Untyped<'a, F>
    where
        Self: 'a;
    fn by_ref(&mut self) -> Untyped<'_, F> {
        Untyped { each: self.each }
    }
}

impl<'de, F: FnMut(&Value)> DeserializeSeed<'de> for Untyped<'_, F> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// Anything but a list counts as no items.
macro_rules! no_items {
    ($($method:ident($ty:ty)),*) => {
        $(fn $method<E: de::Error>(self, _: $ty) -> Result<Self::Value, E> {
            Ok(Default::default())
        })*
    };
}

impl<'de, F: FnMut(&Value)> Visitor<'de> for Untyped<'_, F> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON")
    }

    no_items!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_str(&str)
    );

    fn visit_unit<E: de::Error>(self) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut count = 0usize;
        while let Some(item) = seq.next_element::<Value>()? {
            (self.each)(&item);
            count = count.saturating_add(1);
        }
        Ok(count)
    }
}

/// The top level of any JSON, read for [`facts`].
struct Lenient<S> {
    items: S,
}

impl<'de, F: FnMut(&Value)> Visitor<'de> for Lenient<Untyped<'_, F>> {
    type Value = (usize, Option<u64>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON")
    }

    no_items!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_str(&str)
    );

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok((0, None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok((0, None))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let (count, rest) = Envelope {
            known: Some(&["total_count"]),
            items: self.items,
        }
        .visit_map(map)?;
        Ok((count, rest.get("total_count").and_then(Value::as_u64)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Page {
        #[allow(dead_code)]
        data: Vec<Item>,
        total_count: u64,
    }

    #[derive(serde::Deserialize, Debug)]
    struct Item {
        id: String,
    }

    #[test]
    fn items_are_seen_one_by_one_and_the_rest_decoded() {
        let raw =
            br#"{"unknown":[1,2,{"x":3}],"data":[{"id":"a"},{"id":"b","more":1}],"total_count":7}"#;
        let mut ids = Vec::new();
        let (count, page) = list::<Page, Item>(raw, |item| ids.push(item.id.clone())).unwrap();
        assert_eq!((count, page.total_count), (2, 7));
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(struct_fields::<Page>(), Some(&["data", "total_count"][..]));
    }

    #[test]
    fn errors_are_a_whole_decodes() {
        for raw in [
            &br#"{"data":[{"id":"a"},{"id":1}],"total_count":1}"#[..],
            br#"{"data":[{"id":"a"}]}"#,
            br#"{"data":{"id":"a"},"total_count":1}"#,
            br#"{"data":[],"total_count":1} x"#,
            br#"{"data":[],"data":[],"total_count":1}"#,
        ] {
            let whole = serde_json::from_slice::<Page>(raw).unwrap_err().to_string();
            let streamed = list::<Page, Item>(raw, |_| {}).unwrap_err().to_string();
            // The same mismatch; a field beside the list has no position here.
            let whole = whole.split(" at line").next().unwrap_or_default();
            assert!(streamed.starts_with(whole), "{streamed} / {whole}");
        }
        // A list answer is an object: a derived struct also takes `[data, total]`.
        assert!(list::<Page, Item>(br#"[[],1]"#, |_| {}).is_err());
    }

    #[test]
    fn facts_read_any_json() {
        let mut seen = 0;
        assert_eq!(
            facts(br#"{"data":[1,{"id":2}],"total_count":9}"#, |_| seen += 1).unwrap(),
            (2, Some(9))
        );
        assert_eq!(seen, 2);
        assert_eq!(
            facts(br#"{"data":"no","total_count":-1}"#, |_| {}).unwrap(),
            (0, None)
        );
        assert_eq!(facts(br#"[1,2]"#, |_| {}).unwrap(), (0, None));
        assert_eq!(facts(br#"null"#, |_| {}).unwrap(), (0, None));
        assert!(facts(b"{not json", |_| {}).is_err());
    }
}
