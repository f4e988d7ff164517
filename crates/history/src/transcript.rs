//! The messages that continue a conversation, read back so that a provider accepts them whatever
//! a crash cut short.
//!
//! A run's messages are stored as each completes (the prompt at once, a step's answer with its
//! tool calls when the step ends, each tool result when its call ends, in the order they end).
//! Read back, each run's messages are put right:
//! - every tool call is followed by exactly one result, in call order: a result stored out of
//!   order moves into place, and a call left without one (the process died while it ran) gets
//!   the `tool_result` event the run recorded for it, or else a failed result saying it was
//!   interrupted ([`INTERRUPTED`]). A result is never dropped with its call: the model sees
//!   that the call was made and that its outcome is unknown.
//! - a run whose messages end before its answer while the model was answering (the process died
//!   mid-step, or the answer's message was lost) gets the text it streamed after its last tool
//!   call or result as its (partial) answer.
//! - a run recorded before messages were stored as they complete, and interrupted, gives its
//!   prompt and partial answer (when there is one).
//!
//! A run this process is recording right now gives nothing: it has not finished.

use std::collections::HashMap;

use telltale_protocol::{EventKind, Message, ToolCall};

use crate::db::History;
use crate::error::Result;
use crate::recorder;
use crate::schema::{events_of_run, ANSWER_SQL};
use crate::stored_event;
use crate::tree::Parent;

/// The output of a tool call whose result was never recorded (the process died while it ran).
pub const INTERRUPTED: &str =
    "interrupted: Telltale stopped before this tool call finished, so its outcome is unknown";

/// The answer text a run streamed after its last `tool_call` or `tool_result`: what the model
/// said in the step after the tools (parameter 1: the run id).
const ANSWER_AFTER_TOOLS_SQL: &str = concat!(
    "SELECT coalesce(group_concat(json_extract(json, '$.text'), '' ORDER BY seq), '') \
     FROM events WHERE ",
    events_of_run!(),
    " AND json_extract(json, '$.type') = 'token' AND seq > \
     coalesce((SELECT max(seq) FROM events WHERE ",
    events_of_run!(),
    " AND json_extract(json, '$.type') IN ('tool_call', 'tool_result')), -1)"
);

impl History {
    /// The conversation's messages along the branch of its latest run, to continue it (see the
    /// module's documentation).
    pub fn messages(&self, conversation_id: &str) -> Result<Vec<Message>> {
        self.branch_messages(conversation_id, None)
    }

    /// The messages a run continuing `parent` sends before its prompt.
    pub fn messages_before(&self, conversation_id: &str, parent: &Parent) -> Result<Vec<Message>> {
        match parent {
            Parent::Latest => self.branch_messages(conversation_id, None),
            Parent::Root => self.conversation(conversation_id).map(|_| Vec::new()),
            Parent::Run(run_id) => self.branch_messages(conversation_id, Some(run_id)),
        }
    }

    /// The messages of the branch that ends at run `leaf` (`None`: the latest run), root first:
    /// what a run continuing `leaf` sends before its prompt.
    pub fn branch_messages(
        &self,
        conversation_id: &str,
        leaf: Option<&str>,
    ) -> Result<Vec<Message>> {
        self.conversation(conversation_id)?;
        let mut run = self.conn.prepare("SELECT prompt, reason FROM runs WHERE run_id = ?1")?;
        let mut stored =
            self.conn.prepare("SELECT json FROM messages WHERE run_id = ?1 ORDER BY idx")?;
        let mut messages = Vec::new();
        for run_id in self.branch(conversation_id, leaf)? {
            let (prompt, reason): (String, Option<String>) =
                run.query_row([&run_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if recorder::is_recording(&self.path, &run_id) {
                continue;
            }
            let run_messages: Vec<Message> = stored
                .query_map([&run_id], |r| r.get::<_, String>(0))?
                .map(|json| self.load_message(conversation_id, &json?))
                .collect::<Result<_>>()?;
            if run_messages.is_empty() {
                if reason.is_none() {
                    let answer: String =
                        self.conn.query_row(ANSWER_SQL, [&run_id], |r| r.get(0))?;
                    if !answer.is_empty() {
                        messages.push(Message::user(prompt));
                        messages.push(Message::assistant(answer, vec![]));
                    }
                }
                continue;
            }
            messages.extend(self.repaired(&run_id, run_messages)?);
        }
        Ok(messages)
    }

    /// One run's stored messages, put right (see the module's documentation).
    fn repaired(&self, run_id: &str, stored: Vec<Message>) -> Result<Vec<Message>> {
        let mut recorded: Option<HashMap<String, (bool, String)>> = None;
        let mut results: HashMap<String, Message> = HashMap::new();
        let mut others = Vec::new();
        for message in stored {
            match message {
                Message::Tool { ref call_id, .. } => {
                    results.entry(call_id.clone()).or_insert(message);
                }
                other => others.push(other),
            }
        }
        // Whether the model was answering when the messages end: after the prompt, or after tool
        // calls that all ended (not after its answer, nor while a call still ran).
        let mut answering = matches!(others.last(), Some(Message::User { .. }))
            || matches!(others.last(), Some(Message::Assistant { tool_calls, .. }) if !tool_calls.is_empty());
        let mut out = Vec::with_capacity(others.len() + results.len());
        for message in others {
            let calls: Vec<ToolCall> = match &message {
                Message::Assistant { tool_calls, .. } => tool_calls.clone(),
                _ => Vec::new(),
            };
            out.push(message);
            for call in calls {
                let result = match results.remove(&call.call_id) {
                    Some(result) => result,
                    None => {
                        let recorded = match &mut recorded {
                            Some(recorded) => recorded,
                            None => recorded.insert(self.recorded_results(run_id)?),
                        };
                        let (ok, output) = recorded.remove(&call.call_id).unwrap_or_else(|| {
                            answering = false;
                            (false, INTERRUPTED.to_owned())
                        });
                        Message::Tool { call_id: call.call_id, name: call.name, ok, output }
                    }
                };
                out.push(result);
            }
        }
        // Results of calls no stored message made cannot be sent (a provider refuses a result
        // without its call); they were streamed and stay in the run's events.
        if answering {
            let text: String =
                self.conn.query_row(ANSWER_AFTER_TOOLS_SQL, [run_id], |r| r.get(0))?;
            if !text.is_empty() {
                out.push(Message::assistant(text, vec![]));
            }
        }
        Ok(out)
    }

    /// Every `tool_result` the run recorded, by call id: (ok, output).
    fn recorded_results(&self, run_id: &str) -> Result<HashMap<String, (bool, String)>> {
        let sql = concat!(
            "SELECT seq, json FROM events WHERE ",
            events_of_run!(),
            " AND json_extract(json, '$.type') = 'tool_result' ORDER BY seq"
        );
        let mut results = HashMap::new();
        for event in stored_event::query(&self.conn, sql, run_id)? {
            if let EventKind::ToolResult { call_id, ok, output, .. } = event.kind {
                results.insert(call_id, (ok, output));
            }
        }
        Ok(results)
    }
}
