//! OpenAI-compatible Chat Completions (`POST {base_url}/chat/completions`, streamed): OpenAI,
//! OpenRouter, Groq, Together, DeepSeek, Mistral, vLLM, llama.cpp, LM Studio, Ollama's `/v1`.
//!
//! Answer text streams as tokens, `reasoning_content` / `reasoning` as thoughts, and tool-call
//! argument fragments as `tool_call_delta`s; the calls are assembled by `index` and their
//! arguments parsed when the stream ends with `[DONE]`. Every failure is a typed
//! [`ProviderError`]; the API key never appears in one.

mod wire;

use std::time::Duration;

use async_trait::async_trait;
use reqwest::header::ACCEPT;
use telltale_protocol::{ErrorCode, Usage};

use crate::provider::{Provider, ProviderError, StepRequest, StepResponse, StepSink};
use crate::providers::decoder::{self, StreamDecoder};
use crate::providers::endpoint::{Endpoint, EndpointSpec};
use crate::providers::http_errors::{self, ApiKey};
use crate::providers::http_stream::{self, clamp, excerpt, Ended, RetryPolicy};
use crate::sse::SseEvent;
use telltale_protocol::ToolCall;

/// Where requests go without a base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

pub use crate::providers::endpoint::DEFAULT_IDLE_TIMEOUT;

/// Completes "Check the base URL…" when an HTML page came instead of a stream.
const URL_HINT: &str = ": it usually ends in /v1";

pub struct OpenAiProvider {
    endpoint: Endpoint,
}

impl OpenAiProvider {
    pub const ID: &'static str = "openai";

    /// A provider for `model` at `base_url` (`https://api.openai.com/v1`, `http://localhost:11434/v1`…).
    /// `key` may be `None` for local servers that need none.
    pub fn new(base_url: &str, model: &str, key: Option<ApiKey>) -> Result<Self, ProviderError> {
        let spec = EndpointSpec {
            kind: "OpenAI-compatible server",
            path: "/chat/completions",
            example: "https://api.openai.com/v1",
            vendor: None,
        };
        Ok(OpenAiProvider { endpoint: Endpoint::new(&spec, base_url, model, key)? })
    }

    /// Fails a step when no byte arrived for this long (default [`DEFAULT_IDLE_TIMEOUT`]).
    pub fn with_idle_timeout(mut self, idle_timeout: Duration) -> Self {
        self.endpoint.idle_timeout = idle_timeout;
        self
    }

    fn malformed(&self, what: &str) -> ProviderError {
        http_stream::malformed(&self.endpoint.context(), what)
    }

    /// How failures before the answer starts are retried (default: 3 tries, from 0.5 s).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.endpoint.retry = retry;
        self
    }
}

#[async_trait]
impl Provider for OpenAiProvider {
    fn id(&self) -> &str {
        Self::ID
    }

    fn model(&self) -> &str {
        &self.endpoint.model
    }

    fn label(&self) -> String {
        self.endpoint.label()
    }

    async fn step(
        &self,
        request: StepRequest<'_>,
        sink: &StepSink,
    ) -> Result<StepResponse, ProviderError> {
        sink.waiting_for(&self.endpoint.model);
        let body = wire::request_body(&self.endpoint.model, request.messages, request.tools);
        let make = || {
            let builder = self
                .endpoint
                .client
                .post(&self.endpoint.url)
                .header(ACCEPT, "text/event-stream")
                .json(&body);
            match &self.endpoint.key {
                Some(key) => builder.bearer_auth(key.expose()),
                None => builder,
            }
        };
        tracing::debug!(url = %self.endpoint.url, model = %self.endpoint.model, "chat completions request");
        decoder::stream_step(self, &self.endpoint, make, URL_HINT, sink).await
    }
}

/// What one step has streamed so far.
#[derive(Default)]
pub struct StepState {
    text: String,
    /// Tool calls in the order they appeared, keyed by their `index`.
    calls: Vec<PartialCall>,
    usage: Option<Usage>,
}

struct PartialCall {
    index: Option<u32>,
    id: String,
    name: String,
    args: String,
}

impl StreamDecoder for OpenAiProvider {
    type State = StepState;

    /// Handles one event; returns whether it was the final `[DONE]`.
    fn handle(
        &self,
        event: &SseEvent,
        step: &mut StepState,
        sink: &StepSink,
    ) -> Result<bool, ProviderError> {
        let data = event.data.trim();
        if data == "[DONE]" {
            return Ok(true);
        }
        let chunk: wire::Chunk = serde_json::from_str(data).map_err(|e| {
            self.malformed(&format!(
                "The {} sent a stream chunk that is not valid JSON ({e}): {}",
                self.endpoint.server,
                excerpt(data)
            ))
        })?;
        if let Some(error) =
            chunk.error.as_ref().or((event.event == "error").then_some(&serde_json::Value::Null))
        {
            let message = error
                .pointer("/message")
                .and_then(|m| m.as_str())
                .map(str::to_owned)
                .or_else(|| http_errors::server_message(data))
                .unwrap_or_else(|| "no details".to_owned());
            return Err(ProviderError::new(
                ErrorCode::ProviderError,
                ApiKey::redact(
                    self.endpoint.key.as_ref(),
                    &format!(
                        "The {} reported an error mid-answer: \"{message}\". Try again.",
                        self.endpoint.server
                    ),
                ),
                false,
            ));
        }
        if let Some(usage) = &chunk.usage {
            step.usage = Some(Usage {
                input_tokens: clamp(usage.prompt_tokens),
                output_tokens: clamp(usage.completion_tokens),
            });
        }
        // With `n` > 1 other choices would follow; Telltale asks for one.
        let Some(delta) = chunk.choices.into_iter().find(|c| c.index == 0).and_then(|c| c.delta)
        else {
            return Ok(false);
        };
        if let Some(thought) = delta.reasoning_content.as_deref().or(delta.reasoning.as_deref()) {
            sink.thought(thought);
        }
        if let Some(text) = delta.content.as_deref() {
            step.text.push_str(text);
            sink.token(text);
        }
        for fragment in delta.tool_calls.unwrap_or_default() {
            let slot = match fragment.index {
                Some(index) => step.calls.iter().position(|c| c.index == Some(index)),
                // Servers that leave out `index`: a new id starts a call, else the last one goes on.
                None => match &fragment.id {
                    Some(id) => step.calls.iter().position(|c| &c.id == id),
                    None => step.calls.len().checked_sub(1),
                },
            };
            let (slot, new) = match slot {
                Some(slot) => (slot, false),
                None => {
                    let ordinal = step.calls.len();
                    step.calls.push(PartialCall {
                        index: fragment.index,
                        id: fragment.id.clone().unwrap_or_else(|| format!("call_{ordinal}")),
                        name: String::new(),
                        args: String::new(),
                    });
                    (ordinal, true)
                }
            };
            let call = &mut step.calls[slot];
            let function = fragment.function.unwrap_or_default();
            if let Some(name) = function.name.filter(|n| !n.is_empty()) {
                if call.name.is_empty() {
                    call.name = name;
                }
            }
            let args = function.arguments.unwrap_or_default();
            call.args.push_str(&args);
            if new || !args.is_empty() {
                sink.tool_call_delta(&call.id, &call.name, &args);
            }
        }
        Ok(false)
    }

    /// The step, once its stream ended.
    fn end(&self, ended: Ended, step: StepState) -> Result<StepResponse, ProviderError> {
        match ended {
            Ended::Done => self.finish(step),
            Ended::Eof => {
                let when = if step.text.is_empty() && step.calls.is_empty() {
                    "before any answer"
                } else {
                    "mid-answer"
                };
                Err(self.malformed(&format!(
                    "The {} stream was cut off {when} (it ended without its [DONE] marker). \
                     What arrived is kept; try again.",
                    self.endpoint.server
                )))
            }
        }
    }
}

impl OpenAiProvider {
    fn finish(&self, step: StepState) -> Result<StepResponse, ProviderError> {
        let mut tool_calls = Vec::with_capacity(step.calls.len());
        for call in step.calls {
            if call.name.is_empty() {
                return Err(self.malformed(&format!(
                    "The model asked for a tool call ({}) without naming the tool. Try again.",
                    call.id
                )));
            }
            let args = http_stream::parse_args(&self.endpoint.context(), &call.name, &call.args)?;
            tool_calls.push(ToolCall { call_id: call.id, name: call.name, args });
        }
        Ok(StepResponse { text: step.text, tool_calls, usage: step.usage })
    }
}
