//! Files attached to a prompt, in the request bodies a real HTTP server on 127.0.0.1 receives:
//! OpenAI-compatible servers get images as `image_url` parts with a data URL and PDFs and text
//! files as text; Anthropic gets `image` and `document` blocks with a base64 source and text
//! inline. A model that refuses them says so, with the provider's own words.

#[path = "support/runs.rs"]
mod runs;
#[path = "support/server.rs"]
mod server;

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use server::{Recorded, Reply, TestServer};
use telltale_agent::providers::{AnthropicProvider, OpenAiProvider, RetryPolicy};
use telltale_agent::{Agent, AgentConfig, Provider, RunControls, RunOutcome, ToolRegistry};
use telltale_protocol::{Attachment, ErrorCode, FinishReason, Message};
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

fn fixture(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/attachments/");
    std::fs::read(format!("{path}{name}")).expect("the fixture")
}

const CODE: &str = "fn main() {\n    println!(\"hi\");\n}\n";

/// A prompt with an image, a PDF and a code file.
fn prompt() -> Message {
    Message::User {
        text: "What do these show?".into(),
        attachments: vec![
            Attachment::new("red.png", fixture("red.png")).expect("an image"),
            Attachment::new("report.pdf", fixture("report.pdf")).expect("a PDF"),
            Attachment::new("main.rs", CODE.as_bytes()).expect("a text file"),
        ],
    }
}

fn base64(name: &str) -> String {
    Attachment::new(name, fixture(name)).expect("a fixture").base64()
}

/// Runs `prompt` once with `provider`; returns how it ended and what the server received.
async fn run(
    provider: impl Provider + 'static,
    server: &TestServer,
) -> (RunOutcome, Vec<Recorded>) {
    let config = AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() };
    let agent = Agent::new(Arc::new(provider), ToolRegistry::builtin(), config);
    let (tx, _rx) = unbounded_channel();
    let controls = RunControls::unattended(CancellationToken::new());
    let outcome = agent.run_prompt("run-1", &[], prompt(), tx, controls, None).await;
    (outcome, server.requests())
}

/// The body of the first request of a run that completed.
fn first_body((outcome, requests): (RunOutcome, Vec<Recorded>)) -> serde_json::Value {
    assert_eq!(outcome.reason, FinishReason::Completed, "{:?}", outcome.error);
    requests[0].json()
}

fn openai(server: &TestServer) -> OpenAiProvider {
    OpenAiProvider::new(&server.base_url(), "gpt-test", None)
        .expect("a provider")
        .with_retry(RetryPolicy { max_tries: 1, ..RetryPolicy::default() })
}

fn anthropic(server: &TestServer) -> AnthropicProvider {
    AnthropicProvider::new(&format!("http://{}", server.addr), "claude-test", None)
        .expect("a provider")
        .with_retry(RetryPolicy { max_tries: 1, ..RetryPolicy::default() })
}

#[tokio::test]
async fn openai_compatible_servers_get_an_image_url_and_the_files_text() {
    let server = TestServer::always(Reply::openai_text("A red square.")).await;
    let body = first_body(run(openai(&server), &server).await);
    let content = &body["messages"][0]["content"];
    assert_eq!(body["messages"][0]["role"], "user");
    assert_eq!(
        content[0],
        json!({"type": "image_url", "image_url": {"url": format!("data:image/png;base64,{}", base64("red.png"))}})
    );
    assert_eq!(content[1]["type"], "text");
    let pdf = content[1]["text"].as_str().expect("the PDF as text");
    assert!(pdf.starts_with("<attached PDF, as text: report.pdf>\n"), "{pdf}");
    assert!(pdf.contains("Quarterly revenue grew 12 percent"), "{pdf}");
    assert_eq!(
        content[2],
        json!({"type": "text", "text": format!("<attached file: main.rs>\n{CODE}\n</attached file: main.rs>")})
    );
    assert_eq!(content[3], json!({"type": "text", "text": "What do these show?"}));
    assert_eq!(content.as_array().map(Vec::len), Some(4));
}

#[tokio::test]
async fn anthropic_gets_image_and_document_blocks_and_the_text_inline() {
    let server = TestServer::always(Reply::sse_fixture("anthropic_text.sse")).await;
    let body = first_body(run(anthropic(&server), &server).await);
    let source = |media_type: &str, name: &str| json!({"type": "base64", "media_type": media_type, "data": base64(name)});
    assert_eq!(
        body["messages"][0],
        json!({"role": "user", "content": [
            {"type": "image", "source": source("image/png", "red.png")},
            {"type": "document", "source": source("application/pdf", "report.pdf"), "title": "report.pdf"},
            {"type": "text", "text": format!("<attached file: main.rs>\n{CODE}\n</attached file: main.rs>")},
            {"type": "text", "text": "What do these show?"},
        ]})
    );
}

#[tokio::test]
async fn a_prompt_without_files_is_sent_as_before() {
    let server = TestServer::always(Reply::openai_text("Hi.")).await;
    let (outcome, _events) = runs::run(openai(&server), "hello").await;
    assert_eq!(outcome.reason, FinishReason::Completed);
    assert_eq!(
        server.requests()[0].json()["messages"][0],
        json!({"role": "user", "content": "hello"})
    );
}

#[tokio::test]
async fn a_model_that_refuses_images_says_so_with_the_providers_words() {
    let refusal = json!({"error": {"message": "image input is not supported for this model"}});
    for (name, server) in [
        ("openai", TestServer::always(Reply::json(400, &refusal)).await),
        ("anthropic", TestServer::always(Reply::json(400, &refusal)).await),
    ] {
        let (outcome, _) = match name {
            "openai" => run(openai(&server), &server).await,
            _ => run(anthropic(&server), &server).await,
        };
        let error = outcome.error.expect("the run fails");
        assert_eq!(error.code, ErrorCode::ModelTakesNoImages, "{name}");
        assert!(
            error.message.contains("image input is not supported for this model"),
            "{name}: {}",
            error.message
        );
        assert!(error.message.contains("does not take images"), "{name}: {}", error.message);
    }
    // A refusal of files whose words are not about images may be about something else: it
    // stays an invalid request, with a hint.
    let other = json!({"error": {"message": "temperature must be at most 2"}});
    let server = TestServer::always(Reply::json(400, &other)).await;
    let error = run(openai(&server), &server).await.0.error.expect("the run fails");
    assert_eq!(error.code, ErrorCode::InvalidRequest);
    assert!(error.message.contains("carried images or PDFs"), "{}", error.message);
    // A refusal of a prompt without such files says nothing about them.
    let server = TestServer::always(Reply::json(400, &refusal)).await;
    let (outcome, _) = runs::run(openai(&server), "hello").await;
    let message = outcome.error.expect("the run fails").message;
    assert!(!message.contains("carried images"), "{message}");
}

#[test]
fn files_of_no_kind_or_too_large_are_refused_before_anything_is_built() {
    let mut big = fixture("red.png");
    big.resize(5_000_001, 0);
    let error = Attachment::new("huge.png", big).expect_err("too large");
    assert_eq!(error.code(), "attachment_too_large");
    let error = Attachment::new("tool.bin", &[0u8, 1, 2, 3][..]).expect_err("binary");
    assert_eq!(error.code(), "attachment_unsupported");
}
