//! Importing a JSON export as a new conversation (new conversation and run ids, the run tree
//! kept: each run's `parent_run_id` mapped to its parent's new id; an export from before run
//! trees reads as a chain). A file larger
//! than [`MAX_IMPORT_BYTES`] is refused before it is read; a file is checked whole before
//! anything is written, and written in one transaction: a malformed or foreign file, or a write
//! that fails half-way, changes nothing. The app's Import… and `telltale import` both read the
//! file with [`read_export`].

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use rusqlite::params;
use serde_json::Value;
use telltale_protocol::PROTOCOL_VERSION;
use telltale_protocol::{AttachmentKind, Message};

use crate::attachments::StoredMessage;
use crate::conversations::{new_id, reason_str, Conversation};
use crate::db::History;
use crate::error::{ImportError, Result};
use crate::export::json::{ExportFile, FORMAT};
use crate::recorder::index_answer;
use crate::stored_event;

/// The largest export Telltale imports: 512 MiB, refused before it is read into memory. It
/// covers what export writes for a long conversation with many files: [`IMPORT_TEXT_BYTES`] of
/// events and text (several hundred thousand events) beside [`IMPORT_FULL_SIZE_PDFS`] PDFs at
/// their 20 MB limit, each a third larger as base64.
pub const MAX_IMPORT_BYTES: u64 = 512 * MIB;

/// The events and text [`MAX_IMPORT_BYTES`] leaves room for beside the files.
pub const IMPORT_TEXT_BYTES: u64 = 64 * MIB;

/// How many PDFs at their size limit (each prompt carrying its own copy in an export) fit in
/// [`MAX_IMPORT_BYTES`] beside [`IMPORT_TEXT_BYTES`].
pub const IMPORT_FULL_SIZE_PDFS: u64 = 16;

const MIB: u64 = 1024 * 1024;

/// The length of `bytes` bytes as padded base64.
const fn base64_len(bytes: u64) -> u64 {
    bytes.div_ceil(3) * 4
}

const _: () = assert!(
    IMPORT_TEXT_BYTES + IMPORT_FULL_SIZE_PDFS * base64_len(AttachmentKind::Pdf.limit())
        <= MAX_IMPORT_BYTES
);

fn too_large(size: u64) -> ImportError {
    ImportError::TooLarge { size, limit: MAX_IMPORT_BYTES }
}

/// Reads the export at `path`, refusing a file larger than [`MAX_IMPORT_BYTES`] without reading
/// it (and one that grows past it while read).
pub fn read_export(path: &Path) -> Result<String, ImportError> {
    let unreadable = |e: std::io::Error| ImportError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let size = file.metadata().map_err(unreadable)?.len();
    if size > MAX_IMPORT_BYTES {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_IMPORT_BYTES + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        ImportError::NotJson(format!("not UTF-8 text (at byte {})", e.utf8_error().valid_up_to()))
    })
}

fn malformed(message: impl Into<String>) -> ImportError {
    ImportError::Malformed(message.into())
}

/// Parses and checks an export without touching any database.
pub fn parse(text: &str) -> Result<ExportFile, ImportError> {
    if text.len() as u64 > MAX_IMPORT_BYTES {
        return Err(too_large(text.len() as u64));
    }
    let value: Value =
        serde_json::from_str(text).map_err(|e| ImportError::NotJson(e.to_string()))?;
    let format = match value.get("format") {
        Some(Value::String(format)) => format.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    if format != FORMAT {
        return Err(ImportError::ForeignFormat(format));
    }
    match value.get("protocol_version").and_then(Value::as_u64) {
        Some(found) if found > u64::from(PROTOCOL_VERSION) => {
            return Err(ImportError::UnsupportedVersion { found, supported: PROTOCOL_VERSION })
        }
        Some(_) => {}
        None => return Err(malformed("no protocol_version")),
    }
    let file: ExportFile = serde_json::from_value(value).map_err(|e| malformed(e.to_string()))?;
    let mut run_ids = std::collections::HashSet::new();
    for run in &file.runs {
        if !run_ids.insert(run.run_id.as_str()) {
            return Err(malformed(format!("run {} appears twice", run.run_id)));
        }
        for (index, event) in run.events.iter().enumerate() {
            if event.run_id != run.run_id {
                return Err(malformed(format!(
                    "an event of run {} belongs to run {}",
                    run.run_id, event.run_id
                )));
            }
            if event.seq != index as u64 {
                return Err(malformed(format!(
                    "run {}: event {index} has seq {}",
                    run.run_id, event.seq
                )));
            }
        }
    }
    let mut earlier = std::collections::HashSet::new();
    for run in &file.runs {
        if let Some(Some(parent)) = &run.parent_run_id {
            if !earlier.contains(parent.as_str()) {
                return Err(malformed(format!(
                    "run {} continues run {parent}, which is not an earlier run of the file",
                    run.run_id
                )));
            }
        }
        earlier.insert(run.run_id.as_str());
    }
    if let Some(m) = file.messages.iter().find(|m| !run_ids.contains(m.run_id.as_str())) {
        return Err(malformed(format!("a message belongs to unknown run {}", m.run_id)));
    }
    Ok(file)
}

impl History {
    /// Imports the JSON export at `path` (see [`read_export`]) as a new conversation.
    pub fn import_file(&self, path: &Path) -> Result<Conversation> {
        self.import_json(&read_export(path)?)
    }

    /// Imports a JSON export as a new conversation and returns it.
    pub fn import_json(&self, text: &str) -> Result<Conversation> {
        let file = parse(text)?;
        let c = &file.conversation;
        let conversation = Conversation {
            id: new_id(),
            title: c.title.clone(),
            created_at: c.created_at,
            updated_at: c.updated_at,
            deleted_at: None,
        };
        let new_run_ids: HashMap<&str, String> =
            file.runs.iter().map(|r| (r.run_id.as_str(), new_id())).collect();
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                conversation.id,
                conversation.title,
                conversation.created_at,
                conversation.updated_at
            ],
        )?;
        let mut previous: Option<&str> = None;
        for (position, run) in file.runs.iter().enumerate() {
            let run_id = &new_run_ids[run.run_id.as_str()];
            // Checked by `parse`: a parent is an earlier run of the file.
            let parent = match &run.parent_run_id {
                Some(parent) => parent.as_deref(),
                None => previous,
            };
            let parent = parent.and_then(|p| new_run_ids.get(p));
            previous = Some(run.run_id.as_str());
            tx.execute(
                "INSERT INTO runs (run_id, conversation_id, position, prompt, provider, model, started_at, finished_at, reason, parent_run_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    run_id,
                    conversation.id,
                    position as i64,
                    run.prompt,
                    run.provider,
                    run.model,
                    run.started_at,
                    run.finished_at,
                    run.reason.map(reason_str),
                    parent
                ],
            )?;
            let run_key = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO run_text (rowid, prompt, answer) VALUES (?1, ?2, '')",
                params![run_key, &run.prompt],
            )?;
            let mut insert =
                tx.prepare_cached("INSERT INTO events (run, seq, json) VALUES (?1, ?2, ?3)")?;
            for event in &run.events {
                insert.execute(params![
                    run_key,
                    event.seq as i64,
                    stored_event::to_stored(event)?
                ])?;
            }
            index_answer(&tx, run_id)?;
        }
        let mut counters: HashMap<&str, i64> = HashMap::new();
        for m in &file.messages {
            let idx = counters.entry(m.run_id.as_str()).or_insert(0);
            let run_id = &new_run_ids[m.run_id.as_str()];
            let stored = StoredMessage::of(&m.message)?;
            stored.store_files(&tx, run_id)?;
            tx.execute(
                "INSERT INTO messages (run_id, idx, json) VALUES (?1, ?2, ?3)",
                params![run_id, *idx, stored.json],
            )?;
            *idx += 1;
        }
        tx.commit()?;
        Ok(conversation)
    }

    /// The messages as stored, each with its run (what the JSON export carries).
    pub(crate) fn stored_messages(&self, conversation_id: &str) -> Result<Vec<(String, Message)>> {
        let mut statement = self.conn.prepare(
            "SELECT m.run_id, m.json FROM messages m JOIN runs r ON r.run_id = m.run_id \
             WHERE r.conversation_id = ?1 ORDER BY r.position, m.idx",
        )?;
        let rows: Vec<(String, String)> = statement
            .query_map([conversation_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(run_id, json)| Ok((run_id, self.load_message(conversation_id, &json)?)))
            .collect()
    }
}
