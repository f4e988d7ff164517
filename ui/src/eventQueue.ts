// Hands event batches from the shell to the window with the least delay that still keeps the work
// to about one update per frame: a batch that arrives when nothing was applied since the last frame
// began is applied at once (so it is painted in the very next frame); batches that arrive after
// that wait for the next frame's callback, which runs before that frame is painted, and are
// applied there together.
import type { Event } from './generated/protocol';

export interface EventQueue {
  /** Applies a batch now if nothing was applied since the last frame began, else at the next frame. */
  push(batch: readonly Event[]): void;
  /** Hands on everything queued now (no-op when empty). */
  flush(): void;
  /** Drops what is queued and cancels the scheduled flush. */
  dispose(): void;
}

export interface Scheduler {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

/**
 * requestAnimationFrame, with a timer as a backstop: a hidden or throttled webview may not run
 * animation frames for a long time, and events must still be applied (the run goes on).
 */
export function frameScheduler(backstopMs = 250): Scheduler {
  const timers = new Map<number, { raf: number; timer: ReturnType<typeof setTimeout> }>();
  let next = 1;
  return {
    request(callback) {
      const handle = next++;
      const fire = () => {
        const entry = timers.get(handle);
        if (!entry) return;
        timers.delete(handle);
        cancelAnimationFrame(entry.raf);
        clearTimeout(entry.timer);
        callback();
      };
      timers.set(handle, { raf: requestAnimationFrame(fire), timer: setTimeout(fire, backstopMs) });
      return handle;
    },
    cancel(handle) {
      const entry = timers.get(handle);
      if (!entry) return;
      timers.delete(handle);
      cancelAnimationFrame(entry.raf);
      clearTimeout(entry.timer);
    },
  };
}

export function createEventQueue(deliver: (events: Event[]) => void, scheduler: Scheduler = frameScheduler()): EventQueue {
  let queued: Event[] = [];
  /** Set while something was applied since the last frame began (the frame callback clears it). */
  let handle: number | null = null;

  const onFrame = () => {
    handle = null;
    if (queued.length === 0) return; // quiet again: the next batch is applied at once
    const events = queued;
    queued = [];
    handle = scheduler.request(onFrame);
    deliver(events);
  };

  return {
    push(batch) {
      if (batch.length === 0) return;
      if (handle === null) {
        handle = scheduler.request(onFrame);
        deliver([...batch]);
        return;
      }
      for (const event of batch) queued.push(event);
    },
    flush() {
      if (queued.length === 0) return;
      const events = queued;
      queued = [];
      deliver(events);
    },
    dispose() {
      queued = [];
      if (handle !== null) scheduler.cancel(handle);
      handle = null;
    },
  };
}
