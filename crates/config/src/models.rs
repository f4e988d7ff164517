//! `GET {base_url}/models`: the models a server offers, for the Settings screen's model picker.

use std::time::Duration;

use serde::Deserialize;
use telltale_agent::providers::{OfflineProvider, ProviderKind};

#[derive(Deserialize)]
struct ModelList {
    data: Vec<ModelId>,
}

#[derive(Deserialize)]
struct ModelId {
    id: String,
}

/// The URL that lists models: `{base}/models` (OpenAI-style), `{base}/v1/models` (Anthropic).
pub fn models_url(kind: ProviderKind, base_url: &str) -> String {
    let base = base_url.trim().trim_end_matches('/');
    match kind {
        ProviderKind::Anthropic => format!("{}/v1/models", base.trim_end_matches("/v1")),
        _ => format!("{base}/models"),
    }
}

/// The most of a model list read: a few hundred models take some tens of kilobytes; a server
/// that sends more (or never stops) gives an empty list.
const MAX_BODY_BYTES: usize = 4 << 20;

/// The body, or `None` past [`MAX_BODY_BYTES`] or on a broken connection.
async fn body_within_limit(mut response: reqwest::Response) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.ok()? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            tracing::debug!("the model list is larger than {MAX_BODY_BYTES} bytes");
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    Some(body)
}

/// The ids in an OpenAI-style `{data:[{id}]}` body, sorted, without duplicates or blanks.
pub fn parse_models(body: &[u8]) -> Vec<String> {
    let Ok(list) = serde_json::from_slice::<ModelList>(body) else {
        return Vec::new();
    };
    let mut ids: Vec<String> =
        list.data.into_iter().map(|m| m.id.trim().to_owned()).filter(|id| !id.is_empty()).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The server's models; empty when it does not answer, refuses, or answers something else.
pub async fn list(kind: ProviderKind, base_url: Option<&str>, key: Option<&str>) -> Vec<String> {
    list_within(kind, base_url, key, Duration::from_secs(8)).await
}

/// [`list`], giving up after `timeout`.
pub async fn list_within(
    kind: ProviderKind,
    base_url: Option<&str>,
    key: Option<&str>,
    timeout: Duration,
) -> Vec<String> {
    let base_url = match (kind, base_url) {
        (ProviderKind::Offline, _) => return vec![OfflineProvider::MODEL.to_owned()],
        (_, Some(url)) if !url.trim().is_empty() => url,
        _ => return Vec::new(),
    };
    // No redirect is followed: it would carry an `x-api-key` header to wherever it points.
    let client =
        reqwest::Client::builder().timeout(timeout).redirect(reqwest::redirect::Policy::none());
    let Ok(client) = client.build() else {
        return Vec::new();
    };
    let mut request = client.get(models_url(kind, base_url));
    if let Some(key) = key {
        // The key leaves through the header only; no message here mentions it.
        let secret = key.to_owned();
        request = match kind {
            ProviderKind::Anthropic => {
                request.header("x-api-key", secret).header("anthropic-version", "2023-06-01")
            }
            _ => request.bearer_auth(secret),
        };
    }
    match request.send().await {
        Ok(response) if response.status().is_success() => {
            body_within_limit(response).await.map(|body| parse_models(&body)).unwrap_or_default()
        }
        Ok(response) => {
            tracing::debug!(
                status = response.status().as_u16(),
                "the server did not list its models"
            );
            Vec::new()
        }
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_lists_are_read_from_openai_style_bodies() {
        let body = br#"{"object":"list","data":[{"id":"gpt-4o","object":"model"},{"id":"b"},{"id":"gpt-4o"},{"id":" "}]}"#;
        assert_eq!(parse_models(body), ["b", "gpt-4o"]);
        assert!(parse_models(b"<html>").is_empty());
        assert!(parse_models(br#"{"models":[]}"#).is_empty());
    }

    #[test]
    fn the_models_url_follows_the_api() {
        assert_eq!(
            models_url(ProviderKind::Openai, "https://api.groq.com/openai/v1/"),
            "https://api.groq.com/openai/v1/models"
        );
        assert_eq!(
            models_url(ProviderKind::Anthropic, "https://api.anthropic.com"),
            "https://api.anthropic.com/v1/models"
        );
        assert_eq!(
            models_url(ProviderKind::Anthropic, "https://api.anthropic.com/v1"),
            "https://api.anthropic.com/v1/models"
        );
    }

    /// A one-shot server on 127.0.0.1 answering `response` (raw HTTP) to one request, then a
    /// second request's head if one comes; returns the base URL and what it received.
    async fn serve_once(response: Vec<u8>) -> (String, tokio::task::JoinHandle<Vec<u8>>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/v1", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut request = vec![0u8; 8192];
            let n = stream.read(&mut request).await.unwrap_or(0);
            let _ = stream.write_all(&response).await;
            request.truncate(n);
            request
        });
        (base, task)
    }

    #[tokio::test]
    async fn a_model_list_past_the_limit_is_not_read_whole() {
        // A valid list of 5 MiB: read whole, it would give a model.
        let mut body = String::from(r#"{"data":["#);
        while body.len() < MAX_BODY_BYTES + (1 << 20) {
            body.push_str(r#"{"id":"model-with-a-long-name"},"#);
        }
        body.push_str(r#"{"id":"last"}]}"#);
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        let (base, _server) = serve_once([head.into_bytes(), body.into_bytes()].concat()).await;
        assert!(list(ProviderKind::Openai, Some(&base), None).await.is_empty());

        // Within the limit, the same shape is read.
        let body = r#"{"data":[{"id":"m1"},{"id":"m2"}]}"#;
        let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", body.len());
        let (base, _server) = serve_once(format!("{head}{body}").into_bytes()).await;
        assert_eq!(list(ProviderKind::Openai, Some(&base), None).await, ["m1", "m2"]);
    }

    #[tokio::test]
    async fn a_redirect_is_not_followed_so_the_key_stays_with_the_server() {
        let (elsewhere, other) =
            serve_once(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".to_vec()).await;
        let redirect = format!("HTTP/1.1 307 Temporary Redirect\r\nlocation: {elsewhere}/models\r\ncontent-length: 0\r\n\r\n");
        let (base, _server) = serve_once(redirect.into_bytes()).await;
        assert!(list(ProviderKind::Anthropic, Some(&base), Some("sk-ant-redirected"))
            .await
            .is_empty());
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!other.is_finished(), "the other server was never asked");
        other.abort();
    }

    #[tokio::test]
    async fn a_server_that_does_not_answer_gives_an_empty_list() {
        assert!(list(ProviderKind::Openai, Some("http://127.0.0.1:9/v1"), None).await.is_empty());
        assert_eq!(list(ProviderKind::Offline, None, None).await, ["offline-demo"]);
    }
}
