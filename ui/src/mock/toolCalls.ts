// The mock shell's view of tool calls, as the real one keeps it: which calls wait for approval and
// which run, learnt from the events it sends, so resolve_approval and cancel_tool_call answer as
// the shell does (not_found for a call that is not waiting or not running). A scripted run
// (scripted.ts) takes the answer; otherwise the test drives the events and reads the calls here.
import type { ApprovalAnswer, CommandError } from '../generated/ipc';
import type { Event } from '../generated/protocol';

const waiting = new Set<string>();
const running = new Set<string>();
const key = (runId: string, callId: string) => `${runId}/${callId}`;

/** What the page asked, for the tests. */
export const approvalCalls: { runId: string; callId: string; answer: ApprovalAnswer }[] = [];
export const cancelCalls: { runId: string; callId: string }[] = [];

/** Who takes an answer or a cancel for a call (a scripted run registers itself). */
const approvalTakers = new Map<string, (answer: ApprovalAnswer) => void>();
const cancelTakers = new Map<string, () => void>();

export function onApproval(runId: string, callId: string, take: (answer: ApprovalAnswer) => void): void {
  approvalTakers.set(key(runId, callId), take);
}

export function onCancel(runId: string, callId: string, take: () => void): void {
  cancelTakers.set(key(runId, callId), take);
}

/** Follows every batch the mock shell sends. */
export function observe(events: readonly Event[]): void {
  for (const event of events) {
    if (event.type === 'run_finished') {
      for (const set of [waiting, running]) for (const k of [...set]) if (k.startsWith(`${event.run_id}/`)) set.delete(k);
      continue;
    }
    if (!('call_id' in event)) continue;
    const k = key(event.run_id, event.call_id);
    if (event.type === 'tool_call') running.add(k);
    else if (event.type === 'approval_required') waiting.add(k);
    else if (event.type === 'approval_resolved') {
      waiting.delete(k);
      if (!event.approved) running.delete(k);
    } else if (event.type === 'tool_result') {
      running.delete(k);
      cancelTakers.delete(k);
    }
  }
}

function notFound(message: string): CommandError {
  return { code: 'not_found', message };
}

export function resolveApproval(args: Record<string, unknown>): null {
  const runId = String(args.runId);
  const callId = String(args.callId);
  const answer = args.answer as ApprovalAnswer;
  const k = key(runId, callId);
  if (!waiting.has(k)) throw notFound(`no tool call ${callId} is waiting for approval`);
  approvalCalls.push({ runId, callId, answer });
  const take = approvalTakers.get(k);
  approvalTakers.delete(k);
  // As the shell: the answer is taken now, the run says so in its next events.
  if (take) setTimeout(() => take(answer), 20);
  return null;
}

export function cancelToolCall(args: Record<string, unknown>): null {
  const runId = String(args.runId);
  const callId = String(args.callId);
  const k = key(runId, callId);
  if (!running.has(k) || waiting.has(k)) throw notFound(`no tool call ${callId} is running`);
  cancelCalls.push({ runId, callId });
  const take = cancelTakers.get(k);
  cancelTakers.delete(k);
  if (take) setTimeout(take, 20);
  return null;
}
