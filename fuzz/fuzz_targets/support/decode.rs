//! What both provider fuzz targets check: a decoder on arbitrary event streams (the bytes are
//! parsed as SSE first, as on the wire) never panics, and a step it completes returns exactly
//! the text it streamed as tokens.

use telltale_agent::providers::StreamDecoder;
use telltale_agent::sse::SseParser;
use telltale_agent::{step_sink, Emitter};
use telltale_protocol::EventKind;

/// A provider's whole fuzz target: the provider `$make` builds (once: it sets up an HTTP client),
/// of type `$provider`, decodes each input and [`check`] checks it.
macro_rules! decoder_target {
    ($provider:ty, $make:expr) => {
        static PROVIDER: std::sync::OnceLock<$provider> = std::sync::OnceLock::new();

        libfuzzer_sys::fuzz_target!(|data: &[u8]| {
            let provider = PROVIDER.get_or_init(|| $make.expect("a valid provider"));
            decode::check(provider, data)
        });
    };
}

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
