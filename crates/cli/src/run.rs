//! `telltale run`: one prompt, one run, its events on stdout; and how a run started by `run`
//! or `continue` is watched to its end.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use telltale_history::History;
use telltale_protocol::{Attachment, FinishReason};
use telltale_session::{read_attachment, AgentSlot, RunRequest, Session, StartedRun, Store};
use tokio_util::sync::CancellationToken;

use crate::agent_args::AgentArgs;
use crate::approve::answer_approvals;
use crate::output::print_events;

/// `telltale run`: the agent's flags, where the run goes, and the prompt.
#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    agent: AgentArgs,
    /// Don't save this conversation in the history.
    #[arg(long)]
    no_save: bool,
    /// Continue this saved conversation (its id, or enough of its start to be unique) from its
    /// latest run; with --no-save the run sees the conversation but is not added to it.
    #[arg(long, value_name = "ID")]
    conversation: Option<String>,
    /// Continue from this run of the conversation (its id, or enough of its start to be
    /// unique) instead of the latest: a new branch when that run has a continuation already.
    /// The run sends that run's branch only. Implies its conversation.
    #[arg(long, value_name = "RUN_ID")]
    parent: Option<String>,
    /// Send this file with the prompt (repeatable): an image (PNG, JPEG, WebP, GIF; at most
    /// 5 MB), a PDF (20 MB) or a text or code file (UTF-8, 1 MB). Each is checked before
    /// anything is sent.
    #[arg(long = "attach", value_name = "FILE")]
    attach: Vec<PathBuf>,
    /// What to ask (files attached with --attach may go without).
    #[arg(required_unless_present = "attach", num_args = 1.., trailing_var_arg = true)]
    prompt: Vec<String>,
}

/// The files of `--attach`, read and checked; the first that cannot be sent stops the command
/// with its code (`attachment_missing`, `attachment_unreadable`, `attachment_too_large`,
/// `attachment_unsupported`) before anything is sent.
fn read_attachments(paths: &[PathBuf]) -> Result<Vec<Attachment>> {
    paths
        .iter()
        .map(|path| {
            read_attachment(path).map_err(|error| anyhow::anyhow!("{error} ({})", error.code()))
        })
        .collect()
}

/// Runs the agent through a session; returns the process exit code: 0 completed, 1 error, 130
/// interrupted.
pub async fn run(args: RunArgs) -> Result<i32> {
    let prompt = args.prompt.join(" ");
    let attachments = read_attachments(&args.attach)?;
    let run_id = telltale_agent::new_run_id();

    // Where the run is saved: nowhere (--no-save), in the conversation it continues (its messages
    // are needed for the request anyway), or in a new one made beside the request, so that
    // opening the history never delays the first token.
    let continues = args.conversation.is_some() || args.parent.is_some();
    let (store, request) = match (args.no_save, continues) {
        (true, false) => {
            let request = RunRequest {
                new_conversation: true,
                save: false,
                ..RunRequest::in_conversation(run_id.clone(), run_id.clone(), prompt)
            };
            (Store::lazy(History::open_in_memory), request)
        }
        (no_save, true) => {
            let history = crate::history::open()?;
            let (id, parent) = crate::history::place(
                &history,
                args.conversation.as_deref(),
                args.parent.as_deref(),
            )?;
            if !no_save && !args.agent.json {
                eprintln!("conversation {id}");
            }
            let request = RunRequest {
                save: !no_save,
                parent,
                ..RunRequest::in_conversation(id, run_id.clone(), prompt)
            };
            (Store::on_disk(history), request)
        }
        (false, false) => {
            let id = uuid::Uuid::new_v4().simple().to_string();
            let request = RunRequest {
                new_conversation: true,
                ..RunRequest::in_conversation(id, run_id.clone(), prompt)
            };
            // Opened while the agent is built and the request goes out: what the run prints
            // waits for the history to have it.
            let store = Store::lazy(History::open_default);
            store.open_in_background();
            (store, request)
        }
    };
    let request = RunRequest { attachments, ..request };
    let agent = args.agent.agent().await?;
    let announce = request.new_conversation && request.save && !args.agent.json;
    let conversation_id = request.conversation_id.clone();

    let session = cli_session(agent, store);
    let started = session.start_run(request)?;
    let code = watch(&session, started, &run_id, &args.agent).await?;
    if announce {
        eprintln!("conversation {conversation_id}");
    }
    Ok(code)
}

/// The session of a `run` or `continue`: one run, on this (current-thread) runtime, each event
/// printed once saved; the history is written by the task that relays the events, so an event
/// is not handed to a writer thread and back on its way to stdout.
pub fn cli_session(agent: AgentSlot, store: Store) -> Session {
    Session::new(agent, store, tokio::runtime::Handle::current()).with_inline_history_writes()
}

/// Prints the run's events until it ends (Ctrl-C stops it; approvals are answered as the
/// flags say); returns the process exit code: 0 completed, 1 error, 130 interrupted.
pub async fn watch(
    session: &Session,
    started: StartedRun,
    run_id: &str,
    flags: &AgentArgs,
) -> Result<i32> {
    let interrupted = CancellationToken::new();
    {
        let (session, interrupted, run_id) =
            (session.clone(), interrupted.clone(), run_id.to_owned());
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupted.cancel();
                session.stop_run(&run_id);
            }
        });
    }

    tokio::spawn(answer_approvals(session.clone(), run_id.to_owned(), flags.approve));
    print_events(started.events, started.saved, flags.json).await?;
    let summary = started.finished.await.context("the run ended without a summary")?;
    if let Some(error) = summary.history_error {
        anyhow::bail!("cannot save the run in the history: {error}");
    }
    Ok(match summary.reason {
        FinishReason::Completed => 0,
        FinishReason::Error => 1,
        FinishReason::Cancelled if interrupted.is_cancelled() => 130,
        FinishReason::Cancelled => 1,
    })
}
