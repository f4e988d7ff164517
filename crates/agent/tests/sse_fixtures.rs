//! Every shared `*.sse` fixture, served from a real HTTP server on 127.0.0.1 whole, in random
//! chunk sizes and one byte per chunk, read with reqwest as a byte stream and parsed with
//! [`SseParser`]: the events, ids, retry time and what is discarded at EOF must be exactly the
//! fixture's `.expected.json`.

#[path = "support/server.rs"]
mod server;

use futures_util::StreamExt;
use serde_json::{json, Value};
use server::{fixture_bytes, fixture_expected, fixtures_dir, Chunking, Reply, TestServer};
use telltale_agent::sse::{SseEvent, SseParser};

fn sse_fixture_names() -> Vec<String> {
    let dir = fixtures_dir();
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".sse"))
        .collect();
    names.sort();
    names
}

/// Fetches `url` and parses the body chunk by chunk as it arrives; returns the events, the
/// parser (for retry and leftovers) and how many chunks arrived.
async fn fetch_and_parse(client: &reqwest::Client, url: &str) -> (Vec<SseEvent>, SseParser, usize) {
    let response = client.get(url).send().await.expect("the fixture server answers");
    assert_eq!(response.status(), 200);
    let mut stream = response.bytes_stream();
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("the body streams");
        chunks += 1;
        events.extend(parser.feed(&chunk));
    }
    (events, parser, chunks)
}

fn leftover_json(parser: &mut SseParser) -> Value {
    let leftover = parser.finish();
    if leftover.is_empty() {
        return Value::Null;
    }
    json!({
        "data_buffer": leftover.data,
        "event_type_buffer": leftover.event_type,
        "unterminated_line": leftover.partial_line,
    })
}

#[tokio::test]
async fn every_fixture_parses_exactly_whole_in_random_chunks_and_byte_by_byte() {
    let names = sse_fixture_names();
    assert!(
        names.len() >= 20,
        "expected the shared fixtures in {}, found {names:?}",
        fixtures_dir().display()
    );
    let client = reqwest::Client::new();
    for name in &names {
        let expected = fixture_expected(name);
        let sse = &expected["sse"];
        let want: Vec<SseEvent> = sse["events"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: sse.events is a list"))
            .iter()
            .map(|e| SseEvent {
                event: e["event"].as_str().expect("event").to_owned(),
                data: e["data"].as_str().expect("data").to_owned(),
                id: e["id"].as_str().expect("id").to_owned(),
            })
            .collect();
        assert_eq!(
            want.len() as u64,
            sse["dispatched_event_count"].as_u64().expect("count"),
            "{name}"
        );
        let body_len = fixture_bytes(name).len();

        for chunking in Chunking::ALL {
            let server = TestServer::always(Reply::sse_fixture(name).chunked(chunking)).await;
            let (events, mut parser, chunks) =
                fetch_and_parse(&client, &format!("http://{}/", server.addr)).await;
            let how = format!("{name} served {chunking:?}");
            if chunking == Chunking::OneByte {
                // Each HTTP chunk reaches the parser on its own, so splits really are tested.
                assert_eq!(chunks, body_len, "{how}: chunks as sent");
            }
            assert_eq!(events.len(), want.len(), "{how}: event count");
            for (i, (got, want)) in events.iter().zip(&want).enumerate() {
                assert_eq!(got, want, "{how}: event {i}");
            }
            assert_eq!(parser.retry_ms(), sse["final_retry_ms"].as_u64(), "{how}: retry");
            assert_eq!(
                leftover_json(&mut parser),
                sse["pending_discarded_at_eof"],
                "{how}: discarded at EOF"
            );
        }
    }
}
