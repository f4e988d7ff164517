//! `POST /v1/runs` choosing the run's provider and model for that run only, refusing an unknown
//! provider or an impossible model with a typed 400, and `?stream=true` answering with the
//! stream itself. The other provider is an OpenAI-format server on 127.0.0.1.

#[path = "../../agent/tests/support/server.rs"]
mod server;
mod support;

use std::time::Duration;

use server::{Reply, TestServer};
use support::{chooser, serve, session_of, TOKEN};
use telltale_agent::providers::{OfflinePace, OfflineProvider};
use telltale_agent::{Agent, ToolRegistry};
use telltale_serve::ServeConfig;

async fn server_with_choices(provider: &TestServer) -> support::Server {
    let offline = OfflineProvider::new(OfflinePace::instant());
    let agent = Agent::new(std::sync::Arc::new(offline), ToolRegistry::builtin(), support::quiet());
    let config = ServeConfig {
        choose_agent: Some(chooser(provider.base_url())),
        ..ServeConfig::new(session_of(agent), TOKEN.into())
    };
    serve(config).await
}

fn started(events: &[support::SseEvent]) -> (String, String) {
    let data = &events[0].data;
    assert_eq!(data["type"], "run_started");
    (data["provider"].as_str().unwrap().into(), data["model"].as_str().unwrap().into())
}

#[tokio::test]
async fn a_run_names_its_provider_and_model_and_the_next_one_is_back_to_the_configured() {
    let provider = TestServer::always(Reply::openai_text("Answered by the other model.")).await;
    let server = server_with_choices(&provider).await;
    let body = serde_json::json!({"prompt": "hi", "provider": "openai", "model": "gpt-test"});
    let (run_id, _) = server.create(body).await;
    let events = server.events(&run_id, None).await.rest().await;
    assert_eq!(started(&events), ("openai".into(), "gpt-test".into()));
    let text: String = events
        .iter()
        .filter(|event| event.event == "token")
        .map(|event| event.data["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, "Answered by the other model.");
    assert_eq!(provider.requests()[0].json()["model"], "gpt-test");

    let (plain, _) = server.create(serde_json::json!({"prompt": "hi"})).await;
    let events = server.events(&plain, None).await.rest().await;
    assert_eq!(started(&events).0, "offline", "the override was for that run only");
}

#[tokio::test]
async fn an_unknown_provider_or_an_impossible_model_is_a_typed_400_naming_it() {
    let provider = TestServer::always(Reply::openai_text("unused")).await;
    let server = server_with_choices(&provider).await;
    let cases = [
        (serde_json::json!({"prompt": "hi", "provider": "gemini"}), "unknown_provider", "gemini"),
        (
            serde_json::json!({"prompt": "hi", "model": "not-the-demo"}),
            "invalid_model",
            "not-the-demo",
        ),
        (serde_json::json!({"prompt": "hi", "model": "two words"}), "invalid_model", "two words"),
        (serde_json::json!({"prompt": "hi", "provider": "openai"}), "invalid_model", "model"),
    ];
    for (body, code, named) in cases {
        let response = server.post("/v1/runs", &body).await;
        assert_eq!(response.status(), 400, "{body}");
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error["code"], code, "{body}: {error}");
        assert!(error["message"].as_str().unwrap().contains(named), "{error}");
    }
    assert!(provider.requests().is_empty(), "nothing was started");
}

#[tokio::test]
async fn stream_true_answers_with_the_runs_stream_and_its_ids_in_headers() {
    let server =
        support::start(Duration::ZERO, Duration::from_millis(2), Duration::from_secs(15)).await;
    let mut reader = server.create_streaming(serde_json::json!({"prompt": "hello there"})).await;
    let header = |name: &str| reader.headers[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "text/event-stream");
    assert_eq!(header("cache-control"), "no-cache");
    let (run_id, conversation_id) = (header("x-run-id"), header("x-conversation-id"));
    let events = reader.rest().await;
    assert_eq!(support::seqs(&events), (0..events.len() as u64).collect::<Vec<_>>());
    assert!(events.iter().all(|event| event.data["run_id"] == run_id.as_str()));
    assert_eq!(events.last().unwrap().data["reason"], "completed");
    // The same run, read again from the history, and its conversation continued.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let again = server.events(&run_id, None).await.rest().await;
    assert_eq!(again.len(), events.len());
    let (_, same) = server
        .create(serde_json::json!({"prompt": "more", "conversation_id": conversation_id}))
        .await;
    assert_eq!(same, conversation_id);
}
