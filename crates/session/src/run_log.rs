//! One run's events, kept while it is in progress and handed to every subscriber: a front end
//! that joins late (a second window, an HTTP client that reconnects) first gets what it missed
//! from the `seq` it asks for, then every event as it comes, in order, with nothing twice.
//!
//! Two kinds of subscriber: the front end that starts a run gets a channel ([`RunLog::subscribe`])
//! it drains at once; anyone else gets a [`RunReader`], a cursor into the kept events that reads
//! them by position when it is ready, so a reader that stops reading (a stalled HTTP client)
//! holds no queue of its own and never grows with the run.

use std::sync::{Arc, Mutex, MutexGuard};

use telltale_history::CommitHook;
use telltale_protocol::Event;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::sync::{watch, Notify};

/// What [`RunLog::saved`] reads once nothing more will be saved, or nothing needs waiting for
/// (the run is not recorded, its recording failed, or the run has ended).
pub const NOTHING_TO_WAIT_FOR: u64 = u64::MAX;

pub struct RunLog {
    inner: Mutex<Inner>,
    /// How many of the run's events the history has committed (every `seq` below it).
    saved: Arc<watch::Sender<u64>>,
    /// Wakes the [`RunReader`]s waiting for an event (or for the end).
    published: Notify,
}

impl Default for RunLog {
    fn default() -> Self {
        RunLog {
            inner: Mutex::default(),
            saved: Arc::new(watch::Sender::new(0)),
            published: Notify::new(),
        }
    }
}

#[derive(Default)]
struct Inner {
    /// Every event so far, in `seq` order.
    events: Vec<Event>,
    subscribers: Vec<Subscriber>,
    /// The run has ended: no more events, and new subscribers get only what is kept.
    closed: bool,
}

/// A channel that gets the events its `wants` picks (every one, for a front end's stream).
struct Subscriber {
    tx: UnboundedSender<Event>,
    wants: fn(&Event) -> bool,
}

impl Subscriber {
    /// Sends `event` if it is wanted; false once the receiver has gone.
    fn offer(&self, event: &Event) -> bool {
        if (self.wants)(event) {
            self.tx.send(event.clone()).is_ok()
        } else {
            !self.tx.is_closed()
        }
    }
}

fn every(_: &Event) -> bool {
    true
}

impl RunLog {
    pub fn new() -> RunLog {
        RunLog::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps `event` and hands it to every subscriber still listening.
    pub fn publish(&self, event: Event) {
        let mut inner = self.lock();
        inner.subscribers.retain(|subscriber| subscriber.offer(&event));
        inner.events.push(event);
        drop(inner);
        self.published.notify_waiters();
    }

    /// A reader of the run's events from `from_seq` on: those already kept, then the rest as
    /// they come, read from the log itself when the reader asks (nothing is queued for it).
    pub fn reader(self: &Arc<Self>, from_seq: u64) -> RunReader {
        let next = self.lock().events.partition_point(|event| event.seq < from_seq);
        RunReader { log: self.clone(), next }
    }

    /// The run's events from `from_seq` on: those already streamed at once, then the rest as
    /// they come. The receiver ends when the run has ended.
    pub fn subscribe(&self, from_seq: u64) -> UnboundedReceiver<Event> {
        self.subscribe_where(from_seq, every)
    }

    /// Like [`subscribe`](Self::subscribe), but only the events `wants` picks: a listener for
    /// one kind of event (the CLI's approvals) is neither woken nor handed a copy for each of
    /// the others (every token of the answer).
    pub fn subscribe_where(
        &self,
        from_seq: u64,
        wants: fn(&Event) -> bool,
    ) -> UnboundedReceiver<Event> {
        let (tx, rx) = unbounded_channel();
        let mut inner = self.lock();
        let start = inner.events.partition_point(|event| event.seq < from_seq);
        for event in inner.events[start..].iter().filter(|event| wants(event)) {
            // The receiver is in hand: sending cannot fail.
            let _ = tx.send(event.clone());
        }
        if !inner.closed {
            inner.subscribers.push(Subscriber { tx, wants });
        }
        rx
    }

    /// The run has ended: every subscriber's receiver ends once it has read what was sent.
    pub fn close(&self) {
        let mut inner = self.lock();
        inner.closed = true;
        inner.subscribers.clear();
        drop(inner);
        self.published.notify_waiters();
        self.stop_waiting();
    }

    /// How many of the run's events are in the history: every event whose `seq` is below the
    /// value ([`NOTHING_TO_WAIT_FOR`] once there is nothing more to wait for). A front end that
    /// must never show what a crash would lose (the CLI's output) waits for it.
    pub fn saved(&self) -> watch::Receiver<u64> {
        self.saved.subscribe()
    }

    /// Tells [`saved`](Self::saved) readers after each write the recorder committed.
    pub(crate) fn commit_hook(&self) -> CommitHook {
        let saved = self.saved.clone();
        Arc::new(move |through| {
            saved.send_if_modified(|now| {
                let grew = through > *now;
                *now = (*now).max(through);
                grew
            });
        })
    }

    /// Nothing more is saved, or needs to be: readers of [`saved`](Self::saved) stop waiting.
    pub(crate) fn stop_waiting(&self) {
        self.saved.send_replace(NOTHING_TO_WAIT_FOR);
    }

    /// How many subscribers the log holds: one whose receiver went away counts until the next
    /// event is published (which drops it).
    #[cfg(test)]
    pub fn subscriber_count(&self) -> usize {
        self.lock().subscribers.len()
    }
}

/// A cursor into a run's kept events: [`recv`](Self::recv) hands out the next one, waiting for
/// it while the run goes on, and `None` once the run has ended and everything was read. Its
/// memory is its position: however far behind it falls, the events stay in the one log.
pub struct RunReader {
    log: Arc<RunLog>,
    /// The position in the log of the next event to hand out.
    next: usize,
}

impl RunReader {
    /// The next event, or `None` once the run has ended and every event was read. Dropping the
    /// future before it is ready loses nothing: the reader moves on only when it hands one out.
    pub async fn recv(&mut self) -> Option<Event> {
        loop {
            // Registered before looking, so an event published in between still wakes it.
            let published = self.log.published.notified();
            tokio::pin!(published);
            published.as_mut().enable();
            {
                let inner = self.log.lock();
                if let Some(event) = inner.events.get(self.next) {
                    self.next += 1;
                    return Some(event.clone());
                }
                if inner.closed {
                    return None;
                }
            }
            published.await;
        }
    }
}

impl telltale_agent::batch::EventSource for RunReader {
    fn next_event(&mut self) -> impl std::future::Future<Output = Option<Event>> + Send {
        self.recv()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use telltale_protocol::EventKind;

    fn token(seq: u64) -> Event {
        Event {
            run_id: "r".into(),
            seq,
            t_ms: 0.0,
            kind: EventKind::Token { text: format!("{seq}") },
        }
    }

    fn drain(rx: &mut UnboundedReceiver<Event>) -> Vec<u64> {
        let mut seqs = Vec::new();
        while let Ok(event) = rx.try_recv() {
            seqs.push(event.seq);
        }
        seqs
    }

    #[test]
    fn a_late_subscriber_replays_from_its_seq_then_follows_live() {
        let log = RunLog::new();
        let mut early = log.subscribe(0);
        (0..5).for_each(|seq| log.publish(token(seq)));
        let mut late = log.subscribe(3);
        let mut whole = log.subscribe(0);
        (5..7).for_each(|seq| log.publish(token(seq)));
        assert_eq!(drain(&mut early), (0..7).collect::<Vec<_>>());
        assert_eq!(drain(&mut late), vec![3, 4, 5, 6]);
        assert_eq!(drain(&mut whole), (0..7).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn closing_ends_every_receiver_after_what_was_sent() {
        let log = RunLog::new();
        let mut rx = log.subscribe(0);
        log.publish(token(0));
        log.close();
        assert_eq!(rx.recv().await.map(|e| e.seq), Some(0));
        assert!(rx.recv().await.is_none(), "the receiver ends with the run");
        let mut after = log.subscribe(0);
        assert_eq!(after.recv().await.map(|e| e.seq), Some(0), "what was kept is replayed");
        assert!(after.recv().await.is_none());
    }

    #[tokio::test]
    async fn a_reader_reads_by_position_however_far_behind_it_is() {
        let log = Arc::new(RunLog::new());
        let mut from_start = log.reader(0);
        log.publish(token(0));
        let mut late = log.reader(1);
        let waiting = tokio::spawn(async move { late.recv().await.map(|event| event.seq) });
        (1..1000).for_each(|seq| log.publish(token(seq)));
        assert_eq!(waiting.await.unwrap(), Some(1), "woken by the event it waited for");
        assert_eq!(log.subscriber_count(), 0, "readers are not subscribers: nothing queues");
        log.close();
        let mut seqs = Vec::new();
        while let Some(event) = from_start.recv().await {
            seqs.push(event.seq);
        }
        assert_eq!(seqs, (0..1000).collect::<Vec<_>>());
        assert!(log.reader(5).recv().await.is_some_and(|event| event.seq == 5));
    }

    #[tokio::test]
    async fn a_reader_forwarded_in_batches_hands_on_every_event_in_order() {
        let log = Arc::new(RunLog::new());
        let (sent, mut out) = unbounded_channel();
        // A short gap, so the forwarder often gives up waiting for the next event mid-read.
        let gap = std::time::Duration::from_millis(1);
        let forward = tokio::spawn(telltale_agent::batch::forward_batched(
            log.reader(0),
            telltale_agent::batch::Pacing::fixed(gap),
            move |batch| {
                let _ = sent.send(batch.iter().map(|event| event.seq).collect::<Vec<_>>());
            },
        ));
        for seq in 0..500 {
            log.publish(token(seq));
            if seq % 50 == 0 {
                tokio::time::sleep(gap * 2).await;
            }
        }
        log.close();
        forward.await.unwrap();
        let seqs: Vec<u64> = std::iter::from_fn(|| out.try_recv().ok()).flatten().collect();
        assert_eq!(seqs, (0..500).collect::<Vec<_>>(), "nothing lost, repeated or reordered");
    }

    #[tokio::test]
    async fn a_subscriber_for_some_events_gets_only_those_kept_and_to_come() {
        let log = RunLog::new();
        let even = |event: &Event| event.seq.is_multiple_of(2);
        (0..5).for_each(|seq| log.publish(token(seq)));
        let mut rx = log.subscribe_where(1, even);
        let gone = log.subscribe_where(0, even);
        drop(gone);
        (5..9).for_each(|seq| log.publish(token(seq)));
        assert_eq!(drain(&mut rx), vec![2, 4, 6, 8]);
        assert_eq!(log.subscriber_count(), 1, "one that went away is dropped by the next event");
        log.close();
        assert!(rx.recv().await.is_none(), "the receiver ends with the run");
    }

    #[test]
    fn a_subscriber_that_went_away_is_dropped() {
        let log = RunLog::new();
        let rx = log.subscribe(0);
        let _kept = log.subscribe(0);
        drop(rx);
        log.publish(token(0));
        assert_eq!(log.subscriber_count(), 1);
    }

    #[test]
    fn saved_only_grows_and_reads_nothing_to_wait_for_once_closed() {
        let log = RunLog::new();
        let saved = log.saved();
        let hook = log.commit_hook();
        assert_eq!(*saved.borrow(), 0);
        hook(3);
        hook(2); // a late report of an earlier write never takes it back
        assert_eq!(*saved.borrow(), 3);
        log.close();
        assert_eq!(*saved.borrow(), NOTHING_TO_WAIT_FOR);
    }
}
