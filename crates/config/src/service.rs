//! What the settings commands do, free of Tauri so that tests call it directly: read and save the
//! settings, store and forget keys, test a connection, list a server's models, and swap the
//! app's agent when anything changes. No response carries a key.

mod api_keys;
mod connection;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use telltale_agent::{Agent, ToolRegistry};
use telltale_protocol::ErrorCode;
use ts_rs::TS;

use crate::apply::{self, Env};
use crate::key_origin::{self, CheckError};
use crate::keys::{KeyStorage, KeyStore};
use crate::mask::mask;
use crate::model::{Api, Preset, Settings, PRESETS};
use crate::validate::InvalidSettings;
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

impl From<CheckError> for SettingsCommandError {
    fn from(error: CheckError) -> Self {
        match error {
            CheckError::Invalid(invalid) => SettingsCommandError::Invalid(invalid),
            CheckError::Key(e) => SettingsCommandError::Storage(e.to_string()),
        }
    }
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
    /// provider id → the origin (`https://api.openai.com`) its stored key was entered for and
    /// goes to, or null (no key, or a key from before keys had origins, tied to no base URL).
    pub key_origins: BTreeMap<String, Option<String>>,
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
    /// Shared with the thread that reads every stored key for a new agent.
    keys: Arc<KeyStore>,
    current: Mutex<Settings>,
    env: EnvLookup,
    /// Folders no tool may read or change (the data folder with the history and keys).
    protected: Vec<PathBuf>,
    /// The MCP servers the settings configure, running in the background.
    mcp: Option<McpManager>,
}

impl SettingsService {
    pub fn new(storage: Box<dyn Storage>, keys: KeyStore, env: EnvLookup) -> Self {
        let settings = Settings::from_json(storage.load());
        SettingsService {
            storage,
            keys: Arc::new(keys),
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

    /// Applies the settings as they are now (see `apply`) and answers with them.
    fn applied(&self, slot: &AgentSlot) -> Result<SettingsView, SettingsCommandError> {
        self.apply(slot);
        Ok(self.view(slot))
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
        let stored: Vec<_> = PRESETS
            .iter()
            .filter(|p| p.api != Api::Offline)
            .map(|p| {
                // A key that cannot be read shows as absent; the error is logged without it.
                let key = key_origin::stored_key(&self.keys, &settings, p.id).unwrap_or_else(|e| {
                    tracing::warn!(provider = p.id, "could not read the API key: {e}");
                    None
                });
                (p.id.to_owned(), key)
            })
            .collect();
        let keys = stored.iter().map(|(id, key)| (id.clone(), key.as_ref().map(|k| mask(&k.key))));
        let key_origins = stored
            .iter()
            .map(|(id, key)| (id.clone(), key.as_ref().and_then(|k| k.origin.clone())));
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
            keys: keys.collect(),
            key_origins: key_origins.collect(),
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
        self.save_with_keys(new, &BTreeMap::new(), slot)
    }

    /// Saves `new` with the keys in `new_keys` (provider id → key), each stored for the origin of
    /// its provider's new base URL. A provider whose base URL moves to another origin than the
    /// one its stored key was entered for needs its key again, here or stored for that origin
    /// first: otherwise nothing is saved and the error says so (`key_for_another_origin`).
    pub fn save_with_keys(
        &self,
        new: Settings,
        new_keys: &BTreeMap<String, String>,
        slot: &AgentSlot,
    ) -> Result<SettingsView, SettingsCommandError> {
        let new = Settings { version: 1, ..new };
        new.validate(&|id| new_keys.contains_key(id) || self.has_key(id))?;
        let new = new.normalized();
        let mut keys = Vec::with_capacity(new_keys.len());
        for (id, key) in new_keys {
            keys.push((Self::key_provider(id)?, Self::checked_key(key)?));
        }
        key_origin::check_save(&self.keys, &self.settings(), &new, &|id| {
            new_keys.contains_key(id)
        })?;
        for (preset, key) in keys {
            let url = new.provider(preset.id).map_or("", |p| p.base_url.as_str());
            self.store_key(preset, key, url)?;
        }
        let json =
            serde_json::to_value(&new).map_err(|e| SettingsCommandError::Storage(e.to_string()))?;
        self.storage.save(json).map_err(|e| {
            SettingsCommandError::Storage(format!("the settings could not be saved: {e}"))
        })?;
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = new;
        self.applied(slot)
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
}

#[cfg(test)]
mod tests;
