//! Every Telltale event kind mapped, and whole runs mapped to sequences that keep AG-UI's rules
//! (as `@ag-ui/client` checks them): `RUN_STARTED` first; text, reasoning and tool calls each
//! started before their content and ended before the run ends; steps paired; nothing after
//! `RUN_FINISHED` or `RUN_ERROR`.

use std::collections::HashSet;

use serde_json::{json, Value};
use telltale_protocol::{BudgetKind, ErrorCode, Event, EventKind, FinishReason, StatusIcon, Usage};

use super::Mapper;

const STARTED_AT: u64 = 1_795_476_891_325;

fn event(seq: u64, kind: EventKind) -> Event {
    Event { run_id: "r1".into(), seq, t_ms: seq as f64 * 10.5, kind }
}

fn run_started() -> EventKind {
    EventKind::RunStarted {
        provider: "offline".into(),
        model: "demo".into(),
        started_at: STARTED_AT,
    }
}

fn status(icon: StatusIcon) -> EventKind {
    EventKind::Status { message: "Planning…".into(), icon: Some(icon) }
}

fn token(text: &str) -> EventKind {
    EventKind::Token { text: text.into() }
}

fn finished(reason: FinishReason) -> EventKind {
    EventKind::RunFinished { reason, usage: None, ttft_ms: None, cost_usd: None }
}

/// Maps `kinds` as one run's events.
fn map_all(kinds: Vec<EventKind>) -> Vec<Value> {
    let mut mapper = Mapper::new("t1".into(), "r1".into());
    let mut out = Vec::new();
    for (seq, kind) in kinds.into_iter().enumerate() {
        out.extend(mapper.map(&event(seq as u64, kind)));
    }
    out
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|event| event["type"].as_str().unwrap()).collect()
}

/// Checks the rules `@ag-ui/client` verifies a stream against.
fn assert_valid(events: &[Value]) {
    assert_eq!(events[0]["type"], "RUN_STARTED", "{events:#?}");
    let (mut text, mut reasoning, mut calls, mut steps) =
        (HashSet::new(), HashSet::new(), HashSet::new(), HashSet::new());
    for (index, event) in events.iter().enumerate() {
        let id = |field: &str| event[field].as_str().unwrap().to_owned();
        let last = index == events.len() - 1;
        match event["type"].as_str().unwrap() {
            "TEXT_MESSAGE_START" => assert!(text.insert(id("messageId"))),
            "TEXT_MESSAGE_CONTENT" => {
                assert!(text.contains(&id("messageId")));
                assert_ne!(event["delta"], "", "a delta is never empty");
            }
            "TEXT_MESSAGE_END" => assert!(text.remove(&id("messageId"))),
            "REASONING_MESSAGE_START" => assert!(reasoning.insert(id("messageId"))),
            "REASONING_MESSAGE_CONTENT" => assert!(reasoning.contains(&id("messageId"))),
            "REASONING_MESSAGE_END" => assert!(reasoning.remove(&id("messageId"))),
            "TOOL_CALL_START" => assert!(calls.insert(id("toolCallId"))),
            "TOOL_CALL_ARGS" => assert!(calls.contains(&id("toolCallId"))),
            "TOOL_CALL_END" => assert!(calls.remove(&id("toolCallId"))),
            "STEP_STARTED" => assert!(steps.insert(id("stepName"))),
            "STEP_FINISHED" => assert!(steps.remove(&id("stepName"))),
            "RUN_FINISHED" | "RUN_ERROR" => {
                assert!(last, "nothing after the run's end: {events:#?}");
                let open = text.len() + reasoning.len() + calls.len() + steps.len();
                assert_eq!(open, 0, "everything ended before the run: {events:#?}");
            }
            _ => {}
        }
    }
}

#[test]
fn every_event_kind_maps_to_its_ag_ui_events() {
    let call = |kind: EventKind| {
        let mut kinds = vec![run_started(), status(StatusIcon::Planning)];
        kinds.push(kind);
        let mapped = map_all(kinds);
        mapped[3..].to_vec()
    };
    let only =
        |events: Vec<Value>| types(&events).iter().map(|t| t.to_string()).collect::<Vec<_>>();

    let started = map_all(vec![run_started()]);
    assert_eq!(
        started,
        [json!({"type": "RUN_STARTED", "threadId": "t1", "runId": "r1", "timestamp": STARTED_AT,
                "metadata": {"provider": "offline", "model": "demo"}})]
    );
    let status_events = map_all(vec![run_started(), status(StatusIcon::Planning)]);
    assert_eq!(types(&status_events), ["RUN_STARTED", "STEP_STARTED", "CUSTOM"]);
    assert_eq!(status_events[1]["stepName"], "step 1");
    assert_eq!(status_events[2]["name"], "status");
    assert_eq!(status_events[2]["value"], json!({"message": "Planning…", "icon": "planning"}));
    assert_eq!(status_events[2]["timestamp"], STARTED_AT + 10, "started_at + t_ms");

    let thought = call(EventKind::Thought { text: "hmm".into() });
    assert_eq!(
        only(thought.clone()),
        ["REASONING_START", "REASONING_MESSAGE_START", "REASONING_MESSAGE_CONTENT"]
    );
    assert_eq!(thought[1]["role"], "reasoning");
    assert_eq!(thought[2]["delta"], "hmm");

    let delta = call(EventKind::ToolCallDelta {
        call_id: "c1".into(),
        name: "calculator".into(),
        args_delta: "{\"expr".into(),
    });
    assert_eq!(only(delta.clone()), ["TOOL_CALL_START", "TOOL_CALL_ARGS"]);
    assert_eq!(delta[0]["toolCallName"], "calculator");
    assert_eq!(delta[1]["delta"], "{\"expr");

    let tool_call = call(EventKind::ToolCall {
        call_id: "c1".into(),
        name: "calculator".into(),
        args: json!({"expression": "2+2"}),
    });
    assert_eq!(
        only(tool_call.clone()),
        ["TOOL_CALL_START", "STEP_FINISHED", "TOOL_CALL_ARGS", "TOOL_CALL_END"]
    );
    assert_eq!(tool_call[2]["delta"], "{\"expression\":\"2+2\"}");

    for (kind, name) in [
        (
            EventKind::ApprovalRequired {
                call_id: "c1".into(),
                name: "write_file".into(),
                args: json!({}),
            },
            "approval_required",
        ),
        (
            EventKind::ApprovalResolved {
                call_id: "c1".into(),
                approved: true,
                args: None,
                always: false,
            },
            "approval_resolved",
        ),
        (
            EventKind::ToolProgress {
                call_id: "c1".into(),
                progress: 1.0,
                total: Some(2.0),
                message: None,
            },
            "tool_progress",
        ),
        (EventKind::Ping { waiting_for: Some("clock".into()) }, "ping"),
        (
            EventKind::BudgetReached { kind: BudgetKind::ToolCalls, used: 3.0, limit: 2.0 },
            "budget_reached",
        ),
    ] {
        let custom = call(kind);
        assert_eq!(only(custom.clone()), ["CUSTOM"]);
        assert_eq!(custom[0]["name"], name);
        assert!(custom[0]["value"].get("type").is_none(), "{custom:?}");
    }

    let result = call(EventKind::ToolResult {
        call_id: "c1".into(),
        ok: false,
        output: "boom".into(),
        duration_ms: 2.0,
    });
    assert_eq!(
        result,
        [json!({"type": "TOOL_CALL_RESULT", "messageId": "r1-result-c1", "toolCallId": "c1",
                "content": "boom", "role": "tool", "metadata": {"ok": false, "durationMs": 2.0},
                "timestamp": STARTED_AT + 21})]
    );

    let text = call(token("Hi"));
    assert_eq!(only(text.clone()), ["TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT"]);
    assert_eq!(text[0]["role"], "assistant");
    assert_eq!(text[1]["delta"], "Hi");
    assert!(call(token("")).is_empty(), "an empty token sends nothing");
    assert!(call(EventKind::Thought { text: String::new() }).is_empty());

    let error = call(EventKind::Error {
        code: ErrorCode::RateLimited,
        message: "wait".into(),
        retryable: true,
    });
    assert_eq!(only(error.clone()), ["STEP_FINISHED", "RUN_ERROR"]);
    assert_eq!((&error[1]["message"], &error[1]["code"]), (&json!("wait"), &json!("rate_limited")));

    let done = call(EventKind::RunFinished {
        reason: FinishReason::Completed,
        usage: Some(Usage { input_tokens: 5, output_tokens: 7 }),
        ttft_ms: None,
        cost_usd: None,
    });
    assert_eq!(only(done.clone()), ["STEP_FINISHED", "RUN_FINISHED"]);
    assert_eq!(done[1]["threadId"], "t1");
    assert_eq!(done[1]["runId"], "r1");
    assert_eq!(done[1]["outcome"], json!({"type": "success"}));
    assert_eq!(done[1]["usage"][0]["totalTokens"], 12);
}

#[test]
fn a_run_with_thoughts_tools_and_an_answer_keeps_ag_ui_s_rules() {
    let events = map_all(vec![
        run_started(),
        status(StatusIcon::Planning),
        EventKind::Thought { text: "I'll add.".into() },
        EventKind::ToolCallDelta {
            call_id: "c1".into(),
            name: "calculator".into(),
            args_delta: "{\"expression\":".into(),
        },
        EventKind::ToolCallDelta {
            call_id: "c1".into(),
            name: "calculator".into(),
            args_delta: "\"2+2\"}".into(),
        },
        EventKind::ToolCallDelta {
            call_id: "c2".into(),
            name: "clock".into(),
            args_delta: "{}".into(),
        },
        EventKind::ToolCall {
            call_id: "c1".into(),
            name: "calculator".into(),
            args: json!({"expression": "2+2"}),
        },
        EventKind::ToolCall { call_id: "c2".into(), name: "clock".into(), args: json!({}) },
        EventKind::ToolResult {
            call_id: "c2".into(),
            ok: true,
            output: "noon".into(),
            duration_ms: 1.0,
        },
        EventKind::ToolResult {
            call_id: "c1".into(),
            ok: true,
            output: "4".into(),
            duration_ms: 1.0,
        },
        status(StatusIcon::Thinking),
        token("It is "),
        token("4."),
        finished(FinishReason::Completed),
    ]);
    assert_valid(&events);
    assert!(events.iter().all(|e| e["timestamp"].is_u64()), "{events:#?}");
    let args: String = events
        .iter()
        .filter(|e| e["type"] == "TOOL_CALL_ARGS" && e["toolCallId"] == "c1")
        .map(|e| e["delta"].as_str().unwrap())
        .collect();
    assert_eq!(args, "{\"expression\":\"2+2\"}", "streamed arguments are not sent twice");
    let parents: HashSet<&Value> = events
        .iter()
        .filter(|e| e["type"] == "TOOL_CALL_START")
        .map(|e| &e["parentMessageId"])
        .collect();
    assert_eq!(parents.len(), 1, "a step's calls belong to one assistant message");
    let steps: Vec<&Value> =
        events.iter().filter(|e| e["type"] == "STEP_STARTED").map(|e| &e["stepName"]).collect();
    assert_eq!(steps, [&json!("step 1"), &json!("step 2")]);
    let answer: String = events
        .iter()
        .filter(|e| e["type"] == "TEXT_MESSAGE_CONTENT")
        .map(|e| e["delta"].as_str().unwrap())
        .collect();
    assert_eq!(answer, "It is 4.");
}

#[test]
fn a_run_cut_off_anywhere_ends_everything_it_opened() {
    let open_everything = || {
        vec![
            run_started(),
            status(StatusIcon::Planning),
            token("Let me "),
            EventKind::ToolCallDelta {
                call_id: "c1".into(),
                name: "clock".into(),
                args_delta: "{".into(),
            },
        ]
    };
    let mut cancelled = open_everything();
    cancelled.push(finished(FinishReason::Cancelled));
    let events = map_all(cancelled);
    assert_valid(&events);
    assert_eq!(events.last().unwrap()["outcome"], json!({"type": "cancelled"}));

    let mut failed = open_everything();
    failed.push(EventKind::Error {
        code: ErrorCode::Network,
        message: "offline".into(),
        retryable: true,
    });
    failed.push(finished(FinishReason::Error));
    let events = map_all(failed);
    assert_valid(&events);
    assert_eq!(
        types(&events).iter().filter(|t| **t == "RUN_ERROR").count(),
        1,
        "run_finished after an error adds nothing"
    );

    let mut thinking =
        vec![run_started(), status(StatusIcon::Planning), EventKind::Thought { text: "so".into() }];
    thinking.push(finished(FinishReason::Error));
    let events = map_all(thinking);
    assert_valid(&events);
    assert_eq!(events.last().unwrap()["code"], "internal");
}

#[test]
fn a_run_that_never_started_still_opens_with_run_started() {
    // A conversation that could not be read: an error and run_finished, no run_started.
    let events = map_all(vec![
        EventKind::Error {
            code: ErrorCode::HistoryUnavailable,
            message: "disk".into(),
            retryable: true,
        },
        finished(FinishReason::Error),
    ]);
    assert_eq!(types(&events), ["RUN_STARTED", "RUN_ERROR"]);
    assert_eq!(events[1]["code"], "history_unavailable");
}

#[test]
fn a_continued_answer_without_a_status_gets_a_step_and_a_message() {
    let events = map_all(vec![token("…and the rest."), finished(FinishReason::Completed)]);
    assert_valid(&events);
    assert_eq!(
        types(&events),
        [
            "RUN_STARTED",
            "STEP_STARTED",
            "TEXT_MESSAGE_START",
            "TEXT_MESSAGE_CONTENT",
            "TEXT_MESSAGE_END",
            "STEP_FINISHED",
            "RUN_FINISHED"
        ]
    );
}
