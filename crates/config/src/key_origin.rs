//! Which stored key may go where: a key goes only to the origin (`scheme://host[:port]`) it was
//! entered for, so a base URL changed behind the user's back (by a script in the window, say)
//! never receives it. A key stored before keys had origins is tied, the first time it is read,
//! to the origin of its provider's saved base URL, and stored again with it.

use telltale_agent::urls::origin;

use crate::keys::{KeyError, KeyStore, StoredKey};
use crate::model::{preset, Api, Settings, PRESETS};
use crate::validate::InvalidSettings;

impl StoredKey {
    /// Whether this key may be sent to `url`: only to the origin it was entered for.
    pub fn goes_to(&self, url: &str) -> bool {
        self.origin.is_some() && self.origin == origin(url)
    }
}

/// The key stored for `provider_id` with its origin. A key from before keys had origins is tied
/// to the origin of the provider's base URL in `saved` (the settings as saved, never ones about
/// to be saved) and stored again so; with no base URL saved it stays tied to nothing and is sent
/// nowhere.
pub fn stored_key(
    keys: &KeyStore,
    saved: &Settings,
    provider_id: &str,
) -> Result<Option<StoredKey>, KeyError> {
    let Some(mut stored) = keys.get(provider_id)? else {
        return Ok(None);
    };
    if stored.origin.is_none() {
        let url = saved.provider(provider_id).map_or("", |p| p.base_url.as_str());
        if let Some(tied) = origin(url) {
            match keys.set(provider_id, &stored.key, &tied) {
                Ok(()) => tracing::info!(
                    provider = provider_id,
                    origin = %tied,
                    "a key stored before keys had origins is tied to its provider's base URL"
                ),
                Err(e) => {
                    tracing::warn!(provider = provider_id, "the key's origin was not stored: {e}")
                }
            }
            stored.origin = Some(tied);
        }
    }
    Ok(Some(stored))
}

/// The error for a key of `provider_id`, entered for `stored`'s origin, that would go to `url`.
pub fn for_another_origin(provider_id: &str, stored: &StoredKey, url: &str) -> InvalidSettings {
    InvalidSettings::KeyForAnotherOrigin {
        provider_id: provider_id.to_owned(),
        name: preset(provider_id).map_or(provider_id, |p| p.name).to_owned(),
        key_origin: stored.origin.clone(),
        url_origin: origin(url).unwrap_or_default(),
    }
}

/// Refuses `new` settings that point a provider with a stored key to another origin than the
/// one its key was entered for, unless a new key comes with them (`new_key(id)`). A base URL
/// whose origin does not change passes without reading any key (no keychain prompt); one that
/// is cleared passes too (nothing is sent anywhere).
pub fn check_save(
    keys: &KeyStore,
    saved: &Settings,
    new: &Settings,
    new_key: &dyn Fn(&str) -> bool,
) -> Result<(), CheckError> {
    for preset in PRESETS.iter().filter(|p| p.api != Api::Offline) {
        let url_of =
            |s: &Settings| s.provider(preset.id).map_or(String::new(), |p| p.base_url.clone());
        let (before, after) = (url_of(saved), url_of(new));
        let Some(after_origin) = origin(&after) else {
            continue;
        };
        if origin(&before).as_deref() == Some(after_origin.as_str()) || new_key(preset.id) {
            continue;
        }
        match stored_key(keys, saved, preset.id)? {
            Some(stored) if !stored.goes_to(&after) => {
                return Err(CheckError::Invalid(for_another_origin(preset.id, &stored, &after)))
            }
            _ => {}
        }
    }
    Ok(())
}

/// Why [`check_save`] refused.
#[derive(Debug)]
pub enum CheckError {
    Invalid(InvalidSettings),
    /// A key that had to be checked could not be read.
    Key(KeyError),
}

impl From<KeyError> for CheckError {
    fn from(error: KeyError) -> Self {
        CheckError::Key(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::tests::temp_dir;

    const KEY: &str = "sk-origin-test-0123456789";

    fn with_url(id: &str, url: &str) -> Settings {
        let mut s = Settings::default();
        s.providers.iter_mut().find(|p| p.id == id).unwrap().base_url = url.into();
        s
    }

    #[test]
    fn a_key_goes_only_to_the_origin_it_was_entered_for() {
        let stored = StoredKey { key: KEY.into(), origin: Some("https://api.openai.com".into()) };
        assert!(stored.goes_to("https://api.openai.com/v1"));
        assert!(stored.goes_to("https://user:pw@api.openai.com:443/other"));
        for elsewhere in [
            "https://api.openai.com.evil.example/v1",
            "http://api.openai.com/v1",
            "https://api.openai.com:8443/v1",
            "https://evil.example/v1",
            "",
        ] {
            assert!(!stored.goes_to(elsewhere), "{elsewhere}");
        }
        assert!(!StoredKey { key: KEY.into(), origin: None }.goes_to("https://api.openai.com"));
    }

    #[test]
    fn a_key_from_before_is_tied_to_the_saved_base_url_on_first_read() {
        let dir = temp_dir("origin-migrate");
        std::fs::write(
            dir.join(crate::keys::KEY_FILE),
            format!("{{\"keys\": {{\"openai\": \"{KEY}\", \"custom\": \"{KEY}\"}}}}"),
        )
        .unwrap();
        let keys = KeyStore::file_only(&dir);
        let saved = with_url("openai", "https://proxy.example:8443/v1");
        let stored = stored_key(&keys, &saved, "openai").unwrap().unwrap();
        assert_eq!(stored.origin.as_deref(), Some("https://proxy.example:8443"));
        // Stored so: later settings do not move it.
        let later = with_url("openai", "https://evil.example/v1");
        let again = stored_key(&keys, &later, "openai").unwrap().unwrap();
        assert_eq!(again.origin.as_deref(), Some("https://proxy.example:8443"));
        // The custom provider has no base URL: its key is tied to nothing and goes nowhere.
        let custom = stored_key(&keys, &saved, "custom").unwrap().unwrap();
        assert_eq!(custom.origin, None);
        assert_eq!(keys.get("custom").unwrap().unwrap().origin, None);
    }

    #[test]
    fn saving_another_origin_for_a_provider_with_a_key_needs_the_key_again() {
        let dir = temp_dir("origin-save");
        let keys = KeyStore::file_only(&dir);
        let saved = Settings::default();
        keys.set("openai", KEY, "https://api.openai.com").unwrap();
        let none = |_: &str| false;
        let moved = with_url("openai", "https://evil.example/v1");
        let Err(CheckError::Invalid(error)) = check_save(&keys, &saved, &moved, &none) else {
            panic!("a key would go to another origin")
        };
        assert_eq!(error.provider_id(), Some("openai"));
        let message = error.to_string();
        assert!(
            message.contains("entered for https://api.openai.com")
                && message.contains("enter it again for https://evil.example"),
            "{message}"
        );
        // With a new key in the same save, another path on the same origin, or no key: fine.
        assert!(check_save(&keys, &saved, &moved, &|id| id == "openai").is_ok());
        let same = with_url("openai", "https://api.openai.com/v2");
        assert!(check_save(&keys, &saved, &same, &none).is_ok());
        let groq = with_url("groq", "https://evil.example/v1");
        assert!(check_save(&keys, &saved, &groq, &none).is_ok());
        // A key entered for the new origin (stored before saving) goes there.
        keys.set("openai", KEY, "https://evil.example").unwrap();
        assert!(check_save(&keys, &saved, &moved, &none).is_ok());
    }
}
