// @vitest-environment happy-dom
// The sample answer drawn once after start-up: after the next frame, off screen and hidden from
// assistive technology, laid out and gone a frame later; once per page; never when an answer came
// first (the component was unmounted before its frame).
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mountPerTest } from '../test-support/dom';
import { framesPerTest } from '../test-support/frames';

const dom = mountPerTest();

const frames = framesPerTest();
const nextFrame = () => frames.next();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  // `WarmUp` remembers that the page is warm: each test loads it afresh.
  vi.resetModules();
});
afterEach(() => vi.useRealTimers());

/** The next frame, then the task it queued. */
function frameAndTask() {
  nextFrame();
  act(() => vi.runAllTimers());
}

const sample = () => dom.byTestId('warm-up');

describe('WarmUp', () => {
  it('draws a sample answer off screen after the next frame, and removes it a frame later', async () => {
    const { WarmUp } = await import('./WarmUp');
    act(() => dom.root.render(<WarmUp />));
    expect(sample()).toBeNull();
    frameAndTask();
    const drawn = sample();
    expect(drawn).not.toBeNull();
    expect(drawn!.getAttribute('aria-hidden')).toBe('true');
    expect(drawn!.classList.contains('warm-up')).toBe(true);
    // Real Markdown: a heading, a list, a code block coloured, a table.
    for (const selector of ['h2', 'li', '.code-block .hljs-keyword', 'table']) expect(drawn!.querySelector(selector)).not.toBeNull();
    nextFrame();
    expect(sample()).toBeNull();
    expect(frames.waiting()).toBe(0);
  });

  it('draws it once per page', async () => {
    const { WarmUp } = await import('./WarmUp');
    act(() => dom.root.render(<WarmUp />));
    frameAndTask();
    nextFrame();
    act(() => dom.root.render(<></>));
    act(() => dom.root.render(<WarmUp />));
    frameAndTask();
    expect(sample()).toBeNull();
  });

  it('draws nothing when an answer is shown before its frame (it is unmounted)', async () => {
    const { WarmUp } = await import('./WarmUp');
    act(() => dom.root.render(<WarmUp />));
    act(() => dom.root.render(<></>));
    frameAndTask();
    expect(sample()).toBeNull();
    // Mounted again later (a new chat), it still has its sample to draw.
    act(() => dom.root.render(<WarmUp />));
    frameAndTask();
    expect(sample()).not.toBeNull();
  });
});
