//! Providers: the offline demo (no network, no key) and OpenAI-compatible servers.

pub mod http_errors;
mod http_stream;
pub mod offline;
pub mod openai;

pub use http_errors::ApiKey;
pub use offline::{OfflinePace, OfflineProvider};
pub use openai::OpenAiProvider;
