//! `telltale run --provider openai` as a user runs it, against an OpenAI-compatible server on
//! 127.0.0.1 serving the shared fixtures.

mod support;

#[path = "../../agent/tests/support/runs.rs"]
mod runs;
#[path = "../../agent/tests/support/server.rs"]
mod server;

use std::process::Command;

use runs::tokens;
use serde_json::json;
use server::{fixture_expected, Chunking, Reply, TestServer};
use support::{
    data_folder_with_default_provider, events, output, run_with_saved_settings, telltale_command,
};
use telltale_protocol::{ErrorCode, EventKind, FinishReason};

const KEY: &str = "sk-cli-test-0b7e1d-secret";

/// `telltale run --json --provider openai …` with `key` (or none) in TELLTALE_API_KEY.
fn telltale_openai(base_url: &str, key: Option<&str>) -> Command {
    let mut command = telltale_command();
    command
        .args([
            "run",
            "--json",
            "--keepalive-ms",
            "0",
            "--provider",
            "openai",
            "--base-url",
            base_url,
        ])
        .args(["--model", "m", "hi"])
        .env_remove("OPENAI_API_KEY")
        .env_remove("TELLTALE_API_KEY");
    if let Some(key) = key {
        command.env("TELLTALE_API_KEY", key);
    }
    command
}

#[tokio::test]
async fn streams_exactly_the_servers_text_and_exits_0() {
    let server =
        TestServer::always(Reply::sse_fixture("openai_chat_text.sse").chunked(Chunking::OneByte))
            .await;
    let out = output(telltale_openai(&server.base_url(), Some(KEY))).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let events = events(&out);
    let text = fixture_expected("openai_chat_text.sse")["expected"]["text"]
        .as_str()
        .expect("text")
        .to_owned();
    assert_eq!(tokens(&events), text);
    match &events.first().expect("events").kind {
        EventKind::RunStarted { provider, model, .. } => {
            assert_eq!((provider.as_str(), model.as_str()), ("openai", "m"))
        }
        other => panic!("starts with run_started, not {other:?}"),
    }
    assert!(matches!(
        events.last().expect("events").kind,
        EventKind::RunFinished { reason: FinishReason::Completed, usage: Some(_), .. }
    ));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(requests[0].json()["model"], "m");
}

#[tokio::test]
async fn a_rejected_key_prints_the_typed_error_and_exits_1_without_the_key() {
    let body = json!({ "error": { "message": "Incorrect API key provided" } });
    let server = TestServer::always(Reply::json(401, &body)).await;
    let out = output(telltale_openai(&server.base_url(), Some(KEY))).await;
    assert_eq!(out.status.code(), Some(1));
    let events = events(&out);
    let error = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Error { code, message, .. } => Some((*code, message.clone())),
            _ => None,
        })
        .expect("an error event");
    assert_eq!(error.0, ErrorCode::AuthFailed);
    assert!(error.1.contains("Incorrect API key provided"), "{}", error.1);
    for stream in [&out.stdout, &out.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(KEY), "the key leaked");
    }
}

#[tokio::test]
async fn a_local_server_needs_no_key_but_a_remote_one_does() {
    let server = TestServer::always(Reply::sse_fixture("openai_chat_text.sse")).await;
    let local = server.base_url().replace("127.0.0.1", "localhost");
    let out = output(telltale_openai(&local, None)).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(server.requests()[0].header("authorization"), None);

    let out = output(telltale_openai("https://api.example.com/v1", None)).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no run starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("TELLTALE_API_KEY"), "{stderr}");
}

#[tokio::test]
async fn the_anthropic_provider_streams_exactly_the_servers_text() {
    let server =
        TestServer::always(Reply::sse_fixture("anthropic_text.sse").chunked(Chunking::OneByte))
            .await;
    let mut command = telltale_command();
    command
        .args(["run", "--json", "--keepalive-ms", "0", "--provider", "anthropic"])
        .args(["--base-url", &format!("http://{}", server.addr), "--model", "c", "hi"])
        .env_remove("TELLTALE_API_KEY")
        .env("ANTHROPIC_API_KEY", KEY);
    let out = output(command).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(tokens(&events(&out)), "Hello!");
    assert_eq!(server.requests()[0].header("x-api-key"), Some(KEY));
}

#[tokio::test]
async fn the_environment_chooses_the_provider_and_flags_override_it() {
    let server = TestServer::always(Reply::sse_fixture("openai_chat_text.sse")).await;
    let text = fixture_expected("openai_chat_text.sse")["expected"]["text"]
        .as_str()
        .expect("text")
        .to_owned();
    let base = || {
        let mut command = telltale_command();
        command
            .args(["run", "--json", "--keepalive-ms", "0"])
            .env_remove("OPENAI_API_KEY")
            .env_remove("ANTHROPIC_API_KEY")
            .env_remove("TELLTALE_IDLE_TIMEOUT_S");
        command
    };

    // As the desktop app is configured: no flags at all.
    let mut command = base();
    command
        .env("TELLTALE_PROVIDER", "openai")
        .env("TELLTALE_BASE_URL", server.base_url())
        .env("TELLTALE_MODEL", "m")
        .env("TELLTALE_API_KEY", KEY)
        .arg("hi");
    let out = output(command).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(tokens(&events(&out)), text);

    // Flags win over the variables, even unreadable ones.
    let mut command = base();
    command
        .env("TELLTALE_PROVIDER", "gemini")
        .env("TELLTALE_BASE_URL", "https://api.example.com/v1")
        .env("TELLTALE_MODEL", "other")
        .env_remove("TELLTALE_API_KEY")
        .args(["--provider", "openai", "--base-url", &server.base_url(), "--model", "m", "hi"]);
    let out = output(command).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(tokens(&events(&out)), text);
    assert_eq!(server.requests().len(), 2);

    // An unreadable variable with no flag over it is a clear error before any run starts.
    let mut command = base();
    command.env("TELLTALE_PROVIDER", "gemini").arg("hi");
    let out = output(command).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no run starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("TELLTALE_PROVIDER") && stderr.contains("offline, openai or anthropic"),
        "{stderr}"
    );
}

#[tokio::test]
async fn with_no_provider_named_the_apps_saved_default_answers_with_its_stored_key() {
    let server = TestServer::always(Reply::sse_fixture("openai_chat_text.sse")).await;
    let dir = data_folder_with_default_provider(
        json!({ "id": "openai", "base_url": server.base_url(), "model": "saved-model" }),
    );
    let keys = json!({ "keys": { "openai": KEY } });
    std::fs::write(dir.path().join("api-keys.json"), keys.to_string()).expect("keys");
    let unnamed = |extra: &[&str]| run_with_saved_settings(dir.path(), extra, "hi");
    let out = output(unnamed(&[])).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    match &events(&out).first().expect("events").kind {
        EventKind::RunStarted { provider, model, .. } => {
            assert_eq!((provider.as_str(), model.as_str()), ("openai", "saved-model"))
        }
        other => panic!("starts with run_started, not {other:?}"),
    }
    let requests = server.requests();
    assert_eq!(requests[0].header("authorization"), Some(format!("Bearer {KEY}").as_str()));

    // A base URL at another origin than the key was entered for gets no stored key (a server on
    // this computer is asked without one).
    let other = TestServer::always(Reply::sse_fixture("openai_chat_text.sse")).await;
    let out = output(unnamed(&["--base-url", other.base_url().as_str()])).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let requests = other.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("authorization"), None, "the key stays with its origin");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(KEY));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(KEY));
}

#[tokio::test]
async fn a_key_is_never_sent_over_plain_http_to_another_computer() {
    // 192.0.2.1 is a documentation address: nothing is ever sent there.
    let remote = "http://user:secret@192.0.2.1:8080/v1";
    let out = output(telltale_openai(remote, Some(KEY))).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no run starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("https://") && stderr.contains("--base-url"), "{stderr}");
    assert!(stderr.contains("http://192.0.2.1:8080/v1"), "{stderr}");
    assert!(!stderr.contains("secret") && !stderr.contains(KEY), "{stderr}");
}
