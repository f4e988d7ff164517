//! A front end answers approvals and cancels single tool calls through the session, by run id,
//! while the run streams and is recorded.

#[path = "../../agent/tests/support/scripted.rs"]
mod scripted;
#[path = "../../agent/tests/support/test_tools.rs"]
mod test_tools;

use std::sync::Arc;
use std::time::Duration;

use scripted::{call, Scripted, Step};
use serde_json::json;
use telltale_agent::{Agent, AgentConfig, Decision};
use telltale_history::History;
use telltale_protocol::{EventKind, FinishReason};
use telltale_session::{AgentSlot, RunRequest, Session, SessionError, Store};
use test_tools::tools_in;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_is_answered_through_the_session_by_run_and_call_id() {
    let dir = tempfile::tempdir().unwrap();
    let provider = Arc::new(Scripted::new(vec![
        Step::Calls(vec![call("w1", "write_file", json!({"path": "a.txt", "content": "hi"}))]),
        Step::Answer("Written."),
    ]));
    let config = AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() };
    let agent = Agent::new(provider, tools_in(dir.path()), config);
    let slot = AgentSlot::new(Arc::new(agent), "scripted".into());
    let store = Store::on_disk(History::open_in_memory().unwrap());
    let session = Session::new(slot, store, tokio::runtime::Handle::current());

    let request = RunRequest {
        new_conversation: true,
        ..RunRequest::in_conversation("conv-1".into(), "run-1".into(), "write it".into())
    };
    let mut started = session.start_run(request).unwrap();
    let mut kinds = Vec::new();
    while let Some(event) = started.events.recv().await {
        if let EventKind::ApprovalRequired { call_id, .. } = &event.kind {
            let wrong = session.resolve_approval("run-x", call_id, Decision::Deny);
            assert!(matches!(wrong, Err(SessionError::NotFound(_))), "{wrong:?}");
            let not_waiting = session.resolve_approval("run-1", "nope", Decision::Deny);
            assert!(matches!(not_waiting, Err(SessionError::NotFound(_))), "{not_waiting:?}");
            let running = session.cancel_tool_call("run-1", "nope");
            assert!(matches!(running, Err(SessionError::NotFound(_))), "{running:?}");
            let approve = Decision::Approve { args: None, always: false };
            assert_eq!(session.resolve_approval("run-1", call_id, approve).unwrap(), "write_file");
        }
        kinds.push(event.kind);
    }
    let summary = started.finished.await.unwrap();
    assert_eq!(summary.reason, FinishReason::Completed);
    assert_eq!(std::fs::read_to_string(dir.path().join("a.txt")).unwrap(), "hi");
    assert!(kinds.iter().any(|k| matches!(k, EventKind::ApprovalResolved { approved: true, .. })));
    assert!(kinds.iter().any(|k| matches!(k, EventKind::ToolResult { ok: true, .. })));
}
