// Settings › Tools: the workspace folder the file tools work in, whether web_fetch may reach
// private networks, and per tool whether the agent may use it: always, after asking the user
// (each call waits for approval), or never.
import { useId } from 'react';
import { TOOL_POLICIES, toolPolicy, withToolPolicy, type ToolPolicy } from '../settings/toolPolicy';
import type { Settings, SettingsView } from '../settings/types';
import { SettingsField } from './SettingsField';
import './SettingsTools.css';

export interface SettingsToolsProps {
  view: SettingsView;
  draft: Settings;
  edit: (patch: Partial<Settings>) => void;
}

export function SettingsTools({ view, draft, edit }: SettingsToolsProps) {
  const ids = useId();
  const noWorkspace = draft.workspace.trim() === '';
  return (
    <fieldset className="settings-section settings-tools">
      <legend>Tools the agent may use</legend>
      <SettingsField controlId={`${ids}-workspace`} label="Workspace folder">
        <input
          id={`${ids}-workspace`}
          data-testid="settings-workspace"
          type="text"
          spellCheck={false}
          placeholder="/home/you/project"
          value={draft.workspace}
          onChange={(e) => edit({ workspace: e.target.value })}
        />
        <span className="field-hint">
          The file tools list, read and search only inside this folder. Telltale&apos;s own data (history, settings, keys) is never
          readable, even inside it. Leave empty for no file tools.
        </span>
      </SettingsField>
      <label className="settings-tool">
        <input
          type="checkbox"
          data-testid="settings-allow-private-network"
          checked={draft.allow_private_network}
          onChange={(e) => edit({ allow_private_network: e.target.checked })}
        />
        <span className="settings-tool-name">Let web_fetch reach this computer and private networks</span>
        <span className="field-hint">Off: only public internet addresses (not your router, local servers or cloud metadata).</span>
      </label>
      {view.tools.map((tool) => (
        <div key={tool.name} className="settings-tool-row">
          <label className="settings-tool-name" htmlFor={`${ids}-tool-${tool.name}`}>
            {tool.name}
          </label>
          <select
            className="text-field settings-tool-policy"
            id={`${ids}-tool-${tool.name}`}
            data-testid={`settings-tool-${tool.name}`}
            aria-describedby={`${ids}-tool-${tool.name}-hint`}
            value={toolPolicy(draft, tool.name)}
            onChange={(e) => edit(withToolPolicy(draft, tool.name, e.target.value as ToolPolicy))}
          >
            {TOOL_POLICIES.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
          <span className="field-hint" id={`${ids}-tool-${tool.name}-hint`}>
            {tool.description}
            {noWorkspace && tool.needs_workspace ? ' (needs a workspace folder)' : ''}
          </span>
        </div>
      ))}
    </fieldset>
  );
}
