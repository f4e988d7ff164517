//! Continuing a run that was cut off (by Stop, an error, a crash or a lost connection) in the
//! same run: the model is asked to go on from the exact partial answer, the new events follow
//! the run's last `seq`, and the answer's message is stored whole (see
//! `telltale_history::History::resume_run` and `telltale_agent::Agent::continue_with`).

use std::sync::Arc;

use telltale_agent::Emitter;
use telltale_history::Resumed;
use tokio::sync::mpsc::unbounded_channel;
use tokio::sync::oneshot;

use crate::error::SessionError;
use crate::recording::{finish_indexing, finish_recording, publish_end, recorder_config};
use crate::relay::{relay, RunOutput};
use crate::request::check_ids;
use crate::run_log::RunLog;
use crate::session::{controls_for, RunSummary, Session, StartedRun};

/// What a front end asks for: continue run `run_id` of the conversation.
#[derive(Debug, Clone)]
pub struct ContinueRequest {
    pub conversation_id: String,
    pub run_id: String,
    /// A budget the run reaches pauses it (see [`RunRequest::pause_at_budget`]).
    ///
    /// [`RunRequest::pause_at_budget`]: crate::RunRequest::pause_at_budget
    pub pause_at_budget: bool,
}

impl Session {
    /// Continues a run that was cut off; returns its new events (from the run's next `seq`
    /// on). Refused, with nothing started, when the run completed, is running, or is not a run
    /// of the conversation.
    pub async fn continue_run(&self, request: ContinueRequest) -> Result<StartedRun, SessionError> {
        let ContinueRequest { conversation_id, run_id, pause_at_budget } = request;
        check_ids(&conversation_id, &run_id)?;
        let controls = controls_for(pause_at_budget);
        let log = Arc::new(RunLog::new());
        self.runs.begin(&conversation_id, &run_id, controls.clone(), log.clone())?;
        let config = recorder_config(&controls, &log, self.commit_gap, self.inline_history_writes);
        let (c, r) = (conversation_id.clone(), run_id.clone());
        let resumed = self
            .store
            .call(move |db| {
                let resumed = db.resume_run(&r, config).map_err(|e| match e {
                    telltale_history::Error::NotCutOff { .. }
                    | telltale_history::Error::RunNotFound(_) => {
                        SessionError::NotFound(e.to_string())
                    }
                    e => SessionError::HistoryUnavailable(e.to_string()),
                })?;
                if resumed.conversation_id != c {
                    return Err(SessionError::NotFound(format!(
                        "run {r} is not a run of conversation {c}"
                    )));
                }
                Ok(resumed)
            })
            .await;
        let resumed = match resumed {
            Ok(resumed) => resumed,
            Err(error) => {
                self.runs.end(&run_id);
                return Err(error);
            }
        };
        let (events, saved) = (log.subscribe(0), log.saved());
        let (done, finished) = oneshot::channel();
        let agent = self.image_refusals.guard(self.agent.get());
        let session = self.clone();
        self.runtime.spawn(async move {
            let Resumed { messages, next_seq, started_at, recorder, .. } = resumed;
            let (tx, events) = unbounded_channel();
            let (messages_tx, messages_rx) = unbounded_channel();
            let mut output = RunOutput { events, messages: messages_rx };
            let emitter = Emitter::resume(run_id.clone(), tx, next_seq, started_at.max(0) as u64);
            let run = agent.continue_with(emitter, &messages, controls, Some(messages_tx));
            let relay = relay(&mut output, Some(&recorder), &log);
            let (outcome, ending) = tokio::join!(run, relay);
            let (history_error, indexing) = finish_recording(Some(recorder), &run_id).await;
            let reason =
                publish_end(&log, ending, history_error.as_deref()).unwrap_or(outcome.reason);
            session.runs.end(&run_id);
            log.close();
            finish_indexing(indexing).await;
            let _ = done.send(RunSummary { reason, history_error });
        });
        Ok(StartedRun { events, saved, finished })
    }
}
