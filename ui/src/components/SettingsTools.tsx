// Settings › Tools: a checkbox per tool the agent may use (on unless turned off).
import type { Settings, SettingsView } from '../settings/types';

export interface SettingsToolsProps {
  view: SettingsView;
  draft: Settings;
  edit: (patch: Partial<Settings>) => void;
}

export function SettingsTools({ view, draft, edit }: SettingsToolsProps) {
  return (
    <fieldset className="settings-section settings-tools">
      <legend>Tools the agent may use</legend>
      {view.tools.map((tool) => (
        <label key={tool.name} className="settings-tool">
          <input
            type="checkbox"
            data-testid={`settings-tool-${tool.name}`}
            checked={draft.tools[tool.name] ?? true}
            onChange={(e) => edit({ tools: { ...draft.tools, [tool.name]: e.target.checked } })}
          />
          <span className="settings-tool-name">{tool.name}</span>
          <span className="settings-hint">{tool.description}</span>
        </label>
      ))}
    </fieldset>
  );
}
