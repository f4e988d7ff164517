// A tool call that asks first: its arguments as editable JSON, and Approve, Deny or Always allow.
// It stays until the run confirms the answer (`approval_resolved`), so a failed send can be retried.
import { useContext, useId, useState, type KeyboardEvent } from 'react';
import type { ApprovalAnswer } from '../generated/ipc';
import { errorMessage } from '../ipc';
import { ShellContext } from '../shell';
import type { ToolStep } from '../state/types';
import { argsChanged, parseArgs, prettyArgs } from './approvalArgs';
import { StatusIcon } from './StatusIcon';
import './ApprovalCard.css';

export interface ApprovalCardProps {
  runId: string;
  step: ToolStep;
  /** Told when the user answered, so focus can land on the outcome once the card goes. */
  onAnswered?: ((callId: string) => void) | undefined;
}

/** At most this many lines tall before the text area scrolls. */
const MAX_ROWS = 14;

export function ApprovalCard({ runId, step, onAnswered }: ApprovalCardProps) {
  const shell = useContext(ShellContext);
  const ids = useId();
  const [text, setText] = useState(() => prettyArgs(step.args));
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const parsed = parseArgs(text);
  const edited = argsChanged(parsed, step.args);
  const name = step.name || 'tool';

  const answer = (approved: boolean, always: boolean) => {
    if (sending || (approved && !parsed.ok)) return;
    const reply: ApprovalAnswer = { approved, always };
    // Unchanged arguments are not sent back: the shell runs the call as the model made it.
    if (approved && edited && parsed.ok) reply.args = parsed.args;
    setSending(true);
    setFailure(null);
    onAnswered?.(step.id);
    shell.resolveApproval(runId, step.id, reply).catch((error: unknown) => {
      setSending(false);
      setFailure(errorMessage(error));
    });
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
        <p className="approval-invalid" id={`${ids}-invalid`} data-testid="approval-invalid">
          {parsed.reason}
        </p>
      )}
      {edited && <p className="approval-hint">The call will run with your changes.</p>}
      <div className="approval-buttons">
        <button
          type="button"
          className="button button-primary button-small"
          data-testid="approval-approve"
          disabled={!parsed.ok || sending}
          onClick={() => answer(true, false)}
        >
          Approve
        </button>
        <button
          type="button"
          className="button button-small"
          data-testid="approval-deny"
          disabled={sending}
          onClick={() => answer(false, false)}
        >
          Deny
        </button>
        <button
          type="button"
          className="button button-small"
          data-testid="approval-always"
          disabled={!parsed.ok || sending}
          title={`Run ${name} without asking from now on (Settings › Tools)`}
          onClick={() => answer(true, true)}
        >
          Always allow this tool
        </button>
      </div>
      {failure && (
        <p className="approval-failure" role="alert">
          Couldn&apos;t send your answer: {failure}
        </p>
      )}
    </div>
  );
}
