// A conversation's runs as a tree: each run continues its parent run, so an answer regenerated or
// a prompt edited and sent again is a second child of the same parent. Children with the same
// prompt are versions of one answer (the picker under it); children with different prompts are
// branches forking at that prompt (the picker on the prompt). The screen shows one branch: from
// the first turn down, at each fork the run chosen (`Conversation.shown`), else the latest; a
// branch picked again on its prompt opens on the version last shown on it (`Conversation.picked`).
import type { Conversation, Turn } from './types';

/** The runs of the conversation, in the order they started. */
function runIds(conversation: Conversation): string[] {
  return conversation.items.flatMap((item) => (item.role === 'assistant' ? [item.runId] : []));
}

/**
 * The run `runId` continues (`null`: a first turn): its own `parentRunId` when known, else the run
 * started before it (as every run did before branches).
 */
export function parentOf(conversation: Conversation, turns: Record<string, Turn>, runId: string): string | null {
  const known = turns[runId]?.parentRunId;
  if (known !== undefined) return known;
  const ids = runIds(conversation);
  const index = ids.indexOf(runId);
  return index > 0 ? ids[index - 1]! : null;
}

/** Each run's children (by parent run id, `''` for the first turns), in the order they started. */
function childrenByParent(conversation: Conversation, turns: Record<string, Turn>): Map<string, string[]> {
  const ids = runIds(conversation);
  const byParent = new Map<string, string[]>();
  ids.forEach((id, index) => {
    const known = turns[id]?.parentRunId;
    const parent = (known !== undefined ? known : index > 0 ? ids[index - 1]! : null) ?? '';
    const list = byParent.get(parent);
    if (list) list.push(id);
    else byParent.set(parent, [id]);
  });
  return byParent;
}

/** The branch on screen: its run ids, from the first turn to the last. */
export function visibleRuns(conversation: Conversation, turns: Record<string, Turn>): string[] {
  const byParent = childrenByParent(conversation, turns);
  const shown: string[] = [];
  let parent = '';
  for (;;) {
    const next = byParent.get(parent);
    if (!next) return shown;
    const chosen = conversation.shown?.[parent];
    const run = chosen && next.includes(chosen) ? chosen : next[next.length - 1]!;
    // A run listed as its own ancestor (never made by the history) would loop: stop there.
    if (shown.includes(run)) return shown;
    shown.push(run);
    parent = run;
  }
}

/** The runs that fork where `runId` does (its parent's children, `runId` among them), in order. */
function siblingsOf(conversation: Conversation, turns: Record<string, Turn>, runId: string): string[] {
  return childrenByParent(conversation, turns).get(parentOf(conversation, turns, runId) ?? '') ?? [];
}

/** The versions of `runId`'s answer (the runs forking where it does with its prompt, in order), and which one it is. */
export function versionsOf(conversation: Conversation, turns: Record<string, Turn>, runId: string): { ids: string[]; index: number } {
  const prompt = turns[runId]?.prompt;
  const ids = siblingsOf(conversation, turns, runId).filter((id) => turns[id]?.prompt === prompt);
  return { ids, index: ids.indexOf(runId) };
}

/**
 * The branches that fork at `runId`'s prompt: one per prompt sent there (the first, then each
 * edit, in order), each given by the run it opens on (the version of its answer last shown on it,
 * else the latest), and which one `runId` is on. One branch: the prompt was never edited.
 */
export function promptBranchesOf(conversation: Conversation, turns: Record<string, Turn>, runId: string): { ids: string[]; index: number } {
  // Each prompt keeps the place it first came in, with its runs in order.
  const byPrompt = new Map<string, string[]>();
  for (const id of siblingsOf(conversation, turns, runId)) {
    const prompt = turns[id]?.prompt ?? '';
    const runs = byPrompt.get(prompt);
    if (runs) runs.push(id);
    else byPrompt.set(prompt, [id]);
  }
  const ids = [...byPrompt.values()].map((runs) => {
    const picked = conversation.picked?.[runs[0]!];
    return picked && runs.includes(picked) ? picked : runs[runs.length - 1]!;
  });
  return { ids, index: [...byPrompt.keys()].indexOf(turns[runId]?.prompt ?? '') };
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
