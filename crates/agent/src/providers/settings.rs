//! The one place that chooses the provider: which kind, model, base URL and key, read from the
//! environment (until the settings screen lands), overridable field by field (the CLI's flags),
//! and turned into a ready [`Provider`] or an error the user can act on.
//!
//! Environment variables:
//! - `TELLTALE_PROVIDER`: `offline` (default), `openai` or `anthropic`
//! - `TELLTALE_MODEL`, `TELLTALE_BASE_URL` (the vendor's by default)
//! - `TELLTALE_IDLE_TIMEOUT_S`: give up on a silent stream after this many seconds (default 60)
//! - `TELLTALE_THINKING_BUDGET`: ask Anthropic for extended thinking with this many tokens of
//!   reasoning per step (1024 or more; unset: no thinking). Other providers ignore it.
//! - the key: `TELLTALE_API_KEY`, else `OPENAI_API_KEY` / `ANTHROPIC_API_KEY` by kind. A server
//!   on this machine (localhost) may go without one, and a key goes over plain http only to
//!   this machine (anywhere else needs https).
//!
//! No error message, and no `Debug` output, ever contains the key.

use std::sync::Arc;
use std::time::Duration;

use crate::provider::{Provider, ProviderError};
use crate::providers::anthropic::{self, AnthropicProvider};
use crate::providers::http_errors::ApiKey;
use crate::providers::offline::{OfflinePace, OfflineProvider};
use crate::providers::openai::{self, OpenAiProvider};
use crate::urls::{is_plain_http_to_another_computer, without_userinfo};

pub const PROVIDER_VAR: &str = "TELLTALE_PROVIDER";
pub const MODEL_VAR: &str = "TELLTALE_MODEL";
pub const BASE_URL_VAR: &str = "TELLTALE_BASE_URL";
pub const IDLE_TIMEOUT_VAR: &str = "TELLTALE_IDLE_TIMEOUT_S";
pub const API_KEY_VAR: &str = "TELLTALE_API_KEY";
pub const THINKING_BUDGET_VAR: &str = "TELLTALE_THINKING_BUDGET";
/// The least `budget_tokens` Anthropic takes for extended thinking.
pub const MIN_THINKING_BUDGET: u32 = 1024;

/// Which provider answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProviderKind {
    /// The built-in offline demo: no network, no key.
    #[default]
    Offline,
    /// Any OpenAI-compatible Chat Completions server.
    Openai,
    /// Anthropic Messages, or a server speaking its format.
    Anthropic,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 3] =
        [ProviderKind::Offline, ProviderKind::Openai, ProviderKind::Anthropic];

    /// The name used in `TELLTALE_PROVIDER` and `--provider`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Offline => "offline",
            ProviderKind::Openai => "openai",
            ProviderKind::Anthropic => "anthropic",
        }
    }

    /// How messages name it: "OpenAI", "Anthropic", "Offline demo".
    pub fn display_name(self) -> &'static str {
        match self {
            ProviderKind::Offline => "Offline demo",
            ProviderKind::Openai => "OpenAI",
            ProviderKind::Anthropic => "Anthropic",
        }
    }

    /// The vendor's key variable, read when `TELLTALE_API_KEY` is not set.
    pub fn key_var(self) -> Option<&'static str> {
        match self {
            ProviderKind::Offline => None,
            ProviderKind::Openai => Some("OPENAI_API_KEY"),
            ProviderKind::Anthropic => Some("ANTHROPIC_API_KEY"),
        }
    }

    /// Where requests go without a base URL.
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            ProviderKind::Offline => None,
            ProviderKind::Openai => Some(openai::DEFAULT_BASE_URL),
            ProviderKind::Anthropic => Some(anthropic::DEFAULT_BASE_URL),
        }
    }
}

impl std::str::FromStr for ProviderKind {
    type Err = SettingsError;

    fn from_str(value: &str) -> Result<Self, SettingsError> {
        let wanted = value.trim();
        ProviderKind::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| SettingsError::UnknownProvider { value: wanted.to_owned() })
    }
}

impl std::fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why the settings cannot make a provider. Every message says what to change, and none
/// contains the API key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    #[error("the provider \"{value}\" is unknown: set TELLTALE_PROVIDER (or --provider) to offline, openai or anthropic")]
    UnknownProvider { value: String },
    #[error("the idle timeout \"{value}\" is not a whole number of seconds: set TELLTALE_IDLE_TIMEOUT_S (or --idle-timeout-s) to e.g. 60")]
    InvalidIdleTimeout { value: String },
    #[error("the thinking budget \"{value}\" is not a whole number of tokens from {MIN_THINKING_BUDGET} up: set TELLTALE_THINKING_BUDGET (or --thinking-budget) to e.g. 4096, or leave it unset for no extended thinking")]
    InvalidThinkingBudget { value: String },
    #[error("the offline provider has one model, \"{}\", not \"{model}\"", OfflineProvider::MODEL)]
    OfflineModel { model: String },
    #[error("no model is set for {}: set TELLTALE_MODEL (or --model) to the model to ask", kind.display_name())]
    MissingModel { kind: ProviderKind },
    #[error(
        "no API key for {base_url}: set TELLTALE_API_KEY (or {key_var}). Only a server on this machine \
         (localhost) may go without one."
    )]
    MissingKey { base_url: String, key_var: &'static str },
    #[error(
        "the base URL {base_url} is plain http to another computer, where the API key would cross \
         the network readable by anyone on the way: use its https:// URL (TELLTALE_BASE_URL or \
         --base-url). Plain http is only for this computer (localhost, 127.0.0.1, ::1)."
    )]
    InsecureBaseUrl { base_url: String },
    /// The provider refused the settings (a base URL that is not http(s), …).
    #[error("{0}")]
    Invalid(String),
}

/// Everything that chooses and configures the provider.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    pub kind: ProviderKind,
    pub model: Option<String>,
    pub base_url: Option<String>,
    pub api_key: Option<ApiKey>,
    /// Give up on a stream that sends nothing for this long (at least 1 s is used).
    pub idle_timeout: Duration,
    /// How fast the offline demo types.
    pub offline_pace: OfflinePace,
    /// Extended thinking's budget in tokens per step, for Anthropic (none: no thinking).
    pub thinking_budget: Option<u32>,
}

impl Default for ProviderSettings {
    fn default() -> Self {
        ProviderSettings {
            kind: ProviderKind::Offline,
            model: None,
            base_url: None,
            api_key: None,
            idle_timeout: openai::DEFAULT_IDLE_TIMEOUT,
            offline_pace: OfflinePace::default(),
            thinking_budget: None,
        }
    }
}

impl ProviderSettings {
    /// The settings in the process environment (see the module docs).
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The settings that `lookup` gives for each variable name (the environment, or the
    /// environment with some names overridden). Blank values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let kind = match get(PROVIDER_VAR) {
            Some(value) => value.parse()?,
            None => ProviderKind::Offline,
        };
        let idle_timeout = match get(IDLE_TIMEOUT_VAR) {
            Some(value) => Duration::from_secs(
                value.parse().map_err(|_| SettingsError::InvalidIdleTimeout { value })?,
            ),
            None => openai::DEFAULT_IDLE_TIMEOUT,
        };
        let key_vars = std::iter::once(API_KEY_VAR).chain(kind.key_var());
        let api_key = key_vars.filter_map(get).next().map(ApiKey::new);
        Ok(ProviderSettings {
            kind,
            model: get(MODEL_VAR),
            base_url: get(BASE_URL_VAR),
            api_key,
            idle_timeout,
            offline_pace: OfflinePace::default(),
            thinking_budget: get(THINKING_BUDGET_VAR).map(parse_thinking_budget).transpose()?,
        })
    }

    /// These settings for one run that names its own `kind` and/or `model` (an HTTP client's
    /// choice). The same kind keeps the base URL and key; another kind starts from its vendor's
    /// URL and only its own key variable from `env` (`TELLTALE_API_KEY` belongs to the kind
    /// configured, and is never sent to another vendor), with no model unless one is named.
    pub fn for_run(
        &self,
        kind: Option<ProviderKind>,
        model: Option<String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> ProviderSettings {
        let mut settings = self.clone();
        if let Some(kind) = kind.filter(|kind| *kind != self.kind) {
            let key = kind.key_var().and_then(env).filter(|key| !key.trim().is_empty());
            settings.kind = kind;
            settings.model = None;
            settings.base_url = None;
            settings.api_key = key.map(|key| ApiKey::new(key.trim().to_owned()));
        }
        if model.is_some() {
            settings.model = model;
        }
        settings
    }

    /// The provider these settings describe, or what to fix.
    pub fn build(&self) -> Result<Arc<dyn Provider>, SettingsError> {
        let model = self.model.as_deref().map(str::trim).filter(|m| !m.is_empty());
        let (key_var, default_url) = match (self.kind.key_var(), self.kind.default_base_url()) {
            (Some(var), Some(url)) => (var, url),
            _ => {
                if let Some(model) = model.filter(|m| *m != OfflineProvider::MODEL) {
                    return Err(SettingsError::OfflineModel { model: model.to_owned() });
                }
                return Ok(Arc::new(OfflineProvider::new(self.offline_pace)));
            }
        };
        let Some(model) = model else {
            return Err(SettingsError::MissingModel { kind: self.kind });
        };
        let base_url = self
            .base_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .unwrap_or(default_url);
        let key = self.api_key.clone();
        if key.is_none() && !is_local(base_url) {
            let base_url = without_userinfo(base_url);
            return Err(SettingsError::MissingKey { base_url, key_var });
        }
        if key.is_some() && is_plain_http_to_another_computer(base_url) {
            return Err(SettingsError::InsecureBaseUrl { base_url: without_userinfo(base_url) });
        }
        let idle = self.idle_timeout.max(Duration::from_secs(1));
        let refused = |e: ProviderError| {
            SettingsError::Invalid(without_userinfo(&ApiKey::redact(
                self.api_key.as_ref(),
                &e.message,
            )))
        };
        let provider: Arc<dyn Provider> = match self.kind {
            ProviderKind::Anthropic => {
                let provider = AnthropicProvider::new(base_url, model, key)
                    .map_err(refused)?
                    .with_idle_timeout(idle);
                Arc::new(match self.thinking_budget {
                    Some(budget) => provider.with_thinking(budget),
                    None => provider,
                })
            }
            _ => Arc::new(
                OpenAiProvider::new(base_url, model, key).map_err(refused)?.with_idle_timeout(idle),
            ),
        };
        Ok(provider)
    }
}

/// A thinking budget as `TELLTALE_THINKING_BUDGET` or `--thinking-budget` gives it: a whole
/// number of tokens, at least [`MIN_THINKING_BUDGET`].
pub fn parse_thinking_budget(value: String) -> Result<u32, SettingsError> {
    match value.trim().parse::<u32>() {
        Ok(budget) if budget >= MIN_THINKING_BUDGET => Ok(budget),
        _ => Err(SettingsError::InvalidThinkingBudget { value }),
    }
}

/// Whether `base_url` points at this machine (where local servers need no key).
pub fn is_local(base_url: &str) -> bool {
    let Some(rest) = base_url.trim().split_once("://").map(|(_, rest)| rest) else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // Credentials before the host (`user:pass@host`) are not the host.
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(host, _)| host),
    };
    let host = host.to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost") || host == "::1" || host.starts_with("127.")
}

#[cfg(test)]
mod tests;
