// @vitest-environment happy-dom
// Settings › Prices against a fake shell: a new row is offered the default provider's model; the
// prices typed are saved; a row with a problem says what it is and is not saved; Remove drops a
// price; saved prices come back as rows.
import { describe, expect, it } from 'vitest';
import { baseView, fakeSettings } from '../test-support/fakeSettings';
import { mountSettingsDialog, type } from '../test-support/settingsDialog';
import { pricesOf, rowProblem, type PriceRow } from './SettingsPrices';

const { dom, $, open, click } = mountSettingsDialog();
const all = (id: string) => [...dom.container.querySelectorAll<HTMLInputElement>(`[data-testid="${id}"]`)];

describe('SettingsDialog › Prices', () => {
  it('offers the default model, saves the prices typed, and removes one', async () => {
    const fake = await open(fakeSettings());
    await click($('settings-price-add'));
    expect(all('settings-price-model')[0]!.value).toBe('gpt-4o-mini');
    type(all('settings-price-input')[0]!, '0.15');
    type(all('settings-price-output')[0]!, '0.6');
    await click($('settings-price-add'));
    // The default model has its row: the next row starts empty.
    expect(all('settings-price-model')[1]!.value).toBe('');
    type(all('settings-price-model')[1]!, '  my-local-finetune ');
    type(all('settings-price-input')[1]!, '0');
    type(all('settings-price-output')[1]!, '0');
    await click($('settings-save'));
    expect(fake.calls.saved.at(-1)!.prices).toEqual({
      'gpt-4o-mini': { input_per_mtok: 0.15, output_per_mtok: 0.6 },
      'my-local-finetune': { input_per_mtok: 0, output_per_mtok: 0 },
    });

    await click(all('settings-price-remove')[0]!);
    await click($('settings-save'));
    expect(fake.calls.saved.at(-1)!.prices).toEqual({ 'my-local-finetune': { input_per_mtok: 0, output_per_mtok: 0 } });
  });

  it('says what is wrong with a row and does not save it', async () => {
    const fake = await open(fakeSettings());
    await click($('settings-price-add'));
    type(all('settings-price-input')[0]!, '-1');
    type(all('settings-price-output')[0]!, '2');
    expect($('settings-price-error')!.textContent).toBe('The prompt price of gpt-4o-mini must be dollars per million tokens, 0 or more.');
    expect(all('settings-price-input')[0]!.getAttribute('aria-invalid')).toBe('true');
    await click($('settings-save'));
    expect(fake.calls.saved.at(-1)!.prices).toEqual({});
  });

  it('shows the saved prices as rows', async () => {
    const fake = fakeSettings();
    const view = baseView();
    view.settings.prices = { 'claude-sonnet-4-5': { input_per_mtok: 3, output_per_mtok: 15 } };
    await fake.backend.save(view.settings);
    await open(fake);
    expect(all('settings-price-model').map((i) => i.value)).toEqual(['claude-sonnet-4-5']);
    expect(all('settings-price-output')[0]!.value).toBe('15');
  });
});

describe('price rows', () => {
  const row = (key: number, model: string, input: string, output: string): PriceRow => ({ key, model, input, output });

  it('an empty row is no problem and no price', () => {
    const rows = [row(0, '', '', '')];
    expect(rowProblem(rows[0]!, rows)).toBeNull();
    expect(pricesOf(rows)).toEqual({});
  });

  it('a model named twice keeps its first price and says so on the second', () => {
    const rows = [row(0, 'm', '1', '2'), row(1, ' m ', '3', '4')];
    expect(rowProblem(rows[1]!, rows)).toBe('m has a price above already.');
    expect(pricesOf(rows)).toEqual({ m: { input_per_mtok: 1, output_per_mtok: 2 } });
  });

  it('a price needs a model and two numbers', () => {
    expect(rowProblem(row(0, '', '1', '2'), [])).toBe('Name the model this price is for.');
    expect(rowProblem(row(0, 'm', '1', ''), [])).toMatch(/answer price of m/);
    expect(rowProblem(row(0, 'm', 'x', '1'), [])).toMatch(/prompt price of m/);
  });
});
