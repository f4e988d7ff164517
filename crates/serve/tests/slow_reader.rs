//! A reader that stops reading never slows the run nor costs memory that grows with it: readers
//! that read their response's head and then nothing for 10 s, over real TCP, while an
//! OpenAI-format server on 127.0.0.1 streams 50,000 tokens. The run finishes while they are
//! paused (another reader sees `run_finished`, and the run leaves the runs in progress); each of
//! them then gets every event, in order, with no gap and nothing twice; and the server's memory
//! grew by far less than one copy of the run per paused reader (each reads by position from the
//! run's one log: nothing queues for it), measured against the same run read by no paused
//! reader.

#[path = "../../agent/tests/support/server.rs"]
mod server;
mod support;
#[path = "../../agent/tests/support/test_tools.rs"]
mod test_tools;

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde_json::json;
use server::{Recorded, Reply, TestServer};
use support::raw::RawStream;
use support::{serve, session_of, SseEvent, TOKEN};
use telltale_agent::Agent;
use telltale_serve::ServeConfig;

const TOKENS: usize = 50_000;
const PAUSED_READERS: usize = 10;
const PAUSE: Duration = Duration::from_secs(10);

/// The words of the model's answer: 50,000 tokens.
fn words() -> Vec<String> {
    (0..TOKENS).map(|n| format!("w{n} ")).collect()
}

/// The model: first a call of `write_file` (which waits for approval: the readers join while
/// the run waits), then, after its result, the 50,000 tokens.
fn model(tokens: Reply) -> impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static {
    move |_, request| {
        let messages = request.json()["messages"].as_array().unwrap().clone();
        if messages.last().unwrap()["role"] == "tool" {
            return tokens.clone();
        }
        Reply::openai_tool_call("call_w", "write_file", &json!({"path": "a.txt", "content": "x"}))
    }
}

fn json_of(events: &[SseEvent]) -> Vec<serde_json::Value> {
    events.iter().map(|event| event.data.clone()).collect()
}

/// A run of the 50,000 tokens with `readers` readers paused from before its first token.
struct Paused {
    run_id: String,
    streams: Vec<RawStream>,
    paused_at: Instant,
    /// From the readers' pause to the run's end.
    finished_after: Duration,
    /// This process's memory before the run streamed and once it had ended, in KiB.
    rss: (Option<u64>, Option<u64>),
}

impl Paused {
    /// How much the process's memory grew while the run streamed.
    fn grown_kib(&self) -> Option<u64> {
        Some(self.rss.1?.saturating_sub(self.rss.0?))
    }
}

async fn run_with_paused_readers(server: &support::Server, readers: usize) -> Paused {
    let (run_id, _) = server.create(json!({"prompt": "write it"})).await;
    let mut reader = server.events(&run_id, None).await;
    let asked = loop {
        let event = reader.next().await.expect("the run asks for approval");
        if event.event == "approval_required" {
            break event;
        }
    };
    // The run waits for its approval: the paused readers join it live.
    let path = format!("/v1/runs/{run_id}/events");
    let streams = join_all((0..readers).map(|_| RawStream::get(&server.base, &path))).await;
    for stream in &streams {
        assert!(stream.head.starts_with("HTTP/1.1 200"), "{}", stream.head);
    }
    let paused_at = Instant::now();
    let before = support::rss_kib();

    let call_id = asked.data["call_id"].as_str().unwrap();
    let approve = format!("/v1/runs/{run_id}/approvals/{call_id}");
    assert_eq!(server.post(&approve, &json!({"approved": true})).await.status(), 200);
    // The live reader keeps only what it needs, so the memory measured is the server's.
    let (mut tokens, mut last) = (0, None);
    while let Some(event) = reader.next().await {
        tokens += usize::from(event.event == "token");
        last = Some(event);
    }
    assert_eq!(last.unwrap().data["reason"], "completed");
    assert_eq!(tokens, TOKENS, "every token streamed");
    let finished_after = paused_at.elapsed();
    let in_progress = server.runs_once_none_in_progress().await;
    assert_eq!(in_progress, json!([]), "the run ended while its readers were paused");
    Paused { run_id, streams, paused_at, finished_after, rss: (before, support::rss_kib()) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_paused_for_10_s_while_50_000_tokens_stream_cost_no_queue_and_get_every_event() {
    let model =
        TestServer::start(model(Reply::openai_tokens(words().iter().map(String::as_str)))).await;
    let dir = tempfile::tempdir().unwrap();
    let tools = test_tools::tools_in(dir.path());
    let agent = Agent::new(support::openai_at(model.base_url()), tools, support::quiet());
    let server = serve(ServeConfig::new(session_of(agent), TOKEN.into())).await;

    let control = run_with_paused_readers(&server, 0).await;
    let mut paused = run_with_paused_readers(&server, PAUSED_READERS).await;
    // Paused for 10 s, and in any case until the run has ended (a run the paused readers held
    // back would never have got here: the live reader would have waited for it in vain).
    tokio::time::sleep(PAUSE.saturating_sub(paused.paused_at.elapsed())).await;
    let whole = json_of(&server.events(&paused.run_id, None).await.rest().await);
    for (n, stream) in std::mem::take(&mut paused.streams).into_iter().enumerate() {
        let events: Vec<SseEvent> =
            stream.events().await.into_iter().filter(|event| event.id.is_some()).collect();
        assert_eq!(support::seqs(&events), (0..whole.len() as u64).collect::<Vec<_>>());
        assert_eq!(json_of(&events), whole, "paused reader {n} got every event, in order");
    }
    let run_kib = whole.iter().map(|event| event.to_string().len()).sum::<usize>() / 1024;
    println!(
        "{TOKENS} tokens, {} events ({run_kib} KiB of JSON); with no reader paused the run \
         ended in {:?} and memory grew {:?} KiB; with {PAUSED_READERS} paused it ended in {:?} \
         and grew {:?} KiB (RSS {:?} KiB before it, {:?} KiB once they had read it all)",
        whole.len(),
        control.finished_after,
        control.grown_kib(),
        paused.finished_after,
        paused.grown_kib(),
        paused.rss.0,
        support::rss_kib()
    );
    if let (Some(alone), Some(with_paused)) = (control.grown_kib(), paused.grown_kib()) {
        // A queue per paused reader holds most of a copy of the run each (39 MB more for these
        // ten when the server was made to queue, against 0 to 6 MB reading by position).
        let added = with_paused.saturating_sub(alone) as usize;
        assert!(
            added < run_kib * PAUSED_READERS / 3,
            "{PAUSED_READERS} paused readers added {added} KiB to a run of {run_kib} KiB"
        );
    }
}
