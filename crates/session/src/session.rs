//! A session: the configured agent, the history, and the runs in progress. Every front end (the
//! window, the CLI, an HTTP server) starts and stops runs here and watches their events.
//!
//! Starting a run in a conversation loads that conversation's messages, records every event as
//! it streams, stores the new messages at the end, and hands the events to any number of
//! subscribers.

use std::sync::Arc;

use telltale_agent::{Agent, Emitter};
use telltale_history::{title_from_prompt, History, Recorder};
use telltale_protocol::{ErrorCode, Event, EventKind, FinishReason, Message};
use tokio::runtime::Handle;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use tokio_util::sync::CancellationToken;

use crate::agent_slot::AgentSlot;
use crate::error::SessionError;
use crate::run_log::RunLog;
use crate::runs::{RunInProgress, Runs};
use crate::store::Store;

/// What a front end asks for: run `prompt` in a conversation (made if it does not exist yet).
/// The front end picks the ids, so it can show the run before any event arrives.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub conversation_id: String,
    pub run_id: String,
    pub prompt: String,
}

#[derive(Clone)]
pub struct Session {
    agent: AgentSlot,
    store: Store,
    runs: Runs,
    runtime: Handle,
}

impl Session {
    /// A session whose runs are driven on `runtime`.
    pub fn new(agent: AgentSlot, store: Store, runtime: Handle) -> Session {
        Session { agent, store, runs: Runs::default(), runtime }
    }

    /// The agent new runs use (settings swap it; runs in progress keep theirs).
    pub fn agent(&self) -> &AgentSlot {
        &self.agent
    }

    /// The history the runs are recorded in.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Starts a run and returns its events from the first one on (see [`subscribe`]).
    ///
    /// [`subscribe`]: Self::subscribe
    pub fn start_run(&self, request: RunRequest) -> Result<UnboundedReceiver<Event>, SessionError> {
        validate(&request)?;
        let cancel = CancellationToken::new();
        let log = Arc::new(RunLog::new());
        self.runs.begin(&request.conversation_id, &request.run_id, cancel.clone(), log.clone())?;
        let events = log.subscribe(0);
        let agent = self.agent.get();
        let session = self.clone();
        self.runtime.spawn(async move { session.drive(agent, request, cancel, log).await });
        Ok(events)
    }

    /// A run's events from `from_seq` on, for a front end that joins late; `None` when the run
    /// is not in progress (its events are then in the history).
    pub fn subscribe(&self, run_id: &str, from_seq: u64) -> Option<UnboundedReceiver<Event>> {
        self.runs.log(run_id).map(|log| log.subscribe(from_seq))
    }

    /// Stops a run; what streamed so far stays. False when no such run is in progress.
    pub fn stop_run(&self, run_id: &str) -> bool {
        self.runs.stop(run_id)
    }

    pub fn runs_in_progress(&self) -> Vec<RunInProgress> {
        self.runs.list()
    }

    async fn drive(
        self,
        agent: Arc<Agent>,
        request: RunRequest,
        cancel: CancellationToken,
        log: Arc<RunLog>,
    ) {
        let RunRequest { conversation_id, run_id, prompt } = request;
        let (c, r, p) = (conversation_id.clone(), run_id.clone(), prompt.clone());
        let prepared =
            self.store.call(move |db| prepare(db, &c, &r, &p).map_err(Prepare::from)).await;
        let (tx, mut rx) = unbounded_channel();
        match prepared {
            Ok((messages, recorder)) => {
                let run = agent.run(&run_id, &messages, &prompt, tx, cancel);
                let relay = async {
                    while let Some(event) = rx.recv().await {
                        recorder.record(&event);
                        log.publish(event);
                    }
                };
                let (outcome, ()) = tokio::join!(run, relay);
                let finished =
                    tokio::task::spawn_blocking(move || recorder.finish(&outcome.new_messages));
                match finished.await {
                    Ok(Ok(_)) => {}
                    Ok(Err(error)) => tracing::warn!(%error, run_id, "recording the run failed"),
                    Err(error) => tracing::warn!(%error, run_id, "the recording task failed"),
                }
            }
            Err(Prepare(error)) => {
                // Never run without the conversation's context: say why nothing was sent.
                tracing::warn!(%error, run_id, "cannot prepare the run");
                let emitter = Emitter::new(run_id.clone(), tx);
                emitter.emit(EventKind::Error {
                    code: ErrorCode::Internal,
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
                });
                drop(emitter);
                while let Some(event) = rx.recv().await {
                    log.publish(event);
                }
            }
        }
        self.runs.end(&run_id);
        log.close();
    }
}

/// Why a run could not be prepared (a `SessionError` would lose the history's detail).
struct Prepare(String);

impl From<SessionError> for Prepare {
    fn from(error: SessionError) -> Self {
        Prepare(error.to_string())
    }
}

impl From<telltale_history::Error> for Prepare {
    fn from(error: telltale_history::Error) -> Self {
        Prepare(error.to_string())
    }
}

/// Makes sure the conversation exists, reads its messages as the run's history, and starts
/// recording the run (blocking).
fn prepare(
    db: &History,
    conversation_id: &str,
    run_id: &str,
    prompt: &str,
) -> telltale_history::Result<(Vec<Message>, Recorder)> {
    db.ensure_conversation(conversation_id, &title_from_prompt(prompt))?;
    let messages = db.messages(conversation_id)?;
    let recorder = db.start_run(conversation_id, run_id, prompt)?;
    Ok((messages, recorder))
}

fn validate(request: &RunRequest) -> Result<(), SessionError> {
    let valid_id = |id: &str| {
        !id.is_empty()
            && id.len() <= 128
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if !valid_id(&request.conversation_id) || !valid_id(&request.run_id) {
        return Err(SessionError::InvalidRequest(
            "conversation and run ids must be 1–128 letters, digits, - or _".into(),
        ));
    }
    if request.prompt.trim().is_empty() {
        return Err(SessionError::InvalidRequest("type a message first".into()));
    }
    Ok(())
}
