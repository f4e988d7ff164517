//! The one stream-decoding driver every HTTP provider uses: a provider says how it handles one
//! SSE event and how a step ends ([`StreamDecoder`]); reading the response, decoding a recorded
//! body (benchmarks) and decoding parsed events (fuzzing, tests) are written once, here. So are
//! the [`Provider`] side of an HTTP provider (the request, its options) and
//! the end of a step (the [`StepState`] both providers stream into, its tool calls parsed).
//! A provider is an [`HttpProvider`] with its own [`Wire`] (request body and headers).

use std::time::Duration;

use async_trait::async_trait;
use reqwest::header::{HeaderMap, ACCEPT};
use telltale_protocol::{AttachmentKind, ErrorCode, Message, ThinkingBlock, ToolCall, Usage};

use crate::provider::{Provider, ProviderError, StepRequest, StepResponse, StepSink};
use crate::providers::cpu_work::without_holding_workers;
use crate::providers::endpoint::Endpoint;
use crate::providers::http_errors::ApiKey;
use crate::providers::http_stream::{self, Ended, RetryPolicy, StepLimits};
use crate::sse::SseEvent;

/// An HTTP provider: its endpoint (URL, model, key, time limits) and its wire format `W`, which
/// says what a step sends; how the stream decodes is its [`StreamDecoder`]. `OpenAiProvider` and
/// `AnthropicProvider` are the two, each a [`Provider`] through the one implementation below.
pub struct HttpProvider<W> {
    pub(crate) endpoint: Endpoint,
    pub(crate) wire: W,
}

impl<W> HttpProvider<W> {
    /// Fails a step when no byte arrived for this long (default 60 s).
    pub fn with_idle_timeout(mut self, idle_timeout: Duration) -> Self {
        self.endpoint.idle_timeout = idle_timeout;
        self
    }

    /// How failures before the answer starts are retried (default: 3 tries, from 0.5 s).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.endpoint.retry = retry;
        self
    }

    /// How much one step's stream may send, and for how long (default: 64 MiB, 30 minutes).
    pub fn with_step_limits(mut self, limits: StepLimits) -> Self {
        self.endpoint.limits = limits;
        self
    }
}

/// What sets one provider's requests apart: its id, the body and headers of a step.
pub(crate) trait Wire: Send + Sync {
    /// `openai`, `anthropic`.
    const ID: &'static str;
    /// What ends a complete stream, as a message names it ("message_stop").
    const END: &'static str;

    /// The JSON body of a streamed step.
    fn body(&self, model: &str, request: &StepRequest<'_>) -> serde_json::Value;

    /// The provider's own headers (API version, the key); a key no header can carry fails here.
    fn headers(&self, key: Option<&ApiKey>) -> Result<HeaderMap, ProviderError>;

    /// Handles one event of a step's stream; returns whether it was the stream's own end.
    fn handle(&self, event: &SseEvent, step: Step<'_>) -> Result<bool, ProviderError>;
}

/// One step's stream as a [`Wire`] decodes an event of it: the endpoint (messages name it), what
/// has streamed so far, and where tokens, thoughts and tool-argument fragments go.
pub(crate) struct Step<'s> {
    pub endpoint: &'s Endpoint,
    pub state: &'s mut StepState,
    pub sink: &'s StepSink,
}

impl<W: Wire> StreamDecoder for HttpProvider<W> {
    type State = StepState;

    fn handle(
        &self,
        event: &SseEvent,
        state: &mut StepState,
        sink: &StepSink,
    ) -> Result<bool, ProviderError> {
        self.wire.handle(event, Step { endpoint: &self.endpoint, state, sink })
    }

    fn end(&self, ended: Ended, state: StepState) -> Result<StepResponse, ProviderError> {
        end_step(&self.endpoint, ended, state, W::END)
    }
}

#[async_trait]
impl<W: Wire> Provider for HttpProvider<W> {
    fn id(&self) -> &str {
        W::ID
    }

    fn model(&self) -> &str {
        &self.endpoint.model
    }

    fn label(&self) -> String {
        self.endpoint.label()
    }

    fn address(&self) -> &str {
        &self.endpoint.shown_url
    }

    async fn step(
        &self,
        request: StepRequest<'_>,
        sink: &StepSink,
    ) -> Result<StepResponse, ProviderError> {
        let endpoint = &self.endpoint;
        sink.waiting_for(&endpoint.model);
        // Files make the body slow to build (a PDF's text, images in base64): done without
        // holding up the runtime's other tasks.
        let carries_files = request
            .messages
            .iter()
            .any(|m| matches!(m, Message::User { attachments, .. } if !attachments.is_empty()));
        let body = if carries_files {
            without_holding_workers(|| self.wire.body(&endpoint.model, &request))
        } else {
            self.wire.body(&endpoint.model, &request)
        };
        let headers = self.wire.headers(endpoint.key.as_ref())?;
        let make = || {
            endpoint
                .client
                .post(&endpoint.url)
                .header(ACCEPT, "text/event-stream")
                .headers(headers.clone())
                .json(&body)
        };
        tracing::debug!(provider = W::ID, url = %endpoint.shown_url, model = %endpoint.model, "request");
        stream_step(self, endpoint, make, sink)
            .await
            .map_err(|error| with_attachment_hint(error, &endpoint.model, request.messages))
    }
}

/// A request refused (HTTP 4xx, not the key, the model's name or a rate limit) that carried
/// images or PDFs: the model may take no such files, which the message says beside the
/// provider's own words. When it carried images and the provider's words are about them, the
/// error is `model_takes_no_images` (the session then refuses images to that model at once).
fn with_attachment_hint(
    mut error: ProviderError,
    model: &str,
    messages: &[Message],
) -> ProviderError {
    if error.code != ErrorCode::InvalidRequest {
        return error;
    }
    let carries = |kind: AttachmentKind| {
        messages.iter().any(|m| {
            matches!(m, Message::User { attachments, .. }
                if attachments.iter().any(|a| a.kind() == kind))
        })
    };
    let said = error.message.to_lowercase();
    let about_images =
        ["image", "vision", "multimodal", "modalit"].iter().any(|w| said.contains(w));
    if carries(AttachmentKind::Image) && about_images {
        error.code = ErrorCode::ModelTakesNoImages;
        error.message.push_str(&format!(
            " The model \"{model}\" does not take images: remove them from the prompt, or pick \
             a model that takes images (a vision model)."
        ));
    } else if carries(AttachmentKind::Image) || carries(AttachmentKind::Pdf) {
        error.message.push_str(&format!(
            " The request carried images or PDFs: the model \"{model}\" may not take them. \
             Choose a model that does, or send the prompt without them."
        ));
    }
    error
}

/// What one step has streamed so far, in either provider's stream.
#[derive(Default)]
pub struct StepState {
    pub(crate) text: String,
    /// Tool calls in the order they started.
    pub(crate) calls: Vec<PartialCall>,
    pub(crate) usage: Option<Usage>,
    /// Reasoning blocks that go back with the answer (Anthropic's thinking and redacted
    /// thinking), each with the stream's number for it, in the order they started.
    pub(crate) thinking: Vec<(Option<u64>, ThinkingBlock)>,
}

/// A tool call whose arguments are still streaming.
pub(crate) struct PartialCall {
    /// The stream's own number for the call (Anthropic's content-block index, OpenAI's `index`),
    /// where it gives one.
    pub index: Option<u64>,
    pub id: String,
    pub name: String,
    pub args: String,
}

/// The step once its stream ended: on the stream's own end its tool calls, arguments parsed; at
/// the end of the body before that, a typed error (`marker` names the end that never came).
fn end_step(
    endpoint: &Endpoint,
    ended: Ended,
    step: StepState,
    marker: &str,
) -> Result<StepResponse, ProviderError> {
    let ctx = endpoint.context();
    if matches!(ended, Ended::Eof) {
        let when = if step.text.is_empty() && step.calls.is_empty() {
            "before any answer"
        } else {
            "mid-answer"
        };
        return Err(http_stream::malformed(
            &ctx,
            &format!(
                "The {} stream was cut off {when} (it ended without {marker}). What arrived is \
                 kept; try again.",
                endpoint.server
            ),
        ));
    }
    let mut tool_calls = Vec::with_capacity(step.calls.len());
    for call in step.calls {
        if call.name.is_empty() {
            return Err(http_stream::malformed(
                &ctx,
                &format!(
                    "The model asked for a tool call ({}) without naming the tool. Try again.",
                    call.id
                ),
            ));
        }
        let args = http_stream::parse_args(&ctx, &call.name, &call.args)?;
        tool_calls.push(ToolCall { call_id: call.id, name: call.name, args });
    }
    let thinking = step.thinking.into_iter().map(|(_, block)| block).collect();
    Ok(StepResponse { text: step.text, tool_calls, usage: step.usage, thinking })
}

/// How a provider turns its stream into a step.
pub trait StreamDecoder {
    /// What one step has streamed so far.
    type State: Default;

    /// Handles one event (tokens, thoughts and tool-argument fragments go to `sink`); returns
    /// whether it was the stream's own end (`[DONE]`, `message_stop`).
    fn handle(
        &self,
        event: &SseEvent,
        state: &mut Self::State,
        sink: &StepSink,
    ) -> Result<bool, ProviderError>;

    /// The step, once its stream ended (`ended` says how).
    fn end(&self, ended: Ended, state: Self::State) -> Result<StepResponse, ProviderError>;

    /// Decodes a step's events exactly as the provider does once the response streams, with no
    /// I/O. For tests and fuzzing of the decoder.
    fn decode_events<'e>(
        &self,
        events: impl IntoIterator<Item = &'e SseEvent>,
        sink: &StepSink,
    ) -> Result<StepResponse, ProviderError> {
        let mut state = Self::State::default();
        for event in events {
            if self.handle(event, &mut state, sink)? {
                return self.end(Ended::Done, state);
            }
        }
        self.end(Ended::Eof, state)
    }

    /// Decodes a step's response body, given as the byte chunks it arrived in, exactly as the
    /// provider does once the response streams (SSE parsing included), with no I/O. For
    /// benchmarks of the whole read path, and tests.
    fn decode_body<'c>(
        &self,
        chunks: impl IntoIterator<Item = &'c [u8]>,
        sink: &StepSink,
    ) -> Result<StepResponse, ProviderError> {
        let mut state = Self::State::default();
        let ended =
            http_stream::decode_chunks(chunks, |event| self.handle(event, &mut state, sink))?;
        self.end(ended, state)
    }
}

/// One streamed step at `endpoint`: sends the request `make` builds (retrying what may be
/// retried, see `http_stream::send_with_retry`), then reads the response through `decoder`.
/// Stalls, broken connections and an HTML page instead of a stream are typed errors;
/// the endpoint's `url_hint` says what the base URL should look like.
async fn stream_step<D: StreamDecoder>(
    decoder: &D,
    endpoint: &Endpoint,
    make: impl Fn() -> reqwest::RequestBuilder,
    sink: &StepSink,
) -> Result<StepResponse, ProviderError> {
    let ctx = endpoint.context();
    let (idle, url_hint) = (endpoint.idle_timeout, endpoint.url_hint);
    let response =
        http_stream::send_with_retry(&ctx, make, idle, url_hint, endpoint.retry, sink).await?;
    let mut state = D::State::default();
    let ended =
        http_stream::read_events(&ctx, response, idle, endpoint.limits, url_hint, |event| {
            decoder.handle(event, &mut state, sink)
        })
        .await?;
    decoder.end(ended, state)
}
