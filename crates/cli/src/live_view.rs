//! The readable live view of a run: status lines, tool steps, the streamed answer.

use std::io::{self, Write};

use telltale_protocol::{Event, EventKind, FinishReason};

pub struct LiveView {
    color: bool,
    /// Whether the answer is mid-line (so the next status starts on a new line).
    in_answer: bool,
}

impl LiveView {
    pub fn new(color: bool) -> Self {
        LiveView { color, in_answer: false }
    }

    fn dim(&self, text: &str) -> String {
        if self.color {
            format!("\x1b[2m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn side_line(&mut self, out: &mut impl Write, line: &str) -> io::Result<()> {
        if self.in_answer {
            writeln!(out)?;
            self.in_answer = false;
        }
        writeln!(out, "{}", self.dim(line))
    }

    pub fn show(&mut self, out: &mut impl Write, event: &Event) -> io::Result<()> {
        match &event.kind {
            EventKind::RunStarted { provider, model, .. } => {
                self.side_line(out, &format!("● {provider} · {model}"))
            }
            EventKind::Status { message, .. } => self.side_line(out, &format!("◦ {message}")),
            EventKind::Thought { text } => self.side_line(out, &format!("  ✎ {text}")),
            // The `error` that follows says which budget and how far (the CLI's runs never
            // pause at a budget, so nothing resolves one).
            EventKind::ToolCallDelta { .. }
            | EventKind::Ping { .. }
            | EventKind::BudgetReached { .. }
            | EventKind::BudgetResolved { .. } => Ok(()),
            EventKind::ToolCall { name, args, .. } => {
                self.side_line(out, &format!("  → {name} {args}"))
            }
            EventKind::ToolProgress { progress, total, message, .. } => {
                let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
                let note = message.as_deref().map(|m| format!(" · {m}")).unwrap_or_default();
                self.side_line(out, &format!("  … {progress}{of}{note}"))
            }
            EventKind::ApprovalRequired { name, .. } => {
                self.side_line(out, &format!("  ? {name} waits for your approval"))
            }
            EventKind::ApprovalResolved { approved, args, always, .. } => {
                let what = match (approved, args, always) {
                    (false, ..) => "denied".to_owned(),
                    (true, Some(args), _) => format!("approved with {args}"),
                    (true, None, true) => "approved, and allowed from now on".to_owned(),
                    (true, None, false) => "approved".to_owned(),
                };
                self.side_line(out, &format!("  {what}"))
            }
            EventKind::ToolResult { ok, output, duration_ms, .. } => {
                let mark = if *ok { "✓" } else { "✕" };
                let output: String = output.chars().take(200).collect();
                self.side_line(out, &format!("  {mark} {output} ({duration_ms:.1} ms)"))
            }
            EventKind::Token { text } => {
                if !self.in_answer {
                    writeln!(out)?;
                }
                self.in_answer = true;
                write!(out, "{text}")
            }
            EventKind::Error { message, code, .. } => {
                let code = serde_json::to_value(code)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                self.side_line(out, &format!("✕ error ({code}): {message}"))
            }
            EventKind::RunFinished { reason, usage, ttft_ms, cost_usd } => {
                let mut parts = vec![match reason {
                    FinishReason::Completed => "done".to_owned(),
                    FinishReason::Cancelled => "stopped".to_owned(),
                    FinishReason::Error => "failed".to_owned(),
                }];
                if let Some(ttft) = ttft_ms {
                    parts.push(format!("{ttft:.0} ms to first token"));
                }
                if let Some(usage) = usage {
                    parts.push(format!(
                        "{} tokens in, {} out",
                        usage.input_tokens, usage.output_tokens
                    ));
                }
                if let Some(cost) = cost_usd {
                    parts.push(format!("${cost:.4}"));
                }
                if self.in_answer {
                    writeln!(out)?;
                    self.in_answer = false;
                }
                writeln!(out)?;
                self.side_line(out, &format!("— {}", parts.join(" · ")))
            }
        }
    }
}
