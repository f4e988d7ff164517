//! An answer's reasoning blocks (Anthropic's thinking with its signature, redacted thinking with
//! its data) kept by the history exactly: read back for the next run, and through a JSON export
//! and its re-import.

mod support;

use serde_json::json;
use support::*;
use telltale_history::Format;
use telltale_protocol::{FinishReason, Message, ThinkingBlock, ToolCall};

fn with_reasoning() -> Vec<Message> {
    let call = ToolCall {
        call_id: "toolu_1".into(),
        name: "calculator".into(),
        args: json!({ "expression": "27 * 453" }),
    };
    vec![
        Message::user("27 * 453?"),
        Message::Assistant {
            text: "Let me check.".into(),
            tool_calls: vec![call.clone()],
            thinking: vec![
                ThinkingBlock::Thinking {
                    thinking: "27 * 453 = 12,231\n".into(),
                    signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...".into(),
                },
                ThinkingBlock::RedactedThinking { data: "EmwKAhgBEgy3va3pzix/LafPsn4a".into() },
            ],
        },
        Message::tool_result(&call, true, "12231"),
        Message::Assistant {
            text: "12,231.".into(),
            tool_calls: vec![],
            thinking: vec![ThinkingBlock::Thinking {
                thinking: "Confirmed.".into(),
                signature: "EpoBCkgIBRAC".into(),
            }],
        },
    ]
}

#[test]
fn reasoning_blocks_come_back_in_order_from_the_history_and_through_export_and_import() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let id = history.create_conversation("27 * 453?").unwrap().id;
    let run = events("run-1", T0, vec![token("12,231."), finished(FinishReason::Completed)]);
    record(&history, &id, "27 * 453?", &run, Some(with_reasoning()));
    assert_eq!(history.messages(&id).unwrap(), with_reasoning());

    let exported = history.export(&id, Format::Json).unwrap();
    assert!(exported.contains("\"redacted_thinking\"") && exported.contains("EpoBCkgIBRAC"));
    let imported = history.import_json(&exported).unwrap();
    assert_eq!(history.messages(&imported.id).unwrap(), with_reasoning());
}
