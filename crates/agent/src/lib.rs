//! Telltale's agent runtime, free of any UI: the loop, providers, tools, keep-alive, batching.
//!
//! A run streams typed [`telltale_protocol::Event`]s into a channel; the desktop shell, the CLI
//! and tests all watch the same events.

pub mod batch;
pub mod budget;
mod controls;
mod emitter;
mod keepalive;
pub mod pricing;
pub mod provider;
pub mod providers;
mod runner;
mod secrets;
pub mod sse;
mod tool_call;
pub mod tools;
mod transcript;
pub mod urls;

pub use controls::{BudgetDecision, ControlError, Decision, RunControls};
pub use emitter::Emitter;
pub use provider::{
    Provider, ProviderError, StepRequest, StepResponse, StepSink, CONTINUE_REQUEST,
};
pub use runner::{Agent, AgentConfig, RunOutcome};
pub use secrets::{Secrets, REDACTED};
pub use tools::{ProgressSink, Tool, ToolError, ToolOptions, ToolRegistry, ToolSource, ToolSpec};

/// A sink that streams one step's events through `emitter`, for driving a [`Provider`] on its
/// own (provider tests, tools that call a model) rather than through an [`Agent`].
pub fn step_sink(emitter: Emitter) -> StepSink {
    StepSink::new(emitter)
}

/// A fresh run id.
pub fn new_run_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
