//! `telltale continue RUN_ID`: a run cut off by Stop (SIGINT), a SIGKILL of the CLI mid-stream,
//! or a lost connection goes on from its exact partial answer, in the same run. The local
//! servers check what the continuation asks: OpenAI-compatible, the partial answer then a
//! request to go on; Anthropic, the partial answer as the assistant turn's prefix.

mod support;

#[path = "../../agent/tests/support/server.rs"]
mod server;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::json;
use server::{fixture_expected, Ending, Reply, TestServer};
use support::events;
use telltale_agent::CONTINUE_REQUEST;
use telltale_history::{History, RunStatus};
use telltale_protocol::{Event, EventKind, Message};

const PARTIAL: [&str; 2] = ["The cut ", "off answer "];
/// The rest, as a model may send it: with the space the partial answer ended with again.
const REST: &str = " and its end.";
/// The answer whole: that space once.
const WHOLE: &str = "The cut off answer and its end.";

/// `telltale SUBCOMMAND --json … --provider PROVIDER --base-url BASE_URL` (its last argument,
/// the prompt or the run, to add).
fn telltale(data: &Path, subcommand: &str, provider: &str, base_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_telltale"));
    command
        .arg(subcommand)
        .env("TELLTALE_DATA_DIR", data)
        .env("TELLTALE_API_KEY", "sk-continue-test")
        .env_remove("TELLTALE_PROVIDER")
        .args(["--json", "--keepalive-ms", "0", "--provider", provider, "--model", "m"])
        .args(["--base-url", base_url]);
    command
}

/// `telltale run … PROMPT`, stopped by `signal` once the partial answer has printed.
fn run_cut_off(data: &Path, provider: &str, base_url: &str, signal: &str) -> Vec<Event> {
    let mut command = telltale(data, "run", provider, base_url);
    command.arg("Tell me");
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let mut answer = String::new();
    while answer != PARTIAL.concat() {
        let line = lines.next().expect("the run prints its partial answer").unwrap();
        let event: Event = serde_json::from_str(&line).unwrap();
        if let EventKind::Token { text } = &event.kind {
            answer.push_str(text);
        }
        printed.push(event);
    }
    // Long enough for the recorder to have written what was printed.
    std::thread::sleep(Duration::from_millis(300));
    let pid = child.id().to_string();
    assert!(Command::new("kill").args([signal, &pid]).status().unwrap().success());
    printed.extend(lines.map_while(Result::ok).filter_map(|l| serde_json::from_str(&l).ok()));
    child.wait().unwrap();
    printed
}

fn continue_run(data: &Path, provider: &str, base_url: &str, run_id: &str) -> Output {
    telltale(data, "continue", provider, base_url).arg(run_id).output().unwrap()
}

fn openai_partial() -> Reply {
    let chunks: String = PARTIAL
        .iter()
        .map(|t| {
            let chunk =
                json!({"choices": [{"index": 0, "delta": {"content": t}, "finish_reason": null}]});
            format!("data: {chunk}\n\n")
        })
        .collect();
    Reply::new(200, "text/event-stream", chunks).ending(Ending::Stall(Duration::from_secs(30)))
}

fn history(data: &Path) -> History {
    History::open(data.join("history.sqlite3")).unwrap()
}

/// Cuts a run off with `signal`, continues it, and checks the run and what was asked.
async fn cut_off_then_continued(signal: &'static str, status: RunStatus) {
    let server =
        TestServer::start(|n, _| if n == 0 { openai_partial() } else { Reply::openai_text(REST) })
            .await;
    let data = tempfile::tempdir().unwrap();
    let (dir, url) = (data.path().to_owned(), server.base_url());
    let printed = tokio::task::spawn_blocking(move || run_cut_off(&dir, "openai", &url, signal))
        .await
        .unwrap();
    let run_id = printed[0].run_id.clone();
    let history = history(data.path());
    let conversation = history.list_conversations().unwrap().remove(0).id;
    let before = history.get(&conversation).unwrap().runs.remove(0);
    assert_eq!(before.status, status);
    let partial = before.answer();
    assert_eq!(partial, PARTIAL.concat());

    let (dir, url, id) = (data.path().to_owned(), server.base_url(), run_id[..8].to_owned());
    let out =
        tokio::task::spawn_blocking(move || continue_run(&dir, "openai", &url, &id)).await.unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));

    // Asked: the conversation, the exact partial answer, then to go on without repeating.
    let sent = server.requests()[1].json()["messages"].clone();
    assert_eq!(
        sent,
        json!([
            {"role": "user", "content": "Tell me"},
            {"role": "assistant", "content": partial},
            {"role": "user", "content": CONTINUE_REQUEST},
        ])
    );
    // The same run: its events go on after the last one, and its answer is whole.
    let new = events(&out);
    assert!(new.iter().all(|e| e.run_id == run_id));
    assert_eq!(new[0].seq, before.events.len() as u64, "after the last seq");
    // The answer flows on: no new status before its text (the export keeps it one answer).
    assert!(matches!(new[0].kind, EventKind::Token { .. }), "{:?}", new[0]);
    let after = history.get(&conversation).unwrap().runs;
    assert_eq!(after.len(), 1, "no new run");
    let run = &after[0];
    assert_eq!(run.status, RunStatus::Completed);
    let seqs: Vec<u64> = run.events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (0..run.events.len() as u64).collect::<Vec<_>>());
    assert_eq!(run.answer(), WHOLE);
    assert!(run.finished_at.unwrap() >= run.started_at);
    assert_eq!(
        history.messages(&conversation).unwrap(),
        [Message::user("Tell me"), Message::assistant(WHOLE, vec![]),],
        "one answer, extended"
    );
    assert_eq!(history.search("its end", 5).unwrap()[0].run_id, run_id, "searchable whole");

    // Now complete: there is nothing to continue.
    let (dir, url) = (data.path().to_owned(), server.base_url());
    let out = tokio::task::spawn_blocking(move || continue_run(&dir, "openai", &url, &run_id))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is nothing to continue"));
    assert_eq!(server.requests().len(), 2, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_stopped_mid_answer_is_continued_from_its_exact_text_in_the_same_run() {
    cut_off_then_continued("-INT", RunStatus::Cancelled).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_whose_cli_was_killed_mid_stream_is_continued_in_the_same_run() {
    cut_off_then_continued("-KILL", RunStatus::Interrupted).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anthropic_is_given_the_partial_answer_as_the_start_of_its_own_after_a_lost_connection() {
    let partial = {
        let start = json!({"type": "message_start", "message": {"id": "m", "type": "message",
            "role": "assistant", "content": [], "model": "m", "usage": {"input_tokens": 3, "output_tokens": 1}}});
        let block = json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}});
        let mut body = format!(
            "event: message_start\ndata: {start}\n\nevent: content_block_start\ndata: {block}\n\n"
        );
        for text in PARTIAL {
            let delta = json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}});
            body.push_str(&format!("event: content_block_delta\ndata: {delta}\n\n"));
        }
        Reply::new(200, "text/event-stream", body).ending(Ending::Cut)
    };
    let server = TestServer::start(move |n, _| match n {
        0 => partial.clone(),
        _ => Reply::sse_fixture("anthropic_text.sse"),
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let base = format!("http://{}", server.addr);
    let (dir, url) = (data.path().to_owned(), base.clone());
    let out = tokio::task::spawn_blocking(move || {
        telltale(&dir, "run", "anthropic", &url).arg("Tell me").output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "the lost connection is an error");
    let run_id = events(&out)[0].run_id.clone();
    let history = history(data.path());
    let conversation = history.list_conversations().unwrap().remove(0).id;
    assert_eq!(history.get(&conversation).unwrap().runs[0].status, RunStatus::Error);

    let (dir, id) = (data.path().to_owned(), run_id.clone());
    let out = tokio::task::spawn_blocking(move || continue_run(&dir, "anthropic", &base, &id))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let sent = server.requests()[1].json()["messages"].clone();
    assert_eq!(
        sent,
        json!([
            {"role": "user", "content": [{"type": "text", "text": "Tell me"}]},
            // The last turn is the assistant's, its text the partial answer without the white
            // space at its end (which Anthropic refuses there).
            {"role": "assistant", "content": [{"type": "text", "text": PARTIAL.concat().trim_end()}]},
        ])
    );
    let rest =
        fixture_expected("anthropic_text.sse")["expected"]["text"].as_str().unwrap().to_owned();
    let run = history.get(&conversation).unwrap().runs.remove(0);
    assert_eq!(run.status, RunStatus::Completed);
    assert_eq!(run.answer(), format!("{}{rest}", PARTIAL.concat()));
}
