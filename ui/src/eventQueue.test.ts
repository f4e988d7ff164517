import { describe, expect, it } from 'vitest';
import type { Event } from './generated/protocol';
import { createEventQueue, type Scheduler } from './eventQueue';

/** A scheduler whose frames run when the test says so. */
function manualFrames() {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  const scheduler: Scheduler = {
    request(cb) {
      callbacks.set(next, cb);
      return next++;
    },
    cancel(handle) {
      callbacks.delete(handle);
    },
  };
  return {
    scheduler,
    pending: () => callbacks.size,
    frame() {
      const due = [...callbacks.values()];
      callbacks.clear();
      for (const cb of due) cb();
    },
  };
}

const token = (seq: number): Event => ({ run_id: 'r', seq, t_ms: seq, type: 'token', text: String(seq) });

/** A queue on manual frames that records every batch it delivers. */
function recordingQueue() {
  const frames = manualFrames();
  const delivered: Event[][] = [];
  const queue = createEventQueue((events) => delivered.push(events), frames.scheduler);
  return { frames, delivered, queue };
}

describe('event queue', () => {
  it('applies a batch at once when the window is quiet, and what follows at the next frame, together', () => {
    const { frames, delivered, queue } = recordingQueue();
    queue.push([token(0), token(1)]);
    expect(delivered).toEqual([[token(0), token(1)]]);
    queue.push([token(2)]);
    queue.push([]);
    queue.push([token(3)]);
    expect(delivered).toHaveLength(1);
    expect(frames.pending()).toBe(1);
    frames.frame();
    expect(delivered).toEqual([
      [token(0), token(1)],
      [token(2), token(3)],
    ]);
    // Applied in that frame: the next batch waits for the following frame.
    queue.push([token(4)]);
    expect(delivered).toHaveLength(2);
    frames.frame();
    expect(delivered[2]).toEqual([token(4)]);
    // A frame with nothing to apply makes the window quiet again.
    frames.frame();
    expect(frames.pending()).toBe(0);
    queue.push([token(5)]);
    expect(delivered[3]).toEqual([token(5)]);
  });

  it('schedules nothing for an empty batch', () => {
    const { frames, queue } = recordingQueue();
    queue.push([]);
    expect(frames.pending()).toBe(0);
  });

  it('flushes what waits now when asked', () => {
    const { delivered, queue } = recordingQueue();
    queue.push([token(0)]);
    queue.push([token(1)]);
    queue.flush();
    expect(delivered).toEqual([[token(0)], [token(1)]]);
  });

  it('drops what is queued on dispose', () => {
    const { frames, delivered, queue } = recordingQueue();
    queue.push([token(0)]);
    queue.push([token(1)]);
    queue.dispose();
    frames.frame();
    expect(delivered).toEqual([[token(0)]]);
    expect(frames.pending()).toBe(0);
  });
});
