// The settings the shell keeps (src-tauri/src/settings): what `get_settings` returns. API keys
// never come back, only their masks.
import type { ErrorCode } from '../generated/protocol';

export type Api = 'offline' | 'openai' | 'anthropic';

export interface Preset {
  id: string;
  name: string;
  api: Api;
  /** Empty for the offline demo and a custom server. */
  base_url: string;
  needs_key: boolean;
}

export interface ProviderEntry {
  id: string;
  base_url: string;
  model: string;
}

export interface Settings {
  version: number;
  default_provider: string;
  providers: ProviderEntry[];
  keepalive_ms: number;
  idle_timeout_s: number;
  tools: Record<string, boolean>;
}

export interface ToolInfo {
  name: string;
  description: string;
}

export interface SettingsView {
  settings: Settings;
  presets: Preset[];
  /** provider id → the mask of its stored key (`sk-…a1b2`), or null. */
  keys: Record<string, string | null>;
  key_storage: 'keychain' | 'file';
  key_file: string | null;
  tools: ToolInfo[];
  /** Set when environment variables choose the provider instead of these settings. */
  env_override: string | null;
  active_label: string;
}

export interface TestResult {
  ok: boolean;
  code: ErrorCode | null;
  message: string;
}

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
