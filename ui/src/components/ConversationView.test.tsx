// @vitest-environment happy-dom
// The column renders on every frame of a stream: what it passes the turns and prompts above the
// streaming one stays the same, so they are not rendered again, and no version's answer is read
// whole (a copy of the answer per frame) unless two versions are being compared.
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Event, EventKind } from '../generated/protocol';
import { GrowingText } from '../state/growingText';
import { initialState, reducer } from '../state/reducer';
import type { AppState } from '../state/types';
import { mountPerTest } from '../test-support/dom';
import { ConversationView } from './ConversationView';

const dom = mountPerTest();

const events = (runId: string, kinds: EventKind[], from: number): Event[] =>
  kinds.map((kind, i) => ({ run_id: runId, seq: from + i, t_ms: (from + i) * 10, ...kind }));

function submit(state: AppState, runId: string, prompt: string, parentRunId: string | null): AppState {
  return reducer(state, { type: 'submit', conversationId: 'c', runId, prompt, now: 0, parentRunId });
}

function answer(state: AppState, runId: string, text: string): AppState {
  const finished = events(
    runId,
    [
      { type: 'token', text },
      { type: 'run_finished', reason: 'completed' },
    ],
    0,
  );
  return reducer(state, { type: 'events', events: finished });
}

/** "one?" answered twice (a1, a2: two versions), then "two?" (b after a2) streaming. */
function streamingAfterVersions(): AppState {
  let state = answer(submit(initialState('c', 0), 'a1', 'one?', null), 'a1', 'First answer.');
  state = answer(submit(state, 'a2', 'one?', null), 'a2', 'Second answer.');
  return submit(state, 'b', 'two?', 'a2');
}

afterEach(() => vi.restoreAllMocks());

describe('ConversationView', () => {
  it('reads no answer whole while one streams below versions, nor after each token', () => {
    // The streaming answer's first token (its Markdown reads the first piece as it mounts).
    let state = reducer(streamingAfterVersions(), { type: 'events', events: events('b', [{ type: 'token', text: 'w0 ' }], 0) });
    const view = () => <ConversationView conversation={state.conversations.c!} turns={state.turns} onPickVersion={() => {}} />;
    act(() => dom.root.render(view()));
    expect(dom.container.textContent).toContain('Second answer.');
    expect(dom.container.textContent).toContain('2 / 2');

    const whole = vi.spyOn(GrowingText.prototype, 'toString');
    for (let i = 1; i < 20; i++) {
      state = reducer(state, { type: 'events', events: events('b', [{ type: 'token', text: `w${i} ` }], i) });
      act(() => dom.root.render(view()));
    }
    expect(dom.container.textContent).toContain('w19');
    expect(whole).not.toHaveBeenCalled();
  });

  it('compares versions of an answer while it streams, with the text that came', () => {
    let state = answer(submit(initialState('c', 0), 'a1', 'one?', null), 'a1', 'First answer.');
    state = submit(state, 'a2', 'one?', null);
    state = reducer(state, { type: 'events', events: events('a2', [{ type: 'token', text: 'Second' }], 0) });
    const view = () => <ConversationView conversation={state.conversations.c!} turns={state.turns} onPickVersion={() => {}} />;
    act(() => dom.root.render(view()));
    act(() => dom.byTestId<HTMLButtonElement>('compare-versions')!.click());
    expect(dom.byTestId('compare-text')!.textContent).toContain('Second');

    state = reducer(state, { type: 'events', events: events('a2', [{ type: 'token', text: ' answer, grown.' }], 1) });
    act(() => dom.root.render(view()));
    expect(dom.byTestId('compare-text')!.textContent).toContain('grown.');
  });

  it('a scroll up whose scroll event has not come yet is not undone by the next batch', () => {
    let state = submit(initialState('c', 0), 'a', 'long?', null);
    let seq = 0;
    const token = () => {
      state = reducer(state, { type: 'events', events: events('a', [{ type: 'token', text: `w${seq} ` }], seq++) });
    };
    const view = () => <ConversationView conversation={state.conversations.c!} turns={state.turns} />;
    token();
    act(() => dom.root.render(view()));

    // The column's geometry (the DOM here lays nothing out): 600 px shown, `height` in all.
    const el = dom.container.querySelector<HTMLElement>('.conversation-scroller')!;
    let height = 1000;
    let top = 0;
    Object.defineProperty(el, 'clientHeight', { get: () => 600 });
    Object.defineProperty(el, 'scrollHeight', { get: () => height });
    Object.defineProperty(el, 'scrollTop', {
      get: () => top,
      set: (value: number) => {
        top = Math.max(0, Math.min(value, height - 600));
      },
    });
    const batch = (grownBy: number) => {
      height += grownBy;
      token();
      act(() => dom.root.render(view()));
    };

    batch(100);
    expect(top).toBe(500); // following the stream

    // The user scrolls up 20 px (a scroll bar, `scrollBy`); a batch comes before its scroll event.
    el.scrollTop = 480;
    batch(20);
    expect(top).toBe(480);
    act(() => void el.dispatchEvent(new Event('scroll', { bubbles: true })));
    batch(100);
    expect(top).toBe(480);
    expect(dom.container.textContent).toContain('New text');
  });
});
