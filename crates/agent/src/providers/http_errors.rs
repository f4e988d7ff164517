//! HTTP failures of a model provider, turned into typed [`ProviderError`]s whose messages say
//! what to do. Shared by the OpenAI-compatible and Anthropic providers.
//!
//! Nothing here ever puts the API key in a message: bodies quoted from the server are redacted.
//! Nor a URL's `user:pass@`: every message goes through [`without_userinfo`].

use std::time::Duration;

use telltale_protocol::ErrorCode;
use zeroize::Zeroizing;

use crate::provider::ProviderError;
use crate::urls::without_userinfo;

/// The API key, kept out of every `Debug` and error message, and overwritten with zeros when
/// dropped (a provider rebuilt from new settings leaves no copy of the old key in freed memory).
#[derive(Clone)]
pub struct ApiKey(Zeroizing<String>);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(Zeroizing::new(key.into()))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// Replaces every occurrence of the key in `text` (a server may echo it back).
    pub(crate) fn redact(key: Option<&ApiKey>, text: &str) -> String {
        match key {
            Some(key) if key.0.len() >= 4 => text.replace(key.0.as_str(), "[redacted]"),
            _ => text.to_owned(),
        }
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

/// What a failed request is about, for the messages.
pub(crate) struct Context<'a> {
    /// "OpenAI-compatible server at http://…", "Anthropic"…
    pub provider: &'a str,
    pub model: &'a str,
    pub url: &'a str,
    pub key: Option<&'a ApiKey>,
}

/// Longest stretch of a server's error body quoted in a message.
const QUOTE_LIMIT: usize = 300;

/// The error for a non-success HTTP status, with the server's own message quoted when its body
/// has one (`{"error":{"message"}}`, `{"error":"…"}`, `{"message"}`, or short plain text).
pub(crate) fn status_error(
    ctx: &Context<'_>,
    status: u16,
    retry_after: Option<&str>,
    body: &str,
) -> ProviderError {
    let quoted = server_message(body)
        .map(|m| format!(" The server said: \"{}\"", ApiKey::redact(ctx.key, &m)))
        .unwrap_or_default();
    let provider = ctx.provider;
    let (code, retryable, what) = match status {
        401 | 403 => (
            ErrorCode::AuthFailed,
            false,
            format!(
                "The provider rejected the API key (HTTP {status}). Check the key in Settings \
                 (or TELLTALE_API_KEY), and that it may use the model \"{}\".",
                ctx.model
            ),
        ),
        404 => (
            ErrorCode::NotFound,
            false,
            format!(
                "The model \"{}\" or the endpoint {} was not found (HTTP 404). Check the model \
                 name and the base URL.",
                ctx.model, ctx.url
            ),
        ),
        408 => (
            ErrorCode::Timeout,
            true,
            format!("The {provider} timed out answering (HTTP 408). Try again."),
        ),
        429 => {
            let wait = retry_after.and_then(parse_retry_after);
            let when = match wait {
                Some(wait) => format!("Try again in {} s (the server's Retry-After).", wait.as_secs().max(1)),
                None => "Wait a moment and try again, or check your plan's rate limits.".to_owned(),
            };
            (ErrorCode::RateLimited, true, format!("The {provider} is rate-limiting requests (HTTP 429). {when}"))
        }
        500 | 502 | 503 | 504 | 529 => (
            ErrorCode::ProviderUnavailable,
            true,
            format!("The {provider} is overloaded or failing (HTTP {status}). Try again in a moment."),
        ),
        400..=499 => (
            ErrorCode::InvalidRequest,
            false,
            format!("The {provider} refused the request (HTTP {status}). Check the model and base URL in Settings."),
        ),
        _ => (
            ErrorCode::ProviderUnavailable,
            status >= 500,
            format!("The {provider} answered with HTTP {status} instead of a stream."),
        ),
    };
    ProviderError::new(code, without_userinfo(&format!("{what}{quoted}")), retryable)
}

/// `Retry-After` as the wait it asks for: a number of seconds, or an HTTP date (RFC 9110: the
/// IMF-fixdate `Wed, 21 Oct 2015 07:28:00 GMT`, or the obsolete RFC 850 and asctime forms), the
/// wait until then (none for a date gone by). At most an hour.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    retry_after_at(value, chrono::Utc::now())
}

fn retry_after_at(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    let seconds = match value.parse::<f64>() {
        Ok(seconds) => seconds,
        Err(_) => {
            let when = http_date(value)?;
            (when - now).num_milliseconds().max(0) as f64 / 1000.0
        }
    };
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(3600.0)))
}

/// An HTTP date in any of its three forms, as UTC.
fn http_date(value: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::{NaiveDateTime, TimeZone, Utc};
    if let Ok(date) = chrono::DateTime::parse_from_rfc2822(value) {
        return Some(date.with_timezone(&Utc));
    }
    ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
        .map(|naive| Utc.from_utc_datetime(&naive))
}

/// The server's own error message in `body`, if it has one worth quoting.
pub(crate) fn server_message(body: &str) -> Option<String> {
    let body = body.trim();
    if body.is_empty() || looks_like_html(body.as_bytes()) {
        return None;
    }
    let message = match serde_json::from_str::<serde_json::Value>(body) {
        Ok(json) => {
            let found = json
                .pointer("/error/message")
                .or_else(|| json.get("error").filter(|e| e.is_string()))
                .or_else(|| json.get("message"))
                .or_else(|| json.get("detail"))
                .and_then(|m| m.as_str())?;
            found.to_owned()
        }
        Err(_) => body.to_owned(),
    };
    Some(truncate(message.trim(), QUOTE_LIMIT))
}

/// Whether a body starts like an HTML page.
pub(crate) fn looks_like_html(body: &[u8]) -> bool {
    let start: Vec<u8> = body
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(15)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    start.starts_with(b"<!doctype")
        || start.starts_with(b"<html")
        || start.starts_with(b"<head")
        || start.starts_with(b"<body")
}

fn truncate(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// The error for a request that got no HTTP answer (refused, reset, DNS, TLS).
pub(crate) fn transport_error(ctx: &Context<'_>, error: &reqwest::Error) -> ProviderError {
    let provider = ctx.provider;
    if error.is_timeout() {
        return ProviderError::new(
            ErrorCode::Timeout,
            format!("The {provider} did not answer in time. Check your connection and try again."),
            true,
        );
    }
    let detail = ApiKey::redact(ctx.key, &root_cause(error));
    let what = if error.is_connect() {
        format!("Could not connect to the {provider}. Check the base URL and your connection.")
    } else if error.is_body() || error.is_decode() {
        format!("The connection to the {provider} broke off mid-answer. Try again.")
    } else {
        format!("The request to the {provider} failed. Check the base URL and your connection.")
    };
    ProviderError::new(ErrorCode::Network, without_userinfo(&format!("{what} ({detail})")), true)
}

/// The innermost cause of `error` (for "connection refused" rather than "error sending request").
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(key: Option<&ApiKey>) -> Context<'_> {
        Context { provider: "test server", model: "m", url: "http://x/v1/chat/completions", key }
    }

    #[test]
    fn statuses_map_to_codes() {
        let cases = [
            (401, ErrorCode::AuthFailed, false),
            (403, ErrorCode::AuthFailed, false),
            (404, ErrorCode::NotFound, false),
            (408, ErrorCode::Timeout, true),
            (429, ErrorCode::RateLimited, true),
            (400, ErrorCode::InvalidRequest, false),
            (500, ErrorCode::ProviderUnavailable, true),
            (502, ErrorCode::ProviderUnavailable, true),
            (503, ErrorCode::ProviderUnavailable, true),
            (529, ErrorCode::ProviderUnavailable, true),
        ];
        for (status, code, retryable) in cases {
            let error = status_error(&ctx(None), status, None, "");
            assert_eq!((error.code, error.retryable), (code, retryable), "HTTP {status}");
        }
    }

    #[test]
    fn server_messages_are_quoted_and_the_key_redacted() {
        let key = ApiKey::new("sk-secret-123");
        let body = r#"{"error":{"message":"Incorrect API key provided: sk-secret-123"}}"#;
        let error = status_error(&ctx(Some(&key)), 401, None, body);
        assert!(
            error.message.contains("Incorrect API key provided: [redacted]"),
            "{}",
            error.message
        );
        assert!(!error.message.contains("sk-secret-123"));
        assert_eq!(server_message(r#"{"error":"nope"}"#).as_deref(), Some("nope"));
        assert_eq!(server_message("<!DOCTYPE html><html>…"), None);
        assert_eq!(format!("{key:?}"), "ApiKey([redacted])");
    }

    #[test]
    fn retry_after_is_announced() {
        let error = status_error(&ctx(None), 429, Some("7"), "");
        assert!(error.message.contains("Try again in 7 s"), "{}", error.message);
        assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-3"), None);
    }

    #[test]
    fn retry_after_as_an_http_date_is_the_wait_until_then() {
        use chrono::TimeZone;
        let now = chrono::Utc.with_ymd_and_hms(2015, 10, 21, 7, 27, 30).unwrap();
        let wait = |value: &str| retry_after_at(value, now);
        // RFC 9110's three forms of the same moment, 30 s from now.
        assert_eq!(wait("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::from_secs(30)));
        assert_eq!(wait("Wednesday, 21-Oct-15 07:28:00 GMT"), Some(Duration::from_secs(30)));
        assert_eq!(wait("Wed Oct 21 07:28:00 2015"), Some(Duration::from_secs(30)));
        // A date gone by: try now; a date far ahead: at most an hour.
        assert_eq!(wait("Wed, 21 Oct 2015 07:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(wait("Thu, 22 Oct 2015 07:28:00 GMT"), Some(Duration::from_secs(3600)));
        assert_eq!(wait("Wed, 21 Oct 2015 25:61:00 GMT"), None);
        // The message a user sees names the wait.
        let later = chrono::Utc::now() + chrono::Duration::seconds(90);
        let date = later.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        let error = status_error(&ctx(None), 429, Some(&date), "");
        let said = ["89", "90"].iter().any(|s| error.message.contains(&format!("again in {s} s")));
        assert!(said, "{}", error.message);
    }
}
