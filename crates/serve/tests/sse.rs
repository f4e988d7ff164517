//! `telltale serve` over real HTTP on 127.0.0.1: a run's events as Server-Sent Events, read to
//! the end, resumed after a disconnect, replayed once finished; cancel; keep-alive pings.

mod support;

use std::time::Duration;

use support::{seqs, start};

const FAST: Duration = Duration::from_millis(5);
const LONG: Duration = Duration::from_secs(15);

#[tokio::test]
async fn a_run_streams_every_event_to_run_finished_with_the_sse_headers() {
    let server = start(Duration::ZERO, FAST, LONG).await;
    let (run_id, conversation_id) =
        server.create(serde_json::json!({ "prompt": "hello there" })).await;
    assert!(!conversation_id.is_empty());
    let mut reader = server.events(&run_id, None).await;
    let header = |name: &str| reader.headers[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "text/event-stream");
    assert_eq!(header("cache-control"), "no-cache");
    assert_eq!(header("x-accel-buffering"), "no");
    let events = reader.rest().await;
    assert_eq!(seqs(&events), (0..events.len() as u64).collect::<Vec<_>>());
    assert_eq!(events[0].event, "run_started");
    let last = events.last().unwrap();
    assert_eq!(last.event, "run_finished");
    assert_eq!(last.data["reason"], "completed");
    for event in &events {
        assert_eq!(event.data["type"], event.event.as_str(), "event: names the JSON's type");
        assert_eq!(event.data["seq"], event.id.unwrap(), "id: is the seq");
        assert_eq!(event.data["run_id"], run_id.as_str());
    }
    assert!(events.iter().any(|event| event.event == "token"));
}

#[tokio::test]
async fn a_client_that_disconnects_resumes_with_no_gap_and_no_duplicate() {
    let server = start(Duration::ZERO, Duration::from_millis(40), LONG).await;
    let (run_id, _) = server.create(serde_json::json!({ "prompt": "tell me a story" })).await;
    let mut first = server.events(&run_id, None).await;
    let mut seen = Vec::new();
    while seen.len() < 4 {
        let event = first.next().await.unwrap();
        if event.id.is_some() {
            seen.push(event);
        }
    }
    drop(first);
    // Away long enough for the run to go on without any reader.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let last_id = seen.last().unwrap().id.unwrap();
    let mut resumed = server.events(&run_id, Some(last_id)).await;
    let rest = resumed.rest().await;
    assert_eq!(rest[0].id, Some(last_id + 1), "the first event after the one last received");
    seen.extend(rest);
    assert_eq!(seqs(&seen), (0..seen.len() as u64).collect::<Vec<_>>(), "no gap, no duplicate");
    assert_eq!(seen.last().unwrap().data["reason"], "completed", "disconnecting did not cancel");
}

#[tokio::test]
async fn a_finished_run_replays_whole_from_the_history_and_from_a_seq() {
    let server = start(Duration::ZERO, Duration::ZERO, LONG).await;
    let (run_id, _) = server.create(serde_json::json!({ "prompt": "hello" })).await;
    let live = server.events(&run_id, None).await.rest().await;
    // Once the stream has ended the run is no longer in progress: the history answers.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let replayed = server.events(&run_id, None).await.rest().await;
    let json = |events: &[support::SseEvent]| {
        events.iter().map(|event| event.data.clone()).collect::<Vec<_>>()
    };
    assert_eq!(json(&replayed), json(&live));
    let tail = server.events(&run_id, Some(2)).await.rest().await;
    assert_eq!(json(&tail), json(&live[3..]));
}

#[tokio::test]
async fn a_run_continues_its_conversation_and_a_parent_run() {
    let server = start(Duration::ZERO, Duration::ZERO, LONG).await;
    let (first, conversation_id) = server.create(serde_json::json!({ "prompt": "hello" })).await;
    server.events(&first, None).await.rest().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (second, same) = server
        .create(serde_json::json!({ "prompt": "and again", "conversation_id": conversation_id }))
        .await;
    assert_eq!(same, conversation_id);
    server.events(&second, None).await.rest().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (_, branch) =
        server.create(serde_json::json!({ "prompt": "once more", "parent_run_id": first })).await;
    assert_eq!(branch, conversation_id, "the parent run names its conversation");
}

#[tokio::test]
async fn cancel_ends_the_run_with_run_finished_cancelled() {
    let server = start(Duration::ZERO, Duration::from_millis(200), LONG).await;
    let (run_id, _) = server.create(serde_json::json!({ "prompt": "tell me a story" })).await;
    let mut reader = server.events(&run_id, None).await;
    reader.next().await.unwrap();
    let cancel = |run_id: String| {
        server
            .client
            .post(format!("{}/v1/runs/{run_id}/cancel", server.base))
            .bearer_auth(support::TOKEN)
            .send()
    };
    assert_eq!(cancel(run_id.clone()).await.unwrap().status(), 202);
    let events = reader.rest().await;
    let last = events.last().unwrap();
    assert_eq!(last.event, "run_finished");
    assert_eq!(last.data["reason"], "cancelled");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(cancel(run_id).await.unwrap().status(), 404, "no longer in progress");
}

#[tokio::test]
async fn a_quiet_stream_gets_a_ping_each_keepalive_interval() {
    // The demo thinks for 3 s before its first word: nothing else is sent meanwhile.
    let server = start(Duration::from_secs(3), FAST, Duration::from_secs(1)).await;
    let (run_id, _) = server.create(serde_json::json!({ "prompt": "hello" })).await;
    let mut reader = server.events(&run_id, None).await;
    let started = std::time::Instant::now();
    let mut pings = 0;
    while let Some(event) = reader.next().await {
        match event.event.as_str() {
            "ping" => {
                assert_eq!(event.id, None, "a keep-alive is not a run event: resuming ignores it");
                pings += 1;
            }
            "token" => break,
            _ => {}
        }
    }
    assert!(pings >= 2, "{pings} pings in {:?} of quiet", started.elapsed());
}

#[tokio::test]
async fn unknown_runs_and_bad_requests_get_typed_errors() {
    let server = start(Duration::ZERO, FAST, LONG).await;
    let get = server
        .client
        .get(format!("{}/v1/runs/nope/events", server.base))
        .bearer_auth(support::TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 404);
    let body: serde_json::Value = get.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
    let empty = server
        .client
        .post(format!("{}/v1/runs", server.base))
        .bearer_auth(support::TOKEN)
        .json(&serde_json::json!({ "prompt": "  " }))
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 400);
}
