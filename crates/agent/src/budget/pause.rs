//! A run paused at a budget it reached (its controls pause there: the window's runs). The run
//! waits at the next point it can (streaming stops being read, the next step or tool calls do not
//! start) for the user's answer: `budget_resolved`, then the run goes on with that budget lifted
//! for the rest of the run, or stops keeping what it wrote.

use telltale_protocol::EventKind;
use tokio_util::sync::CancellationToken;

use super::Meter;
use crate::controls::BudgetDecision;

impl Meter {
    /// Whether the run is paused at a budget, waiting for the user's answer.
    pub(crate) fn is_paused(&self) -> bool {
        self.lock().pause.is_some()
    }

    /// Resolves once the run is paused at a budget (never, for a run that does not pause).
    pub(crate) async fn paused(&self) {
        let mut paused = self.inner.paused.subscribe();
        if paused.wait_for(|paused| *paused).await.is_err() {
            // The meter outlives every wait on it; were it gone, nothing could pause.
            std::future::pending::<()>().await;
        }
    }

    /// When the run is paused at a budget, waits for the user's answer, or for the run to be
    /// stopped. True when the run goes on (it was not paused, or the user let it go past that
    /// budget); false when it stops (the user said Stop: the run is stopped here).
    pub(crate) async fn hold(&self, cancel: &CancellationToken) -> bool {
        let waiting = self.lock().pause.as_mut().map(|(kind, answer)| (*kind, answer.take()));
        let Some((kind, Some(answer))) = waiting else {
            return true;
        };
        let emitter = &self.inner.emitter;
        emitter.set_waiting_for(Some("your answer on the budget".into()));
        let decision = tokio::select! {
            biased;
            _ = cancel.cancelled() => None,
            decision = answer => decision.ok(),
        };
        let go_on = decision == Some(BudgetDecision::Continue);
        {
            let mut state = self.lock();
            state.pause = None;
            if go_on {
                state.lifted.push(kind);
            }
        }
        self.inner.controls.forget_budget();
        emitter.set_waiting_for(None);
        if decision.is_some() {
            tracing::info!(?kind, go_on, "budget answered");
            emitter.emit(EventKind::BudgetResolved { kind, continued: go_on });
        }
        self.inner.paused.send_replace(false);
        if !go_on {
            self.inner.controls.stop();
        }
        go_on
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use telltale_protocol::{BudgetKind, Event, Usage};
    use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

    use super::*;
    use crate::budget::Budget;
    use crate::controls::RunControls;
    use crate::emitter::Emitter;

    fn pausing(budget: Budget) -> (Meter, RunControls, UnboundedReceiver<Event>) {
        let (tx, rx) = unbounded_channel();
        let controls = RunControls::default().pausing_at_budget();
        (Meter::new(budget, None, Emitter::new("r", tx), controls.clone()), controls, rx)
    }

    fn kinds(rx: &mut UnboundedReceiver<Event>) -> Vec<EventKind> {
        std::iter::from_fn(|| rx.try_recv().ok()).map(|e| e.kind).collect()
    }

    #[tokio::test]
    async fn continue_lifts_that_budget_for_the_rest_of_the_run() {
        let budget =
            Budget { max_output_tokens: Some(5), max_tool_calls: Some(1), ..Budget::default() };
        let (meter, controls, mut rx) = pausing(budget);
        assert!(meter.hold(controls.cancel_token()).await, "not paused: nothing to wait for");
        meter.streamed(&"x".repeat(40)); // about 10 tokens of 5
        assert!(meter.is_paused() && controls.paused_at_budget());
        assert!(controls.failure().is_none() && !controls.cancel_token().is_cancelled());
        meter.paused().await;
        controls.resolve_budget(BudgetDecision::Continue).unwrap();
        assert!(meter.hold(controls.cancel_token()).await);
        assert_eq!(
            kinds(&mut rx),
            [
                EventKind::BudgetReached { kind: BudgetKind::OutputTokens, used: 10.0, limit: 5.0 },
                EventKind::BudgetResolved { kind: BudgetKind::OutputTokens, continued: true },
            ]
        );
        // Past that budget now, but not past the others.
        meter.streamed(&"x".repeat(400));
        meter.settle(Some(Usage { input_tokens: 1, output_tokens: 500 }), false);
        assert!(!meter.is_paused() && kinds(&mut rx).is_empty());
        assert!(meter.allow_tool_calls(1));
        assert!(!meter.allow_tool_calls(1));
        assert!(meter.is_paused());
    }

    #[tokio::test]
    async fn stop_stops_the_run_without_an_error() {
        let (meter, controls, mut rx) =
            pausing(Budget { max_tool_calls: Some(1), ..Budget::default() });
        assert!(!meter.allow_tool_calls(2));
        controls.resolve_budget(BudgetDecision::Stop).unwrap();
        assert!(!meter.hold(controls.cancel_token()).await);
        assert!(controls.cancel_token().is_cancelled() && controls.failure().is_none());
        assert_eq!(
            kinds(&mut rx).last(),
            Some(&EventKind::BudgetResolved { kind: BudgetKind::ToolCalls, continued: false })
        );
        assert_eq!(
            controls.resolve_budget(BudgetDecision::Continue),
            Err(crate::ControlError::NotPaused)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_time_budget_waits_its_turn_behind_another_pause() {
        let budget = Budget { max_seconds: Some(2), max_tool_calls: Some(1), ..Budget::default() };
        let (meter, controls, mut rx) = pausing(budget);
        assert!(!meter.allow_tool_calls(2)); // paused at the tool calls
        let watch = tokio::spawn(meter.clone().watch_time());
        tokio::time::sleep(Duration::from_secs(3)).await;
        let reached = |rx: &mut UnboundedReceiver<Event>| {
            kinds(rx)
                .into_iter()
                .filter_map(|k| match k {
                    EventKind::BudgetReached { kind, .. } => Some(kind),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(reached(&mut rx), [BudgetKind::ToolCalls]);
        controls.resolve_budget(BudgetDecision::Continue).unwrap();
        assert!(meter.hold(controls.cancel_token()).await);
        watch.await.unwrap();
        assert_eq!(reached(&mut rx), [BudgetKind::Seconds]);
        assert!(meter.is_paused());
    }

    #[tokio::test]
    async fn a_stop_while_paused_ends_the_wait() {
        let (meter, controls, _rx) =
            pausing(Budget { max_tool_calls: Some(1), ..Budget::default() });
        assert!(!meter.allow_tool_calls(2));
        controls.stop();
        assert!(!meter.hold(controls.cancel_token()).await);
        assert!(!meter.is_paused() && !controls.paused_at_budget());
    }
}
