//! `settings.json` in the data folder: `{"settings": {…}}`, the layout the app has always
//! written. Saving writes a temporary file beside it and renames it over the old one, so a crash
//! mid-save leaves either the old settings or the new, never a torn file.

use std::io::Write;
use std::path::{Path, PathBuf};

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
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let file = serde_json::json!({ SETTINGS_KEY: value });
        let text = serde_json::to_vec_pretty(&file).map_err(|e| e.to_string())?;
        let temp = self.path.with_extension("json.tmp");
        let written = std::fs::File::create(&temp).and_then(|mut out| {
            out.write_all(&text)?;
            out.sync_all()
        });
        written
            .and_then(|()| std::fs::rename(&temp, &self.path))
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
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

    #[test]
    fn a_broken_file_loads_as_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SETTINGS_FILE), "{\"settings\": {\"api_key\": \"sk-")
            .unwrap();
        assert_eq!(FileStorage::in_dir(dir.path()).load(), None);
    }
}
