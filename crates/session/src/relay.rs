//! What a run sends on its way: its events to the recorder and every subscriber, and its
//! messages, as each completes, to the recorder. A run in a new conversation starts before its
//! recorder exists; what it sends meanwhile waits, in order, for the recorder.

use telltale_history::Recorder;
use telltale_protocol::{Event, Message};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::error::SessionError;
use crate::run_log::RunLog;

/// One thing a run sent.
#[derive(Clone)]
pub(crate) enum Item {
    Event(Event),
    Message(Message),
}

/// The run's two channels, read as one.
pub(crate) struct RunOutput {
    pub events: UnboundedReceiver<Event>,
    pub messages: UnboundedReceiver<Message>,
}

impl RunOutput {
    /// What the run sent next; `None` once it has ended. A message that waits goes before an
    /// event that waits: the agent sends a step's message before the events after it (its
    /// `run_finished` among them), so the history never has a run finished without its answer.
    pub(crate) async fn next(&mut self) -> Option<Item> {
        tokio::select! {
            biased;
            Some(message) = self.messages.recv() => Some(Item::Message(message)),
            Some(event) = self.events.recv() => Some(Item::Event(event)),
            else => None,
        }
    }
}

/// Hands `item` to the recorder.
pub(crate) fn record(recorder: &Recorder, item: &Item) {
    match item {
        Item::Event(event) => recorder.record(event),
        Item::Message(message) => recorder.record_message(message),
    }
}

/// Hands an event on to the subscribers.
fn publish(log: &RunLog, item: Item) {
    if let Item::Event(event) = item {
        log.publish(event);
    }
}

/// Relays a run whose recorder exists from the start (or that records nothing).
pub(crate) async fn relay(output: &mut RunOutput, recorder: Option<&Recorder>, log: &RunLog) {
    while let Some(item) = output.next().await {
        if let Some(recorder) = recorder {
            record(recorder, &item);
        }
        publish(log, item);
    }
}

/// Relays a new conversation's run as it comes, to its recorder once `setup` has made it (what
/// came meanwhile first, in order). If the history cannot be opened, the run is stopped: a
/// front end asked for it to be saved. Returns the recorder to finish, or why there is none.
pub(crate) async fn relay_into_new(
    output: &mut RunOutput,
    mut setup: Option<JoinHandle<Result<Recorder, SessionError>>>,
    log: &RunLog,
    cancel: &CancellationToken,
) -> (Option<Recorder>, Option<String>) {
    let mut waiting: Vec<Item> = Vec::new();
    let mut recorder: Option<Recorder> = None;
    let mut error = None;
    loop {
        tokio::select! {
            biased;
            made = wait_for(&mut setup) => {
                setup = None;
                match made {
                    Ok(made) => recorder = Some(made),
                    Err(reason) => {
                        error = Some(reason);
                        cancel.cancel();
                    }
                }
                if let Some(recorder) = &recorder {
                    waiting.iter().for_each(|item| record(recorder, item));
                }
                waiting = Vec::new();
            }
            item = output.next() => {
                let Some(item) = item else { break };
                match &recorder {
                    Some(recorder) => record(recorder, &item),
                    None if setup.is_some() => waiting.push(item.clone()),
                    None => {}
                }
                publish(log, item);
            }
        }
    }
    // The run ended before the history was ready (a fast answer): everything waited for it.
    if setup.is_some() {
        match wait_for(&mut setup).await {
            Ok(made) => {
                waiting.iter().for_each(|item| record(&made, item));
                recorder = Some(made);
            }
            Err(reason) => error = Some(reason),
        }
    }
    (recorder, error)
}

/// The recorder `setup` makes; pending forever when there is none (a disabled select branch).
async fn wait_for(
    setup: &mut Option<JoinHandle<Result<Recorder, SessionError>>>,
) -> Result<Recorder, String> {
    match setup {
        Some(handle) => match handle.await {
            Ok(made) => made.map_err(|e| e.to_string()),
            Err(error) => Err(format!("the history set-up failed: {error}")),
        },
        None => std::future::pending().await,
    }
}
