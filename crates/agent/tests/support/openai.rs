//! What the OpenAI-compatible provider's tests share: a provider with a recognisable key, one
//! step against a server, and checks on what came back.

// Each test binary uses some of these.
#![allow(dead_code)]

use serde_json::Value;
use telltale_agent::providers::{ApiKey, OpenAiProvider, RetryPolicy};
use telltale_agent::{ProviderError, StepResponse};
use telltale_protocol::{ErrorCode, Event};

// Each test binary uses some of these.
#[allow(unused_imports)]
pub use super::runs::{step, tokens};
use super::server::{fixture_bytes, Chunking, Reply, TestServer};

pub const KEY: &str = "sk-test-4f9a2c-never-show-me";
pub const MODEL: &str = "gpt-test";

pub fn provider(base_url: &str) -> OpenAiProvider {
    OpenAiProvider::new(base_url, MODEL, Some(ApiKey::new(KEY)))
        .expect("a valid provider")
        // Each failure once: retries have their own tests.
        .with_retry(RetryPolicy { max_tries: 1, ..RetryPolicy::default() })
}

pub async fn step_against(reply: Reply) -> (Result<StepResponse, ProviderError>, Vec<Event>) {
    let server = TestServer::always(reply).await;
    step(&provider(&server.base_url())).await
}

pub fn expect_error(
    result: Result<StepResponse, ProviderError>,
    code: ErrorCode,
    retryable: bool,
) -> ProviderError {
    let error = result.expect_err("the step fails");
    assert_eq!((error.code, error.retryable), (code, retryable), "{error:?}");
    assert!(!error.message.contains(KEY), "the key leaked: {}", error.message);
    error
}

/// The fixture `name` served every way (`Chunking::ALL`), each step succeeding: what to call
/// the way in messages, the step's response and its events.
pub async fn served_every_way(name: &str) -> Vec<(String, StepResponse, Vec<Event>)> {
    let mut steps = Vec::new();
    for chunking in Chunking::ALL {
        let (result, events) = step_against(Reply::sse_fixture(name).chunked(chunking)).await;
        let how = format!("{name} served {chunking:?}");
        let response = result.unwrap_or_else(|e| panic!("{how}: {e:?}"));
        steps.push((how, response, events));
    }
    steps
}

/// Checks that `response` has the usage the fixture's expectations give.
pub fn assert_expected_usage(response: &StepResponse, expected: &Value, how: &str) {
    let usage = response.usage.as_ref().expect("usage from the final chunk");
    assert_eq!((usage.input_tokens, usage.output_tokens), expected_usage(expected), "{how}");
}

pub fn expected_usage(expected: &Value) -> (u32, u32) {
    let usage = &expected["expected"]["usage"];
    (
        usage["prompt_tokens"].as_u64().expect("prompt_tokens") as u32,
        usage["completion_tokens"].as_u64().expect("completion_tokens") as u32,
    )
}

/// The text fixture without its closing `[DONE]`.
pub fn text_fixture_without_done() -> Vec<u8> {
    let body = String::from_utf8(fixture_bytes("openai_chat_text.sse")).expect("UTF-8 fixture");
    let done = body.find("data: [DONE]").expect("the fixture ends with [DONE]");
    body.as_bytes()[..done].to_vec()
}
