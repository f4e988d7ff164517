//! What the parser benches run: bytes → SSE events, events → tokens through a provider's stream
//! decoder (with the real step sink and event channel), and both in a row as on the wire.

use telltale_agent::providers::{AnthropicProvider, OpenAiProvider, StreamDecoder};
use telltale_agent::sse::{SseEvent, SseParser};
use telltale_agent::{step_sink, Emitter, ProviderError, StepResponse, StepSink};
use telltale_protocol::EventKind;
use tokio::sync::mpsc::unbounded_channel;

use super::inputs::Format;

/// A provider used only for its stream decoder (no request is ever sent).
pub enum Decoder {
    OpenAi(OpenAiProvider),
    Anthropic(AnthropicProvider),
}

impl Decoder {
    pub fn new(format: Format) -> Result<Self, ProviderError> {
        Ok(match format {
            Format::OpenAi => {
                Decoder::OpenAi(OpenAiProvider::new("http://127.0.0.1:9/v1", "bench-model", None)?)
            }
            Format::Anthropic => Decoder::Anthropic(AnthropicProvider::new(
                "http://127.0.0.1:9",
                "bench-model",
                None,
            )?),
        })
    }

    fn decode(&self, events: &[SseEvent], sink: &StepSink) -> Result<StepResponse, ProviderError> {
        match self {
            Decoder::OpenAi(provider) => provider.decode_events(events, sink),
            Decoder::Anthropic(provider) => provider.decode_events(events, sink),
        }
    }

    fn decode_body(
        &self,
        chunks: &[&[u8]],
        sink: &StepSink,
    ) -> Result<StepResponse, ProviderError> {
        match self {
            Decoder::OpenAi(provider) => provider.decode_body(chunks.iter().copied(), sink),
            Decoder::Anthropic(provider) => provider.decode_body(chunks.iter().copied(), sink),
        }
    }
}

/// Parses `chunks` as one stream, handling each event as `read_events` does (looked at, then
/// dropped); returns how many events there were and their data bytes (so nothing is optimised out).
pub fn parse_and_drop(chunks: &[&[u8]]) -> (usize, usize) {
    let mut parser = SseParser::new();
    let mut scratch = Vec::new();
    let (mut events, mut data) = (0, 0);
    for chunk in chunks {
        parser.feed_into(chunk, &mut scratch);
        for event in scratch.drain(..) {
            events += 1;
            data += event.data.len();
        }
    }
    parser.finish();
    (events, data)
}

/// Parses `chunks` and keeps the events, for the decoder benches.
pub fn parse_all(chunks: &[&[u8]]) -> Vec<SseEvent> {
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    for chunk in chunks {
        events.extend(parser.feed(chunk));
    }
    parser.finish();
    events
}

/// Decodes `events` as consecutive steps of `per_step` events each (see [`steps`]).
pub fn decode_steps(
    decoder: &Decoder,
    events: &[SseEvent],
    per_step: usize,
) -> Result<usize, ProviderError> {
    steps(events.chunks(per_step.max(1)), |step, sink| decoder.decode(step, sink))
}

/// Bytes → tokens, as a step does once its response streams: each step's body, in the chunks it
/// arrived in, through the provider's `decode_body` (SSE parsing and decoding, event by event).
pub fn wire(decoder: &Decoder, step_chunks: &[Vec<&[u8]>]) -> Result<usize, ProviderError> {
    steps(step_chunks.iter(), |chunks, sink| decoder.decode_body(chunks, sink))
}

/// Runs `decode` on each step with its own step sink, all on one run's emitter, and drains the
/// run's event channel after each step (as the app's forwarder would). Returns the tokens streamed.
fn steps<S>(
    steps: impl Iterator<Item = S>,
    mut decode: impl FnMut(S, &StepSink) -> Result<StepResponse, ProviderError>,
) -> Result<usize, ProviderError> {
    let (tx, mut rx) = unbounded_channel();
    let emitter = Emitter::new("bench", tx);
    let mut tokens = 0;
    for step in steps {
        let sink = step_sink(emitter.clone());
        decode(step, &sink)?;
        while let Ok(event) = rx.try_recv() {
            if matches!(event.kind, EventKind::Token { .. }) {
                tokens += 1;
            }
        }
    }
    Ok(tokens)
}
