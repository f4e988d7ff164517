// The saved history as the shell's history commands return it (snake_case, as serialised by
// `telltale-history`), and the interface the window uses to reach it.
import type { Event } from '../generated/protocol';
import type { LoadedConversation, SavedRunStatus } from '../state/types';

export interface SavedConversation {
  id: string;
  title: string;
  /** Epoch ms. */
  created_at: number;
  /** Last activity, epoch ms. */
  updated_at: number;
}

export interface SavedRun {
  run_id: string;
  prompt: string;
  provider?: string | null;
  model?: string | null;
  started_at: number;
  finished_at?: number | null;
  reason?: string | null;
  status: SavedRunStatus;
  events: Event[];
}

export interface ConversationDetail {
  conversation: SavedConversation;
  runs: SavedRun[];
}

export interface SnippetPart {
  text: string;
  hit: boolean;
}

export interface SearchHit {
  conversation_id: string;
  title: string;
  run_id: string;
  snippet: SnippetPart[];
}

export interface HistoryStatus {
  enabled: boolean;
  /** Why the history is off. */
  reason?: string;
  path?: string;
}

export type ExportFormat = 'md' | 'json' | 'html';

/** The shell's history commands. */
export interface HistoryBackend {
  status(): Promise<HistoryStatus>;
  list(): Promise<SavedConversation[]>;
  open(id: string): Promise<ConversationDetail>;
  rename(id: string, title: string): Promise<void>;
  remove(id: string): Promise<void>;
  restore(id: string): Promise<void>;
  search(query: string): Promise<SearchHit[]>;
  /** The native save dialog, then the file is written by the shell: its path, or null if cancelled. */
  exportConversation(id: string, format: ExportFormat): Promise<string | null>;
  /** The native open dialog, then the JSON export is imported: the new conversation, or null if cancelled. */
  importConversation(): Promise<SavedConversation | null>;
}

/** A saved conversation in the form the reducer replays. */
export function toLoaded(detail: ConversationDetail): LoadedConversation {
  return {
    id: detail.conversation.id,
    title: detail.conversation.title,
    createdAt: detail.conversation.created_at,
    runs: detail.runs.map((run) => ({
      runId: run.run_id,
      prompt: run.prompt,
      startedAt: run.started_at,
      status: run.status,
      events: run.events,
    })),
  };
}
