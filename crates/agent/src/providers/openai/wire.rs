//! The Chat Completions wire format: the request body, and the streamed chunks as far as
//! Telltale reads them (unknown fields are ignored, every field may be missing or null).

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};

use crate::provider::CONTINUE_REQUEST;
use crate::providers::attached::inline_file;
use crate::providers::pdf_texts::PdfTexts;
use crate::tools::ToolSpec;
use telltale_protocol::{Attachment, AttachmentKind, Message};

/// The body of `POST /chat/completions` for a streamed step; a PDF's text comes from `pdfs`.
pub(crate) fn request_body(
    model: &str,
    messages: &[Message],
    tools: &[ToolSpec],
    pdfs: &PdfTexts,
) -> Value {
    let mut body = json!({
        "model": model,
        "stream": true,
        "stream_options": { "include_usage": true },
        "messages": messages.iter().map(|m| message(m, pdfs)).collect::<Vec<_>>(),
    });
    // An answer cut off (stopped, failed, crashed) is continued: the partial answer, then a
    // request to go on from its exact end.
    if matches!(messages.last(), Some(Message::Assistant { tool_calls, .. }) if tool_calls.is_empty())
    {
        if let Some(sent) = body["messages"].as_array_mut() {
            sent.push(json!({ "role": "user", "content": CONTINUE_REQUEST }));
        }
    }
    if !tools.is_empty() {
        body["tools"] = tools
            .iter()
            .map(|t| {
                json!({
                    "type": "function",
                    "function": { "name": t.name, "description": t.description, "parameters": t.parameters },
                })
            })
            .collect();
    }
    body
}

fn message(message: &Message, pdfs: &PdfTexts) -> Value {
    match message {
        Message::User { text, attachments } if attachments.is_empty() => {
            json!({ "role": "user", "content": text })
        }
        Message::User { text, attachments } => {
            json!({ "role": "user", "content": user_parts(text, attachments, pdfs) })
        }
        Message::Assistant { text, tool_calls, .. } if tool_calls.is_empty() => {
            json!({ "role": "assistant", "content": text })
        }
        Message::Assistant { text, tool_calls, .. } => json!({
            "role": "assistant",
            // With tool calls and no text, OpenAI wants null rather than "".
            "content": if text.is_empty() { Value::Null } else { Value::from(text.as_str()) },
            "tool_calls": tool_calls
                .iter()
                .map(|call| json!({
                    "id": call.call_id,
                    "type": "function",
                    "function": { "name": call.name, "arguments": call.args.to_string() },
                }))
                .collect::<Vec<_>>(),
        }),
        Message::Tool { call_id, ok, output, .. } => json!({
            "role": "tool",
            "tool_call_id": call_id,
            "content": if *ok { output.clone() } else { format!("Error: {output}") },
        }),
    }
}

/// A prompt with attachments as content parts: each file in the order attached (an image as an
/// `image_url` part with a data URL; a PDF as its extracted text and a text file as itself,
/// each in a text part headed by its name), then the prompt's text.
fn user_parts(text: &str, attachments: &[Attachment], pdfs: &PdfTexts) -> Vec<Value> {
    let mut parts: Vec<Value> = attachments
        .iter()
        .map(|file| match file.kind() {
            AttachmentKind::Image => json!({
                "type": "image_url",
                "image_url": { "url": format!("data:{};base64,{}", file.media_type(), file.base64()) },
            }),
            AttachmentKind::Pdf => {
                let text = pdfs.text_of(file);
                json!({ "type": "text", "text": inline_file(file.name(), "PDF, as text", &text) })
            }
            AttachmentKind::Text => json!({
                "type": "text",
                "text": inline_file(file.name(), "file", file.text().unwrap_or_default()),
            }),
        })
        .collect();
    if !text.is_empty() {
        parts.push(json!({ "type": "text", "text": text }));
    }
    parts
}

/// One `data:` chunk of the stream. The streamed text borrows from the event's data (copied only
/// when it holds escapes): this runs once per token.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Chunk<'a> {
    #[serde(borrow)]
    pub choices: Vec<Choice<'a>>,
    pub usage: Option<ChunkUsage>,
    /// Some compatible servers report failures mid-stream as `{"error": {...}}`.
    pub error: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Choice<'a> {
    pub index: u32,
    #[serde(borrow)]
    pub delta: Option<Delta<'a>>,
    pub finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Delta<'a> {
    #[serde(borrow, deserialize_with = "borrowed")]
    pub content: Option<Cow<'a, str>>,
    /// DeepSeek, vLLM, LM Studio…
    #[serde(borrow, deserialize_with = "borrowed")]
    pub reasoning_content: Option<Cow<'a, str>>,
    /// OpenRouter, Ollama, Groq…
    #[serde(borrow, deserialize_with = "borrowed")]
    pub reasoning: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub tool_calls: Option<Vec<ToolCallDelta<'a>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ToolCallDelta<'a> {
    pub index: Option<u32>,
    pub id: Option<String>,
    #[serde(borrow)]
    pub function: Option<FunctionDelta<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct FunctionDelta<'a> {
    pub name: Option<String>,
    #[serde(borrow, deserialize_with = "borrowed")]
    pub arguments: Option<Cow<'a, str>>,
}

/// A string or null, borrowed from the input unless it holds escapes. (serde's own impl for
/// `Option<Cow<str>>` always copies: only a `Cow` field directly marked `borrow` borrows.)
fn borrowed<'de: 'a, 'a, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Cow<'a, str>>, D::Error> {
    #[derive(Deserialize)]
    struct Borrowed<'a>(#[serde(borrow)] Cow<'a, str>);
    Ok(Option::<Borrowed<'a>>::deserialize(deserializer)?.map(|b| b.0))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ChunkUsage {
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_borrows_unless_escaped_and_null_or_missing_is_none() {
        let chunk: Chunk = serde_json::from_str(
            r#"{"choices":[{"index":0,"delta":{"content":"plain","reasoning":"a\"b","reasoning_content":null}}]}"#,
        )
        .expect("parses");
        let delta = chunk.choices.into_iter().next().and_then(|c| c.delta).expect("a delta");
        assert!(matches!(delta.content, Some(Cow::Borrowed("plain"))));
        assert_eq!(delta.reasoning.as_deref(), Some("a\"b"));
        assert_eq!(delta.reasoning_content, None);
        assert!(delta.tool_calls.is_none());
        assert!(
            serde_json::from_str::<Chunk>(r#"{"choices":[{"delta":{"content":5}}]}"#).is_err(),
            "a number is no text"
        );
    }

    #[test]
    fn a_pdf_is_parsed_once_for_every_step_and_turn_that_sends_it() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/attachments/report.pdf");
        let pdf = std::fs::read(path).expect("the fixture");
        let prompt = |pdf: &[u8]| Message::User {
            text: "Sum it up.".into(),
            attachments: vec![Attachment::new("report.pdf", pdf).expect("a PDF")],
        };
        let pdfs = PdfTexts::default();
        let mut messages = vec![prompt(&pdf)];
        let first = request_body("m", &messages, &[], &pdfs);
        // The second step sends the prompt again, with the first step's tool call and result.
        let call = telltale_protocol::ToolCall {
            call_id: "c1".into(),
            name: "clock".into(),
            args: json!({}),
        };
        messages.push(Message::assistant("", vec![call.clone()]));
        messages.push(Message::tool_result(&call, true, "noon"));
        let second = request_body("m", &messages, &[], &pdfs);
        // A later turn reads the file back from the history: the same content, another copy.
        let later = request_body("m", &[prompt(&pdf.clone())], &[], &pdfs);
        assert_eq!(pdfs.extracted(), 1, "parsed once");
        let sent = &first["messages"][0];
        assert!(sent["content"][0]["text"].as_str().is_some_and(|t| t.contains("Quarterly")));
        assert_eq!((&second["messages"][0], &later["messages"][0]), (sent, sent));
    }
}
