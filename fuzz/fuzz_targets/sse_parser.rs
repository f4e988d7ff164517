//! The SSE parser on arbitrary bytes in arbitrary chunks: it never panics, and however the
//! stream is split, the same events come out, with the same leftovers, retry and last id.
//!
//! Input: one byte `n`, then `n % 16` chunk sizes (each 1–256, used in turn), then the stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telltale_agent::sse::{SseEvent, SseLeftover, SseParser};

type Outcome = (Vec<SseEvent>, SseLeftover, Option<u64>, String);

fn parse<'a>(chunks: impl Iterator<Item = &'a [u8]>) -> Outcome {
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    for chunk in chunks {
        events.extend(parser.feed(chunk));
    }
    let leftover = parser.finish();
    (events, leftover, parser.retry_ms(), parser.last_event_id().to_owned())
}

/// `stream` cut into pieces of `sizes[0]`, `sizes[1]`, … bytes, cycling.
fn split<'a>(stream: &'a [u8], sizes: &'a [usize]) -> impl Iterator<Item = &'a [u8]> {
    let mut rest = stream;
    let mut turn = 0;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let size = sizes[turn % sizes.len()].min(rest.len());
        turn += 1;
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        Some(chunk)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else { return };
    let n = usize::from(n % 16).min(rest.len());
    let (cuts, stream) = rest.split_at(n);
    let mut sizes: Vec<usize> = cuts.iter().map(|&b| usize::from(b) + 1).collect();
    if sizes.is_empty() {
        sizes.push(1);
    }

    let whole = parse(std::iter::once(stream));
    let chunked = parse(split(stream, &sizes));
    assert_eq!(whole, chunked, "chunks {sizes:?} give other results than the whole stream");
    for event in &whole.0 {
        assert!(!event.event.is_empty(), "an event always has a type");
    }
});
