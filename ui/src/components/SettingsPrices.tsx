// Settings › Prices: the user's own price per model, in US dollars per million tokens, which wins
// over the table shipped with the app (and is the only price a model the table does not know
// has). Each row is a model name as the provider knows it, what its prompt tokens cost and what
// its answer tokens cost. Rows are kept here while typed; the draft holds the valid ones.
import { useState } from 'react';
import type { Price } from '../generated/ipc';
import type { Settings } from '../settings/types';
import { SettingsSection } from './SettingsSection';
import './SettingsPrices.css';

export interface SettingsPricesProps {
  ids: string;
  draft: Settings;
  edit: (patch: Partial<Settings>) => void;
}

/** One row as typed. */
export interface PriceRow {
  key: number;
  model: string;
  input: string;
  output: string;
}

/** What is wrong with a row, for the user; null when it is a price (or still empty). */
export function rowProblem(row: PriceRow, rows: PriceRow[]): string | null {
  const model = row.model.trim();
  if (model === '' && row.input.trim() === '' && row.output.trim() === '') return null;
  if (model === '') return 'Name the model this price is for.';
  if (rows.some((r) => r.key < row.key && r.model.trim() === model)) return `${model} has a price above already.`;
  for (const [what, text] of [
    ['prompt', row.input],
    ['answer', row.output],
  ] as const) {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
      return `The ${what} price of ${model} must be dollars per million tokens, 0 or more.`;
    }
  }
  return null;
}

/** The prices the rows give: the valid rows, by model name. */
export function pricesOf(rows: PriceRow[]): Record<string, Price> {
  const prices: Record<string, Price> = {};
  for (const row of rows) {
    const model = row.model.trim();
    if (model === '' || rowProblem(row, rows) !== null) continue;
    prices[model] = { input_per_mtok: Number(row.input), output_per_mtok: Number(row.output) };
  }
  return prices;
}

function rowsOf(prices: Record<string, Price>): PriceRow[] {
  return Object.entries(prices).map(([model, p], key) => ({
    key,
    model,
    input: String(p.input_per_mtok),
    output: String(p.output_per_mtok),
  }));
}

/** The model of the default provider, offered as the name of a new row. */
function defaultModel(draft: Settings): string {
  const provider = draft.providers.find((p) => p.id === draft.default_provider);
  return provider?.model?.trim() ?? '';
}

export function SettingsPrices({ ids, draft, edit }: SettingsPricesProps) {
  const [rows, setRows] = useState<PriceRow[]>(() => rowsOf(draft.prices));
  const [nextKey, setNextKey] = useState(rows.length);

  const change = (next: PriceRow[]) => {
    setRows(next);
    edit({ prices: pricesOf(next) });
  };
  const update = (key: number, patch: Partial<PriceRow>) => change(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const add = () => {
    const model = defaultModel(draft);
    const taken = rows.some((r) => r.model.trim() === model);
    change([...rows, { key: nextKey, model: taken ? '' : model, input: '', output: '' }]);
    setNextKey(nextKey + 1);
  };

  return (
    <SettingsSection headingId={`${ids}-prices`} title="Prices">
      <p className="field-hint" id={`${ids}-prices-hint`}>
        US dollars per million tokens. Telltale knows the prices of common OpenAI, Anthropic, Groq, OpenRouter and DeepSeek models; a price
        here wins for its model. Models on this computer cost nothing.
      </p>
      {rows.length > 0 && (
        <table className="settings-prices" data-testid="settings-prices">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Prompt</th>
              <th scope="col">Answer</th>
              <th scope="col">
                <span className="settings-prices-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => {
              const problem = rowProblem(row, rows);
              const errorId = `${ids}-price-${row.key}-error`;
              const described = problem ? errorId : undefined;
              return (
                <tr key={row.key} data-testid="settings-price-row">
                  <td>
                    <input
                      className="text-field"
                      aria-label={`Model ${i + 1}`}
                      data-testid="settings-price-model"
                      value={row.model}
                      placeholder="model name"
                      aria-invalid={problem !== null}
                      aria-describedby={described}
                      onChange={(e) => update(row.key, { model: e.target.value })}
                    />
                    {problem && (
                      <p className="settings-error" role="alert" id={errorId} data-testid="settings-price-error">
                        {problem}
                      </p>
                    )}
                  </td>
                  {(['input', 'output'] as const).map((field) => (
                    <td key={field}>
                      <input
                        className="text-field"
                        type="number"
                        min={0}
                        step={0.01}
                        aria-label={`${field === 'input' ? 'Prompt' : 'Answer'} price of ${row.model.trim() || `model ${i + 1}`}`}
                        data-testid={`settings-price-${field}`}
                        value={row[field]}
                        aria-invalid={problem !== null}
                        aria-describedby={described}
                        onChange={(e) => update(row.key, { [field]: e.target.value })}
                      />
                    </td>
                  ))}
                  <td>
                    <button
                      type="button"
                      className="button"
                      data-testid="settings-price-remove"
                      aria-label={`Remove the price of ${row.model.trim() || `model ${i + 1}`}`}
                      onClick={() => change(rows.filter((r) => r.key !== row.key))}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <button type="button" className="button" data-testid="settings-price-add" onClick={add} aria-describedby={`${ids}-prices-hint`}>
        Add a price
      </button>
    </SettingsSection>
  );
}
