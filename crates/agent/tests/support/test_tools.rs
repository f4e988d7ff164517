//! Tools for the agent's and the session's tests: one that takes its time, one that panics, one
//! that reports progress; the standard tools working in a folder; and the events' picks.
//! `#[path]`-included like `server.rs`.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{json, Value};
use telltale_agent::tools::{ToolOptions, Workspace};
use telltale_agent::{ProgressSink, Tool, ToolError, ToolRegistry, ToolSpec};
use telltale_protocol::{Event, EventKind};

/// What a [`TestTool`] does when called.
pub enum Act {
    /// Answers `output` after `Duration`.
    Sleep(Duration, &'static str),
    Panic,
    /// Reports steps 1 to n of n, then answers "found".
    Progress(u32),
    /// Answers this many bytes of "x".
    Big(usize),
}

pub struct TestTool {
    pub name: &'static str,
    pub act: Act,
}

/// The tool `name` doing `act`, ready to add to a registry.
pub fn tool(name: &'static str, act: Act) -> Arc<dyn Tool> {
    Arc::new(TestTool { name, act })
}

#[async_trait]
impl Tool for TestTool {
    fn spec(&self) -> ToolSpec {
        ToolSpec::object(self.name, self.name, json!({}), &[])
    }

    async fn call(&self, _args: Value) -> Result<String, ToolError> {
        match &self.act {
            Act::Sleep(time, output) => {
                tokio::time::sleep(*time).await;
                Ok((*output).to_owned())
            }
            Act::Panic => panic!("boom"),
            Act::Progress(_) => Ok("found".into()),
            Act::Big(bytes) => Ok("x".repeat(*bytes)),
        }
    }

    async fn call_with_progress(
        &self,
        args: Value,
        sink: ProgressSink,
    ) -> Result<String, ToolError> {
        if let Act::Progress(steps) = self.act {
            for step in 1..=steps {
                sink.report(f64::from(step), Some(f64::from(steps)), Some(format!("step {step}")));
            }
        }
        self.call(args).await
    }
}

/// The standard tools, the file tools working in `dir`.
pub fn tools_in(dir: &Path) -> ToolRegistry {
    let workspace = Some(Workspace::new(dir, &[]).expect("a workspace folder"));
    ToolRegistry::standard(&ToolOptions { workspace, ..ToolOptions::default() })
}

/// What `pick` picks from the events, in order.
pub fn picked<T>(events: &[Event], pick: impl Fn(&EventKind) -> Option<T>) -> Vec<T> {
    events.iter().filter_map(|e| pick(&e.kind)).collect()
}

/// Every `tool_result`: (call id, ok, output).
pub fn results(events: &[Event]) -> Vec<(String, bool, String)> {
    picked(events, |kind| match kind {
        EventKind::ToolResult { call_id, ok, output, .. } => {
            Some((call_id.clone(), *ok, output.clone()))
        }
        _ => None,
    })
}

/// The `tool_result` of call `id`: (ok, output).
pub fn result_of(events: &[Event], id: &str) -> (bool, String) {
    let found = results(events).into_iter().find(|(call_id, ..)| call_id == id);
    let (_, ok, output) = found.unwrap_or_else(|| panic!("no result for {id}"));
    (ok, output)
}
