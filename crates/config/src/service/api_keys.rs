//! The key commands: store a key for the origin it is entered for, forget it. A key is checked
//! before it is kept (one line, not too long) and never appears in an answer or an error.

use super::connection::redact;
use super::{SettingsCommandError, SettingsService, SettingsView};
use crate::model::{preset, Preset, OFFLINE};
use crate::validate::check_key_transport;
use telltale_agent::urls::origin;
use telltale_session::AgentSlot;

const MAX_KEY_LEN: usize = 4096;

impl SettingsService {
    /// Whether a key is stored for `provider_id` (a key that cannot be read counts as one: the
    /// safe side for the checks that ask).
    pub(super) fn has_key(&self, provider_id: &str) -> bool {
        self.keys.get(provider_id).map_or(true, |key| key.is_some())
    }

    pub(super) fn key_provider(provider_id: &str) -> Result<&'static Preset, SettingsCommandError> {
        preset(provider_id).filter(|p| p.id != OFFLINE).ok_or_else(|| {
            SettingsCommandError::InvalidRequest(format!(
                "no provider \"{provider_id}\" takes a key"
            ))
        })
    }

    /// `key` trimmed, if it looks like a key (one line, not far too long).
    pub(super) fn checked_key(key: &str) -> Result<&str, SettingsCommandError> {
        let key = key.trim();
        if key.is_empty() {
            return Err(SettingsCommandError::InvalidRequest("paste a key first".into()));
        }
        if key.len() > MAX_KEY_LEN || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(SettingsCommandError::InvalidRequest(
                "that key contains spaces or line breaks, or is far too long: paste the key alone"
                    .into(),
            ));
        }
        Ok(key)
    }

    /// Stores `key` for `preset`, to be sent only to the origin of `url`.
    pub(super) fn store_key(
        &self,
        preset: &Preset,
        key: &str,
        url: &str,
    ) -> Result<(), SettingsCommandError> {
        let Some(key_origin) = origin(url) else {
            return Err(SettingsCommandError::InvalidRequest(format!(
                "enter the base URL of {} before its key: a key is sent only to the address it \
                 was entered for",
                preset.name
            )));
        };
        check_key_transport(preset, url, true)?;
        self.keys
            .set(preset.id, key, &key_origin)
            .map_err(|e| SettingsCommandError::Storage(redact(Some(key), &e.to_string())))?;
        tracing::info!(provider = preset.id, origin = %key_origin, "API key stored");
        Ok(())
    }

    /// Stores a key for `provider_id`, to be sent only to the origin of `base_url` (the base URL
    /// the user sees, maybe not saved yet), or of the saved base URL.
    pub fn set_api_key(
        &self,
        provider_id: &str,
        key: &str,
        base_url: Option<&str>,
        slot: &AgentSlot,
    ) -> Result<SettingsView, SettingsCommandError> {
        let preset = Self::key_provider(provider_id)?;
        let key = Self::checked_key(key)?;
        let settings = self.settings();
        let saved = settings.provider(preset.id).map_or("", |p| p.base_url.as_str());
        self.store_key(preset, key, base_url.unwrap_or(saved))?;
        self.applied(slot)
    }

    /// Forgets the key stored for `provider_id`.
    pub fn clear_api_key(
        &self,
        provider_id: &str,
        slot: &AgentSlot,
    ) -> Result<SettingsView, SettingsCommandError> {
        let preset = Self::key_provider(provider_id)?;
        self.keys.clear(preset.id).map_err(|e| SettingsCommandError::Storage(e.to_string()))?;
        tracing::info!(provider = preset.id, "API key cleared");
        self.applied(slot)
    }
}
