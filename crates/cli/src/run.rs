//! `telltale run`: one prompt, one run, its events on stdout.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use telltale_agent::providers::{AnthropicProvider, ApiKey, OfflinePace, OfflineProvider, OpenAiProvider};
use telltale_agent::{Agent, AgentConfig, Provider, ToolRegistry};
use telltale_protocol::FinishReason;
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

use crate::live_view::LiveView;

#[derive(Clone, Copy, ValueEnum)]
pub enum ProviderKind {
    /// The built-in offline demo: no network, no key.
    Offline,
    /// Any OpenAI-compatible Chat Completions server (OpenAI, OpenRouter, Groq, vLLM, llama.cpp,
    /// LM Studio, Ollama's /v1…). The key comes from TELLTALE_API_KEY, else OPENAI_API_KEY.
    Openai,
    /// Anthropic Messages, or a server speaking its format. The key comes from TELLTALE_API_KEY,
    /// else ANTHROPIC_API_KEY.
    Anthropic,
}

/// Where `--provider openai` goes without `--base-url`.
const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

#[derive(Args)]
pub struct RunArgs {
    /// Which provider answers.
    #[arg(long, value_enum, default_value = "offline")]
    provider: ProviderKind,
    /// The model to ask (the offline demo has one).
    #[arg(long)]
    model: Option<String>,
    /// The provider's API base URL, e.g. http://127.0.0.1:8080/v1 (the vendor's by default).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Give up on the provider when it sends nothing for this many seconds.
    #[arg(long, default_value_t = 60, value_name = "N")]
    idle_timeout_s: u64,
    /// Print every event as one line of JSON (the protocol, nothing else) instead of the live view.
    #[arg(long)]
    json: bool,
    /// Send a keep-alive ping whenever nothing else was sent for this long (0: never).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    keepalive_ms: u64,
    /// Pause between the offline demo's words, in milliseconds.
    #[arg(long, default_value_t = 30, value_name = "N")]
    pace_ms: u64,
    /// Most provider steps before the run stops with an error.
    #[arg(long, default_value_t = 8)]
    max_steps: usize,
    /// What to ask.
    #[arg(required = true, num_args = 1.., trailing_var_arg = true)]
    prompt: Vec<String>,
}

/// The first non-empty key among the environment variables `names`.
fn api_key(names: &[&str]) -> Option<ApiKey> {
    names
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .map(|key| key.trim().to_owned())
        .find(|key| !key.is_empty())
        .map(ApiKey::new)
}

/// Whether `base_url` points at this machine (where local servers need no key).
fn is_local(base_url: &str) -> bool {
    let Some(rest) = base_url.trim().split_once("://").map(|(_, rest)| rest) else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(host, _)| host),
    };
    let host = host.to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost") || host == "::1" || host.starts_with("127.")
}

/// Runs the agent; returns the process exit code: 0 completed, 1 error, 130 interrupted.
pub async fn run(args: RunArgs) -> Result<i32> {
    let provider: Arc<dyn Provider> = match args.provider {
        ProviderKind::Offline => {
            if let Some(model) = args.model.as_deref().filter(|m| *m != OfflineProvider::MODEL) {
                anyhow::bail!("the offline provider has one model, \"{}\", not \"{model}\"", OfflineProvider::MODEL);
            }
            let pace = match args.pace_ms {
                0 => OfflinePace::instant(),
                ms => OfflinePace { word: Duration::from_millis(ms), ..OfflinePace::default() },
            };
            Arc::new(OfflineProvider::new(pace))
        }
        ProviderKind::Openai | ProviderKind::Anthropic => {
            let (name, default_url, key_var) = match args.provider {
                ProviderKind::Anthropic => ("anthropic", telltale_agent::providers::anthropic::DEFAULT_BASE_URL, "ANTHROPIC_API_KEY"),
                _ => ("openai", OPENAI_BASE_URL, "OPENAI_API_KEY"),
            };
            let base_url = args.base_url.as_deref().unwrap_or(default_url);
            let Some(model) = args.model.as_deref() else {
                anyhow::bail!("--provider {name} needs --model NAME");
            };
            let key = api_key(&["TELLTALE_API_KEY", key_var]);
            if key.is_none() && !is_local(base_url) {
                anyhow::bail!(
                    "no API key for {base_url}: set TELLTALE_API_KEY (or {key_var}). \
                     Only a server on this machine (localhost) may go without one."
                );
            }
            let idle = Duration::from_secs(args.idle_timeout_s.max(1));
            let provider: Arc<dyn Provider> = match args.provider {
                ProviderKind::Anthropic => Arc::new(
                    AnthropicProvider::new(base_url, model, key).map_err(|e| anyhow::anyhow!(e.message))?.with_idle_timeout(idle),
                ),
                _ => Arc::new(
                    OpenAiProvider::new(base_url, model, key).map_err(|e| anyhow::anyhow!(e.message))?.with_idle_timeout(idle),
                ),
            };
            provider
        }
    };
    let config = AgentConfig {
        keepalive: Duration::from_millis(args.keepalive_ms),
        max_steps: args.max_steps,
        ..AgentConfig::default()
    };
    let agent = Agent::new(provider, ToolRegistry::builtin(), config);
    let prompt = args.prompt.join(" ");

    let cancel = CancellationToken::new();
    let interrupted = CancellationToken::new();
    {
        let (cancel, interrupted) = (cancel.clone(), interrupted.clone());
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupted.cancel();
                cancel.cancel();
            }
        });
    }

    let (tx, mut rx) = unbounded_channel();
    let run_id = telltale_agent::new_run_id();
    let json = args.json;
    let printer = tokio::spawn(async move {
        let stdout = std::io::stdout();
        let mut view = LiveView::new(std::io::IsTerminal::is_terminal(&stdout));
        while let Some(event) = rx.recv().await {
            let mut out = stdout.lock();
            let written = if json {
                serde_json::to_writer(&mut out, &event)
                    .map_err(std::io::Error::from)
                    .and_then(|_| out.write_all(b"\n"))
            } else {
                view.show(&mut out, &event)
            };
            written.and_then(|_| out.flush()).context("cannot write to stdout")?;
        }
        anyhow::Ok(())
    });
    let outcome = agent.run(&run_id, &[], &prompt, tx, cancel).await;
    printer.await.context("the output task failed")??;

    Ok(match outcome.reason {
        FinishReason::Completed => 0,
        FinishReason::Error => 1,
        FinishReason::Cancelled if interrupted.is_cancelled() => 130,
        FinishReason::Cancelled => 1,
    })
}

#[cfg(test)]
mod tests {
    use super::is_local;

    #[test]
    fn local_base_urls_are_recognised() {
        for url in ["http://localhost:11434/v1", "http://127.0.0.1:8080/v1", "http://[::1]:1234/v1", "http://LOCALHOST/v1"] {
            assert!(is_local(url), "{url}");
        }
        for url in ["https://api.openai.com/v1", "http://localhost.evil.com/v1", "http://10.0.0.2/v1", "localhost:80"] {
            assert!(!is_local(url), "{url}");
        }
    }
}
