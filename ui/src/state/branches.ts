// A conversation's runs as a tree: each run continues its parent run, so an answer regenerated or
// a prompt edited and sent again is a second child of the same parent. Children with the same
// prompt are versions of one answer (the picker under it); children with different prompts are
// branches forking at that prompt (the picker on the prompt). The screen shows one branch: from
// the first turn down, at each fork the run chosen (`Conversation.shown`), else the latest; a
// branch picked again on its prompt opens on the version last shown on it (`Conversation.picked`).
import type { Conversation, Turn } from './types';

/**
 * The conversation's tree of runs, worked out once from the runs' parents and prompts (which never
 * change once a run is made): the branch on screen, each run's versions and branches. The window
 * asks for these on every frame while an answer streams; a tree costs O(runs) to make, then each
 * question costs what its answer holds, so a long conversation costs the same per frame as a short one.
 */
export class RunTree {
  /** Each run's parent (`''`: a first turn), and its prompt. */
  private readonly parents = new Map<string, string>();
  private readonly prompts = new Map<string, string>();
  /** Each run's children (by parent run id, `''` for the first turns), in the order they started. */
  private readonly children = new Map<string, string[]>();
  private visibleIds: string[] | undefined;

  constructor(
    private readonly conversation: Conversation,
    turns: Record<string, Turn>,
  ) {
    let before: string | null = null;
    for (const item of conversation.items) {
      if (item.role !== 'assistant') continue;
      const id = item.runId;
      const turn = turns[id];
      // A run's own `parentRunId` when known, else the run started before it (as every run did before branches).
      const parent = (turn?.parentRunId !== undefined ? turn.parentRunId : before) ?? '';
      this.parents.set(id, parent);
      this.prompts.set(id, turn?.prompt ?? '');
      const list = this.children.get(parent);
      if (list) list.push(id);
      else this.children.set(parent, [id]);
      before = id;
    }
  }

  /** The run `runId` continues (`null`: a first turn, or a run not in the conversation). */
  parentOf(runId: string): string | null {
    return this.parents.get(runId) || null;
  }

  /** The branch on screen: its run ids, from the first turn to the last. */
  visible(): readonly string[] {
    if (this.visibleIds) return this.visibleIds;
    const shown: string[] = [];
    const seen = new Set<string>();
    let parent = '';
    for (;;) {
      const next = this.children.get(parent);
      if (!next) break;
      const chosen = this.conversation.shown?.[parent];
      const run = chosen && next.includes(chosen) ? chosen : next[next.length - 1]!;
      // A run listed as its own ancestor (never made by the history) would loop: stop there.
      if (seen.has(run)) break;
      seen.add(run);
      shown.push(run);
      parent = run;
    }
    this.visibleIds = shown;
    return shown;
  }

  /** The runs that fork where `runId` does (its parent's children, `runId` among them), in order. */
  private siblingsOf(runId: string): readonly string[] {
    return this.children.get(this.parents.get(runId) ?? '') ?? [];
  }

  /** The versions of `runId`'s answer (the runs forking where it does with its prompt, in order), and which one it is. */
  versionsOf(runId: string): { ids: string[]; index: number } {
    const prompt = this.prompts.get(runId);
    const ids = this.siblingsOf(runId).filter((id) => this.prompts.get(id) === prompt);
    return { ids, index: ids.indexOf(runId) };
  }

  /**
   * The branches that fork at `runId`'s prompt: one per prompt sent there (the first, then each
   * edit, in order), each given by the run it opens on (the version of its answer last shown on it,
   * else the latest), and which one `runId` is on. One branch: the prompt was never edited.
   */
  promptBranchesOf(runId: string): { ids: string[]; index: number } {
    // Each prompt keeps the place it first came in, with its runs in order.
    const byPrompt = new Map<string, string[]>();
    for (const id of this.siblingsOf(runId)) {
      const prompt = this.prompts.get(id) ?? '';
      const runs = byPrompt.get(prompt);
      if (runs) runs.push(id);
      else byPrompt.set(prompt, [id]);
    }
    const ids = [...byPrompt.values()].map((runs) => {
      const picked = this.conversation.picked?.[runs[0]!];
      return picked && runs.includes(picked) ? picked : runs[runs.length - 1]!;
    });
    return { ids, index: [...byPrompt.keys()].indexOf(this.prompts.get(runId) ?? '') };
  }

  /** Whether `turns` gives every run this tree was made from the same parent and prompt. */
  madeFrom(conversation: Conversation, turns: Record<string, Turn>): boolean {
    if (conversation !== this.conversation) return false;
    for (const [id, parent] of this.parents) {
      const turn = turns[id];
      if ((turn?.prompt ?? '') !== this.prompts.get(id)) return false;
      if (turn?.parentRunId !== undefined && (turn.parentRunId ?? '') !== parent) return false;
    }
    return true;
  }
}

/** The last tree made for each conversation (a conversation's object changes whenever its runs or the branch shown do). */
const trees = new WeakMap<Conversation, RunTree>();

/**
 * The tree of `conversation`'s runs, made again only when the conversation changed or a run's
 * parent or prompt did (O(runs) to check; nothing else of a turn, such as its answer, matters).
 */
export function runTree(conversation: Conversation, turns: Record<string, Turn>): RunTree {
  const known = trees.get(conversation);
  if (known?.madeFrom(conversation, turns)) return known;
  const tree = new RunTree(conversation, turns);
  trees.set(conversation, tree);
  return tree;
}

/** The run `runId` continues (`null`: a first turn). */
export function parentOf(conversation: Conversation, turns: Record<string, Turn>, runId: string): string | null {
  return runTree(conversation, turns).parentOf(runId);
}

/** The branch on screen: its run ids, from the first turn to the last. */
export function visibleRuns(conversation: Conversation, turns: Record<string, Turn>): readonly string[] {
  return runTree(conversation, turns).visible();
}

/** The versions of `runId`'s answer, and which one it is. */
export function versionsOf(conversation: Conversation, turns: Record<string, Turn>, runId: string): { ids: string[]; index: number } {
  return runTree(conversation, turns).versionsOf(runId);
}

/** The branches that fork at `runId`'s prompt, and which one `runId` is on. */
export function promptBranchesOf(conversation: Conversation, turns: Record<string, Turn>, runId: string): { ids: string[]; index: number } {
  return runTree(conversation, turns).promptBranchesOf(runId);
}

/**
 * `conversation` showing `runId` where its run forks, and remembering it as the version picked on
 * its branch (`Conversation.picked`), which that branch opens on when it is picked again.
 */
export function showing(conversation: Conversation, turns: Record<string, Turn>, runId: string): Conversation {
  const key = parentOf(conversation, turns, runId) ?? '';
  const branch = versionsOf(conversation, turns, runId).ids[0] ?? runId;
  return { ...conversation, shown: { ...conversation.shown, [key]: runId }, picked: { ...conversation.picked, [branch]: runId } };
}

/**
 * `conversation` showing the branch that ends at `runId`: each run from it up to the first turn
 * shown where it forks (a conversation reopened where it was last shown).
 */
export function showingBranchOf(conversation: Conversation, turns: Record<string, Turn>, runId: string): Conversation {
  let updated = conversation;
  const seen = new Set<string>();
  for (let run: string | null = runId; run !== null && turns[run] && !seen.has(run); run = parentOf(conversation, turns, run)) {
    seen.add(run);
    updated = showing(updated, turns, run);
  }
  return updated;
}

/**
 * The run a new prompt continues: the last run of the branch shown that the history may hold. A
 * run that never started (`start_run` refused it, or its conversation could not be read) is not
 * in the history, so the prompt continues the run before it.
 */
export function parentForNext(conversation: Conversation, turns: Record<string, Turn>): string | null {
  const shown = visibleRuns(conversation, turns);
  for (let i = shown.length - 1; i >= 0; i--) {
    const turn = turns[shown[i]!];
    const neverRan = turn?.finish && turn.startedAt === undefined && turn.answer.length === 0 && turn.steps.length === 0;
    if (turn && !neverRan) return turn.runId;
  }
  return null;
}
