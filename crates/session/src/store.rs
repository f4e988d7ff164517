//! Where a session keeps its conversations: the history database in the data folder, or, when
//! that cannot be opened (or saving is off), a history in memory that works the same way for as
//! long as the session lives.

use std::sync::{Arc, Mutex, MutexGuard};

use telltale_history::History;

use crate::error::SessionError;

/// The history a session uses: one connection behind a mutex, shared by the front end's
/// commands (each run's recorder has its own connection and writer thread).
#[derive(Clone)]
pub struct Store {
    db: Arc<Mutex<History>>,
    /// Why the history is kept in memory, when it is not on disk.
    memory_reason: Option<String>,
}

/// Whether conversations are saved, and if not, why (the window shows a banner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreStatus {
    /// Saved to disk, surviving a restart.
    pub saved: bool,
    /// Why conversations are kept in memory only.
    pub reason: Option<String>,
    /// The database file, when saved.
    pub path: Option<String>,
}

impl Store {
    /// Opens the database in the data folder (`TELLTALE_DATA_DIR` overrides it). A failure does
    /// not stop the front end: conversations are kept in memory, and the status says why. Fails
    /// only when SQLite cannot even make a database in memory.
    pub fn open_default() -> Result<Store, telltale_history::Error> {
        match History::open_default() {
            Ok(history) => {
                tracing::info!(path = %history.path().display(), "history opened");
                Ok(Store::on_disk(history))
            }
            Err(error) => {
                tracing::warn!(%error, "conversations are kept in memory only");
                Store::in_memory(error.to_string())
            }
        }
    }

    /// A store around a history already open.
    pub fn on_disk(history: History) -> Store {
        Store { db: Arc::new(Mutex::new(history)), memory_reason: None }
    }

    /// A store in memory; `reason` says why (shown to the user).
    pub fn in_memory(reason: String) -> Result<Store, telltale_history::Error> {
        let history = History::open_in_memory()?;
        Ok(Store { db: Arc::new(Mutex::new(history)), memory_reason: Some(reason) })
    }

    pub fn status(&self) -> StoreStatus {
        let path = match &self.memory_reason {
            Some(_) => None,
            None => Some(self.lock().path().display().to_string()),
        };
        StoreStatus {
            saved: self.memory_reason.is_none(),
            reason: self.memory_reason.clone(),
            path,
        }
    }

    /// The database, locked. Blocking: call from a blocking thread (see [`call`](Self::call)).
    pub fn lock(&self) -> MutexGuard<'_, History> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the database on a blocking thread.
    pub async fn call<T, E>(
        &self,
        f: impl FnOnce(&History) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<SessionError> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || f(&store.lock()))
            .await
            .map_err(|e| E::from(SessionError::TaskFailed(e.to_string())))?
    }
}
