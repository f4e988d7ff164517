//! A small HTTP/1.1 server on 127.0.0.1 for tests: it records every request and answers each
//! with a scripted [`Reply`], its body sent in chunked transfer encoding split exactly as asked
//! (whole, random sizes, one byte per chunk), then completed, cut off, or stalled.
//!
//! Shared by the agent's and the CLI's tests (`#[path]`-included), so it needs only tokio.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Where the wire fixtures are: `TELLTALE_FIXTURES`, else the repository's `fixtures/wire`
/// (the same path from `crates/agent` and `crates/cli`).
pub fn fixtures_dir() -> PathBuf {
    match std::env::var_os("TELLTALE_FIXTURES") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/wire")),
    }
}

pub fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()))
}

pub fn fixture_expected(name: &str) -> serde_json::Value {
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let bytes = fixture_bytes(&format!("{stem}.expected.json"));
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{stem}.expected.json is not JSON: {e}"))
}

/// How a body is split into HTTP chunks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Chunking {
    Whole,
    /// Sizes from 1 to 64 bytes, from a seeded generator (the same seed, the same split).
    Random(u64),
    OneByte,
    /// One SSE event (up to and with its blank line) a chunk.
    Events,
}

impl Chunking {
    pub const ALL: [Chunking; 3] = [Chunking::Whole, Chunking::Random(0x5EED), Chunking::OneByte];

    pub fn split<'a>(&self, body: &'a [u8]) -> Vec<&'a [u8]> {
        match *self {
            Chunking::Whole => vec![body],
            Chunking::OneByte => body.chunks(1).collect(),
            Chunking::Events => {
                let mut chunks = Vec::new();
                let mut rest = body;
                while !rest.is_empty() {
                    let end =
                        rest.windows(2).position(|w| w == b"\n\n").map_or(rest.len(), |i| i + 2);
                    let (chunk, tail) = rest.split_at(end);
                    chunks.push(chunk);
                    rest = tail;
                }
                chunks
            }
            Chunking::Random(seed) => {
                let mut state = seed | 1;
                let mut chunks = Vec::new();
                let mut rest = body;
                while !rest.is_empty() {
                    // xorshift64
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let size = (1 + state % 64) as usize;
                    let (chunk, tail) = rest.split_at(size.min(rest.len()));
                    chunks.push(chunk);
                    rest = tail;
                }
                chunks
            }
        }
    }
}

/// How the response ends after its body.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ending {
    /// The terminating chunk: a complete response.
    Complete,
    /// The connection closes without the terminating chunk (a reset mid-stream).
    Cut,
    /// Nothing more is sent for this long, then the connection closes.
    Stall(Duration),
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub chunking: Chunking,
    pub ending: Ending,
    /// A pause after each chunk (a slow stream), none by default.
    pub pace: Duration,
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            chunking: Chunking::Whole,
            ending: Ending::Complete,
            pace: Duration::ZERO,
        }
    }

    /// A fixture file served as an event stream.
    pub fn sse_fixture(name: &str) -> Self {
        Reply::new(200, "text/event-stream", fixture_bytes(name))
    }

    /// An OpenAI-style stream in which the model calls `name` with `args`, as call `id`.
    pub fn openai_tool_call(id: &str, name: &str, args: &serde_json::Value) -> Self {
        let call = serde_json::json!({"choices": [{"index": 0, "delta": {"role": "assistant",
            "tool_calls": [{"index": 0, "id": id, "type": "function",
                "function": {"name": name, "arguments": args.to_string()}}]},
            "finish_reason": null}]});
        let end = serde_json::json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]});
        Reply::new(
            200,
            "text/event-stream",
            format!("data: {call}\n\ndata: {end}\n\ndata: [DONE]\n\n"),
        )
    }

    /// An OpenAI-style stream that answers `text`.
    pub fn openai_text(text: &str) -> Self {
        let chunk = serde_json::json!({"choices": [{"index": 0, "delta": {"role": "assistant", "content": text}, "finish_reason": null}]});
        let end =
            serde_json::json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
        Reply::new(
            200,
            "text/event-stream",
            format!("data: {chunk}\n\ndata: {end}\n\ndata: [DONE]\n\n"),
        )
    }

    /// An OpenAI-style stream that answers `texts`, each in a chunk of its own.
    pub fn openai_tokens<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut body = String::new();
        for text in texts {
            let chunk = serde_json::json!({"choices": [{"index": 0,
                "delta": {"content": text}, "finish_reason": null}]});
            body.push_str(&format!("data: {chunk}\n\n"));
        }
        let end =
            serde_json::json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
        body.push_str(&format!("data: {end}\n\ndata: [DONE]\n\n"));
        Reply::new(200, "text/event-stream", body)
    }

    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Reply::new(status, "application/json", body.to_string())
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn chunked(mut self, chunking: Chunking) -> Self {
        self.chunking = chunking;
        self
    }

    /// Sends each SSE event as its own chunk, `pace` after the one before.
    pub fn paced(mut self, pace: Duration) -> Self {
        self.chunking = Chunking::Events;
        self.pace = pace;
        self
    }

    pub fn ending(mut self, ending: Ending) -> Self {
        self.ending = ending;
        self
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }
}

type Handler = dyn Fn(usize, &Recorded) -> Reply + Send + Sync;

pub struct TestServer {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Starts a server that answers the `n`th request (from 0) with `handler(n, &request)`.
    pub async fn start(
        handler: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (handler, recorded) = (handler.clone(), recorded.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, &*handler, &recorded).await;
                });
            }
        });
        TestServer { addr, requests, task }
    }

    /// Serves `reply` to every request.
    pub async fn always(reply: Reply) -> Self {
        TestServer::start(move |_, _| reply.clone()).await
    }

    /// Serves the fixture `first` to the first request and `then` to every later one (a tool
    /// call, then the answer).
    pub async fn fixtures(first: &str, then: &str) -> Self {
        let (first, then) = (Reply::sse_fixture(first), Reply::sse_fixture(then));
        TestServer::start(move |index, _| if index == 0 { first.clone() } else { then.clone() })
            .await
    }

    /// `http://127.0.0.1:PORT/v1`
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("requests lock").clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    handler: &Handler,
    recorded: &Mutex<Vec<Recorded>>,
) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let path = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let request = Recorded { method, path, headers, body };
    let index = {
        let mut all = recorded.lock().expect("requests lock");
        all.push(request.clone());
        all.len() - 1
    };
    let reply = handler(index, &request);

    let mut out = BufWriter::new(stream);
    let mut head = format!("HTTP/1.1 {} Test\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("transfer-encoding: chunked\r\nconnection: close\r\n\r\n");
    out.write_all(head.as_bytes()).await?;
    // An empty chunk would end the body: skip it.
    for chunk in reply.chunking.split(&reply.body).into_iter().filter(|c| !c.is_empty()) {
        out.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
        out.write_all(chunk).await?;
        out.write_all(b"\r\n").await?;
        if !reply.pace.is_zero() {
            out.flush().await?;
            tokio::time::sleep(reply.pace).await;
        }
    }
    match reply.ending {
        Ending::Complete => out.write_all(b"0\r\n\r\n").await?,
        Ending::Cut => {}
        Ending::Stall(duration) => {
            out.flush().await?;
            tokio::time::sleep(duration).await;
        }
    }
    out.flush().await?;
    out.shutdown().await
}
