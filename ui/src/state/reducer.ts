// The one reducer of the window. Pure: time comes in with the actions, ids too.
import type { Event } from '../generated/protocol';
import { GrowingText } from './growingText';
import { parentOf, showing, showingBranchOf } from './branches';
import { releaseConversations } from './release';
import { applyEvent, cloneTurn, interrupt, reopen } from './turnEvents';
import type { Action, AppState, Conversation, LoadedConversation, Turn } from './types';

/** What the chip says between Enter and the run's first `status`. */
export const INITIAL_STATUS = { message: 'Planning…', icon: 'planning', sinceMs: 0 } as const;

export function emptyConversation(id: string, now: number): Conversation {
  return { id, title: '', createdAt: now, items: [] };
}

export function initialState(conversationId: string, now: number): AppState {
  return {
    conversations: { [conversationId]: emptyConversation(conversationId, now) },
    conversationOrder: [conversationId],
    activeConversationId: conversationId,
    turns: {},
  };
}

export function newTurn(runId: string, conversationId: string, prompt: string, now: number): Turn {
  return {
    runId,
    conversationId,
    prompt,
    submittedAt: now,
    phase: 'pending',
    status: { ...INITIAL_STATUS },
    trail: [],
    steps: [],
    answer: GrowingText.EMPTY,
    stopRequested: false,
    lastSeq: -1,
    lastMs: 0,
  };
}

export function reducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'submit':
      return submit(state, action);
    case 'events':
      return applyEvents(state, action.events);
    case 'stop_requested':
      return updateTurn(state, action.runId, (turn) => (turn.finish || turn.stopRequested ? turn : { ...turn, stopRequested: true }));
    case 'start_failed':
      return updateTurn(state, action.runId, (turn) =>
        turn.finish
          ? turn
          : {
              ...turn,
              phase: 'error',
              status: null,
              waitingFor: undefined,
              error: { message: action.message, retryable: true },
              finish: { reason: 'error' },
            },
      );
    case 'new_conversation': {
      const active = state.conversations[state.activeConversationId];
      // An empty chat is already a new chat: don't pile up blank ones.
      if (active && active.items.length === 0) return state;
      if (state.conversations[action.conversationId]) {
        return { ...state, activeConversationId: action.conversationId };
      }
      return {
        ...state,
        conversations: {
          ...state.conversations,
          [action.conversationId]: emptyConversation(action.conversationId, action.now),
        },
        conversationOrder: [action.conversationId, ...state.conversationOrder],
        activeConversationId: action.conversationId,
      };
    }
    case 'load_conversation':
      return loadConversation(state, action.conversation, action.select);
    case 'rename_conversation': {
      const conversation = state.conversations[action.conversationId];
      if (!conversation || conversation.title === action.title) return state;
      return {
        ...state,
        conversations: { ...state.conversations, [action.conversationId]: { ...conversation, title: action.title } },
      };
    }
    case 'show_version':
      return showVersion(state, action.runId);
    case 'continue_requested':
      return updateTurn(state, action.runId, (turn) => (turn.finish ? reopen(turn) : turn));
    case 'release_conversations':
      return releaseConversations(state, action.conversationIds);
    case 'select_conversation':
      // A released conversation is opened by reloading it (`load_conversation`).
      if (!state.conversations[action.conversationId] || state.conversations[action.conversationId]!.released) return state;
      if (state.activeConversationId === action.conversationId) return state;
      return { ...state, activeConversationId: action.conversationId };
  }
}

/**
 * A saved conversation: each run's recorded events go through the same code as live ones, so it
 * reads exactly as it streamed. A run that never got its `run_finished` (the app died) ends as
 * `interrupted`, keeping its partial answer. A conversation already in memory is left as it is;
 * one released (release.ts) gets its turns back and keeps its title and place.
 */
function loadConversation(state: AppState, loaded: LoadedConversation, select: boolean): AppState {
  const existing = state.conversations[loaded.id];
  if (existing && !existing.released) {
    return select && state.activeConversationId !== loaded.id ? { ...state, activeConversationId: loaded.id } : state;
  }
  const turns = { ...state.turns };
  const items: Conversation['items'] = [];
  for (const run of loaded.runs) {
    if (turns[run.runId]) continue;
    items.push({ role: 'user', id: `user-${run.runId}`, text: run.prompt, at: run.startedAt });
    items.push({ role: 'assistant', runId: run.runId });
    let turn = cloneTurn(newTurn(run.runId, loaded.id, run.prompt, run.startedAt));
    if (run.parentRunId !== undefined) turn.parentRunId = run.parentRunId;
    if (run.attachments?.length) turn.attachments = run.attachments;
    for (const event of [...run.events].sort((a, b) => a.seq - b.seq)) {
      if (event.seq <= turn.lastSeq) continue;
      // A run continued after it was cut off has events after its first `run_finished`.
      if (turn.finish) turn = reopen(turn);
      turn = applyEvent(turn, event);
    }
    if (!turn.finish && run.status !== 'running') turn = interrupt(turn);
    turns[run.runId] = turn;
  }
  // A released one keeps what the window knew of it: its title, its place, the versions picked.
  // Else it opens on the branch it was last shown at, with the versions shown then.
  let conversation: Conversation = existing
    ? { ...existing, items }
    : { id: loaded.id, title: loaded.title, createdAt: loaded.createdAt, items };
  const shown = loaded.shownRunId;
  if (!existing && shown !== undefined && items.some((item) => item.role === 'assistant' && item.runId === shown)) {
    conversation = showingBranchOf(conversation, turns, shown);
  }
  delete conversation.released;
  // Replace the untouched empty chat the window opened with, rather than keep a blank one.
  const active = state.conversations[state.activeConversationId];
  const dropBlank = select && active !== undefined && active.items.length === 0;
  const conversations = { ...state.conversations, [loaded.id]: conversation };
  if (dropBlank) delete conversations[state.activeConversationId];
  const order = state.conversationOrder.filter((id) => !(dropBlank && id === state.activeConversationId));
  return {
    ...state,
    conversations,
    conversationOrder: existing ? order : [...order, loaded.id],
    activeConversationId: select ? loaded.id : state.activeConversationId,
    turns,
  };
}

function submit(state: AppState, action: Extract<Action, { type: 'submit' }>): AppState {
  const { conversationId, runId, prompt, now, parentRunId, attachments } = action;
  if (state.turns[runId]) return state;
  const existing = state.conversations[conversationId];
  const conversation = existing ?? emptyConversation(conversationId, now);
  const turn = newTurn(runId, conversationId, prompt, now);
  if (attachments?.length) turn.attachments = attachments;
  let updated: Conversation = {
    ...conversation,
    title: conversation.title || prompt.trim(),
    items: [...conversation.items, { role: 'user', id: `user-${runId}`, text: prompt, at: now }, { role: 'assistant', runId }],
  };
  if (parentRunId !== undefined) {
    turn.parentRunId = parentRunId;
    // A new version (an answer regenerated) is the one shown, and the one its branch opens on.
    updated = showing(updated, { ...state.turns, [runId]: turn }, runId);
  }
  return {
    ...state,
    conversations: { ...state.conversations, [conversationId]: updated },
    conversationOrder: existing ? state.conversationOrder : [conversationId, ...state.conversationOrder],
    activeConversationId: conversationId,
    turns: { ...state.turns, [runId]: turn },
  };
}

/** Shows the version `runId` where its run forks (and the branch after it). */
function showVersion(state: AppState, runId: string): AppState {
  const turn = state.turns[runId];
  const conversation = turn && state.conversations[turn.conversationId];
  if (!turn || !conversation) return state;
  const key = parentOf(conversation, state.turns, runId) ?? '';
  if (conversation.shown?.[key] === runId) return state;
  const updated = showing(conversation, state.turns, runId);
  return { ...state, conversations: { ...state.conversations, [conversation.id]: updated } };
}

function updateTurn(state: AppState, runId: string, f: (turn: Turn) => Turn): AppState {
  const turn = state.turns[runId];
  if (!turn) return state;
  const next = f(turn);
  return next === turn ? state : { ...state, turns: { ...state.turns, [runId]: next } };
}

/**
 * Applies one batch: per run, in `seq` order; events of unknown runs, events whose `seq`
 * was already applied, and anything after `run_finished` are ignored.
 */
function applyEvents(state: AppState, events: readonly Event[]): AppState {
  if (events.length === 0) return state;
  const byRun = new Map<string, Event[]>();
  for (const event of events) {
    if (!state.turns[event.run_id]) continue;
    const list = byRun.get(event.run_id);
    if (list) list.push(event);
    else byRun.set(event.run_id, [event]);
  }
  if (byRun.size === 0) return state;

  let turns: Record<string, Turn> | null = null;
  for (const [runId, list] of byRun) {
    const before = state.turns[runId]!;
    list.sort((a, b) => a.seq - b.seq);
    let turn = before;
    for (const event of list) {
      if (turn.finish || event.seq <= turn.lastSeq) continue;
      turn = applyEvent(turn === before ? cloneTurn(before) : turn, event);
    }
    if (turn !== before) {
      turns ??= { ...state.turns };
      turns[runId] = turn;
    }
  }
  return turns ? { ...state, turns } : state;
}
