//! Everything that crosses Telltale's IPC besides the event stream, defined once in Rust: the
//! command names and the menu channel (`names`), what the shell's own commands answer
//! (`answers`), the one command error (`error`), and the TypeScript generated from them and from
//! the history's and the settings' types (`typescript`; a test fails when the committed file is
//! stale).

mod answers;
mod attachments;
mod error;
mod names;
pub mod typescript;

pub use answers::{AppInfo, ApprovalAnswer, BudgetAnswer, HistoryStatus, RunParent};
pub use attachments::{
    attachments, check_uploads, prompt_files, AttachmentCheck, AttachmentUpload,
};
pub use error::{CommandError, CommandErrorCode};
pub use names::{command, COMMANDS, MENU_CHANNEL};
