//! A prompt's files through the session: the provider (an OpenAI-compatible server on 127.0.0.1
//! that keeps every request) gets them in the prompt's message, the history records them with
//! the run and gives them back when the conversation is opened again, and the next run of the
//! conversation sends them again; a file read by its path is checked before anything is sent.

#[path = "../../agent/tests/support/server.rs"]
mod server;
#[path = "support/sessions.rs"]
mod sessions;

use std::sync::Arc;

use server::{Reply, TestServer};
use sessions::session_over;
use telltale_agent::providers::OpenAiProvider;
use telltale_history::History;
use telltale_protocol::{Attachment, AttachmentKind, Message};
use telltale_session::{read_attachment, RunRequest, Session, SessionError, Store};

fn fixture_path(name: &str) -> std::path::PathBuf {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/attachments/");
    std::path::Path::new(dir).join(name)
}

async fn run_to_end(session: &Session, request: RunRequest) {
    let started = session.start_run(request).unwrap();
    let mut events = started.events;
    while events.recv().await.is_some() {}
    assert_eq!(started.finished.await.unwrap().history_error, None);
}

fn image_url(body: &serde_json::Value, message: usize) -> Option<String> {
    let parts = body["messages"][message]["content"].as_array()?;
    let part = parts.iter().find(|p| p["type"] == "image_url")?;
    part["image_url"]["url"].as_str().map(str::to_owned)
}

async fn attachments_reach_the_provider_and_the_history(new_conversation: bool) {
    let server = TestServer::always(Reply::openai_text("A red square.")).await;
    let provider = OpenAiProvider::new(&server.base_url(), "gpt-test", None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::on_disk(History::open(dir.path().join("h.sqlite3")).unwrap());
    let session = session_over(Arc::new(provider), "attachments", store);
    let image = read_attachment(&fixture_path("red.png")).unwrap();
    let notes = Attachment::new("notes.txt", &b"red, square"[..]).unwrap();

    let first = RunRequest {
        attachments: vec![image.clone(), notes.clone()],
        new_conversation,
        ..RunRequest::in_conversation("c".into(), "r1".into(), "What is this?".into())
    };
    run_to_end(&session, first).await;
    let body = server.requests()[0].json();
    let expected_url = format!("data:image/png;base64,{}", image.base64());
    assert_eq!(image_url(&body, 0), Some(expected_url.clone()), "{body}");
    let parts = body["messages"][0]["content"].as_array().unwrap();
    assert!(parts.iter().any(|p| p["text"].as_str().is_some_and(|t| t.contains("red, square"))));
    assert!(parts.iter().any(|p| p["text"] == "What is this?"), "{body}");

    // Opened again: the run lists its files, and the prompt's message has their bytes.
    let reopened = Session::new(
        session.agent().clone(),
        Store::on_disk(History::open(dir.path().join("h.sqlite3")).unwrap()),
        tokio::runtime::Handle::current(),
    );
    let detail = reopened.store().lock().unwrap().get("c").unwrap();
    let listed: Vec<(&str, AttachmentKind)> =
        detail.runs[0].attachments.iter().map(|a| (a.name.as_str(), a.kind)).collect();
    assert_eq!(listed, [("red.png", AttachmentKind::Image), ("notes.txt", AttachmentKind::Text)]);
    let messages = reopened.store().lock().unwrap().messages("c").unwrap();
    let expected = Message::User { text: "What is this?".into(), attachments: vec![image, notes] };
    assert_eq!(messages[0], expected);

    // The next run sends the conversation's files again, with its own prompt as plain text.
    let next = RunRequest::in_conversation("c".into(), "r2".into(), "And its size?".into());
    run_to_end(&reopened, next).await;
    let body = server.requests()[1].json();
    assert_eq!(image_url(&body, 0), Some(expected_url), "{body}");
    assert_eq!(body["messages"][2]["content"], "And its size?");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_conversations_files_reach_the_provider_and_the_history() {
    attachments_reach_the_provider_and_the_history(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_in_a_conversation_read_from_the_history_first_do_too() {
    attachments_reach_the_provider_and_the_history(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_alone_are_a_prompt_and_nothing_at_all_is_refused() {
    let server = TestServer::always(Reply::openai_text("A red square.")).await;
    let provider = OpenAiProvider::new(&server.base_url(), "gpt-test", None).unwrap();
    let store = Store::on_disk(History::open_in_memory().unwrap());
    let session = session_over(Arc::new(provider), "attachments", store);

    let nothing = RunRequest::in_conversation("c".into(), "r1".into(), "  ".into());
    let refused = session.start_run(nothing).unwrap_err();
    assert!(matches!(refused, SessionError::InvalidRequest(_)), "{refused:?}");
    assert!(server.requests().is_empty(), "nothing was sent");

    let image = read_attachment(&fixture_path("red.png")).unwrap();
    let files_alone = RunRequest {
        attachments: vec![image],
        ..RunRequest::in_conversation("c".into(), "r1".into(), String::new())
    };
    run_to_end(&session, files_alone).await;
    let body = server.requests()[0].json();
    assert!(image_url(&body, 0).is_some(), "{body}");
}
