//! The workspace file tools, on when the user picked a workspace folder: `list_files`,
//! `read_file`, `search_files` and `write_file` (which asks first). Every path goes through [`Workspace`], which keeps the tools
//! inside the folder and out of Telltale's own data folder. File work runs on tokio's blocking
//! threads, never on the workers that stream events.

mod guard;
mod list;
mod read;
mod search;
mod write;

use std::sync::Arc;

use serde_json::Value;

pub use guard::Workspace;
pub use list::ListFiles;
pub use read::ReadFile;
pub use search::SearchFiles;
pub use write::WriteFile;

use super::{Tool, ToolError, ToolSpec};

/// The file tools working in `workspace`.
pub fn file_tools(workspace: Workspace) -> Vec<Arc<dyn Tool>> {
    let workspace = Arc::new(workspace);
    vec![
        Arc::new(ListFiles::new(workspace.clone())),
        Arc::new(ReadFile::new(workspace.clone())),
        Arc::new(SearchFiles::new(workspace.clone())),
        Arc::new(WriteFile::new(workspace)),
    ]
}

/// What the model is told about each file tool, and whether its calls ask first by default.
pub fn specs() -> Vec<(ToolSpec, bool)> {
    vec![
        (list::spec(), false),
        (read::spec(), false),
        (search::spec(), false),
        (write::spec(), true),
    ]
}

/// Runs blocking file work off the async workers.
async fn run_blocking<F>(work: F) -> Result<String, ToolError>
where
    F: FnOnce() -> Result<String, ToolError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(ToolError::Failed(format!("the tool crashed: {e}"))))
}

/// An optional string argument (absent or null: `None`).
fn optional_string(args: &Value, name: &str) -> Result<Option<String>, ToolError> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ToolError::InvalidArgs(format!("\"{name}\" must be a string"))),
    }
}

/// An optional line number (1 or more).
fn optional_line(args: &Value, name: &str) -> Result<Option<usize>, ToolError> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_u64()
            .filter(|&n| n >= 1)
            .and_then(|n| usize::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| {
                ToolError::InvalidArgs(format!("\"{name}\" must be a line number (1 or more)"))
            }),
    }
}
