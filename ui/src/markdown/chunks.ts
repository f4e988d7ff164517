// A large block of a streaming answer (one long code block, list or paragraph) in stable chunks.
//
// Re-rendering a whole block on every frame costs in proportion to the block, so a long code block
// makes the window fall behind the stream. A fenced code block from its first line on, and any
// other block once it is larger than CHUNKING_FROM characters, is cut into chunks that never change
// once cut (rendered once, memoised) and a small growing tail (the only part rendered per frame).
// Each update scans only the text added since the last one, so the cost per token does not grow
// with the block.
//
// Cuts are made only where rendering the pieces apart gives what rendering the whole would:
//   code  after every CODE_LINES complete lines of a fenced block (the fence and language kept);
//   list  before an item marker in column 0, every LIST_ITEMS items (an `<ol>` keeps its numbers,
//         since a chunk starts with its first item's number);
//   para  at a space after PARA_CHARS characters, where no inline construct (code span, emphasis,
//         link, autolink, escape) is left open.
// A block that turns into something these cannot render the same way (a paragraph interrupted
// by a list, a table, a setext heading…) falls back to being rendered whole, as small blocks are.

import { Groups } from './groups';
import { ownCopy } from './ownCopy';

/** Blocks smaller than this, but code blocks, render whole, exactly as the Markdown renderer would. */
export const CHUNKING_FROM = 2048;
export const CODE_LINES = 16;
export const LIST_ITEMS = 8;
export const PARA_CHARS = 600;
/**
 * A stray delimiter ("5 * 3", a smiley's ")") would keep a paragraph from ever being cut again;
 * past this many characters it is cut at a space anyway (at worst, an emphasis that spans the cut
 * shows its asterisks).
 */
export const PARA_FORCE_CHARS = 16384;

/**
 * Cut chunks of code or a list per group (see groups.ts): a frame renders the last group only, and
 * a group two behind the last is skipped off screen (lazyGroups.ts). 128 lines of code a group.
 */
export const CHUNK_GROUP = 8;
/**
 * Cut chunks of a paragraph per group, each group one paragraph element (about 7,000 characters):
 * a paragraph's lines are laid out together, so one growing paragraph would cost more to lay out
 * with every frame.
 */
export const PARA_GROUP = 12;

/** A chunked block's text: cut chunks (in full groups, then the rest), then the uncut tail. */
interface Chunks {
  /** Full groups of cut chunks: each the same array for good. */
  groups: readonly (readonly string[])[];
  /** Cut chunks after the last full group. */
  rest: readonly string[];
  tail: string;
}

export type ChunkedBlock =
  { kind: 'whole' } | ({ kind: 'code'; info: string } & Chunks) | ({ kind: 'list' } & Chunks) | ({ kind: 'para' } & Chunks);

const WHOLE: ChunkedBlock = { kind: 'whole' };

const FENCE_LINE = /^(`{3,}|~{3,})([^`]*)$/;
const BULLET = /^([-*+])[ \t]/;
const ORDERED = /^\d{1,9}([.)])[ \t]/;
/** Line starts that end a paragraph or change what it is (lists, headings, quotes, fences, HTML, breaks). */
const INTERRUPTS_PARAGRAPH =
  /^ {0,3}(?:[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|#{1,6}(?:[ \t]|$)|>|`{3}|~{3}|<|=+[ \t]*$|-+[ \t]*$|(?:[*_][ \t]*){3,}$)/;
/** Column-0 lines that end a list or change it. */
const INTERRUPTS_LIST = /^(?:#{1,6}(?:[ \t]|$)|>|`{3}|~{3}|<|\||=+[ \t]*$|-+[ \t]*$|(?:[-*_][ \t]*){3,}$)/;

/**
 * Whether `text` starts with a fence line (and its line break): a fenced code block is drawn in
 * chunks from its first line, however short, so that while it streams a token changes only its
 * last line's text and its colours come from the highlighter's thread (offThreadHighlight.ts).
 */
function opensCodeBlock(text: string): boolean {
  const nl = text.indexOf('\n');
  return nl >= 0 && FENCE_LINE.test(text.slice(0, nl));
}

/** Cuts one block into chunks as it grows; `update` takes the block's whole text each time. */
export class BlockChunker {
  private text = '';
  private kind: 'undecided' | 'whole' | 'code' | 'list' | 'para' = 'undecided';
  private chunks = new Groups<string>(CHUNK_GROUP);
  /** Chunks cut so far. */
  private cuts = 0;
  /** Where the current (uncut) chunk starts. */
  private chunkStart = 0;
  /** Where scanning goes on: the start of the first line (or character, for paragraphs) not yet seen. */
  private pos = 0;
  private result: ChunkedBlock = WHOLE;
  // code
  private info = '';
  private fence = '';
  private closed = false;
  private lines = 0;
  // list
  private marker = '';
  private items = 0;
  // para: what is open in the current chunk (a cut needs all of it closed): a code span (its
  // backtick run's length), emphasis, link text, a link destination's parentheses
  private inline = { code: 0, emphasis: 0, bracket: 0, destination: 0 };

  /**
   * The block's chunks, `text` being its whole text so far. A text that is not an extension of the
   * last one starts the chunker over; it is told by its length and its last characters, not by
   * comparing the whole block on every update (the caller, Markdown, gives a block only ever longer
   * versions of itself).
   */
  update(text: string): ChunkedBlock {
    if (text === this.text) return this.result;
    if (!grewFrom(text, this.text)) this.reset();
    this.text = text;
    if (this.kind === 'undecided') {
      if (text.length < CHUNKING_FROM && !opensCodeBlock(text)) return WHOLE;
      this.decide();
    }
    const before = this.cuts;
    if (this.kind === 'code') this.scanCode();
    else if (this.kind === 'list') this.scanList();
    else if (this.kind === 'para') this.scanPara();
    const kind = this.kind as BlockChunker['kind'];
    if (kind === 'whole' || kind === 'undecided') return (this.result = WHOLE);
    // The same arrays while nothing was cut, so memoised chunk lists stay equal.
    const last = this.result;
    const cut =
      this.cuts === before && last.kind !== 'whole'
        ? { groups: last.groups, rest: last.rest }
        : { groups: this.chunks.full(), rest: this.chunks.rest() };
    const tail = this.tail();
    this.result = kind === 'code' ? { kind, info: this.info, ...cut, tail } : { kind, ...cut, tail };
    return this.result;
  }

  /** Starts over: every field as a new chunker has it, so that none can be left from the old text. */
  private reset(): void {
    Object.assign(this, new BlockChunker());
  }

  private decide(): void {
    const nl = this.text.indexOf('\n');
    const first = nl < 0 ? this.text : this.text.slice(0, nl);
    const fence = FENCE_LINE.exec(first);
    if (fence && nl >= 0) {
      this.kind = 'code';
      this.fence = fence[1]!;
      this.info = fence[2]!.trim();
      this.pos = this.chunkStart = nl + 1;
      return;
    }
    const bullet = BULLET.exec(first);
    const ordered = ORDERED.exec(first);
    if (bullet || ordered) {
      this.kind = 'list';
      this.marker = bullet ? bullet[1]! : ordered![1]!;
      return;
    }
    // A paragraph may start with up to three spaces, which do not show (four make a code block).
    const indent = /^ {0,3}/.exec(first)![0].length;
    const rest = first.slice(indent);
    if (rest !== '' && rest[0] !== ' ' && rest[0] !== '\t' && !INTERRUPTS_PARAGRAPH.test(rest) && !rest.includes('|')) {
      this.kind = 'para';
      this.chunks = new Groups<string>(PARA_GROUP);
      this.pos = this.chunkStart = indent;
      return;
    }
    this.kind = 'whole';
  }

  /** The text after the last cut, as it renders now (the closing fence is not code). */
  private tail(): string {
    if (this.kind === 'code') {
      if (this.closed) return '';
      const rest = this.text.slice(this.pos);
      // A closing fence still arriving is shown once it is certain not to be one; a complete one ends the block.
      const t = this.text.slice(this.chunkStart);
      return this.isClosingFence(rest.trim()) ? t.slice(0, t.length - rest.length) : t;
    }
    return this.text.slice(this.chunkStart);
  }

  private isClosingFence(line: string): boolean {
    return line.length >= this.fence.length && /^(`{3,}|~{3,})$/.test(line) && line[0] === this.fence[0];
  }

  private scanCode(): void {
    const text = this.text;
    while (!this.closed) {
      const nl = text.indexOf('\n', this.pos);
      if (nl < 0) break;
      const line = text.slice(this.pos, nl);
      if (this.isClosingFence(line.trim())) {
        this.cutAt(this.pos);
        this.closed = true;
        this.pos = nl + 1;
        break;
      }
      this.pos = nl + 1;
      if (++this.lines >= CODE_LINES) this.cutAt(this.pos);
    }
    // Text after the closing fence (in the same block) is more than one code block.
    if (this.closed && text.slice(this.pos).trim() !== '') this.kind = 'whole';
  }

  private scanList(): void {
    const text = this.text;
    for (;;) {
      const nl = text.indexOf('\n', this.pos);
      // Only complete lines: the partial last line is in the tail, which renders whole anyway.
      if (nl < 0) break;
      const line = text.slice(this.pos, nl);
      if (line !== '' && line[0] !== ' ' && line[0] !== '\t') {
        const bullet = BULLET.exec(line);
        const ordered = ORDERED.exec(line);
        const item = bullet ? bullet[1] === this.marker : ordered ? ordered[1] === this.marker : false;
        if (item) {
          if (this.pos > 0 && this.items >= LIST_ITEMS) this.cutAt(this.pos);
          this.items++;
        } else if (bullet || ordered || INTERRUPTS_LIST.test(line)) {
          // Another kind of list, a heading, a fence…: no longer one list.
          this.kind = 'whole';
          return;
        }
      }
      this.pos = nl + 1;
    }
  }

  private scanPara(): void {
    const text = this.text;
    const o = this.inline;
    let i = this.pos;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (o.code > 0) {
        // Inside a code span nothing else counts; it ends at a backtick run of its own length.
        if (c === 96) {
          const run = runLength(text, i);
          if (i + run >= text.length) return this.wait(i);
          if (run === o.code) o.code = 0;
          i += run - 1;
        }
        continue;
      }
      switch (c) {
        case 10: {
          // "\n": the next line must not turn the paragraph into something else.
          const end = text.indexOf('\n', i + 1);
          const next = end < 0 ? text.slice(i + 1) : text.slice(i + 1, end);
          if (end < 0 && next.length < 4 && !/[^ \t=\-*_#>`~<\d.)+]/.test(next)) return this.wait(i);
          if (INTERRUPTS_PARAGRAPH.test(next) || next.includes('|')) {
            this.kind = 'whole';
            return;
          }
          break;
        }
        case 96: {
          // `: a code span opens (its closing run is looked for from here on)
          const run = runLength(text, i);
          if (i + run >= text.length) return this.wait(i);
          o.code = run;
          i += run - 1;
          continue;
        }
        case 42: // *
        case 95: // _
        case 126: {
          // ~: a delimiter run opens emphasis when it leads a word, closes it when it ends one
          const run = runLength(text, i);
          if (i + run >= text.length) return this.wait(i);
          const before = i === 0 ? ' ' : text[i - 1]!;
          const after = text[i + run]!;
          const opens = !/\s/.test(after) && (/[\s\p{P}]/u.test(before) || c === 42);
          const closes = !/\s/.test(before) && (/[\s\p{P}]/u.test(after) || c === 42);
          if (closes && o.emphasis > 0) o.emphasis--;
          else if (opens) o.emphasis++;
          i += run - 1;
          continue;
        }
        case 91: // [
          o.bracket++;
          break;
        case 93: // ]
          if (o.bracket > 0) o.bracket--;
          if (text.charCodeAt(i + 1) === 40) {
            o.destination = 1; // "](": a link destination, to its closing parenthesis
            i++;
          }
          break;
        case 40: // (
          if (o.destination > 0) o.destination++;
          break;
        case 41: // )
          if (o.destination > 0) o.destination--;
          break;
        case 124: // |: a table may be starting
          this.kind = 'whole';
          return;
        case 92: // \: an escape of the next character (wait for it if it has not arrived)
          if (i + 1 >= text.length) return this.wait(i);
          if (text.charCodeAt(i + 1) !== 10) i++;
          break;
      }
      // A cut goes after a run of spaces, before the next word, once the chunk is long enough.
      if (
        (c === 32 || c === 10) &&
        i + 1 < text.length &&
        text.charCodeAt(i + 1) !== 32 &&
        text.charCodeAt(i + 1) !== 10 &&
        i + 1 - this.chunkStart >= PARA_CHARS &&
        (this.balanced() || i + 1 - this.chunkStart >= PARA_FORCE_CHARS)
      ) {
        this.cutAt(i + 1);
      }
    }
    this.pos = Math.min(i, text.length);
  }

  /** Stops scanning at `at` until more text comes (what is there cannot be judged yet). */
  private wait(at: number): void {
    this.pos = at;
  }

  private balanced(): boolean {
    const o = this.inline;
    return o.code === 0 && o.emphasis === 0 && o.bracket === 0 && o.destination === 0;
  }

  private resetDelimiters(): void {
    this.inline = { code: 0, emphasis: 0, bracket: 0, destination: 0 };
  }

  private cutAt(at: number): void {
    // A chunk is kept for the block's life: not as a view into this version of the whole block.
    if (at > this.chunkStart) {
      this.chunks.push(ownCopy(this.text.slice(this.chunkStart, at)));
      this.cuts++;
    }
    this.chunkStart = at;
    this.lines = 0;
    this.items = 0;
    this.resetDelimiters();
  }
}

/** How many of the last characters of a text `grewFrom` compares with the same places in the next. */
const TAIL_SAMPLE = 32;

/** Whether `text` looks like `before` with more after it: as long or longer, and the same at `before`'s end. */
function grewFrom(text: string, before: string): boolean {
  if (text.length < before.length) return false;
  for (let i = Math.max(0, before.length - TAIL_SAMPLE); i < before.length; i++) {
    if (text.charCodeAt(i) !== before.charCodeAt(i)) return false;
  }
  return true;
}

function runLength(text: string, at: number): number {
  const c = text.charCodeAt(at);
  let end = at + 1;
  while (end < text.length && text.charCodeAt(end) === c) end++;
  return end - at;
}
