//! Recording a run as it streams: events go through a channel to a writer thread with its own
//! connection, which appends whatever has arrived in one small write transaction (group commit:
//! one event per transaction at a model's pace, more when they come in a burst, and never a wait
//! before writing). A process crash loses only what was still in the channel.
//!
//! A caller that has the events' JSON already (the CLI prints it) hands it over in a
//! [`RecordBatch`]: the event is not serialized twice, and a burst costs the writer one wake-up
//! rather than one per event.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection};
use telltale_protocol::Message;
use telltale_protocol::{Event, EventKind};

use crate::conversations::reason_str;
use crate::db::{connect, History};
use crate::error::{Error, Result};
use crate::schema::ANSWER_SQL;

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

/// How the writer groups events into transactions.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecorderConfig {
    /// After the first event of a batch, wait this long for more before committing (zero: commit
    /// whatever is queued at once).
    pub coalesce: Duration,
}

/// What the writer did, for measuring.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecorderStats {
    pub events: usize,
    pub transactions: usize,
    pub max_events_per_transaction: usize,
    pub total_write: Duration,
    pub max_write: Duration,
}

enum Msg {
    Rows(Vec<Row>),
    Finish(Vec<Message>),
}

/// One event as the writer stores it: its number, its protocol JSON, and what it changes in
/// the run's own row.
struct Row {
    seq: i64,
    json: String,
    effect: Effect,
}

/// What an event changes besides its own row.
enum Effect {
    None,
    /// The answer's search text grows (the writer keeps it, rather than reading every event
    /// back out of the database when the run finishes).
    Token(String),
    Started {
        provider: String,
        model: String,
        started_at: i64,
    },
    Finished {
        reason: String,
        t_ms: i64,
    },
}

impl Row {
    fn new(event: &Event, json: String) -> Row {
        let effect = match &event.kind {
            EventKind::RunStarted { provider, model, started_at } => Effect::Started {
                provider: provider.clone(),
                model: model.clone(),
                started_at: *started_at as i64,
            },
            EventKind::RunFinished { reason, .. } => {
                Effect::Finished { reason: reason_str(*reason), t_ms: event.t_ms.round() as i64 }
            }
            EventKind::Token { text } => Effect::Token(text.clone()),
            _ => Effect::None,
        };
        Row { seq: event.seq as i64, json, effect }
    }
}

/// Events to record together, in order.
#[derive(Default)]
pub struct RecordBatch {
    rows: Vec<Row>,
}

impl RecordBatch {
    pub fn new() -> RecordBatch {
        RecordBatch::default()
    }

    /// Adds `event` with its JSON exactly as `serde_json::to_string(event)` writes it (what the
    /// protocol streams); the caller vouches that `json` is that.
    pub fn push_json(&mut self, event: &Event, json: String) {
        self.rows.push(Row::new(event, json));
    }

    /// Adds `event`, serializing it.
    pub fn push(&mut self, event: &Event) -> Result<()> {
        let json = serde_json::to_string(event)?;
        self.push_json(event, json);
        Ok(())
    }

    /// Moves `other`'s events after these.
    pub fn append(&mut self, mut other: RecordBatch) {
        self.rows.append(&mut other.rows);
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Records one run. [`Recorder::record`] never blocks; [`Recorder::finish`] stores the run's
/// new messages and waits for everything to be written. Dropped without `finish`, it writes what
/// it has and the run reads back as interrupted unless its `run_finished` arrived.
pub struct Recorder {
    run_id: String,
    tx: Option<Sender<Msg>>,
    writer: Option<JoinHandle<Result<RecorderStats>>>,
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
        self.insert_run(conversation_id, run_id, prompt)?;
        Recorder::spawn(connect(&self.path)?, &self.path, run_id, config)
    }

    /// Like [`start_run`](Self::start_run), for a caller that opened the history only to record
    /// this run (the CLI): the recorder writes on this history's connection instead of opening
    /// another, which saves the work of a second open on the way to the first token.
    pub fn into_recorder(
        self,
        conversation_id: &str,
        run_id: &str,
        prompt: &str,
    ) -> Result<Recorder> {
        self.insert_run(conversation_id, run_id, prompt)?;
        Recorder::spawn(self.conn, &self.path, run_id, RecorderConfig::default())
    }

    /// Adds the run (no events yet) to the conversation.
    fn insert_run(&self, conversation_id: &str, run_id: &str, prompt: &str) -> Result<()> {
        self.conversation(conversation_id)?;
        let now = self.now();
        let tx = self.conn.unchecked_transaction()?;
        let exists: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM runs WHERE run_id = ?1)", [run_id], |r| {
                r.get(0)
            })?;
        if exists {
            return Err(Error::DuplicateRun(run_id.to_owned()));
        }
        tx.execute(
            "INSERT INTO runs (run_id, conversation_id, position, prompt, started_at) VALUES (?1, ?2, \
             (SELECT coalesce(max(position) + 1, 0) FROM runs WHERE conversation_id = ?2), ?3, ?4)",
            params![run_id, conversation_id, prompt, now],
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
    fn spawn(
        conn: Connection,
        path: &Path,
        run_id: &str,
        config: RecorderConfig,
    ) -> Result<Recorder> {
        let (tx, rx) = channel();
        set_recording(path, run_id, true);
        let id = run_id.to_owned();
        let db = path.to_path_buf();
        let writer = std::thread::Builder::new()
            .name("telltale-history-recorder".into())
            .spawn(move || {
                let result = write_loop(conn, &id, rx, config);
                set_recording(&db, &id, false);
                result
            })
            .map_err(|e| Error::RecorderGone(e.to_string()))?;
        Ok(Recorder { run_id: run_id.to_owned(), tx: Some(tx), writer: Some(writer) })
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Queues one event for writing.
    pub fn record(&self, event: &Event) {
        let mut batch = RecordBatch::new();
        match batch.push(event) {
            Ok(()) => self.record_batch(batch),
            // Not reachable for protocol events (plain data); said rather than dropped silently.
            Err(error) => eprintln!(
                "telltale-history: cannot record event {} of run {}: {error}",
                event.seq, self.run_id
            ),
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

    /// Stores the run's new messages (for continuing the conversation) and waits until
    /// everything is written. Returns what the writer did, or the first write error.
    pub fn finish(mut self, new_messages: &[Message]) -> Result<RecorderStats> {
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(Msg::Finish(new_messages.to_vec()));
        }
        self.join()
    }

    fn join(&mut self) -> Result<RecorderStats> {
        self.tx = None;
        match self.writer.take() {
            Some(writer) => {
                writer.join().map_err(|_| Error::RecorderGone("the writer panicked".into()))?
            }
            None => Ok(RecorderStats::default()),
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if self.writer.is_some() {
            if let Err(error) = self.join() {
                eprintln!("telltale-history: recording run {} failed: {error}", self.run_id);
            }
        }
    }
}

fn write_loop(
    mut conn: Connection,
    run_id: &str,
    rx: Receiver<Msg>,
    config: RecorderConfig,
) -> Result<RecorderStats> {
    let mut stats = RecorderStats::default();
    let mut first_error = None;
    let mut finished = false;
    // The answer so far, as committed: what ANSWER_SQL would read back.
    let mut answer = String::new();
    while !finished {
        let Ok(first) = rx.recv() else { break };
        let mut batch = vec![first];
        if config.coalesce.is_zero() {
            batch.extend(rx.try_iter());
        } else {
            let deadline = Instant::now() + config.coalesce;
            loop {
                if matches!(batch.last(), Some(Msg::Finish(_))) {
                    break;
                }
                match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                    Ok(msg) => batch.push(msg),
                    Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
                }
            }
        }
        finished = batch.iter().any(|m| matches!(m, Msg::Finish(_)));
        let started = Instant::now();
        let committed = answer.len();
        match write_batch(&mut conn, run_id, &batch, &mut answer) {
            Ok(events) => {
                let took = started.elapsed();
                stats.events += events;
                stats.transactions += 1;
                stats.max_events_per_transaction = stats.max_events_per_transaction.max(events);
                stats.total_write += took;
                stats.max_write = stats.max_write.max(took);
            }
            Err(error) => {
                // Rolled back: its tokens are not in the database, so not in the answer either.
                answer.truncate(committed);
                first_error.get_or_insert(error);
            }
        }
    }
    // Ended without its run_finished (the recorder was dropped): index the partial answer now.
    let finished_run: rusqlite::Result<bool> =
        conn.query_row("SELECT reason IS NOT NULL FROM runs WHERE run_id = ?1", [run_id], |r| {
            r.get(0)
        });
    if let Ok(false) = finished_run {
        if let Err(error) = set_answer(&conn, run_id, &answer) {
            first_error.get_or_insert(error);
        }
    }
    match first_error {
        Some(error) => Err(error),
        None => Ok(stats),
    }
}

/// Writes `batch` in one transaction, appending its token texts to `answer` (the caller takes
/// them off again when this fails).
fn write_batch(
    conn: &mut Connection,
    run_id: &str,
    batch: &[Msg],
    answer: &mut String,
) -> Result<usize> {
    let tx = conn.transaction()?;
    let mut events = 0;
    {
        // Prepared once per transaction, not looked up again for every event of a burst.
        let mut insert_event =
            tx.prepare_cached("INSERT INTO events (run_id, seq, json) VALUES (?1, ?2, ?3)")?;
        for msg in batch {
            match msg {
                Msg::Rows(rows) => {
                    for row in rows {
                        events += 1;
                        insert_event.execute(params![run_id, row.seq, row.json])?;
                        apply_effect(&tx, run_id, &row.effect, answer)?;
                    }
                }
                Msg::Finish(messages) => {
                    let mut insert = tx.prepare_cached(
                        "INSERT OR REPLACE INTO messages (run_id, idx, json) VALUES (?1, ?2, ?3)",
                    )?;
                    for (idx, message) in messages.iter().enumerate() {
                        insert.execute(params![
                            run_id,
                            idx as i64,
                            serde_json::to_string(message)?
                        ])?;
                    }
                }
            }
        }
    }
    tx.commit()?;
    Ok(events)
}

/// What `run_started` and `run_finished` change in the run's row.
fn apply_effect(
    tx: &rusqlite::Transaction<'_>,
    run_id: &str,
    effect: &Effect,
    answer: &mut String,
) -> Result<()> {
    match effect {
        Effect::None => {}
        Effect::Token(text) => answer.push_str(text),
        Effect::Started { provider, model, started_at } => {
            tx.execute(
                "UPDATE runs SET provider = ?2, model = ?3, started_at = ?4 WHERE run_id = ?1",
                params![run_id, provider, model, started_at],
            )?;
        }
        Effect::Finished { reason, t_ms } => {
            tx.execute(
                "UPDATE runs SET reason = ?2, finished_at = started_at + ?3 WHERE run_id = ?1",
                params![run_id, reason, t_ms],
            )?;
            tx.execute(
                "UPDATE conversations SET updated_at = max(updated_at, \
                 (SELECT finished_at FROM runs WHERE run_id = ?1)) \
                 WHERE id = (SELECT conversation_id FROM runs WHERE run_id = ?1)",
                [run_id],
            )?;
            set_answer(tx, run_id, answer)?;
        }
    }
    Ok(())
}

/// Puts the run's answer (its token texts so far, read from the database) into the search index.
pub(crate) fn index_answer(conn: &Connection, run_id: &str) -> Result<()> {
    let answer: String = conn.query_row(ANSWER_SQL, [run_id], |r| r.get(0))?;
    set_answer(conn, run_id, &answer)
}

/// Puts `answer` into the search index as the run's answer.
fn set_answer(conn: &Connection, run_id: &str, answer: &str) -> Result<()> {
    conn.execute(
        "UPDATE run_text SET answer = ?2 WHERE rowid = (SELECT id FROM runs WHERE run_id = ?1)",
        params![run_id, answer],
    )?;
    Ok(())
}

impl History {
    /// Indexes the partial answers of runs that never finished (interrupted by a crash), so that
    /// search finds them. Runs at open; cheap (only unfinished runs).
    pub(crate) fn index_unfinished_runs(&self) -> Result<()> {
        let mut statement = self.conn.prepare("SELECT run_id FROM runs WHERE reason IS NULL")?;
        let ids: Vec<String> =
            statement.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        for run_id in ids.iter().filter(|id| !is_recording(&self.path, id)) {
            index_answer(&self.conn, run_id)?;
        }
        Ok(())
    }
}
