// The steps row of a turn, one line from Enter to the end so nothing below it jumps: the live chip
// while the run goes, the steps summary ("3 steps · 4.2 s", folded by default) and the trail of
// finished phases. Open, it lists each thought and tool call in order. A call waiting for the
// user's approval is listed even while the row is folded: the run cannot go on without an answer.
import { memo, useId, useRef, useState } from 'react';
import { formatDuration } from '../format';
import { finishedPhases, stepsMs, toolPhase, toolSteps } from '../state/selectors';
import type { Step, Turn, TurnStatus } from '../state/types';
import { StatusChip } from './StatusChip';
import { StatusIcon } from './StatusIcon';
import { ToolStepItem } from './ToolStepItem';
import { useFocusAfterAnswer } from './useFocusAfterAnswer';
import './ToolTimeline.css';

/** "3 steps", "1 step", or "Thinking" when the run only thought. */
export function stepsLabel(turn: Turn): string {
  const tools = toolSteps(turn).length;
  if (tools === 0 && turn.steps.length > 0) return 'Thinking';
  return `${tools} ${tools === 1 ? 'step' : 'steps'}`;
}

/** A phase's words for the trail: "Calculating 17 * 23" (no ellipsis). */
function phaseWords(phase: TurnStatus): string {
  return phase.message.replace(/(…|\.\.\.)\s*$/, '');
}

function Trail({ phases, end }: { phases: readonly TurnStatus[]; end: number }) {
  if (phases.length === 0) return null;
  return (
    <ol className="trail" aria-label="Finished phases">
      {phases.map((phase, i) => {
        const until = phases[i + 1]?.sinceMs ?? end;
        return (
          <li key={`${phase.sinceMs}-${i}`} className="trail-item" title={`${phase.message} ${formatDuration(until - phase.sinceMs)}`}>
            <StatusIcon name={phase.icon} className="trail-icon" />
            <span>{phaseWords(phase)}</span>
          </li>
        );
      })}
    </ol>
  );
}

export interface ToolTimelineProps {
  turn: Turn;
  initiallyExpanded?: boolean;
  /** Show the live chip in the row (false when an error replaces it). */
  showChip?: boolean;
}

export function ToolTimeline({ turn, initiallyExpanded = false, showChip = true }: ToolTimelineProps) {
  const [expanded, setExpanded] = useState(initiallyExpanded);
  const listId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const row = useRef<HTMLDivElement>(null);
  const onAnswered = useFocusAfterAnswer(turn, row, toggle);
  const running = turn.finish === undefined;
  const chip = showChip && turn.status ? <StatusChip turn={turn} /> : null;
  const phases = finishedPhases(turn);
  const hasSteps = turn.steps.length > 0;
  if (!chip && !hasSteps && phases.length === 0) {
    // Keep the row's height while the run may still add something, so nothing jumps.
    return running ? <div className="steps-row steps-row-placeholder" aria-hidden="true" /> : null;
  }
  const total = stepsMs(turn);
  const shown = expanded ? turn.steps : turn.steps.filter((step) => step.kind === 'tool' && toolPhase(step) === 'waiting');
  return (
    <div className="steps-row" ref={row}>
      <div className="steps-line">
        {chip}
        {hasSteps && (
          <button
            type="button"
            ref={toggle}
            className="steps-toggle"
            data-testid="steps-toggle"
            aria-expanded={expanded}
            aria-controls={listId}
            title={expanded ? 'Hide steps' : 'Show steps'}
            onClick={() => setExpanded(!expanded)}
          >
            <span className="steps-caret" aria-hidden="true">
              ▸
            </span>
            <span>{stepsLabel(turn)}</span>
            {total > 0 && <span className="steps-total"> · {formatDuration(total)}</span>}
          </button>
        )}
        <Trail phases={phases} end={turn.lastMs} />
      </div>
      {shown.length > 0 && (
        <ol className={expanded ? 'steps' : 'steps steps-waiting'} id={expanded ? listId : undefined}>
          {shown.map((step) => (
            <StepItem key={step.id} step={step} runId={turn.runId} runStartedAt={turn.startedAt} onAnswered={onAnswered} />
          ))}
        </ol>
      )}
    </div>
  );
}

interface StepItemProps {
  step: Step;
  runId: string;
  runStartedAt?: number | undefined;
  onAnswered: (callId: string) => void;
}

const StepItem = memo(function StepItem({ step, runId, runStartedAt, onAnswered }: StepItemProps) {
  if (step.kind === 'thought') {
    return (
      <li className="step step-thought" data-testid="step" data-kind="thought">
        <p className="thought">{step.text}</p>
      </li>
    );
  }
  return <ToolStepItem step={step} runId={runId} runStartedAt={runStartedAt} onAnswered={onAnswered} />;
});
