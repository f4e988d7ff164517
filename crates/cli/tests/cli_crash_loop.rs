//! Crashes, measured (issue 14): `telltale run` is killed (SIGKILL) at a random moment of a
//! streaming answer, 20 times in a row on the same data folder. Every time: the database passes
//! `PRAGMA integrity_check`, every earlier conversation opens, and the interrupted run holds
//! every event printed before the kill, event for event.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use telltale_history::{History, RunStatus};
use telltale_protocol::{Event, EventKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KILLS: usize = 20;
const TOKENS: usize = 300;
const PACE: Duration = Duration::from_millis(4);

/// An OpenAI-compatible server that streams `TOKENS` tokens, one every `PACE`, to each request.
async fn paced_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 64 * 1024];
                let _ = stream.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
                let _ = stream.write_all(head.as_bytes()).await;
                for i in 0..TOKENS {
                    let chunk = serde_json::json!({"choices": [{"index": 0,
                        "delta": {"content": format!("w{i} ")}, "finish_reason": null}]});
                    if stream.write_all(format!("data: {chunk}\n\n").as_bytes()).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(PACE).await;
                }
                let end = serde_json::json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
                let _ =
                    stream.write_all(format!("data: {end}\n\ndata: [DONE]\n\n").as_bytes()).await;
            });
        }
    });
    format!("http://{addr}/v1")
}

/// A seeded xorshift, so that a failing run can be replayed.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// Runs `telltale run` and SIGKILLs it after `after`; returns every event it printed.
fn run_and_kill(data: &Path, base_url: &str, prompt: &str, after: Duration) -> Vec<Event> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_telltale"))
        .env("TELLTALE_DATA_DIR", data)
        .env("TELLTALE_API_KEY", "sk-crash-loop")
        .env_remove("OPENAI_API_KEY")
        .args(["run", "--json", "--keepalive-ms", "0", "--provider", "openai", "--model", "m"])
        .args(["--base-url", base_url, prompt])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    // Everything the process wrote before it died, read to the pipe's end.
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            // A line cut by the kill is not an event the user saw whole.
            .filter_map(|line| serde_json::from_str::<Event>(&line).ok())
            .collect::<Vec<_>>()
    });
    std::thread::sleep(after);
    let _ = child.kill();
    child.wait().unwrap();
    reader.join().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_twenty_times_mid_stream_the_history_stays_whole() {
    let base_url = paced_server().await;
    let data = tempfile::tempdir().unwrap();
    let path = data.path().join("history.sqlite3");
    let mut seed = 0x5EED_C0DE_u64;
    let (mut interrupted, mut lost_counts) = (0, Vec::new());
    let mut runs_seen = Vec::new();

    for kill in 0..KILLS {
        // From before the first token to after the last (the answer takes ~1.3 s).
        let after = Duration::from_millis(30 + next(&mut seed) % 1500);
        let prompt = format!("crash {kill}");
        let (data_dir, url) = (data.path().to_owned(), base_url.clone());
        let printed =
            tokio::task::spawn_blocking(move || run_and_kill(&data_dir, &url, &prompt, after))
                .await
                .unwrap();

        assert_eq!(telltale_history::integrity_check(&path).unwrap(), "ok", "kill {kill}");
        let history = History::open(&path).unwrap();
        // Every conversation opens, the earlier ones as they were.
        for conversation in history.list_conversations().unwrap() {
            let detail = history.get(&conversation.id).unwrap();
            for run in &detail.runs {
                if let Some((_, before)) = runs_seen.iter().find(|(id, _)| id == &run.run_id) {
                    assert_eq!(&run.events, before, "kill {kill}: an earlier run changed");
                }
            }
        }
        let Some(run_id) = printed.first().map(|e| e.run_id.clone()) else {
            // Killed before the run printed anything: nothing to compare.
            continue;
        };
        let conversation = history
            .list_conversations()
            .unwrap()
            .into_iter()
            .find(|c| c.title == format!("crash {kill}"));
        let Some(conversation) = conversation else {
            panic!(
                "kill {kill} after {after:?}: a run printed {} events but was not saved",
                printed.len()
            )
        };
        let run = history.get(&conversation.id).unwrap().runs.remove(0);
        assert_eq!(run.run_id, run_id);
        let saved = &run.events;
        // One is a prefix of the other: the history may hold events committed but not yet
        // printed when the kill came, never the other way round (below).
        let common = saved.len().min(printed.len());
        assert_eq!(saved[..common], printed[..common], "kill {kill}: the same events");
        let lost = printed.len().saturating_sub(saved.len());
        // The CLI prints what the history has committed: a kill loses nothing printed.
        assert_eq!(lost, 0, "kill {kill} after {after:?}: {lost} printed events not saved");
        lost_counts.push(lost);
        let finished = printed.iter().any(|e| matches!(e.kind, EventKind::RunFinished { .. }));
        if !finished {
            interrupted += 1;
            assert_eq!(run.status, RunStatus::Interrupted, "kill {kill}");
        }
        runs_seen.push((run_id, run.events.clone()));
    }
    println!(
        "{KILLS} kills: {interrupted} mid-run; printed events not saved per kill: {lost_counts:?}"
    );
    assert!(interrupted >= KILLS / 2, "most kills land mid-stream: {interrupted}");
}
