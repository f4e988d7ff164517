//! JSON export: the conversation, every run with its full event log, and the stored messages;
//! lossless, and what [`crate::History::import_json`] reads back.

use serde::{Deserialize, Serialize};
use telltale_protocol::Message;
use telltale_protocol::{Event, FinishReason, PROTOCOL_VERSION};

use crate::conversations::ConversationDetail;
use crate::error::Result;

pub const FORMAT: &str = "telltale-conversation";

#[derive(Debug, Serialize, Deserialize)]
pub struct ExportFile {
    pub format: String,
    pub protocol_version: u32,
    pub conversation: ExportConversation,
    pub runs: Vec<ExportRun>,
    pub messages: Vec<ExportMessage>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ExportConversation {
    pub id: String,
    pub title: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ExportRun {
    pub run_id: String,
    /// The run this one continues (an earlier run of the file), `null` for a first turn. An
    /// export from before run trees has no such field: each of its runs continues the one
    /// before it (`None` here).
    #[serde(default, deserialize_with = "present")]
    pub parent_run_id: Option<Option<String>>,
    pub prompt: String,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// `null` for a run that was interrupted.
    pub reason: Option<FinishReason>,
    pub events: Vec<Event>,
}

/// A field that is there, `null` or not: `Some` (a field left out is `None`, by `default`).
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// A message of the conversation, with the run that added it.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExportMessage {
    pub run_id: String,
    #[serde(flatten)]
    pub message: Message,
}

pub fn render(detail: &ConversationDetail, messages: &[(String, Message)]) -> Result<String> {
    let c = &detail.conversation;
    let file = ExportFile {
        format: FORMAT.to_owned(),
        protocol_version: PROTOCOL_VERSION,
        conversation: ExportConversation {
            id: c.id.clone(),
            title: c.title.clone(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        },
        runs: detail
            .runs
            .iter()
            .map(|r| ExportRun {
                run_id: r.run_id.clone(),
                parent_run_id: Some(r.parent_run_id.clone()),
                prompt: r.prompt.clone(),
                provider: r.provider.clone(),
                model: r.model.clone(),
                started_at: r.started_at,
                finished_at: r.finished_at,
                reason: r.reason,
                events: r.events.clone(),
            })
            .collect(),
        messages: messages
            .iter()
            .map(|(run_id, message)| ExportMessage {
                run_id: run_id.clone(),
                message: message.clone(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&file)?;
    text.push('\n');
    Ok(text)
}
