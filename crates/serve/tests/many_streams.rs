//! Many readers at once over real loopback HTTP: 100 concurrent SSE streams of the same run,
//! each getting every event in order, all the same.

mod support;

use std::time::Duration;

use futures_util::future::join_all;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_streams_each_get_every_event_in_order() {
    let server = support::start(
        Duration::from_millis(300),
        Duration::from_millis(2),
        Duration::from_secs(15),
    )
    .await;
    let (run_id, _) = server.create(serde_json::json!({ "prompt": "tell me a story" })).await;
    let readers = join_all((0..100).map(|_| server.events(&run_id, None))).await;
    let streams =
        join_all(readers.into_iter().map(|mut reader| async move { reader.rest().await })).await;
    let first: Vec<_> = streams[0].iter().map(|event| event.data.clone()).collect();
    assert_eq!(support::seqs(&streams[0]), (0..first.len() as u64).collect::<Vec<_>>());
    assert_eq!(streams[0].last().unwrap().data["reason"], "completed");
    for (n, stream) in streams.iter().enumerate() {
        let events: Vec<_> = stream.iter().map(|event| event.data.clone()).collect();
        assert_eq!(events, first, "stream {n} got every event, in order");
    }
}
