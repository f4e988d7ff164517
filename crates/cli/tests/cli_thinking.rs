//! `telltale run --provider anthropic --thinking-budget N` as a user runs it, against an
//! Anthropic-format server on 127.0.0.1: thinking is asked for, the tool call's turn goes back
//! with its reasoning blocks first, and a budget Anthropic would refuse is an error naming the
//! flag before anything is sent.

mod support;

#[path = "../../agent/tests/support/server.rs"]
mod server;

use std::process::Command;

use serde_json::json;
use server::{fixture_expected, Reply, TestServer};
use support::{
    data_folder_with_default_provider, output, run_with_saved_settings, telltale_command,
};

/// `telltale run --json --provider anthropic …` on "27 * 453?", not saved.
fn telltale_anthropic(base_url: &str) -> Command {
    let mut command = telltale_command();
    command
        .args(["run", "--json", "--no-save", "--keepalive-ms", "0", "--provider", "anthropic"])
        .args(["--base-url", base_url, "--model", "claude-test"])
        .env_remove("TELLTALE_THINKING_BUDGET")
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("TELLTALE_API_KEY");
    command
}

#[tokio::test]
async fn the_flag_asks_for_thinking_and_the_reasoning_goes_back_with_the_tool_call() {
    let server = TestServer::fixtures("anthropic_thinking_tools.sse", "anthropic_text.sse").await;
    let mut command = telltale_anthropic(&server.base_url());
    command.args(["--thinking-budget", "2048", "27 * 453?"]);
    let out = output(command).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let first = requests[0].json();
    assert_eq!(first["thinking"], json!({ "type": "enabled", "budget_tokens": 2048 }));
    let expected = fixture_expected("anthropic_thinking_tools.sse")["expected"].clone();
    let turn = &requests[1].json()["messages"][1];
    assert_eq!(turn["role"], "assistant");
    let blocks = turn["content"].as_array().expect("content");
    assert_eq!(blocks[..2], expected["thinking_blocks"].as_array().expect("blocks")[..]);
    assert_eq!(blocks[3]["type"], "tool_use", "{blocks:?}");
}

#[tokio::test]
async fn a_budget_under_1024_tokens_is_refused_naming_the_flag_and_nothing_is_sent() {
    let server = TestServer::always(Reply::sse_fixture("anthropic_text.sse")).await;
    let mut by_flag = telltale_anthropic(&server.base_url());
    by_flag.args(["--thinking-budget", "512", "hi"]);
    let mut by_variable = telltale_anthropic(&server.base_url());
    by_variable.env("TELLTALE_THINKING_BUDGET", "lots").arg("hi");
    for (command, value) in [(by_flag, "512"), (by_variable, "lots")] {
        let out = output(command).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{stderr}");
        assert!(
            stderr.contains(&format!("\"{value}\"")) && stderr.contains("--thinking-budget"),
            "{stderr}"
        );
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_saved_budget_asks_for_thinking_and_the_flag_or_variable_overrides_it_for_one_run() {
    let server = TestServer::always(Reply::sse_fixture("anthropic_text.sse")).await;
    let dir = data_folder_with_default_provider(
        json!({ "id": "anthropic", "base_url": server.base_url(), "model": "claude-saved",
                "thinking_budget": 4096 }),
    );
    let saved = |extra: &[&str], variable: Option<&str>| {
        let mut command = run_with_saved_settings(dir.path(), extra, "hi");
        if let Some(budget) = variable {
            command.env("TELLTALE_THINKING_BUDGET", budget);
        }
        command
    };
    for (extra, variable, asked) in [
        (&[][..], None, 4096),
        (&["--thinking-budget", "2048"][..], None, 2048),
        (&[][..], Some("3000"), 3000),
        (&["--thinking-budget", "1024"][..], Some("3000"), 1024),
    ] {
        let out = output(saved(extra, variable)).await;
        assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        let request = server.requests().last().expect("a request").json();
        assert_eq!(request["model"], "claude-saved");
        assert_eq!(request["thinking"], json!({ "type": "enabled", "budget_tokens": asked }));
    }
}
