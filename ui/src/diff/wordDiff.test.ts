// The word diff behind Compare: what it marks, that its pieces give both texts back, and its
// fall-backs for long texts.
import { describe, expect, it } from 'vitest';
import { diffTokens, diffWords, lineTokens, wordTokens, type DiffPart } from './wordDiff';

const textOf = (parts: DiffPart[], side: 'before' | 'after') =>
  parts
    .filter((p) => p.kind === 'same' || p.kind === (side === 'before' ? 'removed' : 'added'))
    .map((p) => p.text)
    .join('');

describe('wordTokens / lineTokens', () => {
  it('keep every character', () => {
    const text = '  Hello,  world\n\tagain ';
    expect(wordTokens(text)).toEqual(['  ', 'Hello', ',', '  ', 'world', '\n\t', 'again', ' ']);
    expect(wordTokens(text).join('')).toBe(text);
    expect(lineTokens('a\nb\n\nc')).toEqual(['a\n', 'b\n', '\n', 'c']);
    expect(wordTokens('')).toEqual([]);
  });
});

describe('diffWords', () => {
  it('marks the words removed and added, the rest unchanged', () => {
    const { grain, parts } = diffWords('The quick brown fox jumps', 'The slow brown fox leaps high');
    expect(grain).toBe('word');
    expect(parts).toEqual([
      { kind: 'same', text: 'The ' },
      { kind: 'removed', text: 'quick' },
      { kind: 'added', text: 'slow' },
      { kind: 'same', text: ' brown fox ' },
      { kind: 'removed', text: 'jumps' },
      { kind: 'added', text: 'leaps high' },
    ]);
  });

  it('joins changes with only white space between them', () => {
    expect(diffWords('a fox leaps.', 'a dog sleeps.').parts).toEqual([
      { kind: 'same', text: 'a ' },
      { kind: 'removed', text: 'fox leaps' },
      { kind: 'added', text: 'dog sleeps' },
      { kind: 'same', text: '.' },
    ]);
  });

  it('gives both texts back from its pieces, white space included', () => {
    const before = 'One line.\n\nA second   paragraph with words.\n';
    const after = 'One longer line.\n\nA second paragraph, with more words.';
    const { parts } = diffWords(before, after);
    expect(textOf(parts, 'before')).toBe(before);
    expect(textOf(parts, 'after')).toBe(after);
  });

  it('has nothing to mark for equal texts, and everything for an empty one', () => {
    expect(diffWords('same words', 'same words').parts).toEqual([{ kind: 'same', text: 'same words' }]);
    expect(diffWords('', 'new text').parts).toEqual([{ kind: 'added', text: 'new text' }]);
    expect(diffWords('old text', '').parts).toEqual([{ kind: 'removed', text: 'old text' }]);
    expect(diffWords('', '').parts).toEqual([]);
  });

  it('falls back to lines, then to the whole text, past its bound', () => {
    const before = 'alpha beta gamma\ndelta epsilon\nzeta eta\n';
    const after = 'alpha beta gamma\ndelta EPSILON\nzeta eta theta\n';
    // The words that differ need more cells than 4; their lines fewer.
    expect(diffTokens(wordTokens(before), wordTokens(after), 4)).toBeNull();
    const byLine = diffWords(before, after, 4);
    expect(byLine.grain).toBe('line');
    expect(byLine.parts[0]).toEqual({ kind: 'same', text: 'alpha beta gamma\n' });
    expect(textOf(byLine.parts, 'before')).toBe(before);
    expect(textOf(byLine.parts, 'after')).toBe(after);
    const whole = diffWords('a\nb\nc\n', 'x\ny\nz\n', 1);
    expect(whole).toEqual({
      grain: 'whole',
      parts: [
        { kind: 'removed', text: 'a\nb\nc\n' },
        { kind: 'added', text: 'x\ny\nz\n' },
      ],
    });
  });

  it('compares long answers by a coarser grain, still giving both back', () => {
    const words = (seed: number) => Array.from({ length: 20_000 }, (_, i) => `w${(i * seed) % 997}`).join(' ');
    const { grain, parts } = diffWords(words(7), words(13));
    // 40,000 tokens a side is past the word grain's bound: its table would be 1.6 billion cells.
    expect(grain).not.toBe('word');
    expect(textOf(parts, 'before')).toBe(words(7));
    expect(textOf(parts, 'after')).toBe(words(13));
  });
});
