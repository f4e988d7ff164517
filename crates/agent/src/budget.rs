//! A run's budgets (time, tool calls, output tokens, cost) and the meter that watches them.
//! Reaching one emits `budget_reached` and stops the run with a `budget` error; what streamed is
//! kept, as when the user stops it. A run whose controls pause at a budget (the window's) waits
//! instead for the user's answer (`pause.rs`): go on with that budget lifted, or stop.

mod pause;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use telltale_protocol::{BudgetKind, ErrorCode, EventKind, Usage};
use tokio::sync::{oneshot, watch};
use tokio::time::Instant;
use ts_rs::TS;

use crate::controls::{BudgetDecision, RunControls};
use crate::emitter::Emitter;
use crate::pricing::Price;
use crate::provider::ProviderError;

/// What one run may use; `None` is no limit.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Budget {
    /// Wall-clock seconds from the run's start.
    #[ts(type = "number | null")]
    pub max_seconds: Option<u64>,
    /// Tool calls in the run (a step whose calls would go past it runs none of them).
    pub max_tool_calls: Option<u32>,
    /// Answer tokens (reasoning and tool arguments included): counted while streaming,
    /// corrected by the provider's usage after each step.
    pub max_output_tokens: Option<u32>,
    /// US dollars, from the tokens and the model's price (not enforced when the price is unknown).
    pub max_cost_usd: Option<f64>,
}

impl Budget {
    /// Whether the limits are ones a run can keep: more than zero, a finite cost.
    pub fn check(&self) -> Result<(), String> {
        let zero = |name: &str| Err(format!("the {name} budget must be more than 0"));
        match *self {
            Budget { max_seconds: Some(0), .. } => zero("time"),
            Budget { max_tool_calls: Some(0), .. } => zero("tool-call"),
            Budget { max_output_tokens: Some(0), .. } => zero("output-token"),
            Budget { max_cost_usd: Some(cost), .. } if !(cost.is_finite() && cost > 0.0) => {
                Err("the cost budget must be a number of US dollars more than 0".into())
            }
            _ => Ok(()),
        }
    }
}

/// About how many tokens `text` is (a token is about four characters; a delta is at least one).
fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4).max(1)
}

/// Watches one run's budget; clones share it.
#[derive(Clone)]
pub(crate) struct Meter {
    inner: Arc<Inner>,
}

struct Inner {
    budget: Budget,
    price: Option<Price>,
    /// Whether the run has a budget that tokens count against (output tokens, or a cost with a
    /// price); without one, no token is counted.
    counts_tokens: bool,
    started: Instant,
    emitter: Emitter,
    controls: RunControls,
    state: Mutex<State>,
    /// Whether the run is paused at a budget, waiting for the user's answer.
    paused: watch::Sender<bool>,
}

#[derive(Default)]
struct State {
    tool_calls: u64,
    /// Tokens the provider reported for the steps that ended.
    input: u64,
    output: u64,
    /// The estimate for the step streaming now.
    streaming: u64,
    /// A budget was reached and the run is stopping (a run that does not pause).
    reached: bool,
    /// The budget a paused run waits at, and where the user's answer comes (taken by the wait).
    pause: Option<(BudgetKind, Option<oneshot::Receiver<BudgetDecision>>)>,
    /// The budgets the user let the run go past.
    lifted: Vec<BudgetKind>,
}

/// What reaching a budget did.
#[derive(Debug, PartialEq)]
enum Reach {
    /// The run pauses, or stops, now (or stopped already).
    Done,
    /// The user let the run go past this budget.
    Lifted,
    /// The run is paused at another budget: try again once it is answered.
    Busy,
}

impl Meter {
    pub(crate) fn new(
        budget: Budget,
        price: Option<Price>,
        emitter: Emitter,
        controls: RunControls,
    ) -> Self {
        let state = Mutex::new(State::default());
        let paused = watch::Sender::new(false);
        let started = Instant::now();
        let counts_tokens = budget.max_output_tokens.is_some()
            || (budget.max_cost_usd.is_some() && price.is_some());
        let inner =
            Inner { budget, price, counts_tokens, started, emitter, controls, state, paused };
        Meter { inner: Arc::new(inner) }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether tokens count against the run's budget: when not, a step's sink needs no meter.
    pub(crate) fn counts_tokens(&self) -> bool {
        self.inner.counts_tokens
    }

    /// Counts streamed output (answer, thought or tool-argument text).
    pub(crate) fn streamed(&self, text: &str) {
        if !self.inner.counts_tokens {
            return;
        }
        let over = {
            let mut state = self.lock();
            state.streaming += estimate_tokens(text);
            self.over_tokens_or_cost(&state)
        };
        if let Some((kind, used, limit)) = over {
            self.reach(kind, used, limit);
        }
    }

    /// A step ended: its estimate gives way to the provider's `usage` when it sent one. A step
    /// that ends the run (`last`) finished its answer: its count no longer stops anything.
    pub(crate) fn settle(&self, usage: Option<Usage>, last: bool) {
        if !self.inner.counts_tokens {
            return;
        }
        let over = {
            let mut state = self.lock();
            let streamed = std::mem::take(&mut state.streaming);
            match usage {
                Some(usage) => {
                    state.input += u64::from(usage.input_tokens);
                    state.output += u64::from(usage.output_tokens);
                }
                None => state.output += streamed,
            }
            self.over_tokens_or_cost(&state).filter(|_| !last)
        };
        if let Some((kind, used, limit)) = over {
            self.reach(kind, used, limit);
        }
    }

    /// Counts a step's `calls`; false (and the budget reached) when they would take the run
    /// past its tool-call budget: none of them may run (a run that pauses may ask again once
    /// the user answered).
    pub(crate) fn allow_tool_calls(&self, calls: usize) -> bool {
        let over = {
            let mut state = self.lock();
            let wanted = state.tool_calls + calls as u64;
            let limit = self.inner.budget.max_tool_calls;
            match limit.filter(|_| !state.lifted.contains(&BudgetKind::ToolCalls)) {
                Some(limit) if wanted > u64::from(limit) => Some((wanted, limit)),
                _ => {
                    state.tool_calls = wanted;
                    None
                }
            }
        };
        match over {
            Some((wanted, limit)) => {
                self.reach(BudgetKind::ToolCalls, wanted as f64, f64::from(limit));
                false
            }
            None => true,
        }
    }

    /// Whether a budget was reached (the run is stopping).
    pub(crate) fn is_reached(&self) -> bool {
        self.lock().reached
    }

    /// Waits for the time budget to run out, then reaches it (forever when there is none).
    pub(crate) async fn watch_time(self) {
        let Some(limit) = self.inner.budget.max_seconds else {
            return;
        };
        tokio::time::sleep_until(self.inner.started + Duration::from_secs(limit)).await;
        loop {
            let used = self.inner.started.elapsed().as_secs_f64();
            if self.reach(BudgetKind::Seconds, used, limit as f64) != Reach::Busy {
                return;
            }
            // Paused at another budget: once that is answered, the time is still over.
            let _ = self.inner.paused.subscribe().wait_for(|paused| !paused).await;
        }
    }

    fn over_tokens_or_cost(&self, state: &State) -> Option<(BudgetKind, f64, f64)> {
        let budget = &self.inner.budget;
        let kept = |kind| !state.lifted.contains(&kind);
        let output = state.output + state.streaming;
        let tokens = budget.max_output_tokens.filter(|_| kept(BudgetKind::OutputTokens));
        if let Some(limit) = tokens.filter(|l| output > u64::from(*l)) {
            return Some((BudgetKind::OutputTokens, output as f64, f64::from(limit)));
        }
        let cost = self.inner.price.map(|price| price.cost(state.input, output))?;
        let limit =
            budget.max_cost_usd.filter(|limit| cost > *limit && kept(BudgetKind::CostUsd))?;
        Some((BudgetKind::CostUsd, cost, limit))
    }

    /// Says the budget `kind` was reached, then stops the run with a `budget` error (once a
    /// run), or pauses it until the user answers (see `pause.rs`).
    fn reach(&self, kind: BudgetKind, used: f64, limit: f64) -> Reach {
        let pauses = self.inner.controls.pauses_at_budget();
        {
            let mut state = self.lock();
            if state.lifted.contains(&kind) {
                return Reach::Lifted;
            }
            if pauses && state.pause.is_some() {
                return Reach::Busy;
            }
            if pauses {
                state.pause = Some((kind, Some(self.inner.controls.wait_for_budget())));
            } else if std::mem::replace(&mut state.reached, true) {
                return Reach::Done;
            }
        }
        tracing::info!(?kind, used, limit, pauses, "budget reached");
        self.inner.emitter.emit(EventKind::BudgetReached { kind, used, limit });
        if pauses {
            self.inner.paused.send_replace(true);
        } else {
            let message = describe(kind, used, limit);
            self.inner.controls.fail(ProviderError::new(ErrorCode::Budget, message, false));
        }
        Reach::Done
    }
}

/// What reaching the budget `kind` means, in words a user can act on.
fn describe(kind: BudgetKind, used: f64, limit: f64) -> String {
    let (what, flag) = match kind {
        BudgetKind::Seconds => (format!("{used:.1} s of its {limit} s"), "--max-seconds"),
        BudgetKind::ToolCalls => {
            (format!("{used} tool calls, with a budget of {limit}"), "--max-tool-calls")
        }
        BudgetKind::OutputTokens => {
            (format!("{used} output tokens of its {limit}"), "--max-output-tokens")
        }
        BudgetKind::CostUsd => (format!("${used:.4} of its ${limit}"), "--max-cost"),
    };
    format!(
        "The run reached its budget: {what}. What it wrote so far is kept; allow more with \
         {flag} (or the budgets in Settings)."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use telltale_protocol::Event;
    use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

    fn metered(
        budget: Budget,
        price: Option<Price>,
    ) -> (Meter, RunControls, UnboundedReceiver<Event>) {
        let (tx, rx) = unbounded_channel();
        let controls = RunControls::default();
        (Meter::new(budget, price, Emitter::new("r", tx), controls.clone()), controls, rx)
    }

    fn reached(rx: &mut UnboundedReceiver<Event>) -> Vec<(BudgetKind, f64, f64)> {
        std::iter::from_fn(|| rx.try_recv().ok())
            .filter_map(|e| match e.kind {
                EventKind::BudgetReached { kind, used, limit } => Some((kind, used, limit)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn output_tokens_are_estimated_while_streaming_and_corrected_by_usage() {
        let budget = Budget { max_output_tokens: Some(10), ..Budget::default() };
        let (meter, controls, mut rx) = metered(budget, None);
        meter.streamed("one two three "); // 14 characters: about 4 tokens
        meter.streamed("four five "); // about 3 more
                                      // The provider says the step was 6 tokens: 6 of 10 so far.
        meter.settle(Some(Usage { input_tokens: 50, output_tokens: 6 }), false);
        assert!(reached(&mut rx).is_empty() && !controls.cancel_token().is_cancelled());
        meter.streamed("a longer sentence "); // about 5: 11 of 10
        assert_eq!(reached(&mut rx), [(BudgetKind::OutputTokens, 11.0, 10.0)]);
        let failure = controls.failure().expect("the run is stopped with an error");
        assert_eq!(failure.code, ErrorCode::Budget);
        assert!(failure.message.contains("--max-output-tokens"), "{}", failure.message);
        meter.streamed("more");
        assert!(reached(&mut rx).is_empty(), "reached once");
    }

    #[test]
    fn a_usage_over_the_budget_on_the_last_step_does_not_stop_a_finished_answer() {
        let budget = Budget { max_output_tokens: Some(5), ..Budget::default() };
        let (meter, controls, mut rx) = metered(budget, None);
        meter.settle(Some(Usage { input_tokens: 1, output_tokens: 4 }), true);
        meter.settle(Some(Usage { input_tokens: 1, output_tokens: 4 }), true);
        assert!(reached(&mut rx).is_empty() && controls.failure().is_none());
    }

    #[test]
    fn a_step_whose_calls_go_past_the_tool_call_budget_runs_none() {
        let budget = Budget { max_tool_calls: Some(3), ..Budget::default() };
        let (meter, _, mut rx) = metered(budget, None);
        assert!(meter.allow_tool_calls(2));
        assert!(!meter.allow_tool_calls(2));
        assert_eq!(reached(&mut rx), [(BudgetKind::ToolCalls, 4.0, 3.0)]);
    }

    #[test]
    fn the_cost_counts_input_and_output_at_the_models_price() {
        let budget = Budget { max_cost_usd: Some(0.01), ..Budget::default() };
        let (meter, _, mut rx) = metered(budget, Some(Price::new(10.0, 40.0)));
        // 500 in, 100 out: $0.005 + $0.004.
        meter.settle(Some(Usage { input_tokens: 500, output_tokens: 100 }), false);
        assert!(reached(&mut rx).is_empty());
        meter.streamed(&"x".repeat(200)); // about 50 more out: $0.002
        let [(kind, used, limit)] = reached(&mut rx)[..] else { panic!("reached once") };
        assert_eq!((kind, limit), (BudgetKind::CostUsd, 0.01));
        assert!((used - 0.011).abs() < 1e-12, "{used}");
        // Without a price the cost budget cannot be kept, and is not.
        let (unpriced, _, mut rx) = metered(budget, None);
        unpriced.streamed(&"x".repeat(100_000));
        assert!(reached(&mut rx).is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn the_time_budget_runs_out_on_the_runs_clock() {
        let budget = Budget { max_seconds: Some(2), ..Budget::default() };
        let (meter, controls, mut rx) = metered(budget, None);
        let watch = tokio::spawn(meter.clone().watch_time());
        tokio::time::sleep(Duration::from_millis(1900)).await;
        assert!(!controls.cancel_token().is_cancelled());
        watch.await.unwrap();
        let [(kind, used, limit)] = reached(&mut rx)[..] else { panic!("reached once") };
        assert_eq!((kind, limit), (BudgetKind::Seconds, 2.0));
        assert!((2.0..2.1).contains(&used), "{used}");
        assert!(controls.cancel_token().is_cancelled());
    }

    #[test]
    fn tokens_are_counted_only_against_an_output_token_or_a_priced_cost_budget() {
        let price = Some(Price::new(10.0, 40.0));
        let counts = |budget, price| metered(budget, price).0.counts_tokens();
        assert!(!counts(Budget::default(), price));
        assert!(!counts(
            Budget { max_tool_calls: Some(3), max_seconds: Some(9), ..Budget::default() },
            price
        ));
        assert!(!counts(Budget { max_cost_usd: Some(0.01), ..Budget::default() }, None));
        assert!(counts(Budget { max_cost_usd: Some(0.01), ..Budget::default() }, price));
        assert!(counts(Budget { max_output_tokens: Some(10), ..Budget::default() }, None));
        // A run without one is stopped by none of its tokens.
        let (meter, controls, mut rx) =
            metered(Budget { max_tool_calls: Some(3), ..Budget::default() }, price);
        meter.streamed(&"x".repeat(100_000));
        meter.settle(Some(Usage { input_tokens: 1_000_000, output_tokens: 1_000_000 }), false);
        assert!(reached(&mut rx).is_empty() && controls.failure().is_none());
    }

    #[test]
    fn limits_of_zero_or_a_cost_that_is_not_a_number_are_refused() {
        assert!(Budget::default().check().is_ok());
        assert!(Budget { max_seconds: Some(0), ..Budget::default() }.check().is_err());
        assert!(Budget { max_tool_calls: Some(0), ..Budget::default() }.check().is_err());
        assert!(Budget { max_cost_usd: Some(f64::NAN), ..Budget::default() }.check().is_err());
        assert!(Budget { max_cost_usd: Some(-1.0), ..Budget::default() }.check().is_err());
        assert!(Budget { max_cost_usd: Some(0.5), ..Budget::default() }.check().is_ok());
    }
}
