// The settings the shell keeps (crates/config): what `get_settings` returns, generated from Rust
// (`ui/src/generated/ipc.ts`). API keys never come back, only their masks.
import type {
  Api,
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

export type { Api, McpServer, McpServerStatus, Preset, ProviderEntry, ServerState, Settings, SettingsView, TestResult, ToolInfo };

/** The settings commands; every one that changes something answers with the new view. */
export interface SettingsBackend {
  get(): Promise<SettingsView>;
  save(settings: Settings): Promise<SettingsView>;
  setApiKey(providerId: string, key: string): Promise<SettingsView>;
  clearApiKey(providerId: string): Promise<SettingsView>;
  /** With the base URL and model being edited (a key goes only to the saved base URL). */
  testConnection(providerId: string, baseUrl?: string, model?: string): Promise<TestResult>;
  listModels(providerId: string, baseUrl?: string): Promise<string[]>;
  /**
   * Merges a pasted `{"mcpServers": {...}}` block (claude_desktop_config.json) into the saved
   * settings; refused with a `{code, message}` error when it is not valid.
   */
  importMcpServers(json: string): Promise<SettingsView>;
  /** Where each MCP server is (cheap: polled while Settings is open). */
  mcpStatus(): Promise<McpServerStatus[]>;
}
