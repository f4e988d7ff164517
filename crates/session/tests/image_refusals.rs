//! A model that refused images once is refused them at once afterwards: an OpenAI-compatible
//! server on 127.0.0.1 refuses every request that carries an image (as a model without vision
//! does) and answers the others; the session sends it a request with an image once only.

#[path = "../../agent/tests/support/server.rs"]
mod server;
#[path = "support/sessions.rs"]
mod sessions;

use std::sync::Arc;

use serde_json::json;
use server::{Reply, TestServer};
use sessions::session_over;
use telltale_agent::providers::OpenAiProvider;
use telltale_agent::{Agent, AgentConfig, ToolRegistry};
use telltale_history::History;
use telltale_protocol::{Attachment, ErrorCode, EventKind};
use telltale_session::{RunRequest, Session, Store};

/// A server whose model takes no images, as llama.cpp's server answers without a projector.
async fn server_without_vision() -> TestServer {
    let refusal = json!({"error": {"message": "image input is not supported by this model"}});
    TestServer::start(move |_, request| {
        match String::from_utf8_lossy(&request.body).contains("\"image_url\"") {
            true => Reply::json(400, &refusal),
            false => Reply::openai_text("Hello."),
        }
    })
    .await
}

fn image() -> Attachment {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/attachments/red.png");
    Attachment::new("red.png", std::fs::read(path).unwrap()).unwrap()
}

/// Runs `request` to its end: the code and message of its error, if it failed.
async fn error_of(session: &Session, request: RunRequest) -> Option<(ErrorCode, String)> {
    let started = session.start_run(request).unwrap();
    let mut events = started.events;
    let mut error = None;
    while let Some(event) = events.recv().await {
        if let EventKind::Error { code, message, .. } = event.kind {
            error = Some((code, message));
        }
    }
    started.finished.await.unwrap();
    error
}

fn with_image(conversation: &str, run: &str, new_conversation: bool) -> RunRequest {
    RunRequest {
        attachments: vec![image()],
        new_conversation,
        ..RunRequest::in_conversation(conversation.into(), run.into(), "What is this?".into())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_that_refused_images_is_refused_them_before_anything_is_sent() {
    let server = server_without_vision().await;
    let provider = OpenAiProvider::new(&server.base_url(), "text-only", None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::on_disk(History::open(dir.path().join("h.sqlite3")).unwrap());
    let session = session_over(Arc::new(provider), "no vision", store);

    // The first run is sent, and refused by the server.
    let (code, message) = error_of(&session, with_image("c1", "r1", true)).await.unwrap();
    assert_eq!(code, ErrorCode::ModelTakesNoImages, "{message}");
    assert!(message.contains("image input is not supported"), "{message}");
    assert_eq!(server.requests().len(), 1);

    // The next prompt with an image is refused before anything is sent, in a new conversation…
    let (code, message) = error_of(&session, with_image("c2", "r2", true)).await.unwrap();
    assert_eq!(code, ErrorCode::ModelTakesNoImages, "{message}");
    assert!(message.contains("\"text-only\""), "{message}");
    assert!(message.contains("nothing was sent"), "{message}");
    assert!(message.contains("vision model"), "{message}");
    assert_eq!(server.requests().len(), 1);

    // …and a prompt without one, in a conversation whose earlier prompt carries one, too.
    let follow_up = RunRequest::in_conversation("c1".into(), "r3".into(), "Well?".into());
    let (code, _) = error_of(&session, follow_up).await.unwrap();
    assert_eq!(code, ErrorCode::ModelTakesNoImages);
    assert_eq!(server.requests().len(), 1);

    // A run without images to the same model goes through.
    let plain = RunRequest {
        new_conversation: true,
        ..RunRequest::in_conversation("c3".into(), "r4".into(), "Hi".into())
    };
    assert_eq!(error_of(&session, plain).await, None);
    assert_eq!(server.requests().len(), 2);

    // Another model at the same server is asked: only the model that refused is remembered.
    let other = OpenAiProvider::new(&server.base_url(), "other-model", None).unwrap();
    let agent = Agent::new(Arc::new(other), ToolRegistry::default(), AgentConfig::default());
    let request = RunRequest { agent: Some(Arc::new(agent)), ..with_image("c4", "r5", true) };
    let (code, message) = error_of(&session, request).await.unwrap();
    assert_eq!(code, ErrorCode::ModelTakesNoImages);
    assert!(message.contains("image input is not supported"), "{message}");
    assert_eq!(server.requests().len(), 3);
}
