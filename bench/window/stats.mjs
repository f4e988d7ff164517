// Percentiles and frame statistics (all times in ms).

const finite = (xs) => xs.filter((x) => typeof x === 'number' && Number.isFinite(x));

/** The p-th percentile (0..100), linear between the closest ranks; null for no data. */
export function pct(xs, p) {
  const v = finite(xs).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const at = (p / 100) * (v.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return v[lo] + (v[hi] - v[lo]) * (at - lo);
}

export const median = (xs) => pct(xs, 50);
// A loop, not Math.max(...xs): answers have hundreds of thousands of tokens.
export const max = (xs) => finite(xs).reduce((a, x) => (a === null || x > a ? x : a), null);
export const min = (xs) => finite(xs).reduce((a, x) => (a === null || x < a ? x : a), null);

export function latencySummary(xs) {
  return { count: finite(xs).length, p50: pct(xs, 50), p90: pct(xs, 90), p95: pct(xs, 95), p99: pct(xs, 99), max: max(xs) };
}

/** The gap before each frame whose time is in [from, to] (the first one reaches back to its predecessor). */
export function gapsIn(frames, from, to) {
  const gaps = [];
  for (let i = 1; i < frames.length; i++) if (frames[i] >= from && frames[i] <= to) gaps.push(frames[i] - frames[i - 1]);
  return gaps;
}

/** Frames per second and frame gaps over [from, to]. */
export function frameSummary(frames, from, to) {
  const inside = frames.filter((t) => t >= from && t <= to);
  const gaps = gapsIn(frames, from, to);
  const span = inside.length > 1 ? inside[inside.length - 1] - inside[0] : 0;
  return {
    frames: inside.length,
    seconds: span / 1000,
    fps: span > 0 ? ((inside.length - 1) * 1000) / span : null,
    gapP50: pct(gaps, 50),
    gapP99: pct(gaps, 99),
    gapMax: max(gaps),
    // Frames that came more than two frames after the one before: when (s into [from, to], and
    // epoch ms, to line up with the shell's log) and how long; the first 20.
    longGaps: longGaps(frames, from, to),
  };
}

const LONG_GAP_MS = 2 * (1000 / 60);

function longGaps(frames, from, to) {
  const out = [];
  for (let i = 1; i < frames.length && out.length < 20; i++) {
    const gap = frames[i] - frames[i - 1];
    if (frames[i] >= from && frames[i] <= to && gap > LONG_GAP_MS) {
      out.push({ atS: Math.round(frames[i] - from) / 1000, epochMs: Math.round(frames[i]), ms: Math.round(gap * 10) / 10 });
    }
  }
  return out;
}

/**
 * Where the tokens over `limitMs` were painted: in a frame that came after a long gap (over
 * `limitMs` since the frame before: the page or the engine was busy, or the machine) or after an
 * ordinary one (the token reached the page too late for the frame before, then waited a frame).
 */
export function tailOver(latency, seenAt, frames, limitMs) {
  const gapBefore = new Map();
  for (let i = 1; i < frames.length; i++) gapBefore.set(frames[i], frames[i] - frames[i - 1]);
  let over = 0;
  let afterLongGap = 0;
  for (let i = 0; i < latency.length; i++) {
    if (!(latency[i] > limitMs)) continue;
    over++;
    if ((gapBefore.get(seenAt[i]) ?? 0) > limitMs) afterLongGap++;
  }
  return { limitMs, over, afterLongGap, afterOrdinaryGap: over - afterLongGap };
}

/** Median and spread of repeated measurements. */
export function spread(xs) {
  return { n: finite(xs).length, median: median(xs), min: min(xs), max: max(xs), p95: pct(xs, 95) };
}
