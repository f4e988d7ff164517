//! Where API keys live: the OS keychain (service `app.telltale.desktop`, one entry per provider
//! id) when one answers, otherwise `api-keys.json` in the data folder with permissions 0600.
//! Each key is kept with the origin (`scheme://host[:port]`) it was entered for, and goes only
//! there (`key_origin`); a key saved before keys had origins reads back without one.
//! Nothing here logs a key or puts one in an error.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

mod key_file;

/// The keychain service name: the app's identifier.
pub const SERVICE: &str = "app.telltale.desktop";
/// The fallback file, in the data folder.
pub const KEY_FILE: &str = "api-keys.json";
/// `file` forces the file (tests, portable installs); `keychain` insists on the keychain.
pub const KEY_STORE_VAR: &str = "TELLTALE_KEY_STORE";

/// Where keys are kept, as the Settings screen says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyStorage {
    Keychain,
    File,
}

/// Why a key could not be read, stored or removed. Never contains the key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KeyError {
    #[error("the keychain refused: {0}")]
    Keychain(String),
    #[error("the key file {path} could not be {what}: {reason}")]
    File { path: String, what: &'static str, reason: String },
}

/// A stored key and the origin it was entered for (`None`: stored before keys had origins).
#[derive(Clone, PartialEq, Eq)]
pub struct StoredKey {
    pub key: String,
    pub origin: Option<String>,
}

impl std::fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredKey")
            .field("key", &"[redacted]")
            .field("origin", &self.origin)
            .finish()
    }
}

/// A key as written: with its origin (`{"key", "origin"}`), or, read back from before keys had
/// origins, the key alone.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Record {
    Bound { key: String, origin: String },
    Bare(String),
}

impl Record {
    fn bound(key: &str, origin: &str) -> Record {
        Record::Bound { key: key.to_owned(), origin: origin.to_owned() }
    }

    fn into_stored(self) -> StoredKey {
        match self {
            Record::Bound { key, origin } => StoredKey { key, origin: Some(origin) },
            Record::Bare(key) => StoredKey { key, origin: None },
        }
    }

    /// A keychain secret: the record's JSON, or (stored before keys had origins) the key alone.
    fn from_secret(secret: String) -> StoredKey {
        match serde_json::from_str::<Record>(&secret) {
            Ok(record @ Record::Bound { .. }) => record.into_stored(),
            _ => StoredKey { key: secret, origin: None },
        }
    }
}

pub struct KeyStore {
    /// Decided by the first read when not forced: asking a keychain costs a D-Bus connection and
    /// a few round trips, so the read of a real entry is also the probe.
    storage: OnceLock<KeyStorage>,
    file: PathBuf,
    /// One writer of the file at a time.
    lock: Mutex<()>,
}

impl KeyStore {
    /// Keys in `dir/api-keys.json` only.
    pub fn file_only(dir: &Path) -> Self {
        KeyStore {
            storage: OnceLock::from(KeyStorage::File),
            file: dir.join(KEY_FILE),
            lock: Mutex::new(()),
        }
    }

    /// The keychain if one answers (or `TELLTALE_KEY_STORE=keychain`), else the file in `dir`.
    /// Whether one answers is found out when first needed, by the first read when that comes
    /// first.
    pub fn detect(dir: &Path, env: &dyn Fn(&str) -> Option<String>) -> Self {
        let store =
            KeyStore { storage: OnceLock::new(), file: dir.join(KEY_FILE), lock: Mutex::new(()) };
        let wanted = env(KEY_STORE_VAR).map(|v| v.trim().to_ascii_lowercase());
        match wanted.as_deref() {
            Some("file") => _ = store.decide(KeyStorage::File),
            Some("keychain") => _ = store.decide(KeyStorage::Keychain),
            _ => {}
        }
        store
    }

    /// Where keys are kept (asks the keychain if no read has yet).
    pub fn storage(&self) -> KeyStorage {
        if let Some(storage) = self.storage.get() {
            return *storage;
        }
        let probe =
            keyring::Entry::new(SERVICE, "telltale-probe").and_then(|entry| entry.get_password());
        match probe {
            Err(e @ keyring::Error::PlatformFailure(_)) => self.decide_unavailable(&e),
            _ => self.decide(KeyStorage::Keychain),
        }
    }

    fn decide(&self, storage: KeyStorage) -> KeyStorage {
        *self.storage.get_or_init(|| {
            if storage == KeyStorage::File {
                tracing::info!(file = %self.file.display(), "no keychain answers: API keys are kept in a file readable only by this user");
            }
            storage
        })
    }

    /// The keychain failed as one that is not there does (a machine without a Secret Service on
    /// its bus, or no bus). A locked keychain, or its unlock prompt dismissed, is
    /// `NoStorageAccess`: a keychain that is there.
    fn decide_unavailable(&self, e: &keyring::Error) -> KeyStorage {
        tracing::debug!(reason = %keychain_error(e), "keychain unavailable");
        self.decide(KeyStorage::File)
    }

    pub fn file_path(&self) -> &Path {
        &self.file
    }

    /// The key stored for `provider_id` with its origin (the keychain first, then the file).
    pub fn get(&self, provider_id: &str) -> Result<Option<StoredKey>, KeyError> {
        if self.storage.get() != Some(&KeyStorage::File) {
            let read = entry(provider_id)?.get_password();
            let decided = self.storage.get().copied();
            match read {
                Ok(secret) => {
                    self.decide(KeyStorage::Keychain);
                    return Ok(Some(Record::from_secret(secret)));
                }
                Err(keyring::Error::NoEntry) => {
                    self.decide(KeyStorage::Keychain);
                }
                // The first read finds no keychain at all: the file, from now on.
                Err(e @ keyring::Error::PlatformFailure(_)) if decided.is_none() => {
                    self.decide_unavailable(&e);
                }
                Err(e) => {
                    self.decide(KeyStorage::Keychain);
                    return Err(keychain_error(&e));
                }
            }
        }
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        Ok(self.read_file()?.keys.remove(provider_id).map(Record::into_stored))
    }

    /// Stores `key` for `provider_id`, to be sent only to `origin` (`scheme://host[:port]`).
    pub fn set(&self, provider_id: &str, key: &str, origin: &str) -> Result<(), KeyError> {
        let record = Record::bound(key, origin);
        match self.storage() {
            KeyStorage::Keychain => {
                let secret = serde_json::to_string(&record)
                    .map_err(|_| KeyError::Keychain("the key could not be encoded".into()))?;
                entry(provider_id)?.set_password(&secret).map_err(|e| keychain_error(&e))?;
                // A key left in the file from a time without keychain must not outlive this one.
                self.remove_from_file(provider_id)
            }
            KeyStorage::File => {
                let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
                let mut file = self.read_file()?;
                file.keys.insert(provider_id.to_owned(), record);
                self.write_file(&file)
            }
        }
    }

    /// Forgets the key wherever it is; forgetting a key that is not there is fine.
    pub fn clear(&self, provider_id: &str) -> Result<(), KeyError> {
        if self.storage() == KeyStorage::Keychain {
            match entry(provider_id)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(e) => return Err(keychain_error(&e)),
            }
        }
        self.remove_from_file(provider_id)
    }
}

fn entry(provider_id: &str) -> Result<keyring::Entry, KeyError> {
    keyring::Entry::new(SERVICE, provider_id).map_err(|e| keychain_error(&e))
}

/// Describes a keychain failure without anything the error may carry of a secret
/// (`BadEncoding` holds the stored bytes, `Ambiguous` the credentials).
fn keychain_error(e: &keyring::Error) -> KeyError {
    let reason = match e {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            inner.to_string()
        }
        keyring::Error::NoEntry => "no such entry".to_owned(),
        keyring::Error::BadEncoding(_) => "the stored key is not text".to_owned(),
        keyring::Error::Ambiguous(_) => "more than one entry matches".to_owned(),
        keyring::Error::TooLong(what, limit) => format!("the {what} is longer than {limit}"),
        keyring::Error::Invalid(what, why) => format!("{what} is invalid: {why}"),
        _ => "unknown error".to_owned(),
    };
    KeyError::Keychain(reason)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::fs;

    /// A fresh empty folder under the system's temp folder, removed with everything in it when
    /// dropped (a test that fails leaves nothing behind either).
    pub(crate) struct TestDir(tempfile::TempDir);

    impl std::ops::Deref for TestDir {
        type Target = Path;
        fn deref(&self) -> &Path {
            self.0.path()
        }
    }

    pub(crate) fn temp_dir(name: &str) -> TestDir {
        let dir = tempfile::Builder::new().prefix(&format!("telltale-{name}-")).tempdir();
        TestDir(dir.unwrap())
    }

    const KEY: &str = "sk-test-secret-0123456789";
    const OPENAI: &str = "https://api.openai.com";

    /// The key stored for `id` in `store`, without its origin.
    fn key(store: &KeyStore, id: &str) -> Option<String> {
        store.get(id).unwrap().map(|stored| stored.key)
    }

    #[test]
    fn the_file_fallback_stores_replaces_and_clears_keys() {
        let dir = temp_dir("keys");
        let store = KeyStore::file_only(&dir);
        assert_eq!(store.storage(), KeyStorage::File);
        assert_eq!(store.get("openai").unwrap(), None);
        store.set("openai", KEY, OPENAI).unwrap();
        store.set("groq", "gsk-other-0123456789", "https://api.groq.com").unwrap();
        assert_eq!(key(&store, "openai").as_deref(), Some(KEY));
        store.set("openai", "sk-replaced-0123456789", OPENAI).unwrap();
        assert_eq!(key(&store, "openai").as_deref(), Some("sk-replaced-0123456789"));
        // A second store on the same folder (the next launch) sees the same keys.
        let again = KeyStore::file_only(&dir);
        assert_eq!(key(&again, "groq").as_deref(), Some("gsk-other-0123456789"));
        again.clear("openai").unwrap();
        again.clear("openai").unwrap();
        assert_eq!(store.get("openai").unwrap(), None);
        assert!(!dir.join("api-keys.json.tmp").exists());
    }

    #[cfg(unix)]
    #[test]
    fn the_key_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("perms");
        let store = KeyStore::file_only(&dir.join("nested"));
        store.set("openai", KEY, OPENAI).unwrap();
        let path = store.file_path().to_owned();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.join("nested")), 0o700, "the folder it made");
        // A file someone loosened is made private again on the next read.
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(key(&store, "openai").as_deref(), Some(KEY));
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn each_key_is_kept_with_its_origin_and_keys_from_before_read_back_without_one() {
        let dir = temp_dir("origins");
        // A file written before keys had origins.
        fs::write(dir.join(KEY_FILE), format!("{{\"keys\": {{\"openai\": \"{KEY}\"}}}}")).unwrap();
        let store = KeyStore::file_only(&dir);
        let legacy = store.get("openai").unwrap().unwrap();
        assert_eq!((legacy.key.as_str(), legacy.origin), (KEY, None));
        store.set("groq", "gsk-0123456789abcdef", "https://api.groq.com").unwrap();
        let groq = store.get("groq").unwrap().unwrap();
        assert_eq!(groq.origin.as_deref(), Some("https://api.groq.com"));
        // The old entry is kept as it was, next to the new one.
        let json: serde_json::Value =
            serde_json::from_slice(&fs::read(dir.join(KEY_FILE)).unwrap()).unwrap();
        assert_eq!(json["keys"]["openai"], KEY);
        assert_eq!(json["keys"]["groq"]["origin"], "https://api.groq.com");
        assert!(!format!("{groq:?}").contains("gsk-"), "{groq:?}");
    }

    #[test]
    fn a_keychain_secret_holds_the_key_and_its_origin_or_a_key_from_before() {
        let secret = serde_json::to_string(&Record::bound(KEY, OPENAI)).unwrap();
        let stored = Record::from_secret(secret);
        assert_eq!((stored.key.as_str(), stored.origin.as_deref()), (KEY, Some(OPENAI)));
        let legacy = Record::from_secret(KEY.to_owned());
        assert_eq!((legacy.key.as_str(), legacy.origin), (KEY, None));
    }

    #[test]
    fn forcing_the_file_needs_no_keychain() {
        let dir = temp_dir("detect");
        let store =
            KeyStore::detect(&dir, &|name| (name == KEY_STORE_VAR).then(|| "file".to_owned()));
        assert_eq!(store.storage(), KeyStorage::File);
        assert_eq!(serde_json::to_string(&store.storage()).unwrap(), "\"file\"");
        assert_eq!(serde_json::to_string(&KeyStorage::Keychain).unwrap(), "\"keychain\"");
    }

    #[test]
    fn a_broken_key_file_is_an_error_that_quotes_nothing_of_it() {
        let dir = temp_dir("broken");
        fs::write(dir.join(KEY_FILE), format!("{{\"keys\": {{\"openai\": \"{KEY}\"")).unwrap();
        let error = KeyStore::file_only(&dir).get("openai").unwrap_err();
        assert!(!error.to_string().contains(KEY), "{error}");
        // Well-formed JSON of the wrong shape: serde's own message would quote the value.
        for wrong in [format!("\"{KEY}\""), format!("{{\"keys\": [\"{KEY}\"]}}")] {
            fs::write(dir.join(KEY_FILE), &wrong).unwrap();
            let error = KeyStore::file_only(&dir).get("openai").unwrap_err().to_string();
            assert!(!error.contains(KEY) && error.contains("line 1"), "{error}");
        }
    }
}
