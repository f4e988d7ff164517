// Cancels one running tool call; the run goes on without its result (`cancel_tool_call`).
import { useContext, useState } from 'react';
import { errorMessage } from '../ipc';
import { ShellContext } from '../shell';

export interface CancelToolButtonProps {
  runId: string;
  callId: string;
  name: string;
}

export function CancelToolButton({ runId, callId, name }: CancelToolButtonProps) {
  const shell = useContext(ShellContext);
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const cancel = () => {
    if (sending) return;
    setSending(true);
    setFailure(null);
    shell.cancelToolCall(runId, callId).catch((error: unknown) => {
      setSending(false);
      setFailure(errorMessage(error));
    });
  };
  return (
    <>
      <button
        type="button"
        className="button button-small step-cancel"
        data-testid="step-cancel"
        // Several calls can run at once: the name says which one this cancels.
        aria-label={sending ? `Cancelling ${name}` : `Cancel ${name}`}
        disabled={sending}
        onClick={cancel}
      >
        {sending ? 'Cancelling…' : 'Cancel'}
      </button>
      {failure && (
        <span className="step-cancel-failure" role="alert">
          Couldn&apos;t cancel: {failure}
        </span>
      )}
    </>
  );
}
