//! A session that writes each run's history inline (`Session::with_inline_history_writes`, the
//! CLI's), on a current-thread runtime as the CLI's: once the recorder exists, every event a
//! subscriber receives is saved already (the relay publishes what it has written); new
//! conversations and continued ones are recorded whole; a history that fails stops the run and
//! says why.

#[path = "../../agent/tests/support/runs.rs"]
mod runs;

use std::sync::Arc;
use std::time::Duration;

use runs::tokens;
use telltale_agent::providers::{OfflinePace, OfflineProvider};
use telltale_agent::{Agent, AgentConfig, ToolRegistry};
use telltale_history::{History, RunStatus};
use telltale_protocol::{ErrorCode, Event, EventKind, FinishReason, Message};
use telltale_session::{AgentSlot, RunRequest, RunSummary, Session, Store};

fn session(pace: OfflinePace, store: Store) -> Session {
    let config = AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() };
    let agent = Agent::new(Arc::new(OfflineProvider::new(pace)), ToolRegistry::builtin(), config);
    let slot = AgentSlot::new(Arc::new(agent), "offline demo".into());
    Session::new(slot, store, tokio::runtime::Handle::current()).with_inline_history_writes()
}

fn paced() -> OfflinePace {
    OfflinePace { think: Duration::ZERO, word: Duration::from_millis(2) }
}

/// Runs `request` to its end; checks that each event was saved when it was received (true of
/// a run whose recorder exists from its start: a new conversation's first events come before
/// the history is open, and a front end waits for `saved`).
async fn run_saving_first(session: &Session, request: RunRequest) -> (Vec<Event>, RunSummary) {
    let mut started = session.start_run(request).unwrap();
    let mut events = Vec::new();
    while let Some(event) = started.events.recv().await {
        let saved_through = *started.saved.borrow();
        // A recorded run's `run_finished` is published once its recording is finished.
        assert!(saved_through > event.seq, "{event:?} received before it was saved");
        events.push(event);
    }
    (events, started.finished.await.unwrap())
}

/// Runs `request` to its end, waiting as the CLI does for each event to be saved.
async fn run_waiting_for_saved(session: &Session, request: RunRequest) -> (Vec<Event>, RunSummary) {
    let mut started = session.start_run(request).unwrap();
    let mut events = Vec::new();
    while let Some(event) = started.events.recv().await {
        let saved = started.saved.wait_for(|&through| through > event.seq);
        tokio::time::timeout(Duration::from_secs(30), saved).await.unwrap().unwrap();
        events.push(event);
    }
    (events, started.finished.await.unwrap())
}

fn completed() -> RunSummary {
    RunSummary { reason: FinishReason::Completed, history_error: None }
}

#[tokio::test]
async fn a_new_conversation_is_saved_whole_its_first_events_once_the_history_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let opener = path.clone();
    let store = Store::lazy(move || History::open(opener));
    store.open_in_background();
    let session = session(paced(), store);
    let request = RunRequest {
        new_conversation: true,
        ..RunRequest::in_conversation("fresh".into(), "r1".into(), "What is 2+2?".into())
    };
    let (events, summary) = run_waiting_for_saved(&session, request).await;
    assert_eq!(summary, completed());
    assert!(tokens(&events).starts_with("2+2 = 4"), "{events:?}");
    let detail = History::open(&path).unwrap().get("fresh").unwrap();
    assert_eq!(detail.runs[0].events, events, "every event, the early ones too, was recorded");
    assert_eq!(detail.runs[0].status, RunStatus::Completed);
}

#[tokio::test]
async fn a_continued_conversation_is_saved_before_anyone_sees_an_event_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::on_disk(History::open(dir.path().join("h.sqlite3")).unwrap());
    let session = session(paced(), store.clone());
    let ask = |run: &str, prompt: &str| {
        RunRequest::in_conversation("c1".into(), run.into(), prompt.into())
    };
    let (first, summary) = run_saving_first(&session, ask("r1", "What is 2+2?")).await;
    assert_eq!(summary, completed());
    let (second, summary) = run_saving_first(&session, ask("r2", "and 3+3?")).await;
    assert_eq!(summary, completed());

    let detail = store.lock().unwrap().get("c1").unwrap();
    assert_eq!([&detail.runs[0].events, &detail.runs[1].events], [&first, &second]);
    let messages = store.lock().unwrap().messages("c1").unwrap();
    assert_eq!(messages[0], Message::user("What is 2+2?"));
    assert!(messages.contains(&Message::user("and 3+3?")), "the second run continued it");
    assert!(matches!(messages.last(), Some(Message::Assistant { .. })));
}

#[tokio::test]
async fn a_history_that_fails_mid_run_stops_the_run_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::on_disk(History::open(dir.path().join("h.sqlite3")).unwrap());
    store
        .lock()
        .unwrap()
        .connection()
        .execute_batch(
            "CREATE TRIGGER injected_failure BEFORE INSERT ON events \
             WHEN NEW.seq = 4 BEGIN SELECT RAISE(ABORT, 'injected: database or disk is full'); END;",
        )
        .unwrap();
    let session = session(paced(), store.clone());
    let request = RunRequest::in_conversation("c1".into(), "r1".into(), "Tell me a story".into());
    let mut started = session.start_run(request).unwrap();
    let mut events = Vec::new();
    while let Some(event) = started.events.recv().await {
        events.push(event);
    }
    let summary = started.finished.await.unwrap();

    assert_eq!(summary.reason, FinishReason::Error);
    assert!(summary.history_error.is_some_and(|e| e.contains("disk is full")));
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (0..events.len() as u64).collect::<Vec<_>>(), "no gap, nothing twice");
    assert!(
        events.iter().any(|e| matches!(&e.kind,
            EventKind::Error { code: ErrorCode::HistoryUnavailable, message, .. }
                if message.contains("could not save this conversation"))),
        "{events:?}"
    );
    assert!(matches!(
        events.last().map(|e| &e.kind),
        Some(EventKind::RunFinished { reason: FinishReason::Error, .. })
    ));
    let kept: Vec<i64> = {
        let db = store.lock().unwrap();
        let mut statement = db
            .connection()
            .prepare("SELECT seq FROM events JOIN runs ON runs.id = events.run WHERE runs.run_id = 'r1' ORDER BY seq")
            .unwrap();
        statement.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    assert_eq!(kept, [0, 1, 2, 3], "everything before the failure, nothing after");
}
