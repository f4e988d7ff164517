//! The agent loop end to end with the offline provider and scripted providers.

#[path = "support/runs.rs"]
mod runs;
#[path = "support/scripted.rs"]
mod scripted;
#[path = "support/test_tools.rs"]
mod test_tools;

use std::sync::Arc;
use std::time::Duration;

use runs::tokens;
use scripted::{call, Scripted, Step};
use serde_json::{json, Value};
use telltale_agent::providers::{OfflinePace, OfflineProvider};
use telltale_agent::{Agent, AgentConfig, ProviderError, ToolRegistry};
use telltale_protocol::{ErrorCode, Event, EventKind, FinishReason, Message};
use test_tools::{picked, tool, Act};
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

async fn run(agent: &Agent, prompt: &str) -> (Vec<Event>, telltale_agent::RunOutcome) {
    let (tx, mut rx) = unbounded_channel();
    let outcome = agent.run("run-1", &[], prompt, tx, CancellationToken::new()).await;
    let events = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    (events, outcome)
}

/// [`run`] with the offline provider at full speed, the built-in tools and no pings.
async fn offline_run(prompt: &str) -> (Vec<Event>, telltale_agent::RunOutcome) {
    run(&offline(OfflinePace::instant(), no_pings()), prompt).await
}

fn offline(pace: OfflinePace, config: AgentConfig) -> Agent {
    Agent::new(Arc::new(OfflineProvider::new(pace)), ToolRegistry::builtin(), config)
}

fn no_pings() -> AgentConfig {
    AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() }
}

/// Checks the invariants every run keeps, and returns the events' type tags.
fn check_invariants(events: &[Event]) -> Vec<&'static str> {
    for (i, event) in events.iter().enumerate() {
        assert_eq!(event.seq, i as u64, "seq has no gaps");
        assert_eq!(event.run_id, "run-1");
        if i > 0 {
            assert!(event.t_ms >= events[i - 1].t_ms, "t_ms never goes back");
        }
    }
    let types: Vec<&'static str> = events.iter().map(|e| type_of(&e.kind)).collect();
    assert_eq!(types.first(), Some(&"run_started"));
    assert_eq!(types.iter().filter(|t| **t == "run_finished").count(), 1);
    assert_eq!(types.last(), Some(&"run_finished"));
    types
}

/// The argument fragments that streamed, in order, for the calls `which` picks by call id and
/// tool name.
fn args_deltas(events: &[Event], which: impl Fn(&str, &str) -> bool) -> Vec<&str> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ToolCallDelta { call_id, name, args_delta } if which(call_id, name) => {
                Some(args_delta.as_str())
            }
            _ => None,
        })
        .collect()
}

fn statuses(events: &[Event]) -> Vec<String> {
    picked(events, |kind| match kind {
        EventKind::Status { message, .. } => Some(message.clone()),
        _ => None,
    })
}

#[tokio::test]
async fn offline_run_calls_both_tools_and_streams_the_answer() {
    let (events, outcome) = offline_run("What is 17 * 23, and what time is it in Tokyo?").await;
    let types = check_invariants(&events);
    let mut head: Vec<&str> = types.iter().copied().take_while(|t| *t != "token").collect();
    head.dedup_by(|a, b| *a == "tool_call_delta" && *b == "tool_call_delta");
    assert_eq!(
        head,
        [
            "run_started",
            "status",
            "thought",
            "tool_call_delta",
            "tool_call",
            "status",
            "tool_call",
            "status",
            "tool_result",
            "tool_result",
            "status",
            "status",
        ]
    );
    assert_eq!(
        statuses(&events),
        [
            "Planning…",
            "Calculating 17 * 23…",
            "Checking the time in Asia/Tokyo…",
            "Reading the results…",
            "Writing the answer…"
        ]
    );
    let args = args_deltas(&events, |call_id, _| call_id == "offline_call_1").concat();
    assert_eq!(serde_json::from_str::<Value>(&args).unwrap(), json!({"expression": "17 * 23"}));
    for event in &events {
        if let EventKind::ToolResult { ok, output, .. } = &event.kind {
            assert!(ok, "{output}");
        }
    }
    let text = tokens(&events);
    assert!(text.starts_with("17 * 23 = 391.\n\nIn Tokyo (Asia/Tokyo) it is "), "{text}");
    let Some(EventKind::RunFinished { reason, ttft_ms, .. }) = events.last().map(|e| &e.kind)
    else {
        panic!()
    };
    assert_eq!(*reason, FinishReason::Completed);
    assert!(ttft_ms.is_some());
    assert_eq!(outcome.reason, FinishReason::Completed);
    assert_eq!(
        outcome.new_messages.len(),
        5,
        "user, assistant with 2 calls, 2 tool results, answer"
    );
    assert_eq!(outcome.new_messages.last(), Some(&Message::assistant(text, vec![])));
}

#[tokio::test]
async fn offline_draft_streams_the_email_arguments_field_by_field() {
    let (events, outcome) = offline_run("Draft an email to Alice about the launch date").await;
    check_invariants(&events);
    let deltas = args_deltas(&events, |_, name| name == "draft_email");
    assert!(deltas.len() > 10, "the draft streams in many small pieces, not {}", deltas.len());
    let args: Value = serde_json::from_str(&deltas.concat()).unwrap();
    assert_eq!(args["to"], "Alice");
    assert_eq!(args["subject"], "The launch date");
    assert!(args["body"].as_str().unwrap().starts_with("Hi Alice,"));
    assert!(statuses(&events).contains(&"Drafting an email to Alice…".to_string()));
    assert!(tokens(&events).starts_with("I've drafted the email to Alice."));
    assert_eq!(outcome.reason, FinishReason::Completed);
}

#[tokio::test(start_paused = true)]
async fn the_offline_answer_starts_as_soon_as_its_tools_are_done_and_keeps_its_pace() {
    let pace = OfflinePace { think: Duration::from_secs(5), word: Duration::from_millis(30) };
    let (events, outcome) = run(&offline(pace, no_pings()), "What is 17 * 23?").await;
    assert_eq!(outcome.reason, FinishReason::Completed);
    let at = |pick: fn(&EventKind) -> bool| -> Vec<f64> {
        events.iter().filter(|e| pick(&e.kind)).map(|e| e.t_ms).collect()
    };
    let plan = at(|k| matches!(k, EventKind::Thought { .. }));
    let results = at(|k| matches!(k, EventKind::ToolResult { .. }));
    let tokens = at(|k| matches!(k, EventKind::Token { .. }));
    // It thinks before its plan, as a model takes time to its first byte…
    assert!(plan[0] >= 5000.0, "{plan:?}");
    // …but answers from the calculator's result at once, then word by word.
    assert!(
        tokens[0] - results[0] < 1.0,
        "first token {} ms after the result",
        tokens[0] - results[0]
    );
    let gaps: Vec<f64> = tokens.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(!gaps.is_empty() && gaps.iter().all(|gap| *gap >= 30.0), "{gaps:?}");
}

// On tokio's paused clock, the time the run takes to end is the time it waits on its own timers
// after Stop (the next word's pause, a retry), not how busy the machine is: the bound cannot be
// missed by a loaded CI machine, and is missed when Stop waits for the words to come. (The figure,
// Stop → run_finished on a real clock, is the `stop` benchmark's.)
#[tokio::test(start_paused = true)]
async fn stop_ends_the_run_within_100ms_and_keeps_the_partial_answer() {
    let pace = OfflinePace { think: Duration::ZERO, word: Duration::from_millis(40) };
    let agent = offline(pace, no_pings());
    let cancel = CancellationToken::new();
    let (tx, mut rx) = unbounded_channel();
    let stopper = cancel.clone();
    let handle = tokio::spawn(async move {
        let outcome = agent.run("run-1", &[], "Tell me a story about dragons", tx, stopper).await;
        (outcome, tokio::time::Instant::now())
    });
    // Wait for a few tokens, then stop.
    let mut tokens = 0;
    let mut seen = Vec::new();
    while tokens < 3 {
        let event = rx.recv().await.expect("events flow");
        tokens += matches!(event.kind, EventKind::Token { .. }) as usize;
        seen.push(event);
    }
    let stopped_at = tokio::time::Instant::now();
    cancel.cancel();
    let (outcome, finished_at) = handle.await.unwrap();
    assert!(
        finished_at - stopped_at < Duration::from_millis(100),
        "took {:?}",
        finished_at - stopped_at
    );
    seen.extend(std::iter::from_fn(|| rx.try_recv().ok()));
    check_invariants(&seen);
    assert!(matches!(
        seen.last().unwrap().kind,
        EventKind::RunFinished { reason: FinishReason::Cancelled, .. }
    ));
    let partial = runs::tokens(&seen);
    assert!(!partial.is_empty());
    assert_eq!(outcome.reason, FinishReason::Cancelled);
    assert_eq!(outcome.new_messages.last(), Some(&Message::assistant(partial, vec![])));
}

/// An agent whose provider calls `slow` once (or, `forever`, at every step), then answers "ok".
fn with_slow_tool(tool_time: Duration, forever: bool, config: AgentConfig) -> Agent {
    let mut tools = ToolRegistry::default();
    tools.add(tool("slow", Act::Sleep(tool_time, "done")));
    let calls = if forever { config.max_steps + 1 } else { 1 };
    let mut script: Vec<Step> =
        (0..calls).map(|n| Step::Calls(vec![call(&format!("c{n}"), "slow", json!({}))])).collect();
    script.push(Step::Answer("ok"));
    Agent::new(Arc::new(Scripted::new(script)), tools, config)
}

#[tokio::test(start_paused = true)]
async fn a_slow_tool_keeps_pings_flowing_with_what_the_run_waits_for() {
    let config = AgentConfig { keepalive: Duration::from_secs(1), ..AgentConfig::default() };
    let agent = with_slow_tool(Duration::from_millis(3500), false, config);
    let (events, outcome) = run(&agent, "go").await;
    check_invariants(&events);
    let pings: Vec<&Event> =
        events.iter().filter(|e| matches!(e.kind, EventKind::Ping { .. })).collect();
    assert_eq!(pings.len(), 3, "one per silent second of the 3.5 s tool call");
    for ping in pings {
        assert_eq!(ping.kind, EventKind::Ping { waiting_for: Some("slow".into()) });
    }
    assert_eq!(outcome.reason, FinishReason::Completed);
}

#[tokio::test(start_paused = true)]
async fn a_tool_past_its_timeout_fails_and_the_run_goes_on() {
    let config = AgentConfig { tool_timeout: Duration::from_millis(100), ..no_pings() };
    let agent = with_slow_tool(Duration::from_secs(5), false, config);
    let (events, outcome) = run(&agent, "go").await;
    let result = events.iter().find_map(|e| match &e.kind {
        EventKind::ToolResult { ok, output, .. } => Some((*ok, output.clone())),
        _ => None,
    });
    assert_eq!(result, Some((false, "timed out after 100ms".to_string())));
    assert_eq!(tokens(&events), "ok");
    assert_eq!(outcome.reason, FinishReason::Completed);
}

#[tokio::test]
async fn the_step_limit_ends_the_run_with_a_typed_error() {
    let config = AgentConfig { max_steps: 3, ..no_pings() };
    let agent = with_slow_tool(Duration::ZERO, true, config);
    let (events, outcome) = run(&agent, "go").await;
    let types = check_invariants(&events);
    assert_eq!(types[types.len() - 2], "error");
    assert!(matches!(
        &events[events.len() - 2].kind,
        EventKind::Error { code: ErrorCode::StepLimit, retryable: false, .. }
    ));
    assert_eq!(outcome.reason, FinishReason::Error);
    let results = outcome.new_messages.iter().filter(|m| matches!(m, Message::Tool { .. })).count();
    assert_eq!(results, 3);
}

#[tokio::test]
async fn a_provider_error_keeps_what_streamed_and_ends_with_error() {
    let error = ProviderError::new(
        ErrorCode::ProviderUnavailable,
        "The provider is overloaded; try again in a minute.",
        true,
    );
    let provider = Scripted::new(vec![Step::FailsAfter(vec!["Hello", " wor"], error)]);
    let agent = Agent::new(Arc::new(provider), ToolRegistry::builtin(), no_pings());
    let (events, outcome) = run(&agent, "hi").await;
    let types = check_invariants(&events);
    assert_eq!(&types[types.len() - 2..], ["error", "run_finished"]);
    assert_eq!(tokens(&events), "Hello wor");
    assert_eq!(outcome.new_messages.last(), Some(&Message::assistant("Hello wor", vec![])));
    assert_eq!(outcome.error.map(|e| e.code), Some(ErrorCode::ProviderUnavailable));
}

/// The event's `type` tag, as it goes over the wire.
fn type_of(kind: &EventKind) -> &'static str {
    let value = serde_json::to_value(kind).expect("an event serialises");
    let name = value["type"].as_str().expect("a type tag").to_owned();
    Box::leak(name.into_boxed_str())
}

#[tokio::test]
async fn a_run_failed_from_outside_ends_with_that_typed_error_and_keeps_what_streamed() {
    let pace = OfflinePace { think: Duration::ZERO, word: Duration::from_millis(20) };
    let agent = offline(pace, no_pings());
    let controls = telltale_agent::RunControls::new(CancellationToken::new());
    let (tx, mut rx) = unbounded_channel();
    let failing = controls.clone();
    let handle = tokio::spawn(async move {
        agent.run_with("run-1", &[], "Tell me a story about dragons", tx, failing, None).await
    });
    let mut seen = Vec::new();
    while runs::tokens(&seen).is_empty() {
        seen.push(rx.recv().await.expect("events flow"));
    }
    let why = ProviderError::new(ErrorCode::HistoryUnavailable, "the disk is full", true);
    controls.fail(why.clone());
    controls.fail(ProviderError::new(ErrorCode::Internal, "a later failure", false));
    let outcome = handle.await.unwrap();
    seen.extend(std::iter::from_fn(|| rx.try_recv().ok()));
    let types = check_invariants(&seen);
    assert_eq!(&types[types.len() - 2..], ["error", "run_finished"]);
    assert_eq!(
        seen[seen.len() - 2].kind,
        EventKind::Error {
            code: ErrorCode::HistoryUnavailable,
            message: "the disk is full".into(),
            retryable: true
        },
        "the first failure wins"
    );
    assert_eq!(outcome.reason, FinishReason::Error);
    assert_eq!(outcome.error, Some(why));
    assert!(
        matches!(outcome.new_messages.last(), Some(Message::Assistant { text, .. }) if !text.is_empty())
    );
}
