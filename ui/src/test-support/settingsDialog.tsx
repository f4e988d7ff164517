// Shared by the Settings dialog's tests (SettingsDialog.test.tsx, SettingsMcp.test.tsx): the
// dialog mounted per test against a fake shell (fakeSettings.ts), with fake timers, and the ways a
// test drives it.
import { act } from 'react';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { SettingsDialog } from '../components/SettingsDialog';
import { mountPerTest } from './dom';
import { fakeSettings } from './fakeSettings';

/**
 * Registers the calling test file's hooks (call it at the top level): fake timers before each
 * test, then a fresh container; returns the mount and what opens and drives the dialog.
 */
export function mountSettingsDialog() {
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

  async function click(el: Element | null) {
    expect(el).not.toBeNull();
    await act(async () => {
      (el as HTMLElement).click();
    });
    await flush();
  }

  return { dom, $, flush, open, click };
}

/** Sets an input's or a select's value as the user does, so React sees it. */
export function type(input: HTMLInputElement | HTMLSelectElement, value: string) {
  const proto = input instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(input, value);
  input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
}
