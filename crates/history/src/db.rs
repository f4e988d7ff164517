//! Opening the history database: where it lives, how it is configured, the clock it uses.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::log_at_close;
use crate::migrations;
use crate::private;

/// The app's identifier: its data folder's name.
pub const APP_IDENTIFIER: &str = "app.telltale.desktop";
/// Overrides the data folder for the app and the CLI alike (tests, portable installs).
pub const DATA_DIR_VAR: &str = "TELLTALE_DATA_DIR";
/// The database file's name in the data folder.
pub const DB_FILE: &str = "history.sqlite3";

/// The data folder: `TELLTALE_DATA_DIR` if set, else the platform's app-data folder for the app.
pub fn data_dir() -> Result<PathBuf> {
    match std::env::var_os(DATA_DIR_VAR) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => Ok(dirs::data_dir().ok_or(Error::NoDataDir)?.join(APP_IDENTIFIER)),
    }
}

pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Switches a database to WAL (once: the mode is persistent). Switching needs the database to
/// itself, and SQLite does not wait for that, so several processes opening a new database at
/// once retry here.
fn use_wal(conn: &Connection) -> Result<()> {
    let started = std::time::Instant::now();
    loop {
        let mode: rusqlite::Result<String> =
            conn.query_row("PRAGMA journal_mode", [], |r| r.get(0));
        let result = match mode {
            Ok(mode) if mode.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(_) => conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
                .map(|_| ()),
            Err(error) => Err(error),
        };
        match result {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(error) => return Err(error.into()),
            Ok(()) => {}
        }
    }
}

/// `PRAGMA integrity_check` on the database at `path`, without changing it: `"ok"` when sound.
pub fn integrity_check(path: &Path) -> Result<String> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let lines: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(lines.join("\n"))
}

/// Removes the group's and others' permissions from the database and its -wal and -shm files;
/// one that cannot be changed (another user's) is said, and the history still opens.
fn restrict_database(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let file = PathBuf::from(file);
        if let Err(error) = private::restrict(&file) {
            tracing::warn!(%error, path = %file.display(), "cannot make the history private");
        }
    }
}

/// Milliseconds since the Unix epoch, from the history's clock (fixed in golden tests).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    })
}

/// Opens a connection configured for crash safety: WAL (appends, never rewrites in place),
/// `synchronous=NORMAL` (a commit survives a process crash; a power cut may lose the last
/// commits but never corrupts), foreign keys on, and a wait for other writers.
pub(crate) fn connect(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Write transactions take the write lock up front: a transaction that read first could
    // not be upgraded once another process (the app, the CLI) wrote meanwhile.
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    // A database in memory has no file to append a log to; it keeps its own journal.
    if !is_in_memory(path) {
        use_wal(&conn)?;
        log_at_close::keep_log_at_close(&conn)?;
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(conn)
}

/// The name under which SQLite's `memdb` VFS shares one database in memory among every
/// connection of this process that opens the same name (the recorders' included), with the
/// usual locking: the history of a session that saves nothing to disk.
fn memory_uri() -> PathBuf {
    PathBuf::from(format!("file:/telltale-{}?vfs=memdb", uuid::Uuid::new_v4()))
}

fn is_in_memory(path: &Path) -> bool {
    path.to_str().is_some_and(|p| p.starts_with("file:/telltale-") && p.ends_with("?vfs=memdb"))
}

/// The conversation history. One per thread that uses it (the connection is not `Sync`): wrap it
/// in a `Mutex` to share it. Recorders open their own connection to the same file.
pub struct History {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
    pub(crate) clock: Clock,
}

impl History {
    /// Opens (creating or upgrading) the database in the data folder.
    pub fn open_default() -> Result<History> {
        History::open_in(&data_dir()?)
    }

    /// Opens (creating or upgrading) the database in the data folder `dir`, making the folder
    /// if need be; the folder is the user's alone (0700 on Unix, tightened if it was looser).
    pub fn open_in(dir: &Path) -> Result<History> {
        private::data_dir(dir)
            .map_err(|source| Error::CreateDir { path: dir.to_path_buf(), source })?;
        History::open(dir.join(DB_FILE))
    }

    /// Opens (creating or upgrading) the database at `path`. On disk, the database and its
    /// `-wal` and `-shm` files are the user's alone (0600 on Unix: made so, and tightened if
    /// found looser).
    pub fn open(path: impl Into<PathBuf>) -> Result<History> {
        let path = path.into();
        let on_disk = !is_in_memory(&path);
        if on_disk {
            // An empty file is an empty database; SQLite then makes its -wal and -shm with the
            // same permissions. A file that cannot be made here is SQLite's to report.
            let _ = private::create_file(&path);
        }
        let mut conn = connect(&path)?;
        migrations::migrate(&mut conn)?;
        if on_disk {
            restrict_database(&path);
        }
        let history = History { conn, path, clock: system_clock() };
        // Interrupted runs' answers go into the search index here. It is a write, so on a full
        // disk it fails: the history still opens (reading needs no room), and the next open
        // tries again.
        if let Err(error) = history.index_unindexed_runs() {
            tracing::warn!(%error, "interrupted runs are not searchable yet");
        }
        Ok(history)
    }

    /// Opens a new, empty history that lives in this process's memory only, for as long as this
    /// value (or a recorder of it) is open: conversations work as usual, and nothing is written
    /// to disk.
    pub fn open_in_memory() -> Result<History> {
        History::open(memory_uri())
    }

    /// Whether this history lives in memory only (see [`open_in_memory`](Self::open_in_memory)).
    pub fn is_in_memory(&self) -> bool {
        is_in_memory(&self.path)
    }

    /// Replaces the clock (tests with fixed timestamps).
    pub fn with_clock(mut self, clock: Clock) -> History {
        self.clock = clock;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn now(&self) -> i64 {
        (self.clock)()
    }

    /// The underlying connection, for checks such as `PRAGMA integrity_check`.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

impl Drop for History {
    /// Leaves the log ready for the next process's first write (see `log_at_close`).
    fn drop(&mut self) {
        if !self.is_in_memory() {
            log_at_close::leave_log_started(&self.conn);
        }
    }
}
