// The settings the shell keeps (crates/config): what `get_settings` returns, generated from Rust
// (`ui/src/generated/ipc.ts`). API keys never come back, only their masks.
import type { LocalServer, McpServerStatus, Settings, SettingsView, TestResult } from '../generated/ipc';

export type {
  Api,
  LocalServer,
  McpServer,
  McpServerStatus,
  Preset,
  ProviderEntry,
  ServerState,
  Settings,
  SettingsView,
  TestResult,
  ToolInfo,
} from '../generated/ipc';

/** The settings commands; every one that changes something answers with the new view. */
export interface SettingsBackend {
  get(): Promise<SettingsView>;
  /**
   * Saves `settings`, with `keys` (provider id → a key typed but not stored yet) stored for the
   * origin of their provider's new base URL. Refused with `key_for_another_origin` when a
   * provider's base URL moves to another origin than its stored key was entered for.
   */
  save(settings: Settings, keys?: Record<string, string>): Promise<SettingsView>;
  /** Stores a key to be sent only to the origin of `baseUrl` (the one being edited), or the saved one's. */
  setApiKey(providerId: string, key: string, baseUrl?: string): Promise<SettingsView>;
  clearApiKey(providerId: string): Promise<SettingsView>;
  /** With the base URL and model being edited (a key goes only to the origin it was entered for). */
  testConnection(providerId: string, baseUrl?: string, model?: string): Promise<TestResult>;
  listModels(providerId: string, baseUrl?: string): Promise<string[]>;
  /** The OpenAI-compatible servers answering on this computer's usual ports, with their models. */
  findLocalServers(): Promise<LocalServer[]>;
  /**
   * Merges a pasted `{"mcpServers": {...}}` block (claude_desktop_config.json) into the saved
   * settings; refused with a `{code, message}` error when it is not valid.
   */
  importMcpServers(json: string): Promise<SettingsView>;
  /** Where each MCP server is (cheap: polled while Settings is open). */
  mcpStatus(): Promise<McpServerStatus[]>;
}
