//! Tools the agent can call: the trait, the built-in tools and the registry that runs them.

mod calculator;
mod clock;
mod drafts;
pub mod web_fetch;
pub mod workspace;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use telltale_protocol::StatusIcon;

pub use calculator::{evaluate as evaluate_arithmetic, format_number, Calculator};
pub use clock::{describe as describe_time, resolve_zone, Clock};
pub use drafts::{DraftEmail, DraftNote};
pub use web_fetch::{NetworkPolicy, WebFetch};
pub use workspace::{file_tools, Workspace};

/// What a model is told about a tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// JSON Schema of the arguments object.
    pub parameters: Value,
}

impl ToolSpec {
    /// A tool whose arguments are an object with `properties`, of which `required` must be given.
    pub fn object(name: &str, description: &str, properties: Value, required: &[&str]) -> Self {
        ToolSpec {
            name: name.to_owned(),
            description: description.to_owned(),
            parameters: serde_json::json!({
                "type": "object",
                "properties": properties,
                "required": required,
            }),
        }
    }
}

/// Longest argument a status line quotes.
const MAX_STATUS_ARG: usize = 60;

/// A call's status line: `named(value)` when its `key` argument is a short string to quote,
/// else `unnamed`.
pub(crate) fn status_naming(
    args: &Value,
    key: &str,
    named: impl FnOnce(&str) -> String,
    unnamed: &str,
    icon: StatusIcon,
) -> (String, StatusIcon) {
    let value = args
        .get(key)
        .and_then(Value::as_str)
        .filter(|v| !v.trim().is_empty() && v.chars().count() <= MAX_STATUS_ARG);
    (value.map_or_else(|| unnamed.to_owned(), named), icon)
}

/// Why a tool call failed; the message is shown to the user and given back to the model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ToolError {
    #[error("invalid arguments: {0}")]
    InvalidArgs(String),
    #[error("{0}")]
    Failed(String),
    #[error("timed out after {0:?}")]
    TimedOut(Duration),
    #[error("there is no tool named \"{0}\"")]
    Unknown(String),
    #[error("denied by the user")]
    Denied,
    #[error("cancelled by the user")]
    Cancelled,
    #[error("the tool crashed: {0}")]
    Crashed(String),
    #[error("not run: one step may make at most {0} tool calls")]
    TooManyCalls(usize),
}

#[async_trait]
pub trait Tool: Send + Sync {
    fn spec(&self) -> ToolSpec;
    /// The status line shown while this call runs ("Checking the time in Asia/Tokyo…").
    fn status(&self, args: &Value) -> (String, StatusIcon) {
        let _ = args;
        (format!("Running {}…", self.spec().name), StatusIcon::Tool)
    }
    async fn call(&self, args: Value) -> Result<String, ToolError>;
    /// [`Tool::call`], for tools that report how far they have come (MCP servers do).
    async fn call_with_progress(
        &self,
        args: Value,
        progress: ProgressSink,
    ) -> Result<String, ToolError> {
        let _ = progress;
        self.call(args).await
    }
    /// How long one call may take, when the tool knows better than the run's default (an MCP
    /// server configured with its own limit).
    fn timeout(&self) -> Option<Duration> {
        None
    }
    /// Whether a call waits for the user's approval unless they said otherwise: tools with side
    /// effects ask first, tools that only read do not.
    fn asks_first(&self) -> bool {
        false
    }
}

/// The tools a run may use.
#[derive(Clone, Default)]
pub struct ToolRegistry {
    tools: Vec<Entry>,
    sources: Vec<Arc<dyn ToolSource>>,
}

#[derive(Clone)]
struct Entry {
    tool: Arc<dyn Tool>,
    /// Whether its calls wait for approval.
    ask: bool,
}

/// Where a running call reports its progress: `tool_progress` events of that call.
#[derive(Clone)]
pub struct ProgressSink {
    /// Where reports go; none for a call nobody watches.
    to: Option<(crate::Emitter, String)>,
}

impl ProgressSink {
    pub fn new(emitter: crate::Emitter, call_id: String) -> Self {
        ProgressSink { to: Some((emitter, call_id)) }
    }

    /// A sink that drops every report.
    pub fn discard() -> Self {
        ProgressSink { to: None }
    }

    pub fn report(&self, progress: f64, total: Option<f64>, message: Option<String>) {
        if let Some((emitter, call_id)) = &self.to {
            emitter.emit(telltale_protocol::EventKind::ToolProgress {
                call_id: call_id.clone(),
                progress,
                total,
                message,
            });
        }
    }
}

/// Tools that come and go while the app runs (an MCP server's, once it is ready): a run takes
/// the ones there when it starts.
pub trait ToolSource: Send + Sync {
    fn tools(&self) -> Vec<Arc<dyn Tool>>;
}

/// What a run's tools are made from, beyond the built-ins that need nothing.
#[derive(Debug, Clone, Default)]
pub struct ToolOptions {
    /// The folder the file tools work in; without one there are no file tools.
    pub workspace: Option<Workspace>,
    /// Where `web_fetch` may connect.
    pub network: NetworkPolicy,
}

impl ToolRegistry {
    /// The built-in tools: calculator, clock, and the email and note drafters.
    pub fn builtin() -> Self {
        let mut registry = ToolRegistry::default();
        registry.add(Arc::new(Calculator));
        registry.add(Arc::new(Clock));
        registry.add(Arc::new(DraftEmail));
        registry.add(Arc::new(DraftNote));
        registry
    }

    /// The built-ins, `web_fetch`, and the file tools when `options` names a workspace.
    pub fn standard(options: &ToolOptions) -> Self {
        let mut registry = ToolRegistry::builtin();
        match WebFetch::new(options.network.clone()) {
            Ok(fetch) => registry.add(Arc::new(fetch)),
            Err(error) => tracing::warn!("web_fetch is not available: {error}"),
        }
        if let Some(workspace) = &options.workspace {
            for tool in file_tools(workspace.clone()) {
                registry.add(tool);
            }
        }
        registry
    }

    /// Every tool Telltale has, described, whether or not it is set up (Settings lists them all),
    /// with whether its calls wait for approval by default.
    pub fn catalog() -> Vec<(ToolSpec, bool)> {
        let mut all: Vec<(ToolSpec, bool)> =
            ToolRegistry::builtin().tools.iter().map(|e| (e.tool.spec(), e.ask)).collect();
        all.push((web_fetch::spec(), false));
        all.extend(workspace::specs());
        all
    }

    /// Only the tools `keep` accepts by name.
    pub fn filtered(self, keep: impl Fn(&str) -> bool) -> Self {
        let tools = self.tools.into_iter().filter(|e| keep(&e.tool.spec().name)).collect();
        ToolRegistry { tools, sources: self.sources }
    }

    /// Adds the tools `source` has whenever a run starts.
    pub fn add_source(&mut self, source: Arc<dyn ToolSource>) {
        self.sources.push(source);
    }

    /// The tools a run starting now may use: these, and what each source has now.
    pub fn snapshot(&self) -> ToolRegistry {
        let mut now = ToolRegistry { tools: self.tools.clone(), sources: Vec::new() };
        for tool in self.sources.iter().flat_map(|source| source.tools()) {
            if now.entry(&tool.spec().name).is_none() {
                now.add(tool);
            }
        }
        now
    }

    /// Adds `tool`, asking before its calls when the tool asks first by default.
    pub fn add(&mut self, tool: Arc<dyn Tool>) {
        let ask = tool.asks_first();
        self.tools.push(Entry { tool, ask });
    }

    pub fn get(&self, name: &str) -> Option<Arc<dyn Tool>> {
        self.entry(name).map(|e| e.tool.clone())
    }

    fn entry(&self, name: &str) -> Option<&Entry> {
        self.tools.iter().find(|e| e.tool.spec().name == name)
    }

    pub fn specs(&self) -> Vec<ToolSpec> {
        self.tools.iter().map(|e| e.tool.spec()).collect()
    }

    /// Whether calls of `name` wait for the user's approval.
    pub fn asks(&self, name: &str) -> bool {
        self.entry(name).is_some_and(|e| e.ask)
    }

    /// Makes calls of `name` wait for approval (`ask`) or run at once.
    pub fn set_asks(&mut self, name: &str, ask: bool) {
        for entry in self.tools.iter_mut().filter(|e| e.tool.spec().name == name) {
            entry.ask = ask;
        }
    }
}

/// Reads a required string argument.
pub(crate) fn string_arg(args: &Value, name: &str) -> Result<String, ToolError> {
    args.get(name)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| ToolError::InvalidArgs(format!("\"{name}\" (a string) is required")))
}
