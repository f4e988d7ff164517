//! The events a run streams to its watchers (the window, the CLI, history).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One event of one run. Every event carries where it belongs (`run_id`), its place in the
/// run (`seq`: 0, 1, 2, … with no gaps) and when it was created (`t_ms`: milliseconds since
/// the run started, with microsecond precision). What happened is in `kind`, flattened into
/// the same JSON object and tagged by `"type"`. In TypeScript it is its own fields `&`
/// [`EventKind`] (ts-rs would write out every kind again in place of a flattened field); a test
/// checks that this names every field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(type = "{ run_id: string, seq: number, t_ms: number, } & EventKind")]
pub struct Event {
    pub run_id: String,
    #[ts(type = "number")]
    pub seq: u64,
    pub t_ms: f64,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened, tagged by `"type"` in snake_case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The first event of every run.
    RunStarted {
        /// Which provider answers (`offline`, `openai`, `anthropic`).
        provider: String,
        /// The model's name as the provider knows it.
        model: String,
        /// Unix epoch milliseconds when the run started: an event's wall-clock time is
        /// `started_at + t_ms`.
        #[ts(type = "number")]
        started_at: u64,
    },
    /// What the agent is doing now, in words a user understands.
    Status {
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        icon: Option<StatusIcon>,
    },
    /// Reasoning or plan text (a delta to append).
    Thought { text: String },
    /// A fragment of a tool call's arguments while the model is still writing them.
    ToolCallDelta { call_id: String, name: String, args_delta: String },
    /// A complete tool call; `args` is a JSON object.
    ToolCall {
        call_id: String,
        name: String,
        #[ts(type = "Record<string, unknown>")]
        args: serde_json::Value,
    },
    /// A tool call waits for the user's approval before it runs (its tool's policy is "ask").
    ApprovalRequired {
        call_id: String,
        name: String,
        #[ts(type = "Record<string, unknown>")]
        args: serde_json::Value,
    },
    /// The user's answer to an `approval_required`.
    ApprovalResolved {
        call_id: String,
        approved: bool,
        /// The arguments the call runs with, when the user edited them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional, type = "Record<string, unknown>")]
        args: Option<serde_json::Value>,
        /// The user allowed this tool without asking again.
        #[serde(default)]
        always: bool,
    },
    /// How far a running tool call has come (an MCP server's progress notifications).
    ToolProgress {
        call_id: String,
        progress: f64,
        /// What `progress` counts up to, when the tool knows.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        total: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        message: Option<String>,
    },
    /// The outcome of a tool call.
    ToolResult { call_id: String, ok: bool, output: String, duration_ms: f64 },
    /// Answer text (a delta to append).
    Token { text: String },
    /// Keep-alive: sent whenever nothing else was sent for the keep-alive interval.
    Ping {
        /// What the run is waiting on (the model, a tool by name).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        waiting_for: Option<String>,
    },
    /// The run reached one of its budgets (set in Settings or by the CLI's `--max-*` flags).
    /// What streamed so far is kept. A run that stops at its budget (the CLI's) goes on with an
    /// `error` with code `budget`; a run that pauses there (the window's) waits for the user's
    /// answer, then `budget_resolved` follows.
    BudgetReached {
        kind: BudgetKind,
        /// How much the run used, or would use with what it asked for next (seconds, tool
        /// calls, output tokens, US dollars).
        used: f64,
        limit: f64,
    },
    /// The user's answer to a run paused at its budget: `continued`, the run goes on with that
    /// budget lifted for the rest of the run; else it stops (`run_finished` with reason
    /// `cancelled`), keeping what streamed.
    BudgetResolved { kind: BudgetKind, continued: bool },
    /// Something went wrong; `message` says what the user can do about it.
    Error {
        code: ErrorCode,
        message: String,
        /// Whether trying the same request again may succeed.
        retryable: bool,
    },
    /// The last event of every run, exactly once.
    RunFinished {
        reason: FinishReason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        usage: Option<Usage>,
        /// Milliseconds from the start of the run to the first answer token.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        ttft_ms: Option<f64>,
        /// What the run cost in US dollars, from `usage` and the model's price (the price table
        /// shipped with the app, or the user's own in Settings); absent when either is unknown.
        /// Models on this computer cost 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        cost_usd: Option<f64>,
    },
}

/// The icon a status chip shows beside its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StatusIcon {
    Planning,
    Thinking,
    Tool,
    Calculator,
    Clock,
    Writing,
    Waiting,
    Retrying,
    /// Waiting for the user to approve a tool call.
    Approval,
}

/// Which budget a run reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BudgetKind {
    /// Wall-clock seconds since the run started.
    Seconds,
    /// Tool calls the run made (or asked for).
    ToolCalls,
    /// Answer tokens: counted while streaming, corrected by the provider's usage after each step.
    OutputTokens,
    /// US dollars, from the tokens and the model's price.
    CostUsd,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    Completed,
    Cancelled,
    Error,
}

/// The kind of failure, so that the UI and scripts can react without parsing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The provider rejected the API key (401/403).
    AuthFailed,
    /// The model or endpoint does not exist (404).
    NotFound,
    /// Too many requests (429).
    RateLimited,
    /// The provider is overloaded or failing (5xx, 529, `overloaded_error`).
    ProviderUnavailable,
    /// The provider could not be reached (refused, reset, DNS).
    Network,
    /// No byte arrived for the idle timeout.
    Timeout,
    /// The provider sent something that is not the expected stream.
    MalformedStream,
    /// The provider reported an error of its own.
    ProviderError,
    /// The request was invalid (bad settings, unknown provider).
    InvalidRequest,
    /// The model takes no images: its provider refused a request that carried some, or (once
    /// refused in this session) the run was refused before anything was sent.
    ModelTakesNoImages,
    /// The agent took more steps than it is allowed.
    StepLimit,
    /// The run reached one of its budgets (time, tool calls, output tokens, cost).
    Budget,
    /// The conversation could not be read from or saved to the history (a full disk, a
    /// read-only or damaged database): the run was not started, or was stopped.
    HistoryUnavailable,
    /// A bug in Telltale.
    Internal,
}

/// Token counts reported by the provider at the end of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct Usage {
    pub input_tokens: u32,
    pub output_tokens: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typescript_event_names_every_field_of_its_own() {
        let cfg = ts_rs::Config::new();
        let decl = Event::decl(&cfg);
        let kind = EventKind::Token { text: "t".into() };
        let event = Event { run_id: "r".into(), seq: 0, t_ms: 0.0, kind: kind.clone() };
        let serde_json::Value::Object(fields) = serde_json::json!(event) else {
            panic!("an object")
        };
        let serde_json::Value::Object(kind_fields) = serde_json::json!(kind) else {
            panic!("an object")
        };
        for field in fields.keys().filter(|field| !kind_fields.contains_key(*field)) {
            assert!(decl.contains(&format!(" {field}: ")), "{field} is missing from {decl}");
        }
        assert!(decl.ends_with("& EventKind;"), "{decl}");
    }
}
