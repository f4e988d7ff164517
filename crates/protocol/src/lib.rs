//! Telltale's protocol: the typed events an agent run streams and the conversation's messages,
//! defined once here.
//!
//! The TypeScript types the UI uses are generated from these definitions
//! ([`typescript::bindings`]); a test fails when the committed file is stale.

mod attachment;
mod event;
mod message;
pub mod typescript;

pub use attachment::{megabytes, to_base64, Attachment, AttachmentError, AttachmentKind};
pub use event::{BudgetKind, ErrorCode, Event, EventKind, FinishReason, StatusIcon, Usage};
pub use message::{Message, ThinkingBlock, ToolCall};

/// The protocol's version, written into exports and printed by the CLI.
pub const PROTOCOL_VERSION: u32 = 1;
