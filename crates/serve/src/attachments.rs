//! A prompt's files over HTTP: `POST /v1/runs` takes them as `attachments` (base64, or a file
//! the conversation stores by its SHA-256), `POST /v1/attachments/check` checks files before a
//! prompt is sent (what the browser's composer shows), and
//! `GET /v1/conversations/{id}/attachments/{sha256}` answers a stored file's bytes.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header::{CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use telltale_ipc::{AttachmentCheck, AttachmentUpload, CommandError, CommandErrorCode};
use telltale_protocol::Attachment;

use crate::error::ApiError;
use crate::AppState;

/// The largest request body that carries files: a few files at their kinds' limits, as base64.
pub(crate) const BODY_LIMIT: usize = 100 * 1024 * 1024;

/// A prompt's files, checked: the first that cannot be sent refuses the request.
pub(crate) async fn prompt_files(
    state: &AppState,
    conversation_id: &str,
    uploads: Vec<AttachmentUpload>,
) -> Result<Vec<Attachment>, ApiError> {
    telltale_ipc::prompt_files(state.session.store(), conversation_id, uploads)
        .await
        .map_err(refused)
}

/// A file refused, with the code the window shows beside it.
fn refused(error: CommandError) -> ApiError {
    let code = match error.code {
        CommandErrorCode::AttachmentTooLarge => "attachment_too_large",
        CommandErrorCode::AttachmentUnsupported => "attachment_unsupported",
        CommandErrorCode::NotFound => return ApiError::not_found(error.message),
        CommandErrorCode::Database => {
            return telltale_session::SessionError::HistoryUnavailable(error.message).into()
        }
        _ => "invalid_request",
    };
    ApiError::new(StatusCode::BAD_REQUEST, code, error.message)
}

pub(crate) async fn check(Json(files): Json<Vec<AttachmentUpload>>) -> Json<Vec<AttachmentCheck>> {
    Json(telltale_ipc::check_uploads(files).await)
}

/// No such file in the conversation is a 404; the history failing, a 503.
fn not_stored(error: telltale_history::Error) -> ApiError {
    match error {
        error @ telltale_history::Error::Attachment { .. } => {
            ApiError::not_found(error.to_string())
        }
        other => other.into(),
    }
}

pub(crate) async fn data(
    State(state): State<Arc<AppState>>,
    Path((conversation_id, sha256)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let data = state
        .session
        .store()
        .call(move |db| db.attachment_data(&conversation_id, &sha256).map_err(not_stored))
        .await?;
    // Stored files were checked when stored; their content says their type again.
    let media_type =
        Attachment::new("", data.clone()).map_or("application/octet-stream", |a| a.media_type());
    Ok(([(CONTENT_TYPE, media_type), (X_CONTENT_TYPE_OPTIONS, "nosniff")], data).into_response())
}
