// @vitest-environment happy-dom
// The Markdown component as the window streams into it: blocks in groups and long blocks in chunks
// read exactly as the answer rendered block by block, whether it streamed or came at once, and no
// block's element is replaced while the answer grows (selection and find-in-page stay put).
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { GrowingText } from '../state/growingText';
import { mountPerTest } from '../test-support/dom';
import { BlockSplitter, GROUP_BLOCKS } from './blocks';
import { CHUNK_GROUP } from './chunks';
import { Markdown } from './Markdown';
import { renderMarkdown } from './render';

const dom = mountPerTest();

const SECTIONS = Array.from(
  { length: 40 },
  (_, i) => `## Section ${i}\n\nText **${i}** with \`code\`.\n\n- a ${i}\n- b\n\n\`\`\`ts\nconst x = ${i};\n\`\`\`\n\n`,
).join('');
const LONG_CODE = `\`\`\`python\n${Array.from({ length: 700 }, (_, i) => `x = ${i}`).join('\n')}\n\`\`\`\n\n`;
const LONG_LIST = `${Array.from({ length: 300 }, (_, i) => `- item ${i}`).join('\n')}\n\n`;
const LONG_PARA = Array.from({ length: 1200 }, (_, i) => `word${i}`).join(' ');
const ANSWER = SECTIONS + LONG_CODE + LONG_LIST + LONG_PARA;

function render(text: GrowingText, streaming: boolean) {
  act(() => dom.root.render(<Markdown text={text} streaming={streaming} />));
}

/** The blocks as the splitter cuts the whole answer. */
function blocksOf(answer: string): string[] {
  const r = new BlockSplitter().append(answer);
  return [...r.groups.flat(), ...r.rest, r.open];
}

/** A copy of `root` without the group wrappers (their children in their place). */
function ungrouped(root: Element): Element {
  const copy = root.cloneNode(true) as Element;
  for (const wrapper of copy.querySelectorAll('.md-group, .md-chunk-group')) wrapper.replaceWith(...wrapper.childNodes);
  return copy;
}

const spaced = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('Markdown', () => {
  it('streams into groups that read as the answer rendered block by block, and as it renders at once', () => {
    let text = GrowingText.EMPTY;
    let firstBlock: Element | null = null;
    let firstCodeChunk: Element | null = null;
    for (let i = 0; i < ANSWER.length; i += 97) {
      text = text.append(ANSWER.slice(i, i + 97));
      render(text, true);
      firstBlock ??= dom.container.querySelector('.md-block');
      if (i > SECTIONS.length + LONG_CODE.length / 2) firstCodeChunk ??= dom.container.querySelector('.code-chunk');
    }
    render(text, false);
    const streamed = dom.container.innerHTML;

    // Grouped: full groups of GROUP_BLOCKS blocks, then the last; the long code in groups of chunks.
    const groups = [...dom.container.querySelectorAll(':scope > .md-group')];
    expect(groups.length).toBe(Math.ceil(blocksOf(ANSWER).length / GROUP_BLOCKS));
    for (const group of groups.slice(0, -1)) expect(group.children).toHaveLength(GROUP_BLOCKS);
    expect(dom.container.querySelector('.code-chunked > .md-chunk-group')!.children).toHaveLength(CHUNK_GROUP);

    // Each block reads as that block rendered alone: small ones exactly, large ones (chunked; their
    // markup is checked in chunks.test.ts) by their text.
    const blocks = blocksOf(ANSWER);
    const elements = [...ungrouped(dom.container).children];
    expect(elements).toHaveLength(blocks.length);
    for (const [i, block] of blocks.entries()) {
      const alone = `<div class="md-block">${renderMarkdown(block)}</div>`;
      if (block.length < 2048) expect(elements[i]!.outerHTML).toBe(alone);
      else expect(spaced(elements[i]!.textContent!)).toBe(spaced(new DOMParser().parseFromString(alone, 'text/html').body.textContent!));
    }

    // The elements of the first block and of a code chunk drawn mid-stream are still the ones shown.
    expect(dom.container.querySelector('.md-block')).toBe(firstBlock);
    expect(firstCodeChunk?.isConnected).toBe(true);

    // Full groups that filled while streaming are lazy (skipped off screen) once another has filled
    // after them: every group but the last two, of blocks and of the long code's chunks.
    expect(dom.container.querySelectorAll('.md-group-lazy')).toHaveLength(groups.length - 2);
    expect(dom.container.querySelectorAll('.code-chunked > .md-chunk-group-lazy').length).toBeGreaterThan(0);

    // The same answer arriving at once renders the same markup, none of it lazy (never laid out,
    // its size would be a guess).
    act(() => dom.root.unmount());
    dom.root = createRoot(dom.container);
    render(GrowingText.of(ANSWER), false);
    expect(dom.container.querySelector('.md-group-lazy, .md-chunk-group-lazy')).toBeNull();
    expect(dom.container.innerHTML).toBe(streamed.replace(/ md-(chunk-)?group-lazy/g, ''));
  });
});
