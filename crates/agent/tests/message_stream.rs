//! `Agent::run_with` given a message channel: each message of a run reaches the recorder as it
//! completes, not when the run ends (so a crash mid-run loses no completed message).

#[path = "support/scripted.rs"]
mod scripted;
#[path = "support/test_tools.rs"]
mod test_tools;

use std::sync::Arc;
use std::time::Duration;

use scripted::{call, Scripted, Step};
use serde_json::json;
use telltale_agent::{Agent, AgentConfig, RunControls, ToolRegistry};
use telltale_protocol::{FinishReason, Message};
use test_tools::{tool, Act};
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

async fn next(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Message>) -> Message {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a message within 10 s")
        .expect("the run still sends")
}

fn tool_result(call_id: &str, name: &str, ok: bool, output: &str) -> Message {
    Message::Tool { call_id: call_id.into(), name: name.into(), ok, output: output.into() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_message_is_sent_as_it_completes_while_the_run_goes_on() {
    let mut tools = ToolRegistry::default();
    tools.add(tool("fast", Act::Sleep(Duration::from_millis(10), "quick result")));
    tools.add(tool("slow", Act::Sleep(Duration::from_secs(600), "never")));
    let calls = vec![call("c1", "slow", json!({})), call("c2", "fast", json!({}))];
    let script = Scripted::new(vec![Step::Calls(calls.clone()), Step::Answer("unreached")]);
    let config = AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() };
    let agent = Arc::new(Agent::new(Arc::new(script), tools, config));

    let (events, _keep) = unbounded_channel();
    let (messages, mut rx) = unbounded_channel();
    let cancel = CancellationToken::new();
    let controls = RunControls::new(cancel.clone());
    let runner = agent.clone();
    let run = tokio::spawn(async move {
        runner.run_with("run-1", &[], "go", events, controls, Some(messages)).await
    });

    assert_eq!(next(&mut rx).await, Message::user("go"), "the prompt, at once");
    assert_eq!(next(&mut rx).await, Message::assistant(String::new(), calls));
    let fast = tool_result("c2", "fast", true, "quick result");
    assert_eq!(next(&mut rx).await, fast, "the second call's result, as soon as it ended");
    assert!(!run.is_finished(), "while the first call still runs");

    cancel.cancel();
    let slow = tool_result("c1", "slow", false, "cancelled: the run was stopped");
    assert_eq!(next(&mut rx).await, slow, "the stopped call's result too");
    let outcome = run.await.unwrap();
    assert_eq!(outcome.reason, FinishReason::Cancelled);
    assert!(rx.recv().await.is_none(), "nothing more, and the channel closes with the run");
    // The run's own transcript keeps the results in call order.
    assert_eq!(&outcome.new_messages[2..], &[slow, fast]);
}

#[tokio::test]
async fn a_completed_run_sends_exactly_the_messages_it_returns() {
    let mut tools = ToolRegistry::default();
    tools.add(tool("fast", Act::Sleep(Duration::ZERO, "9")));
    let script = Scripted::new(vec![
        Step::Calls(vec![call("c1", "fast", json!({}))]),
        Step::Answer("the answer is 9"),
    ]);
    let config = AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() };
    let agent = Agent::new(Arc::new(script), tools, config);
    let (events, _keep) = unbounded_channel();
    let (messages, mut rx) = unbounded_channel();
    let controls = RunControls::new(CancellationToken::new());
    let outcome = agent.run_with("run-1", &[], "go", events, controls, Some(messages)).await;
    let sent: Vec<Message> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    assert_eq!(outcome.reason, FinishReason::Completed);
    assert_eq!(sent, outcome.new_messages);
    assert_eq!(sent.len(), 4, "prompt, call, result, answer: {sent:?}");
}
