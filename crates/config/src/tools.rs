//! Settings → the tools a run may use: the built-ins, `web_fetch` with the network the user
//! allowed, the file tools in the workspace folder they picked (never reaching the app's own data
//! folder), each switched on or off; and the keys to keep out of tool output.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use telltale_agent::tools::{NetworkPolicy, Workspace};
use telltale_agent::{Secrets, ToolOptions, ToolRegistry};

use crate::keys::KeyStore;
use crate::model::{Api, Settings, PRESETS};

/// What the tools are made from: the workspace (when the folder is set and exists) and the
/// network policy. `protected`: folders no tool may touch (the data folder).
pub fn tool_options(settings: &Settings, protected: &[PathBuf]) -> ToolOptions {
    let folder = settings.workspace.trim();
    let workspace = match folder {
        "" => None,
        folder => Workspace::new(Path::new(folder), protected)
            .map_err(|e| tracing::warn!("the workspace folder {folder} cannot be used: {e}"))
            .ok(),
    };
    let network =
        NetworkPolicy { allow_private: settings.allow_private_network, ..NetworkPolicy::default() };
    ToolOptions { workspace, network }
}

/// The tools the settings make and enable.
pub fn tools(settings: &Settings, protected: &[PathBuf]) -> ToolRegistry {
    let mut tools = ToolRegistry::standard(&tool_options(settings, protected))
        .filtered(|name| settings.tool_enabled(name));
    for spec in tools.specs() {
        tools.set_asks(&spec.name, settings.asks_first(&spec.name));
    }
    tools
}

/// Every key stored for a provider: none of them may reach a model through a tool's output.
pub fn stored_keys(keys: &KeyStore) -> Vec<String> {
    let stored = PRESETS.iter().filter(|p| p.api != Api::Offline).filter_map(|p| {
        let stored = keys.get(p.id).unwrap_or_else(|e| {
            tracing::warn!(provider = p.id, "could not read the API key: {e}");
            None
        });
        stored.map(|stored| stored.key)
    });
    stored.collect()
}

/// The stored keys as the secrets of a run, read on a thread of their own: from a keychain that
/// is a D-Bus round trip or more per provider, which no request should wait for (only a tool's
/// output needs them).
pub fn stored_secrets(keys: Arc<KeyStore>) -> Secrets {
    Secrets::in_background(move || stored_keys(&keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(registry: &ToolRegistry) -> Vec<String> {
        registry.specs().into_iter().map(|s| s.name).collect()
    }

    #[test]
    fn file_tools_come_with_a_workspace_and_each_tool_can_be_switched_off() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::default();
        let without = names(&tools(&settings, &[]));
        assert!(without.contains(&"web_fetch".to_owned()), "{without:?}");
        assert!(!without.contains(&"read_file".to_owned()), "{without:?}");

        settings.workspace = dir.path().display().to_string();
        settings.tools.insert("search_files".into(), false);
        let with = names(&tools(&settings, &[]));
        for name in ["calculator", "web_fetch", "list_files", "read_file"] {
            assert!(with.contains(&name.to_owned()), "{name} missing: {with:?}");
        }
        assert!(!with.contains(&"search_files".to_owned()), "{with:?}");

        // A folder that went away gives no file tools rather than an error at start-up.
        settings.workspace = dir.path().join("gone").display().to_string();
        assert!(!names(&tools(&settings, &[])).contains(&"read_file".to_owned()));
    }

    #[test]
    fn tools_with_side_effects_ask_first_unless_the_user_allowed_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings =
            Settings { workspace: dir.path().display().to_string(), ..Settings::default() };
        assert_eq!(settings.ask_first.get("write_file"), Some(&true));
        assert_eq!(settings.ask_first.get("read_file"), Some(&false));
        assert!(tools(&settings, &[]).asks("write_file"));
        assert!(!tools(&settings, &[]).asks("read_file"));
        settings.ask_first.insert("write_file".into(), false);
        settings.ask_first.insert("web_fetch".into(), true);
        let registry = tools(&settings, &[]);
        assert!(!registry.asks("write_file") && registry.asks("web_fetch"));
    }

    #[test]
    fn every_stored_key_is_a_secret() {
        let dir = tempfile::tempdir().unwrap();
        let keys = KeyStore::file_only(dir.path());
        keys.set("openai", "sk-openai-1234567", "https://api.openai.com").unwrap();
        keys.set("groq", "gsk-groq-7654321", "https://api.groq.com").unwrap();
        let secrets = stored_secrets(Arc::new(keys));
        assert_eq!(
            secrets.redact("a sk-openai-1234567 b gsk-groq-7654321"),
            "a [redacted] b [redacted]"
        );
    }
}
