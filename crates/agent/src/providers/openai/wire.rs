//! The Chat Completions wire format: the request body, and the streamed chunks as far as
//! Telltale reads them (unknown fields are ignored, every field may be missing or null).

use serde::Deserialize;
use serde_json::{json, Value};

use crate::message::Message;
use crate::tools::ToolSpec;

/// The body of `POST /chat/completions` for a streamed step.
pub(crate) fn request_body(model: &str, messages: &[Message], tools: &[ToolSpec]) -> Value {
    let mut body = json!({
        "model": model,
        "stream": true,
        "stream_options": { "include_usage": true },
        "messages": messages.iter().map(message).collect::<Vec<_>>(),
    });
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

fn message(message: &Message) -> Value {
    match message {
        Message::User { text } => json!({ "role": "user", "content": text }),
        Message::Assistant { text, tool_calls } if tool_calls.is_empty() => {
            json!({ "role": "assistant", "content": text })
        }
        Message::Assistant { text, tool_calls } => json!({
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

/// One `data:` chunk of the stream.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Chunk {
    pub choices: Vec<Choice>,
    pub usage: Option<ChunkUsage>,
    /// Some compatible servers report failures mid-stream as `{"error": {...}}`.
    pub error: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Choice {
    pub index: u32,
    pub delta: Option<Delta>,
    pub finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Delta {
    pub content: Option<String>,
    /// DeepSeek, vLLM, LM Studio…
    pub reasoning_content: Option<String>,
    /// OpenRouter, Ollama, Groq…
    pub reasoning: Option<String>,
    pub tool_calls: Option<Vec<ToolCallDelta>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ToolCallDelta {
    pub index: Option<u32>,
    pub id: Option<String>,
    pub function: Option<FunctionDelta>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct FunctionDelta {
    pub name: Option<String>,
    pub arguments: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ChunkUsage {
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
}
