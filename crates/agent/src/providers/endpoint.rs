//! One provider's HTTP endpoint, as every HTTP provider sets it up: the base URL and the model
//! checked, the client (its redirect policy and TLS set up in `http_client`), the request URL,
//! the key, the time and size limits, and how messages name the server (keys redacted from them by
//! `http_errors::Context`).

use std::time::Duration;

use reqwest::header::HeaderValue;
use telltale_protocol::ErrorCode;

use crate::provider::ProviderError;
use crate::providers::http_client;
use crate::providers::http_errors::{ApiKey, Context};
use crate::providers::http_stream::{RetryPolicy, StepLimits};
use crate::urls::without_userinfo;

/// Fails a step when no byte arrived for this long, unless the provider is told otherwise.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How a kind of server is named and reached.
pub(crate) struct EndpointSpec<'a> {
    /// How messages call such a server, e.g. "OpenAI-compatible server".
    pub kind: &'a str,
    /// The request's path below the base URL, e.g. "/chat/completions".
    pub path: &'a str,
    /// A base URL to show as an example when the given one is not a URL.
    pub example: &'a str,
    /// Completes "Check the base URL…" when an HTML page came instead of a stream.
    pub url_hint: &'static str,
    /// The vendor's own host and the name it goes by there (`api.anthropic.com` → "Anthropic API").
    pub vendor: Option<(&'a str, &'a str)>,
}

pub(crate) struct Endpoint {
    pub client: reqwest::Client,
    /// The request URL: the base URL and the spec's path.
    pub url: String,
    /// The request URL as messages and logs show it: without a `user:pass@`.
    pub shown_url: String,
    pub model: String,
    pub key: Option<ApiKey>,
    pub idle_timeout: Duration,
    pub retry: RetryPolicy,
    pub limits: StepLimits,
    /// How messages name the server: "OpenAI-compatible server at api.openai.com".
    pub server: String,
    /// The spec's `url_hint`.
    pub url_hint: &'static str,
}

impl Endpoint {
    /// The endpoint of `model` at `base` (trimmed of a trailing `/`), or why it cannot be.
    pub fn new(
        spec: &EndpointSpec<'_>,
        base: &str,
        model: &str,
        key: Option<ApiKey>,
    ) -> Result<Endpoint, ProviderError> {
        let base = base.trim().trim_end_matches('/');
        let parsed =
            reqwest::Url::parse(base).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
        let Some(parsed) = parsed else {
            return Err(ProviderError::new(
                ErrorCode::InvalidRequest,
                format!(
                    "The base URL \"{}\" is not an http(s) URL. Use one like {}.",
                    without_userinfo(base),
                    spec.example
                ),
                false,
            ));
        };
        if model.trim().is_empty() {
            return Err(ProviderError::new(
                ErrorCode::InvalidRequest,
                "No model is set. Name the model to use.",
                false,
            ));
        }
        let host = parsed.host_str().unwrap_or("?");
        let server = match (parsed.port(), spec.vendor) {
            (Some(port), _) => format!("{} at {host}:{port}", spec.kind),
            (None, Some((vendor_host, name))) if host == vendor_host => name.to_owned(),
            (None, _) => format!("{} at {host}", spec.kind),
        };
        let url = format!("{base}{}", spec.path);
        Ok(Endpoint {
            client: http_client::client_for(&parsed)?,
            shown_url: without_userinfo(&url),
            url,
            model: model.trim().to_owned(),
            key,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            retry: RetryPolicy::default(),
            limits: StepLimits::default(),
            server,
            url_hint: spec.url_hint,
        })
    }

    /// How the header names it: "gpt-4o-mini via OpenAI-compatible server at api.openai.com".
    pub fn label(&self) -> String {
        format!("{} via {}", self.model, self.server)
    }

    /// What error messages say about this endpoint (never the key).
    pub fn context(&self) -> Context<'_> {
        Context {
            provider: &self.server,
            model: &self.model,
            url: &self.shown_url,
            key: self.key.as_ref(),
        }
    }
}

/// The key as a header value marked sensitive (`prefix` before it, e.g. "Bearer "), if there
/// is a key; a key with characters no header can carry is an auth failure before any request.
pub(crate) fn key_header(
    key: Option<&ApiKey>,
    prefix: &str,
) -> Result<Option<HeaderValue>, ProviderError> {
    let Some(key) = key else {
        return Ok(None);
    };
    let mut value = HeaderValue::from_str(&format!("{prefix}{}", key.expose())).map_err(|_| {
        ProviderError::new(
            ErrorCode::AuthFailed,
            "The API key has characters no key has. Check it in Settings.",
            false,
        )
    })?;
    value.set_sensitive(true);
    Ok(Some(value))
}
