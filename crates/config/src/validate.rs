//! What is wrong with settings the user wants to save, typed: a problem with a provider's base
//! URL names the provider, so that the Settings screen shows it beside that field; the rest is in
//! words. A provider that sends a key needs an https base URL unless the server is on this
//! computer (the key would otherwise cross the network readable by anyone on the way).

use telltale_agent::providers::settings::MIN_THINKING_BUDGET;
use telltale_agent::urls::{is_plain_http_to_another_computer, origin, without_userinfo};

use crate::model::{
    preset, Preset, Settings, IDLE_TIMEOUT_S_RANGE, KEEPALIVE_MS_RANGE, TOOL_TIMEOUT_S_RANGE,
};

/// Why settings cannot be saved. Never contains a key, nor a URL's `user:pass@`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSettings {
    #[error("the base URL of {name} must start with http:// or https://")]
    BaseUrlNotHttp { provider_id: String, name: String },
    #[error("the base URL of {name} contains spaces")]
    BaseUrlSpaces { provider_id: String, name: String },
    #[error("the {name} provider needs a base URL before it can be the default")]
    BaseUrlMissing { provider_id: String, name: String },
    #[error(
        "the base URL of {name} must start with https://: {shown} is another computer, and the \
         API key would cross the network readable by anyone on the way (plain http is only for \
         this computer: localhost, 127.0.0.1, ::1)"
    )]
    InsecureBaseUrl { provider_id: String, name: String, shown: String },
    /// The provider's stored key was entered for another origin than its (new) base URL's; it
    /// is not sent there until the user enters it again for that origin.
    #[error(
        "the API key for {name} was entered for {}; enter it again for {url_origin} (Telltale \
         sends a key only to the address it was entered for)",
        key_origin.as_deref().unwrap_or("no base URL")
    )]
    KeyForAnotherOrigin {
        provider_id: String,
        name: String,
        key_origin: Option<String>,
        url_origin: String,
    },
    /// An extended thinking budget Anthropic would refuse (it takes 1024 tokens or more).
    #[error(
        "the extended thinking budget of {name} must be {MIN_THINKING_BUDGET} tokens or more \
         ({value} is too few), or turned off"
    )]
    ThinkingBudgetTooSmall { provider_id: String, name: String, value: u32 },
    #[error("{0}")]
    Other(String),
}

impl InvalidSettings {
    /// The provider whose base URL is wrong, when it is one.
    pub fn provider_id(&self) -> Option<&str> {
        match self {
            InvalidSettings::BaseUrlNotHttp { provider_id, .. }
            | InvalidSettings::BaseUrlSpaces { provider_id, .. }
            | InvalidSettings::BaseUrlMissing { provider_id, .. }
            | InvalidSettings::InsecureBaseUrl { provider_id, .. }
            | InvalidSettings::KeyForAnotherOrigin { provider_id, .. }
            | InvalidSettings::ThinkingBudgetTooSmall { provider_id, .. } => Some(provider_id),
            InvalidSettings::Other(_) => None,
        }
    }
}

/// Refuses `url` as the base URL of `preset` when a key would go there over plain http to
/// another computer (`with_key`: whether this provider sends a key).
pub fn check_key_transport(
    preset: &Preset,
    url: &str,
    with_key: bool,
) -> Result<(), InvalidSettings> {
    if with_key && is_plain_http_to_another_computer(url) {
        let shown = origin(url).unwrap_or_else(|| without_userinfo(url.trim()));
        return Err(InvalidSettings::InsecureBaseUrl {
            provider_id: preset.id.to_owned(),
            name: preset.name.to_owned(),
            shown,
        });
    }
    Ok(())
}

impl Settings {
    /// What is wrong with these settings, if anything. `has_key(id)`: whether a key is stored
    /// (or being stored) for the provider `id`; a provider whose preset needs a key counts as
    /// sending one too.
    pub fn validate(&self, has_key: &dyn Fn(&str) -> bool) -> Result<(), InvalidSettings> {
        if preset(&self.default_provider).is_none() {
            return Err(InvalidSettings::Other(format!(
                "unknown default provider \"{}\"",
                self.default_provider
            )));
        }
        for entry in &self.providers {
            let Some(preset) = preset(&entry.id) else {
                return Err(InvalidSettings::Other(format!("unknown provider \"{}\"", entry.id)));
            };
            let (provider_id, name) = (preset.id.to_owned(), preset.name.to_owned());
            if let Some(value) = entry.thinking_budget.filter(|v| *v < MIN_THINKING_BUDGET) {
                return Err(InvalidSettings::ThinkingBudgetTooSmall { provider_id, name, value });
            }
            let url = entry.base_url.trim();
            if !url.is_empty() && !url.starts_with("http://") && !url.starts_with("https://") {
                return Err(InvalidSettings::BaseUrlNotHttp { provider_id, name });
            }
            if url.chars().any(char::is_whitespace) {
                return Err(InvalidSettings::BaseUrlSpaces { provider_id, name });
            }
            // Keys are read only for a URL that needs the check (a keychain may prompt).
            if is_plain_http_to_another_computer(url) {
                check_key_transport(preset, url, preset.needs_key || has_key(preset.id))?;
            }
        }
        let default = self.provider(&self.default_provider);
        if self.default_provider == "custom" && default.is_none_or(|p| p.base_url.trim().is_empty())
        {
            let name = preset("custom").map_or("custom", |p| p.name).to_owned();
            return Err(InvalidSettings::BaseUrlMissing { provider_id: "custom".into(), name });
        }
        self.validate_numbers()?;
        self.budget.check().map_err(InvalidSettings::Other)?;
        if let Some((model, _)) = self.prices.iter().find(|(_, price)| !price.is_valid()) {
            return Err(InvalidSettings::Other(format!(
                "the price of {model} must be a number of dollars per million tokens, 0 or more"
            )));
        }
        for (name, server) in &self.mcp_servers {
            telltale_mcp::check(name, server).map_err(|e| InvalidSettings::Other(e.to_string()))?;
        }
        self.validate_workspace()
    }

    fn validate_numbers(&self) -> Result<(), InvalidSettings> {
        let (lo, hi) = KEEPALIVE_MS_RANGE;
        if !(lo..=hi).contains(&self.keepalive_ms) {
            return Err(InvalidSettings::Other(format!(
                "the keep-alive interval must be between {lo} ms and {} s",
                hi / 1000
            )));
        }
        let (lo, hi) = IDLE_TIMEOUT_S_RANGE;
        if !(lo..=hi).contains(&self.idle_timeout_s) {
            return Err(InvalidSettings::Other(format!(
                "the idle timeout must be between {lo} and {hi} seconds"
            )));
        }
        let (lo, hi) = TOOL_TIMEOUT_S_RANGE;
        if !(lo..=hi).contains(&self.tool_timeout_s) {
            return Err(InvalidSettings::Other(format!(
                "a tool's time limit must be between {lo} and {hi} seconds"
            )));
        }
        Ok(())
    }

    fn validate_workspace(&self) -> Result<(), InvalidSettings> {
        let folder = self.workspace.trim();
        if folder.is_empty() {
            return Ok(());
        }
        let workspace = std::path::Path::new(folder);
        if !workspace.is_absolute() {
            return Err(InvalidSettings::Other(
                "the workspace folder must be a full path, like /home/you/project".into(),
            ));
        }
        if !workspace.is_dir() {
            return Err(InvalidSettings::Other(format!(
                "the workspace folder {} does not exist",
                workspace.display()
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_keys(_: &str) -> bool {
        false
    }

    #[test]
    fn a_workspace_must_be_a_full_path_to_an_existing_folder() {
        let dir = tempfile::tempdir().unwrap();
        let with = |folder: String| Settings { workspace: folder, ..Settings::default() };
        assert!(with(dir.path().display().to_string()).validate(&no_keys).is_ok());
        let relative = with("project".into()).validate(&no_keys).unwrap_err().to_string();
        assert!(relative.contains("full path"), "{relative}");
        let gone = with(dir.path().join("gone").display().to_string());
        let gone = gone.validate(&no_keys).unwrap_err().to_string();
        assert!(gone.contains("does not exist"), "{gone}");
        let file = dir.path().join("file.txt");
        std::fs::write(&file, "x").unwrap();
        assert!(with(file.display().to_string()).validate(&no_keys).is_err());
    }

    #[test]
    fn validation_names_what_to_fix() {
        let wrong = |s: Settings| s.validate(&no_keys).unwrap_err().to_string();
        let mut s = Settings::default();
        s.providers[1].base_url = "api.openai.com".into();
        let error = s.validate(&no_keys).unwrap_err();
        assert_eq!(error.provider_id(), Some("openai"));
        assert!(error.to_string().contains("OpenAI must start with http"), "{error}");
        let s = Settings { default_provider: "custom".into(), ..Settings::default() };
        assert!(wrong(s).contains("needs a base URL"));
        assert!(
            wrong(Settings { idle_timeout_s: 1, ..Settings::default() }).contains("idle timeout")
        );
        assert!(wrong(Settings { keepalive_ms: 0, ..Settings::default() }).contains("keep-alive"));
        assert!(wrong(Settings { tool_timeout_s: 0, ..Settings::default() }).contains("time limit"));
        let mut s = Settings::default();
        s.prices.insert("gpt-4o".into(), telltale_agent::pricing::Price::new(-1.0, 10.0));
        assert!(wrong(s).contains("price of gpt-4o"));
        let mut s = Settings::default();
        s.budget.max_tool_calls = Some(0);
        assert!(wrong(s).contains("tool-call budget must be more than 0"));
    }

    #[test]
    fn a_thinking_budget_under_1024_tokens_is_refused_naming_its_provider() {
        let mut s = Settings::default();
        let anthropic = s.providers.iter_mut().find(|p| p.id == "anthropic").unwrap();
        anthropic.thinking_budget = Some(1023);
        let error = s.validate(&no_keys).unwrap_err();
        assert_eq!(
            error,
            InvalidSettings::ThinkingBudgetTooSmall {
                provider_id: "anthropic".into(),
                name: "Anthropic".into(),
                value: 1023
            }
        );
        assert_eq!(error.provider_id(), Some("anthropic"));
        assert_eq!(
            error.to_string(),
            "the extended thinking budget of Anthropic must be 1024 tokens or more (1023 is too \
             few), or turned off"
        );
        for fine in [Some(1024), Some(32_000), None] {
            let anthropic = s.providers.iter_mut().find(|p| p.id == "anthropic").unwrap();
            anthropic.thinking_budget = fine;
            assert!(s.validate(&no_keys).is_ok(), "{fine:?}");
        }
    }

    /// `settings` with the base URL of `id` set to `url`.
    fn with_url(id: &str, url: &str) -> Settings {
        let mut s = Settings::default();
        s.providers.iter_mut().find(|p| p.id == id).unwrap().base_url = url.into();
        s
    }

    #[test]
    fn a_provider_that_sends_a_key_needs_https_unless_it_is_on_this_computer() {
        // OpenAI's preset needs a key: plain http to another computer is refused.
        let error = with_url("openai", "http://user:secret@proxy.example:8080/v1")
            .validate(&no_keys)
            .unwrap_err();
        assert_eq!(error.provider_id(), Some("openai"));
        assert!(matches!(error, InvalidSettings::InsecureBaseUrl { .. }), "{error:?}");
        let message = error.to_string();
        assert!(message.contains("must start with https://"), "{message}");
        assert!(message.contains("http://proxy.example:8080"), "{message}");
        assert!(!message.contains("secret"), "{message}");
        for fine in ["https://proxy.example/v1", "http://127.0.0.1:8080/v1", "http://localhost/v1"]
        {
            assert!(with_url("openai", fine).validate(&no_keys).is_ok(), "{fine}");
        }
        // A server on the network without a key is fine over http; with a stored key it is not.
        let lan = with_url("custom", "http://192.168.1.20:11434/v1");
        assert!(lan.validate(&no_keys).is_ok());
        let error = lan.validate(&|id| id == "custom").unwrap_err();
        assert_eq!(error.provider_id(), Some("custom"));
        // Ollama on this computer stays fine over http, key or not.
        assert!(Settings::default().validate(&|_| true).is_ok());
    }
}
