#![allow(dead_code)] // each test file uses its part
//! A real server on 127.0.0.1 (the offline demo answering, at a pace the test picks, the history
//! in memory) and a client that reads its Server-Sent Events field by field.

pub mod ag_ui;
pub mod idle_proxy;
pub mod raw;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use telltale_agent::providers::offline::{OfflinePace, OfflineProvider};
use telltale_agent::providers::{ProviderKind, ProviderSettings};
use telltale_agent::{Agent, AgentConfig, Provider, ToolRegistry};
use telltale_serve::{AgentChooser, ServeConfig};
use telltale_session::{AgentSlot, Session, Store};

pub const TOKEN: &str = "test-token-0123456789";

pub struct Server {
    pub base: String,
    pub client: reqwest::Client,
}

/// Serves a session whose offline demo pauses `think` before answering and `word` between
/// words; streams ping after `keepalive` of quiet.
pub async fn start(think: Duration, word: Duration, keepalive: Duration) -> Server {
    start_with_ui(think, word, keepalive, None).await
}

/// As `start`, serving the UI in `ui_dir` at `/`.
pub async fn start_with_ui(
    think: Duration,
    word: Duration,
    keepalive: Duration,
    ui_dir: Option<std::path::PathBuf>,
) -> Server {
    let session = offline_session(think, word);
    serve(ServeConfig { keepalive, ui_dir, ..ServeConfig::new(session, TOKEN.into()) }).await
}

/// A session answering with the offline demo at this pace.
pub fn offline_session(think: Duration, word: Duration) -> Session {
    let provider = OfflineProvider::new(OfflinePace { think, word });
    session_of(Agent::new(Arc::new(provider), ToolRegistry::builtin(), quiet()))
}

/// No pings from the agent itself: the stream's keep-alive is the server's.
pub fn quiet() -> AgentConfig {
    AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() }
}

/// A session answering with `agent`, its history in memory.
pub fn session_of(agent: Agent) -> Session {
    let store = Store::in_memory("tests".into()).unwrap();
    let label = agent.provider().label();
    Session::new(AgentSlot::new(Arc::new(agent), label), store, tokio::runtime::Handle::current())
}

/// Serves `config` on a free loopback port.
pub async fn serve(config: ServeConfig) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(telltale_serve::serve(listener, config));
    Server { base, client: reqwest::Client::new() }
}

/// The provider for an OpenAI-format server at `base_url` (a test server), as model `m`.
pub fn openai_at(base_url: String) -> Arc<dyn Provider> {
    let settings = ProviderSettings {
        kind: ProviderKind::Openai,
        model: Some("m".into()),
        base_url: Some(base_url),
        ..ProviderSettings::default()
    };
    settings.build().unwrap()
}

/// Makes a run's agent as the CLI does: the offline demo unless the run names another kind,
/// an OpenAI-format server at `base_url`, with the built-in tools.
pub fn chooser(base_url: String) -> AgentChooser {
    let configured =
        ProviderSettings { offline_pace: OfflinePace::instant(), ..ProviderSettings::default() };
    Arc::new(move |kind: Option<ProviderKind>, model: Option<String>| {
        let mut settings = configured.for_run(kind, model, |_| None);
        if settings.kind != ProviderKind::Offline {
            settings.base_url = Some(base_url.clone());
        }
        Ok(Arc::new(Agent::new(settings.build()?, ToolRegistry::builtin(), quiet())))
    })
}

impl Server {
    /// POSTs `body` as JSON to `path` with the token.
    pub async fn post(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        let url = format!("{}{path}", self.base);
        self.client.post(url).bearer_auth(TOKEN).json(body).send().await.unwrap()
    }

    /// GETs `path` with the token.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        let url = format!("{}{path}", self.base);
        self.client.get(url).bearer_auth(TOKEN).send().await.unwrap()
    }

    /// GETs `path` with the token and reads the answer as JSON.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        self.get(path).await.json().await.unwrap()
    }

    /// Starts a run; returns (run_id, conversation_id).
    pub async fn create(&self, body: serde_json::Value) -> (String, String) {
        let response = self.post("/v1/runs", &body).await;
        assert_eq!(response.status(), 201);
        let json: serde_json::Value = response.json().await.unwrap();
        let field = |name: &str| json[name].as_str().unwrap().to_owned();
        (field("run_id"), field("conversation_id"))
    }

    /// Starts a run with `?stream=true`: its stream, and the response's headers.
    pub async fn create_streaming(&self, body: serde_json::Value) -> SseReader {
        let response = self.post("/v1/runs?stream=true", &body).await;
        assert_eq!(response.status(), 200);
        SseReader::new(response)
    }

    /// Reads a run's stream to its end, then gives the session a moment to let the run go (its
    /// conversation may take the next one).
    pub async fn finish(&self, run_id: &str) -> Vec<SseEvent> {
        let events = self.events(run_id, None).await.rest().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        events
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
        SseReader::new(response)
    }
}

impl Server {
    /// The runs in progress once there are none, or as they are after about 10 s of asking (the
    /// session lets a run go just after its end).
    pub async fn runs_once_none_in_progress(&self) -> serde_json::Value {
        let mut runs = serde_json::Value::Null;
        for _ in 0..200 {
            let request = self.client.get(format!("{}/v1/runs", self.base)).bearer_auth(TOKEN);
            runs = request.send().await.unwrap().json().await.unwrap();
            if runs.as_array().is_some_and(Vec::is_empty) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        runs
    }
}

/// This process's resident memory, in KiB (Linux; none elsewhere).
pub fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|line| line.strip_prefix("VmRSS:"))?;
    line.trim().trim_end_matches("kB").trim().parse().ok()
}

/// A prompt POSTed to `path` with the token from a browser page of `origin`.
pub async fn post_from(server: &Server, origin: &str, path: &str) -> reqwest::Response {
    let url = format!("{}{path}", server.base);
    let request = server.client.post(url).bearer_auth(TOKEN).header("origin", origin);
    request.json(&serde_json::json!({"prompt": "hello"})).send().await.unwrap()
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
    /// Bytes, not text: a network chunk may end inside a character. A whole event (up to its
    /// blank line) ends on a `\n`, so it is whole text.
    buffer: Vec<u8>,
}

impl SseReader {
    pub fn new(response: reqwest::Response) -> SseReader {
        let headers = response.headers().clone();
        SseReader { headers, body: Box::pin(response.bytes_stream()), buffer: Vec::new() }
    }

    /// The next event (comments skipped); `None` once the server has ended the stream.
    pub async fn next(&mut self) -> Option<SseEvent> {
        self.try_next().await.unwrap()
    }

    /// The next event, `None` at the stream's end, or the error that cut the stream short.
    pub async fn try_next(&mut self) -> reqwest::Result<Option<SseEvent>> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
                if let Some(event) = parse(std::str::from_utf8(&block).unwrap()) {
                    return Ok(Some(event));
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(20), self.body.next())
                .await
                .expect("the stream went quiet for 20 s");
            let Some(chunk) = chunk else { return Ok(None) };
            self.buffer.extend_from_slice(&chunk?);
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

/// Every event in a whole stream's text (comments skipped).
pub fn parse_events(text: &str) -> Vec<SseEvent> {
    text.split("\n\n").filter_map(parse).collect()
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
