// Records, for the conversation on screen, the run it is shown at (the last run of the branch on
// screen) whenever that changes: a version or a branch picked, a new run started. The history
// keeps it (`shown_run_id`), so the conversation reopens on the same branch with the same versions,
// after a restart too.
import { useEffect, useRef } from 'react';
import { runTree } from '../state/branches';
import type { AppState } from '../state/types';
import type { HistoryBackend } from './types';

export function useShownRun(history: HistoryBackend | undefined, enabled: boolean, state: AppState): void {
  const conversation = state.conversations[state.activeConversationId];
  const last = conversation ? runTree(conversation, state.turns).visible().at(-1) : undefined;
  // Only a run the history has: one the shell has started.
  const shownRun = last !== undefined && state.turns[last]?.startedAt !== undefined ? last : undefined;
  const id = conversation?.id;
  /** The run last recorded for each conversation, so that each change is written once. */
  const recorded = useRef(new Map<string, string>());
  useEffect(() => {
    if (!history || !enabled || id === undefined || shownRun === undefined) return;
    if (recorded.current.get(id) === shownRun) return;
    recorded.current.set(id, shownRun);
    // A view setting: if it cannot be written (the conversation deleted meanwhile), the next change tries again.
    history.show(id, shownRun).catch(() => {
      if (recorded.current.get(id) === shownRun) recorded.current.delete(id);
    });
  }, [history, enabled, id, shownRun]);
}
