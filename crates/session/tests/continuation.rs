//! Continuing a run through the session: the same run goes on after its last `seq`, one run per
//! conversation still, and a run that completed, runs, or belongs elsewhere is refused with
//! nothing started. (What the provider is asked is checked against local servers in
//! crates/cli/tests/cli_continue.rs.)

use std::sync::Arc;
use std::time::Duration;

use telltale_agent::providers::{OfflinePace, OfflineProvider};
use telltale_agent::{Agent, AgentConfig, ToolRegistry};
use telltale_history::{History, RunStatus};
use telltale_protocol::{Event, EventKind, FinishReason};
use telltale_session::{AgentSlot, ContinueRequest, RunRequest, Session, SessionError, Store};
use tokio::sync::mpsc::UnboundedReceiver;

fn session(store: Store) -> Session {
    let pace = OfflinePace { word: Duration::from_millis(20), ..OfflinePace::default() };
    let config = AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() };
    let agent = Agent::new(Arc::new(OfflineProvider::new(pace)), ToolRegistry::builtin(), config);
    Session::new(
        AgentSlot::new(Arc::new(agent), "offline".into()),
        store,
        tokio::runtime::Handle::current(),
    )
}

async fn until_token(events: &mut UnboundedReceiver<Event>) -> Vec<Event> {
    let mut seen = Vec::new();
    while let Some(event) = events.recv().await {
        let token = matches!(event.kind, EventKind::Token { .. });
        seen.push(event);
        if token {
            break;
        }
    }
    seen
}

async fn rest(mut events: UnboundedReceiver<Event>) -> Vec<Event> {
    let mut seen = Vec::new();
    while let Some(event) = events.recv().await {
        seen.push(event);
    }
    seen
}

fn continuing(conversation: &str, run: &str) -> ContinueRequest {
    ContinueRequest {
        conversation_id: conversation.into(),
        run_id: run.into(),
        pause_at_budget: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_run_goes_on_in_the_same_run_and_the_others_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::on_disk(History::open(dir.path().join("h.sqlite3")).unwrap());
    let session = session(store.clone());
    let request = RunRequest::in_conversation("c".into(), "r".into(), "Tell me a story".into());
    let mut started = session.start_run(request).unwrap();
    let mut first = until_token(&mut started.events).await;

    // Running: continuing it is refused (one run at a time per conversation).
    let busy = session.continue_run(continuing("c", "r")).await.unwrap_err();
    assert!(matches!(busy, SessionError::Busy(_)), "{busy:?}");
    assert!(session.stop_run("r"));
    first.extend(rest(started.events).await);
    started.finished.await.unwrap();
    assert_eq!(store.lock().unwrap().get("c").unwrap().runs[0].status, RunStatus::Cancelled);

    let elsewhere = session.continue_run(continuing("other", "r")).await.unwrap_err();
    assert!(matches!(elsewhere, SessionError::NotFound(_)), "{elsewhere:?}");
    let missing = session.continue_run(continuing("c", "nope")).await.unwrap_err();
    assert!(matches!(missing, SessionError::NotFound(_)), "{missing:?}");
    assert!(session.runs_in_progress().is_empty(), "a refused continuation leaves nothing behind");

    let again = session.continue_run(continuing("c", "r")).await.unwrap();
    let more = rest(again.events).await;
    assert_eq!(again.finished.await.unwrap().reason, FinishReason::Completed);
    assert_eq!(more[0].seq, first.len() as u64, "the run's events go on");
    assert!(more.iter().all(|e| e.run_id == "r"));
    assert!(!more.iter().any(|e| matches!(e.kind, EventKind::RunStarted { .. })));
    let run = store.lock().unwrap().get("c").unwrap().runs.remove(0);
    assert_eq!(run.status, RunStatus::Completed);
    assert_eq!(run.events.len(), first.len() + more.len());
    assert!(run.events.windows(2).all(|w| w[1].seq == w[0].seq + 1 && w[1].t_ms >= w[0].t_ms));

    let done = session.continue_run(continuing("c", "r")).await.unwrap_err();
    assert!(done.to_string().contains("nothing to continue"), "{done}");
}
