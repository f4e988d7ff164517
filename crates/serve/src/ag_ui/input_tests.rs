//! What a run takes from a `RunAgentInput`: the last (user) message as the prompt, the earlier
//! ones as Telltale's messages; typed errors for what it cannot take.

use serde_json::json;
use telltale_protocol::{Message, ToolCall};

use super::{RunAgentInput, Turn};

fn input(messages: serde_json::Value) -> RunAgentInput {
    serde_json::from_value(json!({
        "threadId": "t1", "runId": "r1", "messages": messages,
        "tools": [], "context": [{"description": "d", "value": "v"}], "state": {},
        "forwardedProps": {}, "protocolVersion": "1.0",
    }))
    .unwrap()
}

#[test]
fn the_last_user_message_is_the_prompt_and_the_earlier_ones_its_context() {
    let turn = input(json!([
        {"id": "s", "role": "system", "content": "Be brief."},
        {"id": "u1", "role": "user", "content": [{"type": "text", "text": "Time in Lima?"}]},
        {"id": "a1", "role": "assistant", "toolCalls": [
            {"id": "k1", "type": "function", "function": {"name": "clock", "arguments": "{\"timezone\":\"America/Lima\"}"}}
        ]},
        {"id": "t1", "role": "tool", "toolCallId": "k1", "content": "09:00", "error": "late"},
        {"id": "a2", "role": "assistant", "content": "Nine."},
        {"id": "u2", "role": "user", "content": "And in Quito?"},
    ]))
    .turn()
    .unwrap();
    assert_eq!(
        turn,
        Turn {
            prompt: "And in Quito?".into(),
            earlier: vec![
                Message::user("Time in Lima?"),
                Message::assistant(
                    String::new(),
                    vec![ToolCall {
                        call_id: "k1".into(),
                        name: "clock".into(),
                        args: json!({"timezone": "America/Lima"}),
                    }],
                ),
                Message::Tool {
                    call_id: "k1".into(),
                    name: "clock".into(),
                    ok: false,
                    output: "09:00".into(),
                },
                Message::assistant("Nine.", vec![]),
            ],
        }
    );
}

#[test]
fn what_cannot_be_taken_is_refused_with_a_reason() {
    let refused = |messages: serde_json::Value| input(messages).turn().unwrap_err().message;
    assert!(refused(json!([])).contains("messages is empty"));
    let last_not_user = refused(json!([
        {"id": "u", "role": "user", "content": "hi"},
        {"id": "a", "role": "assistant", "content": "hello"},
    ]));
    assert!(last_not_user.contains("the last message is the assistant's"), "{last_not_user}");
    let image = refused(json!([{"id": "u", "role": "user", "content": [
        {"type": "image", "source": {"type": "url", "value": "https://example.com/a.png"}}
    ]}]));
    assert!(image.contains("image part"), "{image}");
    let bad_args = refused(json!([
        {"id": "a", "role": "assistant", "toolCalls": [
            {"id": "c1", "type": "function", "function": {"name": "clock", "arguments": "{nope"}}
        ]},
        {"id": "u", "role": "user", "content": "hi"},
    ]));
    assert!(bad_args.contains("tool call c1's arguments are not JSON"), "{bad_args}");
    let orphan = refused(json!([
        {"id": "t", "role": "tool", "content": "x"},
        {"id": "u", "role": "user", "content": "hi"},
    ]));
    assert!(orphan.contains("no toolCallId"), "{orphan}");
}
