//! Recording a run as it streams: events, and the run's messages as each completes, go through a
//! channel to a writer thread with its own connection, which appends whatever has arrived in one
//! small write transaction (group commit: one event per transaction at a model's pace, more when
//! they come in a burst). By default it never waits before writing, for a front end that shows an
//! event only once it is saved (the CLI); one that shows events first (the window, `serve`) asks
//! for a gap after each commit ([`RecorderConfig::commit_gap`]), and a fast stream then costs one
//! commit per gap. A process crash loses only what was still in the channel (and, with a gap,
//! what came within it); reading the conversation back repairs what a crash cut short (see
//! `transcript.rs`).
//!
//! The run's answer goes into the search index after everything else is written, in a
//! transaction of its own: its end is shown without waiting for that ([`Recorder::finish_writing`]
//! returns first, with the [`Indexing`] to wait for), and an answer a crash left unindexed is
//! indexed when the history is next opened.
//!
//! A caller that has the events' JSON already can hand it over in a [`RecordBatch`]: the event
//! is not serialized twice, and a burst costs the writer one wake-up rather than one per event.
//! (The session hands over one event at a time: batching its bursts measured no faster.)
//!
//! Here: the recorder's API and the run's row; `recorder/batch.rs` what it hands the writer,
//! `recorder/writer.rs` the writer thread, `recorder/checkpoint.rs` the log's checkpoints (off
//! the writer's path), `recorder/indexing.rs` the answer's search index.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{params, Connection};
use telltale_protocol::Event;
use telltale_protocol::Message;

use crate::attachments::StoredMessage;
use crate::db::{connect, History};
use crate::error::{Error, Result};
use crate::tree::Parent;

mod batch;
mod checkpoint;
mod indexing;
mod writer;

pub use batch::RecordBatch;
use batch::{Msg, Row};
use checkpoint::Checkpointer;
pub(crate) use indexing::index_answer;
pub use indexing::Indexing;
use writer::write_loop;

/// The runs this process is recording, by database file and run id (two databases may hold
/// runs with the same id).
static RECORDING: Mutex<Option<HashSet<(PathBuf, String)>>> = Mutex::new(None);

/// Whether a recorder of this process is recording the run of database `db` now.
pub fn is_recording(db: &Path, run_id: &str) -> bool {
    let key = (db.to_path_buf(), run_id.to_owned());
    RECORDING.lock().map(|set| set.as_ref().is_some_and(|s| s.contains(&key))).unwrap_or(false)
}

fn set_recording(db: &Path, run_id: &str, on: bool) {
    if let Ok(mut set) = RECORDING.lock() {
        let set = set.get_or_insert_with(HashSet::new);
        let key = (db.to_path_buf(), run_id.to_owned());
        if on {
            set.insert(key);
        } else {
            set.remove(&key);
        }
    }
}

/// Told, on the writer's thread, that the run's history could not be written even after
/// retrying (see [`RecorderConfig::on_failure`]).
pub type FailureHook = Arc<dyn Fn(&Error) + Send + Sync>;

/// Told, after each write that committed events, how many of the run's events are saved: every
/// event whose `seq` is below the number (see [`RecorderConfig::on_commit`]).
pub type CommitHook = Arc<dyn Fn(u64) + Send + Sync>;

/// How long the writer waits before each new attempt at a write that failed: a busy disk or a
/// moment without space often passes in this time (about half a second in all).
pub const RETRY_DELAYS: &[Duration] =
    &[Duration::from_millis(25), Duration::from_millis(100), Duration::from_millis(400)];

/// How the writer groups events into transactions, and what it does when a write fails.
#[derive(Clone)]
pub struct RecorderConfig {
    /// The least time from the end of one commit to the start of the next: what arrives
    /// meanwhile is written together once it is over, while an event that comes after a quiet
    /// spell at least this long is written at once. A fast stream then costs one commit per gap
    /// rather than one per event (each a log append and a wake-up of the writer). Zero: every
    /// commit as soon as there is something to write (what a front end that shows an event only
    /// once it is saved wants).
    pub commit_gap: Duration,
    /// The waits before each new attempt at a failed write ([`RETRY_DELAYS`] by default). When
    /// every attempt failed, what it held is not dropped: it goes first into the next write, so
    /// the run's events never have a gap (a `seq` missing would make its export unreadable).
    pub retry_delays: &'static [Duration],
    /// Called once per run, the first time a write failed after all its attempts (the session
    /// stops the run and says why).
    pub on_failure: Option<FailureHook>,
    /// Called after each write that committed events, with the `seq` after the last one
    /// committed (a front end that must never show what a crash could lose waits for it).
    pub on_commit: Option<CommitHook>,
}

impl Default for RecorderConfig {
    fn default() -> Self {
        RecorderConfig {
            commit_gap: Duration::ZERO,
            retry_delays: RETRY_DELAYS,
            on_failure: None,
            on_commit: None,
        }
    }
}

impl std::fmt::Debug for RecorderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecorderConfig")
            .field("commit_gap", &self.commit_gap)
            .field("retry_delays", &self.retry_delays)
            .field("on_failure", &self.on_failure.is_some())
            .field("on_commit", &self.on_commit.is_some())
            .finish()
    }
}

/// What the writer did, for measuring.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecorderStats {
    pub events: usize,
    /// Write attempts that failed (and were tried again, or left for the next write).
    pub failed_writes: usize,
    pub transactions: usize,
    pub max_events_per_transaction: usize,
    pub total_write: Duration,
    pub max_write: Duration,
}

/// Records one run. [`Recorder::record`] and [`Recorder::record_message`] never block;
/// [`Recorder::finish`] waits for everything to be written. Dropped without `finish`, it writes
/// what it has and the run reads back as interrupted unless its `run_finished` arrived.
pub struct Recorder {
    run_id: String,
    tx: Option<Sender<Msg>>,
    /// The writer's result, sent once everything queued is written (before the answer is indexed).
    written: Option<Mutex<Receiver<Result<RecorderStats>>>>,
    writer: Option<JoinHandle<()>>,
}

impl History {
    /// Starts recording run `run_id` (prompt `prompt`) in the conversation: the run exists in
    /// the database when this returns.
    pub fn start_run(&self, conversation_id: &str, run_id: &str, prompt: &str) -> Result<Recorder> {
        self.start_run_with(conversation_id, run_id, prompt, RecorderConfig::default())
    }

    pub fn start_run_with(
        &self,
        conversation_id: &str,
        run_id: &str,
        prompt: &str,
        config: RecorderConfig,
    ) -> Result<Recorder> {
        self.start_branch(conversation_id, run_id, prompt, &Parent::Latest, config)
    }

    /// Like [`start_run_with`](Self::start_run_with), continuing the run `parent` names (see
    /// [`Parent`]): a new branch when that run has a continuation already.
    pub fn start_branch(
        &self,
        conversation_id: &str,
        run_id: &str,
        prompt: &str,
        parent: &Parent,
        config: RecorderConfig,
    ) -> Result<Recorder> {
        self.insert_run(conversation_id, run_id, prompt, parent)?;
        Recorder::spawn(connect(&self.path)?, &self.path, run_id, config)
    }

    /// Adds the run (no events yet) to the conversation, continuing `parent`.
    fn insert_run(
        &self,
        conversation_id: &str,
        run_id: &str,
        prompt: &str,
        parent: &Parent,
    ) -> Result<()> {
        self.conversation(conversation_id)?;
        let now = self.now();
        let tx = self.conn.unchecked_transaction()?;
        let parent = self.parent_run(conversation_id, parent)?;
        let exists: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM runs WHERE run_id = ?1)", [run_id], |r| {
                r.get(0)
            })?;
        if exists {
            return Err(Error::DuplicateRun(run_id.to_owned()));
        }
        tx.execute(
            "INSERT INTO runs (run_id, conversation_id, position, prompt, started_at, parent_run_id, answer_indexed) \
             VALUES (?1, ?2, (SELECT coalesce(max(position) + 1, 0) FROM runs WHERE conversation_id = ?2), \
             ?3, ?4, ?5, 0)",
            params![run_id, conversation_id, prompt, now, parent],
        )?;
        tx.execute(
            "INSERT INTO run_text (rowid, prompt, answer) VALUES (last_insert_rowid(), ?1, '')",
            [prompt],
        )?;
        tx.execute(
            "UPDATE conversations SET updated_at = max(updated_at, ?2) WHERE id = ?1",
            params![conversation_id, now],
        )?;
        tx.commit()?;
        Ok(())
    }
}

impl Recorder {
    pub(crate) fn spawn(
        conn: Connection,
        path: &Path,
        run_id: &str,
        config: RecorderConfig,
    ) -> Result<Recorder> {
        let (tx, rx) = channel();
        let (written_tx, written) = channel();
        set_recording(path, run_id, true);
        let id = run_id.to_owned();
        let db = path.to_path_buf();
        let mut checkpoints = Checkpointer::attach(&conn, path);
        let writer = std::thread::Builder::new()
            .name("telltale-history-recorder".into())
            .spawn(move || {
                let (result, index) = write_loop(conn, &id, rx, config, &mut checkpoints);
                // Written: the run reads back as it ended (indexing it again meanwhile, as an
                // open of the history might, changes nothing).
                set_recording(&db, &id, false);
                let _ = written_tx.send(result);
                if let Some(index) = index {
                    index.write();
                }
                checkpoints.finish();
            })
            .map_err(|e| Error::RecorderGone(e.to_string()))?;
        Ok(Recorder {
            run_id: run_id.to_owned(),
            tx: Some(tx),
            written: Some(Mutex::new(written)),
            writer: Some(writer),
        })
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Queues one event for writing.
    pub fn record(&self, event: &Event) {
        let Some(tx) = &self.tx else { return };
        match Row::of(event) {
            Ok(row) => {
                let _ = tx.send(Msg::Row(row));
            }
            // Not reachable for protocol events (plain data); said rather than dropped silently.
            Err(error) => {
                tracing::error!(%error, seq = event.seq, run_id = self.run_id, "cannot record an event")
            }
        }
    }

    /// Queues events for writing, in order, with one hand-over to the writer.
    pub fn record_batch(&self, batch: RecordBatch) {
        if batch.is_empty() {
            return;
        }
        if let Some(tx) = &self.tx {
            let _ = tx.send(Msg::Rows(batch.rows));
        }
    }

    /// Queues one message of the run (for continuing the conversation), stored after the ones
    /// queued before it: the prompt, then each as it completes.
    pub fn record_message(&self, message: &Message) {
        match StoredMessage::of(message) {
            Ok(stored) => {
                if let Some(tx) = &self.tx {
                    let _ = tx.send(Msg::Message(stored));
                }
            }
            // Not reachable for protocol messages (plain data); said rather than dropped silently.
            Err(error) => tracing::error!(%error, run_id = self.run_id, "cannot record a message"),
        }
    }

    /// Waits until everything queued is written and the finished run's answer is in the search
    /// index. Returns what the writer did, or the first write error.
    pub fn finish(self) -> Result<RecorderStats> {
        let (result, indexing) = self.finish_writing();
        indexing.wait();
        result
    }

    /// Waits until everything queued is written; returns what the writer did, or the first write
    /// error, while the finished run's answer is still being indexed: a front end shows the
    /// run's end at once, and waits for the [`Indexing`] before it exits.
    pub fn finish_writing(mut self) -> (Result<RecorderStats>, Indexing) {
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(Msg::Finish);
        }
        let result = self.written();
        (result, Indexing::new(self.writer.take()))
    }

    fn written(&mut self) -> Result<RecorderStats> {
        self.tx = None;
        match self.written.take() {
            Some(written) => written
                .into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .recv()
                .unwrap_or_else(|_| Err(Error::RecorderGone("the writer panicked".into()))),
            None => Ok(RecorderStats::default()),
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if self.written.is_some() {
            if let Err(error) = self.written() {
                tracing::warn!(%error, run_id = self.run_id, "recording the run failed");
            }
        }
        drop(Indexing::new(self.writer.take()));
    }
}
