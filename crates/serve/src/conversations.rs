//! `GET /v1/conversations`: the saved conversations, most recent activity first;
//! `GET /v1/conversations/{id}`: one, with every run of every branch and every event, as the
//! history holds them (the window's history reads the same JSON).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use telltale_history::{Conversation, ConversationDetail};

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
