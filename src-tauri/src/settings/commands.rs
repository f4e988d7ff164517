//! The settings commands the webview invokes. None returns a key: only masks.
//!
//! The ones that touch the keychain (which may prompt and wait for the user), write files or
//! rebuild the agent run on a blocking thread, never on the main thread that paints the window.

use std::collections::BTreeMap;

use tauri::{AppHandle, Manager, Runtime, State};

use telltale_config::model::Settings;
use telltale_config::service::{SettingsCommandError, SettingsService, SettingsView, TestResult};
use telltale_ipc::{CommandError, CommandErrorCode};
use telltale_session::{AgentSlot, Session};

type Result<T> = std::result::Result<T, CommandError>;
/// What a change to the settings answers, before it crosses the IPC.
type Changed = std::result::Result<SettingsView, SettingsCommandError>;

/// Runs `work` with the settings and the session on a blocking thread.
pub(crate) async fn off_main_thread<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    work: impl FnOnce(&SettingsService, &Session) -> Result<T> + Send + 'static,
) -> Result<T> {
    tauri::async_runtime::spawn_blocking(move || {
        work(&app.state::<SettingsService>(), &app.state::<Session>())
    })
    .await
    .map_err(|e| {
        CommandError::new(CommandErrorCode::Storage, format!("the settings failed: {e}"))
    })?
}

/// Runs `change` (which saves and rebuilds the session's agent) on a blocking thread and
/// answers with the settings as they are after it.
async fn change_settings<R: Runtime>(
    app: AppHandle<R>,
    change: impl FnOnce(&SettingsService, &AgentSlot) -> Changed + Send + 'static,
) -> Result<SettingsView> {
    off_main_thread(app, move |service, session| Ok(change(service, session.agent())?)).await
}

#[tauri::command]
pub async fn get_settings<R: Runtime>(app: AppHandle<R>) -> Result<SettingsView> {
    off_main_thread(app, |service, session| Ok(service.view(session.agent()))).await
}

/// Saves the settings, with any keys typed but not stored yet (provider id → key), each for the
/// origin of its provider's new base URL. Refused (`key_for_another_origin`) when a provider's
/// base URL moves to another origin than its stored key was entered for and no key comes with it.
#[tauri::command]
pub async fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    settings: Settings,
    keys: Option<BTreeMap<String, String>>,
) -> Result<SettingsView> {
    let keys = keys.unwrap_or_default();
    change_settings(app, move |service, slot| service.save_with_keys(settings, &keys, slot)).await
}

/// Stores a provider's key (write-only: the answer shows its mask), to be sent only to the
/// origin of `base_url` (the base URL being edited), or of the saved one.
#[tauri::command]
pub async fn set_api_key<R: Runtime>(
    app: AppHandle<R>,
    provider_id: String,
    key: String,
    base_url: Option<String>,
) -> Result<SettingsView> {
    change_settings(app, move |service, slot| {
        service.set_api_key(&provider_id, &key, base_url.as_deref(), slot)
    })
    .await
}

/// Forgets a provider's stored key.
#[tauri::command]
pub async fn clear_api_key<R: Runtime>(
    app: AppHandle<R>,
    provider_id: String,
) -> Result<SettingsView> {
    change_settings(app, move |service, slot| service.clear_api_key(&provider_id, slot)).await
}

/// A tiny real request to `provider_id` (with the base URL and model being edited, if given);
/// the stored key goes with it only to the origin it was entered for.
#[tauri::command]
pub async fn test_connection(
    service: State<'_, SettingsService>,
    provider_id: String,
    base_url: Option<String>,
    model: Option<String>,
) -> Result<TestResult> {
    Ok(service.test_connection(&provider_id, base_url.as_deref(), model.as_deref()).await)
}

/// The models the provider's server lists; empty when it does not answer.
#[tauri::command]
pub async fn list_models(
    service: State<'_, SettingsService>,
    provider_id: String,
    base_url: Option<String>,
) -> Result<Vec<String>> {
    Ok(service.list_models(&provider_id, base_url.as_deref()).await)
}

/// The OpenAI-compatible servers on this computer (Ollama, LM Studio, llama.cpp, vLLM) that
/// answer on their usual ports, with their models.
#[tauri::command]
pub async fn find_local_servers() -> Result<Vec<telltale_config::local_servers::LocalServer>> {
    use telltale_config::local_servers::{discover, KNOWN, TIMEOUT};
    Ok(discover(&KNOWN, TIMEOUT).await)
}

/// Adds the MCP servers of a pasted `{"mcpServers": {...}}` block and saves.
#[tauri::command]
pub async fn import_mcp_servers<R: Runtime>(
    app: AppHandle<R>,
    json: String,
) -> Result<SettingsView> {
    change_settings(app, move |service, slot| service.import_mcp_servers(&json, slot)).await
}

/// Where each MCP server is (starting, ready with its tools, failed and why).
#[tauri::command]
pub fn mcp_status(service: State<'_, SettingsService>) -> Vec<telltale_mcp::McpServerStatus> {
    service.mcp_status()
}
