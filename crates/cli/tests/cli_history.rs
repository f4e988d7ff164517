//! The CLI's history as a user meets it: real processes sharing a data folder
//! (TELLTALE_DATA_DIR), `run` recording by default, `list`, `export`, `import`, `search`, and a
//! SIGKILL mid-stream.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use telltale_history::{History, RunStatus};
use telltale_protocol::{Event, EventKind};

fn telltale(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_telltale"));
    command.env("TELLTALE_DATA_DIR", data).env_remove("TELLTALE_PROVIDER");
    command
}

fn ok(mut command: Command) -> Output {
    let out = command.output().expect("telltale runs");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

/// Continues `conversation` (its id or a unique prefix of it) with `prompt`, at full speed.
fn continue_conversation(data: &Path, conversation: &str, prompt: &str) -> Output {
    let mut command = telltale(data);
    command.args(["run", "--json", "--pace-ms", "0", "--keepalive-ms", "0"]);
    command.args(["--conversation", conversation, prompt]);
    ok(command)
}

fn list(data: &Path) -> Vec<serde_json::Value> {
    let mut command = telltale(data);
    command.args(["list", "--json"]);
    serde_json::from_str::<Vec<serde_json::Value>>(&stdout(&ok(command))).expect("a JSON array")
}

#[test]
fn run_records_then_list_export_and_import_share_the_history() {
    let data = tempfile::tempdir().unwrap();
    let mut command = telltale(data.path());
    command.args(["run", "--pace-ms", "0", "--keepalive-ms", "0", "what is 2 + 2"]);
    let out = ok(command);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let id = stderr
        .lines()
        .find_map(|l| l.strip_prefix("conversation "))
        .expect("the id on stderr")
        .to_owned();

    let listed = list(data.path());
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["title"], "what is 2 + 2");
    assert!(listed[0]["updated_at"].as_i64().unwrap() > 0);

    let mut command = telltale(data.path());
    command.arg("list");
    let text = stdout(&ok(command));
    assert!(text.starts_with(&id) && text.contains("what is 2 + 2"), "{text}");

    // Continue it, by a unique prefix of its id.
    continue_conversation(data.path(), &id[..8], "and 3 * 3?");
    let history = History::open(data.path().join("history.sqlite3")).unwrap();
    let detail = history.get(&id).unwrap();
    assert_eq!(detail.runs.len(), 2);
    assert!(detail.runs.iter().all(|r| r.status == RunStatus::Completed));
    assert_eq!(detail.runs[1].prompt, "and 3 * 3?");
    let messages = history.messages(&id).unwrap();
    assert!(messages.len() >= 4, "both runs' messages: {messages:?}");

    for (format, marker) in
        [("md", "### You"), ("json", "\"telltale-conversation\""), ("html", "<!DOCTYPE html>")]
    {
        let mut command = telltale(data.path());
        command.args(["export", &id, "--format", format]);
        let text = stdout(&ok(command));
        assert!(text.contains(marker), "{format}: {text}");
        assert!(text.contains("and 3 * 3?"), "{format}");
    }

    let file = data.path().join("out.json");
    let mut command = telltale(data.path());
    command.args(["export", &id, "--format", "json", "-o"]).arg(&file);
    assert!(ok(command).stdout.is_empty());

    let mut command = telltale(data.path());
    command.arg("import").arg(&file);
    let new_id = stdout(&ok(command)).trim().to_owned();
    assert_ne!(new_id, id);
    assert_eq!(history.get(&new_id).unwrap().runs.len(), 2);
    assert_eq!(list(data.path()).len(), 2);

    let mut command = telltale(data.path());
    command.args(["search", "--json", "3 * 3"]);
    let hits: Vec<serde_json::Value> = serde_json::from_str(&stdout(&ok(command))).unwrap();
    assert_eq!(hits.len(), 2, "{hits:?}");

    // A foreign file: a clear error, nothing imported.
    std::fs::write(data.path().join("foreign.json"), r#"{"format":"something-else"}"#).unwrap();
    let out =
        telltale(data.path()).arg("import").arg(data.path().join("foreign.json")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Telltale conversation export"));
    assert_eq!(list(data.path()).len(), 2);

    // A file over the 512 MiB limit (sparse: nothing is written, and nothing is read).
    let huge = data.path().join("huge.json");
    std::fs::File::create(&huge).unwrap().set_len(512 * 1024 * 1024 + 1).unwrap();
    let out = telltale(data.path()).arg("import").arg(&huge).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("too large to import") && stderr.contains("up to 512 MiB"), "{stderr}");
    assert_eq!(list(data.path()).len(), 2);

    let out =
        telltale(data.path()).args(["export", "ffffffff", "--format", "md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no conversation ffffffff"));
}

#[test]
fn json_mode_stdout_stays_exactly_the_protocol_and_no_save_saves_nothing() {
    let data = tempfile::tempdir().unwrap();
    let mut command = telltale(data.path());
    command.args(["run", "--json", "--pace-ms", "0", "--keepalive-ms", "0", "what is 2 + 2"]);
    let out = ok(command);
    for line in stdout(&out).lines() {
        serde_json::from_str::<Event>(line)
            .unwrap_or_else(|e| panic!("not a protocol event: {line}: {e}"));
    }
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(list(data.path()).len(), 1);

    let mut command = telltale(data.path());
    command.args(["run", "--no-save", "--pace-ms", "0", "--keepalive-ms", "0", "what is 2 + 2"]);
    let out = ok(command);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("conversation"));
    assert_eq!(list(data.path()).len(), 1);
}

/// SIGKILL mid-stream: the database passes its integrity check, the partial answer is there,
/// and the run reads back as interrupted.
#[test]
fn a_run_killed_mid_stream_reads_back_interrupted_with_its_partial_answer() {
    let data = tempfile::tempdir().unwrap();
    let mut child = telltale(data.path())
        .args(["run", "--json", "--pace-ms", "40", "--keepalive-ms", "0", "Tell me a long story"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("telltale runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = Instant::now();
    let mut streamed = String::new();
    let mut tokens = 0;
    while tokens < 12 {
        assert!(started.elapsed() < Duration::from_secs(20), "too slow");
        let line = lines.next().expect("more events").unwrap();
        let event: Event = serde_json::from_str(&line).unwrap();
        assert!(
            !matches!(event.kind, EventKind::RunFinished { .. }),
            "the story ended before the kill"
        );
        if let EventKind::Token { text } = event.kind {
            streamed.push_str(&text);
            tokens += 1;
        }
    }
    child.kill().expect("SIGKILL");
    child.wait().unwrap();

    let path = data.path().join("history.sqlite3");
    assert_eq!(telltale_history::integrity_check(&path).unwrap(), "ok");
    let history = History::open(&path).unwrap();
    let conversations = history.list_conversations().unwrap();
    assert_eq!(conversations.len(), 1);
    let detail = history.get(&conversations[0].id).unwrap();
    let run = &detail.runs[0];
    assert_eq!(run.status, RunStatus::Interrupted);
    let answer = run.answer();
    // Each event is queued for the recorder before it is printed: all that was printed is saved,
    // but for what was still in flight at the kill (a fraction of a second).
    assert!(
        answer.len() + 40 >= streamed.len() && !answer.is_empty(),
        "saved {answer:?}, streamed {streamed:?}"
    );
    assert!(
        streamed.starts_with(&answer) || answer.starts_with(&streamed),
        "saved {answer:?}, streamed {streamed:?}"
    );
    let word = answer
        .split_whitespace()
        .find(|w| w.len() > 4 && w.chars().all(char::is_alphabetic))
        .expect("a word");
    assert!(
        !history.search(word, 5).unwrap().is_empty(),
        "the partial answer is searchable: {word}"
    );
    // And the conversation can be continued.
    continue_conversation(data.path(), &detail.conversation.id, "go on");
    assert_eq!(history.get(&detail.conversation.id).unwrap().runs.len(), 2);
}

#[test]
fn a_run_that_cannot_be_saved_stops_and_says_why_while_no_save_runs_anyway() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A file where the data folder should be: the history cannot be made.
    let data = dir.path().join("not-a-folder");
    std::fs::write(&data, "").expect("file");
    let mut command = telltale(&data);
    command.args(["run", "--json", "--keepalive-ms", "0", "--pace-ms", "50", "What is 2+2?"]);
    let out = command.output().expect("telltale runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot save the run in the history"), "{stderr}");
    let last = stdout(&out).lines().last().map(str::to_owned).unwrap_or_default();
    let last: Event = serde_json::from_str(&last).expect("the last line is an event");
    assert!(matches!(last.kind, EventKind::RunFinished { .. }), "it still ends with run_finished");

    let mut command = telltale(&data);
    command.args(["run", "--json", "--keepalive-ms", "0", "--pace-ms", "0", "--no-save", "hi"]);
    ok(command);
}
