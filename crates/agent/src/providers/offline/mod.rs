//! The offline demo provider: no network, no key, deterministic. It recognises a few intents,
//! calls the real tools for them, and streams a plain answer word by word.

mod answer;
mod intents;

use std::time::Duration;

use async_trait::async_trait;
use serde_json::Value;

use crate::provider::{Provider, ProviderError, StepRequest, StepResponse, StepSink};
use telltale_protocol::{Message, ToolCall};

pub use intents::{detect, Intent};

/// How fast the demo "thinks" and "types".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OfflinePace {
    /// Pause before the plan (or before an answer that needs no tools), as a model's time to
    /// first byte. An answer from the tools' results starts as soon as they are in.
    pub think: Duration,
    /// Pause between streamed words.
    pub word: Duration,
}

impl Default for OfflinePace {
    fn default() -> Self {
        OfflinePace { think: Duration::from_millis(400), word: Duration::from_millis(30) }
    }
}

impl OfflinePace {
    /// No pauses at all (tests, benchmarks).
    pub fn instant() -> Self {
        OfflinePace { think: Duration::ZERO, word: Duration::ZERO }
    }
}

pub struct OfflineProvider {
    pace: OfflinePace,
}

impl OfflineProvider {
    pub const ID: &'static str = "offline";
    pub const MODEL: &'static str = "offline-demo";

    pub fn new(pace: OfflinePace) -> Self {
        OfflineProvider { pace }
    }

    async fn pause(&self, duration: Duration) {
        if !duration.is_zero() {
            tokio::time::sleep(duration).await;
        }
    }

    /// Streams `text` word by word (each word with the whitespace after it).
    async fn stream(&self, sink: &StepSink, text: &str) {
        for word in text.split_inclusive(char::is_whitespace) {
            sink.token(word);
            self.pause(self.pace.word).await;
        }
    }
}

#[async_trait]
impl Provider for OfflineProvider {
    fn id(&self) -> &str {
        Self::ID
    }

    fn model(&self) -> &str {
        Self::MODEL
    }

    fn label(&self) -> String {
        "Offline demo — no model".to_owned()
    }

    async fn step(
        &self,
        request: StepRequest<'_>,
        sink: &StepSink,
    ) -> Result<StepResponse, ProviderError> {
        sink.waiting_for("offline demo");
        let last_user =
            request.messages.iter().rposition(|m| matches!(m, Message::User { .. })).ok_or_else(
                || {
                    ProviderError::new(
                        telltale_protocol::ErrorCode::InvalidRequest,
                        "There is no question to answer.",
                        false,
                    )
                },
            )?;
        let Message::User { text: prompt, .. } = &request.messages[last_user] else {
            unreachable!("rposition found a user message")
        };
        let this_turn = &request.messages[last_user + 1..];
        let intents = detect(prompt);
        let available = |name: &str| request.tools.iter().any(|t| t.name == name);
        let answered = this_turn.iter().any(|m| matches!(m, Message::Tool { .. }));
        if !answered {
            self.pause(self.pace.think).await;
            let earlier_calls =
                request.messages.iter().filter(|m| matches!(m, Message::Tool { .. })).count();
            let calls = plan_calls(&intents, earlier_calls, &available);
            if !calls.is_empty() {
                sink.thought(&answer::plan(&intents));
                for (call, args_text) in &calls {
                    // As a model writes arguments: a few characters at a time.
                    for fragment in fragments(args_text, ARGS_FRAGMENT_CHARS) {
                        sink.tool_call_delta(&call.call_id, &call.name, fragment);
                        self.pause(self.pace.word).await;
                    }
                }
                let tool_calls = calls.into_iter().map(|(call, _)| call).collect();
                return Ok(StepResponse { tool_calls, ..StepResponse::default() });
            }
        }
        let text = answer::compose(&intents, this_turn);
        self.stream(sink, &text).await;
        Ok(StepResponse { text, ..StepResponse::default() })
    }
}

/// How many characters of a call's arguments go in one `tool_call_delta`.
const ARGS_FRAGMENT_CHARS: usize = 12;

/// `text` cut into pieces of at most `size` characters.
fn fragments(text: &str, size: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (count, (index, _)) in text.char_indices().enumerate() {
        if count > 0 && count % size == 0 {
            pieces.push(&text[start..index]);
            start = index;
        }
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    pieces
}

/// The tool calls that answer `intents` with their arguments' JSON text (fields in the order a
/// person writes them), with ids unique within the conversation.
fn plan_calls(
    intents: &[Intent],
    earlier_calls: usize,
    available: &dyn Fn(&str) -> bool,
) -> Vec<(ToolCall, String)> {
    let mut calls = Vec::new();
    for intent in intents {
        let (name, fields) = match intent {
            Intent::Arithmetic(expression) => {
                ("calculator", vec![("expression", expression.clone())])
            }
            Intent::Time { place } | Intent::Date { place } => {
                // Like a model would: name the IANA zone when the place is a known city.
                let zone = crate::tools::resolve_zone(place)
                    .and_then(|tz| tz.iana_name().map(str::to_owned))
                    .unwrap_or_else(|| place.clone());
                ("clock", vec![("timezone", zone)])
            }
            Intent::DraftEmail { to, topic } => {
                let (subject, body) = answer::email_draft(to, topic.as_deref());
                ("draft_email", vec![("to", to.clone()), ("subject", subject), ("body", body)])
            }
            Intent::DraftNote { topic } => {
                let (title, body) = answer::note_draft(topic.as_deref());
                ("draft_note", vec![("title", title), ("body", body)])
            }
            Intent::Greeting | Intent::Help => continue,
        };
        if available(name) {
            let call_id = format!("offline_call_{}", earlier_calls + calls.len() + 1);
            let members: Vec<String> = fields
                .iter()
                .map(|(key, value)| {
                    format!("{}:{}", Value::from(*key), Value::from(value.as_str()))
                })
                .collect();
            let args_text = format!("{{{}}}", members.join(","));
            let args = Value::Object(
                fields.into_iter().map(|(k, v)| (k.to_owned(), Value::from(v))).collect(),
            );
            calls.push((ToolCall { call_id, name: name.to_owned(), args }, args_text));
        }
    }
    calls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_cover_the_text_on_char_boundaries() {
        let text = "{\"to\":\"Zoë\",\"body\":\"👋🏽 hi\"}";
        let pieces = fragments(text, 5);
        assert_eq!(pieces.concat(), text);
        assert!(pieces.iter().all(|p| p.chars().count() <= 5));
        assert_eq!(fragments("", 5), Vec::<&str>::new());
    }

    #[test]
    fn call_arguments_stream_in_writing_order_and_parse_back() {
        let intents = [Intent::DraftEmail { to: "Alice".into(), topic: Some("the launch".into()) }];
        let calls = plan_calls(&intents, 0, &|_| true);
        let (call, text) = &calls[0];
        assert!(text.starts_with("{\"to\":\"Alice\",\"subject\":"), "{text}");
        assert_eq!(&serde_json::from_str::<Value>(text).unwrap(), &call.args);
        assert_eq!(call.call_id, "offline_call_1");
    }
}
