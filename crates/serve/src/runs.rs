//! `POST /v1/runs` starts a run (in a new conversation, or continuing one; with the configured
//! agent, or another provider or model for that run only) and answers its ids at once, or with
//! `?stream=true` its events directly; `POST /v1/runs/{run_id}/cancel` stops one. The events are
//! read separately (`events.rs`), as often as a client likes.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use telltale_ipc::AttachmentUpload;
use telltale_session::{Parent, RunRequest};

use crate::attachments::prompt_files;
use crate::choose::agent_for;
use crate::error::ApiError;
use crate::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateRun {
    prompt: String,
    /// Continue this conversation (its latest run, unless `parent_run_id` names another);
    /// none: a new conversation.
    conversation_id: Option<String>,
    /// Continue from this run (a new branch when it has a continuation already).
    parent_run_id: Option<String>,
    /// Answer with this provider (`offline`, `openai`, `anthropic`) for this run only.
    provider: Option<String>,
    /// Ask this model for this run only.
    model: Option<String>,
    /// The client's id for the run (so it can show the run before this answer); none: a new one.
    run_id: Option<String>,
    /// Start `conversation_id` over: its first turn (the conversation is made with that id when
    /// it does not exist yet) or a new version of it.
    #[serde(default)]
    root: bool,
    /// Files sent with the prompt: `{name, data}` with the content as base64, or `{name,
    /// sha256}` for a file the conversation stores (a prompt sent again).
    #[serde(default)]
    attachments: Vec<AttachmentUpload>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CreateQuery {
    /// Answer with the run's event stream instead of its ids.
    #[serde(default)]
    stream: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct Created {
    run_id: String,
    conversation_id: String,
}

/// The ids of a run answered with its stream (`?stream=true`).
const RUN_ID: HeaderName = HeaderName::from_static("x-run-id");
const CONVERSATION_ID: HeaderName = HeaderName::from_static("x-conversation-id");

pub(crate) async fn create(
    State(state): State<Arc<AppState>>,
    Query(query): Query<CreateQuery>,
    Json(body): Json<CreateRun>,
) -> Result<Response, ApiError> {
    let CreateRun {
        prompt,
        conversation_id,
        parent_run_id,
        provider,
        model,
        run_id,
        root,
        attachments,
    } = body;
    let agent = agent_for(state.choose_agent.as_ref(), provider, model)?;
    let run_id = run_id.unwrap_or_else(telltale_agent::new_run_id);
    let session = &state.session;
    let request = match (conversation_id, parent_run_id) {
        (_, Some(_)) | (None, _) if root => {
            return Err(ApiError::bad_request(
                "root starts a conversation over: give its conversation_id and no parent_run_id"
                    .into(),
            ))
        }
        (Some(conversation_id), None) if root => RunRequest {
            parent: Parent::Root,
            ..RunRequest::in_conversation(conversation_id, run_id.clone(), prompt)
        },
        (None, None) => RunRequest {
            new_conversation: true,
            ..RunRequest::in_conversation(new_conversation_id(), run_id.clone(), prompt)
        },
        (conversation_id, Some(parent)) => {
            let lookup = parent.clone();
            let (owner, _) = session
                .store()
                .call(move |db| db.run_place(&lookup).map_err(ApiError::from))
                .await?;
            if conversation_id.as_ref().is_some_and(|given| *given != owner) {
                return Err(ApiError::bad_request(format!(
                    "run {parent} is not a run of conversation {}",
                    conversation_id.unwrap_or_default()
                )));
            }
            RunRequest {
                parent: Parent::Run(parent),
                ..RunRequest::in_conversation(owner, run_id.clone(), prompt)
            }
        }
        (Some(conversation_id), None) => {
            let id = conversation_id.clone();
            session.store().call(move |db| db.conversation(&id).map_err(ApiError::from)).await?;
            RunRequest::in_conversation(conversation_id, run_id.clone(), prompt)
        }
    };
    let attachments = prompt_files(&state, &request.conversation_id, attachments).await?;
    let request = RunRequest { agent, attachments, ..request };
    let conversation_id = request.conversation_id.clone();
    // The run goes on whether or not anyone reads it: its events are kept for the readers.
    let _started = session.start_run(request)?;
    tracing::info!(run_id, conversation_id, "run started over HTTP");
    if query.stream {
        let ids =
            [(RUN_ID, header_value(&run_id)), (CONVERSATION_ID, header_value(&conversation_id))];
        let stream = crate::events::sse_response(&state, run_id, 0).await?;
        return Ok((ids, stream).into_response());
    }
    Ok((StatusCode::CREATED, Json(Created { run_id, conversation_id })).into_response())
}

/// An id as a header value (ids are letters, digits, `-` and `_`: the session checked them).
fn header_value(id: &str) -> HeaderValue {
    HeaderValue::from_str(id).unwrap_or(HeaderValue::from_static(""))
}

pub(crate) async fn cancel(
    State(state): State<Arc<AppState>>,
    Path(run_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if state.session.stop_run(&run_id) {
        Ok(StatusCode::ACCEPTED)
    } else {
        Err(ApiError::not_found(format!("no run {run_id} in progress")))
    }
}

fn new_conversation_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}
