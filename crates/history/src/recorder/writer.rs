//! The recorder's writing, on its writer thread or on the caller's (inline): appends whatever
//! events have arrived in one small transaction, applies what each changes in its run's row,
//! leaves the log's checkpoints to a thread of their own (checkpoint.rs), and hands back the
//! run's answer to index once its end is written (indexing.rs); a run that ended without its
//! `run_finished` has its partial answer indexed here.

use std::path::Path;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use rusqlite::{params, Connection, OptionalExtension};

use super::batch::{Effect, Msg, Row};
use super::checkpoint::Checkpointer;
use super::indexing::{set_answer, PendingIndex};
use super::{RecorderConfig, RecorderStats};
use crate::error::{Error, Result};
use crate::schema::ANSWER_SQL;

/// A run's writing: its connection, what it has written, and what a failed write left to
/// write next. Driven by the writer thread ([`write_loop`]), or by the recorder's caller when
/// it writes inline ([`RecorderConfig::inline`]).
pub(super) struct Writer {
    conn: Connection,
    run_id: String,
    /// The run's integer id (`runs.id`), its events' key.
    run_key: i64,
    config: RecorderConfig,
    checkpoints: Checkpointer,
    stats: RecorderStats,
    /// A failure was reported (once per run).
    reported: bool,
    /// The run's `run_finished` is written: its answer is indexed once everything else is.
    ended: bool,
    /// The answer so far, as committed: what ANSWER_SQL reads back (a continued run has one).
    answer: String,
    /// Where the run's next message goes (a run starts with none).
    next_message: i64,
    /// What a failed write held, written first next time (never dropped: no gap in `seq`).
    pending: Vec<Msg>,
    last_error: Option<Error>,
}

/// What is left once a run's writing is done: how it went, its answer to index (when its end
/// was written), and its checkpoints to finish.
pub(super) struct Done {
    pub(super) result: Result<RecorderStats>,
    pub(super) index: Option<PendingIndex>,
    pub(super) checkpoints: Checkpointer,
}

impl Writer {
    /// Ready to write run `run_id` on `conn` (the database at `path`): reads back its answer so
    /// far and where its next message goes.
    pub(super) fn new(
        conn: Connection,
        path: &Path,
        run_id: &str,
        config: RecorderConfig,
    ) -> Result<Writer> {
        let run_key = conn
            .query_row("SELECT id FROM runs WHERE run_id = ?1", [run_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::RunNotFound(run_id.to_owned()))?;
        let answer = conn.query_row(ANSWER_SQL, [run_id], |r| r.get::<_, String>(0))?;
        let next_message = first_free_index(&conn, run_id)?;
        let checkpoints = Checkpointer::attach(&conn, path);
        Ok(Writer {
            conn,
            run_id: run_id.to_owned(),
            run_key,
            config,
            checkpoints,
            stats: RecorderStats::default(),
            reported: false,
            ended: false,
            answer,
            next_message,
            pending: Vec::new(),
            last_error: None,
        })
    }

    /// Says that the run cannot be written (the first time only, to the config's hook).
    pub(super) fn report(
        config: &RecorderConfig,
        reported: &mut bool,
        run_id: &str,
        error: &Error,
    ) {
        tracing::error!(%error, run_id, "cannot write the run to the history");
        if !std::mem::replace(reported, true) {
            if let Some(hook) = &config.on_failure {
                hook(error);
            }
        }
    }

    /// Whether a failed write left something to write.
    pub(super) fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Writes what a failed write left, then `batch`, in one transaction (retrying as the
    /// config says); tells the config's hook how far the run is saved. Returns whether it
    /// committed.
    pub(super) fn write(&mut self, batch: impl IntoIterator<Item = Msg>) -> bool {
        let mut batch_all = std::mem::take(&mut self.pending);
        batch_all.extend(batch);
        let written = write_retrying(
            &mut self.conn,
            RunKeys { id: &self.run_id, key: self.run_key },
            &batch_all,
            &mut self.answer,
            self.next_message,
            &self.config,
            &mut self.stats,
        );
        match written {
            Ok(written) => {
                self.next_message += written.messages;
                self.last_error = None;
                if let (Some(hook), Some(seq)) = (&self.config.on_commit, last_seq(&batch_all)) {
                    hook(seq + 1);
                }
                self.ended |= written.ended_run;
                self.checkpoints.committed(&self.conn);
                true
            }
            Err(error) => {
                Writer::report(&self.config, &mut self.reported, &self.run_id, &error);
                self.last_error = Some(error);
                self.pending = batch_all;
                false
            }
        }
    }

    /// Ends the writing: a run that ended without its `run_finished` (the recorder was
    /// dropped) has its partial answer indexed now.
    pub(super) fn finish(self) -> Done {
        let Writer { conn, run_id, stats, ended, answer, mut last_error, checkpoints, .. } = self;
        let finished_run: rusqlite::Result<bool> = conn.query_row(
            "SELECT reason IS NOT NULL FROM runs WHERE run_id = ?1",
            [&run_id],
            |r| r.get(0),
        );
        if let Ok(false) = finished_run {
            if let Err(error) = set_answer(&conn, &run_id, &answer) {
                last_error.get_or_insert(error);
            }
        }
        let result = match last_error {
            Some(error) => Err(error),
            None => Ok(stats),
        };
        let index = ended.then(|| PendingIndex { conn, run_id, answer });
        Done { result, index, checkpoints }
    }
}

/// The writer thread: writes whatever has arrived in one transaction, sleeping out the
/// config's gap after each commit, until the recorder says the run is over.
pub(super) fn write_loop(mut writer: Writer, rx: Receiver<Msg>) -> Done {
    let gap = writer.config.commit_gap;
    let mut finished = false;
    // When the last write committed, while a gap follows each commit.
    let mut committed_at: Option<Instant> = None;
    while !finished {
        // Asleep rather than waiting on the channel: what the session sends meanwhile wakes
        // nobody, and is all written in the next commit.
        if let Some(at) = committed_at {
            std::thread::sleep(gap.saturating_sub(at.elapsed()));
        }
        let Ok(first) = rx.recv() else { break };
        let mut batch = vec![first];
        batch.extend(rx.try_iter());
        finished = batch.iter().any(|m| matches!(m, Msg::Finish));
        if writer.write(batch) && !gap.is_zero() {
            committed_at = Some(Instant::now());
        }
    }
    writer.finish()
}

/// The `seq` of the last event in `batch`, if it holds any (events come in `seq` order).
fn last_seq(batch: &[Msg]) -> Option<u64> {
    batch.iter().rev().find_map(|msg| match msg {
        Msg::Row(row) => u64::try_from(row.seq).ok(),
        Msg::Rows(rows) => rows.last().and_then(|row| u64::try_from(row.seq).ok()),
        Msg::Message(_) | Msg::Finish => None,
    })
}

/// Writes `batch` (see [`write_batch`]), trying again after each of the configured delays while
/// it fails. Returns what it wrote, or the last failure.
fn write_retrying(
    conn: &mut Connection,
    run: RunKeys<'_>,
    batch: &[Msg],
    answer: &mut String,
    next_message: i64,
    config: &RecorderConfig,
    stats: &mut RecorderStats,
) -> Result<Written> {
    let mut delays = config.retry_delays.iter();
    loop {
        let started = Instant::now();
        let committed = answer.len();
        match write_batch(conn, run, batch, answer, next_message) {
            Ok(written) => {
                let took = started.elapsed();
                let events = written.events;
                stats.events += events;
                stats.transactions += 1;
                stats.max_events_per_transaction = stats.max_events_per_transaction.max(events);
                stats.total_write += took;
                stats.max_write = stats.max_write.max(took);
                return Ok(written);
            }
            Err(error) => {
                // Rolled back: its tokens are not in the database, so not in the answer either.
                answer.truncate(committed);
                stats.failed_writes += 1;
                match delays.next() {
                    Some(delay) => {
                        tracing::warn!(%error, run_id = run.id, ?delay, "a history write failed; trying again");
                        std::thread::sleep(*delay);
                    }
                    None => return Err(error),
                }
            }
        }
    }
}

/// The run being written: its id, and its integer id (`runs.id`), which keys its events.
#[derive(Clone, Copy)]
struct RunKeys<'a> {
    id: &'a str,
    key: i64,
}

/// What one transaction wrote.
#[derive(Default)]
struct Written {
    events: usize,
    messages: i64,
    /// It held the run's `run_finished`.
    ended_run: bool,
}

/// The index the run's next message gets.
fn first_free_index(conn: &Connection, run_id: &str) -> Result<i64> {
    let next = conn.query_row(
        "SELECT coalesce(max(idx) + 1, 0) FROM messages WHERE run_id = ?1",
        [run_id],
        |r| r.get(0),
    )?;
    Ok(next)
}

/// Writes `batch` in one transaction, its messages from index `next_message` on, appending its
/// token texts to `answer` (the caller takes them off again when this fails). Returns what it
/// wrote.
fn write_batch(
    conn: &mut Connection,
    RunKeys { id: run_id, key: run_key }: RunKeys<'_>,
    batch: &[Msg],
    answer: &mut String,
    next_message: i64,
) -> Result<Written> {
    let tx = conn.transaction()?;
    let mut written = Written::default();
    {
        // Prepared once per transaction, not looked up again for every event of a burst.
        let mut insert_event =
            tx.prepare_cached("INSERT INTO events (run, seq, json) VALUES (?1, ?2, ?3)")?;
        let mut write_row = |row: &Row, written: &mut Written| -> Result<()> {
            written.events += 1;
            insert_event.execute(params![run_key, row.seq, row.json])?;
            written.ended_run |= apply_effect(&tx, run_id, &row.effect, answer)?;
            Ok(())
        };
        for msg in batch {
            match msg {
                Msg::Row(row) => write_row(row, &mut written)?,
                Msg::Rows(rows) => {
                    for row in rows {
                        write_row(row, &mut written)?;
                    }
                }
                Msg::Message(stored) => {
                    stored.store_files(&tx, run_id)?;
                    let mut insert = tx.prepare_cached(
                        "INSERT INTO messages (run_id, idx, json) VALUES (?1, ?2, ?3)",
                    )?;
                    insert.execute(params![
                        run_id,
                        next_message + written.messages,
                        stored.json
                    ])?;
                    written.messages += 1;
                }
                Msg::Finish => {}
            }
        }
    }
    tx.commit()?;
    Ok(written)
}

/// What `run_started` and `run_finished` change in the run's row. Returns whether the run
/// ended (`run_finished`).
fn apply_effect(
    tx: &rusqlite::Transaction<'_>,
    run_id: &str,
    effect: &Effect,
    answer: &mut String,
) -> Result<bool> {
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
            return Ok(true);
        }
    }
    Ok(false)
}
