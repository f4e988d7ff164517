//! The history API: conversations, recording, reading back, continuing, search, migrations.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use support::*;
use telltale_history::{migrations, Error, History, RecorderConfig, RunStatus};
use telltale_protocol::Message;
use telltale_protocol::{Event, EventKind, FinishReason};

#[test]
fn conversations_list_by_activity_rename_delete_and_undelete() {
    let dir = tempfile::tempdir().unwrap();
    let now = Arc::new(std::sync::atomic::AtomicI64::new(1_000));
    let clock = now.clone();
    let history = History::open(dir.path().join("h.sqlite3"))
        .unwrap()
        .with_clock(Arc::new(move || clock.load(std::sync::atomic::Ordering::SeqCst)));
    let a = history.create_conversation("first").unwrap();
    now.store(2_000, std::sync::atomic::Ordering::SeqCst);
    let b = history.create_conversation("second").unwrap();
    let titles = |h: &History| {
        h.list_conversations().unwrap().into_iter().map(|c| c.title).collect::<Vec<_>>()
    };
    assert_eq!(titles(&history), ["second", "first"]);

    now.store(3_000, std::sync::atomic::Ordering::SeqCst);
    let run = events("r-a", 3_000, vec![token("hi"), finished(FinishReason::Completed)]);
    record(&history, &a.id, "hello", &run, Some(vec![]));
    assert_eq!(titles(&history), ["first", "second"], "a run is activity");

    history.rename(&b.id, "renamed").unwrap();
    history.delete(&a.id).unwrap();
    assert_eq!(titles(&history), ["renamed"]);
    assert!(history.get(&a.id).unwrap().conversation.deleted_at.is_some());
    history.undelete(&a.id).unwrap();
    assert_eq!(titles(&history), ["first", "renamed"]);
    assert!(matches!(history.rename("nope", "x"), Err(Error::NotFound(_))));

    assert_eq!(history.resolve_id(&a.id[..8]).unwrap(), a.id);
    assert!(matches!(history.resolve_id("zzzzzzzz"), Err(Error::NotFound(_))));

    history.delete(&b.id).unwrap();
    assert_eq!(history.purge_deleted(i64::MAX).unwrap(), 1);
    assert!(matches!(history.get(&b.id), Err(Error::NotFound(_))));
}

#[test]
fn ensure_conversation_creates_once_with_the_callers_id_and_keeps_an_existing_one() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let created = history.ensure_conversation("ui-picked-id", "What time is it?").unwrap();
    assert_eq!((created.id.as_str(), created.title.as_str()), ("ui-picked-id", "What time is it?"));
    history.rename("ui-picked-id", "Renamed").unwrap();
    let again = history.ensure_conversation("ui-picked-id", "another title").unwrap();
    assert_eq!(again.title, "Renamed", "an existing conversation is left as it is");
    assert_eq!(again.created_at, created.created_at);
    assert_eq!(history.list_conversations().unwrap().len(), 1);
    let run = events("r-e", 5_000, vec![token("hi"), finished(FinishReason::Completed)]);
    record(&history, "ui-picked-id", "What time is it?", &run, Some(vec![]));
    assert_eq!(history.get("ui-picked-id").unwrap().runs.len(), 1);
}

#[test]
fn a_conversation_reads_back_as_it_streamed_and_persists_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let history = open(&dir);
        fixed_conversation(&history)
    };
    let history = open(&dir);
    let detail = history.get(&id).unwrap();
    let statuses: Vec<_> = detail.runs.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [RunStatus::Completed, RunStatus::Error, RunStatus::Interrupted]);
    assert_eq!(detail.runs[0].events.len(), 12);
    assert_eq!(detail.runs[0].answer(), "17 * 23 = **391**.");
    assert_eq!(detail.runs[0].provider.as_deref(), Some("offline"));
    assert_eq!(detail.runs[0].started_at, T0 + 1_000);
    assert_eq!(
        detail.runs[0].finished_at,
        Some(T0 + 1_000 + 138),
        "started_at + t_ms of run_finished"
    );
    assert_eq!(detail.runs[2].answer(), "Once upon a time, in Tokyo, a lantern");
    assert!(detail.runs[2].finished_at.is_none());
    assert_eq!(detail.conversation.updated_at, T0 + 60_000 + 50);
}

#[test]
fn messages_continue_a_conversation_including_an_interrupted_partial_answer() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let id = fixed_conversation(&history);
    let messages = history.messages(&id).unwrap();
    assert_eq!(messages.len(), 4 + 2 + 2);
    assert_eq!(messages[6], Message::user("Tell me a long story about Tokyo"));
    assert_eq!(messages[7], Message::assistant("Once upon a time, in Tokyo, a lantern", vec![]));
}

#[test]
fn search_finds_prompts_and_answers_with_highlighted_hits_but_not_deleted_conversations() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let id = fixed_conversation(&history);
    let other = history.create_conversation("Other").unwrap();
    let run = events(
        "r-o",
        T0,
        vec![token("Kyoto is calm; Tokyō is busy."), finished(FinishReason::Completed)],
    );
    record(&history, &other.id, "cities", &run, Some(vec![]));

    let hits = history.search("lantern", 10).unwrap();
    assert_eq!(hits.len(), 1, "the interrupted run's partial answer is indexed");
    assert_eq!(hits[0].conversation_id, id);
    assert_eq!(hits[0].title, "What is 17 * 23?");
    assert_eq!(hits[0].snippet_marked("[", "]"), "Once upon a time, in Tokyo, a [lantern]");

    let hits = history.search("tokyo", 10).unwrap();
    assert_eq!(hits.len(), 2, "diacritics folded; one hit per conversation: {hits:?}");
    assert!(history.search("391", 10).unwrap().iter().any(|h| h.conversation_id == id));
    assert_eq!(history.search("lant", 10).unwrap().len(), 1, "the last word is a prefix");
    assert!(
        history.search("\" OR NEAR(", 10).unwrap().is_empty(),
        "operators are literal, no syntax error"
    );

    history.delete(&id).unwrap();
    assert!(history.search("lantern", 10).unwrap().is_empty());
}

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
fn an_unfinished_run_is_indexed_when_the_database_is_reopened() {
    let dir = tempfile::tempdir().unwrap();
    // What a crash leaves: events written, the search row's answer never updated.
    let kinds = vec![token("a partial zebra")];
    let (history, id) = reopened_after_a_crash(&dir, kinds, "UPDATE run_text SET answer = '';");
    assert_eq!(history.search("zebra", 5).unwrap()[0].conversation_id, id);
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

#[test]
fn a_newer_app_upgrades_an_older_database_and_an_older_app_refuses_a_newer_one() {
    // A version-1 database (before search existed) with a recorded run.
    let (_dir, path) = older_database(
        1,
            "INSERT INTO conversations VALUES ('old', 'Old one', 1, 2, NULL);
             INSERT INTO runs (run_id, conversation_id, position, prompt, started_at, reason)
                 VALUES ('r', 'old', 0, 'about giraffes', 1, 'completed');
             INSERT INTO events VALUES ('r', 0, '{\"run_id\":\"r\",\"seq\":0,\"t_ms\":0.0,\"type\":\"token\",\"text\":\"tall necks\"}');",
    );
    let history = History::open(&path).unwrap();
    assert_eq!(migrations::user_version(history.connection()).unwrap(), migrations::SCHEMA_VERSION);
    assert_eq!(history.search("necks", 5).unwrap()[0].conversation_id, "old");
    assert_eq!(history.search("giraffes", 5).unwrap()[0].title, "Old one");
    drop(history);

    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", migrations::SCHEMA_VERSION + 1).unwrap();
    drop(conn);
    match History::open(&path) {
        Err(Error::TooNew { found, supported }) => {
            assert_eq!(
                (found, supported),
                (migrations::SCHEMA_VERSION + 1, migrations::SCHEMA_VERSION)
            );
        }
        other => panic!("expected TooNew, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn the_database_runs_in_wal_mode_with_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let conn = history.connection();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!((mode.as_str(), sync, fk), ("wal", 1, 1));
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

#[test]
fn an_upgrade_keeps_the_runs_messages_in_a_table_whose_key_is_not_the_message() {
    // A version-5 database with a finished run and its two messages.
    let user = serde_json::to_string(&Message::user("about giraffes")).unwrap();
    let answer = serde_json::to_string(&Message::assistant("tall necks", vec![])).unwrap();
    let (_dir, path) = older_database(
        5,
        &format!(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('old', 'Old one', 1, 2);
             INSERT INTO runs (run_id, conversation_id, position, prompt, started_at, reason)
                 VALUES ('r', 'old', 0, 'about giraffes', 1, 'completed');
             INSERT INTO messages VALUES ('r', 1, '{answer}'), ('r', 0, '{user}');"
        ),
    );
    let history = History::open(&path).unwrap();
    assert_eq!(
        history.messages_before("old", &telltale_history::Parent::Latest).unwrap(),
        [Message::user("about giraffes"), Message::assistant("tall necks", vec![])]
    );
    // Every message (a whole answer, a tool's output) was part of the key of a table without row
    // ids, so each lookup copied the messages it compared against off their overflow pages.
    let sql: String = history
        .connection()
        .query_row("SELECT sql FROM sqlite_schema WHERE name = 'messages'", [], |r| r.get(0))
        .unwrap();
    assert!(!sql.contains("WITHOUT ROWID"), "{sql}");
    let key: Vec<String> = history
        .connection()
        .prepare("SELECT name FROM pragma_index_info((SELECT name FROM pragma_index_list('messages') WHERE \"unique\"))")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(key, ["run_id", "idx"]);
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
