//! `web_fetch {url}`: GET a page and give the model its readable text, with limits on size, time
//! and redirects, the final URL and content type reported, and only public addresses reached
//! unless the user allowed the private network ([`NetworkPolicy`]).

mod address;
mod extract;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use reqwest::{redirect, Url};
use serde_json::{json, Value};
use telltale_protocol::StatusIcon;

pub use address::{is_public, AddressRefused, NetworkPolicy};
pub use extract::readable_text;

use super::{status_naming, string_arg, Tool, ToolError, ToolSpec};
use crate::urls::without_userinfo;
use address::GuardedResolver;

/// Most bytes read from a response; the rest is not downloaded.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Most text given to the model.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Most redirects followed.
pub const MAX_REDIRECTS: usize = 5;
/// How long the whole fetch may take.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(20);

pub struct WebFetch {
    /// Made at the first fetch: making it reads every root certificate of the system, which
    /// would otherwise be part of every `telltale run`'s start, fetching or not.
    client: OnceLock<reqwest::Client>,
    policy: Arc<NetworkPolicy>,
}

impl WebFetch {
    pub fn new(policy: NetworkPolicy) -> Result<Self, ToolError> {
        Ok(WebFetch { client: OnceLock::new(), policy: Arc::new(policy) })
    }

    fn client(&self) -> Result<&reqwest::Client, ToolError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = build_client(&self.policy)?;
        Ok(self.client.get_or_init(|| client))
    }

    async fn fetch(&self, raw: &str) -> Result<String, ToolError> {
        let url = parse_url(raw)?;
        self.policy.check_url(&url).map_err(|e| ToolError::Failed(e.to_string()))?;
        let response = self
            .client()?
            .get(url.clone())
            .header(
                reqwest::header::ACCEPT,
                "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
            )
            .send()
            .await
            .map_err(|e| fetch_error(&url, &e))?;
        let status = response.status();
        let final_url = response.url().clone();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let (body, cut) = read_limited(response, &final_url).await?;
        let mut header = format!(
            "URL: {}\nStatus: {}\nContent-Type: {}\n",
            shown(&final_url),
            status,
            if content_type.is_empty() { "(none)" } else { &content_type }
        );
        if cut {
            header.push_str(&format!(
                "Note: only the first {} MB were read.\n",
                MAX_BODY_BYTES / (1024 * 1024)
            ));
        }
        let Some(mut text) = readable_text(&content_type, &body) else {
            return Err(ToolError::Failed(format!(
                "{} is not text ({}, {} bytes)",
                shown(&final_url),
                if content_type.is_empty() { "unknown type" } else { &content_type },
                body.len()
            )));
        };
        if text.len() > MAX_TEXT_BYTES {
            let mut end = MAX_TEXT_BYTES;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            text.push_str("\n[… cut: the page goes on]");
        }
        if !status.is_success() {
            return Err(ToolError::Failed(format!("{header}\n{text}")));
        }
        Ok(format!("{header}\n{text}"))
    }
}

/// The client `web_fetch` uses: at most [`MAX_REDIRECTS`] redirects, each to an address the
/// policy allows (names resolved through it too), no proxy, and its time limits.
fn build_client(policy: &Arc<NetworkPolicy>) -> Result<reqwest::Client, ToolError> {
    let redirects = {
        let policy = policy.clone();
        redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
            }
            if !matches!(attempt.url().scheme(), "http" | "https") {
                let scheme = attempt.url().scheme().to_owned();
                return attempt.error(format!("a redirect to a {scheme}: address"));
            }
            match policy.check_url(attempt.url()) {
                Ok(()) => attempt.follow(),
                Err(refused) => attempt.error(refused),
            }
        })
    };
    reqwest::Client::builder()
        .user_agent(concat!("Telltale/", env!("CARGO_PKG_VERSION"), " (web_fetch)"))
        .redirect(redirects)
        .dns_resolver(Arc::new(GuardedResolver { policy: policy.clone() }))
        // A proxy would resolve names itself, past the address check.
        .no_proxy()
        .timeout(FETCH_TIMEOUT)
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| ToolError::Failed(format!("cannot set up web fetching: {e}")))
}

/// What the model is told about `web_fetch`.
pub fn spec() -> ToolSpec {
    ToolSpec::object(
        "web_fetch",
        "Fetches a web page (http or https) and returns its readable text, with the final URL \
         after redirects and the content type.",
        json!({"url": {"type": "string", "description": "The page's full URL."}}),
        &["url"],
    )
}

#[async_trait]
impl Tool for WebFetch {
    fn spec(&self) -> ToolSpec {
        spec()
    }

    fn status(&self, args: &Value) -> (String, StatusIcon) {
        let host = args
            .get("url")
            .and_then(Value::as_str)
            .and_then(|u| Url::parse(u).ok())
            .and_then(|u| u.host_str().map(|host| json!({ "host": host })))
            .unwrap_or_default();
        let named = |host: &str| format!("Reading {host}…");
        status_naming(&host, "host", named, "Fetching a web page…", StatusIcon::Tool)
    }

    async fn call(&self, args: Value) -> Result<String, ToolError> {
        let url = string_arg(&args, "url")?;
        self.fetch(url.trim()).await
    }
}

/// An `http`/`https` URL without credentials.
fn parse_url(raw: &str) -> Result<Url, ToolError> {
    let url = Url::parse(raw).map_err(|e| {
        ToolError::InvalidArgs(format!("{:?} is not a URL: {e}", without_userinfo(raw)))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ToolError::InvalidArgs(format!(
            "only http and https pages can be fetched, not {}:",
            url.scheme()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ToolError::InvalidArgs(
            "a URL with a user name or password cannot be fetched".into(),
        ));
    }
    Ok(url)
}

/// `url` as shown to the model and the user: without a `user:pass@` (a redirect may point to
/// one), and at most 500 characters (a URL can be very long).
fn shown(url: &Url) -> String {
    without_userinfo(url.as_str()).chars().take(500).collect()
}

/// The body, up to [`MAX_BODY_BYTES`], and whether it was cut there.
async fn read_limited(
    response: reqwest::Response,
    url: &Url,
) -> Result<(Vec<u8>, bool), ToolError> {
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| fetch_error(url, &e))?;
        let room = MAX_BODY_BYTES - body.len();
        if chunk.len() >= room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// A fetch failure in words: the address guard's refusal when that is the cause.
fn fetch_error(url: &Url, error: &reqwest::Error) -> ToolError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<AddressRefused>() {
            return ToolError::Failed(refused.to_string());
        }
        source = cause.source();
    }
    let what = if error.is_timeout() {
        format!("it took more than {} s", FETCH_TIMEOUT.as_secs())
    } else if error.is_redirect() {
        std::error::Error::source(error).map_or_else(|| error.to_string(), ToString::to_string)
    } else if error.is_connect() {
        "the server could not be reached".to_owned()
    } else {
        error.to_string()
    };
    // reqwest's own messages quote the URL asked for, credentials and all.
    ToolError::Failed(without_userinfo(&format!("cannot fetch {}: {what}", shown(url))))
}
