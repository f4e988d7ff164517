//! A session: the configured agent, the history, and the runs in progress. Every front end (the
//! window, the CLI, an HTTP server) starts and stops runs here and watches their events.
//!
//! Starting a run in a conversation loads that conversation's messages, records every event as
//! it streams and every new message as it completes (so a crash loses no completed message),
//! and hands the events to any number of subscribers.

use std::sync::Arc;
use std::time::Duration;

use telltale_agent::{Agent, BudgetDecision, Decision, Emitter, RunControls};
use telltale_history::Indexing;
use telltale_protocol::{ErrorCode, Event, EventKind, FinishReason};
use tokio::runtime::Handle;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use tokio::sync::{oneshot, watch};
use tokio_util::sync::CancellationToken;

use crate::agent_slot::AgentSlot;
use crate::error::SessionError;
use crate::image_refusals::ImageRefusals;
use crate::recording::{
    finish_indexing, finish_recording, prepare, publish_end, recorder_config, start_recording,
    Prepare,
};
use crate::relay::{relay, relay_into_new, RunOutput};
use crate::request::{validate, RunRequest};
use crate::run_log::{RunLog, RunReader};
use crate::runs::{RunInProgress, Runs};
use crate::store::Store;

/// A run just started: its events, and how it ended once it has.
#[derive(Debug)]
pub struct StartedRun {
    /// Every event from the first on; ends when the run has ended.
    pub events: UnboundedReceiver<Event>,
    /// How many of them the history has: every event whose `seq` is below the value, or
    /// [`NOTHING_TO_WAIT_FOR`](crate::NOTHING_TO_WAIT_FOR) once nothing more will be saved.
    pub saved: watch::Receiver<u64>,
    /// Sent once the run has ended and its recording is finished.
    pub finished: oneshot::Receiver<RunSummary>,
}

/// How a run ended, for a front end that reports it (the CLI's exit code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub reason: FinishReason,
    /// Why the run could not be saved (it was stopped then), when it could not.
    pub history_error: Option<String>,
}

/// The history commit gap for a front end that shows a run's events before they are saved (the
/// window, `telltale serve`): see [`Session::with_history_commit_gap`]. At 1,000–5,000 tokens a
/// second it takes the recording from a commit per token to one per gap (about 4× less CPU for
/// the history at 1,000 tokens a second); a crash loses at most this much of the stream.
pub const LIVE_VIEW_COMMIT_GAP: Duration = Duration::from_millis(4);

#[derive(Clone)]
pub struct Session {
    pub(crate) agent: AgentSlot,
    pub(crate) store: Store,
    pub(crate) runs: Runs,
    pub(crate) runtime: Handle,
    /// The models that refused images: every run's agent goes through it.
    pub(crate) image_refusals: ImageRefusals,
    /// The least time between two of a run's history commits (see
    /// [`with_history_commit_gap`](Self::with_history_commit_gap)).
    pub(crate) commit_gap: Duration,
    /// Each run's history is written by the task that relays its events (see
    /// [`with_inline_history_writes`](Self::with_inline_history_writes)).
    pub(crate) inline_history_writes: bool,
}

impl Session {
    /// A session whose runs are driven on `runtime`.
    pub fn new(agent: AgentSlot, store: Store, runtime: Handle) -> Session {
        Session {
            agent,
            store,
            runs: Runs::default(),
            runtime,
            image_refusals: ImageRefusals::default(),
            commit_gap: Duration::ZERO,
            inline_history_writes: false,
        }
    }

    /// Lets each run's history commit at most once per `gap`: what streams within a gap of the
    /// last commit is written together when it is over, while an event after a quiet spell is
    /// written at once. For a front end that shows events before they are saved (the window): a
    /// fast stream then costs a few hundred commits a second instead of one per token, CPU left
    /// to drawing, and a crash loses at most the last `gap` of it. The default, zero, commits
    /// as soon as there is something to write: what a front end that shows an event only once
    /// it is saved (the CLI) wants, since it would wait for the gap.
    pub fn with_history_commit_gap(mut self, gap: Duration) -> Session {
        self.commit_gap = gap;
        self
    }

    /// Writes each run's history on the task that relays the run's events, as soon as nothing
    /// more is waiting to be relayed, instead of on a writer thread: for a front end that shows
    /// an event only once it is saved and does nothing else meanwhile (the CLI, on a
    /// current-thread runtime). An event then reaches the front end without being handed to a
    /// thread and back (two thread wake-ups per token, the tail of its latency on a busy
    /// machine). The relaying task blocks for each write: a commit (an append to the log, no
    /// sync), longer when a write fails and is tried again (half a second at most). A burst is
    /// still written in one commit: everything that waits is relayed before the write.
    pub fn with_inline_history_writes(mut self) -> Session {
        self.inline_history_writes = true;
        self
    }

    /// The agent new runs use (settings swap it; runs in progress keep theirs).
    pub fn agent(&self) -> &AgentSlot {
        &self.agent
    }

    /// The runtime the runs are driven on: a front end runs what forwards their events there
    /// too, so an event is not handed between threads on its way.
    pub fn runtime(&self) -> &Handle {
        &self.runtime
    }

    /// The history the runs are recorded in.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Starts a run and returns its events from the first one on (see [`subscribe`]).
    ///
    /// [`subscribe`]: Self::subscribe
    pub fn start_run(&self, request: RunRequest) -> Result<StartedRun, SessionError> {
        validate(&request)?;
        let controls = controls_for(request.pause_at_budget);
        let log = Arc::new(RunLog::new());
        self.runs.begin(
            &request.conversation_id,
            &request.run_id,
            controls.clone(),
            log.clone(),
        )?;
        let (events, saved) = (log.subscribe(0), log.saved());
        let (done, finished) = oneshot::channel();
        let agent = request.agent.clone().unwrap_or_else(|| self.agent.get());
        let agent = self.image_refusals.guard(agent);
        let session = self.clone();
        self.runtime.spawn(async move {
            let (id, summary, indexing) = session.drive(agent, request, controls, &log).await;
            session.runs.end(&id);
            log.close();
            finish_indexing(indexing).await;
            let _ = done.send(summary);
        });
        Ok(StartedRun { events, saved, finished })
    }

    /// A run's events from `from_seq` on, for a front end that joins late; `None` when the run
    /// is not in progress (its events are then in the history). The reader reads the run's
    /// kept events when it is ready: one that falls behind costs no memory of its own.
    pub fn subscribe(&self, run_id: &str, from_seq: u64) -> Option<RunReader> {
        self.runs.log(run_id).map(|log| log.reader(from_seq))
    }

    /// The tool calls of `run_id` that wait for the user's approval, as their
    /// `approval_required` events (any asked already first), until the run ends; `None` when the
    /// run is not in progress. Only those events: the listener is not woken by every token.
    pub fn approval_requests(&self, run_id: &str) -> Option<UnboundedReceiver<Event>> {
        self.runs.log(run_id).map(|log| {
            log.subscribe_where(0, |event| matches!(event.kind, EventKind::ApprovalRequired { .. }))
        })
    }

    /// Stops a run; what streamed so far stays. False when no such run is in progress.
    pub fn stop_run(&self, run_id: &str) -> bool {
        self.runs.stop(run_id)
    }

    pub fn runs_in_progress(&self) -> Vec<RunInProgress> {
        self.runs.list()
    }

    /// Answers a tool call of `run_id` that waits for the user's approval; returns the tool's
    /// name (for a front end that saves "always allow").
    pub fn resolve_approval(
        &self,
        run_id: &str,
        call_id: &str,
        decision: Decision,
    ) -> Result<String, SessionError> {
        let controls = self.runs.controls(run_id)?;
        controls
            .resolve_approval(call_id, decision)
            .map_err(|e| SessionError::NotFound(e.to_string()))
    }

    /// Answers `run_id`, paused at a budget it reached: go on past that budget, or stop.
    pub fn resolve_budget(
        &self,
        run_id: &str,
        decision: BudgetDecision,
    ) -> Result<(), SessionError> {
        let controls = self.runs.controls(run_id)?;
        controls.resolve_budget(decision).map_err(|e| SessionError::NotFound(e.to_string()))
    }

    /// Cancels one running tool call of `run_id`; the run goes on with the other results.
    pub fn cancel_tool_call(&self, run_id: &str, call_id: &str) -> Result<(), SessionError> {
        let controls = self.runs.controls(run_id)?;
        controls.cancel_call(call_id).map_err(|e| SessionError::NotFound(e.to_string()))
    }

    /// Runs the request to its end; returns the run id, how it went, and the indexing of its
    /// answer, still going on.
    async fn drive(
        &self,
        agent: Arc<Agent>,
        request: RunRequest,
        controls: RunControls,
        log: &Arc<RunLog>,
    ) -> (String, RunSummary, Option<Indexing>) {
        let prompt_message = request.prompt_message();
        let RunRequest {
            conversation_id,
            run_id,
            prompt,
            new_conversation,
            save,
            parent,
            context,
            ..
        } = request;
        let (tx, events) = unbounded_channel();
        let (messages_tx, messages) = unbounded_channel();
        let mut output = RunOutput { events, messages };
        let config = recorder_config(&controls, log, self.commit_gap, self.inline_history_writes);
        if !save {
            log.stop_waiting();
        }
        if new_conversation {
            let setup = save.then(|| {
                let (store, c, r, p) =
                    (self.store.clone(), conversation_id.clone(), run_id.clone(), prompt.clone());
                tokio::task::spawn_blocking(move || start_recording(&store, &c, &r, &p, config))
            });
            // Recorded before the prompt, in order, as the first run's messages.
            for message in &context {
                let _ = messages_tx.send(message.clone());
            }
            let run = agent.run_prompt(
                &run_id,
                &context,
                prompt_message,
                tx,
                controls.clone(),
                Some(messages_tx),
            );
            let relay = relay_into_new(&mut output, setup, log, &controls);
            let (outcome, (recorder, setup_error, ending)) = tokio::join!(run, relay);
            let (recording_error, indexing) = finish_recording(recorder, &run_id).await;
            let history_error = setup_error.or(recording_error);
            let reason =
                publish_end(log, ending, history_error.as_deref()).unwrap_or(outcome.reason);
            return (run_id, RunSummary { reason, history_error }, indexing);
        }
        let (c, r, p) = (conversation_id.clone(), run_id.clone(), prompt.clone());
        let prepared = self
            .store
            .call(move |db| prepare(db, &c, &r, &p, &parent, save, config).map_err(Prepare::from))
            .await;
        match prepared {
            Ok((history, recorder)) => {
                let run = agent.run_prompt(
                    &run_id,
                    &history,
                    prompt_message,
                    tx,
                    controls,
                    Some(messages_tx),
                );
                let relay = relay(&mut output, recorder.as_ref(), log);
                let (outcome, ending) = tokio::join!(run, relay);
                let (history_error, indexing) = finish_recording(recorder, &run_id).await;
                let reason =
                    publish_end(log, ending, history_error.as_deref()).unwrap_or(outcome.reason);
                (run_id, RunSummary { reason, history_error }, indexing)
            }
            Err(Prepare(error)) => {
                // Never run without the conversation's context: say why nothing was sent.
                tracing::warn!(%error, run_id, "cannot prepare the run");
                let emitter = Emitter::new(run_id.clone(), tx);
                emitter.emit(EventKind::Error {
                    code: ErrorCode::HistoryUnavailable,
                    message: format!(
                        "cannot read this conversation from the history, so nothing was sent: \
                         {error}"
                    ),
                    retryable: true,
                });
                emitter.emit(EventKind::RunFinished {
                    reason: FinishReason::Error,
                    usage: None,
                    ttft_ms: None,
                    cost_usd: None,
                });
                drop((emitter, messages_tx));
                relay(&mut output, None, log).await;
                let summary =
                    RunSummary { reason: FinishReason::Error, history_error: Some(error) };
                (run_id, summary, None)
            }
        }
    }
}

/// A new run's controls: pausing at a budget it reaches, or failing there.
pub(crate) fn controls_for(pause_at_budget: bool) -> RunControls {
    let controls = RunControls::new(CancellationToken::new());
    match pause_at_budget {
        true => controls.pausing_at_budget(),
        false => controls,
    }
}
