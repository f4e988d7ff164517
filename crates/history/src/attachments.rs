//! Files attached to prompts, stored with their conversation by content: each distinct content
//! once per conversation (its SHA-256), however many prompts carry it, and deleted with the
//! conversation. A stored message names its files (name, kind, size, hash) in place of their
//! bytes, which are put back when it is read.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use telltale_protocol::{Attachment, AttachmentKind, Message};

use crate::db::History;
use crate::error::{Error, Result};

/// A file attached to a prompt, as the history lists it (its bytes:
/// [`History::attachment_data`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AttachmentInfo {
    pub name: String,
    pub kind: AttachmentKind,
    pub media_type: String,
    #[ts(type = "number")]
    pub size: u64,
    /// The content's SHA-256, in lower-case hex: its key in the conversation.
    pub sha256: String,
}

impl AttachmentInfo {
    pub fn of(attachment: &Attachment) -> Self {
        AttachmentInfo {
            name: attachment.name().to_owned(),
            kind: attachment.kind(),
            media_type: attachment.media_type().to_owned(),
            size: attachment.data().len() as u64,
            sha256: attachment.sha256_hex(),
        }
    }
}

/// A message as the `messages` table holds it: its JSON, and the files to store beside it.
pub(crate) struct StoredMessage {
    pub json: String,
    pub files: Vec<(AttachmentInfo, Attachment)>,
}

/// How a prompt with files is stored: its files named by [`AttachmentInfo`].
#[derive(Serialize, Deserialize)]
struct StoredPrompt {
    role: String,
    text: String,
    attachments: Vec<AttachmentInfo>,
}

impl StoredMessage {
    pub fn of(message: &Message) -> Result<Self> {
        match message {
            Message::User { text, attachments } if !attachments.is_empty() => {
                let files: Vec<_> =
                    attachments.iter().map(|a| (AttachmentInfo::of(a), a.clone())).collect();
                let prompt = StoredPrompt {
                    role: "user".into(),
                    text: text.clone(),
                    attachments: files.iter().map(|(info, _)| info.clone()).collect(),
                };
                Ok(StoredMessage { json: serde_json::to_string(&prompt)?, files })
            }
            other => Ok(StoredMessage { json: serde_json::to_string(other)?, files: Vec::new() }),
        }
    }

    /// Stores the message's files in the conversation of run `run_id` (each content once).
    pub fn store_files(&self, conn: &Connection, run_id: &str) -> Result<()> {
        let mut insert = conn.prepare_cached(
            "INSERT OR IGNORE INTO attachments (conversation_id, sha256, media_type, data) \
             SELECT conversation_id, ?2, ?3, ?4 FROM runs WHERE run_id = ?1",
        )?;
        for (info, file) in &self.files {
            insert.execute(params![run_id, info.sha256, info.media_type, file.data()])?;
        }
        Ok(())
    }
}

/// The files a stored message names, if it is a prompt with files.
pub(crate) fn listed(json: &str) -> Vec<AttachmentInfo> {
    serde_json::from_str::<StoredPrompt>(json).map(|p| p.attachments).unwrap_or_default()
}

impl History {
    /// A stored message read back, its files' bytes put back from the conversation's store.
    pub(crate) fn load_message(&self, conversation_id: &str, json: &str) -> Result<Message> {
        let value: Value = serde_json::from_str(json)?;
        let by_reference = value.get("attachments").and_then(Value::as_array).is_some_and(|a| {
            a.iter().any(|file| file.get("sha256").is_some() && file.get("data").is_none())
        });
        if !by_reference {
            return Ok(serde_json::from_value(value)?);
        }
        let prompt: StoredPrompt = serde_json::from_value(value)?;
        let mut attachments = Vec::with_capacity(prompt.attachments.len());
        for info in prompt.attachments {
            let data = self.attachment_data(conversation_id, &info.sha256)?;
            let attachment = Attachment::new(info.name.clone(), data)
                .map_err(|e| Error::Attachment { name: info.name, why: e.to_string() })?;
            attachments.push(attachment);
        }
        Ok(Message::User { text: prompt.text, attachments })
    }

    /// The bytes of the file with SHA-256 `sha256` (lower-case hex) in the conversation.
    pub fn attachment_data(&self, conversation_id: &str, sha256: &str) -> Result<Vec<u8>> {
        self.conn
            .query_row(
                "SELECT data FROM attachments WHERE conversation_id = ?1 AND sha256 = ?2",
                params![conversation_id, sha256],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::Attachment {
                name: sha256.to_owned(),
                why: "no such file in this conversation".into(),
            })
    }

    /// The files each run's prompt carried, by run id (runs without files left out).
    pub(crate) fn prompt_files(
        &self,
        conversation_id: &str,
    ) -> Result<HashMap<String, Vec<AttachmentInfo>>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT m.run_id, m.json FROM messages m JOIN runs r ON r.run_id = m.run_id \
             WHERE r.conversation_id = ?1 AND m.idx = 0 AND m.json LIKE '%\"sha256\"%'",
        )?;
        let rows = statement.query_map([conversation_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut files = HashMap::new();
        for row in rows {
            let (run_id, json) = row?;
            let listed = listed(&json);
            if !listed.is_empty() {
                files.insert(run_id, listed);
            }
        }
        Ok(files)
    }
}
