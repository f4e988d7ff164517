// @vitest-environment happy-dom
// Settings › Budgets per run against a fake shell: the limits typed are saved; an empty field is
// no limit.
import { describe, expect, it } from 'vitest';
import { fakeSettings } from '../test-support/fakeSettings';
import { mountSettingsDialog, type } from '../test-support/settingsDialog';

const { $, open, click } = mountSettingsDialog();

describe('SettingsDialog › Budgets per run', () => {
  it('saves the limits typed, and an emptied field as no limit', async () => {
    const fake = await open(fakeSettings());
    type($<HTMLInputElement>('settings-max-seconds')!, '90');
    type($<HTMLInputElement>('settings-max-cost')!, '0.25');
    type($<HTMLInputElement>('settings-max-tool-calls')!, '12');
    type($<HTMLInputElement>('settings-max-tool-calls')!, '');
    await click($('settings-save'));
    expect(fake.calls.saved.at(-1)!.budget).toEqual({ max_seconds: 90, max_tool_calls: null, max_output_tokens: null, max_cost_usd: 0.25 });
  });
});
