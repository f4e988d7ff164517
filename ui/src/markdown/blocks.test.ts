import { describe, expect, it } from 'vitest';
import { BlockSplitter, prepareOpenBlock } from './blocks';
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

function all(r: { complete: readonly string[]; open: string }): string[] {
  return r.open === '' ? [...r.complete] : [...r.complete, r.open];
}

describe('BlockSplitter', () => {
  it('splits at blank lines outside fences, keeping indented continuations', () => {
    const r = new BlockSplitter().update(DOC);
    expect(r.complete).toEqual(EXPECTED);
    expect(r.open).toBe('The end.');
  });

  it('gives the same blocks whatever the chunking, and never changes a completed block', () => {
    for (const size of [1, 2, 3, 7, 50]) {
      const s = new BlockSplitter();
      let seen: string[] = [];
      for (let i = size; i < DOC.length + size; i += size) {
        const r = s.update(DOC.slice(0, i));
        // Completed blocks only grow in number; earlier ones stay exactly as they were.
        expect(r.complete.slice(0, seen.length)).toEqual(seen);
        seen = [...r.complete];
      }
      expect(all(s.update(DOC))).toEqual([...EXPECTED, 'The end.']);
    }
  });

  it('keeps an unclosed fence open with blank lines in it', () => {
    const r = new BlockSplitter().update('Intro\n\n```py\nx = 1\n\n\ny = 2\n');
    expect(r.complete).toEqual(['Intro']);
    expect(r.open).toBe('```py\nx = 1\n\n\ny = 2');
    expect(renderMarkdown(r.open)).toContain('<code class="hljs language-python">');
  });

  it('does not close a fence with a shorter or different marker', () => {
    const r = new BlockSplitter().update('````\n```\n~~~\n\nstill code\n````\n\nafter');
    expect(r.complete).toEqual(['````\n```\n~~~\n\nstill code\n````']);
    expect(r.open).toBe('after');
  });

  it('starts over when the text is replaced rather than appended to', () => {
    const s = new BlockSplitter();
    s.update('one\n\ntwo');
    expect(all(s.update('three\n\nfour'))).toEqual(['three', 'four']);
  });

  it('returns the same completed array while no block completes (so memoised blocks stay)', () => {
    const s = new BlockSplitter();
    const a = s.update('one\n\ntwo');
    const b = s.update('one\n\ntwo more words');
    expect(b.complete).toBe(a.complete);
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
