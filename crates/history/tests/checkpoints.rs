//! The recorder's log is copied back into the database while a long run streams, by a thread of
//! its own at a model's pace and by the writer itself in a burst that leaves no gap, so the log
//! stays short and nothing in it is lost.

mod support;

use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::*;
use telltale_history::{History, RecorderConfig, RunStatus};
use telltale_protocol::FinishReason;

/// SQLite's page, and a frame of its log: the page and its 24-byte header.
const FRAME: u64 = 4096 + 24;

/// Records a run of `tokens` tokens of about a kilobyte, one event per transaction, `gap` between
/// a commit and the next event; returns the log's length in frames (the file keeps the longest
/// length the log reached) and checks that every event was kept.
fn record_one_commit_per_event(tokens: usize, gap: Duration) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let history = History::open(&path).unwrap();
    let c = history.create_conversation("c").unwrap();
    let (committed, commits) = channel();
    let committed = Mutex::new(committed);
    let config = RecorderConfig {
        on_commit: Some(Arc::new(move |through: u64| {
            let _ = committed.lock().unwrap().send(through);
        })),
        ..RecorderConfig::default()
    };
    let recorder = history.start_run_with(&c.id, "r1", "p", config).unwrap();
    let mut kinds: Vec<_> =
        (0..tokens).map(|i| token(&format!("word{i} {} ", "x".repeat(1000)))).collect();
    kinds.push(finished(FinishReason::Completed));
    let events = events("r1", T0, kinds);
    for event in &events {
        recorder.record(event);
        while commits.recv_timeout(Duration::from_secs(30)).unwrap() <= event.seq {}
        std::thread::sleep(gap);
    }
    recorder.finish().unwrap();
    let log = std::fs::metadata(dir.path().join("h.sqlite3-wal")).unwrap().len() / FRAME;

    assert_eq!(history.get(&c.id).unwrap().runs[0].status, RunStatus::Completed);
    drop(history);
    let reopened = History::open(&path).unwrap();
    let kept: i64 = reopened
        .connection()
        .query_row("SELECT count(*) FROM events JOIN runs ON runs.id = events.run WHERE runs.run_id = 'r1'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, events.len() as i64);
    let last = format!("word{}", tokens - 1);
    assert_eq!(reopened.search(&last, 5).unwrap()[0].conversation_id, c.id);
    log
}

/// At a model's pace the checkpointer copies the log while the writer waits for the next token,
/// and the log starts again from its beginning (asked for at 1,000 pages).
#[test]
fn at_a_models_pace_the_log_is_checkpointed_beside_the_writer_and_starts_again() {
    let frames = record_one_commit_per_event(600, Duration::from_millis(8));
    // Without the checkpointer: about 2,800 (a token here takes four or five frames).
    assert!(frames < 2_000, "the log is {frames} frames long");
}

/// A burst with no gap between commits leaves the checkpointer no moment at which everything is
/// copied: the writer checkpoints itself at 4,000 pages, so the log stays bounded.
#[test]
fn a_burst_with_no_gap_still_keeps_the_log_bounded() {
    let frames = record_one_commit_per_event(1500, Duration::ZERO);
    // Without the writer's own checkpoint: about 7,000.
    assert!(frames < 4_600, "the log is {frames} frames long");
}
