// Dropping the turns of saved conversations not on screen, and getting them back from the history.
import { describe, expect, it } from 'vitest';
import type { Event } from '../generated/protocol';
import { apply, CONV, NOW, PROMPT, run, RUN, submitted } from '../test-support/runEvents';
import { reducer } from './reducer';
import { releasable } from './release';
import { runningTurn } from './selectors';
import type { AppState, LoadedConversation } from './types';

const OTHER = 'conv-2';
const SAVED = new Set([CONV, OTHER]);
const LONG = Array.from({ length: 2000 }, (_, i) => `word${i} `);

/** A finished run of a long answer in CONV, recorded as `events`. */
function finished(): { state: AppState; events: Event[] } {
  const r = run();
  const events = [r.started(0), ...LONG.map((text, i) => r.token(10 + i, text)), r.finished(3000, 'completed', { ttft_ms: 10 })];
  return { state: apply(submitted(), events), events };
}

/** The state after "New chat" (CONV is no longer shown). */
function leave(state: AppState): AppState {
  return reducer(state, { type: 'new_conversation', conversationId: OTHER, now: NOW + 5000 });
}

function release(state: AppState, saved: ReadonlySet<string> = SAVED): AppState {
  return reducer(state, { type: 'release_conversations', conversationIds: releasable(state, saved) });
}

/** CONV as the history gives it back. */
function fromHistory(events: Event[]): LoadedConversation {
  return {
    id: CONV,
    title: PROMPT.slice(0, 40),
    createdAt: NOW,
    runs: [{ runId: RUN, prompt: PROMPT, startedAt: NOW + 5, status: 'completed', events }],
  };
}

describe('release_conversations', () => {
  it('drops the turns of a saved, finished conversation once another is shown, keeping its title and place', () => {
    const { state } = finished();
    expect(releasable(state, SAVED)).toEqual([]);
    const left = leave(state);
    expect(releasable(left, SAVED)).toEqual([CONV]);
    const released = release(left);
    expect(released.turns).toEqual({});
    const c = released.conversations[CONV]!;
    expect(c.released).toBe(true);
    expect(c.title).toBe(PROMPT);
    expect(c.items).toEqual(left.conversations[CONV]!.items);
    expect(released.conversationOrder).toEqual(left.conversationOrder);
    // Once released, there is nothing more to release.
    expect(releasable(released, SAVED)).toEqual([]);
    expect(release(released)).toBe(released);
  });

  it('reopening reloads the same turn: same answer, same finish, same title, same version picked', () => {
    const { state: streamed, events } = finished();
    const picked = { ...streamed.conversations[CONV]!, shown: { '': RUN } };
    const state: AppState = { ...streamed, conversations: { ...streamed.conversations, [CONV]: picked } };
    const shown = state.turns[RUN]!;
    const released = release(leave(state));
    // Selecting it alone does nothing: its turns must come from the history.
    expect(reducer(released, { type: 'select_conversation', conversationId: CONV })).toBe(released);
    const reopened = reducer(released, { type: 'load_conversation', conversation: fromHistory(events), select: true });
    expect(reopened.activeConversationId).toBe(CONV);
    const c = reopened.conversations[CONV]!;
    expect(c.released).toBeUndefined();
    expect(c.title).toBe(PROMPT);
    expect(c.shown).toEqual({ '': RUN });
    expect(c.items).toEqual(state.conversations[CONV]!.items.map((item) => (item.role === 'user' ? { ...item, at: NOW + 5 } : item)));
    const turn = reopened.turns[RUN]!;
    expect(String(turn.answer)).toBe(String(shown.answer));
    expect(turn.phase).toBe('completed');
    expect(turn.finish).toEqual(shown.finish);
    expect(turn.firstTokenMs).toBe(shown.firstTokenMs);
    // In its place (the blank chat it was left for goes, as when any saved chat is opened from one).
    expect(reopened.conversationOrder).toEqual([CONV]);
  });

  it('keeps the shown conversation, one still running (it goes on streaming), and one the history lacks', () => {
    const r = run();
    const running = apply(submitted(), [r.started(0), r.token(10, 'Hello')]);
    const left = leave(running);
    expect(releasable(left, SAVED)).toEqual([]);
    // The run is forced through the reducer anyway: it keeps its turn.
    const forced = reducer(left, { type: 'release_conversations', conversationIds: [CONV] });
    expect(forced).toBe(left);
    const more = apply(forced, [r.token(20, ' world')]);
    expect(String(more.turns[RUN]!.answer)).toBe('Hello world');
    // Finished in the background: now it goes.
    const done = apply(more, [r.finished(30, 'completed')]);
    expect(releasable(done, SAVED)).toEqual([CONV]);

    // Not (yet) in the history's list.
    expect(releasable(done, new Set([OTHER]))).toEqual([]);
    // The shown one.
    expect(releasable(finished().state, SAVED)).toEqual([]);
  });

  it('keeps a conversation with a run the history did not record to the end', () => {
    const refused = reducer(submitted(), { type: 'start_failed', runId: RUN, message: 'no shell' });
    expect(releasable(leave(refused), SAVED)).toEqual([]);

    const r = run();
    const unrecorded = apply(submitted(), [
      r.started(0),
      { run_id: RUN, seq: 1, t_ms: 5, type: 'error', code: 'history_unavailable', message: 'disk full', retryable: false },
      { run_id: RUN, seq: 2, t_ms: 6, type: 'run_finished', reason: 'error' },
    ]);
    expect(releasable(leave(unrecorded), SAVED)).toEqual([]);

    const failed = apply(submitted(), [r.started(0), r.error(5, 'refused'), r.finished(6, 'error')]);
    expect(releasable(leave(failed), SAVED)).toEqual([CONV]);
  });

  it('leaves a released conversation released when renamed, and gives it its new title on reopening', () => {
    const { state, events } = finished();
    const released = release(leave(state));
    const renamed = reducer(released, { type: 'rename_conversation', conversationId: CONV, title: 'Renamed' });
    expect(renamed.conversations[CONV]!.released).toBe(true);
    const reopened = reducer(renamed, { type: 'load_conversation', conversation: fromHistory(events), select: true });
    expect(reopened.conversations[CONV]!.title).toBe('Renamed');
    expect(runningTurn(reopened, reopened.conversations[CONV])).toBeUndefined();
  });
});
