// The reducer and selectors on calls that ask first (approval_required / approval_resolved) and
// on cancelled calls: what the steps list needs to show the approval card, the answer and timers.
import { describe, expect, it } from 'vitest';
import type { Event, EventKind } from '../generated/protocol';
import { initialState, reducer } from './reducer';
import { stepsMs, toolPhase } from './selectors';
import type { AppState, ToolStep } from './types';

const ARGS = { path: 'notes/todo.md', content: 'buy milk' };

/** The turn after `kinds`, each at the `t_ms` given beside it. */
function after(...kinds: [number, EventKind][]): AppState {
  let state = reducer(initialState('c', 0), { type: 'submit', conversationId: 'c', runId: 'r', prompt: 'write it', now: 0 });
  const events: Event[] = kinds.map(([t_ms, kind], seq) => ({ run_id: 'r', seq, t_ms, ...kind }));
  state = reducer(state, { type: 'events', events });
  return state;
}

const tool = (state: AppState) => state.turns.r!.steps[0] as ToolStep;

const asking: [number, EventKind][] = [
  [10, { type: 'tool_call', call_id: 'w1', name: 'write_file', args: ARGS }],
  [11, { type: 'approval_required', call_id: 'w1', name: 'write_file', args: ARGS }],
];

describe('approvals', () => {
  it('a call that asks first waits, not runs', () => {
    const step = tool(after(...asking));
    expect(step).toMatchObject({ name: 'write_file', args: ARGS, state: 'running', approval: { state: 'waiting', always: false } });
    expect(toolPhase(step)).toBe('waiting');
  });

  it('approved: it runs from the answer on (the wait is not its time)', () => {
    const state = after(...asking, [5000, { type: 'approval_resolved', call_id: 'w1', approved: true, always: false }]);
    const step = tool(state);
    expect(step.approval).toEqual({ state: 'approved', always: false });
    expect(step.args).toEqual(ARGS);
    expect(step.startedMs).toBe(5000);
    expect(toolPhase(step)).toBe('running');
    expect(state.turns.r!.stepsEndMs).toBe(5000);
  });

  it('approved with edited arguments: the call shows the arguments it runs with', () => {
    const edited = { ...ARGS, content: 'buy oat milk' };
    const step = tool(after(...asking, [900, { type: 'approval_resolved', call_id: 'w1', approved: true, args: edited, always: true }]));
    expect(step.approval).toEqual({ state: 'edited', always: true });
    expect(step.args).toEqual(edited);
  });

  it("denied: then failed with the shell's words, and no time started", () => {
    const state = after(
      ...asking,
      [900, { type: 'approval_resolved', call_id: 'w1', approved: false, always: false }],
      [901, { type: 'tool_result', call_id: 'w1', ok: false, output: 'denied by the user', duration_ms: 0 }],
    );
    const step = tool(state);
    expect(step).toMatchObject({ state: 'failed', output: 'denied by the user', approval: { state: 'denied', always: false } });
    expect(step.startedMs).toBe(10);
    expect(toolPhase(step)).toBe('failed');
  });

  it('a run that ends while a call waits stops asking', () => {
    const step = tool(after(...asking, [50, { type: 'run_finished', reason: 'cancelled' }]));
    expect(step).toMatchObject({ state: 'failed', interrupted: true });
    expect(step.approval).toBeUndefined();
  });
});

describe('running calls', () => {
  it('drafting until the whole call arrived, then running from its tool_call', () => {
    let state = after([3, { type: 'tool_call_delta', call_id: 'f1', name: 'web_fetch', args_delta: '{"url": ' }]);
    expect(toolPhase(tool(state))).toBe('drafting');
    state = after(
      [3, { type: 'tool_call_delta', call_id: 'f1', name: 'web_fetch', args_delta: '{"url": "https://example.com"}' }],
      [4, { type: 'tool_call', call_id: 'f1', name: 'web_fetch', args: { url: 'https://example.com' } }],
      [2004, { type: 'ping', waiting_for: 'web_fetch' }],
    );
    expect(toolPhase(tool(state))).toBe('running');
    expect(tool(state).startedMs).toBe(4);
    expect(stepsMs(state.turns.r!)).toBe(2004);
  });

  it("cancelled: failed with the shell's words and its duration", () => {
    const step = tool(
      after(
        [4, { type: 'tool_call', call_id: 'f1', name: 'web_fetch', args: { url: 'https://example.com' } }],
        [3204, { type: 'tool_result', call_id: 'f1', ok: false, output: 'cancelled by the user', duration_ms: 3200 }],
      ),
    );
    expect(step).toMatchObject({ state: 'failed', output: 'cancelled by the user', durationMs: 3200 });
    expect(toolPhase(step)).toBe('failed');
  });
});
