//! What the browser UI needs besides runs, over real HTTP: the runs in progress, the provider
//! and the history's status, a chat started with the client's own ids, rename, delete and
//! restore, search, the run a conversation is shown at.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{start, TOKEN};

#[tokio::test]
async fn a_client_lists_runs_in_progress_and_edits_and_searches_the_history() {
    // The demo thinks for ten minutes: the run stays in progress until it is cancelled.
    let server = start(Duration::from_secs(600), Duration::ZERO, Duration::from_secs(15)).await;
    let url = |path: &str| format!("{}{path}", server.base);
    let get = |path: &str| server.client.get(url(path)).bearer_auth(TOKEN);
    let json = |request: reqwest::RequestBuilder| async move {
        request.send().await.unwrap().json::<Value>().await.unwrap()
    };

    let body = json!({"prompt": "hello there", "conversation_id": "c-mine", "run_id": "r-mine", "root": true});
    assert_eq!(server.create(body).await, ("r-mine".to_owned(), "c-mine".to_owned()));
    assert_eq!(
        json(get("/v1/runs")).await,
        json!([{"run_id": "r-mine", "conversation_id": "c-mine"}])
    );
    let cancel = server.client.post(url("/v1/runs/r-mine/cancel")).bearer_auth(TOKEN);
    assert_eq!(cancel.send().await.unwrap().status(), 202);
    // A run leaves the list once it has ended and is recorded.
    while json(get("/v1/runs")).await != json!([]) {
        tokio::task::yield_now().await;
    }

    assert_eq!(json(get("/v1/info")).await["provider"], "offline");
    let status = json(get("/v1/history/status")).await;
    assert_eq!((status["enabled"].clone(), status["saved"].clone()), (json!(true), json!(false)));

    let hits = json(get("/v1/search?q=hello")).await;
    assert_eq!(hits[0]["conversation_id"], "c-mine");
    let patch = |title: &str| {
        server
            .client
            .patch(url("/v1/conversations/c-mine"))
            .bearer_auth(TOKEN)
            .json(&json!({"title": title}))
    };
    assert_eq!(patch("Greetings").send().await.unwrap().status(), 204);
    assert_eq!(patch("  ").send().await.unwrap().status(), 400);
    assert_eq!(json(get("/v1/conversations")).await[0]["title"], "Greetings");

    let delete = server.client.delete(url("/v1/conversations/c-mine")).bearer_auth(TOKEN);
    assert_eq!(delete.send().await.unwrap().status(), 204);
    assert_eq!(json(get("/v1/conversations")).await, json!([]));
    let restore = server.client.post(url("/v1/conversations/c-mine/restore")).bearer_auth(TOKEN);
    assert_eq!(restore.send().await.unwrap().status(), 204);
    assert_eq!(json(get("/v1/conversations")).await[0]["id"], "c-mine");

    // The run the window shows it at: given back with the conversation, once it names one of its runs.
    let show = |conversation: &str, run: &str| {
        server
            .client
            .put(url(&format!("/v1/conversations/{conversation}/shown")))
            .bearer_auth(TOKEN)
            .json(&json!({"run_id": run}))
    };
    assert_eq!(json(get("/v1/conversations/c-mine")).await.get("shown_run_id"), None);
    assert_eq!(show("c-mine", "r-mine").send().await.unwrap().status(), 204);
    assert_eq!(json(get("/v1/conversations/c-mine")).await["shown_run_id"], "r-mine");
    assert_eq!(show("c-other", "r-mine").send().await.unwrap().status(), 404);

    let rootless = json!({"prompt": "hi", "root": true});
    let refused = server.client.post(url("/v1/runs")).bearer_auth(TOKEN).json(&rootless);
    assert_eq!(refused.send().await.unwrap().status(), 400);
}
