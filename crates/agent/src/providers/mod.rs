//! Providers: the offline demo (no network, no key), OpenAI-compatible servers and Anthropic.

pub mod anthropic;
pub(crate) mod attached;
mod cpu_work;
mod decoder;
mod endpoint;
mod http_client;
pub mod http_errors;
mod http_stream;
pub mod offline;
pub mod openai;
mod pdf_texts;
pub mod settings;

pub use anthropic::AnthropicProvider;
pub use decoder::{HttpProvider, StreamDecoder};
pub use http_errors::ApiKey;
pub use http_stream::Ended;
pub use http_stream::{RetryPolicy, StepLimits};
pub use offline::{OfflinePace, OfflineProvider};
pub use openai::OpenAiProvider;
pub use settings::{ProviderKind, ProviderSettings, SettingsError};
