// At start, while the offline demo answers: the model servers found on this computer (Ollama,
// LM Studio, llama.cpp, vLLM), with a button to Settings, where one click uses one.
import { useEffect, useState } from 'react';
import type { LocalServer, SettingsBackend } from '../settings/types';
import './LocalServersBanner.css';

export interface LocalServersBannerProps {
  backend: Pick<SettingsBackend, 'findLocalServers'> | undefined;
  /** Whether the offline demo answers now (a chosen provider needs no suggestion). */
  offline: boolean;
  onOpenSettings: () => void;
}

function describe(server: LocalServer): string {
  const count = server.models.length;
  return `${server.name} (${count} model${count === 1 ? '' : 's'})`;
}

export function LocalServersBanner({ backend, offline, onOpenSettings }: LocalServersBannerProps) {
  const [found, setFound] = useState<LocalServer[]>([]);
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => {
    if (!backend) return;
    let live = true;
    backend.findLocalServers().then(
      (servers) => live && setFound(servers),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [backend]);
  if (!offline || dismissed || found.length === 0) return null;
  return (
    <p className="banner banner-info" data-testid="local-servers-banner">
      Found on this computer: {found.map(describe).join(', ')}.{' '}
      <button type="button" className="link-button" onClick={onOpenSettings}>
        Use one in Settings
      </button>{' '}
      <button type="button" className="link-button" onClick={() => setDismissed(true)}>
        Not now
      </button>
    </p>
  );
}
