// The UI's transport in a browser, against `telltale serve` (docs/http-api.md): the same
// `Backend` as the desktop's Tauri IPC, over fetch with `Authorization: Bearer` and each run's
// events over `EventSource` (events.ts). Settings that only the desktop has (keychain, MCP,
// local model servers) are left out, so the window hides them; so are importing a file and
// continuing a cut-off run, which have no endpoint.
import type { Event } from '../generated/protocol';
import type { ConversationDetail, ExportFormat, HistoryBackend, HistoryStatus, SavedConversation, SearchHit } from '../history/types';
import { readBase64 } from '../attachments/files';
import type { AppInfo, AttachmentCheck, Backend } from '../ipc';
import { followEvents } from './events';

/** What a request that failed says: the server's `{code, message}`, or its status. */
async function failure(response: Response): Promise<Error & { code?: string }> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { code?: string; message?: string };
    if (typeof body.message === 'string') return Object.assign(new Error(body.message), { code: body.code });
  } catch {
    // not JSON: the text itself
  }
  return new Error(text.trim() || `the server answered ${response.status}`);
}

export function httpBackend(token: string): Backend {
  const request = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw await failure(response);
    return response;
  };
  const json = async <T>(path: string): Promise<T> => (await request('GET', path)).json() as Promise<T>;
  const conversation = (id: string) => `/v1/conversations/${encodeURIComponent(id)}`;

  const handlers = new Set<(events: Event[]) => void>();
  const deliver = (events: Event[]) => {
    for (const handler of handlers) handler(events);
  };
  const following = new Map<string, () => void>();
  const follow = (runId: string, afterSeq: number | null) => {
    following.get(runId)?.();
    following.set(runId, followEvents(token, runId, afterSeq, deliver));
  };

  const history: HistoryBackend = {
    status: () => json<HistoryStatus>('/v1/history/status'),
    list: () => json<SavedConversation[]>('/v1/conversations'),
    open: (id) => json<ConversationDetail>(conversation(id)),
    rename: async (id, title) => {
      await request('PATCH', conversation(id), { title });
    },
    show: async (id, runId) => {
      await request('PUT', `${conversation(id)}/shown`, { run_id: runId });
    },
    remove: async (id) => {
      await request('DELETE', conversation(id));
    },
    restore: async (id) => {
      await request('POST', `${conversation(id)}/restore`);
    },
    search: (query) => json<SearchHit[]>(`/v1/search?${new URLSearchParams({ q: query })}`),
    exportConversation: async (id: string, format: ExportFormat) => {
      const response = await request('GET', `${conversation(id)}/export?${new URLSearchParams({ format })}`);
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `telltale-${id}.${format}`;
      const link = document.createElement('a');
      link.href = URL.createObjectURL(await response.blob());
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 0);
      return name;
    },
    importConversation: async () => {
      throw new Error('Importing a conversation is in the desktop app.');
    },
  };

  return {
    appInfo: () => json<AppInfo>('/v1/info'),
    startRun: async ({ conversationId, runId, prompt, parent, attachments }) => {
      const body: Record<string, unknown> = { prompt, conversation_id: conversationId, run_id: runId };
      if (attachments?.length) body.attachments = attachments;
      if (parent?.kind === 'root') body.root = true;
      if (parent?.kind === 'run') body.parent_run_id = parent.run_id;
      await request('POST', '/v1/runs', body);
      follow(runId, null);
    },
    followRun: async (runId, afterSeq) => follow(runId, afterSeq),
    checkAttachments: async (files) => (await request('POST', '/v1/attachments/check', files)).json() as Promise<AttachmentCheck[]>,
    attachmentData: async (conversationId, sha256) => {
      const response = await request('GET', `${conversation(conversationId)}/attachments/${encodeURIComponent(sha256)}`);
      return readBase64(await response.blob());
    },
    runsInProgress: () => json('/v1/runs'),
    stopRun: async (runId) => {
      await request('POST', `/v1/runs/${encodeURIComponent(runId)}/cancel`);
    },
    resolveApproval: async (runId, callId, answer) => {
      const run = encodeURIComponent(runId);
      // A denial carries nothing else (serve refuses arguments or "always" with one).
      const body = answer.approved ? answer : { approved: false };
      await request('POST', `/v1/runs/${run}/approvals/${encodeURIComponent(callId)}`, body);
    },
    cancelToolCall: async (runId, callId) => {
      const run = encodeURIComponent(runId);
      await request('POST', `/v1/runs/${run}/tool-calls/${encodeURIComponent(callId)}/cancel`);
    },
    // telltale serve's runs stop at a budget (an `error` with code `budget`): none waits for an answer.
    resolveBudget: async () => {
      throw new Error('Runs over HTTP stop at their budget; continuing past it is in the desktop app.');
    },
    onEvents: async (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    openExternal: async (url) => {
      if (/^(https?|mailto):/i.test(url)) window.open(url, '_blank', 'noopener,noreferrer');
    },
    history,
  };
}
