//! AG-UI's side of the tests: a `RunAgentInput`, a user message, and the events of a stream
//! (`data:` lines only).

use serde_json::{json, Value};

/// A `RunAgentInput` of `messages` for thread `thread` and run `run`.
pub fn input(thread: &str, run: &str, messages: Value) -> Value {
    json!({ "threadId": thread, "runId": run, "messages": messages, "tools": [], "context": [],
            "state": {}, "forwardedProps": {} })
}

pub fn user(text: &str) -> Value {
    json!({ "id": "m", "role": "user", "content": text })
}

/// Every AG-UI event of a stream's text, parsed from its `data:` lines (comments skipped).
pub fn data_events(text: &str) -> Vec<Value> {
    text.split("\n\n")
        .filter(|block| !block.trim().is_empty() && !block.starts_with(':'))
        .map(|block| {
            let data = block.strip_prefix("data: ").expect("only data: lines");
            serde_json::from_str(data).unwrap()
        })
        .collect()
}

/// The answer the `TEXT_MESSAGE_CONTENT` events carry.
pub fn answer(events: &[Value]) -> String {
    events
        .iter()
        .filter(|event| event["type"] == "TEXT_MESSAGE_CONTENT")
        .map(|event| event["delta"].as_str().unwrap())
        .collect()
}
