// Under a finished answer: copy it (the Markdown as written) and ask again.
import { useEffect, useRef, useState } from 'react';
import { copyText } from '../shell';
import type { Turn } from '../state/types';
import './TurnActions.css';

const COPIED_MS = 1500;

export function TurnActions({ turn, onRegenerate }: { turn: Turn; onRegenerate?: (() => void) | undefined }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  if (!turn.finish || turn.answer.length === 0) return null;
  const copy = () => {
    void copyText(String(turn.answer)).then((ok) => {
      setCopied(ok);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setCopied(null), COPIED_MS);
    });
  };
  return (
    <div className="turn-actions">
      <button type="button" className="link-button" data-testid="copy-answer" onClick={copy}>
        {copied === null ? 'Copy' : copied ? 'Copied' : 'Copy failed'}
      </button>
      {onRegenerate && (
        <button type="button" className="link-button" data-testid="regenerate" onClick={onRegenerate}>
          Regenerate
        </button>
      )}
    </div>
  );
}
