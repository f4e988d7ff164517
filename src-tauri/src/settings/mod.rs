//! Settings in the window: the commands the Settings screen invokes. The settings themselves
//! (model, presets, keys, the file, building the agent) live in `telltale-config`, shared with
//! the CLI.

pub mod commands;

use telltale_config::SettingsService;

/// Opens the settings and keys in the data folder and returns the service the commands use.
/// A data folder that cannot be found still opens the app: settings then live beside it.
pub fn init(runtime: tokio::runtime::Handle) -> SettingsService {
    let dir = telltale_config::data_dir().unwrap_or_else(|error| {
        tracing::error!(%error, "no data folder: settings are kept in the current folder");
        std::path::PathBuf::from(".")
    });
    telltale_config::open(&dir).with_mcp(telltale_mcp::McpManager::new(runtime))
}
