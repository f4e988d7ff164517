//! Stamps events with their run id, sequence number and time, and hands them to the watcher.

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

use telltale_protocol::{Event, EventKind};
use tokio::sync::mpsc::UnboundedSender;

/// Emits the events of one run, in order, with `seq` 0, 1, 2, … and `t_ms` since the start.
///
/// Cloning is cheap; every clone shares the same sequence, so events from concurrent tool calls
/// still get distinct, gap-free numbers in the order they were sent.
#[derive(Clone)]
pub struct Emitter {
    inner: Arc<Inner>,
}

struct Inner {
    run_id: String,
    started: Instant,
    started_at_ms: u64,
    state: Mutex<State>,
    tx: UnboundedSender<Event>,
}

struct State {
    next_seq: u64,
    last_sent: Instant,
    /// What the run waits on now, named in keep-alive pings.
    waiting_for: Option<String>,
    first_token_ms: Option<f64>,
    finished: bool,
}

impl Emitter {
    pub fn new(run_id: impl Into<String>, tx: UnboundedSender<Event>) -> Self {
        let started_at_ms =
            SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
        Emitter::starting(run_id.into(), tx, Instant::now(), started_at_ms, 0)
    }

    /// An emitter that goes on with a run begun earlier (continued after a stop, an error or a
    /// crash): its first event gets `next_seq`, and `t_ms` counts from the run's start at
    /// `started_at_ms` (Unix epoch milliseconds), as its earlier events did.
    pub fn resume(
        run_id: impl Into<String>,
        tx: UnboundedSender<Event>,
        next_seq: u64,
        started_at_ms: u64,
    ) -> Self {
        let now_ms =
            SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
        let elapsed = std::time::Duration::from_millis(now_ms.saturating_sub(started_at_ms));
        let now = Instant::now();
        let started = now.checked_sub(elapsed).unwrap_or(now);
        Emitter::starting(run_id.into(), tx, started, started_at_ms, next_seq)
    }

    fn starting(
        run_id: String,
        tx: UnboundedSender<Event>,
        started: Instant,
        started_at_ms: u64,
        next_seq: u64,
    ) -> Self {
        Emitter {
            inner: Arc::new(Inner {
                run_id,
                started,
                started_at_ms,
                state: Mutex::new(State {
                    next_seq,
                    last_sent: Instant::now(),
                    waiting_for: None,
                    first_token_ms: None,
                    finished: false,
                }),
                tx,
            }),
        }
    }

    pub fn run_id(&self) -> &str {
        &self.inner.run_id
    }

    /// Unix epoch milliseconds at which the run started.
    pub fn started_at_ms(&self) -> u64 {
        self.inner.started_at_ms
    }

    /// Sends one event. After `run_finished` nothing more is sent: it is always the last.
    pub fn emit(&self, kind: EventKind) {
        let mut state = self.lock();
        if state.finished {
            return;
        }
        let now = Instant::now();
        let t_ms = now.duration_since(self.inner.started).as_micros() as f64 / 1000.0;
        match &kind {
            EventKind::Token { .. } if state.first_token_ms.is_none() => {
                state.first_token_ms = Some(t_ms)
            }
            EventKind::RunFinished { .. } => state.finished = true,
            _ => {}
        }
        let event = Event { run_id: self.inner.run_id.clone(), seq: state.next_seq, t_ms, kind };
        state.next_seq += 1;
        state.last_sent = now;
        // The watcher may have gone away (window closed); the run still finishes cleanly.
        let _ = self.inner.tx.send(event);
    }

    /// Names what the run is waiting on; pings carry it until it changes.
    pub fn set_waiting_for(&self, what: Option<String>) {
        self.lock().waiting_for = what;
    }

    /// Milliseconds from the start to the first `token`, if one was sent.
    pub fn first_token_ms(&self) -> Option<f64> {
        self.lock().first_token_ms
    }

    pub fn is_finished(&self) -> bool {
        self.lock().finished
    }

    /// Sends a ping if nothing was sent for `interval`; returns when the next one may be due.
    pub(crate) fn ping_if_silent(&self, interval: std::time::Duration) -> Instant {
        let (due, waiting_for) = {
            let state = self.lock();
            (state.last_sent + interval, state.waiting_for.clone())
        };
        if Instant::now() >= due {
            self.emit(EventKind::Ping { waiting_for });
            return Instant::now() + interval;
        }
        due
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state inconsistent (plain fields).
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::mpsc::unbounded_channel;

    #[test]
    fn numbers_events_without_gaps_and_stops_after_run_finished() {
        let (tx, mut rx) = unbounded_channel();
        let emitter = Emitter::new("r1", tx);
        let clone = emitter.clone();
        emitter.emit(EventKind::Thought { text: "a".into() });
        clone.emit(EventKind::Token { text: "b".into() });
        emitter.emit(EventKind::RunFinished {
            reason: telltale_protocol::FinishReason::Completed,
            usage: None,
            ttft_ms: None,
            cost_usd: None,
        });
        emitter.emit(EventKind::Token { text: "late".into() });
        let mut seqs = vec![];
        let mut last_t = 0.0;
        while let Ok(event) = rx.try_recv() {
            assert_eq!(event.run_id, "r1");
            assert!(event.t_ms >= last_t);
            last_t = event.t_ms;
            seqs.push(event.seq);
        }
        assert_eq!(seqs, vec![0, 1, 2]);
        assert!(emitter.first_token_ms().is_some());
        assert!(emitter.is_finished());
    }
}
