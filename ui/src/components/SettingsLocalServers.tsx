// Settings › Models on this computer: the OpenAI-compatible servers found on their usual ports
// (Ollama, LM Studio, llama.cpp, vLLM) each time Settings opens, with their models; "Use" makes
// one the default provider with the model picked (no key needed), saved with the settings.
import { useEffect, useState } from 'react';
import type { LocalServer } from '../generated/ipc';
import type { Settings, SettingsBackend } from '../settings/types';
import { SettingsSection } from './SettingsSection';
import './SettingsLocalServers.css';

export interface SettingsLocalServersProps {
  ids: string;
  backend: Pick<SettingsBackend, 'findLocalServers'>;
  draft: Settings;
  edit: (patch: Partial<Settings>) => void;
}

/** The settings with `server` as the default provider, answering with `model`. */
export function usingLocalServer(draft: Settings, server: LocalServer, model: string): Partial<Settings> {
  return {
    default_provider: server.preset_id,
    providers: draft.providers.map((p) => (p.id === server.preset_id ? { ...p, base_url: server.base_url, model } : p)),
  };
}

export function SettingsLocalServers({ ids, backend, draft, edit }: SettingsLocalServersProps) {
  const [found, setFound] = useState<LocalServer[] | null>(null);
  const [picked, setPicked] = useState<Record<string, string>>({});
  useEffect(() => {
    let live = true;
    backend.findLocalServers().then(
      (servers) => live && setFound(servers),
      () => live && setFound([]),
    );
    return () => {
      live = false;
    };
  }, [backend]);

  const inUse = (server: LocalServer) =>
    draft.default_provider === server.preset_id && draft.providers.some((p) => p.id === server.preset_id && p.base_url === server.base_url);

  return (
    <SettingsSection headingId={`${ids}-local`} title="Models on this computer">
      {found === null && <p className="field-hint">Looking for Ollama, LM Studio, llama.cpp and vLLM on this computer…</p>}
      {found?.length === 0 && (
        <p className="field-hint" data-testid="local-servers-none">
          No model server answers on this computer (Ollama on port 11434, LM Studio on 1234, llama.cpp on 8080, vLLM on 8000).
        </p>
      )}
      {found?.map((server) => {
        const model = picked[server.base_url] ?? server.models[0] ?? '';
        return (
          <div className="local-server" key={server.base_url} data-testid="local-server">
            <span>
              {server.name} · {server.base_url}
            </span>
            <select
              aria-label={`Model of ${server.name}`}
              value={model}
              onChange={(e) => setPicked((p) => ({ ...p, [server.base_url]: e.target.value }))}
            >
              {server.models.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button button-small"
              data-testid="local-server-use"
              onClick={() => edit(usingLocalServer(draft, server, model))}
            >
              {inUse(server) ? 'In use' : 'Use'}
            </button>
          </div>
        );
      })}
    </SettingsSection>
  );
}
