//! A finished run's answer goes into the search index after everything else of the run is
//! written, in a transaction of its own, so that the run's end is shown without waiting for it;
//! the history indexes what a crash left unindexed when it is next opened.

use std::thread::JoinHandle;

use rusqlite::{params, Connection};

use super::checkpoint::Checkpointer;
use super::is_recording;
use crate::db::History;
use crate::error::{Error, Result};
use crate::schema::ANSWER_SQL;

/// A finished run's answer being put into the search index, after everything of the run was
/// written. Wait for it before the process exits: an exit cuts it short (nothing is lost; the
/// history indexes the answer when it is next opened). Dropped, it waits too.
#[must_use = "dropping it waits for the index; wait off the async workers"]
pub struct Indexing {
    work: Option<Work>,
}

/// Who indexes the answer.
enum Work {
    /// The recorder's thread, once it has written the run.
    Writer(JoinHandle<()>),
    /// Whoever waits: the run was written inline; its log's checkpoints are finished after.
    Waiter(Box<(Option<PendingIndex>, Checkpointer)>),
}

impl Indexing {
    /// The indexing `writer` (the recorder's thread) does once it has written the run.
    pub(super) fn on_writer(writer: Option<JoinHandle<()>>) -> Indexing {
        Indexing { work: writer.map(Work::Writer) }
    }

    /// The indexing of a run written inline, done by whoever waits for it.
    pub(super) fn by_waiter(index: Option<PendingIndex>, checkpoints: Checkpointer) -> Indexing {
        Indexing { work: Some(Work::Waiter(Box::new((index, checkpoints)))) }
    }

    /// Blocks until the answer is in the search index (or indexing it failed, said in the log).
    pub fn wait(mut self) {
        self.join();
    }

    fn join(&mut self) {
        match self.work.take() {
            Some(Work::Writer(writer)) => {
                let panicked = writer.join().is_err();
                if panicked {
                    tracing::error!("the history's writer panicked while indexing an answer");
                }
            }
            Some(Work::Waiter(waiter)) => {
                let (index, checkpoints) = *waiter;
                after_writing(index, checkpoints);
            }
            None => {}
        }
    }
}

impl Drop for Indexing {
    fn drop(&mut self) {
        self.join();
    }
}

/// What is left once a run is written: its answer indexed (when its end was written), then the
/// log's checkpoint under way, if any, waited for.
pub(super) fn after_writing(index: Option<PendingIndex>, checkpoints: Checkpointer) {
    if let Some(index) = index {
        index.write();
    }
    checkpoints.finish();
}

/// A finished run's answer, to put into the search index once everything of the run is written
/// (and its front ends told): for a long answer that takes a while (a tenth of a second for
/// 50,000 distinct words), and the run's end should not wait for it.
pub(super) struct PendingIndex {
    pub(super) conn: Connection,
    pub(super) run_id: String,
    pub(super) answer: String,
}

impl PendingIndex {
    pub(super) fn write(mut self) {
        let tx = self.conn.transaction().map_err(Error::from);
        let indexed = tx.and_then(|tx| {
            set_answer(&tx, &self.run_id, &self.answer)?;
            Ok(tx.commit()?)
        });
        if let Err(error) = indexed {
            // Nothing is lost: the answer is indexed when the history is next opened.
            tracing::warn!(%error, run_id = self.run_id, "cannot index the run's answer yet");
        }
    }
}

/// Puts the run's answer (its token texts so far, read from the database) into the search index.
pub(crate) fn index_answer(conn: &Connection, run_id: &str) -> Result<()> {
    let answer: String = conn.query_row(ANSWER_SQL, [run_id], |r| r.get(0))?;
    set_answer(conn, run_id, &answer)
}

/// Puts `answer` into the search index as the run's answer, then marks it indexed (the mark
/// second: a crash in between leaves the run to be indexed again, which changes nothing).
pub(super) fn set_answer(conn: &Connection, run_id: &str, answer: &str) -> Result<()> {
    conn.execute(
        "UPDATE run_text SET answer = ?2 WHERE rowid = (SELECT id FROM runs WHERE run_id = ?1)",
        params![run_id, answer],
    )?;
    conn.execute("UPDATE runs SET answer_indexed = 1 WHERE run_id = ?1", [run_id])?;
    Ok(())
}

/// The runs whose answer is not in the search index (schema 8 keeps them in an index of their
/// own, so that looking for them reads only them).
const UNINDEXED_RUNS_SQL: &str = "SELECT run_id FROM runs WHERE answer_indexed = 0";

impl History {
    /// Indexes the answers of runs that a crash cut short (what they have) and of runs whose
    /// indexing after their end a crash cut short, so that search finds them. Runs at open, and
    /// writes only for those runs, once: an interrupted run is marked indexed like any other, so
    /// the next open neither writes nor waits for the log's first sync. (A run another process
    /// is recording now gets its partial answer indexed here; that recorder indexes the whole
    /// answer when the run ends.)
    pub(crate) fn index_unindexed_runs(&self) -> Result<()> {
        let mut statement = self.conn.prepare(UNINDEXED_RUNS_SQL)?;
        let ids: Vec<String> =
            statement.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        for run_id in ids.iter().filter(|id| !is_recording(&self.path, id)) {
            index_answer(&self.conn, run_id)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::UNINDEXED_RUNS_SQL;
    use crate::db::History;

    /// Every open looks for the runs left unindexed: through their own index, not by reading
    /// every run with its prompt (a long history would slow every start).
    #[test]
    fn the_open_finds_the_runs_left_unindexed_through_their_own_index() {
        let dir = tempfile::tempdir().unwrap();
        let history = History::open(dir.path().join("h.sqlite3")).unwrap();
        let plan: String = history
            .conn
            .query_row(&format!("EXPLAIN QUERY PLAN {UNINDEXED_RUNS_SQL}"), [], |r| r.get(3))
            .unwrap();
        assert!(plan.contains("USING COVERING INDEX runs_unindexed"), "{plan}");
    }
}
