//! Why a session could not do what a front end asked: typed, with messages a user can act on.

/// An error from the session layer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// The request itself is wrong (an empty prompt, a malformed id).
    #[error("{0}")]
    InvalidRequest(String),
    /// The conversation is answering already, or the run id is taken.
    #[error("{0}")]
    Busy(String),
    /// No such run in progress, or no such call waiting or running in it.
    #[error("{0}")]
    NotFound(String),
    /// The history could not be opened; the message says why.
    #[error("the history is unavailable: {0}")]
    HistoryUnavailable(String),
    /// A background task of the session ended without an answer.
    #[error("a background task failed: {0}")]
    TaskFailed(String),
}
