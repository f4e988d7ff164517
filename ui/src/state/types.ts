// The UI's state: conversations in memory, and one turn per run, keyed by run id.
import type { BudgetKind, ErrorCode, Event, FinishReason, StatusIcon, Usage } from '../generated/protocol';
import type { AttachmentInfo, RunStatus } from '../generated/ipc';
import type { GrowingText } from './growingText';

/** One event kind, with the common fields (`run_id`, `seq`, `t_ms`). */
export type EventOf<T extends Event['type']> = Extract<Event, { type: T }>;

/** `interrupted`: a saved run whose `run_finished` never arrived (the app was killed mid-run). */
export type TurnPhase = 'pending' | 'streaming' | 'completed' | 'cancelled' | 'error' | 'interrupted';

export interface ThoughtStep {
  kind: 'thought';
  /** Stable key: `thought-<seq of its first delta>`. */
  id: string;
  text: string;
}

export type ToolStepState = 'running' | 'done' | 'failed';

/**
 * The user's say on a call that asks first: `waiting` until answered; `edited` is approved with
 * arguments the user changed. A call that never asked has no approval at all.
 */
export type ApprovalState = 'waiting' | 'approved' | 'edited' | 'denied';

export interface ToolApproval {
  state: ApprovalState;
  /** The user chose "Always allow this tool" (the shell saved it in the settings). */
  always: boolean;
}

/** What a running call last reported (`tool_progress`, from MCP servers' progress notifications). */
export interface ToolProgress {
  progress: number;
  /** What `progress` counts up to, when the tool knows. */
  total?: number;
  message?: string;
}

export interface ToolStep {
  kind: 'tool';
  /** The provider's `call_id`. */
  id: string;
  name: string;
  /** Argument JSON text as it streamed in (`tool_call_delta`), before the complete call. */
  argsText: string;
  /** The complete arguments, once `tool_call` arrived. */
  args?: Record<string, unknown>;
  state: ToolStepState;
  /** Present when the call asked for the user's approval (`approval_required`). */
  approval?: ToolApproval;
  /** `t_ms` at which the call began to run: its `tool_call`, or the approval that let it go. */
  startedMs?: number;
  /** The latest `tool_progress` while it runs. */
  progress?: ToolProgress;
  output?: string;
  durationMs?: number;
  /** The run ended (stopped or failed) before this call had a result. */
  interrupted?: boolean;
}

export type Step = ThoughtStep | ToolStep;

export interface TurnStatus {
  message: string;
  icon?: StatusIcon;
  /** `t_ms` at which this phase began (0 for the local "Planning…" before any event). */
  sinceMs: number;
}

export interface TurnError {
  /** Absent for failures on the UI side (e.g. `start_run` rejected). */
  code?: ErrorCode;
  message: string;
  retryable: boolean;
}

export interface TurnFinish {
  reason: FinishReason;
  usage?: Usage;
  ttftMs?: number;
  /** US dollars, when the model's price is known. */
  costUsd?: number;
  /** `t_ms` of `run_finished`: when the run ended, in its own clock. */
  endMs?: number;
}

/**
 * A budget the run reached (`budget_reached`) and what became of it: `waiting` for the user's
 * answer while the run is paused, `continued` past it, or `stopped` there.
 */
export interface TurnBudget {
  kind: BudgetKind;
  used: number;
  limit: number;
  state: 'waiting' | 'continued' | 'stopped';
  /** `t_ms` of `budget_reached`: when the pause began, in the run's own clock. */
  sinceMs: number;
}

/** One assistant turn: everything the events of one run built up. */
export interface Turn {
  runId: string;
  conversationId: string;
  /** The run this one continues (`null`: a first turn); absent when not known (then the run before it). */
  parentRunId?: string | null;
  prompt: string;
  /** The files the prompt carried, in the order attached. */
  attachments?: AttachmentInfo[];
  /** Wall clock (epoch ms) when the user pressed Send. */
  submittedAt: number;
  phase: TurnPhase;
  provider?: string;
  model?: string;
  /** Epoch ms from `run_started`. */
  startedAt?: number;
  /** The live chip; `null` once the run finished. */
  status: TurnStatus | null;
  /** The phases the chip went through, in order (the trail). */
  trail: TurnStatus[];
  /**
   * The chip's words while a call reports progress ("Running research · step 3 of 5"); cleared by
   * the next `status`, the call's result and the end of the run.
   */
  progressNote?: { callId: string; name: string; step: string };
  /** What the latest `ping` said the run waits on; cleared by any other event. */
  waitingFor?: string;
  steps: Step[];
  /** `t_ms` of the latest thought or tool event: when the steps so far ended. */
  stepsEndMs?: number;
  /** The answer so far: read it whole with `String(answer)`, or what came since a version with `since`. */
  answer: GrowingText;
  /** `t_ms` of the first answer token. */
  firstTokenMs?: number;
  error?: TurnError;
  /** The latest budget the run reached. */
  budget?: TurnBudget;
  finish?: TurnFinish;
  stopRequested: boolean;
  /** Highest `seq` applied so far (-1 before any event). */
  lastSeq: number;
  /** Highest `t_ms` seen so far. */
  lastMs: number;
}

export type ConversationItem = { role: 'user'; id: string; text: string; at: number } | { role: 'assistant'; runId: string };

export interface Conversation {
  id: string;
  /** The first prompt, or empty while the conversation has none. */
  title: string;
  createdAt: number;
  items: ConversationItem[];
  /** Its turns are not in the state (release.ts): opening it reloads them from the history. */
  released?: boolean;
  /** Which version is on screen where runs fork: by parent run id (`''` for first turns); else the latest. */
  shown?: Record<string, string>;
  /**
   * The version last shown on each branch (the runs forking at one point with one prompt), by the
   * branch's first run: picking that branch again on its prompt shows it; else its latest.
   */
  picked?: Record<string, string>;
}

export interface AppState {
  conversations: Record<string, Conversation>;
  /** Conversation ids, newest first. */
  conversationOrder: string[];
  activeConversationId: string;
  turns: Record<string, Turn>;
}

export type Action =
  /** `parentRunId`: the run this one continues (`null`: a first turn), as the shell was asked. */
  | {
      type: 'submit';
      conversationId: string;
      runId: string;
      prompt: string;
      now: number;
      parentRunId?: string | null;
      /** The files sent with the prompt. */
      attachments?: AttachmentInfo[];
    }
  /** Shows this version of an answer (and the branch after it) where its run forks. */
  | { type: 'show_version'; runId: string }
  /** The run, cut off, is being continued: its turn takes the events that follow its last. */
  | { type: 'continue_requested'; runId: string }
  | { type: 'events'; events: readonly Event[] }
  | { type: 'stop_requested'; runId: string }
  /** The UI could not start the run (e.g. `start_run` rejected): the turn ends in error. */
  | { type: 'start_failed'; runId: string; message: string }
  | { type: 'new_conversation'; conversationId: string; now: number }
  | { type: 'select_conversation'; conversationId: string }
  /** A saved conversation, replayed run by run from its recorded events. */
  | { type: 'load_conversation'; conversation: LoadedConversation; select: boolean }
  | { type: 'rename_conversation'; conversationId: string; title: string }
  /** Saved conversations not on screen whose turns the window no longer keeps (see release.ts). */
  | { type: 'release_conversations'; conversationIds: readonly string[] };

/** How a saved run stands (the history's `RunStatus`). */
export type SavedRunStatus = RunStatus;

export interface LoadedRun {
  runId: string;
  /** The run it continues (`null`: a first turn). */
  parentRunId?: string | null;
  prompt: string;
  /** The files the prompt carried. */
  attachments?: AttachmentInfo[];
  /** Epoch ms. */
  startedAt: number;
  status: SavedRunStatus;
  events: readonly Event[];
}

export interface LoadedConversation {
  id: string;
  title: string;
  createdAt: number;
  runs: readonly LoadedRun[];
  /** The run it was last shown at (the last of the branch on screen); absent: the latest. */
  shownRunId?: string;
}
