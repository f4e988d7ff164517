//! Recording a run as it streams: events, and the run's messages as each completes, go through a
//! channel to a writer thread with its own connection, which appends whatever has arrived in one
//! small write transaction (group commit: one event per transaction at a model's pace, more when
//! they come in a burst). By default it never waits before writing, for a front end that shows an
//! event only once it is saved (the CLI); one that shows events first (the window, `serve`) asks
//! for a gap after each commit ([`RecorderConfig::commit_gap`]), and a fast stream then costs one
//! commit per gap. A front end that shows an event once saved and has nothing else to do
//! meanwhile (the CLI) may have no writer thread: the recorder queues what it is handed and the
//! caller writes it, in one transaction, at each [`Recorder::flush`] ([`RecorderConfig::inline`]).
//! A process crash loses only what was still in the channel (and, with a gap,
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
//! Here: the recorder's API and the run's row; `recorder/config.rs` how it writes (the gap,
//! the retries, the hooks, inline) and its stats; `recorder/batch.rs` what it hands the writer,
//! `recorder/writer.rs` the writing (on the writer thread or inline), `recorder/checkpoint.rs`
//! the log's checkpoints (off the writer's path), `recorder/indexing.rs` the answer's search
//! index.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Mutex;
use std::thread::JoinHandle;

use rusqlite::{params, Connection};
use telltale_protocol::Event;
use telltale_protocol::Message;

use crate::attachments::StoredMessage;
use crate::db::{connect, History};
use crate::error::{Error, Result};
use crate::tree::Parent;

mod batch;
mod checkpoint;
mod config;
mod indexing;
mod writer;

pub use batch::RecordBatch;
use batch::{Msg, Row};
pub use config::{CommitHook, FailureHook, RecorderConfig, RecorderStats, RETRY_DELAYS};
use indexing::after_writing;
pub(crate) use indexing::index_answer;
pub use indexing::Indexing;
use writer::{write_loop, Writer};

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

/// Records one run. [`Recorder::record`] and [`Recorder::record_message`] never block;
/// [`Recorder::finish`] waits for everything to be written. Dropped without `finish`, it writes
/// what it has and the run reads back as interrupted unless its `run_finished` arrived.
pub struct Recorder {
    run_id: String,
    path: PathBuf,
    sink: Sink,
}

/// Where a recorder's events go.
enum Sink {
    /// To the writer thread.
    Thread {
        tx: Option<Sender<Msg>>,
        /// The writer's result, sent once everything queued is written (before the answer is
        /// indexed).
        written: Option<Mutex<Receiver<Result<RecorderStats>>>>,
        writer: Option<JoinHandle<()>>,
    },
    /// Queued here, written by [`Recorder::flush`] ([`RecorderConfig::inline`]); `None` once
    /// finished.
    Inline(Box<Mutex<Option<Inline>>>),
}

/// An inline recorder's writing, and what is queued for its next flush.
struct Inline {
    writer: Writer,
    queued: Vec<Msg>,
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
        if config.inline {
            let writer = Writer::new(conn, path, run_id, config)?;
            set_recording(path, run_id, true);
            let inline = Inline { writer, queued: Vec::new() };
            return Ok(Recorder {
                run_id: run_id.to_owned(),
                path: path.to_path_buf(),
                sink: Sink::Inline(Box::new(Mutex::new(Some(inline)))),
            });
        }
        let (tx, rx) = channel();
        let (written_tx, written) = channel();
        set_recording(path, run_id, true);
        let id = run_id.to_owned();
        let db = path.to_path_buf();
        let writer = std::thread::Builder::new()
            .name("telltale-history-recorder".into())
            .spawn(move || {
                let done = match Writer::new(conn, &db, &id, config.clone()) {
                    Ok(writer) => write_loop(writer, rx),
                    Err(error) => {
                        Writer::report(&config, &mut false, &id, &error);
                        set_recording(&db, &id, false);
                        let _ = written_tx.send(Err(error));
                        return;
                    }
                };
                // Written: the run reads back as it ended (indexing it again meanwhile, as an
                // open of the history might, changes nothing).
                set_recording(&db, &id, false);
                let _ = written_tx.send(done.result);
                after_writing(done.index, done.checkpoints);
            })
            .map_err(|e| Error::RecorderGone(e.to_string()))?;
        Ok(Recorder {
            run_id: run_id.to_owned(),
            path: path.to_path_buf(),
            sink: Sink::Thread {
                tx: Some(tx),
                written: Some(Mutex::new(written)),
                writer: Some(writer),
            },
        })
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Queues one event for writing.
    pub fn record(&self, event: &Event) {
        match Row::of(event) {
            Ok(row) => self.queue(Msg::Row(row)),
            // Not reachable for protocol events (plain data); said rather than dropped silently.
            Err(error) => {
                tracing::error!(%error, seq = event.seq, run_id = self.run_id, "cannot record an event")
            }
        }
    }

    /// Queues events for writing, in order, with one hand-over to the writer.
    pub fn record_batch(&self, batch: RecordBatch) {
        if !batch.is_empty() {
            self.queue(Msg::Rows(batch.rows));
        }
    }

    /// Queues one message of the run (for continuing the conversation), stored after the ones
    /// queued before it: the prompt, then each as it completes.
    pub fn record_message(&self, message: &Message) {
        match StoredMessage::of(message) {
            Ok(stored) => self.queue(Msg::Message(stored)),
            // Not reachable for protocol messages (plain data); said rather than dropped silently.
            Err(error) => tracing::error!(%error, run_id = self.run_id, "cannot record a message"),
        }
    }

    fn queue(&self, msg: Msg) {
        match &self.sink {
            Sink::Thread { tx: Some(tx), .. } => {
                let _ = tx.send(msg);
            }
            Sink::Thread { tx: None, .. } => {}
            Sink::Inline(inline) => {
                if let Some(inline) = lock(inline).as_mut() {
                    inline.queued.push(msg);
                }
            }
        }
    }

    /// Whether this recorder writes inline ([`RecorderConfig::inline`]): only at [`flush`].
    ///
    /// [`flush`]: Self::flush
    pub fn writes_inline(&self) -> bool {
        matches!(self.sink, Sink::Inline(_))
    }

    /// Writes what is queued, on this thread, in one transaction, when the recorder writes
    /// inline ([`RecorderConfig::inline`]); nothing otherwise (the writer thread writes as
    /// events come). Blocks for the write.
    pub fn flush(&self) {
        let Sink::Inline(inline) = &self.sink else { return };
        let mut inline = lock(inline);
        let Some(Inline { writer, queued }) = inline.as_mut() else { return };
        if !queued.is_empty() || writer.has_pending() {
            writer.write(std::mem::take(queued));
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
        self.written()
    }

    /// Ends the writing (once: later calls find nothing to do).
    fn written(&mut self) -> (Result<RecorderStats>, Indexing) {
        match &mut self.sink {
            Sink::Thread { tx, written, writer } => {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(Msg::Finish);
                }
                let result = match written.take() {
                    Some(written) => written
                        .into_inner()
                        .unwrap_or_else(|e| e.into_inner())
                        .recv()
                        .unwrap_or_else(|_| Err(Error::RecorderGone("the writer panicked".into()))),
                    None => Ok(RecorderStats::default()),
                };
                (result, Indexing::on_writer(writer.take()))
            }
            Sink::Inline(inline) => {
                let Some(Inline { mut writer, queued }) = lock(inline).take() else {
                    return (Ok(RecorderStats::default()), Indexing::on_writer(None));
                };
                // Everything queued, and what a failed write left, goes in one last write.
                if !queued.is_empty() || writer.has_pending() {
                    writer.write(queued);
                }
                let done = writer.finish();
                set_recording(&self.path, &self.run_id, false);
                (done.result, Indexing::by_waiter(done.index, done.checkpoints))
            }
        }
    }
}

/// An inline recorder's state, locked (a panic while it was held leaves it usable).
fn lock(inline: &Mutex<Option<Inline>>) -> std::sync::MutexGuard<'_, Option<Inline>> {
    inline.lock().unwrap_or_else(|e| e.into_inner())
}

impl Drop for Recorder {
    fn drop(&mut self) {
        let (result, indexing) = self.written();
        if let Err(error) = result {
            tracing::warn!(%error, run_id = self.run_id, "recording the run failed");
        }
        drop(indexing);
    }
}
