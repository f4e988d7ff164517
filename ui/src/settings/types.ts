// The settings the shell keeps (crates/config): what `get_settings` returns, generated from Rust
// (`ui/src/generated/ipc.ts`). API keys never come back, only their masks.
import type { Api, Preset, ProviderEntry, Settings, SettingsView, TestResult, ToolInfo } from '../generated/ipc';

export type { Api, Preset, ProviderEntry, Settings, SettingsView, TestResult, ToolInfo };

/** The settings commands; every one that changes something answers with the new view. */
export interface SettingsBackend {
  get(): Promise<SettingsView>;
  save(settings: Settings): Promise<SettingsView>;
  setApiKey(providerId: string, key: string): Promise<SettingsView>;
  clearApiKey(providerId: string): Promise<SettingsView>;
  /** With the base URL and model being edited (a key goes only to the saved base URL). */
  testConnection(providerId: string, baseUrl?: string, model?: string): Promise<TestResult>;
  listModels(providerId: string, baseUrl?: string): Promise<string[]>;
}
