//! The commands the webview invokes.

use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use telltale_ipc::{
    AppInfo, ApprovalAnswer, AttachmentUpload, BudgetAnswer, CommandError, RunParent,
};
use telltale_session::{ContinueRequest, Parent, RunEvents, RunInProgress, RunRequest, Session};

use crate::forward::forward_to_channel;
use crate::settings::commands::off_main_thread;

/// Which provider and model answer, and how the UI should name them (with why the offline demo
/// answers when the provider settings were unusable). Never the API key.
#[tauri::command]
pub fn app_info(session: State<'_, Session>) -> AppInfo {
    let agent = session.agent();
    let provider = agent.provider();
    AppInfo {
        provider: provider.id().to_owned(),
        model: provider.model().to_owned(),
        label: agent.label(),
    }
}

/// Starts a run of `prompt` in a conversation, continuing `parent` (left out: its latest run;
/// another run makes a new branch, e.g. an answer regenerated). The webview picks `run_id`, so
/// it can show the run before any event arrives; events go only to the window that asked, over
/// `on_event`. A budget the run reaches pauses it until `resolve_budget` answers. The prompt's
/// files (`attachments`: bytes, or files the conversation stores) are checked first: one that
/// cannot be sent refuses the run, with nothing sent.
#[tauri::command]
pub async fn start_run(
    session: State<'_, Session>,
    conversation_id: String,
    run_id: String,
    prompt: String,
    parent: Option<RunParent>,
    attachments: Option<Vec<AttachmentUpload>>,
    on_event: Channel<Vec<telltale_protocol::Event>>,
) -> Result<(), CommandError> {
    let uploads = attachments.unwrap_or_default();
    let attachments =
        telltale_ipc::prompt_files(session.store(), &conversation_id, uploads).await?;
    let request = RunRequest {
        parent: parent.map_or(Parent::Latest, Parent::from),
        pause_at_budget: true,
        attachments,
        ..RunRequest::in_conversation(conversation_id, run_id, prompt)
    };
    let started = session.start_run(request)?;
    session.runtime().spawn(forward_to_channel(on_event, started.events));
    Ok(())
}

/// Continues a run that was cut off (stopped, failed, interrupted by a crash or a lost
/// connection) from its exact partial answer, in the same run: its new events, from the run's
/// next `seq` on, go to `on_event`.
#[tauri::command]
pub async fn continue_run(
    session: State<'_, Session>,
    conversation_id: String,
    run_id: String,
    on_event: Channel<Vec<telltale_protocol::Event>>,
) -> Result<(), CommandError> {
    let request = ContinueRequest { conversation_id, run_id, pause_at_budget: true };
    let started = session.continue_run(request).await?;
    session.runtime().spawn(forward_to_channel(on_event, started.events));
    Ok(())
}

/// Opens a link from an answer in the system browser or mail app: http and https, and mailto
/// with only its addresses, subject and body (see `external_link`).
#[tauri::command]
pub fn open_external<R: Runtime>(app: AppHandle<R>, url: String) -> Result<(), CommandError> {
    use tauri_plugin_opener::OpenerExt;
    let url =
        crate::external_link::checked(&url).map_err(|e| CommandError::invalid(e.to_string()))?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| CommandError::invalid(format!("could not open the link: {e}")))
}

/// Stops a run; what streamed so far stays. Stopping a run that already ended does nothing.
#[tauri::command]
pub fn stop_run(session: State<'_, Session>, run_id: String) {
    if !session.stop_run(&run_id) {
        tracing::debug!(run_id, "stop for a run that is not in progress");
    }
}

/// The runs in progress, each with its conversation: a window reloaded mid-run follows them
/// again (`follow_run`).
#[tauri::command]
pub fn runs_in_progress(session: State<'_, Session>) -> Vec<RunInProgress> {
    session.runs_in_progress()
}

/// Sends a run's events after `after_seq` (the last one the window holds; none: all of them) to
/// `on_event`: the rest of a run in progress as it streams, or what an ended run recorded. A
/// window reloaded mid-run carries on with no gap and nothing twice.
#[tauri::command]
pub async fn follow_run(
    session: State<'_, Session>,
    run_id: String,
    after_seq: Option<u64>,
    on_event: Channel<Vec<telltale_protocol::Event>>,
) -> Result<(), CommandError> {
    let from_seq = after_seq.map_or(0, |seq| seq.saturating_add(1));
    match session.events_from(&run_id, from_seq).await? {
        // Read from the run's log as the window takes them: nothing queues on the way.
        RunEvents::Live(reader) => {
            session.runtime().spawn(forward_to_channel(on_event, reader));
        }
        RunEvents::Ended(events) if !events.is_empty() => {
            if let Err(error) = on_event.send(events) {
                tracing::warn!(%error, "could not send events to the window");
            }
        }
        RunEvents::Ended(_) => {}
    }
    Ok(())
}

/// Answers a tool call that waits for the user's approval. "Always allow" is saved in the
/// settings too (off the main thread), so later runs do not ask for that tool.
#[tauri::command]
pub async fn resolve_approval<R: Runtime>(
    app: AppHandle<R>,
    run_id: String,
    call_id: String,
    answer: ApprovalAnswer,
) -> Result<(), CommandError> {
    let always = answer.approved && answer.always;
    off_main_thread(app, move |settings, session| {
        let tool = session.resolve_approval(&run_id, &call_id, answer.decision())?;
        if always {
            settings.allow_tool_always(&tool, session.agent())?;
        }
        Ok(())
    })
    .await
}

/// Answers a run paused at its budget: continue past that budget, or stop keeping what it wrote.
#[tauri::command]
pub fn resolve_budget(
    session: State<'_, Session>,
    run_id: String,
    answer: BudgetAnswer,
) -> Result<(), CommandError> {
    Ok(session.resolve_budget(&run_id, answer.into())?)
}

/// Cancels one running tool call; the run goes on with the other results.
#[tauri::command]
pub fn cancel_tool_call(
    session: State<'_, Session>,
    run_id: String,
    call_id: String,
) -> Result<(), CommandError> {
    Ok(session.cancel_tool_call(&run_id, &call_id)?)
}
