//! What the agent's, the session's and the CLI's tests share about steps, runs and their events:
//! the answer's tokens, one provider step, one agent run with the built-in tools.
//!
//! `#[path]`-included like `server.rs`, so it needs only the workspace crates and tokio.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use telltale_agent::{
    step_sink, Agent, AgentConfig, Emitter, Provider, ProviderError, RunOutcome, StepRequest,
    StepResponse, ToolRegistry,
};
use telltale_protocol::{Event, EventKind, Message};
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

/// The text of the events `pick` picks, joined.
pub fn joined(events: &[Event], pick: impl Fn(&EventKind) -> Option<&str>) -> String {
    events.iter().filter_map(|e| pick(&e.kind)).collect()
}

/// The answer as it streamed: every token, joined.
pub fn tokens(events: &[Event]) -> String {
    joined(events, |k| match k {
        EventKind::Token { text } => Some(text),
        _ => None,
    })
}

/// Runs one step of `provider` on "hi" with the built-in tools; returns its result and events.
pub async fn step(provider: &dyn Provider) -> (Result<StepResponse, ProviderError>, Vec<Event>) {
    let (tx, mut rx) = unbounded_channel();
    let sink = step_sink(Emitter::new("run-1", tx));
    let messages = vec![Message::user("hi")];
    let tools = ToolRegistry::builtin().specs();
    let result = provider.step(StepRequest { messages: &messages, tools: &tools }, &sink).await;
    drop(sink);
    let events = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    (result, events)
}

/// A whole run of `prompt` with `provider` and the built-in tools (no keep-alive pings);
/// returns how it ended and its events.
pub async fn run(provider: impl Provider + 'static, prompt: &str) -> (RunOutcome, Vec<Event>) {
    run_configured(provider, prompt, AgentConfig::default()).await
}

/// [`run`] with `config` (its keep-alive pings off).
pub async fn run_configured(
    provider: impl Provider + 'static,
    prompt: &str,
    config: AgentConfig,
) -> (RunOutcome, Vec<Event>) {
    let config = AgentConfig { keepalive: Duration::ZERO, ..config };
    let agent = Agent::new(Arc::new(provider), ToolRegistry::builtin(), config);
    let (tx, mut rx) = unbounded_channel();
    let outcome = agent.run("run-1", &[], prompt, tx, CancellationToken::new()).await;
    let events = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    (outcome, events)
}
