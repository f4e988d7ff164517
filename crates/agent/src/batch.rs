//! Batching for forwarders that pay per message (the webview's IPC): a token goes out at once when
//! nothing went out for `min_gap`, else with the tokens that follow it `min_gap` after the last
//! send; anything else goes out at once (after the tokens before it). At a model's pace every
//! token is sent as it comes (no added wait); at thousands of tokens a second the window gets at
//! most one message per `min_gap`, well within what its IPC takes (~7,000 messages a second).

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

/// The least time between two messages of tokens: a quarter of a 60 Hz frame, so a frame's worth
/// of tokens arrives in a few messages and the window applies them all before its next paint.
pub const MIN_GAP: Duration = Duration::from_millis(4);

/// Reads `events` until they end and calls `send` with batches in order.
pub async fn forward_batched<F>(mut events: impl EventSource, min_gap: Duration, mut send: F)
where
    F: FnMut(Vec<Event>),
{
    let mut batch: Vec<Event> = Vec::new();
    let mut last_flush: Option<Instant> = None;
    loop {
        let next = if batch.is_empty() {
            events.next_event().await
        } else {
            let deadline = last_flush.map_or_else(Instant::now, |t| t + min_gap);
            match tokio::time::timeout_at(deadline, events.next_event()).await {
                Ok(next) => next,
                Err(_) => {
                    send(std::mem::take(&mut batch));
                    last_flush = Some(Instant::now());
                    continue;
                }
            }
        };
        let Some(event) = next else { break };
        let urgent = !matches!(event.kind, EventKind::Token { .. });
        batch.push(event);
        let due = last_flush.is_none_or(|t| t.elapsed() >= min_gap);
        if urgent || due {
            send(std::mem::take(&mut batch));
            last_flush = Some(Instant::now());
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
        fn start(gap: Duration) -> Recorded {
            let (tx, rx) = unbounded_channel();
            let (out_tx, out) = unbounded_channel();
            let forward = tokio::spawn(forward_batched(rx, gap, move |batch| {
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
        let recorded = Recorded::start(GAP);
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
        let recorded = Recorded::start(GAP);
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
        let recorded = Recorded::start(MIN_GAP);
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
}
