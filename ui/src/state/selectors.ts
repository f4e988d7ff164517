// Derived views of the state, kept out of the components so they can be tested.
import type { AppState, Conversation, ToolProgress, ToolStep, Turn } from './types';

export function isFinished(turn: Turn): boolean {
  return turn.finish !== undefined;
}

export function toolSteps(turn: Turn): ToolStep[] {
  return turn.steps.filter((s): s is ToolStep => s.kind === 'tool');
}

/**
 * Where a tool call stands for its row: `drafting` while its arguments stream in, `waiting` for
 * the user's approval, `running` (it can be cancelled), then `done` or `failed`.
 */
export type ToolPhase = 'drafting' | 'waiting' | 'running' | 'done' | 'failed';

export function toolPhase(step: ToolStep): ToolPhase {
  if (step.state !== 'running') return step.state;
  if (step.approval?.state === 'waiting') return 'waiting';
  return step.args === undefined ? 'drafting' : 'running';
}

/** Sum of the tool calls' durations (ms) reported so far. */
export function totalToolMs(turn: Turn): number {
  let total = 0;
  for (const step of turn.steps) if (step.kind === 'tool' && step.durationMs) total += step.durationMs;
  return total;
}

/** Whole seconds the current phase has lasted, measured in the run's own clock (`t_ms`). */
export function phaseElapsedSeconds(turn: Turn): number {
  const since = turn.status?.sinceMs ?? 0;
  return Math.max(0, Math.floor((turn.lastMs - since) / 1000));
}

/** Time to first token: the run's own figure, else when the first token arrived. */
export function ttftMs(turn: Turn): number | undefined {
  return turn.finish?.ttftMs ?? turn.firstTokenMs;
}

/**
 * Answer tokens per second: the provider's output count over the time from the first token to
 * the end of the run; undefined without a count, a first token, or any time between.
 */
export function tokensPerSecond(turn: Turn): number | undefined {
  const output = turn.finish?.usage?.output_tokens;
  const first = ttftMs(turn);
  const end = turn.finish?.endMs;
  if (!output || first === undefined || end === undefined) return undefined;
  const seconds = (end - first) / 1000;
  return seconds > 0 ? output / seconds : undefined;
}

/** What the conversation's finished runs cost (US dollars), or undefined when none says. */
export function conversationCostUsd(state: AppState, conversation: Conversation | undefined): number | undefined {
  let total: number | undefined;
  for (const item of conversation?.items ?? []) {
    if (item.role !== 'assistant') continue;
    const cost = state.turns[item.runId]?.finish?.costUsd;
    if (cost !== undefined) total = (total ?? 0) + cost;
  }
  return total;
}

export function activeConversation(state: AppState): Conversation | undefined {
  return state.conversations[state.activeConversationId];
}

/** The conversation's run that has not finished yet, if any (one at a time per chat). */
export function runningTurn(state: AppState, conversation: Conversation | undefined): Turn | undefined {
  if (!conversation) return undefined;
  for (let i = conversation.items.length - 1; i >= 0; i--) {
    const item = conversation.items[i]!;
    if (item.role !== 'assistant') continue;
    const turn = state.turns[item.runId];
    if (turn && !isFinished(turn)) return turn;
  }
  return undefined;
}

/** Conversations for the sidebar, newest first: those with a prompt, plus the active one. */
export function sidebarConversations(state: AppState): Conversation[] {
  const list: Conversation[] = [];
  for (const id of state.conversationOrder) {
    const c = state.conversations[id];
    if (c && (c.items.length > 0 || id === state.activeConversationId)) list.push(c);
  }
  return list;
}

/** How long the steps took: up to now while a tool runs, else up to the last step's event. */
export function stepsMs(turn: Turn): number {
  const toolRunning = turn.steps.some((s) => s.kind === 'tool' && s.state === 'running');
  if (toolRunning && !isFinished(turn)) return turn.lastMs;
  return turn.stepsEndMs ?? 0;
}

/** The phases that are over: the trail without the one the chip shows now. */
export function finishedPhases(turn: Turn): Turn['trail'] {
  return turn.status && turn.trail[turn.trail.length - 1] === turn.status ? turn.trail.slice(0, -1) : turn.trail;
}

/**
 * A call's progress in words: "step 3 of 5" (or "step 3") when it counts whole steps, else a
 * percentage of its total ("45%") or the bare figure.
 */
export function progressStep({ progress, total }: ToolProgress): string {
  const whole = Number.isInteger(progress) && (total === undefined || Number.isInteger(total));
  if (whole) return total !== undefined ? `step ${progress} of ${total}` : `step ${progress}`;
  if (total !== undefined && total > 0) return `${Math.round((progress / total) * 100)}%`;
  return `${Math.round(progress * 10) / 10}`;
}

/** A progress bar's fill, 0–1, when the total is known. */
export function progressFraction({ progress, total }: ToolProgress): number | undefined {
  if (total === undefined || !(total > 0)) return undefined;
  return Math.min(1, Math.max(0, progress / total));
}
