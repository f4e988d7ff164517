//! Every way a provider fails (issue 14), as an OpenAI-compatible server on 127.0.0.1 plays
//! it: the replies, the moment each fault comes, and what the run shows before it.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use telltale_protocol::ErrorCode;

use crate::server::{Ending, Reply};

pub const KEY: &str = "sk-fault-injection-9d1e-never-show-me";
/// The idle timeout the provider is given here: a stall longer than this is a fault.
pub const IDLE: Duration = Duration::from_millis(400);
/// What the server streams before a mid-stream fault, in three tokens.
pub const SOME_TOKENS: [&str; 3] = ["The answer ", "begins ", "here"];
pub const PARTIAL: &str = "The answer begins here";

/// One OpenAI-style chunk carrying `text`.
pub fn text_chunk(text: &str) -> String {
    let chunk =
        json!({"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]});
    format!("data: {chunk}\n\n")
}

pub fn some_tokens() -> String {
    SOME_TOKENS.iter().map(|t| text_chunk(t)).collect()
}

/// The start of a step in which the model calls the calculator, cut inside its arguments.
pub fn tool_arguments_begun() -> String {
    let start = json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_1",
        "type": "function", "function": {"name": "calculator", "arguments": "{\"expres"}}]},
        "finish_reason": null}]});
    format!("data: {start}\n\n")
}

pub fn stream(body: String) -> Reply {
    Reply::new(200, "text/event-stream", body)
}

/// `body`, then the connection reset.
pub fn cut(body: String) -> Reply {
    stream(body).ending(Ending::Cut)
}

/// `body`, then nothing for four idle timeouts.
pub fn stalled(body: String) -> Reply {
    stream(body).ending(Ending::Stall(IDLE * 4))
}

pub fn api_error(status: u16) -> Reply {
    Reply::json(status, &json!({"error": {"message": format!("injected {status}"), "type": "x"}}))
}

/// What the server answers the run's first request with.
pub type FaultyReply = Arc<dyn Fn() -> Reply + Send + Sync>;

pub struct Fault {
    pub name: String,
    pub reply: FaultyReply,
    pub code: ErrorCode,
    /// The answer's text the run shows (and saves) before the fault.
    pub partial: &'static str,
}

impl Fault {
    /// A fault before the answer's first token (before the first byte, or while a tool call's
    /// arguments stream): the run shows no answer.
    pub fn early(name: &'static str, reply: fn() -> Reply, code: ErrorCode) -> Fault {
        Fault { name: name.into(), reply: Arc::new(reply), code, partial: "" }
    }

    /// The server answers at once with the HTTP `status` (an API error in OpenAI's shape).
    fn status(status: u16, code: ErrorCode) -> Fault {
        let reply = Arc::new(move || api_error(status));
        Fault { name: status.to_string(), reply, code, partial: "" }
    }

    /// A fault after some tokens: the run shows [`PARTIAL`].
    pub fn after_tokens(name: &'static str, reply: fn() -> Reply, code: ErrorCode) -> Fault {
        Fault { name: name.into(), reply: Arc::new(reply), code, partial: PARTIAL }
    }

    /// The stream breaks after `before` (the run showing `partial`), each way under its name:
    /// the connection reset, a stall past the idle timeout, an end without the terminator.
    fn breaks(
        before: fn() -> String,
        partial: &'static str,
        names: [&'static str; 3],
    ) -> [Fault; 3] {
        let [reset, stall, truncated] = names;
        let fault = |name, code, reply: fn(String) -> Reply| Fault {
            name: String::from(name),
            reply: Arc::new(move || reply(before())),
            code,
            partial,
        };
        [
            fault(reset, ErrorCode::Network, cut),
            fault(stall, ErrorCode::Timeout, stalled),
            fault(truncated, ErrorCode::MalformedStream, stream),
        ]
    }
}

/// Every provider failure of issue 14, each at the moment it hurts.
pub fn faults() -> Vec<Fault> {
    // Before the first byte of an answer.
    let statuses = [
        (401, ErrorCode::AuthFailed),
        (403, ErrorCode::AuthFailed),
        (404, ErrorCode::NotFound),
        (408, ErrorCode::Timeout),
        (500, ErrorCode::ProviderUnavailable),
        (502, ErrorCode::ProviderUnavailable),
        (503, ErrorCode::ProviderUnavailable),
        (529, ErrorCode::ProviderUnavailable),
    ];
    let mut faults: Vec<Fault> = statuses.map(|(status, code)| Fault::status(status, code)).into();
    faults.extend([
        Fault::early(
            "429 with Retry-After",
            || api_error(429).header("retry-after", "120"),
            ErrorCode::RateLimited,
        ),
        Fault::early(
            "HTML instead of SSE",
            || Reply::new(200, "text/html", "<!doctype html><html><body>Login</body></html>"),
            ErrorCode::MalformedStream,
        ),
        Fault::early("stall before the first byte", || stalled(String::new()), ErrorCode::Timeout),
    ]);
    // After some tokens.
    faults.extend([
        Fault::after_tokens(
            "SSE error mid-stream",
            || {
                let error =
                    json!({"error": {"message": "injected: overloaded", "type": "server_error"}});
                stream(format!("{}data: {error}\n\n", some_tokens()))
            },
            ErrorCode::ProviderError,
        ),
        Fault::after_tokens(
            "malformed chunk",
            || stream(format!("{}data: {{\"choices\": [{{\"delta\": \n\n", some_tokens())),
            ErrorCode::MalformedStream,
        ),
        Fault::after_tokens(
            "an endless line",
            || stream(format!("{}data: {}", some_tokens(), "x".repeat(3 << 20))),
            ErrorCode::MalformedStream,
        ),
    ]);
    let mid_stream =
        ["reset mid-stream", "stall past the idle timeout", "truncated without terminator"];
    faults.extend(Fault::breaks(some_tokens, PARTIAL, mid_stream));
    // While a tool call's arguments stream.
    let in_arguments =
        ["reset in tool arguments", "stall in tool arguments", "tool arguments truncated"];
    faults.extend(Fault::breaks(tool_arguments_begun, "", in_arguments));
    faults
}
