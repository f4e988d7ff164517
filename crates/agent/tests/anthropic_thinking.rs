//! Anthropic's extended thinking against a real HTTP server on 127.0.0.1: each thinking block
//! kept with its signature and each redacted block with its data (fixtures served whole, in
//! random chunks and byte by byte), thinking asked for with its budget, and a tool run whose
//! second request sends the reasoning back, unchanged and first, in the turn with the tool call.
//! The OpenAI-compatible wire sends none of it.

#[path = "support/runs.rs"]
mod runs;
#[path = "support/server.rs"]
mod server;

use runs::{joined, run, step, tokens};
use serde_json::{json, Value};
use server::{fixture_expected, Chunking, Reply, TestServer};
use telltale_agent::providers::{AnthropicProvider, ApiKey, OpenAiProvider, RetryPolicy};
use telltale_agent::{step_sink, Emitter, Provider, StepRequest, ToolRegistry};
use telltale_protocol::{EventKind, FinishReason, Message, ThinkingBlock, ToolCall};
use tokio::sync::mpsc::unbounded_channel;

const MODEL: &str = "claude-test";
const BUDGET: u32 = 2048;

fn provider(base_url: &str) -> AnthropicProvider {
    AnthropicProvider::new(base_url, MODEL, Some(ApiKey::new("sk-ant-test")))
        .expect("a valid provider")
        .with_retry(RetryPolicy { max_tries: 1, ..RetryPolicy::default() })
}

/// The reasoning blocks a fixture's expectations name: its `thinking_blocks` when it lists them,
/// else one thinking block of its reasoning and signature.
fn expected_blocks(expected: &Value) -> Vec<ThinkingBlock> {
    match expected.get("thinking_blocks") {
        Some(blocks) => serde_json::from_value(blocks.clone()).expect("thinking_blocks"),
        None => match expected["thinking_signatures"].as_array() {
            Some(signatures) => signatures
                .iter()
                .map(|signature| ThinkingBlock::Thinking {
                    thinking: expected["reasoning"].as_str().expect("reasoning").to_owned(),
                    signature: signature.as_str().expect("a signature").to_owned(),
                })
                .collect(),
            None => Vec::new(),
        },
    }
}

#[tokio::test]
async fn the_decoder_keeps_each_thinking_block_with_its_signature_and_redacted_blocks_whole() {
    for name in ["anthropic_tools.sse", "anthropic_thinking_tools.sse", "anthropic_text.sse"] {
        let expected = fixture_expected(name)["expected"].clone();
        let want = expected_blocks(&expected);
        assert_eq!(want.is_empty(), name == "anthropic_text.sse", "{name}: its expectations");
        for chunking in Chunking::ALL {
            let server = TestServer::always(Reply::sse_fixture(name).chunked(chunking)).await;
            let (result, events) = step(&provider(&server.base_url())).await;
            let how = format!("{name} served {chunking:?}");
            let response = result.unwrap_or_else(|e| panic!("{how}: {e:?}"));
            assert_eq!(response.thinking, want, "{how}");
            // The thought still streams as it comes, and the answer is untouched.
            let thoughts = joined(&events, |k| match k {
                EventKind::Thought { text } => Some(text),
                _ => None,
            });
            assert_eq!(thoughts, expected["reasoning"].as_str().unwrap_or(""), "{how}");
            assert_eq!(response.text, expected["text"].as_str().expect("text"), "{how}");
            assert_eq!(tokens(&events), response.text, "{how}");
        }
    }
}

#[tokio::test]
async fn a_tool_run_with_thinking_sends_the_reasoning_back_first_in_the_tool_call_s_turn() {
    let server = TestServer::fixtures("anthropic_thinking_tools.sse", "anthropic_text.sse").await;
    let (outcome, _) = run(provider(&server.base_url()).with_thinking(BUDGET), "27 * 453?").await;
    assert_eq!(outcome.reason, FinishReason::Completed, "{:?}", outcome.error);

    let expected = fixture_expected("anthropic_thinking_tools.sse")["expected"].clone();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        let body = request.json();
        assert_eq!(body["thinking"], json!({ "type": "enabled", "budget_tokens": BUDGET }));
        assert_eq!(body["max_tokens"], json!(4096 + BUDGET), "the answer keeps its own room");
    }
    let call = &expected["tool_calls"][0];
    let mut turn = expected["thinking_blocks"].as_array().expect("thinking_blocks").clone();
    turn.push(json!({ "type": "text", "text": expected["text"] }));
    turn.push(json!({ "type": "tool_use", "id": call["id"], "name": "calculator", "input": call["arguments"] }));
    assert_eq!(
        requests[1].json()["messages"],
        json!([
            { "role": "user", "content": [{ "type": "text", "text": "27 * 453?" }] },
            { "role": "assistant", "content": turn },
            { "role": "user", "content": [
                { "type": "tool_result", "tool_use_id": call["id"], "content": "12231", "is_error": false },
            ] },
        ])
    );
    // The run's messages keep them too, for the history and the next run.
    match &outcome.new_messages[1] {
        Message::Assistant { thinking, tool_calls, .. } => {
            assert_eq!(*thinking, expected_blocks(&expected));
            assert_eq!(tool_calls.len(), 1);
        }
        other => panic!("the answer with the tool call, not {other:?}"),
    }
}

/// The body `provider` sends for one step of `messages` (the step's own result is not needed).
async fn body_for(provider: &dyn Provider, server: &TestServer, messages: &[Message]) -> Value {
    let (tx, _rx) = unbounded_channel();
    let sink = step_sink(Emitter::new("run-1", tx));
    let tools = ToolRegistry::builtin().specs();
    let _ = provider.step(StepRequest { messages, tools: &tools }, &sink).await;
    server.requests().last().expect("a request").json()
}

fn history_with_reasoning() -> Vec<Message> {
    let call = ToolCall {
        call_id: "toolu_1".into(),
        name: "calculator".into(),
        args: json!({ "expression": "2 + 2" }),
    };
    let result = Message::tool_result(&call, true, "4");
    vec![
        Message::user("2 + 2?"),
        Message::Assistant {
            text: String::new(),
            tool_calls: vec![call],
            thinking: vec![
                ThinkingBlock::Thinking { thinking: "Add them.".into(), signature: "sig-1".into() },
                ThinkingBlock::RedactedThinking { data: "opaque".into() },
            ],
        },
        result,
    ]
}

#[tokio::test]
async fn an_openai_compatible_server_gets_no_reasoning_blocks() {
    let server = TestServer::always(Reply::openai_text("4.")).await;
    let openai = OpenAiProvider::new(&server.base_url(), "m", None).expect("a provider");
    let body = body_for(&openai, &server, &history_with_reasoning()).await;
    assert_eq!(
        body["messages"][1],
        json!({ "role": "assistant", "content": null, "tool_calls": [{
            "id": "toolu_1", "type": "function",
            "function": { "name": "calculator", "arguments": "{\"expression\":\"2 + 2\"}" },
        }] })
    );
    assert!(!body.to_string().contains("sig-1") && !body.to_string().contains("opaque"));
}

#[tokio::test]
async fn an_answer_cut_off_is_continued_without_thinking_which_anthropic_refuses_there() {
    let server = TestServer::always(Reply::sse_fixture("anthropic_text.sse")).await;
    let anthropic = provider(&server.base_url()).with_thinking(BUDGET);
    let mut messages = history_with_reasoning();
    messages.push(Message::assistant("It is", vec![]));
    let body = body_for(&anthropic, &server, &messages).await;
    assert_eq!(body.get("thinking"), None);
    assert_eq!(body["max_tokens"], json!(4096));
    assert_eq!(
        body["messages"][1]["content"].as_array().expect("content")[..2],
        [
            json!({ "type": "thinking", "thinking": "Add them.", "signature": "sig-1" }),
            json!({ "type": "redacted_thinking", "data": "opaque" }),
        ]
    );
    assert_eq!(
        body["messages"][3],
        json!({ "role": "assistant", "content": [{ "type": "text", "text": "It is" }] })
    );
}
