//! `write_file {path, content}`: creates or replaces a text file in the workspace. It changes the
//! user's files, so by default each call waits for their approval. The file is written beside
//! its final place and renamed over it, so that a failed write never leaves half a file.

use std::io::Write;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{json, Value};
use telltale_protocol::StatusIcon;

use super::{list::human_size, run_blocking, Workspace};
use crate::tools::{string_arg, Tool, ToolError, ToolSpec};

/// Largest content one call writes.
pub const MAX_WRITE_BYTES: usize = 1024 * 1024;

pub struct WriteFile {
    workspace: Arc<Workspace>,
}

impl WriteFile {
    pub fn new(workspace: Arc<Workspace>) -> Self {
        WriteFile { workspace }
    }
}

/// What the model is told about `write_file`.
pub fn spec() -> ToolSpec {
    ToolSpec {
        name: "write_file".into(),
        description: "Creates or replaces a text file in the user's workspace folder (folders \
                      are made as needed). The user may be asked to approve it first."
            .into(),
        parameters: json!({
            "type": "object",
            "properties": {
                "path": {"type": "string", "description": "The file, relative to the workspace."},
                "content": {"type": "string", "description": "The whole new text of the file."}
            },
            "required": ["path", "content"]
        }),
    }
}

#[async_trait]
impl Tool for WriteFile {
    fn spec(&self) -> ToolSpec {
        spec()
    }

    fn status(&self, args: &Value) -> (String, StatusIcon) {
        match args.get("path").and_then(Value::as_str).filter(|p| !p.is_empty() && p.len() <= 60) {
            Some(path) => (format!("Writing {path}…"), StatusIcon::Writing),
            None => ("Writing a file…".into(), StatusIcon::Writing),
        }
    }

    fn asks_first(&self) -> bool {
        true
    }

    async fn call(&self, args: Value) -> Result<String, ToolError> {
        let path = string_arg(&args, "path")?;
        let content = string_arg(&args, "content")?;
        if content.len() > MAX_WRITE_BYTES {
            return Err(ToolError::InvalidArgs(format!(
                "the content is {}, more than the {} one call may write",
                human_size(content.len() as u64),
                human_size(MAX_WRITE_BYTES as u64)
            )));
        }
        let workspace = self.workspace.clone();
        run_blocking(move || write(&workspace, &path, &content)).await
    }
}

fn write(workspace: &Workspace, path: &str, content: &str) -> Result<String, ToolError> {
    let target = workspace.writable(path)?;
    let existed = target.exists();
    let failed = |e: std::io::Error| ToolError::Failed(format!("cannot write {path:?}: {e}"));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = target.with_file_name(format!(".{name}.telltale-{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temp)
        .and_then(|mut file| file.write_all(content.as_bytes()).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temp, &target));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(failed(error));
    }
    let lines = content.lines().count();
    Ok(format!(
        "{} {} ({lines} line{}, {}).",
        if existed { "Replaced" } else { "Created" },
        workspace.display(&target),
        if lines == 1 { "" } else { "s" },
        human_size(content.len() as u64)
    ))
}
