//! Answering tool calls that wait for approval in the CLI: `--approve all|none` decides without
//! asking; otherwise the user is asked on the terminal, and with no terminal the call is denied
//! (and the CLI says why).

use std::io::{BufRead, IsTerminal, Write};

use clap::ValueEnum;
use telltale_agent::Decision;
use telltale_protocol::EventKind;
use telltale_session::Session;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ApproveArg {
    /// Run every call that asks, without asking.
    All,
    /// Deny every call that asks.
    None,
}

/// Answers every approval the run `run_id` asks for, until the run ends.
pub async fn answer_approvals(session: Session, run_id: String, mode: Option<ApproveArg>) {
    let Some(mut events) = session.approval_requests(&run_id) else { return };
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    while let Some(event) = events.recv().await {
        let EventKind::ApprovalRequired { call_id, name, args } = event.kind else { continue };
        let decision = match (mode, terminal) {
            (Some(ApproveArg::All), _) => Decision::Approve { args: None, always: false },
            (Some(ApproveArg::None), _) => Decision::Deny,
            (None, true) => {
                let question = format!("Allow {name} {args}? [y]es, [n]o, [a]lways in this run: ");
                tokio::task::spawn_blocking(move || ask(&question)).await.unwrap_or(Decision::Deny)
            }
            (None, false) => {
                eprintln!(
                    "{name} needs your approval and there is no terminal to ask on: denied \
                     (run with --approve all to allow it)"
                );
                Decision::Deny
            }
        };
        if let Err(error) = session.resolve_approval(&run_id, &call_id, decision) {
            tracing::debug!(%error, "the approval was no longer needed");
        }
    }
}

/// Asks `question` on the terminal until it gets an answer.
fn ask(question: &str) -> Decision {
    let stdin = std::io::stdin();
    loop {
        eprint!("{question}");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => return Decision::Deny,
            Ok(_) => {}
        }
        match line.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => return Decision::Approve { args: None, always: false },
            "a" | "always" => return Decision::Approve { args: None, always: true },
            "n" | "no" => return Decision::Deny,
            _ => {}
        }
    }
}
