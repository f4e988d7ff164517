//! Files attached to prompts: stored once per content with their conversation, read back whole,
//! exported (JSON base64 and re-imported exactly, HTML embedding images, Markdown listing them)
//! and deleted with the conversation; a database from before attachments is migrated.

mod support;

use rusqlite::Connection;
use support::{events, finished, open, token, T0};
use telltale_history::{AttachmentInfo, Error, Format, History};
use telltale_protocol::{Attachment, AttachmentKind, FinishReason, Message};

fn fixture(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/attachments/");
    std::fs::read(format!("{path}{name}")).expect("the fixture")
}

fn png() -> Attachment {
    Attachment::new("red.png", fixture("red.png")).expect("an image")
}

fn prompt(text: &str, attachments: Vec<Attachment>) -> Message {
    Message::User { text: text.into(), attachments }
}

/// Records a completed run whose prompt is `message`.
fn record_prompt(history: &History, conversation: &str, run_id: &str, message: &Message) {
    let Message::User { text, .. } = message else { panic!("a prompt") };
    let recorder = history.start_run(conversation, run_id, text).expect("starts");
    for event in events(run_id, T0, vec![token("Seen."), finished(FinishReason::Completed)]) {
        recorder.record(&event);
    }
    recorder.record_message(message);
    recorder.record_message(&Message::assistant("Seen.", vec![]));
    recorder.finish().expect("finishes");
}

/// Two runs: an image and a PDF, then the same image (another name) and a code file.
fn conversation_with_files(history: &History) -> (String, Vec<Message>) {
    let id = history.create_conversation("Files").expect("created").id;
    let first = prompt(
        "What is this?",
        vec![png(), Attachment::new("report.pdf", fixture("report.pdf")).expect("a PDF")],
    );
    let again = Attachment::new("same-red.png", fixture("red.png")).expect("an image");
    let code = Attachment::new("main.rs", &b"fn main() {}\n"[..]).expect("text");
    let second = prompt("And these?", vec![again, code]);
    record_prompt(history, &id, "run-1", &first);
    record_prompt(history, &id, "run-2", &second);
    (id, vec![first, second])
}

/// A history on disk (in the folder returned with it) holding [`conversation_with_files`]: its
/// id and its two prompts.
fn history_with_files() -> (tempfile::TempDir, History, String, Vec<Message>) {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let (id, prompts) = conversation_with_files(&history);
    (dir, history, id, prompts)
}

fn stored_files(history: &History) -> i64 {
    let conn = Connection::open(history.path()).expect("opens");
    conn.query_row("SELECT count(*) FROM attachments", [], |r| r.get(0)).expect("counts")
}

#[test]
fn files_are_stored_once_per_content_and_read_back_whole() {
    let (_dir, history, id, prompts) = history_with_files();
    assert_eq!(stored_files(&history), 3, "the image twice is stored once");

    let messages = history.messages(&id).expect("messages");
    assert_eq!(messages[0], prompts[0]);
    assert_eq!(messages[2], prompts[1]);

    let runs = history.get(&id).expect("the conversation").runs;
    let names: Vec<&str> = runs[1].attachments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["same-red.png", "main.rs"]);
    assert_eq!(runs[0].attachments[0], AttachmentInfo::of(&png()));
    assert_eq!(runs[0].attachments[1].kind, AttachmentKind::Pdf);
    let sha = &runs[0].attachments[0].sha256;
    assert_eq!(runs[1].attachments[0].sha256, *sha, "content-addressed");
    assert_eq!(history.attachment_data(&id, sha).expect("the bytes"), fixture("red.png"));
}

#[test]
fn json_exports_carry_files_as_base64_and_reimport_exactly() {
    let (_dir, history, id, prompts) = history_with_files();
    let json = history.export(&id, Format::Json).expect("exports");
    let file: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let first = &file["messages"][0]["attachments"][0];
    assert_eq!(first["name"], "red.png");
    assert_eq!(first["data"], png().base64());

    let imported = history.import_json(&json).expect("imports");
    assert_eq!(history.messages(&imported.id).expect("messages")[2], prompts[1]);
    assert_eq!(stored_files(&history), 6, "the copy has its own files");
    // The import has new run ids; everything else is the same, every file byte for byte.
    let without_run_ids = |json: &str| {
        let mut file: serde_json::Value = serde_json::from_str(json).expect("JSON");
        let messages = file["messages"].as_array_mut().expect("messages");
        messages.iter_mut().for_each(|m| m["run_id"] = serde_json::Value::Null);
        file["messages"].take()
    };
    let again = history.export(&imported.id, Format::Json).expect("exports");
    assert_eq!(without_run_ids(&again), without_run_ids(&json));
}

#[test]
fn html_embeds_images_and_markdown_lists_the_files() {
    let (_dir, history, id, _) = history_with_files();
    let html = history.export(&id, Format::Html).expect("HTML");
    let url = format!("data:image/png;base64,{}", png().base64());
    assert!(html.contains(&format!("<img src=\"{url}\" alt=\"red.png (image/png, 73 bytes)\"")));
    assert!(html.contains("<span class=\"file\">report.pdf (application/pdf, 635 bytes)</span>"));
    assert!(html.contains("img-src data:"), "the page's policy lets the images show");

    let markdown = history.export(&id, Format::Markdown).expect("Markdown");
    assert!(markdown.contains(
        "Attached files:\n\n- red.png (image/png, 73 bytes)\n- report.pdf (application/pdf, 635 bytes)\n"
    ));
    assert!(markdown.contains("- main.rs (text/plain, 13 bytes)"));
}

#[test]
fn files_go_with_their_conversation_when_it_is_purged() {
    let (_dir, history, id, _) = history_with_files();
    let other = history.create_conversation("Kept").expect("created").id;
    record_prompt(&history, &other, "run-3", &prompt("Keep", vec![png()]));
    history.delete(&id).expect("deletes");
    assert_eq!(stored_files(&history), 4, "a deleted conversation can come back with its files");
    history.purge_deleted(T0 + 1).expect("purges");
    assert_eq!(stored_files(&history), 1, "only the kept conversation's image is left");
    assert_eq!(history.messages(&other).expect("messages")[0], prompt("Keep", vec![png()]));
}

#[test]
fn a_database_from_before_attachments_is_migrated_and_reads_as_before() {
    let (_dir, path) = support::older_database(
        3,
        "INSERT INTO conversations VALUES ('old', 'Old one', 1, 2, NULL);
         INSERT INTO runs (run_id, conversation_id, position, prompt, started_at, reason)
             VALUES ('r0', 'old', 0, 'p0', 1, 'completed');
         INSERT INTO messages VALUES ('r0', 0, '{\"role\":\"user\",\"text\":\"p0\"}');",
    );
    let history = History::open(&path).expect("migrates");
    assert_eq!(history.messages("old").expect("messages"), [Message::user("p0")]);
    assert!(history.get("old").expect("the conversation").runs[0].attachments.is_empty());
    record_prompt(&history, "old", "r1", &prompt("now with a file", vec![png()]));
    assert_eq!(stored_files(&history), 1);
}

#[test]
fn an_export_whose_files_pass_64_mib_as_base64_imports_whole() {
    let (dir, history, _, _) = history_with_files();
    let id = history.create_conversation("Reports").expect("created").id;
    // One PDF at its 20 MB limit in four prompts: the export carries each prompt's copy.
    let mut data = b"%PDF-1.4\n".to_vec();
    data.resize(AttachmentKind::Pdf.limit() as usize, b'%');
    let pdf = Attachment::new("book.pdf", data).expect("a PDF at its limit");
    let prompts: Vec<Message> =
        (1..=4).map(|n| prompt(&format!("Chapter {n}?"), vec![pdf.clone()])).collect();
    for (n, message) in prompts.iter().enumerate() {
        record_prompt(&history, &id, &format!("big-{n}"), message);
    }
    let json = history.export(&id, Format::Json).expect("exports");
    assert!(json.len() > 64 << 20, "{} bytes", json.len());
    let path = dir.path().join("reports.json");
    std::fs::write(&path, &json).expect("written");

    let imported = history.import_file(&path).expect("imports");
    let messages = history.messages(&imported.id).expect("messages");
    let read_prompts: Vec<&Message> = messages.iter().step_by(2).collect();
    assert_eq!(read_prompts, prompts.iter().collect::<Vec<_>>());
}

#[test]
fn a_json_export_larger_than_import_takes_is_refused_with_its_size_and_the_limit() {
    let (_dir, history, id, _) = history_with_files();
    let json = history.export(&id, Format::Json).expect("exports");
    let size = json.len() as u64;
    // At the limit the export is whole and the same as `export`'s.
    assert_eq!(history.export_json_within(&id, size).expect("fits"), json);
    match history.export_json_within(&id, size - 1) {
        Err(error @ Error::ExportTooLarge { .. }) => {
            let Error::ExportTooLarge { size: told, limit } = error else { unreachable!() };
            assert_eq!((told, limit), (size, size - 1));
            assert_eq!(error.code(), Some("export_too_large"));
            assert!(error.to_string().contains("export it as Markdown or HTML"), "{error}");
        }
        other => panic!("expected ExportTooLarge, got {other:?}"),
    }
    // The message names sizes in MiB.
    let error = Error::ExportTooLarge { size: 600 << 20, limit: 512 << 20 };
    assert!(error
        .to_string()
        .starts_with("the JSON export would be 600.0 MiB, more than the 512 MiB"));
    // Markdown and HTML are not JSON and not limited by import.
    assert!(history.export(&id, Format::Markdown).is_ok());
}
