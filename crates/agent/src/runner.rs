//! The agent loop: ask the provider for a step, run the tools it calls, feed the results back,
//! until a final answer, an error, a stop, or the step limit.

use std::sync::Arc;
use std::time::Duration;

use telltale_protocol::{ErrorCode, Event, EventKind, FinishReason, StatusIcon, Usage};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::budget::{Budget, Meter};
use crate::controls::RunControls;
use crate::emitter::Emitter;
use crate::keepalive::keep_alive;
use crate::pricing::Price;
use crate::provider::{Provider, ProviderError, StepRequest, StepSink};
use crate::secrets::Secrets;
use crate::tool_call::{self, CallContext};
use crate::tools::{ToolError, ToolRegistry};
use crate::transcript::Transcript;
use telltale_protocol::{Message, ToolCall};

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

enum StepsEnd {
    Completed,
    Cancelled,
    Failed(ProviderError),
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

    async fn run_steps(
        &self,
        emitter: &Emitter,
        tools: &ToolRegistry,
        messages: &mut Transcript,
        usage: &mut Option<Usage>,
        controls: &RunControls,
        meter: &Meter,
    ) -> StepsEnd {
        let cancel = controls.cancel_token();
        let specs = tools.specs();
        for step in 0..self.config.max_steps {
            // Paused at a budget meanwhile (the time, while tools ran): the user answers first.
            if !meter.hold(cancel).await {
                return StepsEnd::Cancelled;
            }
            let (message, icon) = match step {
                0 => ("Planning…", StatusIcon::Planning),
                _ => ("Reading the results…", StatusIcon::Thinking),
            };
            // An answer that goes on where it was cut off flows on without a new status.
            if messages.cut_off_text().is_none() {
                emitter.emit(EventKind::Status { message: message.into(), icon: Some(icon) });
            }
            emitter.set_waiting_for(Some(self.provider.model().to_owned()));

            // A step that goes on with a cut-off answer: its text is what the sink let through.
            let cut_off = messages.cut_off_text().map(str::to_owned);
            let sink = match &cut_off {
                Some(before) => StepSink::continuing(emitter.clone(), before),
                None => StepSink::new(emitter.clone()),
            }
            .metered(meter.clone());
            let request = StepRequest { messages: messages.messages(), tools: &specs };
            // Paused at a budget, the stream is not read (the server waits) until the user answers.
            let result = {
                let step = self.provider.step(request, &sink);
                tokio::pin!(step);
                loop {
                    tokio::select! {
                        biased;
                        _ = cancel.cancelled() => break None,
                        result = &mut step => break Some(result),
                        _ = meter.paused() => if !meter.hold(cancel).await { break None },
                    }
                }
            };
            let response = match result {
                None | Some(Err(_)) => {
                    let partial = sink.streamed_text();
                    if !partial.is_empty() {
                        messages
                            .push_answer(Message::Assistant { text: partial, tool_calls: vec![] });
                    }
                    return match result {
                        Some(Err(error)) => StepsEnd::Failed(error),
                        _ => StepsEnd::Cancelled,
                    };
                }
                Some(Ok(response)) => response,
            };
            if let Some(step_usage) = response.usage {
                let total = usage.get_or_insert_with(Usage::default);
                total.input_tokens += step_usage.input_tokens;
                total.output_tokens += step_usage.output_tokens;
            }
            let calls = response.tool_calls;
            meter.settle(response.usage, calls.is_empty());
            let text = match cut_off {
                Some(_) => sink.streamed_text(),
                None => response.text,
            };
            messages.push_answer(Message::Assistant { text, tool_calls: calls.clone() });
            if calls.is_empty() {
                return StepsEnd::Completed;
            }
            let mut allowed = meter.allow_tool_calls(calls.len());
            // Paused at the tool calls (or another budget): the user may let them run.
            while !allowed && meter.is_paused() && meter.hold(cancel).await {
                allowed = meter.allow_tool_calls(calls.len());
            }
            if meter.is_reached() || !allowed {
                // Past a budget: the calls do not run, and each says so (the history stays whole).
                for call in &calls {
                    let output = "not run: the run reached its budget".to_owned();
                    let result = Message::Tool {
                        call_id: call.call_id.clone(),
                        name: call.name.clone(),
                        ok: false,
                        output,
                    };
                    messages.send(&result);
                    messages.push_sent(result);
                }
                return StepsEnd::Cancelled;
            }
            let (results, cancelled) =
                self.run_tools(emitter, tools, &calls, controls, messages).await;
            results.into_iter().for_each(|result| messages.push_sent(result));
            if cancelled {
                return StepsEnd::Cancelled;
            }
        }
        StepsEnd::Failed(ProviderError::new(
            ErrorCode::StepLimit,
            format!(
                "The agent used all {} of its steps without finishing the answer. \
                 Try a narrower question.",
                self.config.max_steps
            ),
            false,
        ))
    }

    /// Runs `calls` concurrently, each with the tool timeout. Returns one `Message::Tool` per
    /// call, in call order, and whether the run was stopped meanwhile (unfinished calls are then
    /// recorded as cancelled, so the conversation stays well-formed). Each result goes to the
    /// transcript's sink as its call ends (see [`Transcript::send`]); the caller adds them.
    async fn run_tools(
        &self,
        emitter: &Emitter,
        tools: &ToolRegistry,
        calls: &[ToolCall],
        controls: &RunControls,
        transcript: &Transcript,
    ) -> (Vec<Message>, bool) {
        let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
        emitter.set_waiting_for(Some(names.join(", ")));
        let mut tasks = JoinSet::new();
        for (index, call) in calls.iter().enumerate() {
            emitter.emit(EventKind::ToolCall {
                call_id: call.call_id.clone(),
                name: call.name.clone(),
                args: call.args.clone(),
            });
            let tool = tools.get(&call.name);
            let ask = tools.asks(&call.name);
            if !ask || controls.is_always_allowed(&call.name) {
                let (message, icon) = match &tool {
                    Some(tool) => tool.status(&call.args),
                    None => (format!("Calling {}…", call.name), StatusIcon::Tool),
                };
                emitter.emit(EventKind::Status { message, icon: Some(icon) });
            }
            let refused = (index >= self.config.max_calls_per_step)
                .then_some(ToolError::TooManyCalls(self.config.max_calls_per_step));
            let context = CallContext {
                refused,
                emitter: emitter.clone(),
                controls: controls.clone(),
                tool,
                ask,
                timeout: self.config.tool_timeout,
                secrets: self.config.secrets.clone(),
            };
            let call = call.clone();
            tasks.spawn(async move {
                let (ok, output) = tool_call::execute(context, call).await;
                (index, ok, output)
            });
        }

        let result = |call: &ToolCall, ok: bool, output: String| Message::Tool {
            call_id: call.call_id.clone(),
            name: call.name.clone(),
            ok,
            output,
        };
        let mut outcomes: Vec<Option<Message>> = vec![None; calls.len()];
        let mut cancelled = false;
        loop {
            let joined = tokio::select! {
                biased;
                _ = controls.cancel_token().cancelled() => { cancelled = true; break; }
                joined = tasks.join_next() => joined,
            };
            match joined {
                None => break,
                Some(Ok((index, ok, output))) => {
                    let message = result(&calls[index], ok, output);
                    transcript.send(&message);
                    outcomes[index] = Some(message);
                }
                Some(Err(panic)) => tracing::error!(%panic, "a tool task failed"),
            }
        }
        tasks.abort_all();
        let results = calls
            .iter()
            .zip(outcomes)
            .map(|(call, outcome)| {
                outcome.unwrap_or_else(|| {
                    let why = if cancelled {
                        "cancelled: the run was stopped"
                    } else {
                        "the tool crashed"
                    };
                    let message = result(call, false, why.to_owned());
                    transcript.send(&message);
                    message
                })
            })
            .collect();
        (results, cancelled)
    }
}
