// One tool call in the open steps list: its name and arguments, then what became of it. A call
// that asks first shows the approval card until answered, then the answer; a running call shows
// its live time and Cancel; a finished one ✓ or ✕, its duration and its output.
import { memo } from 'react';
import { formatArgs, formatDuration, inlineArgs, isShortOutput } from '../format';
import { progressFraction, progressStep, toolPhase } from '../state/selectors';
import type { ApprovalState, ToolProgress, ToolStep } from '../state/types';
import { ApprovalCard } from './ApprovalCard';
import { CancelToolButton } from './CancelToolButton';
import { LiveDuration } from './LiveDuration';
import { StepOutput } from './StepOutput';
import './ToolStepItem.css';

const STATE_TEXT = { running: 'running', done: 'done', failed: 'failed' } as const;

const APPROVAL_TEXT: Record<Exclude<ApprovalState, 'waiting'>, string> = {
  approved: 'Approved',
  edited: 'Approved with your changes',
  denied: 'Denied',
};

export interface ToolStepItemProps {
  step: ToolStep;
  runId: string;
  /** The run's `started_at` (epoch ms), to time a running call from its `t_ms`. */
  runStartedAt?: number | undefined;
  onAnswered?: ((callId: string) => void) | undefined;
}

export const ToolStepItem = memo(function ToolStepItem({ step, runId, runStartedAt, onAnswered }: ToolStepItemProps) {
  const phase = toolPhase(step);
  const waiting = phase === 'waiting';
  // Short calls fit on one or two lines, so 50+ of them stay readable; long ones get blocks. A
  // call waiting for approval shows its arguments in the card, where they can be edited.
  const inline = waiting ? undefined : inlineArgs(step.args);
  const args = inline === undefined && !waiting ? formatArgs(step.args, step.argsText) : '';
  const shortOutput = step.output !== undefined && isShortOutput(step.output) && step.output !== '';
  const since = runStartedAt !== undefined && step.startedMs !== undefined ? runStartedAt + step.startedMs : undefined;
  const name = step.name || 'tool';
  const answer = step.approval && step.approval.state !== 'waiting' ? step.approval.state : undefined;
  return (
    <li
      className={`step step-tool step-${step.state}${waiting ? ' step-waiting' : ''}`}
      data-testid="step"
      data-kind="tool"
      data-state={step.state}
      data-phase={phase}
      data-call-id={step.id}
    >
      <div className="step-head">
        <span
          className={`step-state step-state-${waiting ? 'waiting' : step.state}`}
          role="img"
          aria-label={waiting ? 'waiting for your approval' : STATE_TEXT[step.state]}
        >
          {step.state === 'done' ? '✓' : step.state === 'failed' ? '✕' : waiting ? '?' : ''}
        </span>
        <span className="tool-name">{name}</span>
        {inline !== undefined && <code className="step-args-inline">{inline}</code>}
        {waiting && <span className="step-note step-note-approval">Waiting for your approval</span>}
        {answer && (
          // Focus lands here after the user answered (the buttons are gone); see ToolTimeline.
          <span className={`step-approval step-approval-${answer}`} data-testid="approval-outcome" tabIndex={-1}>
            {APPROVAL_TEXT[answer]}
            {step.approval?.always && answer !== 'denied' ? ' · always allowed from now on' : ''}
          </span>
        )}
        {phase === 'drafting' && <span className="step-note">running…</span>}
        {phase === 'running' && (
          <>
            <LiveDuration since={since} />
            <CancelToolButton runId={runId} callId={step.id} name={name} />
          </>
        )}
        {step.durationMs !== undefined && <span className="step-duration">{formatDuration(step.durationMs)}</span>}
      </div>
      {phase === 'running' && step.progress && <ProgressLine name={name} progress={step.progress} />}
      {waiting && <ApprovalCard runId={runId} step={step} onAnswered={onAnswered} />}
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
});

/** What a running call last reported: "step 3 of 5 · Reading sources", and a thin bar when the total is known. */
function ProgressLine({ name, progress }: { name: string; progress: ToolProgress }) {
  const words = progressStep(progress);
  const fraction = progressFraction(progress);
  return (
    <div className="step-progress" data-testid="step-progress">
      <span className="step-progress-text">
        {words}
        {progress.message ? ` · ${progress.message}` : ''}
      </span>
      {fraction !== undefined && (
        <div
          className="step-progress-bar"
          role="progressbar"
          aria-label={`${name} progress`}
          aria-valuemin={0}
          aria-valuemax={progress.total}
          aria-valuenow={progress.progress}
          aria-valuetext={words}
        >
          <span className="step-progress-fill" style={{ transform: `scaleX(${fraction})` }} />
        </div>
      )}
    </div>
  );
}
