// Runs the mock shell plays by itself, picked by the prompt, for trying the mock build by hand
// and for the browser tests of approvals and cancelling:
//   "… write … file …"  write_file asks first (unless "Always allow" was chosen), then runs or not;
//   "… slow …"          web_fetch takes 30 s, pinging each second, unless its call is cancelled;
//   "… research …"      an MCP tool (docs__research) reports tool_progress: steps 1 to 5 of 5, 400 ms apart.
// Timing is real (t_ms from the run's start), as the shell's.
import type { ApprovalAnswer } from '../generated/ipc';
import type { EventKind } from '../generated/protocol';
import { allowAlways, asksFirst } from './settings';
import { onApproval, onCancel } from './toolCalls';

type Emit = (kinds: (EventKind & { t_ms?: number })[]) => void;

interface Script {
  emit: (...kinds: EventKind[]) => void;
  sleep: (ms: number) => Promise<void>;
  /** Milliseconds since the run started. */
  now: () => number;
  stopped: () => boolean;
}

const stops = new Map<string, () => void>();

/** Starts the scripted run for `prompt`, if one matches; true when it did. */
export function playScript(runId: string, prompt: string, emit: Emit): boolean {
  const play = /\bwrite\b.*\bfile\b/i.test(prompt)
    ? writeFile
    : /\bslow\b/i.test(prompt)
      ? slowFetch
      : /\bresearch/i.test(prompt)
        ? research
        : undefined;
  if (!play) return false;
  const t0 = performance.now();
  let stopped = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  stops.set(runId, () => {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
  });
  const script: Script = {
    now: () => performance.now() - t0,
    emit: (...kinds) => {
      if (!stopped) emit(kinds.map((kind) => ({ ...kind, t_ms: performance.now() - t0 })));
    },
    sleep: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      }),
    stopped: () => stopped,
  };
  // The shell answers start_run first; the events follow.
  setTimeout(() => void play(runId, script).finally(() => stops.delete(runId)), 30);
  return true;
}

/** `stop_run` on a scripted run: it sends nothing more (the shell sends run_finished). */
export function stopScript(runId: string): void {
  stops.get(runId)?.();
}

function answer(s: Script, text: string): void {
  const tokens = text.match(/\s*\S+|\s+/g) ?? [];
  s.emit(
    { type: 'status', message: 'Writing the answer…', icon: 'writing' },
    ...tokens.map((t): EventKind => ({ type: 'token', text: t })),
  );
  s.emit({
    type: 'run_finished',
    reason: 'completed',
    usage: { input_tokens: 310, output_tokens: tokens.length },
    ttft_ms: Math.round(s.now()),
  });
}

async function writeFile(runId: string, s: Script): Promise<void> {
  const args = { path: 'notes/todo.md', content: '- buy milk\n- call the plumber\n' };
  s.emit(
    { type: 'run_started', provider: 'mock', model: 'scripted', started_at: Date.now() },
    { type: 'status', message: 'Planning…', icon: 'planning' },
    { type: 'thought', text: 'I will save the list to notes/todo.md in the workspace.' },
    { type: 'tool_call', call_id: 'w1', name: 'write_file', args },
  );
  let reply: ApprovalAnswer = { approved: true, always: false };
  if (asksFirst('write_file')) {
    await s.sleep(50);
    const answered = new Promise<ApprovalAnswer>((resolve) => onApproval(runId, 'w1', resolve));
    s.emit(
      { type: 'status', message: 'Waiting for your approval to run write_file…', icon: 'approval' },
      { type: 'approval_required', call_id: 'w1', name: 'write_file', args },
    );
    reply = await answered;
    if (s.stopped()) return;
    // "Always" is kept in the settings, so the next run does not ask (as the shell does).
    if (reply.always) allowAlways('write_file');
    s.emit(
      reply.args
        ? { type: 'approval_resolved', call_id: 'w1', approved: reply.approved, args: reply.args, always: reply.always }
        : { type: 'approval_resolved', call_id: 'w1', approved: reply.approved, always: reply.always },
    );
  }
  const ran = { ...args, ...reply.args };
  const path = String(ran.path);
  if (!reply.approved) {
    s.emit({ type: 'tool_result', call_id: 'w1', ok: false, output: 'denied by the user', duration_ms: 0 });
    answer(s, `You declined, so I did not write \`${path}\`. Tell me if you want the list somewhere else.`);
    return;
  }
  const started = s.now();
  s.emit({ type: 'status', message: `Writing ${path}…`, icon: 'tool' });
  await s.sleep(400);
  const bytes = new TextEncoder().encode(String(ran.content ?? '')).length;
  s.emit({ type: 'tool_result', call_id: 'w1', ok: true, output: `wrote ${bytes} bytes to ${path}`, duration_ms: s.now() - started });
  answer(s, `Done: the list is saved in \`${path}\` (${bytes} bytes).`);
}

async function slowFetch(runId: string, s: Script): Promise<void> {
  const url = 'https://example.com/slow-report';
  s.emit(
    { type: 'run_started', provider: 'mock', model: 'scripted', started_at: Date.now() },
    { type: 'status', message: `Fetching ${url}…`, icon: 'tool' },
    { type: 'tool_call', call_id: 'f1', name: 'web_fetch', args: { url } },
  );
  const started = s.now();
  let cancelled = false;
  onCancel(runId, 'f1', () => (cancelled = true));
  for (let i = 0; i < 300 && !cancelled; i++) {
    await s.sleep(100);
    if (s.stopped()) return;
    if (i % 10 === 9) s.emit({ type: 'ping', waiting_for: 'web_fetch' });
  }
  if (cancelled) {
    s.emit({ type: 'tool_result', call_id: 'f1', ok: false, output: 'cancelled by the user', duration_ms: s.now() - started });
    answer(s, 'You cancelled the fetch, so I answer without that page: it was too slow to wait for.');
    return;
  }
  s.emit({ type: 'tool_result', call_id: 'f1', ok: true, output: 'Slow report: all systems nominal.', duration_ms: s.now() - started });
  answer(s, 'The report says all systems are nominal.');
}

/** The steps docs__research reports, one tool_progress each. */
export const RESEARCH_STEPS = ['Searching the index', 'Reading sources', 'Comparing findings', 'Checking citations', 'Summarising'];

async function research(runId: string, s: Script): Promise<void> {
  const args = { topic: 'tidal energy' };
  s.emit(
    { type: 'run_started', provider: 'mock', model: 'scripted', started_at: Date.now() },
    { type: 'status', message: 'Researching tidal energy…', icon: 'tool' },
    { type: 'tool_call', call_id: 'r1', name: 'docs__research', args },
  );
  const started = s.now();
  let cancelled = false;
  onCancel(runId, 'r1', () => (cancelled = true));
  const total = RESEARCH_STEPS.length;
  for (let i = 0; i < total && !cancelled; i++) {
    await s.sleep(400);
    if (s.stopped()) return;
    if (!cancelled) s.emit({ type: 'tool_progress', call_id: 'r1', progress: i + 1, total, message: RESEARCH_STEPS[i]! });
  }
  if (cancelled) {
    s.emit({ type: 'tool_result', call_id: 'r1', ok: false, output: 'cancelled by the user', duration_ms: s.now() - started });
    answer(s, 'You cancelled the research, so I answer from what I know.');
    return;
  }
  await s.sleep(200);
  if (s.stopped()) return;
  s.emit({ type: 'tool_result', call_id: 'r1', ok: true, output: 'Found 3 sources on tidal energy.', duration_ms: s.now() - started });
  answer(s, 'Three sources agree: tidal energy is predictable but costly to build.');
}
