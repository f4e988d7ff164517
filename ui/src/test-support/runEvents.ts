// Shared by the reducer's tests (state/reducer.test.ts, state/tools.test.ts): one run's events as
// the shell streams them, and the state after a submit and after batches of events.
import type { Event, EventKind, StatusIcon } from '../generated/protocol';
import { initialState, reducer } from '../state/reducer';
import type { AppState, Turn } from '../state/types';

export const CONV = 'conv-1';
export const RUN = 'run-1';
export const NOW = 1_700_000_000_000;
export const PROMPT = 'What is 17 * 23, and what time is it in Tokyo?';

/** Builds the events of one run, numbering `seq` 0, 1, 2, … as the shell does. */
export function run(runId = RUN) {
  let seq = 0;
  const make = (t: number, kind: EventKind): Event => ({ run_id: runId, seq: seq++, t_ms: t, ...kind });
  return {
    started: (t = 0) => make(t, { type: 'run_started', provider: 'offline', model: 'demo', started_at: NOW + 5 }),
    status: (t: number, message: string, icon?: StatusIcon) =>
      make(t, icon ? { type: 'status', message, icon } : { type: 'status', message }),
    thought: (t: number, text: string) => make(t, { type: 'thought', text }),
    delta: (t: number, call_id: string, name: string, args_delta: string) =>
      make(t, { type: 'tool_call_delta', call_id, name, args_delta }),
    call: (t: number, call_id: string, name: string, args: Record<string, unknown>) => make(t, { type: 'tool_call', call_id, name, args }),
    result: (t: number, call_id: string, ok: boolean, output: string, duration_ms: number) =>
      make(t, { type: 'tool_result', call_id, ok, output, duration_ms }),
    token: (t: number, text: string) => make(t, { type: 'token', text }),
    ping: (t: number, waiting_for?: string) => make(t, waiting_for ? { type: 'ping', waiting_for } : { type: 'ping' }),
    error: (t: number, message: string, retryable = false) => make(t, { type: 'error', code: 'provider_unavailable', message, retryable }),
    finished: (
      t: number,
      reason: 'completed' | 'cancelled' | 'error',
      extra: { usage?: { input_tokens: number; output_tokens: number }; ttft_ms?: number } = {},
    ) => make(t, { type: 'run_finished', reason, ...extra }),
  };
}

export function submitted(runId = RUN, conversationId = CONV): AppState {
  return reducer(initialState(conversationId, NOW - 1000), {
    type: 'submit',
    conversationId,
    runId,
    prompt: PROMPT,
    now: NOW,
  });
}

export function apply(state: AppState, ...batches: Event[][]): AppState {
  return batches.reduce<AppState>((s, events) => reducer(s, { type: 'events', events }), state);
}

export function turnOf(state: AppState, runId = RUN): Turn {
  const turn = state.turns[runId];
  if (!turn) throw new Error(`no turn ${runId}`);
  return turn;
}

/**
 * The turn of run `r` (prompt `p` in conversation `c`) after events of these kinds, numbered from
 * 0 and `everyMs` apart in the run's clock, as the window's reducer builds it.
 */
export function turnAfterKinds(kinds: EventKind[], everyMs = 10): Turn {
  const state = reducer(initialState('c', 0), { type: 'submit', conversationId: 'c', runId: 'r', prompt: 'p', now: 0 });
  const events: Event[] = kinds.map((kind, seq) => ({ run_id: 'r', seq, t_ms: seq * everyMs, ...kind }));
  return turnOf(apply(state, events), 'r');
}
