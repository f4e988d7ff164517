//! `telltale run`: one prompt, one run, its events on stdout.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use telltale_agent::providers::{OfflinePace, OfflineProvider};
use telltale_agent::{Agent, AgentConfig, Provider, ToolRegistry};
use telltale_protocol::FinishReason;
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

use crate::live_view::LiveView;

#[derive(Clone, Copy, ValueEnum)]
pub enum ProviderKind {
    /// The built-in offline demo: no network, no key.
    Offline,
}

#[derive(Args)]
pub struct RunArgs {
    /// Which provider answers.
    #[arg(long, value_enum, default_value = "offline")]
    provider: ProviderKind,
    /// The model to ask (the offline demo has one).
    #[arg(long)]
    model: Option<String>,
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
