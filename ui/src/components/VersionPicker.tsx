// "‹ 2 / 3 ›" under an answer that has versions (regenerated): which one is shown, and the
// others one click away. The conversation goes on from the version shown.
import './VersionPicker.css';

export interface VersionPickerProps {
  /** 0-based: which version is shown. */
  index: number;
  count: number;
  onPick: (index: number) => void;
}

export function VersionPicker({ index, count, onPick }: VersionPickerProps) {
  if (count < 2) return null;
  return (
    <div className="version-picker" data-testid="version-picker" role="group" aria-label="Versions of this answer">
      <button type="button" className="link-button" aria-label="Previous version" disabled={index <= 0} onClick={() => onPick(index - 1)}>
        ‹
      </button>
      <span className="version-count" aria-live="polite">
        {index + 1} / {count}
      </span>
      <button
        type="button"
        className="link-button"
        aria-label="Next version"
        disabled={index >= count - 1}
        onClick={() => onPick(index + 1)}
      >
        ›
      </button>
    </div>
  );
}
