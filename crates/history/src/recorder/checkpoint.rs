//! Copying the recorder's log back into the database (a WAL checkpoint) off the writer's path.
//!
//! SQLite checkpoints on the connection that commits, once the log holds 1,000 pages: the
//! writer would stop for it (a sync of the log, the pages copied, a sync of the database: 5 ms
//! and more on this kind of disk), and with it every event waiting to be printed once saved.
//! The writer's connection instead notes how long the log is after each commit, and past that
//! length asks a checkpointer thread, with its own connection, for a passive checkpoint, which
//! copies what it can while the writer goes on appending. The log starts again from its
//! beginning at the writer's first transaction after everything in it was copied: at a model's
//! pace that is the next token. A burst that never leaves such a gap would grow the log without
//! end, so past four times that length the writer checkpoints itself, as SQLite would have.
//! The thread and its connection are made the first time a run's log grows long: a short run
//! costs nothing.

use std::cell::Cell;
use std::ffi::c_int;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

use rusqlite::hooks::Wal;
use rusqlite::Connection;

use crate::db::connect;

/// The log's length, in pages, past which the checkpointer is asked for a checkpoint: SQLite's
/// own default.
const CHECKPOINT_PAGES: c_int = 1000;

/// The log's length, in pages, past which the writer checkpoints itself.
const WRITER_CHECKPOINT_PAGES: c_int = 4 * CHECKPOINT_PAGES;

thread_local! {
    /// The log's length after the last commit on this thread's connection (each recorder writes
    /// on a thread of its own).
    static LOG_PAGES: Cell<c_int> = const { Cell::new(0) };
}

/// SQLite's write-ahead-log hook: called after each commit with the log's length. Setting it
/// replaces SQLite's automatic checkpoint on this connection.
fn note_log_pages(_: &Wal, pages: c_int) -> rusqlite::Result<()> {
    LOG_PAGES.with(|cell| cell.set(pages));
    Ok(())
}

/// The checkpoints of one recorder's log.
pub(super) struct Checkpointer {
    path: PathBuf,
    /// The thread is checkpointing (asked and not done yet).
    busy: Arc<AtomicBool>,
    thread: Thread,
    /// The log's length when a checkpoint was last asked for since the log last started again,
    /// and whether the one that catches up with what was written meanwhile was asked for too.
    asked_at: Option<(c_int, bool)>,
}

/// The checkpointer thread, made the first time the log grows long.
enum Thread {
    NotStarted,
    Running {
        ask: SyncSender<()>,
        handle: JoinHandle<()>,
    },
    /// It could not be started, or it could not open the database: the writer's own checkpoint
    /// keeps the log bounded, later than SQLite's would have. Nothing is lost.
    Unavailable,
}

impl Checkpointer {
    /// Takes over the checkpoints of `conn`, the writer's connection to the database at `path`.
    pub(super) fn attach(conn: &Connection, path: &Path) -> Checkpointer {
        conn.wal_hook(Some(note_log_pages));
        Checkpointer {
            path: path.to_path_buf(),
            busy: Arc::new(AtomicBool::new(false)),
            thread: Thread::NotStarted,
            asked_at: None,
        }
    }

    /// Called by the writer after each commit on `conn`: asks for a checkpoint when the log is
    /// long, and checkpoints on `conn` when it is too long.
    ///
    /// Asked for at 1,000 pages, then once more when that one is done, to copy what was written
    /// meanwhile (at a model's pace a few pages: done before the next token, and the log starts
    /// again), then at each further 1,000 pages: a burst does not keep the thread checkpointing
    /// a few pages at a time.
    pub(super) fn committed(&mut self, conn: &Connection) {
        let pages = LOG_PAGES.with(|cell| cell.replace(0));
        if pages >= WRITER_CHECKPOINT_PAGES {
            passive_checkpoint(conn);
            self.asked_at = None;
            return;
        }
        if pages < CHECKPOINT_PAGES {
            self.asked_at = None;
            return;
        }
        if self.busy.load(Ordering::Acquire) {
            return;
        }
        let asked_at = match self.asked_at {
            None => (pages, false),
            Some((at, false)) => (at, true),
            Some((at, true)) if pages >= at + CHECKPOINT_PAGES => (pages, false),
            Some(_) => return,
        };
        if matches!(self.thread, Thread::NotStarted) {
            self.thread = self.start();
        }
        let Thread::Running { ask, .. } = &self.thread else { return };
        self.busy.store(true, Ordering::Release);
        // Never full (nothing is asked while the thread is busy): an error means it has gone.
        if ask.try_send(()).is_err() {
            self.stop();
            return;
        }
        self.asked_at = Some(asked_at);
    }

    fn start(&self) -> Thread {
        let (ask, asked) = sync_channel(1);
        let path = self.path.clone();
        let busy = self.busy.clone();
        let thread = std::thread::Builder::new()
            .name("telltale-history-checkpoint".into())
            .spawn(move || checkpoint_loop(&path, asked, &busy));
        match thread {
            Ok(handle) => Thread::Running { ask, handle },
            Err(error) => {
                tracing::warn!(%error, "cannot start the history's checkpoint thread");
                Thread::Unavailable
            }
        }
    }

    /// Ends the thread once a checkpoint under way is done.
    fn stop(&mut self) {
        if let Thread::Running { ask, handle } =
            std::mem::replace(&mut self.thread, Thread::Unavailable)
        {
            drop(ask);
            if handle.join().is_err() {
                tracing::error!("the history's checkpoint thread panicked");
            }
        }
    }

    /// Waits for a checkpoint under way (there is nothing more to ask for).
    pub(super) fn finish(mut self) {
        self.stop();
    }
}

/// The checkpointer thread: a passive checkpoint for each request, until the writer is done.
fn checkpoint_loop(path: &Path, asked: Receiver<()>, busy: &AtomicBool) {
    let conn = match connect(path) {
        Ok(conn) => conn,
        Err(error) => {
            tracing::warn!(%error, "cannot open the history to checkpoint it");
            return;
        }
    };
    while asked.recv().is_ok() {
        passive_checkpoint(&conn);
        busy.store(false, Ordering::Release);
    }
}

/// Copies what it can of the log into the database without waiting for anyone. Busy (another
/// connection is checkpointing) or short of the end (a reader holds an older snapshot): the next
/// request, or the last connection's close, does the rest.
fn passive_checkpoint(conn: &Connection) {
    // Its row (busy, log pages, pages copied) says how far it got; nothing here needs it.
    if let Err(error) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
        tracing::debug!(%error, "a checkpoint of the history did not run");
    }
}
