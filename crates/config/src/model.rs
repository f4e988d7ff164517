//! The settings the user edits: providers (from presets), the default provider, keep-alive,
//! idle timeout and the enabled tools. Persisted as one JSON value; API keys are never part of it.
//! What may be saved is checked in `validate`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use telltale_agent::budget::Budget;
use telltale_agent::pricing::Price;
use telltale_agent::ToolRegistry;
use ts_rs::TS;

/// Which wire protocol a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    /// The built-in demo: no network, no key.
    Offline,
    /// OpenAI-compatible Chat Completions.
    Openai,
    /// Anthropic Messages.
    Anthropic,
}

/// A provider Telltale knows how to reach, with where it lives by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct Preset {
    pub id: &'static str,
    pub name: &'static str,
    pub api: Api,
    /// Empty for the offline demo and for a custom server (the user types it).
    pub base_url: &'static str,
    /// Whether requests need a key (servers on this machine usually do not).
    pub needs_key: bool,
}

pub const OFFLINE: &str = "offline";

pub const PRESETS: [Preset; 8] = [
    Preset { id: OFFLINE, name: "Offline demo", api: Api::Offline, base_url: "", needs_key: false },
    Preset {
        id: "openai",
        name: "OpenAI",
        api: Api::Openai,
        base_url: "https://api.openai.com/v1",
        needs_key: true,
    },
    Preset {
        id: "anthropic",
        name: "Anthropic",
        api: Api::Anthropic,
        base_url: "https://api.anthropic.com",
        needs_key: true,
    },
    Preset {
        id: "openrouter",
        name: "OpenRouter",
        api: Api::Openai,
        base_url: "https://openrouter.ai/api/v1",
        needs_key: true,
    },
    Preset {
        id: "groq",
        name: "Groq",
        api: Api::Openai,
        base_url: "https://api.groq.com/openai/v1",
        needs_key: true,
    },
    Preset {
        id: "ollama",
        name: "Ollama",
        api: Api::Openai,
        base_url: "http://127.0.0.1:11434/v1",
        needs_key: false,
    },
    Preset {
        id: "lmstudio",
        name: "LM Studio",
        api: Api::Openai,
        base_url: "http://127.0.0.1:1234/v1",
        needs_key: false,
    },
    Preset {
        id: "custom",
        name: "Custom (OpenAI-compatible)",
        api: Api::Openai,
        base_url: "",
        needs_key: false,
    },
];

pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// One provider's editable settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProviderEntry {
    pub id: String,
    #[serde(default)]
    pub base_url: String,
    #[serde(default)]
    pub model: String,
    /// Extended thinking's budget in tokens per step, for an Anthropic-format provider only
    /// (none: no extended thinking; at least `MIN_THINKING_BUDGET`). `TELLTALE_THINKING_BUDGET`
    /// and `telltale run --thinking-budget` override it for one run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub thinking_budget: Option<u32>,
}

pub const DEFAULT_KEEPALIVE_MS: u64 = 1000;
pub const DEFAULT_IDLE_TIMEOUT_S: u64 = 60;
pub const KEEPALIVE_MS_RANGE: (u64, u64) = (250, 60_000);
pub const IDLE_TIMEOUT_S_RANGE: (u64, u64) = (5, 3600);
pub const DEFAULT_TOOL_TIMEOUT_S: u64 = 30;
pub const TOOL_TIMEOUT_S_RANGE: (u64, u64) = (1, 3600);

/// Everything in `settings.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    pub version: u32,
    pub default_provider: String,
    /// One entry per preset, in preset order.
    pub providers: Vec<ProviderEntry>,
    #[ts(type = "number")]
    pub keepalive_ms: u64,
    #[ts(type = "number")]
    pub idle_timeout_s: u64,
    /// How long one tool call may take before it ends as timed out (an MCP server's own
    /// `timeout_s` wins for its tools).
    #[ts(type = "number")]
    pub tool_timeout_s: u64,
    /// Tool name → enabled; every tool Telltale has is listed.
    pub tools: BTreeMap<String, bool>,
    /// Tool name → whether its calls wait for the user's approval; every tool is listed, with
    /// its default (tools with side effects ask first).
    pub ask_first: BTreeMap<String, bool>,
    /// The folder the file tools work in (an absolute path); empty: no file tools.
    pub workspace: String,
    /// Whether `web_fetch` may reach this computer and private networks (off: public internet
    /// only).
    pub allow_private_network: bool,
    /// The MCP servers, by the name their tools are prefixed with (`<name>__<tool>`).
    pub mcp_servers: BTreeMap<String, telltale_mcp::McpServer>,
    /// The user's own prices, by model name (as the provider knows it): they win over the price
    /// table shipped with the app (`crates/config/prices.json`).
    pub prices: BTreeMap<String, Price>,
    /// What one run in the window may use (time, tool calls, output tokens, cost); reaching it
    /// pauses the run until the user continues past it or stops it (the CLI, which takes the
    /// same budgets, stops with a `budget` error). No limits by default.
    pub budget: Budget,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            version: 1,
            default_provider: OFFLINE.to_owned(),
            providers: Vec::new(),
            keepalive_ms: DEFAULT_KEEPALIVE_MS,
            idle_timeout_s: DEFAULT_IDLE_TIMEOUT_S,
            tool_timeout_s: DEFAULT_TOOL_TIMEOUT_S,
            tools: BTreeMap::new(),
            ask_first: BTreeMap::new(),
            workspace: String::new(),
            allow_private_network: false,
            mcp_servers: BTreeMap::new(),
            prices: BTreeMap::new(),
            budget: Budget::default(),
        }
        .normalized()
    }
}

/// The names of every tool Telltale has.
pub fn tool_names() -> Vec<String> {
    ToolRegistry::catalog().into_iter().map(|(spec, _)| spec.name).collect()
}

impl Settings {
    /// Settings read from disk: whatever is missing takes its default, whatever is unknown is
    /// dropped, and anything unreadable gives the defaults.
    pub fn from_json(value: Option<serde_json::Value>) -> Self {
        value
            .and_then(|v| serde_json::from_value::<Settings>(v).ok())
            .unwrap_or_default()
            .normalized()
    }

    /// Every preset present once, in order; every built-in tool listed; known default provider;
    /// numbers within their ranges; text trimmed.
    pub fn normalized(mut self) -> Self {
        self.version = 1;
        let mut providers = Vec::with_capacity(PRESETS.len());
        for preset in &PRESETS {
            let found = self.providers.iter().find(|p| p.id == preset.id);
            let mut entry = found.cloned().unwrap_or_else(|| ProviderEntry {
                id: preset.id.to_owned(),
                base_url: preset.base_url.to_owned(),
                model: String::new(),
                thinking_budget: None,
            });
            entry.base_url = entry.base_url.trim().trim_end_matches('/').to_owned();
            entry.model = entry.model.trim().to_owned();
            if preset.api == Api::Offline {
                entry.base_url.clear();
                entry.model = telltale_agent::providers::OfflineProvider::MODEL.to_owned();
            }
            // Only Anthropic's Messages API takes extended thinking.
            if preset.api != Api::Anthropic {
                entry.thinking_budget = None;
            }
            providers.push(entry);
        }
        self.providers = providers;
        if preset(&self.default_provider).is_none() {
            self.default_provider = OFFLINE.to_owned();
        }
        self.workspace = self.workspace.trim().to_owned();
        self.prices = std::mem::take(&mut self.prices)
            .into_iter()
            .map(|(model, price)| (model.trim().to_owned(), price))
            .filter(|(model, _)| !model.is_empty())
            .collect();
        self.keepalive_ms = self.keepalive_ms.clamp(KEEPALIVE_MS_RANGE.0, KEEPALIVE_MS_RANGE.1);
        self.idle_timeout_s =
            self.idle_timeout_s.clamp(IDLE_TIMEOUT_S_RANGE.0, IDLE_TIMEOUT_S_RANGE.1);
        self.tool_timeout_s =
            self.tool_timeout_s.clamp(TOOL_TIMEOUT_S_RANGE.0, TOOL_TIMEOUT_S_RANGE.1);
        let catalog = ToolRegistry::catalog();
        self.tools.retain(|name, _| catalog.iter().any(|(spec, _)| spec.name == *name));
        self.ask_first.retain(|name, _| catalog.iter().any(|(spec, _)| spec.name == *name));
        for (spec, asks) in catalog {
            self.tools.entry(spec.name.clone()).or_insert(true);
            self.ask_first.entry(spec.name).or_insert(asks);
        }
        self
    }

    pub fn provider(&self, id: &str) -> Option<&ProviderEntry> {
        self.providers.iter().find(|p| p.id == id)
    }

    pub fn tool_enabled(&self, name: &str) -> bool {
        self.tools.get(name).copied().unwrap_or(true)
    }

    /// Whether calls of `name` wait for approval (tools not listed ask: the safe side).
    pub fn asks_first(&self, name: &str) -> bool {
        self.ask_first.get(name).copied().unwrap_or(true)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn presets_have_the_documented_base_urls() {
        let urls: Vec<(&str, &str)> = PRESETS.iter().map(|p| (p.id, p.base_url)).collect();
        assert_eq!(
            urls,
            [
                ("offline", ""),
                ("openai", "https://api.openai.com/v1"),
                ("anthropic", "https://api.anthropic.com"),
                ("openrouter", "https://openrouter.ai/api/v1"),
                ("groq", "https://api.groq.com/openai/v1"),
                ("ollama", "http://127.0.0.1:11434/v1"),
                ("lmstudio", "http://127.0.0.1:1234/v1"),
                ("custom", ""),
            ]
        );
        assert_eq!(preset("anthropic").unwrap().api, Api::Anthropic);
        assert!(PRESETS
            .iter()
            .filter(|p| p.id != "anthropic" && p.id != OFFLINE)
            .all(|p| p.api == Api::Openai));
    }

    #[test]
    fn defaults_list_every_preset_and_tool_and_answer_offline() {
        let s = Settings::default();
        assert_eq!(s.default_provider, "offline");
        assert_eq!(s.providers.len(), PRESETS.len());
        assert_eq!(s.provider("groq").unwrap().base_url, "https://api.groq.com/openai/v1");
        assert_eq!((s.keepalive_ms, s.idle_timeout_s, s.tool_timeout_s), (1000, 60, 30));
        assert_eq!(
            s.tools.keys().cloned().collect::<Vec<_>>(),
            [
                "calculator",
                "clock",
                "draft_email",
                "draft_note",
                "list_files",
                "read_file",
                "search_files",
                "web_fetch",
                "write_file"
            ]
        );
        assert!(s.tools.values().all(|on| *on));
        assert_eq!((s.workspace.as_str(), s.allow_private_network), ("", false));
        let asking: Vec<&String> =
            s.ask_first.iter().filter(|(_, ask)| **ask).map(|(n, _)| n).collect();
        assert_eq!(asking, ["write_file"]);
        assert!(s.validate(&|_| false).is_ok());
    }

    #[test]
    fn a_json_round_trip_keeps_everything() {
        let mut s = Settings {
            default_provider: "ollama".into(),
            keepalive_ms: 2500,
            idle_timeout_s: 90,
            ..Settings::default()
        };
        s.providers[5].model = "llama3.2".into();
        s.tools.insert("clock".into(), false);
        s.budget.max_seconds = Some(120);
        s.budget.max_cost_usd = Some(0.25);
        s.prices.insert("my-model".into(), Price::new(0.5, 1.5));
        s.providers[2].thinking_budget = Some(4096);
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["providers"][2]["thinking_budget"], 4096);
        assert!(json["providers"][1].get("thinking_budget").is_none(), "off is left out");
        assert_eq!(Settings::from_json(Some(json)), s);
    }

    #[test]
    fn only_an_anthropic_format_provider_keeps_a_thinking_budget() {
        let s = Settings::from_json(Some(json!({
            "providers": [
                {"id": "anthropic", "base_url": "https://api.anthropic.com", "thinking_budget": 2048},
                {"id": "openai", "base_url": "https://api.openai.com/v1", "thinking_budget": 2048},
            ],
        })));
        assert_eq!(s.provider("anthropic").unwrap().thinking_budget, Some(2048));
        assert_eq!(s.provider("openai").unwrap().thinking_budget, None);
        assert_eq!(Settings::default().provider("anthropic").unwrap().thinking_budget, None);
    }

    #[test]
    fn partial_unknown_or_broken_json_is_repaired() {
        let s = Settings::from_json(Some(json!({
            "default_provider": "gemini",
            "providers": [{"id": "openai", "base_url": " https://proxy.example/v1/ ", "model": " gpt-4o "}, {"id": "zzz"}],
            "tools": {"clock": false, "rm_rf": true},
            "keepalive_ms": 5,
        })));
        assert_eq!(s.default_provider, "offline");
        assert_eq!(s.provider("openai").unwrap().base_url, "https://proxy.example/v1");
        assert_eq!(s.provider("openai").unwrap().model, "gpt-4o");
        assert!(s.provider("zzz").is_none());
        assert_eq!(s.providers.len(), PRESETS.len());
        assert!(!s.tool_enabled("clock") && !s.tools.contains_key("rm_rf"));
        assert_eq!(s.keepalive_ms, 250);
        assert_eq!(Settings::from_json(Some(json!("nonsense"))), Settings::default());
        assert_eq!(Settings::from_json(None), Settings::default());
    }
}
