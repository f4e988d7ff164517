//! The OpenAI-compatible stream decoder on arbitrary event streams (the bytes are parsed as SSE
//! first, as on the wire): it never panics, and a step it completes returns exactly the text it
//! streamed as tokens.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use telltale_agent::providers::{OpenAiProvider, StreamDecoder};
use telltale_agent::sse::SseParser;
use telltale_agent::{step_sink, Emitter};
use telltale_protocol::EventKind;

fn provider() -> &'static OpenAiProvider {
    static PROVIDER: OnceLock<OpenAiProvider> = OnceLock::new();
    PROVIDER.get_or_init(|| OpenAiProvider::new("http://127.0.0.1:9/v1", "m", None).expect("a valid provider"))
}

fuzz_target!(|data: &[u8]| {
    let mut parser = SseParser::new();
    let events = parser.feed(data);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sink = step_sink(Emitter::new("fuzz", tx));
    let result = provider().decode_events(&events, &sink);
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
});
