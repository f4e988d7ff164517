// Under an answer: its versions, Continue when it was cut off, copy it (the Markdown as written)
// and ask again.
import { useEffect, useRef, useState } from 'react';
import { copyText } from '../shell';
import type { Turn } from '../state/types';
import { VersionPicker, type VersionPickerProps } from './VersionPicker';
import './TurnActions.css';

const COPIED_MS = 1500;

export interface TurnActionsProps {
  turn: Turn;
  onRegenerate?: (() => void) | undefined;
  /** Offered when the answer was cut off (stopped, failed, interrupted): go on from its exact text. */
  onContinue?: (() => void) | undefined;
  /** The answer's versions, when it has several. */
  versions?: VersionPickerProps | undefined;
  /** Compare, beside the versions: whether the comparison is open, and opening or closing it. */
  compare?: { open: boolean; onToggle: () => void } | undefined;
}

/** A finished run that did not complete: its answer can go on where it stopped. */
export function isCutOff(turn: Turn): boolean {
  return turn.finish !== undefined && turn.phase !== 'completed';
}

export function TurnActions({ turn, onRegenerate, onContinue, versions, compare }: TurnActionsProps) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const picker = versions && versions.count > 1 && (
    <>
      <VersionPicker {...versions} />
      {compare && (
        <button
          type="button"
          className="link-button"
          data-testid="compare-versions"
          aria-pressed={compare.open}
          title="Compare this version with another, word by word"
          onClick={compare.onToggle}
        >
          {compare.open ? 'Hide comparison' : 'Compare'}
        </button>
      )}
    </>
  );
  const more = onContinue && isCutOff(turn) && (
    <button type="button" className="link-button" data-testid="continue-answer" onClick={onContinue}>
      Continue
    </button>
  );
  if (!turn.finish || turn.answer.length === 0) {
    return picker || more ? (
      <div className="turn-actions">
        {picker}
        {more}
      </div>
    ) : null;
  }
  const copy = () => {
    void copyText(String(turn.answer)).then((ok) => {
      setCopied(ok);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setCopied(null), COPIED_MS);
    });
  };
  return (
    <div className="turn-actions">
      {picker}
      {more}
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
