//! Telltale's configuration, free of any UI and read by the app and the CLI alike: the settings
//! model with its provider presets (`model`) and what may be saved (`validate`), the key store
//! (`keys`: the OS keychain, or a 0600 file where none answers), each key sent only to the
//! origin it was entered for (`key_origin`), the settings file (`file_storage`), and building
//! the agent the settings describe (`apply`). `SettingsService` is what a front end holds: it
//! views, saves and tests settings and swaps a session's agent when they change.

pub mod apply;
mod file_storage;
pub mod key_origin;
pub mod keys;
pub mod local_servers;
pub mod mask;
pub mod model;
pub mod models;
pub mod prices;
pub mod service;
pub mod tools;
pub mod validate;

use std::path::PathBuf;

pub use file_storage::{FileStorage, SETTINGS_FILE};
pub use service::{SettingsService, Storage};

/// The data folder (the settings file, the key file, the history): `TELLTALE_DATA_DIR` (made
/// absolute), else the platform's app-data folder for the app.
pub fn data_dir() -> Result<PathBuf, telltale_history::Error> {
    let dir = telltale_history::data_dir()?;
    Ok(if dir.is_absolute() { dir } else { std::env::current_dir().unwrap_or_default().join(dir) })
}

/// The settings and keys in the data folder `dir`, with the process's environment able to
/// override them (`TELLTALE_PROVIDER`, `TELLTALE_MODEL`, …).
pub fn open(dir: &std::path::Path) -> SettingsService {
    let env = |name: &str| std::env::var(name).ok();
    let keys = keys::KeyStore::detect(dir, &env);
    SettingsService::new(Box::new(FileStorage::in_dir(dir)), keys, Box::new(env))
        .protecting(vec![dir.to_path_buf()])
}

/// The settings saved in the data folder `dir`, or the defaults when none were saved.
pub fn saved_settings(dir: &std::path::Path) -> model::Settings {
    model::Settings::from_json(FileStorage::in_dir(dir).load())
}

/// The provider the saved settings in `dir` choose by default, with `model` and `base_url`
/// overriding the saved ones for this run (the stored key goes only to the origin it was
/// entered for: another one gets none). `None` when nothing was saved: the caller's defaults apply. For the CLI, so that
/// `telltale run` answers with the provider the window uses.
pub fn saved_provider(
    dir: &std::path::Path,
    env: &dyn Fn(&str) -> Option<String>,
    model: Option<&str>,
    base_url: Option<&str>,
) -> Result<Option<telltale_agent::providers::ProviderSettings>, String> {
    let Some(saved) = FileStorage::in_dir(dir).load() else {
        return Ok(None);
    };
    let settings = model::Settings::from_json(Some(saved));
    let keys = keys::KeyStore::detect(dir, env);
    let id = settings.default_provider.clone();
    apply::provider_settings(&settings, &keys, &id, base_url, model)
        .map(Some)
        .map_err(|reason| format!("the saved settings of {id} are incomplete: {reason}"))
}
