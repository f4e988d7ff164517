//! Export golden files (`UPDATE_GOLDEN=1` rewrites them) and import.

mod support;

use std::path::PathBuf;

use support::*;
use telltale_history::export::html::STYLE;
use telltale_history::import::MAX_IMPORT_BYTES;
use telltale_history::{Error, Format, History, ImportError};
use telltale_protocol::{EventKind, FinishReason};

fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e} (run with UPDATE_GOLDEN=1 to create it)", path.display())
    });
    assert!(
        expected == actual,
        "{name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it):\n{actual}"
    );
}

/// Stands for the stylesheet (`export::html::STYLE`) in the HTML golden file.
const STYLE_PLACEHOLDER: &str = "<style>/* export::html::STYLE */</style>";

/// A new history (in a folder that lasts as long as the `TempDir`) holding the fixed
/// conversation, and that conversation's id.
fn history_with_fixed_conversation() -> (tempfile::TempDir, telltale_history::History, String) {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let id = fixed_conversation(&history);
    (dir, history, id)
}

/// The export with the conversation's random id replaced by a fixed one.
fn exported(format: Format) -> String {
    let (_dir, history, id) = history_with_fixed_conversation();
    history.export(&id, format).unwrap().replace(&id, "CONVERSATION-ID")
}

#[test]
fn markdown_matches_the_golden_file() {
    let md = exported(Format::Markdown);
    golden("conversation.md", &md);
    assert!(md.contains("<details><summary>Tool: calculator ✓ 0.4 ms</summary>"));
    assert!(md.contains("````text\nHere") || md.contains("Here is <b>bold</b>"));
}

#[test]
fn json_matches_the_golden_file() {
    golden("conversation.json", &exported(Format::Json));
}

#[test]
fn html_matches_the_golden_file_and_is_escaped_and_self_contained() {
    let html = exported(Format::Html);
    // The stylesheet is checked on its own (whole, inlined once), so that the golden file holds
    // the document, not a second copy of the stylesheet.
    let style = format!("<style>{STYLE}</style>");
    assert_eq!(html.matches(&style).count(), 1, "the whole stylesheet, inlined once");
    golden("conversation.html", &html.replace(&style, STYLE_PLACEHOLDER));
    for class in html.split("class=\"").skip(1).filter_map(|rest| rest.split('"').next()) {
        let rule = format!(".{class} ");
        assert!(STYLE.contains(&rule), "the stylesheet styles every class it is used for: {class}");
    }
    assert!(!html.contains("<script"), "no scripts, not even the user's");
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(html.contains("Here is &lt;b&gt;bold&lt;/b&gt; &amp;"));
    assert!(!html.contains("<b>"));
    for external in ["http://", "https://", "src=", "href=", "@import", "url("] {
        assert!(!html.contains(external), "no external request: {external}");
    }
}

/// Replaces every id the import assigns (the conversation's and each run's) with a placeholder.
fn without_ids(json: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut ids = vec![value["conversation"]["id"].as_str().unwrap().to_owned()];
    for run in value["runs"].as_array().unwrap() {
        ids.push(run["run_id"].as_str().unwrap().to_owned());
    }
    value["conversation"]["id"] = "ID".into();
    let mut text = serde_json::to_string_pretty(&value).unwrap();
    for (i, id) in ids.iter().enumerate() {
        text = text.replace(&format!("\"{id}\""), &format!("\"ID{i}\""));
    }
    text
}

#[test]
fn import_round_trip_gives_the_same_json_with_new_ids() {
    let (_dir, history, id) = history_with_fixed_conversation();
    let first = history.export(&id, Format::Json).unwrap();
    let imported = history.import_json(&first).unwrap();
    assert_ne!(imported.id, id);
    let second = history.export(&imported.id, Format::Json).unwrap();
    assert!(!second.contains("\"run-1\""), "runs get new ids too");
    assert_eq!(without_ids(&first), without_ids(&second));
    assert_eq!(history.messages(&imported.id).unwrap(), history.messages(&id).unwrap());
    assert_eq!(history.search("lantern", 10).unwrap().len(), 2, "the import is searchable");
    // Importing twice is fine: every import is a new conversation.
    history.import_json(&first).unwrap();
    assert_eq!(history.list_conversations().unwrap().len(), 3);
}

#[test]
fn a_malformed_or_foreign_file_is_a_clear_error_and_changes_nothing() {
    let (_dir, history, id) = history_with_fixed_conversation();
    let good = history.export(&id, Format::Json).unwrap();
    let mut wrong_event = serde_json::from_str::<serde_json::Value>(&good).unwrap();
    wrong_event["runs"][1]["events"][2]["seq"] = 7.into();
    let mut newer = serde_json::from_str::<serde_json::Value>(&good).unwrap();
    newer["protocol_version"] = 99.into();
    let mut bad_kind = serde_json::from_str::<serde_json::Value>(&good).unwrap();
    bad_kind["runs"][2]["events"][1]["type"] = "teleport".into();

    type Check = fn(&ImportError) -> bool;
    let cases: Vec<(String, Check)> = vec![
        ("not json {".into(), |e| matches!(e, ImportError::NotJson(_))),
        (r#"{"format":"chatgpt-export","conversations":[]}"#.into(), |e| {
            matches!(e, ImportError::ForeignFormat(_))
        }),
        ("[1, 2]".into(), |e| matches!(e, ImportError::ForeignFormat(_))),
        (newer.to_string(), |e| matches!(e, ImportError::UnsupportedVersion { found: 99, .. })),
        (wrong_event.to_string(), |e| matches!(e, ImportError::Malformed(_))),
        (bad_kind.to_string(), |e| matches!(e, ImportError::Malformed(_))),
        (good[..good.len() / 2].to_owned(), |e| matches!(e, ImportError::NotJson(_))),
    ];
    let before = std::fs::read(history.path()).unwrap();
    let rows = row_counts(&history);
    for (text, expected) in cases {
        match history.import_json(&text) {
            Err(Error::Import(error)) => {
                assert!(expected(&error), "unexpected error {error:?}");
                assert!(!error.to_string().is_empty());
            }
            other => panic!("expected an import error, got {:?}", other.map(|c| c.id)),
        }
    }
    assert_eq!(history.list_conversations().unwrap().len(), 1);
    let runs: i64 =
        history.connection().query_row("SELECT count(*) FROM runs", [], |r| r.get(0)).unwrap();
    assert_eq!(runs, 3);
    assert_eq!(before.len(), std::fs::read(history.path()).unwrap().len());
    assert_eq!(row_counts(&history), rows, "not a row of any table changed");
}

#[test]
fn markdown_escapes_what_it_puts_inside_its_details_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let id = history.create_conversation("hostile").unwrap().id;
    let hostile = "</details><script>alert(1)</script><img src=x onerror=alert(2)>";
    let run = events(
        "run-x",
        1_700_000_000_000,
        vec![
            EventKind::Status { message: hostile.into(), icon: None },
            EventKind::Thought { text: hostile.into() },
            token("ok"),
            finished(FinishReason::Completed),
        ],
    );
    record(&history, &id, "hostile", &run, Some(Vec::new()));
    let md = history.export(&id, Format::Markdown).unwrap();
    assert!(!md.contains("<script>") && !md.contains("<img"), "{md}");
    assert_eq!(md.matches("</details>").count(), md.matches("<details>").count(), "{md}");
    assert!(md.contains("&lt;/details&gt;&lt;script&gt;"), "{md}");
}

/// How many rows each table of the history holds.
fn row_counts(history: &History) -> Vec<i64> {
    ["conversations", "runs", "events", "messages", "run_text"]
        .iter()
        .map(|table| {
            let sql = format!("SELECT count(*) FROM {table}");
            history.connection().query_row(&sql, [], |r| r.get(0)).unwrap()
        })
        .collect()
}

#[test]
fn an_import_whose_write_fails_half_way_through_changes_nothing() {
    let (_dir, history, id) = history_with_fixed_conversation();
    let good = history.export(&id, Format::Json).unwrap();
    let before = row_counts(&history);
    // A real SQLite failure at the third run, after two runs and their events went in.
    history
        .connection()
        .execute_batch(
            "CREATE TRIGGER injected_failure BEFORE INSERT ON runs WHEN NEW.position = 2 \
             BEGIN SELECT RAISE(ABORT, 'injected: database or disk is full'); END;",
        )
        .unwrap();
    match history.import_json(&good) {
        Err(Error::Sqlite(error)) => assert!(error.to_string().contains("injected"), "{error}"),
        other => panic!("expected the injected failure, got {:?}", other.map(|c| c.id)),
    }
    assert_eq!(row_counts(&history), before, "one transaction: nothing of it stayed");
    assert_eq!(history.list_conversations().unwrap().len(), 1);
    history.connection().execute_batch("DROP TRIGGER injected_failure").unwrap();
    history.import_json(&good).expect("and it imports once the disk has room");
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let (dir, history, _id) = history_with_fixed_conversation();
    let before = row_counts(&history);
    let huge = dir.path().join("huge.json");
    // Sparse: the test writes nothing, and the import must read nothing of it.
    std::fs::File::create(&huge).unwrap().set_len(MAX_IMPORT_BYTES + 1).unwrap();
    match history.import_file(&huge) {
        Err(Error::Import(error @ ImportError::TooLarge { size, limit })) => {
            assert_eq!((size, limit), (MAX_IMPORT_BYTES + 1, MAX_IMPORT_BYTES));
            assert!(
                error.to_string().contains(
                    "(512.0 MiB): Telltale imports conversation exports of up to 512 MiB"
                ),
                "{error}"
            );
        }
        other => panic!("expected too large, got {:?}", other.map(|c| c.id)),
    }
    // Under the limit (past the 64 MiB it once was) it is read, and refused for what it is
    // (zeros are not JSON).
    std::fs::File::create(&huge).unwrap().set_len(64 * 1024 * 1024 + 1).unwrap();
    assert!(matches!(history.import_file(&huge), Err(Error::Import(ImportError::NotJson(_)))));
    let missing = history.import_file(&dir.path().join("missing.json"));
    assert!(matches!(missing, Err(Error::Import(ImportError::Unreadable { .. }))));
    assert_eq!(row_counts(&history), before);
}

#[test]
fn a_failed_tool_call_and_one_that_never_ended_are_marked_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let conversation = history.create_conversation("tools").unwrap();
    let call = |id: &str, name: &str| EventKind::ToolCall {
        call_id: id.into(),
        name: name.into(),
        args: serde_json::json!({}),
    };
    let failed = EventKind::ToolResult {
        call_id: "a".into(),
        ok: false,
        output: "?".into(),
        duration_ms: 1.5,
    };
    let run = events("r1", T0, vec![call("a", "clock"), failed, call("b", "calculator")]);
    record(&history, &conversation.id, "what time?", &run, None);

    let md = history.export(&conversation.id, Format::Markdown).unwrap();
    assert!(md.contains("<summary>Tool: clock ✕ failed after 1.5 ms</summary>"), "{md}");
    assert!(md.contains("<summary>Tool: calculator (no result)</summary>"), "{md}");
    let html = history.export(&conversation.id, Format::Html).unwrap();
    let failed_mark = "<summary>Tool: clock <span class=\"fail\">✕</span> 1.5 ms</summary>";
    assert!(html.contains(failed_mark), "{html}");
    assert!(html.contains("<summary>Tool: calculator (no result)</summary>"), "{html}");
}
