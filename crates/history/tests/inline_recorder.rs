//! A recorder that writes inline (`RecorderConfig::inline`, the CLI's): events are queued by
//! `record` and written on the caller's thread, in one transaction, by `flush`; its end, a drop
//! mid-run and a failed write behave as the writer thread's do.

mod support;

use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

use support::*;
use telltale_history::{is_recording, History, Recorder, RecorderConfig, RunStatus};
use telltale_protocol::{EventKind, FinishReason, Message};

const ONE_SHORT_RETRY: &[Duration] = &[Duration::from_millis(5)];

/// An inline config whose commits (the saved-through `seq` and the thread that committed) and
/// failures arrive on the returned receivers.
fn inline_config() -> (RecorderConfig, Receiver<(u64, ThreadId)>, Receiver<String>) {
    let (commit_tx, commits) = channel();
    let (failure_tx, failures) = channel();
    let failure_tx = Mutex::new(failure_tx);
    let config = RecorderConfig {
        inline: true,
        retry_delays: ONE_SHORT_RETRY,
        on_commit: Some(Arc::new(move |through: u64| {
            let _ = commit_tx.send((through, std::thread::current().id()));
        })),
        on_failure: Some(Arc::new(move |error: &telltale_history::Error| {
            let _ = failure_tx.lock().unwrap().send(error.to_string());
        })),
        ..RecorderConfig::default()
    };
    (config, commits, failures)
}

fn saved_events(history: &History, run_id: &str) -> i64 {
    history
        .connection()
        .query_row(
            "SELECT count(*) FROM events JOIN runs ON runs.id = events.run WHERE runs.run_id = ?1",
            [run_id],
            |r| r.get(0),
        )
        .unwrap()
}

fn words(n: usize) -> Vec<EventKind> {
    (0..n).map(|i| token(&format!("w{i} "))).collect()
}

/// A new history with conversation `c` and an inline recorder of its run `r1`.
fn recording(
    dir: &tempfile::TempDir,
) -> (History, String, Recorder, Receiver<(u64, ThreadId)>, Receiver<String>) {
    let history = open(dir);
    let c = history.create_conversation("c").unwrap();
    let (config, commits, failures) = inline_config();
    let recorder = history.start_run_with(&c.id, "r1", "p", config).unwrap();
    (history, c.id, recorder, commits, failures)
}

#[test]
fn an_inline_recorder_writes_what_it_queued_at_each_flush_on_the_callers_thread() {
    let dir = tempfile::tempdir().unwrap();
    let (history, id, recorder, commits, _) = recording(&dir);
    let mut kinds = words(4);
    kinds.push(finished(FinishReason::Completed));
    let events = events("r1", T0, kinds);

    events[..3].iter().for_each(|event| recorder.record(event));
    assert_eq!(saved_events(&history, "r1"), 0, "queued, not written");
    assert!(commits.try_recv().is_err());
    recorder.flush();
    assert_eq!(saved_events(&history, "r1"), 3);
    assert_eq!(commits.try_recv().unwrap(), (3, std::thread::current().id()), "committed here");
    recorder.flush();
    assert!(commits.try_recv().is_err(), "nothing queued, nothing written");

    events[3..].iter().for_each(|event| recorder.record(event));
    recorder.record_message(&Message::user("p"));
    let stats = recorder.finish().unwrap();
    assert_eq!((stats.events, stats.transactions, stats.max_events_per_transaction), (6, 2, 3));
    assert_eq!(commits.try_iter().map(|(through, _)| through).collect::<Vec<_>>(), [6]);
    let run = &history.get(&id).unwrap().runs[0];
    assert_eq!((run.status, run.answer()), (RunStatus::Completed, "w0 w1 w2 w3 ".to_owned()));
    assert_eq!(history.search("w3", 5).unwrap()[0].conversation_id, id, "indexed");
    assert!(!is_recording(history.path(), "r1"));
}

#[test]
fn an_inline_recorder_dropped_mid_run_writes_what_it_queued_and_the_run_reads_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let (history, id, recorder, _, _) = recording(&dir);
    let events = events("r1", T0, vec![token("a partial "), token("zebra")]);
    recorder.record(&events[0]);
    recorder.flush();
    events[1..].iter().for_each(|event| recorder.record(event));
    assert!(is_recording(history.path(), "r1"));
    drop(recorder);

    assert_eq!(saved_events(&history, "r1"), 3, "the queued token is written at the drop");
    let run = &history.get(&id).unwrap().runs[0];
    assert_eq!((run.status, run.answer()), (RunStatus::Interrupted, "a partial zebra".to_owned()));
    assert_eq!(history.search("zebra", 5).unwrap()[0].conversation_id, id, "partial, indexed");
    assert!(!is_recording(history.path(), "r1"));
}

#[test]
fn an_inline_write_that_fails_is_reported_at_its_flush_and_written_later_without_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    let (history, id, recorder, commits, failures) = recording(&dir);
    history
        .connection()
        .execute_batch(
            "CREATE TRIGGER injected_failure BEFORE INSERT ON events WHEN NEW.seq = 3 \
             BEGIN SELECT RAISE(ABORT, 'injected: database or disk is full'); END;",
        )
        .unwrap();
    let mut kinds = words(5);
    kinds.push(finished(FinishReason::Completed));
    let events = events("r1", T0, kinds);

    events[..2].iter().for_each(|event| recorder.record(event));
    recorder.flush();
    events[2..5].iter().for_each(|event| recorder.record(event));
    recorder.flush();
    let failure = failures.try_recv().expect("reported before flush returns");
    assert!(failure.contains("injected: database or disk is full"), "{failure}");
    assert_eq!(saved_events(&history, "r1"), 2, "the failed write rolled back whole");
    assert_eq!(commits.try_iter().map(|(through, _)| through).collect::<Vec<_>>(), [2]);

    // The disk has room again: what failed goes first into the next write.
    history.connection().execute_batch("DROP TRIGGER injected_failure").unwrap();
    events[5..].iter().for_each(|event| recorder.record(event));
    let stats = recorder.finish().expect("everything written in the end");
    assert_eq!(stats.failed_writes, 2, "one attempt and one retry");
    assert!(failures.try_recv().is_err(), "reported once");
    assert_eq!(saved_events(&history, "r1"), 7);
    let run = &history.get(&id).unwrap().runs[0];
    assert_eq!((run.status, run.answer()), (RunStatus::Completed, "w0 w1 w2 w3 w4 ".to_owned()));
}
