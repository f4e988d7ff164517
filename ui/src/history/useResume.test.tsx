// @vitest-environment happy-dom
// A window reloaded while a run is in progress: it opens the run's conversation from the history
// and follows the run from after the last seq the history held, and the answer carries on.
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { App } from '../App';
import type { Event } from '../generated/protocol';
import type { HistoryBackend } from './types';
import { appDriver, fakeBackend } from '../test-support/appDriver';
import { mountPerTest } from '../test-support/dom';

const dom = mountPerTest();
const { nextFrame, settle } = appDriver(dom);

const event = (seq: number, kind: Record<string, unknown>): Event => ({ run_id: 'r1', seq, t_ms: seq * 10, ...kind }) as Event;

describe('resume after a reload', () => {
  it('follows a run in progress from the last seq the history holds', async () => {
    const fake = fakeBackend();
    const followed: [string, number | null][] = [];
    const history: HistoryBackend = {
      status: async () => ({ enabled: true, saved: true }),
      list: async () => [{ id: 'c1', title: 'Tell me a story', created_at: 1, updated_at: 2 }],
      open: async () => ({
        conversation: { id: 'c1', title: 'Tell me a story', created_at: 1, updated_at: 2 },
        runs: [
          {
            run_id: 'r1',
            parent_run_id: null,
            attachments: [],
            prompt: 'Tell me a story',
            provider: 'offline',
            model: 'demo',
            started_at: 1,
            finished_at: null,
            reason: null,
            status: 'running',
            events: [
              event(0, { type: 'run_started', provider: 'offline', model: 'demo', started_at: 1 }),
              event(1, { type: 'token', text: 'Once' }),
            ],
          },
        ],
      }),
      rename: async () => {},
      show: async () => {},
      remove: async () => {},
      restore: async () => {},
      search: async () => [],
      exportConversation: async () => null,
      importConversation: async () => null,
    };
    const backend = {
      ...fake.backend,
      history,
      runsInProgress: async () => [{ run_id: 'r1', conversation_id: 'c1' }],
      followRun: async (runId: string, afterSeq: number | null) => {
        followed.push([runId, afterSeq]);
      },
    };
    act(() => dom.root.render(<App backend={backend} />));
    fake.listen();
    await settle();
    await nextFrame();
    expect(followed).toEqual([['r1', 1]]);
    expect(dom.byTestId('turn')!.dataset.state).toBe('streaming');
    expect(dom.byTestId('answer')!.textContent).toBe('Once');

    // Seqs 0 and 1 again (the window holds them: skipped), then seq 2.
    fake.emit(
      'r1',
      { type: 'run_started', provider: 'offline', model: 'demo', started_at: 1 },
      { type: 'token', text: 'Once' },
      { type: 'token', text: ' upon a time.' },
    );
    await nextFrame();
    expect(dom.byTestId('answer')!.textContent).toBe('Once upon a time.');
  });
});
