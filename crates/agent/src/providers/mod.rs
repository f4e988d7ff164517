//! Providers: the offline demo (no network, no key).

pub mod offline;

pub use offline::{OfflinePace, OfflineProvider};
