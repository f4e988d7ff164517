//! Settings → the agent: the default provider with its key, the idle timeout, the keep-alive and
//! the enabled tools. Environment variables win when set (`TELLTALE_PROVIDER` and the rest of
//! `ProviderSettings::from_env`, `TELLTALE_KEEPALIVE_MS`, `TELLTALE_IDLE_TIMEOUT_S`,
//! `TELLTALE_OFFLINE_PACE_MS`), so tests and scripts keep choosing the provider themselves.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use telltale_agent::providers::settings::{
    is_local, parse_thinking_budget, IDLE_TIMEOUT_VAR, PROVIDER_VAR, THINKING_BUDGET_VAR,
};
use telltale_agent::providers::{
    ApiKey, OfflinePace, OfflineProvider, ProviderKind, ProviderSettings, SettingsError,
};
use telltale_agent::{Agent, AgentConfig, Provider};

use crate::key_origin;
use crate::keys::KeyStore;
use crate::model::{preset, Api, Settings};
use crate::validate::InvalidSettings;

pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

fn env_value(env: Env<'_>, name: &str) -> Option<String> {
    env(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Why the saved settings do not choose the provider, when the environment does.
pub fn env_override(env: Env<'_>) -> Option<String> {
    env_value(env, PROVIDER_VAR).map(|v| {
        format!(
            "TELLTALE_PROVIDER={v} is set: the environment chooses the provider until it is unset"
        )
    })
}

/// The provider settings of `provider_id` as saved (with `base_url`/`model` overrides while the
/// user edits), and its stored key, which goes only to the origin it was entered for
/// (`key_origin`). To another origin: no key for a server on this computer (it may go without),
/// and for any other an error saying to enter the key again for it.
pub fn provider_settings(
    settings: &Settings,
    keys: &KeyStore,
    provider_id: &str,
    base_url: Option<&str>,
    model: Option<&str>,
) -> Result<ProviderSettings, String> {
    let preset =
        preset(provider_id).ok_or_else(|| format!("unknown provider \"{provider_id}\""))?;
    let entry = settings
        .provider(provider_id)
        .ok_or_else(|| format!("unknown provider \"{provider_id}\""))?;
    let saved_url = entry.base_url.trim().trim_end_matches('/');
    let url = base_url.map(|u| u.trim().trim_end_matches('/')).unwrap_or(saved_url);
    let kind = match preset.api {
        Api::Offline => ProviderKind::Offline,
        Api::Openai => ProviderKind::Openai,
        Api::Anthropic => ProviderKind::Anthropic,
    };
    if kind != ProviderKind::Offline && url.is_empty() {
        return Err(format!("{} needs a base URL", preset.name));
    }
    let api_key = match kind {
        ProviderKind::Offline => None,
        _ => {
            match key_origin::stored_key(keys, settings, provider_id).map_err(|e| e.to_string())? {
                Some(stored) if stored.goes_to(url) => Some(ApiKey::new(stored.key)),
                Some(_) if is_local(url) => None,
                Some(stored) => {
                    return Err(
                        key_origin::for_another_origin(provider_id, &stored, url).to_string()
                    )
                }
                None => None,
            }
        }
    };
    let model = model.unwrap_or(&entry.model).trim();
    Ok(ProviderSettings {
        kind,
        model: (!model.is_empty()).then(|| model.to_owned()),
        base_url: (!url.is_empty()).then(|| url.to_owned()),
        api_key,
        idle_timeout: Duration::from_secs(settings.idle_timeout_s),
        offline_pace: OfflinePace::default(),
        thinking_budget: entry.thinking_budget.filter(|_| kind == ProviderKind::Anthropic),
    })
}

/// A [`SettingsError`] in words for the Settings screen (the environment variables' names are
/// for the CLI).
pub fn describe(name: &str, error: &SettingsError) -> String {
    match error {
        SettingsError::MissingModel { .. } => {
            format!("no model chosen for {name}: pick one in Settings")
        }
        SettingsError::MissingKey { base_url, .. } => {
            format!("no API key for {name} ({base_url}): add one in Settings")
        }
        SettingsError::InsecureBaseUrl { base_url } => InvalidSettings::InsecureBaseUrl {
            provider_id: String::new(),
            name: name.to_owned(),
            shown: base_url.clone(),
        }
        .to_string(),
        other => other.to_string(),
    }
}

/// The agent the settings (and the environment) describe, and how the header names it. Settings
/// that cannot make a provider do not stop the app: the offline demo answers, and the label
/// says why.
/// `protected`: folders no tool may read (the app's data folder); `mcp`: the servers whose
/// tools join each run once they are ready.
pub fn build_agent(
    settings: &Settings,
    keys: &Arc<KeyStore>,
    env: Env<'_>,
    protected: &[PathBuf],
    mcp: Option<&telltale_mcp::McpManager>,
) -> (Arc<Agent>, String) {
    let millis = |name: &str| env_value(env, name).and_then(|v| v.parse::<u64>().ok());
    let mut config = AgentConfig {
        keepalive: Duration::from_millis(settings.keepalive_ms),
        tool_timeout: Duration::from_secs(settings.tool_timeout_s),
        secrets: crate::tools::stored_secrets(keys.clone()),
        budget: settings.budget,
        ..AgentConfig::default()
    };
    if let Some(ms) = millis("TELLTALE_KEEPALIVE_MS") {
        config.keepalive = Duration::from_millis(ms);
    }
    let mut pace = OfflinePace::default();
    if let Some(ms) = millis("TELLTALE_OFFLINE_PACE_MS") {
        pace.word = Duration::from_millis(ms);
    }
    let chosen = if env_override(env).is_some() {
        match ProviderSettings::from_lookup(|name| env(name)) {
            Ok(mut from_env) => {
                from_env.offline_pace = pace;
                config.secrets = config.secrets.clone().with_key(from_env.api_key.as_ref());
                config.price = crate::prices::price_for(&from_env, &settings.prices);
                from_env.build().map_err(|e| match from_env.kind {
                    ProviderKind::Offline => format!("settings invalid: {e}"),
                    kind => format!("{} settings incomplete: {e}", kind.display_name()),
                })
            }
            Err(e) => Err(format!("provider settings invalid: {e}")),
        }
    } else {
        let id = settings.default_provider.as_str();
        let name = preset(id).map_or(id, |p| p.name);
        provider_settings(settings, keys, id, None, None)
            .and_then(|mut s| {
                if let Some(secs) =
                    env_value(env, IDLE_TIMEOUT_VAR).and_then(|v| v.parse::<u64>().ok())
                {
                    s.idle_timeout = Duration::from_secs(secs);
                }
                if let Some(budget) = env_value(env, THINKING_BUDGET_VAR) {
                    s.thinking_budget =
                        Some(parse_thinking_budget(budget).map_err(|e| e.to_string())?);
                }
                s.offline_pace = pace;
                config.price = crate::prices::price_for(&s, &settings.prices);
                s.build().map_err(|e| describe(name, &e))
            })
            .map_err(|reason| format!("{name} settings incomplete: {reason}"))
    };
    let (provider, label) = or_offline(chosen, pace);
    if provider.id() == OfflineProvider::ID {
        config.price = Some(telltale_agent::pricing::Price::FREE);
    }
    let mut tools = crate::tools::tools(settings, protected);
    if let Some(mcp) = mcp {
        tools.add_source(Arc::new(mcp.clone()));
    }
    (Arc::new(Agent::new(provider, tools, config)), label)
}

/// The chosen provider and its label; when settings could not make one, the offline demo answers
/// and the label says why, so the app always opens.
pub fn or_offline(
    chosen: Result<Arc<dyn Provider>, String>,
    pace: OfflinePace,
) -> (Arc<dyn Provider>, String) {
    let (provider, label): (Arc<dyn Provider>, String) = match chosen {
        Ok(provider) => {
            let label = provider.label();
            (provider, label)
        }
        Err(reason) => {
            tracing::warn!("{reason}; the offline demo answers instead");
            (Arc::new(OfflineProvider::new(pace)), format!("Offline demo — {reason}"))
        }
    };
    tracing::info!(provider = provider.id(), model = provider.model(), "provider chosen");
    (provider, label)
}
