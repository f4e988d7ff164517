// The live chip of a running turn: what the agent is doing now, and for how long. While the run
// is paused at a budget and waits on the user (the budget card), it says so, amber like any wait
// on the user, and goes back to the run's own status once the user answers.
import type { StatusIcon as StatusIconName } from '../generated/protocol';
import type { Turn } from '../state/types';
import { phaseElapsedSeconds } from '../state/selectors';
import { pausedAt } from './BudgetCard';
import { StatusIcon } from './StatusIcon';
import './StatusChip.css';

/** The chip's words for the elapsed part: "waiting on clock · 3 s", "3 s", or nothing. */
export function elapsedLabel(turn: Turn): string {
  const seconds = phaseElapsedSeconds(turn);
  const time = seconds >= 1 ? `${seconds} s` : '';
  if (turn.waitingFor) return time ? `waiting on ${turn.waitingFor} · ${time}` : `waiting on ${turn.waitingFor}`;
  return time;
}

/** What the chip shows for a run paused at a budget, while it waits for Continue anyway or Stop. */
function pausedChip(turn: Turn): { message: string; icon: StatusIconName; elapsed: string } | null {
  const budget = turn.budget;
  if (budget?.state !== 'waiting' || turn.finish) return null;
  // The run's keep-alive pings name the model it would wait on; paused, it waits on the user.
  const seconds = Math.max(0, Math.floor((turn.lastMs - budget.sinceMs) / 1000));
  return { message: pausedAt(budget.kind), icon: 'waiting', elapsed: seconds >= 1 ? `${seconds} s` : '' };
}

export function StatusChip({ turn }: { turn: Turn }) {
  if (!turn.status) return null;
  // Stopped by the user, or at its budget (Stop on the budget card): the run is ending.
  const stopping = turn.stopRequested || (turn.budget?.state === 'stopped' && !turn.finish);
  const paused = stopping ? null : pausedChip(turn);
  // A call that reports progress names itself; its step count is seen, not announced each time.
  const note = stopping || paused ? undefined : turn.progressNote;
  const message = stopping ? 'Stopping…' : (paused?.message ?? (note ? `Running ${note.name}` : turn.status.message));
  const elapsed = stopping ? '' : (paused?.elapsed ?? elapsedLabel(turn));
  const icon = stopping ? 'waiting' : (paused?.icon ?? turn.status.icon);
  const onUser = paused !== null || (!stopping && icon === 'approval');
  const model = turn.model ? `${turn.provider ?? ''} · ${turn.model}` : undefined;
  return (
    <div
      className={onUser ? 'chip chip-on-user' : 'chip'}
      data-testid="status-chip"
      data-paused={paused ? 'budget' : undefined}
      role="status"
      aria-live="polite"
      title={model}
    >
      <StatusIcon name={icon} className="chip-icon" />
      <span className="chip-message">{message}</span>
      {note && (
        <span className="chip-progress" data-testid="chip-progress" aria-hidden="true">
          {' · '}
          {note.step}
        </span>
      )}
      {/* The counter ticks every second: visible, but not announced. */}
      {elapsed && (
        <span className="chip-elapsed" aria-hidden="true">
          {' · '}
          {elapsed}
        </span>
      )}
    </div>
  );
}
