//! Recording runs: the writer's commits and their gap, many processes at once, a history in
//! memory, the run's end before its answer's indexing, and what a crash leaves indexed at the
//! next open.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use support::*;
use telltale_history::{Error, History, RecorderConfig, RunStatus};
use telltale_protocol::Message;
use telltale_protocol::{Event, EventKind, FinishReason};

/// Records run `r1` of `kinds` in a new history, leaves on it what a crash would (`crash_sql`),
/// and opens it again; returns it with the conversation's id.
fn reopened_after_a_crash(
    dir: &tempfile::TempDir,
    kinds: Vec<EventKind>,
    crash_sql: &str,
) -> (History, String) {
    let path = dir.path().join("h.sqlite3");
    let id = {
        let history = History::open(&path).unwrap();
        let c = history.create_conversation("c").unwrap();
        let recorder = history.start_run(&c.id, "r1", "prompt").unwrap();
        for event in events("r1", T0, kinds) {
            recorder.record(&event);
        }
        recorder.finish().unwrap();
        history.connection().execute_batch(crash_sql).unwrap();
        c.id
    };
    (History::open(&path).unwrap(), id)
}

#[test]
fn an_unfinished_run_is_indexed_once_when_the_database_is_reopened() {
    let dir = tempfile::tempdir().unwrap();
    // What a crash mid-run leaves: events written, the search row's answer as the run started.
    let kinds = vec![token("a partial zebra")];
    let crash = "UPDATE run_text SET answer = ''; UPDATE runs SET answer_indexed = 0;";
    let (history, id) = reopened_after_a_crash(&dir, kinds, crash);
    assert_eq!(history.search("zebra", 5).unwrap()[0].conversation_id, id);
    assert!(history.connection().total_changes() > 0, "indexed at this open");
    drop(history);
    // Not again at every later open: an open that writes makes a start-up wait for a sync.
    let again = History::open(dir.path().join("h.sqlite3")).unwrap();
    assert_eq!(again.connection().total_changes(), 0);
    assert_eq!(again.search("zebra", 5).unwrap()[0].conversation_id, id);
}

#[test]
fn a_run_being_recorded_reads_back_as_running() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let c = history.create_conversation("c").unwrap();
    let recorder = history.start_run(&c.id, "live", "p").unwrap();
    assert_eq!(history.get(&c.id).unwrap().runs[0].status, RunStatus::Running);
    assert!(matches!(history.start_run(&c.id, "live", "p"), Err(Error::DuplicateRun(_))));
    recorder.finish().unwrap();
    assert_eq!(history.get(&c.id).unwrap().runs[0].status, RunStatus::Interrupted);
}

/// Measures the recorder at a fast model's pace (an event every 2 ms) with group commit and with
/// a 5 ms gap after each commit. Prints the figures (`cargo test -- --nocapture`).
#[test]
fn recorder_write_latency() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    for (label, config) in [
        ("group commit", RecorderConfig::default()),
        (
            "5 ms gap",
            RecorderConfig { commit_gap: Duration::from_millis(5), ..RecorderConfig::default() },
        ),
    ] {
        let c = history.create_conversation(label).unwrap();
        let run_id = format!("bench-{}", label.len());
        let recorder = history.start_run_with(&c.id, &run_id, "p", config).unwrap();
        let mut kinds: Vec<EventKind> = (0..200).map(|i| token(&format!("word{i} "))).collect();
        kinds.push(finished(FinishReason::Completed));
        let started = Instant::now();
        for event in events(&run_id, T0, kinds) {
            recorder.record(&event);
            std::thread::sleep(Duration::from_millis(2));
        }
        let stats = recorder.finish().unwrap();
        assert_eq!(stats.events, 202);
        let per_tx = stats.total_write / stats.transactions as u32;
        println!(
            "{label}: {} events in {} transactions (max {} per transaction), {:?} per transaction, max {:?}, wall {:?}",
            stats.events, stats.transactions, stats.max_events_per_transaction, per_tx, stats.max_write, started.elapsed()
        );
        // The figures above are the measure; this only catches a write that hangs (a shared,
        // loaded machine may take a few hundred ms to checkpoint the WAL to disk).
        assert!(stats.max_write < Duration::from_secs(5), "{stats:?}");
    }
}

/// With a gap after each commit, an event with no commit just before it is written at once,
/// and what comes within the gap is written together when it is over, everything in order.
#[test]
fn a_commit_gap_writes_a_lone_event_at_once_and_a_burst_in_one_commit() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let c = history.create_conversation("c").unwrap();
    let (told, commits) = std::sync::mpsc::channel();
    let config = RecorderConfig {
        commit_gap: Duration::from_secs(2),
        on_commit: Some(Arc::new(move |through: u64| {
            let _ = told.send(through);
        })),
        ..RecorderConfig::default()
    };
    let recorder = history.start_run_with(&c.id, "r1", "p", config).unwrap();
    let mut kinds: Vec<EventKind> = (0..50).map(|i| token(&format!("w{i} "))).collect();
    kinds.push(finished(FinishReason::Completed));
    let events = events("r1", T0, kinds);
    recorder.record(&events[0]);
    // Not a timing: a bound on a hang (the write itself takes a millisecond).
    assert_eq!(commits.recv_timeout(Duration::from_secs(60)).unwrap(), 1);
    // Spaced out, but all well within the gap after that commit (about 50 ms of 2 s): without
    // the gap each would be a commit of its own.
    for event in &events[1..] {
        recorder.record(event);
        std::thread::sleep(Duration::from_millis(1));
    }
    let stats = recorder.finish().unwrap();
    assert_eq!((stats.events, stats.transactions, stats.max_events_per_transaction), (52, 2, 51));
    assert_eq!(commits.try_iter().collect::<Vec<_>>(), [52]);
    let answer: String = (0..50).map(|i| format!("w{i} ")).collect();
    let run = &history.get(&c.id).unwrap().runs[0];
    assert_eq!((run.status, run.events.len(), run.answer()), (RunStatus::Completed, 52, answer));
}

/// The app and several CLI processes may open a new database and record at the same moment.
#[test]
fn many_connections_open_a_new_database_and_record_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let threads: Vec<_> = (0..6)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                let history = History::open(&path).expect("opens");
                let c = history.create_conversation(&format!("c{i}")).unwrap();
                let run_id = format!("many-{i}");
                let run = events(&run_id, T0, vec![token("x"), finished(FinishReason::Completed)]);
                record(&history, &c.id, "p", &run, Some(vec![]));
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("no error");
    }
    assert_eq!(History::open(&path).unwrap().list_conversations().unwrap().len(), 6);
}

#[test]
fn a_history_in_memory_records_runs_through_its_own_recorders_and_writes_no_file() {
    let history = History::open_in_memory().unwrap();
    assert!(history.is_in_memory());
    let other = History::open_in_memory().unwrap();
    let conversation = history.create_conversation("In memory").unwrap();
    let recorder = history.start_run(&conversation.id, "run-1", "hello").unwrap();
    recorder.record(&Event {
        run_id: "run-1".into(),
        seq: 0,
        t_ms: 1.0,
        kind: EventKind::Token { text: "hi there".into() },
    });
    let said = vec![Message::user("hello"), Message::assistant("hi there", vec![])];
    said.iter().for_each(|message| recorder.record_message(message));
    recorder.finish().unwrap();
    assert_eq!(history.messages(&conversation.id).unwrap(), said);
    assert_eq!(history.get(&conversation.id).unwrap().runs[0].answer(), "hi there");
    assert_eq!(history.search("there", 5).unwrap().len(), 1, "search works in memory too");
    assert!(other.list_conversations().unwrap().is_empty(), "each one is its own database");
    let uri = history.path().to_str().unwrap();
    let name = uri.trim_start_matches("file:").split('?').next().unwrap();
    assert!(!history.path().exists() && !std::path::Path::new(name).exists(), "no file: {uri}");
}

/// A run's end is committed (and `on_commit` told) before its answer is indexed, so a long
/// answer's indexing never holds back its `run_finished`; the answer is searchable once the
/// recorder has finished.
#[test]
fn a_runs_end_is_committed_before_its_answer_is_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let history = History::open(&path).unwrap();
    let c = history.create_conversation("c").unwrap();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let looking = seen.clone();
    let reader = std::sync::Mutex::new(rusqlite::Connection::open(&path).unwrap());
    let config = RecorderConfig {
        on_commit: Some(Arc::new(move |_through: u64| {
            let reader = reader.lock().unwrap();
            let state: (Option<String>, i64) = reader
                .query_row("SELECT reason, answer_indexed FROM runs WHERE run_id = 'r1'", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap();
            looking.lock().unwrap().push(state);
        })),
        ..RecorderConfig::default()
    };
    let recorder = history.start_run_with(&c.id, "r1", "p", config).unwrap();
    let kinds = vec![token("an okapi "), token("in the forest"), finished(FinishReason::Completed)];
    let mut batch = telltale_history::RecordBatch::new();
    for event in events("r1", T0, kinds) {
        batch.push(&event).unwrap();
    }
    recorder.record_batch(batch);
    let (written, indexing) = recorder.finish_writing();
    assert_eq!(written.unwrap().events, 4);
    assert_eq!(history.get(&c.id).unwrap().runs[0].status, RunStatus::Completed);
    indexing.wait();
    // One write held every event: when it was told, the run had ended and was not yet indexed.
    assert_eq!(*seen.lock().unwrap(), [(Some("completed".to_owned()), 0)]);
    let indexed: i64 = history
        .connection()
        .query_row("SELECT answer_indexed FROM runs WHERE run_id = 'r1'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(indexed, 1);
    assert_eq!(history.search("okapi", 5).unwrap()[0].conversation_id, c.id);
}

#[test]
fn a_finished_run_whose_indexing_a_crash_cut_short_is_indexed_when_reopened() {
    let dir = tempfile::tempdir().unwrap();
    // What a crash between the run's end and its indexing leaves.
    let kinds = vec![token("a quagga"), finished(FinishReason::Completed)];
    let crash = "UPDATE run_text SET answer = ''; UPDATE runs SET answer_indexed = 0;";
    let (history, id) = reopened_after_a_crash(&dir, kinds, crash);
    assert_eq!(history.search("quagga", 5).unwrap()[0].conversation_id, id);
}
