// @vitest-environment happy-dom
// Settings › MCP servers against a fake shell: each server's status, pasting a claude_desktop_config
// block, servers and tools turned off, Remove, and the status polled while the dialog is open.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it, vi } from 'vitest';
import { baseView, fakeSettings, server } from '../test-support/fakeSettings';
import { mountSettingsDialog } from '../test-support/settingsDialog';

const { dom, $, open, click } = mountSettingsDialog();

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
