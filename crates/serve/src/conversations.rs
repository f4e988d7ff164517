//! `GET /v1/conversations`: the saved conversations, most recent activity first;
//! `GET /v1/conversations/{id}`: one, with every run of every branch and every event, as the
//! history holds them (the window's history reads the same JSON);
//! `GET /v1/conversations/{id}/export`: one exported as `telltale export` does it.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use telltale_history::{Conversation, ConversationDetail, Format};

use crate::error::ApiError;
use crate::AppState;

pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
) -> Result<Json<Vec<Conversation>>, ApiError> {
    let conversations =
        state.session.store().call(|db| db.list_conversations().map_err(ApiError::from)).await?;
    Ok(Json(conversations))
}

pub(crate) async fn read(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<ConversationDetail>, ApiError> {
    let detail = state.session.store().call(move |db| db.get(&id).map_err(ApiError::from)).await?;
    Ok(Json(detail))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExportQuery {
    /// `json` (lossless, every run), `markdown` (or `md`) or `html`.
    format: String,
    /// Markdown and HTML: the branch that ends at this run [default: the latest run's].
    run_id: Option<String>,
}

/// `GET /v1/conversations/{id}/export?format=json|markdown|html[&run_id=…]`: the conversation as
/// `telltale export` writes it (the history's own export), as a download.
pub(crate) async fn export(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let ExportQuery { format, run_id } = query;
    let format: Format = serde_json::from_value(serde_json::Value::String(format.clone()))
        .map_err(|_| {
            ApiError::bad_request(format!("format {format:?} is not json, markdown or html"))
        })?;
    let conversation_id = id.clone();
    let text = state
        .session
        .store()
        .call(move |db| {
            if let Some(run_id) = &run_id {
                let (owner, _) = db.run_place(run_id)?;
                if owner != id {
                    return Err(ApiError::not_found(format!(
                        "run {run_id} is not in conversation {id}"
                    )));
                }
            }
            db.export_branch(&id, format, run_id.as_deref()).map_err(ApiError::from)
        })
        .await?;
    let content_type = match format {
        Format::Json => "application/json",
        Format::Markdown => "text/markdown; charset=utf-8",
        Format::Html => "text/html; charset=utf-8",
    };
    // A download, never a page of this origin (which holds the token).
    let file =
        format!("attachment; filename=\"telltale-{conversation_id}.{}\"", format.extension());
    let headers = [
        (CONTENT_TYPE, content_type.to_owned()),
        (CONTENT_DISPOSITION, file),
        (X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
    ];
    Ok((headers, text).into_response())
}
