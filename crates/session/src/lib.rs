//! Telltale's session layer, free of any UI: the one place that wires "load the conversation →
//! run the agent → record every event and every new message as it completes" and fans each run's events out
//! to any number of front ends (the window, the CLI, an HTTP stream), each able to join late.
//!
//! ```no_run
//! # async fn demo(agent: telltale_session::AgentSlot) -> Result<(), Box<dyn std::error::Error>> {
//! use telltale_session::{RunRequest, Session, Store};
//! let session = Session::new(agent, Store::open_default()?, tokio::runtime::Handle::current());
//! let request =
//!     RunRequest::in_conversation("c1".into(), "r1".into(), "What time is it in Tokyo?".into());
//! let mut events = session.start_run(request)?.events;
//! while let Some(event) = events.recv().await {
//!     println!("{} {:?}", event.seq, event.kind);
//! }
//! # Ok(()) }
//! ```

mod agent_slot;
mod attachment_file;
mod continuation;
mod error;
mod follow;
mod image_refusals;
mod recording;
mod relay;
mod request;
mod run_log;
mod runs;
mod session;
mod store;

pub use agent_slot::AgentSlot;
pub use attachment_file::{read_attachment, AttachFileError};
pub use continuation::ContinueRequest;
pub use error::SessionError;
pub use follow::RunEvents;
pub use request::RunRequest;
pub use run_log::{RunReader, NOTHING_TO_WAIT_FOR};
pub use runs::RunInProgress;
pub use session::{RunSummary, Session, StartedRun, LIVE_VIEW_COMMIT_GAP};
pub use store::{Store, StoreStatus};
pub use telltale_history::Parent;
