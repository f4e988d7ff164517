//! Faults, measured (issue 14): an OpenAI-compatible server on 127.0.0.1 fails in every way a
//! provider does, at different moments (before the first byte, after some tokens, while a tool
//! call's arguments stream). Each run goes through the session layer, as every front end's does,
//! into a history on disk. For each fault: the run ends with the expected typed `error` and
//! `run_finished{error}`; what streamed before the fault is kept in the events and saved; the
//! next run in the same conversation works and carries the conversation; and no task or thread
//! is left behind (counted before and after).
//!
//! The server runs on a runtime of its own, so the session's runtime counts only what the run
//! itself started.

#[path = "../../agent/tests/support/runs.rs"]
mod runs;
#[path = "../../agent/tests/support/server.rs"]
mod server;
#[path = "support/sessions.rs"]
mod sessions;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use runs::tokens;
use serde_json::json;
use server::{Ending, Reply, TestServer};
use sessions::session_over;
use telltale_agent::providers::{ApiKey, OpenAiProvider, RetryPolicy, StepLimits};
use telltale_agent::{Agent, AgentConfig, ToolRegistry};
use telltale_history::{History, RunStatus};
use telltale_protocol::{ErrorCode, Event, EventKind, FinishReason, Message};
use telltale_session::{RunRequest, Session, Store};

const KEY: &str = "sk-fault-injection-9d1e-never-show-me";
/// The idle timeout the provider is given here: a stall longer than this is a fault.
const IDLE: Duration = Duration::from_millis(400);
/// What the server streams before a mid-stream fault, in three tokens.
const SOME_TOKENS: [&str; 3] = ["The answer ", "begins ", "here"];
const PARTIAL: &str = "The answer begins here";

/// One OpenAI-style chunk carrying `text`.
fn text_chunk(text: &str) -> String {
    let chunk =
        json!({"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]});
    format!("data: {chunk}\n\n")
}

fn some_tokens() -> String {
    SOME_TOKENS.iter().map(|t| text_chunk(t)).collect()
}

/// The start of a step in which the model calls the calculator, cut inside its arguments.
fn tool_arguments_begun() -> String {
    let start = json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_1",
        "type": "function", "function": {"name": "calculator", "arguments": "{\"expres"}}]},
        "finish_reason": null}]});
    format!("data: {start}\n\n")
}

fn stream(body: String) -> Reply {
    Reply::new(200, "text/event-stream", body)
}

/// `body`, then the connection reset.
fn cut(body: String) -> Reply {
    stream(body).ending(Ending::Cut)
}

/// `body`, then nothing for four idle timeouts.
fn stalled(body: String) -> Reply {
    stream(body).ending(Ending::Stall(IDLE * 4))
}

fn api_error(status: u16) -> Reply {
    Reply::json(status, &json!({"error": {"message": format!("injected {status}"), "type": "x"}}))
}

struct Fault {
    name: &'static str,
    reply: fn() -> Reply,
    code: ErrorCode,
    /// The answer's text the run shows (and saves) before the fault.
    partial: &'static str,
}

impl Fault {
    /// A fault before the answer's first token (before the first byte, or while a tool call's
    /// arguments stream): the run shows no answer.
    fn early(name: &'static str, reply: fn() -> Reply, code: ErrorCode) -> Fault {
        Fault { name, reply, code, partial: "" }
    }

    /// A fault after some tokens: the run shows [`PARTIAL`].
    fn after_tokens(name: &'static str, reply: fn() -> Reply, code: ErrorCode) -> Fault {
        Fault { name, reply, code, partial: PARTIAL }
    }
}

/// Every provider failure of issue 14, each at the moment it hurts.
fn faults() -> Vec<Fault> {
    let mut faults: Vec<Fault> = vec![
        // Before the first byte of an answer.
        Fault::early("401", || api_error(401), ErrorCode::AuthFailed),
        Fault::early("403", || api_error(403), ErrorCode::AuthFailed),
        Fault::early("404", || api_error(404), ErrorCode::NotFound),
        Fault::early("408", || api_error(408), ErrorCode::Timeout),
        Fault::early(
            "429 with Retry-After",
            || api_error(429).header("retry-after", "120"),
            ErrorCode::RateLimited,
        ),
        Fault::early("500", || api_error(500), ErrorCode::ProviderUnavailable),
        Fault::early("502", || api_error(502), ErrorCode::ProviderUnavailable),
        Fault::early("503", || api_error(503), ErrorCode::ProviderUnavailable),
        Fault::early("529", || api_error(529), ErrorCode::ProviderUnavailable),
        Fault::early(
            "HTML instead of SSE",
            || Reply::new(200, "text/html", "<!doctype html><html><body>Login</body></html>"),
            ErrorCode::MalformedStream,
        ),
        Fault::early("stall before the first byte", || stalled(String::new()), ErrorCode::Timeout),
    ];
    // After some tokens.
    faults.extend([
        Fault::after_tokens(
            "SSE error mid-stream",
            || {
                let error =
                    json!({"error": {"message": "injected: overloaded", "type": "server_error"}});
                stream(format!("{}data: {error}\n\n", some_tokens()))
            },
            ErrorCode::ProviderError,
        ),
        Fault::after_tokens("reset mid-stream", || cut(some_tokens()), ErrorCode::Network),
        Fault::after_tokens(
            "stall past the idle timeout",
            || stalled(some_tokens()),
            ErrorCode::Timeout,
        ),
        Fault::after_tokens(
            "malformed chunk",
            || stream(format!("{}data: {{\"choices\": [{{\"delta\": \n\n", some_tokens())),
            ErrorCode::MalformedStream,
        ),
        Fault::after_tokens(
            "truncated without terminator",
            || stream(some_tokens()),
            ErrorCode::MalformedStream,
        ),
        Fault::after_tokens(
            "an endless line",
            || stream(format!("{}data: {}", some_tokens(), "x".repeat(3 << 20))),
            ErrorCode::MalformedStream,
        ),
    ]);
    // While a tool call's arguments stream.
    faults.extend([
        Fault::early("reset in tool arguments", || cut(tool_arguments_begun()), ErrorCode::Network),
        Fault::early(
            "stall in tool arguments",
            || stalled(tool_arguments_begun()),
            ErrorCode::Timeout,
        ),
        Fault::early(
            "tool arguments truncated",
            || stream(tool_arguments_begun()),
            ErrorCode::MalformedStream,
        ),
    ]);
    faults
}

/// A [`TestServer`] on a runtime of its own, so that the session's runtime counts only what the
/// runs start. Dropping it stops it.
struct OwnServer {
    server: TestServer,
    runtime: Option<tokio::runtime::Runtime>,
}

impl OwnServer {
    async fn start(
        handler: impl Fn(usize, &server::Recorded) -> Reply + Send + Sync + 'static,
    ) -> OwnServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.spawn(TestServer::start(handler)).await.unwrap();
        OwnServer { server, runtime: Some(runtime) }
    }

    /// The first request gets `fault`, the next ones an answer.
    async fn faulty(fault: fn() -> Reply) -> OwnServer {
        OwnServer::start(
            move |n, _| if n == 0 { fault() } else { Reply::openai_text("All good again.") },
        )
        .await
    }

    fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// The messages the provider was sent by the `n`th request.
    fn messages(&self, n: usize) -> Vec<serde_json::Value> {
        self.server.requests()[n].json()["messages"].as_array().unwrap().clone()
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn provider(base_url: &str) -> OpenAiProvider {
    OpenAiProvider::new(base_url, "gpt-test", Some(ApiKey::new(KEY)))
        .unwrap()
        .with_idle_timeout(IDLE)
        // Each fault once: retries have their own tests (agent/tests/openai_retries.rs).
        .with_retry(RetryPolicy { max_tries: 1, ..RetryPolicy::default() })
}

fn session(base_url: &str, store: Store) -> Session {
    session_with(provider(base_url), store)
}

fn session_with(provider: OpenAiProvider, store: Store) -> Session {
    session_over(Arc::new(provider), "faults", store)
}

async fn run(session: &Session, conversation: &str, run_id: &str, prompt: &str) -> Vec<Event> {
    let request = RunRequest::in_conversation(conversation.into(), run_id.into(), prompt.into());
    let mut started = session.start_run(request).unwrap();
    let mut events = Vec::new();
    while let Some(event) = started.events.recv().await {
        events.push(event);
    }
    started.finished.await.unwrap();
    events
}

/// The run's typed error, checked to end the run and to quote no key.
fn error_of(name: &str, events: &[Event]) -> ErrorCode {
    let [.., error, last] = events else { panic!("{name}: too few events: {events:?}") };
    assert!(
        matches!(last.kind, EventKind::RunFinished { reason: FinishReason::Error, .. }),
        "{name}: ends with run_finished{{error}}: {last:?}"
    );
    let EventKind::Error { code, message, .. } = &error.kind else {
        panic!("{name}: an error before run_finished: {error:?}")
    };
    assert!(!message.contains(KEY), "{name}: the key leaked into {message}");
    assert!(!message.is_empty(), "{name}: a message for the user");
    *code
}

/// Tasks alive on this runtime once they have settled (a run's last tasks end just after it).
async fn settled_tasks(at_most: usize) -> usize {
    let metrics = tokio::runtime::Handle::current().metrics();
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let alive = metrics.num_alive_tasks();
        if alive <= at_most || Instant::now() > deadline {
            return alive;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map(|tasks| tasks.count()).unwrap_or(0)
}

/// Plays `fault` in a conversation of its own, then runs again in it.
async fn play(fault: &Fault, store: &Store, round: usize) {
    let server = OwnServer::faulty(fault.reply).await;
    let session = session(&server.base_url(), store.clone());
    let slug: String =
        fault.name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let conversation = format!("c-{slug}-{round}");
    let name = fault.name;

    let events =
        run(&session, &conversation, &format!("{conversation}-r1"), "Tell me something").await;
    assert_eq!(error_of(name, &events), fault.code, "{name}: the typed error");
    assert_eq!(tokens(&events), fault.partial, "{name}: what streamed before the fault is shown");
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (0..events.len() as u64).collect::<Vec<_>>(), "{name}: no gap, in order");

    // Saved: the run is in the history with every event, partial answer included.
    let detail = store.lock().unwrap().get(&conversation).unwrap();
    let saved = &detail.runs[0];
    assert_eq!(saved.events, events, "{name}: every event saved as it streamed");
    assert_eq!(saved.reason, Some(FinishReason::Error), "{name}");
    assert_ne!(saved.status, RunStatus::Interrupted, "{name}: its end was saved");

    // The next run in the same conversation works and carries the conversation.
    let events = run(&session, &conversation, &format!("{conversation}-r2"), "Try again").await;
    assert!(
        matches!(
            events.last().map(|e| &e.kind),
            Some(EventKind::RunFinished { reason: FinishReason::Completed, .. })
        ),
        "{name}: the next run completes: {events:?}"
    );
    assert_eq!(tokens(&events), "All good again.", "{name}");
    let sent = server.messages(1);
    let said = |role: &str, text: &str| {
        sent.iter()
            .any(|m| m["role"] == role && m["content"].as_str().is_some_and(|c| c.contains(text)))
    };
    assert!(said("user", "Tell me something"), "{name}: the first prompt is sent again: {sent:?}");
    if !fault.partial.is_empty() {
        assert!(
            said("assistant", fault.partial),
            "{name}: the partial answer is context: {sent:?}"
        );
    }
    let messages = store.lock().unwrap().messages(&conversation).unwrap();
    assert!(
        matches!(messages.last(), Some(Message::Assistant { text, .. }) if text == "All good again."),
        "{name}: {messages:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_provider_fault_ends_typed_keeps_what_streamed_and_leaks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::on_disk(History::open(dir.path().join("h.sqlite3")).unwrap());
    let faults = faults();
    let tasks_before = settled_tasks(0).await;

    // Twice over: a leak per run would show as more threads after the second round than after
    // the first, one or more for each of its 40 runs (the blocking pool keeps idle threads for
    // a while and may start a few more on a busy machine, hence the slack of 4; the first round
    // sets the level).
    let mut threads_after = Vec::new();
    for round in 0..2 {
        for fault in &faults {
            let before = settled_tasks(tasks_before).await;
            play(fault, &store, round).await;
            let after = settled_tasks(before).await;
            assert!(after <= before, "{}: tasks alive {before} → {after}", fault.name);
        }
        threads_after.push(settled_threads(threads_after.first().copied().unwrap_or(0)).await);
    }
    assert!(
        threads_after[1] <= threads_after[0] + 4,
        "threads after each round of {} faults: {threads_after:?}",
        faults.len()
    );
    let path = dir.path().join("h.sqlite3");
    assert_eq!(telltale_history::integrity_check(&path).unwrap(), "ok");
    println!(
        "{} faults × 2 rounds: tasks alive before {tasks_before}, after {}; threads after each round {threads_after:?}",
        faults.len(),
        settled_tasks(tasks_before).await
    );
}

/// Threads of this process once the servers' runtimes have wound down (or 3 s have passed).
async fn settled_threads(at_most: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let now = threads();
        if now <= at_most || Instant::now() > deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_is_a_network_error_and_the_conversation_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::on_disk(History::open(dir.path().join("h.sqlite3")).unwrap());
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let session = session(&format!("http://{closed}/v1"), store.clone());
    let events = run(&session, "c1", "r1", "Tell me something").await;
    assert_eq!(error_of("refused", &events), ErrorCode::Network);
    assert_eq!(store.lock().unwrap().get("c1").unwrap().runs[0].events, events);

    // The server is back (the settings now point at it): the conversation continues.
    let server = OwnServer::faulty(|| Reply::openai_text("unused")).await;
    let agent = Agent::new(
        Arc::new(provider(&server.base_url())),
        ToolRegistry::builtin(),
        AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() },
    );
    session.agent().replace(Arc::new(agent), "faults".into());
    let events = run(&session, "c1", "r2", "Try again").await;
    // The fault server's first request gets its "fault", here a plain answer.
    assert_eq!(tokens(&events), "unused");
    assert!(server.messages(0).iter().any(|m| m["content"] == "Tell me something"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_conversations_stream_at_once_each_event_in_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::on_disk(History::open(dir.path().join("h.sqlite3")).unwrap());
    // Each conversation's answer names it, token by token, so a misplaced token shows.
    let server = OwnServer::start(|_, request| {
        let prompt = request.json()["messages"]
            .as_array()
            .and_then(|m| m.last().cloned())
            .and_then(|m| m["content"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let body: String = (0..200).map(|i| text_chunk(&format!("{prompt}:{i} "))).collect();
        let end = json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
        stream(format!("{body}data: {end}\n\ndata: [DONE]\n\n"))
            .chunked(server::Chunking::Random(7))
    })
    .await;
    let session = session(&server.base_url(), store.clone());

    let runs = (0..10).map(|i| {
        let session = session.clone();
        tokio::spawn(async move {
            let conversation = format!("c{i}");
            let events = run(&session, &conversation, &format!("r{i}"), &format!("conv{i}")).await;
            (conversation, events)
        })
    });
    let results = futures_join(runs.collect()).await;
    for (i, (conversation, events)) in results.into_iter().enumerate() {
        let expected: String = (0..200).map(|t| format!("conv{i}:{t} ")).collect();
        assert_eq!(tokens(&events), expected, "{conversation}: its own tokens, all, in order");
        let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (0..events.len() as u64).collect::<Vec<_>>(), "{conversation}");
        let detail = store.lock().unwrap().get(&conversation).unwrap();
        assert_eq!(detail.runs.len(), 1, "{conversation}");
        assert_eq!(detail.runs[0].events, events, "{conversation}: saved exactly as streamed");
    }
}

async fn futures_join<T>(handles: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

/// A server that streams tokens forever, a pause between each, until the client hangs up; it
/// notes when it does. Runs on a runtime of its own.
struct EndlessServer {
    addr: std::net::SocketAddr,
    hung_up: Arc<AtomicBool>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl EndlessServer {
    async fn start(pause: Duration) -> EndlessServer {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener =
            runtime.spawn(tokio::net::TcpListener::bind("127.0.0.1:0")).await.unwrap().unwrap();
        let addr = listener.local_addr().unwrap();
        let hung_up = Arc::new(AtomicBool::new(false));
        let noted = hung_up.clone();
        runtime.spawn(async move {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let mut request = [0u8; 64 * 1024];
            let _ = stream.read(&mut request).await;
            let head =
                "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let token = text_chunk("and on ");
            loop {
                if stream.write_all(token.as_bytes()).await.is_err() {
                    noted.store(true, Ordering::SeqCst);
                    return;
                }
                if !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                }
            }
        });
        EndlessServer { addr, hung_up, runtime: Some(runtime) }
    }

    /// Waits up to `within` for the client to have hung up.
    async fn saw_hang_up(&self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while !self.hung_up.load(Ordering::SeqCst) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.hung_up.load(Ordering::SeqCst)
    }
}

impl Drop for EndlessServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_stream_is_stopped_at_the_steps_limits_keeping_what_came() {
    let limits = StepLimits { max_bytes: 1 << 20, max_duration: Duration::from_secs(1) };
    // As fast as it can: the byte limit; a token every 20 ms: the time limit.
    for (pause, code, what) in [
        (Duration::ZERO, ErrorCode::MalformedStream, "more than 1 MiB"),
        (Duration::from_millis(20), ErrorCode::Timeout, "after 0 minutes"),
    ] {
        let server = EndlessServer::start(pause).await;
        let store = Store::in_memory("test".into()).unwrap();
        let provider = provider(&format!("http://{}/v1", server.addr)).with_step_limits(limits);
        let session = session_with(provider, store.clone());
        let started = Instant::now();
        let events = run(&session, "c1", "r1", "Go on forever").await;
        let took = started.elapsed();

        assert_eq!(error_of(what, &events), code, "{what}");
        let Some(EventKind::Error { message, .. }) = events.iter().rev().nth(1).map(|e| &e.kind)
        else {
            unreachable!("checked by error_of")
        };
        assert!(message.contains(what), "{message}");
        let shown = tokens(&events);
        assert!(
            shown.starts_with("and on and on"),
            "what came before is kept: {} bytes",
            shown.len()
        );
        assert_eq!(store.lock().unwrap().get("c1").unwrap().runs[0].events, events, "and saved");
        assert!(took < Duration::from_secs(10), "{what}: stopped after {took:?}");
        assert!(
            server.saw_hang_up(Duration::from_secs(2)).await,
            "{what}: the connection is closed"
        );
    }
}
