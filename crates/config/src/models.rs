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
    let base_url = match (kind, base_url) {
        (ProviderKind::Offline, _) => return vec![OfflineProvider::MODEL.to_owned()],
        (_, Some(url)) if !url.trim().is_empty() => url,
        _ => return Vec::new(),
    };
    let Ok(client) = reqwest::Client::builder().timeout(Duration::from_secs(8)).build() else {
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
        Ok(response) if response.status().is_success() => match response.bytes().await {
            Ok(body) => parse_models(&body),
            Err(_) => Vec::new(),
        },
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

    #[tokio::test]
    async fn a_server_that_does_not_answer_gives_an_empty_list() {
        assert!(list(ProviderKind::Openai, Some("http://127.0.0.1:9/v1"), None).await.is_empty());
        assert_eq!(list(ProviderKind::Offline, None, None).await, ["offline-demo"]);
    }
}
