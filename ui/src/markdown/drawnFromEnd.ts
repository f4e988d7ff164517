// A long answer that is complete when it is first drawn (a conversation opened from the history,
// or shown again) is drawn from its end: its last groups in the first frame, which is what the
// column shows (it opens at its end), and the groups above them in the next. Opening a
// 10,000-token answer then paints its end after the work of two groups rather than of the whole
// answer. (One group a frame was tried: every group drawn above the others lays out the whole
// answer again, so a 100,000-token answer took seconds of long frames to complete.) An answer
// drawn while it streams is drawn whole, as it arrives.
//
// The column stays at its end while groups appear above what it shows: the drawing tells the
// conversation view (`PinToEnd`), which scrolls back to the end if that is where the user is.
import { createContext, createElement, useContext, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/** How many groups (the last ones) are drawn in the first frame. */
export const GROUPS_AT_ONCE = 2;

/** Called after groups were drawn above the end of a conversation: keep the column at its end. */
export const PinToEnd = createContext<() => void>(() => {});

/**
 * The index of the first group to draw, of `full` full groups (the group being filled, after
 * them, is always drawn): `full - GROUPS_AT_ONCE` for an answer complete when first drawn, then
 * 0 from the next frame on; 0 throughout for an answer first drawn while it streams.
 */
export function useDrawnFrom(full: number, streaming: boolean): number {
  const [from, setFrom] = useState(() => (streaming ? 0 : Math.max(0, full - GROUPS_AT_ONCE)));
  const pin = useContext(PinToEnd);
  const started = useRef(from);
  useEffect(() => {
    if (from === 0) return;
    const frame = requestAnimationFrame(() => setFrom(0));
    return () => cancelAnimationFrame(frame);
  }, [from]);
  useLayoutEffect(() => {
    if (from < started.current) pin();
  }, [from, pin]);
  return from;
}

/**
 * While groups above remain to be drawn, an empty marker saying from which group the answer is
 * drawn (`data-drawn-from`), for tests and tools that need the whole answer; null after.
 */
export function drawnFromMarker(from: number): ReactNode {
  return from > 0 ? createElement('span', { key: 'drawn-from', 'data-drawn-from': from, hidden: true }) : null;
}
