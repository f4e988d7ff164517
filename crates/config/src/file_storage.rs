//! `settings.json` in the data folder: `{"settings": {…}}`, the layout the app has always
//! written. Saving writes a temporary file beside it, flushes it to disk and renames it over the
//! old one (then flushes the folder), so a crash or power cut mid-save leaves either the old
//! settings or the new, never a torn file. The file is the user's alone (0600 on Unix, the data
//! folder 0700 when this makes it): made so, and tightened when found looser.

use std::io::Write;
use std::path::{Path, PathBuf};

use telltale_history::private;

use crate::service::Storage;

/// The settings file's name in the data folder.
pub const SETTINGS_FILE: &str = "settings.json";
/// The key the settings object sits under in the file.
const SETTINGS_KEY: &str = "settings";

pub struct FileStorage {
    path: PathBuf,
}

impl FileStorage {
    /// The settings file in the data folder `dir`.
    pub fn in_dir(dir: &Path) -> FileStorage {
        FileStorage { path: dir.join(SETTINGS_FILE) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Storage for FileStorage {
    /// The saved settings; `None` when there are none or the file is unreadable (the defaults
    /// then apply, and the next save replaces the file).
    fn load(&self) -> Option<serde_json::Value> {
        if let Err(error) = private::restrict(&self.path) {
            tracing::warn!(%error, path = %self.path.display(), "cannot make the settings private");
        }
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
            Err(error) => {
                tracing::warn!(%error, path = %self.path.display(), "cannot read the settings");
                return None;
            }
        };
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(mut file) => file.get_mut(SETTINGS_KEY).map(serde_json::Value::take),
            Err(error) => {
                // Line and column only: the message of a JSON error may quote the file.
                let (line, column) = (error.line(), error.column());
                tracing::warn!(line, column, path = %self.path.display(), "the settings file is not JSON");
                None
            }
        }
    }

    fn save(&self, value: serde_json::Value) -> Result<(), String> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        private::create_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let file = serde_json::json!({ SETTINGS_KEY: value });
        let text = serde_json::to_vec_pretty(&file).map_err(|e| e.to_string())?;
        let temp = self.path.with_extension("json.tmp");
        // Left by a save that crashed: never written into (it may not be private).
        let _ = std::fs::remove_file(&temp);
        let written = private::create_file(&temp).and_then(|mut out| {
            out.write_all(&text)?;
            out.sync_all()
        });
        let renamed = written.and_then(|()| std::fs::rename(&temp, &self.path));
        if let Err(e) = renamed {
            let _ = std::fs::remove_file(&temp);
            return Err(format!("cannot write {}: {e}", self.path.display()));
        }
        // The rename itself, on disk; the settings are saved even when this fails.
        if let Err(error) = private::sync_dir(dir) {
            tracing::warn!(%error, path = %dir.display(), "cannot flush the data folder");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_atomically_and_loads_what_it_saved_in_the_apps_layout() {
        let dir = tempfile::tempdir().unwrap();
        let storage = FileStorage::in_dir(&dir.path().join("data"));
        assert_eq!(storage.load(), None, "nothing saved yet");
        storage.save(serde_json::json!({"default_provider": "ollama"})).unwrap();
        assert_eq!(storage.load(), Some(serde_json::json!({"default_provider": "ollama"})));
        let file: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(storage.path()).unwrap()).unwrap();
        assert_eq!(file["settings"]["default_provider"], "ollama");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("data")).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn the_settings_are_the_users_alone_made_so_and_tightened() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let storage = FileStorage::in_dir(&data);
        storage.save(serde_json::json!({"default_provider": "ollama"})).unwrap();
        assert_eq!(mode(storage.path()), 0o600, "saved private");
        assert_eq!(mode(&data), 0o700, "the data folder it made");

        // A file an older version saved world-readable, and a stale temporary file.
        std::fs::set_permissions(storage.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::write(data.join("settings.json.tmp"), "stale").unwrap();
        std::fs::set_permissions(
            data.join("settings.json.tmp"),
            std::fs::Permissions::from_mode(0o666),
        )
        .unwrap();
        assert!(storage.load().is_some());
        assert_eq!(mode(storage.path()), 0o600, "tightened when read");
        std::fs::set_permissions(storage.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        storage.save(serde_json::json!({"default_provider": "openai"})).unwrap();
        assert_eq!(mode(storage.path()), 0o600, "and when saved over");
        assert_eq!(storage.load(), Some(serde_json::json!({"default_provider": "openai"})));
        assert!(!data.join("settings.json.tmp").exists());
    }

    #[test]
    fn a_broken_file_loads_as_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SETTINGS_FILE), "{\"settings\": {\"api_key\": \"sk-")
            .unwrap();
        assert_eq!(FileStorage::in_dir(dir.path()).load(), None);
    }
}
