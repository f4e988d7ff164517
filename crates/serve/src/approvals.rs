//! Answering a run's tool calls over HTTP: `POST /v1/runs/{run_id}/approvals/{call_id}` answers
//! one that waits for approval (an `approval_required` event), `POST
//! /v1/runs/{run_id}/tool-calls/{call_id}/cancel` cancels one that runs (the run goes on with
//! the other results). Both go through the session, as the window's buttons do.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use telltale_agent::Decision;

use crate::error::ApiError;
use crate::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Answer {
    approved: bool,
    /// Run the call with these arguments instead of the model's (an approval only).
    args: Option<serde_json::Value>,
    /// Run this tool without asking again for the rest of the run (an approval only).
    #[serde(default)]
    always: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct Answered {
    /// The tool the call runs.
    tool: String,
}

pub(crate) async fn answer(
    State(state): State<Arc<AppState>>,
    Path((run_id, call_id)): Path<(String, String)>,
    Json(answer): Json<Answer>,
) -> Result<Json<Answered>, ApiError> {
    let Answer { approved, args, always } = answer;
    let decision = match approved {
        true => {
            if args.as_ref().is_some_and(|args| !args.is_object()) {
                return Err(ApiError::bad_request("args must be a JSON object".into()));
            }
            Decision::Approve { args, always }
        }
        false if args.is_some() || always => {
            return Err(ApiError::bad_request("args and always go with an approval".into()));
        }
        false => Decision::Deny,
    };
    let tool = state.session.resolve_approval(&run_id, &call_id, decision)?;
    tracing::info!(run_id, call_id, approved, "approval answered over HTTP");
    Ok(Json(Answered { tool }))
}

pub(crate) async fn cancel_call(
    State(state): State<Arc<AppState>>,
    Path((run_id, call_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.session.cancel_tool_call(&run_id, &call_id)?;
    Ok(StatusCode::ACCEPTED)
}
