//! A real server on 127.0.0.1 (the offline demo answering, at a pace the test picks, the history
//! in memory) and a client that reads its Server-Sent Events field by field.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use telltale_agent::providers::offline::{OfflinePace, OfflineProvider};
use telltale_agent::{Agent, AgentConfig, ToolRegistry};
use telltale_serve::ServeConfig;
use telltale_session::{AgentSlot, Session, Store};

pub const TOKEN: &str = "test-token-0123456789";

pub struct Server {
    pub base: String,
    pub client: reqwest::Client,
}

/// Serves a session whose offline demo pauses `think` before answering and `word` between
/// words; streams ping after `keepalive` of quiet.
pub async fn start(think: Duration, word: Duration, keepalive: Duration) -> Server {
    let provider = OfflineProvider::new(OfflinePace { think, word });
    // No pings from the agent itself: the stream's keep-alive is the server's.
    let config = AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() };
    let agent = Agent::new(Arc::new(provider), ToolRegistry::builtin(), config);
    let store = Store::in_memory("tests".into()).unwrap();
    let session = Session::new(
        AgentSlot::new(Arc::new(agent), "offline".into()),
        store,
        tokio::runtime::Handle::current(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = ServeConfig { session, token: TOKEN.into(), keepalive, on_run_started: None };
    tokio::spawn(telltale_serve::serve(listener, config));
    Server { base, client: reqwest::Client::new() }
}

impl Server {
    /// Starts a run; returns (run_id, conversation_id).
    pub async fn create(&self, body: serde_json::Value) -> (String, String) {
        let response = self
            .client
            .post(format!("{}/v1/runs", self.base))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let json: serde_json::Value = response.json().await.unwrap();
        let field = |name: &str| json[name].as_str().unwrap().to_owned();
        (field("run_id"), field("conversation_id"))
    }

    /// Opens a run's event stream, resuming after `last_event_id` when given.
    pub async fn events(&self, run_id: &str, last_event_id: Option<u64>) -> SseReader {
        let mut request =
            self.client.get(format!("{}/v1/runs/{run_id}/events", self.base)).bearer_auth(TOKEN);
        if let Some(seq) = last_event_id {
            request = request.header("Last-Event-ID", seq.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        SseReader { headers, body: Box::pin(response.bytes_stream()), buffer: String::new() }
    }
}

/// One SSE event as it came over the wire.
#[derive(Debug, Clone)]
pub struct SseEvent {
    pub id: Option<u64>,
    pub event: String,
    pub data: serde_json::Value,
}

type Body =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>;

pub struct SseReader {
    pub headers: reqwest::header::HeaderMap,
    body: Body,
    buffer: String,
}

impl SseReader {
    /// The next event (comments skipped); `None` once the server has ended the stream.
    pub async fn next(&mut self) -> Option<SseEvent> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(event) = parse(&block) {
                    return Some(event);
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(20), self.body.next())
                .await
                .expect("the stream went quiet for 20 s")?
                .unwrap();
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// Every protocol event (pings left out) until the stream ends.
    pub async fn rest(&mut self) -> Vec<SseEvent> {
        let mut events = Vec::new();
        while let Some(event) = self.next().await {
            if event.id.is_some() {
                events.push(event);
            }
        }
        events
    }
}

fn parse(block: &str) -> Option<SseEvent> {
    let (mut id, mut event, mut data) = (None, None, String::new());
    for line in block.lines() {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "id" => id = Some(value.parse().unwrap()),
            "event" => event = Some(value.to_owned()),
            "data" => data.push_str(value),
            _ => {}
        }
    }
    let event = event?;
    Some(SseEvent { id, event, data: serde_json::from_str(&data).unwrap() })
}

/// The seqs of `events`, in order.
pub fn seqs(events: &[SseEvent]) -> Vec<u64> {
    events.iter().map(|event| event.id.unwrap()).collect()
}
