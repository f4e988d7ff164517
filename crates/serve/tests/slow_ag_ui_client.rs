//! An AG-UI client that stops reading never slows its run: it posts its `RunAgentInput` over a
//! bare TCP connection, reads the response's head and then nothing for 10 s while an
//! OpenAI-format server on 127.0.0.1 streams 50,000 tokens. The run finishes meanwhile (another
//! reader gets `run_finished` and the run leaves the runs in progress); the client then reads
//! its whole stream, `RUN_STARTED` to `RUN_FINISHED`, with every token. Like every stream, it
//! reads the run's events from the run's log (nothing queues for it); the memory is printed.

#[path = "../../agent/tests/support/server.rs"]
mod server;
mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use server::{Reply, TestServer};
use support::ag_ui::{answer, data_events, input, user};
use support::raw::RawStream;
use support::{serve, session_of, TOKEN};
use telltale_agent::{Agent, ToolRegistry};
use telltale_serve::ServeConfig;

const TOKENS: usize = 50_000;
const PAUSE: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ag_ui_client_paused_for_10_s_while_50_000_tokens_stream_gets_the_whole_run() {
    let words: Vec<String> = (0..TOKENS).map(|n| format!("w{n} ")).collect();
    let model = TestServer::always(Reply::openai_tokens(words.iter().map(String::as_str))).await;
    let agent =
        Agent::new(support::openai_at(model.base_url()), ToolRegistry::builtin(), support::quiet());
    let server = serve(ServeConfig::new(session_of(agent), TOKEN.into())).await;

    let before = support::rss_kib();
    let body = input("slow-thread", "slow-run", json!([user("talk a lot")]));
    let paused = RawStream::post(&server.base, "/v1/ag-ui", &body).await;
    assert!(paused.head.starts_with("HTTP/1.1 200"), "{}", paused.head);
    let paused_at = Instant::now();

    let mut reader = server.events("slow-run", None).await;
    let (mut tokens, mut last) = (0, None);
    while let Some(event) = reader.next().await {
        tokens += usize::from(event.event == "token");
        last = Some(event);
    }
    assert_eq!((tokens, &last.unwrap().data["reason"]), (TOKENS, &json!("completed")));
    let finished_after = paused_at.elapsed();
    let in_progress = server.runs_once_none_in_progress().await;
    assert_eq!(in_progress, json!([]), "the run ended while its AG-UI client was paused");
    let at_end = support::rss_kib();

    // Paused for 10 s, and in any case until the run has ended.
    tokio::time::sleep(PAUSE.saturating_sub(paused_at.elapsed())).await;
    let events = data_events(&paused.text().await);
    assert_eq!(events[0]["type"], "RUN_STARTED");
    assert_eq!(events.last().unwrap()["type"], "RUN_FINISHED");
    assert_eq!(answer(&events), words.concat(), "every token, in order, once");
    println!(
        "AG-UI: {TOKENS} tokens, {} AG-UI events; the run ended {finished_after:?} after its \
         client paused; RSS {before:?} KiB before, {at_end:?} KiB at its end",
        events.len()
    );
}
