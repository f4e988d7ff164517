//! The `delta` of a `content_block_delta` event, read without building a JSON tree: its strings
//! are borrowed from the event's data (copied only when they hold escapes), because this runs once
//! per streamed token.
//!
//! It reads exactly as looking the fields up in a `serde_json::Value` did: a field that is not a
//! string, or a delta that is not an object, reads as absent, and a repeated field keeps its last
//! value.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

#[derive(Debug, Default)]
pub(super) struct Delta<'a> {
    /// `text_delta`, `thinking_delta`, `input_json_delta`…
    pub kind: Option<Cow<'a, str>>,
    pub text: Option<Cow<'a, str>>,
    pub thinking: Option<Cow<'a, str>>,
    pub partial_json: Option<Cow<'a, str>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Delta<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DeltaVisitor(std::marker::PhantomData))
    }
}

struct DeltaVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for DeltaVisitor<'a> {
    type Value = Delta<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a delta")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut delta = Delta::default();
        while let Some(LenientStr(key)) = map.next_key()? {
            let slot = match key.as_deref() {
                Some("type") => &mut delta.kind,
                Some("text") => &mut delta.text,
                Some("thinking") => &mut delta.thinking,
                Some("partial_json") => &mut delta.partial_json,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value::<LenientStr>()?.0;
        }
        Ok(delta)
    }

    // Not an object: nothing in it is read.
    fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
        IgnoredAny.visit_seq(seq).map(|_| Delta::default())
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Delta::default())
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Delta::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Delta::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Delta::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Delta::default())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Delta::default())
    }
}

/// A string, borrowed when the input allows; any other JSON value reads as `None`.
struct LenientStr<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for LenientStr<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientStrVisitor(std::marker::PhantomData))
    }
}

struct LenientStrVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for LenientStrVisitor<'a> {
    type Value = LenientStr<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(LenientStr(Some(Cow::Borrowed(v))))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(LenientStr(Some(Cow::Owned(v.to_owned()))))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(LenientStr(Some(Cow::Owned(v))))
    }
    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
        IgnoredAny.visit_map(map).map(|_| LenientStr(None))
    }
    fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
        IgnoredAny.visit_seq(seq).map(|_| LenientStr(None))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(LenientStr(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(LenientStr(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(LenientStr(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(LenientStr(None))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(LenientStr(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delta(json: &str) -> Delta<'_> {
        serde_json::from_str(json).expect("parses")
    }

    #[test]
    fn strings_are_borrowed_unless_escaped() {
        let d = delta(r#"{"type":"text_delta","text":"a\nb","stop_reason":null,"x":[1,{"y":2}]}"#);
        assert!(matches!(d.kind, Some(Cow::Borrowed("text_delta"))));
        assert_eq!(d.text.as_deref(), Some("a\nb"));
        assert!(matches!(d.text, Some(Cow::Owned(_))));
    }

    #[test]
    fn reads_as_value_lookups_did() {
        // Not strings: absent. Repeated: the last one. Not an object: empty.
        let d = delta(
            r#"{"type":5,"text":{"a":1},"thinking":"one","thinking":"two","partial_json":null}"#,
        );
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
