//! Approval before side effects and the watchdog on every call, through the real agent loop:
//! approve (with edited arguments), deny, always allow, cancel one call while another runs, a
//! tool that panics, and a run nobody can answer.

#[path = "support/scripted.rs"]
mod scripted;
#[path = "support/test_tools.rs"]
mod test_tools;

use std::sync::Arc;
use std::time::Duration;

use scripted::{call, Scripted, Step};
use serde_json::json;
use telltale_agent::{Agent, AgentConfig, Decision, RunControls, RunOutcome, ToolRegistry};
use telltale_protocol::{Event, EventKind, FinishReason, Message};
use test_tools::{picked, result_of, tool, tools_in, Act};
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

/// Runs `agent` with controls, calling `react` on every event as it streams.
async fn drive(
    agent: Arc<Agent>,
    mut react: impl FnMut(&Event, &RunControls),
) -> (Vec<Event>, RunOutcome) {
    let controls = RunControls::new(CancellationToken::new());
    let (tx, mut rx) = unbounded_channel();
    let run = {
        let (agent, controls) = (agent.clone(), controls.clone());
        tokio::spawn(async move { agent.run_with("run-1", &[], "go", tx, controls, None).await })
    };
    let mut events = Vec::new();
    while let Some(event) = rx.recv().await {
        react(&event, &controls);
        events.push(event);
    }
    (events, run.await.unwrap())
}

fn asked(events: &[Event]) -> Vec<String> {
    picked(events, |kind| match kind {
        EventKind::ApprovalRequired { call_id, .. } => Some(call_id.clone()),
        _ => None,
    })
}

fn no_pings() -> AgentConfig {
    AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() }
}

fn write(id: &str, path: &str) -> telltale_protocol::ToolCall {
    call(id, "write_file", json!({"path": path, "content": format!("{id}\n")}))
}

#[tokio::test]
async fn write_file_waits_for_approval_and_does_what_the_user_decided() {
    let dir = tempfile::tempdir().unwrap();
    let provider = Arc::new(Scripted::new(vec![
        Step::Calls(vec![write("c1", "a.txt"), write("c2", "b.txt")]),
        Step::Calls(vec![write("c3", "notes/c.txt")]),
        Step::Calls(vec![write("c4", "d.txt")]),
        Step::Calls(vec![call("c5", "read_file", json!({"path": "d.txt"}))]),
        Step::Answer("Done."),
    ]));
    let agent = Arc::new(Agent::new(provider.clone(), tools_in(dir.path()), no_pings()));
    let (events, outcome) = drive(agent, |event, controls| {
        if let EventKind::ApprovalRequired { call_id, .. } = &event.kind {
            let decision = match call_id.as_str() {
                "c1" => Decision::Approve {
                    args: Some(json!({"path": "a2.txt", "content": "edited\n"})),
                    always: false,
                },
                "c2" => Decision::Deny,
                _ => Decision::Approve { args: None, always: true },
            };
            controls.resolve_approval(call_id, decision).unwrap();
        }
    })
    .await;
    assert_eq!(outcome.reason, FinishReason::Completed);
    // c4 runs without asking: the user allowed write_file for the rest of the run at c3; reading
    // never asks.
    assert_eq!(asked(&events), ["c1", "c2", "c3"]);
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).ok();
    assert_eq!(read("a2.txt").as_deref(), Some("edited\n"));
    assert_eq!((read("a.txt"), read("b.txt")), (None, None));
    assert_eq!(read("notes/c.txt").as_deref(), Some("c3\n"));
    assert_eq!(read("d.txt").as_deref(), Some("c4\n"));

    let (ok, output) = result_of(&events, "c1");
    assert!(ok && output.starts_with("(The user changed the arguments to"), "{output}");
    assert_eq!(result_of(&events, "c2"), (false, "denied by the user".into()));
    assert_eq!(result_of(&events, "c5"), (true, "c4\n".into()));
    let resolved: Vec<(String, bool, bool, bool)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ApprovalResolved { call_id, approved, args, always } => {
                Some((call_id.clone(), *approved, args.is_some(), *always))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        resolved,
        [
            ("c1".into(), true, true, false),
            ("c2".into(), false, false, false),
            ("c3".into(), true, false, true)
        ]
    );
    // The model is told about the denial in its next request.
    let told = provider.requests()[1].iter().any(|m| {
        matches!(m, Message::Tool { call_id, ok: false, output, .. }
            if call_id == "c2" && output == "denied by the user")
    });
    assert!(told, "{:?}", provider.requests()[1]);
}

#[tokio::test]
async fn one_call_is_cancelled_while_the_others_finish_and_a_panic_is_a_failed_call() {
    let mut tools = ToolRegistry::builtin();
    tools.add(tool("slow", Act::Sleep(Duration::from_secs(60), "finally")));
    tools.add(tool("panics", Act::Panic));
    let provider = Arc::new(Scripted::new(vec![
        Step::Calls(vec![
            call("slow-1", "slow", json!({})),
            call("calc-1", "calculator", json!({"expression": "6 * 7"})),
            call("boom-1", "panics", json!({})),
        ]),
        Step::Answer("42."),
    ]));
    let agent = Arc::new(Agent::new(provider, tools, no_pings()));
    let started = std::time::Instant::now();
    let (events, outcome) = drive(agent, |event, controls| {
        // Once the quick calls are done, the user cancels the slow one.
        if let EventKind::ToolResult { call_id, .. } = &event.kind {
            if call_id == "calc-1" {
                controls.cancel_call("slow-1").unwrap();
            }
        }
    })
    .await;
    assert!(started.elapsed() < Duration::from_secs(30), "the slow call was waited for");
    assert_eq!(outcome.reason, FinishReason::Completed);
    assert_eq!(result_of(&events, "calc-1"), (true, "42".into()));
    assert_eq!(result_of(&events, "slow-1"), (false, "cancelled by the user".into()));
    assert_eq!(result_of(&events, "boom-1"), (false, "the tool crashed: boom".into()));
}

#[tokio::test]
async fn without_anyone_to_answer_a_call_that_asks_is_denied_and_stop_ends_a_wait() {
    let dir = tempfile::tempdir().unwrap();
    let tools = tools_in(dir.path());
    let script =
        || Scripted::new(vec![Step::Calls(vec![write("c1", "a.txt")]), Step::Answer("ok")]);

    // Agent::run has nobody to ask.
    let agent = Agent::new(Arc::new(script()), tools.clone(), no_pings());
    let (tx, mut rx) = unbounded_channel();
    let outcome = agent.run("run-1", &[], "go", tx, CancellationToken::new()).await;
    let events: Vec<Event> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    assert_eq!(outcome.reason, FinishReason::Completed);
    assert_eq!(result_of(&events, "c1"), (false, "denied by the user".into()));
    assert!(!dir.path().join("a.txt").exists());

    // Stopping the run while it waits ends it at once.
    let agent = Arc::new(Agent::new(Arc::new(script()), tools, no_pings()));
    let (events, outcome) = drive(agent, |event, controls| {
        if matches!(event.kind, EventKind::ApprovalRequired { .. }) {
            assert_eq!(controls.waiting_for_approval(), ["c1"]);
            controls.stop();
        }
    })
    .await;
    assert_eq!(outcome.reason, FinishReason::Cancelled);
    assert!(!dir.path().join("a.txt").exists());
    assert!(matches!(events.last().unwrap().kind, EventKind::RunFinished { .. }));
}

#[tokio::test]
async fn a_step_with_too_many_calls_runs_the_first_ones_and_huge_output_is_cut() {
    let mut tools = ToolRegistry::default();
    tools.add(tool("big", Act::Big(1024 * 1024)));
    let calls = (0..3).map(|n| call(&format!("b{n}"), "big", json!({}))).collect();
    let provider = Arc::new(Scripted::new(vec![Step::Calls(calls), Step::Answer("ok")]));
    let config = AgentConfig { max_calls_per_step: 2, ..no_pings() };
    let agent = Arc::new(Agent::new(provider, tools, config));
    let (events, outcome) = drive(agent, |_, _| {}).await;
    assert_eq!(outcome.reason, FinishReason::Completed);
    let (ok, output) = result_of(&events, "b0");
    assert!(ok && output.len() < 130 * 1024, "{} bytes", output.len());
    assert!(output.ends_with("[… cut: the tool returned 1024 KB; the first 128 KB are kept]"));
    assert_eq!(
        result_of(&events, "b2"),
        (false, "not run: one step may make at most 2 tool calls".into())
    );
}

#[tokio::test]
async fn the_time_waiting_for_approval_is_not_counted_as_the_tools() {
    let dir = tempfile::tempdir().unwrap();
    let provider =
        Arc::new(Scripted::new(vec![Step::Calls(vec![write("c1", "a.txt")]), Step::Answer("ok")]));
    let agent = Arc::new(Agent::new(provider, tools_in(dir.path()), no_pings()));
    let (events, _) = drive(agent, |event, controls| {
        if matches!(event.kind, EventKind::ApprovalRequired { .. }) {
            let controls = controls.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(400)).await;
                let approve = Decision::Approve { args: None, always: false };
                controls.resolve_approval("c1", approve).unwrap();
            });
        }
    })
    .await;
    // Read against the run's own clock, not a fixed bound (a loaded machine may take long to
    // sync the file): the tool's time fits between the approval and the result, and the wait
    // before the approval (at least the 400 ms slept) is not in it.
    let at = |wanted: fn(&EventKind) -> bool| {
        events.iter().find(|e| wanted(&e.kind)).map(|e| e.t_ms).expect("the event was sent")
    };
    let asked = at(|kind| matches!(kind, EventKind::ApprovalRequired { .. }));
    let approved = at(|kind| matches!(kind, EventKind::ApprovalResolved { .. }));
    let finished = at(|kind| matches!(kind, EventKind::ToolResult { .. }));
    let duration = events
        .iter()
        .find_map(|e| match e.kind {
            EventKind::ToolResult { duration_ms, .. } => Some(duration_ms),
            _ => None,
        })
        .expect("a tool result");
    assert!(approved - asked >= 400.0, "the approval came after {} ms", approved - asked);
    assert!(
        duration <= finished - approved + 0.01,
        "{duration} ms includes the wait (approved at {approved}, finished at {finished})"
    );
}
