// The answer's text as pieces: versions share their pieces, older versions never change, and a
// reader gets what came since the version it saw.
import { describe, expect, it } from 'vitest';
import { GrowingText } from './growingText';

describe('GrowingText', () => {
  it('reads whole as its pieces joined, and knows its length', () => {
    const text = GrowingText.EMPTY.append('Hel').append('').append('lo');
    expect(String(text)).toBe('Hello');
    expect(text.length).toBe(5);
    expect(JSON.stringify({ answer: text })).toBe('{"answer":"Hello"}');
    expect(String(GrowingText.of('abc'))).toBe('abc');
    expect(GrowingText.of('')).toBe(GrowingText.EMPTY);
  });

  it('knows whether it is nothing but white space, looking only at what each append adds', () => {
    expect(GrowingText.EMPTY.blank).toBe(true);
    const space = GrowingText.EMPTY.append('\n\n').append(' \t').append('\u00a0');
    expect(space.blank).toBe(true);
    const word = space.append(' Hello');
    expect(word.blank).toBe(false);
    expect(word.append('   ').blank).toBe(false);
    expect(GrowingText.of('  \n ').blank).toBe(true);
    expect(GrowingText.of(' x ').blank).toBe(false);
    // As the splitter trims: exactly the texts String.prototype.trim empties.
    for (const text of ['', ' ', '\n\t\r', '\u2028\ufeff', 'a', ' . ']) expect(GrowingText.of(text).blank).toBe(text.trim() === '');
  });

  it('leaves every earlier version as it was', () => {
    const a = GrowingText.of('a');
    const ab = a.append('b');
    const abc = ab.append('c');
    expect([String(a), String(ab), String(abc)]).toEqual(['a', 'ab', 'abc']);
    expect(a.length).toBe(1);
  });

  it('gives what came after an earlier version, and null for a text that is not one', () => {
    const a = GrowingText.of('one ');
    const b = a.append('two ').append('three');
    expect(b.since(a)).toBe('two three');
    expect(b.since(b)).toBe('');
    expect(b.since(GrowingText.EMPTY)).toBe('one two three');
    // A later version, or another text, is not an earlier version.
    expect(a.since(b)).toBeNull();
    expect(b.since(GrowingText.of('one '))).toBeNull();
  });

  it('branches when an old version is extended differently, leaving the newer one intact', () => {
    const base = GrowingText.of('x');
    const left = base.append('L');
    const right = base.append('R');
    expect([String(left), String(right)]).toEqual(['xL', 'xR']);
    expect(left.since(base)).toBe('L');
    // The branch is another text for readers of the first.
    expect(right.since(left)).toBeNull();
    // The same append made twice (React may call a reducer twice) shares the piece.
    const again = base.append('L');
    expect(again.since(base)).toBe('L');
    expect(left.append('!').since(again)).toBe('!');
  });
});
