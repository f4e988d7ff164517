// Animation frames run by the test, one at a time (happy-dom runs them on timers, several at once):
// `requestAnimationFrame` and `cancelAnimationFrame` stubbed for each test of the calling file.
import { act } from 'react';
import { afterEach, beforeEach, vi } from 'vitest';

export interface Frames {
  /** Runs the callbacks waiting for the next frame (inside act). */
  next(): void;
  /** How many callbacks wait for the next frame. */
  waiting(): number;
}

/** Registers the hooks of the calling test file. Call it at the top level of the file. */
export function framesPerTest(): Frames {
  const frames = new Map<number, FrameRequestCallback>();
  let last = 0;
  beforeEach(() => {
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
      frames.set(++last, callback);
      return last;
    });
    vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    frames.clear();
  });
  return {
    next() {
      const waiting = [...frames.values()];
      frames.clear();
      act(() => waiting.forEach((callback) => callback(performance.now())));
    },
    waiting: () => frames.size,
  };
}
