// @vitest-environment happy-dom
// The Settings screen against a fake shell: loading, the write-only key, saving, testing (its MCP
// servers: SettingsMcp.test.tsx).
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { isSettingsShortcut } from '../settings/useSettingsShortcut';
import { baseView, fakeSettings } from '../test-support/fakeSettings';
import { mountSettingsDialog, type } from '../test-support/settingsDialog';

const KEY = 'sk-proj-VERYSECRET-0123456789-a1b2';

const { dom, $, flush, open, click } = mountSettingsDialog();

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
    // Stored for the base URL on screen, the only origin it is sent to.
    expect(fake.calls.keys).toEqual([['openai', KEY, 'https://api.openai.com/v1']]);
    expect(onChanged).toHaveBeenCalled();
    expect($('settings-key-mask')!.textContent).toBe('sk-…a1b2');
    expect($('settings-key-origin')!.textContent).toBe('Sent only to https://api.openai.com, the address it was entered for.');
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

  it('shows a refused base URL beside that provider’s field, bringing it into view', async () => {
    const fake = fakeSettings();
    const message = 'the base URL of Ollama must start with https://: http://192.168.1.20:11434 is another computer';
    fake.backend.save = async () => {
      throw { code: 'insecure_base_url', message, provider: 'ollama' };
    };
    await open(fake);
    expect($<HTMLSelectElement>('settings-provider')!.value).toBe('openai');
    await click($('settings-save'));
    expect($<HTMLSelectElement>('settings-provider')!.value).toBe('ollama');
    expect($('settings-base-url-error')!.textContent).toBe(message);
    expect($('settings-base-url')!.getAttribute('aria-invalid')).toBe('true');
    expect(dom.container.querySelector('.settings-footer')!.textContent).toContain('Not saved: see Ollama above.');
    // Another provider does not show it; editing the field clears it.
    act(() => type($<HTMLSelectElement>('settings-provider')!, 'openai'));
    expect($('settings-base-url-error')).toBeNull();
    act(() => type($<HTMLSelectElement>('settings-provider')!, 'ollama'));
    expect($('settings-base-url-error')).not.toBeNull();
    act(() => type($<HTMLInputElement>('settings-base-url')!, 'https://192.168.1.20/v1'));
    expect($('settings-base-url-error')).toBeNull();
  });

  it('asks for the key again when the base URL moves to another origin, and saves it with the settings', async () => {
    const fake = fakeSettings();
    const message = 'the API key for OpenAI was entered for https://api.openai.com; enter it again for https://proxy.example';
    const save = fake.backend.save;
    let refuse = true;
    fake.backend.save = async (settings, keys) => {
      if (refuse && !keys?.openai) throw { code: 'key_for_another_origin', message, provider: 'openai' };
      return save(settings, keys);
    };
    await open(fake);
    act(() => type($<HTMLInputElement>('settings-api-key')!, KEY));
    await click($('settings-key-save'));
    act(() => type($<HTMLSelectElement>('settings-provider')!, 'ollama'));
    act(() => type($<HTMLSelectElement>('settings-provider')!, 'openai'));
    act(() => type($<HTMLInputElement>('settings-base-url')!, 'https://proxy.example/v1'));
    await click($('settings-save'));
    // Not saved: the key field opens with the reason beside it.
    expect(fake.calls.saved).toEqual([]);
    expect($('settings-key-error')!.textContent).toBe(message);
    expect($<HTMLInputElement>('settings-api-key')!.getAttribute('aria-invalid')).toBe('true');
    expect(dom.container.querySelector('.settings-footer')!.textContent).toContain('Not saved: see OpenAI above.');
    // The key typed there goes with the next save, for the new base URL, and leaves the page.
    act(() => type($<HTMLInputElement>('settings-api-key')!, KEY));
    refuse = false;
    await click($('settings-save'));
    expect(fake.calls.savedKeys).toEqual([{ openai: KEY }]);
    expect(fake.calls.saved[0]!.providers.find((p) => p.id === 'openai')!.base_url).toBe('https://proxy.example/v1');
    expect($('settings-key-error')).toBeNull();
    expect($('settings-key-mask')).not.toBeNull();
    expect(dom.container.innerHTML).not.toContain('VERYSECRET');
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
