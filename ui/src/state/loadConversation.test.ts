// Loading a saved conversation: each run's recorded events replayed through the reducer.
import { describe, expect, it } from 'vitest';
import type { Event, EventKind } from '../generated/protocol';
import { toLoaded, type ConversationDetail } from '../history/types';
import { initialState, reducer } from './reducer';
import { conversationCostUsd, runningTurn, sidebarConversations } from './selectors';
import type { LoadedConversation, LoadedRun, SavedRunStatus } from './types';

const NOW = 1_700_000_000_000;

function events(runId: string, kinds: EventKind[]): Event[] {
  return kinds.map((kind, seq) => ({ run_id: runId, seq, t_ms: seq * 100, ...kind }));
}

const started: EventKind = { type: 'run_started', provider: 'offline', model: 'demo', started_at: NOW };

function savedRun(runId: string, status: SavedRunStatus, kinds: EventKind[]): LoadedRun {
  return { runId, prompt: `prompt of ${runId}`, startedAt: NOW, status, events: events(runId, kinds) };
}

const conversation: LoadedConversation = {
  id: 'saved-1',
  title: 'Saved chat',
  createdAt: NOW - 1000,
  runs: [
    savedRun('r-done', 'completed', [
      started,
      { type: 'status', message: 'Calculating…', icon: 'calculator' },
      { type: 'tool_call', call_id: 'c1', name: 'calculator', args: { expression: '17*23' } },
      { type: 'tool_result', call_id: 'c1', ok: true, output: '391', duration_ms: 1 },
      { type: 'token', text: '17 * 23 = ' },
      { type: 'token', text: '391' },
      { type: 'run_finished', reason: 'completed', usage: { input_tokens: 10, output_tokens: 5 }, ttft_ms: 120, cost_usd: 0.0125 },
    ]),
    savedRun('r-stopped', 'cancelled', [
      started,
      { type: 'token', text: 'Half' },
      { type: 'run_finished', reason: 'cancelled', cost_usd: 0.0025 },
    ]),
    savedRun('r-error', 'error', [
      started,
      { type: 'error', code: 'provider_unavailable', message: 'connection refused', retryable: true },
      { type: 'run_finished', reason: 'error' },
    ]),
    savedRun('r-crash', 'interrupted', [
      started,
      { type: 'tool_call', call_id: 'c2', name: 'clock', args: { timezone: 'Asia/Tokyo' } },
      { type: 'token', text: 'It is nearly' },
    ]),
  ],
};

describe('load_conversation', () => {
  it('replays every run as it streamed, in order, and opens the conversation', () => {
    const blank = initialState('blank', NOW);
    const state = reducer(blank, { type: 'load_conversation', conversation, select: true });
    expect(state.activeConversationId).toBe('saved-1');
    const c = state.conversations['saved-1']!;
    expect(c.title).toBe('Saved chat');
    expect(c.items.map((i) => (i.role === 'user' ? `user:${i.text}` : `assistant:${i.runId}`))).toEqual([
      'user:prompt of r-done',
      'assistant:r-done',
      'user:prompt of r-stopped',
      'assistant:r-stopped',
      'user:prompt of r-error',
      'assistant:r-error',
      'user:prompt of r-crash',
      'assistant:r-crash',
    ]);
    // The untouched blank chat the window opened with gives way.
    expect(state.conversations['blank']).toBeUndefined();
    expect(sidebarConversations(state).map((x) => x.id)).toEqual(['saved-1']);
    expect(runningTurn(state, c)).toBeUndefined();
  });

  it('totals the cost the runs recorded in their run_finished, for the header', () => {
    const state = reducer(initialState('blank', NOW), { type: 'load_conversation', conversation, select: true });
    expect(conversationCostUsd(state, state.conversations['saved-1'])).toBeCloseTo(0.015, 12);
    // A conversation whose runs name no cost has none (not $0).
    expect(conversationCostUsd(state, state.conversations['blank'])).toBeUndefined();
    const unpriced = { ...conversation, id: 'saved-2', runs: conversation.runs.slice(2) };
    const both = reducer(state, { type: 'load_conversation', conversation: unpriced, select: false });
    expect(conversationCostUsd(both, both.conversations['saved-2'])).toBeUndefined();
  });

  it('keeps completed, cancelled and error runs exactly as they ended', () => {
    const state = reducer(initialState('blank', NOW), { type: 'load_conversation', conversation, select: true });
    const done = state.turns['r-done']!;
    expect(done.phase).toBe('completed');
    expect(String(done.answer)).toBe('17 * 23 = 391');
    expect(done.steps).toMatchObject([{ kind: 'tool', name: 'calculator', state: 'done', output: '391' }]);
    expect(done.trail.map((t) => t.message)).toEqual(['Calculating…']);
    expect(done.finish).toEqual({
      reason: 'completed',
      usage: { input_tokens: 10, output_tokens: 5 },
      ttftMs: 120,
      costUsd: 0.0125,
      endMs: 600,
    });
    expect(done.provider).toBe('offline');
    expect(done.status).toBeNull();

    const stopped = state.turns['r-stopped']!;
    expect(stopped.phase).toBe('cancelled');
    expect(String(stopped.answer)).toBe('Half');

    const failed = state.turns['r-error']!;
    expect(failed.phase).toBe('error');
    expect(failed.error).toEqual({ code: 'provider_unavailable', message: 'connection refused', retryable: true });
  });

  it('marks a run without run_finished as interrupted, keeping its partial answer', () => {
    const state = reducer(initialState('blank', NOW), { type: 'load_conversation', conversation, select: true });
    const crashed = state.turns['r-crash']!;
    expect(crashed.phase).toBe('interrupted');
    expect(String(crashed.answer)).toBe('It is nearly');
    expect(crashed.status).toBeNull();
    expect(crashed.finish).toBeDefined();
    expect(crashed.steps).toMatchObject([{ kind: 'tool', name: 'clock', state: 'failed', interrupted: true }]);
    // Late events for it are ignored, like after any end.
    const after = reducer(state, { type: 'events', events: events('r-crash', [started, started, started, { type: 'token', text: '!' }]) });
    expect(String(after.turns['r-crash']!.answer)).toBe('It is nearly');
  });

  it('leaves a run still being recorded (status running) open', () => {
    const live: LoadedConversation = { ...conversation, runs: [savedRun('r-live', 'running', [started, { type: 'token', text: 'So' }])] };
    const state = reducer(initialState('blank', NOW), { type: 'load_conversation', conversation: live, select: true });
    expect(state.turns['r-live']!.phase).toBe('streaming');
    expect(state.turns['r-live']!.finish).toBeUndefined();
  });

  it('does not replace a conversation already in memory, only selects it', () => {
    let state = reducer(initialState('c-1', NOW), { type: 'submit', conversationId: 'c-1', runId: 'live', prompt: 'hi', now: NOW });
    state = reducer(state, { type: 'new_conversation', conversationId: 'c-2', now: NOW });
    const again = reducer(state, { type: 'load_conversation', conversation: { ...conversation, id: 'c-1', runs: [] }, select: true });
    expect(again.conversations['c-1']).toBe(state.conversations['c-1']);
    expect(again.activeConversationId).toBe('c-1');
  });

  it('keeps a chat with messages when loading, and can load without selecting', () => {
    let state = reducer(initialState('c-1', NOW), { type: 'submit', conversationId: 'c-1', runId: 'live', prompt: 'hi', now: NOW });
    state = reducer(state, { type: 'load_conversation', conversation, select: false });
    expect(state.activeConversationId).toBe('c-1');
    expect(Object.keys(state.conversations).sort()).toEqual(['c-1', 'saved-1']);
  });

  it('renames a conversation in memory', () => {
    let state = reducer(initialState('blank', NOW), { type: 'load_conversation', conversation, select: true });
    state = reducer(state, { type: 'rename_conversation', conversationId: 'saved-1', title: 'Arithmetic' });
    expect(state.conversations['saved-1']!.title).toBe('Arithmetic');
  });

  it('reads the shell’s open_conversation answer', () => {
    const FILE = { name: 'a.png', kind: 'image', media_type: 'image/png', size: 3, sha256: 'abc' } as const;
    const detail: ConversationDetail = {
      conversation: { id: 'x', title: 'T', created_at: 1, updated_at: 2 },
      runs: [
        {
          run_id: 'r',
          parent_run_id: null,
          prompt: 'p',
          attachments: [FILE],
          provider: null,
          model: null,
          started_at: 3,
          finished_at: null,
          reason: null,
          status: 'interrupted',
          events: [],
        },
      ],
    };
    expect(toLoaded(detail)).toEqual({
      id: 'x',
      title: 'T',
      createdAt: 1,
      runs: [{ runId: 'r', parentRunId: null, prompt: 'p', attachments: [FILE], startedAt: 3, status: 'interrupted', events: [] }],
    });
    // The prompt's files come back with its turn.
    const state = reducer(initialState('c-1', NOW), { type: 'load_conversation', conversation: toLoaded(detail), select: true });
    expect(state.turns['r']!.attachments).toEqual([FILE]);
  });
});
