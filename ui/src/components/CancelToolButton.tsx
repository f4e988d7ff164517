// Cancels one running tool call; the run goes on without its result (`cancel_tool_call`).
import { useContext } from 'react';
import { ShellContext } from '../shell';
import { useSendOnce } from './useSendOnce';

export interface CancelToolButtonProps {
  runId: string;
  callId: string;
  name: string;
}

export function CancelToolButton({ runId, callId, name }: CancelToolButtonProps) {
  const shell = useContext(ShellContext);
  const { sending, failure, send } = useSendOnce();
  const cancel = () => send(() => shell.cancelToolCall(runId, callId));
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
