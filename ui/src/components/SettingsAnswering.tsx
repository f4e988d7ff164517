// Settings › Answering: the default provider, the keep-alive interval, the idle timeout and the
// time limit of one tool call.
import type { Settings, SettingsView } from '../settings/types';
import { SettingsField } from './SettingsField';
import { SettingsSection } from './SettingsSection';

export interface SettingsAnsweringProps {
  /** The dialog's id prefix (useId), for the labels. */
  ids: string;
  view: SettingsView;
  draft: Settings;
  edit: (patch: Partial<Settings>) => void;
}

/** The timings, edited in seconds: the setting `key` holds `perSecond` of its units in a second. */
const TIMINGS = [
  { key: 'keepalive_ms', name: 'keepalive', label: 'Keep-alive interval', min: 0.25, max: 60, step: 0.25, perSecond: 1000 },
  { key: 'idle_timeout_s', name: 'idle-timeout', label: 'Idle timeout', min: 5, max: 3600, step: 1, perSecond: 1 },
  { key: 'tool_timeout_s', name: 'tool-timeout', label: 'Time limit per tool call', min: 1, max: 3600, step: 1, perSecond: 1 },
] as const;

export function SettingsAnswering({ ids, view, draft, edit }: SettingsAnsweringProps) {
  return (
    <SettingsSection headingId={`${ids}-general`} title="Answering">
      <SettingsField controlId={`${ids}-default`} label="Default provider">
        <select
          id={`${ids}-default`}
          data-testid="settings-default-provider"
          value={draft.default_provider}
          onChange={(e) => edit({ default_provider: e.target.value })}
        >
          {view.presets.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </SettingsField>
      {TIMINGS.map((t) => (
        <SettingsField key={t.key} controlId={`${ids}-${t.name}`} label={`${t.label} (seconds)`} className="settings-field-inline">
          <input
            id={`${ids}-${t.name}`}
            data-testid={`settings-${t.name}`}
            type="number"
            min={t.min}
            max={t.max}
            step={t.step}
            value={draft[t.key] / t.perSecond}
            onChange={(e) => edit({ [t.key]: Math.round(Number(e.target.value) * t.perSecond) })}
          />
        </SettingsField>
      ))}
    </SettingsSection>
  );
}
