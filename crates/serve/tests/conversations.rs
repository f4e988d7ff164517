//! `GET /v1/conversations` and `GET /v1/conversations/{id}` over real HTTP: the runs the server
//! made, read back from its history.

mod support;

use std::time::Duration;

use support::{start, TOKEN};

#[tokio::test]
async fn the_conversations_runs_and_events_read_back_as_they_streamed() {
    let server = start(Duration::ZERO, Duration::ZERO, Duration::from_secs(15)).await;
    let (run_id, conversation_id) =
        server.create(serde_json::json!({ "prompt": "hello there" })).await;
    let streamed = server.events(&run_id, None).await.rest().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let get = |path: String| server.client.get(format!("{}{path}", server.base)).bearer_auth(TOKEN);

    let list: serde_json::Value =
        get("/v1/conversations".into()).send().await.unwrap().json().await.unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], conversation_id.as_str());
    assert_eq!(list[0]["title"], "hello there");

    let detail: serde_json::Value = get(format!("/v1/conversations/{conversation_id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let run = &detail["runs"][0];
    assert_eq!(run["run_id"], run_id.as_str());
    assert_eq!(run["status"], "completed");
    let events: Vec<_> = streamed.iter().map(|event| event.data.clone()).collect();
    assert_eq!(run["events"].as_array().unwrap(), &events);

    let missing = get("/v1/conversations/nope".into()).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let unauthorised =
        server.client.get(format!("{}/v1/conversations", server.base)).send().await.unwrap();
    assert_eq!(unauthorised.status(), 401);
}
