// The mocked shell's settings commands (see main.ts): an in-memory copy of what the Rust side
// keeps, with keys stored write-only (only masks come back), as in src-tauri/src/settings.
import type { Settings, SettingsView, TestResult } from '../settings/types';
import { Command } from '../generated/ipc';

const presets: SettingsView['presets'] = [
  { id: 'offline', name: 'Offline demo', api: 'offline', base_url: '', needs_key: false },
  { id: 'openai', name: 'OpenAI', api: 'openai', base_url: 'https://api.openai.com/v1', needs_key: true },
  { id: 'anthropic', name: 'Anthropic', api: 'anthropic', base_url: 'https://api.anthropic.com', needs_key: true },
  { id: 'openrouter', name: 'OpenRouter', api: 'openai', base_url: 'https://openrouter.ai/api/v1', needs_key: true },
  { id: 'groq', name: 'Groq', api: 'openai', base_url: 'https://api.groq.com/openai/v1', needs_key: true },
  { id: 'ollama', name: 'Ollama', api: 'openai', base_url: 'http://127.0.0.1:11434/v1', needs_key: false },
  { id: 'lmstudio', name: 'LM Studio', api: 'openai', base_url: 'http://127.0.0.1:1234/v1', needs_key: false },
  { id: 'custom', name: 'Custom (OpenAI-compatible)', api: 'openai', base_url: '', needs_key: false },
];

let settings: Settings = {
  version: 1,
  default_provider: 'offline',
  providers: presets.map((p) => ({ id: p.id, base_url: p.base_url, model: p.id === 'offline' ? 'offline-demo' : '' })),
  keepalive_ms: 1000,
  idle_timeout_s: 60,
  tool_timeout_s: 30,
  tools: {
    calculator: true,
    clock: true,
    draft_email: true,
    draft_note: true,
    web_fetch: true,
    list_files: true,
    read_file: true,
    search_files: true,
    write_file: true,
  },
  ask_first: {
    calculator: false,
    clock: false,
    draft_email: false,
    draft_note: false,
    web_fetch: false,
    list_files: false,
    read_file: false,
    search_files: false,
    write_file: true,
  },
  workspace: '',
  allow_private_network: false,
  mcp_servers: {},
};
const keys = new Map<string, string>();

function mask(key: string): string {
  if (key.length < 12) return '••••';
  const dash = key.indexOf('-');
  return `${dash >= 0 && dash < 4 ? key.slice(0, dash + 1) : ''}…${key.slice(-4)}`;
}

function view(): SettingsView {
  return {
    settings,
    presets,
    keys: Object.fromEntries(presets.filter((p) => p.api !== 'offline').map((p) => [p.id, keys.has(p.id) ? mask(keys.get(p.id)!) : null])),
    key_storage: 'file',
    key_file: '/home/user/.local/share/app.telltale.desktop/api-keys.json',
    tools: [
      { name: 'calculator', description: 'Evaluates an arithmetic expression.', needs_workspace: false },
      { name: 'clock', description: 'The current date and time in a time zone.', needs_workspace: false },
      { name: 'draft_email', description: 'Drafts an email for the user to edit.', needs_workspace: false },
      { name: 'draft_note', description: 'Drafts a note for the user to edit.', needs_workspace: false },
      { name: 'web_fetch', description: 'Fetches a web page and returns its readable text.', needs_workspace: false },
      { name: 'list_files', description: "Lists the files in the user's workspace folder.", needs_workspace: true },
      { name: 'read_file', description: "Reads a text file in the user's workspace folder.", needs_workspace: true },
      { name: 'search_files', description: "Searches the workspace folder's text files.", needs_workspace: true },
      { name: 'write_file', description: 'Creates or replaces a text file in the workspace.', needs_workspace: true },
    ],
    mcp: [],
    env_override: null,
    active_label: 'Mock shell — scripted runs',
  };
}

/** Whether calls of `name` wait for approval (the scripted runs ask only then). */
export function asksFirst(name: string): boolean {
  return settings.ask_first[name] ?? false;
}

/** "Always allow this tool": the shell keeps it in the settings, as here. */
export function allowAlways(name: string): void {
  settings = { ...settings, ask_first: { ...settings.ask_first, [name]: false } };
}

/** Calls to the settings commands the page made, for the tests. */
export const settingsCalls: { cmd: string; args: Record<string, unknown> }[] = [];

/** Answers a settings command, or returns `undefined` for any other command. */
export function settingsCommand(cmd: string, args: Record<string, unknown>): { value: unknown } | undefined {
  const providerId = String(args.providerId ?? '');
  switch (cmd) {
    case Command.get_settings:
      return { value: view() };
    case Command.save_settings:
      settingsCalls.push({ cmd, args });
      settings = args.settings as Settings;
      return { value: view() };
    case Command.set_api_key:
      // The key itself is not recorded: only that one was set.
      settingsCalls.push({ cmd, args: { providerId } });
      keys.set(providerId, String(args.key));
      return { value: view() };
    case Command.clear_api_key:
      settingsCalls.push({ cmd, args });
      keys.delete(providerId);
      return { value: view() };
    case Command.test_connection: {
      settingsCalls.push({ cmd, args });
      const result: TestResult =
        keys.has(providerId) || providerId === 'offline' || providerId === 'ollama'
          ? { ok: true, code: null, message: `${providerId} answered with ${String(args.model ?? 'its model')}.` }
          : { ok: false, code: 'auth_failed', message: 'The provider rejected the API key (HTTP 401). Check the key in Settings.' };
      return { value: result };
    }
    case Command.list_models:
      return { value: providerId === 'openai' ? ['gpt-4o', 'gpt-4o-mini', 'o3-mini'] : providerId === 'offline' ? ['offline-demo'] : [] };
    default:
      return undefined;
  }
}
