//! The Anthropic Messages provider against a real HTTP server on 127.0.0.1: the shared
//! Anthropic fixtures (and their adversarial variants) served whole, in random chunks and byte
//! by byte; mid-stream `error` events and missing `message_stop`; a two-step tool run.

#[path = "support/runs.rs"]
mod runs;
#[path = "support/server.rs"]
mod server;

use runs::{joined, run, step, tokens};
use serde_json::{json, Value};
use server::{fixture_expected, Chunking, Reply, TestServer};
use telltale_agent::providers::{AnthropicProvider, ApiKey, RetryPolicy};
use telltale_agent::{ProviderError, StepResponse};
use telltale_protocol::{ErrorCode, Event, EventKind, FinishReason};

const KEY: &str = "sk-ant-test-77c1-never-show-me";
const MODEL: &str = "claude-test";

fn provider(base_url: &str) -> AnthropicProvider {
    AnthropicProvider::new(base_url, MODEL, Some(ApiKey::new(KEY)))
        .expect("a valid provider")
        // Each failure once: retries have their own tests.
        .with_retry(RetryPolicy { max_tries: 1, ..RetryPolicy::default() })
}

async fn step_against(
    reply: Reply,
) -> (Result<StepResponse, ProviderError>, Vec<Event>, TestServer) {
    let server = TestServer::always(reply).await;
    let (result, events) = step(&provider(&format!("http://{}", server.addr))).await;
    (result, events, server)
}

fn thoughts(events: &[Event]) -> String {
    joined(events, |k| match k {
        EventKind::Thought { text } => Some(text),
        _ => None,
    })
}

#[tokio::test]
async fn complete_fixtures_stream_text_thoughts_tool_calls_and_usage_every_way() {
    let names = [
        "anthropic_text.sse",
        "anthropic_tools.sse",
        "adv_cr_only.sse",
        "adv_keepalive_comments.sse",
        "adv_utf8_multibyte.sse",
    ];
    for name in names {
        let expected = fixture_expected(name)["expected"].clone();
        for chunking in Chunking::ALL {
            let (result, events, _server) =
                step_against(Reply::sse_fixture(name).chunked(chunking)).await;
            let how = format!("{name} served {chunking:?}");
            let response = result.unwrap_or_else(|e| panic!("{how}: {e:?}"));
            assert_eq!(response.text, expected["text"].as_str().expect("text"), "{how}");
            assert_eq!(tokens(&events), response.text, "{how}");
            assert_eq!(thoughts(&events), expected["reasoning"].as_str().unwrap_or(""), "{how}");
            let want = expected["tool_calls"].as_array().expect("tool_calls");
            assert_eq!(response.tool_calls.len(), want.len(), "{how}");
            for (call, want) in response.tool_calls.iter().zip(want) {
                assert_eq!(call.call_id, want["id"].as_str().expect("id"), "{how}");
                assert_eq!(call.name, want["name"].as_str().expect("name"), "{how}");
                assert_eq!(call.args, want["arguments"], "{how}");
                let raw = joined(&events, |k| match k {
                    EventKind::ToolCallDelta { call_id, args_delta, .. }
                        if *call_id == call.call_id =>
                    {
                        Some(args_delta)
                    }
                    _ => None,
                });
                assert_eq!(raw, want["arguments_raw"].as_str().expect("arguments_raw"), "{how}");
            }
            let usage = response.usage.expect("usage");
            let want = (
                expected["usage"]["input_tokens"].as_u64(),
                expected["usage"]["output_tokens"].as_u64(),
            );
            assert_eq!(
                (Some(u64::from(usage.input_tokens)), Some(u64::from(usage.output_tokens))),
                want,
                "{how}"
            );
        }
    }
}

#[tokio::test]
async fn the_request_is_a_streamed_message_with_the_key_header_and_tools() {
    let (result, _, server) = step_against(Reply::sse_fixture("anthropic_text.sse")).await;
    result.expect("the step succeeds");
    let request = &server.requests()[0];
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/v1/messages"));
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(request.header("authorization"), None);
    let body = request.json();
    assert_eq!((body["model"].clone(), body["stream"].clone()), (json!(MODEL), json!(true)));
    assert!(body["max_tokens"].as_u64().is_some_and(|n| n > 0));
    assert_eq!(
        body["messages"],
        json!([{ "role": "user", "content": [{ "type": "text", "text": "hi" }] }])
    );
    let tools = body["tools"].as_array().expect("tools");
    let calculator = tools.iter().find(|t| t["name"] == "calculator").expect("calculator offered");
    assert_eq!(calculator["input_schema"]["type"], "object");
}

#[tokio::test]
async fn an_error_event_mid_stream_ends_the_step_as_overloaded_keeping_the_text() {
    for chunking in Chunking::ALL {
        let (result, events, _server) =
            step_against(Reply::sse_fixture("anthropic_error.sse").chunked(chunking)).await;
        let error = result.expect_err("an error event is not an answer");
        assert_eq!(
            (error.code, error.retryable),
            (ErrorCode::ProviderUnavailable, true),
            "{error:?}"
        );
        assert!(error.message.contains("Overloaded"), "{}", error.message);
        assert_eq!(tokens(&events), "Hello");
    }
}

#[tokio::test]
async fn a_stream_without_message_stop_is_cut_off_but_keeps_its_text() {
    // The SDK's own files end without a newline, so their message_stop is never dispatched.
    let names = [
        "adv_eof_no_blank_line.sse",
        "adv_eof_no_newline.sse",
        "anthropic_text_sdk_fixture.sse",
        "anthropic_tool_use_sdk_fixture.sse",
    ];
    for name in names {
        let expected = fixture_expected(name);
        assert_eq!(expected["expected"]["saw_message_stop"], false, "{name}");
        let (result, events, _server) =
            step_against(Reply::sse_fixture(name).chunked(Chunking::OneByte)).await;
        let error = result.expect_err("no message_stop, no complete answer");
        assert_eq!(error.code, ErrorCode::MalformedStream, "{name}: {error:?}");
        assert!(error.message.contains("without message_stop"), "{}", error.message);
        assert_eq!(tokens(&events), expected["expected"]["text"].as_str().expect("text"), "{name}");
    }
}

#[tokio::test]
async fn http_failures_are_typed_and_never_show_the_key() {
    let cases = [
        (401, ErrorCode::AuthFailed, "authentication_error"),
        (404, ErrorCode::NotFound, "not_found_error"),
        (429, ErrorCode::RateLimited, "rate_limit_error"),
        (529, ErrorCode::ProviderUnavailable, "overloaded_error"),
    ];
    for (status, code, kind) in cases {
        let body = json!({ "type": "error", "error": { "type": kind, "message": format!("{kind}: {KEY}") } });
        let (result, _, _server) = step_against(Reply::json(status, &body)).await;
        let error = result.expect_err("fails");
        assert_eq!(error.code, code, "HTTP {status}: {error:?}");
        assert!(error.message.contains(kind) && !error.message.contains(KEY), "{}", error.message);
    }
}

fn sse(events: &[Value]) -> Vec<u8> {
    events
        .iter()
        .map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().expect("type")))
        .collect::<String>()
        .into_bytes()
}

/// A Messages stream that calls `calculator` with `expression`, event by event.
fn calculator_call_stream(id: &str, expression: &str) -> Vec<u8> {
    let args = json!({ "expression": expression }).to_string();
    let (head, tail) = args.split_at(args.len() / 2);
    sse(&[
        json!({ "type": "message_start", "message": { "usage": { "input_tokens": 40, "output_tokens": 1 } } }),
        json!({ "type": "content_block_start", "index": 0, "content_block": { "type": "tool_use", "id": id, "name": "calculator", "input": {} } }),
        json!({ "type": "content_block_delta", "index": 0, "delta": { "type": "input_json_delta", "partial_json": "" } }),
        json!({ "type": "content_block_delta", "index": 0, "delta": { "type": "input_json_delta", "partial_json": head } }),
        json!({ "type": "content_block_delta", "index": 0, "delta": { "type": "input_json_delta", "partial_json": tail } }),
        json!({ "type": "content_block_stop", "index": 0 }),
        json!({ "type": "message_delta", "delta": { "stop_reason": "tool_use" }, "usage": { "output_tokens": 12 } }),
        json!({ "type": "message_stop" }),
    ])
}

#[tokio::test]
async fn a_two_step_run_sends_the_tool_result_back_in_a_user_turn() {
    let server = TestServer::start(|index, _| match index {
        0 => {
            Reply::new(200, "text/event-stream", calculator_call_stream("toolu_calc_1", "17 * 23"))
        }
        _ => Reply::sse_fixture("anthropic_text.sse"),
    })
    .await;
    let base_url = format!("http://{}/v1", server.addr);
    let (outcome, events) = run(provider(&base_url), "What is 17 * 23?").await;
    assert_eq!(outcome.reason, FinishReason::Completed, "{:?}", outcome.error);
    assert_eq!(tokens(&events), "Hello!");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].path, "/v1/messages", "a base URL ending in /v1 is not doubled");
    assert_eq!(
        requests[1].json()["messages"],
        json!([
            { "role": "user", "content": [{ "type": "text", "text": "What is 17 * 23?" }] },
            { "role": "assistant", "content": [
                { "type": "tool_use", "id": "toolu_calc_1", "name": "calculator", "input": { "expression": "17 * 23" } },
            ] },
            { "role": "user", "content": [
                { "type": "tool_result", "tool_use_id": "toolu_calc_1", "content": "391", "is_error": false },
            ] },
        ])
    );
    match &events.last().expect("events").kind {
        // 40 + 25 in; 12 + 15 out (each step's cumulative usage replaced, then the steps added).
        EventKind::RunFinished { usage: Some(usage), .. } => {
            assert_eq!((usage.input_tokens, usage.output_tokens), (65, 27))
        }
        other => panic!("the run ends with its usage, not {other:?}"),
    }
}
