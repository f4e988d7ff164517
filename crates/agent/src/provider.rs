//! The provider trait: one streamed step of a model (or the offline demo).

use std::sync::Mutex;

use async_trait::async_trait;
use telltale_protocol::{ErrorCode, EventKind, StatusIcon, Usage};

use crate::budget::Meter;
use crate::emitter::Emitter;
use crate::tools::ToolSpec;
use telltale_protocol::{Message, ThinkingBlock, ToolCall};

/// What a provider that cannot continue its own answer (OpenAI-compatible servers) is told
/// after an answer that was cut off, which it is sent as its last message: Anthropic takes that
/// message as the beginning of the answer it writes instead.
pub const CONTINUE_REQUEST: &str = "Your previous message was cut off. Continue it exactly where \
     it stopped, even mid-word or mid-sentence: do not repeat any of it, do not comment, just go on.";

/// What a provider is asked for in one step.
pub struct StepRequest<'a> {
    pub messages: &'a [Message],
    pub tools: &'a [ToolSpec],
}

/// What one step produced once its stream ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepResponse {
    /// The answer text of this step (everything that was sent as `token`s).
    pub text: String,
    /// Tool calls to run before the next step; none means the answer is final.
    pub tool_calls: Vec<ToolCall>,
    pub usage: Option<Usage>,
    /// The model's reasoning blocks, to go back with this answer (Anthropic's extended thinking).
    pub thinking: Vec<ThinkingBlock>,
}

/// A provider failure, typed for the UI and CLI, with a message the user can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ProviderError {
    pub code: ErrorCode,
    pub message: String,
    pub retryable: bool,
}

impl ProviderError {
    pub fn new(code: ErrorCode, message: impl Into<String>, retryable: bool) -> Self {
        ProviderError { code, message: message.into(), retryable }
    }
}

/// A model that streams one step at a time.
#[async_trait]
pub trait Provider: Send + Sync {
    /// `offline`, `openai`, `anthropic`…
    fn id(&self) -> &str;
    fn model(&self) -> &str;
    /// How the UI names this provider ("Offline demo — no model", "gpt-4o-mini via OpenAI").
    fn label(&self) -> String;
    /// Where its requests go (the request URL without a `user:pass@`; none for the offline
    /// demo): with `id` and `model`, which model at which server a session remembers things of.
    fn address(&self) -> &str {
        ""
    }
    /// Streams one step into `sink` and returns what it produced. Dropping the future cancels it.
    async fn step(
        &self,
        request: StepRequest<'_>,
        sink: &StepSink,
    ) -> Result<StepResponse, ProviderError>;
}

/// Where a provider streams a step: answer tokens, thoughts and tool-argument fragments.
/// It remembers the text that streamed, so that a stopped run keeps it.
pub struct StepSink {
    emitter: Emitter,
    streamed: Mutex<String>,
    /// The step goes on with an answer that was cut off: no "Writing the answer…" (it was being
    /// written), and when that answer ends with white space, the white space the new text
    /// starts with is dropped (it would be there twice: Anthropic is sent the answer without it).
    continues: Option<bool>,
    /// Counts what streams against the run's budget.
    meter: Option<Meter>,
}

impl StepSink {
    pub(crate) fn new(emitter: Emitter) -> Self {
        StepSink { emitter, streamed: Mutex::new(String::new()), continues: None, meter: None }
    }

    /// This sink, counting what streams against the run's budget with `meter` (when tokens count
    /// against it: otherwise nothing is counted as it streams).
    pub(crate) fn metered(self, meter: &Meter) -> Self {
        StepSink { meter: meter.counts_tokens().then(|| meter.clone()), ..self }
    }

    fn count(&self, text: &str) {
        if let Some(meter) = &self.meter {
            meter.streamed(text);
        }
    }

    /// A sink for a step that continues the cut-off answer `before`.
    pub(crate) fn continuing(emitter: Emitter, before: &str) -> Self {
        let ends_blank = before.ends_with(char::is_whitespace);
        StepSink { continues: Some(ends_blank), ..StepSink::new(emitter) }
    }

    /// Appends answer text. The first token of a step also says the agent is writing.
    pub fn token(&self, text: &str) {
        let (first, text) = {
            let mut streamed = self.streamed.lock().unwrap_or_else(|e| e.into_inner());
            let first = streamed.is_empty();
            let text = match self.continues {
                Some(true) if first => text.trim_start(),
                _ => text,
            };
            streamed.push_str(text);
            (first, text)
        };
        if text.is_empty() {
            return;
        }
        if first && self.continues.is_none() {
            self.status("Writing the answer…", StatusIcon::Writing);
            self.emitter.set_waiting_for(None);
        }
        self.emitter.emit(EventKind::Token { text: text.to_owned() });
        self.count(text);
    }

    pub fn thought(&self, text: &str) {
        if !text.is_empty() {
            self.emitter.emit(EventKind::Thought { text: text.to_owned() });
            self.count(text);
        }
    }

    pub fn tool_call_delta(&self, call_id: &str, name: &str, args_delta: &str) {
        self.emitter.emit(EventKind::ToolCallDelta {
            call_id: call_id.to_owned(),
            name: name.to_owned(),
            args_delta: args_delta.to_owned(),
        });
        if !args_delta.is_empty() {
            self.count(args_delta);
        }
    }

    pub fn status(&self, message: &str, icon: StatusIcon) {
        self.emitter.emit(EventKind::Status { message: message.to_owned(), icon: Some(icon) });
    }

    /// Names what the step waits on, for keep-alive pings.
    pub fn waiting_for(&self, what: &str) {
        self.emitter.set_waiting_for(Some(what.to_owned()));
    }

    /// The answer text streamed so far in this step.
    pub fn streamed_text(&self) -> String {
        self.streamed.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
