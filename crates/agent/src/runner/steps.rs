//! A run's steps: ask the provider for one, run the tools it calls (concurrently, each with the
//! tool timeout, waiting for approval where a tool asks first), feed the results back, until a
//! final answer, an error, a stop, a budget, or the step limit.

use telltale_protocol::{ErrorCode, EventKind, Message, StatusIcon, ToolCall, Usage};
use tokio::task::JoinSet;

use super::Agent;
use crate::budget::Meter;
use crate::controls::RunControls;
use crate::emitter::Emitter;
use crate::provider::{ProviderError, StepRequest, StepSink};
use crate::tool_call::{self, CallContext};
use crate::tools::{ToolError, ToolRegistry};
use crate::transcript::Transcript;

/// How the steps ended.
pub(super) enum StepsEnd {
    Completed,
    Cancelled,
    Failed(ProviderError),
}

impl Agent {
    /// Runs steps until the answer is complete, the run stops or fails, or `max_steps` ran,
    /// adding each step's answer and tool results to `messages` and its usage to `usage`.
    pub(super) async fn run_steps(
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
            .metered(meter);
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
                        messages.push_answer(Message::assistant(partial, vec![]));
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
            let thinking = response.thinking;
            messages.push_answer(Message::Assistant { text, tool_calls: calls.clone(), thinking });
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
                    let result =
                        Message::tool_result(call, false, "not run: the run reached its budget");
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
                    let message = Message::tool_result(&calls[index], ok, output);
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
                    let message = Message::tool_result(call, false, why);
                    transcript.send(&message);
                    message
                })
            })
            .collect();
        (results, cancelled)
    }
}
