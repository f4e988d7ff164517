//! The Messages wire format: the request body, and the stream's events as far as Telltale reads
//! them. Every field may be missing, null or of another type: it then reads as absent, as a JSON
//! lookup would. The per-token parts (`type`, `delta`) borrow from the event's data (see
//! `delta.rs`); the rare ones are read from JSON values through the typed accessors below.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{json, Value};
use telltale_protocol::{Attachment, AttachmentKind, Message, ThinkingBlock};

use super::delta::Delta;
use crate::providers::attached::inline_file;
use crate::tools::ToolSpec;

/// One stream event.
#[derive(Deserialize)]
pub(super) struct StreamEvent<'a> {
    /// `message_start`, `content_block_start`, `content_block_delta`, `message_delta`,
    /// `message_stop`, `error`, `ping`…
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    /// The content block an event is about.
    #[serde(default)]
    pub index: Option<u64>,
    #[serde(default)]
    message: Option<Value>,
    #[serde(default)]
    content_block: Option<Value>,
    #[serde(default, borrow)]
    pub delta: Option<Delta<'a>>,
    #[serde(default)]
    usage: Option<Value>,
    #[serde(default)]
    error: Option<Value>,
}

/// A `tool_use` content block starting: the call's id and the tool's name.
pub(super) struct ToolUseStart {
    pub id: Option<String>,
    pub name: Option<String>,
}

/// Token counts as reported so far (cumulative: a later report replaces an earlier one).
#[derive(Debug, Default, PartialEq)]
pub(super) struct UsageReport {
    pub input_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
}

/// The body of an `error` event (`{"type":"overloaded_error","message":"Overloaded"}`).
pub(super) struct StreamError<'e> {
    /// `overloaded_error`, `rate_limit_error`, `api_error`… (`error` when absent).
    pub kind: &'e str,
    pub message: &'e str,
}

fn str_field(value: Option<&Value>, field: &str) -> Option<String> {
    value.and_then(|v| v.get(field)).and_then(Value::as_str).map(str::to_owned)
}

fn usage_of(value: Option<&Value>) -> Option<UsageReport> {
    let value = value?;
    Some(UsageReport {
        input_tokens: value.get("input_tokens").and_then(Value::as_u64),
        output_tokens: value.get("output_tokens").and_then(Value::as_u64),
    })
}

impl StreamEvent<'_> {
    /// The tool call a `content_block_start` opens, if its block is a `tool_use`.
    pub fn tool_use_start(&self) -> Option<ToolUseStart> {
        let block = self.content_block.as_ref();
        (str_field(block, "type").as_deref() == Some("tool_use"))
            .then(|| ToolUseStart { id: str_field(block, "id"), name: str_field(block, "name") })
    }

    /// The reasoning block a `content_block_start` opens, if its block is `thinking` (its text
    /// and signature then stream in deltas) or `redacted_thinking` (whole: its opaque `data`).
    pub fn thinking_start(&self) -> Option<ThinkingBlock> {
        let block = self.content_block.as_ref();
        let field = |name| str_field(block, name).unwrap_or_default();
        match str_field(block, "type").as_deref() {
            Some("thinking") => Some(ThinkingBlock::Thinking {
                thinking: field("thinking"),
                signature: field("signature"),
            }),
            Some("redacted_thinking") => {
                Some(ThinkingBlock::RedactedThinking { data: field("data") })
            }
            _ => None,
        }
    }

    /// The usage `message_start` (in its message) or `message_delta` reports.
    pub fn usage(&self) -> Option<UsageReport> {
        match self.kind.as_ref() {
            "message_start" => usage_of(self.message.as_ref().and_then(|m| m.get("usage"))),
            _ => usage_of(self.usage.as_ref()),
        }
    }

    /// What an `error` event says.
    pub fn error(&self) -> StreamError<'_> {
        let field = |name| self.error.as_ref().and_then(|e| e.get(name)).and_then(Value::as_str);
        StreamError {
            kind: field("type").unwrap_or("error"),
            message: field("message").unwrap_or("no details"),
        }
    }
}

/// A prompt's content blocks: each file in the order attached (an image as an `image` block and
/// a PDF as a `document` block, both with a base64 source; a text file inline in a `text`
/// block headed by its name), then the prompt's text.
fn user_blocks(text: &str, attachments: &[Attachment]) -> Vec<Value> {
    let source = |file: &Attachment| json!({ "type": "base64", "media_type": file.media_type(), "data": file.base64() });
    let mut blocks: Vec<Value> = attachments
        .iter()
        .map(|file| match file.kind() {
            AttachmentKind::Image => json!({ "type": "image", "source": source(file) }),
            AttachmentKind::Pdf => {
                json!({ "type": "document", "source": source(file), "title": file.name() })
            }
            AttachmentKind::Text => json!({
                "type": "text",
                "text": inline_file(file.name(), "file", file.text().unwrap_or_default()),
            }),
        })
        .collect();
    if !text.is_empty() || blocks.is_empty() {
        blocks.push(json!({ "type": "text", "text": text }));
    }
    blocks
}

/// A reasoning block as Anthropic takes it back.
fn thinking_block(block: &ThinkingBlock) -> Value {
    match block {
        ThinkingBlock::Thinking { thinking, signature } => {
            json!({ "type": "thinking", "thinking": thinking, "signature": signature })
        }
        ThinkingBlock::RedactedThinking { data } => {
            json!({ "type": "redacted_thinking", "data": data })
        }
    }
}

/// The body of `POST /v1/messages` for a streamed step.
pub(super) fn request_body(
    model: &str,
    max_tokens: u32,
    messages: &[Message],
    tools: &[ToolSpec],
) -> Value {
    // Anthropic wants user and assistant turns to alternate, and tool results inside a user
    // turn: consecutive messages of one role are merged into one turn of content blocks.
    let mut turns: Vec<(&str, Vec<Value>)> = Vec::new();
    for message in messages {
        let (role, blocks) = match message {
            Message::User { text, attachments } => ("user", user_blocks(text, attachments)),
            Message::Assistant { text, tool_calls, thinking } => {
                // Reasoning blocks first, exactly as they came (their signatures vouch for them).
                let mut blocks: Vec<Value> = thinking.iter().map(thinking_block).collect();
                if !text.is_empty() {
                    blocks.push(json!({ "type": "text", "text": text }));
                }
                blocks.extend(tool_calls.iter().map(|call| {
                    json!({ "type": "tool_use", "id": call.call_id, "name": call.name, "input": call.args })
                }));
                ("assistant", blocks)
            }
            Message::Tool { call_id, ok, output, .. } => (
                "user",
                vec![
                    json!({ "type": "tool_result", "tool_use_id": call_id, "content": output, "is_error": !ok }),
                ],
            ),
        };
        if blocks.is_empty() {
            continue;
        }
        match turns.last_mut() {
            Some((last, content)) if *last == role => content.extend(blocks),
            _ => turns.push((role, blocks)),
        }
    }
    // An answer cut off (stopped, failed, crashed) is continued: it is the last turn, which
    // Anthropic takes as the start of its answer; that may not end with white space.
    if let Some(("assistant", content)) = turns.last_mut() {
        if let Some(Value::String(text)) =
            content.last_mut().and_then(|block| block.get_mut("text"))
        {
            text.truncate(text.trim_end().len());
            if text.is_empty() {
                content.pop();
            }
        }
        if content.is_empty() {
            turns.pop();
        }
    }
    let mut body = json!({
        "model": model,
        "max_tokens": max_tokens,
        "stream": true,
        "messages": turns
            .into_iter()
            .map(|(role, content)| json!({ "role": role, "content": content }))
            .collect::<Vec<_>>(),
    });
    if !tools.is_empty() {
        body["tools"] = tools
            .iter()
            .map(|t| json!({ "name": t.name, "description": t.description, "input_schema": t.parameters }))
            .collect();
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(json: &str) -> StreamEvent<'_> {
        serde_json::from_str(json).expect("an event")
    }

    #[test]
    fn the_rare_parts_read_typed_and_anything_unexpected_reads_as_absent() {
        let start = event(
            r#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"clock"}}"#,
        );
        let tool = start.tool_use_start().expect("a tool_use block");
        assert_eq!((tool.id.as_deref(), tool.name.as_deref()), (Some("toolu_1"), Some("clock")));
        let text = event(r#"{"type":"content_block_start","content_block":{"type":"text"}}"#);
        assert!(text.tool_use_start().is_none());
        let odd =
            event(r#"{"type":"content_block_start","content_block":{"type":"tool_use","id":7}}"#);
        assert_eq!(odd.tool_use_start().map(|t| t.id), Some(None), "a number is no id");

        let thinking = event(
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"#,
        );
        let empty = ThinkingBlock::Thinking { thinking: String::new(), signature: String::new() };
        assert_eq!(thinking.thinking_start(), Some(empty));
        assert!(thinking.tool_use_start().is_none());
        let redacted = event(
            r#"{"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"EmwK"}}"#,
        );
        let data = ThinkingBlock::RedactedThinking { data: "EmwK".into() };
        assert_eq!(redacted.thinking_start(), Some(data));
        assert_eq!(start.thinking_start(), None, "a tool_use block is no reasoning");

        let usage = event(
            r#"{"type":"message_start","message":{"usage":{"input_tokens":12,"output_tokens":"x"}}}"#,
        );
        assert_eq!(
            usage.usage(),
            Some(UsageReport { input_tokens: Some(12), output_tokens: None })
        );
        let delta = event(r#"{"type":"message_delta","usage":{"output_tokens":40}}"#);
        assert_eq!(
            delta.usage(),
            Some(UsageReport { input_tokens: None, output_tokens: Some(40) })
        );
        assert_eq!(event(r#"{"type":"message_delta"}"#).usage(), None);

        let error =
            event(r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#);
        assert_eq!((error.error().kind, error.error().message), ("overloaded_error", "Overloaded"));
        let bare = event(r#"{"type":"error"}"#);
        assert_eq!((bare.error().kind, bare.error().message), ("error", "no details"));
    }
}
