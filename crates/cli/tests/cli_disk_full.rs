//! The disk fills while a run is saved (issue 14), on a real filesystem: the data folder is a
//! 512 KiB tmpfs (in a mount namespace of its own, `unshare -rm`, so no privilege is needed and
//! nothing outside the test sees it). `telltale run` streams a long answer into it: the run stops
//! with the typed history error and says so; the database is intact afterwards (integrity
//! check), keeps a gapless prefix of the run, and opens again for the next command.

#[path = "../../agent/tests/support/server.rs"]
mod server;

use std::process::Command;

use server::{Reply, TestServer};
use telltale_history::History;

/// A shell script run inside the namespace: mount the tmpfs on `$DATA`, run the CLI into it,
/// list the history again, and copy the database out to `$OUT` for the checks.
const SCRIPT: &str = r#"
set -u
mount -t tmpfs -o size=512k tmpfs "$DATA" || exit 90
"$TELLTALE" run --json --keepalive-ms 0 --provider openai --model m --base-url "$BASE" \
  "Write me something long" > "$OUT/run.jsonl" 2> "$OUT/run.err"
echo $? > "$OUT/run.code"
"$TELLTALE" list --json > "$OUT/list.json" 2> "$OUT/list.err"
echo $? > "$OUT/list.code"
df -k "$DATA" | tail -1 > "$OUT/df.txt"
cp "$DATA"/history.sqlite3* "$OUT/"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_stops_the_run_with_a_typed_error_and_leaves_the_database_whole() {
    // About 2 MB of answer in 20,000 tokens: far more than 512 KiB can hold as events.
    let chunks: String = (0..20_000)
        .map(|i| {
            let chunk = serde_json::json!({"choices": [{"index": 0,
                "delta": {"content": format!("word{i} ")}, "finish_reason": null}]});
            format!("data: {chunk}\n\n")
        })
        .collect();
    let end = serde_json::json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
    let server = TestServer::always(Reply::new(
        200,
        "text/event-stream",
        format!("{chunks}data: {end}\n\ndata: [DONE]\n\n"),
    ))
    .await;
    let (data, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    let status = tokio::task::spawn_blocking({
        let (data, out, base) = (data.path().to_owned(), out.path().to_owned(), server.base_url());
        move || {
            Command::new("unshare")
                .args(["-rm", "sh", "-c", SCRIPT])
                .env("DATA", &data)
                .env("TELLTALE_DATA_DIR", &data)
                .env("OUT", out)
                .env("BASE", base)
                .env("TELLTALE", env!("CARGO_BIN_EXE_telltale"))
                .env("TELLTALE_API_KEY", "sk-disk-full")
                .env_remove("OPENAI_API_KEY")
                .status()
                .unwrap()
        }
    })
    .await
    .unwrap();
    assert!(status.success(), "the namespace script ran: {status:?}");
    let read = |name: &str| std::fs::read_to_string(out.path().join(name)).unwrap();

    // The run stopped, said why, and the CLI failed with it.
    assert_ne!(read("run.code").trim(), "0", "the run failed");
    let printed = read("run.jsonl");
    let last_error = printed.lines().rev().find(|l| l.contains(r#""type":"error""#)).unwrap_or("");
    assert!(last_error.contains(r#""code":"history_unavailable""#), "{last_error}");
    assert!(
        read("run.err").to_lowercase().contains("full"),
        "the user is told the disk is full: {}",
        read("run.err")
    );
    println!("tmpfs at the end (1K blocks: size used available): {}", read("df.txt").trim());

    // The database is whole, holds a gapless prefix of the run, and opens again.
    assert_eq!(read("list.code").trim(), "0", "telltale list afterwards: {}", read("list.err"));
    let copy = out.path().join("history.sqlite3");
    assert_eq!(telltale_history::integrity_check(&copy).unwrap(), "ok");
    let history = History::open(&copy).unwrap();
    let conversation = history.list_conversations().unwrap().remove(0);
    let run = history.get(&conversation.id).unwrap().runs.remove(0);
    let seqs: Vec<u64> = run.events.iter().map(|e| e.seq).collect();
    assert!(!seqs.is_empty(), "something was saved before the disk filled");
    assert_eq!(seqs, (0..seqs.len() as u64).collect::<Vec<_>>(), "a gapless prefix");
    println!("saved {} of the run's events before the disk filled", seqs.len());
}
