//! The user's API keys, kept out of what tools return: a file in the workspace or a web page that
//! contains a key never carries it to the model, the events, the history or an export.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Keys shorter than this are not looked for (they would match ordinary text).
const MIN_SECRET_LEN: usize = 8;

/// What replaces a key.
pub const REDACTED: &str = "[redacted]";

#[derive(Clone, Default)]
pub struct Secrets {
    values: Arc<[String]>,
}

impl Secrets {
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        let mut values: Vec<String> =
            values.into_iter().filter(|v| v.len() >= MIN_SECRET_LEN).collect();
        // Longest first, so that a key containing another is replaced whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.dedup();
        Secrets { values: values.into() }
    }

    /// These secrets and `key` (the key a provider was built with, e.g. from the environment).
    pub fn with_key(self, key: Option<&crate::providers::ApiKey>) -> Self {
        match key {
            Some(key) => Secrets::new(self.values.iter().cloned().chain([key.expose().to_owned()])),
            None => self,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `text` with every secret replaced by [`REDACTED`].
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for secret in self.values.iter() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
        out
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} kept out of tool output)", self.values.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_replaced_wherever_they_appear_and_never_printed() {
        let secrets = Secrets::new(["sk-live-abcdef123".to_owned(), "short".to_owned()]);
        let text = "key=sk-live-abcdef123\\nagain sk-live-abcdef123; short stays";
        assert_eq!(secrets.redact(text), "key=[redacted]\\nagain [redacted]; short stays");
        assert!(matches!(secrets.redact("nothing here"), Cow::Borrowed(_)));
        assert!(!format!("{secrets:?}").contains("sk-live"));
    }
}
