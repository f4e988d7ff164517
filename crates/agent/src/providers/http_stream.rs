//! The HTTP half of a streamed step, shared by the providers: send the request, turn a failed
//! status into its typed error, then read the body as Server-Sent Events with an idle timeout.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use telltale_protocol::ErrorCode;

use crate::provider::ProviderError;
use crate::providers::http_errors::{self, looks_like_html, ApiKey, Context};
use crate::sse::{SseEvent, SseParser};

/// Largest error body read to quote the server's message.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// How an event stream ended, when it did not fail.
pub(crate) enum Ended {
    /// The handler said the stream is complete (`[DONE]`, `message_stop`).
    Done,
    /// The body ended first.
    Eof,
}

pub(crate) fn stall(ctx: &Context<'_>, idle: Duration) -> ProviderError {
    ProviderError::new(
        ErrorCode::Timeout,
        format!(
            "The {} sent nothing for {} s, so Telltale gave up waiting. Try again; if it keeps \
             happening, the model may be overloaded.",
            ctx.provider,
            idle.as_secs_f64()
        ),
        true,
    )
}

pub(crate) fn malformed(ctx: &Context<'_>, what: &str) -> ProviderError {
    ProviderError::new(ErrorCode::MalformedStream, ApiKey::redact(ctx.key, what), false)
}

fn html_instead_of_stream(ctx: &Context<'_>, hint: &str) -> ProviderError {
    malformed(
        ctx,
        &format!("The {} answered with an HTML page instead of an event stream. Check the base URL{hint}.", ctx.provider),
    )
}

/// Sends `request` and returns the response once it is a success; any other status becomes its
/// typed error. `url_hint` completes "Check the base URL…" for an HTML page (", which usually ends in /v1").
pub(crate) async fn send(
    ctx: &Context<'_>,
    request: reqwest::RequestBuilder,
    idle: Duration,
    url_hint: &str,
) -> Result<reqwest::Response, ProviderError> {
    let response = match tokio::time::timeout(idle, request.send()).await {
        Err(_) => return Err(stall(ctx, idle)),
        Ok(Err(error)) => return Err(http_errors::transport_error(ctx, &error)),
        Ok(Ok(response)) => response,
    };
    let status = response.status();
    if !status.is_success() {
        let retry_after = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = error_body(response, idle).await;
        return Err(http_errors::status_error(ctx, status.as_u16(), retry_after.as_deref(), &body));
    }
    let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type.to_ascii_lowercase().starts_with("text/html") {
        return Err(html_instead_of_stream(ctx, url_hint));
    }
    Ok(response)
}

/// Reads an error body (at most [`ERROR_BODY_LIMIT`] bytes, within the idle timeout).
async fn error_body(response: reqwest::Response, idle: Duration) -> String {
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while body.len() < ERROR_BODY_LIMIT {
        match tokio::time::timeout(idle, stream.next()).await {
            Ok(Some(Ok(bytes))) => body.extend_from_slice(&bytes),
            _ => break,
        }
    }
    String::from_utf8_lossy(&body).into_owned()
}

/// Parses the body as events, handing each to `handle` until it returns `true` (the stream's
/// own end) or the body ends. Fails on a stall, a broken connection, or an HTML page.
pub(crate) async fn read_events(
    ctx: &Context<'_>,
    response: reqwest::Response,
    idle: Duration,
    url_hint: &str,
    mut handle: impl FnMut(&SseEvent) -> Result<bool, ProviderError>,
) -> Result<Ended, ProviderError> {
    let mut stream = response.bytes_stream();
    let mut parser = SseParser::new();
    let mut head = Vec::new();
    loop {
        let chunk = match tokio::time::timeout(idle, stream.next()).await {
            Err(_) => return Err(stall(ctx, idle)),
            Ok(None) => break,
            Ok(Some(Err(error))) => return Err(http_errors::transport_error(ctx, &error)),
            Ok(Some(Ok(chunk))) => chunk,
        };
        if head.len() < 64 {
            head.extend(chunk.iter().take(64 - head.len()));
        }
        for event in parser.feed(&chunk) {
            if handle(&event)? {
                return Ok(Ended::Done);
            }
        }
    }
    parser.finish();
    if looks_like_html(&head) {
        return Err(html_instead_of_stream(ctx, url_hint));
    }
    Ok(Ended::Eof)
}

/// The start of `text`, for a message.
pub(crate) fn excerpt(text: &str) -> String {
    match text.char_indices().nth(120) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Parses a tool call's streamed arguments (empty means no arguments).
pub(crate) fn parse_args(ctx: &Context<'_>, name: &str, raw: &str) -> Result<serde_json::Value, ProviderError> {
    if raw.trim().is_empty() {
        return Ok(serde_json::Value::Object(Default::default()));
    }
    serde_json::from_str(raw).map_err(|e| {
        malformed(
            ctx,
            &format!("The model's arguments for the tool \"{name}\" are not valid JSON ({e}): {}. Try again.", excerpt(raw)),
        )
    })
}

/// Token counts as the protocol keeps them.
pub(crate) fn clamp(tokens: Option<u64>) -> u32 {
    u32::try_from(tokens.unwrap_or(0)).unwrap_or(u32::MAX)
}
