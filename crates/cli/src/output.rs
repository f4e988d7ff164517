//! The output side of `telltale run`: takes the run's events as they come, hands them to the
//! recorder, and prints them (JSON lines or the live view).
//!
//! Whatever has queued up is handled as one batch: one hand-over to the recorder and one write
//! to stdout. At a model's pace a batch is one event (printed at once); in a burst it is many,
//! so the cost per event stays small. Each batch goes to the recorder right after it is
//! printed, so what a reader saw is saved but for what was in flight at a crash.

use std::io::{IsTerminal, Write};

use anyhow::{Context, Result};
use telltale_history::{RecordBatch, Recorder};
use telltale_protocol::Event;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_util::sync::CancellationToken;

use crate::live_view::LiveView;
use crate::saving::Saving;

/// Most events handled as one batch (a bound on the memory a burst takes).
const BATCH: usize = 1024;

/// How the run went on the output side.
pub struct Printed {
    /// The recorder to finish, when the run is saved.
    pub recorder: Option<Recorder>,
    /// Why the history could not be opened (the run was then stopped).
    pub history_error: Option<anyhow::Error>,
}

/// Prints and records every event from `rx` until the run drops its sender. When the history
/// cannot be opened, `cancel` stops the run.
pub async fn print_events(
    mut rx: UnboundedReceiver<Event>,
    mut saving: Saving,
    json: bool,
    cancel: CancellationToken,
) -> Result<Printed> {
    let stdout = std::io::stdout();
    let mut view = LiveView::new(stdout.is_terminal());
    let mut events = Vec::with_capacity(BATCH);
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut history_error = None;
    loop {
        tokio::select! {
            biased;
            ready = saving.ready(), if saving.is_pending() => {
                match ready {
                    Ok(id) => announce(json, &id),
                    Err(error) => {
                        history_error = Some(error);
                        cancel.cancel();
                    }
                }
            }
            received = rx.recv_many(&mut events, BATCH) => {
                if received == 0 {
                    break;
                }
                // Let the reader decode what has already arrived before printing: a burst then
                // goes out in one write instead of one per event. At a model's pace nothing
                // more is waiting, and this costs one turn of the scheduler.
                tokio::task::yield_now().await;
                while events.len() < BATCH {
                    match rx.try_recv() {
                        Ok(event) => events.push(event),
                        Err(_) => break,
                    }
                }
                let mut batch = RecordBatch::new();
                for event in events.drain(..) {
                    if json {
                        write_json(&mut buf, &mut batch, saving.is_on(), &event)?;
                    } else {
                        view.show(&mut buf, &event).context("cannot write to stdout")?;
                        if saving.is_on() {
                            batch.push(&event).context("cannot record the run")?;
                        }
                    }
                }
                let mut out = stdout.lock();
                out.write_all(&buf).and_then(|_| out.flush()).context("cannot write to stdout")?;
                drop(out);
                buf.clear();
                // After the write: waking the recorder's thread first could let it take this
                // core (a transaction's worth of time) before the reader has the events.
                saving.record(batch);
                saving.start();
            }
        }
    }
    // The run ended before the history was ready (a fast answer): everything waited for it.
    saving.start();
    if saving.is_pending() {
        match saving.ready().await {
            Ok(id) => announce(json, &id),
            Err(error) => history_error = Some(error),
        }
    }
    Ok(Printed { recorder: saving.into_recorder(), history_error })
}

/// One event as a JSON line; its JSON also goes to the recorder (serialized once).
fn write_json(
    buf: &mut Vec<u8>,
    batch: &mut RecordBatch,
    saving: bool,
    event: &Event,
) -> Result<()> {
    if saving {
        let line = serde_json::to_string(event).context("cannot encode an event")?;
        buf.extend_from_slice(line.as_bytes());
        batch.push_json(event, line);
    } else {
        serde_json::to_writer(&mut *buf, event).context("cannot encode an event")?;
    }
    buf.push(b'\n');
    Ok(())
}

/// Says which conversation the run is saved in (stdout in JSON mode is the protocol only).
fn announce(json: bool, conversation_id: &str) {
    if !json {
        eprintln!("conversation {conversation_id}");
    }
}
