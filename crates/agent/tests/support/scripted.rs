//! A provider that plays a script: each step either calls tools or answers with text, and every
//! request it was sent is kept for the test to read. `#[path]`-included like `server.rs`.
#![allow(dead_code)]

use std::sync::Mutex;

use async_trait::async_trait;
use serde_json::Value;
use telltale_agent::{Provider, ProviderError, StepRequest, StepResponse, StepSink};
use telltale_protocol::{Message, ToolCall};

pub enum Step {
    Calls(Vec<ToolCall>),
    Answer(&'static str),
    /// Streams these tokens, then fails with the error.
    FailsAfter(Vec<&'static str>, ProviderError),
}

/// A call of `name` with `args`, its id `id`.
pub fn call(id: &str, name: &str, args: Value) -> ToolCall {
    ToolCall { call_id: id.into(), name: name.into(), args }
}

pub struct Scripted {
    steps: Mutex<std::vec::IntoIter<Step>>,
    requests: Mutex<Vec<Vec<Message>>>,
}

impl Scripted {
    pub fn new(steps: Vec<Step>) -> Self {
        Scripted { steps: Mutex::new(steps.into_iter()), requests: Mutex::default() }
    }

    /// The messages of every request so far.
    pub fn requests(&self) -> Vec<Vec<Message>> {
        self.requests.lock().unwrap().clone()
    }
}

#[async_trait]
impl Provider for Scripted {
    fn id(&self) -> &str {
        "scripted"
    }
    fn model(&self) -> &str {
        "scripted"
    }
    fn label(&self) -> String {
        "scripted".into()
    }
    async fn step(
        &self,
        request: StepRequest<'_>,
        sink: &StepSink,
    ) -> Result<StepResponse, ProviderError> {
        self.requests.lock().unwrap().push(request.messages.to_vec());
        let step = self.steps.lock().unwrap().next().unwrap_or(Step::Answer("(script ended)"));
        Ok(match step {
            Step::Calls(tool_calls) => StepResponse { tool_calls, ..StepResponse::default() },
            Step::Answer(text) => {
                sink.token(text);
                StepResponse { text: text.into(), ..StepResponse::default() }
            }
            Step::FailsAfter(tokens, error) => {
                tokens.into_iter().for_each(|text| sink.token(text));
                return Err(error);
            }
        })
    }
}
