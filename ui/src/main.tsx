import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The styles in cascade order: tokens, base, shared buttons and fields; each component then imports its own.
import './theme/tokens.css';
import './base.css';
import './buttons.css';
import './fields.css';
import { App } from './App';
import { insideTauri, noBackend, tauriBackend } from './ipc';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <App backend={insideTauri() ? tauriBackend : noBackend} />
  </StrictMode>,
);
