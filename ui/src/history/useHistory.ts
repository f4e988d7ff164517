// The window's side of the saved history: the sidebar's list (saved conversations merged with
// the ones only in memory), opening a saved one (replayed through the reducer), dropping the turns
// of saved ones not on screen (release.ts), rename, delete with undo, search, export and import,
// and a toast that says how each went.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type Dispatch } from 'react';
import { errorMessage } from '../ipc';
import { releasable } from '../state/release';
import type { Action, AppState, Conversation } from '../state/types';
import { toLoaded, type ExportFormat, type HistoryBackend, type HistoryStatus, type SavedConversation, type SearchHit } from './types';

export interface Toast {
  id: number;
  message: string;
  action?: { label: string; run: () => void };
}

const TOAST_MS = 6000;
const UNDO_MS = 8000;

/** A snapshot of which runs have started and finished: the list is refreshed when it changes. */
function activityKey(state: AppState): string {
  let key = '';
  for (const turn of Object.values(state.turns)) {
    key += `${turn.runId}${turn.startedAt !== undefined ? 's' : ''}${turn.finish ? 'f' : ''},`;
  }
  return key;
}

/**
 * The sidebar's conversations: those only in memory (a new chat, a run not saved yet, or all of
 * them when the history is off) first, newest first, then the saved ones by last activity.
 */
export function mergeConversations(
  inMemory: readonly Conversation[],
  saved: readonly SavedConversation[] | null,
  deleted: ReadonlySet<string>,
  loaded: AppState['conversations'],
): Conversation[] {
  const savedIds = new Set(saved?.map((c) => c.id));
  const list: Conversation[] = inMemory.filter((c) => !savedIds.has(c.id) && !deleted.has(c.id));
  for (const c of saved ?? []) {
    if (deleted.has(c.id)) continue;
    const inState = loaded[c.id];
    list.push(inState ? { ...inState, title: c.title } : { id: c.id, title: c.title, createdAt: c.created_at, items: [] });
  }
  return list;
}

export function useHistory(
  history: HistoryBackend | undefined,
  state: AppState,
  dispatch: Dispatch<Action>,
  inMemory: readonly Conversation[],
  newChat: () => void,
) {
  const [status, setStatus] = useState<HistoryStatus | null>(history ? null : { enabled: false, saved: false });
  const [saved, setSaved] = useState<SavedConversation[] | null>(null);
  const [deleted, setDeleted] = useState<ReadonlySet<string>>(new Set());
  const [toast, setToast] = useState<Toast | null>(null);
  const toastTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // The latest state for the callbacks, updated as each render is committed.
  const latest = useRef(state);
  useLayoutEffect(() => {
    latest.current = state;
  });
  const enabled = status?.enabled === true;

  const say = useCallback((message: string, action?: Toast['action'], ms = TOAST_MS) => {
    clearTimeout(toastTimer.current);
    const next: Toast = action ? { id: Date.now(), message, action } : { id: Date.now(), message };
    setToast(next);
    toastTimer.current = setTimeout(() => setToast((t) => (t === next ? null : t)), ms);
  }, []);
  const dismissToast = useCallback(() => setToast(null), []);
  useEffect(() => () => clearTimeout(toastTimer.current), []);

  useEffect(() => {
    if (!history) return;
    let disposed = false;
    history.status().then(
      (value) => !disposed && setStatus(value),
      (error: unknown) => !disposed && setStatus({ enabled: false, saved: false, reason: errorMessage(error) }),
    );
    return () => {
      disposed = true;
    };
  }, [history]);

  const refresh = useCallback(() => {
    if (!history) return;
    history.list().then(setSaved, (error: unknown) => console.warn('list_conversations failed', error));
  }, [history]);

  // At start, and whenever a run starts or ends.
  const activity = activityKey(state);
  useEffect(() => {
    if (enabled) refresh();
  }, [enabled, refresh, activity]);

  const conversations = useMemo(
    () => mergeConversations(inMemory, enabled ? saved : null, deleted, state.conversations),
    [inMemory, enabled, saved, deleted, state.conversations],
  );

  const savedIds = useMemo(() => new Set(saved?.map((c) => c.id)), [saved]);

  // Saved conversations left (or finished in the background) are dropped from the state.
  const release = enabled ? releasable(state, savedIds).join('\n') : '';
  useEffect(() => {
    if (release) dispatch({ type: 'release_conversations', conversationIds: release.split('\n') });
  }, [release, dispatch]);

  // The conversation asked for last: a reload that comes back after another was asked for is dropped.
  const opening = useRef<string | null>(null);
  const open = useCallback(
    (id: string) => {
      opening.current = id;
      const inState = latest.current.conversations[id];
      if ((inState && !inState.released) || !history || !enabled) {
        dispatch({ type: 'select_conversation', conversationId: id });
        return;
      }
      const from = latest.current.activeConversationId;
      history.open(id).then(
        (detail) => {
          if (opening.current !== id || latest.current.activeConversationId !== from) return;
          dispatch({ type: 'load_conversation', conversation: toLoaded(detail), select: true });
        },
        (error: unknown) => say(`Couldn't open the conversation: ${errorMessage(error)}`),
      );
    },
    [history, enabled, dispatch, say],
  );

  const rename = useCallback(
    (id: string, title: string) => {
      const trimmed = title.trim();
      if (!trimmed) return;
      dispatch({ type: 'rename_conversation', conversationId: id, title: trimmed });
      setSaved((list) => list?.map((c) => (c.id === id ? { ...c, title: trimmed } : c)) ?? list);
      if (!history || !enabled) return;
      history.rename(id, trimmed).then(refresh, (error: unknown) => {
        say(`Couldn't rename: ${errorMessage(error)}`);
        refresh();
      });
    },
    [history, enabled, dispatch, refresh, say],
  );

  const restore = useCallback(
    (id: string) => {
      setDeleted((set) => {
        const next = new Set(set);
        next.delete(id);
        return next;
      });
      setToast(null);
      if (history && enabled) history.restore(id).then(refresh, (error: unknown) => say(`Couldn't undo: ${errorMessage(error)}`));
    },
    [history, enabled, refresh, say],
  );

  const remove = useCallback(
    (id: string) => {
      const title = latest.current.conversations[id]?.title || saved?.find((c) => c.id === id)?.title || 'the chat';
      const done = () => {
        setDeleted((set) => new Set(set).add(id));
        if (latest.current.activeConversationId === id) newChat();
        say(`Deleted “${title}”`, { label: 'Undo', run: () => restore(id) }, UNDO_MS);
      };
      if (!history || !enabled) {
        done();
        return;
      }
      history.remove(id).then(done, (error: unknown) => say(`Couldn't delete: ${errorMessage(error)}`));
    },
    [history, enabled, saved, newChat, restore, say],
  );

  const search = useCallback(
    async (query: string): Promise<SearchHit[]> => (history && enabled ? history.search(query) : []),
    [history, enabled],
  );

  const exportConversation = useCallback(
    (format: ExportFormat) => {
      if (!history) return;
      const id = latest.current.activeConversationId;
      history.exportConversation(id, format).then(
        (path) => path && say(`Exported to ${path}`),
        (error: unknown) => say(`Couldn't export: ${errorMessage(error)}`),
      );
    },
    [history, say],
  );

  const importConversation = useCallback(() => {
    if (!history) return;
    history.importConversation().then(
      (conversation) => {
        if (!conversation) return;
        refresh();
        open(conversation.id);
        say(`Imported “${conversation.title}”`);
      },
      (error: unknown) => say(`Couldn't import: ${errorMessage(error)}`),
    );
  }, [history, refresh, open, say]);

  return {
    status,
    enabled,
    conversations,
    /** Whether the active conversation is in the database (it can be exported). */
    activeSaved: enabled && savedIds.has(state.activeConversationId),
    open,
    rename,
    remove,
    search,
    exportConversation,
    importConversation,
    toast,
    dismissToast,
  };
}
