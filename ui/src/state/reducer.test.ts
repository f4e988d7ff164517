// The reducer and its selectors: a submit, a run's events, Stop, errors, conversations (tool calls
// and their progress: tools.test.ts; approvals: approval.test.ts).
import { describe, expect, it } from 'vitest';
import type { Event } from '../generated/protocol';
import { apply, CONV, NOW, PROMPT, run, RUN, submitted, turnOf } from '../test-support/runEvents';
import { GrowingText } from './growingText';
import { initialState, newTurn, reducer } from './reducer';
import { finishedPhases, phaseElapsedSeconds, runningTurn, sidebarConversations, stepsMs, toolSteps, totalToolMs } from './selectors';
import type { Action } from './types';

/** The offline demo's run for PROMPT, as the shell would stream it. */
function offlineRun(r = run()): Event[] {
  return [
    r.started(0.4),
    r.status(1, 'Planning…', 'planning'),
    r.thought(10, 'I need to multiply, '),
    r.thought(12, 'then look up the time.'),
    r.status(20, 'Calculating…', 'calculator'),
    r.delta(21, 'call-1', 'calculator', '{"expression":'),
    r.delta(22, 'call-1', 'calculator', ' "17 * 23"}'),
    r.call(23, 'call-1', 'calculator', { expression: '17 * 23' }),
    r.result(25, 'call-1', true, '391', 2.5),
    r.status(30, 'Checking the time in Asia/Tokyo…', 'clock'),
    r.call(31, 'call-2', 'clock', { timezone: 'Asia/Tokyo' }),
    r.result(400, 'call-2', true, '2025-01-01T09:00:00+09:00', 369.5),
    r.status(401, 'Writing the answer…', 'writing'),
    r.token(412, '17 × 23 = 391.'),
    r.token(420, '\nIn Tokyo it is 09:00.'),
    r.finished(430, 'completed', { usage: { input_tokens: 1000, output_tokens: 204 }, ttft_ms: 412 }),
  ];
}

describe('submit', () => {
  it('adds the user message and a pending turn with the Planning chip at once', () => {
    const state = submitted();
    expect(state.activeConversationId).toBe(CONV);
    expect(state.conversations[CONV]).toEqual({
      id: CONV,
      title: PROMPT,
      createdAt: NOW - 1000,
      items: [
        { role: 'user', id: `user-${RUN}`, text: PROMPT, at: NOW },
        { role: 'assistant', runId: RUN },
      ],
    });
    expect(turnOf(state)).toEqual(newTurn(RUN, CONV, PROMPT, NOW));
    expect(turnOf(state)).toMatchObject({ phase: 'pending', status: { message: 'Planning…', icon: 'planning', sinceMs: 0 }, lastSeq: -1 });
    expect(turnOf(state).answer).toBe(GrowingText.EMPTY);
    expect(runningTurn(state, state.conversations[CONV])?.runId).toBe(RUN);
  });

  it('creates the conversation when it is new, keeps the first prompt as its title', () => {
    let state = submitted();
    state = reducer(state, { type: 'submit', conversationId: 'conv-2', runId: 'run-2', prompt: 'hi', now: NOW + 1 });
    state = reducer(state, { type: 'submit', conversationId: 'conv-2', runId: 'run-3', prompt: 'again', now: NOW + 2 });
    expect(state.conversationOrder).toEqual(['conv-2', CONV]);
    expect(state.conversations['conv-2']?.title).toBe('hi');
    expect(state.conversations['conv-2']?.items).toHaveLength(4);
  });

  it('ignores a second submit with the same run id', () => {
    const state = submitted();
    expect(reducer(state, { type: 'submit', conversationId: CONV, runId: RUN, prompt: 'x', now: NOW })).toBe(state);
  });
});

describe('events', () => {
  it('builds the whole turn of an offline run', () => {
    const state = apply(submitted(), offlineRun());
    expect(turnOf(state)).toEqual({
      runId: RUN,
      conversationId: CONV,
      prompt: PROMPT,
      submittedAt: NOW,
      phase: 'completed',
      provider: 'offline',
      model: 'demo',
      startedAt: NOW + 5,
      status: null,
      trail: [
        { message: 'Planning…', icon: 'planning', sinceMs: 1 },
        { message: 'Calculating…', icon: 'calculator', sinceMs: 20 },
        { message: 'Checking the time in Asia/Tokyo…', icon: 'clock', sinceMs: 30 },
        { message: 'Writing the answer…', icon: 'writing', sinceMs: 401 },
      ],
      steps: [
        { kind: 'thought', id: 'thought-2', text: 'I need to multiply, then look up the time.' },
        {
          kind: 'tool',
          id: 'call-1',
          name: 'calculator',
          argsText: '{"expression": "17 * 23"}',
          args: { expression: '17 * 23' },
          startedMs: 23,
          state: 'done',
          output: '391',
          durationMs: 2.5,
        },
        {
          kind: 'tool',
          id: 'call-2',
          name: 'clock',
          argsText: '',
          args: { timezone: 'Asia/Tokyo' },
          startedMs: 31,
          state: 'done',
          output: '2025-01-01T09:00:00+09:00',
          durationMs: 369.5,
        },
      ],
      stepsEndMs: 400,
      answer: expect.any(GrowingText),
      firstTokenMs: 412,
      finish: { reason: 'completed', usage: { input_tokens: 1000, output_tokens: 204 }, ttftMs: 412, endMs: 430 },
      stopRequested: false,
      lastSeq: 15,
      lastMs: 430,
    });
    expect(String(turnOf(state).answer)).toBe('17 × 23 = 391.\nIn Tokyo it is 09:00.');
    expect(toolSteps(turnOf(state))).toHaveLength(2);
    expect(totalToolMs(turnOf(state))).toBe(372);
    expect(stepsMs(turnOf(state))).toBe(400);
    expect(finishedPhases(turnOf(state)).map((p) => p.message)).toEqual([
      'Planning…',
      'Calculating…',
      'Checking the time in Asia/Tokyo…',
      'Writing the answer…',
    ]);
    expect(runningTurn(state, state.conversations[CONV])).toBeUndefined();
  });

  it('gives the same turn whether the run arrives in one batch or one event at a time', () => {
    const events = offlineRun();
    const whole = apply(submitted(), events);
    const single = apply(submitted(), ...events.map((e) => [e]));
    expect(turnOf(single)).toEqual(turnOf(whole));
  });

  it('goes from pending to streaming on the first token, not before', () => {
    const r = run();
    let state = apply(submitted(), [r.started(), r.status(1, 'Writing the answer…', 'writing')]);
    expect(turnOf(state).phase).toBe('pending');
    expect(turnOf(state).status).toEqual({ message: 'Writing the answer…', icon: 'writing', sinceMs: 1 });
    state = apply(state, [r.token(50, 'Hel')]);
    expect(turnOf(state)).toMatchObject({ phase: 'streaming', firstTokenMs: 50 });
    expect(String(turnOf(state).answer)).toBe('Hel');
    state = apply(state, [r.token(60, 'lo')]);
    expect(turnOf(state)).toMatchObject({ phase: 'streaming', firstTokenMs: 50 });
    expect(String(turnOf(state).answer)).toBe('Hello');
  });

  it('keeps a status without icon without one', () => {
    const r = run();
    const state = apply(submitted(), [r.status(5, 'Thinking…')]);
    expect(turnOf(state).status).toEqual({ message: 'Thinking…', sinceMs: 5 });
  });

  it('sorts a batch by seq and ignores duplicates, within a batch and across batches', () => {
    const r = run();
    const [started, t1, t2, t3] = [r.started(), r.token(1, 'a'), r.token(2, 'b'), r.token(3, 'c')];
    let state = apply(submitted(), [t2, started, t1, t2, t1]);
    expect(turnOf(state)).toMatchObject({ lastSeq: 2, lastMs: 2 });
    expect(String(turnOf(state).answer)).toBe('ab');
    state = apply(state, [t1, t3, t2, t3]);
    expect(turnOf(state)).toMatchObject({ lastSeq: 3, lastMs: 3 });
    expect(String(turnOf(state).answer)).toBe('abc');
    const again = apply(state, [started, t1, t2, t3]);
    expect(again).toBe(state);
  });

  it('appends thoughts to the last thought, starts a new one after a tool call', () => {
    const r = run();
    const state = apply(submitted(), [r.thought(1, 'a'), r.thought(2, 'b'), r.call(3, 'c1', 'clock', {}), r.thought(4, 'c')]);
    expect(turnOf(state).steps.map((s) => (s.kind === 'thought' ? s.text : s.name))).toEqual(['ab', 'clock', 'c']);
  });

  it('ignores events of runs it does not know', () => {
    const state = submitted();
    const other = run('run-other');
    expect(apply(state, [other.started(), other.token(1, 'x')])).toBe(state);
    const mixed = apply(state, [other.token(1, 'x'), run().started()]);
    expect(turnOf(mixed).provider).toBe('offline');
    expect(mixed.turns['run-other']).toBeUndefined();
  });

  it('keeps each run to its own turn when batches mix runs', () => {
    let state = submitted();
    state = reducer(state, { type: 'submit', conversationId: 'conv-2', runId: 'run-2', prompt: 'b', now: NOW });
    const a = run();
    const b = run('run-2');
    state = apply(state, [a.token(1, 'A1'), b.token(1, 'B1'), b.token(2, 'B2'), a.token(2, 'A2')]);
    expect(String(turnOf(state).answer)).toBe('A1A2');
    expect(String(turnOf(state, 'run-2').answer)).toBe('B1B2');
  });

  it('counts the waiting time on the chip from pings, in the run clock', () => {
    const r = run();
    let state = apply(submitted(), [
      r.started(),
      r.status(100, 'Checking the time in Asia/Tokyo…', 'clock'),
      r.call(120, 'c1', 'clock', {}),
    ]);
    expect(phaseElapsedSeconds(turnOf(state))).toBe(0);
    state = apply(state, [r.ping(1120, 'clock')]);
    expect(turnOf(state).waitingFor).toBe('clock');
    expect(phaseElapsedSeconds(turnOf(state))).toBe(1);
    state = apply(state, [r.ping(2120, 'clock')], [r.ping(3150, 'clock')]);
    expect(turnOf(state)).toMatchObject({ waitingFor: 'clock', lastMs: 3150 });
    expect(phaseElapsedSeconds(turnOf(state))).toBe(3);
    // Anything else happening ends the wait; a new status restarts the counter.
    state = apply(state, [r.result(3200, 'c1', true, '09:00', 3080)]);
    expect(turnOf(state).waitingFor).toBeUndefined();
    state = apply(state, [r.status(3300, 'Writing the answer…', 'writing')]);
    expect(phaseElapsedSeconds(turnOf(state))).toBe(0);
  });

  it('counts from the start of the run while the chip still shows the local Planning…', () => {
    const r = run();
    const state = apply(submitted(), [r.ping(1000), r.ping(2000, 'model')]);
    expect(turnOf(state).status).toEqual({ message: 'Planning…', icon: 'planning', sinceMs: 0 });
    expect(turnOf(state).waitingFor).toBe('model');
    expect(phaseElapsedSeconds(turnOf(state))).toBe(2);
  });
});

describe('stop', () => {
  it('marks the request, then the run ends cancelled with the partial answer kept', () => {
    const r = run();
    let state = apply(submitted(), [r.started(), r.token(5, 'Partial'), r.call(6, 'c1', 'clock', {})]);
    state = reducer(state, { type: 'stop_requested', runId: RUN });
    expect(turnOf(state)).toMatchObject({ stopRequested: true, phase: 'streaming' });
    expect(String(turnOf(state).answer)).toBe('Partial');
    state = apply(state, [r.finished(9, 'cancelled')]);
    const turn = turnOf(state);
    expect(String(turn.answer)).toBe('Partial');
    expect(turn).toMatchObject({
      phase: 'cancelled',
      status: null,
      finish: { reason: 'cancelled' },
    });
    expect(turn.error).toBeUndefined();
    expect(turn.steps).toEqual([
      { kind: 'tool', id: 'c1', name: 'clock', argsText: '', args: {}, startedMs: 6, state: 'failed', interrupted: true },
    ]);
  });

  it('does nothing for a finished or unknown run', () => {
    const state = apply(submitted(), offlineRun());
    expect(reducer(state, { type: 'stop_requested', runId: RUN })).toBe(state);
    expect(reducer(state, { type: 'stop_requested', runId: 'nope' })).toBe(state);
  });
});

describe('errors', () => {
  it('keeps the partial text and the error through run_finished(error)', () => {
    const r = run();
    let state = apply(submitted(), [
      r.started(),
      r.token(5, 'So far'),
      r.error(7, 'The provider is overloaded. Try again in a minute.', true),
    ]);
    expect(String(turnOf(state).answer)).toBe('So far');
    expect(turnOf(state)).toMatchObject({
      phase: 'error',
      error: { code: 'provider_unavailable', message: 'The provider is overloaded. Try again in a minute.', retryable: true },
    });
    state = apply(state, [r.finished(8, 'error')]);
    expect(String(turnOf(state).answer)).toBe('So far');
    expect(turnOf(state)).toMatchObject({
      phase: 'error',
      status: null,
      error: { code: 'provider_unavailable', message: 'The provider is overloaded. Try again in a minute.', retryable: true },
      finish: { reason: 'error' },
    });
  });

  it('says something when a run ends in error without an error event', () => {
    const r = run();
    const state = apply(submitted(), [r.finished(3, 'error')]);
    expect(turnOf(state).error).toEqual({ message: 'The run ended with an error.', retryable: false });
  });

  it('ends the turn when the run could not be started', () => {
    const state = reducer(submitted(), { type: 'start_failed', runId: RUN, message: 'No provider configured.' });
    expect(turnOf(state)).toMatchObject({
      phase: 'error',
      status: null,
      error: { message: 'No provider configured.', retryable: true },
      finish: { reason: 'error' },
    });
  });
});

describe('after run_finished', () => {
  it('changes nothing in the turn', () => {
    const r = run();
    const events = offlineRun(r);
    const state = apply(submitted(), events);
    const after = apply(state, [r.token(500, 'late'), r.status(501, 'Again…'), r.error(502, 'late error')]);
    expect(after).toBe(state);
    expect(reducer(state, { type: 'start_failed', runId: RUN, message: 'x' })).toBe(state);
  });
});

describe('conversations', () => {
  it('starts a new chat, reuses an empty one, and switches between them', () => {
    let state = apply(submitted(), offlineRun());
    const actions: Action[] = [{ type: 'new_conversation', conversationId: 'conv-2', now: NOW + 10 }];
    state = actions.reduce(reducer, state);
    expect(state.activeConversationId).toBe('conv-2');
    expect(state.conversationOrder).toEqual(['conv-2', CONV]);
    expect(sidebarConversations(state).map((c) => c.id)).toEqual(['conv-2', CONV]);
    // "+ New chat" on an empty chat stays on it.
    expect(reducer(state, { type: 'new_conversation', conversationId: 'conv-3', now: NOW + 20 })).toBe(state);
    state = reducer(state, { type: 'select_conversation', conversationId: CONV });
    expect(state.activeConversationId).toBe(CONV);
    // The empty chat is not listed once it is left.
    expect(sidebarConversations(state).map((c) => c.id)).toEqual([CONV]);
    expect(reducer(state, { type: 'select_conversation', conversationId: 'missing' })).toBe(state);
  });

  it('starts from one empty conversation', () => {
    const state = initialState(CONV, NOW);
    expect(state).toEqual({
      conversations: { [CONV]: { id: CONV, title: '', createdAt: NOW, items: [] } },
      conversationOrder: [CONV],
      activeConversationId: CONV,
      turns: {},
    });
    expect(newTurn(RUN, CONV, 'p', NOW).phase).toBe('pending');
  });
});
