// @vitest-environment happy-dom
// The Markdown component as the window streams into it: blocks in groups and long blocks in chunks
// read exactly as the answer rendered block by block, whether it streamed or came at once, and no
// block's element is replaced while the answer grows (selection and find-in-page stay put).
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { GrowingText } from '../state/growingText';
import { mountPerTest } from '../test-support/dom';
import { framesPerTest } from '../test-support/frames';
import { BlockSplitter, GROUP_BLOCKS } from './blocks';
import { CHUNK_GROUP } from './chunks';
import { firstDrawn, PinToEnd } from './drawnFromEnd';
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

/** The answer rendered block by block, in one element. */
function renderedWhole(answer: string): Element {
  const div = document.createElement('div');
  div.innerHTML = blocksOf(answer)
    .filter((b) => b !== '')
    .map((b) => renderMarkdown(b))
    .join('');
  return div;
}

const frames = framesPerTest();
const nextFrame = () => frames.next();

/** Until an answer drawn from its end has every group (a frame each). */
function drawAll() {
  while (frames.waiting() > 0) nextFrame();
}

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
    const codeGroups = [...dom.container.querySelectorAll('.code-chunked > .md-chunk-group')];
    expect(Math.max(...codeGroups.map((group) => group.children.length))).toBe(CHUNK_GROUP);

    // Each block reads as that block rendered alone: small ones exactly, large ones and code blocks
    // (chunked; their markup is checked in chunks.test.ts) by their text.
    const blocks = blocksOf(ANSWER);
    const elements = [...ungrouped(dom.container).children];
    expect(elements).toHaveLength(blocks.length);
    for (const [i, block] of blocks.entries()) {
      const alone = `<div class="md-block">${renderMarkdown(block)}</div>`;
      if (block.length < 2048 && !block.startsWith('```')) expect(elements[i]!.outerHTML).toBe(alone);
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
    // its size would be a guess), once the groups above its end are drawn (a frame each).
    act(() => dom.root.unmount());
    dom.root = createRoot(dom.container);
    render(GrowingText.of(ANSWER), false);
    drawAll();
    expect(dom.container.querySelector('.md-group-lazy, .md-chunk-group-lazy')).toBeNull();
    expect(dom.container.innerHTML).toBe(streamed.replace(/ md-(chunk-)?group-lazy/g, ''));
  });

  it('draws an answer complete when first drawn from its end: a few screens of it at once, the rest above in the next frame', () => {
    const answer = SECTIONS.repeat(8);
    const split = new BlockSplitter().append(answer);
    const first = firstDrawn(split.groups, split.rest, split.open);
    // Cut inside a full group, with groups above it.
    expect(first.group).toBeGreaterThan(0);
    expect(first.item).toBeGreaterThan(0);
    const pinned: number[] = [];
    const blocksDrawn = () => dom.container.querySelectorAll(':scope > .md-group > .md-block').length;
    act(() =>
      dom.root.render(
        <PinToEnd.Provider value={() => pinned.push(blocksDrawn())}>
          <Markdown text={GrowingText.of(answer)} streaming={false} />
        </PinToEnd.Provider>,
      ),
    );
    // Its last blocks from the cut on; its end is there, and a marker says where it starts.
    const all = blocksOf(answer).filter((b) => b !== '').length;
    const drawnFirst = all - (first.group * GROUP_BLOCKS + first.item);
    expect(blocksDrawn()).toBe(drawnFirst);
    expect(drawnFirst).toBeLessThan(all / 4);
    expect(spaced(dom.container.textContent!)).toMatch(/Section 39\s*Text 39 with code\.[^]*const x = 39;$/);
    expect(dom.container.querySelector('[data-drawn-from]')!.getAttribute('data-drawn-from')).toBe(`${first.group}+${first.item}`);
    expect(pinned).toEqual([]);
    // The next frame draws the rest and tells the column to keep its end in view.
    nextFrame();
    expect(blocksDrawn()).toBe(all);
    expect(pinned).toEqual([all]);
    expect(dom.container.querySelector('[data-drawn-from]')).toBeNull();
    expect(frames.waiting()).toBe(0);
    expect(spaced(dom.container.textContent!)).toBe(spaced(ungrouped(renderedWhole(answer)).textContent!));
  });

  it('draws a long code block complete when first drawn from its last lines, the lines above in the next frame', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `x = ${i}`);
    const answer = `\`\`\`python\n${lines.join('\n')}\n\`\`\`\n`;
    render(GrowingText.of(answer), false);
    const drawn = spaced(dom.container.querySelector('code')!.textContent!);
    expect(drawn).toMatch(/x = 4999$/);
    const linesDrawn = drawn.split(' x = ').length;
    expect(linesDrawn).toBeGreaterThan(100);
    expect(linesDrawn).toBeLessThan(400);
    expect(dom.container.querySelector('[data-drawn-from]')).not.toBeNull();
    drawAll();
    expect(dom.container.querySelector('[data-drawn-from]')).toBeNull();
    expect(dom.container.querySelector('code')!.textContent).toBe(`${lines.join('\n')}\n`);
  });

  it('draws an answer first drawn while it streams whole, as it arrives', () => {
    render(GrowingText.of(SECTIONS.repeat(4)), true);
    expect(dom.container.querySelectorAll(':scope > .md-group').length).toBe(
      new BlockSplitter().append(SECTIONS.repeat(4)).groups.length + 1,
    );
  });
});
