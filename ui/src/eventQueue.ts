// Collects event batches as they arrive from the shell and hands them on at most once per
// animation frame, everything queued in one call (so one state update per frame).
import type { Event } from './generated/protocol';

export interface EventQueue {
  /** Queues a batch; the flush is scheduled if none is. */
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

export function createEventQueue(
  deliver: (events: Event[]) => void,
  scheduler: Scheduler = frameScheduler(),
): EventQueue {
  let queued: Event[] = [];
  let handle: number | null = null;

  const flush = () => {
    if (handle !== null) {
      scheduler.cancel(handle);
      handle = null;
    }
    if (queued.length === 0) return;
    const events = queued;
    queued = [];
    deliver(events);
  };

  return {
    push(batch) {
      if (batch.length === 0) return;
      for (const event of batch) queued.push(event);
      if (handle === null) {
        handle = scheduler.request(() => {
          handle = null;
          flush();
        });
      }
    },
    flush,
    dispose() {
      queued = [];
      if (handle !== null) scheduler.cancel(handle);
      handle = null;
    },
  };
}
