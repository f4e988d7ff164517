//! `GET /v1/runs/{run_id}/events`: a run's events as Server-Sent Events, one SSE event per
//! protocol event (`id:` its `seq`, `event:` its type, `data:` its JSON). A client that
//! reconnects with `Last-Event-ID: N` gets every event after `N`, then the rest live, with no
//! gap and nothing twice (the session's run log replays and follows under one lock); a new
//! connection that cannot set that header (a browser's `EventSource`) says `?after=N` instead; a run
//! that has ended is read whole from the history. A `ping` event with no id is sent whenever
//! nothing else was for the keep-alive interval, so proxies never close a quiet stream.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, BoxStream, StreamExt};
use telltale_protocol::Event;
use telltale_session::RunEvents;

use crate::error::ApiError;
use crate::AppState;

pub(crate) async fn stream(
    State(state): State<Arc<AppState>>,
    Path(run_id): Path<String>,
    Query(query): Query<EventsQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let from_seq = resume_from(&headers, query.after.as_deref())?;
    sse_response(&state, run_id, from_seq).await
}

/// The events of `run_id` from `from_seq` on: read from the run's log while it is in progress
/// (each reader a cursor into it, read as the connection takes more, never a queue), else from
/// the history.
pub(crate) async fn run_events(
    state: &AppState,
    run_id: &str,
    from_seq: u64,
) -> Result<BoxStream<'static, Event>, ApiError> {
    Ok(match state.session.events_from(run_id, from_seq).await? {
        RunEvents::Live(reader) => stream::unfold(reader, |mut reader| async move {
            reader.recv().await.map(|event| (event, reader))
        })
        .boxed(),
        // Not in progress: it has ended, and everything it sent is in the history.
        RunEvents::Ended(events) => stream::iter(events).boxed(),
    })
}

/// The events of `run_id` from `from_seq` on as an SSE response ([`run_events`]).
pub(crate) async fn sse_response(
    state: &AppState,
    run_id: String,
    from_seq: u64,
) -> Result<Response, ApiError> {
    let events = run_events(state, &run_id, from_seq).await?;
    let keep_alive = KeepAlive::new()
        .interval(state.keepalive)
        .event(SseEvent::default().event("ping").data("{}"));
    let sse = Sse::new(events.map(to_sse)).keep_alive(keep_alive);
    Ok(([(CACHE_CONTROL, "no-cache"), (X_ACCEL_BUFFERING, "no")], sse).into_response())
}

/// Tells nginx not to buffer the stream.
pub(crate) const X_ACCEL_BUFFERING: axum::http::HeaderName =
    axum::http::HeaderName::from_static("x-accel-buffering");

#[derive(Debug, serde::Deserialize)]
pub(crate) struct EventsQuery {
    /// The `seq` of the last event the client holds (a new connection's `Last-Event-ID`).
    after: Option<String>,
}

/// The first `seq` to send: the one after `Last-Event-ID` (which a browser's `EventSource` sends
/// on its own reconnections, so it wins), else after `?after=`, else 0.
fn resume_from(headers: &HeaderMap, after: Option<&str>) -> Result<u64, ApiError> {
    let given = match headers.get("last-event-id") {
        Some(value) => value.to_str().ok(),
        None => match after {
            Some(after) => Some(after),
            None => return Ok(0),
        },
    };
    given
        .and_then(|text| text.trim().parse::<u64>().ok())
        .and_then(|seq| seq.checked_add(1))
        .ok_or_else(|| {
            ApiError::bad_request(
                "Last-Event-ID (or ?after=) must be the seq of an event received".into(),
            )
        })
}

fn to_sse(event: Event) -> Result<SseEvent, Infallible> {
    let sse = SseEvent::default().id(event.seq.to_string());
    Ok(match serde_json::to_value(&event) {
        Ok(json) => {
            let kind = json.get("type").and_then(|kind| kind.as_str()).unwrap_or("event");
            sse.event(kind).data(json.to_string())
        }
        // Cannot happen for protocol events (plain data); say so rather than drop the seq.
        Err(error) => sse
            .event("error")
            .data(serde_json::json!({ "type": "error", "message": error.to_string() }).to_string()),
    })
}
