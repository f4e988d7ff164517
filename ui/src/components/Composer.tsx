// The prompt box: Enter sends, Shift+Enter adds a line; Send turns into Stop while a run goes.
// Files come with the prompt: the Attach button (the shell's open dialog, or the window's file
// input), dropped anywhere on the window, or pasted; each shows as a chip, checked before
// anything is sent (a refused one says why and holds Send until removed).
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { ComposerFileChips } from '../attachments/FileChips';
import { useComposerFiles, type FileChecker, type ReadyFile } from '../attachments/useComposerFiles';
import { useFileDrop } from '../attachments/useFileDrop';
import './Composer.css';

export interface ComposerProps {
  /** The listener is registered: runs can be started. */
  ready: boolean;
  /** A run of this chat is going. */
  busy: boolean;
  onSend: (prompt: string, files: ReadyFile[]) => void;
  onStop: () => void;
  /** Changes when the chat changes, to give the box the focus again. */
  conversationId: string;
  /** Checks the files attached (and opens the shell's dialog, when it has one). */
  files: FileChecker;
}

const MAX_HEIGHT_PX = 200;

function PaperclipIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">
      <path
        d="M12.5 8.5 8 13a3 3 0 0 1-4.2-4.2l5.3-5.3a2 2 0 0 1 2.8 2.8l-5.3 5.3a1 1 0 0 1-1.4-1.4L10 5.4"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinecap="round"
      />
    </svg>
  );
}

export function Composer({ ready, busy, onSend, onStop, conversationId, files: checker }: ComposerProps) {
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const files = useComposerFiles(checker);
  const dropping = useFileDrop(ready, files.add);
  const hasContent = text.trim() !== '' || files.ready.length > 0;
  const canSend = ready && !busy && hasContent && !files.checking && !files.refused;

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
    onSend(text, files.ready);
    setText('');
    files.clear();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  };

  const attach = () => {
    if (checker.pick) void files.pick();
    else fileInput.current?.click();
  };

  return (
    <form
      className={dropping ? 'composer composer-dropping' : 'composer'}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {files.files.length > 0 && <ComposerFileChips files={files.files} onRemove={files.remove} />}
      {files.refused && (
        <p className="composer-hint" data-testid="composer-hint">
          Remove the files that cannot be sent to send your message.
        </p>
      )}
      {dropping && <p className="composer-drop">Drop files to attach them</p>}
      <div className="composer-row">
        <button
          type="button"
          className="button composer-attach"
          data-testid="attach-button"
          aria-label="Attach files"
          title="Attach images, PDFs or text files (or drop or paste them)"
          disabled={!ready}
          onClick={attach}
        >
          <PaperclipIcon />
        </button>
        {!checker.pick && (
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            data-testid="attach-input"
            onChange={(e) => {
              files.add(Array.from(e.target.files ?? []));
              e.target.value = '';
            }}
          />
        )}
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
          onPaste={(e) => {
            const pasted = Array.from(e.clipboardData.files);
            if (pasted.length === 0) return;
            e.preventDefault();
            files.add(pasted);
          }}
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
      </div>
    </form>
  );
}
