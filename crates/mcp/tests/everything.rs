//! Against real third-party MCP servers that the test command installs from npm
//! (`@modelcontextprotocol/server-everything` and `server-filesystem`, in node_modules): over
//! stdio and streamable HTTP, list tools, call one, progress from its long-running operation,
//! cancellation, a server killed mid-call, and a server that cannot start.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use telltale_agent::{Emitter, ProgressSink, Tool, ToolSource};
use telltale_mcp::{McpManager, McpServer, ServerState};
use telltale_protocol::EventKind;
use tokio::sync::mpsc::unbounded_channel;

fn node_module(path: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../node_modules");
    let file = root.join(path);
    assert!(
        file.exists(),
        "{} is missing: run `npm ci` at the repository's root (scripts/setup.sh does)",
        file.display()
    );
    file.display().to_string()
}

fn stdio(script: &str, args: &[&str]) -> McpServer {
    let mut all = vec![node_module(script)];
    all.extend(args.iter().map(|a| a.to_string()));
    McpServer {
        command: "node".into(),
        args: all,
        env: BTreeMap::new(),
        cwd: None,
        url: String::new(),
        headers: BTreeMap::new(),
        enabled: true,
        disabled_tools: Vec::new(),
        timeout_s: None,
    }
}

fn everything() -> McpServer {
    stdio("@modelcontextprotocol/server-everything/dist/index.js", &["stdio"])
}

/// A manager running `servers`, once they have started.
async fn running(servers: &[(&str, McpServer)]) -> McpManager {
    let manager = McpManager::new(tokio::runtime::Handle::current());
    let servers: BTreeMap<String, McpServer> =
        servers.iter().map(|(name, s)| (name.to_string(), s.clone())).collect();
    manager.configure(&servers);
    manager.settled(Duration::from_secs(60)).await;
    manager
}

fn tool(manager: &McpManager, name: &str) -> Arc<dyn Tool> {
    let tools = manager.tools();
    let names: Vec<String> = tools.iter().map(|t| t.spec().name).collect();
    tools
        .into_iter()
        .find(|t| t.spec().name == name)
        .unwrap_or_else(|| panic!("{name} not in {names:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stdio_server_lists_its_tools_and_answers_a_call() {
    let mut config = everything();
    config.disabled_tools = vec!["get-env".into()];
    let manager = running(&[("everything", config)]).await;
    let statuses = manager.statuses();
    let ServerState::Ready { tools } = &statuses[0].state else {
        panic!("not ready: {statuses:?}")
    };
    assert!(tools.contains(&"everything__echo".to_owned()), "{tools:?}");
    assert!(!tools.contains(&"everything__get-env".to_owned()), "a disabled tool is offered");

    let echo = tool(&manager, "everything__echo");
    let spec = echo.spec();
    assert_eq!(spec.parameters["properties"]["message"]["type"], "string");
    assert!(!echo.asks_first(), "echo says it only reads");
    assert_eq!(echo.call(json!({"message": "hello"})).await.unwrap(), "Echo: hello");
    let sum = tool(&manager, "everything__get-sum").call(json!({"a": 2, "b": 40})).await.unwrap();
    assert!(sum.contains("42"), "{sum}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_streams_and_a_cancelled_call_ends_at_once() {
    let manager = running(&[("everything", everything())]).await;
    let long = tool(&manager, "everything__trigger-long-running-operation");
    let (tx, mut rx) = unbounded_channel();
    let sink = ProgressSink::new(Emitter::new("run-1", tx), "c1".into());
    let done = long.call_with_progress(json!({"duration": 1, "steps": 4}), sink).await.unwrap();
    assert!(done.contains("Steps: 4"), "{done}");
    let progress: Vec<(f64, Option<f64>)> = std::iter::from_fn(|| rx.try_recv().ok())
        .filter_map(|e| match e.kind {
            EventKind::ToolProgress { progress, total, .. } => Some((progress, total)),
            _ => None,
        })
        .collect();
    // Steps 1 to 4 of 4, in order. rmcp handles each notification on a task of its own, so the
    // last one, sent just before the result, may be handled after the call has ended: the call's
    // end stops its progress, and that step is not reported.
    assert!((3..=4).contains(&progress.len()), "{progress:?}");
    for (step, reported) in progress.iter().enumerate() {
        assert_eq!(reported, &((step + 1) as f64, Some(4.0)), "{progress:?}");
    }

    // A 30-second operation, cancelled after half a second (as the agent's watchdog does, by
    // dropping the call), ends at once; the server goes on answering.
    let started = std::time::Instant::now();
    let call = long.call(json!({"duration": 30, "steps": 30}));
    assert!(tokio::time::timeout(Duration::from_millis(500), call).await.is_err());
    assert!(started.elapsed() < Duration::from_secs(5));
    let echo = tool(&manager, "everything__echo");
    assert_eq!(echo.call(json!({"message": "still here"})).await.unwrap(), "Echo: still here");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_call_fails_the_call_and_is_restarted_for_the_next_run() {
    let manager = running(&[("everything", everything())]).await;
    let long = tool(&manager, "everything__trigger-long-running-operation");
    let pid = manager.pid("everything").expect("a stdio server has a pid");
    let call = tokio::spawn(async move { long.call(json!({"duration": 20, "steps": 20})).await });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let killed = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
    assert!(killed.unwrap().success());
    let result = tokio::time::timeout(Duration::from_secs(10), call).await.unwrap().unwrap();
    let error = result.unwrap_err().to_string();
    assert!(error.contains("MCP server everything"), "{error}");

    // The next run finds it dead, restarts it, and the run after gets its tools again.
    let _ = manager.tools();
    manager.settled(Duration::from_secs(60)).await;
    assert_ne!(manager.pid("everything"), Some(pid));
    let echo = tool(&manager, "everything__echo");
    assert_eq!(echo.call(json!({"message": "back"})).await.unwrap(), "Echo: back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamable_http_server_answers_too() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut http =
        stdio("@modelcontextprotocol/server-everything/dist/index.js", &["streamableHttp"]);
    http.env.insert("PORT".into(), port.to_string());
    let mut process = tokio::process::Command::new(&http.command)
        .args(&http.args)
        .envs(&http.env)
        .kill_on_drop(true)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait for it to listen.
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let remote = McpServer {
        command: String::new(),
        args: Vec::new(),
        url: format!("http://127.0.0.1:{port}/mcp"),
        headers: BTreeMap::from([("X-Test".to_owned(), "1".to_owned())]),
        ..everything()
    };
    let manager = running(&[("remote", remote)]).await;
    let echo = tool(&manager, "remote__echo");
    assert_eq!(echo.call(json!({"message": "over http"})).await.unwrap(), "Echo: over http");
    let _ = process.kill().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filesystem_server_reads_inside_its_folder_and_a_broken_server_says_why() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "from the filesystem server").unwrap();
    let folder = dir.path().canonicalize().unwrap().display().to_string();
    let filesystem = stdio("@modelcontextprotocol/server-filesystem/dist/index.js", &[&folder]);
    let broken = McpServer { command: "telltale-no-such-program".into(), ..everything() };
    let crashes = McpServer {
        args: vec!["-e".into(), "console.error('bad config'); process.exit(3)".into()],
        ..everything()
    };
    let manager = running(&[("fs", filesystem), ("broken", broken), ("crashes", crashes)]).await;
    let file = format!("{folder}/notes.txt");
    let read = tool(&manager, "fs__read_text_file").call(json!({"path": file})).await.unwrap();
    assert!(read.contains("from the filesystem server"), "{read}");

    let states: BTreeMap<String, ServerState> =
        manager.statuses().into_iter().map(|s| (s.name, s.state)).collect();
    let ServerState::Failed { error } = &states["broken"] else { panic!("{states:?}") };
    assert!(error.contains("cannot run telltale-no-such-program"), "{error}");
    let ServerState::Failed { error } = &states["crashes"] else { panic!("{states:?}") };
    assert!(error.contains("bad config"), "the stderr tail is shown: {error}");
}
