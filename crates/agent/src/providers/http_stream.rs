//! The HTTP half of a streamed step, shared by the providers: send the request, turn a failed
//! status into its typed error, then read the body as Server-Sent Events with an idle timeout.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use telltale_protocol::{ErrorCode, StatusIcon};

use crate::provider::{ProviderError, StepSink};
use crate::providers::http_errors::{self, looks_like_html, ApiKey, Context};
use crate::sse::{SseEvent, SseParser};

/// Largest error body read to quote the server's message.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// How an event stream ended, when it did not fail.
pub enum Ended {
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

/// How often, and how patiently, a request is retried before anything has streamed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Tries in all (1: no retry).
    pub max_tries: u32,
    /// The wait before the second try; it doubles for each further one, with jitter.
    pub base_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_tries: 3, base_delay: Duration::from_millis(500) }
    }
}

/// How much one step's stream may send, and for how long: a server that streams forever (or
/// far more than any answer needs) is stopped with a typed error, keeping what came before.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepLimits {
    /// Bytes of the response body, event-stream framing included.
    pub max_bytes: usize,
    /// From the response's headers to its end.
    pub max_duration: Duration,
}

impl Default for StepLimits {
    /// 64 MiB (some 300,000 tokens of OpenAI-style chunks) and 30 minutes.
    fn default() -> Self {
        StepLimits { max_bytes: 64 << 20, max_duration: Duration::from_secs(30 * 60) }
    }
}

fn too_large(ctx: &Context<'_>, limits: StepLimits) -> ProviderError {
    ProviderError::new(
        ErrorCode::MalformedStream,
        format!(
            "The {} sent more than {} MiB for one answer, more than any answer needs, so \
             Telltale stopped reading; what came before is kept.",
            ctx.provider,
            limits.max_bytes >> 20
        ),
        false,
    )
}

fn too_long(ctx: &Context<'_>, limits: StepLimits) -> ProviderError {
    ProviderError::new(
        ErrorCode::Timeout,
        format!(
            "The {} was still streaming one answer after {} minutes, so Telltale stopped \
             reading; what came before is kept.",
            ctx.provider,
            limits.max_duration.as_secs() / 60
        ),
        false,
    )
}

/// A server's `Retry-After` longer than this is not waited for: the error goes to the user.
const LONGEST_RETRY_WAIT: Duration = Duration::from_secs(30);

/// Sends the request `make` builds, retrying retryable failures (refused, 408, 429, 5xx, a stall
/// before the answer's headers) with jittered exponential backoff, at most `policy.max_tries`
/// times in all. Nothing has streamed at this point, so a retry never replays an answer.
/// Each retry is announced as a `status`. Returns the response once it is a success.
pub(crate) async fn send_with_retry(
    ctx: &Context<'_>,
    make: impl Fn() -> reqwest::RequestBuilder,
    idle: Duration,
    url_hint: &str,
    policy: RetryPolicy,
    sink: &StepSink,
) -> Result<reqwest::Response, ProviderError> {
    let max_tries = policy.max_tries.max(1);
    let mut attempt = 1;
    loop {
        let (error, retry_after) = match send(ctx, make(), idle, url_hint).await {
            Ok(response) => return Ok(response),
            Err(failure) => failure,
        };
        if !error.retryable || attempt >= max_tries {
            return Err(error);
        }
        let backoff = jittered(policy.base_delay.saturating_mul(1 << (attempt - 1).min(16)));
        let wait = retry_after.map_or(backoff, |server| server.max(backoff));
        if wait > LONGEST_RETRY_WAIT {
            return Err(error);
        }
        attempt += 1;
        tracing::info!(code = ?error.code, ?wait, attempt, "retrying the provider request");
        sink.status(
            &format!(
                "{} Retrying in {:.1} s (try {attempt} of {max_tries})…",
                short_reason(&error),
                wait.as_secs_f64()
            ),
            StatusIcon::Retrying,
        );
        tokio::time::sleep(wait).await;
    }
}

/// The first sentence of an error message, for a status line.
fn short_reason(error: &ProviderError) -> String {
    match error.message.find(". ") {
        Some(end) => error.message[..=end].to_owned(),
        None => error.message.clone(),
    }
}

/// `delay` scaled by a random factor in [0.5, 1) so that clients do not retry in step.
fn jittered(delay: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    let unit = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64;
    delay.mul_f64(0.5 + unit / 2.0)
}

/// Sends `request` once: the response if it is a success, else the typed error and the server's
/// `Retry-After`. `url_hint` completes "Check the base URL…" for an HTML page.
async fn send(
    ctx: &Context<'_>,
    request: reqwest::RequestBuilder,
    idle: Duration,
    url_hint: &str,
) -> Result<reqwest::Response, (ProviderError, Option<Duration>)> {
    let response = match tokio::time::timeout(idle, request.send()).await {
        Err(_) => return Err((stall(ctx, idle), None)),
        Ok(Err(error)) => return Err((http_errors::transport_error(ctx, &error), None)),
        Ok(Ok(response)) => response,
    };
    let status = response.status();
    if !status.is_success() {
        let retry_after =
            response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = error_body(response, idle).await;
        let error = http_errors::status_error(ctx, status.as_u16(), retry_after.as_deref(), &body);
        return Err((error, retry_after.as_deref().and_then(http_errors::parse_retry_after)));
    }
    let content_type =
        response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type.to_ascii_lowercase().starts_with("text/html") {
        return Err((html_instead_of_stream(ctx, url_hint), None));
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
/// own end) or the body ends. Fails on a stall, a broken connection, an HTML page, or a stream
/// past `limits`.
pub(crate) async fn read_events(
    ctx: &Context<'_>,
    response: reqwest::Response,
    idle: Duration,
    limits: StepLimits,
    url_hint: &str,
    mut handle: impl FnMut(&SseEvent) -> Result<bool, ProviderError>,
) -> Result<Ended, ProviderError> {
    let mut stream = response.bytes_stream();
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    let mut head = Vec::new();
    let deadline = tokio::time::Instant::now() + limits.max_duration;
    let mut received = 0usize;
    loop {
        // A stream that never pauses is stopped at the deadline too.
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            return Err(too_long(ctx, limits));
        }
        let wait = idle.min(left);
        let chunk = match tokio::time::timeout(wait, stream.next()).await {
            Err(_) if wait < idle => return Err(too_long(ctx, limits)),
            Err(_) => return Err(stall(ctx, idle)),
            Ok(None) => break,
            Ok(Some(Err(error))) => return Err(http_errors::transport_error(ctx, &error)),
            Ok(Some(Ok(chunk))) => chunk,
        };
        received = received.saturating_add(chunk.len());
        if received > limits.max_bytes {
            return Err(too_large(ctx, limits));
        }
        if head.len() < 64 {
            head.extend(chunk.iter().take(64 - head.len()));
        }
        if handle_chunk(&mut parser, &chunk, &mut events, &mut handle)? {
            return Ok(Ended::Done);
        }
    }
    parser.finish();
    if looks_like_html(&head) {
        return Err(html_instead_of_stream(ctx, url_hint));
    }
    Ok(Ended::Eof)
}

/// [`read_events`] without the I/O: the body as the chunks it arrived in (for `decode_body`).
pub(crate) fn decode_chunks<'c>(
    chunks: impl IntoIterator<Item = &'c [u8]>,
    mut handle: impl FnMut(&SseEvent) -> Result<bool, ProviderError>,
) -> Result<Ended, ProviderError> {
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    for chunk in chunks {
        if handle_chunk(&mut parser, chunk, &mut events, &mut handle)? {
            return Ok(Ended::Done);
        }
    }
    parser.finish();
    Ok(Ended::Eof)
}

/// Parses one chunk and hands each event it completes to `handle`; `true` once `handle` says the
/// stream is complete (the rest of the chunk is then ignored). `events` is scratch space kept
/// across chunks, so that a chunk costs no allocation of its own.
fn handle_chunk(
    parser: &mut SseParser,
    chunk: &[u8],
    events: &mut Vec<SseEvent>,
    handle: &mut impl FnMut(&SseEvent) -> Result<bool, ProviderError>,
) -> Result<bool, ProviderError> {
    events.clear();
    parser.feed_into(chunk, events);
    for event in events.drain(..) {
        if handle(&event)? {
            return Ok(true);
        }
    }
    if parser.oversized() {
        return Err(ProviderError::new(
            ErrorCode::MalformedStream,
            format!(
                "The provider sent a line or an event larger than {} MiB, which no answer needs; \
                 the stream was stopped and what came before it is kept.",
                crate::sse::MAX_EVENT_BYTES / (1024 * 1024)
            ),
            false,
        ));
    }
    Ok(false)
}

/// The start of `text`, for a message.
pub(crate) fn excerpt(text: &str) -> String {
    match text.char_indices().nth(120) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Parses a tool call's streamed arguments (empty means no arguments).
pub(crate) fn parse_args(
    ctx: &Context<'_>,
    name: &str,
    raw: &str,
) -> Result<serde_json::Value, ProviderError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_chunks_hands_over_events_across_chunks_and_stops_when_told() {
        let body = b"data: a\n\ndata: stop\n\ndata: never\n\n";
        let mut seen = Vec::new();
        let ended = decode_chunks(body.chunks(1), |event| {
            seen.push(event.data.clone());
            Ok(event.data == "stop")
        });
        assert!(matches!(ended, Ok(Ended::Done)));
        assert_eq!(seen, ["a", "stop"]);
        let mut count = 0;
        let ended = decode_chunks(body.chunks(5), |_| {
            count += 1;
            Ok(false)
        });
        assert!(matches!(ended, Ok(Ended::Eof)));
        assert_eq!(count, 3);
    }
}
