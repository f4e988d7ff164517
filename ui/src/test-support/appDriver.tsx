// The window driven as a user would, against a fake shell (`fakeBackend`): shared by the tests
// that render the whole app into a DOM.
import { act } from 'react';
import { expect } from 'vitest';
import { App } from '../App';
import type { Event, EventKind } from '../generated/protocol';
import type { AppInfo, ApprovalAnswer, AttachmentUpload, Backend, BudgetAnswer, StartRun } from '../ipc';
import { fakeChecks } from './fakeChecks';
import type { Mounted } from './dom';

/** A shell that records what the window asks of it and sends the events a test gives it. */
export function fakeBackend() {
  let handler: ((events: Event[]) => void) | null = null;
  let release: () => void = () => {};
  const listening = new Promise<void>((resolve) => (release = resolve));
  const calls = {
    started: [] as StartRun[],
    stopped: [] as string[],
    opened: [] as string[],
    approvals: [] as [string, string, ApprovalAnswer][],
    cancelled: [] as [string, string][],
    budgets: [] as [string, BudgetAnswer][],
    checked: [] as AttachmentUpload[][],
    unlistened: 0,
  };
  const backend: Backend = {
    appInfo: async (): Promise<AppInfo> => ({ provider: 'offline', model: 'demo', label: 'Offline demo — no model' }),
    startRun: async (args) => {
      calls.started.push(args);
    },
    checkAttachments: async (files) => {
      calls.checked.push(files);
      return fakeChecks(files);
    },
    stopRun: async (runId) => {
      calls.stopped.push(runId);
    },
    resolveApproval: async (runId, callId, answer) => {
      calls.approvals.push([runId, callId, answer]);
    },
    cancelToolCall: async (runId, callId) => {
      calls.cancelled.push([runId, callId]);
    },
    resolveBudget: async (runId, answer) => {
      calls.budgets.push([runId, answer]);
    },
    openExternal: async (url) => {
      calls.opened.push(url);
    },
    onEvents: async (h) => {
      await listening;
      handler = h;
      return () => {
        calls.unlistened++;
        handler = null;
      };
    },
  };
  const seqs = new Map<string, number>();
  return {
    backend,
    calls,
    /** Lets `onEvents` resolve (the listener is registered). */
    listen: release,
    /** Sends one batch for a run, numbering seq as the shell does. */
    emit(runId: string, ...kinds: EventKind[]) {
      if (!handler) throw new Error('no listener');
      const events = kinds.map((kind): Event => {
        const seq = seqs.get(runId) ?? 0;
        seqs.set(runId, seq + 1);
        return { run_id: runId, seq, t_ms: seq * 100, ...kind };
      });
      handler(events);
    },
  };
}

export type FakeBackend = ReturnType<typeof fakeBackend>;

/** Helpers that render the app into `dom` and type, press and send in its composer. */
export function appDriver(dom: Mounted) {
  const { byTestId } = dom;
  /** Waits for the next animation frame(s) so queued event batches are applied. */
  async function nextFrame() {
    await act(() => new Promise<void>((resolve) => setTimeout(resolve, 40)));
  }

  async function settle() {
    await act(async () => {
      await Promise.resolve();
    });
  }

  function type(text: string) {
    const input = byTestId('composer-input') as HTMLTextAreaElement;
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(input, text);
      input.dispatchEvent(new window.Event('input', { bubbles: true }));
    });
  }

  function press(key: string, init: KeyboardEventInit = {}) {
    const input = byTestId('composer-input')!;
    act(() => {
      input.dispatchEvent(new window.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
    });
  }

  async function startApp() {
    const fake = fakeBackend();
    act(() => dom.root.render(<App backend={fake.backend} />));
    await settle();
    return fake;
  }

  /** The window started with its event listener registered: the composer is usable. */
  async function listeningApp() {
    const fake = await startApp();
    fake.listen();
    await settle();
    return fake;
  }

  /** Types `text` and presses Enter; the run that this started (exactly one). */
  function send(fake: FakeBackend, text: string): StartRun {
    const before = fake.calls.started.length;
    type(text);
    press('Enter');
    expect(fake.calls.started).toHaveLength(before + 1);
    return fake.calls.started[before]!;
  }

  return { nextFrame, settle, type, press, startApp, listeningApp, send };
}
