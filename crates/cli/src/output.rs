//! The output side of `telltale run`: prints the run's events as they come, as JSON lines or the
//! live view. (The session records them.)
//!
//! Whatever has queued up is handled as one batch: one write to stdout. At a model's pace a
//! batch is one event (printed at once); in a burst it is many, so the cost per event stays
//! small. A saved run's batch is printed once the history has it: nothing printed is lost if
//! the process is killed a moment later.

use std::io::{IsTerminal, Write};

use anyhow::{Context, Result};
use telltale_protocol::Event;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::watch;

use crate::live_view::LiveView;

/// Most events handled as one batch (a bound on the memory a burst takes).
const BATCH: usize = 1024;

/// Prints every event from `rx` until the run has ended, each once `saved` says the history
/// has it.
pub async fn print_events(
    mut rx: UnboundedReceiver<Event>,
    mut saved: watch::Receiver<u64>,
    json: bool,
) -> Result<()> {
    let stdout = std::io::stdout();
    let mut view = LiveView::new(stdout.is_terminal());
    let mut events = Vec::with_capacity(BATCH);
    let mut buf = Vec::with_capacity(64 * 1024);
    loop {
        if rx.recv_many(&mut events, BATCH).await == 0 {
            break;
        }
        // Let the reader decode what has already arrived before printing: a burst then goes out
        // in one write instead of one per event. At a model's pace nothing more is waiting, and
        // this costs one turn of the scheduler.
        tokio::task::yield_now().await;
        while events.len() < BATCH {
            match rx.try_recv() {
                Ok(event) => events.push(event),
                Err(_) => break,
            }
        }
        if let Some(last) = events.last().map(|event| event.seq) {
            // An error means the run is over and its recording with it: nothing to wait for.
            let _ = saved.wait_for(|&through| through > last).await;
        }
        for event in events.drain(..) {
            if json {
                serde_json::to_writer(&mut buf, &event).context("cannot encode an event")?;
                buf.push(b'\n');
            } else {
                view.show(&mut buf, &event).context("cannot write to stdout")?;
            }
        }
        let mut out = stdout.lock();
        out.write_all(&buf).and_then(|_| out.flush()).context("cannot write to stdout")?;
        drop(out);
        buf.clear();
    }
    Ok(())
}
