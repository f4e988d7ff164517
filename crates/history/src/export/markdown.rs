//! Markdown export: readable anywhere; steps and thoughts fold away in `<details>`, tool
//! arguments and outputs are code blocks.

use std::fmt::Write;

use super::format_time;
use super::transcript::{
    file_label, status_label, tool_mark, write_runs, Layout, ToolOutcome, Turn,
};
use crate::conversations::{ConversationDetail, RunStatus};

/// A fenced code block whose fence is longer than any backtick run inside.
fn fenced(out: &mut String, lang: &str, body: &str) {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    let _ = writeln!(out, "{fence}{lang}\n{}\n{fence}", body.trim_end_matches('\n'));
}

/// Text for inside HTML tags (`<summary>`).
fn escape_html(text: &str) -> String {
    super::html::escape(text)
}

/// A user's text as a block quote, line by line.
fn quote(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| if l.is_empty() { ">".to_owned() } else { format!("> {l}") })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn render(detail: &ConversationDetail) -> String {
    let c = &detail.conversation;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", c.title.trim());
    let _ = writeln!(
        out,
        "*Exported from Telltale · started {} · last activity {}*\n",
        format_time(c.created_at),
        format_time(c.updated_at)
    );
    write_runs(&mut out, &detail.runs, &Markdown);
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

struct Markdown;

impl Layout for Markdown {
    fn turn_start(&self, out: &mut String, turn: &Turn<'_>) {
        let Turn { prompt, files, who } = *turn;
        let _ = writeln!(out, "---\n\n### You\n\n{}\n", quote(prompt));
        if !files.is_empty() {
            out.push_str("Attached files:\n\n");
            for file in files {
                let _ = writeln!(out, "- {}", file_label(file));
            }
            out.push('\n');
        }
        let who =
            who.map_or_else(String::new, |(provider, model)| format!(" · {provider} · {model}"));
        let _ = writeln!(out, "### Assistant{who}\n");
    }

    fn steps(&self, out: &mut String, steps: &[String]) {
        let _ = writeln!(out, "<details><summary>Steps ({})</summary>\n", steps.len());
        steps.iter().for_each(|step| {
            let _ = writeln!(out, "- {}", escape_html(step));
        });
        let _ = writeln!(out, "\n</details>\n");
    }

    fn thought(&self, out: &mut String, text: &str) {
        let quoted = quote(&escape_html(text));
        let _ = writeln!(out, "<details><summary>Thought</summary>\n\n{quoted}\n\n</details>\n");
    }

    fn tool(&self, out: &mut String, name: &str, args: &str, result: Option<&ToolOutcome>) {
        let mark = tool_mark(result, "✓", "✕ failed after");
        let _ = writeln!(out, "<details><summary>Tool: {}{mark}</summary>\n", escape_html(name));
        if !args.is_empty() {
            fenced(out, "json", args);
            out.push('\n');
        }
        if let Some(result) = result {
            out.push_str("Output:\n\n");
            fenced(out, "text", &result.output);
            out.push('\n');
        }
        out.push_str("</details>\n\n");
    }

    fn answer(&self, out: &mut String, text: &str) {
        let _ = writeln!(out, "{}\n", text.trim_end());
    }

    fn error(&self, out: &mut String, code: &str, message: &str) {
        let _ = writeln!(out, "> **Error** (`{code}`): {}\n", message.trim());
    }

    fn turn_end(&self, out: &mut String, status: RunStatus) {
        if status != RunStatus::Completed {
            let _ = writeln!(out, "*— {} —*\n", status_label(status));
        }
    }
}
