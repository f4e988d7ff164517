//! The offline demo provider: no network, no key, deterministic. It recognises a few intents,
//! calls the real tools for them, and streams a plain answer word by word.

mod answer;
mod intents;

use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;

use crate::message::{Message, ToolCall};
use crate::provider::{Provider, ProviderError, StepRequest, StepResponse, StepSink};

pub use intents::{detect, Intent};

/// How fast the demo "thinks" and "types".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OfflinePace {
    /// Pause before the plan, as a model's time to first byte.
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

    async fn step(&self, request: StepRequest<'_>, sink: &StepSink) -> Result<StepResponse, ProviderError> {
        sink.waiting_for("offline demo");
        let last_user = request
            .messages
            .iter()
            .rposition(|m| matches!(m, Message::User { .. }))
            .ok_or_else(|| ProviderError::new(telltale_protocol::ErrorCode::InvalidRequest, "There is no question to answer.", false))?;
        let Message::User { text: prompt } = &request.messages[last_user] else {
            unreachable!("rposition found a user message")
        };
        let this_turn = &request.messages[last_user + 1..];
        self.pause(self.pace.think).await;

        let intents = detect(prompt);
        let available = |name: &str| request.tools.iter().any(|t| t.name == name);
        let answered = this_turn.iter().any(|m| matches!(m, Message::Tool { .. }));
        if !answered {
            let earlier_calls = request.messages.iter().filter(|m| matches!(m, Message::Tool { .. })).count();
            let calls = plan_calls(&intents, earlier_calls, &available);
            if !calls.is_empty() {
                sink.thought(&answer::plan(&intents));
                for call in &calls {
                    let args = call.args.to_string();
                    let (head, tail) = args.split_at(args.len() / 2);
                    sink.tool_call_delta(&call.call_id, &call.name, head);
                    self.pause(self.pace.word).await;
                    sink.tool_call_delta(&call.call_id, &call.name, tail);
                }
                return Ok(StepResponse { text: String::new(), tool_calls: calls, usage: None });
            }
        }
        let text = answer::compose(&intents, this_turn);
        self.stream(sink, &text).await;
        Ok(StepResponse { text, tool_calls: vec![], usage: None })
    }
}

/// The tool calls that answer `intents`, with ids unique within the conversation.
fn plan_calls(intents: &[Intent], earlier_calls: usize, available: &dyn Fn(&str) -> bool) -> Vec<ToolCall> {
    let mut calls = Vec::new();
    for intent in intents {
        let (name, args) = match intent {
            Intent::Arithmetic(expression) => ("calculator", json!({ "expression": expression })),
            Intent::Time { place } | Intent::Date { place } => {
                // Like a model would: name the IANA zone when the place is a known city.
                let zone = crate::tools::resolve_zone(place).map_or_else(|| place.clone(), |tz| tz.name().to_owned());
                ("clock", json!({ "timezone": zone }))
            }
            Intent::Greeting | Intent::Help => continue,
        };
        if available(name) {
            let call_id = format!("offline_call_{}", earlier_calls + calls.len() + 1);
            calls.push(ToolCall { call_id, name: name.to_owned(), args });
        }
    }
    calls
}
