//! Answering a run's tool calls over HTTP: a tool that asks first (`write_file`) approved with
//! edited arguments, or denied; a running call cancelled while the run goes on. The model is an
//! OpenAI-format server on 127.0.0.1 that calls the tool the prompt names, then answers.

#[path = "../../agent/tests/support/server.rs"]
mod server;
mod support;
#[path = "../../agent/tests/support/test_tools.rs"]
mod test_tools;

use std::time::Duration;

use serde_json::json;
use server::{Recorded, Reply, TestServer};
use support::{serve, session_of, SseEvent, SseReader, TOKEN};
use telltale_agent::Agent;
use telltale_serve::ServeConfig;
use test_tools::{tool, tools_in, Act};

/// The model: after a tool result, "Done."; otherwise a call of the tool the prompt starts with
/// (`write NAME` writes the file NAME; `slow` calls the slow tool).
fn model(_: usize, request: &Recorded) -> Reply {
    let messages = request.json()["messages"].as_array().unwrap().clone();
    let last = messages.last().unwrap();
    if last["role"] == "tool" {
        return Reply::openai_text("Done.");
    }
    let prompt = last["content"].as_str().unwrap_or_default().to_owned();
    match prompt.strip_prefix("write ") {
        Some(path) => Reply::openai_tool_call(
            "call_w",
            "write_file",
            &json!({"path": path, "content": "from the model"}),
        ),
        None => Reply::openai_tool_call("call_s", "slow", &json!({})),
    }
}

struct Setup {
    server: support::Server,
    dir: tempfile::TempDir,
    /// Kept for the test's length: the model answers as long as it lives.
    model: TestServer,
}

async fn setup() -> Setup {
    let model = TestServer::start(model).await;
    let dir = tempfile::tempdir().unwrap();
    let mut tools = tools_in(dir.path());
    tools.add(tool("slow", Act::Sleep(Duration::from_secs(600), "never")));
    let agent = Agent::new(support::openai_at(model.base_url()), tools, support::quiet());
    let server = serve(ServeConfig::new(session_of(agent), TOKEN.into())).await;
    Setup { server, dir, model }
}

/// Reads `reader` up to the first event of type `kind`.
async fn until(reader: &mut SseReader, kind: &str) -> SseEvent {
    loop {
        let event = reader.next().await.expect("the stream ended first");
        if event.event == kind {
            return event;
        }
    }
}

fn of_type<'a>(events: &'a [SseEvent], kind: &str) -> &'a SseEvent {
    events.iter().find(|event| event.event == kind).unwrap()
}

#[tokio::test]
async fn an_approval_answered_over_http_runs_the_call_with_the_edited_arguments() {
    let Setup { server, dir, model: _model } = setup().await;
    let (run_id, _) = server.create(json!({"prompt": "write a.txt"})).await;
    let mut reader = server.events(&run_id, None).await;
    let asked = until(&mut reader, "approval_required").await;
    assert_eq!(asked.data["name"], "write_file");
    let call_id = asked.data["call_id"].as_str().unwrap().to_owned();
    let path = format!("/v1/runs/{run_id}/approvals/{call_id}");
    let bad = server.post(&path, &json!({"approved": true, "args": "not an object"})).await;
    assert_eq!(bad.status(), 400);
    let edited = json!({"path": "a.txt", "content": "edited by the client"});
    let answered = server.post(&path, &json!({"approved": true, "args": edited})).await;
    assert_eq!(answered.status(), 200);
    assert_eq!(answered.json::<serde_json::Value>().await.unwrap(), json!({"tool": "write_file"}));
    let rest = reader.rest().await;
    let resolved = of_type(&rest, "approval_resolved");
    assert_eq!(
        (resolved.data["approved"].clone(), resolved.data["args"].clone()),
        (json!(true), edited)
    );
    assert_eq!(of_type(&rest, "tool_result").data["ok"], true);
    assert_eq!(rest.last().unwrap().data["reason"], "completed");
    let written = std::fs::read_to_string(dir.path().join("a.txt")).unwrap();
    assert_eq!(written, "edited by the client");
    let again = server.post(&path, &json!({"approved": true})).await;
    assert_eq!(again.status(), 404, "no longer waiting");
}

#[tokio::test]
async fn a_denied_call_never_runs_and_the_run_goes_on() {
    let Setup { server, dir, model: _model } = setup().await;
    let (run_id, _) = server.create(json!({"prompt": "write b.txt"})).await;
    let mut reader = server.events(&run_id, None).await;
    let call_id = until(&mut reader, "approval_required").await.data["call_id"].clone();
    let path = format!("/v1/runs/{run_id}/approvals/{}", call_id.as_str().unwrap());
    let mixed = server.post(&path, &json!({"approved": false, "always": true})).await;
    assert_eq!(mixed.status(), 400, "always goes with an approval");
    assert_eq!(server.post(&path, &json!({"approved": false})).await.status(), 200);
    let rest = reader.rest().await;
    assert_eq!(of_type(&rest, "approval_resolved").data["approved"], false);
    assert_eq!(of_type(&rest, "tool_result").data["ok"], false);
    assert_eq!(rest.last().unwrap().data["reason"], "completed");
    assert!(!dir.path().join("b.txt").exists());
    let unknown = format!("/v1/runs/{run_id}/approvals/nope");
    let unknown = server.post(&unknown, &json!({"approved": true})).await;
    assert_eq!(unknown.status(), 404, "the run has ended");
}

#[tokio::test]
async fn a_running_call_is_cancelled_over_http_and_the_run_finishes() {
    let Setup { server, model: _model, .. } = setup().await;
    let (run_id, _) = server.create(json!({"prompt": "slow"})).await;
    let mut reader = server.events(&run_id, None).await;
    let call = until(&mut reader, "tool_call").await;
    let call_id = call.data["call_id"].as_str().unwrap().to_owned();
    let unknown =
        server.post(&format!("/v1/runs/{run_id}/tool-calls/nope/cancel"), &json!({})).await;
    assert_eq!(unknown.status(), 404);
    let cancel = format!("/v1/runs/{run_id}/tool-calls/{call_id}/cancel");
    // The call registers as running just after its event: ask until it is.
    let mut status = server.post(&cancel, &json!({})).await.status();
    for _ in 0..500 {
        if status != 404 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        status = server.post(&cancel, &json!({})).await.status();
    }
    assert_eq!(status, 202);
    let rest = reader.rest().await;
    let result = of_type(&rest, "tool_result");
    assert_eq!(
        (result.data["call_id"].as_str(), result.data["ok"].as_bool()),
        (Some(call_id.as_str()), Some(false))
    );
    assert_eq!(rest.last().unwrap().data["reason"], "completed", "the run went on");
}
