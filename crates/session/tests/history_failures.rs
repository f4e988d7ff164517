//! A history that fails under a run (a real SQLite failure: a trigger that raises, as a full
//! disk would): the run is told, with a typed `history_unavailable` error, rather than going on
//! unsaved; the database keeps a gapless prefix; and the next run in the conversation, once the
//! history works again, continues it with its context.

#[path = "../../agent/tests/support/runs.rs"]
mod runs;
#[path = "support/sessions.rs"]
mod sessions;

use std::sync::Arc;
use std::time::Duration;

use runs::tokens;
use sessions::session_over;
use telltale_agent::providers::{OfflinePace, OfflineProvider};
use telltale_history::{History, RunStatus};
use telltale_protocol::{ErrorCode, Event, EventKind, FinishReason, Message};
use telltale_session::{RunRequest, RunSummary, Session, Store};

fn session(pace: OfflinePace, store: Store) -> Session {
    session_over(Arc::new(OfflineProvider::new(pace)), "offline demo", store)
}

async fn run(session: &Session, run_id: &str, prompt: &str) -> (Vec<Event>, RunSummary) {
    let request = RunRequest::in_conversation("c1".into(), run_id.into(), prompt.into());
    let mut started = session.start_run(request).unwrap();
    let mut events = Vec::new();
    while let Some(event) = started.events.recv().await {
        events.push(event);
    }
    (events, started.finished.await.unwrap())
}

/// A trigger that makes every insert of a `kind` event fail, as a full disk would.
fn failing_on(kind: &str) -> String {
    format!(
        "CREATE TRIGGER injected_failure BEFORE INSERT ON events \
         WHEN json_extract(NEW.json, '$.type') = '{kind}' \
         BEGIN SELECT RAISE(ABORT, 'injected: database or disk is full'); END;"
    )
}

/// The run's own events end with a `history_unavailable` error and `run_finished` (error), and
/// every `seq` is there once, in order.
fn assert_ends_with_history_error(events: &[Event]) {
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (0..events.len() as u64).collect::<Vec<_>>(), "no gap, nothing twice");
    let [.., error, last] = events else { panic!("too few events: {events:?}") };
    assert!(
        matches!(&error.kind, EventKind::Error { code: ErrorCode::HistoryUnavailable, message, retryable: true }
            if message.contains("could not save this conversation") && message.contains("disk is full")),
        "{error:?}"
    );
    assert!(matches!(last.kind, EventKind::RunFinished { reason: FinishReason::Error, .. }));
}

fn stored_seqs(store: &Store, run_id: &str) -> Vec<i64> {
    let db = store.lock().unwrap();
    let mut statement =
        db.connection().prepare("SELECT seq FROM events JOIN runs ON runs.id = events.run WHERE runs.run_id = ?1 ORDER BY seq").unwrap();
    statement.query_map([run_id], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_that_fails_mid_run_stops_the_run_and_says_why() {
    let prompt = "Tell me something you cannot do";
    let whole = tokens(
        &run(&session(OfflinePace::instant(), Store::in_memory("t".into()).unwrap()), "r0", prompt)
            .await
            .0,
    );

    let dir = tempfile::tempdir().unwrap();
    let store = Store::on_disk(History::open(dir.path().join("h.sqlite3")).unwrap());
    store.lock().unwrap().connection().execute_batch(&failing_on("token")).unwrap();
    let pace = OfflinePace { think: Duration::ZERO, word: Duration::from_millis(40) };
    let session = session(pace, store.clone());
    let (events, summary) = run(&session, "r1", prompt).await;

    assert_ends_with_history_error(&events);
    let streamed = tokens(&events);
    assert!(
        !streamed.is_empty() && streamed.len() < whole.len(),
        "stopped mid-answer: {streamed:?}"
    );
    assert_eq!(summary.reason, FinishReason::Error);
    assert!(summary.history_error.is_some_and(|e| e.contains("disk is full")));
    let kept = stored_seqs(&store, "r1");
    assert!(kept.iter().copied().eq(0..kept.len() as i64), "a gapless prefix: {kept:?}");

    // The disk has room again: the conversation goes on, and the next run is saved.
    store.lock().unwrap().connection().execute_batch("DROP TRIGGER injected_failure").unwrap();
    let (events, summary) = run(&session, "r2", "What is 2+2?").await;
    assert_eq!(summary, RunSummary { reason: FinishReason::Completed, history_error: None });
    assert!(events.iter().any(|e| matches!(e.kind, EventKind::RunStarted { .. })));
    let messages = store.lock().unwrap().messages("c1").unwrap();
    assert!(messages.contains(&Message::user("What is 2+2?")), "{messages:?}");
    assert!(
        matches!(messages.last(), Some(Message::Assistant { text, .. }) if text.starts_with("2+2 = 4"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_that_fails_with_the_last_events_turns_the_end_into_its_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::on_disk(History::open(dir.path().join("h.sqlite3")).unwrap());
    store.lock().unwrap().connection().execute_batch(&failing_on("run_finished")).unwrap();
    let session = session(OfflinePace::instant(), store.clone());
    let (events, summary) = run(&session, "r1", "What is 2+2?").await;

    assert_ends_with_history_error(&events);
    assert!(tokens(&events).starts_with("2+2 = 4."), "the answer streamed whole");
    assert_eq!(summary.reason, FinishReason::Error);
    assert!(summary.history_error.is_some());
    let detail = store.lock().unwrap().get("c1").unwrap();
    assert_eq!(detail.runs[0].status, RunStatus::Interrupted, "its end never reached the disk");
    let kept = stored_seqs(&store, "r1");
    // What came before the end may have been written in the end's batch (lost with it) or in an
    // earlier one (kept): either way, never the end itself and never a gap.
    assert!(
        kept.len() <= events.len() - 2 && kept.iter().copied().eq(0..kept.len() as i64),
        "a gapless prefix without the end: {kept:?}"
    );
}
