//! Batching for forwarders that pay per message (the webview's IPC): a token goes out at once when
//! nothing went out for a gap, else with the tokens that follow it a gap after the last send;
//! anything else goes out at once (after the tokens before it). At a model's pace every token is
//! sent as it comes (no added wait); at thousands of tokens a second the window gets at most one
//! message per gap, well within what its IPC takes (~7,000 messages a second). The gap is short
//! while tokens come at up to a few thousand a second and longer beyond (`Pacing`).

use std::future::Future;
use std::time::Duration;

use telltale_protocol::{Event, EventKind};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

/// What a forwarder reads a run's events from: the channel of the front end that started the
/// run, or a reader of the run's log that joined later (the session's `RunReader`).
pub trait EventSource: Send {
    /// The next event, or `None` once there are no more. Dropping the future before it is ready
    /// must lose no event: the forwarder waits for it with a deadline.
    fn next_event(&mut self) -> impl Future<Output = Option<Event>> + Send;
}

impl EventSource for UnboundedReceiver<Event> {
    fn next_event(&mut self) -> impl Future<Output = Option<Event>> + Send {
        self.recv()
    }
}

/// How often a forwarder sends tokens: at most one message per `gap`, or per `busy_gap` while
/// they come at `busy_per_second` or faster (measured over the last message: its events over the
/// time since the message before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    pub gap: Duration,
    pub busy_gap: Duration,
    pub busy_per_second: u32,
}

impl Pacing {
    /// One gap, whatever the stream's pace.
    pub const fn fixed(gap: Duration) -> Pacing {
        Pacing { gap, busy_gap: gap, busy_per_second: u32::MAX }
    }

    /// The gap after a message of `events` events sent `since` after the message before it. The
    /// pace is counted over at least `gap`: an event sent at once right after a message (a status
    /// after a token) is not a fast stream.
    fn gap_after(&self, events: usize, since: Duration) -> Duration {
        // events / over ≥ busy_per_second, without dividing.
        let over = since.max(self.gap).as_secs_f64();
        let busy = events as f64 >= f64::from(self.busy_per_second) * over;
        if busy {
            self.busy_gap
        } else {
            self.gap
        }
    }
}

/// The window's pacing. A token is painted at the first frame after it reaches the page, so any
/// wait here can make it miss a frame: at up to 2,500 tokens a second a message goes out at most
/// every millisecond (one token, or two), which at 1,000 tokens a second took the tokens painted
/// more than 20 ms after the server sent them from 1.4–4.9 % to 0.1–1.3 % (p99 20–22.5 →
/// 17.7–20.7 ms in the real window, docs/benchmarks.md). Faster streams get at most one message
/// per 4 ms, a quarter of a 60 Hz frame: each message costs the window's main thread and
/// WebKit's, and a frame's worth of tokens still arrives in a few messages, all applied before
/// the next paint.
pub const WINDOW_PACING: Pacing = Pacing {
    gap: Duration::from_millis(1),
    busy_gap: Duration::from_millis(4),
    busy_per_second: 2_500,
};

/// When the next message may go out: `gap` after the last one, the gap set by that message.
struct Pacer {
    pacing: Pacing,
    last: Option<Instant>,
    gap: Duration,
}

impl Pacer {
    fn new(pacing: Pacing) -> Pacer {
        Pacer { pacing, last: None, gap: pacing.gap }
    }

    fn due(&self) -> bool {
        self.last.is_none_or(|t| t.elapsed() >= self.gap)
    }

    fn deadline(&self) -> Instant {
        self.last.map_or_else(Instant::now, |t| t + self.gap)
    }

    /// A message of `events` events goes out now.
    fn sending(&mut self, events: usize) {
        let now = Instant::now();
        self.gap = match self.last {
            Some(before) => self.pacing.gap_after(events, now - before),
            None => self.pacing.gap,
        };
        self.last = Some(now);
    }
}

/// Reads `events` until they end and calls `send` with batches in order, paced by `pacing`.
pub async fn forward_batched<F>(mut events: impl EventSource, pacing: Pacing, mut send: F)
where
    F: FnMut(Vec<Event>),
{
    let mut batch: Vec<Event> = Vec::new();
    let mut pacer = Pacer::new(pacing);
    loop {
        let next = if batch.is_empty() {
            events.next_event().await
        } else {
            match tokio::time::timeout_at(pacer.deadline(), events.next_event()).await {
                Ok(next) => next,
                Err(_) => {
                    pacer.sending(batch.len());
                    send(std::mem::take(&mut batch));
                    continue;
                }
            }
        };
        let Some(event) = next else { break };
        let urgent = !matches!(event.kind, EventKind::Token { .. });
        batch.push(event);
        if urgent || pacer.due() {
            pacer.sending(batch.len());
            send(std::mem::take(&mut batch));
        }
    }
    if !batch.is_empty() {
        send(batch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::mpsc::unbounded_channel;

    fn event(seq: u64, kind: EventKind) -> Event {
        Event { run_id: "r".into(), seq, t_ms: 0.0, kind }
    }
    fn token(seq: u64) -> Event {
        event(seq, EventKind::Token { text: format!("t{seq} ") })
    }

    /// A forwarder batching with a gap, and what it sent: each batch's time and seqs.
    struct Recorded {
        tx: tokio::sync::mpsc::UnboundedSender<Event>,
        forward: tokio::task::JoinHandle<()>,
        out: UnboundedReceiver<(Instant, Vec<u64>)>,
    }

    impl Recorded {
        fn start(pacing: Pacing) -> Recorded {
            let (tx, rx) = unbounded_channel();
            let (out_tx, out) = unbounded_channel();
            let forward = tokio::spawn(forward_batched(rx, pacing, move |batch| {
                let _ = out_tx.send((Instant::now(), batch.iter().map(|e| e.seq).collect()));
            }));
            Recorded { tx, forward, out }
        }

        /// Ends the input; returns every batch that went out, in order.
        async fn finish(mut self) -> Vec<(Instant, Vec<u64>)> {
            drop(self.tx);
            self.forward.await.unwrap();
            std::iter::from_fn(|| self.out.try_recv().ok()).collect()
        }
    }

    /// A 60 Hz frame: the tests send tokens faster than this gap.
    const GAP: Duration = Duration::from_millis(16);

    #[tokio::test(start_paused = true)]
    async fn tokens_are_batched_per_gap_and_other_events_flush_at_once() {
        let recorded = Recorded::start(Pacing::fixed(GAP));
        let tx = &recorded.tx;
        let start = Instant::now();
        // 1 token then 9 more within the same gap; then a status; then tokens again.
        tx.send(token(0)).unwrap();
        tokio::task::yield_now().await;
        for seq in 1..10 {
            tx.send(token(seq)).unwrap();
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        tx.send(event(10, EventKind::Status { message: "x".into(), icon: None })).unwrap();
        tokio::task::yield_now().await;
        tx.send(token(11)).unwrap();
        tx.send(token(12)).unwrap();
        let batches = recorded.finish().await;
        let seqs: Vec<Vec<u64>> = batches.iter().map(|(_, s)| s.clone()).collect();
        assert_eq!(seqs, vec![vec![0], (1..=10).collect(), vec![11, 12]]);
        assert!(batches[1].0 - start < GAP, "the status flushed the pending tokens at once");
        let all: Vec<u64> = seqs.concat();
        assert_eq!(all, (0..=12).collect::<Vec<_>>(), "nothing lost, duplicated or reordered");
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_token_run_goes_out_once_per_gap() {
        let recorded = Recorded::start(Pacing::fixed(GAP));
        // 1,000 tokens at 5,000 per second: 200 ms, about 13 gaps of 16 ms.
        for ms in 0..200 {
            for i in 0..5 {
                recorded.tx.send(token(ms * 5 + i)).unwrap();
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let sizes: Vec<usize> = recorded.finish().await.iter().map(|(_, s)| s.len()).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 1000);
        assert!(sizes.len() <= 200 / 16 + 3, "{} messages for 200 ms of tokens", sizes.len());
    }

    #[tokio::test(start_paused = true)]
    async fn tokens_at_a_models_pace_go_out_as_they_come() {
        let recorded = Recorded::start(WINDOW_PACING);
        // 100 tokens a second: one every 10 ms, longer than the gap.
        let mut sent = Vec::new();
        for seq in 0..20 {
            sent.push(Instant::now());
            recorded.tx.send(token(seq)).unwrap();
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let batches = recorded.finish().await;
        assert_eq!(batches.len(), 20, "one message per token");
        for (seq, (at, seqs)) in batches.iter().enumerate() {
            assert_eq!(seqs, &vec![seq as u64]);
            assert_eq!(*at, sent[seq], "token {seq} waited before it was sent");
        }
    }

    /// Sends `per_ms` tokens every millisecond for `ms` milliseconds, from `first` on.
    async fn stream(
        tx: &tokio::sync::mpsc::UnboundedSender<Event>,
        first: u64,
        per_ms: u64,
        ms: u64,
    ) {
        for at in 0..ms {
            for i in 0..per_ms {
                tx.send(token(first + at * per_ms + i)).unwrap();
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_window_gets_each_token_within_a_millisecond_at_1000_a_second() {
        let recorded = Recorded::start(WINDOW_PACING);
        // The answer's start: a token, and a status sent at once after it.
        recorded.tx.send(token(0)).unwrap();
        tokio::task::yield_now().await;
        recorded.tx.send(event(1, EventKind::Status { message: "x".into(), icon: None })).unwrap();
        tokio::task::yield_now().await;
        stream(&recorded.tx, 2, 1, 200).await;
        let batches = recorded.finish().await;
        let sizes: Vec<usize> = batches.iter().map(|(_, s)| s.len()).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 202);
        assert!(sizes.iter().all(|&n| n <= 2), "{sizes:?}");
        assert!(batches.len() >= 150, "{} messages for 200 tokens", batches.len());
    }

    #[tokio::test(start_paused = true)]
    async fn a_fast_stream_gets_the_longer_gap_and_a_slower_one_the_short_gap_again() {
        let recorded = Recorded::start(WINDOW_PACING);
        // 5,000 tokens a second for 200 ms, then 1,000 a second for 200 ms.
        stream(&recorded.tx, 0, 5, 200).await;
        let mark = Instant::now();
        stream(&recorded.tx, 1000, 1, 200).await;
        let batches = recorded.finish().await;
        let seqs: Vec<u64> = batches.iter().flat_map(|(_, s)| s.clone()).collect();
        assert_eq!(seqs, (0..1200).collect::<Vec<_>>(), "nothing lost, duplicated or reordered");
        let fast = batches.iter().filter(|(at, _)| *at < mark).count();
        assert!(fast <= 200 / 4 + 3, "{fast} messages for 200 ms at 5,000 tokens a second");
        let slow = batches.iter().filter(|(at, _)| *at >= mark + Duration::from_millis(20)).count();
        assert!(slow >= 150, "{slow} messages for the last 180 ms at 1,000 tokens a second");
    }
}
