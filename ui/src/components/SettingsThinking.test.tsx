// @vitest-environment happy-dom
// Settings › Providers › Extended thinking against a fake shell: shown for the Anthropic-format
// provider only, off or a budget, saved with that provider; the shell's refusal of a budget under
// 1024 tokens is shown beside the field.
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { SettingsView } from '../settings/types';
import { baseView, fakeSettings } from '../test-support/fakeSettings';
import { mountSettingsDialog, type } from '../test-support/settingsDialog';

const { dom, $, open, click } = mountSettingsDialog();

/** The fake shell's view with Anthropic's preset and provider (thinking off). */
function withAnthropic(): SettingsView {
  const view = baseView();
  return {
    ...view,
    presets: [
      ...view.presets,
      { id: 'anthropic', name: 'Anthropic', api: 'anthropic', base_url: 'https://api.anthropic.com', needs_key: true },
    ],
    settings: {
      ...view.settings,
      providers: [...view.settings.providers, { id: 'anthropic', base_url: 'https://api.anthropic.com', model: 'claude-sonnet-4-5' }],
    },
    keys: { ...view.keys, anthropic: null },
    key_origins: { ...view.key_origins, anthropic: null },
  };
}

async function openAnthropic() {
  const fake = fakeSettings();
  fake.setView(withAnthropic());
  await open(fake);
  act(() => type($<HTMLSelectElement>('settings-provider')!, 'anthropic'));
  return fake;
}

const anthropicSaved = (fake: ReturnType<typeof fakeSettings>) => fake.calls.saved.at(-1)!.providers.find((p) => p.id === 'anthropic')!;

describe('SettingsDialog › Extended thinking', () => {
  it('is offered for the Anthropic-format provider only', async () => {
    const fake = fakeSettings();
    fake.setView(withAnthropic());
    await open(fake);
    expect($<HTMLSelectElement>('settings-provider')!.value).toBe('openai');
    expect($('settings-thinking')).toBeNull();
    act(() => type($<HTMLSelectElement>('settings-provider')!, 'ollama'));
    expect($('settings-thinking')).toBeNull();
    act(() => type($<HTMLSelectElement>('settings-provider')!, 'anthropic'));
    expect($<HTMLInputElement>('settings-thinking')!.checked).toBe(false);
    expect($('settings-thinking-budget')).toBeNull();
  });

  it('saves a budget typed, and off as no budget', async () => {
    const fake = await openAnthropic();
    await click($('settings-thinking'));
    const budget = $<HTMLInputElement>('settings-thinking-budget')!;
    expect(budget.value).toBe('4096');
    expect(dom.container.querySelector(`label[for="${CSS.escape(budget.id)}"]`)?.textContent).toBe('Thinking budget (tokens per step)');
    act(() => type(budget, '8192'));
    await click($('settings-save'));
    expect(anthropicSaved(fake).thinking_budget).toBe(8192);
    // The other providers carry none.
    expect(
      fake.calls.saved
        .at(-1)!
        .providers.filter((p) => p.thinking_budget !== undefined)
        .map((p) => p.id),
    ).toEqual(['anthropic']);

    await click($('settings-thinking'));
    expect($('settings-thinking-budget')).toBeNull();
    await click($('settings-save'));
    expect(anthropicSaved(fake).thinking_budget).toBeUndefined();
  });

  it("shows the shell's refusal of a budget beside the field until it is changed", async () => {
    const fake = await openAnthropic();
    await click($('settings-thinking'));
    act(() => type($<HTMLInputElement>('settings-thinking-budget')!, '512'));
    const message = 'the extended thinking budget of Anthropic must be 1024 tokens or more (512 is too few), or turned off';
    fake.refuseSave({ code: 'invalid_thinking_budget', message, provider: 'anthropic' });
    // Saved from another provider in view: Anthropic comes into view with the error.
    act(() => type($<HTMLSelectElement>('settings-provider')!, 'openai'));
    await click($('settings-save'));
    expect($<HTMLSelectElement>('settings-provider')!.value).toBe('anthropic');
    const budget = $<HTMLInputElement>('settings-thinking-budget')!;
    expect(budget.value).toBe('512');
    expect(budget.getAttribute('aria-invalid')).toBe('true');
    const error = $('settings-thinking-error')!;
    expect(error.textContent).toBe(message);
    expect(error.getAttribute('role')).toBe('alert');
    expect(budget.getAttribute('aria-describedby')!.split(' ')).toContain(error.id);
    expect(dom.container.textContent).toContain('Not saved: see Anthropic above.');

    act(() => type(budget, '2048'));
    expect($('settings-thinking-error')).toBeNull();
    expect(budget.getAttribute('aria-invalid')).toBeNull();
  });
});
