import { describe, expect, it } from 'vitest';
import { conversationTitle, formatArgs, formatCount, formatDuration, formatUsd, inlineArgs, isShortOutput, truncate } from './format';

describe('format', () => {
  it('formats counts', () => {
    expect(formatCount(1204)).toBe('1,204');
  });

  it.each([
    [412.4, '412 ms'],
    [0.034, '<1 ms'],
    [0, '<1 ms'],
    [1, '1 ms'],
    [372, '372 ms'],
    [6100, '6.1 s'],
    [125_000, '2 min 5 s'],
  ])('formats the duration %s ms as %s', (ms, shown) => {
    expect(formatDuration(ms)).toBe(shown);
  });

  it('formats dollars: nothing, fractions of a cent, cents', () => {
    const cases: Array<[number, string]> = [
      [0, '$0'],
      [0.00056, '$0.00056'],
      [0.0065432, '$0.0065'],
      [0.07, '$0.07'],
      [12.4, '$12.40'],
    ];
    expect(cases.map(([usd]) => formatUsd(usd))).toEqual(cases.map(([, shown]) => shown));
  });

  it('shows complete arguments as pretty JSON, streaming ones as they are', () => {
    expect(formatArgs({ expression: '17 * 23' }, '')).toBe('{\n  "expression": "17 * 23"\n}');
    expect(formatArgs(undefined, '{"expression": "17')).toBe('{"expression": "17');
    expect(formatArgs(undefined, '{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(formatArgs(undefined, '')).toBe('');
  });

  it('folds long output by characters and by lines', () => {
    expect(truncate('short')).toEqual({ text: 'short', truncated: false });
    expect(truncate('x'.repeat(700))).toEqual({ text: 'x'.repeat(600), truncated: true });
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const folded = truncate(lines);
    expect(folded.truncated).toBe(true);
    expect(folded.text.split('\n')).toHaveLength(8);
  });

  it('titles a chat by the first line of its first prompt', () => {
    expect(conversationTitle('  Plan a day\nin Tokyo')).toBe('Plan a day');
    expect(conversationTitle('')).toBe('New chat');
  });

  it('puts short flat arguments and one-line output on the step line', () => {
    expect(inlineArgs({ expression: '17 * 23' })).toBe('{"expression": "17 * 23"}');
    expect(inlineArgs({ path: 'a.rs', line: 3, all: true })).toBe('{"path": "a.rs", "line": 3, "all": true}');
    expect(inlineArgs({ nested: { a: 1 } })).toBeUndefined();
    expect(inlineArgs({ body: 'x'.repeat(80) })).toBeUndefined();
    expect(inlineArgs({ body: 'two\nlines' })).toBeUndefined();
    expect(inlineArgs(undefined)).toBeUndefined();
    expect(isShortOutput('391')).toBe(true);
    expect(isShortOutput('a\nb')).toBe(false);
  });
});
