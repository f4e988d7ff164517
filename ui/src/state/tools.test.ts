// The reducer on tool calls: a call shown while its arguments stream, a failed call, and the
// progress a running call reports (tool_progress), for its row and the chip.
import { describe, expect, it } from 'vitest';
import type { Event, EventKind } from '../generated/protocol';
import { apply, run, submitted, turnOf } from '../test-support/runEvents';
import { progressFraction, progressStep, toolSteps } from './selectors';

describe('tool calls', () => {
  it('shows a tool call while its arguments stream, before the complete call', () => {
    const r = run();
    const state = apply(submitted(), [r.delta(1, 'c1', 'calculator', '{"expr'), r.delta(2, 'c1', 'calculator', 'ession": "1+')]);
    expect(turnOf(state).steps).toEqual([{ kind: 'tool', id: 'c1', name: 'calculator', argsText: '{"expression": "1+', state: 'running' }]);
  });

  it('marks a failed tool call', () => {
    const r = run();
    const state = apply(submitted(), [r.call(1, 'c1', 'web_fetch', { url: 'x' }), r.result(9, 'c1', false, 'HTTP 500', 8)]);
    expect(turnOf(state).steps[0]).toMatchObject({ state: 'failed', output: 'HTTP 500', durationMs: 8 });
  });
});

describe('tool_progress', () => {
  const progress = (r: ReturnType<typeof run>, t: number, call_id: string, p: number, total?: number, message?: string): Event[] => {
    const kind: EventKind = { type: 'tool_progress', call_id, progress: p };
    if (total !== undefined) kind.total = total;
    if (message !== undefined) kind.message = message;
    return [{ ...r.ping(t), ...kind }];
  };

  it("keeps a running call's latest progress and names it for the chip until the next status", () => {
    const r = run();
    let state = apply(submitted(), [r.started(0), r.status(1, 'Researching…', 'tool'), r.call(2, 'c1', 'docs__research', { q: 'x' })]);
    state = apply(state, progress(r, 10, 'c1', 3, 5, 'Reading sources'));
    let turn = turnOf(state);
    expect(toolSteps(turn)[0]!.progress).toEqual({ progress: 3, total: 5, message: 'Reading sources' });
    expect(turn.progressNote).toEqual({ callId: 'c1', name: 'docs__research', step: 'step 3 of 5' });
    // The phase itself is unchanged: the trail does not grow on progress.
    expect(turn.status?.message).toBe('Researching…');
    expect(turn.trail).toHaveLength(1);

    const before = turn;
    state = apply(state, progress(r, 11, 'c1', 4));
    turn = turnOf(state);
    expect(toolSteps(turn)[0]!.progress).toEqual({ progress: 4 });
    expect(turn.progressNote?.step).toBe('step 4');
    // Other steps and the answer are the same objects (nothing else re-renders).
    expect(turn.answer).toBe(before.answer);

    state = apply(state, [r.status(12, 'Still researching…')]);
    expect(turnOf(state).progressNote).toBeUndefined();
  });

  it('is cleared by the call’s result and the end of the run; late or unknown progress is ignored', () => {
    const r = run();
    let state = apply(submitted(), [r.started(0), r.call(2, 'c1', 'research', {})], progress(r, 3, 'c1', 1, 2));
    expect(turnOf(state).progressNote?.callId).toBe('c1');
    state = apply(state, [r.result(4, 'c1', true, 'ok', 2)]);
    expect(turnOf(state).progressNote).toBeUndefined();
    // After the result: ignored.
    state = apply(state, progress(r, 5, 'c1', 2, 2));
    expect(toolSteps(turnOf(state))[0]!.progress).toEqual({ progress: 1, total: 2 });
    expect(turnOf(state).progressNote).toBeUndefined();
    // A call the turn does not know: no step is made up.
    state = apply(state, progress(r, 6, 'nope', 1));
    expect(toolSteps(turnOf(state))).toHaveLength(1);

    state = apply(state, [r.call(7, 'c2', 'research', {})], progress(r, 8, 'c2', 0.5, 1), [r.finished(9, 'cancelled')]);
    expect(turnOf(state).progressNote).toBeUndefined();
  });

  it('words the progress as steps, a percentage or a figure', () => {
    expect(progressStep({ progress: 3, total: 5 })).toBe('step 3 of 5');
    expect(progressStep({ progress: 3 })).toBe('step 3');
    expect(progressStep({ progress: 0.45, total: 1 })).toBe('45%');
    expect(progressStep({ progress: 2.25 })).toBe('2.3');
    expect(progressFraction({ progress: 3, total: 5 })).toBe(0.6);
    expect(progressFraction({ progress: 9, total: 5 })).toBe(1);
    expect(progressFraction({ progress: 3 })).toBeUndefined();
    expect(progressFraction({ progress: 3, total: 0 })).toBeUndefined();
  });
});
