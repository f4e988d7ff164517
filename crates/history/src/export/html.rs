//! HTML export: one self-contained file that looks like the app. Inline CSS, no scripts, no
//! external requests; steps and thoughts fold with native `<details>`. Every piece of model,
//! tool and user text is escaped.

use std::fmt::Write;

use super::format_time;
use std::collections::HashMap;

use super::transcript::{
    file_label, status_label, tool_mark, write_runs, Layout, ToolOutcome, Turn,
};
use crate::conversations::{ConversationDetail, RunStatus};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The export's stylesheet, inlined in `<style>` (its tests check it apart from the document).
pub const STYLE: &str = r#"
:root { color-scheme: light dark; --bg: #f7f7f8; --panel: #ffffff; --text: #1f2328; --muted: #6b7280;
  --border: #e5e7eb; --accent: #4f46e5; --user: #eef2ff; --error: #b91c1c; --code: #f3f4f6; }
@media (prefers-color-scheme: dark) { :root { --bg: #0f1115; --panel: #171a21; --text: #e6e6e6;
  --muted: #9aa3b2; --border: #2a2f3a; --accent: #8b8cf8; --user: #1e2240; --error: #f87171; --code: #0b0d12; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 46rem; margin: 0 auto; padding: 2rem 1rem 4rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
.meta { color: var(--muted); font-size: .85rem; margin-bottom: 1.5rem; }
.turn { margin: 1.25rem 0; }
.user { background: var(--user); border-radius: 12px; padding: .6rem .9rem; margin-left: 3rem; white-space: pre-wrap; }
.assistant { background: var(--panel); border: 1px solid var(--border); border-radius: 12px; padding: .75rem .9rem; margin-top: .6rem; }
.who { color: var(--muted); font-size: .8rem; margin-bottom: .35rem; }
.answer { white-space: pre-wrap; }
details { border-left: 2px solid var(--border); margin: .4rem 0; padding: .1rem .6rem; color: var(--muted); }
summary { cursor: pointer; font-size: .85rem; }
details ul { margin: .3rem 0; padding-left: 1.1rem; }
pre { background: var(--code); border-radius: 8px; padding: .5rem .7rem; overflow-x: auto;
  font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--text); white-space: pre-wrap; }
.thought { white-space: pre-wrap; font-style: italic; }
.ok { color: #15803d; } .fail { color: var(--error); }
.error { color: var(--error); border: 1px solid var(--error); border-radius: 8px; padding: .4rem .6rem; margin: .4rem 0; }
.files { display: flex; flex-wrap: wrap; gap: .4rem; margin-top: .4rem; white-space: normal; }
.files img { max-width: 12rem; max-height: 9rem; border-radius: 8px; border: 1px solid var(--border); }
.file { font-size: .8rem; border: 1px solid var(--border); border-radius: 8px; padding: .15rem .5rem; background: var(--panel); }
.badge { display: inline-block; font-size: .75rem; border: 1px solid var(--border); border-radius: 999px; padding: 0 .5rem; color: var(--muted); margin-top: .4rem; }
"#;

/// The document; `images` holds each attached image shown as a data URL, by its SHA-256 (an
/// image missing from it is listed as a file).
pub fn render(detail: &ConversationDetail, images: &HashMap<String, String>) -> String {
    let c = &detail.conversation;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n\
         <div class=\"meta\">Exported from Telltale · started {created} · last activity {updated}</div>\n",
        title = escape(c.title.trim()),
        created = format_time(c.created_at),
        updated = format_time(c.updated_at),
    );
    write_runs(&mut out, &detail.runs, &Html { images });
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

struct Html<'a> {
    images: &'a HashMap<String, String>,
}

impl Layout for Html<'_> {
    fn turn_start(&self, out: &mut String, turn: &Turn<'_>) {
        let Turn { prompt, files, who } = *turn;
        let prompt = escape(prompt.trim_end());
        let _ = write!(out, "<section class=\"turn\">\n<div class=\"user\">{prompt}");
        if !files.is_empty() {
            out.push_str("<div class=\"files\">");
            for file in files {
                let label = escape(&file_label(file));
                match self.images.get(&file.sha256) {
                    Some(url) => {
                        let _ =
                            write!(out, "<img src=\"{url}\" alt=\"{label}\" title=\"{label}\">");
                    }
                    None => {
                        let _ = write!(out, "<span class=\"file\">{label}</span>");
                    }
                }
            }
            out.push_str("</div>");
        }
        out.push_str("</div>\n");
        let who = who.map_or_else(
            || "Assistant".to_owned(),
            |(provider, model)| format!("{} · {}", escape(provider), escape(model)),
        );
        let _ = writeln!(out, "<div class=\"assistant\">\n<div class=\"who\">{who}</div>");
    }

    fn steps(&self, out: &mut String, steps: &[String]) {
        let items: String =
            steps.iter().map(|step| format!("<li>{}</li>\n", escape(step))).collect();
        let _ = writeln!(
            out,
            "<details><summary>Steps ({})</summary><ul>\n{items}</ul></details>",
            steps.len()
        );
    }

    fn thought(&self, out: &mut String, text: &str) {
        let text = escape(text.trim_end());
        let _ = writeln!(
            out,
            "<details><summary>Thought</summary><div class=\"thought\">{text}</div></details>"
        );
    }

    fn tool(&self, out: &mut String, name: &str, args: &str, result: Option<&ToolOutcome>) {
        let mark =
            tool_mark(result, "<span class=\"ok\">✓</span>", "<span class=\"fail\">✕</span>");
        let _ = write!(out, "<details><summary>Tool: {}{mark}</summary>", escape(name));
        if !args.is_empty() {
            let _ = write!(out, "<pre>{}</pre>", escape(args));
        }
        if let Some(result) = result {
            let _ = write!(out, "<pre>{}</pre>", escape(result.output.trim_end()));
        }
        out.push_str("</details>\n");
    }

    fn answer(&self, out: &mut String, text: &str) {
        let _ = writeln!(out, "<div class=\"answer\">{}</div>", escape(text.trim_end()));
    }

    fn error(&self, out: &mut String, code: &str, message: &str) {
        let (code, message) = (escape(code), escape(message));
        let _ =
            writeln!(out, "<div class=\"error\"><strong>Error</strong> ({code}): {message}</div>");
    }

    fn turn_end(&self, out: &mut String, status: RunStatus) {
        if status != RunStatus::Completed {
            let _ = writeln!(out, "<div class=\"badge\">{}</div>", status_label(status));
        }
        out.push_str("</div>\n</section>\n");
    }
}
