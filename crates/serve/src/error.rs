//! The server's errors: starting it (typed, for the CLI), and each request's, answered as
//! `{code, message}` with the matching status.

use std::net::SocketAddr;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use telltale_session::SessionError;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "refusing to listen on {0} without a token of your own: anyone who can reach it could \
         run the agent; pass --token TOKEN, or bind to 127.0.0.1"
    )]
    PublicWithoutToken(SocketAddr),
    #[error(
        "--cors-origin {0:?} is not an origin: give a scheme and a host, with a port if need be \
         and nothing after, e.g. https://app.example.com or http://127.0.0.1:5173"
    )]
    CorsOrigin(String),
    #[error("the HTTP server failed: {0}")]
    Serve(#[source] std::io::Error),
}

/// A request that could not be done: its status, a stable code and a message to act on.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: String) -> ApiError {
        ApiError { status, code, message }
    }

    pub fn not_found(message: String) -> ApiError {
        ApiError { status: StatusCode::NOT_FOUND, code: "not_found", message }
    }

    pub fn bad_request(message: String) -> ApiError {
        ApiError { status: StatusCode::BAD_REQUEST, code: "invalid_request", message }
    }
}

impl From<SessionError> for ApiError {
    fn from(error: SessionError) -> ApiError {
        let (status, code) = match &error {
            SessionError::InvalidRequest(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
            SessionError::Busy(_) => (StatusCode::CONFLICT, "busy"),
            SessionError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            SessionError::HistoryUnavailable(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "history_unavailable")
            }
            SessionError::TaskFailed(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        ApiError { status, code, message: error.to_string() }
    }
}

impl From<telltale_history::Error> for ApiError {
    fn from(error: telltale_history::Error) -> ApiError {
        match error {
            error @ (telltale_history::Error::RunNotFound(_)
            | telltale_history::Error::NotFound(_)) => ApiError::not_found(error.to_string()),
            error @ telltale_history::Error::ExportTooLarge { .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "export_too_large",
                error.to_string(),
            ),
            other => SessionError::HistoryUnavailable(other.to_string()).into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "code": self.code, "message": self.message });
        (self.status, axum::Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_too_large_to_import_is_a_422_with_its_code() {
        let large = telltale_history::Error::ExportTooLarge { size: 600 << 20, limit: 512 << 20 };
        let error = ApiError::from(large);
        assert_eq!(
            (error.status, error.code),
            (StatusCode::UNPROCESSABLE_ENTITY, "export_too_large")
        );
        assert!(error.message.contains("600.0 MiB, more than the 512 MiB"), "{}", error.message);
    }
}
