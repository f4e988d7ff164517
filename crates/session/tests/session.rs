//! The session layer end to end with the offline provider: runs recorded as they stream,
//! conversations continued from the history, events fanned out to late subscribers, one run
//! per conversation, stopping.

use std::sync::Arc;
use std::time::Duration;

use telltale_agent::providers::{OfflinePace, OfflineProvider};
use telltale_agent::{Agent, AgentConfig, ToolRegistry};
use telltale_history::{History, RunStatus};
use telltale_protocol::{ErrorCode, Event, EventKind, FinishReason, Message};
use telltale_session::{AgentSlot, RunRequest, RunSummary, Session, SessionError, Store};
use tokio::sync::mpsc::UnboundedReceiver;

fn agent(pace: OfflinePace) -> AgentSlot {
    let config = AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() };
    let agent = Agent::new(Arc::new(OfflineProvider::new(pace)), ToolRegistry::builtin(), config);
    AgentSlot::new(Arc::new(agent), "offline demo".into())
}

fn slow() -> OfflinePace {
    OfflinePace { word: Duration::from_millis(20), ..OfflinePace::default() }
}

fn request(conversation: &str, run: &str, prompt: &str) -> RunRequest {
    RunRequest::in_conversation(conversation.into(), run.into(), prompt.into())
}

fn new_conversation(conversation: &str, run: &str, save: bool) -> RunRequest {
    RunRequest { new_conversation: true, save, ..request(conversation, run, "What is 2+2?") }
}

async fn collect(mut events: UnboundedReceiver<Event>) -> Vec<Event> {
    let mut all = Vec::new();
    while let Some(event) = events.recv().await {
        all.push(event);
    }
    all
}

fn finish_reason(events: &[Event]) -> Option<FinishReason> {
    events.iter().find_map(|event| match &event.kind {
        EventKind::RunFinished { reason, .. } => Some(*reason),
        _ => None,
    })
}

/// Waits until the session has forgotten every run (the recording is finished by then).
async fn idle(session: &Session) {
    for _ in 0..500 {
        if session.runs_in_progress().is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("runs still in progress: {:?}", session.runs_in_progress());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_is_recorded_and_the_next_run_continues_the_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::on_disk(History::open(dir.path().join("h.sqlite3")).unwrap());
    let session =
        Session::new(agent(OfflinePace::instant()), store, tokio::runtime::Handle::current());

    let events =
        collect(session.start_run(request("c1", "r1", "What is 2+2?")).unwrap().events).await;
    assert_eq!(finish_reason(&events), Some(FinishReason::Completed));
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (0..events.len() as u64).collect::<Vec<_>>(), "every event, in order");
    idle(&session).await;

    let detail = session.store().lock().unwrap().get("c1").unwrap();
    assert_eq!(detail.conversation.title, "What is 2+2?");
    assert_eq!(detail.runs[0].status, RunStatus::Completed);
    assert_eq!(detail.runs[0].events.len(), events.len(), "every event was recorded");
    let messages = session.store().lock().unwrap().messages("c1").unwrap();
    assert!(matches!(&messages[0], Message::User { text, .. } if text == "What is 2+2?"));
    assert!(matches!(messages.last(), Some(Message::Assistant { .. })));

    collect(session.start_run(request("c1", "r2", "and 3+3?")).unwrap().events).await;
    idle(&session).await;
    let messages_after = session.store().lock().unwrap().messages("c1").unwrap();
    assert_eq!(&messages_after[..messages.len()], &messages[..], "the second run continued it");
    assert!(messages_after.len() > messages.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_subscriber_gets_every_event_from_its_seq() {
    let store = Store::in_memory("saving is off".into()).unwrap();
    let session = Session::new(agent(slow()), store, tokio::runtime::Handle::current());
    let mut first = session.start_run(request("c1", "r1", "Tell me about Rust")).unwrap().events;
    let mut seen = Vec::new();
    while seen.len() < 4 {
        seen.push(first.recv().await.unwrap());
    }
    let mut late = session.subscribe("r1", 2).expect("the run is in progress");
    let read_late = async move {
        let mut all = Vec::new();
        while let Some(event) = late.recv().await {
            all.push(event);
        }
        all
    };
    let (rest, late) = tokio::join!(collect(first), read_late);
    seen.extend(rest);
    assert_eq!(finish_reason(&seen), Some(FinishReason::Completed));
    assert_eq!(late.first().map(|e| e.seq), Some(2), "the late one starts where it asked");
    assert_eq!(&late[..], &seen[2..], "and then sees exactly what the first one saw");
    idle(&session).await;
    assert!(session.subscribe("r1", 0).is_none(), "a finished run is in the history only");
    assert_eq!(
        session.store().lock().unwrap().list_conversations().unwrap().len(),
        1,
        "kept in memory"
    );
    assert!(!session.store().status().saved);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_run_at_a_time_per_conversation_and_stop_ends_it_cancelled() {
    let store = Store::in_memory("saving is off".into()).unwrap();
    let session = Session::new(agent(slow()), store, tokio::runtime::Handle::current());
    let events = session.start_run(request("c1", "r1", "Tell me a long story")).unwrap().events;

    let busy = session.start_run(request("c1", "r2", "and another")).unwrap_err();
    assert!(matches!(busy, SessionError::Busy(_)), "{busy:?}");
    let taken = session.start_run(request("c2", "r1", "hello")).unwrap_err();
    assert!(matches!(taken, SessionError::Busy(_)), "{taken:?}");
    let empty = session.start_run(request("c2", "r3", "  ")).unwrap_err();
    assert!(matches!(empty, SessionError::InvalidRequest(_)), "{empty:?}");
    let bad_id = session.start_run(request("c 2", "r3", "hello")).unwrap_err();
    assert!(matches!(bad_id, SessionError::InvalidRequest(_)), "{bad_id:?}");
    assert_eq!(session.runs_in_progress().len(), 1);

    assert!(session.stop_run("r1"));
    let events = collect(events).await;
    assert_eq!(finish_reason(&events), Some(FinishReason::Cancelled));
    idle(&session).await;
    assert!(!session.stop_run("r1"), "stopping a run that ended does nothing");
    let detail = session.store().lock().unwrap().get("c1").unwrap();
    assert_eq!(detail.runs[0].status, RunStatus::Cancelled);
    collect(session.start_run(request("c1", "r2", "and now?")).unwrap().events).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_that_fails_says_so_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let store = Store::on_disk(History::open(&path).unwrap());
    // The conversation's table is gone: the run cannot read its context.
    store
        .lock()
        .unwrap()
        .connection()
        .execute_batch("PRAGMA foreign_keys=OFF; DROP TABLE messages;")
        .unwrap();
    let session =
        Session::new(agent(OfflinePace::instant()), store, tokio::runtime::Handle::current());
    let events = collect(session.start_run(request("c1", "r1", "hello")).unwrap().events).await;
    assert_eq!(finish_reason(&events), Some(FinishReason::Error));
    assert!(
        events.iter().any(|e| matches!(&e.kind, EventKind::Error { code, message, .. }
            if *code == ErrorCode::HistoryUnavailable && message.contains("nothing was sent"))),
        "{events:?}"
    );
    assert!(!events.iter().any(|e| matches!(e.kind, EventKind::RunStarted { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_conversation_starts_at_once_and_is_recorded_beside_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let opener_path = path.clone();
    let store = Store::lazy(move || History::open(opener_path));
    let session =
        Session::new(agent(OfflinePace::instant()), store, tokio::runtime::Handle::current());
    let started = session.start_run(new_conversation("fresh", "r1", true)).unwrap();
    let events = collect(started.events).await;
    let summary = started.finished.await.unwrap();
    assert_eq!(summary, RunSummary { reason: FinishReason::Completed, history_error: None });
    let detail = History::open(&path).unwrap().get("fresh").unwrap();
    assert_eq!(detail.runs[0].events, events, "every event, the early ones too, was recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_conversation_that_cannot_be_saved_is_stopped_and_says_why() {
    let store = Store::lazy(|| History::open("/proc/telltale/cannot/be/here.sqlite3"));
    let session = Session::new(agent(slow()), store, tokio::runtime::Handle::current());
    let started = session.start_run(new_conversation("fresh", "r1", true)).unwrap();
    let events = collect(started.events).await;
    let summary = started.finished.await.unwrap();
    assert_eq!(finish_reason(&events), Some(FinishReason::Error));
    assert_eq!(summary.reason, FinishReason::Error);
    assert!(
        events.iter().any(|e| matches!(&e.kind, EventKind::Error { code, message, .. }
            if *code == ErrorCode::HistoryUnavailable && message.contains("here.sqlite3"))),
        "the run says why it stopped: {events:?}"
    );
    assert!(summary.history_error.is_some_and(|e| e.contains("here.sqlite3")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_saves_nothing_never_opens_the_history() {
    let opened = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = opened.clone();
    let store = Store::lazy(move || {
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
        History::open_in_memory()
    });
    let session =
        Session::new(agent(OfflinePace::instant()), store, tokio::runtime::Handle::current());
    let started = session.start_run(new_conversation("fresh", "r1", false)).unwrap();
    let events = collect(started.events).await;
    assert_eq!(finish_reason(&events), Some(FinishReason::Completed));
    assert_eq!(started.finished.await.unwrap().history_error, None);
    assert!(!opened.load(std::sync::atomic::Ordering::SeqCst));
}
