//! Markdown export: readable anywhere; steps and thoughts fold away in `<details>`, tool
//! arguments and outputs are code blocks.

use std::fmt::Write;

use super::format_time;
use super::transcript::{blocks, status_label, Block};
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
    for run in &detail.runs {
        let _ = writeln!(out, "---\n\n### You\n\n{}\n", quote(&run.prompt));
        let who = match (&run.provider, &run.model) {
            (Some(p), Some(m)) => format!("### Assistant · {p} · {m}"),
            _ => "### Assistant".to_owned(),
        };
        let _ = writeln!(out, "{who}\n");
        for block in blocks(run) {
            match block {
                Block::Steps(steps) => {
                    let _ = writeln!(out, "<details><summary>Steps ({})</summary>\n", steps.len());
                    for step in steps {
                        let _ = writeln!(out, "- {}", escape_html(&step));
                    }
                    let _ = writeln!(out, "\n</details>\n");
                }
                Block::Thought(text) => {
                    let _ = writeln!(
                        out,
                        "<details><summary>Thought</summary>\n\n{}\n\n</details>\n",
                        quote(&escape_html(&text))
                    );
                }
                Block::Tool { name, args, result, .. } => {
                    let mark = match &result {
                        Some(r) if r.ok => format!(" ✓ {:.1} ms", r.duration_ms),
                        Some(r) => format!(" ✕ failed after {:.1} ms", r.duration_ms),
                        None => " (no result)".to_owned(),
                    };
                    let _ = writeln!(
                        out,
                        "<details><summary>Tool: {}{mark}</summary>\n",
                        escape_html(&name)
                    );
                    if !args.is_empty() {
                        fenced(&mut out, "json", &args);
                        out.push('\n');
                    }
                    if let Some(result) = result {
                        let _ = writeln!(out, "Output:\n");
                        fenced(&mut out, "text", &result.output);
                        out.push('\n');
                    }
                    let _ = writeln!(out, "</details>\n");
                }
                Block::Answer(text) => {
                    let _ = writeln!(out, "{}\n", text.trim_end());
                }
                Block::Error { code, message } => {
                    let _ = writeln!(out, "> **Error** (`{code}`): {}\n", message.trim());
                }
            }
        }
        match run.status {
            RunStatus::Completed => {}
            status => {
                let _ = writeln!(out, "*— {} —*\n", status_label(status));
            }
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
