//! `telltale run` as a user runs it: a real process, its stdout and exit code.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{events, telltale_command};
use telltale_protocol::{EventKind, FinishReason};

fn telltale() -> Command {
    telltale_command()
}

#[test]
fn json_mode_prints_exactly_the_protocol_and_exits_0() {
    let out = telltale()
        .args(["run", "--json", "--pace-ms", "0", "What is 17 * 23, and what time is it in Tokyo?"])
        .output()
        .expect("telltale runs");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let events = events(&out);
    assert!(matches!(events[0].kind, EventKind::RunStarted { .. }));
    assert!(matches!(
        events.last().unwrap().kind,
        EventKind::RunFinished { reason: FinishReason::Completed, .. }
    ));
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (0..events.len() as u64).collect::<Vec<_>>());
    let text: String = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Token { text } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert!(text.starts_with("17 * 23 = 391."), "{text}");
}

#[test]
fn live_view_shows_steps_and_the_answer() {
    let out = telltale()
        .args(["run", "--pace-ms", "0", "what is 2 + 2"])
        .output()
        .expect("telltale runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in
        ["◦ Planning…", "→ calculator {\"expression\":\"2 + 2\"}", "✓ 4", "2 + 2 = 4.", "— done"]
    {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn ctrl_c_cancels_prints_run_finished_and_exits_130() {
    let child = telltale()
        .args(["run", "--json", "--pace-ms", "200", "--keepalive-ms", "0", "Tell me a long story"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("telltale runs");
    std::thread::sleep(Duration::from_millis(1500));
    let killed =
        Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(killed.success());
    let started = Instant::now();
    let out = child.wait_with_output().expect("telltale exits");
    // Far less than the rest of the story at 200 ms a word, with room for a loaded machine (how
    // fast Stop is, is the `stop` benchmark's figure).
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(out.status.code(), Some(130));
    let events = events(&out);
    assert!(
        events.iter().any(|e| matches!(e.kind, EventKind::Token { .. })),
        "some answer streamed first"
    );
    assert!(matches!(
        events.last().unwrap().kind,
        EventKind::RunFinished { reason: FinishReason::Cancelled, .. }
    ));
}

#[test]
fn an_unknown_provider_is_a_clear_usage_error() {
    let out = telltale().args(["run", "--provider", "nope", "hi"]).output().expect("telltale runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid value 'nope'"));
}
