//! What both provider fuzz targets check: a decoder on arbitrary event streams (the bytes are
//! parsed as SSE first, as on the wire) never panics, and a step it completes returns exactly
//! the text it streamed as tokens.

use telltale_agent::providers::StreamDecoder;
use telltale_agent::sse::SseParser;
use telltale_agent::{step_sink, Emitter};
use telltale_protocol::EventKind;

pub fn check(decoder: &impl StreamDecoder, data: &[u8]) {
    let mut parser = SseParser::new();
    let events = parser.feed(data);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sink = step_sink(Emitter::new("fuzz", tx));
    let result = decoder.decode_events(&events, &sink);
    let mut streamed = String::new();
    while let Ok(event) = rx.try_recv() {
        if let EventKind::Token { text } = event.kind {
            streamed.push_str(&text);
        }
    }
    match result {
        Ok(step) => assert_eq!(step.text, streamed, "the step's text is what streamed"),
        Err(error) => assert!(!error.message.is_empty(), "an error says something"),
    }
}
