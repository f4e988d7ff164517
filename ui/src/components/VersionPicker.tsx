// "‹ 2 / 3 ›": under an answer that has versions (regenerated), or on a prompt that was edited
// (the branches forking there). Which one is shown, and the others one click away; the
// conversation goes on from the one shown.
import './VersionPicker.css';

export interface VersionPickerProps {
  /** 0-based: which version is shown. */
  index: number;
  count: number;
  onPick: (index: number) => void;
  /** What is picked: `answer` (the versions of an answer, the default) or `prompt` (its branches). */
  of?: 'answer' | 'prompt' | undefined;
}

const WORDS = {
  answer: { group: 'Versions of this answer', item: 'version', testId: 'version-picker' },
  prompt: { group: 'Branches from this message', item: 'branch', testId: 'prompt-picker' },
};

export function VersionPicker({ index, count, onPick, of = 'answer' }: VersionPickerProps) {
  if (count < 2) return null;
  const words = WORDS[of];
  return (
    <div className="version-picker" data-testid={words.testId} role="group" aria-label={words.group}>
      <button
        type="button"
        className="link-button"
        aria-label={`Previous ${words.item}`}
        disabled={index <= 0}
        onClick={() => onPick(index - 1)}
      >
        ‹
      </button>
      <span className="version-count" aria-live="polite">
        {index + 1} / {count}
      </span>
      <button
        type="button"
        className="link-button"
        aria-label={`Next ${words.item}`}
        disabled={index >= count - 1}
        onClick={() => onPick(index + 1)}
      >
        ›
      </button>
    </div>
  );
}
