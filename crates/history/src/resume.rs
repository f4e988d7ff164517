//! Continuing a run that was cut off (stopped, failed, interrupted by a crash or a lost
//! connection) in the same run: its events go on after its last `seq`, and its answer's message,
//! once the continuation has it whole, takes the place of the partial one.

use rusqlite::OptionalExtension;
use telltale_protocol::Message;

use crate::conversations::{parse_reason, RunStatus};
use crate::db::{connect, History};
use crate::error::{Error, Result};
use crate::recorder::{Recorder, RecorderConfig};
use crate::schema::events_of_run;

/// A run taken up again: what to send, where its events go on, and its recorder.
pub struct Resumed {
    pub conversation_id: String,
    /// The conversation up to and including the run, as stored: its partial answer last when
    /// it was cut off mid-answer.
    pub messages: Vec<Message>,
    /// The `seq` of the run's next event.
    pub next_seq: u64,
    /// When the run started (Unix epoch milliseconds), from which its events' `t_ms` count.
    pub started_at: i64,
    pub recorder: Recorder,
}

impl History {
    /// Takes up run `run_id` again, to continue it (see the module's documentation). A run
    /// that completed, or that is being recorded now, is refused with [`Error::NotCutOff`].
    pub fn resume_run(&self, run_id: &str, config: RecorderConfig) -> Result<Resumed> {
        let found: Option<(String, Option<String>, i64)> = self
            .conn
            .query_row(
                "SELECT conversation_id, reason, started_at FROM runs WHERE run_id = ?1",
                [run_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((conversation_id, reason, started_at)) = found else {
            return Err(Error::RunNotFound(run_id.to_owned()));
        };
        let not_cut_off = |why| Err(Error::NotCutOff { run_id: run_id.to_owned(), why });
        match RunStatus::from_reason(parse_reason(reason), &self.path, run_id) {
            RunStatus::Completed => return not_cut_off("completed: there is nothing to continue"),
            RunStatus::Running => return not_cut_off("is still running"),
            RunStatus::Cancelled | RunStatus::Error | RunStatus::Interrupted => {}
        }
        // Read before the recorder starts: a run being recorded gives no messages.
        let messages = self.branch_messages(&conversation_id, Some(run_id))?;
        let tx = self.conn.unchecked_transaction()?;
        let next_seq: i64 = tx.query_row(
            concat!("SELECT coalesce(max(seq) + 1, 0) FROM events WHERE ", events_of_run!()),
            [run_id],
            |r| r.get(0),
        )?;
        // Running again until its new run_finished; the partial answer's message (an assistant
        // message without tool calls, last) goes: the continuation stores the whole answer.
        tx.execute(
            "UPDATE runs SET reason = NULL, finished_at = NULL WHERE run_id = ?1",
            [run_id],
        )?;
        tx.execute(
            "DELETE FROM messages WHERE run_id = ?1 \
             AND idx = (SELECT max(idx) FROM messages WHERE run_id = ?1) \
             AND json_extract(json, '$.role') = 'assistant' \
             AND coalesce(json_array_length(json, '$.tool_calls'), 0) = 0",
            [run_id],
        )?;
        tx.commit()?;
        let recorder = Recorder::spawn(connect(&self.path)?, &self.path, run_id, config)?;
        Ok(Resumed { conversation_id, messages, next_seq: next_seq as u64, started_at, recorder })
    }
}
