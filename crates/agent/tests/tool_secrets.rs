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
