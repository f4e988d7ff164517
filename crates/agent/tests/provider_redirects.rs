//! A provider never follows a redirect to another origin, so its key (in whatever header the
//! provider sends it) stays with the server the user configured.

#[path = "support/runs.rs"]
mod runs;
#[path = "support/server.rs"]
mod server;

use runs::step;
use server::{Reply, TestServer};
use telltale_agent::providers::{AnthropicProvider, ApiKey, OpenAiProvider, RetryPolicy};
use telltale_agent::Provider;

const KEY: &str = "sk-redirect-7e1f0c9b2a";

fn once() -> RetryPolicy {
    RetryPolicy { max_tries: 1, ..RetryPolicy::default() }
}

#[tokio::test]
async fn a_redirect_to_another_host_is_refused_and_the_key_stays_home() {
    let elsewhere = TestServer::always(Reply::openai_text("stolen")).await;
    // 127.0.0.2 is this computer too, but another origin.
    let target = format!("http://127.0.0.2:{}/v1/chat/completions", elsewhere.addr.port());
    let home =
        TestServer::always(Reply::new(307, "text/plain", "").header("location", &target)).await;
    let providers: Vec<Box<dyn Provider>> = vec![
        Box::new(
            OpenAiProvider::new(&home.base_url(), "m", Some(ApiKey::new(KEY)))
                .unwrap()
                .with_retry(once()),
        ),
        Box::new(
            AnthropicProvider::new(&format!("http://{}", home.addr), "m", Some(ApiKey::new(KEY)))
                .unwrap()
                .with_retry(once()),
        ),
    ];
    for provider in providers {
        let (result, _) = step(provider.as_ref()).await;
        let error = result.unwrap_err();
        assert!(error.message.contains("redirected to another host (127.0.0.2)"), "{error:?}");
        assert!(!error.message.contains(KEY));
    }
    assert!(elsewhere.requests().is_empty(), "the other host was never asked");
    assert_eq!(home.requests().len(), 2);
}

#[tokio::test]
async fn a_redirect_on_the_same_server_is_followed() {
    let home = TestServer::start(|_, request| match request.path.as_str() {
        "/v1/chat/completions" => {
            Reply::new(307, "text/plain", "").header("location", "/v2/chat/completions")
        }
        _ => Reply::openai_text("moved and answered"),
    })
    .await;
    let provider = OpenAiProvider::new(&home.base_url(), "m", Some(ApiKey::new(KEY)))
        .unwrap()
        .with_retry(once());
    let (result, _) = step(&provider).await;
    assert_eq!(result.unwrap().text, "moved and answered");
    assert_eq!(home.requests()[1].path, "/v2/chat/completions");
}
