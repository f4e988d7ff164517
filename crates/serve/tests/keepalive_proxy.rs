//! Keep-alives through a proxy: a tool that takes 30 s, the stream read through a proxy that
//! closes connections idle for 5 s (`support/idle_proxy.rs`). With a 1-second keep-alive the
//! stream stays open to `run_finished`, pings and all; with the default 15 s the proxy cuts it
//! while the tool runs (the run itself goes on), which shows the first could fail.

#[path = "../../agent/tests/support/server.rs"]
mod server;
mod support;
#[path = "../../agent/tests/support/test_tools.rs"]
mod test_tools;

use std::time::{Duration, Instant};

use serde_json::json;
use server::{Recorded, Reply, TestServer};
use support::idle_proxy::IdleProxy;
use support::{serve, session_of, TOKEN};
use telltale_agent::{Agent, AgentConfig, ToolRegistry};
use telltale_serve::{ServeConfig, DEFAULT_KEEPALIVE};
use test_tools::{tool, Act};

const TOOL_TIME: Duration = Duration::from_secs(30);
const PROXY_IDLE: Duration = Duration::from_secs(5);

/// The model: a call of the slow tool, then, after its result, "Done."
fn model(_: usize, request: &Recorded) -> Reply {
    let messages = request.json()["messages"].as_array().unwrap().clone();
    if messages.last().unwrap()["role"] == "tool" {
        return Reply::openai_text("Done.");
    }
    Reply::openai_tool_call("call_s", "slow", &json!({}))
}

struct Setup {
    /// The server itself, and the same API through the proxy.
    direct: support::Server,
    proxied: support::Server,
    proxy: IdleProxy,
    /// Kept for the test's length: the model answers as long as it lives.
    model: TestServer,
}

async fn setup(keepalive: Duration) -> Setup {
    let model = TestServer::start(model).await;
    let mut tools = ToolRegistry::builtin();
    tools.add(tool("slow", Act::Sleep(TOOL_TIME, "slept")));
    // The agent's own pings off (the stream's keep-alive is the server's); the tool's watchdog
    // longer than the tool.
    let config = AgentConfig { tool_timeout: TOOL_TIME * 2, ..support::quiet() };
    let agent = Agent::new(support::openai_at(model.base_url()), tools, config);
    let config = ServeConfig { keepalive, ..ServeConfig::new(session_of(agent), TOKEN.into()) };
    let direct = serve(config).await;
    let proxy = IdleProxy::start(&direct.base, PROXY_IDLE).await;
    let proxied = support::Server { base: proxy.base.clone(), client: reqwest::Client::new() };
    Setup { direct, proxied, proxy, model }
}

#[tokio::test]
async fn a_30_s_tool_with_a_1_s_keepalive_stays_connected_through_a_5_s_idle_proxy() {
    let Setup { proxied, proxy, model: _model, .. } = setup(Duration::from_secs(1)).await;
    let started = Instant::now();
    let (run_id, _) = proxied.create(json!({"prompt": "take your time"})).await;
    let mut reader = proxied.events(&run_id, None).await;
    let (mut pings, mut events) = (0, Vec::new());
    while let Some(event) = reader.next().await {
        match event.id {
            None => pings += usize::from(event.event == "ping"),
            Some(_) => events.push(event),
        }
    }
    let kinds: Vec<&str> = events.iter().map(|event| event.event.as_str()).collect();
    assert!(kinds.contains(&"tool_call"), "{kinds:?}");
    let result = events.iter().find(|event| event.event == "tool_result").unwrap();
    assert_eq!((&result.data["ok"], &result.data["output"]), (&json!(true), &json!("slept")));
    assert_eq!(events.last().unwrap().data["reason"], "completed");
    assert_eq!(support::seqs(&events), (0..events.len() as u64).collect::<Vec<_>>());
    assert_eq!(proxy.cut(), 0, "the proxy never found the stream idle");
    assert!(pings > 0, "the keep-alive kept it busy");
    println!(
        "through the proxy for {:?}: {pings} pings, {} events",
        started.elapsed(),
        events.len()
    );
}

#[tokio::test]
async fn with_the_default_15_s_keepalive_the_proxy_cuts_the_stream_while_the_tool_runs() {
    let Setup { direct, proxied, proxy, model: _model } = setup(DEFAULT_KEEPALIVE).await;
    let (run_id, _) = proxied.create(json!({"prompt": "take your time"})).await;
    let mut reader = proxied.events(&run_id, None).await;
    let mut kinds = Vec::new();
    let ended = loop {
        match reader.try_next().await {
            Ok(Some(event)) => kinds.push(event.event),
            Ok(None) => break "closed".to_owned(),
            Err(error) => break format!("cut: {error}"),
        }
    };
    assert!(kinds.iter().any(|kind| kind == "tool_call"), "{kinds:?}");
    assert!(!kinds.iter().any(|kind| kind == "run_finished"), "{kinds:?}");
    assert_eq!(proxy.cut(), 1, "the proxy closed the idle stream ({ended})");
    // The run goes on: only the connection was lost.
    let response = direct.client.get(format!("{}/v1/runs", direct.base)).bearer_auth(TOKEN);
    let in_progress: serde_json::Value = response.send().await.unwrap().json().await.unwrap();
    assert_eq!(in_progress[0]["run_id"], run_id.as_str(), "{in_progress}");
    println!("without a short keep-alive the stream ended: {ended}");
}
