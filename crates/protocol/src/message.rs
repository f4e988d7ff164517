//! The conversation as providers see it: what the user said, what the model answered and
//! called, and what the tools returned.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Attachment;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Message {
    User {
        text: String,
        /// Files sent with the prompt (images, PDFs, text), in the order attached.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
    },
    Assistant {
        text: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tool_calls: Vec<ToolCall>,
        /// The model's reasoning blocks of this answer, in the order they came, kept to be sent
        /// back unchanged (Anthropic's extended thinking requires them with tool use).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        thinking: Vec<ThinkingBlock>,
    },
    Tool {
        call_id: String,
        name: String,
        ok: bool,
        output: String,
    },
}

impl Message {
    /// A prompt with no attachments.
    pub fn user(text: impl Into<String>) -> Self {
        Message::User { text: text.into(), attachments: Vec::new() }
    }

    /// An answer with no reasoning blocks.
    pub fn assistant(text: impl Into<String>, tool_calls: Vec<ToolCall>) -> Self {
        Message::Assistant { text: text.into(), tool_calls, thinking: Vec::new() }
    }

    /// The tool message that answers `call`: whether it succeeded, and its output.
    pub fn tool_result(call: &ToolCall, ok: bool, output: impl Into<String>) -> Self {
        Message::Tool {
            call_id: call.call_id.clone(),
            name: call.name.clone(),
            ok,
            output: output.into(),
        }
    }
}

/// A block of a model's reasoning that goes back to it exactly as it came: its JSON is
/// Anthropic's content block (`{"type":"thinking","thinking":…,"signature":…}`,
/// `{"type":"redacted_thinking","data":…}`). Providers that have no such blocks ignore them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ThinkingBlock {
    /// Reasoning shown as text, with the signature that vouches for it.
    Thinking { thinking: String, signature: String },
    /// Reasoning the provider encrypted: only its opaque `data` travels.
    RedactedThinking { data: String },
}

/// A complete call the model asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub call_id: String,
    pub name: String,
    /// The arguments object.
    pub args: Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reasoning_blocks_are_anthropic_s_own_json_and_an_answer_without_them_reads_as_before() {
        let answer = Message::Assistant {
            text: "Let me look.".into(),
            tool_calls: Vec::new(),
            thinking: vec![
                ThinkingBlock::Thinking { thinking: "hmm".into(), signature: "EqQB".into() },
                ThinkingBlock::RedactedThinking { data: "EmwK".into() },
            ],
        };
        let value = serde_json::to_value(&answer).expect("serialises");
        assert_eq!(
            value["thinking"],
            json!([
                { "type": "thinking", "thinking": "hmm", "signature": "EqQB" },
                { "type": "redacted_thinking", "data": "EmwK" },
            ])
        );
        assert_eq!(serde_json::from_value::<Message>(value).expect("reads back"), answer);
        let plain = json!({ "role": "assistant", "text": "hi" });
        assert_eq!(
            serde_json::from_value::<Message>(plain.clone()).ok(),
            Some(Message::assistant("hi", vec![]))
        );
        assert_eq!(serde_json::to_value(Message::assistant("hi", vec![])).ok(), Some(plain));
    }
}
