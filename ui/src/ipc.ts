// Every call into the Tauri shell goes through here; components and tests use `Backend`.
import { invoke } from '@tauri-apps/api/core';
import { getCurrentWebviewWindow } from '@tauri-apps/api/webviewWindow';
import type { Event } from './generated/protocol';

/** The Tauri event that carries `Event[]` batches to the window that started the run. */
export const EVENTS_CHANNEL = 'telltale://events';

/** The Tauri event that carries native menu actions (e.g. `"new_chat"`) to the window. */
export const MENU_CHANNEL = 'telltale://menu';

export interface AppInfo {
  provider: string;
  model: string;
  /** For the header, e.g. "Offline demo — no model". */
  label: string;
}

export interface StartRun {
  conversationId: string;
  runId: string;
  prompt: string;
}

export interface Backend {
  appInfo(): Promise<AppInfo>;
  startRun(args: StartRun): Promise<void>;
  stopRun(runId: string): Promise<void>;
  /** Resolves once the listener is registered, with the function that removes it. */
  onEvents(handler: (events: Event[]) => void): Promise<() => void>;
  /** Opens an http(s) or mailto link in the system's browser or mail app, never in the window. */
  openExternal(url: string): Promise<void>;
  /** Native menu actions; resolves with the function that removes the listener. */
  onMenu?(handler: (action: string) => void): Promise<() => void>;
}

export function insideTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

export const tauriBackend: Backend = {
  appInfo: () => invoke<AppInfo>('app_info'),
  startRun: async ({ conversationId, runId, prompt }) => {
    await invoke<null>('start_run', { conversationId, runId, prompt });
  },
  stopRun: async (runId) => {
    await invoke<null>('stop_run', { runId });
  },
  onEvents: (handler) =>
    getCurrentWebviewWindow().listen<Event[]>(EVENTS_CHANNEL, (message) => handler(message.payload)),
  openExternal: async (url) => {
    await invoke<null>('open_external', { url });
  },
  onMenu: (handler) => getCurrentWebviewWindow().listen<string>(MENU_CHANNEL, (message) => handler(message.payload)),
};

/** Stands in outside the shell (e.g. `npm run ui:dev` in a browser): says so, runs nothing. */
export const noBackend: Backend = {
  appInfo: async () => ({ provider: 'none', model: 'none', label: 'Not connected — open in the Telltale app' }),
  startRun: async () => {
    throw new Error('Not connected to the Telltale app, so nothing can run here.');
  },
  stopRun: async () => {},
  onEvents: async () => () => {},
  openExternal: async (url) => {
    window.open(url, '_blank', 'noopener,noreferrer');
  },
};

/** Why a call failed, in words for the user. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'Something went wrong talking to the app.';
}
