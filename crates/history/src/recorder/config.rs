//! How a recorder writes (its config: the commit gap, the retries, the hooks, inline or on a
//! thread) and what it reports having done (its stats).

use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;

/// Told, on the writer's thread, that the run's history could not be written even after
/// retrying (see [`RecorderConfig::on_failure`]).
pub type FailureHook = Arc<dyn Fn(&Error) + Send + Sync>;

/// Told, after each write that committed events, how many of the run's events are saved: every
/// event whose `seq` is below the number (see [`RecorderConfig::on_commit`]).
pub type CommitHook = Arc<dyn Fn(u64) + Send + Sync>;

/// How long the writer waits before each new attempt at a write that failed: a busy disk or a
/// moment without space often passes in this time (about half a second in all).
pub const RETRY_DELAYS: &[Duration] =
    &[Duration::from_millis(25), Duration::from_millis(100), Duration::from_millis(400)];

/// How the writer groups events into transactions, and what it does when a write fails.
#[derive(Clone)]
pub struct RecorderConfig {
    /// The least time from the end of one commit to the start of the next: what arrives
    /// meanwhile is written together once it is over, while an event that comes after a quiet
    /// spell at least this long is written at once. A fast stream then costs one commit per gap
    /// rather than one per event (each a log append and a wake-up of the writer). Zero: every
    /// commit as soon as there is something to write (what a front end that shows an event only
    /// once it is saved wants).
    pub commit_gap: Duration,
    /// The waits before each new attempt at a failed write ([`RETRY_DELAYS`] by default). When
    /// every attempt failed, what it held is not dropped: it goes first into the next write, so
    /// the run's events never have a gap (a `seq` missing would make its export unreadable).
    pub retry_delays: &'static [Duration],
    /// Called once per run, the first time a write failed after all its attempts (the session
    /// stops the run and says why).
    pub on_failure: Option<FailureHook>,
    /// Called after each write that committed events, with the `seq` after the last one
    /// committed (a front end that must never show what a crash could lose waits for it).
    pub on_commit: Option<CommitHook>,
    /// Write on the caller's thread, at each [`flush`](super::Recorder::flush), instead of on
    /// a writer thread: [`record`](super::Recorder::record) only queues. For a front end that
    /// shows an event only once it is saved and has nothing else to do meanwhile (the CLI): no
    /// hand-over to a thread and back for each event. `flush` then blocks for the write: a
    /// commit (an append to the log, no sync), or, when a write fails, the retries' waits too.
    /// `commit_gap` is not used.
    pub inline: bool,
}

impl Default for RecorderConfig {
    fn default() -> Self {
        RecorderConfig {
            commit_gap: Duration::ZERO,
            retry_delays: RETRY_DELAYS,
            on_failure: None,
            on_commit: None,
            inline: false,
        }
    }
}

impl std::fmt::Debug for RecorderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecorderConfig")
            .field("commit_gap", &self.commit_gap)
            .field("retry_delays", &self.retry_delays)
            .field("on_failure", &self.on_failure.is_some())
            .field("on_commit", &self.on_commit.is_some())
            .field("inline", &self.inline)
            .finish()
    }
}

/// What the writer did, for measuring.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecorderStats {
    pub events: usize,
    /// Write attempts that failed (and were tried again, or left for the next write).
    pub failed_writes: usize,
    pub transactions: usize,
    pub max_events_per_transaction: usize,
    pub total_write: Duration,
    pub max_write: Duration,
}
