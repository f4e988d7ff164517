//! A base URL may carry a user name and password (`http://user:secret@host/v1`); none of it
//! reaches an error, a status or any other event of a run, whatever goes wrong.

#[path = "support/server.rs"]
mod server;

use std::sync::Arc;
use std::time::Duration;

use server::{Reply, TestServer};
use telltale_agent::providers::{
    AnthropicProvider, ApiKey, OpenAiProvider, ProviderKind, ProviderSettings, RetryPolicy,
};
use telltale_agent::{Agent, AgentConfig, Provider, ToolRegistry};
use telltale_protocol::{Event, EventKind};
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

/// `base` with `user:secret@` before its host.
fn with_credentials(base: &str) -> String {
    base.replacen("://", "://user:secret@", 1)
}

fn twice() -> RetryPolicy {
    RetryPolicy { max_tries: 2, base_delay: Duration::from_millis(1) }
}

/// Both providers at `base` (the server's root for Anthropic, `/v1` for OpenAI).
fn providers(root: &str) -> Vec<Arc<dyn Provider>> {
    let key = || Some(ApiKey::new("sk-not-the-point-0123"));
    vec![
        Arc::new(
            OpenAiProvider::new(&format!("{root}/v1"), "m", key()).unwrap().with_retry(twice()),
        ),
        Arc::new(AnthropicProvider::new(root, "m", key()).unwrap().with_retry(twice())),
    ]
}

/// The run's error message, after checking that no event mentions the password.
fn error_without_secret(events: &[Event]) -> String {
    for event in events {
        let json = serde_json::to_string(event).unwrap();
        assert!(!json.contains("secret"), "an event shows the password: {json}");
    }
    events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Error { message, .. } => Some(message.clone()),
            _ => None,
        })
        .expect("the run failed")
}

/// A whole run of "hi" with `provider`; its events.
async fn run(provider: Arc<dyn Provider>) -> Vec<Event> {
    let config = AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() };
    let agent = Agent::new(provider, ToolRegistry::builtin(), config);
    let (tx, mut rx) = unbounded_channel();
    agent.run("run-1", &[], "hi", tx, CancellationToken::new()).await;
    std::iter::from_fn(|| rx.try_recv().ok()).collect()
}

#[tokio::test]
async fn errors_and_retry_statuses_never_show_the_password() {
    // Not found (its message quotes the endpoint), then overloaded (retried, with a status).
    for (status, quoted) in [(404, "was not found"), (503, "overloaded")] {
        let server = TestServer::always(Reply::new(status, "text/plain", "")).await;
        let root = with_credentials(&format!("http://{}", server.addr));
        for provider in providers(&root) {
            let message = error_without_secret(&run(provider).await);
            assert!(message.contains(quoted), "{message}");
            assert!(message.contains(&server.addr.to_string()) || status != 404, "{message}");
        }
    }
    // Nothing listens: the HTTP library's own message is quoted.
    for provider in providers(&with_credentials("http://127.0.0.1:9")) {
        let message = error_without_secret(&run(provider).await);
        assert!(message.contains("Could not connect"), "{message}");
    }
}

#[tokio::test]
async fn redirects_to_a_url_with_a_password_never_show_it() {
    let elsewhere = TestServer::always(Reply::openai_text("stolen")).await;
    let port = elsewhere.addr.port();
    for (target, said) in [
        (format!("http://admin:secret@127.0.0.2:{port}/v1/x"), "another host (127.0.0.2)"),
        (format!("https://admin:secret@127.0.0.1:{port}/v1/x"), "use that https URL"),
    ] {
        let home =
            TestServer::always(Reply::new(307, "text/plain", "").header("location", &target)).await;
        for provider in providers(&format!("http://{}", home.addr)) {
            let message = error_without_secret(&run(provider).await);
            assert!(message.contains(said), "{message}");
        }
    }
    assert!(elsewhere.requests().is_empty());
}

#[test]
fn settings_errors_never_show_the_password() {
    let settings = |base_url: &str, key: Option<&str>| ProviderSettings {
        kind: ProviderKind::Openai,
        model: Some("m".into()),
        base_url: Some(base_url.into()),
        api_key: key.map(ApiKey::new),
        ..ProviderSettings::default()
    };
    for (url, key) in [
        ("ftp://user:secret@example.com/v1", Some("sk-0123456789")),
        ("https://user:secret@api.example.com/v1", None),
    ] {
        let error = settings(url, key).build().err().expect("refused");
        assert!(!error.to_string().contains("secret"), "{url}: {error}");
        assert!(error.to_string().contains("example.com"), "{url}: {error}");
    }
}

#[test]
fn a_base_url_that_is_refused_is_quoted_without_the_password() {
    for refused in [
        OpenAiProvider::new("ftp://user:secret@example.com/v1", "m", None).err(),
        AnthropicProvider::new("ftp://user:secret@example.com", "m", None).err(),
    ] {
        let message = refused.expect("not an http(s) URL").message;
        assert!(message.contains("ftp://example.com") && !message.contains("secret"), "{message}");
    }
}
