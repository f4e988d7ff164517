// The steps row of a turn, one line from Enter to the end so nothing below it jumps: the live chip
// while the run goes, the steps summary ("3 steps · 4.2 s", folded by default) and the trail of
// finished phases. Open, it lists each thought and tool call in order.
import { memo, useId, useState } from 'react';
import { formatArgs, formatDuration, inlineArgs, isShortOutput } from '../format';
import { finishedPhases, stepsMs, toolSteps } from '../state/selectors';
import type { Step, ToolStep, Turn, TurnStatus } from '../state/types';
import { StatusChip } from './StatusChip';
import { StatusIcon } from './StatusIcon';
import { StepOutput } from './StepOutput';
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
  const running = turn.finish === undefined;
  const chip = showChip && turn.status ? <StatusChip turn={turn} /> : null;
  const phases = finishedPhases(turn);
  const hasSteps = turn.steps.length > 0;
  if (!chip && !hasSteps && phases.length === 0) {
    // Keep the row's height while the run may still add something, so nothing jumps.
    return running ? <div className="steps-row steps-row-placeholder" aria-hidden="true" /> : null;
  }
  const total = stepsMs(turn);
  return (
    <div className="steps-row">
      <div className="steps-line">
        {chip}
        {hasSteps && (
          <button
            type="button"
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
      {hasSteps && expanded && (
        <ol className="steps" id={listId}>
          {turn.steps.map((step) => (
            <StepItem key={step.id} step={step} />
          ))}
        </ol>
      )}
    </div>
  );
}

const StepItem = memo(function StepItem({ step }: { step: Step }) {
  if (step.kind === 'thought') {
    return (
      <li className="step step-thought" data-testid="step" data-kind="thought">
        <p className="thought">{step.text}</p>
      </li>
    );
  }
  return <ToolStepItem step={step} />;
});

const STATE_TEXT = { running: 'running', done: 'done', failed: 'failed' } as const;

function ToolStepItem({ step }: { step: ToolStep }) {
  // Short calls fit on one or two lines, so 50+ of them stay readable; long ones get blocks.
  const inline = inlineArgs(step.args);
  const args = inline === undefined ? formatArgs(step.args, step.argsText) : '';
  const shortOutput = step.output !== undefined && isShortOutput(step.output) && step.output !== '';
  return (
    <li className={`step step-tool step-${step.state}`} data-testid="step" data-kind="tool" data-state={step.state}>
      <div className="step-head">
        <span className={`step-state step-state-${step.state}`} role="img" aria-label={STATE_TEXT[step.state]}>
          {step.state === 'done' ? '✓' : step.state === 'failed' ? '✕' : ''}
        </span>
        <span className="tool-name">{step.name || 'tool'}</span>
        {inline !== undefined && <code className="step-args-inline">{inline}</code>}
        {step.state === 'running' && <span className="step-note">running…</span>}
        {step.durationMs !== undefined && <span className="step-duration">{formatDuration(step.durationMs)}</span>}
      </div>
      {args && <pre className="code step-args">{args}</pre>}
      {shortOutput && (
        <div className={step.state === 'failed' ? 'step-output-inline step-output-failed' : 'step-output-inline'}>
          <span aria-hidden="true">→ </span>
          <code>{step.output}</code>
        </div>
      )}
      {step.output !== undefined && !shortOutput && <StepOutput text={step.output} failed={step.state === 'failed'} />}
      {step.interrupted && <p className="step-note">Stopped before it returned.</p>}
    </li>
  );
}
