// A tool call that asks first: its arguments as editable JSON, and Approve, Deny or Always allow.
// It stays until the run confirms the answer (`approval_resolved`), so a failed send can be retried.
import { useContext, useId, useState, type KeyboardEvent } from 'react';
import type { ApprovalAnswer } from '../generated/ipc';
import { ShellContext } from '../shell';
import type { ToolStep } from '../state/types';
import { AnswerNotSent } from './AnswerNotSent';
import { argsChanged, parseArgs, prettyArgs } from './approvalArgs';
import { StatusIcon } from './StatusIcon';
import { useSendOnce } from './useSendOnce';
import './ApprovalCard.css';

export interface ApprovalCardProps {
  runId: string;
  step: ToolStep;
  /** Told when the user answered, so focus can land on the outcome once the card goes. */
  onAnswered?: ((callId: string) => void) | undefined;
}

/** At most this many lines tall before the text area scrolls. */
const MAX_ROWS = 14;

/** The answers offered, in order; Approve is the primary one (and Ctrl/Cmd+Enter's). */
const CHOICES = [
  { label: 'Approve', testId: 'approval-approve', approved: true, always: false, primary: true },
  { label: 'Deny', testId: 'approval-deny', approved: false, always: false, primary: false },
  { label: 'Always allow this tool', testId: 'approval-always', approved: true, always: true, primary: false },
] as const;

export function ApprovalCard({ runId, step, onAnswered }: ApprovalCardProps) {
  const shell = useContext(ShellContext);
  const ids = useId();
  const [text, setText] = useState(() => prettyArgs(step.args));
  const { sending, failure, send } = useSendOnce();
  const parsed = parseArgs(text);
  const edited = argsChanged(parsed, step.args);
  const name = step.name || 'tool';

  // While an answer is on its way nothing can be sent; invalid arguments cannot be approved.
  const blocked = (approved: boolean) => sending || (approved && !parsed.ok);

  const answer = (approved: boolean, always: boolean) => {
    if (blocked(approved)) return;
    const reply: ApprovalAnswer = { approved, always };
    // Unchanged arguments are not sent back: the shell runs the call as the model made it.
    if (approved && edited && parsed.ok) reply.args = parsed.args;
    onAnswered?.(step.id);
    send(() => shell.resolveApproval(runId, step.id, reply));
  };

  // Ctrl/Cmd+Enter in the arguments approves, as Enter sends in the composer.
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      answer(true, false);
    }
  };

  const rows = Math.min(MAX_ROWS, Math.max(2, text.split('\n').length));
  return (
    <div className="approval" role="group" aria-labelledby={`${ids}-title`} data-testid="approval">
      <p className="approval-title" id={`${ids}-title`}>
        <StatusIcon name="approval" className="approval-icon" />
        <span>
          Run <code>{name}</code>?
        </span>
      </p>
      <label className="approval-label" htmlFor={`${ids}-args`}>
        Arguments (JSON, you can edit them)
      </label>
      <textarea
        id={`${ids}-args`}
        className="text-field code-field approval-args"
        data-testid="approval-args"
        rows={rows}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        value={text}
        aria-invalid={!parsed.ok}
        aria-describedby={parsed.ok ? undefined : `${ids}-invalid`}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      {!parsed.ok && (
        <p className="field-error" id={`${ids}-invalid`} data-testid="approval-invalid">
          {parsed.reason}
        </p>
      )}
      {edited && <p className="field-hint">The call will run with your changes.</p>}
      <div className="approval-buttons">
        {CHOICES.map(({ label, testId, approved, always, primary }) => (
          <button
            key={testId}
            type="button"
            className={primary ? 'button button-primary button-small' : 'button button-small'}
            data-testid={testId}
            disabled={blocked(approved)}
            title={always ? `Run ${name} without asking from now on (Settings › Tools)` : undefined}
            onClick={() => answer(approved, always)}
          >
            {label}
          </button>
        ))}
      </div>
      <AnswerNotSent failure={failure} />
    </div>
  );
}
