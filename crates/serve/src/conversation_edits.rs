//! What the window's sidebar does to the history, over HTTP: rename
//! (`PATCH /v1/conversations/{id}` with `{"title"}`), delete (`DELETE`, kept for an undo),
//! undo a delete (`POST /v1/conversations/{id}/restore`), and full-text search
//! (`GET /v1/search?q=…`, the hits marked as the window shows them).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use telltale_history::SearchHit;

use crate::error::ApiError;
use crate::AppState;

/// How many conversations a search returns at most (as in the window).
const SEARCH_LIMIT: usize = 30;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rename {
    title: String,
}

pub(crate) async fn rename(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Json(body): Json<Rename>,
) -> Result<StatusCode, ApiError> {
    let title = body.title.trim().to_owned();
    if title.is_empty() {
        return Err(ApiError::bad_request("a title cannot be empty".into()));
    }
    state.session.store().call(move |db| db.rename(&id, &title).map_err(ApiError::from)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.session.store().call(move |db| db.delete(&id).map_err(ApiError::from)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn restore(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.session.store().call(move |db| db.undelete(&id).map_err(ApiError::from)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub(crate) struct Search {
    q: String,
}

pub(crate) async fn search(
    State(state): State<Arc<AppState>>,
    Query(Search { q }): Query<Search>,
) -> Result<Json<Vec<SearchHit>>, ApiError> {
    let hits = state
        .session
        .store()
        .call(move |db| db.search(&q, SEARCH_LIMIT).map_err(ApiError::from))
        .await?;
    Ok(Json(hits))
}
