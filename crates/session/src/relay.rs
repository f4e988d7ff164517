//! What a run sends on its way: its events to the recorder and every subscriber, and its
//! messages, as each completes, to the recorder. A run in a new conversation starts before its
//! recorder exists; what it sends meanwhile waits, in order, for the recorder. A recorded run's
//! `run_finished` is kept back until the history has the run (see `recording::publish_end`).
//! A recorder that writes inline writes a burst in one commit, and its events are published
//! once written (see `relay_batch`).

use std::time::{Duration, Instant};

use telltale_agent::RunControls;
use telltale_history::Recorder;
use telltale_protocol::{ErrorCode, Event, EventKind, Message};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;

use crate::error::SessionError;
use crate::recording::history_failure;
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

    /// What the run sent next if it is already waiting (in [`next`](Self::next)'s order).
    fn try_next(&mut self) -> Option<Item> {
        match self.messages.try_recv() {
            Ok(message) => Some(Item::Message(message)),
            Err(_) => self.events.try_recv().ok().map(Item::Event),
        }
    }

    /// `first`, then everything already waiting after it (at most [`DRAINED`] items).
    fn drain(&mut self, first: Item) -> impl Iterator<Item = Item> + '_ {
        std::iter::once(first).chain(std::iter::from_fn(|| self.try_next()).take(DRAINED - 1))
    }
}

/// Most items relayed at once (a bound on how long the first of a burst waits for its write).
const DRAINED: usize = 1024;

/// Turns of the scheduler in a row that bring nothing before an inline recorder writes: the
/// relay shares its task with the run, polled in turn (either may go first), so only after two
/// turns has the run certainly had its chance to decode what has arrived since the first.
const QUIET_TURNS: usize = 2;

/// The longest the first item of a burst waits for the items after it before an inline recorder
/// writes them all (a bound on the latency batching adds).
const LONGEST_BATCH: Duration = Duration::from_millis(1);

/// Relays `first` and whatever already waits after it: each is recorded (`record_one`), then
/// published (`publish_one`). With a recorder that writes inline, it then lets the run go on a
/// turn of the scheduler at a time, recording what it sent meanwhile, until [`QUIET_TURNS`]
/// turns bring nothing (or [`DRAINED`] items are recorded, or [`LONGEST_BATCH`] has passed),
/// writes them all in one commit, and only then publishes them: a subscriber is never woken
/// for an event it would have to wait for. At a model's pace that is two turns and one commit
/// per token; in a burst, which arrives an HTTP chunk per turn (the connection hands each over
/// from its own task), one commit per batch rather than per chunk.
async fn relay_batch(
    output: &mut RunOutput,
    first: Item,
    recorder: Option<&Recorder>,
    mut record_one: impl FnMut(&Item),
    mut publish_one: impl FnMut(Item),
) {
    let Some(recorder) = recorder.filter(|recorder| recorder.writes_inline()) else {
        for item in output.drain(first) {
            record_one(&item);
            publish_one(item);
        }
        return;
    };
    let mut held: Vec<Item> = Vec::new();
    let mut next = Some(first);
    let (mut quiet, started) = (0, Instant::now());
    loop {
        match next.take() {
            Some(first) => {
                for item in output.drain(first) {
                    record_one(&item);
                    held.push(item);
                }
                quiet = 0;
            }
            None => quiet += 1,
        }
        if quiet >= QUIET_TURNS || held.len() >= DRAINED || started.elapsed() >= LONGEST_BATCH {
            break;
        }
        tokio::task::yield_now().await;
        next = output.try_next();
    }
    recorder.flush();
    held.into_iter().for_each(publish_one);
}

/// Hands `item` to the recorder.
pub(crate) fn record(recorder: &Recorder, item: &Item) {
    match item {
        Item::Event(event) => recorder.record(event),
        Item::Message(message) => recorder.record_message(message),
    }
}

/// How a relayed run ended: its `run_finished` when it was kept back (the run is recorded), and
/// whether the run itself said that the history failed.
#[derive(Default)]
pub(crate) struct Ending {
    pub held: Option<Event>,
    pub told: bool,
}

impl Ending {
    /// Hands an event on to the subscribers, or keeps it when it is a recorded run's last.
    fn publish(&mut self, log: &RunLog, item: Item, recorded: bool) {
        let Item::Event(event) = item else { return };
        match &event.kind {
            EventKind::RunFinished { .. } if recorded => {
                self.held = Some(event);
                return;
            }
            EventKind::Error { code: ErrorCode::HistoryUnavailable, .. } => self.told = true,
            _ => {}
        }
        log.publish(event);
    }
}

/// Relays a run whose recorder exists from the start (or that records nothing).
pub(crate) async fn relay(
    output: &mut RunOutput,
    recorder: Option<&Recorder>,
    log: &RunLog,
) -> Ending {
    let mut ending = Ending::default();
    while let Some(first) = output.next().await {
        let record_one = |item: &Item| {
            if let Some(recorder) = recorder {
                record(recorder, item);
            }
        };
        let publish_one = |item| ending.publish(log, item, recorder.is_some());
        relay_batch(output, first, recorder, record_one, publish_one).await;
    }
    ending
}

/// Relays a new conversation's run as it comes, to its recorder once `setup` has made it (what
/// came meanwhile first, in order). If the history cannot be opened, the run is stopped with
/// a `history_unavailable` error: a front end asked for it to be saved. Returns the recorder to
/// finish, or why there is none, and how the run ended.
pub(crate) async fn relay_into_new(
    output: &mut RunOutput,
    mut setup: Option<JoinHandle<Result<Recorder, SessionError>>>,
    log: &RunLog,
    controls: &RunControls,
) -> (Option<Recorder>, Option<String>, Ending) {
    let recorded = setup.is_some();
    let mut ending = Ending::default();
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
                        log.stop_waiting();
                        controls.fail(history_failure(&reason));
                        error = Some(reason);
                    }
                }
                if let Some(recorder) = &recorder {
                    waiting.iter().for_each(|item| record(recorder, item));
                    recorder.flush();
                }
                waiting = Vec::new();
            }
            item = output.next() => {
                let Some(first) = item else { break };
                let record_one = |item: &Item| match &recorder {
                    Some(recorder) => record(recorder, item),
                    None if setup.is_some() => waiting.push(item.clone()),
                    None => {}
                };
                let publish_one = |item| ending.publish(log, item, recorded);
                relay_batch(output, first, recorder.as_ref(), record_one, publish_one).await;
            }
        }
    }
    // The run ended before the history was ready (a fast answer): everything waited for it.
    if setup.is_some() {
        match wait_for(&mut setup).await {
            Ok(made) => {
                waiting.iter().for_each(|item| record(&made, item));
                made.flush();
                recorder = Some(made);
            }
            Err(reason) => error = Some(reason),
        }
    }
    (recorder, error, ending)
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
