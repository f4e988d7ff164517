//! The API key never reaches the history: run the CLI against a local OpenAI-compatible server
//! (which even echoes the key back in an error), export in every format, and look for the key's
//! bytes in the database files, the exports, and every stdout and stderr.

mod support;

#[path = "../../agent/tests/support/server.rs"]
mod server;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::json;
use server::{Reply, TestServer};
use support::output;

const KEY: &str = "sk-telltale-history-leak-7f3a9c2e1b";

fn telltale(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_telltale"));
    command
        .env("TELLTALE_DATA_DIR", data)
        .env("TELLTALE_API_KEY", KEY)
        .env_remove("OPENAI_API_KEY")
        .env_remove("TELLTALE_PROVIDER");
    command
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn the_api_key_appears_in_no_database_file_export_or_output() {
    let server = TestServer::start(|n, _| match n {
        0 => Reply::sse_fixture("openai_chat_text.sse"),
        _ => Reply::json(
            401,
            &json!({ "error": { "message": format!("Incorrect API key provided: {KEY}") } }),
        ),
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let mut outputs: Vec<Output> = Vec::new();

    let run = |args: &[&str]| {
        let mut command = telltale(data.path());
        command
            .args([
                "run",
                "--keepalive-ms",
                "0",
                "--provider",
                "openai",
                "--base-url",
                &server.base_url(),
                "--model",
                "m",
            ])
            .args(args);
        command
    };
    let first = output(run(&["hello"])).await;
    assert_eq!(first.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&first.stderr));
    let stderr = String::from_utf8_lossy(&first.stderr).into_owned();
    let id =
        stderr.lines().find_map(|l| l.strip_prefix("conversation ")).expect("the id").to_owned();
    outputs.push(first);
    // The same conversation again, now rejected by a server that quotes the key back.
    let second = output(run(&["--json", "--conversation", &id, "again"])).await;
    assert_eq!(second.status.code(), Some(1));
    outputs.push(second);
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("authorization") == Some(&format!("Bearer {KEY}"))));
    assert!(
        server.requests()[1].json()["messages"].as_array().unwrap().len() >= 3,
        "the conversation was continued"
    );

    let mut exports = Vec::new();
    for format in ["md", "json", "html"] {
        let out = output({
            let mut command = telltale(data.path());
            command.args(["export", &id, "--format", format]);
            command
        })
        .await;
        assert_eq!(out.status.code(), Some(0));
        exports.push(out.stdout.clone());
        outputs.push(out);
        let file = data.path().join(format!("export.{format}"));
        let out = output({
            let mut command = telltale(data.path());
            command.args(["export", &id, "--format", format, "-o"]).arg(&file);
            command
        })
        .await;
        assert_eq!(out.status.code(), Some(0));
        outputs.push(out);
    }
    assert!(
        String::from_utf8_lossy(&exports[1]).contains("[redacted]"),
        "the error event is in the export, redacted"
    );
    for command in [vec!["list"], vec!["list", "--json"], vec!["search", "Incorrect"]] {
        outputs.push(
            output({
                let mut c = telltale(data.path());
                c.args(&command);
                c
            })
            .await,
        );
    }

    for (i, out) in outputs.iter().enumerate() {
        assert!(!contains(&out.stdout, KEY), "command {i}: the key is on stdout");
        assert!(!contains(&out.stderr, KEY), "command {i}: the key is on stderr");
    }
    for export in &exports {
        assert!(!contains(export, KEY), "the key is in an export");
    }
    let mut files = 0;
    for entry in std::fs::read_dir(data.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert!(!contains(&bytes, KEY), "the key is in {}", path.display());
        files += 1;
    }
    assert!(files >= 4, "the database (and its WAL) and the exported files were checked");
}
