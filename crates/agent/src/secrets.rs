//! The user's API keys, kept out of what tools return: a file in the workspace or a web page that
//! contains a key never carries it to the model, the events, the history or an export.
//!
//! Reading the stored keys can be slow (a keychain answers over D-Bus: tens of milliseconds for
//! every provider on a desktop), and nothing needs them before a tool returns, so they can be read
//! on a thread of their own while the request goes out ([`Secrets::in_background`]); the first
//! redaction waits for them.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

/// Keys shorter than this are not looked for (they would match ordinary text).
const MIN_SECRET_LEN: usize = 8;

/// What replaces a key.
pub const REDACTED: &str = "[redacted]";

#[derive(Clone)]
pub struct Secrets {
    inner: Arc<Inner>,
}

/// No key to look for.
impl Default for Secrets {
    fn default() -> Self {
        Secrets::new([])
    }
}

/// Where the values come from, until they are first needed.
type Load = Box<dyn FnOnce() -> Vec<String> + Send>;

struct Inner {
    /// The keys, longest first; set once.
    values: OnceLock<Box<[String]>>,
    /// What gives them, until they are set.
    load: Mutex<Option<Load>>,
}

impl Secrets {
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        let inner = Inner { values: OnceLock::from(prepared(values)), load: Mutex::new(None) };
        Secrets { inner: Arc::new(inner) }
    }

    /// Secrets that `read` gives, read now on a thread of its own; whatever needs them first (a
    /// redaction) waits for it to finish.
    pub fn in_background(read: impl FnOnce() -> Vec<String> + Send + 'static) -> Self {
        // Shared, so that the caller can still read them should no thread start.
        let read = Arc::new(Mutex::new(Some(read)));
        let theirs = Arc::clone(&read);
        let spawned = std::thread::Builder::new()
            .name("telltale-secrets".into())
            .spawn(move || take_and_call(&theirs));
        let load: Load = match spawned {
            Ok(thread) => Box::new(move || {
                thread.join().unwrap_or_else(|_| {
                    tracing::error!(
                        "reading the stored keys failed: tool output cannot be checked for them"
                    );
                    Vec::new()
                })
            }),
            Err(error) => {
                tracing::warn!(%error, "no thread to read the stored keys on: read when first needed");
                Box::new(move || take_and_call(&read))
            }
        };
        Self::deferred(load)
    }

    /// Secrets that `load` gives, worked out when first needed (on the caller's thread).
    fn deferred(load: Load) -> Self {
        let inner = Inner { values: OnceLock::new(), load: Mutex::new(Some(load)) };
        Secrets { inner: Arc::new(inner) }
    }

    /// These secrets and `key` (the key a provider was built with, e.g. from the environment).
    /// Does not wait for secrets still being read.
    pub fn with_key(self, key: Option<&crate::providers::ApiKey>) -> Self {
        match key {
            Some(key) => {
                let key = key.expose().to_owned();
                Self::deferred(Box::new(move || {
                    self.values().iter().cloned().chain([key]).collect()
                }))
            }
            None => self,
        }
    }

    /// Once the keys are read (at once if they are): the wait, unlike [`Secrets::redact`]'s, does
    /// not block the async runtime's thread.
    pub async fn loaded(&self) {
        if self.inner.values.get().is_some() {
            return;
        }
        let secrets = self.clone();
        // A panic there was logged already and leaves the values set (empty).
        let _ = tokio::task::spawn_blocking(move || {
            secrets.values();
        })
        .await;
    }

    /// Whether there is no key to look for (waits for keys still being read).
    pub fn is_empty(&self) -> bool {
        self.values().is_empty()
    }

    /// `text` with every secret replaced by [`REDACTED`] (waits for keys still being read).
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for secret in self.values() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
        out
    }

    fn values(&self) -> &[String] {
        self.inner.values.get_or_init(|| {
            let load = self.inner.load.lock().unwrap_or_else(|e| e.into_inner()).take();
            prepared(load.map(|load| load()).unwrap_or_default())
        })
    }
}

/// Calls the function in `slot`, once.
fn take_and_call<F: FnOnce() -> Vec<String>>(slot: &Mutex<Option<F>>) -> Vec<String> {
    let read = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
    read.map(|read| read()).unwrap_or_default()
}

/// The keys worth looking for, longest first (so that a key containing another is replaced
/// whole), each once.
fn prepared(values: impl IntoIterator<Item = String>) -> Box<[String]> {
    let mut values: Vec<String> =
        values.into_iter().filter(|v| v.len() >= MIN_SECRET_LEN).collect();
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();
    values.into()
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner.values.get() {
            Some(values) => write!(f, "Secrets({} kept out of tool output)", values.len()),
            None => f.write_str("Secrets(still being read)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn keys_are_replaced_wherever_they_appear_and_never_printed() {
        let secrets = Secrets::new(["sk-live-abcdef123".to_owned(), "short".to_owned()]);
        let text = "key=sk-live-abcdef123\\nagain sk-live-abcdef123; short stays";
        assert_eq!(secrets.redact(text), "key=[redacted]\\nagain [redacted]; short stays");
        assert!(matches!(secrets.redact("nothing here"), Cow::Borrowed(_)));
        assert!(!format!("{secrets:?}").contains("sk-live"));
        assert_eq!(format!("{:?}", Secrets::default()), "Secrets(0 kept out of tool output)");
    }

    #[test]
    fn keys_read_in_the_background_are_waited_for_by_the_first_redaction() {
        let (release, released) = mpsc::channel::<()>();
        let (started, reading) = mpsc::channel::<()>();
        let secrets = Secrets::in_background(move || {
            started.send(()).unwrap();
            released.recv().unwrap();
            vec!["sk-slow-keychain-1".to_owned()]
        })
        .with_key(Some(&crate::providers::ApiKey::new("sk-from-env-22")));
        reading.recv().unwrap();
        // Made and cloned while the keys are still being read: nothing waits for them.
        let clone = secrets.clone();
        assert_eq!(format!("{clone:?}"), "Secrets(still being read)");

        let redacting = std::thread::spawn(move || {
            clone.redact("a sk-slow-keychain-1 b sk-from-env-22").into_owned()
        });
        std::thread::sleep(Duration::from_millis(50));
        assert!(!redacting.is_finished(), "the redaction did not wait for the keys");
        release.send(()).unwrap();
        assert_eq!(redacting.join().unwrap(), "a [redacted] b [redacted]");
        assert_eq!(secrets.redact("sk-slow-keychain-1"), "[redacted]");
        assert_eq!(format!("{secrets:?}"), "Secrets(2 kept out of tool output)");
    }

    #[test]
    fn a_reader_that_panics_leaves_nothing_to_redact_rather_than_a_stuck_run() {
        let secrets = Secrets::in_background(|| panic!("the keychain went away"));
        assert_eq!(secrets.redact("plain text"), "plain text");
        assert!(secrets.is_empty());
    }
}
