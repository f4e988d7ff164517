//! Anthropic Messages (`POST {base_url}/v1/messages`, streamed).
//!
//! `text_delta` streams as tokens, `thinking_delta` as thoughts, `input_json_delta` as
//! `tool_call_delta`s; tool calls are parsed when their stream ends with `message_stop`. Usage
//! comes from `message_start`, updated by the cumulative `message_delta` usage (replaced, not
//! added). `ping` and unknown events are ignored; an `error` event ends the step with its typed
//! error (`overloaded_error` is the HTTP 529 of a stream).

mod delta;
mod wire;

use std::time::Duration;

use async_trait::async_trait;
use telltale_protocol::{ErrorCode, Usage};

use crate::provider::{Provider, ProviderError, StepRequest, StepResponse, StepSink};
use crate::providers::decoder::{self, StreamDecoder};
use crate::providers::endpoint::{Endpoint, EndpointSpec};
use crate::providers::http_errors::ApiKey;
use crate::providers::http_stream::{self, clamp, excerpt, Ended, RetryPolicy};
use crate::sse::SseEvent;
use telltale_protocol::ToolCall;
use wire::{request_body, StreamError, StreamEvent, UsageReport};

pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
const API_VERSION: &str = "2023-06-01";
/// Answers longer than this many tokens are cut by the server (Anthropic requires a limit).
pub const DEFAULT_MAX_TOKENS: u32 = 4096;
const URL_HINT: &str = ": it is the server's root, without /v1 (e.g. https://api.anthropic.com)";

pub struct AnthropicProvider {
    endpoint: Endpoint,
    max_tokens: u32,
}

impl AnthropicProvider {
    pub const ID: &'static str = "anthropic";

    /// A provider for `model` at `base_url` (`https://api.anthropic.com`, or a compatible server).
    pub fn new(base_url: &str, model: &str, key: Option<ApiKey>) -> Result<Self, ProviderError> {
        let base = base_url.trim().trim_end_matches('/');
        // `…/v1` is a common slip: the path is always `/v1/messages` below it.
        let base = base.strip_suffix("/v1").unwrap_or(base);
        let spec = EndpointSpec {
            kind: "Anthropic-format server",
            path: "/v1/messages",
            example: DEFAULT_BASE_URL,
            vendor: Some(("api.anthropic.com", "Anthropic API")),
        };
        let endpoint = Endpoint::new(&spec, base, model, key)?;
        Ok(AnthropicProvider { endpoint, max_tokens: DEFAULT_MAX_TOKENS })
    }

    /// Fails a step when no byte arrived for this long (default 60 s).
    pub fn with_idle_timeout(mut self, idle_timeout: Duration) -> Self {
        self.endpoint.idle_timeout = idle_timeout;
        self
    }

    pub fn with_max_tokens(mut self, max_tokens: u32) -> Self {
        self.max_tokens = max_tokens.max(1);
        self
    }

    /// How failures before the answer starts are retried (default: 3 tries, from 0.5 s).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.endpoint.retry = retry;
        self
    }
}

#[async_trait]
impl Provider for AnthropicProvider {
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
        let body =
            request_body(&self.endpoint.model, self.max_tokens, request.messages, request.tools);
        let key = match &self.endpoint.key {
            None => None,
            Some(key) => {
                let mut value =
                    reqwest::header::HeaderValue::from_str(key.expose()).map_err(|_| {
                        ProviderError::new(
                            ErrorCode::AuthFailed,
                            "The API key has characters no key has. Check it in Settings.",
                            false,
                        )
                    })?;
                value.set_sensitive(true);
                Some(value)
            }
        };
        let make = || {
            let builder = self
                .endpoint
                .client
                .post(&self.endpoint.url)
                .header("anthropic-version", API_VERSION)
                .header(reqwest::header::ACCEPT, "text/event-stream")
                .json(&body);
            match &key {
                Some(key) => builder.header("x-api-key", key.clone()),
                None => builder,
            }
        };
        tracing::debug!(url = %self.endpoint.url, model = %self.endpoint.model, "messages request");
        decoder::stream_step(self, &self.endpoint, make, URL_HINT, sink).await
    }
}

#[derive(Default)]
pub struct StepState {
    text: String,
    /// Tool-use blocks by their content-block index, in order.
    blocks: Vec<ToolBlock>,
    usage: Option<Usage>,
}

struct ToolBlock {
    index: u64,
    id: String,
    name: String,
    args: String,
}

impl StreamDecoder for AnthropicProvider {
    type State = StepState;

    /// Handles one event; returns whether it was `message_stop`.
    fn handle(
        &self,
        event: &SseEvent,
        step: &mut StepState,
        sink: &StepSink,
    ) -> Result<bool, ProviderError> {
        let parsed: StreamEvent = serde_json::from_str(&event.data).map_err(|e| {
            http_stream::malformed(
                &self.endpoint.context(),
                &format!(
                    "The {} sent a stream event that is not valid JSON ({e}): {}",
                    self.endpoint.server,
                    excerpt(&event.data)
                ),
            )
        })?;
        match parsed.kind.as_ref() {
            "message_start" | "message_delta" => {
                if let Some(report) = parsed.usage() {
                    update_usage(&mut step.usage, &report);
                }
            }
            "content_block_start" => {
                if let Some(start) = parsed.tool_use_start() {
                    let index = parsed.index.unwrap_or(step.blocks.len() as u64);
                    let id = start.id.unwrap_or_else(|| format!("toolu_{index}"));
                    let name = start.name.unwrap_or_default();
                    sink.tool_call_delta(&id, &name, "");
                    step.blocks.push(ToolBlock { index, id, name, args: String::new() });
                }
            }
            "content_block_delta" => match parsed.delta.as_ref().and_then(|d| d.kind.as_deref()) {
                Some("text_delta") => {
                    let text =
                        parsed.delta.as_ref().and_then(|d| d.text.as_deref()).unwrap_or_default();
                    step.text.push_str(text);
                    sink.token(text);
                }
                Some("thinking_delta") => sink.thought(
                    parsed.delta.as_ref().and_then(|d| d.thinking.as_deref()).unwrap_or_default(),
                ),
                Some("input_json_delta") => {
                    let fragment = parsed
                        .delta
                        .as_ref()
                        .and_then(|d| d.partial_json.as_deref())
                        .unwrap_or_default();
                    let block = match parsed.index {
                        Some(index) => step.blocks.iter_mut().find(|b| b.index == index),
                        None => step.blocks.last_mut(),
                    };
                    let Some(block) = block else {
                        return Err(http_stream::malformed(
                            &self.endpoint.context(),
                            &format!(
                                "The {} sent tool arguments for a tool call it never started.",
                                self.endpoint.server
                            ),
                        ));
                    };
                    block.args.push_str(fragment);
                    if !fragment.is_empty() {
                        sink.tool_call_delta(&block.id, &block.name, fragment);
                    }
                }
                _ => {}
            },
            "message_stop" => return Ok(true),
            "error" => return Err(self.stream_error(&parsed.error())),
            // ping, text and thinking block starts, content_block_stop, and whatever comes next.
            _ => {}
        }
        Ok(false)
    }

    /// The step, once its stream ended.
    fn end(&self, ended: Ended, step: StepState) -> Result<StepResponse, ProviderError> {
        match ended {
            Ended::Done => self.finish(step),
            Ended::Eof => {
                let when = if step.text.is_empty() && step.blocks.is_empty() {
                    "before any answer"
                } else {
                    "mid-answer"
                };
                Err(http_stream::malformed(
                    &self.endpoint.context(),
                    &format!(
                        "The {} stream was cut off {when} (it ended without message_stop). What \
                         arrived is kept; try again.",
                        self.endpoint.server
                    ),
                ))
            }
        }
    }
}

impl AnthropicProvider {
    /// The typed error of an `error` event.
    fn stream_error(&self, error: &StreamError<'_>) -> ProviderError {
        let kind = error.kind;
        let message = ApiKey::redact(self.endpoint.key.as_ref(), error.message);
        let server = &self.endpoint.server;
        let (code, retryable, what) = match kind {
            "overloaded_error" => (
                ErrorCode::ProviderUnavailable,
                true,
                format!("The {server} is overloaded and stopped mid-answer. Try again in a moment."),
            ),
            "rate_limit_error" => (
                ErrorCode::RateLimited,
                true,
                format!("The {server} is rate-limiting requests. Wait a moment and try again."),
            ),
            "api_error" => (ErrorCode::ProviderUnavailable, true, format!("The {server} failed mid-answer. Try again.")),
            "authentication_error" | "permission_error" => (
                ErrorCode::AuthFailed,
                false,
                "The provider rejected the API key. Check the key in Settings (or TELLTALE_API_KEY).".to_owned(),
            ),
            "not_found_error" => (
                ErrorCode::NotFound,
                false,
                format!("The model \"{}\" was not found. Check the model name.", self.endpoint.model),
            ),
            "invalid_request_error" => (ErrorCode::InvalidRequest, false, format!("The {server} refused the request.")),
            _ => (ErrorCode::ProviderError, false, format!("The {server} reported an error mid-answer.")),
        };
        ProviderError::new(
            code,
            format!("{what} The server said: \"{message}\" ({kind})"),
            retryable,
        )
    }

    fn finish(&self, step: StepState) -> Result<StepResponse, ProviderError> {
        let ctx = self.endpoint.context();
        let mut tool_calls = Vec::with_capacity(step.blocks.len());
        for block in step.blocks {
            let args = http_stream::parse_args(&ctx, &block.name, &block.args)?;
            tool_calls.push(ToolCall { call_id: block.id, name: block.name, args });
        }
        Ok(StepResponse { text: step.text, tool_calls, usage: step.usage })
    }
}

/// Usage counts present in `report` replace the ones in `usage` (Anthropic's are cumulative).
fn update_usage(usage: &mut Option<Usage>, report: &UsageReport) {
    let usage = usage.get_or_insert_with(Usage::default);
    if let Some(input) = report.input_tokens {
        usage.input_tokens = clamp(Some(input));
    }
    if let Some(output) = report.output_tokens {
        usage.output_tokens = clamp(Some(output));
    }
}
