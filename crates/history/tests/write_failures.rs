//! A history write that fails (a real SQLite failure: a trigger that raises, as a full disk
//! would) is tried again, then reported once, and never leaves a gap in a run's events: what it
//! held goes first into the next write, so the run's export still imports.

mod support;

use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::{events, finished, open, token};
use telltale_history::{Format, History, Recorder, RecorderConfig};
use telltale_protocol::{Event, FinishReason, Message};

const FAIL_FROM_SEQ_3: &str = "CREATE TRIGGER injected_failure BEFORE INSERT ON events \
     WHEN NEW.seq = 3 BEGIN SELECT RAISE(ABORT, 'injected: database or disk is full'); END;";

const SHORT_RETRIES: &[Duration] = &[Duration::from_millis(5), Duration::from_millis(10)];

/// A recorder config with short retries whose failures arrive on the returned receiver.
fn reporting() -> (RecorderConfig, Receiver<String>) {
    let (tx, rx) = channel();
    let tx = Mutex::new(tx);
    let config = RecorderConfig {
        retry_delays: SHORT_RETRIES,
        on_failure: Some(Arc::new(move |error: &telltale_history::Error| {
            let _ = tx.lock().unwrap().send(error.to_string());
        })),
        ..RecorderConfig::default()
    };
    (config, rx)
}

/// A history whose disk "fills" at the event with seq 3, and a run being recorded there: six
/// tokens then `run_finished`, none of them recorded yet.
struct DiskFillsAtSeq3 {
    _dir: tempfile::TempDir,
    history: History,
    conversation_id: String,
    recorder: Recorder,
    failures: Receiver<String>,
    run: Vec<Event>,
}

fn disk_fills_at_seq_3() -> DiskFillsAtSeq3 {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let conversation = history.create_conversation("disk full").unwrap();
    history.connection().execute_batch(FAIL_FROM_SEQ_3).unwrap();
    let (config, failures) = reporting();
    let recorder = history.start_run_with(&conversation.id, "r1", "hello", config).unwrap();
    let mut kinds: Vec<_> = (0..6).map(|n| token(&format!("word{n} "))).collect();
    kinds.push(finished(FinishReason::Completed));
    let run = events("r1", 0, kinds);
    DiskFillsAtSeq3 {
        _dir: dir,
        history,
        conversation_id: conversation.id,
        recorder,
        failures,
        run,
    }
}

/// Exports the conversation and imports it back; the imported copy's id.
fn reimported(history: &History, conversation_id: &str) -> String {
    let exported = history.export(conversation_id, Format::Json).unwrap();
    history.import_json(&exported).expect("the export imports").id
}

fn seqs(history: &History, run_id: &str) -> Vec<i64> {
    history
        .connection()
        .prepare("SELECT seq FROM events JOIN runs ON runs.id = events.run WHERE runs.run_id = ?1 ORDER BY seq")
        .unwrap()
        .query_map([run_id], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_failed_write_is_retried_reported_once_and_written_later_without_a_gap() {
    let DiskFillsAtSeq3 { _dir, history, conversation_id, recorder, failures, run } =
        disk_fills_at_seq_3();
    run[..6].iter().for_each(|event| recorder.record(event));

    let failure = failures.recv_timeout(Duration::from_secs(10)).expect("the failure is reported");
    assert!(failure.contains("injected: database or disk is full"), "{failure}");
    let kept = seqs(&history, "r1");
    assert!(kept.len() < 3 && kept.iter().copied().eq(0..kept.len() as i64), "a prefix: {kept:?}");

    // The disk has room again: the rest of the run, and what failed, is written in order.
    history.connection().execute_batch("DROP TRIGGER injected_failure").unwrap();
    run[6..].iter().for_each(|event| recorder.record(event));
    recorder.record_message(&Message::user("hello"));
    let stats = recorder.finish().expect("everything written in the end");
    assert!(stats.failed_writes >= 3, "one attempt and two retries: {stats:?}");
    assert!(failures.try_recv().is_err(), "reported once");
    assert_eq!(seqs(&history, "r1"), (0..run.len() as i64).collect::<Vec<_>>(), "no gap");

    let imported = reimported(&history, &conversation_id);
    assert_eq!(history.get(&imported).unwrap().runs[0].events.len(), run.len());
}

#[test]
fn a_write_that_keeps_failing_ends_the_recording_with_its_error_and_a_gapless_prefix() {
    let DiskFillsAtSeq3 { _dir, history, conversation_id, recorder, failures, run } =
        disk_fills_at_seq_3();
    run[..3].iter().for_each(|event| recorder.record(event));
    let started = std::time::Instant::now();
    while seqs(&history, "r1").len() < 3 {
        assert!(started.elapsed() < Duration::from_secs(10), "the first events are written");
        std::thread::sleep(Duration::from_millis(2));
    }
    run[3..].iter().for_each(|event| recorder.record(event));
    let error = recorder.finish().expect_err("the run could not be written whole");
    assert!(error.to_string().contains("injected"), "{error}");
    assert_eq!(failures.try_iter().count(), 1, "reported once");
    assert_eq!(seqs(&history, "r1"), [0, 1, 2], "everything before the failure, nothing after");

    let imported = reimported(&history, &conversation_id);
    assert_eq!(history.get(&imported).unwrap().runs[0].answer(), "word0 word1 ");
}
