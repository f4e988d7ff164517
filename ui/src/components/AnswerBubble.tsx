// The answer: a skeleton until the first token, then Markdown as it streams.
import { memo, useContext, type MouseEvent } from 'react';
import { Markdown } from '../markdown/Markdown';
import { isSafeUrl } from '../markdown/render';
import { copyText, ShellContext } from '../shell';
import type { GrowingText } from '../state/growingText';
import type { TurnPhase } from '../state/types';
import './AnswerBubble.css';

const COPIED_MS = 1500;

export interface AnswerBubbleProps {
  answer: GrowingText;
  phase: TurnPhase;
  finished: boolean;
}

/**
 * Only what the answer shows comes in, so events that change the rest of the turn (pings, steps,
 * tool progress) never re-render it.
 */
export const AnswerBubble = memo(function AnswerBubble({ answer, phase, finished }: AnswerBubbleProps) {
  const shell = useContext(ShellContext);
  if (answer.length === 0 && !finished && phase !== 'error') {
    return (
      <div className="skeleton" aria-hidden="true">
        <span className="skeleton-line" />
        <span className="skeleton-line" />
        <span className="skeleton-line skeleton-line-short" />
      </div>
    );
  }
  const streaming = !finished && phase === 'streaming';
  const classes = ['answer', 'markdown'];
  if (streaming) classes.push('answer-streaming');
  if (phase === 'cancelled' || phase === 'interrupted') classes.push('answer-stopped');
  if (answer.blank) classes.push('answer-blank');

  // One handler for the links and Copy buttons of every block (their HTML comes from Markdown).
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const target = e.target as Element;
    const copy = target.closest('button[data-copy]');
    if (copy) {
      const code = copy.closest('.code-block')?.querySelector('code');
      if (code) {
        void copyText(code.textContent ?? '').then((ok) => {
          copy.setAttribute('data-copied', ok ? 'yes' : 'no');
          setTimeout(() => copy.removeAttribute('data-copied'), COPIED_MS);
        });
      }
      return;
    }
    const link = target.closest('a');
    if (link) {
      // Never navigate the app's window; the system browser opens the link.
      e.preventDefault();
      const href = link.getAttribute('href') ?? '';
      if (isSafeUrl(href)) shell.openExternal(href);
    }
  };

  return (
    <>
      <div
        className={classes.join(' ')}
        data-testid="answer"
        onClick={onClick}
        onAuxClick={(e) => {
          // A middle click must not open a second app window either.
          if ((e.target as Element).closest('a')) e.preventDefault();
        }}
      >
        <Markdown text={answer} streaming={streaming} />
      </div>
      {finished && answer.length === 0 && phase === 'cancelled' && <p className="answer-note">Stopped before any answer.</p>}
      {finished && answer.length === 0 && phase === 'completed' && <p className="answer-note">No answer was given.</p>}
    </>
  );
});
