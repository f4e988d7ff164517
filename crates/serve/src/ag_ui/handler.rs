//! `POST /v1/ag-ui`: an AG-UI `RunAgentInput` in, the run's AG-UI events out as Server-Sent
//! Events (`data: <json>` each), so `@ag-ui/client`'s `HttpAgent` runs a Telltale agent as is.
//! The thread is a conversation of the same id (made when new, with the messages before the
//! prompt as its start), the run a run of the same id: `GET /v1/runs/{runId}/events` and the
//! history show it like any other. A client that goes away does not stop the run.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream::{self, StreamExt};
use serde_json::Value;
use telltale_session::{RunRequest, SessionError};

use super::events::Mapper;
use super::input::{RunAgentInput, Turn};
use crate::attachments::prompt_files;
use crate::error::ApiError;
use crate::events::X_ACCEL_BUFFERING;
use crate::AppState;

pub(crate) async fn run(
    State(state): State<Arc<AppState>>,
    Json(input): Json<RunAgentInput>,
) -> Result<Response, ApiError> {
    let Turn { prompt, files, earlier } = input.turn()?;
    let RunAgentInput { thread_id, run_id, .. } = input;
    let session = &state.session;
    let (conversation, run) = (thread_id.clone(), run_id.clone());
    let (known, run_taken) = session
        .store()
        .call(move |db| {
            let known = match db.conversation(&conversation) {
                Ok(_) => true,
                Err(telltale_history::Error::NotFound(_)) => false,
                Err(error) => return Err(ApiError::from(error)),
            };
            Ok((known, db.run_place(&run).is_ok()))
        })
        .await?;
    if run_taken {
        return Err(ApiError::from(SessionError::Busy(format!(
            "run {run_id} exists already: each AG-UI run needs a runId of its own"
        ))));
    }
    let attachments = prompt_files(&state, &thread_id, files).await?;
    // A known thread goes on from its latest run: the history has its messages already.
    let request = RunRequest {
        new_conversation: !known,
        context: if known { Vec::new() } else { earlier },
        attachments,
        ..RunRequest::in_conversation(thread_id.clone(), run_id.clone(), prompt)
    };
    // Its events are read from its log like any reader's (a slow client holds no queue), so
    // the channel the session hands the starter goes unread.
    drop(session.start_run(request)?);
    tracing::info!(run_id, conversation_id = thread_id, "AG-UI run started");

    let events = crate::events::run_events(&state, &run_id, 0).await?;
    let mut mapper = Mapper::new(thread_id, run_id);
    let events = events.flat_map(move |event| {
        let mapped = if mapper.is_over() { Vec::new() } else { mapper.map(&event) };
        stream::iter(mapped.into_iter().map(to_sse))
    });
    // A comment, which AG-UI clients skip, keeps a quiet stream open through proxies.
    let keep_alive = KeepAlive::new().interval(state.keepalive).text("keep-alive");
    let sse = Sse::new(events).keep_alive(keep_alive);
    Ok(([(CACHE_CONTROL, "no-cache"), (X_ACCEL_BUFFERING, "no")], sse).into_response())
}

fn to_sse(event: Value) -> Result<SseEvent, Infallible> {
    Ok(SseEvent::default().data(event.to_string()))
}
