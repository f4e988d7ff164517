// @vitest-environment happy-dom
// The Settings screen against a fake shell: loading, the write-only key, saving, testing.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { McpServer, McpServerStatus, Settings, SettingsBackend, SettingsView, TestResult } from '../settings/types';
import { isSettingsShortcut } from '../settings/useSettingsShortcut';
import { mountPerTest } from '../test-support/dom';
import { SettingsDialog } from './SettingsDialog';

const KEY = 'sk-proj-VERYSECRET-0123456789-a1b2';

function baseView(): SettingsView {
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
    },
    presets,
    keys: { openai: null, ollama: null },
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

function server(s: Partial<McpServer> = {}): McpServer {
  return { command: '', args: [], env: {}, url: '', headers: {}, enabled: true, disabled_tools: [], ...s };
}

function fakeSettings() {
  let view = baseView();
  const calls = {
    saved: [] as Settings[],
    keys: [] as [string, string][],
    cleared: [] as string[],
    tests: [] as unknown[][],
    imports: [] as string[],
    statusPolls: 0,
  };
  let mcp: McpServerStatus[] = [];
  let importRefusal: unknown = null;
  let testResult: TestResult = { ok: true, code: null, message: 'OpenAI answered with gpt-4o-mini.' };
  const backend: SettingsBackend = {
    get: async () => view,
    save: async (settings) => {
      calls.saved.push(settings);
      view = { ...view, settings };
      return view;
    },
    setApiKey: async (id, key) => {
      calls.keys.push([id, key]);
      view = { ...view, keys: { ...view.keys, [id]: `sk-…${key.slice(-4)}` } };
      return view;
    },
    clearApiKey: async (id) => {
      calls.cleared.push(id);
      view = { ...view, keys: { ...view.keys, [id]: null } };
      return view;
    },
    testConnection: async (...args) => {
      calls.tests.push(args);
      return testResult;
    },
    listModels: async (id) => (id === 'openai' ? ['gpt-4o', 'gpt-4o-mini'] : []),
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
    setView: (v: SettingsView) => (view = v),
    failTestWith: (r: TestResult) => (testResult = r),
  };
}

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
});

afterEach(() => {
  vi.useRealTimers();
});

// After the timers' hooks: mounted with fake timers, unmounted before the real ones come back.
const dom = mountPerTest();
const $ = dom.byTestId;

async function flush() {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(400);
  });
}

async function open(fake = fakeSettings(), onClose = () => {}, onChanged = () => {}) {
  await act(async () => {
    dom.root.render(<SettingsDialog backend={fake.backend} onClose={onClose} onChanged={onChanged} />);
  });
  await flush();
  return fake;
}

function type(input: HTMLInputElement | HTMLSelectElement, value: string) {
  const proto = input instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(input, value);
  input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
}

async function click(el: Element | null) {
  expect(el).not.toBeNull();
  await act(async () => {
    (el as HTMLElement).click();
  });
  await flush();
}

describe('SettingsDialog', () => {
  it('is a labelled dialog showing the default provider, its fields and the key-storage notice', async () => {
    await open();
    const dialog = $('settings-dialog')!;
    expect(dialog.getAttribute('role')).toBe('dialog');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const title = dom.container.querySelector(`#${CSS.escape(dialog.getAttribute('aria-labelledby')!)}`);
    expect(title?.textContent).toBe('Settings');
    expect($<HTMLSelectElement>('settings-provider')!.value).toBe('openai');
    expect($<HTMLInputElement>('settings-base-url')!.value).toBe('https://api.openai.com/v1');
    expect($<HTMLInputElement>('settings-model')!.value).toBe('gpt-4o-mini');
    // Every input has a label.
    for (const input of dom.container.querySelectorAll('input:not([type="checkbox"]), select')) {
      expect(dom.container.querySelector(`label[for="${CSS.escape(input.id)}"]`), input.outerHTML).not.toBeNull();
    }
    expect($('settings-key-storage')!.dataset.storage).toBe('file');
    expect($('settings-key-storage')!.textContent).toContain('/data/api-keys.json');
    // The server's models fill the model picker.
    expect([...$('settings-models')!.querySelectorAll('option')].map((o) => o.getAttribute('value'))).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });

  it('sends a key once, then shows only its mask, with Replace and Clear', async () => {
    const onChanged = vi.fn();
    const fake = await open(fakeSettings(), () => {}, onChanged);
    const input = $<HTMLInputElement>('settings-api-key')!;
    expect(input.type).toBe('password');
    act(() => type(input, KEY));
    await click($('settings-key-save'));
    expect(fake.calls.keys).toEqual([['openai', KEY]]);
    expect(onChanged).toHaveBeenCalled();
    expect($('settings-key-mask')!.textContent).toBe('sk-…a1b2');
    expect($('settings-api-key')).toBeNull();
    expect(dom.container.innerHTML).not.toContain('VERYSECRET');

    await click([...dom.container.querySelectorAll('button')].find((b) => b.textContent === 'Replace')!);
    expect($<HTMLInputElement>('settings-api-key')!.value).toBe('');
    await click([...dom.container.querySelectorAll('button')].find((b) => b.textContent === 'Cancel')!);
    await click($('settings-key-clear'));
    expect(fake.calls.cleared).toEqual(['openai']);
    expect($('settings-key-mask')).toBeNull();
    expect($('settings-api-key')).not.toBeNull();
  });

  it('saves the edited settings', async () => {
    const fake = await open();
    act(() => type($<HTMLInputElement>('settings-model')!, 'gpt-4o'));
    act(() => type($<HTMLSelectElement>('settings-default-provider')!, 'ollama'));
    act(() => type($<HTMLInputElement>('settings-keepalive')!, '2.5'));
    act(() => type($<HTMLInputElement>('settings-idle-timeout')!, '90'));
    act(() => type($<HTMLInputElement>('settings-tool-timeout')!, '120'));
    act(() => type($<HTMLSelectElement>('settings-tool-clock')!, 'never'));
    expect(dom.container.textContent).toContain('Reads a file (needs a workspace folder)');
    act(() => type($<HTMLInputElement>('settings-workspace')!, '/home/me/project'));
    expect(dom.container.textContent).not.toContain('(needs a workspace folder)');
    await click($('settings-allow-private-network'));
    await click($('settings-save'));
    const saved = fake.calls.saved[0]!;
    expect(saved.providers.find((p) => p.id === 'openai')!.model).toBe('gpt-4o');
    expect(saved.default_provider).toBe('ollama');
    expect(saved.keepalive_ms).toBe(2500);
    expect(saved.idle_timeout_s).toBe(90);
    expect(saved.tool_timeout_s).toBe(120);
    expect(saved.tools).toEqual({ calculator: true, clock: false, read_file: true });
    expect(saved.ask_first).toEqual({ calculator: false, clock: false, read_file: false });
    expect(saved.workspace).toBe('/home/me/project');
    expect(saved.allow_private_network).toBe(true);
    expect(dom.container.textContent).toContain('Saved.');
  });

  it('offers Always allow, Ask first and Never per tool, saved as tools and ask_first', async () => {
    const fake = fakeSettings();
    fake.setView({ ...baseView(), settings: { ...baseView().settings, ask_first: { calculator: false, clock: false, read_file: true } } });
    await open(fake);
    const select = (name: string) => $<HTMLSelectElement>(`settings-tool-${name}`)!;
    expect([...select('clock').options].map((o) => [o.value, o.textContent])).toEqual([
      ['always', 'Always allow'],
      ['ask', 'Ask first'],
      ['never', 'Never'],
    ]);
    expect(['calculator', 'clock', 'read_file'].map((n) => select(n).value)).toEqual(['always', 'always', 'ask']);
    // Each select is labelled with its tool's name.
    expect(dom.container.querySelector(`label[for="${CSS.escape(select('clock').id)}"]`)!.textContent).toBe('clock');
    act(() => type(select('calculator'), 'ask'));
    act(() => type(select('clock'), 'never'));
    act(() => type(select('read_file'), 'always'));
    await click($('settings-save'));
    const saved = fake.calls.saved[0]!;
    expect(saved.tools).toEqual({ calculator: true, clock: false, read_file: true });
    expect(saved.ask_first).toEqual({ calculator: true, clock: false, read_file: false });
    expect(['calculator', 'clock', 'read_file'].map((n) => select(n).value)).toEqual(['ask', 'never', 'always']);
  });

  it('shows a refused save', async () => {
    const fake = fakeSettings();
    fake.backend.save = async () => {
      throw { code: 'invalid_request', message: 'the base URL of OpenAI must start with http:// or https://' };
    };
    await open(fake);
    await click($('settings-save'));
    expect(dom.container.querySelector('[role="alert"]')!.textContent).toContain('must start with http');
  });

  it('tests the connection with the fields being edited and shows ✓ or the typed error', async () => {
    const fake = await open();
    act(() => type($<HTMLInputElement>('settings-model')!, 'gpt-4o'));
    await click($('settings-test'));
    expect(fake.calls.tests).toEqual([['openai', 'https://api.openai.com/v1', 'gpt-4o']]);
    expect($('settings-test-result')!.textContent).toBe('✓ OpenAI answered with gpt-4o-mini.');
    expect($('settings-test-result')!.dataset.ok).toBe('true');

    fake.failTestWith({ ok: false, code: 'auth_failed', message: 'The provider rejected the API key (HTTP 401).' });
    await click($('settings-test'));
    expect($('settings-test-result')!.dataset.ok).toBe('false');
    expect($('settings-test-result')!.textContent).toContain('auth_failed');
    expect($('settings-test-result')!.textContent).toContain('rejected the API key');
  });

  it('says when the keychain keeps keys and when the environment chooses the provider', async () => {
    const fake = fakeSettings();
    fake.setView({ ...baseView(), key_storage: 'keychain', key_file: null, env_override: 'TELLTALE_PROVIDER=openai is set' });
    await open(fake);
    expect($('settings-key-storage')!.textContent).toBe('API keys are kept in the system keychain.');
    expect($('settings-env-override')!.textContent).toContain('TELLTALE_PROVIDER');
  });

  it('the offline demo has no URL, model or key fields', async () => {
    await open();
    act(() => type($<HTMLSelectElement>('settings-provider')!, 'offline'));
    await flush();
    expect($('settings-base-url')).toBeNull();
    expect($('settings-api-key')).toBeNull();
    expect($('settings-test')).not.toBeNull();
  });

  it('Esc closes, and Ctrl/Cmd+, is the shortcut that opens it', async () => {
    const onClose = vi.fn();
    await open(fakeSettings(), onClose);
    act(() => {
      $('settings-dialog')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    });
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(isSettingsShortcut({ key: ',', ctrlKey: true, metaKey: false, altKey: false, shiftKey: false })).toBe(true);
    expect(isSettingsShortcut({ key: ',', ctrlKey: false, metaKey: true, altKey: false, shiftKey: false })).toBe(true);
    expect(isSettingsShortcut({ key: ',', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false })).toBe(false);
  });
});

describe('SettingsDialog › MCP servers', () => {
  const CONFIG = JSON.stringify({
    mcpServers: { docs: { command: 'npx', args: ['-y', 'docs-server'] }, web: { url: 'https://mcp.example.com/mcp' } },
  });

  /** A dialog whose saved settings hold the servers `docs` (ready, two tools) and `bad` (failed). */
  async function openWithServers() {
    const fake = fakeSettings();
    const base = baseView();
    fake.setView({
      ...base,
      settings: {
        ...base.settings,
        mcp_servers: { docs: server({ command: 'npx', args: ['docs'] }), bad: server({ command: 'fail' }) },
      },
      mcp: [
        { name: 'bad', state: { state: 'failed', error: 'exited with status 1\nstderr: Cannot find module' } },
        { name: 'docs', state: { state: 'ready', tools: ['docs__search', 'docs__fetch'] } },
      ],
    });
    fake.setMcp([
      { name: 'bad', state: { state: 'failed', error: 'exited with status 1\nstderr: Cannot find module' } },
      { name: 'docs', state: { state: 'ready', tools: ['docs__search', 'docs__fetch'] } },
    ]);
    return open(fake);
  }

  function typeArea(area: HTMLTextAreaElement, value: string) {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(area, value);
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }

  it('lists each server with its status: ready with its tools, failed with the error in monospace', async () => {
    await openWithServers();
    expect($('mcp-status-docs')!.textContent).toBe('Ready · 2 tools');
    expect($('mcp-status-docs')!.dataset.state).toBe('ready');
    expect($('mcp-status-bad')!.textContent).toBe('Failed');
    const error = $('mcp-error-bad')!;
    expect(error.tagName).toBe('PRE');
    expect(error.textContent).toBe('exited with status 1\nstderr: Cannot find module');
    // The switch is a labelled switch; Remove names its server.
    const toggle = $<HTMLInputElement>('mcp-enabled-docs')!;
    expect(toggle.getAttribute('role')).toBe('switch');
    const label = toggle
      .getAttribute('aria-labelledby')!
      .split(' ')
      .map((id) => dom.container.querySelector(`#${CSS.escape(id)}`)!.textContent)
      .join(' ');
    expect(label).toBe('Enabled docs');
    expect($('mcp-remove-docs')!.getAttribute('aria-label')).toBe('Remove docs');
    expect($<HTMLInputElement>('mcp-tool-docs-search')!.checked).toBe(true);
    expect($('mcp-tool-docs-search')!.closest('label')!.textContent).toBe('search');
  });

  it('adds pasted servers (saved by the shell), shows them starting, then what the polls say', async () => {
    const onChanged = vi.fn();
    const fake = await open(fakeSettings(), () => {}, onChanged);
    const area = $<HTMLTextAreaElement>('mcp-import-json')!;
    expect(dom.container.querySelector(`label[for="${CSS.escape(area.id)}"]`)!.textContent).toBe('Add servers');
    expect($<HTMLButtonElement>('mcp-import')!.disabled).toBe(true);
    act(() => typeArea(area, CONFIG));
    await click($('mcp-import'));
    expect(fake.calls.imports).toEqual([CONFIG]);
    expect(onChanged).toHaveBeenCalled();
    expect(area.value).toBe('');
    expect($('mcp-import-done')!.textContent).toBe('Added docs, web.');
    expect($('mcp-status-docs')!.textContent).toBe('Starting…');
    expect($('mcp-server-web')!.textContent).toContain('https://mcp.example.com/mcp');

    fake.setMcp([
      { name: 'docs', state: { state: 'ready', tools: ['docs__search'] } },
      { name: 'web', state: { state: 'failed', error: 'HTTP 404' } },
    ]);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1100);
    });
    expect($('mcp-status-docs')!.textContent).toBe('Ready · 1 tool');
    expect($('mcp-error-web')!.textContent).toBe('HTTP 404');
    // Saving keeps them.
    await click($('settings-save'));
    expect(Object.keys(fake.calls.saved[0]!.mcp_servers)).toEqual(['docs', 'web']);
  });

  it('shows a refused paste inline and keeps the text', async () => {
    const fake = fakeSettings();
    fake.refuseImport({ code: 'invalid_request', message: 'MCP server "x y": a server\'s name may hold only letters, digits, _ and -' });
    await open(fake);
    const area = $<HTMLTextAreaElement>('mcp-import-json')!;
    act(() => typeArea(area, '{"mcpServers": {"x y": {"command": "a"}}}'));
    await click($('mcp-import'));
    const error = $('mcp-import-error')!;
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toContain('may hold only letters');
    expect(area.getAttribute('aria-invalid')).toBe('true');
    expect(area.getAttribute('aria-describedby')).toContain(error.id);
    expect(area.value).toContain('x y');
    expect($('mcp-server-x y')).toBeNull();
  });

  it('turns a server off and a tool off in the draft, saved with Save', async () => {
    const fake = await openWithServers();
    await click($('mcp-enabled-bad'));
    await click($('mcp-tool-docs-fetch'));
    expect($<HTMLInputElement>('mcp-tool-docs-fetch')!.checked).toBe(false);
    expect(dom.container.textContent).toContain('Changes to the servers apply when you save.');
    expect(fake.calls.saved).toEqual([]);
    await click($('settings-save'));
    const saved = fake.calls.saved[0]!.mcp_servers;
    expect(saved.bad!.enabled).toBe(false);
    expect(saved.docs!.enabled).toBe(true);
    expect(saved.docs!.disabled_tools).toEqual(['fetch']);

    // The shell then offers only `search`; the turned-off tool is still listed, unchecked, and back on.
    fake.setMcp([{ name: 'docs', state: { state: 'ready', tools: ['docs__search'] } }]);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1100);
    });
    expect($<HTMLInputElement>('mcp-tool-docs-fetch')!.checked).toBe(false);
    await click($('mcp-tool-docs-fetch'));
    await click($('settings-save'));
    expect(fake.calls.saved[1]!.mcp_servers.docs!.disabled_tools).toEqual([]);
  });

  it('removes a server from the draft; focus stays in the section', async () => {
    const fake = await openWithServers();
    await click($('mcp-remove-bad'));
    expect($('mcp-server-bad')).toBeNull();
    expect(document.activeElement?.textContent).toBe('MCP servers');
    await click($('settings-save'));
    expect(Object.keys(fake.calls.saved[0]!.mcp_servers)).toEqual(['docs']);
  });

  it('asks for the status about once a second while open, and stops when it closes', async () => {
    const fake = await openWithServers();
    const before = fake.calls.statusPolls;
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3100);
    });
    const polled = fake.calls.statusPolls - before;
    expect(polled).toBeGreaterThanOrEqual(2);
    expect(polled).toBeLessThanOrEqual(4);
    act(() => dom.root.unmount());
    dom.root = createRoot(dom.container);
    const after = fake.calls.statusPolls;
    await act(async () => {
      await vi.advanceTimersByTimeAsync(5000);
    });
    expect(fake.calls.statusPolls).toBe(after);
  });
});
