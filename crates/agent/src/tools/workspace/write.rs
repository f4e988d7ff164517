//! `write_file {path, content}`: creates or replaces a text file in the workspace. It changes the
//! user's files, so by default each call waits for their approval. The file is written beside
//! its final place and renamed over it, so that a failed write never leaves half a file.

use std::io::Write;

use serde::Deserialize;
use serde_json::{json, Value};
use telltale_protocol::StatusIcon;

use super::{list::human_size, FileOp, Workspace};
use crate::tools::{status_naming, ToolError, ToolSpec};

/// Largest content one call writes.
pub const MAX_WRITE_BYTES: usize = 1024 * 1024;

/// A `write_file` call.
#[derive(Deserialize)]
pub struct WriteFile {
    path: String,
    content: String,
}

impl FileOp for WriteFile {
    fn spec() -> ToolSpec {
        ToolSpec::object(
            "write_file",
            "Creates or replaces a text file in the user's workspace folder (folders are made as \
             needed). The user may be asked to approve it first.",
            json!({
                "path": {"type": "string", "description": "The file, relative to the workspace."},
                "content": {"type": "string", "description": "The whole new text of the file."}
            }),
            &["path", "content"],
        )
    }

    fn status(args: &Value) -> (String, StatusIcon) {
        let named = |path: &str| format!("Writing {path}…");
        status_naming(args, "path", named, "Writing a file…", StatusIcon::Writing)
    }

    /// It changes the user's files.
    fn asks_first() -> bool {
        true
    }

    fn run(self, workspace: &Workspace) -> Result<String, ToolError> {
        let WriteFile { path, content } = self;
        if content.len() > MAX_WRITE_BYTES {
            return Err(ToolError::InvalidArgs(format!(
                "the content is {}, more than the {} one call may write",
                human_size(content.len() as u64),
                human_size(MAX_WRITE_BYTES as u64)
            )));
        }
        write(workspace, &path, &content)
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
