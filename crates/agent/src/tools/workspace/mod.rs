//! The workspace file tools, on when the user picked a workspace folder: `list_files`,
//! `read_file`, `search_files` and `write_file` (which asks first). Every path goes through
//! [`Workspace`], which keeps the tools inside the folder and out of Telltale's own data folder.
//! File work runs on tokio's blocking threads, never on the workers that stream events.

mod guard;
mod list;
mod read;
mod search;
mod write;

use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde_json::Value;
use telltale_protocol::StatusIcon;

pub use guard::Workspace;
pub use list::ListFiles;
pub use read::ReadFile;
pub use search::SearchFiles;
pub use write::WriteFile;

use super::{Tool, ToolError, ToolSpec};

/// One file operation, a value of which is one call's arguments as the model sends them (a JSON
/// object; none: `{}`), read by serde so that what does not fit is refused before the work
/// starts: what the model is told, the status line, whether it asks first, and the work itself
/// (run on a blocking thread by [`FileTool`]).
pub trait FileOp: DeserializeOwned + Send + Sync + 'static {
    fn spec() -> ToolSpec;
    /// The status line, from the arguments as they are (the call may not have run yet).
    fn status(args: &Value) -> (String, StatusIcon);
    fn asks_first() -> bool {
        false
    }
    fn run(self, workspace: &Workspace) -> Result<String, ToolError>;
}

/// The tool that does `Op` in a workspace.
pub struct FileTool<Op> {
    workspace: Arc<Workspace>,
    op: PhantomData<fn() -> Op>,
}

impl<Op: FileOp> FileTool<Op> {
    pub fn new(workspace: Arc<Workspace>) -> Self {
        FileTool { workspace, op: PhantomData }
    }
}

#[async_trait]
impl<Op: FileOp> Tool for FileTool<Op> {
    fn spec(&self) -> ToolSpec {
        Op::spec()
    }

    fn status(&self, args: &Value) -> (String, StatusIcon) {
        Op::status(args)
    }

    fn asks_first(&self) -> bool {
        Op::asks_first()
    }

    async fn call(&self, args: Value) -> Result<String, ToolError> {
        let op: Op = arguments(args)?;
        let workspace = self.workspace.clone();
        tokio::task::spawn_blocking(move || op.run(&workspace))
            .await
            .unwrap_or_else(|e| Err(ToolError::Crashed(e.to_string())))
    }
}

/// The file tools working in `workspace`.
pub fn file_tools(workspace: Workspace) -> Vec<Arc<dyn Tool>> {
    let workspace = Arc::new(workspace);
    vec![
        Arc::new(FileTool::<ListFiles>::new(workspace.clone())),
        Arc::new(FileTool::<ReadFile>::new(workspace.clone())),
        Arc::new(FileTool::<SearchFiles>::new(workspace.clone())),
        Arc::new(FileTool::<WriteFile>::new(workspace)),
    ]
}

/// What the model is told about each file tool, and whether its calls ask first by default.
pub fn specs() -> Vec<(ToolSpec, bool)> {
    vec![
        (ListFiles::spec(), ListFiles::asks_first()),
        (ReadFile::spec(), ReadFile::asks_first()),
        (SearchFiles::spec(), SearchFiles::asks_first()),
        (WriteFile::spec(), WriteFile::asks_first()),
    ]
}

/// A call's `args` as `A` (none: `{}`); what does not fit is refused naming the argument.
fn arguments<A: DeserializeOwned>(args: Value) -> Result<A, ToolError> {
    let args = if args.is_null() { Value::Object(serde_json::Map::new()) } else { args };
    serde_path_to_error::deserialize(args).map_err(|e| {
        let (path, error) = (e.path().to_string(), e.into_inner());
        ToolError::InvalidArgs(match path.as_str() {
            "." => error.to_string(),
            _ => format!("\"{path}\": {error}"),
        })
    })
}
