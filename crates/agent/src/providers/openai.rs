//! OpenAI-compatible Chat Completions (`POST {base_url}/chat/completions`, streamed): OpenAI,
//! OpenRouter, Groq, Together, DeepSeek, Mistral, vLLM, llama.cpp, LM Studio, Ollama's `/v1`.
//!
//! Answer text streams as tokens, `reasoning_content` / `reasoning` as thoughts, and tool-call
//! argument fragments as `tool_call_delta`s; the calls are assembled by `index` and their
//! arguments parsed when the stream ends with `[DONE]`. Every failure is a typed
//! [`ProviderError`]; the API key never appears in one.

mod wire;

use reqwest::header::{HeaderMap, AUTHORIZATION};
use telltale_protocol::{ErrorCode, Usage};

use crate::provider::{ProviderError, StepRequest};
use crate::providers::decoder::{HttpProvider, PartialCall, Step, Wire};
use crate::providers::endpoint::{key_header, Endpoint, EndpointSpec};
use crate::providers::http_errors::{self, ApiKey};
use crate::providers::http_stream::{self, clamp, excerpt};
use crate::providers::pdf_texts::PdfTexts;
use crate::sse::SseEvent;

/// Where requests go without a base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

pub use crate::providers::endpoint::DEFAULT_IDLE_TIMEOUT;

/// Completes "Check the base URL…" when an HTML page came instead of a stream.
const URL_HINT: &str = ": it usually ends in /v1";

/// The Chat Completions wire format: what sets its requests apart, and the text of the PDFs
/// sent (parsed once per content for the provider's runs and turns, `pdf_texts.rs`).
#[derive(Debug, Default)]
pub struct ChatCompletions {
    pdfs: PdfTexts,
}

pub type OpenAiProvider = HttpProvider<ChatCompletions>;

impl OpenAiProvider {
    pub const ID: &'static str = "openai";

    /// A provider for `model` at `base_url` (`https://api.openai.com/v1`, `http://localhost:11434/v1`…).
    /// `key` may be `None` for local servers that need none.
    pub fn new(base_url: &str, model: &str, key: Option<ApiKey>) -> Result<Self, ProviderError> {
        let spec = EndpointSpec {
            kind: "OpenAI-compatible server",
            path: "/chat/completions",
            example: "https://api.openai.com/v1",
            url_hint: URL_HINT,
            vendor: None,
        };
        Ok(HttpProvider {
            endpoint: Endpoint::new(&spec, base_url, model, key)?,
            wire: ChatCompletions::default(),
        })
    }
}

impl Wire for ChatCompletions {
    const ID: &'static str = OpenAiProvider::ID;
    const END: &'static str = "its [DONE] marker";

    fn body(&self, model: &str, request: &StepRequest<'_>) -> serde_json::Value {
        wire::request_body(model, request.messages, request.tools, &self.pdfs)
    }

    fn headers(&self, key: Option<&ApiKey>) -> Result<HeaderMap, ProviderError> {
        let mut headers = HeaderMap::new();
        if let Some(key) = key_header(key, "Bearer ")? {
            headers.insert(AUTHORIZATION, key);
        }
        Ok(headers)
    }

    /// Handles one event; returns whether it was the final `[DONE]`.
    fn handle(&self, event: &SseEvent, step: Step<'_>) -> Result<bool, ProviderError> {
        let Step { endpoint, state, sink } = step;
        let data = event.data.trim();
        if data == "[DONE]" {
            return Ok(true);
        }
        let chunk: wire::Chunk = serde_json::from_str(data).map_err(|e| {
            http_stream::malformed(
                &endpoint.context(),
                &format!(
                    "The {} sent a stream chunk that is not valid JSON ({e}): {}",
                    endpoint.server,
                    excerpt(data)
                ),
            )
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
                    endpoint.key.as_ref(),
                    &format!(
                        "The {} reported an error mid-answer: \"{message}\". Try again.",
                        endpoint.server
                    ),
                ),
                false,
            ));
        }
        if let Some(usage) = &chunk.usage {
            state.usage = Some(Usage {
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
            state.text.push_str(text);
            sink.token(text);
        }
        for fragment in delta.tool_calls.unwrap_or_default() {
            let slot = match fragment.index {
                Some(index) => state.calls.iter().position(|c| c.index == Some(u64::from(index))),
                // Servers that leave out `index`: a new id starts a call, else the last one goes on.
                None => match &fragment.id {
                    Some(id) => state.calls.iter().position(|c| &c.id == id),
                    None => state.calls.len().checked_sub(1),
                },
            };
            let (slot, new) = match slot {
                Some(slot) => (slot, false),
                None => {
                    let ordinal = state.calls.len();
                    state.calls.push(PartialCall {
                        index: fragment.index.map(u64::from),
                        id: fragment.id.clone().unwrap_or_else(|| format!("call_{ordinal}")),
                        name: String::new(),
                        args: String::new(),
                    });
                    (ordinal, true)
                }
            };
            let call = &mut state.calls[slot];
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
}
