//! JSON export: the conversation, every run with its full event log, and the stored messages;
//! lossless, and what [`crate::History::import_json`] reads back.

use serde::{Deserialize, Serialize};
use telltale_protocol::Message;
use telltale_protocol::{Event, FinishReason, PROTOCOL_VERSION};

use std::io::Write;

use crate::conversations::ConversationDetail;
use crate::error::{Error, Result};

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

/// The export file's text, refused with [`Error::ExportTooLarge`] when it would be larger than
/// `limit` bytes (what import takes: [`crate::import::MAX_IMPORT_BYTES`]). The text is kept only
/// while it fits: past `limit` the rest is only counted, so a refused export never holds more
/// than `limit` bytes.
pub fn render(
    detail: &ConversationDetail,
    messages: &[(String, Message)],
    limit: u64,
) -> Result<String> {
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
    let mut out = Capped { text: Vec::new(), size: 0, limit };
    serde_json::to_writer_pretty(&mut out, &file)?;
    out.write_all(b"\n").map_err(serde_json::Error::io)?;
    if out.size > limit {
        return Err(Error::ExportTooLarge { size: out.size, limit });
    }
    // serde_json writes UTF-8 only.
    String::from_utf8(out.text).map_err(|e| Error::Json(serde::ser::Error::custom(e)))
}

/// Keeps what is written while the total is at most `limit` bytes, then only counts.
struct Capped {
    text: Vec<u8>,
    size: u64,
    limit: u64,
}

impl Write for Capped {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.size += bytes.len() as u64;
        if self.size <= self.limit {
            self.text.extend_from_slice(bytes);
        } else if self.text.capacity() > 0 {
            self.text = Vec::new();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
