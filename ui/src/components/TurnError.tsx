// A failed run: the message in plain words, and Retry when trying again may help.
import type { TurnError as TurnErrorValue } from '../state/types';
import './TurnError.css';

export function TurnError({ error, onRetry }: { error: TurnErrorValue; onRetry?: (() => void) | undefined }) {
  return (
    <div className="turn-error" data-testid="turn-error" role="alert">
      <span className="turn-error-message">{error.message}</span>
      {error.retryable && onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
