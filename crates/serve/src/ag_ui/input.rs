//! AG-UI's `RunAgentInput` (camelCase JSON, as `@ag-ui/core` defines it), and what Telltale takes
//! from it: the thread (a conversation), the run's id, the prompt (the last message, which must
//! be the user's) with its files (`parts.rs`) and, for a new conversation, the messages before it. `tools`, `context`,
//! `state` and `forwardedProps` are accepted and not used: Telltale runs its own tools.

use serde::Deserialize;
use serde_json::Value;
use telltale_ipc::AttachmentUpload;
use telltale_protocol::{Message, ToolCall};

use super::parts::{content_of, Content};
use crate::error::ApiError;

/// The request body of `POST /v1/ag-ui`: the fields Telltale uses. The others (`tools`,
/// `context`, `state`, `forwardedProps`, `parentRunId`, `resume`, …) are allowed and left
/// alone (the schema is open).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RunAgentInput {
    pub thread_id: String,
    pub run_id: String,
    pub messages: Vec<InputMessage>,
}

/// One AG-UI message, of any role (`user`, `assistant`, `tool`, `system`, `developer`, …).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InputMessage {
    #[serde(default)]
    pub id: String,
    pub role: String,
    /// A string, or (user and tool messages) an array of content parts.
    #[serde(default)]
    pub content: Option<Value>,
    #[serde(default)]
    pub tool_calls: Vec<InputToolCall>,
    #[serde(default)]
    pub tool_call_id: Option<String>,
    /// A tool message's error, when the call failed.
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct InputToolCall {
    pub id: String,
    pub function: InputFunction,
}

#[derive(Debug, Deserialize)]
pub(crate) struct InputFunction {
    pub name: String,
    /// The arguments object as JSON text.
    pub arguments: String,
}

/// What a run takes from the input.
#[derive(Debug, PartialEq)]
pub(crate) struct Turn {
    pub prompt: String,
    /// The prompt's files (images, documents), as base64: checked when the run starts.
    pub files: Vec<AttachmentUpload>,
    /// The messages before the prompt, as Telltale's (system and developer messages, reasoning
    /// and activity left out).
    pub earlier: Vec<Message>,
}

impl RunAgentInput {
    /// The prompt and the messages before it; a typed error when the last message is not the
    /// user's text, or an earlier one cannot be read.
    pub fn turn(&self) -> Result<Turn, ApiError> {
        let Some((last, before)) = self.messages.split_last() else {
            return Err(ApiError::bad_request("messages is empty: send the user's message".into()));
        };
        if last.role != "user" {
            return Err(ApiError::bad_request(format!(
                "the last message is the {}'s: Telltale answers a user message (it runs its own \
                 tools, so a client's tool results are not taken)",
                last.role
            )));
        }
        let Content { text: prompt, files } = content_of(last, true)?;
        let mut earlier = Vec::new();
        for message in before {
            if let Some(message) = convert(message, &earlier)? {
                earlier.push(message);
            }
        }
        Ok(Turn { prompt, files, earlier })
    }
}

/// One earlier message as Telltale's, or `None` for a role a provider is not sent.
fn convert(message: &InputMessage, before: &[Message]) -> Result<Option<Message>, ApiError> {
    Ok(Some(match message.role.as_str() {
        "user" => Message::user(text_of(message)?),
        "assistant" => Message::assistant(
            text_of(message)?,
            message.tool_calls.iter().map(tool_call).collect::<Result<_, _>>()?,
        ),
        "tool" => {
            let call_id = message.tool_call_id.clone().ok_or_else(|| {
                ApiError::bad_request(format!("tool message {} has no toolCallId", message.id))
            })?;
            Message::Tool {
                name: name_of_call(before, &call_id),
                call_id,
                ok: message.error.is_none(),
                output: text_of(message)?,
            }
        }
        _ => return Ok(None),
    }))
}

fn tool_call(call: &InputToolCall) -> Result<ToolCall, ApiError> {
    let args = serde_json::from_str(&call.function.arguments).map_err(|error| {
        ApiError::bad_request(format!("tool call {}'s arguments are not JSON: {error}", call.id))
    })?;
    Ok(ToolCall { call_id: call.id.clone(), name: call.function.name.clone(), args })
}

/// The name of the tool that call `call_id` of an earlier assistant message called.
fn name_of_call(before: &[Message], call_id: &str) -> String {
    before
        .iter()
        .rev()
        .find_map(|message| match message {
            Message::Assistant { tool_calls, .. } => {
                tool_calls.iter().find(|call| call.call_id == call_id).map(|call| call.name.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| "tool".into())
}

/// A message's text: its string content, or its text parts joined by blank lines. A file part
/// is refused here (an earlier message's), rather than left out unseen.
fn text_of(message: &InputMessage) -> Result<String, ApiError> {
    content_of(message, false).map(|content| content.text)
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
