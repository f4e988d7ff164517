//! Keep-alive: a `ping` whenever a run has sent nothing for the interval.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::emitter::Emitter;

/// Pings on `emitter` whenever nothing was sent for `interval`, until `stop` is cancelled or the
/// run has finished.
pub async fn keep_alive(emitter: Emitter, interval: Duration, stop: CancellationToken) {
    if interval.is_zero() {
        return;
    }
    loop {
        let next = emitter.ping_if_silent(interval);
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep_until(next) => {}
        }
        if emitter.is_finished() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use telltale_protocol::EventKind;
    use tokio::sync::mpsc::unbounded_channel;

    #[tokio::test(start_paused = true)]
    async fn pings_only_while_silent_and_names_what_it_waits_for() {
        let (tx, mut rx) = unbounded_channel();
        let emitter = Emitter::new("r", tx);
        emitter.set_waiting_for(Some("clock".into()));
        let stop = CancellationToken::new();
        let task = tokio::spawn(keep_alive(emitter.clone(), Duration::from_secs(1), stop.clone()));
        tokio::time::sleep(Duration::from_millis(2500)).await;
        emitter.emit(EventKind::Token { text: "x".into() });
        tokio::time::sleep(Duration::from_millis(900)).await;
        stop.cancel();
        task.await.expect("keep-alive task");
        let kinds: Vec<EventKind> =
            std::iter::from_fn(|| rx.try_recv().ok()).map(|e| e.kind).collect();
        let ping = EventKind::Ping { waiting_for: Some("clock".into()) };
        assert_eq!(kinds, vec![ping.clone(), ping, EventKind::Token { text: "x".into() }]);
    }
}
