//! `api-keys.json`, where keys are kept when no keychain answers: read whole, written whole
//! (a private temporary file renamed over the old one), readable by its owner only.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use telltale_history::private;

use super::{KeyError, KeyStore, Record};

#[derive(Default, Serialize, Deserialize)]
pub(super) struct KeyFile {
    #[serde(default)]
    pub(super) keys: BTreeMap<String, Record>,
}

impl KeyStore {
    pub(super) fn remove_from_file(&self, provider_id: &str) -> Result<(), KeyError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        if !self.file.exists() {
            return Ok(());
        }
        let mut file = self.read_file()?;
        if file.keys.remove(provider_id).is_some() {
            self.write_file(&file)?;
        }
        Ok(())
    }

    fn file_error(&self, what: &'static str, e: impl std::fmt::Display) -> KeyError {
        KeyError::File { path: self.file.display().to_string(), what, reason: e.to_string() }
    }

    pub(super) fn read_file(&self) -> Result<KeyFile, KeyError> {
        let bytes = match fs::read(&self.file) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(KeyFile::default()),
            Err(e) => return Err(self.file_error("read", e)),
        };
        restrict(&self.file).map_err(|e| self.file_error("made private", e))?;
        // Only where it is wrong: serde_json's messages quote values ("invalid type: string
        // \"sk-…\""), and this file holds keys.
        serde_json::from_slice(&bytes).map_err(|e| {
            let at = format!("not a key file (line {}, column {})", e.line(), e.column());
            self.file_error("read", at)
        })
    }

    /// Writes the whole file anew (a private temporary file renamed over the old one).
    pub(super) fn write_file(&self, file: &KeyFile) -> Result<(), KeyError> {
        let dir = self.file.parent().unwrap_or(Path::new("."));
        private::create_dir(dir).map_err(|e| self.file_error("written", e))?;
        let tmp = self.file.with_extension("json.tmp");
        let _ = fs::remove_file(&tmp);
        let bytes = serde_json::to_vec_pretty(file).map_err(|e| self.file_error("written", e))?;
        let written = private::create_file(&tmp).and_then(|mut out| {
            out.write_all(&bytes)?;
            out.sync_all()
        });
        if let Err(e) = written.and_then(|()| fs::rename(&tmp, &self.file)) {
            let _ = fs::remove_file(&tmp);
            return Err(self.file_error("written", e));
        }
        restrict(&self.file).map_err(|e| self.file_error("made private", e))
    }
}

/// Only the owner may read or write `path` (0600).
fn restrict(path: &Path) -> std::io::Result<()> {
    private::restrict(path)
}
