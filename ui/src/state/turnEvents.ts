// One run's events applied to its turn, the same way live and when a saved conversation is read
// back (reducer.ts): the answer, the chip's status, the steps and their tools, how the run ended.
import type { Event } from '../generated/protocol';
import { progressStep } from './selectors';
import type { Step, ToolProgress, ToolStep, Turn, TurnStatus } from './types';

/** Ends a replayed run that has no `run_finished`: what streamed stays, running tools stop. */
export function interrupt(turn: Turn): Turn {
  return {
    ...turn,
    phase: 'interrupted',
    status: null,
    waitingFor: undefined,
    finish: { reason: 'cancelled' },
    steps: turn.steps.map((step) => (step.kind === 'tool' && step.state === 'running' ? interruptTool(step) : step)),
  };
}

/** A cut-off turn taken up again: it streams once more from where it stopped. */
export function reopen(turn: Turn): Turn {
  const { finish: _finish, error: _error, ...open } = turn;
  return {
    ...open,
    phase: turn.answer.length > 0 ? 'streaming' : 'pending',
    status: { message: 'Continuing…', icon: 'thinking', sinceMs: turn.lastMs },
    stopRequested: false,
    steps: [...turn.steps],
    trail: [...turn.trail],
  };
}

/** A copy whose own arrays may be changed in place; step objects are replaced, never changed. */
export function cloneTurn(turn: Turn): Turn {
  return { ...turn, steps: [...turn.steps], trail: [...turn.trail] };
}

/** Applies one event to a turn from `cloneTurn` (changed in place and returned). */
export function applyEvent(turn: Turn, event: Event): Turn {
  turn.lastSeq = event.seq;
  turn.lastMs = Math.max(turn.lastMs, event.t_ms);
  if (event.type !== 'ping') turn.waitingFor = undefined;
  if (event.type === 'thought' || event.type.startsWith('tool_') || event.type.startsWith('approval_')) turn.stepsEndMs = event.t_ms;

  switch (event.type) {
    case 'run_started':
      turn.provider = event.provider;
      turn.model = event.model;
      turn.startedAt = event.started_at;
      break;
    case 'status': {
      const status: TurnStatus =
        event.icon === undefined
          ? { message: event.message, sinceMs: event.t_ms }
          : { message: event.message, icon: event.icon, sinceMs: event.t_ms };
      turn.status = status;
      turn.trail.push(status);
      turn.progressNote = undefined;
      break;
    }
    case 'thought': {
      const last = turn.steps[turn.steps.length - 1];
      if (last?.kind === 'thought') {
        turn.steps[turn.steps.length - 1] = { ...last, text: last.text + event.text };
      } else {
        turn.steps.push({ kind: 'thought', id: `thought-${event.seq}`, text: event.text });
      }
      break;
    }
    case 'tool_call_delta':
      updateTool(turn.steps, event.call_id, event.name, (step) => ({
        ...step,
        argsText: step.argsText + event.args_delta,
      }));
      break;
    case 'tool_call':
      updateTool(turn.steps, event.call_id, event.name, (step) => ({ ...step, args: event.args, startedMs: event.t_ms }));
      break;
    case 'approval_required':
      updateTool(turn.steps, event.call_id, event.name, (step) => ({
        ...step,
        args: event.args,
        approval: { state: 'waiting', always: false },
      }));
      break;
    case 'approval_resolved':
      updateTool(turn.steps, event.call_id, '', (step) => {
        const state = !event.approved ? 'denied' : event.args ? 'edited' : 'approved';
        const resolved: ToolStep = { ...step, approval: { state, always: event.always } };
        if (event.args) resolved.args = event.args;
        // The wait for the user is not the tool's time: it starts running now.
        if (event.approved) resolved.startedMs = event.t_ms;
        return resolved;
      });
      break;
    case 'tool_progress': {
      // Only a call that is running reports progress; anything else is late and ignored.
      const index = turn.steps.findIndex((s) => s.kind === 'tool' && s.id === event.call_id);
      const step = turn.steps[index];
      if (step?.kind !== 'tool' || step.state !== 'running') break;
      const progress: ToolProgress = { progress: event.progress };
      if (event.total !== undefined) progress.total = event.total;
      if (event.message !== undefined) progress.message = event.message;
      turn.steps[index] = { ...step, progress };
      turn.progressNote = { callId: step.id, name: step.name || 'tool', step: progressStep(progress) };
      break;
    }
    case 'tool_result':
      if (turn.progressNote?.callId === event.call_id) turn.progressNote = undefined;
      updateTool(turn.steps, event.call_id, '', (step) => ({
        ...step,
        state: event.ok ? 'done' : 'failed',
        output: event.output,
        durationMs: event.duration_ms,
      }));
      break;
    case 'token':
      turn.answer = turn.answer.append(event.text);
      turn.firstTokenMs ??= event.t_ms;
      if (turn.phase === 'pending') turn.phase = 'streaming';
      break;
    case 'ping':
      turn.waitingFor = event.waiting_for;
      break;
    case 'budget_reached':
      turn.budget = { kind: event.kind, used: event.used, limit: event.limit, state: 'waiting', sinceMs: event.t_ms };
      break;
    case 'budget_resolved':
      if (turn.budget) turn.budget = { ...turn.budget, state: event.continued ? 'continued' : 'stopped' };
      break;
    case 'error':
      turn.error = { code: event.code, message: event.message, retryable: event.retryable };
      turn.phase = 'error';
      break;
    case 'run_finished': {
      const finish: Turn['finish'] = { reason: event.reason, endMs: event.t_ms };
      if (event.usage) finish.usage = event.usage;
      if (event.ttft_ms !== undefined) finish.ttftMs = event.ttft_ms;
      if (event.cost_usd !== undefined) finish.costUsd = event.cost_usd;
      turn.finish = finish;
      turn.status = null;
      turn.progressNote = undefined;
      turn.waitingFor = undefined;
      turn.phase = event.reason === 'completed' ? 'completed' : event.reason === 'cancelled' ? 'cancelled' : 'error';
      if (event.reason === 'error' && !turn.error) {
        turn.error = { message: 'The run ended with an error.', retryable: false };
      }
      for (let i = 0; i < turn.steps.length; i++) {
        const step = turn.steps[i]!;
        if (step.kind === 'tool' && step.state === 'running') turn.steps[i] = interruptTool(step);
      }
      break;
    }
  }
  return turn;
}

/** A call the run ended under: failed, and no longer asking (nothing would take the answer). */
function interruptTool(step: ToolStep): ToolStep {
  const stopped: ToolStep = { ...step, state: 'failed', interrupted: true };
  if (stopped.approval?.state === 'waiting') delete stopped.approval;
  return stopped;
}

function updateTool(steps: Step[], callId: string, name: string, f: (step: ToolStep) => ToolStep): void {
  const index = steps.findIndex((s) => s.kind === 'tool' && s.id === callId);
  if (index < 0) {
    steps.push(f({ kind: 'tool', id: callId, name, argsText: '', state: 'running' }));
    return;
  }
  const step = steps[index] as ToolStep;
  const updated = f(step);
  if (name && updated.name !== name) updated.name = name;
  steps[index] = updated;
}
