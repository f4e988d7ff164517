//! The runs in progress: which conversation each answers, how to stop it, and its events. One
//! run at a time per conversation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use telltale_agent::RunControls;

use crate::error::SessionError;
use crate::run_log::RunLog;

/// A run in progress, as a front end lists it (the window after a reload, `GET /v1/runs`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct RunInProgress {
    pub run_id: String,
    pub conversation_id: String,
}

struct Entry {
    conversation_id: String,
    controls: RunControls,
    log: Arc<RunLog>,
}

#[derive(Clone, Default)]
pub(crate) struct Runs {
    inner: Arc<Mutex<HashMap<String, Entry>>>,
}

impl Runs {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a run, or says why it cannot start.
    pub fn begin(
        &self,
        conversation_id: &str,
        run_id: &str,
        controls: RunControls,
        log: Arc<RunLog>,
    ) -> Result<(), SessionError> {
        let mut runs = self.lock();
        if runs.contains_key(run_id) {
            return Err(SessionError::Busy(format!("a run with id {run_id} already exists")));
        }
        if runs.values().any(|entry| entry.conversation_id == conversation_id) {
            return Err(SessionError::Busy(
                "this conversation is still answering; stop it or wait for it to finish".into(),
            ));
        }
        let entry = Entry { conversation_id: conversation_id.to_owned(), controls, log };
        runs.insert(run_id.to_owned(), entry);
        Ok(())
    }

    pub fn end(&self, run_id: &str) {
        self.lock().remove(run_id);
    }

    /// Stops a run; false when no such run is in progress.
    pub fn stop(&self, run_id: &str) -> bool {
        match self.lock().get(run_id) {
            Some(entry) => {
                entry.controls.stop();
                true
            }
            None => false,
        }
    }

    /// The controls of a run in progress.
    pub fn controls(&self, run_id: &str) -> Result<RunControls, SessionError> {
        match self.lock().get(run_id) {
            Some(entry) => Ok(entry.controls.clone()),
            None => Err(SessionError::NotFound(format!("no run {run_id} is in progress"))),
        }
    }

    pub fn log(&self, run_id: &str) -> Option<Arc<RunLog>> {
        self.lock().get(run_id).map(|entry| entry.log.clone())
    }

    pub fn list(&self) -> Vec<RunInProgress> {
        let mut list: Vec<RunInProgress> = self
            .lock()
            .iter()
            .map(|(run_id, entry)| RunInProgress {
                run_id: run_id.clone(),
                conversation_id: entry.conversation_id.clone(),
            })
            .collect();
        list.sort_by(|a, b| a.run_id.cmp(&b.run_id));
        list
    }
}
