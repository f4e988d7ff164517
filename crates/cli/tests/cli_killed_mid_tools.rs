//! SIGKILL while a step's tool calls run: the messages completed before the kill (the prompt, the
//! model's tool calls, the result of the call that ended) are in the history, and the next run
//! in the conversation sends the provider a valid history, the unfinished call's result saying
//! it was interrupted.

#[path = "../../agent/tests/support/server.rs"]
mod server;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use server::{Ending, Reply, TestServer};
use telltale_history::{History, RunStatus, INTERRUPTED};
use telltale_protocol::{Event, EventKind, Message, ToolCall};

fn telltale(data: &Path, server: &TestServer) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_telltale"));
    command
        .env("TELLTALE_DATA_DIR", data)
        .env("TELLTALE_API_KEY", "sk-killed-mid-tools")
        .env_remove("OPENAI_API_KEY")
        .args(["run", "--json", "--keepalive-ms", "0", "--provider", "openai", "--model", "m"])
        .args(["--base-url", &server.base_url(), "--allow-private-network"])
        .stdin(Stdio::null());
    command
}

/// The messages stored in the database at `path` (none while it does not exist yet).
fn stored(path: &Path) -> Vec<Message> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let Ok(conn) = rusqlite::Connection::open_with_flags(path, flags) else { return vec![] };
    let Ok(mut statement) = conn.prepare("SELECT json FROM messages ORDER BY run_id, idx") else {
        return vec![];
    };
    statement
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|json| serde_json::from_str(&json.unwrap()).unwrap())
        .collect()
}

/// An OpenAI-style step that calls every one of `calls` at once.
fn tool_calls(calls: &[ToolCall]) -> Reply {
    let deltas: Vec<_> = calls
        .iter()
        .enumerate()
        .map(|(index, call)| {
            json!({"index": index, "id": call.call_id, "type": "function",
                "function": {"name": call.name, "arguments": call.args.to_string()}})
        })
        .collect();
    let chunk = json!({"choices": [{"index": 0, "delta": {"role": "assistant", "tool_calls": deltas},
        "finish_reason": null}]});
    let end = json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]});
    Reply::new(
        200,
        "text/event-stream",
        format!("data: {chunk}\n\ndata: {end}\n\ndata: [DONE]\n\n"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_while_a_tool_runs_keeps_the_completed_messages_and_continues_validly() {
    let data = tempfile::tempdir().unwrap();
    let server_addr = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let addr = server_addr.clone();
    let server = TestServer::start(move |n, request| match n {
        // The model calls a fast tool and a page that never finishes loading.
        0 => {
            let page = format!("http://{}/slow-page", addr.get().expect("set"));
            tool_calls(&[
                ToolCall {
                    call_id: "call_sum".into(),
                    name: "calculator".into(),
                    args: json!({"expression": "17 * 23"}),
                },
                ToolCall {
                    call_id: "call_page".into(),
                    name: "web_fetch".into(),
                    args: json!({"url": page}),
                },
            ])
        }
        _ if request.path == "/slow-page" => Reply::new(200, "text/html", "<p>loading")
            .ending(Ending::Stall(Duration::from_secs(120))),
        _ => Reply::openai_text("Carrying on."),
    })
    .await;
    server_addr.set(server.addr.to_string()).unwrap();

    let mut child =
        telltale(data.path(), &server).arg("add them up").stdout(Stdio::piped()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let seen = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut seen: Vec<Event> = Vec::new();
        for line in BufReader::new(stdout).lines() {
            assert!(started.elapsed() < Duration::from_secs(20), "too slow");
            let event: Event = serde_json::from_str(&line.unwrap()).unwrap();
            let done = matches!(&event.kind, EventKind::ToolResult { call_id, .. } if call_id == "call_sum");
            seen.push(event);
            if done {
                return seen;
            }
        }
        panic!("the output ended before the calculator's result: {seen:?}");
    })
    .await
    .unwrap();
    // The result was printed; the recorder had it queued before. Kill once it is stored, while
    // the page's call still runs (before this change, nothing was stored until the run ended).
    let path = data.path().join("history.sqlite3");
    let started = Instant::now();
    while stored(&path).len() < 3 {
        assert!(started.elapsed() < Duration::from_secs(10), "stored: {:?}", stored(&path));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(child.try_wait().unwrap().is_none(), "the run is still going");
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    assert!(!seen.iter().any(|e| matches!(e.kind, EventKind::RunFinished { .. })));

    assert_eq!(telltale_history::integrity_check(&path).unwrap(), "ok");
    let history = History::open(&path).unwrap();
    let conversation = history.list_conversations().unwrap().remove(0);
    let detail = history.get(&conversation.id).unwrap();
    assert_eq!(detail.runs[0].status, RunStatus::Interrupted);

    // Stored as each completed: the prompt, the model's calls, the calculator's result.
    let stored = stored(&path);
    let sum = Message::Tool {
        call_id: "call_sum".into(),
        name: "calculator".into(),
        ok: true,
        output: "391".into(),
    };
    assert_eq!(stored.len(), 3, "{stored:?}");
    assert_eq!(stored[0], Message::user("add them up"));
    assert!(matches!(&stored[1], Message::Assistant { tool_calls, .. } if tool_calls.len() == 2));
    assert_eq!(stored[2], sum);

    // Read back to continue: the page's call gets a result saying it was interrupted.
    let page = Message::Tool {
        call_id: "call_page".into(),
        name: "web_fetch".into(),
        ok: false,
        output: INTERRUPTED.into(),
    };
    let messages = history.messages(&conversation.id).unwrap();
    assert_eq!(&messages[2..], &[sum, page]);

    // And the next run in the conversation sends the provider every call with its result.
    let out = tokio::task::spawn_blocking({
        let mut command = telltale(data.path(), &server);
        command.args(["--conversation", &conversation.id, "go on"]);
        move || command.output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let sent = server.requests().into_iter().rfind(|r| r.path.ends_with("/chat/completions"));
    let sent = sent.expect("the next run asked the model").json();
    let roles: Vec<&str> =
        sent["messages"].as_array().unwrap().iter().filter_map(|m| m["role"].as_str()).collect();
    assert_eq!(roles, ["user", "assistant", "tool", "tool", "user"], "{sent}");
    let results: Vec<&str> = sent["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "tool")
        .filter_map(|m| m["tool_call_id"].as_str())
        .collect();
    assert_eq!(results, ["call_sum", "call_page"]);
}
