// @vitest-environment happy-dom
// Settings › Models on this computer against a fake shell: each server found is offered with its
// models, and one click on Use makes it the default provider with the model picked (no key).
import { describe, expect, it } from 'vitest';
import { fakeSettings } from '../test-support/fakeSettings';
import { mountSettingsDialog, type } from '../test-support/settingsDialog';

const { dom, $, open, click } = mountSettingsDialog();

const OLLAMA = { name: 'Ollama', preset_id: 'ollama', base_url: 'http://127.0.0.1:11434/v1', models: ['llama3.2', 'qwen2.5:7b'] };

describe('SettingsDialog › Models on this computer', () => {
  it('offers each server found with its models, and Use makes it the default once saved', async () => {
    const fake = fakeSettings();
    let asked = 0;
    fake.backend.findLocalServers = async () => {
      asked += 1;
      return [OLLAMA];
    };
    await open(fake);
    expect(asked).toBe(1);
    const rows = dom.container.querySelectorAll('[data-testid="local-server"]');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.textContent).toContain('Ollama · http://127.0.0.1:11434/v1');
    const options = [...rows[0]!.querySelectorAll('option')].map((o) => o.value);
    expect(options).toEqual(['llama3.2', 'qwen2.5:7b']);

    type(rows[0]!.querySelector('select')!, 'qwen2.5:7b');
    await click($('local-server-use'));
    expect($('local-server-use')!.textContent).toBe('In use');
    await click($('settings-save'));
    const saved = fake.calls.saved.at(-1)!;
    expect(saved.default_provider).toBe('ollama');
    expect(saved.providers.find((p) => p.id === 'ollama')).toEqual({ id: 'ollama', base_url: OLLAMA.base_url, model: 'qwen2.5:7b' });
    expect(fake.calls.keys).toEqual([]);
  });

  it('says so when no server answers', async () => {
    await open(fakeSettings());
    expect($('local-servers-none')!.textContent).toContain('Ollama on port 11434');
    expect($('local-server')).toBeNull();
  });
});
