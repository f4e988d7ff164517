// The steps row of a turn: folded by default; open, each thought and tool call in order.
import { memo, useId, useState } from 'react';
import { formatArgs, formatDuration } from '../format';
import { toolSteps, totalToolMs } from '../state/selectors';
import type { Step, ToolStep, Turn } from '../state/types';
import { StepOutput } from './StepOutput';

export function stepsLabel(turn: Turn, expanded: boolean): string {
  const tools = toolSteps(turn).length;
  if (tools === 0 && turn.steps.length > 0) return expanded ? 'Hide thinking' : 'View thinking';
  return `${expanded ? 'Hide' : 'View'} steps (${tools})`;
}

export function ToolTimeline({ turn, initiallyExpanded = false }: { turn: Turn; initiallyExpanded?: boolean }) {
  const [expanded, setExpanded] = useState(initiallyExpanded);
  const listId = useId();
  const running = turn.finish === undefined;
  if (turn.steps.length === 0) {
    // Keep the row's height while the run may still add steps, so nothing jumps.
    return running ? <div className="steps-row steps-row-placeholder" aria-hidden="true" /> : null;
  }
  const total = totalToolMs(turn);
  return (
    <div className="steps-row">
      <button
        type="button"
        className="steps-toggle"
        data-testid="steps-toggle"
        aria-expanded={expanded}
        aria-controls={listId}
        onClick={() => setExpanded(!expanded)}
      >
        <span className="steps-caret" aria-hidden="true">
          ▸
        </span>
        <span>{stepsLabel(turn, expanded)}</span>
        {total > 0 && <span className="steps-total"> · {formatDuration(total)}</span>}
      </button>
      {expanded && (
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
  const args = formatArgs(step.args, step.argsText);
  return (
    <li className={`step step-tool step-${step.state}`} data-testid="step" data-kind="tool" data-state={step.state}>
      <div className="step-head">
        <span className={`step-state step-state-${step.state}`} role="img" aria-label={STATE_TEXT[step.state]}>
          {step.state === 'done' ? '✓' : step.state === 'failed' ? '✕' : ''}
        </span>
        <span className="tool-name">{step.name || 'tool'}</span>
        {step.state === 'running' && <span className="step-note">running…</span>}
        {step.durationMs !== undefined && <span className="step-duration">{formatDuration(step.durationMs)}</span>}
      </div>
      {args && <pre className="code step-args">{args}</pre>}
      {step.output !== undefined && <StepOutput text={step.output} failed={step.state === 'failed'} />}
      {step.interrupted && <p className="step-note">Stopped before it returned.</p>}
    </li>
  );
}
