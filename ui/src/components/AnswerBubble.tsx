// The answer: a skeleton until the first token, then the text as it streams (plain text).
import type { Turn } from '../state/types';

export function AnswerBubble({ turn }: { turn: Turn }) {
  const finished = turn.finish !== undefined;
  if (turn.answer === '' && !finished && turn.phase !== 'error') {
    return (
      <div className="skeleton" aria-hidden="true">
        <span className="skeleton-line" />
        <span className="skeleton-line" />
        <span className="skeleton-line skeleton-line-short" />
      </div>
    );
  }
  const classes = ['answer'];
  if (!finished && turn.phase === 'streaming') classes.push('answer-streaming');
  if (turn.phase === 'cancelled') classes.push('answer-stopped');
  return (
    <>
      <div className={classes.join(' ')} data-testid="answer">
        {turn.answer}
      </div>
      {finished && turn.answer === '' && turn.phase === 'cancelled' && (
        <p className="answer-note">Stopped before any answer.</p>
      )}
      {finished && turn.answer === '' && turn.phase === 'completed' && (
        <p className="answer-note">No answer was given.</p>
      )}
    </>
  );
}
