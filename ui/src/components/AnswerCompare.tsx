// Compare under an answer with versions: the version on screen against another one (the previous
// by default), word by word. Words only in the other version are struck through (<del>), words
// only in this one are marked as added (<ins>), so the change reads without colour too.
import { useId, useMemo, useState } from 'react';
import { diffWords } from '../diff/wordDiff';
import type { GrowingText } from '../state/growingText';
import './AnswerCompare.css';

export interface AnswerCompareProps {
  /** Every version's answer, in order (read only here, while compared). */
  answers: readonly (GrowingText | string)[];
  /** 0-based: the version on screen. */
  index: number;
}

/** The version compared against at first: the one before, else (the first) the one after. */
export function defaultAgainst(index: number, count: number): number {
  return index > 0 ? index - 1 : Math.min(1, count - 1);
}

const GRAIN_NOTE = {
  word: undefined,
  line: 'These answers are long: compared line by line.',
  whole: 'These answers are too long to compare piece by piece.',
} as const;

export function AnswerCompare({ answers, index }: AnswerCompareProps) {
  const [chosen, setChosen] = useState(() => defaultAgainst(index, answers.length));
  const against = chosen === index || chosen >= answers.length ? defaultAgainst(index, answers.length) : chosen;
  const before = String(answers[against] ?? '');
  const after = String(answers[index] ?? '');
  const { grain, parts } = useMemo(() => diffWords(before, after), [before, after]);
  const selectId = useId();
  return (
    <section
      className="answer-compare"
      data-testid="answer-compare"
      aria-label={`Version ${index + 1} compared with version ${against + 1}`}
    >
      <div className="answer-compare-head">
        <label htmlFor={selectId}>Version {index + 1} against</label>
        <select id={selectId} data-testid="compare-against" value={against} onChange={(e) => setChosen(Number(e.currentTarget.value))}>
          {answers.map((_, i) =>
            i === index ? null : (
              <option key={i} value={i}>
                version {i + 1}
              </option>
            ),
          )}
        </select>
        <span className="answer-compare-key">
          <del>removed</del> <ins>added</ins>
        </span>
      </div>
      {GRAIN_NOTE[grain] && <p className="answer-compare-note">{GRAIN_NOTE[grain]}</p>}
      <p className="answer-compare-text" data-testid="compare-text">
        {parts.map((part, i) =>
          part.kind === 'removed' ? (
            <del key={i}>{part.text}</del>
          ) : part.kind === 'added' ? (
            <ins key={i}>{part.text}</ins>
          ) : (
            <span key={i}>{part.text}</span>
          ),
        )}
      </p>
    </section>
  );
}
