//! `read_file {path, start_line?, end_line?}`: a text file of the workspace, whole when it is
//! small, else the lines asked for (or the first ones, saying how to ask for more).

use std::io::Read;
use std::num::NonZeroUsize;

use serde::Deserialize;
use serde_json::{json, Value};
use telltale_protocol::StatusIcon;

use super::{list::human_size, FileOp, Workspace};
use crate::tools::{status_naming, ToolError, ToolSpec};

/// Files larger than this are not read at all.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Most text one call returns.
pub const MAX_OUTPUT_BYTES: usize = 64 * 1024;

/// A `read_file` call.
#[derive(Deserialize)]
pub struct ReadFile {
    path: String,
    start_line: Option<NonZeroUsize>,
    end_line: Option<NonZeroUsize>,
}

impl FileOp for ReadFile {
    fn spec() -> ToolSpec {
        ToolSpec::object(
            "read_file",
            "Reads a text file in the user's workspace folder. Big files come back in parts: give \
             start_line and end_line (1-based, inclusive) for the lines you need.",
            json!({
                "path": {"type": "string", "description": "The file, relative to the workspace."},
                "start_line": {"type": "integer", "minimum": 1},
                "end_line": {"type": "integer", "minimum": 1}
            }),
            &["path"],
        )
    }

    fn status(args: &Value) -> (String, StatusIcon) {
        let named = |path: &str| format!("Reading {path}…");
        status_naming(args, "path", named, "Reading a file…", StatusIcon::Tool)
    }

    fn run(self, workspace: &Workspace) -> Result<String, ToolError> {
        let start = self.start_line.map_or(1, NonZeroUsize::get);
        let end = self.end_line.map(NonZeroUsize::get);
        if end.is_some_and(|end| end < start) {
            return Err(ToolError::InvalidArgs("end_line comes before start_line".into()));
        }
        read(workspace, &self.path, start, end)
    }
}

fn read(
    workspace: &Workspace,
    path: &str,
    start: usize,
    end: Option<usize>,
) -> Result<String, ToolError> {
    let real = workspace.existing(path)?;
    let failed = |e: std::io::Error| ToolError::Failed(format!("cannot read {path:?}: {e}"));
    let meta = real.metadata().map_err(failed)?;
    if meta.is_dir() {
        return Err(ToolError::InvalidArgs(format!("{path:?} is a folder: use list_files")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ToolError::Failed(format!(
            "{path:?} is {}, more than the {} a file may have to be read",
            human_size(meta.len()),
            human_size(MAX_FILE_BYTES)
        )));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(&real)
        .and_then(|f| f.take(MAX_FILE_BYTES).read_to_end(&mut bytes))
        .map_err(failed)?;
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(ToolError::Failed(format!(
            "{path:?} is a binary file ({}); only text files can be read",
            human_size(meta.len())
        )));
    }
    let text = String::from_utf8_lossy(&bytes);
    let total = text.lines().count();
    if start > total.max(1) {
        return Err(ToolError::InvalidArgs(format!("{path:?} has only {total} lines")));
    }
    let last = end.unwrap_or(total).min(total);
    let mut out = String::new();
    let mut shown_to = start.saturating_sub(1);
    for (number, line) in text.lines().enumerate().skip(start - 1).take(last + 1 - start) {
        if out.len() + line.len() + 1 > MAX_OUTPUT_BYTES {
            break;
        }
        out.push_str(line);
        out.push('\n');
        shown_to = number + 1;
    }
    let whole = start == 1 && shown_to == total;
    if whole {
        return Ok(out);
    }
    let mut header = format!("{} lines {start}–{shown_to} of {total}", workspace.display(&real));
    if shown_to < last {
        header.push_str(&format!(
            " (cut at {}; ask for start_line {} to go on)",
            human_size(MAX_OUTPUT_BYTES as u64),
            shown_to + 1
        ));
    }
    Ok(format!("[{header}]\n{out}"))
}
