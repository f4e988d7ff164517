//! Tools that come from a source (an MCP server once it is ready) join the runs that start after
//! they appear, and a tool's progress reports stream as `tool_progress` events.

#[path = "support/scripted.rs"]
mod scripted;
#[path = "support/test_tools.rs"]
mod test_tools;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use scripted::{call, Scripted, Step};
use serde_json::json;
use telltale_agent::{Agent, AgentConfig, Tool, ToolRegistry, ToolSource};
use telltale_protocol::EventKind;
use test_tools::{picked, tool, Act};
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

/// A source whose tools appear when the test says so.
#[derive(Default)]
struct Appears(Mutex<Vec<Arc<dyn Tool>>>);

impl ToolSource for Appears {
    fn tools(&self) -> Vec<Arc<dyn Tool>> {
        self.0.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn a_tool_that_appears_joins_the_next_run_and_reports_progress() {
    let source = Arc::new(Appears::default());
    let mut tools = ToolRegistry::builtin();
    tools.add_source(source.clone());
    assert!(tools.snapshot().get("research").is_none());
    source.0.lock().unwrap().push(tool("research", Act::Progress(3)));
    let snapshot = tools.snapshot();
    assert!(snapshot.get("research").is_some() && snapshot.get("calculator").is_some());

    let provider = Arc::new(Scripted::new(vec![
        Step::Calls(vec![call("r1", "research", json!({}))]),
        Step::Answer("Done."),
    ]));
    let config = AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() };
    let agent = Agent::new(provider.clone(), tools, config);
    let (tx, mut rx) = unbounded_channel();
    agent.run("run-1", &[], "go", tx, CancellationToken::new()).await;
    let events: Vec<_> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    let progress = picked(&events, |kind| match kind {
        EventKind::ToolProgress { call_id, progress, total, message } if call_id == "r1" => {
            Some((*progress, *total, message.clone()))
        }
        _ => None,
    });
    assert_eq!(progress.len(), 3);
    assert_eq!(progress[2], (3.0, Some(3.0), Some("step 3".into())));
    // Its result went back to the model.
    let told = serde_json::to_string(&provider.requests()[1]).unwrap();
    assert!(told.contains("found"), "{told}");
}
