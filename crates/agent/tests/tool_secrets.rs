//! A key that sits in a workspace file never reaches the model's next request, the events or the
//! run's messages: tool output passes through the agent's `Secrets` first.

#[path = "support/scripted.rs"]
mod scripted;

use std::sync::Arc;
use std::time::Duration;

use scripted::{call, Scripted, Step};
use serde_json::json;
use telltale_agent::tools::{ToolOptions, Workspace};
use telltale_agent::{Agent, AgentConfig, Secrets, ToolRegistry};
use telltale_protocol::EventKind;
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

const KEY: &str = "sk-proj-Zx81kLmN0pQrS7tU";

#[tokio::test]
async fn a_key_in_a_workspace_file_never_reaches_the_model() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.env"), format!("PORT=8080\nOPENAI_API_KEY={KEY}\n"))
        .unwrap();
    let options = ToolOptions {
        workspace: Some(Workspace::new(dir.path(), &[]).unwrap()),
        ..ToolOptions::default()
    };
    let provider = Arc::new(Scripted::new(vec![
        Step::Calls(vec![call("c1", "read_file", json!({"path": "config.env"}))]),
        Step::Answer("Done."),
    ]));
    let config = AgentConfig {
        keepalive: Duration::ZERO,
        secrets: Secrets::new([KEY.to_owned()]),
        ..AgentConfig::default()
    };
    let agent = Agent::new(provider.clone(), ToolRegistry::standard(&options), config);
    let (tx, mut rx) = unbounded_channel();
    let outcome = agent.run("run-1", &[], "What port?", tx, CancellationToken::new()).await;

    let second = serde_json::to_string(&provider.requests()[1]).unwrap();
    assert!(
        second.contains("PORT=8080") && second.contains("OPENAI_API_KEY=[redacted]"),
        "{second}"
    );
    assert!(!second.contains(KEY), "the key reached the model: {second}");
    let events: Vec<_> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    let result = events.iter().find_map(|e| match &e.kind {
        EventKind::ToolResult { output, ok: true, .. } => Some(output.clone()),
        _ => None,
    });
    assert_eq!(result.as_deref(), Some("PORT=8080\nOPENAI_API_KEY=[redacted]\n"));
    assert!(!serde_json::to_string(&events).unwrap().contains(KEY));
    assert!(!serde_json::to_string(&outcome.new_messages).unwrap().contains(KEY));
}

/// An agent whose model reads `config.env` (holding `KEY`) from its workspace, then answers; its
/// stored keys are being read until the returned sender sends (or is dropped). The folder lives
/// as long as the returned guard.
fn agent_with_keys_still_being_read(
) -> (Agent, Arc<Scripted>, std::sync::mpsc::Sender<()>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.env"), format!("KEY={KEY}\n")).unwrap();
    let options = ToolOptions {
        workspace: Some(Workspace::new(dir.path(), &[]).unwrap()),
        ..ToolOptions::default()
    };
    let provider = Arc::new(Scripted::new(vec![
        Step::Calls(vec![call("c1", "read_file", json!({"path": "config.env"}))]),
        Step::Answer("Done."),
    ]));
    let (release, released) = std::sync::mpsc::channel::<()>();
    let config = AgentConfig {
        keepalive: Duration::ZERO,
        secrets: Secrets::in_background(move || {
            let _ = released.recv();
            vec![KEY.to_owned()]
        }),
        ..AgentConfig::default()
    };
    let agent = Agent::new(provider.clone(), ToolRegistry::standard(&options), config);
    (agent, provider, release, dir)
}

/// Keys read on a thread of their own (from a keychain, slow) hold nothing up before a tool's
/// output: the request goes out and the tool runs while they are read; the output waits for them,
/// is redacted, and the tool's time shown is its own, not the wait.
#[tokio::test]
async fn keys_still_being_read_hold_up_only_the_tool_output() {
    let (agent, provider, release, _workspace) = agent_with_keys_still_being_read();
    let (tx, mut rx) = unbounded_channel();
    let run = tokio::spawn(async move {
        agent.run("run-1", &[], "What key?", tx, CancellationToken::new()).await
    });

    // The model was asked and the call started while the keys are still unread.
    loop {
        let event = rx.recv().await.expect("the run ended before its tool call");
        match event.kind {
            EventKind::ToolCall { .. } => break,
            EventKind::ToolResult { .. } => panic!("a tool result before the keys were read"),
            _ => {}
        }
    }
    assert_eq!(provider.requests().len(), 1);
    const HELD: Duration = Duration::from_millis(500);
    tokio::time::sleep(HELD).await;
    release.send(()).unwrap();
    run.await.unwrap();

    let events: Vec<_> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    let (output, duration_ms) = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::ToolResult { output, duration_ms, .. } => {
                Some((output.clone(), *duration_ms))
            }
            _ => None,
        })
        .expect("no tool result");
    assert_eq!(output, "KEY=[redacted]\n");
    assert!(
        duration_ms < HELD.as_millis() as f64,
        "the wait for the keys counted as the tool's: {duration_ms} ms"
    );
    assert!(!serde_json::to_string(&provider.requests()[1]).unwrap().contains(KEY));
}

/// Stop while the keys are still being read (a keychain waiting to be unlocked) ends the run at
/// once, and the unchecked output goes nowhere.
#[tokio::test]
async fn stop_ends_the_wait_for_keys_and_the_unchecked_output_goes_nowhere() {
    let (agent, provider, release, _workspace) = agent_with_keys_still_being_read();
    let (tx, mut rx) = unbounded_channel();
    let stop = CancellationToken::new();
    let run = tokio::spawn({
        let stop = stop.clone();
        async move { agent.run("run-1", &[], "What key?", tx, stop).await }
    });
    while !matches!(rx.recv().await.map(|e| e.kind), Some(EventKind::ToolCall { .. })) {}
    stop.cancel();
    let outcome = tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("Stop waited for the keys")
        .unwrap();
    release.send(()).unwrap();

    let events: Vec<_> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    let all = serde_json::to_string(&events).unwrap();
    assert!(!all.contains(KEY), "{all}");
    assert!(
        events.iter().any(|e| matches!(&e.kind, EventKind::ToolResult { ok: false, .. })),
        "{all}"
    );
    assert!(!serde_json::to_string(&outcome.new_messages).unwrap().contains(KEY));
    assert_eq!(provider.requests().len(), 1, "the model was asked again after Stop");
}
