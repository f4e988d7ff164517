//! What the window's sidebar does to the history, over HTTP: rename
//! (`PATCH /v1/conversations/{id}` with `{"title"}`), delete (`DELETE`, kept for an undo),
//! undo a delete (`POST /v1/conversations/{id}/restore`), full-text search
//! (`GET /v1/search?q=…`, the hits marked as the window shows them), and the run a conversation
//! reopens on (`PUT /v1/conversations/{id}/shown` with `{"run_id"}`).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use telltale_history::{History, SearchHit};

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
    state: State<Arc<AppState>>,
    id: Path<String>,
    body: Json<Rename>,
) -> Edited {
    let title = body.title.trim().to_owned();
    if title.is_empty() {
        return Err(ApiError::bad_request("a title cannot be empty".into()));
    }
    edit(state, id, move |db, id| db.rename(id, &title)).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Shown {
    run_id: String,
}

/// The run the window shows the conversation at (the last run of the branch on screen).
pub(crate) async fn show_run(
    state: State<Arc<AppState>>,
    id: Path<String>,
    body: Json<Shown>,
) -> Edited {
    let Json(Shown { run_id }) = body;
    edit(state, id, move |db, id| db.show_run(id, &run_id)).await
}

pub(crate) async fn delete(state: State<Arc<AppState>>, id: Path<String>) -> Edited {
    edit(state, id, History::delete).await
}

pub(crate) async fn restore(state: State<Arc<AppState>>, id: Path<String>) -> Edited {
    edit(state, id, History::undelete).await
}

/// What an edit answers: 204 No Content once it is done.
type Edited = Result<StatusCode, ApiError>;

/// Makes `change` to the conversation `id` in the history.
async fn edit(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    change: impl FnOnce(&History, &str) -> telltale_history::Result<()> + Send + 'static,
) -> Edited {
    state.session.store().call(move |db| change(db, &id).map_err(ApiError::from)).await?;
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
