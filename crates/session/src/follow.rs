//! A run's events from a `seq` on, wherever they are: read live from the run's log while it is
//! in progress (what was kept, then the rest as it comes), else from the history, where an
//! ended run's events all are. A front end that comes back (a window reloaded mid-run, an HTTP
//! client that reconnects) asks for the events after the last one it holds and carries on,
//! with no gap and nothing twice.

use telltale_history::Error as HistoryError;
use telltale_protocol::Event;

use crate::error::SessionError;
use crate::run_log::RunReader;
use crate::session::Session;

/// Where a run's events come from.
pub enum RunEvents {
    /// In progress: read them as they come; the reader ends when the run has ended.
    Live(RunReader),
    /// Ended: every one of them from the `seq` asked for, as recorded.
    Ended(Vec<Event>),
}

impl Session {
    /// The events of `run_id` from `from_seq` on. An unknown run is `NotFound`.
    pub async fn events_from(
        &self,
        run_id: &str,
        from_seq: u64,
    ) -> Result<RunEvents, SessionError> {
        if let Some(reader) = self.subscribe(run_id, from_seq) {
            return Ok(RunEvents::Live(reader));
        }
        // Not in progress: it has ended, and its recording was finished before it left the runs.
        let run_id = run_id.to_owned();
        let events = self
            .store()
            .call(move |db| {
                let (conversation_id, _) = db.run_place(&run_id).map_err(history_error)?;
                let detail = db.get(&conversation_id).map_err(history_error)?;
                let run = detail.runs.into_iter().find(|run| run.run_id == run_id);
                let events = run.map(|run| run.events).unwrap_or_default();
                Ok::<_, SessionError>(
                    events.into_iter().filter(|event| event.seq >= from_seq).collect(),
                )
            })
            .await?;
        Ok(RunEvents::Ended(events))
    }
}

fn history_error(error: HistoryError) -> SessionError {
    match error {
        HistoryError::RunNotFound(_) | HistoryError::NotFound(_) => {
            SessionError::NotFound(error.to_string())
        }
        other => SessionError::HistoryUnavailable(other.to_string()),
    }
}
