//! `telltale run` with real tools against an OpenAI-compatible server on 127.0.0.1 that asks for
//! them: a workspace file written only as `--approve` says (and denied with no terminal to ask
//! on), and a key in a workspace file that never reaches the server's next request.

mod support;

#[path = "../../agent/tests/support/server.rs"]
mod server;

use std::path::Path;
use std::process::Command;

use serde_json::json;
use server::{Reply, TestServer};
use support::{events, output, telltale_command};
use telltale_protocol::{Event, EventKind};

const KEY: &str = "sk-cli-tools-5d1e9a77c2";

/// A server whose model calls `name` with `args` first, then answers "Done.".
async fn calls(name: &'static str, args: serde_json::Value) -> TestServer {
    TestServer::start(move |n, _| match n {
        0 => Reply::openai_tool_call("call_1", name, &args),
        _ => Reply::openai_text("Done."),
    })
    .await
}

fn telltale(server: &TestServer, workspace: &Path, extra: &[&str]) -> Command {
    let mut command = telltale_command();
    command
        .args(["run", "--json", "--no-save", "--keepalive-ms", "0", "--provider", "openai"])
        .args(["--base-url", &server.base_url(), "--model", "m", "--workspace"])
        .arg(workspace)
        .args(extra)
        .arg("do it")
        .env("TELLTALE_API_KEY", KEY)
        .env_remove("OPENAI_API_KEY")
        .stdin(std::process::Stdio::null());
    command
}

fn result(events: &[Event]) -> (bool, String) {
    events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::ToolResult { ok, output, .. } => Some((*ok, output.clone())),
            _ => None,
        })
        .expect("a tool result")
}

fn write_plan() -> serde_json::Value {
    json!({"path": "plan.md", "content": "# Plan\n"})
}

#[tokio::test]
async fn approve_all_writes_the_file_and_approve_none_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let server = calls("write_file", write_plan()).await;
    let out = output(telltale(&server, dir.path(), &["--approve", "all"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let seen = events(&out);
    assert!(seen.iter().any(|e| matches!(e.kind, EventKind::ApprovalRequired { .. })));
    assert!(seen
        .iter()
        .any(|e| matches!(e.kind, EventKind::ApprovalResolved { approved: true, .. })));
    assert_eq!(result(&seen), (true, "Created plan.md (1 line, 7 B).".into()));
    assert_eq!(std::fs::read_to_string(dir.path().join("plan.md")).unwrap(), "# Plan\n");

    let dir = tempfile::tempdir().unwrap();
    let server = calls("write_file", write_plan()).await;
    let out = output(telltale(&server, dir.path(), &["--approve", "none"])).await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(result(&events(&out)), (false, "denied by the user".into()));
    assert!(!dir.path().join("plan.md").exists());
    // The model was told.
    let told = server.requests()[1].json().to_string();
    assert!(told.contains("denied by the user"), "{told}");
}

#[tokio::test]
async fn with_no_terminal_and_no_flag_the_call_is_denied_and_the_cli_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let server = calls("write_file", write_plan()).await;
    let out = output(telltale(&server, dir.path(), &[])).await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(result(&events(&out)), (false, "denied by the user".into()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no terminal to ask on") && stderr.contains("--approve all"),
        "{stderr}"
    );
    assert!(!dir.path().join("plan.md").exists());
}

#[tokio::test]
async fn a_key_in_a_workspace_file_never_reaches_the_next_request() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), format!("API_KEY={KEY}\nREGION=eu\n")).unwrap();
    let server = calls("read_file", json!({"path": ".env"})).await;
    let out = output(telltale(&server, dir.path(), &[])).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(result(&events(&out)), (true, "API_KEY=[redacted]\nREGION=eu\n".into()));
    let next = server.requests()[1].json().to_string();
    assert!(next.contains("REGION=eu") && !next.contains(KEY), "{next}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(KEY));
}

#[tokio::test]
async fn a_workspace_that_does_not_exist_is_refused_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let server = calls("list_files", json!({})).await;
    let out = output(telltale(&server, &dir.path().join("missing"), &[])).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn an_mcp_server_from_mcp_config_answers_the_models_call() {
    let dir = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    assert!(script.exists(), "run `npm ci` at the repository's root: {}", script.display());
    let config =
        json!({"mcpServers": {"everything": {"command": "node", "args": [script, "stdio"]}}});
    let file = dir.path().join("mcp.json");
    std::fs::write(&file, config.to_string()).unwrap();
    let server = calls("everything__echo", json!({"message": "from the CLI"})).await;
    let file = file.display().to_string();
    let out = output(telltale(&server, dir.path(), &["--mcp-config", &file])).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(result(&events(&out)), (true, "Echo: from the CLI".into()));
    // The model was offered the server's tools with their schemas.
    let offered = server.requests()[0].json()["tools"].to_string();
    assert!(offered.contains("everything__echo") && offered.contains("message"), "{offered}");
}
