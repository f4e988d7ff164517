// Settings › Answering: the default provider, the keep-alive interval and the idle timeout.
import type { Settings, SettingsView } from '../settings/types';

export interface SettingsAnsweringProps {
  /** The dialog's id prefix (useId), for the labels. */
  ids: string;
  view: SettingsView;
  draft: Settings;
  edit: (patch: Partial<Settings>) => void;
}

export function SettingsAnswering({ ids, view, draft, edit }: SettingsAnsweringProps) {
  return (
    <section className="settings-section" aria-labelledby={`${ids}-general`}>
      <h3 id={`${ids}-general`}>Answering</h3>
      <div className="settings-field">
        <label htmlFor={`${ids}-default`}>Default provider</label>
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
      </div>
      <div className="settings-field settings-field-inline">
        <label htmlFor={`${ids}-keepalive`}>Keep-alive interval (seconds)</label>
        <input
          id={`${ids}-keepalive`}
          data-testid="settings-keepalive"
          type="number"
          min={0.25}
          max={60}
          step={0.25}
          value={draft.keepalive_ms / 1000}
          onChange={(e) => edit({ keepalive_ms: Math.round(Number(e.target.value) * 1000) })}
        />
      </div>
      <div className="settings-field settings-field-inline">
        <label htmlFor={`${ids}-idle`}>Idle timeout (seconds)</label>
        <input
          id={`${ids}-idle`}
          data-testid="settings-idle-timeout"
          type="number"
          min={5}
          max={3600}
          step={1}
          value={draft.idle_timeout_s}
          onChange={(e) => edit({ idle_timeout_s: Math.round(Number(e.target.value)) })}
        />
      </div>
    </section>
  );
}
