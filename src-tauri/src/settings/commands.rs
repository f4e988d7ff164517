//! The settings commands the webview invokes. None returns a key: only masks.

use tauri::State;

use telltale_config::model::Settings;
use telltale_config::service::{SettingsService, SettingsView, TestResult};
use telltale_ipc::CommandError;
use telltale_session::Session;

type Result<T> = std::result::Result<T, CommandError>;

#[tauri::command]
pub fn get_settings(
    service: State<'_, SettingsService>,
    session: State<'_, Session>,
) -> SettingsView {
    service.view(session.agent())
}

#[tauri::command]
pub fn save_settings(
    service: State<'_, SettingsService>,
    session: State<'_, Session>,
    settings: Settings,
) -> Result<SettingsView> {
    Ok(service.save(settings, session.agent())?)
}

/// Stores a provider's key (write-only: the answer shows its mask).
#[tauri::command]
pub fn set_api_key(
    service: State<'_, SettingsService>,
    session: State<'_, Session>,
    provider_id: String,
    key: String,
) -> Result<SettingsView> {
    Ok(service.set_api_key(&provider_id, &key, session.agent())?)
}

#[tauri::command]
pub fn clear_api_key(
    service: State<'_, SettingsService>,
    session: State<'_, Session>,
    provider_id: String,
) -> Result<SettingsView> {
    Ok(service.clear_api_key(&provider_id, session.agent())?)
}

/// A tiny real request to `provider_id` (with the base URL and model being edited, if given).
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

/// Adds the MCP servers of a pasted `{"mcpServers": {...}}` block and saves.
#[tauri::command]
pub fn import_mcp_servers(
    service: State<'_, SettingsService>,
    session: State<'_, Session>,
    json: String,
) -> Result<SettingsView> {
    Ok(service.import_mcp_servers(&json, session.agent())?)
}

/// Where each MCP server is (starting, ready with its tools, failed and why).
#[tauri::command]
pub fn mcp_status(service: State<'_, SettingsService>) -> Vec<telltale_mcp::McpServerStatus> {
    service.mcp_status()
}
