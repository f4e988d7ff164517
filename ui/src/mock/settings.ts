// The mocked shell's settings commands (see main.ts): an in-memory copy of what the Rust side
// keeps, with keys stored write-only (only masks come back), as in src-tauri/src/settings. MCP
// servers are kept in memory too: a pasted block is checked and merged as crates/mcp does; a
// server goes "starting" when saved, then after 300 ms "ready" with two fake tools (search, fetch)
// or, when its command is "fail", "failed" with a few lines of stderr.
import type { CommandError } from '../generated/ipc';
import type { McpServer, McpServerStatus, Settings, SettingsView, TestResult, ToolInfo } from '../settings/types';
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

/** The built-in tools as the shell lists them, each with whether its calls wait for approval by default. */
const builtinTools: (ToolInfo & { asksFirst: boolean })[] = [
  { name: 'calculator', description: 'Evaluates an arithmetic expression.', needs_workspace: false, asksFirst: false },
  { name: 'clock', description: 'The current date and time in a time zone.', needs_workspace: false, asksFirst: false },
  { name: 'draft_email', description: 'Drafts an email for the user to edit.', needs_workspace: false, asksFirst: false },
  { name: 'draft_note', description: 'Drafts a note for the user to edit.', needs_workspace: false, asksFirst: false },
  { name: 'web_fetch', description: 'Fetches a web page and returns its readable text.', needs_workspace: false, asksFirst: false },
  { name: 'list_files', description: "Lists the files in the user's workspace folder.", needs_workspace: true, asksFirst: false },
  { name: 'read_file', description: "Reads a text file in the user's workspace folder.", needs_workspace: true, asksFirst: false },
  { name: 'search_files', description: "Searches the workspace folder's text files.", needs_workspace: true, asksFirst: false },
  { name: 'write_file', description: 'Creates or replaces a text file in the workspace.', needs_workspace: true, asksFirst: true },
];

let settings: Settings = {
  version: 1,
  default_provider: 'offline',
  providers: presets.map((p) => ({ id: p.id, base_url: p.base_url, model: p.id === 'offline' ? 'offline-demo' : '' })),
  keepalive_ms: 1000,
  idle_timeout_s: 60,
  tool_timeout_s: 30,
  tools: Object.fromEntries(builtinTools.map((tool) => [tool.name, true])),
  ask_first: Object.fromEntries(builtinTools.map((tool) => [tool.name, tool.asksFirst])),
  workspace: '',
  allow_private_network: false,
  mcp_servers: {},
  prices: {},
  budget: { max_seconds: null, max_tool_calls: null, max_output_tokens: null, max_cost_usd: null },
};
/** provider id → the key and the origin it was stored for. */
const keys = new Map<string, { key: string; origin: string }>();

function mask(key: string): string {
  if (key.length < 12) return '••••';
  const dash = key.indexOf('-');
  return `${dash >= 0 && dash < 4 ? key.slice(0, dash + 1) : ''}…${key.slice(-4)}`;
}

/** The origin a key for `providerId` is stored for: `baseUrl`'s, or the saved base URL's. */
function originOf(providerId: string, baseUrl?: string): string {
  const url = baseUrl ?? settings.providers.find((p) => p.id === providerId)?.base_url ?? '';
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

function view(): SettingsView {
  return {
    settings,
    presets,
    keys: Object.fromEntries(
      presets.filter((p) => p.api !== 'offline').map((p) => [p.id, keys.has(p.id) ? mask(keys.get(p.id)!.key) : null]),
    ),
    key_origins: Object.fromEntries(presets.filter((p) => p.api !== 'offline').map((p) => [p.id, keys.get(p.id)?.origin ?? null])),
    key_storage: 'file',
    key_file: '/home/user/.local/share/app.telltale.desktop/api-keys.json',
    tools: builtinTools.map(({ name, description, needs_workspace }) => ({ name, description, needs_workspace })),
    mcp: mcpStatus(),
    env_override: null,
    active_label: 'Mock shell — scripted runs',
  };
}

/** How long a mock MCP server takes to start. */
export const MCP_START_MS = 300;

/** When each server was (re)started, and with which configuration. */
const mcpStarts = new Map<string, { config: string; at: number }>();

/** Starts, as the shell's MCP manager does, the servers that are new or changed; forgets removed ones. */
function syncMcp(): void {
  for (const name of [...mcpStarts.keys()]) if (!(name in settings.mcp_servers)) mcpStarts.delete(name);
  for (const [name, server] of Object.entries(settings.mcp_servers)) {
    const config = JSON.stringify({ ...server, disabled_tools: [] });
    if (mcpStarts.get(name)?.config !== config) mcpStarts.set(name, { config, at: performance.now() });
  }
}

function mcpStatus(): McpServerStatus[] {
  return Object.entries(settings.mcp_servers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, server]): McpServerStatus => {
      if (!server.enabled) return { name, state: { state: 'disabled' } };
      const started = mcpStarts.get(name)?.at ?? 0;
      if (performance.now() - started < MCP_START_MS) return { name, state: { state: 'starting' } };
      if (server.command === 'fail') {
        return {
          name,
          state: {
            state: 'failed',
            error: `MCP server "${name}" could not start: the process exited with status 1\nstderr: Error: Cannot find module 'fail'\nstderr:     at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)`,
          },
        };
      }
      const tools = ['search', 'fetch'].filter((t) => !server.disabled_tools.includes(t)).map((t) => `${name}__${t}`);
      return { name, state: { state: 'ready', tools } };
    });
}

function invalid(message: string): CommandError {
  return { code: 'invalid_request', message };
}

/** A pasted `{"mcpServers": {...}}` block (or the bare map), checked as crates/mcp does. */
function parseServers(json: string): Record<string, McpServer> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw invalid('the MCP configuration is not valid JSON: line 1, column 1');
  }
  const map = value && typeof value === 'object' && 'mcpServers' in value ? (value as { mcpServers: unknown }).mcpServers : value;
  if (!map || typeof map !== 'object' || Array.isArray(map)) {
    throw invalid('the MCP configuration is not valid JSON: not a map of MCP servers (a field has the wrong type)');
  }
  const servers: Record<string, McpServer> = {};
  for (const [name, raw] of Object.entries(map as Record<string, Partial<McpServer>>)) {
    const server: McpServer = {
      command: raw.command ?? '',
      args: raw.args ?? [],
      env: raw.env ?? {},
      url: raw.url ?? '',
      headers: raw.headers ?? {},
      enabled: raw.enabled ?? true,
      disabled_tools: raw.disabled_tools ?? [],
    };
    if (raw.cwd !== undefined) server.cwd = raw.cwd;
    if (raw.timeout_s !== undefined) server.timeout_s = raw.timeout_s;
    const why = (text: string) => invalid(`MCP server "${name}": ${text}`);
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw why("a server's name may hold only letters, digits, _ and -");
    const command = server.command.trim() !== '';
    const url = server.url.trim() !== '';
    if (!command && !url) throw why('give a command (stdio) or a url (streamable HTTP)');
    if (command && url) throw why('give a command or a url, not both');
    if (url && !/^https?:\/\//.test(server.url)) throw why('the url must start with http:// or https://');
    servers[name] = server;
  }
  return servers;
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
    case Command.save_settings: {
      // The keys a save carries are not recorded: only which providers got one.
      const given = (args.keys ?? {}) as Record<string, string>;
      settingsCalls.push({ cmd, args: { settings: args.settings, keysFor: Object.keys(given) } });
      settings = args.settings as Settings;
      for (const [id, key] of Object.entries(given)) keys.set(id, { key, origin: originOf(id) });
      syncMcp();
      return { value: view() };
    }
    case Command.import_mcp_servers: {
      settingsCalls.push({ cmd, args });
      const servers = parseServers(String(args.json ?? ''));
      settings = { ...settings, mcp_servers: { ...settings.mcp_servers, ...servers } };
      syncMcp();
      return { value: view() };
    }
    case Command.mcp_status:
      return { value: mcpStatus() };
    case Command.set_api_key:
      // The key itself is not recorded: only that one was set.
      settingsCalls.push({ cmd, args: { providerId, baseUrl: args.baseUrl } });
      keys.set(providerId, { key: String(args.key), origin: originOf(providerId, args.baseUrl as string | undefined) });
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
    case Command.find_local_servers:
      // The mock's machine runs nothing: the section says so.
      return { value: [] };
    default:
      return undefined;
  }
}
