//! `GET /v1/runs`: the runs in progress, each with its conversation, so a client that comes
//! back (a page reloaded mid-run) can open the conversation and read on from the last `seq` it
//! holds (`GET /v1/runs/{run_id}/events?after=SEQ`).

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::AppState;

#[derive(Debug, Serialize)]
pub(crate) struct InProgress {
    run_id: String,
    conversation_id: String,
}

pub(crate) async fn list(State(state): State<Arc<AppState>>) -> Json<Vec<InProgress>> {
    let runs = state
        .session
        .runs_in_progress()
        .into_iter()
        .map(|run| InProgress { run_id: run.run_id, conversation_id: run.conversation_id });
    Json(runs.collect())
}
