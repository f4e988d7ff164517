//! The one stream-decoding driver every HTTP provider uses: a provider says how it handles one
//! SSE event and how a step ends ([`StreamDecoder`]); reading the response, decoding a recorded
//! body (benchmarks) and decoding parsed events (fuzzing, tests) are written once, here.

use crate::provider::{ProviderError, StepResponse, StepSink};
use crate::providers::endpoint::Endpoint;
use crate::providers::http_stream::{self, Ended};
use crate::sse::SseEvent;

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
/// `url_hint` says what the base URL should look like.
pub(crate) async fn stream_step<D: StreamDecoder>(
    decoder: &D,
    endpoint: &Endpoint,
    make: impl Fn() -> reqwest::RequestBuilder,
    url_hint: &str,
    sink: &StepSink,
) -> Result<StepResponse, ProviderError> {
    let ctx = endpoint.context();
    let idle = endpoint.idle_timeout;
    let response =
        http_stream::send_with_retry(&ctx, make, idle, url_hint, endpoint.retry, sink).await?;
    let mut state = D::State::default();
    let ended = http_stream::read_events(&ctx, response, idle, url_hint, |event| {
        decoder.handle(event, &mut state, sink)
    })
    .await?;
    decoder.end(ended, state)
}
