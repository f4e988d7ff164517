// Settings › Budgets: what one run may use before it pauses and asks whether to go on (the
// window's BudgetCard; the CLI stops with a `budget` error), keeping what it wrote (time, tool
// calls, answer tokens, cost). An empty field is no limit.
import type { Budget } from '../generated/ipc';
import type { Settings } from '../settings/types';
import { SettingsField } from './SettingsField';
import { SettingsSection } from './SettingsSection';

export interface SettingsBudgetsProps {
  ids: string;
  draft: Settings;
  edit: (patch: Partial<Settings>) => void;
}

const LIMITS = [
  { key: 'max_seconds', name: 'max-seconds', label: 'Time (seconds)', step: 1 },
  { key: 'max_tool_calls', name: 'max-tool-calls', label: 'Tool calls', step: 1 },
  { key: 'max_output_tokens', name: 'max-output-tokens', label: 'Answer tokens', step: 1 },
  { key: 'max_cost_usd', name: 'max-cost', label: 'Cost (US dollars; models with a known price)', step: 0.01 },
] as const;

/** The budget with `key` set from a field's text: empty (or not more than 0) is no limit. */
export function withLimit(budget: Budget, key: keyof Budget, text: string): Budget {
  const value = Number(text);
  const limit = text.trim() === '' || !Number.isFinite(value) || value <= 0 ? null : key === 'max_cost_usd' ? value : Math.round(value);
  return { ...budget, [key]: limit };
}

export function SettingsBudgets({ ids, draft, edit }: SettingsBudgetsProps) {
  return (
    <SettingsSection headingId={`${ids}-budgets`} title="Budgets per run">
      {LIMITS.map((l) => (
        <SettingsField key={l.key} controlId={`${ids}-${l.name}`} label={l.label} className="settings-field-inline">
          <input
            id={`${ids}-${l.name}`}
            data-testid={`settings-${l.name}`}
            type="number"
            min={0}
            step={l.step}
            placeholder="no limit"
            value={draft.budget[l.key] ?? ''}
            onChange={(e) => edit({ budget: withLimit(draft.budget, l.key, e.target.value) })}
          />
        </SettingsField>
      ))}
    </SettingsSection>
  );
}
