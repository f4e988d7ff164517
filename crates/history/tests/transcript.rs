//! Messages stored as each completes, and read back for the next run so that a provider accepts
//! them whatever a crash (the recorder dropped unfinished) cut short.

mod support;

use serde_json::json;
use support::{events, open, token};
use telltale_history::{History, INTERRUPTED};
use telltale_protocol::{EventKind, Message, ToolCall};

fn call(id: &str) -> ToolCall {
    ToolCall { call_id: id.into(), name: "clock".into(), args: json!({"zone": id}) }
}

fn result(id: &str, output: &str) -> Message {
    Message::Tool { call_id: id.into(), name: "clock".into(), ok: true, output: output.into() }
}

fn tool_call_event(id: &str) -> EventKind {
    EventKind::ToolCall { call_id: id.into(), name: "clock".into(), args: json!({"zone": id}) }
}

fn tool_result_event(id: &str, output: &str) -> EventKind {
    EventKind::ToolResult { call_id: id.into(), ok: true, output: output.into(), duration_ms: 1.0 }
}

/// A history in a new folder where run "r1" of a new conversation recorded the events `kinds`
/// and the messages `messages`, then was dropped unfinished (what a crash leaves).
struct Crashed {
    _dir: tempfile::TempDir,
    history: History,
    conversation_id: String,
}

fn crashed(kinds: Vec<EventKind>, messages: &[Message]) -> Crashed {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let conversation = history.create_conversation("crash").unwrap();
    let recorder = history.start_run(&conversation.id, "r1", "what time?").unwrap();
    events("r1", 0, kinds).iter().for_each(|event| recorder.record(event));
    messages.iter().for_each(|message| recorder.record_message(message));
    drop(recorder);
    Crashed { _dir: dir, history, conversation_id: conversation.id }
}

impl Crashed {
    /// What the conversation's next run is given.
    fn messages(&self) -> Vec<Message> {
        self.history.messages(&self.conversation_id).unwrap()
    }
}

fn prompt() -> Message {
    Message::user("what time?")
}

fn asked(text: &str, ids: &[&str]) -> Message {
    Message::assistant(text, ids.iter().map(|id| call(id)).collect())
}

fn answer(text: &str) -> Message {
    Message::assistant(text, vec![])
}

#[test]
fn calls_left_without_a_result_get_the_recorded_one_or_interrupted_in_call_order() {
    // The model said something and called three tools; b ended first, then c (its event was
    // recorded, its message lost in the crash); a never ended.
    let run = vec![
        token("Let me look."),
        tool_call_event("a"),
        tool_call_event("b"),
        tool_call_event("c"),
        tool_result_event("b", "9:00"),
        tool_result_event("c", "10:00"),
    ];
    let stored = [prompt(), asked("Let me look.", &["a", "b", "c"]), result("b", "9:00")];
    let crash = crashed(run, &stored);

    let interrupted = Message::Tool {
        call_id: "a".into(),
        name: "clock".into(),
        ok: false,
        output: INTERRUPTED.into(),
    };
    assert_eq!(
        crash.messages(),
        [
            prompt(),
            asked("Let me look.", &["a", "b", "c"]),
            interrupted,
            result("b", "9:00"),
            result("c", "10:00"),
        ],
        "every call answered, in call order, and the step's text not repeated as an answer"
    );
}

#[test]
fn a_run_that_died_while_the_model_answered_after_its_tools_keeps_the_partial_answer() {
    let run = vec![
        token("Looking. "),
        tool_call_event("a"),
        tool_result_event("a", "9:00"),
        token("It is "),
        token("nine"),
    ];
    let stored = [prompt(), asked("Looking. ", &["a"]), result("a", "9:00")];
    let crash = crashed(run, &stored);
    let mut expected = stored.to_vec();
    expected.push(answer("It is nine"));
    assert_eq!(crash.messages(), expected);
}

#[test]
fn a_run_that_died_in_its_first_step_gives_its_prompt_and_partial_answer() {
    let crash = crashed(vec![token("It is "), token("nine")], &[prompt()]);
    assert_eq!(crash.messages(), [prompt(), answer("It is nine")]);
}

#[test]
fn results_stored_in_the_order_calls_ended_are_read_back_in_call_order() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let conversation = history.create_conversation("order").unwrap();
    let run = events("r1", 0, vec![]);
    let recorder = history.start_run(&conversation.id, "r1", "what time?").unwrap();
    run.iter().for_each(|event| recorder.record(event));
    let stored = [
        prompt(),
        asked("", &["a", "b"]),
        result("b", "10:00"),
        result("a", "9:00"),
        answer("9 and 10"),
    ];
    stored.iter().for_each(|message| recorder.record_message(message));
    recorder.finish().unwrap();
    assert_eq!(
        history.messages(&conversation.id).unwrap(),
        [
            prompt(),
            asked("", &["a", "b"]),
            result("a", "9:00"),
            result("b", "10:00"),
            answer("9 and 10")
        ]
    );
}
