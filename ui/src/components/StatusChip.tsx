// The live chip of a running turn: what the agent is doing now, and for how long.
import type { Turn } from '../state/types';
import { phaseElapsedSeconds } from '../state/selectors';
import { StatusIcon } from './StatusIcon';
import './StatusChip.css';

/** The chip's words for the elapsed part: "waiting on clock · 3 s", "3 s", or nothing. */
export function elapsedLabel(turn: Turn): string {
  const seconds = phaseElapsedSeconds(turn);
  const time = seconds >= 1 ? `${seconds} s` : '';
  if (turn.waitingFor) return time ? `waiting on ${turn.waitingFor} · ${time}` : `waiting on ${turn.waitingFor}`;
  return time;
}

export function StatusChip({ turn }: { turn: Turn }) {
  if (!turn.status) return null;
  const stopping = turn.stopRequested;
  // A call that reports progress names itself; its step count is seen, not announced each time.
  const note = stopping ? undefined : turn.progressNote;
  const message = stopping ? 'Stopping…' : note ? `Running ${note.name}` : turn.status.message;
  const elapsed = stopping ? '' : elapsedLabel(turn);
  const model = turn.model ? `${turn.provider ?? ''} · ${turn.model}` : undefined;
  return (
    <div className="chip" data-testid="status-chip" role="status" aria-live="polite" title={model}>
      <StatusIcon name={stopping ? 'waiting' : turn.status.icon} className="chip-icon" />
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
