// @vitest-environment happy-dom
// The run the conversation on screen is shown at is recorded in the history when it changes, and
// only then: a version picked, a new run once the shell has started it.
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { EventKind } from '../generated/protocol';
import { initialState, reducer } from '../state/reducer';
import type { AppState } from '../state/types';
import { mountPerTest } from '../test-support/dom';
import type { HistoryBackend } from './types';
import { useShownRun } from './useShownRun';

const dom = mountPerTest();

function Probe({ history, state }: { history: HistoryBackend; state: AppState }) {
  useShownRun(history, true, state);
  return null;
}

/** A history that notes what it is told to record, and fails while `failing` is set. */
function recordingHistory() {
  const calls: [string, string][] = [];
  const history = {
    failing: false,
    show: async (id: string, runId: string) => {
      calls.push([id, runId]);
      if (history.failing) throw new Error('no such conversation');
    },
  };
  return { calls, history: history as typeof history & HistoryBackend };
}

const started = (state: AppState, runId: string, more: EventKind[] = []): AppState =>
  reducer(state, {
    type: 'events',
    events: [{ type: 'run_started', provider: 'offline', model: 'demo', started_at: 1 } satisfies EventKind, ...more].map((kind, seq) => ({
      run_id: runId,
      seq,
      t_ms: seq,
      ...kind,
    })),
  });

const submitted = (state: AppState, runId: string, parentRunId: string | null): AppState =>
  reducer(state, { type: 'submit', conversationId: 'c', runId, prompt: 'again?', now: 0, parentRunId });

describe('useShownRun', () => {
  it('records the last run on screen when it changes, once the shell has started it', async () => {
    const { calls, history } = recordingHistory();
    const render = async (state: AppState) => {
      await act(async () => dom.root.render(<Probe history={history} state={state} />));
    };
    let state = submitted(initialState('c', 0), 'a', null);
    await render(state);
    expect(calls).toEqual([]); // not started: the history may not have it
    state = started(state, 'a', [{ type: 'run_finished', reason: 'completed' }]);
    await render(state);
    expect(calls).toEqual([['c', 'a']]);
    await render(reducer(state, { type: 'show_version', runId: 'a' }));
    expect(calls).toHaveLength(1); // the same run: nothing written again

    // Regenerated: the new version once started, then the first one picked again.
    state = started(submitted(state, 'a2', null), 'a2');
    await render(state);
    expect(calls.at(-1)).toEqual(['c', 'a2']);
    state = reducer(state, { type: 'show_version', runId: 'a' });
    await render(state);
    expect(calls.at(-1)).toEqual(['c', 'a']);
    expect(calls).toHaveLength(3);
  });

  it('tries again at the next change when it could not be written', async () => {
    const { calls, history } = recordingHistory();
    const render = async (state: AppState) => {
      await act(async () => dom.root.render(<Probe history={history} state={state} />));
    };
    let state = started(submitted(initialState('c', 0), 'a', null), 'a');
    history.failing = true;
    await render(state);
    history.failing = false;
    state = started(submitted(state, 'a2', null), 'a2');
    await render(state);
    state = reducer(state, { type: 'show_version', runId: 'a' });
    await render(state);
    // `a` again after its write failed: written, not taken as already recorded.
    expect(calls).toEqual([
      ['c', 'a'],
      ['c', 'a2'],
      ['c', 'a'],
    ]);
  });
});
