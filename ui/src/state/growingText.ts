// A streaming answer's text: it only grows, and whoever shows it needs only what came since last
// time. Held as one growing string, every read of it (a comparison, a search for the next line
// end, a slice) copies the whole text into a flat string first, so each frame cost in proportion to
// the answer: 300,000 tokens are 8 MB to copy and compare, many times a second.
//
// Here each version is the pieces the text arrived in, up to a count. Every version of one text
// shares one array of pieces: appending pushes onto it (a newer version sees the new piece, an
// older one does not, as its count is lower), so a version costs O(1) to make, and `since` gives a
// reader the text appended after the version it last read, without touching the rest.

export class GrowingText {
  static readonly EMPTY = new GrowingText([], 0, 0, true);

  /** The whole text, once asked for. */
  private joined: string | undefined;

  private constructor(
    /** Shared by every version of this text; the first `count` are this version's. */
    private readonly pieces: string[],
    private readonly count: number,
    /** Characters in the text. */
    readonly length: number,
    /** The text is nothing but white space (or nothing): Markdown draws nothing of it. */
    readonly blank: boolean,
  ) {}

  static of(text: string): GrowingText {
    return text === '' ? GrowingText.EMPTY : new GrowingText([text], 1, text.length, isBlank(text));
  }

  /** This text with `piece` after it (this version is unchanged). */
  append(piece: string): GrowingText {
    if (piece === '') return this;
    const { pieces, count } = this;
    const length = this.length + piece.length;
    // Only the new piece is looked at, and only while the text is still blank.
    const blank = this.blank && isBlank(piece);
    if (count === 0) return new GrowingText([piece], 1, length, blank);
    if (pieces.length === count) {
      pieces.push(piece);
    } else if (pieces[count] !== piece) {
      // This version was extended before, differently: the new text branches off with a copy.
      return new GrowingText([...pieces.slice(0, count), piece], count + 1, length, blank);
    }
    // (An append made twice from one version, as React may do, shares the piece already there.)
    return new GrowingText(pieces, count + 1, length, blank);
  }

  /**
   * What was appended after `earlier`, when `earlier` is an earlier version of this text (or this
   * one: ''); null when it is not. Costs what the appended text costs, not the whole text.
   */
  since(earlier: GrowingText): string | null {
    if (earlier === this) return '';
    if (earlier.count === 0) return this.toString();
    if (earlier.pieces !== this.pieces || earlier.count > this.count) return null;
    if (this.count - earlier.count === 1) return this.pieces[earlier.count]!;
    return this.pieces.slice(earlier.count, this.count).join('');
  }

  /** The whole text (made once per version, when asked for: copying it, tests). */
  toString(): string {
    if (this.joined === undefined) {
      const own = this.pieces.length === this.count ? this.pieces : this.pieces.slice(0, this.count);
      this.joined = own.join('');
    }
    return this.joined;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** White space as String.prototype.trim sees it (what the Markdown splitter trims). */
function isBlank(text: string): boolean {
  return /^\s*$/.test(text);
}
