// Splits a streaming Markdown answer into top-level blocks, incrementally.
//
// A block ends at a blank line (outside a code fence) that is followed by a line starting in
// column 0; a blank line followed by an indented line (a list item's next paragraph, an indented
// code block) continues the block. Once a block is complete its text never changes, so its
// rendering can be memoised: only the last, open block re-renders while tokens arrive.
//
// The answer only grows (tokens are appended), so each update reads just the text appended since
// the last one (`GrowingText.since`) and scans just the new lines; it keeps only the text after the
// last completed block. The cost per token does not depend on how long the answer already is.

import type { GrowingText } from '../state/growingText';
import { Groups } from './groups';
import { ownCopy } from './ownCopy';

/** Completed blocks per group (see groups.ts): a frame renders the last group, not every block. */
export const GROUP_BLOCKS = 32;

export interface SplitResult {
  /** Completed blocks in full groups of GROUP_BLOCKS, final: each group the same array for good. */
  groups: readonly (readonly string[])[];
  /** Completed blocks after the last full group, final. */
  rest: readonly string[];
  /** The last block, still growing ('' when there is none). */
  open: string;
  /**
   * Counts the times the splitter started over (the text was replaced, not extended): blocks of
   * another generation are other blocks, even at the same index.
   */
  generation: number;
}

interface Fence {
  char: string;
  length: number;
}

const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;

/** Leading blank lines and trailing whitespace do not change how a block renders. */
export function normaliseBlock(text: string): string {
  return text.replace(/^(?:[ \t]*\n)+/, '').trimEnd();
}

export class BlockSplitter {
  /** The version of the text read last. */
  private seen: GrowingText | null = null;
  /** The text after the last completed block: the open block, and the partial last line. */
  private rest = '';
  private blocks = new Groups<string>(GROUP_BLOCKS);
  /** Completed blocks so far. */
  private completed = 0;
  /** Where the open block starts in `rest` (0 except while a scan has just cut a block). */
  private openStart = 0;
  /** Start (in `rest`) of the first line not yet processed (the partial last line, if any). */
  private pos = 0;
  private fence: Fence | null = null;
  /** The open block has content. */
  private hasContent = false;
  /** A blank line (outside a fence) followed the open block's content. */
  private afterBlank = false;
  private result: SplitResult = { groups: [], rest: [], open: '', generation: 0 };

  /** The blocks of `text`: reads what was appended since the last version, or all of a new text. */
  update(text: GrowingText): SplitResult {
    if (text === this.seen) return this.result;
    let added = this.seen === null ? String(text) : text.since(this.seen);
    if (added === null) {
      this.reset();
      added = String(text);
    }
    this.seen = text;
    return this.append(added);
  }

  /** The blocks once `added` is appended to the text read so far. */
  append(added: string): SplitResult {
    if (added === '') return this.result;
    const text = (this.rest += added);
    const before = this.completed;
    for (;;) {
      const nl = text.indexOf('\n', this.pos);
      if (nl < 0) {
        // The partial last line: enough to know that a new block begins.
        const partial = text.slice(this.pos);
        if (partial !== '' && this.startsNewBlock(partial)) this.cut(this.pos);
        break;
      }
      this.line(text.slice(this.pos, nl), this.pos);
      this.pos = nl + 1;
    }
    if (this.openStart > 0) {
      // Forget what is in completed blocks.
      this.rest = text.slice(this.openStart);
      this.pos -= this.openStart;
      this.openStart = 0;
    }
    const open = normaliseBlock(this.rest);
    const { result } = this;
    this.result =
      this.completed === before
        ? { ...result, open }
        : { groups: this.blocks.full(), rest: this.blocks.rest(), open, generation: result.generation };
    return this.result;
  }

  /** Forgets everything read: what comes next is a new text (its result a new generation). */
  reset(): void {
    const generation = this.result.generation + 1;
    // Every field as a new splitter has it, so that none can be left over from the old text.
    Object.assign(this, new BlockSplitter());
    this.result = { ...this.result, generation };
  }

  private startsNewBlock(line: string): boolean {
    return this.fence === null && this.afterBlank && line[0] !== ' ' && line[0] !== '\t';
  }

  /** Closes the open block just before `at` (in `rest`), which starts the next one. */
  private cut(at: number): void {
    const block = normaliseBlock(this.rest.slice(this.openStart, at));
    // A block is kept for the answer's life: not as a view into this version of the text.
    if (block !== '') {
      this.blocks.push(ownCopy(block));
      this.completed++;
    }
    this.openStart = at;
    this.afterBlank = false;
    this.hasContent = false;
  }

  private line(line: string, start: number): void {
    if (this.fence) {
      const m = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (m && m[1]![0] === this.fence.char && m[1]!.length >= this.fence.length) this.fence = null;
      return;
    }
    if (line.trim() === '') {
      if (this.hasContent) this.afterBlank = true;
      return;
    }
    if (this.startsNewBlock(line)) this.cut(start);
    this.afterBlank = false;
    this.hasContent = true;
    const m = FENCE_OPEN.exec(line);
    if (m) {
      const marker = m[1]!;
      // A backtick fence's info string cannot contain a backtick (else it is inline code).
      if (marker[0] === '~' || !m[2]!.includes('`')) this.fence = { char: marker[0]!, length: marker.length };
    }
  }
}

const TABLE_ROW = /^[ \t]*\|/;
const DELIMITER_PREFIX = /^[ \t]*\|?[ \t]*:?-*:?[ \t]*(\|[ \t]*:?-*:?[ \t]*)*\|?[ \t]*$/;

function cellCount(row: string): number {
  let s = row.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  return Math.max(1, s.replace(/\\\|/g, '').split('|').length);
}

function delimiterRow(cells: number): string {
  return `|${' --- |'.repeat(cells)}`;
}

/**
 * What to render of the open block mid-stream, so that it does not change shape when the next
 * tokens arrive: a table whose header row (or half its delimiter row) has streamed renders as a
 * table at once, instead of as a paragraph of pipes that turns into a table a moment later.
 * (An unclosed code fence already renders as a code block to the end.)
 */
export function prepareOpenBlock(block: string): string {
  if (!block.includes('|')) return block;
  const lines = block.split('\n');
  if (endsInsideFence(lines)) return block;
  const n = lines.length;
  const last = lines[n - 1]!;
  const prev = n >= 2 ? lines[n - 2]! : undefined;
  const beforePrev = n >= 3 ? lines[n - 3]! : undefined;
  // "| a | b" then the delimiter row is still partial ("|--", "| :-").
  if (prev !== undefined && TABLE_ROW.test(prev) && (beforePrev === undefined || !TABLE_ROW.test(beforePrev))) {
    if ((DELIMITER_PREFIX.test(last) && last.includes('-')) || last.trim() === '|') {
      return [...lines.slice(0, n - 1), delimiterRow(cellCount(prev))].join('\n');
    }
  }
  // "| a | b" is the last line, nothing after it yet.
  if (TABLE_ROW.test(last) && (prev === undefined || !TABLE_ROW.test(prev)) && last.trim() !== '|') {
    return `${block}\n${delimiterRow(cellCount(last))}`;
  }
  return block;
}

function endsInsideFence(lines: readonly string[]): boolean {
  let fence: Fence | null = null;
  for (const line of lines) {
    if (fence) {
      const m = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (m && m[1]![0] === fence.char && m[1]!.length >= fence.length) fence = null;
    } else {
      const m = FENCE_OPEN.exec(line);
      if (m && (m[1]![0] === '~' || !m[2]!.includes('`'))) fence = { char: m[1]![0]!, length: m[1]!.length };
    }
  }
  return fence !== null;
}
