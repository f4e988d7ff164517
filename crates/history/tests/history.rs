//! The history API: conversations, reading back, continuing, search, migrations (recording runs:
//! `recorder.rs`).

mod support;

use std::sync::Arc;

use support::*;
use telltale_history::{migrations, Error, History, RunStatus};
use telltale_protocol::FinishReason;
use telltale_protocol::Message;

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
fn version_9_keeps_every_event_of_an_older_database_in_fewer_bytes() {
    // A version-8 database: each event's row keyed by its run's text id, its JSON whole.
    let json = [
        r#"{"run_id":"r","seq":0,"t_ms":0.0,"type":"run_started","provider":"openai","model":"m","started_at":1}"#,
        r#"{"run_id":"r","seq":1,"t_ms":1.5,"type":"tool_call","call_id":"c","name":"read_file","args":{"path":"a \"b\".txt","seq":7}}"#,
        r#"{"run_id":"r","seq":2,"t_ms":2.25,"type":"token","text":"tall é necks"}"#,
        r#"{"run_id":"r","seq":3,"t_ms":3.0,"type":"run_finished","reason":"completed"}"#,
    ];
    let inserts: String = json
        .iter()
        .enumerate()
        .map(|(seq, json)| format!("INSERT INTO events VALUES ('r', {seq}, '{json}');"))
        .collect();
    let (_dir, path) = older_database(
        8,
        &format!(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('old', 'Old', 1, 2);
             INSERT INTO runs (run_id, conversation_id, position, prompt, started_at, reason)
                 VALUES ('other', 'old', 0, 'first', 1, 'completed');
             INSERT INTO runs (run_id, conversation_id, position, prompt, started_at, reason)
                 VALUES ('r', 'old', 1, 'about giraffes', 1, 'completed');
             {inserts}"
        ),
    );
    let history = History::open(&path).unwrap();
    let expected: Vec<telltale_protocol::Event> =
        json.iter().map(|json| serde_json::from_str(json).unwrap()).collect();
    let runs = history.get("old").unwrap().runs;
    assert_eq!(runs[1].events, expected);
    assert!(runs[0].events.is_empty());
    let stored: Vec<String> = history
        .connection()
        .prepare("SELECT json FROM events ORDER BY run, seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored[2], r#"{"t_ms":2.25,"type":"token","text":"tall é necks"}"#);
    assert!(stored.iter().all(|json| !json.contains("\"run_id\"")), "{stored:?}");
    assert_eq!(history.messages("old").unwrap().len(), 0);

    history.delete("old").unwrap();
    history.purge_deleted(i64::MAX).unwrap();
    let left: i64 =
        history.connection().query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0, "a conversation's events go with it");
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
