// @vitest-environment happy-dom
// Colours for streaming code from the highlighter's thread: one request at a time, in order, only a
// chunk's newest text worked on; plain text until the answer, the coloured part kept as the chunk
// grows; a broken worker falls back to the window's thread. The worker here runs the real
// highlighter in this thread when the test says so (the real Worker is used in Chromium:
// ui/browser/highlight.browser.test.mjs).
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mountPerTest } from '../test-support/dom';
import { highlight } from './highlight';
import {
  Highlighter,
  RECOLOUR_MS,
  useHighlightedCode,
  type AtFrame,
  type HighlightRequest,
  type HighlightResult,
  type WorkerLike,
} from './offThreadHighlight';

/** A worker that answers when told to, with the real highlighter. */
class StepWorker implements WorkerLike {
  onmessage: ((event: MessageEvent<HighlightResult>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  readonly received: HighlightRequest[] = [];
  private answered = 0;

  postMessage(message: HighlightRequest): void {
    this.received.push(message);
  }

  /** Answers the oldest request not answered yet. */
  answer(): void {
    const request = this.received[this.answered++];
    if (!request) throw new Error('nothing to answer');
    this.onmessage?.({ data: { id: request.id, html: highlight(request.code, request.language) } } as MessageEvent<HighlightResult>);
  }

  crash(): void {
    this.onerror?.({ message: 'failed to load' } as ErrorEvent);
  }
}

/** Animation frames the test draws itself: answers are handed over only when it does. */
class Frames {
  private due: (() => void)[] = [];
  readonly atFrame: AtFrame = (apply) => {
    this.due.push(apply);
  };
  draw(): void {
    const due = this.due;
    this.due = [];
    for (const apply of due) apply();
  }
}

const frames = new Frames();

const A = 'x = 1\n';
const B = 'x = 1\ny = "two"\n';
const C = 'x = 1\ny = "two"\nz = 3  # three\n';
const D = 'x = 1\ny = "two"\nz = 3  # three\nw = None\n';

describe('Highlighter', () => {
  it('asks one at a time, in order, and never sends what was cancelled before it was sent', () => {
    const worker = new StepWorker();
    const highlighter = new Highlighter(worker, frames.atFrame);
    const got: string[] = [];
    highlighter.request(A, 'python', (html) => got.push(html));
    const b = highlighter.request(B, 'python', (html) => got.push(html));
    highlighter.request(C, 'python', (html) => got.push(html));
    expect(worker.received.map((r) => r.code)).toEqual([A]);
    b.cancel();
    worker.answer();
    // Handed over at the next frame; the next request goes to the worker at once.
    expect(got).toEqual([]);
    expect(worker.received.map((r) => r.code)).toEqual([A, C]);
    frames.draw();
    expect(got).toEqual([highlight(A, 'python')]);
    // B was dropped: C is the next one sent.
    expect(worker.received.map((r) => r.code)).toEqual([A, C]);
    worker.answer();
    frames.draw();
    expect(got).toEqual([highlight(A, 'python'), highlight(C, 'python')]);
    expect(got[1]).toContain('hljs-comment');
  });

  it('highlights here what it was asked when the worker fails, and everything after', () => {
    const worker = new StepWorker();
    const highlighter = new Highlighter(worker, frames.atFrame);
    const got: string[] = [];
    highlighter.request(A, 'python', (html) => got.push(html));
    highlighter.request(B, 'python', (html) => got.push(html));
    worker.crash();
    frames.draw();
    expect(got).toEqual([highlight(A, 'python'), highlight(B, 'python')]);
    highlighter.request(C, 'python', (html) => got.push(html));
    frames.draw();
    expect(got.at(-1)).toBe(highlight(C, 'python'));
    expect(worker.received).toHaveLength(1);
  });
});

const dom = mountPerTest();

function Code({ code, streaming, highlighter }: { code: string; streaming: boolean; highlighter: Highlighter | null }) {
  const { html, plain } = useHighlightedCode(code, 'python', streaming, highlighter);
  return (
    <code>
      <span dangerouslySetInnerHTML={{ __html: html }} />
      {plain}
    </code>
  );
}

describe('useHighlightedCode', () => {
  // Date and timers are the test's: a chunk is coloured again at most every RECOLOUR_MS.
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const shown = () => dom.container.querySelector('code')!;
  /** The coloured part's element. */
  const coloured = () => dom.container.querySelector('code > span')!;
  /** `html` as the DOM writes it back. */
  const asDom = (html: string) => {
    const template = document.createElement('template');
    template.innerHTML = html;
    return template.innerHTML;
  };
  /** The worker answers, and the next frame hands its answer over. */
  const answer = (worker: StepWorker) => {
    act(() => worker.answer());
    act(() => frames.draw());
  };
  const draw = (code: string, streaming: boolean, highlighter: Highlighter | null) =>
    act(() => dom.root.render(<Code code={code} streaming={streaming} highlighter={highlighter} />));

  it('shows streaming code at once as plain text, coloured when the highlighter answers, and keeps the coloured part as it grows', () => {
    const worker = new StepWorker();
    const highlighter = new Highlighter(worker, frames.atFrame);
    draw(A, true, highlighter);
    expect(shown().textContent).toBe(A);
    expect(coloured().innerHTML).toBe('');
    // Not before the frame after the answer: it is painted with that frame's tokens.
    act(() => worker.answer());
    expect(coloured().innerHTML).toBe('');
    act(() => frames.draw());
    expect(coloured().innerHTML).toBe(asDom(highlight(A, 'python')));
    expect(shown().textContent).toBe(A);

    // A new line changes only the plain text: the coloured part is the same element, untouched.
    const before = coloured().firstChild;
    draw(B, true, highlighter);
    expect(shown().textContent).toBe(B);
    expect(coloured().firstChild).toBe(before);
    expect(coloured().innerHTML).toBe(asDom(highlight(A, 'python')));
    expect(shown().querySelector('.hljs-string')).toBeNull();
    // Asked again once RECOLOUR_MS have passed since the last answer.
    expect(worker.received).toHaveLength(1);
    act(() => vi.advanceTimersByTime(RECOLOUR_MS));
    expect(worker.received.map((r) => r.code)).toEqual([A, B]);
    answer(worker);
    expect(coloured().innerHTML).toBe(asDom(highlight(B, 'python')));
    expect(shown().querySelector('.hljs-string')?.textContent).toBe('"two"');
    expect(shown().textContent).toBe(B);
  });

  it('while lines come faster than RECOLOUR_MS, colours a chunk at most once per RECOLOUR_MS, with its newest text', () => {
    const worker = new StepWorker();
    const highlighter = new Highlighter(worker, frames.atFrame);
    draw(A, true, highlighter);
    answer(worker);
    // Three lines within the interval: none is asked for until it is due; then only the newest.
    act(() => vi.advanceTimersByTime(RECOLOUR_MS / 4));
    draw(B, true, highlighter);
    act(() => vi.advanceTimersByTime(RECOLOUR_MS / 4));
    draw(C, true, highlighter);
    act(() => vi.advanceTimersByTime(RECOLOUR_MS / 4));
    draw(D, true, highlighter);
    expect(worker.received.map((r) => r.code)).toEqual([A]);
    expect(shown().textContent).toBe(D);
    act(() => vi.advanceTimersByTime(RECOLOUR_MS / 4 - 1));
    expect(worker.received).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1));
    expect(worker.received.map((r) => r.code)).toEqual([A, D]);
    answer(worker);
    expect(coloured().innerHTML).toBe(asDom(highlight(D, 'python')));
    expect(shown().textContent).toBe(D);
  });

  it('when the code stops streaming, uses the answer it has, or highlights here', () => {
    const worker = new StepWorker();
    const highlighter = new Highlighter(worker, frames.atFrame);
    draw(A, true, highlighter);
    answer(worker);
    draw(A, false, highlighter);
    expect(coloured().innerHTML).toBe(asDom(highlight(A, 'python')));
    expect(worker.received).toHaveLength(1);

    draw(C, true, highlighter);
    draw(C, false, highlighter);
    expect(coloured().innerHTML).toBe(asDom(highlight(C, 'python')));
    expect(shown().textContent).toBe(C);
  });

  it('highlights on the window thread where there is no worker', () => {
    draw(C, true, null);
    expect(coloured().innerHTML).toBe(asDom(highlight(C, 'python')));
  });
});
