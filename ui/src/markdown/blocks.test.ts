import { describe, expect, it, vi } from 'vitest';
import { GrowingText } from '../state/growingText';
import { BlockSplitter, GROUP_BLOCKS, prepareOpenBlock, type SplitResult } from './blocks';
import { renderMarkdown } from './render';

const DOC = [
  '# Title',
  '',
  'A paragraph with `code`',
  'on two lines.',
  '',
  '- one',
  '- two',
  '',
  '  still item two',
  '',
  '```ts',
  'const a = 1;',
  '',
  'const b = 2;',
  '```',
  '',
  '| a | b |',
  '|---|---|',
  '| 1 | 2 |',
  '',
  'The end.',
].join('\n');

const EXPECTED = [
  '# Title',
  'A paragraph with `code`\non two lines.',
  '- one\n- two\n\n  still item two',
  '```ts\nconst a = 1;\n\nconst b = 2;\n```',
  '| a | b |\n|---|---|\n| 1 | 2 |',
];

/** The completed blocks, all groups and the rest. */
function complete(r: SplitResult): string[] {
  return [...r.groups.flat(), ...r.rest];
}

function all(r: SplitResult): string[] {
  return r.open === '' ? complete(r) : [...complete(r), r.open];
}

describe('BlockSplitter', () => {
  it('splits at blank lines outside fences, keeping indented continuations', () => {
    const r = new BlockSplitter().update(GrowingText.of(DOC));
    expect(complete(r)).toEqual(EXPECTED);
    expect(r.open).toBe('The end.');
  });

  it('gives the same blocks whatever the chunking, and never changes a completed block', () => {
    for (const size of [1, 2, 3, 7, 50]) {
      const s = new BlockSplitter();
      let text = GrowingText.EMPTY;
      let seen: string[] = [];
      for (let i = 0; i < DOC.length; i += size) {
        text = text.append(DOC.slice(i, i + size));
        const r = s.update(text);
        // Completed blocks only grow in number; earlier ones stay exactly as they were.
        expect(complete(r).slice(0, seen.length)).toEqual(seen);
        seen = [...complete(r)];
      }
      expect(String(text)).toBe(DOC);
      expect(all(s.update(text))).toEqual([...EXPECTED, 'The end.']);
    }
  });

  it('keeps an unclosed fence open with blank lines in it', () => {
    const r = new BlockSplitter().append('Intro\n\n```py\nx = 1\n\n\ny = 2\n');
    expect(complete(r)).toEqual(['Intro']);
    expect(r.open).toBe('```py\nx = 1\n\n\ny = 2');
    expect(renderMarkdown(r.open)).toContain('<code class="hljs language-python">');
  });

  it('does not close a fence with a shorter or different marker', () => {
    const r = new BlockSplitter().append('````\n```\n~~~\n\nstill code\n````\n\nafter');
    expect(complete(r)).toEqual(['````\n```\n~~~\n\nstill code\n````']);
    expect(r.open).toBe('after');
  });

  it('starts over, in a new generation, when the text is replaced rather than appended to', () => {
    const s = new BlockSplitter();
    const first = s.update(GrowingText.of('one\n\ntwo'));
    const second = s.update(GrowingText.of('three\n\nfour'));
    expect(all(second)).toEqual(['three', 'four']);
    expect(second.generation).toBe(first.generation + 1);
    // An earlier version of the text is not an extension either.
    const longer = GrowingText.of('a\n\nb').append('\n\nc');
    s.update(longer);
    expect(all(s.update(GrowingText.of('a\n\nb')))).toEqual(['a', 'b']);
  });

  it('returns the same completed array while no block completes (so memoised blocks stay)', () => {
    const s = new BlockSplitter();
    const text = GrowingText.of('one\n\ntwo');
    const a = s.update(text);
    const b = s.update(text.append(' more words'));
    expect(b.groups).toBe(a.groups);
    expect(b.rest).toBe(a.rest);
    expect(b.generation).toBe(a.generation);
  });

  it('keeps completed blocks in full groups that stay the same arrays once full', () => {
    const s = new BlockSplitter();
    let text = GrowingText.EMPTY;
    const seen: (readonly string[])[] = [];
    for (let i = 0; i < 100; i++) {
      text = text.append(`Paragraph ${i}.\n\n`);
      const r = s.update(text);
      // Every group seen full is still there, the very same array.
      for (const [k, group] of seen.entries()) expect(r.groups[k]).toBe(group);
      seen.splice(0, seen.length, ...r.groups);
      expect(complete(r)).toEqual(Array.from({ length: i }, (_, j) => `Paragraph ${j}.`));
    }
    const r = s.update(text.append('More'));
    expect(r.groups.map((g) => g.length)).toEqual([GROUP_BLOCKS, GROUP_BLOCKS, GROUP_BLOCKS]);
    expect(r.rest).toHaveLength(100 - 3 * GROUP_BLOCKS);
    expect(r.open).toBe('More');
  });

  it('reads only what was appended since the version it read last, never the whole text again', () => {
    const whole = vi.spyOn(GrowingText.prototype, 'toString');
    try {
      const s = new BlockSplitter();
      let text = GrowingText.of('# Title\n\n');
      let r = s.update(text);
      for (let i = 0; i < 3000; i++) {
        text = text.append(i % 60 === 59 ? `\n\nw${i}` : ` w${i}`);
        r = s.update(text);
      }
      expect(complete(r)).toHaveLength(50);
      // Once, for the first version it saw.
      expect(whole).toHaveBeenCalledTimes(1);
    } finally {
      whole.mockRestore();
    }
  });
});

describe('prepareOpenBlock', () => {
  it('renders a table as soon as its header row streams', () => {
    expect(renderMarkdown(prepareOpenBlock('| Name | Age'))).toContain('<table>');
    expect(renderMarkdown(prepareOpenBlock('| Name | Age |\n|--'))).toContain('<table>');
    expect(renderMarkdown(prepareOpenBlock('| Name | Age |\n|---|:-'))).toContain('<table>');
    expect(renderMarkdown(prepareOpenBlock('| Name | Age |\n|'))).toContain('<table>');
  });

  it('renders the same table markup mid-stream as once complete', () => {
    const full = '| Name | Age |\n| --- | --- |\n| Ann | 31 |';
    const html = renderMarkdown(full);
    expect(renderMarkdown(prepareOpenBlock('| Name | Age |\n| --- | --- |\n| Ann | 31 |'))).toBe(html);
    // The header alone: the same head, just no body yet.
    expect(renderMarkdown(prepareOpenBlock('| Name | Age |'))).toContain('<th>Name</th>\n<th>Age</th>');
  });

  it('leaves other blocks alone', () => {
    expect(prepareOpenBlock('Just text')).toBe('Just text');
    expect(prepareOpenBlock('- a\n- b')).toBe('- a\n- b');
    expect(prepareOpenBlock('```\n| not a table')).toBe('```\n| not a table');
  });
});
