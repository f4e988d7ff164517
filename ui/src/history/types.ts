// The saved history as the shell's history commands return it: the types are generated from
// Rust (`ui/src/generated/ipc.ts`); here, the interface the window uses to reach them.
import type { Conversation, ConversationDetail, ExportFormat, HistoryStatus, RunRecord, SearchHit, SnippetPart } from '../generated/ipc';
import type { LoadedConversation } from '../state/types';

export type { ConversationDetail, ExportFormat, HistoryStatus, SearchHit, SnippetPart };
/** A conversation as the history lists it. */
export type SavedConversation = Conversation;
/** A run as the history stores it, with every event. */
export type SavedRun = RunRecord;

/** The shell's history commands. */
export interface HistoryBackend {
  status(): Promise<HistoryStatus>;
  list(): Promise<SavedConversation[]>;
  open(id: string): Promise<ConversationDetail>;
  rename(id: string, title: string): Promise<void>;
  /** Records the run the window shows the conversation at (the last of the branch on screen): it reopens there. */
  show(id: string, runId: string): Promise<void>;
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
    shownRunId: detail.shown_run_id,
    runs: detail.runs.map((run) => ({
      runId: run.run_id,
      parentRunId: run.parent_run_id,
      prompt: run.prompt,
      attachments: run.attachments,
      startedAt: run.started_at,
      status: run.status,
      events: run.events,
    })),
  };
}
