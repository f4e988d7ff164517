//! A closed history leaves its log copied back and started again, one page long, so that the
//! next process's first write appends to it rather than starting it again (which syncs the
//! log's header and the folder); a history closed while another connection reads leaves the
//! log as it is, at once; nothing written is lost either way.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::*;
use telltale_history::{integrity_check, History};

/// The log's header: its magic, version, page size, checkpoint sequence, salts and checksum.
const HEADER: usize = 32;
/// A frame of the log: its 24-byte header and the page.
const FRAME: usize = 24 + 4096;

fn log(path: &Path) -> Vec<u8> {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::read(wal).unwrap_or_default()
}

#[test]
fn a_closed_history_leaves_a_log_of_one_page_that_the_next_write_appends_to() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let history = open(&dir);
    let first = history.create_conversation("first").unwrap();
    let recorder = history.start_run(&first.id, "r1", "hello").unwrap();
    for event in events("r1", T0, vec![token("Hi"), token(" there")]) {
        recorder.record(&event);
    }
    recorder.finish().unwrap();
    drop(history);

    let left = log(&path);
    assert_eq!(left.len(), HEADER + FRAME, "the log is copied back and started again");

    let again = History::open(&path).unwrap();
    again.create_conversation("second").unwrap();
    let grown = log(&path);
    assert!(grown.len() > left.len(), "the write went into the log");
    assert_eq!(grown[..HEADER], left[..HEADER], "the log was not started again");
    drop(again);

    assert_eq!(integrity_check(&path).unwrap(), "ok");
    let reopened = History::open(&path).unwrap();
    let titles: Vec<String> =
        reopened.list_conversations().unwrap().into_iter().map(|c| c.title).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert_eq!(reopened.get(&first.id).unwrap().runs[0].answer(), "Hi there");
}

#[test]
fn a_history_closed_while_another_connection_reads_leaves_the_log_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let reader = open(&dir);
    let writer = open(&dir);
    writer.create_conversation("kept").unwrap();

    // A read transaction that stays open: the log cannot be copied back past it.
    reader.connection().execute_batch("BEGIN").unwrap();
    let seen: i64 = reader
        .connection()
        .query_row("SELECT count(*) FROM conversations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(seen, 1);
    let before = log(&path);
    let started = Instant::now();
    drop(writer);
    assert!(started.elapsed() < Duration::from_secs(4), "the close waited for the reader");
    assert_eq!(log(&path)[..HEADER], before[..HEADER], "the log was left as it is");

    reader.connection().execute_batch("COMMIT").unwrap();
    drop(reader);
    assert_eq!(integrity_check(&path).unwrap(), "ok");
    assert_eq!(History::open(&path).unwrap().list_conversations().unwrap().len(), 1);
}
