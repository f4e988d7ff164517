// One assistant turn: chip, steps row, answer, and the line after it.
import { memo, useState } from 'react';
import type { GrowingText } from '../state/growingText';
import type { Turn as TurnValue } from '../state/types';
import { AnswerBubble } from './AnswerBubble';
import { AnswerCompare } from './AnswerCompare';
import { BudgetCard } from './BudgetCard';
import { RunMeta } from './RunMeta';
import { ToolTimeline } from './ToolTimeline';
import { TurnActions } from './TurnActions';
import { TurnError } from './TurnError';
import './Turn.css';

export interface TurnProps {
  turn: TurnValue;
  /** Offered on retryable errors; absent while another run of the chat is going. */
  onRetry?: ((prompt: string) => void) | undefined;
  /** Asks for another version of this answer; absent while another run of the chat is going. */
  onRegenerate?: ((runId: string) => void) | undefined;
  /** Goes on with this answer where it was cut off; absent while another run of the chat is going. */
  onContinue?: ((runId: string) => void) | undefined;
  /** Which version of its answer this is, when there are several. */
  version?: TurnVersion | undefined;
  onPickVersion?: ((runId: string, index: number) => void) | undefined;
}

/** Which version of its answer a turn is; `answers`: every version's answer (read when two are compared). */
export interface TurnVersion {
  index: number;
  count: number;
  answers?: readonly (GrowingText | string)[] | undefined;
}

export const Turn = memo(function Turn({ turn, onRetry, onRegenerate, onContinue, version, onPickVersion }: TurnProps) {
  const showError = turn.phase === 'error' && turn.error;
  const [comparing, setComparing] = useState(false);
  const answers = version && version.count > 1 ? version.answers : undefined;
  return (
    <article className="turn" data-testid="turn" data-state={turn.phase} aria-label="Assistant">
      <ToolTimeline turn={turn} showChip={!showError} />
      <AnswerBubble answer={turn.answer} phase={turn.phase} finished={turn.finish !== undefined} />
      {turn.budget && <BudgetCard runId={turn.runId} budget={turn.budget} finished={turn.finish !== undefined} />}
      {showError && turn.error && (
        <TurnError error={turn.error} onRetry={onRetry && turn.finish ? () => onRetry(turn.prompt) : undefined} />
      )}
      <RunMeta turn={turn} />
      <TurnActions
        turn={turn}
        onRegenerate={
          showError ? undefined : onRegenerate ? () => onRegenerate(turn.runId) : onRetry ? () => onRetry(turn.prompt) : undefined
        }
        onContinue={onContinue ? () => onContinue(turn.runId) : undefined}
        versions={
          version && onPickVersion
            ? { index: version.index, count: version.count, onPick: (index) => onPickVersion(turn.runId, index) }
            : undefined
        }
        compare={answers ? { open: comparing, onToggle: () => setComparing((open) => !open) } : undefined}
      />
      {answers && comparing && version && <AnswerCompare answers={answers} index={version.index} />}
    </article>
  );
});
