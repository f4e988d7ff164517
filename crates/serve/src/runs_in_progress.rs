//! `GET /v1/runs`: the runs in progress, each with its conversation, so a client that comes
//! back (a page reloaded mid-run) can open the conversation and read on from the last `seq` it
//! holds (`GET /v1/runs/{run_id}/events?after=SEQ`).

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use telltale_session::RunInProgress;

use crate::AppState;

pub(crate) async fn list(State(state): State<Arc<AppState>>) -> Json<Vec<RunInProgress>> {
    Json(state.session.runs_in_progress())
}
