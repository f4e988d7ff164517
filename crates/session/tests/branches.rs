//! Branches through the session: a run continues the conversation's latest run by default, or
//! the run it names (a new branch), or none (a new first turn); what the provider is sent (an
//! OpenAI-compatible server on 127.0.0.1 that keeps every request) is that branch only.

#[path = "../../agent/tests/support/server.rs"]
mod server;
#[path = "support/sessions.rs"]
mod sessions;

use std::sync::Arc;

use server::{Reply, TestServer};
use sessions::session_over;
use telltale_agent::providers::OpenAiProvider;
use telltale_history::History;
use telltale_protocol::{EventKind, FinishReason};
use telltale_session::{Parent, RunRequest, Session, SessionError, Store};

fn session(base_url: &str, store: Store) -> Session {
    let provider = OpenAiProvider::new(base_url, "gpt-test", None).unwrap();
    session_over(Arc::new(provider), "branches", store)
}

/// Runs `prompt` as run `run_id` of conversation "c", continuing `parent`, to its end.
async fn run(session: &Session, run_id: &str, prompt: &str, parent: Parent) -> FinishReason {
    let request = RunRequest {
        parent,
        ..RunRequest::in_conversation("c".into(), run_id.into(), prompt.into())
    };
    let mut started = session.start_run(request).unwrap();
    let mut reason = None;
    while let Some(event) = started.events.recv().await {
        if let EventKind::RunFinished { reason: r, .. } = event.kind {
            reason = Some(r);
        }
    }
    started.finished.await.unwrap();
    reason.unwrap()
}

/// The (role, content) pairs of the `n`th request.
fn sent(server: &TestServer, n: usize) -> Vec<(String, String)> {
    let body = server.requests()[n].json();
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (m["role"].as_str().unwrap().to_owned(), m["content"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn said(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(role, text)| (role.to_string(), text.to_string())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_sends_the_branch_it_continues_and_nothing_of_the_others() {
    let server = TestServer::start(|n, _| Reply::openai_text(&format!("answer {n}"))).await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::on_disk(History::open(dir.path().join("h.sqlite3")).unwrap());
    let session = session(&server.base_url(), store.clone());

    assert_eq!(run(&session, "r1", "one?", Parent::Latest).await, FinishReason::Completed);
    assert_eq!(run(&session, "r2", "two?", Parent::Latest).await, FinishReason::Completed);
    assert_eq!(
        sent(&server, 1),
        said(&[("user", "one?"), ("assistant", "answer 0"), ("user", "two?")])
    );
    // "two?" again from r1: a new branch beside r2, which the provider does not see.
    run(&session, "r3", "two, again?", Parent::Run("r1".into())).await;
    assert_eq!(
        sent(&server, 2),
        said(&[("user", "one?"), ("assistant", "answer 0"), ("user", "two, again?")])
    );
    // With no parent named, the run continues the latest run: r3's branch.
    run(&session, "r4", "three?", Parent::Latest).await;
    assert_eq!(
        sent(&server, 3),
        said(&[
            ("user", "one?"),
            ("assistant", "answer 0"),
            ("user", "two, again?"),
            ("assistant", "answer 2"),
            ("user", "three?"),
        ])
    );
    // Back on r2's branch.
    run(&session, "r5", "three, after two?", Parent::Run("r2".into())).await;
    assert_eq!(sent(&server, 4)[3], ("assistant".into(), "answer 1".into()));
    assert_eq!(sent(&server, 4).len(), 5);
    // A new first turn sends its prompt alone.
    run(&session, "r6", "one, edited?", Parent::Root).await;
    assert_eq!(sent(&server, 5), said(&[("user", "one, edited?")]));

    let parents: Vec<_> = store
        .lock()
        .unwrap()
        .get("c")
        .unwrap()
        .runs
        .into_iter()
        .map(|r| (r.run_id, r.parent_run_id.unwrap_or_default()))
        .collect();
    let expected = [("r1", ""), ("r2", "r1"), ("r3", "r1"), ("r4", "r3"), ("r5", "r2"), ("r6", "")];
    assert_eq!(parents, expected.map(|(r, p)| (r.to_owned(), p.to_owned())));

    // A parent that is not a run of the conversation: nothing is sent, and the error says so.
    assert_eq!(run(&session, "r7", "lost?", Parent::Run("nope".into())).await, FinishReason::Error);
    assert_eq!(server.requests().len(), 6);
    assert_eq!(store.lock().unwrap().get("c").unwrap().runs.len(), 6, "nothing recorded");

    let new = RunRequest {
        new_conversation: true,
        parent: Parent::Run("r1".into()),
        ..RunRequest::in_conversation("c2".into(), "r8".into(), "p".into())
    };
    assert!(matches!(session.start_run(new), Err(SessionError::InvalidRequest(_))));
}
