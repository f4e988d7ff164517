//! The OpenAI-compatible provider against a real HTTP server on 127.0.0.1: the shared wire
//! fixtures served whole, in random chunks and byte by byte; every failure mapped to its typed
//! error; and a two-step agent run whose second request carries the tool result.

#[path = "support/runs.rs"]
mod runs;
#[path = "support/server.rs"]
mod server;
#[path = "support/openai.rs"]
mod support;

use std::time::Duration;

use serde_json::json;
use server::{fixture_bytes, fixture_expected, Chunking, Ending, Reply, TestServer};
use telltale_agent::budget::Budget;
use telltale_agent::pricing::Price;
use telltale_agent::providers::OpenAiProvider;
use telltale_agent::AgentConfig;
use telltale_protocol::{ErrorCode, Event, EventKind, FinishReason};

use support::*;

#[tokio::test]
async fn text_fixtures_stream_exactly_the_servers_text_every_way() {
    for name in [
        "openai_chat_text.sse",
        "adv_crlf.sse",
        "adv_bom.sse",
        "adv_id_retry.sse",
        "adv_spec_corners.sse",
    ] {
        let expected = fixture_expected(name);
        let text = expected["expected"]["text"].as_str().expect("text");
        for (how, response, events) in served_every_way(name).await {
            assert_eq!(response.text, text, "{how}");
            assert_eq!(tokens(&events), text, "{how}: tokens");
            assert!(response.tool_calls.is_empty(), "{how}");
            assert_expected_usage(&response, &expected, &how);
        }
    }
}

#[tokio::test]
async fn tool_call_fixtures_assemble_ids_names_and_arguments_every_way() {
    for name in ["openai_chat_tools.sse", "adv_multiline_data.sse"] {
        let expected = fixture_expected(name);
        let want = expected["expected"]["tool_calls"].as_array().expect("tool_calls");
        for (how, response, events) in served_every_way(name).await {
            assert_eq!(response.text, "", "{how}");
            assert_eq!(tokens(&events), "", "{how}");
            assert_eq!(response.tool_calls.len(), want.len(), "{how}");
            for (call, want) in response.tool_calls.iter().zip(want) {
                assert_eq!(call.call_id, want["id"].as_str().expect("id"), "{how}");
                assert_eq!(call.name, want["name"].as_str().expect("name"), "{how}");
                assert_eq!(call.args, want["arguments"], "{how}");
                let mut raw = String::new();
                for event in &events {
                    if let EventKind::ToolCallDelta { call_id, name, args_delta } = &event.kind {
                        if *call_id == call.call_id {
                            assert_eq!(*name, call.name, "{how}: every delta names the tool");
                            raw.push_str(args_delta);
                        }
                    }
                }
                assert_eq!(
                    raw,
                    want["arguments_raw"].as_str().expect("arguments_raw"),
                    "{how}: deltas"
                );
            }
            assert_expected_usage(&response, &expected, &how);
        }
    }
}

#[tokio::test]
async fn the_request_is_a_streamed_chat_completion_with_tools_and_the_key() {
    let server = TestServer::always(Reply::sse_fixture("openai_chat_text.sse")).await;
    let (result, _) = step(&provider(&format!("{}/", server.base_url()))).await;
    result.expect("the step succeeds");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/v1/chat/completions"));
    assert_eq!(request.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    let body = request.json();
    assert_eq!(body["model"], MODEL);
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"], json!({ "include_usage": true }));
    assert_eq!(body["messages"], json!([{ "role": "user", "content": "hi" }]));
    let tools = body["tools"].as_array().expect("tools");
    let calculator =
        tools.iter().find(|t| t["function"]["name"] == "calculator").expect("calculator offered");
    assert_eq!(calculator["type"], "function");
    assert!(calculator["function"]["description"].as_str().is_some_and(|d| !d.is_empty()));
    assert_eq!(calculator["function"]["parameters"]["type"], "object");
}

#[tokio::test]
async fn a_stream_that_ends_without_done_is_cut_off_but_keeps_its_text() {
    let name = "adv_eof_done_unterminated.sse";
    let text = fixture_expected(name)["expected"]["text"].as_str().expect("text").to_owned();
    for chunking in Chunking::ALL {
        let (result, events) = step_against(Reply::sse_fixture(name).chunked(chunking)).await;
        let error = expect_error(result, ErrorCode::MalformedStream, false);
        assert!(error.message.contains("cut off"), "{}", error.message);
        assert_eq!(tokens(&events), text, "{chunking:?}: what streamed is there");
    }
}

/// Serves `reply`; the step fails with `code` (and `retryable`), saying `says`. Returns the events.
async fn fails_with(reply: Reply, code: ErrorCode, retryable: bool, says: &str) -> Vec<Event> {
    let (result, events) = step_against(reply).await;
    let error = expect_error(result, code, retryable);
    assert!(error.message.contains(says), "{}", error.message);
    events
}

/// A stream that breaks after some text: cut before `[DONE]`, reset mid-stream, or an endless
/// line. Each is its typed error, and the text that streamed before it is kept.
#[tokio::test]
async fn a_stream_that_breaks_mid_answer_keeps_its_text_and_says_how() {
    let body = text_fixture_without_done();
    let half = body[..body.len() / 2].to_vec();
    let mut endless = body.clone();
    endless.extend(std::iter::repeat_n(b'x', 2 * 1024 * 1024));
    let cases = [
        (
            Reply::new(200, "text/event-stream", body),
            ErrorCode::MalformedStream,
            false,
            "cut off mid-answer",
        ),
        (
            Reply::new(200, "text/event-stream", half).ending(Ending::Cut),
            ErrorCode::Network,
            true,
            "broke off",
        ),
        (
            Reply::new(200, "text/event-stream", endless),
            ErrorCode::MalformedStream,
            false,
            "larger than 1 MiB",
        ),
    ];
    for (reply, code, retryable, says) in cases {
        let events = fails_with(reply, code, retryable, says).await;
        assert!(tokens(&events).starts_with("I'm unable"), "{says}");
    }
}

#[tokio::test]
async fn a_malformed_json_chunk_is_a_malformed_stream() {
    let body = text_fixture_without_done();
    let mut broken = body[..body.len() / 2].to_vec();
    // Complete whatever event was cut, then send a chunk that is not JSON.
    broken.extend_from_slice(b"\n\ndata: {\"choices\": [{\"delta\": \n\n");
    let reply = Reply::new(200, "text/event-stream", broken);
    fails_with(reply, ErrorCode::MalformedStream, false, "not valid JSON").await;
}

#[tokio::test]
async fn tool_arguments_that_are_not_json_are_a_malformed_stream() {
    let body = String::from_utf8(fixture_bytes("openai_chat_tools.sse")).expect("UTF-8 fixture");
    let broken = body.replacen(r#""arguments":"{\""#, r#""arguments":"{{\""#, 1);
    assert_ne!(broken, body, "the fixture has the fragment to break");
    let (result, _) = step_against(Reply::new(200, "text/event-stream", broken)).await;
    let error = expect_error(result, ErrorCode::MalformedStream, false);
    assert!(error.message.contains("GetWeatherArgs"), "{}", error.message);
}

#[tokio::test]
async fn http_statuses_map_to_typed_errors_with_the_servers_message() {
    let cases = [
        (401, ErrorCode::AuthFailed, false, "check the key"),
        (403, ErrorCode::AuthFailed, false, "check the key"),
        (404, ErrorCode::NotFound, false, "not found"),
        (408, ErrorCode::Timeout, true, "timed out"),
        (500, ErrorCode::ProviderUnavailable, true, "http 500"),
        (502, ErrorCode::ProviderUnavailable, true, "http 502"),
        (503, ErrorCode::ProviderUnavailable, true, "http 503"),
        (529, ErrorCode::ProviderUnavailable, true, "http 529"),
    ];
    for (status, code, retryable, says) in cases {
        // Servers echo keys back in the wild; the message must not carry it on.
        let body = json!({ "error": { "message": format!("Boom {status} for key {KEY}") } });
        let (result, _) = step_against(Reply::json(status, &body)).await;
        let error = expect_error(result, code, retryable);
        let message = error.message.to_lowercase();
        assert!(message.contains(says), "HTTP {status}: {}", error.message);
        assert!(
            error.message.contains(&format!("\"Boom {status} for key [redacted]\"")),
            "{}",
            error.message
        );
    }
}

#[tokio::test]
async fn a_429_says_when_to_retry() {
    let body = json!({ "error": { "message": "Rate limit reached" } });
    let (result, _) = step_against(Reply::json(429, &body).header("retry-after", "7")).await;
    let error = expect_error(result, ErrorCode::RateLimited, true);
    assert!(error.message.contains("Try again in 7 s"), "{}", error.message);
    assert!(error.message.contains("Rate limit reached"), "{}", error.message);
}

#[tokio::test]
async fn an_html_page_instead_of_a_stream_is_a_malformed_stream() {
    let page =
        "<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body>It works</body></html>\n";
    for content_type in ["text/html; charset=utf-8", "text/event-stream"] {
        for chunking in [Chunking::Whole, Chunking::OneByte] {
            let reply = Reply::new(200, content_type, page).chunked(chunking);
            let (result, _) = step_against(reply).await;
            let error = expect_error(result, ErrorCode::MalformedStream, false);
            assert!(error.message.contains("HTML page"), "{content_type}: {}", error.message);
        }
    }
}

#[tokio::test]
async fn a_refused_connection_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let (result, _) = step(&provider(&format!("http://{addr}/v1"))).await;
    let error = expect_error(result, ErrorCode::Network, true);
    assert!(error.message.contains("Could not connect"), "{}", error.message);
}

#[tokio::test]
async fn a_stall_past_the_idle_timeout_is_a_timeout_and_keeps_the_text() {
    let body = text_fixture_without_done();
    let reply = Reply::new(200, "text/event-stream", body[..body.len() / 2].to_vec())
        .ending(Ending::Stall(Duration::from_secs(5)));
    let server = TestServer::always(reply).await;
    let provider = provider(&server.base_url()).with_idle_timeout(Duration::from_millis(200));
    let started = std::time::Instant::now();
    let (result, events) = step(&provider).await;
    let error = expect_error(result, ErrorCode::Timeout, true);
    assert!(started.elapsed() < Duration::from_secs(3), "gave up after the idle timeout");
    assert!(error.message.contains("sent nothing for 0.2 s"), "{}", error.message);
    assert!(tokens(&events).starts_with("I'm unable"));
}

#[tokio::test]
async fn bad_settings_are_invalid_requests() {
    let error = OpenAiProvider::new("localhost:1234", MODEL, None).err().expect("no scheme");
    assert_eq!(error.code, ErrorCode::InvalidRequest);
    let error = OpenAiProvider::new("http://localhost:1234/v1", " ", None).err().expect("no model");
    assert_eq!(error.code, ErrorCode::InvalidRequest);
}

/// A Chat Completions stream that calls `calculator` with `expression`, built chunk by chunk.
fn calculator_call_stream(call_id: &str, expression: &str) -> Vec<u8> {
    let args = json!({ "expression": expression }).to_string();
    let (head, tail) = args.split_at(args.len() / 2);
    let chunks = [
        json!({ "choices": [{ "index": 0, "delta": { "role": "assistant", "content": null, "tool_calls": [
            { "index": 0, "id": call_id, "type": "function", "function": { "name": "calculator", "arguments": "" } }
        ] } }] }),
        json!({ "choices": [{ "index": 0, "delta": { "tool_calls": [{ "index": 0, "function": { "arguments": head } }] } }] }),
        json!({ "choices": [{ "index": 0, "delta": { "tool_calls": [{ "index": 0, "function": { "arguments": tail } }] } }] }),
        json!({ "choices": [{ "index": 0, "delta": {}, "finish_reason": "tool_calls" }] }),
        json!({ "choices": [], "usage": { "prompt_tokens": 50, "completion_tokens": 10, "total_tokens": 60 } }),
    ];
    let mut body: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
    body.push_str("data: [DONE]\n\n");
    body.into_bytes()
}

#[tokio::test]
async fn a_two_step_run_sends_the_tool_result_back_in_openai_format() {
    let server = TestServer::start(|index, _| match index {
        0 => Reply::new(200, "text/event-stream", calculator_call_stream("call_calc_1", "17 * 23")),
        _ => Reply::sse_fixture("openai_chat_text.sse").chunked(Chunking::Random(7)),
    })
    .await;
    // No budget: nothing is metered while it streams, and the run still reports its usage and cost.
    let config = AgentConfig { price: Some(Price::new(2.5, 10.0)), ..AgentConfig::default() };
    assert_eq!(config.budget, Budget::default());
    let (outcome, events) =
        runs::run_configured(provider(&server.base_url()), "What is 17 * 23?", config).await;
    assert_eq!(outcome.reason, FinishReason::Completed, "{:?}", outcome.error);

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let second = requests[1].json();
    assert_eq!(
        second["messages"],
        json!([
            { "role": "user", "content": "What is 17 * 23?" },
            { "role": "assistant", "content": null, "tool_calls": [{
                "id": "call_calc_1", "type": "function",
                "function": { "name": "calculator", "arguments": "{\"expression\":\"17 * 23\"}" },
            }] },
            { "role": "tool", "tool_call_id": "call_calc_1", "content": "391" },
        ])
    );

    let text = fixture_expected("openai_chat_text.sse")["expected"]["text"]
        .as_str()
        .expect("text")
        .to_owned();
    assert_eq!(tokens(&events), text);
    let kinds: Vec<&str> = events.iter().map(|e| type_of(&e.kind)).collect();
    let first = |kind: &str| {
        kinds.iter().position(|k| *k == kind).unwrap_or_else(|| panic!("no {kind} in {kinds:?}"))
    };
    assert!(first("tool_call_delta") < first("tool_call"));
    assert!(first("tool_call") < first("tool_result"));
    assert!(first("tool_result") < first("token"));
    match &events.last().expect("events").kind {
        EventKind::RunFinished { usage: Some(usage), cost_usd: Some(cost), .. } => {
            // Both steps' usage: 50 + 14 in, 10 + 30 out; at $2.50 and $10 per million tokens.
            assert_eq!((usage.input_tokens, usage.output_tokens), (64, 40));
            assert!((cost - (64.0 * 2.5 + 40.0 * 10.0) / 1e6).abs() < 1e-12, "{cost}");
        }
        other => panic!("the run ends with its usage, not {other:?}"),
    }
}

/// The event's `type` tag, as it goes over the wire.
fn type_of(kind: &EventKind) -> &'static str {
    let value = serde_json::to_value(kind).expect("an event serialises");
    let name = value["type"].as_str().expect("a type tag").to_owned();
    Box::leak(name.into_boxed_str())
}
