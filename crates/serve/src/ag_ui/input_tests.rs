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
            files: vec![],
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
    assert!(
        image.contains("\"image\" part is given by url: Telltale takes only inline data"),
        "{image}"
    );
    let by_id = refused(json!([{"id": "u", "role": "user", "content": [
        {"type": "binary", "mimeType": "image/png", "id": "file-1"}
    ]}]));
    assert!(by_id.contains("\"binary\" part is given by id"), "{by_id}");
    let earlier = refused(json!([
        {"id": "u1", "role": "user", "content": [
            {"type": "image", "source": {"type": "data", "value": "iVBORw0KGgo=", "mimeType": "image/png"}}
        ]},
        {"id": "u2", "role": "user", "content": "and now?"},
    ]));
    assert!(earlier.contains("message u1 has a part of type \"image\""), "{earlier}");
    let audio = refused(json!([{"id": "u", "role": "user", "content": [
        {"type": "audio", "source": {"type": "data", "value": "AAAA", "mimeType": "audio/wav"}}
    ]}]));
    assert!(
        audio.contains("type \"audio\": Telltale takes text, and images and documents"),
        "{audio}"
    );
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

#[test]
fn the_prompts_inline_images_and_documents_are_its_files() {
    let turn = input(json!([{"id": "u", "role": "user", "content": [
        {"type": "text", "text": "Compare these."},
        {"type": "image", "source": {"type": "data", "value": "AAAA", "mimeType": "image/png"}},
        {"type": "document", "source": {"type": "data", "value": "BBBB", "mimeType": "application/pdf"},
         "metadata": {"filename": "report.pdf"}},
        {"type": "binary", "mimeType": "text/plain", "data": "CCCC", "filename": "notes.txt"},
        {"type": "binary", "mimeType": "image/jpeg", "data": "DDDD"},
    ]}]))
    .turn()
    .unwrap();
    let file = |name: &str, data: &str| telltale_ipc::AttachmentUpload::Bytes {
        name: name.into(),
        data: data.into(),
    };
    assert_eq!(turn.prompt, "Compare these.");
    assert_eq!(
        turn.files,
        vec![
            file("image-1.png", "AAAA"),
            file("report.pdf", "BBBB"),
            file("notes.txt", "CCCC"),
            file("file-4.jpg", "DDDD"),
        ]
    );
}
