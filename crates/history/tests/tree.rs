//! The run tree: parents, branches, the messages a branch sends, export and re-import of every
//! branch, and databases and exports from before trees.

mod support;

use support::*;
use telltale_history::{Error, Format, History, ImportError, Parent, RecorderConfig};
use telltale_protocol::{FinishReason, Message};

/// Records a completed run `run_id` answering `prompt` with `answer`, continuing `parent`.
fn answered(
    history: &History,
    conversation: &str,
    run_id: &str,
    prompt: &str,
    answer: &str,
    parent: Parent,
) {
    let recorder = history
        .start_branch(conversation, run_id, prompt, &parent, RecorderConfig::default())
        .unwrap();
    for event in events(run_id, T0, vec![token(answer), finished(FinishReason::Completed)]) {
        recorder.record(&event);
    }
    recorder.record_message(&Message::user(prompt));
    recorder.record_message(&Message::assistant(answer, vec![]));
    recorder.finish().unwrap();
}

fn user(text: &str) -> Message {
    Message::user(text)
}

fn assistant(text: &str) -> Message {
    Message::assistant(text, vec![])
}

/// a → b → c, and a → b2 (b regenerated) → d, and a root r2 (the first prompt edited).
fn branched(history: &History) -> String {
    let id = history.create_conversation("tree").unwrap().id;
    answered(history, &id, "a", "first?", "A", Parent::Latest);
    answered(history, &id, "b", "second?", "B", Parent::Latest);
    answered(history, &id, "c", "third?", "C about walruses", Parent::Latest);
    answered(history, &id, "b2", "second?", "B again", Parent::Run("a".into()));
    answered(history, &id, "d", "fourth?", "D", Parent::Latest);
    answered(history, &id, "r2", "first, edited?", "R", Parent::Root);
    id
}

fn parents(history: &History, id: &str) -> Vec<(String, Option<String>)> {
    let runs = history.get(id).unwrap().runs;
    runs.into_iter().map(|r| (r.run_id, r.parent_run_id)).collect()
}

#[test]
fn each_run_knows_its_parent_and_a_branch_goes_from_a_run_up_to_its_root() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let id = branched(&history);
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        parents(&history, &id),
        [
            ("a".into(), None),
            ("b".into(), some("a")),
            ("c".into(), some("b")),
            ("b2".into(), some("a")),
            ("d".into(), some("b2")),
            ("r2".into(), None),
        ]
    );
    assert_eq!(history.branch(&id, None).unwrap(), ["r2"], "the latest run is the default leaf");
    assert_eq!(history.branch(&id, Some("d")).unwrap(), ["a", "b2", "d"]);
    assert_eq!(history.branch(&id, Some("c")).unwrap(), ["a", "b", "c"]);

    assert_eq!(
        history.branch_messages(&id, Some("c")).unwrap(),
        [
            user("first?"),
            assistant("A"),
            user("second?"),
            assistant("B"),
            user("third?"),
            assistant("C about walruses")
        ]
    );
    assert_eq!(
        history.branch_messages(&id, Some("d")).unwrap(),
        [
            user("first?"),
            assistant("A"),
            user("second?"),
            assistant("B again"),
            user("fourth?"),
            assistant("D")
        ]
    );
    assert_eq!(history.messages(&id).unwrap(), [user("first, edited?"), assistant("R")]);

    let other = history.create_conversation("other").unwrap().id;
    let refused =
        history.start_branch(&other, "x", "p", &Parent::Run("a".into()), RecorderConfig::default());
    assert!(matches!(refused, Err(Error::RunNotFound(_))), "a parent of another conversation");
    assert!(matches!(history.branch(&other, Some("a")), Err(Error::RunNotFound(_))));
    assert_eq!(history.resolve_run("b2").unwrap(), ("b2".to_owned(), id.clone()));
    assert!(matches!(history.resolve_run("zzzz"), Err(Error::RunNotFound(_))));
    // Search finds every branch, not only the one shown.
    assert_eq!(history.search("walruses", 5).unwrap()[0].run_id, "c");
}

#[test]
fn markdown_and_html_show_one_branch_and_json_every_run_which_reimports_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let id = branched(&history);

    let md = history.export(&id, Format::Markdown).unwrap();
    assert!(md.contains("first, edited?") && !md.contains("walruses"), "{md}");
    let md = history.export_branch(&id, Format::Markdown, Some("c")).unwrap();
    assert!(md.contains("walruses") && !md.contains("B again") && !md.contains("edited"), "{md}");
    let html = history.export_branch(&id, Format::Html, Some("d")).unwrap();
    assert!(html.contains("B again") && !html.contains("walruses"));

    let json = history.export(&id, Format::Json).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let runs = value["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 6);
    assert_eq!(runs[3]["parent_run_id"], "a");
    assert!(runs[5]["parent_run_id"].is_null());

    let imported = history.import_json(&json).unwrap().id;
    let map: std::collections::HashMap<String, String> = history
        .get(&imported)
        .unwrap()
        .runs
        .iter()
        .zip(history.get(&id).unwrap().runs.iter())
        .map(|(new, old)| (new.run_id.clone(), old.run_id.clone()))
        .collect();
    let translated: Vec<_> = parents(&history, &imported)
        .into_iter()
        .map(|(run, parent)| (map[&run].clone(), parent.map(|p| map[&p].clone())))
        .collect();
    assert_eq!(translated, parents(&history, &id), "the same tree, with new ids");
    let old_d = history.branch_messages(&id, Some("d")).unwrap();
    let new_d = map.iter().find(|(_, old)| *old == "d").map(|(new, _)| new.clone()).unwrap();
    assert_eq!(history.branch_messages(&imported, Some(&new_d)).unwrap(), old_d);
    let again = history.export(&imported, Format::Json).unwrap();
    let mut renamed = again.replace(&imported, &id);
    for (new, old) in &map {
        renamed = renamed.replace(&format!("\"{new}\""), &format!("\"{old}\""));
    }
    assert_eq!(renamed, json, "re-imports exactly");
}

#[test]
fn an_export_from_before_trees_imports_as_a_chain_and_a_parent_must_come_first() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let id = branched(&history);
    let mut value: serde_json::Value =
        serde_json::from_str(&history.export(&id, Format::Json).unwrap()).unwrap();
    let mut old = value.clone();
    for run in old["runs"].as_array_mut().unwrap() {
        run.as_object_mut().unwrap().remove("parent_run_id");
    }
    let imported = history.import_json(&old.to_string()).unwrap().id;
    let chain: Vec<bool> = history
        .get(&imported)
        .unwrap()
        .runs
        .windows(2)
        .map(|w| w[1].parent_run_id.as_deref() == Some(w[0].run_id.as_str()))
        .collect();
    assert_eq!(chain, [true; 5]);

    value["runs"][1]["parent_run_id"] = "c".into();
    match history.import_json(&value.to_string()) {
        Err(Error::Import(ImportError::Malformed(message))) => {
            assert!(message.contains("not an earlier run"), "{message}")
        }
        other => panic!("expected a malformed import, got {other:?}"),
    }
}

#[test]
fn a_database_from_before_trees_gets_each_run_continuing_the_one_before() {
    let (_dir, path) = older_database(
        2,
            "INSERT INTO conversations VALUES ('old', 'Old one', 1, 2, NULL);
             INSERT INTO conversations VALUES ('two', 'Two', 1, 2, NULL);
             INSERT INTO runs (run_id, conversation_id, position, prompt, started_at, reason)
                 VALUES ('r0', 'old', 0, 'p0', 1, 'completed'), ('s0', 'two', 0, 'q', 1, 'completed'),
                        ('r1', 'old', 1, 'p1', 1, 'completed'), ('r2', 'old', 2, 'p2', 1, 'completed');
             INSERT INTO messages VALUES ('r0', 0, '{\"role\":\"user\",\"text\":\"p0\"}'),
                 ('r1', 0, '{\"role\":\"user\",\"text\":\"p1\"}'), ('r2', 0, '{\"role\":\"user\",\"text\":\"p2\"}');",
    );
    let history = History::open(&path).unwrap();
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        parents(&history, "old"),
        [("r0".into(), None), ("r1".into(), some("r0")), ("r2".into(), some("r1"))]
    );
    assert_eq!(parents(&history, "two"), [("s0".into(), None)]);
    assert_eq!(history.messages("old").unwrap(), [user("p0"), user("p1"), user("p2")]);
}

#[test]
fn the_run_a_conversation_is_shown_at_is_kept_and_read_back_while_it_is_one_of_its_runs() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let id = branched(&history);
    assert_eq!(history.get(&id).unwrap().shown_run_id, None, "none recorded: the latest");
    let markdown = history.export(&id, Format::Markdown).unwrap();
    assert!(markdown.contains("first, edited?") && !markdown.contains("third?"), "{markdown}");
    history.show_run(&id, "c").unwrap();
    assert_eq!(history.get(&id).unwrap().shown_run_id.as_deref(), Some("c"));
    // Markdown and HTML export the branch on screen.
    let markdown = history.export(&id, Format::Markdown).unwrap();
    assert!(markdown.contains("third?") && !markdown.contains("first, edited?"), "{markdown}");
    // Read again from another connection: it is on disk.
    let again = History::open(dir.path().join("history.sqlite3")).unwrap();
    assert_eq!(again.get(&id).unwrap().shown_run_id.as_deref(), Some("c"));
    // A run named before its row is written (or another conversation's) is not given back.
    history.show_run(&id, "not-yet").unwrap();
    assert_eq!(history.get(&id).unwrap().shown_run_id, None);
    answered(&history, &id, "not-yet", "fifth?", "E", Parent::Run("d".into()));
    assert_eq!(history.get(&id).unwrap().shown_run_id.as_deref(), Some("not-yet"));
    // Not part of the conversation: a JSON export does not carry it.
    let json = history.export(&id, Format::Json).unwrap();
    assert!(!json.contains("shown_run_id"), "{json}");
    assert!(matches!(history.show_run("no-such", "c"), Err(Error::NotFound(_))));
}

#[test]
fn a_database_from_before_shown_runs_opens_with_none_recorded() {
    let (_dir, path) = older_database(
        4,
        "INSERT INTO conversations VALUES ('old', 'Old one', 1, 2, NULL);
         INSERT INTO runs (run_id, conversation_id, position, prompt, started_at, reason)
             VALUES ('r0', 'old', 0, 'p0', 1, 'completed');",
    );
    let history = History::open(&path).unwrap();
    assert_eq!(history.get("old").unwrap().shown_run_id, None);
    history.show_run("old", "r0").unwrap();
    assert_eq!(history.get("old").unwrap().shown_run_id.as_deref(), Some("r0"));
}
