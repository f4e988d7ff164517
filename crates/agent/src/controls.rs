//! What a front end can do to a run while it streams: stop it, answer a tool call that waits for
//! approval, cancel one running tool call while the others go on, or answer a run paused at its
//! budget. One `RunControls` per run; clones share it.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use crate::provider::ProviderError;

/// A user's answer to a tool call that waits for approval.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Run the call: with the arguments the user edited (`args`), or as the model wrote it; and
    /// when `always`, run this tool without asking for the rest of the run.
    Approve {
        args: Option<Value>,
        always: bool,
    },
    Deny,
}

/// A user's answer to a run paused at one of its budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetDecision {
    /// Go on, with that budget lifted for the rest of the run.
    Continue,
    /// End the run, keeping what it wrote so far.
    Stop,
}

/// Why a control did nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    #[error("no tool call {0} is waiting for approval")]
    NotWaiting(String),
    #[error("no tool call {0} is running")]
    NotRunning(String),
    #[error("the run is not paused at a budget")]
    NotPaused,
}

#[derive(Default)]
struct Inner {
    /// Why the run was stopped from outside with an error (see [`RunControls::fail`]).
    failure: Option<ProviderError>,
    /// call id → (tool name, where the decision goes).
    approvals: HashMap<String, (String, oneshot::Sender<Decision>)>,
    calls: HashMap<String, CancellationToken>,
    always_allowed: HashSet<String>,
    /// Where the answer goes while the run is paused at a budget.
    budget: Option<oneshot::Sender<BudgetDecision>>,
}

#[derive(Clone, Default)]
pub struct RunControls {
    cancel: CancellationToken,
    inner: Arc<Mutex<Inner>>,
    /// Nobody can answer approvals: calls that ask are denied at once.
    unattended: bool,
    /// A budget reached pauses the run until the user answers, rather than failing it.
    pause_at_budget: bool,
}

impl RunControls {
    /// Controls whose [`RunControls::stop`] cancels `cancel`.
    pub fn new(cancel: CancellationToken) -> Self {
        RunControls { cancel, inner: Arc::default(), unattended: false, pause_at_budget: false }
    }

    /// These controls, for a run that pauses at a budget it reaches (`budget_reached`, then
    /// waiting for [`resolve_budget`](Self::resolve_budget)) rather than failing with a
    /// `budget` error: for a front end where someone can answer (the window).
    pub fn pausing_at_budget(self) -> Self {
        RunControls { pause_at_budget: true, ..self }
    }

    /// Whether a budget reached pauses the run (someone can answer) rather than failing it.
    pub(crate) fn pauses_at_budget(&self) -> bool {
        self.pause_at_budget && !self.unattended
    }

    /// Controls for a run nobody watches: every call that asks for approval is denied.
    pub fn unattended(cancel: CancellationToken) -> Self {
        RunControls { unattended: true, ..RunControls::new(cancel) }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stops the whole run (the stream, every tool call, every wait for approval).
    pub fn stop(&self) {
        self.cancel.cancel();
    }

    /// Stops the whole run as [`stop`](Self::stop) does, but the run ends with `error` (its
    /// `error` event, then `run_finished` with reason `error`) rather than as cancelled: for
    /// what goes wrong outside the run (its history cannot be saved). The first failure wins.
    pub fn fail(&self, error: ProviderError) {
        self.lock().failure.get_or_insert(error);
        self.cancel.cancel();
    }

    /// The error [`fail`](Self::fail) stopped the run with, if it did.
    pub(crate) fn failure(&self) -> Option<ProviderError> {
        self.lock().failure.clone()
    }

    pub fn cancel_token(&self) -> &CancellationToken {
        &self.cancel
    }

    /// Answers the call `call_id` that waits for approval; returns its tool's name.
    pub fn resolve_approval(
        &self,
        call_id: &str,
        decision: Decision,
    ) -> Result<String, ControlError> {
        let waiting = self.lock().approvals.remove(call_id);
        match waiting.map(|(tool, sender)| (tool, sender.send(decision))) {
            Some((tool, Ok(()))) => Ok(tool),
            _ => Err(ControlError::NotWaiting(call_id.to_owned())),
        }
    }

    /// Cancels the one running call `call_id`; the run goes on with the other results.
    pub fn cancel_call(&self, call_id: &str) -> Result<(), ControlError> {
        match self.lock().calls.get(call_id) {
            Some(token) => {
                token.cancel();
                Ok(())
            }
            None => Err(ControlError::NotRunning(call_id.to_owned())),
        }
    }

    /// Answers the run paused at its budget: go on past it, or stop.
    pub fn resolve_budget(&self, decision: BudgetDecision) -> Result<(), ControlError> {
        let waiting = self.lock().budget.take();
        match waiting.map(|sender| sender.send(decision)) {
            Some(Ok(())) => Ok(()),
            _ => Err(ControlError::NotPaused),
        }
    }

    /// Whether the run waits for an answer on a budget it reached.
    pub fn paused_at_budget(&self) -> bool {
        self.lock().budget.as_ref().is_some_and(|sender| !sender.is_closed())
    }

    pub(crate) fn wait_for_budget(&self) -> oneshot::Receiver<BudgetDecision> {
        let (sender, receiver) = oneshot::channel();
        self.lock().budget = Some(sender);
        receiver
    }

    pub(crate) fn forget_budget(&self) {
        self.lock().budget = None;
    }

    /// The call ids waiting for approval now.
    pub fn waiting_for_approval(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.lock().approvals.keys().cloned().collect();
        ids.sort();
        ids
    }

    pub(crate) fn wait_for_approval(
        &self,
        call_id: &str,
        tool: &str,
    ) -> oneshot::Receiver<Decision> {
        let (sender, receiver) = oneshot::channel();
        match self.unattended {
            true => {
                let _ = sender.send(Decision::Deny);
            }
            false => {
                self.lock().approvals.insert(call_id.to_owned(), (tool.to_owned(), sender));
            }
        }
        receiver
    }

    pub(crate) fn forget_approval(&self, call_id: &str) {
        self.lock().approvals.remove(call_id);
    }

    pub(crate) fn allow_always(&self, tool: &str) {
        self.lock().always_allowed.insert(tool.to_owned());
    }

    pub(crate) fn is_always_allowed(&self, tool: &str) -> bool {
        self.lock().always_allowed.contains(tool)
    }

    /// The token that cancels `call_id` alone (a child of the run's).
    pub(crate) fn call_started(&self, call_id: &str) -> CancellationToken {
        let token = self.cancel.child_token();
        self.lock().calls.insert(call_id.to_owned(), token.clone());
        token
    }

    pub(crate) fn call_ended(&self, call_id: &str) {
        self.lock().calls.remove(call_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_approval_reaches_the_waiting_call_once() {
        let controls = RunControls::default();
        let waiting = controls.wait_for_approval("c1", "write_file");
        assert_eq!(controls.waiting_for_approval(), ["c1"]);
        assert_eq!(controls.resolve_approval("c1", Decision::Deny).unwrap(), "write_file");
        assert_eq!(waiting.await.unwrap(), Decision::Deny);
        assert_eq!(
            controls.resolve_approval("c1", Decision::Deny),
            Err(ControlError::NotWaiting("c1".into()))
        );
    }

    #[tokio::test]
    async fn a_budget_answer_reaches_the_paused_run_once() {
        let controls = RunControls::default().pausing_at_budget();
        assert!(controls.pauses_at_budget());
        assert_eq!(controls.resolve_budget(BudgetDecision::Continue), Err(ControlError::NotPaused));
        let waiting = controls.wait_for_budget();
        assert!(controls.paused_at_budget());
        controls.resolve_budget(BudgetDecision::Stop).unwrap();
        assert_eq!(waiting.await.unwrap(), BudgetDecision::Stop);
        assert!(!controls.paused_at_budget());
        assert_eq!(controls.resolve_budget(BudgetDecision::Stop), Err(ControlError::NotPaused));
        // Nobody can answer an unattended run: it never pauses.
        let unattended = RunControls::unattended(CancellationToken::new()).pausing_at_budget();
        assert!(!unattended.pauses_at_budget() && !RunControls::default().pauses_at_budget());
    }

    #[test]
    fn cancelling_one_call_leaves_the_run_and_other_calls_alone() {
        let controls = RunControls::default();
        let (one, two) = (controls.call_started("c1"), controls.call_started("c2"));
        controls.cancel_call("c1").unwrap();
        assert!(one.is_cancelled() && !two.is_cancelled() && !controls.cancel.is_cancelled());
        controls.call_ended("c1");
        assert_eq!(controls.cancel_call("c1"), Err(ControlError::NotRunning("c1".into())));
        controls.stop();
        assert!(two.is_cancelled());
    }
}
