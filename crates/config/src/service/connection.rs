//! "Test connection" and the model list: real requests to the base URL being edited, with the
//! stored key only when it goes there (the origin it was entered for), and no key in any answer.

use std::time::Duration;

use telltale_agent::{Agent, AgentConfig, ToolRegistry};
use telltale_protocol::{ErrorCode, FinishReason};
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

use super::{SettingsService, TestResult};
use crate::apply::{self, describe};
use crate::model::preset;

/// `text` with every occurrence of `key` replaced (a server may echo a key back).
pub(super) fn redact(key: Option<&str>, text: &str) -> String {
    match key {
        Some(key) if key.len() >= 4 => text.replace(key, "[redacted]"),
        _ => text.to_owned(),
    }
}

impl SettingsService {
    /// A tiny real request (a one-word prompt, one step, no tools) through the agent crate's
    /// provider: success, or the typed error's code and message.
    pub async fn test_connection(
        &self,
        provider_id: &str,
        base_url: Option<&str>,
        model: Option<&str>,
    ) -> TestResult {
        let settings = self.settings();
        let name = preset(provider_id).map_or(provider_id, |p| p.name);
        let provider_settings =
            match apply::provider_settings(&settings, &self.keys, provider_id, base_url, model) {
                Ok(s) => s,
                Err(message) => {
                    return TestResult { ok: false, code: Some(ErrorCode::InvalidRequest), message }
                }
            };
        let key = match provider_settings.api_key {
            Some(_) => self.keys.get(provider_id).ok().flatten().map(|stored| stored.key),
            None => None,
        };
        let provider = match provider_settings.build() {
            Ok(provider) => provider,
            Err(e) => {
                return TestResult {
                    ok: false,
                    code: Some(ErrorCode::InvalidRequest),
                    message: describe(name, &e),
                }
            }
        };
        let model_name = provider.model().to_owned();
        let config =
            AgentConfig { max_steps: 1, keepalive: Duration::ZERO, ..AgentConfig::default() };
        let agent = Agent::new(provider, ToolRegistry::default(), config);
        let (tx, mut rx) = unbounded_channel();
        let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
        let cancel = CancellationToken::new();
        let run =
            agent.run("settings-test", &[], "Reply with the single word OK.", tx, cancel.clone());
        let outcome = match tokio::time::timeout(Duration::from_secs(30), run).await {
            Ok(outcome) => outcome,
            Err(_) => {
                cancel.cancel();
                drain.abort();
                return TestResult {
                    ok: false,
                    code: Some(ErrorCode::Timeout),
                    message: format!("{name} did not answer within 30 s."),
                };
            }
        };
        drain.abort();
        let redact = |text: &str| redact(key.as_deref(), text);
        match (outcome.reason, outcome.error) {
            (_, Some(error)) => {
                TestResult { ok: false, code: Some(error.code), message: redact(&error.message) }
            }
            (FinishReason::Completed, None) => TestResult {
                ok: true,
                code: None,
                message: format!("{name} answered with {model_name}."),
            },
            (reason, None) => TestResult {
                ok: false,
                code: None,
                message: format!("the test ended early ({reason:?})"),
            },
        }
    }

    /// The models the server lists (`GET {base}/models`, OpenAI-style `{data:[{id}]}`); empty
    /// when it does not answer.
    pub async fn list_models(&self, provider_id: &str, base_url: Option<&str>) -> Vec<String> {
        let settings = self.settings();
        let Ok(s) = apply::provider_settings(&settings, &self.keys, provider_id, base_url, None)
        else {
            return Vec::new();
        };
        // Only when the key goes to this origin (see `apply::provider_settings`).
        let key = match s.api_key {
            Some(_) => self.keys.get(provider_id).ok().flatten().map(|stored| stored.key),
            None => None,
        };
        crate::models::list(s.kind, s.base_url.as_deref(), key.as_deref()).await
    }
}
