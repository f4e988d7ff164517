//! A prompt's files over real HTTP: `POST /v1/runs` with `attachments` (base64) reaches the
//! provider (an OpenAI-compatible server on 127.0.0.1) as an `image_url` part, the conversation
//! lists the file and answers its bytes, a prompt sent again names the stored file by its hash,
//! a file too large or of no kind Telltale sends is refused (also by the check) with nothing
//! sent, and an AG-UI prompt's inline image reaches the provider as `POST /v1/runs`'s does.

#[path = "../../agent/tests/support/server.rs"]
mod server;
mod support;

use std::sync::Arc;

use serde_json::json;
use server::{Reply, TestServer};
use support::ag_ui::{data_events, input};
use support::{serve, session_of, TOKEN};
use telltale_agent::providers::OpenAiProvider;
use telltale_agent::{Agent, ToolRegistry};
use telltale_protocol::{to_base64, Attachment};
use telltale_serve::ServeConfig;

fn red_png() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/attachments/red.png"))
        .unwrap()
}

async fn server_over(provider: &TestServer) -> support::Server {
    let openai = OpenAiProvider::new(&provider.base_url(), "gpt-test", None).unwrap();
    let agent = Agent::new(Arc::new(openai), ToolRegistry::builtin(), support::quiet());
    serve(ServeConfig::new(session_of(agent), TOKEN.into())).await
}

fn image_url(body: &serde_json::Value, message: usize) -> serde_json::Value {
    let parts = body["messages"][message]["content"].as_array().cloned().unwrap_or_default();
    parts
        .into_iter()
        .find(|p| p["type"] == "image_url")
        .map_or(json!(null), |p| p["image_url"]["url"].clone())
}

#[tokio::test]
async fn files_reach_the_provider_are_stored_and_are_sent_again_by_hash() {
    let provider = TestServer::always(Reply::openai_text("A red square.")).await;
    let server = server_over(&provider).await;
    let png = red_png();
    let data = to_base64(&png);
    let body =
        json!({"prompt": "What is this?", "attachments": [{"name": "red.png", "data": data}]});
    let (run_id, conversation_id) = server.create(body).await;
    server.finish(&run_id).await;
    let sent = provider.requests()[0].json();
    assert_eq!(image_url(&sent, 0), json!(format!("data:image/png;base64,{data}")), "{sent}");

    let detail = server.get_json(&format!("/v1/conversations/{conversation_id}")).await;
    let file = &detail["runs"][0]["attachments"][0];
    assert_eq!((&file["name"], &file["kind"]), (&json!("red.png"), &json!("image")));
    let sha256 = file["sha256"].as_str().unwrap().to_owned();
    let stored = format!("/v1/conversations/{conversation_id}/attachments/{sha256}");
    let bytes = server.get(&stored).await;
    assert_eq!(bytes.headers()["content-type"], "image/png");
    assert_eq!(bytes.bytes().await.unwrap().as_ref(), png.as_slice());
    let missing =
        server.get(&format!("/v1/conversations/{conversation_id}/attachments/00ff")).await;
    assert_eq!(missing.status(), 404);

    // Regenerated: the same prompt from the root, its file named by its hash.
    let again = json!({"prompt": "What is this?", "conversation_id": conversation_id, "root": true,
        "attachments": [{"name": "red.png", "sha256": sha256}]});
    let (second, _) = server.create(again).await;
    server.finish(&second).await;
    let sent = provider.requests()[1].json();
    assert_eq!(image_url(&sent, 0), json!(format!("data:image/png;base64,{data}")), "{sent}");
}

#[tokio::test]
async fn files_that_cannot_be_sent_are_refused_by_the_check_and_by_the_run() {
    let provider = TestServer::always(Reply::openai_text("never")).await;
    let server = server_over(&provider).await;
    let mut big = red_png();
    big.resize(5_200_000, 0);
    let files = json!([
        {"name": "red.png", "data": to_base64(&red_png())},
        {"name": "big.png", "data": to_base64(&big)},
        {"name": "tool", "data": to_base64(b"\x7fELF\x02\x01\x01\0")},
    ]);
    let checks: serde_json::Value =
        server.post("/v1/attachments/check", &files).await.json().await.unwrap();
    assert_eq!(checks[0]["status"], "ready");
    assert_eq!(checks[0]["file"]["size"], red_png().len());
    assert_eq!(checks[1]["error"]["code"], "attachment_too_large");
    assert_eq!(checks[1]["error"]["message"], "big.png is 5.2 MB: images may be at most 5 MB");
    assert_eq!(checks[2]["error"]["code"], "attachment_unsupported");

    for (file, code) in [(&files[1], "attachment_too_large"), (&files[2], "attachment_unsupported")]
    {
        let body = json!({"prompt": "hi", "attachments": [files[0].clone(), file.clone()]});
        let refused = server.post("/v1/runs", &body).await;
        assert_eq!(refused.status(), 400);
        let error: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(error["code"], code, "{error}");
    }
    assert!(provider.requests().is_empty(), "nothing was sent");
    assert!(Attachment::new("big.png", big).is_err());
}

#[tokio::test]
async fn an_ag_ui_prompts_inline_image_reaches_the_provider_and_a_linked_one_is_refused() {
    let provider = TestServer::always(Reply::openai_text("A red square.")).await;
    let server = server_over(&provider).await;
    let data = to_base64(&red_png());
    let image = json!({"type": "image", "source": {"type": "data", "value": data, "mimeType": "image/png"}});
    let message = json!({"id": "u1", "role": "user",
        "content": [{"type": "text", "text": "What is this?"}, image]});
    let response =
        server.post("/v1/ag-ui", &input("thread-img", "run-img", json!([message]))).await;
    assert_eq!(response.status(), 200);
    let events = data_events(&response.text().await.unwrap());
    assert_eq!(events.last().unwrap()["type"], "RUN_FINISHED", "{events:?}");
    let sent = provider.requests()[0].json();
    assert_eq!(image_url(&sent, 0), json!(format!("data:image/png;base64,{data}")), "{sent}");
    let detail = server.get_json("/v1/conversations/thread-img").await;
    let file = &detail["runs"][0]["attachments"][0];
    assert_eq!((&file["name"], &file["kind"]), (&json!("image-1.png"), &json!("image")));

    let linked = json!({"id": "u2", "role": "user", "content": [{"type": "image",
        "source": {"type": "url", "value": "https://example.com/red.png"}}]});
    let mut big = red_png();
    big.resize(5_200_000, 0);
    let too_large = json!({"id": "u3", "role": "user", "content": [{"type": "binary",
        "mimeType": "image/png", "data": to_base64(&big), "filename": "big.png"}]});
    for (message, code) in [(linked, "invalid_request"), (too_large, "attachment_too_large")] {
        let refused = server.post("/v1/ag-ui", &input("thread-2", "run-2", json!([message]))).await;
        assert_eq!(refused.status(), 400);
        let error: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(error["code"], code, "{error}");
    }
    assert_eq!(provider.requests().len(), 1, "nothing more was sent");
}
