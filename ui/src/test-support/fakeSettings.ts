// Shared by the Settings dialog's tests: the settings a shell would hold (three providers, three
// tools) and a fake settings backend that keeps what it is sent and answers as the shell does.
import type { McpServer, McpServerStatus, Settings, SettingsBackend, SettingsView, TestResult } from '../settings/types';

export function baseView(): SettingsView {
  const presets = [
    { id: 'offline', name: 'Offline demo', api: 'offline' as const, base_url: '', needs_key: false },
    { id: 'openai', name: 'OpenAI', api: 'openai' as const, base_url: 'https://api.openai.com/v1', needs_key: true },
    { id: 'ollama', name: 'Ollama', api: 'openai' as const, base_url: 'http://127.0.0.1:11434/v1', needs_key: false },
  ];
  return {
    settings: {
      version: 1,
      default_provider: 'openai',
      providers: [
        { id: 'offline', base_url: '', model: 'offline-demo' },
        { id: 'openai', base_url: 'https://api.openai.com/v1', model: 'gpt-4o-mini' },
        { id: 'ollama', base_url: 'http://127.0.0.1:11434/v1', model: '' },
      ],
      keepalive_ms: 1000,
      idle_timeout_s: 60,
      tool_timeout_s: 30,
      tools: { calculator: true, clock: true, read_file: true },
      ask_first: { calculator: false, clock: false, read_file: false },
      workspace: '',
      allow_private_network: false,
      mcp_servers: {},
      prices: {},
      budget: { max_seconds: null, max_tool_calls: null, max_output_tokens: null, max_cost_usd: null },
    },
    presets,
    keys: { openai: null, ollama: null },
    key_origins: { openai: null, ollama: null },
    key_storage: 'file',
    key_file: '/data/api-keys.json',
    tools: [
      { name: 'calculator', description: 'Arithmetic', needs_workspace: false },
      { name: 'clock', description: 'The time', needs_workspace: false },
      { name: 'read_file', description: 'Reads a file', needs_workspace: true },
    ],
    mcp: [],
    env_override: null,
    active_label: 'gpt-4o-mini via OpenAI',
  };
}

export function server(s: Partial<McpServer> = {}): McpServer {
  return { command: '', args: [], env: {}, url: '', headers: {}, enabled: true, disabled_tools: [], ...s };
}

export function fakeSettings() {
  let view = baseView();
  const calls = {
    saved: [] as Settings[],
    /** The keys each save carried. */
    savedKeys: [] as (Record<string, string> | undefined)[],
    keys: [] as [string, string, string | undefined][],
    cleared: [] as string[],
    tests: [] as unknown[][],
    imports: [] as string[],
    statusPolls: 0,
  };
  let mcp: McpServerStatus[] = [];
  let importRefusal: unknown = null;
  let saveRefusal: unknown = null;
  let testResult: TestResult = { ok: true, code: null, message: 'OpenAI answered with gpt-4o-mini.' };
  const backend: SettingsBackend = {
    get: async () => view,
    save: async (settings, keys) => {
      calls.saved.push(settings);
      calls.savedKeys.push(keys);
      if (saveRefusal) throw saveRefusal;
      view = { ...view, settings };
      return view;
    },
    setApiKey: async (id, key, baseUrl) => {
      calls.keys.push([id, key, baseUrl]);
      const origin = new URL(baseUrl ?? view.settings.providers.find((p) => p.id === id)!.base_url).origin;
      view = { ...view, keys: { ...view.keys, [id]: `sk-…${key.slice(-4)}` }, key_origins: { ...view.key_origins, [id]: origin } };
      return view;
    },
    clearApiKey: async (id) => {
      calls.cleared.push(id);
      view = { ...view, keys: { ...view.keys, [id]: null }, key_origins: { ...view.key_origins, [id]: null } };
      return view;
    },
    testConnection: async (...args) => {
      calls.tests.push(args);
      return testResult;
    },
    listModels: async (id) => (id === 'openai' ? ['gpt-4o', 'gpt-4o-mini'] : []),
    findLocalServers: async () => [],
    importMcpServers: async (json) => {
      calls.imports.push(json);
      if (importRefusal) throw importRefusal;
      const pasted = (JSON.parse(json) as { mcpServers: Record<string, Partial<McpServer>> }).mcpServers;
      const added = Object.fromEntries(Object.entries(pasted).map(([name, s]) => [name, server(s)]));
      mcp = [
        ...mcp.filter((m) => !(m.name in added)),
        ...Object.keys(added).map((name) => ({ name, state: { state: 'starting' as const } })),
      ];
      view = { ...view, settings: { ...view.settings, mcp_servers: { ...view.settings.mcp_servers, ...added } }, mcp };
      return view;
    },
    mcpStatus: async () => {
      calls.statusPolls++;
      return mcp;
    },
  };
  return {
    backend,
    calls,
    setMcp: (list: McpServerStatus[]) => (mcp = list),
    refuseImport: (error: unknown) => (importRefusal = error),
    /** Every later save is refused with `error` (null: saves again). */
    refuseSave: (error: unknown) => (saveRefusal = error),
    setView: (v: SettingsView) => (view = v),
    failTestWith: (r: TestResult) => (testResult = r),
  };
}
