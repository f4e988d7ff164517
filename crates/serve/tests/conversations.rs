//! `GET /v1/conversations` and `GET /v1/conversations/{id}` over real HTTP: the runs the server
//! made, read back from its history.

mod support;

use std::time::Duration;

use support::{start, TOKEN};
use telltale_history::Format;
use telltale_serve::ServeConfig;

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

#[tokio::test]
async fn a_conversation_exports_as_telltale_export_writes_it_with_its_content_type() {
    let session = support::offline_session(Duration::ZERO, Duration::ZERO);
    let server = support::serve(ServeConfig::new(session.clone(), TOKEN.into())).await;
    let (first, conversation_id) = server.create(serde_json::json!({ "prompt": "hello" })).await;
    server.finish(&first).await;
    let body = serde_json::json!({ "prompt": "and again", "conversation_id": conversation_id });
    let (second, _) = server.create(body).await;
    server.finish(&second).await;
    let (third, _) =
        server.create(serde_json::json!({ "prompt": "once more", "parent_run_id": first })).await;
    server.finish(&third).await;

    let export = |query: String| {
        let url = format!("{}/v1/conversations/{conversation_id}/export?{query}", server.base);
        server.client.get(url).bearer_auth(TOKEN).send()
    };
    let cases = [
        ("format=json".to_owned(), Format::Json, None, "application/json"),
        ("format=markdown".to_owned(), Format::Markdown, None, "text/markdown; charset=utf-8"),
        ("format=html".to_owned(), Format::Html, None, "text/html; charset=utf-8"),
        (
            format!("format=md&run_id={second}"),
            Format::Markdown,
            Some(second.clone()),
            "text/markdown; charset=utf-8",
        ),
    ];
    for (query, format, leaf, content_type) in cases {
        let response = export(query.clone()).await.unwrap();
        assert_eq!(response.status(), 200, "{query}");
        assert_eq!(response.headers()["content-type"], content_type, "{query}");
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        let text = response.text().await.unwrap();
        let expected = session
            .store()
            .lock()
            .unwrap()
            .export_branch(&conversation_id, format, leaf.as_deref())
            .unwrap();
        assert_eq!(text, expected, "{query}: the CLI's export, byte for byte");
    }
    let branch = export(format!("format=markdown&run_id={second}")).await.unwrap().text().await;
    let branch = branch.unwrap();
    assert!(branch.contains("and again") && !branch.contains("once more"), "that branch only");
    let json: serde_json::Value = export("format=json".into()).await.unwrap().json().await.unwrap();
    assert!(json.is_object(), "the JSON export parses");

    let status = |query: &str| {
        let query = query.to_owned();
        async move { export(query).await.unwrap().status() }
    };
    assert_eq!(status("format=pdf").await, 400);
    assert_eq!(status("").await, 400, "a format is needed");
    assert_eq!(status("format=md&run_id=not-a-run").await, 404);
    let other =
        server.client.get(format!("{}/v1/conversations/nope/export?format=json", server.base));
    assert_eq!(other.bearer_auth(TOKEN).send().await.unwrap().status(), 404);
}
