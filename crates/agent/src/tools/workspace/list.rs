//! `list_files {path?}`: the files and folders under a workspace folder, as `.gitignore` sees
//! them (ignored and hidden files left out), with sizes, up to a limit.

use std::path::Path;

use serde::Deserialize;
use serde_json::{json, Value};
use telltale_protocol::StatusIcon;

use super::{FileOp, Workspace};
use crate::tools::{status_naming, ToolError, ToolSpec};

/// Most entries one call lists; the rest are counted.
pub const MAX_ENTRIES: usize = 400;

/// A `list_files` call.
#[derive(Deserialize)]
pub struct ListFiles {
    /// The folder to list (none: the workspace itself).
    path: Option<String>,
}

impl FileOp for ListFiles {
    fn spec() -> ToolSpec {
        let path = "A folder relative to the workspace; the workspace itself when left out.";
        ToolSpec::object(
            "list_files",
            "Lists the files and folders in the user's workspace folder (or a folder inside it), \
             recursively, leaving out what .gitignore ignores. Paths are relative to the \
             workspace; folders end with /.",
            json!({"path": {"type": "string", "description": path}}),
            &[],
        )
    }

    fn status(args: &Value) -> (String, StatusIcon) {
        let named = |path: &str| format!("Listing files in {path}…");
        status_naming(args, "path", named, "Listing the workspace's files…", StatusIcon::Tool)
    }

    fn run(self, workspace: &Workspace) -> Result<String, ToolError> {
        list(workspace, &self.path.unwrap_or_default())
    }
}

fn list(workspace: &Workspace, path: &str) -> Result<String, ToolError> {
    let folder = workspace.existing(path)?;
    if !folder.is_dir() {
        return Err(ToolError::InvalidArgs(format!("{path:?} is a file, not a folder")));
    }
    let mut lines = Vec::new();
    let mut more = 0usize;
    let walker = ignore::WalkBuilder::new(&folder)
        .follow_links(false)
        .require_git(false)
        .sort_by_file_path(Path::cmp)
        .filter_entry({
            let workspace = workspace.clone();
            move |entry| !workspace.is_protected(entry.path())
        })
        .build();
    for entry in walker.flatten().filter(|e| e.depth() > 0) {
        if lines.len() >= MAX_ENTRIES {
            more += 1;
            continue;
        }
        let shown = workspace.display(entry.path());
        let line = match entry.file_type() {
            Some(kind) if kind.is_dir() => format!("{shown}/"),
            Some(kind) if kind.is_symlink() => format!("{shown} (link)"),
            _ => {
                let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                format!("{shown} ({})", human_size(size))
            }
        };
        lines.push(line);
    }
    let mut out =
        format!("{} in {}:\n", count(lines.len() + more, "entry"), workspace.display(&folder));
    out.push_str(&lines.join("\n"));
    if more > 0 {
        out.push_str(&format!("\n… and {more} more; list a folder inside to see them."));
    }
    Ok(out)
}

fn count(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        _ if what.ends_with('y') => format!("{n} {}ies", &what[..what.len() - 1]),
        _ => format!("{n} {what}s"),
    }
}

/// `1234` → `1.2 KB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = "B";
    for next in UNITS {
        if value < 1000.0 {
            break;
        }
        value /= 1000.0;
        unit = next;
    }
    format!("{value:.1} {unit}")
}
