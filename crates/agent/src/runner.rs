//! The agent loop: ask the provider for a step, run the tools it calls, feed the results back,
//! until a final answer, an error, a stop, or the step limit.

use std::sync::Arc;
use std::time::Duration;

use telltale_protocol::{Event, EventKind, FinishReason, Message};
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::budget::{Budget, Meter};
use crate::controls::RunControls;
use crate::emitter::Emitter;
use crate::keepalive::keep_alive;
use crate::pricing::Price;
use crate::provider::{Provider, ProviderError};
use crate::secrets::Secrets;
use crate::tools::ToolRegistry;
use crate::transcript::Transcript;
use steps::StepsEnd;

mod steps;

#[derive(Debug, Clone)]
pub struct AgentConfig {
    /// Provider steps per run before the run ends with a `step_limit` error.
    pub max_steps: usize,
    /// How long one tool call may take.
    pub tool_timeout: Duration,
    /// Most tool calls one step may make; the rest fail without running.
    pub max_calls_per_step: usize,
    /// A `ping` goes out whenever nothing else was sent for this long (zero: never).
    pub keepalive: Duration,
    /// The user's API keys, removed from every tool output before anyone sees it.
    pub secrets: Secrets,
    /// What the model costs, when known: `run_finished` then carries `cost_usd`.
    pub price: Option<Price>,
    /// What one run may use (time, tool calls, output tokens, cost); none by default.
    pub budget: Budget,
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentConfig {
            max_steps: 8,
            tool_timeout: Duration::from_secs(30),
            max_calls_per_step: 16,
            keepalive: Duration::from_secs(1),
            secrets: Secrets::default(),
            price: None,
            budget: Budget::default(),
        }
    }
}

/// How a run ended, and what it added to the conversation (kept even when stopped or failed).
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutcome {
    pub reason: FinishReason,
    pub new_messages: Vec<Message>,
    pub error: Option<ProviderError>,
}

pub struct Agent {
    provider: Arc<dyn Provider>,
    tools: ToolRegistry,
    config: AgentConfig,
}

impl Agent {
    pub fn new(provider: Arc<dyn Provider>, tools: ToolRegistry, config: AgentConfig) -> Self {
        Agent { provider, tools, config }
    }

    pub fn provider(&self) -> &Arc<dyn Provider> {
        &self.provider
    }

    /// The tools its runs may use.
    pub fn tools(&self) -> &ToolRegistry {
        &self.tools
    }

    /// Its limits, keep-alive, secrets, price and budget.
    pub fn config(&self) -> &AgentConfig {
        &self.config
    }

    /// Runs one turn: `prompt` after `history`. Every event goes to `events`, the last one is
    /// always `run_finished`, and `cancel` ends the run at once, keeping what streamed. Tool
    /// calls that wait for approval are denied (nobody can answer): see [`Agent::run_with`].
    pub async fn run(
        &self,
        run_id: &str,
        history: &[Message],
        prompt: &str,
        events: UnboundedSender<Event>,
        cancel: CancellationToken,
    ) -> RunOutcome {
        let controls = RunControls::unattended(cancel);
        self.run_with(run_id, history, prompt, events, controls, None).await
    }

    /// [`Agent::run`], with `controls` to stop the run, answer approvals and cancel single
    /// calls, and, when `messages` is given, each message of the run sent there as it completes
    /// (the prompt at once, a step's answer with its tool calls when the step ends, each tool
    /// result when its call ends, in the order they end): a recorder stores them as they come,
    /// so a crash loses no completed message. A step's message is sent before the events that
    /// follow it (its tool calls' events, `run_finished`).
    pub async fn run_with(
        &self,
        run_id: &str,
        history: &[Message],
        prompt: &str,
        events: UnboundedSender<Event>,
        controls: RunControls,
        messages: Option<UnboundedSender<Message>>,
    ) -> RunOutcome {
        self.run_prompt(run_id, history, Message::user(prompt), events, controls, messages).await
    }

    /// [`Agent::run_with`] for a prompt given as its message: a [`Message::User`] with the
    /// files attached to it.
    pub async fn run_prompt(
        &self,
        run_id: &str,
        history: &[Message],
        prompt: Message,
        events: UnboundedSender<Event>,
        controls: RunControls,
        messages: Option<UnboundedSender<Message>>,
    ) -> RunOutcome {
        let mut transcript = Transcript::new(history, messages);
        let emitter = Emitter::new(run_id, events);
        emitter.emit(EventKind::RunStarted {
            provider: self.provider.id().to_owned(),
            model: self.provider.model().to_owned(),
            started_at: emitter.started_at_ms(),
        });
        transcript.push(prompt);
        self.drive(emitter, transcript, controls).await
    }

    /// Goes on with a run that was cut off (stopped, failed, or interrupted by a crash or a lost
    /// connection): `history` is the conversation up to and including that run, as stored, and
    /// `emitter` goes on with its events ([`Emitter::resume`]; no second `run_started`). When
    /// the history ends with the run's partial answer, the model is asked to go on from that
    /// exact text (how each provider asks: its wire's `request_body`), the new text streams as
    /// `token`s, and the answer's message comes out whole (the partial text and the new), to
    /// take the partial one's place. Otherwise the run goes on with its next step (after its
    /// tool results, or its prompt).
    pub async fn continue_with(
        &self,
        emitter: Emitter,
        history: &[Message],
        controls: RunControls,
        messages: Option<UnboundedSender<Message>>,
    ) -> RunOutcome {
        let transcript = Transcript::new(history, messages);
        self.drive(emitter, transcript, controls).await
    }

    /// Runs the steps after what `transcript` holds, to the run's end.
    async fn drive(
        &self,
        emitter: Emitter,
        mut transcript: Transcript,
        controls: RunControls,
    ) -> RunOutcome {
        let stop_pings = CancellationToken::new();
        let pings =
            tokio::spawn(keep_alive(emitter.clone(), self.config.keepalive, stop_pings.clone()));
        let meter =
            Meter::new(self.config.budget, self.config.price, emitter.clone(), controls.clone());
        let clock = tokio::spawn(meter.clone().watch_time());
        let mut usage = None;
        // The tools there when the run starts (an MCP server that gets ready meanwhile joins the next).
        let tools = self.tools.snapshot();
        let end = self.run_steps(&emitter, &tools, &mut transcript, &mut usage, &controls, &meter);
        let end = end.await;

        stop_pings.cancel();
        clock.abort();
        // A pause the run ended before it waited at (its answer was complete) takes no answer.
        controls.forget_budget();
        let end = match (end, controls.failure()) {
            (StepsEnd::Cancelled, Some(failure)) => StepsEnd::Failed(failure),
            (end, _) => end,
        };
        let (reason, error) = match end {
            StepsEnd::Completed => (FinishReason::Completed, None),
            StepsEnd::Cancelled => (FinishReason::Cancelled, None),
            StepsEnd::Failed(error) => {
                emitter.emit(EventKind::Error {
                    code: error.code,
                    message: error.message.clone(),
                    retryable: error.retryable,
                });
                (FinishReason::Error, Some(error))
            }
        };
        let cost_usd = usage.zip(self.config.price).map(|(usage, price)| price.cost_of(usage));
        let ttft_ms = emitter.first_token_ms();
        emitter.emit(EventKind::RunFinished { reason, usage, ttft_ms, cost_usd });
        let _ = pings.await;
        RunOutcome { reason, new_messages: transcript.into_new(), error }
    }
}
