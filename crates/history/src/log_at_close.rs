//! The history's log (SQLite's write-ahead log) as a process leaves it, so that the next
//! process's first write waits for no sync.
//!
//! SQLite starts its log again from the beginning at the first write after everything in it was
//! copied into the database, and that write syncs the log's new header (and, the first time a
//! process syncs the log, the folder): 1–2 ms on this kind of disk. By default the last
//! connection to close copies the log back and deletes the file, so every process's first write
//! started a new log: the CLI's new conversation, on the way to its first printed token, waited
//! for both syncs. Instead no connection checkpoints when it closes ([`keep_log_at_close`]);
//! the history, when it closes, copies the log back and starts it again with one small write
//! ([`leave_log_started`]). The syncs are paid at the end of this process, when nobody waits
//! for them, and the next process finds a log of one page (recovered at its open in a few
//! microseconds), appends to it, and syncs nothing before its first commit, as
//! `synchronous=NORMAL` allows (a commit survives a crash of the process at once, a power cut
//! once the log is next synced, which never corrupts).

use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::Connection;

use crate::db::BUSY_TIMEOUT;
use crate::error::Result;

/// Closing `conn` leaves the log as it is (see the module's doc).
pub(crate) fn keep_log_at_close(conn: &Connection) -> Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    Ok(())
}

/// Copies the log back into the database, truncates it, and starts it again with one page (the
/// database's header, rewritten as it is) — unless another connection (another process: the
/// window, a CLI run) is using the database, which then leaves it as that connection goes on.
/// Nothing here waits for another connection: a busy database is left as it is. What fails is
/// logged; the history's content is never at stake (the log is only copied, and an unfinished
/// copy is finished by the next checkpoint).
pub(crate) fn leave_log_started(conn: &Connection) {
    if let Err(error) = copy_back_and_start_again(conn) {
        tracing::debug!(%error, "the history's log is left as it is");
    }
    // Restores the wait for other writers, should the connection be used again.
    let _ = conn.busy_timeout(BUSY_TIMEOUT);
}

fn copy_back_and_start_again(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::ZERO)?;
    // (busy, pages in the log, pages copied); a TRUNCATE checkpoint that could not copy
    // everything and truncate says busy.
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
    if busy != 0 {
        return Ok(());
    }
    // One page written (the header, as it is): the log starts again here, its header synced.
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    conn.pragma_update(None, "user_version", version)
}
