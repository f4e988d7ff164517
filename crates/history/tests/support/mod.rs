//! A fixed conversation with fixed timestamps, recorded through the real recorder.
#![allow(dead_code)]

use std::sync::Arc;

use serde_json::json;
use telltale_history::History;
use telltale_protocol::{ErrorCode, Event, EventKind, FinishReason, StatusIcon, Usage};
use telltale_protocol::{Message, ToolCall};

pub const T0: i64 = 1_714_550_400_000; // 2024-05-01 08:00 UTC

pub fn open(dir: &tempfile::TempDir) -> History {
    History::open(dir.path().join("history.sqlite3")).expect("opens").with_clock(Arc::new(|| T0))
}

pub fn events(run_id: &str, started_at: i64, kinds: Vec<EventKind>) -> Vec<Event> {
    let mut all = vec![EventKind::RunStarted {
        provider: "offline".into(),
        model: "telltale-demo".into(),
        started_at: started_at as u64,
    }];
    all.extend(kinds);
    all.into_iter()
        .enumerate()
        .map(|(seq, kind)| Event {
            run_id: run_id.into(),
            seq: seq as u64,
            t_ms: seq as f64 * 12.5,
            kind,
        })
        .collect()
}

pub fn token(text: &str) -> EventKind {
    EventKind::Token { text: text.into() }
}

pub fn finished(reason: FinishReason) -> EventKind {
    EventKind::RunFinished {
        reason,
        usage: Some(Usage { input_tokens: 12, output_tokens: 7 }),
        ttft_ms: Some(25.0),
        cost_usd: Some(0.000_1),
    }
}

/// Records `events` as run `run_id`; finishes with `messages`, or drops the recorder (a crash)
/// when `messages` is None.
pub fn record(
    history: &History,
    conversation_id: &str,
    prompt: &str,
    events: &[Event],
    messages: Option<Vec<Message>>,
) {
    let recorder = history.start_run(conversation_id, &events[0].run_id, prompt).expect("starts");
    for event in events {
        recorder.record(event);
    }
    match messages {
        Some(messages) => {
            messages.iter().for_each(|message| recorder.record_message(message));
            recorder.finish().expect("finishes");
        }
        None => drop(recorder),
    }
}

/// Three runs: a completed one with a tool, a failed one full of markup, an interrupted one.
pub fn fixed_conversation(history: &History) -> String {
    let conversation = history.create_conversation("What is 17 * 23?").expect("creates");
    let id = conversation.id.clone();

    let prompt1 = "What is 17 * 23?";
    let args = json!({ "expression": "17 * 23" });
    let run1 = events(
        "run-1",
        T0 + 1_000,
        vec![
            EventKind::Status { message: "Planning…".into(), icon: Some(StatusIcon::Planning) },
            EventKind::Thought { text: "I should use the ".into() },
            EventKind::Thought { text: "calculator.".into() },
            EventKind::ToolCallDelta {
                call_id: "c1".into(),
                name: "calculator".into(),
                args_delta: "{\"expression\"".into(),
            },
            EventKind::ToolCall {
                call_id: "c1".into(),
                name: "calculator".into(),
                args: args.clone(),
            },
            EventKind::ToolResult {
                call_id: "c1".into(),
                ok: true,
                output: "391".into(),
                duration_ms: 0.4,
            },
            EventKind::Status {
                message: "Reading the results…".into(),
                icon: Some(StatusIcon::Thinking),
            },
            EventKind::Ping { waiting_for: Some("telltale-demo".into()) },
            token("17 * 23 = "),
            token("**391**."),
            finished(FinishReason::Completed),
        ],
    );
    let call = ToolCall { call_id: "c1".into(), name: "calculator".into(), args };
    let messages1 = vec![
        Message::user(prompt1),
        Message::assistant(String::new(), vec![call.clone()]),
        Message::tool_result(&call, true, "391"),
        Message::assistant("17 * 23 = **391**.", vec![]),
    ];
    record(history, &id, prompt1, &run1, Some(messages1));

    let prompt2 = "Show me <script>alert(\"x\")</script> & a ``` fence";
    let run2 = events(
        "run-2",
        T0 + 60_000,
        vec![
            EventKind::Status { message: "Planning…".into(), icon: Some(StatusIcon::Planning) },
            token("Here is <b>bold</b> & a fence:\n```\ncode\n```\n"),
            EventKind::Error {
                code: ErrorCode::RateLimited,
                message: "Too many requests <429>: wait a minute.".into(),
                retryable: true,
            },
            finished(FinishReason::Error),
        ],
    );
    let messages2 = vec![
        Message::user(prompt2),
        Message::assistant("Here is <b>bold</b> & a fence:\n```\ncode\n```\n", vec![]),
    ];
    record(history, &id, prompt2, &run2, Some(messages2));

    let prompt3 = "Tell me a long story about Tokyo";
    let run3 = events(
        "run-3",
        T0 + 120_000,
        vec![token("Once upon a time, "), token("in Tokyo, a lantern")],
    );
    record(history, &id, prompt3, &run3, None);
    id
}

/// A database file at schema `version` (an older app's) holding what `sql` inserts; the folder
/// lives as long as the returned guard.
pub fn older_database(version: u32, sql: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    telltale_history::migrations::migrate_to(&mut conn, version).unwrap();
    conn.execute_batch(sql).unwrap();
    (dir, path)
}
