// A command a button sends once (an approval's answer, a budget's, a call's cancel): while it is
// on its way the button is busy and a second press sends nothing; when it fails, the error is kept
// to show and the button works again. A command that succeeds leaves it busy: what sent it goes
// once the run confirms.
import { useState } from 'react';
import { errorMessage } from '../ipc';

export interface SendOnce {
  /** A command is on its way (or went and the run has not confirmed it yet). */
  sending: boolean;
  /** Why the last command failed, in words; null when none did. */
  failure: string | null;
  /** Sends `command` unless one is on its way. */
  send: (command: () => Promise<unknown>) => void;
}

export function useSendOnce(): SendOnce {
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const send = (command: () => Promise<unknown>) => {
    if (sending) return;
    setSending(true);
    setFailure(null);
    command().catch((error: unknown) => {
      setSending(false);
      setFailure(errorMessage(error));
    });
  };
  return { sending, failure, send };
}
