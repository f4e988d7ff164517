//! Settings: providers with presets, the default provider, keep-alive, idle timeout and tools,
//! persisted with tauri-plugin-store in `settings.json`; API keys in the OS keychain or, where
//! none answers, a private file (see `keys`). Saving rebuilds the app's agent.

pub mod apply;
pub mod commands;
pub mod keys;
pub mod mask;
pub mod model;
pub mod models;
pub mod service;

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_store::{Store, StoreExt};

pub use service::SettingsService;

/// Overrides the data folder (the settings file and the key file), for tests and portable installs.
pub const DATA_DIR_VAR: &str = "TELLTALE_DATA_DIR";
const STORE_FILE: &str = "settings.json";
const STORE_KEY: &str = "settings";

/// The app's data folder: `TELLTALE_DATA_DIR`, else the platform's app-data folder.
pub fn data_dir<R: Runtime>(app: &AppHandle<R>) -> PathBuf {
    if let Some(dir) = std::env::var_os(DATA_DIR_VAR).filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        return if dir.is_absolute() {
            dir
        } else {
            std::env::current_dir().unwrap_or_default().join(dir)
        };
    }
    app.path().app_data_dir().unwrap_or_else(|_| PathBuf::from("."))
}

struct PluginStore<R: Runtime>(Arc<Store<R>>);

impl<R: Runtime> service::Storage for PluginStore<R> {
    fn load(&self) -> Option<serde_json::Value> {
        self.0.get(STORE_KEY)
    }

    fn save(&self, value: serde_json::Value) -> Result<(), String> {
        self.0.set(STORE_KEY, value);
        self.0.save().map_err(|e| e.to_string())
    }
}

struct NoStore;

impl service::Storage for NoStore {
    fn load(&self) -> Option<serde_json::Value> {
        None
    }

    fn save(&self, _: serde_json::Value) -> Result<(), String> {
        Err("the settings file could not be opened when the app started".into())
    }
}

/// Opens the settings (the store and the keys) and returns the service the commands use.
pub fn init<R: Runtime>(app: &AppHandle<R>) -> SettingsService {
    let dir = data_dir(app);
    let storage: Box<dyn service::Storage> = match app.store(dir.join(STORE_FILE)) {
        Ok(store) => Box::new(PluginStore(store)),
        Err(error) => {
            tracing::error!(%error, "the settings file could not be opened: defaults apply");
            Box::new(NoStore)
        }
    };
    let env = |name: &str| std::env::var(name).ok();
    let keys = keys::KeyStore::detect(&dir, &env);
    SettingsService::new(storage, keys, Box::new(env))
}
