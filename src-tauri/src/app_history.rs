//! The app's conversation history: the SQLite database opened at startup (or why it could not
//! be, in which case conversations live in memory only), and the recording of each run as its
//! events stream to the window.

use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use telltale_history::{title_from_prompt, History, Recorder};
use telltale_protocol::Message;
use telltale_protocol::{Event, EventKind};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// The history database, shared by the commands (one connection behind a mutex; each recorder
/// has its own connection and writer thread).
#[derive(Clone)]
pub struct AppHistory {
    db: Option<Arc<Mutex<History>>>,
    /// Why the history is off (the database could not be opened).
    off_reason: Option<String>,
}

/// What the window shows about the history: whether it is on, and if not, why.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryStatus {
    pub enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl AppHistory {
    /// Opens the database in the data folder (`TELLTALE_DATA_DIR` overrides it). A failure does
    /// not keep the app from starting: it works in memory, and the window says why.
    pub fn open_default() -> Self {
        match History::open_default() {
            Ok(history) => {
                tracing::info!(path = %history.path().display(), "history opened");
                AppHistory { db: Some(Arc::new(Mutex::new(history))), off_reason: None }
            }
            Err(error) => {
                tracing::warn!(%error, "history is off; conversations are kept in memory only");
                AppHistory::off(error.to_string())
            }
        }
    }

    pub fn off(reason: String) -> Self {
        AppHistory { db: None, off_reason: Some(reason) }
    }

    #[cfg(test)]
    pub fn from_history(history: History) -> Self {
        AppHistory { db: Some(Arc::new(Mutex::new(history))), off_reason: None }
    }

    pub fn status(&self) -> HistoryStatus {
        HistoryStatus {
            enabled: self.db.is_some(),
            reason: self.off_reason.clone(),
            path: self.lock().map(|h| h.path().display().to_string()),
        }
    }

    /// The database, locked; `None` when the history is off.
    pub fn lock(&self) -> Option<MutexGuard<'_, History>> {
        self.db.as_ref().map(|db| db.lock().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn off_reason(&self) -> String {
        self.off_reason.clone().unwrap_or_else(|| "the history is off".into())
    }

    /// Before a run (blocking; call from `spawn_blocking`): makes sure the conversation exists,
    /// reads its messages as the run's history, and starts recording the run. `None` when the
    /// history is off or fails, and the caller uses what it keeps in memory.
    pub fn prepare_run(
        &self,
        conversation_id: &str,
        run_id: &str,
        prompt: &str,
    ) -> Option<(Vec<Message>, Recorder)> {
        let history = self.lock()?;
        let prepared = (|| -> telltale_history::Result<(Vec<Message>, Recorder)> {
            history.ensure_conversation(conversation_id, &title_from_prompt(prompt))?;
            let messages = history.messages(conversation_id)?;
            let recorder = history.start_run(conversation_id, run_id, prompt)?;
            Ok((messages, recorder))
        })();
        match prepared {
            Ok(prepared) => Some(prepared),
            Err(error) => {
                tracing::warn!(%error, run_id, "cannot record this run; it is kept in memory only");
                None
            }
        }
    }
}

/// Puts a recorder between the agent's channel and the window's forwarder: every event is
/// queued for the database (never blocking) and passed on. Returns the sender for the agent and
/// a task that ends, handing back the recorder, once `run_finished` went by or the agent's
/// channel closed.
pub fn relay(
    recorder: Option<Recorder>,
    to_window: UnboundedSender<Event>,
) -> (UnboundedSender<Event>, tauri::async_runtime::JoinHandle<Option<Recorder>>) {
    let (tx, rx) = unbounded_channel();
    let task = tauri::async_runtime::spawn(relay_events(rx, recorder, to_window));
    (tx, task)
}

async fn relay_events(
    mut rx: UnboundedReceiver<Event>,
    recorder: Option<Recorder>,
    to_window: UnboundedSender<Event>,
) -> Option<Recorder> {
    while let Some(event) = rx.recv().await {
        if let Some(recorder) = &recorder {
            recorder.record(&event);
        }
        let last = matches!(event.kind, EventKind::RunFinished { .. });
        let _ = to_window.send(event);
        if last {
            break;
        }
    }
    recorder
}

/// After a run (blocking; call from `spawn_blocking`): stores the run's new messages and waits
/// for everything to be written.
pub fn finish_recording(recorder: Recorder, new_messages: &[Message]) {
    let run_id = recorder.run_id().to_owned();
    if let Err(error) = recorder.finish(new_messages) {
        tracing::warn!(%error, run_id, "recording the run failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use telltale_history::RunStatus;
    use telltale_protocol::FinishReason;

    fn event(run_id: &str, seq: u64, kind: EventKind) -> Event {
        Event { run_id: run_id.into(), seq, t_ms: seq as f64, kind }
    }

    #[tokio::test]
    async fn a_run_is_recorded_as_it_streams_and_continues_from_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let history =
            AppHistory::from_history(History::open(dir.path().join("h.sqlite3")).unwrap());
        let (messages, recorder) = history.prepare_run("conv-1", "run-1", "What is 2+2?").unwrap();
        assert!(messages.is_empty());

        let (window_tx, mut window_rx) = unbounded_channel();
        let (agent_tx, task) = relay(Some(recorder), window_tx);
        agent_tx.send(event("run-1", 0, EventKind::Token { text: "4".into() })).unwrap();
        agent_tx
            .send(event(
                "run-1",
                1,
                EventKind::RunFinished {
                    reason: FinishReason::Completed,
                    usage: None,
                    ttft_ms: None,
                },
            ))
            .unwrap();
        let recorder = task.await.unwrap().unwrap();
        assert_eq!(window_rx.recv().await.unwrap().seq, 0, "events go on to the window");
        assert_eq!(window_rx.recv().await.unwrap().seq, 1);
        let new_messages = vec![
            Message::User { text: "What is 2+2?".into() },
            Message::Assistant { text: "4".into(), tool_calls: vec![] },
        ];
        finish_recording(recorder, &new_messages);

        let db = history.lock().unwrap();
        let detail = db.get("conv-1").unwrap();
        assert_eq!(detail.conversation.title, "What is 2+2?");
        assert_eq!(detail.runs[0].status, RunStatus::Completed);
        assert_eq!(detail.runs[0].answer(), "4");
        drop(db);
        let (messages, _recorder) = history.prepare_run("conv-1", "run-2", "and 3+3?").unwrap();
        assert_eq!(messages, new_messages, "the next run continues from the database");
    }

    #[test]
    fn an_unusable_data_folder_turns_the_history_off_with_the_reason() {
        let history = AppHistory::off("cannot create the data folder".into());
        let status = history.status();
        assert!(!status.enabled);
        assert_eq!(status.reason.as_deref(), Some("cannot create the data folder"));
        assert!(history.prepare_run("c", "r", "p").is_none());
    }
}
