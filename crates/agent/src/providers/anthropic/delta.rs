//! The `delta` of a `content_block_delta` event, read without building a JSON tree: its strings
//! are borrowed from the event's data (copied only when they hold escapes), because this runs once
//! per streamed token.
//!
//! It reads exactly as looking the fields up in a `serde_json::Value` did: a field that is not a
//! string, or a delta that is not an object, reads as absent, and a repeated field keeps its last
//! value.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

#[derive(Debug, Default)]
pub(super) struct Delta<'a> {
    /// `text_delta`, `thinking_delta`, `input_json_delta`…
    pub kind: Option<Cow<'a, str>>,
    pub text: Option<Cow<'a, str>>,
    pub thinking: Option<Cow<'a, str>>,
    pub partial_json: Option<Cow<'a, str>>,
    /// A thinking block's signature (`signature_delta`).
    pub signature: Option<Cow<'a, str>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Delta<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor(PhantomData))
    }
}

impl<'de: 'a, 'a> Lenient<'de> for Delta<'a> {
    fn from_map<M: MapAccess<'de>>(mut map: M) -> Result<Self, M::Error> {
        let mut delta = Delta::default();
        while let Some(LenientStr(key)) = map.next_key()? {
            let slot = match key.as_deref() {
                Some("type") => &mut delta.kind,
                Some("text") => &mut delta.text,
                Some("thinking") => &mut delta.thinking,
                Some("partial_json") => &mut delta.partial_json,
                Some("signature") => &mut delta.signature,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value::<LenientStr>()?.0;
        }
        Ok(delta)
    }
}

/// A string, borrowed when the input allows; any other JSON value reads as `None`.
#[derive(Default)]
struct LenientStr<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for LenientStr<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor(PhantomData))
    }
}

impl<'de: 'a, 'a> Lenient<'de> for LenientStr<'a> {
    fn from_str(text: Cow<'de, str>) -> Self {
        LenientStr(Some(text))
    }
}

/// A value read from any JSON value: the kinds it takes through its own method, any other
/// (skipped, not built) as its default.
trait Lenient<'de>: Default {
    /// An object; skipped unless the type reads objects.
    fn from_map<M: MapAccess<'de>>(map: M) -> Result<Self, M::Error> {
        IgnoredAny.visit_map(map).map(|_| Self::default())
    }
    /// A string; ignored unless the type reads strings.
    fn from_str(_text: Cow<'de, str>) -> Self {
        Self::default()
    }
}

/// Hands each JSON value to the `Lenient` type being read.
struct LenientVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient<'de>> Visitor<'de> for LenientVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<T, M::Error> {
        T::from_map(map)
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<T, E> {
        Ok(T::from_str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<T, E> {
        Ok(T::from_str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<T, E> {
        Ok(T::from_str(Cow::Owned(v)))
    }
    fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<T, S::Error> {
        IgnoredAny.visit_seq(seq).map(|_| T::default())
    }
    fn visit_bool<E>(self, _: bool) -> Result<T, E> {
        Ok(T::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<T, E> {
        Ok(T::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<T, E> {
        Ok(T::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<T, E> {
        Ok(T::default())
    }
    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(T::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_borrowed_unless_escaped() {
        let json = r#"{"type":"text_delta","text":"a\nb","stop_reason":null,"x":[1,{"y":2}]}"#;
        let d: Delta = serde_json::from_str(json).expect("parses");
        assert!(matches!(d.kind, Some(Cow::Borrowed("text_delta"))));
        assert_eq!(d.text.as_deref(), Some("a\nb"));
        assert!(matches!(d.text, Some(Cow::Owned(_))));
    }

    #[test]
    fn reads_as_value_lookups_did() {
        // Not strings: absent. Repeated: the last one. Not an object: empty.
        let json =
            r#"{"type":5,"text":{"a":1},"thinking":"one","thinking":"two","partial_json":null}"#;
        let d: Delta = serde_json::from_str(json).expect("parses");
        assert_eq!(
            (d.kind, d.text, d.thinking.as_deref(), d.partial_json),
            (None, None, Some("two"), None)
        );
        for json in [r#""text_delta""#, "[1,2]", "true", "3.5", "-1", "null"] {
            let d: Delta = serde_json::from_str(json).expect("any value parses");
            assert!(d.kind.is_none() && d.text.is_none(), "{json}");
        }
        assert!(serde_json::from_str::<Delta>(r#"{"text":"#).is_err(), "invalid JSON still fails");
    }
}
