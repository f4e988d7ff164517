//! A run that pauses at its budget (the window's): `budget_reached`, then the run waits for the
//! user's answer through the session, by run id. Continue lifts that budget and the run goes on
//! to its end; Stop ends it keeping what it wrote. A run that does not pause (the CLI's) fails
//! with a `budget` error as before.

use std::sync::Arc;
use std::time::Duration;

use telltale_agent::budget::Budget;
use telltale_agent::providers::{OfflinePace, OfflineProvider};
use telltale_agent::{Agent, AgentConfig, BudgetDecision, ToolRegistry};
use telltale_history::History;
use telltale_protocol::{BudgetKind, ErrorCode, Event, EventKind, FinishReason, Message};
use telltale_session::{AgentSlot, RunRequest, Session, SessionError, Store};

const PROMPT: &str = "Tell me about Telltale";

/// The budget the tests' runs reach: a few output tokens into the offline demo's answer.
const FEW_TOKENS: Budget = Budget {
    max_output_tokens: Some(4),
    max_seconds: None,
    max_tool_calls: None,
    max_cost_usd: None,
};

fn offline_session(store: Store, budget: Budget) -> Session {
    let config = AgentConfig { keepalive: Duration::ZERO, budget, ..AgentConfig::default() };
    let pace = OfflinePace { word: Duration::from_millis(5), ..OfflinePace::default() };
    let agent = Agent::new(Arc::new(OfflineProvider::new(pace)), ToolRegistry::builtin(), config);
    let slot = AgentSlot::new(Arc::new(agent), "offline demo".into());
    Session::new(slot, store, tokio::runtime::Handle::current())
}

fn request(run_id: &str, pause_at_budget: bool) -> RunRequest {
    RunRequest {
        new_conversation: true,
        pause_at_budget,
        ..RunRequest::in_conversation(format!("c-{run_id}"), run_id.into(), PROMPT.into())
    }
}

/// Runs `request`, answering its pause with `decision`; every event and how it finished.
async fn run(
    session: &Session,
    request: RunRequest,
    decision: BudgetDecision,
) -> (Vec<Event>, FinishReason) {
    let run_id = request.run_id.clone();
    let mut started = session.start_run(request).unwrap();
    let mut events = Vec::new();
    while let Some(event) = started.events.recv().await {
        if let EventKind::BudgetReached { .. } = event.kind {
            let wrong = session.resolve_budget("run-x", decision);
            assert!(matches!(wrong, Err(SessionError::NotFound(_))), "{wrong:?}");
            session.resolve_budget(&run_id, decision).unwrap();
            let twice = session.resolve_budget(&run_id, decision);
            assert!(matches!(twice, Err(SessionError::NotFound(_))), "answered once: {twice:?}");
        }
        events.push(event);
    }
    (events, started.finished.await.unwrap().reason)
}

fn tokens(events: &[Event]) -> String {
    events
        .iter()
        .filter_map(|e| {
            if let EventKind::Token { text } = &e.kind {
                Some(text.as_str())
            } else {
                None
            }
        })
        .collect()
}

fn budget_events(events: &[Event]) -> Vec<EventKind> {
    let kinds = events.iter().map(|e| e.kind.clone());
    kinds
        .filter(|k| {
            matches!(
                k,
                EventKind::BudgetReached { .. }
                    | EventKind::BudgetResolved { .. }
                    | EventKind::Error { .. }
            )
        })
        .map(|k| match k {
            EventKind::BudgetReached { kind, limit, .. } => {
                EventKind::BudgetReached { kind, used: 0.0, limit }
            }
            other => other,
        })
        .collect()
}

/// The budget events of a run paused at [`FEW_TOKENS`] and answered (`continued` or stopped).
fn paused_at_few_tokens(continued: bool) -> [EventKind; 2] {
    [
        EventKind::BudgetReached { kind: BudgetKind::OutputTokens, used: 0.0, limit: 4.0 },
        EventKind::BudgetResolved { kind: BudgetKind::OutputTokens, continued },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn continue_anyway_lifts_the_budget_and_the_run_goes_on_to_its_end() {
    let store = Store::on_disk(History::open_in_memory().unwrap());
    let session = offline_session(store.clone(), FEW_TOKENS);
    assert!(matches!(
        session.resolve_budget("r1", BudgetDecision::Continue),
        Err(SessionError::NotFound(_))
    ));
    let (events, reason) = run(&session, request("r1", true), BudgetDecision::Continue).await;
    assert_eq!(reason, FinishReason::Completed);
    assert_eq!(budget_events(&events), paused_at_few_tokens(true));
    // The whole answer: the same as a run with no budget gives.
    let free =
        offline_session(Store::on_disk(History::open_in_memory().unwrap()), Budget::default());
    let (whole, _) = run(&free, request("r2", true), BudgetDecision::Continue).await;
    assert!(!tokens(&whole).is_empty());
    assert_eq!(tokens(&events), tokens(&whole));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_ends_the_run_keeping_its_partial_answer() {
    let store = Store::on_disk(History::open_in_memory().unwrap());
    let session = offline_session(store.clone(), FEW_TOKENS);
    let (events, reason) = run(&session, request("r1", true), BudgetDecision::Stop).await;
    assert_eq!(reason, FinishReason::Cancelled);
    assert_eq!(budget_events(&events), paused_at_few_tokens(false));
    let partial = tokens(&events);
    assert!(!partial.is_empty());
    let saved = store.lock().unwrap().messages("c-r1").unwrap();
    assert_eq!(saved, [Message::user(PROMPT), Message::assistant(partial, vec![])]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_does_not_pause_fails_at_its_budget() {
    let session = offline_session(Store::on_disk(History::open_in_memory().unwrap()), FEW_TOKENS);
    let mut started = session.start_run(request("r1", false)).unwrap();
    let mut events = Vec::new();
    while let Some(event) = started.events.recv().await {
        events.push(event);
    }
    assert_eq!(started.finished.await.unwrap().reason, FinishReason::Error);
    let codes: Vec<_> = events
        .iter()
        .filter_map(|e| if let EventKind::Error { code, .. } = e.kind { Some(code) } else { None })
        .collect();
    assert_eq!(codes, [ErrorCode::Budget]);
    assert!(!events.iter().any(|e| matches!(e.kind, EventKind::BudgetResolved { .. })));
}
