//! Errors the commands return to the webview: typed, serialised as `{code, message}`.

use serde::Serialize;

#[derive(Debug, thiserror::Error, Serialize)]
#[serde(tag = "code", content = "message", rename_all = "snake_case")]
pub enum CommandError {
    #[error("{0}")]
    InvalidRequest(String),
    #[error("{0}")]
    Busy(String),
}
