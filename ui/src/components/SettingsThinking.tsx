// Settings › Providers › Extended thinking, for an Anthropic-format provider only: off, or a
// budget of reasoning tokens per step (1024 or more, as Anthropic takes). Saved with the provider
// (crates/config's ProviderEntry.thinking_budget); `telltale run --thinking-budget N` and
// TELLTALE_THINKING_BUDGET override it for one run.
import type { Preset, ProviderEntry } from '../settings/types';
import { SettingsField } from './SettingsField';

/** The least budget Anthropic takes (crates/agent's MIN_THINKING_BUDGET). */
export const MIN_THINKING_BUDGET = 1024;
/** The budget a switch from off starts with. */
export const DEFAULT_THINKING_BUDGET = 4096;

export interface SettingsThinkingProps {
  /** The dialog's id prefix (useId), for the labels. */
  ids: string;
  preset: Preset | undefined;
  entry: ProviderEntry;
  /** The shell's refusal of the budget, shown beside it. */
  error: string | null;
  /** The new budget; undefined: off. */
  onChange: (budget: number | undefined) => void;
}

export function SettingsThinking({ ids, preset, entry, error, onChange }: SettingsThinkingProps) {
  if (preset?.api !== 'anthropic') return null;
  const budget = entry.thinking_budget;
  const on = budget !== undefined && budget !== null;
  const hintId = `${ids}-thinking-hint`;
  const errorId = `${ids}-thinking-error`;
  return (
    <>
      <label className="settings-tool settings-thinking">
        <input
          type="checkbox"
          data-testid="settings-thinking"
          checked={on}
          onChange={(e) => onChange(e.target.checked ? DEFAULT_THINKING_BUDGET : undefined)}
        />
        <span className="settings-tool-name">Extended thinking</span>
        <span className="field-hint">Claude reasons step by step before it answers; its thoughts show in the steps row.</span>
      </label>
      {on && (
        <SettingsField controlId={`${ids}-thinking-budget`} label="Thinking budget (tokens per step)" className="settings-field-inline">
          <input
            id={`${ids}-thinking-budget`}
            data-testid="settings-thinking-budget"
            type="number"
            min={MIN_THINKING_BUDGET}
            step={1024}
            value={budget}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${hintId} ${errorId}` : hintId}
            onChange={(e) => onChange(Math.max(0, Math.round(Number(e.target.value) || 0)))}
          />
        </SettingsField>
      )}
      {on && (
        <p className="field-hint" id={hintId}>
          {MIN_THINKING_BUDGET} tokens or more, on top of the answer's own. <code>--thinking-budget</code> or{' '}
          <code>TELLTALE_THINKING_BUDGET</code> override it for one run.
        </p>
      )}
      {error && (
        <p className="settings-error" role="alert" id={errorId} data-testid="settings-thinking-error">
          {error}
        </p>
      )}
    </>
  );
}
