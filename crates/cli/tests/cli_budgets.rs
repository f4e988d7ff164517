//! `telltale run --max-seconds / --max-tool-calls / --max-output-tokens` against a slow
//! OpenAI-compatible stream on 127.0.0.1: the run stops at its budget with `budget_reached` and
//! an `error` with code `budget`, exits 1, and the history keeps the partial answer.

mod support;

#[path = "../../agent/tests/support/runs.rs"]
mod runs;
#[path = "../../agent/tests/support/server.rs"]
mod server;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;
use server::{Reply, TestServer};
use support::{events, output, telltale_command};
use telltale_history::History;
use telltale_protocol::{BudgetKind, ErrorCode, Event, EventKind, FinishReason, Message};

/// An answer of `words` tokens (`w0 `, `w1 `, …), each its own SSE event, then its usage.
fn words(words: usize, pace: Duration) -> Reply {
    let mut body = String::new();
    for i in 0..words {
        let chunk = json!({"choices": [{"index": 0, "delta": {"content": format!("w{i} ")}, "finish_reason": null}]});
        body.push_str(&format!("data: {chunk}\n\n"));
    }
    let end = json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
    let usage = json!({"choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": words}});
    body.push_str(&format!("data: {end}\n\ndata: {usage}\n\ndata: [DONE]\n\n"));
    Reply::new(200, "text/event-stream", body).paced(pace)
}

/// A step that calls `clock`, for which the provider reports `completion_tokens` answer tokens.
fn clock_call(id: &str, completion_tokens: u32) -> Reply {
    let call = json!({"choices": [{"index": 0, "delta": {"role": "assistant", "tool_calls": [
        {"index": 0, "id": id, "type": "function",
         "function": {"name": "clock", "arguments": "{\"timezone\":\"UTC\"}"}}]}, "finish_reason": null}]});
    let end = json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]});
    let usage = json!({"choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": completion_tokens}});
    let body = format!("data: {call}\n\ndata: {end}\n\ndata: {usage}\n\ndata: [DONE]\n\n");
    Reply::new(200, "text/event-stream", body)
}

fn telltale(server: &TestServer, data: &Path, budget: &[&str]) -> Command {
    telltale_at(&server.base_url(), data, budget)
}

fn telltale_at(base_url: &str, data: &Path, budget: &[&str]) -> Command {
    let mut command = telltale_command();
    command
        .env("TELLTALE_DATA_DIR", data)
        .args(["run", "--json", "--keepalive-ms", "0", "--provider", "openai"])
        .args(["--base-url", base_url, "--model", "m"])
        .args(budget)
        .arg("go on for a while")
        .env("TELLTALE_API_KEY", "sk-cli-budgets")
        .env_remove("OPENAI_API_KEY");
    command
}

/// The run's `budget_reached`, checking that the run then ends with a `budget` error.
fn budget_reached(events: &[Event]) -> (BudgetKind, f64, f64) {
    let kinds: Vec<&EventKind> = events.iter().map(|e| &e.kind).collect();
    let at = kinds
        .iter()
        .position(|k| matches!(k, EventKind::BudgetReached { .. }))
        .unwrap_or_else(|| panic!("no budget_reached in {kinds:?}"));
    let EventKind::BudgetReached { kind, used, limit } = kinds[at] else { unreachable!() };
    assert!(
        matches!(
            kinds[kinds.len() - 2],
            EventKind::Error { code: ErrorCode::Budget, retryable: false, .. }
        ),
        "{kinds:?}"
    );
    assert!(matches!(
        kinds[kinds.len() - 1],
        EventKind::RunFinished { reason: FinishReason::Error, .. }
    ));
    (*kind, *used, *limit)
}

/// The one run the history in `data` holds: its events, and the conversation's messages.
fn saved(data: &Path) -> (Vec<Event>, Vec<Message>) {
    let history = History::open(data.join("history.sqlite3")).unwrap();
    let conversation = history.list_conversations().unwrap().remove(0);
    let mut detail = history.get(&conversation.id).unwrap();
    (detail.runs.remove(0).events, history.messages(&conversation.id).unwrap())
}

#[tokio::test]
async fn the_time_budget_stops_a_slow_answer_and_keeps_what_streamed() {
    let server = TestServer::always(words(200, Duration::from_millis(25))).await;
    let data = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = output(telltale(&server, data.path(), &["--max-seconds", "1"])).await;
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(took < Duration::from_secs(4), "stopped at the budget, not at the end: {took:?}");
    let printed = events(&out);
    let (kind, used, limit) = budget_reached(&printed);
    assert_eq!((kind, limit), (BudgetKind::Seconds, 1.0));
    assert!((1.0..2.0).contains(&used), "{used}");
    let partial = runs::tokens(&printed);
    assert!(partial.starts_with("w0 w1 ") && !partial.contains("w199"), "{partial}");

    let (saved_events, messages) = saved(data.path());
    assert_eq!(saved_events, printed, "the history holds the run as it was printed");
    assert_eq!(
        messages.last(),
        Some(&Message::assistant(partial, vec![])),
        "the partial answer is the conversation's last message"
    );
}

#[tokio::test]
async fn a_step_that_would_go_past_the_tool_call_budget_runs_none_of_its_calls() {
    let server = TestServer::start(|n, _| clock_call(&format!("call_{n}"), 5)).await;
    let data = tempfile::tempdir().unwrap();
    let out = output(telltale(&server, data.path(), &["--max-tool-calls", "2"])).await;
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let printed = events(&out);
    assert_eq!(budget_reached(&printed), (BudgetKind::ToolCalls, 3.0, 2.0));
    let ran = printed.iter().filter(|e| matches!(e.kind, EventKind::ToolResult { .. })).count();
    assert_eq!((ran, server.requests().len()), (2, 3), "two calls ran; the third step's did not");

    // The third call is in the history with a result that says why it did not run.
    let (_, messages) = saved(data.path());
    let Some(Message::Tool { call_id, ok: false, output, .. }) = messages.last() else {
        panic!("the last message is the refused call's result: {messages:?}")
    };
    assert_eq!(call_id, "call_2");
    assert!(output.contains("budget"), "{output}");
}

#[tokio::test]
async fn output_tokens_count_while_streaming_from_the_providers_usage_of_earlier_steps() {
    // The first step reports 15 answer tokens (its tool call); the second streams one token per
    // event: the budget of 20 is past at its 6th.
    let server = TestServer::start(|n, _| match n {
        0 => clock_call("call_0", 15),
        _ => words(200, Duration::from_millis(10)),
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let out = output(telltale(&server, data.path(), &["--max-output-tokens", "20"])).await;
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let printed = events(&out);
    assert_eq!(budget_reached(&printed), (BudgetKind::OutputTokens, 21.0, 20.0));
    assert_eq!(runs::tokens(&printed), "w0 w1 w2 w3 w4 w5 ");
    let (saved_events, _) = saved(data.path());
    assert_eq!(runs::tokens(&saved_events), "w0 w1 w2 w3 w4 w5 ");
}

#[tokio::test]
async fn a_cost_budget_for_a_model_without_a_price_is_refused_before_anything_is_sent() {
    let server = TestServer::always(words(3, Duration::ZERO)).await;
    let data = tempfile::tempdir().unwrap();
    // 127.0.0.1 is this computer: its models cost nothing, so a cost budget is fine there.
    let out = output(telltale(&server, data.path(), &["--max-cost", "0.01"])).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let elsewhere = telltale_at("https://proxy.example/v1", data.path(), &["--max-cost", "0.01"]);
    let out = output(elsewhere).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--max-cost needs the price of m"), "{stderr}");
    assert_eq!(server.requests().len(), 1, "nothing was sent for the refused run");
}
