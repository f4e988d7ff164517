import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The styles in cascade order: tokens, base, shared buttons and fields; each component then imports its own.
import './theme/tokens.css';
import './base.css';
import './buttons.css';
import './fields.css';
import { App } from './App';
import { httpBackend } from './http/backend';
import { takeToken } from './http/token';
import { insideTauri, noBackend, tauriBackend, type Backend } from './ipc';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

/** The desktop shell's IPC; else, in a page `telltale serve` served, its HTTP API; else nothing. */
function chooseBackend(): Backend {
  if (insideTauri()) return tauriBackend;
  const token = takeToken();
  return token ? httpBackend(token) : noBackend;
}

createRoot(root).render(
  <StrictMode>
    <App backend={chooseBackend()} />
  </StrictMode>,
);
