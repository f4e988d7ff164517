//! `POST /v1/ag-ui` over real HTTP on 127.0.0.1: AG-UI events as `data:` lines from
//! `RUN_STARTED` to `RUN_FINISHED`, the thread as a conversation and the run as a run of the
//! same ids, and typed errors for what cannot run. (`e2e/ag-ui.serve.test.mjs` runs
//! `@ag-ui/client`'s `HttpAgent` against `telltale serve`.)

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::ag_ui::{answer, data_events, input, user};
use support::{start, TOKEN};

const LONG: Duration = Duration::from_secs(15);

async fn post(server: &support::Server, body: &Value) -> reqwest::Response {
    server
        .client
        .post(format!("{}/v1/ag-ui", server.base))
        .bearer_auth(TOKEN)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// Every AG-UI event of a response, parsed from its `data:` lines.
async fn events(response: reqwest::Response) -> Vec<Value> {
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    assert_eq!(response.headers()["x-accel-buffering"], "no");
    data_events(&response.text().await.unwrap())
}

#[tokio::test]
async fn a_run_streams_ag_ui_events_and_is_recorded_under_the_thread_and_run_ids() {
    let server = start(Duration::ZERO, Duration::ZERO, LONG).await;
    let events =
        events(post(&server, &input("thread-1", "run-1", json!([user("hello")]))).await).await;
    assert_eq!(
        events[0],
        json!({"type": "RUN_STARTED", "threadId": "thread-1", "runId": "run-1",
        "timestamp": events[0]["timestamp"], "metadata": {"provider": "offline", "model": "offline-demo"}})
    );
    let last = events.last().unwrap();
    assert_eq!(
        (&last["type"], &last["outcome"]),
        (&json!("RUN_FINISHED"), &json!({"type": "success"}))
    );
    let answer = answer(&events);
    assert!(!answer.is_empty());

    // Ended: the run of that id is read back from the history.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let replayed = server.events("run-1", None).await.rest().await;
    let recorded: String = replayed
        .iter()
        .filter(|event| event.event == "token")
        .map(|event| event.data["text"].as_str().unwrap())
        .collect();
    assert_eq!(answer, recorded);
}

#[tokio::test]
async fn a_reused_run_id_and_input_that_cannot_run_get_typed_errors() {
    let server = start(Duration::ZERO, Duration::ZERO, LONG).await;
    events(post(&server, &input("thread-2", "run-2", json!([user("hi")]))).await).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let again = post(&server, &input("thread-2", "run-2", json!([user("hi")]))).await;
    assert_eq!(again.status(), 409);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["code"], "busy");
    assert!(body["message"].as_str().unwrap().contains("runId of its own"), "{body}");

    let assistant_last = json!([user("hi"), {"id": "a", "role": "assistant", "content": "yo"}]);
    let refused = post(&server, &input("thread-3", "run-3", assistant_last)).await;
    assert_eq!(refused.status(), 400);
    let bad_ids = post(&server, &input("a thread", "run-4", json!([user("hi")]))).await;
    assert_eq!(bad_ids.status(), 400, "a thread id that cannot name a conversation");
    let missing = post(&server, &json!({ "threadId": "t", "messages": [] })).await;
    assert_eq!(missing.status(), 422, "runId is required");
}
