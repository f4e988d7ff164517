// Versions and branches in the window's state, and a run continued after it was cut off.
import { describe, expect, it } from 'vitest';
import type { Event, EventKind } from '../generated/protocol';
import { parentForNext, promptBranchesOf, runTree, versionsOf, visibleRuns } from './branches';
import { initialState, reducer } from './reducer';
import type { AppState, LoadedRun } from './types';

const events = (runId: string, kinds: EventKind[], from = 0): Event[] =>
  kinds.map((kind, i) => ({ run_id: runId, seq: from + i, t_ms: (from + i) * 10, ...kind }));

function answered(state: AppState, runId: string, prompt: string, parentRunId: string | null, text: string): AppState {
  const submitted = reducer(state, { type: 'submit', conversationId: 'c', runId, prompt, now: 0, parentRunId });
  return reducer(submitted, {
    type: 'events',
    events: events(runId, [
      { type: 'token', text },
      { type: 'run_finished', reason: 'completed' },
    ]),
  });
}

/** A run answered: its id, its prompt, the run it continues, its answer. */
type Answered = [string, string, string | null, string];

/** Each of `runs` submitted and answered, in order. */
function answeredInOrder(state: AppState, runs: Answered[]): AppState {
  return runs.reduce((s, [runId, prompt, parent, text]) => answered(s, runId, prompt, parent, text), state);
}

/** Three turns, each after the one before: "one?" → A, "two?" → B, "three?" → C. */
const threeTurns: Answered[] = [
  ['a', 'one?', null, 'A'],
  ['b', 'two?', 'a', 'B'],
  ['c1', 'three?', 'b', 'C'],
];

const shown = (state: AppState) => visibleRuns(state.conversations.c!, state.turns);

describe('branches', () => {
  it('shows one branch, the latest version at each fork unless another was picked', () => {
    let state = initialState('c', 0);
    state = answeredInOrder(state, [
      ['a', 'one?', null, 'A'],
      ['b', 'two?', 'a', 'B'],
      ['b2', 'two?', 'a', 'B again'],
    ]);
    expect(shown(state)).toEqual(['a', 'b2']);
    expect(versionsOf(state.conversations.c!, state.turns, 'b2')).toEqual({ ids: ['b', 'b2'], index: 1 });
    expect(versionsOf(state.conversations.c!, state.turns, 'a')).toEqual({ ids: ['a'], index: 0 });

    state = reducer(state, { type: 'show_version', runId: 'b' });
    expect(shown(state)).toEqual(['a', 'b']);
    state = answered(state, 'c1', 'three?', 'b', 'C');
    expect(shown(state)).toEqual(['a', 'b', 'c1']);
    // Back on the other version: its branch has no third turn.
    state = reducer(state, { type: 'show_version', runId: 'b2' });
    expect(shown(state)).toEqual(['a', 'b2']);
    state = reducer(state, { type: 'show_version', runId: 'b' });
    expect(shown(state)).toEqual(['a', 'b', 'c1']); // the branch after it comes back with it
  });

  it('reads a saved tree, and a run continued after a stop as one answer', () => {
    const run = (runId: string, parentRunId: string | null, kinds: EventKind[]): LoadedRun => ({
      runId,
      parentRunId,
      prompt: `p-${runId}`,
      startedAt: 0,
      status: 'completed',
      events: events(runId, kinds),
    });
    const cut: EventKind[] = [
      { type: 'token', text: 'Once upon' },
      { type: 'run_finished', reason: 'cancelled' },
      { type: 'token', text: ' a time.' },
      { type: 'run_finished', reason: 'completed' },
    ];
    const conversation = {
      id: 'c',
      title: 'T',
      createdAt: 0,
      runs: [run('a', null, cut), run('b', 'a', [{ type: 'token', text: 'B' }]), run('r2', null, [{ type: 'token', text: 'R' }])],
    };
    const state = reducer(initialState('blank', 0), { type: 'load_conversation', conversation, select: true });
    expect(shown(state)).toEqual(['r2']);
    expect(String(state.turns.a!.answer)).toBe('Once upon a time.');
    expect(state.turns.a!.phase).toBe('completed');
    expect(reducer(state, { type: 'show_version', runId: 'a' }).conversations.c!.shown).toEqual({ '': 'a' });
    expect(shown(reducer(state, { type: 'show_version', runId: 'a' }))).toEqual(['a', 'b']);
  });

  it('takes the events of a continued run after its run_finished once Continue was asked for', () => {
    let state = reducer(initialState('c', 0), { type: 'submit', conversationId: 'c', runId: 'r', prompt: 'p', now: 0 });
    state = reducer(state, {
      type: 'events',
      events: events('r', [
        { type: 'token', text: 'Half' },
        { type: 'run_finished', reason: 'cancelled' },
      ]),
    });
    expect(state.turns.r!.phase).toBe('cancelled');
    const more = events(
      'r',
      [
        { type: 'token', text: ' and whole.' },
        { type: 'run_finished', reason: 'completed' },
      ],
      2,
    );
    expect(reducer(state, { type: 'events', events: more }).turns.r!.phase).toBe('cancelled'); // ignored until asked
    state = reducer(state, { type: 'continue_requested', runId: 'r' });
    expect(state.turns.r!.phase).toBe('streaming');
    expect(state.turns.r!.finish).toBeUndefined();
    state = reducer(state, { type: 'events', events: more });
    expect(String(state.turns.r!.answer)).toBe('Half and whole.');
    expect(state.turns.r!.phase).toBe('completed');
  });

  it('continues the last run the history holds: not one that never started', () => {
    let state = answered(initialState('c', 0), 'a', 'one?', null, 'A');
    expect(parentForNext(state.conversations.c!, state.turns)).toBe('a');
    state = reducer(state, { type: 'submit', conversationId: 'c', runId: 'f', prompt: 'two?', now: 0, parentRunId: 'a' });
    state = reducer(state, { type: 'start_failed', runId: 'f', message: 'busy' });
    expect(shown(state)).toEqual(['a', 'f']);
    expect(parentForNext(state.conversations.c!, state.turns)).toBe('a');
    expect(parentForNext(initialState('c', 0).conversations.c!, {})).toBeNull();
  });

  it('forks at an edited prompt: its branches on the prompt, each keeping its own versions and later turns', () => {
    let state = initialState('c', 0);
    state = answeredInOrder(state, threeTurns);
    // "two?" edited to "2?" and sent: a new branch after the same run, shown at once.
    state = answered(state, 'e', '2?', 'a', 'E');
    const chat = () => state.conversations.c!;
    expect(shown(state)).toEqual(['a', 'e']);
    expect(promptBranchesOf(chat(), state.turns, 'e')).toEqual({ ids: ['b', 'e'], index: 1 });
    // Not versions of one answer: each prompt's answer has one version.
    expect(versionsOf(chat(), state.turns, 'e')).toEqual({ ids: ['e'], index: 0 });
    expect(promptBranchesOf(chat(), state.turns, 'a')).toEqual({ ids: ['a'], index: 0 });

    // The old branch's answer regenerated: a version under it, the prompt still has two branches.
    state = answered(state, 'b2', 'two?', 'a', 'B again');
    expect(versionsOf(chat(), state.turns, 'b2')).toEqual({ ids: ['b', 'b2'], index: 1 });
    expect(promptBranchesOf(chat(), state.turns, 'b2')).toEqual({ ids: ['b2', 'e'], index: 0 });
    expect(promptBranchesOf(chat(), state.turns, 'b')).toEqual({ ids: ['b2', 'e'], index: 0 });

    // Back on the first version of the old branch: its later turn comes back with it.
    state = reducer(state, { type: 'show_version', runId: 'b' });
    expect(shown(state)).toEqual(['a', 'b', 'c1']);
    state = reducer(state, { type: 'show_version', runId: 'e' });
    expect(shown(state)).toEqual(['a', 'e']);
  });

  it('switching back to a branch on its prompt shows the version last picked there, not the newest', () => {
    let state = initialState('c', 0);
    state = answeredInOrder(state, [...threeTurns, ['b2', 'two?', 'a', 'B again'], ['e', '2?', 'a', 'E'], ['e2', '2?', 'a', 'E again']]);
    const chat = () => state.conversations.c!;
    // The first version of the old branch picked under its answer, then the edited branch.
    state = reducer(state, { type: 'show_version', runId: 'b' });
    expect(promptBranchesOf(chat(), state.turns, 'b')).toEqual({ ids: ['b', 'e2'], index: 0 });
    state = reducer(state, { type: 'show_version', runId: 'e' });
    expect(shown(state)).toEqual(['a', 'e']);
    // The prompt's picker goes back to the old branch: its version picked before, with its later turn.
    const back = promptBranchesOf(chat(), state.turns, 'e');
    expect(back).toEqual({ ids: ['b', 'e'], index: 1 });
    state = reducer(state, { type: 'show_version', runId: back.ids[0]! });
    expect(shown(state)).toEqual(['a', 'b', 'c1']);
    // And forward again: the edited branch on the version picked there (e, not the newer e2).
    state = reducer(state, { type: 'show_version', runId: promptBranchesOf(chat(), state.turns, 'b').ids[1]! });
    expect(shown(state)).toEqual(['a', 'e']);
    // A version regenerated on a branch is the one that branch opens on from then on.
    state = answered(state, 'e3', '2?', 'a', 'E third');
    state = reducer(state, { type: 'show_version', runId: 'b' });
    expect(promptBranchesOf(chat(), state.turns, 'b').ids).toEqual(['b', 'e3']);
  });

  it('reopens a saved tree on the branch it was last shown at, with the versions shown then', () => {
    const run = (runId: string, parentRunId: string | null, prompt: string): LoadedRun => ({
      runId,
      parentRunId,
      prompt,
      startedAt: 0,
      status: 'completed',
      events: events(runId, [{ type: 'token', text: runId.toUpperCase() }]),
    });
    // one? → (A | A again); two? under the first A → (B | B again); and a newer edit of two? under it.
    const runs = [run('a', null, 'one?'), run('a2', null, 'one?'), run('b', 'a', 'two?'), run('b2', 'a', 'two?'), run('e', 'a', '2?')];
    const load = (shownRunId?: string) => {
      const conversation = { id: 'c', title: 'T', createdAt: 0, runs, ...(shownRunId === undefined ? {} : { shownRunId }) };
      return reducer(initialState('blank', 0), { type: 'load_conversation', conversation, select: true });
    };
    expect(shown(load())).toEqual(['a2']); // nothing recorded: the latest at each fork
    const state = load('b');
    expect(shown(state)).toEqual(['a', 'b']);
    // The versions picked are the ones each branch opens on: the old branch on b, not the newer b2.
    expect(promptBranchesOf(state.conversations.c!, state.turns, 'e').ids).toEqual(['b', 'e']);
    expect(shown(load('e'))).toEqual(['a', 'e']);
    // A run that is not one of its runs (gone, or another conversation's) is ignored.
    expect(shown(load('zz'))).toEqual(['a2']);
  });

  it('forks at the first prompt too', () => {
    let state = answered(initialState('c', 0), 'a', 'one?', null, 'A');
    state = answered(state, 'b', 'two?', 'a', 'B');
    state = answered(state, 'x', 'uno?', null, 'X');
    expect(shown(state)).toEqual(['x']);
    expect(promptBranchesOf(state.conversations.c!, state.turns, 'x')).toEqual({ ids: ['a', 'x'], index: 1 });
    expect(shown(reducer(state, { type: 'show_version', runId: 'a' }))).toEqual(['a', 'b']);
  });

  it('works the tree out once per change of the runs, not on every token', () => {
    let state = answeredInOrder(initialState('c', 0), threeTurns);
    state = reducer(state, { type: 'submit', conversationId: 'c', runId: 'd', prompt: 'four?', now: 0, parentRunId: 'c1' });
    const tree = runTree(state.conversations.c!, state.turns);
    expect(tree.visible()).toEqual(['a', 'b', 'c1', 'd']);
    // Tokens change the streaming turn, not the conversation: the same tree answers.
    const streamed = reducer(state, { type: 'events', events: events('d', [{ type: 'token', text: 'D' }]) });
    expect(streamed.turns).not.toBe(state.turns);
    expect(runTree(streamed.conversations.c!, streamed.turns)).toBe(tree);
    // A new version is a new tree, with the new run on screen.
    const regenerated = reducer(streamed, { type: 'submit', conversationId: 'c', runId: 'd2', prompt: 'four?', now: 0, parentRunId: 'c1' });
    const after = runTree(regenerated.conversations.c!, regenerated.turns);
    expect(after).not.toBe(tree);
    expect(after.visible()).toEqual(['a', 'b', 'c1', 'd2']);
    expect(after.versionsOf('d2')).toEqual({ ids: ['d', 'd2'], index: 1 });
    // The same conversation with a run's parent told otherwise (turns from elsewhere) is worked out again.
    const moved = { ...regenerated.turns, d2: { ...regenerated.turns.d2!, parentRunId: 'b' } };
    expect(runTree(regenerated.conversations.c!, moved).parentOf('d2')).toBe('b');
  });
});
