// Generated from crates/protocol by `cargo run -p telltale-protocol --bin gen-ts`.
// Do not edit by hand: change the Rust types and regenerate.

export const PROTOCOL_VERSION = 1;

export type Event = { run_id: string, seq: number, t_ms: number, } & ({ "type": "run_started", 
/**
 * Which provider answers (`offline`, `openai`, `anthropic`).
 */
provider: string, 
/**
 * The model's name as the provider knows it.
 */
model: string, 
/**
 * Unix epoch milliseconds when the run started: an event's wall-clock time is
 * `started_at + t_ms`.
 */
started_at: number, } | { "type": "status", message: string, icon?: StatusIcon, } | { "type": "thought", text: string, } | { "type": "tool_call_delta", call_id: string, name: string, args_delta: string, } | { "type": "tool_call", call_id: string, name: string, args: Record<string, unknown>, } | { "type": "tool_result", call_id: string, ok: boolean, output: string, duration_ms: number, } | { "type": "token", text: string, } | { "type": "ping", 
/**
 * What the run is waiting on (the model, a tool by name).
 */
waiting_for?: string, } | { "type": "error", code: ErrorCode, message: string, 
/**
 * Whether trying the same request again may succeed.
 */
retryable: boolean, } | { "type": "run_finished", reason: FinishReason, usage?: Usage, 
/**
 * Milliseconds from the start of the run to the first answer token.
 */
ttft_ms?: number, });

export type EventKind = { "type": "run_started", 
/**
 * Which provider answers (`offline`, `openai`, `anthropic`).
 */
provider: string, 
/**
 * The model's name as the provider knows it.
 */
model: string, 
/**
 * Unix epoch milliseconds when the run started: an event's wall-clock time is
 * `started_at + t_ms`.
 */
started_at: number, } | { "type": "status", message: string, icon?: StatusIcon, } | { "type": "thought", text: string, } | { "type": "tool_call_delta", call_id: string, name: string, args_delta: string, } | { "type": "tool_call", call_id: string, name: string, args: Record<string, unknown>, } | { "type": "tool_result", call_id: string, ok: boolean, output: string, duration_ms: number, } | { "type": "token", text: string, } | { "type": "ping", 
/**
 * What the run is waiting on (the model, a tool by name).
 */
waiting_for?: string, } | { "type": "error", code: ErrorCode, message: string, 
/**
 * Whether trying the same request again may succeed.
 */
retryable: boolean, } | { "type": "run_finished", reason: FinishReason, usage?: Usage, 
/**
 * Milliseconds from the start of the run to the first answer token.
 */
ttft_ms?: number, };

export type StatusIcon = "planning" | "thinking" | "tool" | "calculator" | "clock" | "writing" | "waiting" | "retrying";

export type FinishReason = "completed" | "cancelled" | "error";

export type ErrorCode = "auth_failed" | "not_found" | "rate_limited" | "provider_unavailable" | "network" | "timeout" | "malformed_stream" | "provider_error" | "invalid_request" | "step_limit" | "internal";

export type Usage = { input_tokens: number, output_tokens: number, };
