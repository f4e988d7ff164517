//! A front end that comes back mid-run (a window reloaded) asks for the events after the last
//! `seq` it holds: live from the run's log while it goes on, from the history once it has ended,
//! with no gap and nothing twice.

use std::sync::Arc;
use std::time::Duration;

use telltale_agent::providers::{OfflinePace, OfflineProvider};
use telltale_agent::{Agent, AgentConfig, ToolRegistry};
use telltale_session::{AgentSlot, RunEvents, RunRequest, Session, SessionError, Store};

fn session() -> Session {
    let pace = OfflinePace { word: Duration::from_millis(10), ..OfflinePace::default() };
    let config = AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() };
    let agent = Agent::new(Arc::new(OfflineProvider::new(pace)), ToolRegistry::builtin(), config);
    let store = Store::in_memory("tests".into()).unwrap();
    Session::new(
        AgentSlot::new(Arc::new(agent), "offline".into()),
        store,
        tokio::runtime::Handle::current(),
    )
}

#[tokio::test]
async fn the_events_after_a_seq_come_live_mid_run_and_from_the_history_after_it() {
    let session = session();
    let request =
        RunRequest::in_conversation("c1".into(), "r1".into(), "Tell me about the sea".into());
    let mut started = session.start_run(request).unwrap();
    // The window held seqs 0..=2 when it was reloaded.
    let mut held = Vec::new();
    while held.len() < 3 {
        held.push(started.events.recv().await.unwrap().seq);
    }
    let RunEvents::Live(mut reader) = session.events_from("r1", 3).await.unwrap() else {
        panic!("the run is in progress: its events come live");
    };
    while let Some(event) = reader.recv().await {
        held.push(event.seq);
    }
    let all: Vec<u64> = (0..held.len() as u64).collect();
    assert_eq!(held, all, "no gap, nothing twice");
    assert!(held.len() > 5);

    started.finished.await.unwrap();
    let RunEvents::Ended(rest) = session.events_from("r1", 2).await.unwrap() else {
        panic!("the run has ended: its events come from the history");
    };
    assert_eq!(rest.iter().map(|event| event.seq).collect::<Vec<_>>(), all[2..].to_vec());
    assert!(matches!(session.events_from("nope", 0).await, Err(SessionError::NotFound(_))));
}
