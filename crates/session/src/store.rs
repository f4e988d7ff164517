//! Where a session keeps its conversations: the history database in the data folder, or, when
//! that cannot be opened (or saving is off), a history in memory that works the same way for as
//! long as the session lives. A store may also open on first use ([`Store::lazy`]), so that a
//! front end which may never need it (the CLI's `--no-save`) or needs it only once the request
//! is on its way (a new conversation) does not wait for it.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use telltale_history::History;

use crate::error::SessionError;

/// How a lazy store opens: the history, and why it is in memory (when it is).
type Opener = Box<dyn FnOnce() -> Result<Opened, String> + Send>;

struct Opened {
    db: Mutex<History>,
    memory_reason: Option<String>,
}

struct Inner {
    opened: OnceLock<Result<Opened, String>>,
    opener: Mutex<Option<Opener>>,
}

/// The history a session uses: one connection behind a mutex, shared by the front end's
/// commands (each run's recorder has its own connection and writer thread).
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

/// Whether conversations are saved, and if not, why (the window shows a banner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreStatus {
    /// The history works (on disk or in memory): conversations can be listed, opened, searched.
    pub available: bool,
    /// Saved to disk, surviving a restart.
    pub saved: bool,
    /// Why conversations are kept in memory only (or not at all).
    pub reason: Option<String>,
    /// The database file, when saved.
    pub path: Option<String>,
}

impl Store {
    fn ready(opened: Result<Opened, String>) -> Store {
        let inner = Inner { opened: OnceLock::from(opened), opener: Mutex::new(None) };
        Store { inner: Arc::new(inner) }
    }

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
        Store::ready(Ok(Opened { db: Mutex::new(history), memory_reason: None }))
    }

    /// A store in memory; `reason` says why (shown to the user).
    pub fn in_memory(reason: String) -> Result<Store, telltale_history::Error> {
        let history = History::open_in_memory()?;
        Ok(Store::ready(Ok(Opened { db: Mutex::new(history), memory_reason: Some(reason) })))
    }

    /// A store that opens the history `open` returns when it is first used; if that fails,
    /// every use fails with its message (nothing falls back silently).
    pub fn lazy(
        open: impl FnOnce() -> Result<History, telltale_history::Error> + Send + 'static,
    ) -> Store {
        let opener: Opener = Box::new(move || {
            let history = open().map_err(|e| e.to_string())?;
            let memory_reason = history.is_in_memory().then(|| "saving is off".to_owned());
            Ok(Opened { db: Mutex::new(history), memory_reason })
        });
        let inner = Inner { opened: OnceLock::new(), opener: Mutex::new(Some(opener)) };
        Store { inner: Arc::new(inner) }
    }

    /// Starts opening the history on a thread of its own, so that it is ready, or nearly, by
    /// the time it is first used (a lazy store opened beside other work).
    pub fn open_in_background(&self) {
        let store = self.clone();
        let spawned = std::thread::Builder::new()
            .name("telltale-history-open".into())
            .spawn(move || drop(store.opened()));
        if let Err(error) = spawned {
            // It opens on first use instead.
            tracing::debug!(%error, "cannot open the history in the background");
        }
    }

    /// The history, opened now if it was not yet (blocking).
    fn opened(&self) -> Result<&Opened, SessionError> {
        let opened = self.inner.opened.get_or_init(|| {
            let opener = self.inner.opener.lock().unwrap_or_else(|e| e.into_inner()).take();
            match opener {
                Some(open) => open(),
                None => Err("the history could not be opened".to_owned()),
            }
        });
        opened.as_ref().map_err(|reason| SessionError::HistoryUnavailable(reason.clone()))
    }

    pub fn status(&self) -> StoreStatus {
        match self.opened() {
            Ok(opened) => {
                let path = match &opened.memory_reason {
                    Some(_) => None,
                    None => Some(self.lock_opened(opened).path().display().to_string()),
                };
                let reason = opened.memory_reason.clone();
                StoreStatus { available: true, saved: path.is_some(), reason, path }
            }
            Err(error) => StoreStatus {
                available: false,
                saved: false,
                reason: Some(error.to_string()),
                path: None,
            },
        }
    }

    fn lock_opened<'a>(&self, opened: &'a Opened) -> MutexGuard<'a, History> {
        opened.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The database, locked (opened first if need be). Blocking: call from a blocking thread
    /// (see [`call`](Self::call)).
    pub fn lock(&self) -> Result<MutexGuard<'_, History>, SessionError> {
        let opened = self.opened()?;
        Ok(self.lock_opened(opened))
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
        tokio::task::spawn_blocking(move || f(&*store.lock()?))
            .await
            .map_err(|e| E::from(SessionError::TaskFailed(e.to_string())))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lazy_store_opens_on_first_use_and_a_failure_is_said_every_time() {
        let store = Store::lazy(History::open_in_memory);
        assert!(store.lock().unwrap().list_conversations().unwrap().is_empty());
        assert_eq!(store.status().reason.as_deref(), Some("saving is off"));

        let broken = Store::lazy(|| History::open("/proc/telltale/cannot/be/here.sqlite3"));
        let first = broken.lock().err().unwrap();
        assert!(matches!(first, SessionError::HistoryUnavailable(_)), "{first:?}");
        assert!(broken.lock().is_err(), "and again, without trying to open twice");
        assert!(!broken.status().saved);
    }
}
