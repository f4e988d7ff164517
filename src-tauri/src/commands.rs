//! The commands the webview invokes.

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

use crate::app_history::{finish_recording, relay, AppHistory};
use crate::error::CommandError;
use crate::forward::forward_to_channel;
use crate::state::AppState;

#[derive(Serialize)]
pub struct AppInfo {
    provider: String,
    model: String,
    label: String,
}

/// Which provider and model answer, and how the UI should name them (with why the offline demo
/// answers when the provider settings were unusable). Never the API key.
#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    let provider = state.agent.provider();
    AppInfo {
        provider: provider.id().to_owned(),
        model: provider.model().to_owned(),
        label: state.agent.label(),
    }
}

/// Starts a run of `prompt` in a conversation. The webview picks `run_id`, so it can show the
/// run before any event arrives; events go only to the window that asked, over `on_event`.
#[tauri::command]
pub fn start_run(
    state: State<'_, AppState>,
    saved: State<'_, AppHistory>,
    conversation_id: String,
    run_id: String,
    prompt: String,
    on_event: Channel<Vec<telltale_protocol::Event>>,
) -> Result<(), CommandError> {
    let valid_id = |id: &str| {
        !id.is_empty()
            && id.len() <= 128
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if !valid_id(&conversation_id) || !valid_id(&run_id) {
        return Err(CommandError::InvalidRequest(
            "conversation and run ids must be 1–128 letters, digits, - or _".into(),
        ));
    }
    if prompt.trim().is_empty() {
        return Err(CommandError::InvalidRequest("type a message first".into()));
    }
    let cancel = CancellationToken::new();
    let in_memory =
        state.begin_run(&conversation_id, &run_id, cancel.clone()).map_err(CommandError::Busy)?;

    let (tx, rx) = unbounded_channel();
    tauri::async_runtime::spawn(forward_to_channel(on_event, rx));
    let state = state.inner().clone();
    let saved = saved.inner().clone();
    tauri::async_runtime::spawn(async move {
        // The saved conversation is the run's history, and every event is recorded as it streams
        // (in memory only when the history is off).
        let (c, r, p) = (conversation_id.clone(), run_id.clone(), prompt.clone());
        let prepared = tauri::async_runtime::spawn_blocking(move || saved.prepare_run(&c, &r, &p))
            .await
            .ok()
            .flatten();
        let (history, recorder) = match prepared {
            Some((messages, recorder)) => (messages, Some(recorder)),
            None => (in_memory, None),
        };
        let (tx, relayed) = relay(recorder, tx);
        let outcome = state.agent.run(&run_id, &history, &prompt, tx, cancel).await;
        if let Ok(Some(recorder)) = relayed.await {
            let new_messages = outcome.new_messages.clone();
            let _ = tauri::async_runtime::spawn_blocking(move || {
                finish_recording(recorder, &new_messages)
            })
            .await;
        }
        state.end_run(&conversation_id, &run_id, outcome.new_messages);
    });
    Ok(())
}

/// Opens a link from an answer in the system browser (http, https and mailto only).
#[tauri::command]
pub fn open_external<R: Runtime>(app: AppHandle<R>, url: String) -> Result<(), CommandError> {
    use tauri_plugin_opener::OpenerExt;
    let scheme = url.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("http" | "https" | "mailto")) {
        return Err(CommandError::InvalidRequest(
            "only http, https and mailto links can be opened".into(),
        ));
    }
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| CommandError::InvalidRequest(format!("could not open the link: {e}")))
}

/// Stops a run; what streamed so far stays. Stopping a run that already ended does nothing.
#[tauri::command]
pub fn stop_run(state: State<'_, AppState>, run_id: String) {
    if !state.stop_run(&run_id) {
        tracing::debug!(run_id, "stop for a run that is not in progress");
    }
}
