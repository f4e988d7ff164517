//! The OpenAI-compatible provider's retries against a real HTTP server on 127.0.0.1: failures
//! before the answer are retried and announced, Retry-After is honoured, and rejected keys and
//! half-streamed answers are never retried.

#[path = "support/runs.rs"]
mod runs;
#[path = "support/server.rs"]
mod server;
#[path = "support/openai.rs"]
mod support;

use std::time::Duration;

use serde_json::json;
use server::{fixture_expected, Ending, Reply, TestServer};
use support::*;
use telltale_agent::providers::{OpenAiProvider, RetryPolicy};
use telltale_protocol::{ErrorCode, Event, EventKind};

fn retrying(base_url: &str) -> OpenAiProvider {
    provider(base_url)
        .with_retry(RetryPolicy { max_tries: 3, base_delay: Duration::from_millis(1) })
}

fn retry_statuses(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Status { message, icon: Some(telltale_protocol::StatusIcon::Retrying) } => {
                Some(message.clone())
            }
            _ => None,
        })
        .collect()
}

fn overloaded() -> Reply {
    Reply::json(503, &json!({ "error": { "message": "overloaded" } }))
}

#[tokio::test]
async fn failures_before_the_answer_are_retried_and_announced() {
    let server = TestServer::start(|index, _| match index {
        0 | 1 => overloaded(),
        _ => Reply::sse_fixture("openai_chat_text.sse"),
    })
    .await;
    let (result, events) = step(&retrying(&server.base_url())).await;
    let response = result.expect("the third try succeeds");
    assert_eq!(
        response.text,
        fixture_expected("openai_chat_text.sse")["expected"]["text"].as_str().expect("text")
    );
    assert_eq!(server.requests().len(), 3);
    let statuses = retry_statuses(&events);
    assert_eq!(statuses.len(), 2, "{statuses:?}");
    assert!(
        statuses[0].contains("try 2 of 3") && statuses[1].contains("try 3 of 3"),
        "{statuses:?}"
    );
    assert!(statuses[0].contains("HTTP 503"), "{statuses:?}");
}

/// A server that answers the first request 429 with `Retry-After: retry_after`, then streams.
async fn rate_limited_once(retry_after: &str) -> TestServer {
    let limited = Reply::json(429, &json!({ "error": { "message": "slow down" } }))
        .header("retry-after", retry_after);
    TestServer::start(move |index, _| match index {
        0 => limited.clone(),
        _ => Reply::sse_fixture("openai_chat_text.sse"),
    })
    .await
}

#[tokio::test]
async fn retries_stop_after_three_tries_and_honour_retry_after() {
    let server = TestServer::always(overloaded()).await;
    let (result, events) = step(&retrying(&server.base_url())).await;
    expect_error(result, ErrorCode::ProviderUnavailable, true);
    assert_eq!((server.requests().len(), retry_statuses(&events).len()), (3, 2));

    let server = rate_limited_once("0.3").await;
    let started = std::time::Instant::now();
    let (result, _) = step(&retrying(&server.base_url())).await;
    result.expect("the retry succeeds");
    assert!(started.elapsed() >= Duration::from_millis(300), "waited as Retry-After asked");
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_waited_for() {
    // Two seconds ahead, to the second: a wait of more than one.
    let when = std::time::SystemTime::now() + Duration::from_secs(2);
    let date = chrono::DateTime::<chrono::Utc>::from(when).format("%a, %d %b %Y %H:%M:%S GMT");
    let server = rate_limited_once(&date.to_string()).await;
    let started = std::time::Instant::now();
    let (result, _) = step(&retrying(&server.base_url())).await;
    result.expect("the retry succeeds");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(1000), "waited until the date: {waited:?}");
    assert!(waited < Duration::from_secs(4), "{waited:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn rejected_keys_and_half_streamed_answers_are_never_retried() {
    let server =
        TestServer::always(Reply::json(401, &json!({ "error": { "message": "bad key" } }))).await;
    let (result, _) = step(&retrying(&server.base_url())).await;
    expect_error(result, ErrorCode::AuthFailed, false);
    assert_eq!(server.requests().len(), 1);

    let body = text_fixture_without_done();
    let server = TestServer::always(
        Reply::new(200, "text/event-stream", body[..body.len() / 2].to_vec()).ending(Ending::Cut),
    )
    .await;
    let (result, events) = step(&retrying(&server.base_url())).await;
    expect_error(result, ErrorCode::Network, true);
    assert_eq!(server.requests().len(), 1, "a half-streamed answer is not replayed");
    assert!(retry_statuses(&events).is_empty());
}
