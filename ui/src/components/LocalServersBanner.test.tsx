// @vitest-environment happy-dom
// The banner at start: the servers found on this computer, only while the offline demo answers.
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { mountPerTest } from '../test-support/dom';
import type { LocalServer } from '../settings/types';
import { LocalServersBanner } from './LocalServersBanner';

const dom = mountPerTest();

const found: LocalServer[] = [
  { name: 'Ollama', preset_id: 'ollama', base_url: 'http://127.0.0.1:11434/v1', models: ['llama3.2', 'qwen2.5:7b'] },
  { name: 'LM Studio', preset_id: 'lmstudio', base_url: 'http://127.0.0.1:1234/v1', models: ['phi-4'] },
];

async function render(offline: boolean, servers = found) {
  let opened = 0;
  const backend = { findLocalServers: async () => servers };
  await act(async () => {
    dom.root.render(<LocalServersBanner backend={backend} offline={offline} onOpenSettings={() => (opened += 1)} />);
  });
  return () => opened;
}

describe('LocalServersBanner', () => {
  it('offers the servers found while the offline demo answers, and opens Settings', async () => {
    const opened = await render(true);
    const banner = dom.byTestId('local-servers-banner')!;
    expect(banner.textContent).toContain('Found on this computer: Ollama (2 models), LM Studio (1 model).');
    await act(async () => banner.querySelector('button')!.click());
    expect(opened()).toBe(1);
    await act(async () => banner.querySelectorAll('button')[1]!.click());
    expect(dom.byTestId('local-servers-banner')).toBeNull();
  });

  it('stays away when a provider is chosen or nothing was found', async () => {
    await render(false);
    expect(dom.byTestId('local-servers-banner')).toBeNull();
    await render(true, []);
    expect(dom.byTestId('local-servers-banner')).toBeNull();
  });
});
