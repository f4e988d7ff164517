//! The flags `telltale run` and `telltale continue` share: which provider answers, with which
//! tools, and how the run's events are printed; and the agent they make.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use telltale_agent::providers::settings::{
    parse_thinking_budget, BASE_URL_VAR, IDLE_TIMEOUT_VAR, MODEL_VAR, PROVIDER_VAR,
    THINKING_BUDGET_VAR,
};
use telltale_agent::providers::{OfflinePace, ProviderKind, ProviderSettings, SettingsError};
use telltale_agent::{Agent, AgentConfig, Secrets, ToolRegistry};
use telltale_config::keys::KeyStore;
use telltale_mcp::{McpManager, McpServer, ServerState};
use telltale_session::AgentSlot;

use crate::approve::ApproveArg;
use crate::budget_args::BudgetArgs;

type McpServers = std::collections::BTreeMap<String, McpServer>;
type Prices = std::collections::BTreeMap<String, telltale_agent::pricing::Price>;

/// How long a run waits for its MCP servers to start.
const MCP_START_LIMIT: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, ValueEnum)]
pub enum ProviderArg {
    /// The built-in offline demo: no network, no key.
    Offline,
    /// Any OpenAI-compatible Chat Completions server (OpenAI, OpenRouter, Groq, vLLM, llama.cpp,
    /// LM Studio, Ollama's /v1…). The key comes from TELLTALE_API_KEY, else OPENAI_API_KEY.
    Openai,
    /// Anthropic Messages, or a server speaking its format. The key comes from TELLTALE_API_KEY,
    /// else ANTHROPIC_API_KEY.
    Anthropic,
}

impl From<ProviderArg> for ProviderKind {
    fn from(arg: ProviderArg) -> Self {
        match arg {
            ProviderArg::Offline => ProviderKind::Offline,
            ProviderArg::Openai => ProviderKind::Openai,
            ProviderArg::Anthropic => ProviderKind::Anthropic,
        }
    }
}

/// Each flag left out is taken from its environment variable (TELLTALE_PROVIDER, TELLTALE_MODEL,
/// TELLTALE_BASE_URL, TELLTALE_IDLE_TIMEOUT_S, TELLTALE_THINKING_BUDGET), as the desktop app reads them; with no provider
/// named either way, the provider chosen in the app's saved settings answers (with its stored
/// key), else the offline demo.
#[derive(Args)]
pub struct AgentArgs {
    /// Which provider answers [default: TELLTALE_PROVIDER, else the app's saved default, else offline]
    #[arg(long, value_enum)]
    pub(crate) provider: Option<ProviderArg>,
    /// The model to ask (the offline demo has one) [default: TELLTALE_MODEL]
    #[arg(long)]
    pub(crate) model: Option<String>,
    /// The provider's API base URL, e.g. http://127.0.0.1:8080/v1 [default: TELLTALE_BASE_URL, else the vendor's]
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// Give up on the provider when it sends nothing for this many seconds [default: TELLTALE_IDLE_TIMEOUT_S, else 60]
    #[arg(long, value_name = "N")]
    pub(crate) idle_timeout_s: Option<u64>,
    /// Ask Anthropic for extended thinking with this many tokens of reasoning per step (1024 or more; other providers ignore it) [default: TELLTALE_THINKING_BUDGET, else no thinking]
    #[arg(long, value_name = "N")]
    pub(crate) thinking_budget: Option<u32>,
    /// Print every event as one line of JSON (the protocol, nothing else) instead of the live view.
    #[arg(long)]
    pub(crate) json: bool,
    /// Send a keep-alive ping whenever nothing else was sent for this long (0: never).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub(crate) keepalive_ms: u64,
    /// Pause between the offline demo's words, in milliseconds.
    #[arg(long, default_value_t = 30, value_name = "N")]
    pub(crate) pace_ms: u64,
    /// Most provider steps before the run stops with an error.
    #[arg(long, default_value_t = 8)]
    pub(crate) max_steps: usize,
    /// Let the file tools (list_files, read_file, search_files) work in this folder [default: the app's saved workspace folder]
    #[arg(long, value_name = "DIR")]
    pub(crate) workspace: Option<std::path::PathBuf>,
    /// Let web_fetch reach this computer and private networks (otherwise public addresses only) [default: the app's saved choice]
    #[arg(long)]
    pub(crate) allow_private_network: bool,
    /// Use the MCP servers of this file (a {"mcpServers": {...}} block, as in claude_desktop_config.json) instead of the app's saved ones
    #[arg(long, value_name = "FILE")]
    pub(crate) mcp_config: Option<std::path::PathBuf>,
    /// Answer tool calls that ask for approval (write_file) without asking: all or none [default: ask on the terminal; with no terminal, deny]
    #[arg(long, value_enum, value_name = "all|none")]
    pub(crate) approve: Option<ApproveArg>,
    #[command(flatten)]
    pub(crate) budget: BudgetArgs,
}

impl AgentArgs {
    /// The tools of this run: the app's saved tool settings, with `--workspace` and
    /// `--allow-private-network` overriding them. The data folder is never reachable. With a
    /// workspace, the keys the app stored are kept out of what the tools return (without one,
    /// no tool reads anything that could hold them, and the key store is not opened).
    /// Also the user's own prices per model (from the same saved settings).
    fn tools(&self) -> Result<(ToolRegistry, Secrets, McpServers, Prices)> {
        let dir = telltale_config::data_dir()?;
        let mut settings = telltale_config::saved_settings(&dir);
        if let Some(folder) = &self.workspace {
            let folder = std::path::absolute(folder)
                .with_context(|| format!("cannot use {} as the workspace", folder.display()))?;
            if !folder.is_dir() {
                anyhow::bail!("the workspace folder {} does not exist", folder.display());
            }
            settings.workspace = folder.display().to_string();
        }
        settings.allow_private_network |= self.allow_private_network;
        if let Some(file) = &self.mcp_config {
            let json = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            settings.mcp_servers = telltale_mcp::parse_servers(&json)
                .with_context(|| format!("in {}", file.display()))?;
        }
        let secrets = match settings.workspace.is_empty() {
            true => Secrets::default(),
            // Read while the request goes out: only a tool's output needs them.
            false => {
                let dir = dir.clone();
                Secrets::in_background(move || {
                    let env = |name: &str| std::env::var(name).ok();
                    telltale_config::tools::stored_keys(&KeyStore::detect(&dir, &env))
                })
            }
        };
        let tools = telltale_config::tools::tools(&settings, &[dir]);
        Ok((tools, secrets, settings.mcp_servers, settings.prices))
    }

    /// The provider settings: the environment's, with each flag given overriding its variable.
    fn provider_settings(&self) -> Result<ProviderSettings> {
        let flags = [
            (PROVIDER_VAR, self.provider.map(|p| ProviderKind::from(p).as_str().to_owned())),
            (MODEL_VAR, self.model.clone()),
            (BASE_URL_VAR, self.base_url.clone()),
            (IDLE_TIMEOUT_VAR, self.idle_timeout_s.map(|s| s.to_string())),
            (THINKING_BUDGET_VAR, self.thinking_budget.map(|n| n.to_string())),
        ];
        let lookup = |name: &str| match flags.iter().find(|(var, _)| *var == name) {
            Some((_, Some(flag))) => Some(flag.clone()),
            _ => std::env::var(name).ok(),
        };
        // No provider named: the one the window's saved settings choose, if any were saved.
        let saved = match lookup(PROVIDER_VAR) {
            Some(_) => None,
            None => {
                let dir = telltale_config::data_dir()?;
                let (model, base_url) = (lookup(MODEL_VAR), lookup(BASE_URL_VAR));
                telltale_config::saved_provider(
                    &dir,
                    &lookup,
                    model.as_deref(),
                    base_url.as_deref(),
                )
                .map_err(anyhow::Error::msg)?
            }
        };
        let mut settings = match saved {
            Some(mut saved) => {
                if let Some(secs) = lookup(IDLE_TIMEOUT_VAR) {
                    let secs = secs.trim().parse::<u64>().with_context(|| {
                        format!("{IDLE_TIMEOUT_VAR} must be a number of seconds, not {secs:?}")
                    })?;
                    saved.idle_timeout = Duration::from_secs(secs);
                }
                // The flag or the variable wins for this run over the saved budget.
                if let Some(budget) = lookup(THINKING_BUDGET_VAR).filter(|v| !v.trim().is_empty()) {
                    saved.thinking_budget = Some(parse_thinking_budget(budget)?);
                }
                saved
            }
            None => ProviderSettings::from_lookup(lookup)?,
        };
        settings.offline_pace = match self.pace_ms {
            0 => OfflinePace::instant(),
            ms => OfflinePace { word: Duration::from_millis(ms), ..OfflinePace::default() },
        };
        Ok(settings)
    }

    /// Makes the agent of one HTTP run that names its own provider or model: these flags'
    /// provider settings with those replaced (another kind with its vendor's URL and its own
    /// key variable), `base`'s tools and limits, and the price and budget of that model.
    pub fn chooser(&self, base: &AgentSlot) -> Result<telltale_serve::AgentChooser> {
        let configured = self.provider_settings()?;
        let prices = telltale_config::saved_settings(&telltale_config::data_dir()?).prices;
        let (base, budget) = (base.get(), self.budget.clone());
        Ok(Arc::new(move |kind, model| {
            let settings = configured.for_run(kind, model, |name| std::env::var(name).ok());
            let provider = settings.build()?;
            let price = telltale_config::prices::price_for(&settings, &prices);
            let budget = budget
                .budget(provider.model(), price)
                .map_err(|error| SettingsError::Invalid(error.to_string()))?;
            let secrets = base.config().secrets.clone().with_key(settings.api_key.as_ref());
            let config = AgentConfig { price, budget, secrets, ..base.config().clone() };
            Ok(Arc::new(Agent::new(provider, base.tools().clone(), config)))
        }))
    }

    /// The agent these flags describe (its MCP servers started and waited for).
    pub async fn agent(&self) -> Result<AgentSlot> {
        let provider_settings = self.provider_settings()?;
        let provider = provider_settings.build()?;
        let (mut tools, stored_keys, mcp_servers, own_prices) = self.tools()?;
        if mcp_servers.values().any(|server| server.enabled) {
            tools.add_source(Arc::new(start_mcp(&mcp_servers).await));
        }
        // What the model costs: the user's price for it, else the table shipped with the app.
        let price = telltale_config::prices::price_for(&provider_settings, &own_prices);
        let config = AgentConfig {
            keepalive: Duration::from_millis(self.keepalive_ms),
            max_steps: self.max_steps,
            secrets: stored_keys.with_key(provider_settings.api_key.as_ref()),
            price,
            budget: self.budget.budget(provider.model(), price)?,
            ..AgentConfig::default()
        };
        let label = provider.label();
        Ok(AgentSlot::new(Arc::new(Agent::new(provider, tools, config)), label))
    }
}

/// Starts the MCP servers and waits for them (a one-prompt run wants their tools from its first
/// step); a server that fails is reported and the run goes on without it.
async fn start_mcp(servers: &McpServers) -> McpManager {
    let manager = McpManager::new(tokio::runtime::Handle::current());
    manager.configure(servers);
    manager.settled(MCP_START_LIMIT).await;
    for status in manager.statuses() {
        match status.state {
            ServerState::Failed { error } => eprintln!("{error}"),
            ServerState::Starting => eprintln!(
                "MCP server \"{}\" is still starting after {} s: the run goes on without it",
                status.name,
                MCP_START_LIMIT.as_secs()
            ),
            ServerState::Ready { .. } | ServerState::Disabled => {}
        }
    }
    manager
}
