//! The API key never reaches the history or any output: a whole session of the CLI against a
//! local OpenAI-compatible server — a chat, a tool whose output quotes the key, an error that
//! echoes it back, a run killed mid-stream, exports in every format, list and search, every
//! command logging at trace level — and the key's bytes are looked for in the database files,
//! the exports, and every stdout and stderr (the logs).

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
        .env("TELLTALE_LOG", "trace")
        .env_remove("OPENAI_API_KEY")
        .env_remove("TELLTALE_PROVIDER");
    command
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn the_api_key_appears_in_no_database_file_export_or_output() {
    let addr = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let page = addr.clone();
    let server = TestServer::start(move |n, request| match n {
        _ if request.path == "/page" => {
            Reply::new(200, "text/plain", format!("The key you use is {KEY}."))
        }
        0 => Reply::sse_fixture("openai_chat_text.sse"),
        1 => Reply::json(
            401,
            &json!({ "error": { "message": format!("Incorrect API key provided: {KEY}") } }),
        ),
        // A tool whose output quotes the key, then an answer.
        2 => Reply::openai_tool_call(
            "call_page",
            "web_fetch",
            &json!({ "url": format!("http://{}/page", page.get().expect("set")) }),
        ),
        // (Request 3 is the page's.)
        4 => Reply::openai_text("The page said something."),
        // A stream that stalls: the run is killed while it waits.
        _ => Reply::new(
            200,
            "text/event-stream",
            "data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"Half\"}}]}\n\n",
        )
        .ending(server::Ending::Stall(std::time::Duration::from_secs(30))),
    })
    .await;
    addr.set(server.addr.to_string()).unwrap();
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
    let tools =
        output(run(&["--json", "--conversation", &id, "--allow-private-network", "fetch"])).await;
    assert_eq!(tools.status.code(), Some(0), "{}", String::from_utf8_lossy(&tools.stderr));
    let printed = String::from_utf8_lossy(&tools.stdout).into_owned();
    assert!(printed.contains("The key you use is [redacted]"), "the tool ran: {printed}");
    outputs.push(tools);
    // A crash: killed while the answer streams.
    let mut killed = run(&["--json", "--conversation", &id, "crash"]);
    let mut child = killed
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while server.requests().iter().filter(|r| r.path != "/page").count() < 5 {
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "the fifth request");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    child.kill().unwrap();
    outputs.push(
        tokio::task::spawn_blocking(move || child.wait_with_output().unwrap()).await.unwrap(),
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
