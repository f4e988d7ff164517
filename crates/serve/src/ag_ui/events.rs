//! Telltale's events as AG-UI's (the `@ag-ui/core` 1.0 schemas: `type` in SCREAMING_SNAKE_CASE,
//! fields in camelCase), one run at a time. AG-UI wants what Telltale's stream implies made
//! explicit: where a provider step, an answer's message, a reasoning message and a tool call's
//! arguments begin and end. [`Mapper`] keeps that state and closes whatever is open before the
//! run ends, so a client's checks (every message ended before `RUN_FINISHED`, nothing after
//! `RUN_ERROR`) hold however the run ends. The table is in docs/http-api.md.

use serde_json::{json, Map, Value};
use telltale_protocol::{Event, EventKind, FinishReason, StatusIcon, Usage};

/// Maps one run's events, in order, to AG-UI events.
pub(crate) struct Mapper {
    thread_id: String,
    run_id: String,
    /// `RUN_STARTED` was sent.
    started: bool,
    /// `RUN_FINISHED` or `RUN_ERROR` was sent: nothing more is.
    over: bool,
    /// Unix epoch milliseconds when the run started (events carry `t_ms` after it).
    started_at: Option<u64>,
    provider: String,
    model: String,
    /// Steps started so far; the open one is named after this count.
    steps: u32,
    step_open: bool,
    /// The assistant message the step's tool calls belong to (its text's, or one they make).
    step_message: Option<String>,
    /// The text message in progress.
    text: Option<String>,
    /// The reasoning message in progress (its span has the same id).
    reasoning: Option<String>,
    /// Tool calls started and not yet ended, with whether any of their arguments were sent.
    calls: Vec<(String, bool)>,
    /// Ids handed out so far (messages of this run are `RUN_ID-N`).
    ids: u32,
}

impl Mapper {
    pub fn new(thread_id: String, run_id: String) -> Mapper {
        Mapper {
            thread_id,
            run_id,
            started: false,
            over: false,
            started_at: None,
            provider: String::new(),
            model: String::new(),
            steps: 0,
            step_open: false,
            step_message: None,
            text: None,
            reasoning: None,
            calls: Vec::new(),
            ids: 0,
        }
    }

    /// Whether the run's last AG-UI event (`RUN_FINISHED` or `RUN_ERROR`) was sent.
    pub fn is_over(&self) -> bool {
        self.over
    }

    /// The AG-UI events `event` makes (none, one or several), each with a `timestamp`.
    pub fn map(&mut self, event: &Event) -> Vec<Value> {
        let mut out = Vec::new();
        if self.over {
            return out;
        }
        if let EventKind::RunStarted { provider, model, started_at } = &event.kind {
            self.started_at = Some(*started_at);
            self.provider.clone_from(provider);
            self.model.clone_from(model);
        }
        if !self.started {
            self.started = true;
            let mut started = json!({
                "type": "RUN_STARTED", "threadId": self.thread_id, "runId": self.run_id,
            });
            if !self.provider.is_empty() {
                started["metadata"] = json!({ "provider": self.provider, "model": self.model });
            }
            out.push(started);
        }
        self.map_kind(&event.kind, &mut out);
        if let Some(started_at) = self.started_at {
            let timestamp = (started_at as f64 + event.t_ms.max(0.0)) as u64;
            out.iter_mut().for_each(|value| value["timestamp"] = json!(timestamp));
        }
        out
    }

    fn map_kind(&mut self, kind: &EventKind, out: &mut Vec<Value>) {
        match kind {
            EventKind::RunStarted { .. } => {}
            EventKind::Status { icon, .. } => {
                // The agent says so as each provider step begins.
                if matches!(icon, Some(StatusIcon::Planning | StatusIcon::Thinking)) {
                    self.finish_step(out);
                    self.open_step(out);
                }
                out.push(custom(kind));
            }
            EventKind::Thought { text } if !text.is_empty() => {
                self.open_step(out);
                self.end_text(out);
                let fresh = || next_id(&mut self.ids, &self.run_id, "reasoning");
                let id = open(&mut self.reasoning, fresh, out, |id| {
                    vec![
                        json!({ "type": "REASONING_START", "messageId": id }),
                        json!({
                            "type": "REASONING_MESSAGE_START", "messageId": id, "role": "reasoning",
                        }),
                    ]
                });
                out.push(
                    json!({ "type": "REASONING_MESSAGE_CONTENT", "messageId": id, "delta": text }),
                );
            }
            EventKind::Token { text } if !text.is_empty() => {
                self.open_step(out);
                self.end_reasoning(out);
                let is_new = self.text.is_none();
                let fresh = || next_id(&mut self.ids, &self.run_id, "message");
                let id = open(&mut self.text, fresh, out, |id| {
                    vec![
                        json!({ "type": "TEXT_MESSAGE_START", "messageId": id, "role": "assistant" }),
                    ]
                });
                if is_new {
                    // The step's tool calls from here on belong to this message.
                    self.step_message = Some(id.clone());
                }
                out.push(json!({ "type": "TEXT_MESSAGE_CONTENT", "messageId": id, "delta": text }));
            }
            EventKind::Thought { .. } | EventKind::Token { .. } => {}
            EventKind::ToolCallDelta { call_id, name, args_delta } => {
                self.open_step(out);
                self.start_call(call_id, name, out);
                if !args_delta.is_empty() {
                    self.mark_args(call_id);
                    out.push(args(call_id, args_delta));
                }
            }
            EventKind::ToolCall { call_id, name, args: arguments } => {
                // The step's answer is complete: its calls run now.
                self.start_call(call_id, name, out);
                self.finish_step(out);
                if !self.calls.iter().any(|(id, sent)| id == call_id && *sent) {
                    self.mark_args(call_id);
                    out.push(args(call_id, &arguments.to_string()));
                }
                self.end_call(call_id, out);
            }
            EventKind::ToolResult { call_id, ok, output, duration_ms } => {
                self.end_call(call_id, out);
                out.push(json!({
                    "type": "TOOL_CALL_RESULT",
                    "messageId": format!("{}-result-{call_id}", self.run_id),
                    "toolCallId": call_id,
                    "content": output,
                    "role": "tool",
                    "metadata": { "ok": ok, "durationMs": duration_ms },
                }));
            }
            EventKind::ApprovalRequired { .. }
            | EventKind::ApprovalResolved { .. }
            | EventKind::ToolProgress { .. }
            | EventKind::Ping { .. }
            | EventKind::BudgetReached { .. }
            | EventKind::BudgetResolved { .. } => out.push(custom(kind)),
            EventKind::Error { code, message, .. } => {
                self.close_all(out);
                out.push(run_error(message, &name_of(code)));
                self.over = true;
            }
            EventKind::RunFinished { reason, usage, .. } => {
                self.close_all(out);
                out.push(match reason {
                    // An `error` came first and said why; this only says that one did.
                    FinishReason::Error => run_error("the run failed", "internal"),
                    FinishReason::Completed | FinishReason::Cancelled => {
                        self.run_finished(*reason, *usage)
                    }
                });
                self.over = true;
            }
        }
    }

    fn run_finished(&self, reason: FinishReason, usage: Option<Usage>) -> Value {
        let outcome = if reason == FinishReason::Cancelled { "cancelled" } else { "success" };
        let mut finished = json!({
            "type": "RUN_FINISHED",
            "threadId": self.thread_id,
            "runId": self.run_id,
            "outcome": { "type": outcome },
        });
        if let Some(usage) = usage {
            finished["usage"] = json!([{
                "provider": self.provider,
                "model": self.model,
                "inputTokens": usage.input_tokens,
                "outputTokens": usage.output_tokens,
                "totalTokens": u64::from(usage.input_tokens) + u64::from(usage.output_tokens),
            }]);
        }
        finished
    }

    /// Starts a step unless one is open (a run going on with a cut-off answer has no status).
    fn open_step(&mut self, out: &mut Vec<Value>) {
        if !self.step_open {
            self.step_open = true;
            self.steps += 1;
            self.step_message = None;
            out.push(json!({ "type": "STEP_STARTED", "stepName": self.step_name() }));
        }
    }

    fn finish_step(&mut self, out: &mut Vec<Value>) {
        self.end_reasoning(out);
        self.end_text(out);
        if self.step_open {
            self.step_open = false;
            out.push(json!({ "type": "STEP_FINISHED", "stepName": self.step_name() }));
        }
    }

    fn step_name(&self) -> String {
        format!("step {}", self.steps)
    }

    fn end_text(&mut self, out: &mut Vec<Value>) {
        if let Some(id) = self.text.take() {
            out.push(json!({ "type": "TEXT_MESSAGE_END", "messageId": id }));
        }
    }

    fn end_reasoning(&mut self, out: &mut Vec<Value>) {
        if let Some(id) = self.reasoning.take() {
            out.push(json!({ "type": "REASONING_MESSAGE_END", "messageId": id }));
            out.push(json!({ "type": "REASONING_END", "messageId": id }));
        }
    }

    /// `TOOL_CALL_START` for a call not started yet, in the step's assistant message.
    fn start_call(&mut self, call_id: &str, name: &str, out: &mut Vec<Value>) {
        if self.calls.iter().any(|(id, _)| id == call_id) {
            return;
        }
        self.end_reasoning(out);
        self.end_text(out);
        let fresh = || next_id(&mut self.ids, &self.run_id, "message");
        // Calls with no text before them share an assistant message the client makes.
        let parent = open(&mut self.step_message, fresh, out, |_| Vec::new());
        self.calls.push((call_id.to_owned(), false));
        out.push(json!({
            "type": "TOOL_CALL_START",
            "toolCallId": call_id,
            "toolCallName": name,
            "parentMessageId": parent,
        }));
    }

    fn mark_args(&mut self, call_id: &str) {
        if let Some(call) = self.calls.iter_mut().find(|(id, _)| id == call_id) {
            call.1 = true;
        }
    }

    fn end_call(&mut self, call_id: &str, out: &mut Vec<Value>) {
        if let Some(index) = self.calls.iter().position(|(id, _)| id == call_id) {
            self.calls.remove(index);
            out.push(json!({ "type": "TOOL_CALL_END", "toolCallId": call_id }));
        }
    }

    /// Ends everything open: the run is ending.
    fn close_all(&mut self, out: &mut Vec<Value>) {
        self.end_reasoning(out);
        self.end_text(out);
        for (call_id, _) in std::mem::take(&mut self.calls) {
            out.push(json!({ "type": "TOOL_CALL_END", "toolCallId": call_id }));
        }
        self.finish_step(out);
    }
}

/// The id in `slot`, or a `fresh` one put there after the `starts` events it needs.
fn open(
    slot: &mut Option<String>,
    fresh: impl FnOnce() -> String,
    out: &mut Vec<Value>,
    starts: impl FnOnce(&str) -> Vec<Value>,
) -> String {
    if let Some(id) = slot {
        return id.clone();
    }
    let id = fresh();
    out.extend(starts(&id));
    slot.insert(id).clone()
}

/// The run's next id of a `what` (`RUN_ID-message-3`).
fn next_id(ids: &mut u32, run_id: &str, what: &str) -> String {
    *ids += 1;
    format!("{run_id}-{what}-{ids}")
}

fn args(call_id: &str, delta: &str) -> Value {
    json!({ "type": "TOOL_CALL_ARGS", "toolCallId": call_id, "delta": delta })
}

fn run_error(message: &str, code: &str) -> Value {
    json!({ "type": "RUN_ERROR", "message": message, "code": code })
}

/// A Telltale event with no AG-UI counterpart: `CUSTOM`, named by its type (`status`, `ping`,
/// `tool_progress`, `approval_required`, `approval_resolved`, `budget_reached`), its fields (as
/// in docs/protocol.md) the value.
fn custom(kind: &EventKind) -> Value {
    let mut fields = match serde_json::to_value(kind) {
        Ok(Value::Object(fields)) => fields,
        _ => Map::new(),
    };
    let name = match fields.remove("type") {
        Some(Value::String(name)) => name,
        _ => "telltale".into(),
    };
    json!({ "type": "CUSTOM", "name": name, "value": fields })
}

/// A serialised enum's name (`rate_limited`).
fn name_of(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(name)) => name,
        _ => "internal".into(),
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
