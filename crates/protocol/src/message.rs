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
}

/// A complete call the model asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub call_id: String,
    pub name: String,
    /// The arguments object.
    pub args: Value,
}
