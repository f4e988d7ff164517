//! Anthropic Messages (`POST {base_url}/v1/messages`, streamed).
//!
//! `text_delta` streams as tokens, `thinking_delta` as thoughts, `input_json_delta` as
//! `tool_call_delta`s; tool calls are parsed when their stream ends with `message_stop`. Thinking
//! blocks (their text and `signature_delta`) and `redacted_thinking` blocks are kept with the
//! answer, which sends them back first in its turn on later requests, as the API requires for
//! tool use with extended thinking (asked for with [`AnthropicProvider::with_thinking`]). Usage
//! comes from `message_start`, updated by the cumulative `message_delta` usage (replaced, not
//! added). `ping` and unknown events are ignored; an `error` event ends the step with its typed
//! error (`overloaded_error` is the HTTP 529 of a stream).

mod delta;
mod wire;

use std::borrow::Cow;

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::json;
use telltale_protocol::{ErrorCode, Message, ThinkingBlock, Usage};

use crate::provider::{ProviderError, StepRequest};
use crate::providers::decoder::{HttpProvider, PartialCall, Step, StepState, Wire};
use crate::providers::endpoint::{key_header, Endpoint, EndpointSpec};
use crate::providers::http_errors::ApiKey;
use crate::providers::http_stream::{self, clamp, excerpt};
use crate::sse::SseEvent;
use wire::{request_body, StreamError, StreamEvent, UsageReport};

pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
const API_VERSION: &str = "2023-06-01";
/// Answers longer than this many tokens are cut by the server (Anthropic requires a limit).
pub const DEFAULT_MAX_TOKENS: u32 = 4096;
const URL_HINT: &str = ": it is the server's root, without /v1 (e.g. https://api.anthropic.com)";

/// Anthropic's wire format: what sets its requests apart.
pub struct Messages {
    max_tokens: u32,
    /// Extended thinking's `budget_tokens`, when it is asked for.
    thinking_budget: Option<u32>,
}

pub type AnthropicProvider = HttpProvider<Messages>;

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
            url_hint: URL_HINT,
            vendor: Some(("api.anthropic.com", "Anthropic API")),
        };
        let endpoint = Endpoint::new(&spec, base, model, key)?;
        Ok(HttpProvider {
            endpoint,
            wire: Messages { max_tokens: DEFAULT_MAX_TOKENS, thinking_budget: None },
        })
    }

    pub fn with_max_tokens(mut self, max_tokens: u32) -> Self {
        self.wire.max_tokens = max_tokens.max(1);
        self
    }

    /// Asks for extended thinking with `budget_tokens` of reasoning per step (Anthropic takes
    /// 1,024 and up); the answer keeps its own `max_tokens` on top of it.
    pub fn with_thinking(mut self, budget_tokens: u32) -> Self {
        self.wire.thinking_budget = Some(budget_tokens);
        self
    }
}

impl Wire for Messages {
    const ID: &'static str = AnthropicProvider::ID;
    const END: &'static str = "message_stop";

    fn body(&self, model: &str, request: &StepRequest<'_>) -> serde_json::Value {
        let mut body = request_body(model, self.max_tokens, request.messages, request.tools);
        // An answer cut off is continued as the start of the new one, which Anthropic does not
        // take with thinking on: that step goes without.
        let continues = matches!(request.messages.last(),
            Some(Message::Assistant { tool_calls, .. }) if tool_calls.is_empty());
        if let Some(budget) = self.thinking_budget.filter(|_| !continues) {
            body["max_tokens"] = json!(self.max_tokens.saturating_add(budget));
            body["thinking"] = json!({ "type": "enabled", "budget_tokens": budget });
        }
        body
    }

    fn headers(&self, key: Option<&ApiKey>) -> Result<HeaderMap, ProviderError> {
        let mut headers = HeaderMap::new();
        headers.insert("anthropic-version", HeaderValue::from_static(API_VERSION));
        if let Some(key) = key_header(key, "")? {
            headers.insert("x-api-key", key);
        }
        Ok(headers)
    }

    /// Handles one event; returns whether it was `message_stop`.
    fn handle(&self, event: &SseEvent, step: Step<'_>) -> Result<bool, ProviderError> {
        let Step { endpoint, state, sink } = step;
        let parsed: StreamEvent = serde_json::from_str(&event.data).map_err(|e| {
            http_stream::malformed(
                &endpoint.context(),
                &format!(
                    "The {} sent a stream event that is not valid JSON ({e}): {}",
                    endpoint.server,
                    excerpt(&event.data)
                ),
            )
        })?;
        match parsed.kind.as_ref() {
            "message_start" | "message_delta" => {
                if let Some(report) = parsed.usage() {
                    update_usage(&mut state.usage, &report);
                }
            }
            "content_block_start" => {
                if let Some(block) = parsed.thinking_start() {
                    state.thinking.push((parsed.index, block));
                } else if let Some(start) = parsed.tool_use_start() {
                    let index = parsed.index.unwrap_or(state.calls.len() as u64);
                    let id = start.id.unwrap_or_else(|| format!("toolu_{index}"));
                    let name = start.name.unwrap_or_default();
                    sink.tool_call_delta(&id, &name, "");
                    state.calls.push(PartialCall {
                        index: Some(index),
                        id,
                        name,
                        args: String::new(),
                    });
                }
            }
            "content_block_delta" => {
                let delta = parsed.delta.unwrap_or_default();
                match delta.kind.as_deref() {
                    Some("text_delta") => {
                        let text = field(&delta.text);
                        state.text.push_str(text);
                        sink.token(text);
                    }
                    Some("thinking_delta") => {
                        let text = field(&delta.thinking);
                        if let Some(ThinkingBlock::Thinking { thinking, .. }) =
                            thinking_block(state, parsed.index)
                        {
                            thinking.push_str(text);
                        }
                        sink.thought(text);
                    }
                    Some("signature_delta") => {
                        if let (Some(sent), Some(ThinkingBlock::Thinking { signature, .. })) =
                            (delta.signature.as_deref(), thinking_block(state, parsed.index))
                        {
                            // One delta carries it whole; a later one replaces it, as the SDK does.
                            sent.clone_into(signature);
                        }
                    }
                    Some("input_json_delta") => {
                        let fragment = field(&delta.partial_json);
                        let block = match parsed.index {
                            Some(index) => state.calls.iter_mut().find(|b| b.index == Some(index)),
                            None => state.calls.last_mut(),
                        };
                        let Some(block) = block else {
                            return Err(http_stream::malformed(
                                &endpoint.context(),
                                &format!(
                                    "The {} sent tool arguments for a tool call it never started.",
                                    endpoint.server
                                ),
                            ));
                        };
                        block.args.push_str(fragment);
                        if !fragment.is_empty() {
                            sink.tool_call_delta(&block.id, &block.name, fragment);
                        }
                    }
                    _ => {}
                }
            }
            "message_stop" => return Ok(true),
            "error" => return Err(stream_error(endpoint, &parsed.error())),
            // ping, text and thinking block starts, content_block_stop, and whatever comes next.
            _ => {}
        }
        Ok(false)
    }
}

/// A delta's string field, empty when absent.
fn field<'d>(value: &'d Option<Cow<'_, str>>) -> &'d str {
    value.as_deref().unwrap_or_default()
}

/// The reasoning block a delta is about: the one of its index, else the latest.
fn thinking_block(state: &mut StepState, index: Option<u64>) -> Option<&mut ThinkingBlock> {
    let mut blocks = state.thinking.iter_mut();
    let found = match index {
        Some(index) => blocks.find(|(at, _)| *at == Some(index)),
        None => blocks.next_back(),
    };
    found.map(|(_, block)| block)
}

/// The typed error of an `error` event.
fn stream_error(endpoint: &Endpoint, error: &StreamError<'_>) -> ProviderError {
    let kind = error.kind;
    let message = ApiKey::redact(endpoint.key.as_ref(), error.message);
    let server = &endpoint.server;
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
        "api_error" => (
            ErrorCode::ProviderUnavailable,
            true,
            format!("The {server} failed mid-answer. Try again."),
        ),
        "authentication_error" | "permission_error" => (
            ErrorCode::AuthFailed,
            false,
            "The provider rejected the API key. Check the key in Settings (or TELLTALE_API_KEY)."
                .to_owned(),
        ),
        "not_found_error" => (
            ErrorCode::NotFound,
            false,
            format!("The model \"{}\" was not found. Check the model name.", endpoint.model),
        ),
        "invalid_request_error" => {
            (ErrorCode::InvalidRequest, false, format!("The {server} refused the request."))
        }
        _ => {
            (ErrorCode::ProviderError, false, format!("The {server} reported an error mid-answer."))
        }
    };
    ProviderError::new(code, format!("{what} The server said: \"{message}\" ({kind})"), retryable)
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
