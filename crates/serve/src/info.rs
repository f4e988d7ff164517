//! `GET /v1/info`: which provider and model answer, and how to name them (the window's
//! `app_info`); `GET /v1/history/status`: whether the history works and is saved to disk (the
//! window's `history_status`). The same JSON as the desktop's commands, so the UI reads either.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use telltale_ipc::{AppInfo, HistoryStatus};
use telltale_session::SessionError;

use crate::error::ApiError;
use crate::AppState;

pub(crate) async fn info(State(state): State<Arc<AppState>>) -> Json<AppInfo> {
    let agent = state.session.agent();
    let provider = agent.provider();
    Json(AppInfo {
        provider: provider.id().to_owned(),
        model: provider.model().to_owned(),
        label: agent.label(),
    })
}

pub(crate) async fn history_status(
    State(state): State<Arc<AppState>>,
) -> Result<Json<HistoryStatus>, ApiError> {
    let session = state.session.clone();
    let status = tokio::task::spawn_blocking(move || session.store().status())
        .await
        .map_err(|e| SessionError::TaskFailed(e.to_string()))?;
    Ok(Json(status.into()))
}
