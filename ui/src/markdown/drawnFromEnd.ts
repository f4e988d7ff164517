// A long answer that is complete when it is first drawn (a conversation opened from the history,
// or shown again) is drawn from its end: in the first frame only as much of its end as fills the
// tallest window (the column opens at its end), and everything above it in the next. Opening a
// 10,000-token answer then paints its end after the work of a few screens of text rather than of
// the whole answer. (One group a frame was tried: every group drawn above the others lays out the
// whole answer again, so a 100,000-token answer took seconds of long frames to complete.) An answer
// drawn while it streams is drawn whole, as it arrives.
//
// The end is cut at an item (a block, or a long block's chunk), not at a group: a group holds tens
// of blocks, and two groups drawn in the first frame were most of the time to paint a reopened
// 10,000-token answer (WebKitGTK, bench/window: 220 ms; its last items only: 134 ms).
//
// The column stays at its end while groups appear above what it shows: the drawing tells the
// conversation view (`PinToEnd`), which scrolls back to the end if that is where the user is.
import { createContext, createElement, useContext, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/** Where drawing starts: the full group `group`, from its item `item` (0: the whole group). */
export interface DrawnFrom {
  readonly group: number;
  readonly item: number;
}

/** Everything drawn. */
export const WHOLE: DrawnFrom = { group: 0, item: 0 };

/**
 * How much text the first frame draws, in characters, a line break counting as a line of
 * `LINE_CHARS`: about 130 lines of code or 160 lines of prose, more than a 4K screen's column shows.
 */
export const FIRST_FRAME_CHARS = 16_000;
const LINE_CHARS = 100;

/** Characters, each line break counted as a whole line of them. */
function weight(text: string): number {
  let w = text.length;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) w += LINE_CHARS;
  return w;
}

/**
 * The first item to draw in the first frame of an answer (or block) complete when first drawn: the
 * items from the end back until they weigh `FIRST_FRAME_CHARS`, counting the group being filled
 * (`rest`, always drawn whole) and the text after it (`tail`) first.
 */
export function firstDrawn(groups: readonly (readonly string[])[], rest: readonly string[], tail: string): DrawnFrom {
  let w = weight(tail);
  for (const item of rest) w += weight(item);
  if (w >= FIRST_FRAME_CHARS) return { group: groups.length, item: 0 };
  for (let group = groups.length - 1; group >= 0; group--) {
    const items = groups[group]!;
    for (let item = items.length - 1; item >= 0; item--) {
      w += weight(items[item]!);
      if (w >= FIRST_FRAME_CHARS) return { group, item };
    }
  }
  return WHOLE;
}

/** Called after groups were drawn above the end of a conversation: keep the column at its end. */
export const PinToEnd = createContext<() => void>(() => {});

/**
 * Where to start drawing: `firstDrawn()` (worked out once) for an answer complete when first
 * drawn, then `WHOLE` from the next frame on; `WHOLE` throughout for an answer first drawn while it
 * streams.
 */
export function useDrawnFrom(streaming: boolean, first: () => DrawnFrom): DrawnFrom {
  const [from, setFrom] = useState(() => (streaming ? WHOLE : first()));
  const pin = useContext(PinToEnd);
  const started = useRef(from);
  const whole = from.group === 0 && from.item === 0;
  useEffect(() => {
    if (whole) return;
    const frame = requestAnimationFrame(() => setFrom(WHOLE));
    return () => cancelAnimationFrame(frame);
  }, [whole]);
  useLayoutEffect(() => {
    if (from !== started.current) pin();
  }, [from, pin]);
  return from;
}

/**
 * The full groups from where drawing starts, each as `draw(items, index, key)`: the first one cut
 * at `from.item` gets a key of its own (it is drawn whole, as a new element, in the next frame).
 */
export function drawnGroups<T>(
  groups: readonly (readonly string[])[],
  from: DrawnFrom,
  draw: (items: readonly string[], index: number, key: string) => T,
): T[] {
  return groups.slice(from.group).map((items, i) => {
    const index = from.group + i;
    return i === 0 && from.item > 0 ? draw(items.slice(from.item), index, `${index}+${from.item}`) : draw(items, index, String(index));
  });
}

/**
 * While the part above remains to be drawn, an empty marker saying from which group and item the
 * answer is drawn (`data-drawn-from`, "group+item"), for tests and tools that need the whole
 * answer; null after.
 */
export function drawnFromMarker(from: DrawnFrom): ReactNode {
  return from.group > 0 || from.item > 0
    ? createElement('span', { key: 'drawn-from', 'data-drawn-from': `${from.group}+${from.item}`, hidden: true })
    : null;
}
