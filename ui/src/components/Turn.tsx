// One assistant turn: chip, steps row, answer, and the line after it.
import { memo } from 'react';
import type { Turn as TurnValue } from '../state/types';
import { AnswerBubble } from './AnswerBubble';
import { RunMeta } from './RunMeta';
import { ToolTimeline } from './ToolTimeline';
import { TurnActions } from './TurnActions';
import { TurnError } from './TurnError';
import './Turn.css';

export interface TurnProps {
  turn: TurnValue;
  /** Offered on retryable errors; absent while another run of the chat is going. */
  onRetry?: ((prompt: string) => void) | undefined;
}

export const Turn = memo(function Turn({ turn, onRetry }: TurnProps) {
  const showError = turn.phase === 'error' && turn.error;
  return (
    <article className="turn" data-testid="turn" data-state={turn.phase} aria-label="Assistant">
      <ToolTimeline turn={turn} showChip={!showError} />
      <AnswerBubble answer={turn.answer} phase={turn.phase} finished={turn.finish !== undefined} />
      {showError && turn.error && (
        <TurnError error={turn.error} onRetry={onRetry && turn.finish ? () => onRetry(turn.prompt) : undefined} />
      )}
      <RunMeta turn={turn} />
      {!showError && <TurnActions turn={turn} onRegenerate={onRetry ? () => onRetry(turn.prompt) : undefined} />}
    </article>
  );
});
