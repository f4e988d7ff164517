// Every call into the Tauri shell goes through here; components and tests use `Backend`.
import { Channel, invoke } from '@tauri-apps/api/core';
import { getCurrentWebviewWindow } from '@tauri-apps/api/webviewWindow';
import type { Event } from './generated/protocol';
import type { ConversationDetail, HistoryBackend, HistoryStatus, SavedConversation, SearchHit } from './history/types';
import type { McpServerStatus, Settings, SettingsBackend, SettingsView, TestResult } from './settings/types';

import { Command, MENU_CHANNEL } from './generated/ipc';
import type {
  AppInfo,
  ApprovalAnswer,
  AttachmentCheck,
  AttachmentUpload,
  BudgetAnswer,
  LocalServer,
  RunInProgress,
  RunParent,
} from './generated/ipc';

export type { AppInfo, ApprovalAnswer, AttachmentCheck, AttachmentUpload, BudgetAnswer, RunInProgress, RunParent };
export { MENU_CHANNEL };

export interface StartRun {
  conversationId: string;
  runId: string;
  prompt: string;
  /** The run this one continues; left out, the conversation's latest run. */
  parent?: RunParent;
  /** The prompt's files: their bytes, or files the conversation stores (a prompt sent again). */
  attachments?: AttachmentUpload[];
}

/** A run cut off (stopped, failed, interrupted) to go on with, in the same run. */
export interface ContinueRun {
  conversationId: string;
  runId: string;
}

export interface Backend {
  appInfo(): Promise<AppInfo>;
  startRun(args: StartRun): Promise<void>;
  /** Continues a run cut off from its exact partial answer; its new events follow its last (absent: not offered). */
  continueRun?(args: ContinueRun): Promise<void>;
  stopRun(runId: string): Promise<void>;
  /** Follows a run in progress from after `afterSeq` (null: its first event), its events to `onEvents` (absent: not offered). */
  followRun?(runId: string, afterSeq: number | null): Promise<void>;
  /** The runs in progress, to follow again after a reload (absent: not offered). */
  runsInProgress?(): Promise<RunInProgress[]>;
  /** Answers a call waiting for approval; the run then sends `approval_resolved`. */
  resolveApproval(runId: string, callId: string, answer: ApprovalAnswer): Promise<void>;
  /** Cancels one running tool call (the run goes on); it then gets `tool_result {ok: false}`. */
  cancelToolCall(runId: string, callId: string): Promise<void>;
  /** Answers a run paused at its budget: `continue` lifts that budget for the rest of the run, `stop` ends it. */
  resolveBudget(runId: string, answer: BudgetAnswer): Promise<void>;
  /** Checks files the window read (dropped, pasted, chosen): each ready to send, or refused with why. */
  checkAttachments(files: AttachmentUpload[]): Promise<AttachmentCheck[]>;
  /** The shell's native open dialog: each file chosen, checked, with its bytes (absent: the window's file input). */
  pickAttachments?(): Promise<AttachmentCheck[]>;
  /** The bytes (base64) of a file a saved conversation stores, by SHA-256: its thumbnail (absent: none shown). */
  attachmentData?(conversationId: string, sha256: string): Promise<string>;
  /** Resolves once the listener is registered, with the function that removes it. */
  onEvents(handler: (events: Event[]) => void): Promise<() => void>;
  /** Opens an http(s) or mailto link in the system's browser or mail app, never in the window. */
  openExternal(url: string): Promise<void>;
  /** Native menu actions; resolves with the function that removes the listener. */
  onMenu?(handler: (action: string) => void): Promise<() => void>;
  /** The saved conversations (absent outside the shell: conversations live in memory). */
  history?: HistoryBackend;
  /** The Settings screen's commands (absent outside the shell). */
  settings?: SettingsBackend;
}

export function insideTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/** Settings: keys go in (`set_api_key`) and never come back, only their masks. */
export const tauriSettings: SettingsBackend = {
  get: () => invoke<SettingsView>(Command.get_settings),
  save: (settings: Settings, keys?: Record<string, string>) => invoke<SettingsView>(Command.save_settings, { settings, keys }),
  setApiKey: (providerId, key, baseUrl) => invoke<SettingsView>(Command.set_api_key, { providerId, key, baseUrl }),
  clearApiKey: (providerId) => invoke<SettingsView>(Command.clear_api_key, { providerId }),
  testConnection: (providerId, baseUrl, model) => invoke<TestResult>(Command.test_connection, { providerId, baseUrl, model }),
  listModels: (providerId, baseUrl) => invoke<string[]>(Command.list_models, { providerId, baseUrl }),
  findLocalServers: () => invoke<LocalServer[]>(Command.find_local_servers),
  importMcpServers: (json) => invoke<SettingsView>(Command.import_mcp_servers, { json }),
  mcpStatus: () => invoke<McpServerStatus[]>(Command.mcp_status),
};

/** The history database, through the shell (export and import open native dialogs there). */
export const tauriHistory: HistoryBackend = {
  status: () => invoke<HistoryStatus>(Command.history_status),
  list: () => invoke<SavedConversation[]>(Command.list_conversations),
  open: (id) => invoke<ConversationDetail>(Command.open_conversation, { id }),
  rename: async (id, title) => {
    await invoke<null>(Command.rename_conversation, { id, title });
  },
  show: async (id, runId) => {
    await invoke<null>(Command.show_conversation_run, { id, runId });
  },
  remove: async (id) => {
    await invoke<null>(Command.delete_conversation, { id });
  },
  restore: async (id) => {
    await invoke<null>(Command.undelete_conversation, { id });
  },
  search: (query) => invoke<SearchHit[]>(Command.search_history, { query }),
  exportConversation: (id, format) => invoke<string | null>(Command.export_conversation, { id, format }),
  importConversation: () => invoke<SavedConversation | null>(Command.import_conversation),
};

/** Who gets the event batches of the runs this window starts (see `onEvents`). */
const eventHandlers = new Set<(events: Event[]) => void>();

/** Each run's events come back over its own IPC channel, `Event[]` batches in `seq` order. */
function eventChannel(): Channel<Event[]> {
  return new Channel<Event[]>((events) => {
    for (const handler of eventHandlers) handler(events);
  });
}

export const tauriBackend: Backend = {
  appInfo: () => invoke<AppInfo>(Command.app_info),
  startRun: async ({ conversationId, runId, prompt, parent, attachments }) => {
    await invoke<null>(Command.start_run, { conversationId, runId, prompt, parent, attachments, onEvent: eventChannel() });
  },
  checkAttachments: (files) => invoke<AttachmentCheck[]>(Command.check_attachments, { files }),
  pickAttachments: () => invoke<AttachmentCheck[]>(Command.pick_attachments),
  attachmentData: (conversationId, sha256) => invoke<string>(Command.attachment_data, { conversationId, sha256 }),
  continueRun: async ({ conversationId, runId }) => {
    await invoke<null>(Command.continue_run, { conversationId, runId, onEvent: eventChannel() });
  },
  stopRun: async (runId) => {
    await invoke<null>(Command.stop_run, { runId });
  },
  followRun: async (runId, afterSeq) => {
    await invoke<null>(Command.follow_run, { runId, afterSeq, onEvent: eventChannel() });
  },
  runsInProgress: () => invoke<RunInProgress[]>(Command.runs_in_progress),
  resolveApproval: async (runId, callId, answer) => {
    await invoke<null>(Command.resolve_approval, { runId, callId, answer });
  },
  cancelToolCall: async (runId, callId) => {
    await invoke<null>(Command.cancel_tool_call, { runId, callId });
  },
  resolveBudget: async (runId, answer) => {
    await invoke<null>(Command.resolve_budget, { runId, answer });
  },
  onEvents: async (handler) => {
    eventHandlers.add(handler);
    return () => eventHandlers.delete(handler);
  },
  openExternal: async (url) => {
    await invoke<null>(Command.open_external, { url });
  },
  onMenu: (handler) => getCurrentWebviewWindow().listen<string>(MENU_CHANNEL, (message) => handler(message.payload)),
  history: tauriHistory,
  settings: tauriSettings,
};

/** Stands in outside the shell (e.g. `npm run ui:dev` in a browser): says so, runs nothing. */
export const noBackend: Backend = {
  appInfo: async () => ({ provider: 'none', model: 'none', label: 'Not connected — open in the Telltale app' }),
  startRun: async () => {
    throw new Error('Not connected to the Telltale app, so nothing can run here.');
  },
  stopRun: async () => {},
  checkAttachments: async (files) =>
    files.map(({ name }) => ({
      status: 'refused',
      name,
      error: { code: 'invalid_request', message: 'Not connected to the Telltale app, so nothing can be sent here.' },
    })),
  // Nothing runs here, so nothing can wait for an answer or be cancelled.
  resolveApproval: async () => {},
  cancelToolCall: async () => {},
  resolveBudget: async () => {},
  onEvents: async () => () => {},
  openExternal: async (url) => {
    window.open(url, '_blank', 'noopener,noreferrer');
  },
};

/** Why a call failed, in words for the user. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  // The shell's typed command errors: `{code, message}`.
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return 'Something went wrong talking to the app.';
}
