// A running tool call's elapsed time ("3.2 s"), ticking ten times a second. It writes its own text
// (no React render per tick), so a slow tool costs one small DOM write a tick, never a re-render
// of the turn or the answer. When the result arrives the row shows the call's duration_ms instead.
import { useLayoutEffect, useRef } from 'react';
import { formatDuration } from '../format';

const TICK_MS = 100;

/** Tenths of a second under a minute ("0.4 s", "12.3 s"), then as durations are shown. */
export function liveLabel(ms: number): string {
  return ms < 60_000 ? `${(Math.max(0, ms) / 1000).toFixed(1)} s` : formatDuration(ms);
}

export interface LiveDurationProps {
  /** Epoch ms the call began to run; absent: counted from when this row first showed it. */
  since?: number | undefined;
}

export function LiveDuration({ since }: LiveDurationProps) {
  const ref = useRef<HTMLSpanElement>(null);
  // Before paint, so the first frame already shows the time and not an empty span.
  useLayoutEffect(() => {
    const start = since ?? Date.now();
    const tick = () => {
      if (ref.current) ref.current.textContent = liveLabel(Date.now() - start);
    };
    tick();
    const timer = setInterval(tick, TICK_MS);
    return () => clearInterval(timer);
  }, [since]);
  // role="timer" is not announced as it changes (its live region is off by default).
  return <span ref={ref} className="step-duration step-elapsed" role="timer" data-testid="step-elapsed" />;
}
