// The prompt box: Enter sends, Shift+Enter adds a line; Send turns into Stop while a run goes.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import './Composer.css';

export interface ComposerProps {
  /** The listener is registered: runs can be started. */
  ready: boolean;
  /** A run of this chat is going. */
  busy: boolean;
  onSend: (prompt: string) => void;
  onStop: () => void;
  /** Changes when the chat changes, to give the box the focus again. */
  conversationId: string;
}

const MAX_HEIGHT_PX = 200;

export function Composer({ ready, busy, onSend, onStop, conversationId }: ComposerProps) {
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const canSend = ready && !busy && text.trim() !== '';

  // Focus the box when it becomes usable and when the chat changes.
  useEffect(() => {
    if (ready) input.current?.focus();
  }, [conversationId, ready]);

  // Grow with the text up to a limit, then scroll.
  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [text]);

  // The Stop button goes away when the run ends: don't leave the focus nowhere.
  useEffect(() => {
    if (!busy && document.activeElement === document.body) input.current?.focus();
  }, [busy]);

  const send = () => {
    if (!canSend) return;
    onSend(text);
    setText('');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        ref={input}
        className="composer-input"
        data-testid="composer-input"
        aria-label="Message"
        placeholder={ready ? 'Ask anything…' : 'Connecting…'}
        // Nothing can be sent before the event listener is registered (the E2E test waits on this).
        disabled={!ready}
        rows={1}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      {busy ? (
        <button
          type="button"
          className="button button-stop"
          data-testid="stop-button"
          onClick={() => {
            onStop();
            input.current?.focus();
          }}
          title="Stop (Esc)"
        >
          <span className="stop-square" aria-hidden="true" />
          Stop
        </button>
      ) : (
        <button type="submit" className="button button-primary" data-testid="send-button" disabled={!canSend} title="Send (Enter)">
          Send
        </button>
      )}
    </form>
  );
}
