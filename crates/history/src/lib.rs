//! Telltale's conversation history, free of any UI: every conversation, run, event and message
//! in SQLite (WAL, appended as it streams), full-text search, and export/import.
//!
//! ```no_run
//! # fn main() -> telltale_history::Result<()> {
//! let history = telltale_history::History::open_default()?;
//! let conversation = history.create_conversation("Hello")?;
//! let recorder = history.start_run(&conversation.id, "run-1", "Hello")?;
//! // recorder.record(&event) for every event as it streams, recorder.record_message(&message)
// for every message as it completes, then:
//! recorder.finish()?;
//! # Ok(()) }
//! ```

mod attachments;
mod conversations;
mod db;
mod error;
pub mod export;
pub mod import;
mod log_at_close;
pub mod migrations;
pub mod private;
mod recorder;
mod resume;
mod schema;
mod search;
mod stored_event;
mod transcript;
mod tree;

pub use attachments::AttachmentInfo;
pub use conversations::{
    title_from_prompt, Conversation, ConversationDetail, RunRecord, RunStatus,
};
pub use db::{
    data_dir, integrity_check, system_clock, Clock, History, APP_IDENTIFIER, DATA_DIR_VAR, DB_FILE,
};
pub use error::{Error, ImportError, Result};
pub use export::{format_time, Format};
pub use recorder::{
    is_recording, CommitHook, FailureHook, Indexing, RecordBatch, Recorder, RecorderConfig,
    RecorderStats, RETRY_DELAYS,
};
pub use resume::Resumed;
pub use search::{SearchHit, SnippetPart};
pub use transcript::INTERRUPTED;
pub use tree::{Parent, RunNode};
