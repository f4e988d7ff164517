// A conversation not on screen keeps only its title and prompts in the window's state once the
// history holds all of it: its turns (the answers, each as long as it streamed) are dropped, and
// opening it again reloads them from the history, as a conversation of an earlier session is. A conversation with a
// run going keeps streaming into the state in the background; one the history may lack any part
// of (not in its list, a run it failed to record, a run the shell never started) stays.
import type { AppState, Turn } from './types';

/** Whether the history has all of this finished turn: the shell ran it and recorded it to the end. */
function recorded(turn: Turn): boolean {
  if (!turn.finish) return false;
  // An error without a code is the window's own (`start_run` was refused): no run was recorded.
  if (turn.error && (turn.error.code === undefined || turn.error.code === 'history_unavailable')) return false;
  return true;
}

/**
 * The conversations in the state that can be dropped: not the one shown, in the history's list
 * (`saved`), and every run finished and recorded. (The shell sends a run's `run_finished` only once
 * its recorder has written everything before it.)
 */
export function releasable(state: AppState, saved: ReadonlySet<string>): string[] {
  const ids: string[] = [];
  for (const [id, conversation] of Object.entries(state.conversations)) {
    if (id === state.activeConversationId || conversation.released || !saved.has(id) || conversation.items.length === 0) continue;
    const complete = conversation.items.every((item) => {
      if (item.role === 'user') return true;
      const turn = state.turns[item.runId];
      return turn !== undefined && recorded(turn);
    });
    if (complete) ids.push(id);
  }
  return ids;
}

/** The state without these conversations' turns (the shown one, or one still running, keeps them). */
export function releaseConversations(state: AppState, ids: readonly string[]): AppState {
  const drop = ids.filter((id) => {
    const conversation = state.conversations[id];
    if (!conversation || conversation.released || id === state.activeConversationId) return false;
    return conversation.items.every((item) => item.role === 'user' || state.turns[item.runId]?.finish !== undefined);
  });
  if (drop.length === 0) return state;
  const conversations = { ...state.conversations };
  const turns = { ...state.turns };
  for (const id of drop) {
    const conversation = conversations[id]!;
    for (const item of conversation.items) if (item.role === 'assistant') delete turns[item.runId];
    conversations[id] = { ...conversation, released: true };
  }
  return { ...state, conversations, turns };
}
