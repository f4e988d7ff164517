//! `search_files {query, path?}`: lines of the workspace's text files that match, the way
//! ripgrep finds them (its `ignore` and `grep-searcher` crates): `.gitignore` honoured, binary
//! files skipped, case ignored unless the query has capitals.

use grep_regex::RegexMatcherBuilder;
use grep_searcher::{sinks::Lossy, BinaryDetection, SearcherBuilder};
use serde::Deserialize;
use serde_json::{json, Value};
use telltale_protocol::StatusIcon;

use super::{read::MAX_FILE_BYTES, FileOp, Workspace};
use crate::tools::{status_naming, ToolError, ToolSpec};

/// Most matching lines one call returns.
pub const MAX_MATCHES: usize = 200;
/// Longest part of a matching line shown.
const MAX_LINE_CHARS: usize = 240;

/// A `search_files` call.
#[derive(Deserialize)]
pub struct SearchFiles {
    query: String,
    /// Where to search (none: the whole workspace).
    path: Option<String>,
}

impl FileOp for SearchFiles {
    fn spec() -> ToolSpec {
        ToolSpec::object(
            "search_files",
            "Searches the text files in the user's workspace folder for a word, phrase or regular \
             expression, leaving out what .gitignore ignores. Returns path:line: text for each \
             matching line.",
            json!({
                "query": {"type": "string", "description": "Text or a regular expression; case is ignored unless it has capitals."},
                "path": {"type": "string", "description": "A folder or file relative to the workspace; the whole workspace when left out."}
            }),
            &["query"],
        )
    }

    fn status(args: &Value) -> (String, StatusIcon) {
        let named = |query: &str| format!("Searching the files for “{query}”…");
        status_naming(args, "query", named, "Searching the files…", StatusIcon::Tool)
    }

    fn run(self, workspace: &Workspace) -> Result<String, ToolError> {
        if self.query.is_empty() {
            return Err(ToolError::InvalidArgs("\"query\" is empty".into()));
        }
        search(workspace, &self.query, &self.path.unwrap_or_default())
    }
}

fn search(workspace: &Workspace, query: &str, path: &str) -> Result<String, ToolError> {
    let start = workspace.existing(path)?;
    let mut builder = RegexMatcherBuilder::new();
    builder.case_smart(true);
    // A query that is not a valid regular expression is searched for as it is written.
    let matcher = builder
        .build(query)
        .or_else(|_| builder.build(&regex::escape(query)))
        .map_err(|e| ToolError::InvalidArgs(format!("cannot search for {query:?}: {e}")))?;
    let mut searcher =
        SearcherBuilder::new().binary_detection(BinaryDetection::quit(0)).line_number(true).build();
    let mut hits: Vec<String> = Vec::new();
    let mut more = 0usize;
    let mut files = 0usize;
    let walker = ignore::WalkBuilder::new(&start)
        .follow_links(false)
        .require_git(false)
        .sort_by_file_path(std::path::Path::cmp)
        .filter_entry({
            let workspace = workspace.clone();
            move |entry| !workspace.is_protected(entry.path())
        })
        .build();
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        if entry.metadata().map_or(true, |m| m.len() > MAX_FILE_BYTES) {
            continue;
        }
        let shown = workspace.display(entry.path());
        let before = hits.len() + more;
        let result = searcher.search_path(
            &matcher,
            entry.path(),
            Lossy(|line_number, line| {
                if hits.len() < MAX_MATCHES {
                    let text = line.trim_end_matches(['\n', '\r']);
                    let text: String = text.chars().take(MAX_LINE_CHARS).collect();
                    hits.push(format!("{shown}:{line_number}: {text}"));
                } else {
                    more += 1;
                }
                Ok(true)
            }),
        );
        if let Err(error) = result {
            tracing::debug!(path = %shown, %error, "search skipped a file");
        }
        if hits.len() + more > before {
            files += 1;
        }
    }
    if hits.is_empty() {
        return Ok(format!("No line matches {query:?} in {}.", workspace.display(&start)));
    }
    let total = hits.len() + more;
    let mut out = format!(
        "{total} matching line{} in {files} file{}:\n",
        if total == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" }
    );
    out.push_str(&hits.join("\n"));
    if more > 0 {
        out.push_str(&format!("\n… and {more} more; narrow the query or the path."));
    }
    Ok(out)
}
