//! Conversations: create, list by last activity, rename, delete (soft, undoable), read back
//! with their runs and events (the messages to continue one are in `transcript.rs`).

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use telltale_protocol::{Event, EventKind, FinishReason};
use ts_rs::TS;

use crate::attachments::AttachmentInfo;
use crate::db::History;
use crate::error::{Error, Result};
use crate::recorder;
use crate::schema::events_of_run;
use crate::stored_event;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Conversation {
    pub id: String,
    pub title: String,
    /// Unix epoch milliseconds.
    #[ts(type = "number")]
    pub created_at: i64,
    /// Last activity (a run started or finished), Unix epoch milliseconds.
    #[ts(type = "number")]
    pub updated_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub deleted_at: Option<i64>,
}

/// How a run stands when read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Being recorded by this process right now.
    Running,
    Completed,
    Cancelled,
    Error,
    /// Its `run_finished` never arrived: the process died (crash, power cut, kill) mid-run.
    Interrupted,
}

impl RunStatus {
    pub(crate) fn from_reason(
        reason: Option<FinishReason>,
        db: &std::path::Path,
        run_id: &str,
    ) -> RunStatus {
        match reason {
            Some(FinishReason::Completed) => RunStatus::Completed,
            Some(FinishReason::Cancelled) => RunStatus::Cancelled,
            Some(FinishReason::Error) => RunStatus::Error,
            None if recorder::is_recording(db, run_id) => RunStatus::Running,
            None => RunStatus::Interrupted,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RunRecord {
    pub run_id: String,
    /// The run this one continues; `null` for a first turn (see `History::branch`).
    pub parent_run_id: Option<String>,
    pub prompt: String,
    pub provider: Option<String>,
    pub model: Option<String>,
    #[ts(type = "number")]
    pub started_at: i64,
    #[ts(type = "number | null")]
    pub finished_at: Option<i64>,
    pub reason: Option<FinishReason>,
    pub status: RunStatus,
    /// The files the prompt carried, in the order attached.
    pub attachments: Vec<AttachmentInfo>,
    /// Every event, in `seq` order, exactly as it streamed.
    pub events: Vec<Event>,
}

impl RunRecord {
    /// The answer text: the run's `token` texts, in order (partial when interrupted).
    pub fn answer(&self) -> String {
        self.events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Token { text } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ConversationDetail {
    pub conversation: Conversation,
    pub runs: Vec<RunRecord>,
    /// The run a window last showed it at (the last run of the branch on screen: see
    /// [`History::show_run`]), when that is one of `runs`; absent: none recorded, the latest.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub shown_run_id: Option<String>,
}

/// A title from a first prompt: its first line, at most 60 characters, cut at a word.
pub fn title_from_prompt(prompt: &str) -> String {
    let line = prompt.trim().lines().next().unwrap_or("").trim();
    if line.chars().count() <= 60 {
        return if line.is_empty() { "New conversation".into() } else { line.into() };
    }
    let cut: String = line.chars().take(60).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > 20 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end())
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// How a finish reason is stored: its protocol name (serde's, so it is written once).
pub(crate) fn reason_str(reason: FinishReason) -> String {
    match serde_json::to_value(reason) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

pub(crate) fn parse_reason(text: Option<String>) -> Option<FinishReason> {
    serde_json::from_value(serde_json::Value::String(text?)).ok()
}

const CONVERSATION_COLUMNS: &str = "id, title, created_at, updated_at, deleted_at";

fn conversation_row(row: &Row<'_>) -> rusqlite::Result<Conversation> {
    Ok(Conversation {
        id: row.get(0)?,
        title: row.get(1)?,
        created_at: row.get(2)?,
        updated_at: row.get(3)?,
        deleted_at: row.get(4)?,
    })
}

impl History {
    /// A new, empty conversation.
    pub fn create_conversation(&self, title: &str) -> Result<Conversation> {
        let now = self.now();
        let conversation = Conversation {
            id: new_id(),
            title: title.to_owned(),
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        self.conn.execute(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?4)",
            params![conversation.id, conversation.title, now, now],
        )?;
        Ok(conversation)
    }

    /// The conversation `id`, created with `title` if there is none (a UI that picks its own
    /// conversation ids calls this before a conversation's first run). An existing conversation is
    /// returned as it is: its title is kept, and a deleted one stays deleted.
    pub fn ensure_conversation(&self, id: &str, title: &str) -> Result<Conversation> {
        let now = self.now();
        self.conn.execute(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?3) \
             ON CONFLICT (id) DO NOTHING",
            params![id, title, now],
        )?;
        self.conversation(id)
    }

    /// The conversations not deleted, most recent activity first.
    pub fn list_conversations(&self) -> Result<Vec<Conversation>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE deleted_at IS NULL ORDER BY updated_at DESC, rowid DESC"
        ))?;
        let rows = statement.query_map([], conversation_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One conversation (deleted or not).
    pub fn conversation(&self, id: &str) -> Result<Conversation> {
        self.conn
            .query_row(
                &format!("SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = ?1"),
                [id],
                conversation_row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(id.to_owned()))
    }

    /// The full id of the conversation whose id is or starts with `prefix` (at least 4 characters).
    pub fn resolve_id(&self, prefix: &str) -> Result<String> {
        let prefix = prefix.trim();
        if prefix.len() < 4 || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return self.conversation(prefix).map(|c| c.id);
        }
        let mut statement =
            self.conn.prepare("SELECT id FROM conversations WHERE id >= ?1 AND id < ?2 LIMIT 2")?;
        let upper = format!("{prefix}\u{10FFFF}");
        let ids: Vec<String> = statement
            .query_map(params![prefix, upper], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.as_slice() {
            [id] => Ok(id.clone()),
            [] => Err(Error::NotFound(prefix.to_owned())),
            _ if ids.iter().any(|id| id == prefix) => Ok(prefix.to_owned()),
            _ => Err(Error::Ambiguous(prefix.to_owned())),
        }
    }

    fn update_one(&self, sql: &str, id: &str, value: &dyn rusqlite::ToSql) -> Result<()> {
        match self.conn.execute(sql, params![id, value])? {
            0 => Err(Error::NotFound(id.to_owned())),
            _ => Ok(()),
        }
    }

    pub fn rename(&self, id: &str, title: &str) -> Result<()> {
        self.update_one("UPDATE conversations SET title = ?2 WHERE id = ?1", id, &title)
    }

    /// Records `run_id` as the run the conversation is shown at: the last run of the branch on
    /// screen, which it reopens on (the versions and branches above it picked as they were). A
    /// view setting, not part of the conversation: not in exports, and ignored when it names no
    /// run of the conversation (the run may not be recorded yet when the window names it).
    pub fn show_run(&self, id: &str, run_id: &str) -> Result<()> {
        self.update_one("UPDATE conversations SET shown_run_id = ?2 WHERE id = ?1", id, &run_id)
    }

    /// Hides the conversation from the list and search; [`History::undelete`] brings it back.
    pub fn delete(&self, id: &str) -> Result<()> {
        self.update_one("UPDATE conversations SET deleted_at = ?2 WHERE id = ?1", id, &self.now())
    }

    pub fn undelete(&self, id: &str) -> Result<()> {
        self.update_one(
            "UPDATE conversations SET deleted_at = ?2 WHERE id = ?1",
            id,
            &rusqlite::types::Null,
        )
    }

    /// Removes for good the conversations deleted before `before` (epoch ms); returns how many.
    pub fn purge_deleted(&self, before: i64) -> Result<usize> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "DELETE FROM run_text WHERE rowid IN (SELECT r.id FROM runs r JOIN conversations c ON c.id = r.conversation_id \
             WHERE c.deleted_at IS NOT NULL AND c.deleted_at < ?1)",
            [before],
        )?;
        let purged = tx.execute(
            "DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at < ?1",
            [before],
        )?;
        tx.commit()?;
        Ok(purged)
    }

    /// The conversation with every run of every branch (in the order they started) and every
    /// event, as it streamed.
    pub fn get(&self, id: &str) -> Result<ConversationDetail> {
        let conversation = self.conversation(id)?;
        let mut runs = self.runs_without_events(id)?;
        let sql = concat!("SELECT seq, json FROM events WHERE ", events_of_run!(), " ORDER BY seq");
        for run in &mut runs {
            run.events = stored_event::query(&self.conn, sql, &run.run_id)?;
        }
        let shown: Option<String> = self.conn.query_row(
            "SELECT shown_run_id FROM conversations WHERE id = ?1",
            [id],
            |row| row.get(0),
        )?;
        // A run written before its row (the window saves the run it shows as soon as it starts).
        let shown_run_id = shown.filter(|run| runs.iter().any(|r| &r.run_id == run));
        Ok(ConversationDetail { conversation, runs, shown_run_id })
    }

    /// The conversation's runs in the order they started, their events left out.
    pub(crate) fn runs_without_events(&self, id: &str) -> Result<Vec<RunRecord>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT run_id, prompt, provider, model, started_at, finished_at, reason, parent_run_id \
             FROM runs WHERE conversation_id = ?1 ORDER BY position",
        )?;
        let mut files = self.prompt_files(id)?;
        let runs = statement
            .query_map([id], |row| {
                let run_id: String = row.get(0)?;
                let reason = parse_reason(row.get(6)?);
                let attachments = files.remove(&run_id).unwrap_or_default();
                Ok(RunRecord {
                    status: RunStatus::from_reason(reason, &self.path, &run_id),
                    run_id,
                    parent_run_id: row.get(7)?,
                    prompt: row.get(1)?,
                    provider: row.get(2)?,
                    model: row.get(3)?,
                    started_at: row.get(4)?,
                    finished_at: row.get(5)?,
                    reason,
                    attachments,
                    events: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(runs)
    }
}
