//! A run's events folded into what a reader sees: steps, thoughts, tool calls with their
//! results, the answer, errors, and how it ended; and the walk through a conversation's runs
//! that the Markdown and HTML exports share, each writing the parts in its own [`Layout`].

use telltale_protocol::{ErrorCode, EventKind};

use crate::attachments::AttachmentInfo;
use crate::conversations::{RunRecord, RunStatus};

/// A piece of a run as the exports show it; `Steps` are status messages in a row, in order,
/// which fold together as the run's steps.
pub enum Block {
    Steps(Vec<String>),
    Thought(String),
    Tool { call_id: String, name: String, args: String, result: Option<ToolOutcome> },
    Answer(String),
    Error { code: String, message: String },
}

pub struct ToolOutcome {
    pub ok: bool,
    pub output: String,
    pub duration_ms: f64,
}

/// How a tool call ended, for the end of its summary: ` {ok} 0.4 ms`, ` {failed} 0.4 ms`, or
/// ` (no result)` when it never ended.
pub fn tool_mark(result: Option<&ToolOutcome>, ok: &str, failed: &str) -> String {
    match result {
        Some(r) => format!(" {} {:.1} ms", if r.ok { ok } else { failed }, r.duration_ms),
        None => " (no result)".to_owned(),
    }
}

pub fn code_name(code: ErrorCode) -> String {
    serde_json::to_value(code).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// `red.png (image/png, 73 bytes)`: a file as an export lists it.
pub fn file_label(file: &AttachmentInfo) -> String {
    format!("{} ({}, {})", file.name, file.media_type, telltale_protocol::megabytes(file.size))
}

pub fn status_label(status: RunStatus) -> &'static str {
    match status {
        RunStatus::Running => "running",
        RunStatus::Completed => "completed",
        RunStatus::Cancelled => "stopped",
        RunStatus::Error => "failed",
        RunStatus::Interrupted => "interrupted",
    }
}

/// What starts a turn: the prompt, the files it carried, and who answered it (provider and
/// model, when both are known).
pub struct Turn<'a> {
    pub prompt: &'a str,
    pub files: &'a [AttachmentInfo],
    pub who: Option<(&'a str, &'a str)>,
}

/// How an export format writes each part of a conversation's runs; [`write_runs`] walks them.
pub trait Layout {
    /// A run's prompt with the files it carried, and who answered it.
    fn turn_start(&self, out: &mut String, turn: &Turn<'_>);
    /// Status messages in a row, in order.
    fn steps(&self, out: &mut String, steps: &[String]);
    fn thought(&self, out: &mut String, text: &str);
    /// A tool call: its name, its arguments as pretty JSON (empty when unknown), its result.
    fn tool(&self, out: &mut String, name: &str, args: &str, result: Option<&ToolOutcome>);
    fn answer(&self, out: &mut String, text: &str);
    fn error(&self, out: &mut String, code: &str, message: &str);
    /// After a run's blocks, with how the run ended.
    fn turn_end(&self, out: &mut String, status: RunStatus);
}

/// Writes every run of `runs` to `out` in `layout`, block by block in the order they streamed.
pub fn write_runs(out: &mut String, runs: &[RunRecord], layout: &impl Layout) {
    for run in runs {
        let who = run.provider.as_deref().zip(run.model.as_deref());
        let turn = Turn { prompt: &run.prompt, files: &run.attachments, who };
        layout.turn_start(out, &turn);
        for block in blocks(run) {
            match block {
                Block::Steps(steps) => layout.steps(out, &steps),
                Block::Thought(text) => layout.thought(out, &text),
                Block::Tool { name, args, result, .. } => {
                    layout.tool(out, &name, &args, result.as_ref())
                }
                Block::Answer(text) => layout.answer(out, &text),
                Block::Error { code, message } => layout.error(out, &code, &message),
            }
        }
        layout.turn_end(out, run.status);
    }
}

/// The blocks of a run, in the order they streamed; deltas are merged.
pub fn blocks(run: &RunRecord) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    for event in &run.events {
        match &event.kind {
            EventKind::Status { message, .. } => match blocks.last_mut() {
                Some(Block::Steps(steps)) => steps.push(message.clone()),
                _ => blocks.push(Block::Steps(vec![message.clone()])),
            },
            EventKind::Thought { text } => match blocks.last_mut() {
                Some(Block::Thought(all)) => all.push_str(text),
                _ => blocks.push(Block::Thought(text.clone())),
            },
            EventKind::Token { text } => match blocks.last_mut() {
                Some(Block::Answer(all)) => all.push_str(text),
                _ => blocks.push(Block::Answer(text.clone())),
            },
            EventKind::ToolCall { call_id, name, args } => blocks.push(Block::Tool {
                call_id: call_id.clone(),
                name: name.clone(),
                args: serde_json::to_string_pretty(args).unwrap_or_else(|_| args.to_string()),
                result: None,
            }),
            EventKind::ToolResult { call_id, ok, output, duration_ms } => {
                let outcome =
                    ToolOutcome { ok: *ok, output: output.clone(), duration_ms: *duration_ms };
                let slot = blocks.iter_mut().rev().find_map(|b| match b {
                    Block::Tool { call_id: id, result, .. } if id == call_id => Some(result),
                    _ => None,
                });
                match slot {
                    Some(result) => *result = Some(outcome),
                    None => blocks.push(Block::Tool {
                        call_id: call_id.clone(),
                        name: call_id.clone(),
                        args: String::new(),
                        result: Some(outcome),
                    }),
                }
            }
            EventKind::Error { code, message, .. } => {
                blocks.push(Block::Error { code: code_name(*code), message: message.clone() })
            }
            EventKind::RunStarted { .. }
            | EventKind::RunFinished { .. }
            | EventKind::Ping { .. }
            | EventKind::ToolCallDelta { .. }
            | EventKind::ApprovalRequired { .. }
            | EventKind::ToolProgress { .. }
            // The `error` that follows says which budget and how far (or the run went on past it).
            | EventKind::BudgetReached { .. }
            | EventKind::BudgetResolved { .. } => {}
            EventKind::ApprovalResolved { approved: false, .. } => {}
            EventKind::ApprovalResolved { call_id, args: Some(args), .. } => {
                let slot = blocks.iter_mut().rev().find_map(|b| match b {
                    Block::Tool { call_id: id, args, .. } if id == call_id => Some(args),
                    _ => None,
                });
                if let Some(shown) = slot {
                    *shown =
                        serde_json::to_string_pretty(args).unwrap_or_else(|_| args.to_string());
                }
            }
            EventKind::ApprovalResolved { .. } => {}
        }
    }
    blocks
}
