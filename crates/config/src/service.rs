//! What the settings commands do, free of Tauri so that tests call it directly: read and save the
//! settings, store and forget keys, test a connection, list a server's models, and swap the
//! app's agent when anything changes. No response carries a key.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use telltale_agent::{Agent, AgentConfig, ToolRegistry};
use telltale_protocol::{ErrorCode, FinishReason};
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::apply::{self, describe, Env};
use crate::keys::{KeyStorage, KeyStore};
use crate::mask::mask;
use crate::model::{preset, Api, Preset, Settings, OFFLINE, PRESETS};
use crate::validate::{check_key_transport, InvalidSettings};
use telltale_mcp::{McpManager, McpServerStatus};
use telltale_session::AgentSlot;

/// Where the settings JSON is kept (`settings.json` in the data folder: [`crate::FileStorage`];
/// memory in tests).
pub trait Storage: Send + Sync {
    fn load(&self) -> Option<serde_json::Value>;
    fn save(&self, value: serde_json::Value) -> Result<(), String>;
}

/// A settings command's failure, never with a key in it.
#[derive(Debug, thiserror::Error)]
pub enum SettingsCommandError {
    #[error("{0}")]
    InvalidRequest(String),
    #[error("{0}")]
    Storage(String),
    /// Settings that cannot be saved (a provider's base URL, a number out of range…).
    #[error(transparent)]
    Invalid(#[from] InvalidSettings),
}

impl SettingsCommandError {
    /// The provider whose settings are wrong, when the error is about one.
    pub fn provider_id(&self) -> Option<&str> {
        match self {
            SettingsCommandError::Invalid(invalid) => invalid.provider_id(),
            _ => None,
        }
    }
}

#[derive(Debug, Serialize, TS)]
pub struct ToolInfo {
    pub name: String,
    pub description: String,
    /// Works only when a workspace folder is set (the file tools).
    pub needs_workspace: bool,
}

/// Everything the Settings screen shows. Keys appear only as masks.
#[derive(Debug, Serialize, TS)]
pub struct SettingsView {
    pub settings: Settings,
    pub presets: &'static [Preset],
    /// provider id → the mask of its stored key (`sk-…a1b2`), or null.
    pub keys: BTreeMap<String, Option<String>>,
    pub key_storage: KeyStorage,
    /// Where keys are kept when `key_storage` is `file`.
    pub key_file: Option<String>,
    pub tools: Vec<ToolInfo>,
    /// The MCP servers and where each is.
    pub mcp: Vec<McpServerStatus>,
    /// Set when environment variables choose the provider instead of these settings.
    pub env_override: Option<String>,
    /// How the header names the provider now.
    pub active_label: String,
}

/// The outcome of "Test connection".
#[derive(Debug, Serialize, TS)]
pub struct TestResult {
    pub ok: bool,
    pub code: Option<ErrorCode>,
    pub message: String,
}

/// Reads an environment variable (the process's, or a test's).
pub type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

pub struct SettingsService {
    storage: Box<dyn Storage>,
    keys: KeyStore,
    current: Mutex<Settings>,
    env: EnvLookup,
    /// Folders no tool may read or change (the data folder with the history and keys).
    protected: Vec<PathBuf>,
    /// The MCP servers the settings configure, running in the background.
    mcp: Option<McpManager>,
}

const MAX_KEY_LEN: usize = 4096;

/// `text` with every occurrence of `key` replaced (a server may echo a key back).
fn redact(key: Option<&str>, text: &str) -> String {
    match key {
        Some(key) if key.len() >= 4 => text.replace(key, "[redacted]"),
        _ => text.to_owned(),
    }
}

impl SettingsService {
    pub fn new(storage: Box<dyn Storage>, keys: KeyStore, env: EnvLookup) -> Self {
        let settings = Settings::from_json(storage.load());
        SettingsService {
            storage,
            keys,
            current: Mutex::new(settings),
            env,
            protected: Vec::new(),
            mcp: None,
        }
    }

    /// The same service, running the configured MCP servers with `manager` and offering their
    /// tools to the agent.
    pub fn with_mcp(mut self, manager: McpManager) -> Self {
        manager.configure(&self.settings().mcp_servers);
        self.mcp = Some(manager);
        self
    }

    /// The MCP servers and where each is (starting, ready with its tools, failed and why).
    pub fn mcp_status(&self) -> Vec<McpServerStatus> {
        self.mcp.as_ref().map(McpManager::statuses).unwrap_or_default()
    }

    /// Adds the servers of a pasted `{"mcpServers": {...}}` block (a server of the same name is
    /// replaced) and saves.
    pub fn import_mcp_servers(
        &self,
        json: &str,
        slot: &AgentSlot,
    ) -> Result<SettingsView, SettingsCommandError> {
        let servers = telltale_mcp::parse_servers(json)
            .map_err(|e| SettingsCommandError::InvalidRequest(e.to_string()))?;
        let mut settings = self.settings();
        settings.mcp_servers.extend(servers);
        self.save(settings, slot)
    }

    /// The same service, with `folders` kept out of every tool's reach.
    pub fn protecting(mut self, folders: Vec<PathBuf>) -> Self {
        self.protected = folders;
        self
    }

    fn env(&self) -> Env<'_> {
        &*self.env
    }

    pub fn settings(&self) -> Settings {
        self.current.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Builds the agent from the settings (and the environment) and makes it the app's.
    pub fn apply(&self, slot: &AgentSlot) {
        let (agent, label) = self.build_agent();
        slot.replace(agent, label);
    }

    /// A slot holding the agent the settings (and the environment) describe.
    pub fn agent_slot(&self) -> AgentSlot {
        let (agent, label) = self.build_agent();
        AgentSlot::new(agent, label)
    }

    fn build_agent(&self) -> (std::sync::Arc<Agent>, String) {
        let settings = self.settings();
        if let Some(mcp) = &self.mcp {
            mcp.configure(&settings.mcp_servers);
        }
        apply::build_agent(&settings, &self.keys, self.env(), &self.protected, self.mcp.as_ref())
    }

    pub fn view(&self, slot: &AgentSlot) -> SettingsView {
        let settings = self.settings();
        let keys = PRESETS
            .iter()
            .filter(|p| p.api != Api::Offline)
            .map(|p| {
                // A key that cannot be read shows as absent; the error is logged without it.
                let key = self.keys.get(p.id).unwrap_or_else(|e| {
                    tracing::warn!(provider = p.id, "could not read the API key: {e}");
                    None
                });
                (p.id.to_owned(), key.as_deref().map(mask))
            })
            .collect();
        let file_tools: Vec<String> =
            telltale_agent::tools::workspace::specs().into_iter().map(|(s, _)| s.name).collect();
        let tools = ToolRegistry::catalog()
            .into_iter()
            .map(|(s, _)| ToolInfo {
                needs_workspace: file_tools.contains(&s.name),
                name: s.name,
                description: s.description,
            })
            .collect();
        SettingsView {
            settings,
            presets: &PRESETS,
            keys,
            key_storage: self.keys.storage(),
            key_file: (self.keys.storage() == KeyStorage::File)
                .then(|| self.keys.file_path().display().to_string()),
            tools,
            mcp: self.mcp_status(),
            env_override: apply::env_override(self.env()),
            active_label: slot.label(),
        }
    }

    pub fn save(
        &self,
        new: Settings,
        slot: &AgentSlot,
    ) -> Result<SettingsView, SettingsCommandError> {
        let new = Settings { version: 1, ..new };
        new.validate(&|id| self.has_key(id))?;
        let new = new.normalized();
        let json =
            serde_json::to_value(&new).map_err(|e| SettingsCommandError::Storage(e.to_string()))?;
        self.storage.save(json).map_err(|e| {
            SettingsCommandError::Storage(format!("the settings could not be saved: {e}"))
        })?;
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = new;
        self.apply(slot);
        Ok(self.view(slot))
    }

    /// Lets calls of `tool` run without asking from now on ("Always allow" on an approval).
    pub fn allow_tool_always(
        &self,
        tool: &str,
        slot: &AgentSlot,
    ) -> Result<SettingsView, SettingsCommandError> {
        let mut settings = self.settings();
        if !settings.ask_first.contains_key(tool) {
            return Err(SettingsCommandError::InvalidRequest(format!("no tool is named {tool}")));
        }
        settings.ask_first.insert(tool.to_owned(), false);
        self.save(settings, slot)
    }

    /// Whether a key is stored for `provider_id` (a key that cannot be read counts as one: the
    /// safe side for the checks that ask).
    fn has_key(&self, provider_id: &str) -> bool {
        self.keys.get(provider_id).map_or(true, |key| key.is_some())
    }

    fn key_provider(provider_id: &str) -> Result<&'static Preset, SettingsCommandError> {
        preset(provider_id).filter(|p| p.id != OFFLINE).ok_or_else(|| {
            SettingsCommandError::InvalidRequest(format!(
                "no provider \"{provider_id}\" takes a key"
            ))
        })
    }

    pub fn set_api_key(
        &self,
        provider_id: &str,
        key: &str,
        slot: &AgentSlot,
    ) -> Result<SettingsView, SettingsCommandError> {
        let preset = Self::key_provider(provider_id)?;
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
        let settings = self.settings();
        let url = settings.provider(preset.id).map_or("", |p| p.base_url.as_str());
        check_key_transport(preset, url, true)?;
        self.keys
            .set(preset.id, key)
            .map_err(|e| SettingsCommandError::Storage(redact(Some(key), &e.to_string())))?;
        tracing::info!(provider = preset.id, "API key stored");
        self.apply(slot);
        Ok(self.view(slot))
    }

    pub fn clear_api_key(
        &self,
        provider_id: &str,
        slot: &AgentSlot,
    ) -> Result<SettingsView, SettingsCommandError> {
        let preset = Self::key_provider(provider_id)?;
        self.keys.clear(preset.id).map_err(|e| SettingsCommandError::Storage(e.to_string()))?;
        tracing::info!(provider = preset.id, "API key cleared");
        self.apply(slot);
        Ok(self.view(slot))
    }

    /// A tiny real request (a one-word prompt, one step, no tools) through the agent crate's
    /// provider: success, or the typed error's code and message.
    pub async fn test_connection(
        &self,
        provider_id: &str,
        base_url: Option<&str>,
        model: Option<&str>,
    ) -> TestResult {
        let settings = self.settings();
        let name = preset(provider_id).map_or(provider_id, |p| p.name);
        let provider_settings =
            match apply::provider_settings(&settings, &self.keys, provider_id, base_url, model) {
                Ok(s) => s,
                Err(message) => {
                    return TestResult { ok: false, code: Some(ErrorCode::InvalidRequest), message }
                }
            };
        let key = match provider_settings.api_key {
            Some(_) => self.keys.get(provider_id).ok().flatten(),
            None => None,
        };
        let provider = match provider_settings.build() {
            Ok(provider) => provider,
            Err(e) => {
                return TestResult {
                    ok: false,
                    code: Some(ErrorCode::InvalidRequest),
                    message: describe(name, &e),
                }
            }
        };
        let model_name = provider.model().to_owned();
        let config =
            AgentConfig { max_steps: 1, keepalive: Duration::ZERO, ..AgentConfig::default() };
        let agent = Agent::new(provider, ToolRegistry::default(), config);
        let (tx, mut rx) = unbounded_channel();
        let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
        let cancel = CancellationToken::new();
        let run =
            agent.run("settings-test", &[], "Reply with the single word OK.", tx, cancel.clone());
        let outcome = match tokio::time::timeout(Duration::from_secs(30), run).await {
            Ok(outcome) => outcome,
            Err(_) => {
                cancel.cancel();
                drain.abort();
                return TestResult {
                    ok: false,
                    code: Some(ErrorCode::Timeout),
                    message: format!("{name} did not answer within 30 s."),
                };
            }
        };
        drain.abort();
        let redact = |text: &str| redact(key.as_deref(), text);
        match (outcome.reason, outcome.error) {
            (_, Some(error)) => {
                TestResult { ok: false, code: Some(error.code), message: redact(&error.message) }
            }
            (FinishReason::Completed, None) => TestResult {
                ok: true,
                code: None,
                message: format!("{name} answered with {model_name}."),
            },
            (reason, None) => TestResult {
                ok: false,
                code: None,
                message: format!("the test ended early ({reason:?})"),
            },
        }
    }

    /// The models the server lists (`GET {base}/models`, OpenAI-style `{data:[{id}]}`); empty
    /// when it does not answer.
    pub async fn list_models(&self, provider_id: &str, base_url: Option<&str>) -> Vec<String> {
        let settings = self.settings();
        let Ok(s) = apply::provider_settings(&settings, &self.keys, provider_id, base_url, None)
        else {
            return Vec::new();
        };
        // Only when the key goes to the saved base URL (see `apply::provider_settings`).
        let key = match s.api_key {
            Some(_) => self.keys.get(provider_id).ok().flatten(),
            None => None,
        };
        crate::models::list(s.kind, s.base_url.as_deref(), key.as_deref()).await
    }
}

#[cfg(test)]
mod tests;
