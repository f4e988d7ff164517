// @vitest-environment happy-dom
// A running call's progress (tool_progress) in its row and on the chip; progress events re-render
// the call's row, never the answer.
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { Event, EventKind } from '../generated/protocol';
import { initialState, reducer } from '../state/reducer';
import type { AppState, Turn as TurnValue } from '../state/types';
import { mountPerTest } from '../test-support/dom';
import { Turn } from './Turn';

const markdownRenders = vi.hoisted(() => ({ count: 0 }));
vi.mock('../markdown/Markdown', () => ({
  Markdown: ({ text }: { text: { toString(): string } }) => {
    markdownRenders.count++;
    return <p>{String(text)}</p>;
  },
}));

const dom = mountPerTest();
const $ = dom.byTestId;

function run() {
  let state: AppState = reducer(initialState('c', 0), { type: 'submit', conversationId: 'c', runId: 'r', prompt: 'p', now: 0 });
  let seq = 0;
  return (...kinds: EventKind[]): TurnValue => {
    const events: Event[] = kinds.map((kind) => ({ run_id: 'r', seq, t_ms: seq++ * 10, ...kind }));
    state = reducer(state, { type: 'events', events });
    return state.turns.r!;
  };
}

function render(turn: TurnValue) {
  act(() => dom.root.render(<Turn turn={turn} />));
}

describe('tool progress', () => {
  it('shows "step 3 of 5 · message" and a progress bar in the running row, and names the call on the chip', () => {
    const apply = run();
    render(
      apply(
        { type: 'run_started', provider: 'mock', model: 'm', started_at: 1 },
        { type: 'status', message: 'Researching…', icon: 'tool' },
        { type: 'token', text: 'Looking into it. ' },
        { type: 'tool_call', call_id: 'c1', name: 'docs__research', args: { q: 'tides' } },
      ),
    );
    act(() => $('steps-toggle')!.click());
    expect($('step-progress')).toBeNull();
    const renders = markdownRenders.count;

    render(apply({ type: 'tool_progress', call_id: 'c1', progress: 3, total: 5, message: 'Reading sources' }));
    expect($('step-progress')!.textContent).toBe('step 3 of 5 · Reading sources');
    const bar = dom.container.querySelector('[role="progressbar"]')!;
    expect(bar.getAttribute('aria-valuenow')).toBe('3');
    expect(bar.getAttribute('aria-valuemax')).toBe('5');
    expect(bar.getAttribute('aria-valuemin')).toBe('0');
    expect(bar.getAttribute('aria-label')).toBe('docs__research progress');
    expect($('status-chip')!.textContent).toBe('Running docs__research · step 3 of 5');
    // The step count is not announced on every event: only "Running docs__research" is live.
    expect($('chip-progress')!.getAttribute('aria-hidden')).toBe('true');

    // No total: the words, no bar.
    render(apply({ type: 'tool_progress', call_id: 'c1', progress: 4 }));
    expect($('step-progress')!.textContent).toBe('step 4');
    expect(dom.container.querySelector('[role="progressbar"]')).toBeNull();
    // The answer did not re-render for the progress events.
    expect(markdownRenders.count).toBe(renders);

    render(apply({ type: 'tool_result', call_id: 'c1', ok: true, output: 'found 3 papers', duration_ms: 30 }));
    expect($('step-progress')).toBeNull();
    expect($('status-chip')!.textContent).toBe('Researching…');
  });
});
