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

describe('event queue', () => {
  it('delivers everything that arrived before a frame in one call', () => {
    const frames = manualFrames();
    const delivered: Event[][] = [];
    const queue = createEventQueue((events) => delivered.push(events), frames.scheduler);
    queue.push([token(0), token(1)]);
    queue.push([token(2)]);
    queue.push([]);
    expect(frames.pending()).toBe(1);
    expect(delivered).toEqual([]);
    frames.frame();
    expect(delivered).toEqual([[token(0), token(1), token(2)]]);
    frames.frame();
    expect(delivered).toHaveLength(1);
    queue.push([token(3)]);
    frames.frame();
    expect(delivered).toEqual([[token(0), token(1), token(2)], [token(3)]]);
  });

  it('schedules nothing for an empty batch', () => {
    const frames = manualFrames();
    const queue = createEventQueue(() => {}, frames.scheduler);
    queue.push([]);
    expect(frames.pending()).toBe(0);
  });

  it('flushes now when asked and cancels the frame', () => {
    const frames = manualFrames();
    const delivered: Event[][] = [];
    const queue = createEventQueue((events) => delivered.push(events), frames.scheduler);
    queue.push([token(0)]);
    queue.flush();
    expect(delivered).toEqual([[token(0)]]);
    expect(frames.pending()).toBe(0);
  });

  it('drops what is queued on dispose', () => {
    const frames = manualFrames();
    const delivered: Event[][] = [];
    const queue = createEventQueue((events) => delivered.push(events), frames.scheduler);
    queue.push([token(0)]);
    queue.dispose();
    frames.frame();
    expect(delivered).toEqual([]);
    expect(frames.pending()).toBe(0);
  });
});
