//! `telltale serve` as a process: it prints its address and a new token, answers runs over
//! HTTP with that token only, and refuses a public address without a token of the user's own.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use support::{output, telltale_command};

/// Kills the server when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serve_prints_a_token_and_streams_a_run_to_whoever_has_it() {
    let mut command = telltale_command();
    command
        .args(["serve", "--provider", "offline", "--pace-ms", "0", "--bind", "127.0.0.1:0"])
        .env_remove("TELLTALE_SERVE_TOKEN")
        .stdout(Stdio::piped());
    let mut server = Running(command.spawn().unwrap());
    let stdout = server.0.stdout.take().unwrap();
    let (address, token, browser) = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stdout).lines();
        let mut next = || lines.next().unwrap().unwrap();
        let address = next().strip_prefix("listening on ").unwrap().to_owned();
        let token = next().strip_prefix("token: ").unwrap().to_owned();
        let browser = next();
        (address, token, browser)
    })
    .await
    .unwrap();
    assert_eq!(token.len(), 64);
    // The address that opens the chat, when the UI is built (ui/dist in this tree).
    let opens = format!("the chat in a browser: {address}/?token={token}");
    assert!(browser == opens || browser.starts_with("no built UI found"), "{browser}");

    let client = reqwest::Client::new();
    let create = |auth: String| {
        client
            .post(format!("{address}/v1/runs"))
            .header("authorization", auth)
            .json(&serde_json::json!({ "prompt": "hello" }))
            .send()
    };
    assert_eq!(create("Bearer not-it".into()).await.unwrap().status(), 401);
    let created = create(format!("Bearer {token}")).await.unwrap();
    assert_eq!(created.status(), 201);
    let created: serde_json::Value = created.json().await.unwrap();
    let run_id = created["run_id"].as_str().unwrap();
    let stream = client
        .get(format!("{address}/v1/runs/{run_id}/events"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(stream.starts_with("id: 0\nevent: run_started\n"), "{stream}");
    assert!(stream.contains("event: run_finished\ndata: "), "{stream}");
}

#[tokio::test]
async fn a_public_address_without_a_token_is_refused() {
    let mut command = telltale_command();
    command
        .args(["serve", "--provider", "offline", "--bind", "0.0.0.0:0"])
        .env_remove("TELLTALE_SERVE_TOKEN");
    let out = output(command).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refusing to listen on 0.0.0.0:0"), "{stderr}");
    assert!(stderr.contains("--token"), "{stderr}");
}
