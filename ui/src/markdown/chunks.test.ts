// @vitest-environment happy-dom
// A large block drawn in chunks must read exactly as the same block drawn whole, at every moment
// of the stream, and a chunk once cut never changes.
import { describe, expect, it } from 'vitest';
import { BlockChunker, CHUNK_GROUP, CHUNKING_FROM, PARA_GROUP, type ChunkedBlock } from './chunks';
import { renderInline, renderMarkdown } from './render';

/** Feeds `text` in pieces of `step` characters; checks every intermediate result. */
function stream(text: string, step: number, check: (view: ChunkedBlock, sofar: string) => void): ChunkedBlock {
  const chunker = new BlockChunker();
  let seen: readonly string[] = [];
  for (let i = step; ; i += step) {
    const sofar = text.slice(0, Math.min(i, text.length)).trimEnd();
    const view = chunker.update(sofar);
    if (view.kind !== 'whole') {
      // Cut chunks are final: what was cut before is still there, unchanged.
      expect(chunksOf(view).slice(0, seen.length)).toEqual(seen);
      seen = chunksOf(view);
    }
    check(view, sofar);
    if (i >= text.length) return view;
  }
}

/** The cut chunks, all groups and the rest. */
function chunksOf(view: ChunkedBlock): string[] {
  return view.kind === 'whole' ? [] : [...view.groups.flat(), ...view.rest];
}

function textOf(html: string): string {
  const host = document.createElement('div');
  host.innerHTML = html;
  return host.textContent ?? '';
}

const codeLines = Array.from({ length: 400 }, (_, i) => `x = w${i} + "a string ${i}"  # note ${i}`);
const CODE = ['```python', ...codeLines, '```'].join('\n');

const PROSE = Array.from(
  { length: 120 },
  (_, i) => `Sentence ${i} has **bold ${i}**, \`code ${i}\`, a [link](https://example.com/${i}) and _stress_.`,
).join(' ');

const LIST = Array.from({ length: 150 }, (_, i) => `- item ${i} with *emphasis* and \`code\``).join('\n');
const ORDERED = Array.from({ length: 150 }, (_, i) => `${i + 1}. step ${i + 1} of the plan`).join('\n');

describe('BlockChunker', () => {
  it('leaves small blocks whole, but a code block from its fence line on', () => {
    expect(new BlockChunker().update('a'.repeat(CHUNKING_FROM - 1))).toEqual({ kind: 'whole' });
    expect(new BlockChunker().update('- a\n- b')).toEqual({ kind: 'whole' });
    expect(new BlockChunker().update('```py')).toEqual({ kind: 'whole' });
    expect(new BlockChunker().update('```py\nx = 1\n```')).toEqual({ kind: 'code', info: 'py', groups: [], rest: [], tail: 'x = 1\n' });
  });

  it('cuts a long code block into whole lines; chunks and tail are always the code so far', () => {
    const end = stream(CODE, 7, (view, sofar) => {
      if (view.kind === 'whole') return expect(sofar).not.toContain('\n');
      expect(view.kind).toBe('code');
      if (view.kind !== 'code') return;
      expect(view.info).toBe('python');
      for (const chunk of chunksOf(view)) expect(chunk.endsWith('\n')).toBe(true);
      const body = sofar.slice(sofar.indexOf('\n') + 1);
      const shown = chunksOf(view).join('') + view.tail;
      // Everything but a closing fence that may be arriving.
      expect(body.startsWith(shown)).toBe(true);
      expect(body.slice(shown.length).replace(/\n?`*$/, '')).toBe('');
    });
    expect(end.kind).toBe('code');
    if (end.kind !== 'code') return;
    // The closing fence is not code.
    expect(chunksOf(end).join('') + end.tail).toBe(`${codeLines.join('\n')}\n`);
    expect(chunksOf(end).length).toBeGreaterThan(5);
  });

  it('renders a long paragraph exactly as the whole paragraph renders', () => {
    const end = stream(PROSE, 5, (view, sofar) => {
      if (view.kind === 'whole') return;
      expect(view.kind).toBe('para');
      expect(chunksOf(view).join('') + (view.kind === 'para' ? view.tail : '')).toBe(sofar);
    });
    expect(end.kind).toBe('para');
    if (end.kind !== 'para') return;
    expect(chunksOf(end).length).toBeGreaterThan(5);
    const chunked = `<p>${[...chunksOf(end), end.tail].map(renderInline).join('')}</p>`;
    expect(chunked).toBe(renderMarkdown(PROSE));
  });

  it('cuts a paragraph that starts with spaces (they do not show) like any other', () => {
    const text = Array.from({ length: 3000 }, (_, i) => ` w${i}:1796063141968029241`).join('');
    const view = stream(text, 26, () => {});
    expect(view.kind).toBe('para');
    if (view.kind !== 'para') return;
    expect(chunksOf(view).length).toBeGreaterThan(50);
    expect(chunksOf(view).join('') + view.tail).toBe(text.trimStart());
    expect(`<p>${[...chunksOf(view), view.tail].map(renderInline).join('')}</p>`).toBe(renderMarkdown(text));
  });

  it('cuts a paragraph with a stray delimiter all the same once it is very long', () => {
    const text = `5 * 3 = 15, said the model. ${'word '.repeat(8000)}`.trimEnd();
    const view = stream(text, 500, () => {});
    expect(view.kind).toBe('para');
    if (view.kind === 'para') expect(chunksOf(view).length).toBeGreaterThan(1);
  });

  it('renders a long list with the same items and numbers as the whole list', () => {
    for (const list of [LIST, ORDERED]) {
      const end = stream(list, 9, () => {});
      expect(end.kind).toBe('list');
      if (end.kind !== 'list') continue;
      expect(chunksOf(end).length).toBeGreaterThan(3);
      const chunked = [...chunksOf(end), end.tail].map((c) => renderMarkdown(c.trimEnd())).join('');
      const whole = renderMarkdown(list);
      expect(chunked.match(/<li>/g)?.length).toBe(150);
      expect(textOf(chunked).replace(/\s+/g, ' ')).toBe(textOf(whole).replace(/\s+/g, ' '));
      if (list === ORDERED) expect(chunked).toContain(`<ol start="${chunksOf(end)[0]!.trimEnd().split('\n').length + 1}">`);
    }
  });

  it('falls back to whole when the block turns into something chunks cannot show', () => {
    const long = 'plain words '.repeat(300);
    const cases = [
      `${long}\n- a list interrupts the paragraph`,
      `${long}\n# a heading`,
      `${long}\n=====`,
      `${long}| a | b |`,
      `${LIST}\n# heading after the list\nand more`,
      `${LIST}\n* another kind of list\nand more`,
      `${CODE}\nText after the closing fence.`,
    ];
    for (const text of cases) {
      expect(stream(text, 11, () => {}).kind, text.slice(-40)).toBe('whole');
    }
  });

  it('keeps cut chunks in full groups that stay the same arrays once full', () => {
    const chunker = new BlockChunker();
    const seen: (readonly string[])[] = [];
    let last: ChunkedBlock = { kind: 'whole' };
    // 600 lines: 37 chunks of 16 lines (and the tail), in groups of CHUNK_GROUP.
    const code = ['```py', ...Array.from({ length: 600 }, (_, i) => `x = ${i}`)].join('\n');
    for (let i = 100; i < code.length + 100; i += 100) {
      last = chunker.update(code.slice(0, i));
      if (last.kind === 'whole') continue;
      for (const [k, group] of seen.entries()) expect(last.groups[k]).toBe(group);
      seen.splice(0, seen.length, ...last.groups);
    }
    if (last.kind !== 'code') throw new Error(`not code: ${last.kind}`);
    const full = Math.floor(37 / CHUNK_GROUP);
    expect(full).toBeGreaterThan(1);
    expect(last.groups.map((g) => g.length)).toEqual(Array.from({ length: full }, () => CHUNK_GROUP));
    expect(last.rest).toHaveLength(37 - full * CHUNK_GROUP);
    expect(chunksOf(last).join('') + last.tail).toBe(`${code.slice(code.indexOf('\n') + 1)}`);
    // A paragraph's groups are its paragraph elements: PARA_GROUP chunks each.
    const para = stream(`${'word '.repeat(6000)}end`, 50, () => {});
    if (para.kind !== 'para') throw new Error(`not a paragraph: ${para.kind}`);
    expect(para.groups.length).toBeGreaterThan(2);
    for (const group of para.groups) expect(group).toHaveLength(PARA_GROUP);
  });

  it('starts over when the text is replaced rather than extended', () => {
    const chunker = new BlockChunker();
    expect(chunker.update(CODE).kind).toBe('code');
    // Shorter.
    expect(chunker.update(PROSE).kind).toBe('para');
    // Longer, but not ending as the last text did where that one ended.
    expect(CODE.length).toBeGreaterThan(PROSE.length);
    expect(chunker.update(CODE).kind).toBe('code');
  });
});
