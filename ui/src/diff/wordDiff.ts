// A word-level diff of two texts, for comparing versions of an answer: the longest common
// subsequence of their word and white-space tokens (white space kept, so the pieces join back into
// either text). Long texts fall back to whole lines, then to one removal and one addition, so the
// cost stays bounded.

export type DiffKind = 'same' | 'removed' | 'added';

export interface DiffPart {
  kind: DiffKind;
  text: string;
}

/** The most cells of the LCS table one diff may fill (a little over 4 MB of counts). */
export const MAX_CELLS = 1_000_000;

/**
 * Words, each punctuation mark, and the white space between them, in order: joined, they give the
 * text back. ("jumps." and "leaps." differ by a word, not by a word and its full stop.)
 */
export function wordTokens(text: string): string[] {
  return text.match(/\s+|[\p{L}\p{N}\p{M}_]+|[^\s\p{L}\p{N}\p{M}_]/gu) ?? [];
}

/** Lines, each with its line break: joined, they give the text back. */
export function lineTokens(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function push(parts: DiffPart[], kind: DiffKind, text: string): void {
  if (text.length === 0) return;
  const last = parts[parts.length - 1];
  if (last && last.kind === kind) last.text += text;
  else parts.push({ kind, text });
}

/**
 * The diff of two token lists, or `null` when the part that differs (after the common start and
 * end) would need more than `maxCells` cells.
 */
export function diffTokens(before: readonly string[], after: readonly string[], maxCells = MAX_CELLS): DiffPart[] | null {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB--;
    endA--;
  }
  const n = endB - start;
  const m = endA - start;
  if (n * m > maxCells) return null;

  // lcs[i * (m + 1) + j]: the LCS length of before[start + i..endB] and after[start + j..endA].
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        before[start + i] === after[start + j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }

  const parts: DiffPart[] = [];
  push(parts, 'same', before.slice(0, start).join(''));
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[start + i] === after[start + j]) {
      push(parts, 'same', before[start + i]!);
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i * width + j + 1]! >= lcs[(i + 1) * width + j]!)) {
      push(parts, 'added', after[start + j]!);
      j++;
    } else {
      push(parts, 'removed', before[start + i]!);
      i++;
    }
  }
  push(parts, 'same', before.slice(endB).join(''));
  return orderChanges(parts);
}

/**
 * Within each run of changes, the removal before the addition (as a reader expects); white space
 * alone between two changes joins them ("fox leaps" → "dog sleeps", not word by word).
 */
function orderChanges(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let removed = '';
  let added = '';
  const flush = () => {
    push(out, 'removed', removed);
    push(out, 'added', added);
    removed = '';
    added = '';
  };
  parts.forEach((part, i) => {
    const between = (removed || added) && parts[i + 1] !== undefined && /^\s+$/.test(part.text);
    if (part.kind === 'removed') removed += part.text;
    else if (part.kind === 'added') added += part.text;
    else if (between) {
      removed += part.text;
      added += part.text;
    } else {
      flush();
      push(out, 'same', part.text);
    }
  });
  flush();
  return out;
}

/** How finely a diff was made: by word, by line (long texts), or the whole text (very long ones). */
export type DiffGrain = 'word' | 'line' | 'whole';

/** The diff of `before` and `after` by word, by line when that is too costly, else as a whole. */
export function diffWords(before: string, after: string, maxCells = MAX_CELLS): { grain: DiffGrain; parts: DiffPart[] } {
  const byWord = diffTokens(wordTokens(before), wordTokens(after), maxCells);
  if (byWord) return { grain: 'word', parts: byWord };
  const byLine = diffTokens(lineTokens(before), lineTokens(after), maxCells);
  if (byLine) return { grain: 'line', parts: byLine };
  const parts: DiffPart[] = [];
  push(parts, 'removed', before);
  push(parts, 'added', after);
  return { grain: 'whole', parts };
}
