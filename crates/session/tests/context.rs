//! A new conversation that starts with messages of its own (an AG-UI client's earlier messages):
//! the provider gets them before the prompt, the history records them as the first run's, and
//! the conversation's next run sends them again. Only a new conversation takes them.

#[path = "../../agent/tests/support/server.rs"]
mod server;
#[path = "support/sessions.rs"]
mod sessions;

use std::sync::Arc;

use serde_json::json;
use server::{Reply, TestServer};
use sessions::session_over;
use telltale_agent::providers::{ApiKey, OpenAiProvider};
use telltale_history::History;
use telltale_protocol::{Message, ToolCall};
use telltale_session::{RunRequest, Session, SessionError, Store};

fn context() -> Vec<Message> {
    vec![
        Message::user("My name is Ada. What is 6 * 7?"),
        Message::assistant(
            String::new(),
            vec![ToolCall {
                call_id: "c1".into(),
                name: "calculator".into(),
                args: json!({"expression": "6 * 7"}),
            }],
        ),
        Message::Tool {
            call_id: "c1".into(),
            name: "calculator".into(),
            ok: true,
            output: "42".into(),
        },
        Message::assistant("42, Ada.", vec![]),
    ]
}

/// An OpenAI-compatible server answering `text`, and a session whose agent asks it.
async fn session_answering(text: &str) -> (TestServer, Session) {
    let server = TestServer::always(Reply::openai_text(text)).await;
    let provider = OpenAiProvider::new(&server.base_url(), "gpt-test", Some(ApiKey::new("k")));
    let store = Store::on_disk(History::open_in_memory().unwrap());
    let session = session_over(Arc::new(provider.unwrap()), "context", store);
    (server, session)
}

async fn run_to_end(session: &Session, request: RunRequest) {
    let started = session.start_run(request).unwrap();
    let mut events = started.events;
    while events.recv().await.is_some() {}
    assert_eq!(started.finished.await.unwrap().history_error, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_conversation_sends_and_records_its_context_before_the_prompt() {
    let (server, session) = session_answering("Your name is Ada.").await;

    let first = RunRequest {
        new_conversation: true,
        context: context(),
        ..RunRequest::in_conversation("c".into(), "r1".into(), "What is my name?".into())
    };
    run_to_end(&session, first).await;
    let sent = server.requests()[0].json()["messages"].clone();
    let roles: Vec<&str> =
        sent.as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["user", "assistant", "tool", "assistant", "user"], "{sent}");
    assert_eq!(sent[4]["content"], "What is my name?");

    let recorded = session.store().lock().unwrap().messages("c").unwrap();
    let mut expected = context();
    expected.push(Message::user("What is my name?"));
    expected.push(Message::assistant("Your name is Ada.", vec![]));
    assert_eq!(recorded, expected);
    let detail = session.store().lock().unwrap().get("c").unwrap();
    assert_eq!(detail.runs[0].prompt, "What is my name?", "the run's prompt is the prompt alone");

    run_to_end(&session, RunRequest::in_conversation("c".into(), "r2".into(), "And?".into())).await;
    let again = server.requests()[1].json()["messages"].as_array().unwrap().len();
    assert_eq!(again, 7, "the next run sends the context, the first run and its prompt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_new_conversation_takes_a_context() {
    let (_server, session) = session_answering("ok").await;
    let request = RunRequest {
        context: context(),
        ..RunRequest::in_conversation("c".into(), "r1".into(), "hi".into())
    };
    let refused = session.start_run(request).unwrap_err();
    assert!(matches!(refused, SessionError::InvalidRequest(_)), "{refused:?}");
}
