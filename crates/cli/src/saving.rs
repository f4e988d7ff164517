//! Where `telltale run` saves the run: nowhere (`--no-save`), a recorder made before the run
//! (continuing a conversation: its messages are needed for the request anyway), or one made on
//! a thread of its own once the request is on its way, so that opening the history never delays
//! the first token. Events that come before that recorder is ready wait in memory for it.

use anyhow::{Context, Result};
use telltale_history::{RecordBatch, Recorder};
use tokio::sync::oneshot;

/// A recorder and the conversation it records into.
pub struct Saver {
    pub recorder: Recorder,
    pub conversation_id: String,
}

pub enum Saving {
    Off,
    Ready(Saver),
    /// To be set up in a new conversation once the first events are out (see
    /// [`start`](Self::start)); `waiting` holds the events until then.
    Deferred {
        title: String,
        run_id: String,
        prompt: String,
        waiting: RecordBatch,
    },
    /// Being set up; `waiting` holds the events that came meanwhile, in order.
    Pending {
        setup: oneshot::Receiver<Result<Saver>>,
        waiting: RecordBatch,
    },
}

impl Saving {
    /// Records run `run_id` in a new conversation, set up when [`start`](Self::start) is called.
    pub fn in_new_conversation(title: String, run_id: String, prompt: String) -> Saving {
        Saving::Deferred { title, run_id, prompt, waiting: RecordBatch::new() }
    }

    /// Starts setting up a deferred recorder on a thread of its own. The caller does this once
    /// the run's first events are printed and the request is on its way: the new thread then
    /// runs while the process waits for the provider, instead of beside the work of starting.
    pub fn start(&mut self) {
        if let Saving::Deferred { title, run_id, prompt, waiting } = self {
            let waiting = std::mem::take(waiting);
            let setup = Self::spawn_setup(
                std::mem::take(title),
                std::mem::take(run_id),
                std::mem::take(prompt),
            );
            *self = Saving::Pending { setup, waiting };
        }
    }

    /// Opens the history and starts recording run `run_id` in a new conversation, on its own
    /// thread.
    fn spawn_setup(
        title: String,
        run_id: String,
        prompt: String,
    ) -> oneshot::Receiver<Result<Saver>> {
        let (tx, setup) = oneshot::channel();
        let spawned =
            std::thread::Builder::new().name("telltale-history-setup".into()).spawn(move || {
                let saver = (|| {
                    let history = crate::history::open()?;
                    let conversation_id = history.create_conversation(&title)?.id;
                    let recorder = history.into_recorder(&conversation_id, &run_id, &prompt)?;
                    Ok(Saver { recorder, conversation_id })
                })();
                // The run may have ended without waiting (the receiver gone): the recorder then
                // drops here, which writes what it has.
                let _ = tx.send(saver);
            });
        match spawned {
            Ok(_) => setup,
            Err(error) => {
                let (tx, setup) = oneshot::channel();
                let _ = tx.send(Err(error).context("cannot start a thread to open the history"));
                setup
            }
        }
    }

    /// Whether events go to a recorder (now or once it is ready).
    pub fn is_on(&self) -> bool {
        !matches!(self, Saving::Off)
    }

    pub fn is_pending(&self) -> bool {
        matches!(self, Saving::Pending { .. })
    }

    /// Hands `batch` to the recorder, or keeps it until the recorder is ready.
    pub fn record(&mut self, batch: RecordBatch) {
        match self {
            Saving::Off => {}
            Saving::Ready(saver) => saver.recorder.record_batch(batch),
            Saving::Deferred { waiting, .. } | Saving::Pending { waiting, .. } => {
                waiting.append(batch)
            }
        }
    }

    /// Waits for the set-up (call only while [`is_pending`](Self::is_pending)), hands the events
    /// that waited to the recorder, and returns the conversation's id; or the reason the history
    /// could not be opened (saving is then off).
    pub async fn ready(&mut self) -> Result<String> {
        let Saving::Pending { setup, waiting } = self else {
            anyhow::bail!("the history is not being set up");
        };
        let outcome =
            setup.await.context("the history set-up thread failed").and_then(|saver| saver);
        let waiting = std::mem::take(waiting);
        match outcome {
            Ok(saver) => {
                saver.recorder.record_batch(waiting);
                let id = saver.conversation_id.clone();
                *self = Saving::Ready(saver);
                Ok(id)
            }
            Err(error) => {
                *self = Saving::Off;
                Err(error)
            }
        }
    }

    /// The recorder, to finish once the run has ended.
    pub fn into_recorder(self) -> Option<Recorder> {
        match self {
            Saving::Ready(saver) => Some(saver.recorder),
            _ => None,
        }
    }
}
