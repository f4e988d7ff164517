// The window with the Tauri shell mocked (`@tauri-apps/api/mocks`), for the headless Chromium
// tests. Only the mock build (`vite build --mode mock`, into ui/dist-mock) loads this: there
// vite.config.ts makes index.html load it in place of src/main.tsx; the production bundle carries none of it.
//
// The page answers `app_info`, records `start_run`/`stop_run`/`open_external`, and lets the test
// drive a run through `window.__telltaleMock`: send event batches over the run's channel (seq and
// t_ms filled in as the shell does), or stream a long answer at a given rate. Some prompts play a
// scripted run by themselves (scripted.ts: a write_file call that asks first, a slow web_fetch);
// `resolve_approval` and `cancel_tool_call` answer as the shell does (toolCalls.ts); `resolve_budget`
// is recorded, and the test sends what the run does next. Files are checked as the tests' fake
// shell checks them (test-support/fakeChecks.ts); the Attach dialog hands over `pickable`.
import type { Channel } from '@tauri-apps/api/core';
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import type { Event, EventKind } from '../generated/protocol';
import type { AttachmentUpload, StartRun } from '../ipc';
import { fakeChecks } from '../test-support/fakeChecks';
import { historyCalls, historyCommand, recordEvents, recordRun } from './history';
import { playScript, stopScript } from './scripted';
import { settingsCalls, settingsCommand } from './settings';
import { approvalCalls, cancelCalls, cancelToolCall, observe, resolveApproval } from './toolCalls';
import { Command } from '../generated/ipc';
import type { AppInfo } from '../generated/ipc';

interface StreamOptions {
  tokensPerSecond: number;
  /** Milliseconds between batches (the shell sends at most one per frame). */
  batchMs?: number;
  /** Send `run_finished` after the last token. */
  finish?: boolean;
}

interface StreamReport {
  tokens: number;
  batches: number;
  elapsedMs: number;
  /** Milliseconds each batch's delivery took on the main thread (the window applies it and renders). */
  batchCosts: number[];
  /** When each batch was sent (performance.now()). */
  batchAt: number[];
}

const started: StartRun[] = [];
/** Each started run's event channel, as `start_run` got it. */
const channels = new Map<string, Channel<Event[]>>();

/** Delivers a batch as the shell's channel does: synchronously, to the channel's handler. */
function send(runId: string, events: Event[]): void {
  const channel = channels.get(runId);
  if (!channel) throw new Error(`mock shell: no run ${runId} was started`);
  observe(events);
  recordEvents(events);
  channel.onmessage(events);
}
const stopped: string[] = [];
const opened: string[] = [];
const budgetAnswers: [string, unknown][] = [];
const seqs = new Map<string, number>();
const clocks = new Map<string, number>();
let autoFinishOnStop = true;

function nextEvents(runId: string, kinds: readonly (EventKind & { t_ms?: number })[]): Event[] {
  return kinds.map((kind) => {
    const seq = seqs.get(runId) ?? 0;
    seqs.set(runId, seq + 1);
    const t = kind.t_ms ?? (clocks.get(runId) ?? 0) + 5;
    clocks.set(runId, t);
    return { ...kind, run_id: runId, seq, t_ms: t } as Event;
  });
}

const api = {
  /** The files the Attach button's dialog (`pick_attachments`) hands over; a test sets them. */
  pickable: [] as AttachmentUpload[],
  historyCalls,
  settingsCalls,
  approvalCalls,
  cancelCalls,
  budgetAnswers,
  started,
  stopped,
  opened,
  /** The run the window started last. */
  lastRun(): StartRun | undefined {
    return started[started.length - 1];
  },
  /** Sends one batch for a run; `t_ms` defaults to 5 ms after the previous event. */
  async emit(runId: string, kinds: (EventKind & { t_ms?: number })[]): Promise<void> {
    send(runId, nextEvents(runId, kinds));
  },
  /** Whether `stop_run` answers with `run_finished {cancelled}` (as the shell does). */
  setAutoFinishOnStop(on: boolean): void {
    autoFinishOnStop = on;
  },
  /** Streams `tokens` as `token` events, batched every `batchMs`, at `tokensPerSecond`. */
  stream(runId: string, tokens: readonly string[], options: StreamOptions): Promise<StreamReport> {
    const batchMs = options.batchMs ?? 16;
    return new Promise((resolve) => {
      const t0 = performance.now();
      let sent = 0;
      let batches = 0;
      const batchCosts: number[] = [];
      const batchAt: number[] = [];
      const tick = () => {
        const due = Math.min(tokens.length, Math.floor(((performance.now() - t0) / 1000) * options.tokensPerSecond));
        if (due > sent) {
          const kinds: EventKind[] = [];
          for (; sent < due; sent++) kinds.push({ type: 'token', text: tokens[sent]! });
          batches++;
          const t = performance.now();
          send(runId, nextEvents(runId, kinds));
          batchAt.push(t);
          batchCosts.push(performance.now() - t);
        }
        if (sent < tokens.length) {
          setTimeout(tick, batchMs);
          return;
        }
        if (options.finish) {
          send(
            runId,
            nextEvents(runId, [
              { type: 'run_finished', reason: 'completed', usage: { input_tokens: 120, output_tokens: tokens.length }, ttft_ms: 180 },
            ]),
          );
        }
        resolve({ tokens: sent, batches, elapsedMs: performance.now() - t0, batchCosts, batchAt });
      };
      setTimeout(tick, batchMs);
    });
  },
};

declare global {
  interface Window {
    __telltaleMock: typeof api;
  }
}

mockWindows('main');
mockIPC(
  (cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case Command.app_info:
        return { provider: 'mock', model: 'scripted', label: 'Mock shell — scripted runs' } satisfies AppInfo;
      case Command.start_run: {
        const { onEvent, ...run } = args as unknown as StartRun & { onEvent: Channel<Event[]> };
        started.push(run);
        channels.set(run.runId, onEvent);
        recordRun(run.conversationId, run.runId, run.prompt, Date.now(), run.parent);
        playScript(run.runId, run.prompt, (kinds) => void api.emit(run.runId, kinds));
        return null;
      }
      case Command.stop_run: {
        const runId = String(args.runId);
        stopped.push(runId);
        stopScript(runId);
        if (autoFinishOnStop) {
          setTimeout(() => void api.emit(runId, [{ type: 'run_finished', reason: 'cancelled' }]), 30);
        }
        return null;
      }
      case Command.resolve_approval:
        return resolveApproval(args);
      case Command.cancel_tool_call:
        return cancelToolCall(args);
      case Command.resolve_budget:
        budgetAnswers.push([String(args.runId), args.answer]);
        return null;
      case Command.check_attachments:
        return fakeChecks(args.files as AttachmentUpload[]);
      case Command.pick_attachments:
        return fakeChecks(api.pickable, true);
      case Command.open_external:
        opened.push(String(args.url));
        return null;
      default: {
        const answer = settingsCommand(cmd, args);
        if (answer) return answer.value;
        const saved = historyCommand(cmd, args);
        if (saved !== undefined) return saved;
        throw new Error(`mock shell: unknown command ${cmd}`);
      }
    }
  },
  { shouldMockEvents: true },
);
window.__telltaleMock = api;

// The app itself, exactly as production starts it (it sees a Tauri shell).
void import('../main');
