// Generated from crates/ipc by `cargo run -p telltale-ipc --bin gen-ipc-ts`.
// Do not edit by hand: change the Rust types and regenerate.

import type { ErrorCode, Event, FinishReason } from './protocol';

/** Every command the shell registers, by the name the webview invokes. */
export const Command = {
  app_info: 'app_info',
  start_run: 'start_run',
  stop_run: 'stop_run',
  open_external: 'open_external',
  get_settings: 'get_settings',
  save_settings: 'save_settings',
  set_api_key: 'set_api_key',
  clear_api_key: 'clear_api_key',
  test_connection: 'test_connection',
  list_models: 'list_models',
  history_status: 'history_status',
  list_conversations: 'list_conversations',
  open_conversation: 'open_conversation',
  rename_conversation: 'rename_conversation',
  delete_conversation: 'delete_conversation',
  undelete_conversation: 'undelete_conversation',
  search_history: 'search_history',
  export_conversation: 'export_conversation',
  import_conversation: 'import_conversation',
} as const;

export type CommandName = (typeof Command)[keyof typeof Command];

/** The Tauri event that carries native menu actions (e.g. `"new_chat"`) to the window. */
export const MENU_CHANNEL = 'telltale://menu';

export type AppInfo = { provider: string, model: string, 
/**
 * For the header, e.g. "Offline demo — no model" (with why, when settings were unusable).
 */
label: string, };

export type HistoryStatus = { enabled: boolean, 
/**
 * Why the history is not saved.
 */
reason?: string, path?: string, };

export type CommandError = { code: CommandErrorCode, message: string, };

export type CommandErrorCode = "invalid_request" | "busy" | "not_found" | "import_invalid" | "file" | "database" | "storage";

export type Conversation = { id: string, title: string, 
/**
 * Unix epoch milliseconds.
 */
created_at: number, 
/**
 * Last activity (a run started or finished), Unix epoch milliseconds.
 */
updated_at: number, deleted_at?: number, };

export type ConversationDetail = { conversation: Conversation, runs: Array<RunRecord>, };

export type RunRecord = { run_id: string, prompt: string, provider: string | null, model: string | null, started_at: number, finished_at: number | null, reason: FinishReason | null, status: RunStatus, 
/**
 * Every event, in `seq` order, exactly as it streamed.
 */
events: Array<Event>, };

export type RunStatus = "running" | "completed" | "cancelled" | "error" | "interrupted";

export type SearchHit = { conversation_id: string, title: string, run_id: string, 
/**
 * The snippet as pieces, the matching ones with `hit: true`, so that a UI can highlight
 * them without parsing markup.
 */
snippet: Array<SnippetPart>, };

export type SnippetPart = { text: string, hit: boolean, };

export type Api = "offline" | "openai" | "anthropic";

export type Preset = { id: string, name: string, api: Api, 
/**
 * Empty for the offline demo and for a custom server (the user types it).
 */
base_url: string, 
/**
 * Whether requests need a key (servers on this machine usually do not).
 */
needs_key: boolean, };

export type ProviderEntry = { id: string, base_url: string, model: string, };

export type Settings = { version: number, default_provider: string, 
/**
 * One entry per preset, in preset order.
 */
providers: Array<ProviderEntry>, keepalive_ms: number, idle_timeout_s: number, 
/**
 * Tool name → enabled; every built-in tool is listed.
 */
tools: { [key in string]: boolean }, };

export type ToolInfo = { name: string, description: string, };

export type SettingsView = { settings: Settings, presets: Array<Preset>, 
/**
 * provider id → the mask of its stored key (`sk-…a1b2`), or null.
 */
keys: { [key in string]: string | null }, key_storage: KeyStorage, 
/**
 * Where keys are kept when `key_storage` is `file`.
 */
key_file: string | null, tools: Array<ToolInfo>, 
/**
 * Set when environment variables choose the provider instead of these settings.
 */
env_override: string | null, 
/**
 * How the header names the provider now.
 */
active_label: string, };

export type KeyStorage = "keychain" | "file";

export type TestResult = { ok: boolean, code: ErrorCode | null, message: string, };
