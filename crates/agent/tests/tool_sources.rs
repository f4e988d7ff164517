//! Tools that come from a source (an MCP server once it is ready) join the runs that start after
//! they appear, and a tool's progress reports stream as `tool_progress` events.

#[path = "support/scripted.rs"]
mod scripted;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use scripted::{call, Scripted, Step};
use serde_json::{json, Value};
use telltale_agent::{
    Agent, AgentConfig, ProgressSink, Tool, ToolError, ToolRegistry, ToolSource, ToolSpec,
};
use telltale_protocol::EventKind;
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

/// Reports three steps, then answers.
struct Research;

#[async_trait]
impl Tool for Research {
    fn spec(&self) -> ToolSpec {
        ToolSpec { name: "research".into(), description: "r".into(), parameters: json!({}) }
    }
    async fn call(&self, _: Value) -> Result<String, ToolError> {
        Ok("found".into())
    }
    async fn call_with_progress(
        &self,
        _: Value,
        progress: ProgressSink,
    ) -> Result<String, ToolError> {
        for step in 1..=3 {
            progress.report(f64::from(step), Some(3.0), Some(format!("step {step}")));
        }
        Ok("found".into())
    }
}

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
    source.0.lock().unwrap().push(Arc::new(Research));
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
    let progress: Vec<(f64, Option<f64>, Option<String>)> =
        std::iter::from_fn(|| rx.try_recv().ok())
            .filter_map(|e| match e.kind {
                EventKind::ToolProgress { call_id, progress, total, message }
                    if call_id == "r1" =>
                {
                    Some((progress, total, message))
                }
                _ => None,
            })
            .collect();
    assert_eq!(progress.len(), 3);
    assert_eq!(progress[2], (3.0, Some(3.0), Some("step 3".into())));
    // Its result went back to the model.
    let told = serde_json::to_string(&provider.requests()[1]).unwrap();
    assert!(told.contains("found"), "{told}");
}
