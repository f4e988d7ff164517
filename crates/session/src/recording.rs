//! A run's history: reading the conversation and starting the recorder before the run, the
//! recorder told to stop the run when the history cannot be written (after its retries), and the
//! run's end published only once the history has it, or replaced with the history's error.

use std::sync::Arc;
use std::time::Duration;

use telltale_agent::{ProviderError, RunControls};
use telltale_history::{title_from_prompt, History, Indexing, Parent, Recorder, RecorderConfig};
use telltale_protocol::{ErrorCode, Event, EventKind, FinishReason, Message};

use crate::error::SessionError;
use crate::relay::Ending;
use crate::run_log::RunLog;
use crate::store::Store;

/// The error a run ends with when its history cannot be written.
pub(crate) fn history_failure(reason: &str) -> ProviderError {
    ProviderError::new(
        ErrorCode::HistoryUnavailable,
        format!(
            "Telltale could not save this conversation, so the run was stopped; what it said may \
             be missing from the history. Free some disk space or check the data folder, then \
             try again. ({reason})"
        ),
        true,
    )
}

/// How a run's recorder writes: when a write still fails after its retries, the run is stopped
/// with [`history_failure`] (the user sees why, and nothing goes on unsaved). Each committed write
/// moves `log`'s [`RunLog::saved`] on; `commit_gap` and `inline` are the session's (see
/// [`Session::with_history_commit_gap`](crate::Session::with_history_commit_gap) and
/// [`Session::with_inline_history_writes`](crate::Session::with_inline_history_writes)).
pub(crate) fn recorder_config(
    controls: &RunControls,
    log: &Arc<RunLog>,
    commit_gap: Duration,
    inline: bool,
) -> RecorderConfig {
    let (controls, failed_log) = (controls.clone(), log.clone());
    RecorderConfig {
        on_failure: Some(Arc::new(move |error: &telltale_history::Error| {
            // What comes next is not saved: nobody waits for it to be.
            failed_log.stop_waiting();
            controls.fail(history_failure(&error.to_string()));
        })),
        on_commit: Some(log.commit_hook()),
        commit_gap,
        inline,
        ..RecorderConfig::default()
    }
}

/// Makes a new conversation and starts recording its first run (blocking).
pub(crate) fn start_recording(
    store: &Store,
    conversation_id: &str,
    run_id: &str,
    prompt: &str,
    config: RecorderConfig,
) -> Result<Recorder, SessionError> {
    let unavailable = |e: telltale_history::Error| SessionError::HistoryUnavailable(e.to_string());
    let db = store.lock()?;
    db.ensure_conversation(conversation_id, &title_from_prompt(prompt)).map_err(unavailable)?;
    db.start_run_with(conversation_id, run_id, prompt, config).map_err(unavailable)
}

/// Why a run could not be prepared (a `SessionError` would lose the history's detail).
pub(crate) struct Prepare(pub String);

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

/// Reads the messages of the branch the run continues (`parent`) as the run's history and, when
/// saving, makes sure the conversation exists and starts recording the run (blocking).
pub(crate) fn prepare(
    db: &History,
    conversation_id: &str,
    run_id: &str,
    prompt: &str,
    parent: &Parent,
    save: bool,
    config: RecorderConfig,
) -> telltale_history::Result<(Vec<Message>, Option<Recorder>)> {
    if !save {
        return Ok((db.messages_before(conversation_id, parent)?, None));
    }
    db.ensure_conversation(conversation_id, &title_from_prompt(prompt))?;
    let messages = db.messages_before(conversation_id, parent)?;
    let recorder = db.start_branch(conversation_id, run_id, prompt, parent, config)?;
    Ok((messages, Some(recorder)))
}

/// Waits for everything to be written (off the async workers); returns why it was not, and the
/// answer's indexing, which goes on meanwhile (wait for it with [`finish_indexing`] once the
/// run's end is published).
pub(crate) async fn finish_recording(
    recorder: Option<Recorder>,
    run_id: &str,
) -> (Option<String>, Option<Indexing>) {
    let Some(recorder) = recorder else { return (None, None) };
    let (error, indexing) =
        match tokio::task::spawn_blocking(move || recorder.finish_writing()).await {
            Ok((Ok(_), indexing)) => return (None, Some(indexing)),
            Ok((Err(error), indexing)) => (error.to_string(), Some(indexing)),
            Err(error) => (format!("the recording task failed: {error}"), None),
        };
    tracing::warn!(%error, run_id, "recording the run failed");
    (Some(error), indexing)
}

/// Waits (off the async workers) until the run's answer is in the search index: a front end
/// that exits when the run returns then leaves nothing for the next start to index.
pub(crate) async fn finish_indexing(indexing: Option<Indexing>) {
    if let Some(indexing) = indexing {
        let _ = tokio::task::spawn_blocking(move || indexing.wait()).await;
    }
}

/// Publishes the run's kept-back `run_finished`. When the history failed and the run did not
/// say so itself (the failure came with its last events), the run ends with the history's
/// `error` and `run_finished` with reason `error` instead; returns that reason then.
pub(crate) fn publish_end(
    log: &RunLog,
    ending: Ending,
    history_error: Option<&str>,
) -> Option<FinishReason> {
    let finished = ending.held?;
    let (Some(reason), false) = (history_error, ending.told) else {
        log.publish(finished);
        return None;
    };
    let EventKind::RunFinished { usage, ttft_ms, cost_usd, .. } = finished.kind else {
        log.publish(finished);
        return None;
    };
    let failure = history_failure(reason);
    let event = |seq: u64, kind: EventKind| Event {
        run_id: finished.run_id.clone(),
        seq,
        t_ms: finished.t_ms,
        kind,
    };
    log.publish(event(
        finished.seq,
        EventKind::Error {
            code: failure.code,
            message: failure.message,
            retryable: failure.retryable,
        },
    ));
    log.publish(event(
        finished.seq + 1,
        EventKind::RunFinished { reason: FinishReason::Error, usage, ttft_ms, cost_usd },
    ));
    Some(FinishReason::Error)
}
